#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what building, testing and documenting libpmemset needs on
# Debian 12 (run as root, or with sudo available).
#
# usage: scripts/install-deps.sh [--pmem-vm | --pmem-vm-only]
#   --pmem-vm       also what scripts/pmem-vm.sh needs to boot a guest with an
#                   emulated NVDIMM (the `pmem` configuration of
#                   scripts/run-tests.sh): QEMU, a Debian kernel image for the
#                   guest (installing it does not change the running kernel),
#                   a static busybox for its initramfs, ndctl
#   --pmem-vm-only  only those
set -euo pipefail
packages=(
	build-essential cmake pkg-config
	libpmem2-dev libndctl-dev libdaxctl-dev libcmocka-dev
	valgrind pandoc man-db groff-base jq gnuplot-nox
	clang libclang-rt-14-dev binutils lcov
	python3 python3-prometheus-client util-linux
	dpkg-dev file lintian
)
# the USDT probes (sys/sdt.h) and their gdb test
packages+=(systemtap-sdt-dev gdb)
pmem_vm_packages=(
	qemu-system-x86 linux-image-amd64 busybox-static ndctl
	e2fsprogs cpio kmod
)
case ${1:-} in
"") ;;
--pmem-vm) packages+=("${pmem_vm_packages[@]}") ;;
--pmem-vm-only) packages=("${pmem_vm_packages[@]}") ;;
*) echo "usage: $0 [--pmem-vm | --pmem-vm-only]" >&2; exit 2 ;;
esac
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${packages[@]}"
