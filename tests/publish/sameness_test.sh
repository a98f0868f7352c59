#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The published tree is printed like the in-process one: a program with
# PMEMSET_STAT_PUBLISH=1 dumps its own set with pmemset_stat_dump(3) (text,
# JSON, OpenMetrics; the whole view and one filtered by a glob), then
# pmemset-stat --pid prints the same set from its publication, and
# sameness_check.py finds them equal but for what only a publication has
# (pid, program, updated_ns, the pid label). A metric, HELP, TYPE or UNIT
# renamed or added on one side only fails here.
# Usage: sameness_test.sh <pmemset-stat> <publish_probe> <dir> <srcdir> [python]
source "$(dirname "$0")/common.sh"
N=7
check=$srcdir/publish/sameness_check.py

mkdir "$scratch/dump"
start_probe a 3 "$N" --dump "$scratch/dump"
pid=$probe_pid

# the persists and the dump were made before "ready": wait for a pass of
# the writer after it (by the writer's clock, not by a value's name)
ready_ns=$(date +%s%N)
updated=0
for _ in $(seq 1 1000); do
	"$tool" --pid "$pid" >"$scratch/text" 2>"$scratch/err" ||
		fail "--pid: $(cat "$scratch/err")"
	updated=$(sed -n 's/^[[:space:]]*updated_ns[[:space:]]*//p' "$scratch/text")
	[ "${updated:-0}" -gt "$ready_ns" ] && break
	sleep 0.01
done
[ "${updated:-0}" -gt "$ready_ns" ] ||
	fail "no pass of the writer after the program was ready: $(cat "$scratch/text")"
"$tool" --pid "$pid" --json >"$scratch/json" || fail "--json"
"$tool" --pid "$pid" --openmetrics >"$scratch/om" || fail "--openmetrics"
for f in text json om; do
	"$tool" --pid "$pid" --match '*/part/2' \
		$( [ $f = json ] && echo --json ) \
		$( [ $f = om ] && echo --openmetrics ) \
		>"$scratch/match.$f" || fail "--match, $f"
done

for prefix in "" match.; do
	for f in text json om; do
		python3 "$check" "$f" "$scratch/dump/$prefix$f" \
			"$scratch/$prefix$f" "$pid" ||
			fail "${prefix}$f: the in-process and published trees differ"
	done
done
grep -q "^/pmemset/set/1/part/2\$" "$scratch/match.text" &&
	! grep -q "^/pmemset/set/1/part/1\$" "$scratch/match.text" ||
	fail "--match '*/part/2' showed: $(cat "$scratch/match.text")"

# both must be what the format's own parser accepts
if [ -n "$python" ]; then
	for f in "$scratch/dump/om" "$scratch/om"; do
		"$python" "$srcdir/openmetrics_check.py" "$f" \
			--expect pmemset_set_persist_calls_total "$N" 1 set 1 \
			--count pmemset_part_size_bytes 3 ||
			fail "prometheus_client's parser or the values: $f"
	done
else
	echo "SKIPPED part: no python3 with prometheus_client"
fi

end_probe a "$pid"
echo "pmemset_stat_dump and pmemset-stat --pid print the same tree"
