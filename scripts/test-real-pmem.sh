#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test-real-pmem.sh -- runs the SDS and bad-block tests on real persistent
# memory, with nothing faked: the unsafe-shutdown count and device id come
# from the device, and bad blocks are injected with `ndctl inject-error`.
#
# usage: scripts/test-real-pmem.sh [build-dir]        (default: build)
#
#   PMEMSET_PMEM_DIR   a directory on a file system mounted with -o dax on
#                      an fsdax namespace (default: found from `ndctl list`)
#
# Needs ndctl, python3 (to read ndctl's JSON) and filefrag; injecting bad
# blocks needs root. Whatever is missing, the script says what it skipped
# and why, and exits 0 (77 is not used: CI treats a skip as a pass).
# It exits non-zero only when a test that ran failed.

set -u

BUILD=${1:-build}
TESTS="$BUILD/tests"
FAILED=0

say() { echo "test-real-pmem: $*"; }
skip_all() { say "SKIPPED: $*"; exit 0; }

for t in sds_test sds_crash_test badblock_test; do
	[ -x "$TESTS/$t" ] || {
		say "$TESTS/$t is missing: build first (cmake -B $BUILD && cmake --build $BUILD)"
		exit 2
	}
done

command -v ndctl >/dev/null 2>&1 ||
	skip_all "ndctl is not installed, so no namespace can be found (apt-get install ndctl)"
command -v python3 >/dev/null 2>&1 ||
	skip_all "python3 is needed to read the JSON of 'ndctl list'"

NS_JSON=$(ndctl list --namespaces 2>/dev/null)
if [ -z "$NS_JSON" ] || [ "$NS_JSON" = "[]" ]; then
	skip_all "'ndctl list' shows no namespace: this machine has no persistent memory ($(find /sys/bus/nd/devices -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) devices under /sys/bus/nd)"
fi

# "namespace blockdev mode" per line
NAMESPACES=$(printf '%s' "$NS_JSON" | python3 -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict):
    d = d.get("namespaces", [d])
for ns in d:
    print(ns.get("dev", "?"), ns.get("blockdev", "-"), ns.get("mode", "?"))
')
say "namespaces: $(echo "$NAMESPACES" | tr '\n' ';')"

# the directory, its block device and its namespace
NS=""
BLOCKDEV=""
if [ -n "${PMEMSET_PMEM_DIR:-}" ]; then
	DIR=$PMEMSET_PMEM_DIR
	SRC=$(findmnt -n -o SOURCE --target "$DIR" 2>/dev/null | head -n 1)
	BLOCKDEV=${SRC#/dev/}
	NS=$(echo "$NAMESPACES" | awk -v b="$BLOCKDEV" '$2 == b {print $1}')
else
	DIR=""
	while read -r ns bdev mode; do
		if [ "$mode" != "fsdax" ] || [ "$bdev" = "-" ]; then
			continue
		fi
		mnt=$(findmnt -n -o TARGET,OPTIONS "/dev/$bdev" 2>/dev/null |
			awk '$2 ~ /(^|,)dax(=always)?(,|$)/ {print $1; exit}')
		if [ -n "$mnt" ]; then
			DIR=$mnt
			NS=$ns
			BLOCKDEV=$bdev
			break
		fi
	done <<< "$NAMESPACES"
fi
[ -n "$DIR" ] ||
	skip_all "no fsdax namespace is mounted with -o dax (e.g. mkfs.ext4 /dev/pmem0 && mount -o dax /dev/pmem0 /mnt/pmem), and PMEMSET_PMEM_DIR is not set; these tests need files on DAX"
[ -w "$DIR" ] || skip_all "$DIR is not writable by $(id -un)"
say "using $DIR (namespace ${NS:-unknown}, /dev/${BLOCKDEV:-?})"

run() {
	local name=$1
	shift
	say "running $name $*"
	if ! env PMEMSET_TEST_REAL_PMEM=1 PMEMSET_TEST_DIR="$DIR" "$@" "$TESTS/$name"; then
		say "FAILED: $name"
		FAILED=1
	fi
}

# SDS: only if the device reports an unsafe-shutdown count (emulated pmem,
# memmap=..., has no DIMM to report one)
PROBE=$("$BUILD/examples/sds_badblocks" "$DIR/pmemset-real-probe.pool" 2>&1)
rm -f "$DIR/pmemset-real-probe.pool"
if echo "$PROBE" | grep -q "shutdown state: OK"; then
	run sds_test
	run sds_crash_test
elif echo "$PROBE" | grep -q "reports no unsafe shutdown count"; then
	say "SKIPPED the SDS tests: the device under $DIR reports no unsafe shutdown count (emulated persistent memory?)"
else
	say "FAILED: the example could not open a pool in $DIR:"
	echo "$PROBE"
	FAILED=1
fi

# bad blocks: inject one into a file, let the test find and clear it
inject_badblocks() {
	[ "$(id -u)" = 0 ] || {
		say "SKIPPED injecting bad blocks: 'ndctl inject-error' needs root"
		return 1
	}
	command -v filefrag >/dev/null 2>&1 || {
		say "SKIPPED injecting bad blocks: filefrag (e2fsprogs) is needed to find the file's blocks"
		return 1
	}
	[ -n "$NS" ] || {
		say "SKIPPED injecting bad blocks: no namespace found for $DIR"
		return 1
	}
	BBFILE="$DIR/pmemset-real-badblock.$$"
	dd if=/dev/zero of="$BBFILE" bs=1M count=4 conv=fsync status=none || return 1
	# first extent, in 512-byte sectors of the block device: the
	# namespace-relative blocks inject-error takes
	BLOCK=$(filefrag -v -b512 "$BBFILE" | awk '$1 == "0:" {
		split($4, a, "."); print a[1]; exit }')
	[ -n "$BLOCK" ] || { say "cannot find the blocks of $BBFILE"; return 1; }
	# one 4 KiB page, 64 KiB into the file
	BLOCK=$((BLOCK + 128))
	COUNT=8
	say "injecting $COUNT bad sectors at block $BLOCK of $NS"
	ndctl inject-error --block="$BLOCK" --count="$COUNT" "$NS" || return 1
	# the kernel learns of them at the next address-range scrub
	ndctl start-scrub >/dev/null 2>&1 && ndctl wait-scrub >/dev/null 2>&1
	if [ -r "/sys/block/$BLOCKDEV/badblocks" ]; then
		say "/sys/block/$BLOCKDEV/badblocks: $(tr '\n' ';' < "/sys/block/$BLOCKDEV/badblocks")"
	fi
	return 0
}

# the test cleared the blocks by writing them (libpmem2 punches a hole and
# allocates it again); this only takes the injection out of the firmware
# shellcheck disable=SC2317 # called by the trap
uninject_badblocks() {
	if [ -n "${BLOCK:-}" ]; then
		ndctl inject-error --uninject --block="$BLOCK" --count="$COUNT" "$NS" >/dev/null 2>&1
		ndctl start-scrub >/dev/null 2>&1 && ndctl wait-scrub >/dev/null 2>&1
	fi
	if [ -n "${BBFILE:-}" ]; then
		rm -f "$BBFILE"
	fi
	return 0
}

trap uninject_badblocks EXIT

if inject_badblocks; then
	run badblock_test PMEMSET_TEST_BADBLOCK_FILE="$BBFILE"
else
	# the cases that need no injected block still run on the device
	run badblock_test
fi

if [ "$FAILED" != 0 ]; then
	say "some tests FAILED"
	exit 1
fi
say "done: every test that could run passed"
exit 0
