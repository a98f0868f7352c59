#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# compare-map.sh [-r ROUNDS] [-n PARTS] PMDK_SRC
# Maps PARTS (default 10000) parts of 4 KiB, not coalesced, through our
# libpmemset, through PMDK 1.12.1's and through a raw libpmem2 loop, all
# from one probe (map_probe.c), alternating ROUNDS times (default 9), and
# prints each side's median ns per part with its quartiles, and the medians
# of the rounds' ratios to the raw loop.
#
# PMDK_SRC is a PMDK checkout at tag 1.12.1 with its libraries built:
#   git clone https://github.com/pmem/pmdk && cd pmdk && git checkout 1.12.1
#   make -j"$(nproc)" -C src libpmemset DOC=n
# Files go to /dev/shm. Our library is built from this tree (RelWithDebInfo).
set -euo pipefail
rounds=9
parts=10000
while getopts "r:n:" opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	n) parts=$OPTARG ;;
	*) echo "usage: $0 [-r ROUNDS] [-n PARTS] PMDK_SRC" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-r ROUNDS] [-n PARTS] PMDK_SRC" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/probe.sh"
work=$(mktemp -d)
trap 'rm -rf "$work" /dev/shm/pmemset-map-probe.*' EXIT
probe_build "$here/map_probe.c" "$1"

file=/dev/shm/pmemset-map-probe.$$
sides=("ours temp" "pmdk temp" "ours file" "pmdk file" "raw file")
for ((i = 0; i < rounds; i++)); do
	for side in "${sides[@]}"; do
		read -r bin kind <<<"$side"
		# the raw loop runs on Debian's libpmem2, as pmemset-bench's B
		if [ "$bin" = raw ]; then mode=raw bin=ours; else mode=set; fi
		if [ "$kind" = temp ]; then where=/dev/shm; else where=$file; fi
		ns=$("$work/$bin.bin" "$mode" "$kind" "$where" "$parts")
		echo "$ns" >>"$work/${side/ /-}.txt"
	done
done

echo "map $parts x 4 KiB parts, not coalesced, $rounds rounds, ns per part:"
for side in "${sides[@]}"; do
	read -r bin kind <<<"$side"
	read -r q1 med q3 < <(quartiles <"$work/${side/ /-}.txt")
	line=$(printf "%-10s %-5s %8.0f (%.0f-%.0f)" "$bin" "$kind" \
		"$med" "$q1" "$q3")
	if [ "$bin" != raw ]; then
		# each round's ratio to that round's raw loop
		read -r r1 rmed r3 < <(paste "$work/${side/ /-}.txt" \
			"$work/raw-file.txt" | awk '{ print $1 / $2 }' |
			quartiles)
		line+=$(printf "   / raw loop %.3f (%.3f-%.3f)" "$rmed" "$r1" "$r3")
	fi
	echo "$line"
done
