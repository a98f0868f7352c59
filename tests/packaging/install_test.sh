#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# install_test.sh BUILD_DIR SOURCE_DIR
# Installs the build into a scratch prefix, then checks what a user gets:
# exactly the public functions exported, under LIBPMEMSET_1.0; the soname;
# libpmemset.pc and the CMake package both build a program that runs; the
# installed programs run from the prefix without LD_LIBRARY_PATH.
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$prefix/lib
[ -d "$prefix/lib64" ] && libdir=$prefix/lib64
[ -d "$libdir/x86_64-linux-gnu" ] && libdir=$libdir/x86_64-linux-gnu
so=$libdir/libpmemset.so

fail() { echo "FAIL: $*" >&2; exit 1; }

# the real name and the soname
[ -f "$libdir/libpmemset.so.1.0.0" ] || fail "libpmemset.so.1.0.0 not installed"
[ -L "$libdir/libpmemset.so.1" ] || fail "libpmemset.so.1 link missing"
soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libpmemset.so.1" ] || fail "soname is '$soname'"
[ -f "$prefix/include/libpmemset.h" ] || fail "header not installed"

# functions declared by the installed headers
headers=(-include libpmemset.h)
[ -f "$prefix/include/libpmemset/stat.h" ] && headers+=(-include libpmemset/stat.h)
declared=$(cc -E -P -I"$prefix/include" "${headers[@]}" -x c /dev/null |
	tr '\n' ' ' | tr ';' '\n' | grep -v '^[[:space:]]*typedef' |
	grep -oE '(^|[^A-Za-z0-9_])pmemset_[A-Za-z0-9_]+[[:space:]]*\(' |
	grep -oE 'pmemset_[A-Za-z0-9_]+' | sort -u)
# symbols the library exports, with their version
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /[TW]/ {print $3}' |
	grep -v '^LIBPMEMSET' | sed 's/@@.*//' | sort -u)
unversioned=$(nm -D --defined-only "$so" | awk '$2 ~ /[TW]/ {print $3}' |
	grep -v '@@LIBPMEMSET_1.0$' || true)
ndeclared=$(echo "$declared" | wc -l)
if [ "$declared" != "$exported" ]; then
	echo "declared but not exported:"; comm -23 <(echo "$declared") <(echo "$exported")
	echo "exported but not declared:"; comm -13 <(echo "$declared") <(echo "$exported")
	fail "exports differ from the header"
fi
[ -z "$unversioned" ] || fail "symbols outside LIBPMEMSET_1.0: $unversioned"
[ "$ndeclared" -ge 43 ] || fail "only $ndeclared functions declared"
echo "exports: $ndeclared functions, all declared, all under LIBPMEMSET_1.0"

# pkg-config
export PKG_CONFIG_PATH=$libdir/pkgconfig
libs=$(pkg-config --libs libpmemset)
case "$libs" in *-lpmemset*) ;; *) fail "pkg-config --libs: $libs" ;; esac
pkg-config --print-requires libpmemset | grep -q libpmem2 || fail "Requires: libpmem2 missing"
cc -o "$work/outside_pc" "$src/tests/packaging/outside.c" \
	$(pkg-config --cflags --libs libpmemset)
LD_LIBRARY_PATH=$libdir "$work/outside_pc" | grep -q "written from outside" ||
	fail "pkg-config program did not run"
echo "pkg-config: built and ran"

# the static library: its private dependencies (threads) come from the .pc
if [ -f "$libdir/libpmemset.a" ]; then
	cc -o "$work/outside_static_pc" "$src/tests/packaging/outside.c" \
		$(pkg-config --cflags libpmemset) "$libdir/libpmemset.a" \
		$(pkg-config --static --libs libpmemset | sed 's/-lpmemset\b//')
	objdump -p "$work/outside_static_pc" | grep -q 'NEEDED.*libpmemset' &&
		fail "the static program needs libpmemset.so"
	"$work/outside_static_pc" | grep -q "written from outside" ||
		fail "static pkg-config program did not run"
	echo "pkg-config --static: built and ran"
fi

# CMake package
mkdir -p "$work/cmake_src"
cp "$src/tests/packaging/outside.c" "$work/cmake_src/"
cp "$src/tests/packaging/CMakeLists.txt.in" "$work/cmake_src/CMakeLists.txt"
cmake -S "$work/cmake_src" -B "$work/cmake_build" \
	-DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake_build" >/dev/null
LD_LIBRARY_PATH=$libdir "$work/cmake_build/outside" | grep -q "written from outside" ||
	fail "find_package program did not run"
echo "find_package(pmemset): built and ran"
if [ -f "$libdir/libpmemset.a" ]; then
	[ -x "$work/cmake_build/outside_static" ] ||
		fail "find_package(pmemset) offers no pmemset::pmemset_static"
	"$work/cmake_build/outside_static" | grep -q "written from outside" ||
		fail "find_package static program did not run"
	echo "find_package(pmemset), static: built and ran"
fi

# the installed programs find the installed library on their own (their
# RPATH, $ORIGIN/../<libdir>), whatever else is installed on the machine
tools=(pmemset-stat)
grep -q '^PMEMSET_BENCH:BOOL=ON' "$build/CMakeCache.txt" && tools+=(pmemset-bench)
for tool in "${tools[@]}"; do
	exe=$prefix/bin/$tool
	[ -x "$exe" ] || fail "$tool not installed"
	ldd=$(env -u LD_LIBRARY_PATH ldd "$exe" | grep 'libpmemset\.so\.1 ' || true)
	loaded=$(awk '{print $3}' <<<"$ldd")
	[ "$(readlink -f "$loaded")" = "$(readlink -f "$libdir/libpmemset.so.1")" ] ||
		fail "$tool does not load the library of $prefix: $ldd"
	help=$(env -u LD_LIBRARY_PATH "$exe" --help) || fail "$tool --help failed"
	[[ "$help" == *"usage: $tool"* ]] || fail "$tool --help: $help"
done
readelf -d "$libdir/libpmemset.so.1" >"$work/dynamic"
grep -qE 'R(UN)?PATH' "$work/dynamic" && fail "libpmemset.so carries an RPATH"
echo "installed programs: ${tools[*]} run without LD_LIBRARY_PATH"

# manual pages, when the build made them
if [ "${EXPECT_MAN:-OFF}" = "ON" ]; then
	[ -f "$prefix/share/man/man7/libpmemset.7" ] || fail "libpmemset.7 not installed"
	[ -f "$prefix/share/man/man3/pmemset_map.3" ] || fail "pmemset_map.3 not installed"
	echo "man pages: installed"
fi
echo "install test passed"
