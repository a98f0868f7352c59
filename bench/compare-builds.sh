#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# compare-builds.sh [-r ROUNDS] [-a [-p REPS]] [-f FILTER]... OLD_REV NEW_REV
# Builds pmemset-bench at two git revisions (worktrees in a scratch
# directory, RelWithDebInfo) and runs the same cases with the old and the new
# build alternately, ROUNDS times (default 11), so both see the same machine.
# Prints, per case, each build's median over the rounds of side A's median
# ns per operation, and the median of the rounds' new/old ratios, each with
# its quartiles.
# Default cases: one thread's by_address+drop at 1k and 10k part maps.
# -a: every case instead: each round runs the whole benchmark once per
# build (REPS repetitions a case, default 5), and a case whose median ratio
# is above 1.03 is marked.
# Example: bench/compare-builds.sh main h17rcu
set -euo pipefail
rounds=11
filters=()
all=false
reps=5
usage="usage: $0 [-r ROUNDS] [-a [-p REPS]] [-f FILTER]... OLD_REV NEW_REV"
while getopts "r:f:ap:" opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	f) filters+=("$OPTARG") ;;
	a) all=true ;;
	p) reps=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
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

if $all; then
	for ((i = 0; i < rounds; i++)); do
		if ((i % 2)); then order=(new old); else order=(old new); fi
		for side in "${order[@]}"; do
			"$work/$side/build/bench/pmemset-bench" --reps "$reps" \
				--csv >"$work/$side.$i.csv"
		done
	done
	# per case: the median over the rounds of new/old (side A's medians)
	python3 - "$work" "$rounds" <<'PY'
import csv, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def side(name, i):
    with open(f"{work}/{name}.{i}.csv") as f:
        return {(r["group"], r["case"]): float(r["a_median_ns"])
                for r in csv.DictReader(f)}
ratios = {}
for i in range(rounds):
    old, new = side("old", i), side("new", i)
    for k in old.keys() & new.keys():
        if old[k] > 0:
            ratios.setdefault(k, []).append(new[k] / old[k])
worst = 0
for k in sorted(ratios):
    q = statistics.quantiles(ratios[k], n=4) if len(ratios[k]) > 1 else \
        ratios[k] * 3
    med = statistics.median(ratios[k])
    mark = "  > 1.03" if med > 1.03 else ""
    worst = max(worst, med)
    print(f"{k[0]}/{k[1]}: new/old {med:.3f} ({q[0]:.3f}-{q[2]:.3f}){mark}")
print(f"{len(ratios)} cases, {rounds} rounds; highest median ratio {worst:.3f}")
PY
	exit 0
fi

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
