#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# compare-builds.sh [-r ROUNDS] [-f FILTER]... OLD_REV NEW_REV
# Builds pmemset-bench at two git revisions (worktrees in a scratch
# directory, RelWithDebInfo) and runs the same cases with the old and the new
# build alternately, ROUNDS times (default 11), so both see the same machine.
# Prints, per case, the median over the rounds of side A's median ns per
# operation for each build, and new/old.
# Default cases: one thread's by_address+drop at 1k and 10k part maps.
# Example: bench/compare-builds.sh main h17rcu
set -euo pipefail
rounds=11
filters=()
while getopts "r:f:" opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	f) filters+=("$OPTARG") ;;
	*) echo "usage: $0 [-r ROUNDS] [-f FILTER]... OLD_REV NEW_REV" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "usage: $0 [-r ROUNDS] [-f FILTER]... OLD_REV NEW_REV" >&2; exit 2; }
[ ${#filters[@]} -gt 0 ] || filters=(
	"lookup/part_map_by_address+drop, 1000 part maps"
	"lookup/part_map_by_address+drop, 10000 part maps")
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
cleanup() {
	for side in old new; do
		git -C "$repo" worktree remove --force "$work/$side" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

for side in old new; do
	rev=$1; shift
	git -C "$repo" worktree add --detach "$work/$side" "$rev" >/dev/null
	cmake -S "$work/$side" -B "$work/$side/build" -DBUILD_TESTING=OFF \
		-DPMEMSET_DOC=OFF -DPMEMSET_EXAMPLES=OFF >/dev/null
	cmake --build "$work/$side/build" --target pmemset-bench -j"$(nproc)" >/dev/null
	echo "$side: $rev ($(git -C "$work/$side" rev-parse --short HEAD))"
done

# side A's median of one case, one run
one_run() {
	"$work/$1/build/bench/pmemset-bench" --filter "$2" --reps 5 --csv |
		awk -F'"' 'NR > 1 { split($3, f, ","); print f[3]; exit }'
}

for filter in "${filters[@]}"; do
	: >"$work/old.txt"
	: >"$work/new.txt"
	for ((i = 0; i < rounds; i++)); do
		# flip the order every round, as the harness does
		if ((i % 2)); then order=(new old); else order=(old new); fi
		for side in "${order[@]}"; do
			one_run "$side" "$filter" >>"$work/$side.txt"
		done
	done
	old=$(sort -g "$work/old.txt" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	new=$(sort -g "$work/new.txt" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	awk -v f="$filter" -v o="$old" -v n="$new" -v r="$rounds" 'BEGIN {
		printf "%s: old %.2f ns, new %.2f ns, new/old %.3f (%d rounds)\n",
			f, o, n, n / o, r }'
done
