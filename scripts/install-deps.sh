#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what building, testing and documenting libpmemset needs on
# Debian 12 (run as root, or with sudo available).
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
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${packages[@]}"
