#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# deb_test.sh BUILD_DIR SOURCE_DIR
# The Debian packages (cmake/packaging.cmake), as a user gets them:
#  1. cpack -G DEB builds libpmemset<major>, libpmemset-dev and
#     libpmemset-tools from BUILD_DIR; each file lands in the right package,
#     together they hold everything "cmake --install" installs, the control
#     fields (version, architecture, Depends) are right, the files are
#     root-owned with usual modes, and the binaries are stripped;
#  2. lintian finds no error and no warning (overrides ship in the packages);
#  3. as root only: dpkg -i installs them INTO THIS MACHINE'S /usr, programs
#     built outside with pkg-config (shared and static) and with
#     find_package(pmemset) run, so do pmemset-stat and pmemset-bench;
#     dpkg --purge removes them and nothing of them is left.
# CI runs this as root on a throwaway machine. Elsewhere step 3 is skipped
# (exit 77) unless root, and skipped when any libpmemset file or package is
# already on the machine: installing over it and purging would destroy it.
# One run at a time per machine (a lock), and ctest runs it alone
# (RUN_SERIAL): while the packages are installed, nothing else runs.
set -euo pipefail
build=$1
src=$2
skip_code=77

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit $skip_code; }

for tool in cpack dpkg-deb dpkg-shlibdeps dpkg-architecture lintian file \
		readelf flock pkg-config cc; do
	command -v "$tool" >/dev/null ||
		fail "$tool is missing (scripts/install-deps.sh installs it)"
done

cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
version=$(cache CMAKE_PROJECT_VERSION)
libdir=$(cache CMAKE_INSTALL_LIBDIR)
prefix=$(cache CMAKE_INSTALL_PREFIX)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
[ -n "$version" ] || fail "no project version in $build/CMakeCache.txt"
if [ "$libdir" != "lib/$multiarch" ]; then
	skip "the build installs libraries into $prefix/$libdir; Debian" \
		"packages need lib/$multiarch: configure with" \
		"-DCMAKE_INSTALL_PREFIX=/usr (scripts/run-tests.sh plain does)"
fi
major=${version%%.*}
runtime=libpmemset$major
debver=$version-1
packages=("$runtime" libpmemset-dev)
[ "$(cache PMEMSET_BENCH)" = ON ] && packages+=(libpmemset-tools)

exec 9>"${TMPDIR:-/tmp}/libpmemset-deb-test.lock"
flock -w 1200 9 || fail "another deb_test.sh held the lock for 20 minutes"

