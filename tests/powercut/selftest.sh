#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# selftest.sh POWERCUT_LOG -- the power-cut program on the host, no cut:
# what the writer reports the verifier finds; a restarted writer recovers
# and goes on from the next record; a damaged record, a torn last record
# and a missing file are what the verifier and the recovery must notice.
set -euo pipefail
prog=$1
dir=${PMEMSET_TEST_DIR:-/dev/shm}/pmemset-powercut-selftest-$$
rm -rf "$dir"
mkdir -p "$dir/log"
trap 'rm -rf "$dir"' EXIT
fail() { echo "selftest: FAIL: $*" >&2; exit 1; }
reported=$dir/reported
# what a host keeps of the console: whole MAP and REC lines
keep() { grep -E '^(MAP|REC) .* E$' >> "$reported" || true; }
verify() { "$prog" verify "$dir/log" "$reported"; }

# 16 KiB parts of 64 records: 500 records take 8 part files, 16 maps
"$prog" write "$dir/log" --part-size 16384 --records 500 > "$dir/out1"
keep < "$dir/out1"
[ "$(grep -c '^REC ' "$reported")" = 500 ] || fail "500 records written, $(grep -c '^REC ' "$reported") reported"
[ "$(grep -c '^MAP ' "$reported")" = 16 ] || fail "16 maps expected: $(grep -c '^MAP ' "$reported")"
out=$(verify) || fail "verify after the first run: $out"
[ "$out" = "VERIFY ok records=500 maps=16 files=8 E" ] || fail "verify said: $out"

# a restarted writer maps what is there and appends after record 499
"$prog" write "$dir/log" --part-size 16384 --records 100 > "$dir/out2"
grep -q '^RECOVERED 8 part file(s), next record 500 at slot 500 E$' "$dir/out2" ||
	fail "recovery: $(grep RECOVERED "$dir/out2")"
grep -q '^REC 500 part-000007 13312 ' "$dir/out2" || fail "record 500 is not where 499 ended"
keep < "$dir/out2"
out=$(verify) || fail "verify after the restart: $out"
[[ $out == "VERIFY ok records=600 "* ]] || fail "verify said: $out"

# a damaged record (one payload byte of record 123) is found
cp "$dir/log/part-000001" "$dir/saved"
printf '\x55' | dd of="$dir/log/part-000001" bs=1 seek=$((59 * 256 + 100)) conv=notrunc status=none
if out=$(verify); then fail "a damaged record passed: $out"; fi
[[ $out == "VERIFY FAIL "*"record 123 (part-000001 offset 15104) is not intact" ]] || fail "verify said: $out"
cp "$dir/saved" "$dir/log/part-000001"

# a torn last record (as a cut during its copy leaves it) is rewritten
last=$(grep '^REC ' "$reported" | tail -n 1)
set -- $last
printf '\0' | dd of="$dir/log/$3" bs=1 seek=$(($4 + 200)) conv=notrunc status=none
sed -i '$d' "$reported"   # it was torn: never reported
"$prog" write "$dir/log" --part-size 16384 --records 1 > "$dir/out3"
grep -q "^RECOVERED .* next record $2 " "$dir/out3" || fail "recovery after a torn record: $(grep RECOVERED "$dir/out3")"
keep < "$dir/out3"
out=$(verify) || fail "verify after rewriting the torn record: $out"

# a file whose map was reported, gone
mv "$dir/log/part-000003" "$dir/gone"
if out=$(verify); then fail "a missing file passed: $out"; fi
[[ $out == "VERIFY FAIL "*"part-000003 was mapped"*"is gone"* ]] || fail "verify said: $out"
echo "selftest: ok ($(grep -c '^REC ' "$reported") records, $(grep -c '^MAP ' "$reported") maps verified)"
