#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# check-man-render.sh -- every generated manual page renders cleanly.
#
# usage: check-man-render.sh <man dir (holding man1/, man3/, ...)> [page.md...]
#
# For each page under <man dir>:
#  * a link page (".so manN/x.N") points at a page that exists and is not
#    itself a link;
#  * any other page has a .TH line for its own section, renders with
#    "groff -t -man -ww -z" and, where man(1) is installed, with
#    "man --warnings -l" without a single warning, and lexgrog (whatis)
#    reads its NAME section; its rendered text has no markdown left over
#    (** or __ or a backtick) and no en or em dash right before a word (what
#    smart typography makes of a command's --option).
# For the markdown sources given, a section 3 page has NAME, SYNOPSIS,
# DESCRIPTION, RETURN VALUE, ERRORS, EVENTS, THREAD SAFETY, NOTES and SEE ALSO
# in this order, and every reference to one of our own pages
# (**pmemset...**(N), **libpmemset...**(N)) must name a page that exists.
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 <man dir> [page.md...]" >&2
	exit 2
fi
mandir=$1
shift

export LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat PAGER=cat

failed=0
npages=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

have() { command -v "$1" > /dev/null 2>&1; }
if ! have groff; then
	echo "FAIL: groff is not installed"
	exit 1
fi

shopt -s nullglob
files=("$mandir"/man[1-8]/*)
if [ ${#files[@]} -eq 0 ]; then
	echo "FAIL: no pages under $mandir (build the pmemset_man target)"
	exit 1
fi

for f in "${files[@]}"; do
	rel=${f#"$mandir"/}
	dirsec=${rel%%/*}
	dirsec=${dirsec#man}
	first=$(head -n 1 "$f")
	case $first in
	".so "*)
		target=${first#.so }
		if [ ! -f "$mandir/$target" ]; then
			fail "$rel links to $target, which does not exist"
		elif head -n 1 "$mandir/$target" | grep -q '^\.so '; then
			fail "$rel links to $target, which is itself a link"
		fi
		continue
		;;
	esac
	npages=$((npages + 1))
	ok=1

	th=$(grep -m 1 '^\.TH ' "$f")
	sec=$(awk '{ gsub(/"/, ""); print $3 }' <<<"$th")
	if [ -z "$th" ] || [ "$sec" != "$dirsec" ]; then
		fail "$rel: .TH says section '$sec', expected $dirsec: $th"
		ok=0
	fi

	out=$(groff -t -man -ww -z "$f" 2>&1)
	if [ $? -ne 0 ] || [ -n "$out" ]; then
		fail "$rel: groff -t -man -ww -z warns:"
		sed 's/^/    /' <<<"$out"
		ok=0
	fi

	if have man; then
		out=$(man --warnings -l "$f" 2>&1 > /dev/null)
		if [ $? -ne 0 ] || [ -n "$out" ]; then
			fail "$rel: man --warnings -l warns:"
			sed 's/^/    /' <<<"$out"
			ok=0
		fi
	fi

	# what a reader sees: no markdown left over (pandoc leaves ** or a
	# backtick when emphasis does not close), and no en or em dash where a
	# command-line option was meant (smart typography turns -- into one)
	# (prose only: code blocks .nf/.fi and inline code \f[C]..\f[R] may
	# hold C's ** and __)
	leftover=$(awk '/^\.nf/ {code = 1} /^\.fi/ {code = 0; next}
		!code { line = $0; gsub(/\\f\[C\][^\\]*\\f\[R\]/, "", line)
			if (line ~ /\*\*|__|`|\\\[ga\]/) print NR ": " $0 }' "$f")
	if [ -n "$leftover" ]; then
		fail "$rel: markup left in the rendered text:"
		sed 's/^/    /' <<<"$leftover"
		ok=0
	fi
	text=$(groff -t -man -Tutf8 -P-c -P-b -P-u "$f" 2>/dev/null)
	dashes=$(grep -nP '(\x{2013}|\x{2014})[[:alnum:]]' <<<"$text")
	if [ -n "$dashes" ]; then
		fail "$rel: an en or em dash before a word (a mangled --option?):"
		sed 's/^/    /' <<<"$dashes"
		ok=0
	fi

	if have lexgrog; then
		if ! lexgrog "$f" > /dev/null 2>&1; then
			fail "$rel: lexgrog cannot read its NAME section"
			ok=0
		fi
	fi
	[ $ok = 1 ] && echo "ok: $rel"
done

required3="NAME SYNOPSIS DESCRIPTION RETURN_VALUE ERRORS EVENTS THREAD_SAFETY NOTES SEE_ALSO"
for md in "$@"; do
	# a function page has every section, in order (others may come between)
	case $md in
	*.3.md)
		have=$(grep -E '^# ' "$md" | sed 's/^# //; s/ #*$//; s/ /_/g' |
			tr '\n' ' ')
		want=" $required3 "
		got=" $(for s in $have; do
			case $want in *" $s "*) printf '%s ' "$s" ;; esac
		done)"
		[ "$got" = "$want" ] ||
			fail "$(basename "$md"): sections are [$have], need [$required3] in this order"
		;;
	esac
	while read -r ref; do
		name=${ref%%(*}
		sec=${ref#*(}
		sec=${sec%)}
		if [ ! -f "$mandir/man$sec/$name.$sec" ]; then
			fail "$(basename "$md") refers to $name($sec), which has no page"
		fi
	done < <(grep -oE '\*\*(lib)?pmemset[A-Za-z0-9_-]*\*\*\([1-8]\)' "$md" |
		tr -d '*' | sort -u)
done

echo "$npages page(s) rendered, $failed failure(s)"
[ "$failed" -eq 0 ]