work=$(mktemp -d "${TMPDIR:-/tmp}/pmemset-deb.XXXXXX")
installed=0
cleanup() {
	if [ "$installed" = 1 ]; then
		echo "purging the packages after a failure"
		dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# --- 1. build the packages and look inside -------------------------------
if ! cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" \
		>"$work/cpack.log" 2>&1; then
	cat "$work/cpack.log"
	fail "cpack -G DEB failed"
fi
declare -A deb
for p in "${packages[@]}"; do
	deb[$p]=$work/out/${p}_${debver}_$arch.deb
	[ -f "${deb[$p]}" ] || fail "cpack made no ${deb[$p]##*/}: $(ls "$work/out")"
done
[ "$(ls "$work"/out/*.deb | wc -l)" -eq ${#packages[@]} ] ||
	fail "cpack made other packages: $(ls "$work/out")"

field() { dpkg-deb -f "${deb[$1]}" "$2"; }
# paths in a package, without the leading "./"; directories end in /
for p in "${packages[@]}"; do
	dpkg-deb -c "${deb[$p]}" | awk '{print $6}' | sed 's|^\./||' >"$work/$p.list"
done
contents() { cat "$work/$1.list"; }
has() { grep -qx -- "$2" "$work/$1.list" || fail "$1 lacks $2"; }

for p in "${packages[@]}"; do
	[ "$(field "$p" Version)" = "$debver" ] || fail "$p: Version $(field "$p" Version)"
	[ "$(field "$p" Architecture)" = "$arch" ] || fail "$p: Architecture"
	# root-owned; directories 755, programs 755, everything else 644
	dpkg-deb -c "${deb[$p]}" | awk -v p="$p" '
		$2 != "root/root" { print p ": owner " $2 " of " $6; bad = 1 }
		/^d/ && $1 != "drwxr-xr-x" { print p ": mode " $1 " of " $6; bad = 1 }
		/^-/ && $6 ~ /^\.\/usr\/bin\// && $1 != "-rwxr-xr-x" { print p ": mode " $1 " of " $6; bad = 1 }
		/^-/ && $6 !~ /^\.\/usr\/bin\// && $1 != "-rw-r--r--" { print p ": mode " $1 " of " $6; bad = 1 }
		END { exit bad }' || fail "$p: file owners or modes"
	has "$p" "usr/share/doc/$p/copyright"
	has "$p" "usr/share/doc/$p/changelog.Debian.gz"
done

ml=usr/lib/$multiarch
has "$runtime" "$ml/libpmemset.so.$version"
has "$runtime" "$ml/libpmemset.so.$major"
has "$runtime" usr/bin/pmemset-stat
has libpmemset-dev usr/include/libpmemset.h
has libpmemset-dev "$ml/libpmemset.so"
has libpmemset-dev "$ml/pkgconfig/libpmemset.pc"
has libpmemset-dev "$ml/cmake/pmemset/pmemsetConfig.cmake"
[ -z "${deb[libpmemset-tools]:-}" ] || has libpmemset-tools usr/bin/pmemset-bench
if [ "$(cache PMEMSET_STATIC)" = ON ]; then
	has libpmemset-dev "$ml/libpmemset.a"
fi
if [ "${EXPECT_MAN:-OFF}" = ON ]; then
	has "$runtime" usr/share/man/man1/pmemset-stat.1.gz
	has libpmemset-dev usr/share/man/man3/pmemset_map.3.gz
	has libpmemset-dev usr/share/man/man7/libpmemset.7.gz
fi

# together the packages hold exactly what "cmake --install" installs (man
# pages compressed), besides Debian's own files; no file is in two
DESTDIR=$work/plain cmake --install "$build" --prefix /usr >/dev/null
(cd "$work/plain" && find . ! -type d | sed 's|^\./||' |
	sed -E 's|^(usr/share/man/man[1-8]/.*)$|\1.gz|' | sort) >"$work/plain.list"
for p in "${packages[@]}"; do contents "$p"; done | grep -v '/$' |
	grep -vE '^usr/share/(doc|lintian)/' | sort >"$work/debs.list"
dup=$(uniq -d "$work/debs.list")
[ -z "$dup" ] || fail "in two packages: $dup"
if ! diff "$work/plain.list" "$work/debs.list"; then
	fail "the packages differ from cmake --install (<: only installed," \
		">: only packaged); an install() rule's COMPONENT is not packaged?"
fi

# Depends: every library libpmemset links, as dpkg-shlibdeps found it;
# the -dev package wants the -dev package of every pkg-config module the
# .pc file requires (pkg-config reads Requires.private too)
owner() { dpkg -S "$1" 2>/dev/null | sed -n '1s/:.*//p' || true; }
depends_on() {
	field "$1" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' >"$work/depends"
	grep -qx -- "$2" "$work/depends" ||
		fail "$1: Depends '$(field "$1" Depends)' lacks $2"
}
for needed in $(readelf -d "$build/src/libpmemset.so.$major" |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	path=$(ldconfig -p | awk -v n="$needed" '$1 == n && !p {print $NF; p = 1}')
	[ -n "$path" ] || fail "cannot find $needed, needed by libpmemset"
	pkg=$(owner "$path")
	[ -n "$pkg" ] || pkg=$(owner "$(readlink -f "$path")")
	[ -n "$pkg" ] || fail "no package owns $path"
	depends_on "$runtime" "$pkg"
done
[[ "$(field libpmemset-dev Depends)" == *"$runtime (= $debver)"* ]] ||
	fail "libpmemset-dev does not depend on $runtime (= $debver)"
if [ -n "${deb[libpmemset-tools]:-}" ]; then
	[[ "$(field libpmemset-tools Depends)" == *"$runtime (= $debver)"* ]] ||
		fail "libpmemset-tools does not depend on $runtime (= $debver)"
fi
pc=$build/libpmemset.pc
for module in $( (sed -n 's/^Requires\(\.private\)\?://p' "$pc") |
		tr ', ' '\n\n' | grep -E '^[A-Za-z]'); do
	pcfile=$(pkg-config --variable=pcfiledir "$module")/$module.pc
	pkg=$(owner "$pcfile")
	[ -n "$pkg" ] || fail "no package owns $pcfile"
	depends_on libpmemset-dev "$pkg"
done
echo "packages: ${packages[*]} $debver $arch, contents and Depends right"

# stripped programs and library; no RPATH on the library, and the
# programs' points beside them
dpkg-deb -x "${deb[$runtime]}" "$work/x"
binaries=(usr/bin/pmemset-stat "$ml/libpmemset.so.$version")
if [ -n "${deb[libpmemset-tools]:-}" ]; then
	dpkg-deb -x "${deb[libpmemset-tools]}" "$work/x"
	binaries+=(usr/bin/pmemset-bench)
fi
for f in "${binaries[@]}"; do
	[[ "$(file -L "$work/x/$f")" == *", stripped"* ]] || fail "$f is not stripped"
done
[[ "$(readelf -d "$work/x/$ml/libpmemset.so.$version")" == *PATH* ]] &&
	fail "libpmemset.so carries an RPATH"
[[ "$(readelf -d "$work/x/usr/bin/pmemset-stat")" == *"[\$ORIGIN/../$libdir]"* ]] ||
	fail "pmemset-stat has no RPATH \$ORIGIN/../$libdir"

# --- 2. lintian ------------------------------------------------------------
if ! lintian --fail-on error,warning "${deb[@]}" >"$work/lintian.log" 2>&1; then
	cat "$work/lintian.log"
	fail "lintian found errors or warnings (fix them, or override one with" \
		"a reason in cmake/debian/<component>.lintian-overrides)"
fi
echo "lintian: no errors, no warnings"
grep -E '^[EW]:' "$work/lintian.log" && fail "lintian printed errors or warnings"

# --- 3. install into this machine, use, purge --------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip "not root: the packages were built and checked, not installed" \
		"(CI runs this as root on a throwaway machine)"
fi
for p in "${packages[@]}"; do
	state=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	if [ -n "$state" ] && [ "$state" != not-installed ]; then
		skip "package $p is already on this machine ($state); not touched"
	fi
done
files=$(for p in "${packages[@]}"; do contents "$p"; done | grep -v '/$' | sed 's|^|/|')
for f in $files; do
	if [ -e "$f" ] || [ -L "$f" ]; then
		skip "$f is already on this machine (from $(owner "$f" || true)" \
			"or installed by hand); not overwritten"
	fi
done

installed=1
dpkg -i "${deb[@]}" >"$work/dpkg.log" 2>&1 || {
	cat "$work/dpkg.log"
	fail "dpkg -i failed (are the dependencies, e.g. libpmem2-dev, installed?)"
}
for p in "${packages[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p")" = installed ] ||
		fail "$p is not installed after dpkg -i"
done
[[ "$(ldconfig -p)" == *"libpmemset.so.$major "* ]] ||
	fail "the ldconfig trigger did not run: libpmemset.so.$major not in the cache"

# the programs from the packages resolve the packaged library
uses_system_lib() {
	local loaded
	loaded=$(ldd "$1" | awk -v n="libpmemset.so.$major" '$1 == n {print $3}')
	[ -n "$loaded" ] && [ "$(readlink -f "$loaded")" = "/usr/$libdir/libpmemset.so.$version" ] ||
		fail "$1 does not load /usr/$libdir/libpmemset.so.$version: $(ldd "$1")"
}
[[ "$(env -u LD_LIBRARY_PATH pmemset-stat --help)" == *usage:*pmemset-stat* ]] ||
	fail "pmemset-stat --help"
uses_system_lib /usr/bin/pmemset-stat
if [ -n "${deb[libpmemset-tools]:-}" ]; then
	[[ "$(env -u LD_LIBRARY_PATH pmemset-bench --help)" == *usage:*pmemset-bench* ]] ||
		fail "pmemset-bench --help"
	uses_system_lib /usr/bin/pmemset-bench
fi
echo "installed: --help of the programs ran"

unset PKG_CONFIG_PATH CMAKE_PREFIX_PATH LD_LIBRARY_PATH
[ "$(pkg-config --variable=pcfiledir libpmemset)" = "/usr/$libdir/pkgconfig" ] ||
	fail "pkg-config finds libpmemset.pc elsewhere: $(pkg-config --variable=pcfiledir libpmemset)"
outside=$src/tests/packaging/outside.c
cc -o "$work/outside_pc" "$outside" $(pkg-config --cflags --libs libpmemset)
uses_system_lib "$work/outside_pc"
[[ "$("$work/outside_pc")" == *"written from outside"* ]] ||
	fail "the pkg-config program did not run"
if [ "$(cache PMEMSET_STATIC)" = ON ]; then
	static_libs=$(pkg-config --static --libs libpmemset)
	static_libs=${static_libs//-lpmemset/\/usr\/$libdir\/libpmemset.a}
	cc -o "$work/outside_static" "$outside" \
		$(pkg-config --cflags libpmemset) $static_libs
	[[ "$(readelf -d "$work/outside_static")" == *"NEEDED"*"[libpmemset"* ]] &&
		fail "the static program still needs libpmemset.so"
	[[ "$("$work/outside_static")" == *"written from outside"* ]] ||
		fail "the statically linked program did not run"
	echo "pkg-config: shared and static programs built and ran"
else
	echo "pkg-config: program built and ran"
fi

mkdir -p "$work/cmake_src"
cp "$outside" "$work/cmake_src/"
cp "$src/tests/packaging/CMakeLists.txt.in" "$work/cmake_src/CMakeLists.txt"
cmake -S "$work/cmake_src" -B "$work/cmake_build" >/dev/null
found=$(sed -n 's/^pmemset_DIR:PATH=//p' "$work/cmake_build/CMakeCache.txt")
[ "$found" = "/usr/$libdir/cmake/pmemset" ] ||
	fail "find_package(pmemset) found $found"
cmake --build "$work/cmake_build" >/dev/null
uses_system_lib "$work/cmake_build/outside"
[[ "$("$work/cmake_build/outside")" == *"written from outside"* ]] ||
	fail "the find_package program did not run"
echo "find_package(pmemset): built and ran"

dpkg --purge "${packages[@]}" >"$work/dpkg.log" 2>&1 || {
	cat "$work/dpkg.log"
	fail "dpkg --purge failed"
}
installed=0
for p in "${packages[@]}"; do
	dpkg -L "$p" >/dev/null 2>&1 && fail "dpkg -L $p still lists files"
done
for f in $files; do
	if [ -e "$f" ] || [ -L "$f" ]; then fail "$f is left after the purge"; fi
done
left=()
for f in /usr/include/libpmemset* /usr/lib/*/libpmemset* /usr/lib/libpmemset* \
		/usr/lib/*/cmake/pmemset /usr/lib/*/pkgconfig/libpmemset.pc \
		/usr/bin/pmemset-stat /usr/bin/pmemset-bench \
		/usr/share/doc/libpmemset* /usr/share/lintian/overrides/libpmemset*; do
	if [ -e "$f" ] || [ -L "$f" ]; then left+=("$f"); fi
done
[ ${#left[@]} -eq 0 ] || fail "left after the purge: ${left[*]}"
[[ "$(ldconfig -p)" == *libpmemset.so* ]] &&
	fail "libpmemset is still in the ldconfig cache after the purge"
echo "purged: nothing left"
echo "deb test passed"
