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
# Usage: scripts/run-tests.sh [plain|asan|valgrind|tsan|fuzz ...] (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(plain clang asan valgrind tsan fuzz)

build() {
	local dir=$1; shift
	cmake -S . -B "$dir" -DPMEMSET_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
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
	*)
		echo "unknown configuration: $config" >&2
		exit 2
		;;
	esac
done
echo "all configurations passed: ${configs[*]}"
echo "configurations: ${#configs[@]} passed, 0 failed"
