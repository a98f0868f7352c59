#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The attack of issue 15, for real: as nobody, run a setuid-root program
# that uses libpmemset with PMEMSET_LOG_LEVEL=3 and PMEMSET_LOG_FILE naming
# a file in a directory only root may write. The library must ignore both
# (nothing created, nothing logged); a setgid copy must ignore them too.
# Positive controls, so that the test can fail: the same program without
# the setuid bit, run as root, creates the file (mode 0600) and logs; run
# as nobody, it logs on standard error.
#
# Needs root, a user nobody, setpriv or su, and a directory on a mount
# without nosuid that nobody can reach; skips (exit 77) with the reason
# otherwise.
# Usage: setuid_env_test.sh <env_probe program> <scratch parent dir>
set -euo pipefail
probe=${1:?usage: setuid_env_test.sh <probe> <scratch parent dir>}
parent=${2:?usage: setuid_env_test.sh <probe> <scratch parent dir>}

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] ||
	skip "making a setuid-root program needs root (running as $(id -un))"
id nobody >/dev/null 2>&1 || skip "there is no user nobody"
nobody_uid=$(id -u nobody)
nobody_group=$(id -gn nobody)
nobody_gid=$(id -g nobody)
if grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status; then
	skip "this process runs with no_new_privs: setuid cannot take effect"
fi

# runs "$@" as nobody, with no groups or capabilities of ours
if command -v setpriv >/dev/null; then
	as_nobody() {
		setpriv --reuid=nobody --regid="$nobody_group" --clear-groups \
			--inh-caps=-all -- "$@"
	}
elif command -v su >/dev/null; then
	as_nobody() { su -s /bin/bash nobody -c "$(printf '%q ' "$@")"; }
else
	skip "neither setpriv nor su is installed: cannot switch to nobody"
fi

# a scratch directory on a mount that honours setuid, reachable by nobody
command -v findmnt >/dev/null ||
	skip "findmnt (util-linux) is not installed: cannot check for nosuid"
scratch=
for dir in "$parent" /var/tmp /tmp; do
	[ -d "$dir" ] || continue
	options=$(findmnt -n -o OPTIONS -T "$dir") || continue
	if [[ ,$options, == *,nosuid,* ]]; then
		echo "$dir: mounted nosuid, not usable"
		continue
	fi
	if ! as_nobody test -x "$dir"; then
		echo "$dir: nobody cannot reach it, not usable"
		continue
	fi
	scratch=$(mktemp -d "$dir/pmemset-setuid-env.XXXXXX")
	break
done
[ -n "$scratch" ] ||
	skip "no directory on a mount without nosuid that nobody can reach"
trap 'rm -rf "$scratch"' EXIT
chmod 0755 "$scratch"
echo "scratch directory: $scratch ($(findmnt -n -o TARGET,OPTIONS -T "$scratch"))"

secret="$scratch/root-only"
mkdir -m 0700 "$secret"
target="$secret/attack.log"

install -o root -g root -m 04755 "$probe" "$scratch/probe-setuid"
install -o root -g root -m 02755 "$probe" "$scratch/probe-setgid"
install -o root -g root -m 0755 "$probe" "$scratch/probe-plain"

# 1. the attack: setuid root, run by nobody
out=$(as_nobody env PMEMSET_LOG_LEVEL=3 PMEMSET_LOG_FILE="$target" \
	"$scratch/probe-setuid" 2>"$scratch/stderr") ||
	fail "the setuid probe failed: $out $(cat "$scratch/stderr")"
echo "setuid probe as nobody: $out"
case $out in
"ruid=$nobody_uid euid=0 "*) ;;
*) fail "the setuid bit did not take effect ($out): the attack was not tried" ;;
esac
[ ! -e "$target" ] ||
	fail "a setuid program run by nobody created $target: $(cat "$target")"
! grep -q libpmemset "$scratch/stderr" ||
	fail "a setuid program logged: $(cat "$scratch/stderr")"

# 2. setgid root, run by nobody: the variables are ignored too
out=$(as_nobody env PMEMSET_LOG_LEVEL=3 "$scratch/probe-setgid" \
	2>"$scratch/stderr") ||
	fail "the setgid probe failed: $out $(cat "$scratch/stderr")"
echo "setgid probe as nobody: $out"
case $out in
"ruid=$nobody_uid euid=$nobody_uid rgid=$nobody_gid egid=0 "*) ;;
*) fail "the setgid bit did not take effect ($out)" ;;
esac
! grep -q libpmemset "$scratch/stderr" ||
	fail "a setgid program logged: $(cat "$scratch/stderr")"

# 3. control: no setuid bit, nobody: the same variables do turn logging on
out=$(as_nobody env PMEMSET_LOG_LEVEL=3 "$scratch/probe-plain" \
	2>"$scratch/stderr") || fail "the plain probe failed: $out"
grep -q '^libpmemset <error>: pmemset_source_from_file' "$scratch/stderr" ||
	fail "the plain probe run by nobody did not log: $(cat "$scratch/stderr")"

# 4. control: no setuid bit, root: the file is created, 0600, and logged to
out=$(env PMEMSET_LOG_LEVEL=3 PMEMSET_LOG_FILE="$target" \
	"$scratch/probe-plain" 2>"$scratch/stderr") ||
	fail "the plain probe failed: $out $(cat "$scratch/stderr")"
echo "plain probe as root: $out"
[ -f "$target" ] || fail "the plain probe run by root did not create $target"
mode=$(stat -c %a "$target")
[ "$mode" = 600 ] || fail "the log file has mode $mode, not 600"
grep -q '^libpmemset <error>: pmemset_source_from_file' "$target" ||
	fail "the log file has no error line: $(cat "$target")"

echo "setuid and setgid programs ignore PMEMSET_LOG_*; plain ones log"
