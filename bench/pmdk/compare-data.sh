#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# compare-data.sh [-r ROUNDS] PMDK_SRC
# Times, through our libpmemset, PMDK 1.12.1's and raw libpmem2, all from
# one probe (data_probe.c):
#   - part_map_by_address + part_map_drop at 4,096 random addresses (fixed
#     seed, the same places on every side) in sets of 1,000 and 10,000
#     part maps of 4 KiB, not coalesced; raw: pmem2_vm_reservation_map_find
#     in a reservation holding as many 4 KiB maps
#   - persist of 64 B at BYTE granularity (PMEM2_FORCE_GRANULARITY=BYTE);
#     raw: the pmem2_get_persist_fn of a pmem2 map of the same kind
# Each run of a side reports the minimum over its short batches (passes
# over the 4,096 addresses, the two sizes alternating; 1,000 persists).
# The sides run one after the other ROUNDS times (default 9), each round
# starting with the next side; printed are each side's median over the
# rounds with its quartiles, and the medians (quartiles) of the rounds'
# ratios: to the raw side of the same round, and 10k / 1k within a run.
#
# PMDK_SRC is a PMDK checkout at tag 1.12.1 with its libraries built (see
# probe.sh). Files go to /dev/shm. Our library is built from this tree
# (RelWithDebInfo) in a scratch directory.
set -euo pipefail
rounds=9
usage() { echo "usage: $0 [-r ROUNDS] PMDK_SRC" >&2; exit 2; }
while getopts "r:" opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
[[ $rounds =~ ^[1-9][0-9]*$ ]] || usage
here=$(cd "$(dirname "$0")" && pwd)
. "$here/probe.sh"
work=$(mktemp -d)
trap 'rm -rf "$work" /dev/shm/pmemset-data-probe.*' EXIT
probe_build "$here/data_probe.c" "$1"

small=1000
large=10000
sides=(ours pmdk raw)
for ((i = 0; i < rounds; i++)); do
	for ((j = 0; j < ${#sides[@]}; j++)); do
		side=${sides[(i + j) % ${#sides[@]}]}
		# the raw side runs on Debian's libpmem2, as pmemset-bench's B
		if [ "$side" = raw ]; then set -- ours raw; else set -- "$side" set; fi
		# a round's line of every side holds: 1k 10k persist
		PMEM2_FORCE_GRANULARITY=BYTE "$work/$1.bin" "$2" /dev/shm \
			"$small" "$large" >"$work/$side.$i"
	done
	for side in "${sides[@]}"; do
		cat "$work/$side.$i" >>"$work/$side.txt"
	done
done

# median (q1-q3) over the rounds of an awk expression of the files' columns
# ($1-$3: the first file's 1k, 10k, persist; $4-$6: the second's), with
# printf format fmt
stat() {
	local fmt=$1 expr=$2; shift 2
	paste -d' ' "$@" | awk "{ print $expr }" | quartiles |
		{ read -r q1 med q3; printf "$fmt ($fmt-$fmt)" "$med" "$q1" "$q3"; }
}
row() { printf "%-16s %-26s %-26s %s\n" "$@" | sed "s/ *$//"; }
echo "$rounds rounds, ns per operation (each run: the minimum of its batches);"
echo "median over the rounds (quartiles):"
row "" "lookup+drop @$small" "lookup+drop @$large" "persist 64 B BYTE"
for side in "${sides[@]}"; do
	f=$work/$side.txt
	row "$side" "$(stat %.2f '$1' "$f")" "$(stat %.2f '$2' "$f")" \
		"$(stat %.2f '$3' "$f")"
done
echo "medians of the rounds' ratios (quartiles):"
for side in ours pmdk; do
	f=$work/$side.txt r=$work/raw.txt
	row "$side / raw" "$(stat %.3f '$1 / $4' "$f" "$r")" \
		"$(stat %.3f '$2 / $5' "$f" "$r")" \
		"$(stat %.3f '$3 / $6' "$f" "$r")"
done
for side in "${sides[@]}"; do
	row "$side $large/$small" "$(stat %.3f '$2 / $1' "$work/$side.txt")"
done
