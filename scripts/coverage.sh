#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Line and branch coverage of the library (src/ only) by the whole test
# suite, with gcov and lcov.
#   scripts/coverage.sh [build-dir] [-- extra ctest arguments]
# Builds with -DPMEMSET_COVERAGE=ON in build-dir (default build-cov), runs
# ctest, prints the summary and writes an HTML report to
# build-dir/coverage/index.html (when genhtml is there).
# Needs lcov (apt-get install -y lcov).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=build-cov
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	dir=$1
	shift
fi
[ "${1:-}" != "--" ] || shift
command -v lcov >/dev/null || {
	echo "coverage.sh: lcov is missing (apt-get install -y lcov)" >&2
	exit 2
}

# atomic counters: the thread tests would otherwise race on them
cmake -S . -B "$dir" -DPMEMSET_COVERAGE=ON -DPMEMSET_DOC=OFF \
	-DPMEMSET_BENCH=OFF -DCMAKE_C_FLAGS=-fprofile-update=atomic >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null

# branch counts are off by default in lcov 1.x; the flag differs in 2.x
rc=(--rc lcov_branch_coverage=1)
lcov --quiet --zerocounters --directory "$dir"
# a failing test still counts: report what ran, then say so
status=0
ctest --test-dir "$dir" -j2 --output-on-failure "$@" || status=$?

info=$dir/coverage.info
lcov --quiet "${rc[@]}" --capture --directory "$dir/src" \
	--base-directory "$root" --output-file "$info.all" 2>/dev/null
lcov --quiet "${rc[@]}" --extract "$info.all" "$root/src/*" \
	--output-file "$info"
rm -f "$info.all"
echo "=== coverage of src/ ==="
lcov "${rc[@]}" --summary "$info" 2>&1 | grep -E 'lines|functions|branches'
if command -v genhtml >/dev/null; then
	genhtml --quiet "${rc[@]}" --output-directory "$dir/coverage" "$info" \
		>/dev/null && echo "report: $dir/coverage/index.html"
fi
if [ $status -ne 0 ]; then
	echo "coverage.sh: some tests failed (ctest exit $status)" >&2
fi
exit $status
