# SPDX-License-Identifier: BSD-3-Clause
# What the publication scripts share (sourced): arguments, a scratch
# XDG_RUNTIME_DIR of their own, and starting and ending a probe.
# Arguments: <pmemset-stat> <publish_probe> <test dir> <tests source dir>
#            [<python3 with prometheus_client>]
set -euo pipefail
tool=${1:?usage: $0 <pmemset-stat> <publish_probe> <dir> <srcdir> [python]}
probe=${2:?}
dir=${3:?}
srcdir=${4:?}
python=${5:-}

fail() { echo "FAILED: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }

scratch=$(mktemp -d "$dir/publish_$(basename "$0" .sh).XXXXXX")
chmod 0755 "$scratch"
export XDG_RUNTIME_DIR=$scratch/runtime
mkdir -m 0700 "$XDG_RUNTIME_DIR"
pubdir=$XDG_RUNTIME_DIR/pmemset
probes=()
cleanup() {
	for p in "${probes[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$scratch"
}
trap cleanup EXIT

# start_probe <name> <parts> <persists> [probe options...]: runs the probe
# with PMEMSET_STAT_PUBLISH=${PUBLISH-1},
# which waits on a fifo held open by descriptor 3x (x = the name's slot);
# sets $probe_pid and $probe_path from its "ready" line
start_probe() {
	local name=$1 parts=$2 persists=$3
	shift 3
	mkfifo "$scratch/$name.in"
	env PMEMSET_STAT_PUBLISH="${PUBLISH-1}" \
		PMEMSET_LOG_LEVEL="${PMEMSET_LOG_LEVEL-0}" \
		"$probe" "$@" "$scratch/$name.file" "$parts" "$persists" \
		<"$scratch/$name.in" >"$scratch/$name.out" 2>"$scratch/$name.err" &
	probes+=($!)
	eval "exec {fd_$name}>\"\$scratch/$name.in\""
	for _ in $(seq 1 500); do
		grep -q '^ready ' "$scratch/$name.out" 2>/dev/null && break
		sleep 0.02
	done
	grep -q '^ready ' "$scratch/$name.out" ||
		fail "probe $name did not start: $(cat "$scratch/$name.err")"
	probe_pid=$(sed -n 's/^ready pid=\([0-9]*\) .*/\1/p' "$scratch/$name.out")
	probe_path=$(sed -n 's/^ready .* published=\(.*\)$/\1/p' "$scratch/$name.out")
}

# end_probe <name>: closes its fifo, so it deletes its set and exits
end_probe() {
	local name=$1 fdvar="fd_$1"
	eval "exec ${!fdvar}>&-"
	wait "$2" || fail "probe $name failed: $(cat "$scratch/$name.err")"
}
