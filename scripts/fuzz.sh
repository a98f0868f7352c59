#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The call-sequence fuzzer (tests/fuzz/fuzz_calls.c) under libFuzzer, with
# the library's objects built by clang with ASan, UBSan and coverage
# feedback, in a build directory of its own; then the reader of live
# publications (tests/fuzz/fuzz_publication.c) for a quarter of that time.
#   scripts/fuzz.sh                a short session (60 s: what CI runs)
#   scripts/fuzz.sh --long         a long one (PMEMSET_FUZZ_TIME, default 4 h),
#                                  after thousands of crash_test rounds
#                                  (PMEMSET_CRASH_ROUNDS, default 5000)
#   scripts/fuzz.sh -- ARGS...     extra libFuzzer options (e.g. -runs=1000)
# New inputs go to a scratch corpus (build dir), never into the repository's
# seed corpus; crashes are written to build-fuzz/artifacts/ and fail the run.
# Needs clang and libclang-rt-14-dev (the libFuzzer runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${PMEMSET_FUZZ_BUILD:-build-fuzz}
time=60
jobs=1
long=false
if [ "${1:-}" = "--long" ]; then
	time=${PMEMSET_FUZZ_TIME:-14400}
	jobs=$(nproc)
	long=true
	shift
fi
[ "${1:-}" != "--" ] || shift

if $long; then
	# the kill-at-random-moments test, many rounds, under ASan (gcc)
	cmake -S . -B "$dir-crash" -DPMEMSET_ASAN=ON -DPMEMSET_DOC=OFF \
		-DPMEMSET_BENCH=OFF -DPMEMSET_EXAMPLES=OFF >/dev/null
	cmake --build "$dir-crash" --target crash_test -j"$(nproc)" >/dev/null
	PMEMSET_CRASH_ROUNDS=${PMEMSET_CRASH_ROUNDS:-5000} \
		ctest --test-dir "$dir-crash" -R '^crash_test$' -V --timeout 7200 |
		grep -E 'rounds|Passed|Failed|ERROR'
fi

command -v clang >/dev/null || {
	echo "fuzz.sh: clang is missing (apt-get install -y clang" \
		"libclang-rt-14-dev)" >&2
	exit 2
}
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	-DPMEMSET_FUZZ=ON -DPMEMSET_ASAN=ON -DPMEMSET_DOC=OFF -DPMEMSET_WERROR=ON \
	-DPMEMSET_BENCH=OFF -DPMEMSET_EXAMPLES=OFF >/dev/null
cmake --build "$dir" --target fuzz_calls fuzz_publication -j"$(nproc)" \
	>/dev/null

corpus=$dir/corpus
artifacts=$dir/artifacts
mkdir -p "$corpus" "$artifacts"
echo "fuzz.sh: $time s, corpus $corpus (seeds: tests/fuzz/corpus)"
# The harness aborts on a model mismatch: that is a crash to libFuzzer.
# Fork mode: libpmem2 1.12.1 leaks a kernel mapping per deleted vm
# reservation (coalescing makes one per part map), so one process would
# reach vm.max_map_count after some 10^5 inputs; forked jobs start afresh.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$dir/tests/fuzz_calls" -fork="$jobs" -max_total_time="$time" \
	-max_len=2048 \
	-timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$@" "$corpus" tests/fuzz/corpus

# the publication reader: pure parsing, no fork mode needed
pub_corpus=$dir/publication_corpus
mkdir -p "$pub_corpus"
echo "fuzz.sh: publication reader, $((time / 4 + 1)) s, corpus $pub_corpus" \
	"(seeds: tests/fuzz/publication_corpus)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$dir/tests/fuzz_publication" -max_total_time="$((time / 4 + 1))" \
	-max_len=8192 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$@" "$pub_corpus" \
	tests/fuzz/publication_corpus
