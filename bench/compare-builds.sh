#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# compare-builds.sh [-r ROUNDS] [-f FILTER]... OLD_REV NEW_REV
# Builds pmemset-bench at two git revisions (worktrees in a scratch
# directory, RelWithDebInfo) and runs the same cases with the old and the new
# build alternately, ROUNDS times (default 11), so both see the same machine.
# Prints, per case, each build's median over the rounds of side A's median
# ns per operation, and the median of the rounds' new/old ratios, each with
# its quartiles.
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

# first quartile, median and third quartile of the numbers in file $1
quartiles() {
	sort -g "$1" | awk '{v[NR] = $1} END {
		print v[int((NR + 3) / 4)], v[int((NR + 1) / 2)],
			v[int((3 * NR + 3) / 4)] }'
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
	# The machine drifts between fast and slow phases of a few seconds,
	# so a median over the rounds can catch one build in each; the two
	# runs of a round are a second apart, and their ratio cancels a phase.
	paste "$work/old.txt" "$work/new.txt" |
		awk '{ print $2 / $1 }' | sort -g >"$work/ratio.txt"
	read -r o25 old o75 < <(quartiles "$work/old.txt")
	read -r n25 new n75 < <(quartiles "$work/new.txt")
	read -r r25 ratio r75 < <(quartiles "$work/ratio.txt")
	awk -v f="$filter" -v r="$rounds" -v o="$old" -v o25="$o25" \
		-v o75="$o75" -v n="$new" -v n25="$n25" -v n75="$n75" \
		-v q="$ratio" -v q25="$r25" -v q75="$r75" 'BEGIN {
		printf "%s (%d rounds): old %.2f ns (%.2f-%.2f), " \
			"new %.2f ns (%.2f-%.2f), new/old per round %.3f " \
			"(%.3f-%.3f)\n", f, r, o, o25, o75, n, n25, n75,
			q, q25, q75 }'
done
