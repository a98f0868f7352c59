# SPDX-License-Identifier: BSD-3-Clause
#
# probe.sh -- what compare-map.sh and compare-data.sh share; sourced.
#
# probe_build PROBE_C PMDK_SRC: checks that PMDK_SRC holds PMDK 1.12.1's
# built libraries, builds our library from this tree (RelWithDebInfo) into
# the scratch dir $work, and compiles PROBE_C against each library as
# $work/ours.bin and $work/pmdk.bin. The caller sets $work (a mktemp -d
# directory it removes), so builds of other trees never collide with it.
#
#   git clone https://github.com/pmem/pmdk && cd pmdk && git checkout 1.12.1
#   make -j"$(nproc)" -C src libpmemset DOC=n

probe_build() {
	local probe=$1 pmdk pmdk_lib here repo
	pmdk=$(cd "$2" && pwd)
	pmdk_lib=$pmdk/src/nondebug
	[ -e "$pmdk_lib/libpmemset.so" ] || {
		echo "$0: no $pmdk_lib/libpmemset.so: build PMDK 1.12.1 first (see probe.sh)" >&2
		exit 2
	}
	here=$(cd "$(dirname "$probe")" && pwd)
	repo=$(git -C "$here" rev-parse --show-toplevel)
	cmake -S "$repo" -B "$work/ours" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DBUILD_TESTING=OFF -DPMEMSET_DOC=OFF -DPMEMSET_EXAMPLES=OFF \
		>/dev/null
	cmake --build "$work/ours" --target pmemset -j2 >/dev/null
	local cflags=(-O2 -Wall -Wextra -Werror)
	gcc "${cflags[@]}" -I"$repo/include" "$probe" -o "$work/ours.bin" \
		-L"$work/ours/src" -Wl,-rpath,"$work/ours/src" -lpmemset -lpmem2
	gcc "${cflags[@]}" -I"$pmdk/src/include" "$probe" \
		-o "$work/pmdk.bin" -L"$pmdk_lib" -Wl,-rpath,"$pmdk_lib" \
		-lpmemset -lpmem2
}

# first quartile, median and third quartile of the numbers on stdin
quartiles() {
	sort -g | awk '{v[NR] = $1} END {
		print v[int((NR + 3) / 4)], v[int((NR + 1) / 2)],
			v[int((3 * NR + 3) / 4)] }'
}
