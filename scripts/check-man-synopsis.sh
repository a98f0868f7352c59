#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# check-man-synopsis.sh -- the C in the manual pages says what the headers
# say.
#
# usage: check-man-synopsis.sh -i <include dir> [-I <dir>]... <page.md>...
#        (CC names the compiler; default cc)
#
# The ```c blocks of each page are checked according to their section:
#
# SYNOPSIS
#   1. (section 3) every name on the NAME line appears in it as a function;
#   2. (section 3) each of those names is declared by the headers themselves:
#      the check is compiled before the page's own declarations, so a page
#      cannot document a function the library lacks;
#   3. it compiles after the headers with -Werror: a prototype whose types
#      differ from the header's is a conflicting redeclaration, a #define
#      with another value a redefinition;
#   4. every declaration in it appears in a header word for word (whitespace,
#      comments and attributes aside), so parameter names cannot drift.
# EXAMPLE
#   5. each block compiles on its own (-fsyntax-only -Wall -Wextra -Werror).
# any other section (quoted types: structs, enums)
#   6. each block appears in a header word for word, as a whole.
set -u

CC=${CC:-cc}
incdir=
cflags=()
usage() {
	echo "usage: $0 -i <include dir> [-I dir]... page.md..." >&2
	exit 2
}
while getopts "i:I:" opt; do
	case $opt in
	i) incdir=$OPTARG; cflags+=(-I "$OPTARG") ;;
	I) cflags+=(-I "$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$incdir" ] && [ $# -gt 0 ] || usage

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one line; comments and __attribute__s gone, whitespace collapsed, no space
# inside ( ) or before ; and ,
normalize() {
	tr '\n\t' '  ' |
	sed -e 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/: :g' \
	    -e 's/  */ /g' -e 's/( /(/g' -e 's/ )/)/g' -e 's/ ;/;/g' -e 's/ ,/,/g' \
	    -e 's/ __attribute__(([^;]*));/;/g' -e 's/^ //' -e 's/ $//'
}

# drops preprocessor lines, with their continuations
no_cpp() {
	sed -e '/^[[:space:]]*#/{:c' -e '/\\$/{N;bc' -e '}' -e 'd' -e '}' "$@"
}

headers=("$incdir/libpmemset.h" "$incdir/libpmemset/stat.h")
no_cpp "${headers[@]}" | normalize > "$tmp/headers.txt"

# splits a page's ```c blocks into <dir>/<kind>.<n>.c, kind being
# synopsis, example or quote (any other section)
split_blocks() {
	awk -v dir="$2" '
		/^# / {
			kind = "quote"
			if ($0 ~ /^# SYNOPSIS/) kind = "synopsis"
			else if ($0 ~ /^# EXAMPLES?/) kind = "example"
			incode = 0
			next
		}
		/^```/ {
			if (incode) { incode = 0; close(out) }
			else if ($0 ~ /^```[ {.]*c[ }]*$/) {
				incode = 1
				out = sprintf("%s/%s.%d.c", dir, kind, ++n)
				printf "" > out
			}
			next
		}
		incode { print > out }
	' "$1"
}

# the names on the NAME line ("a, b, c - what they do")
names() {
	awk '
		/^# / { inname = ($0 ~ /^# NAME/); next }
		inname && NF { sub(/ - .*/, ""); gsub(/,/, " "); print; exit }
	' "$1"
}

compile() {
	"$CC" -std=gnu11 -fsyntax-only -Wall -Wextra -Werror "${cflags[@]}" \
		"$1" > "$tmp/cc.out" 2>&1
}

failed=0
checked=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
	ok=0
}

for md in "$@"; do
	page=$(basename "$md" .md)
	dir="$tmp/$page"
	mkdir -p "$dir"
	split_blocks "$md" "$dir"
	blocks=("$dir"/*.c)
	[ -e "${blocks[0]}" ] || continue
	checked=$((checked + 1))
	ok=1

	synopsis=$(cat "$dir"/synopsis.*.c 2>/dev/null)
	if [ -n "$synopsis" ]; then
		fns=()
		case $page in
		*.3) read -r -a fns <<<"$(names "$md")" ;;
		esac
		for fn in "${fns[@]}"; do
			grep -Eq "(^|[^A-Za-z0-9_])$fn[[:space:]]*\(" <<<"$synopsis" ||
				fail "$page: $fn is on the NAME line but not in the SYNOPSIS"
		done

		# 2 + 3: the headers, proof that each name exists, the page
		{
			echo '#include <libpmemset.h>'
			echo '#include <libpmemset/stat.h>'
			if [ ${#fns[@]} -gt 0 ]; then
				echo 'void (*const pmemset_doc_names_[])(void) = {'
				printf '\t(void (*)(void))%s,\n' "${fns[@]}"
				echo '};'
			fi
			echo "#line 1 \"$page SYNOPSIS\""
			printf '%s\n' "$synopsis"
		} > "$dir/synopsis-check.c"
		if ! compile "$dir/synopsis-check.c"; then
			fail "$page: the SYNOPSIS does not compile against the headers"
			sed 's/^/    /' "$tmp/cc.out"
		fi

		# 4: each declaration, word for word
		while IFS= read -r decl; do
			decl=${decl# }
			[ -n "$decl" ] || continue
			grep -qF -- "$decl;" "$tmp/headers.txt" ||
				fail "$page: SYNOPSIS differs from the header: $decl;"
		done < <(no_cpp "$dir"/synopsis.*.c | normalize | tr ';' '\n')
	fi

	# 5: examples compile
	for ex in "$dir"/example.*.c; do
		[ -e "$ex" ] || continue
		if ! compile "$ex"; then
			fail "$page: an EXAMPLE does not compile"
			sed 's/^/    /' "$tmp/cc.out"
		fi
	done

	# 6: quoted types are the header's
	for q in "$dir"/quote.*.c; do
		[ -e "$q" ] || continue
		text=$(no_cpp "$q" | normalize)
		[ -n "$text" ] || continue
		grep -qF -- "$text" "$tmp/headers.txt" ||
			fail "$page: quoted code is not in the headers: $text"
	done

	[ $ok = 1 ] && echo "ok: $page"
done

echo "$checked page(s) checked, $failed failure(s)"
if [ "$checked" -eq 0 ]; then
	echo "FAIL: no page with C code was found"
	exit 1
fi
[ "$failed" -eq 0 ]
