#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# install_test.sh BUILD_DIR SOURCE_DIR
# Installs the build into a scratch prefix, then checks what a user gets:
# exactly the public functions exported, under LIBPMEMSET_1.0; the soname;
# README's "Using it from another project" commands, run as written (with
# the scratch prefix), build programs with pkg-config and with the CMake
# package that run without LD_LIBRARY_PATH, and what it says of run time
# holds; the installed programs run from the prefix without LD_LIBRARY_PATH.
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() { echo "FAIL: $*" >&2; exit 1; }
libdir=$prefix/lib # until the install says otherwise

# README's "Using it from another project", block by block as it stands:
# its sh blocks run with the scratch prefix for /opt/pmemset (and the real
# libdir for /opt/pmemset/lib), its cmake block is the project's
# CMakeLists.txt, and app.c is outside.c
readme_section='### Using it from another project'
blocks=$work/readme_blocks
mkdir -p "$blocks"
awk -v sec="$readme_section" -v dir="$blocks" '
	$0 == sec { on = 1; next }
	on && /^##/ { on = 0 }
	on && /^```[a-z]+$/ { n++; lang = substr($0, 4); inb = 1; next }
	inb && $0 == "```" { inb = 0; next }
	inb { print > (dir "/" n "." lang) }
' "$src/README.md"
nsh=$(ls "$blocks" | grep -c '\.sh$' || true)
ncmake=$(ls "$blocks" | grep -c '\.cmake$' || true)
[ "$nsh" -eq 3 ] && [ "$ncmake" -eq 1 ] ||
	fail "README's \"$readme_section\": $nsh sh and $ncmake cmake blocks, not 3 and 1"
