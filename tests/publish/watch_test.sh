#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# pmemset-stat --watch in a terminal (tmux): it prints a line of per-second
# rates per interval for a program that persists without a pause, and
# Ctrl-C ends it cleanly (exit 0, a last line saying it was interrupted).
# Usage: watch_test.sh <pmemset-stat> <publish_probe> <dir> <srcdir> [python]
source "$(dirname "$0")/common.sh"
command -v tmux >/dev/null || skip "tmux is not installed"

start_probe busy 1 0 --busy
pid=$probe_pid
sock=pmemset-watch-$$
session=watch
tmux -L "$sock" -f /dev/null new-session -d -s "$session" -x 160 -y 50 \
	"env XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' '$tool' --watch=0.5 --pid $pid; echo EXIT=\$?; sleep 60"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; cleanup' EXIT

screen() { tmux -L "$sock" capture-pane -p -t "$session"; }
# three lines of rates: the first interval may begin before a pass
lines=0
for _ in $(seq 1 300); do
	lines=$(screen | grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} +1 ' || true)
	[ "$lines" -ge 3 ] && break
	sleep 0.1
done
[ "$lines" -ge 3 ] || fail "--watch printed $lines lines: $(screen)"
# persist/s (4th column) is not 0 on the last line: the program persists
rate=$(screen | grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} +1 ' | tail -1 | awk '{print $4}')
[ "${rate:-0}" -gt 0 ] || fail "persist/s is '$rate': $(screen)"
screen | grep -q 'persist/s' || fail "no header line: $(screen)"

tmux -L "$sock" send-keys -t "$session" C-c
for _ in $(seq 1 100); do
	screen | grep -q '^EXIT=' && break
	sleep 0.1
done
screen | grep -q '^EXIT=0$' || fail "--watch did not end with 0 on Ctrl-C: $(screen)"
screen | grep -q "interrupted: watched process $pid\$" ||
	fail "no closing line: $(screen)"
echo "--watch showed $lines lines, last persist/s $rate; Ctrl-C ended it with 0"
screen | sed -n '1,8p'
end_probe busy "$pid"
