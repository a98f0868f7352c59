#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# static_symbols_test.sh BUILD_DIR SOURCE_DIR OBJECT_DIR
# libpmemset.a must hand an application's link exactly the names the shared
# library exports: a program that defines every one of our internal names
# itself (mem_alloc, log_write, ...) links statically and runs.
set -euo pipefail
build=$1
src=$2
objdir=$3
archive=$build/src/libpmemset.a
so=$build/src/libpmemset.so
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -f "$archive" ] || fail "$archive not built"

# 1. the archive's global definitions are the shared library's exports
archive_globals=$(nm -g --defined-only "$archive" | awk 'NF == 3 {print $3}' | sort -u)
shared_exports=$(nm -D --defined-only "$so" | awk '$2 ~ /[TW]/ {print $3}' |
	grep -v '^LIBPMEMSET' | sed 's/@@.*//' | sort -u)
if [ "$archive_globals" != "$shared_exports" ]; then
	echo "in the archive only:"; comm -23 <(echo "$archive_globals") <(echo "$shared_exports")
	echo "in the shared library only:"; comm -13 <(echo "$archive_globals") <(echo "$shared_exports")
	fail "libpmemset.a defines other global names than libpmemset.so exports"
fi
echo "archive: $(echo "$archive_globals" | wc -l) global names, as the shared library"

# 2. every internal (hidden, global) name of our objects, defined again by
#    the application
internal=$(find "$objdir" -name '*.o' -exec readelf -Ws --wide {} + |
	awk '$5 == "GLOBAL" && $6 == "HIDDEN" && $7 != "UND" {print $8}' | sort -u)
n=$(echo "$internal" | grep -c . || true)
[ "$n" -ge 50 ] || fail "only $n internal names found in $objdir (wrong directory?)"
for name in $internal; do
	echo "int $name = 1;"
done > "$work/internal_names.c"
cat >> "$work/internal_names.c" <<'C'
int application_names_checked(void);
int application_names_checked(void) { return mem_alloc + log_write; }
C
grep -q '^int mem_alloc = 1;$' "$work/internal_names.c" ||
	fail "mem_alloc is not among the internal names"

# link flags for the archive's own dependencies, from the build's .pc file
deps=$(PKG_CONFIG_PATH=$build pkg-config --static --libs libpmemset |
	tr ' ' '\n' | grep -v -e '^-lpmemset$' -e '^-L' | tr '\n' ' ')
# shellcheck disable=SC2086
cc -o "$work/outside_static" "$src/tests/packaging/outside.c" \
	"$work/internal_names.c" -I"$src/include" "$archive" $deps ||
	fail "a program defining our $n internal names does not link with libpmemset.a"
"$work/outside_static" | grep -q "written from outside" ||
	fail "the statically linked program did not run"
echo "static link: a program defining all $n internal names links and runs"
