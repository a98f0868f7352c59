#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# usdt_test.sh -- the USDT probes, for real: the library carries a note for
# every probe, its public header and pkg-config file know nothing of
# <sys/sdt.h>, and under gdb every probe fires with the arguments the
# program passed (usdt_check.py). Exit 77 (ctest: skipped) when gdb is
# missing or cannot trace a process here.
#
# usage: usdt_test.sh <usdt_target> <libpmemset.so> <source dir> <libpmemset.pc>
set -u
target=$1 lib=$2 srcdir=$3 pc=$4
probes="persist flush drain memcpy memmove memset map part_add part_remove
	remove_range sds_update badblock badblocks_cleared error"

if ! command -v gdb >/dev/null; then
	echo "SKIP: gdb is not installed (Debian: gdb)"
	exit 77
fi
if ! gdb -batch -ex 'python print("gdb-python-ok")' 2>/dev/null |
		grep -q gdb-python-ok; then
	echo "SKIP: this gdb has no Python"
	exit 77
fi
if gdb -batch -ex run --args /bin/true 2>&1 |
		grep -qi "ptrace: Operation not permitted"; then
	echo "SKIP: gdb may not trace processes here (ptrace not permitted)"
	exit 77
fi

failed=0
notes=$(readelf -n "$lib" 2>/dev/null | awk '/Provider: libpmemset/ {
	getline; print $2 }' | sort -u)
for p in $probes; do
	if ! grep -qx "$p" <<<"$notes"; then
		echo "FAIL: $lib has no USDT note for libpmemset:$p"
		failed=1
	fi
done
if grep -rq "sdt" "$srcdir/include" "$pc"; then
	echo "FAIL: the public header or libpmemset.pc mentions sdt"
	failed=1
fi

# LeakSanitizer cannot run under ptrace; the rest of ASan can
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# gdb -batch can exit 0 after a script error: the verdict is the last line
out=$(gdb -batch -nx -x "$srcdir/tests/usdt/usdt_check.py" --args "$target" 2>&1)
status=$?
echo "$out"
if [ $status -ne 0 ] || ! grep -q "^USDT CHECK PASSED" <<<"$out"; then
	echo "FAIL: the gdb check did not pass (exit status $status)"
	failed=1
fi
exit $failed