sh_blocks=($(ls "$blocks"/*.sh | sort -V))
install_block=${sh_blocks[0]}; pc_block=${sh_blocks[1]}; cmake_block=${sh_blocks[2]}
cmakelists=$(ls "$blocks"/*.cmake)

# a README block as a script for this machine (and never /opt/pmemset)
localize() {
	sed -e "s|/opt/pmemset/lib/|$libdir/|g" -e "s|/opt/pmemset|$prefix|g" "$1"
}
# runs a README block in directory $1, with nothing of ours in the environment
run_block() {
	local dir=$1 block=$2
	localize "$block" >"$work/block.sh"
	grep -q /opt/pmemset "$work/block.sh" && fail "left /opt/pmemset in $block"
	(cd "$dir" && env -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH \
		-u CMAKE_PREFIX_PATH bash -euo pipefail "$work/block.sh")
}
new_app_dir() {
	mkdir -p "$1"
	cp "$src/tests/packaging/outside.c" "$1/app.c"
	localize "$cmakelists" >"$1/CMakeLists.txt"
}

# the install itself: README's line, from a directory whose build/ is ours
grep -q '^cmake --install build --prefix /opt/pmemset$' "$install_block" ||
	fail "README's install block changed: $(cat "$install_block")"
mkdir -p "$work/top"
ln -s "$(cd "$build" && pwd)" "$work/top/build"
run_block "$work/top" "$install_block" >/dev/null

libdir=$prefix/lib
[ -d "$prefix/lib64" ] && libdir=$prefix/lib64
[ -d "$libdir/x86_64-linux-gnu" ] && libdir=$libdir/x86_64-linux-gnu
so=$libdir/libpmemset.so

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

# pkg-config, with the run-time path README records
new_app_dir "$work/pc"
out=$(run_block "$work/pc" "$pc_block") || fail "README's pkg-config block failed"
grep -q "written from outside" <<<"$out" || fail "pkg-config program did not run: $out"
echo "pkg-config (README): built and ran without LD_LIBRARY_PATH"

# what README says happens without the run-time path, and LD_LIBRARY_PATH
PKG_CONFIG_PATH=$libdir/pkgconfig
export PKG_CONFIG_PATH
pkg-config --print-requires libpmemset | grep -q libpmem2 || fail "Requires: libpmem2 missing"
cc -o "$work/pc/app_norpath" "$work/pc/app.c" $(pkg-config --cflags --libs libpmemset)
if err=$(env -u LD_LIBRARY_PATH "$work/pc/app_norpath" 2>&1); then
	# only when the machine has a libpmemset.so.1 of its own (ldconfig)
	/sbin/ldconfig -p | grep -q 'libpmemset\.so\.1 ' ||
		fail "a program without the run-time path ran: $err"
else
	grep -q "error while loading shared libraries: libpmemset.so.1" <<<"$err" ||
		fail "without the run-time path: $err"
fi
LD_LIBRARY_PATH=$libdir "$work/pc/app_norpath" | grep -q "written from outside" ||
	fail "LD_LIBRARY_PATH did not make the program run"
echo "run time: no path fails as README says, LD_LIBRARY_PATH works"

# the static library: its private dependencies (threads) come from the .pc
# (not in README: the archive's dependencies as pkg-config gives them)
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
unset PKG_CONFIG_PATH

# CMake, README's project and commands: with CMAKE_PREFIX_PATH as written,
# with the pmemset_DIR of its comment, and with the static target of the
# project's comment
grep -q -- '-DCMAKE_PREFIX_PATH=/opt/pmemset # or -Dpmemset_DIR=' "$cmake_block" ||
	fail "README's cmake block changed: $(cat "$cmake_block")"
new_app_dir "$work/cm"
out=$(run_block "$work/cm" "$cmake_block" 2>&1) || fail "README's CMake block failed: $out"
grep -q "written from outside" <<<"$out" || fail "find_package program did not run: $out"
# the package of the scratch prefix, not one the machine may have elsewhere
grep -qx "pmemset_DIR:PATH=$libdir/cmake/pmemset" "$work/cm/build-app/CMakeCache.txt" ||
	fail "find_package found $(grep '^pmemset_DIR' "$work/cm/build-app/CMakeCache.txt")"
echo "find_package(pmemset) with CMAKE_PREFIX_PATH (README): built and ran"

pmemset_dir=$(sed -n 's/.*# or -Dpmemset_DIR=\([^ ]*\).*/\1/p' "$cmake_block")
[ -n "$pmemset_dir" ] || fail "no pmemset_DIR in README's cmake block"
sed -e "s|-DCMAKE_PREFIX_PATH=[^ ]* # or \(-Dpmemset_DIR=[^ ]*\)|\1|" \
	"$cmake_block" >"$work/cmake_dir_block.sh"
new_app_dir "$work/cm_dir"
out=$(run_block "$work/cm_dir" "$work/cmake_dir_block.sh" 2>&1) ||
	fail "README's CMake block with pmemset_DIR failed: $out"
grep -q "written from outside" <<<"$out" || fail "pmemset_DIR program did not run: $out"
echo "find_package(pmemset) with pmemset_DIR (README): built and ran"

if [ -f "$libdir/libpmemset.a" ]; then
	grep -q 'pmemset::pmemset) # or pmemset::pmemset_static$' "$cmakelists" ||
		fail "README's CMakeLists no longer offers pmemset::pmemset_static"
	new_app_dir "$work/cm_static"
	sed -i 's/pmemset::pmemset) # or pmemset::pmemset_static$/pmemset::pmemset_static)/' \
		"$work/cm_static/CMakeLists.txt"
	out=$(run_block "$work/cm_static" "$cmake_block" 2>&1) ||
		fail "README's CMake block with pmemset::pmemset_static failed: $out"
	grep -q "written from outside" <<<"$out" || fail "static find_package program did not run: $out"
	objdump -p "$work/cm_static/build-app/app" | grep -q 'NEEDED.*libpmemset' &&
		fail "the pmemset::pmemset_static program needs libpmemset.so"
	echo "find_package(pmemset), pmemset::pmemset_static (README): built and ran"
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
