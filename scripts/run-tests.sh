#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite, as CI runs it, with warnings as errors:
#   plain      every test (unit, examples, packaging, Debian packages, docs,
#              benchmark quick mode)
#   asan       every test under AddressSanitizer + UndefinedBehaviorSanitizer
#   valgrind   every test under valgrind memcheck (leaks are errors)
#   tsan       the thread tests under ThreadSanitizer
#   clang      everything built by clang (warnings as errors), unit tests run
#   fuzz       a short libFuzzer session (scripts/fuzz.sh, clang)
#   pmem       the tests labelled "pmem" on persistent memory: built here,
#              run in a QEMU guest with an emulated NVDIMM
#              (scripts/pmem-vm.sh) with their files on ext4 -o dax and a
#              Device DAX device, then scripts/test-real-pmem.sh there; on
#              this machine's own when PMEMSET_PMEM_DIR and PMEMSET_DEVDAX
#              are set
# Usage: scripts/run-tests.sh [plain|clang|asan|valgrind|tsan|fuzz|pmem ...]
#        (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(plain clang asan valgrind tsan fuzz pmem)

build() {
	local dir=$1; shift
	cmake -S . -B "$dir" -DPMEMSET_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}

# The pmem configuration. With PMEMSET_PMEM_DIR set (a directory on a file
# system mounted with -o dax) and PMEMSET_DEVDAX (a Device DAX device), it
# runs on this machine's persistent memory; otherwise in the guest of
# scripts/pmem-vm.sh, which mounts its DAX file system at
# /run/pmem-vm/fsdax. PMEMSET_TEST_REQUIRE_PMEM=1 turns the pmem tests'
# "skipped: no DAX" into a failure. Under TCG the guest runs many times
# slower than the host: the label is the subset that fits in minutes
# (tests/README.md).
pmem_config() {
	local dir=build-ci-pmem
	local test_dir=${PMEMSET_PMEM_DIR:-/run/pmem-vm/fsdax}
	cmake -S . -B "$dir" -DPMEMSET_WERROR=ON -DPMEMSET_TEST_DIR="$test_dir" \
		-DPMEMSET_BENCH=OFF -DPMEMSET_DOC=OFF -DPMEMSET_POWERCUT_VM=ON >/dev/null
	cmake --build "$dir" -j"$jobs" --target pmem-tests powercut_log
	echo "pmem: label pmem, on fsdax ($test_dir) and Device DAX:" \
		"$(ctest --test-dir "$dir" -N -L "^pmem$" | sed -n 's/^ *Test *#[0-9]*: //p' | paste -sd' ')"
	echo "pmem: then scripts/test-real-pmem.sh: sds_test sds_crash_test" \
		"badblock_test without the fake device (it says what it skips)"
	echo "pmem: NOT run on persistent memory (the other configurations" \
		"run them on tmpfs; under TCG too slow, or not about the medium;" \
		"see tests/README.md):" \
		"$(ctest --test-dir "$dir" -N -LE "^pmem$" | sed -n 's/^ *Test *#[0-9]*: //p' |
			grep -vxE 'sds_test|sds_crash_test|badblock_test|powercut_vm' | paste -sd' ')"
	local suite='
		ctest --test-dir "$1" --output-on-failure -j2 -L "^pmem\$" \
			--no-tests=error
		r=$?
		scripts/test-real-pmem.sh "$1" || r=1
		exit $r'
	if [ -n "${PMEMSET_PMEM_DIR:-}" ]; then
		echo "pmem: on this machine: PMEMSET_PMEM_DIR=$PMEMSET_PMEM_DIR" \
			"PMEMSET_DEVDAX=${PMEMSET_DEVDAX:-(not set)}"
		PMEMSET_TEST_REQUIRE_PMEM=1 bash -c "$suite" pmem "$dir"
	else
		echo "pmem: in a QEMU guest with an emulated NVDIMM (scripts/pmem-vm.sh)"
		scripts/pmem-vm.sh --env PMEMSET_TEST_REQUIRE_PMEM=1 -- \
			bash -c "$suite" pmem-guest "$dir"
		# boots its own guests and kills them: only the emulation can
		echo "pmem: power cuts: 3 SIGKILLs of the guest (tests/powercut)"
		ctest --test-dir "$dir" --output-on-failure -L "^pmem_vm$" \
			--no-tests=error
	fi
}

for config in "${configs[@]}"; do
	echo "=== $config ==="
	case $config in
	plain)
		# /usr: the Debian layout (lib/<multiarch>) that deb_test packages.
		# deb_test (label "package") installs the packages into THIS
		# machine's /usr with dpkg when run as root, as CI is, on a
		# throwaway machine, and purges them; not root, it skips that part.
		build build-ci-plain -DCMAKE_INSTALL_PREFIX=/usr
		ctest --test-dir build-ci-plain --output-on-failure -j2
		;;
	asan)
		build build-ci-asan -DPMEMSET_ASAN=ON
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			ctest --test-dir build-ci-asan --output-on-failure -j2 \
				-LE "bench|doc"
		;;
	valgrind)
		build build-ci-valgrind "-DPMEMSET_TEST_WRAPPER=valgrind;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite;--track-fds=no;--quiet"
		ctest --test-dir build-ci-valgrind --output-on-failure -j2 \
			-LE "no_valgrind|packaging|doc|bench"
		;;
	tsan)
		build build-ci-tsan -DPMEMSET_TSAN=ON -DPMEMSET_EXAMPLES=OFF \
			-DPMEMSET_BENCH=OFF -DPMEMSET_DOC=OFF
		ctest --test-dir build-ci-tsan --output-on-failure -L tsan
		;;
	clang)
		# a second compiler's warnings (gcc alone missed -Wstring-plus-int)
		CC=clang CXX=clang++ build build-ci-clang
		ctest --test-dir build-ci-clang --output-on-failure -j2 \
			-LE "bench|doc|packaging|package"
		;;
	fuzz)
		PMEMSET_FUZZ_BUILD=build-ci-fuzz scripts/fuzz.sh
		;;
	pmem)
		pmem_config
		;;
	*)
		echo "unknown configuration: $config" >&2
		exit 2
		;;
	esac
done
echo "all configurations passed: ${configs[*]}"
echo "configurations: ${#configs[@]} passed, 0 failed"
