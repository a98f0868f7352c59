#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# check-man-exports.sh -- every function libpmemset.so exports has a manual
# page, and every section 3 page documents an exported function.
#
# usage: check-man-exports.sh <libpmemset.so> <man dir (holding man3/)>
#        (NM names nm; default nm)
#
# A name is documented when man3/<name>.3 is a page, or a link page
# (".so man3/<page>.3") whose target is a page. Where man(1) is installed,
# "man -M <man dir> -w 3 <name>" must find it too, as a user would.
set -u

NM=${NM:-nm}
if [ $# -ne 2 ]; then
	echo "usage: $0 <libpmemset.so> <man dir>" >&2
	exit 2
fi
lib=$1
mandir=$2

if [ ! -f "$lib" ]; then
	echo "FAIL: $lib does not exist (build the library first)"
	exit 1
fi
if [ ! -d "$mandir/man3" ] || [ -z "$(ls -A "$mandir/man3")" ]; then
	echo "FAIL: no pages in $mandir/man3 (build the pmemset_man target)"
	exit 1
fi

failed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# functions (T), weak (W) and indirect (i) symbols, version suffix dropped
mapfile -t exported < <("$NM" -D --defined-only "$lib" |
	awk '$2 == "T" || $2 == "W" || $2 == "i" { sub(/@.*/, "", $3); print $3 }' |
	sort -u)
if [ ${#exported[@]} -eq 0 ]; then
	echo "FAIL: $NM found no exported function in $lib"
	exit 1
fi

# the page a name resolves to, following one link; empty if none
resolve() {
	local f="$mandir/man3/$1.3"
	[ -f "$f" ] || return 0
	local first
	first=$(head -n 1 "$f")
	case $first in
	".so "*)
		local target="$mandir/${first#.so }"
		[ -f "$target" ] && ! head -n 1 "$target" | grep -q '^\.so ' &&
			echo "$target"
		;;
	*)
		echo "$f"
		;;
	esac
}

have_man=0
command -v man > /dev/null 2>&1 && have_man=1

for sym in "${exported[@]}"; do
	page=$(resolve "$sym")
	if [ -z "$page" ]; then
		fail "$sym is exported but has no page or link page in $mandir/man3"
		continue
	fi
	if [ $have_man = 1 ] &&
	   ! man -M "$mandir" -w 3 "$sym" > /dev/null 2>&1; then
		fail "$sym: man -M $mandir -w 3 $sym finds nothing"
		continue
	fi
	echo "ok: $sym -> ${page#"$mandir"/}"
done

# the other way round: no page for a function that does not exist
for f in "$mandir"/man3/*.3; do
	name=$(basename "$f" .3)
	printf '%s\n' "${exported[@]}" | grep -qx -- "$name" && continue
	fail "man3/$name.3 documents $name, which $lib does not export"
done

echo "${#exported[@]} exported function(s), $failed failure(s)"
[ "$failed" -eq 0 ]
