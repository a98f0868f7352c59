#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Issue 24's "done when", end to end: a program run with
# PMEMSET_STAT_PUBLISH=1 that maps parts and persists N times shows its
# parts and N persists through pmemset-stat --pid, as text, as valid JSON
# and as OpenMetrics that prometheus_client's parser accepts, with a pid
# label; --list finds it; --all prints it. Then: a killed program's file is
# reported stale and removed, a normal exit removes the file, and bad
# files and bad options give clear errors.
# Usage: tool_test.sh <pmemset-stat> <publish_probe> <dir> <srcdir> [python]
source "$(dirname "$0")/common.sh"
N=1234

start_probe a 3 "$N"
pid=$probe_pid
path_a=$probe_path
[ "$probe_path" = "$pubdir/$pid" ] ||
	fail "published at '$probe_path', expected $pubdir/$pid"
[ "$(stat -c %a "$pubdir")" = 700 ] || fail "directory mode $(stat -c %a "$pubdir")"
[ "$(stat -c %a "$probe_path")" = 600 ] || fail "file mode $(stat -c %a "$probe_path")"

# the N persists were made before "ready": wait for the writer's next pass
start=$(date +%s%N)
seen=
for _ in $(seq 1 1000); do
	if "$tool" --pid "$pid" >"$scratch/text" 2>"$scratch/err" &&
	   grep -Eq "^[[:space:]]+persist_calls +$N\$" "$scratch/text"; then
		seen=$(( ($(date +%s%N) - start) / 1000000 ))
		break
	fi
	sleep 0.01
done
[ -n "$seen" ] || fail "--pid never showed $N persists: $(cat "$scratch/text" "$scratch/err")"
echo "text: $N persists seen ${seen} ms after the program was ready (the writer passes every 250 ms)"
[ "$(grep -c "^/pmemset/set/1/part/" "$scratch/text")" = 3 ] ||
	fail "text does not show 3 parts: $(cat "$scratch/text")"
grep -q "source_path *$scratch/a.file\$" "$scratch/text" ||
	fail "text does not name the source file"
grep -Eq "^[[:space:]]+pid +$pid\$" "$scratch/text" || fail "text has no pid"
grep -Eq "^[[:space:]]+persist_bytes +$((N * 64))\$" "$scratch/text" ||
	fail "text: persist_bytes is not $((N * 64))"

# JSON, checked by jq and by python's json
"$tool" --pid "$pid" --json >"$scratch/json" || fail "--json failed"
if command -v jq >/dev/null; then
	jq -e --argjson n "$N" --argjson pid "$pid" '.values.pid == $pid and
		.maps[0].values.persist_calls == $n and
		(.maps[0].maps | length) == 3' "$scratch/json" >/dev/null ||
		fail "jq does not find $N persists and 3 parts: $(cat "$scratch/json")"
fi
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$scratch/json" ||
	fail "python's json rejects the output"
"$tool" --all --json >"$scratch/all_json" || fail "--all --json failed"
python3 -c 'import json, sys
trees = json.load(open(sys.argv[1]))
assert [t["values"]["pid"] for t in trees] == [int(sys.argv[2])], trees' \
	"$scratch/all_json" "$pid" || fail "--all --json: $(cat "$scratch/all_json")"

# --match: only the part whose URI matches, and its set to hold it
"$tool" --pid "$pid" --match '*/part/3' >"$scratch/match" || fail "--match"
[ "$(grep -c '^/pmemset/set/1/part/' "$scratch/match")" = 1 ] ||
	fail "--match showed: $(cat "$scratch/match")"

# OpenMetrics, read by prometheus_client's parser
"$tool" --pid "$pid" --openmetrics >"$scratch/om" || fail "--openmetrics"
"$tool" --openmetrics --all >"$scratch/om_all" || fail "--openmetrics --all"
grep -q "^pmemset_set_persist_calls_total{pid=\"$pid\",set=\"1\"} $N\$" \
	"$scratch/om_all" || fail "--all has no persist counter for pid $pid"
if [ -n "$python" ]; then
	for f in om om_all; do
		"$python" "$srcdir/openmetrics_check.py" "$scratch/$f" \
			--expect pmemset_set_persist_calls_total "$N" 2 \
				pid "$pid" set 1 \
			--count pmemset_part_size_bytes 3 ||
			fail "prometheus_client's parser or the values: $f"
	done
else
	echo "SKIPPED part: no python3 with prometheus_client; checked by grep only"
fi

# --list finds it
"$tool" --list >"$scratch/list" || fail "--list failed"
grep -Eq "^$pid +publish_probe +1 +3 +12288\$" "$scratch/list" ||
	fail "--list: $(cat "$scratch/list")"

