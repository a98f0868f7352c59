#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# check-man-options.sh -- a command's manual page lists exactly the options
# its --help lists.
#
# usage: check-man-options.sh <command> <generated page, e.g. man1/x.1>
#
# The options are the words like -j and --json: those of "<command> --help",
# and those of the page's SYNOPSIS and OPTIONS sections as man(1) renders
# them (groff when man is not installed). Each set must equal the other.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 <command> <page>" >&2
	exit 2
fi
cmd=$1
page=$2

options() {
	grep -oE -- '(^|[^A-Za-z0-9-])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[^-]*//' | sort -u
}

help=$("$cmd" --help 2>&1)
if [ $? -ne 0 ] || [ -z "$help" ]; then
	echo "FAIL: $cmd --help failed: $help"
	exit 1
fi

export LC_ALL=C.UTF-8 MANWIDTH=200 MANPAGER=cat PAGER=cat
if command -v man > /dev/null 2>&1; then
	text=$(man -l "$page" 2>/dev/null)
else
	text=$(groff -t -man -Tutf8 "$page" 2>/dev/null)
fi
# from SYNOPSIS to the end of OPTIONS; the rest quotes other commands
text=$(sed -e 's/.\x08//g' <<<"$text" |
	awk '/^SYNOPSIS/ { on = 1 } /^(EXIT STATUS|EXAMPLES?|SEE ALSO)/ { on = 0 } on')
if [ -z "$text" ]; then
	echo "FAIL: $page has no SYNOPSIS or OPTIONS section"
	exit 1
fi

in_help=$(options <<<"$help")
in_page=$(options <<<"$text")
failed=0
for o in $in_help; do
	grep -qx -- "$o" <<<"$in_page" || {
		echo "FAIL: $cmd --help has $o, $(basename "$page") does not"
		failed=1
	}
done
for o in $in_page; do
	grep -qx -- "$o" <<<"$in_help" || {
		echo "FAIL: $(basename "$page") has $o, $cmd --help does not"
		failed=1
	}
done
[ $failed = 0 ] && echo "ok: $(basename "$page") and $cmd --help list" \
	"the same options:" $in_help
exit $failed
