#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Who can see a publication (SECURITY.md):
# 1. the user nobody cannot read root's publication: pmemset-stat --pid and
#    --list say "permission denied", also when the directory is opened up
#    (the file's own mode, 0600, keeps it closed);
# 2. a setuid-root and a setgid copy of a program, run by nobody with
#    PMEMSET_STAT_PUBLISH=1, publish nothing (secure_getenv), while the
#    plain copy run by nobody does publish (the control that lets this fail).
# Needs root, a user nobody and setpriv, and for 2 a mount without nosuid
# that nobody can reach; skips (exit 77) otherwise.
# Usage: security_test.sh <pmemset-stat> <publish_probe> <dir> <srcdir> [python]
source "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || skip "switching to nobody needs root"
id nobody >/dev/null 2>&1 || skip "there is no user nobody"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
nobody_uid=$(id -u nobody)
nobody_group=$(id -gn nobody)
as_nobody() {
	setpriv --reuid=nobody --regid="$nobody_group" --clear-groups \
		--inh-caps=-all -- "$@"
}

# copies nobody can run (the build tree may be closed to it)
bin=$scratch/bin
mkdir -m 0755 "$bin"
lib=$(ldd "$tool" | awk '/libpmemset\.so/ { print $3 }')
[ -f "$lib" ] || fail "cannot find the library pmemset-stat uses: $(ldd "$tool")"
install -m 0755 "$tool" "$bin/pmemset-stat"
install -m 0755 "$lib" "$bin/$(basename "$lib")"
nobody_tool() {
	as_nobody env LD_LIBRARY_PATH="$bin" XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" \
		"$bin/pmemset-stat" "$@"
}

# 1. root's publication, read by nobody
start_probe a 1 5
pid=$probe_pid
rc=0
nobody_tool --pid "$pid" >"$scratch/out" 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] || fail "nobody --pid: exit $rc: $(cat "$scratch/out")"
grep -qi "permission denied" "$scratch/err" || fail "nobody --pid: $(cat "$scratch/err")"
echo "nobody --pid: $(cat "$scratch/err")"
rc=0
nobody_tool --list >"$scratch/out" 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] && grep -qi "permission denied" "$scratch/err" ||
	fail "nobody --list: exit $rc: $(cat "$scratch/err")"
# open the directories: the file's 0600 still keeps nobody out (and
# pmemset-stat refuses a directory that is not nobody's own)
chmod 0755 "$scratch" "$XDG_RUNTIME_DIR" "$pubdir"
if as_nobody head -c 8 "$probe_path" >/dev/null 2>"$scratch/err"; then
	fail "nobody read $probe_path"
fi
grep -qi "permission denied" "$scratch/err" || fail "nobody head: $(cat "$scratch/err")"
rc=0
nobody_tool --pid "$pid" >"$scratch/out" 2>"$scratch/err" || rc=$?
[ "$rc" = 1 ] && grep -q "refused: another user's directory" "$scratch/err" ||
	fail "nobody --pid, open directories: exit $rc: $(cat "$scratch/out" "$scratch/err")"
chmod 0700 "$pubdir" "$XDG_RUNTIME_DIR"
"$tool" --pid "$pid" >/dev/null || fail "root cannot read its own publication"
end_probe a "$pid"

# 2. setuid and setgid programs ignore PMEMSET_STAT_PUBLISH
command -v findmnt >/dev/null || skip "findmnt is not installed (part 1 passed)"
suid=
for d in "$dir" /var/tmp /tmp; do
	[ -d "$d" ] || continue
	opts=$(findmnt -n -o OPTIONS -T "$d") || continue
	[[ ,$opts, == *,nosuid,* ]] && continue
	as_nobody test -x "$d" || continue
	suid=$(mktemp -d "$d/pmemset-publish-suid.XXXXXX")
	break
done
[ -n "$suid" ] || skip "no mount without nosuid that nobody can reach (part 1 passed)"
trap 'rm -rf "$suid"; cleanup' EXIT
chmod 0755 "$suid"
if grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status; then
	skip "no_new_privs is set: setuid cannot take effect (part 1 passed)"
fi
install -o root -g root -m 04755 "$probe" "$suid/probe-setuid"
install -o root -g root -m 02755 "$probe" "$suid/probe-setgid"
install -o root -g root -m 0755 "$probe" "$suid/probe-plain"
mkdir -m 0777 "$suid/files"
before0=$(ls /dev/shm/pmemset-0 2>/dev/null | sort | tr '\n' ' ')
for kind in setuid setgid plain; do
	out=$(as_nobody env -u XDG_RUNTIME_DIR PMEMSET_STAT_PUBLISH=1 \
		"$suid/probe-$kind" "$suid/files/$kind" 1 3 </dev/null) ||
		fail "probe-$kind failed: $out"
	echo "$kind copy run by nobody with PMEMSET_STAT_PUBLISH=1: $out"
	case $kind in
	setuid|setgid)
		[[ $out == *" published=none" ]] ||
			fail "a $kind program published: $out" ;;
	plain)
		[[ $out == *" published=/dev/shm/pmemset-$nobody_uid/"* ]] ||
			fail "the plain copy did not publish (the control): $out" ;;
	esac
done
after0=$(ls /dev/shm/pmemset-0 2>/dev/null | sort | tr '\n' ' ')
[ "$before0" = "$after0" ] || echo "note: /dev/shm/pmemset-0 changed meanwhile (other programs of root): '$before0' -> '$after0'"
rmdir "/dev/shm/pmemset-$nobody_uid" 2>/dev/null || true
echo "nobody cannot read root's publication; setuid and setgid programs publish nothing"
