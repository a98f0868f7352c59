#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# power-cut.sh -- power cuts on emulated persistent memory.
#
# usage: tests/powercut/power-cut.sh [options] BUILD_DIR
#
# Boots a QEMU guest with an emulated NVDIMM (scripts/pmem-vm.sh), runs
# BUILD_DIR/tests/powercut_log there on the DAX file system, and kills QEMU
# with SIGKILL at a random moment while it appends: a power cut, after
# which the NVDIMM's backing file holds what reached the media. Then it
# boots again on the same NVDIMM file (no new file system), verifies that
# every record the program reported persisted and every file whose
# pmemset_map returned, at its size, are there (against the lines this
# script read from the console before the cut), lets the program go on
# appending, and cuts again. After the last cut, one more boot only
# verifies. Exit status 0 when nothing reported was lost.
#
# options
#   --cuts N           power cuts (default 20)
#   --min-seconds S    a cut comes S to ...
#   --max-seconds S    ... S seconds after the program starts appending
#                      (defaults 1 and 12; decimals allowed)
#   --part-size BYTES  the program's part files (default 65536)
#   --keep             keep the NVDIMM file and the work directory
#   --vm ARGS          more options for scripts/pmem-vm.sh (one string)
#
# The work directory BUILD_DIR/powercut-<pid>/ holds reported.log (every MAP
# and REC line read from the console, all boots) and console-N.log per boot;
# it is the guest's writable share, so the guest reads reported.log there.
# Prints one line per boot and a summary:
#   power-cut: N cuts, R records reported persisted, R found; M maps
#   reported, F files checked; nothing lost
set -u
set -o pipefail

say() { echo "power-cut: $*"; }
die() { echo "power-cut: $*" >&2; exit 1; }

cuts=20
min=1
max=12
part_size=65536
keep=0
vm_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--cuts) cuts=$2; shift ;;
	--min-seconds) min=$2; shift ;;
	--max-seconds) max=$2; shift ;;
	--part-size) part_size=$2; shift ;;
	--keep) keep=1 ;;
	--vm) read -r -a vm_args <<< "$2"; shift ;;
	-h|--help) sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || die "usage: $0 [options] BUILD_DIR"
build=$(cd "$1" && pwd -P) || die "no build directory '$1'"
prog=$build/tests/powercut_log
[ -x "$prog" ] || die "$prog is not built (cmake --build $build --target powercut_log)"
here=$(cd "$(dirname "$0")/../.." && pwd)
vm=$here/scripts/pmem-vm.sh
[ -x "$vm" ] || die "$vm is missing"

work=$build/powercut-$$
mkdir -p "$work" || die "cannot create $work"
reported=$work/reported.log
: > "$reported"
nvdimm=/dev/shm/pmem-powercut-$$.nvdimm
pid_file=$work/qemu.pid
killer=""
cleanup() {
	[ -z "$killer" ] || kill "$killer" 2>/dev/null
	if [ $keep -eq 0 ]; then
		rm -f "$nvdimm"
		rm -rf "$work"
	else
		say "kept the NVDIMM $nvdimm and $work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a random moment in [min, max] seconds, to the millisecond, in $delay
# (computed in this shell: $RANDOM read in a $(...) subshell does not
# advance this shell's generator, so every cut would come at the same time)
to_ms() { awk -v s="$1" 'BEGIN { printf "%d\n", s * 1000 }'; }
min_ms=$(to_ms "$min")
max_ms=$(to_ms "$max")
[ "$max_ms" -gt "$min_ms" ] || die "--max-seconds must be above --min-seconds"
RANDOM=$(( $$ ^ $(date +%s) ))
pick_delay() {
	local ms=$(( min_ms + (RANDOM * 32768 + RANDOM) % (max_ms - min_ms + 1) ))
	delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
}

log_dir='$PMEMSET_PMEM_DIR/log'
write_cmd="exec $(printf %q "$prog") write $log_dir --part-size $part_size"
verify_cmd="$(printf %q "$prog") verify $log_dir $(printf %q "$reported")"

# boot N with the guest command; cut the power once it appends (cut=1);
# sets status, verified (the VERIFY line), appended (records this boot)
boot() {
	local n=$1 cmd=$2 cut=$3
	local console=$work/console-$n.log
	local nv_args=(--nvdimm "$nvdimm" --keep)
	[ "$n" -eq 0 ] || nv_args=(--reuse "$nvdimm")
	verified=""
	appended=0
	killer=""
	rm -f "$pid_file"
	local line fd vm_pid
	exec {fd}< <("$vm" --no-devdax "${nv_args[@]}" --pid-file "$pid_file" \
		--share "$build" "${vm_args[@]}" -- bash -c "$cmd" 2>> "$console")
	vm_pid=$!
	while IFS= read -r -u "$fd" line; do
		printf '%s\n' "$line" >> "$console"
		case $line in
		REC\ *\ E|MAP\ *\ E)
			printf '%s\n' "$line" >> "$reported"
			[[ $line != REC* ]] || appended=$((appended + 1)) ;;
		"WRITING E")
			if [ "$cut" = 1 ]; then
				pick_delay
				(sleep "$delay"; kill -KILL "$(cat "$pid_file")") 2>/dev/null &
				killer=$!
				echo "cut after $delay s" >> "$console"
			fi ;;
		VERIFY\ *) verified=$line ;;
		FAIL\ *|RECOVERED\ *) echo "$line" >> "$work/events.log" ;;
		esac
	done
	exec {fd}<&-
	wait "$vm_pid" 2>/dev/null
	status=$?
	if [ -n "$killer" ]; then
		wait "$killer" 2>/dev/null
		killer=""
	fi
}

records_total() { grep -c '^REC ' "$reported"; }

start=$(date +%s)
boot 0 "mkdir -p $log_dir && $write_cmd" 1
[ "$status" = 137 ] || die "boot 0: expected a power cut (QEMU killed, 137), got $status; see $work/console-0.log"
say "boot 0: appended $appended records, then the power was cut"
total_maps=0
for ((i = 1; i <= cuts; i++)); do
	last=0
	[ "$i" -lt "$cuts" ] || last=1
	if [ $last -eq 1 ]; then
		boot "$i" "$verify_cmd" 0
	else
		boot "$i" "$verify_cmd && $write_cmd" 1
	fi
	case $verified in
	"VERIFY ok "*) ;;
	*) die "boot $i: after cut $i: ${verified:-no verification (status $status)}; see $work/console-$i.log" ;;
	esac
	if [ $last -eq 1 ]; then
		[ "$status" = 0 ] || die "boot $i: the last verification exited with $status"
	else
		[ "$status" = 137 ] || die "boot $i: expected a power cut, got status $status; see $work/console-$i.log"
	fi
	say "boot $i: after cut $i ${verified#VERIFY }; appended $appended more"
done
# the last VERIFY line counts everything reported over all boots
set -- ${verified#VERIFY ok }
rec=${1#records=} maps=${2#maps=} files=${3#files=}
[ "$rec" = "$(records_total)" ] || die "verified $rec records, $(records_total) were reported"
say "$cuts cuts in $(( $(date +%s) - start )) s: $(records_total) records reported persisted, $rec found intact; $maps maps reported, $files files checked; nothing lost"
