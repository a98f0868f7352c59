#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench-usdt.sh -- what the USDT probes cost when nobody traces them
# (issue 13, goal: persist 64 B BYTE with probes <= 1.01x without).
#
# Builds the library and pmemset-bench twice, with -DPMEMSET_USDT=ON and
# OFF (build-usdt-on/, build-usdt-off/), then runs the one case in both,
# alternately (on/off, then off/on, ...) for ROUNDS rounds, and prints per
# round the pmemset side's median ns in each build and their ratio, then
# the range of the ratios. The in-process ratio against raw libpmem2
# (pmemset/pmem2) is printed too: dividing on's by off's cancels drift of
# the machine between the two runs. Run it on a quiet machine.
#
# usage: scripts/bench-usdt.sh   (env: ROUNDS=7, CASE="byte/persist 64 B",
#        BENCH_ARGS="--dir /dev/shm", JOBS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-7}
case_filter=${CASE:-byte/persist 64 B}
read -r -a bench_args <<<"${BENCH_ARGS:-}"
jobs=${JOBS:-2}

for usdt in ON OFF; do
	dir=build-usdt-${usdt,,}
	cmake -S . -B "$dir" -DPMEMSET_USDT=$usdt -DBUILD_TESTING=OFF \
		-DPMEMSET_DOC=OFF -DPMEMSET_EXAMPLES=OFF >/dev/null
	cmake --build "$dir" -j"$jobs" --target pmemset-bench >/dev/null
done
# the two builds differ in the probes and nothing else
if ! readelf -n build-usdt-on/src/libpmemset.so | grep -q stapsdt; then
	echo "build-usdt-on has no probes" >&2
	exit 1
fi
if readelf -n build-usdt-off/src/libpmemset.so | grep -q stapsdt; then
	echo "build-usdt-off has probes" >&2
	exit 1
fi

# prints "<pmemset median ns> <pmemset/pmem2 ratio>" of the case
run_case() {
	"$1/bench/pmemset-bench" --csv --filter "$case_filter" \
		"${bench_args[@]}" | awk -F, 'NR == 2 { print $4, $15 }'
}

echo "case: $case_filter; $rounds rounds, the two builds alternately"
printf "%-6s %12s %12s %10s %14s\n" round "on ns" "off ns" "on/off" \
	"on/off vs raw"
ratios=()
norm=()
for ((r = 1; r <= rounds; r++)); do
	if ((r % 2)); then
		read -r on_ns on_raw < <(run_case build-usdt-on)
		read -r off_ns off_raw < <(run_case build-usdt-off)
	else
		read -r off_ns off_raw < <(run_case build-usdt-off)
		read -r on_ns on_raw < <(run_case build-usdt-on)
	fi
	ratio=$(awk -v a="$on_ns" -v b="$off_ns" 'BEGIN { printf "%.4f", a / b }')
	nratio=$(awk -v a="$on_raw" -v b="$off_raw" \
		'BEGIN { printf "%.4f", a / b }')
	ratios+=("$ratio")
	norm+=("$nratio")
	printf "%-6s %12s %12s %10s %14s\n" "$r" "$on_ns" "$off_ns" "$ratio" \
		"$nratio"
done

summary() {
	printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 } END {
		printf "min %.4f  median %.4f  max %.4f", v[1],
			(NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2),
			v[NR] }'
}
echo "on/off:         $(summary "${ratios[@]}")   (target <= 1.01)"
echo "on/off vs raw:  $(summary "${norm[@]}")"