# a second program, killed: its file stays and is found stale
start_probe b 1 0
victim=$probe_pid
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
[ -f "$pubdir/$victim" ] || fail "the killed program's file is not left behind"
# as if killed in the middle of a pass: its sequence count stays odd
python3 - "$pubdir/$victim" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(16)
    b = f.read(1)
    f.seek(16)
    f.write(bytes([b[0] | 1]))
PY
if "$tool" --pid "$victim" 2>"$scratch/err"; then
	fail "--pid of a killed program succeeded"
fi
grep -q "is gone" "$scratch/err" || fail "stale --pid: $(cat "$scratch/err")"
"$tool" --list >"$scratch/list" 2>"$scratch/err" || fail "--list with a stale file"
grep -q "stale: process $victim (publish_probe) is gone; removed" "$scratch/err" ||
	fail "--list did not report the stale file: $(cat "$scratch/err")"
[ ! -e "$pubdir/$victim" ] || fail "--list did not remove the stale file"
grep -q "^$pid " "$scratch/list" || fail "--list lost the live program"

# files that are not publications: a clear message, never a crash
head -c 200 /dev/urandom >"$pubdir/999999999"
chmod 0600 "$pubdir/999999999"
rc=0
"$tool" --pid 999999999 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] || fail "--pid of a foreign file: exit $rc"
grep -q "not a libpmemset publication" "$scratch/err" ||
	fail "foreign file: $(cat "$scratch/err")"
cp "$path_a" "$pubdir/999999998"
printf '\x09' | dd of="$pubdir/999999998" bs=1 seek=8 conv=notrunc 2>/dev/null
rc=0
"$tool" --pid 999999998 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] || fail "--pid of an unknown version: exit $rc"
grep -q "format version 9, this pmemset-stat reads version 1 only" \
	"$scratch/err" || fail "unknown version: $(cat "$scratch/err")"
head -c 100 "$path_a" >"$pubdir/999999997"
rc=0
"$tool" --pid 999999997 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] && grep -q truncated "$scratch/err" ||
	fail "truncated file: exit $rc, $(cat "$scratch/err")"
rc=0
"$tool" --list >"$scratch/list" 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] || fail "--list with bad files: exit $rc"
grep -q "^$pid " "$scratch/list" || fail "--list lost the live program among bad files"
rm -f "$pubdir"/99999999?

# usage errors
for args in "--watch" "--pid 0" "--pid x" "--watch=0 --pid 1" \
	"--list --all" "--pid 1 file" "--list --json"; do
	rc=0
	# shellcheck disable=SC2086
	"$tool" $args >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "pmemset-stat $args: exit $rc, not 2"
done
rc=0
"$tool" --pid 1 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] && grep -q "publishes nothing" "$scratch/err" ||
	fail "--pid of a process that does not publish: $rc $(cat "$scratch/err")"

# a normal exit removes the file; --list then shows nobody
end_probe a "$pid"
[ ! -e "$path_a" ] || fail "the file outlived its program"
"$tool" --list >"$scratch/list" || fail "--list, empty"
[ "$(wc -l <"$scratch/list")" = 1 ] || fail "--list, empty: $(cat "$scratch/list")"

# a link planted in place of the directory is refused, not followed
mv "$pubdir" "$scratch/elsewhere"
ln -s "$scratch/elsewhere" "$pubdir"
rc=0
"$tool" --list >"$scratch/list" 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] && grep -q "refused: a symbolic link" "$scratch/err" ||
	fail "--list through a link: exit $rc, $(cat "$scratch/err")"
rc=0
"$tool" --pid "$pid" 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] && grep -q "refused: a symbolic link" "$scratch/err" ||
	fail "--pid through a link: exit $rc, $(cat "$scratch/err")"

# a program started with PMEMSET_STAT_PUBLISH=1 refuses the link too: it
# logs why and runs on unpublished
PMEMSET_LOG_LEVEL=1 start_probe c 1 1
[ "$probe_path" = none ] || fail "published through a planted link: $probe_path"
grep -q "PMEMSET_STAT_PUBLISH=1: not publishing: .*$pubdir refused: it is a symbolic link" \
	"$scratch/c.err" || fail "no logged reason: $(cat "$scratch/c.err")"
[ -z "$(ls "$scratch/elsewhere")" ] || fail "a file was made through the link"
end_probe c "$probe_pid"

echo "pmemset-stat --pid, --list, --all read a live program; stale, foreign," \
	"truncated and unknown-version files are reported"
