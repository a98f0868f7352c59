#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# pmem-vm.sh -- runs a command on emulated persistent memory: a QEMU guest
# (Debian's kernel, TCG) with an NVDIMM whose media is a file in /dev/shm.
#
# usage: scripts/pmem-vm.sh [options] -- COMMAND [ARG...]
#
# The guest sees the host's root file system read-only (virtio 9p) and the
# share directory (default: the git work tree around the current directory,
# else the current directory) writable at the same path; COMMAND runs in the
# current directory, as root, with
#   PMEMSET_PMEM_DIR   a directory on ext4 mounted with -o dax on an fsdax
#                      namespace (/run/pmem-vm/fsdax)
#   PMEMSET_DEVDAX     a Device DAX character device (/dev/daxX.Y, 2 MiB
#                      alignment), unless --no-devdax
# plus every PMEMSET_*, PMEM_*, ASAN_OPTIONS, UBSAN_OPTIONS, TSAN_OPTIONS and
# CTEST_* variable of the caller and any --env NAME=VALUE. /tmp, /run and
# /dev/shm are the guest's own tmpfs. COMMAND's stdout and stderr arrive
# together, line by line as it writes them, on this script's stdout (the
# guest's serial console); the script's own messages go to stderr, prefixed
# "pmem-vm:".
#
# options
#   --no-devdax        no Device DAX namespace (the fsdax one gets the region)
#   --devdax           require the Device DAX namespace (the default creates
#                      one when the region has room; this fails if it cannot)
#   --size SIZE        NVDIMM size for a new one (default 1G)
#   --fsdax-size SIZE  the fsdax namespace's size (default 512M; the Device
#                      DAX namespace gets the rest)
#   --nvdimm FILE      the NVDIMM's backing file to create (default
#                      /dev/shm/pmem-vm-<pid>.nvdimm); it must not exist
#   --keep             keep the NVDIMM file afterwards (its path is printed)
#   --reuse FILE       boot on an NVDIMM file kept earlier: its namespaces and
#                      file system are used as they are (ext4 replays its
#                      journal on mount), nothing is created; the file is
#                      kept. This is how a guest "powers on" after a cut.
#   --pid-file FILE    write QEMU's pid there as soon as it starts; QEMU's
#                      pid is also printed on stderr. `kill -KILL <pid>` at
#                      any moment is a power cut: the NVDIMM file keeps every
#                      store the guest made to it (share=on, no cache between).
#   --timeout SECONDS  SIGKILL QEMU after that long (a power cut); exit 124
#   --share DIR        the writable directory (at the same path in the guest)
#   --smp N, --mem SIZE  guest CPUs (default 2) and memory (default 2G)
#   --verbose          also print the guest's boot and set-up output
#   --no-install       do not call scripts/install-deps.sh for what is missing
#
#   PMEM_VM_DIR        where the initramfs and the run's logs go (default
#                      build-pmem-vm/ in the work tree); the last run's
#                      console is kept there as last-console.log
#   PMEM_VM_KERNEL     the guest kernel (default: the newest /boot/vmlinuz-*
#                      whose modules are under /lib/modules)
#
# exit status: COMMAND's; 124 when --timeout cut the power; 128+N when QEMU
# died of signal N before COMMAND finished (137: killed, a power cut from
# outside); 125 when the guest could not be run or set up (the reason is
# printed).
#
# Needs (installed through scripts/install-deps.sh --pmem-vm when missing):
# qemu-system-x86, linux-image-amd64, busybox-static, ndctl. No KVM: TCG with
# -cpu max (clwb, clflushopt), so expect 15-60 s to boot and code to run many
# times slower than on the host.

set -u
set -o pipefail

say() { echo "pmem-vm: $*" >&2; }
cannot() { say "cannot run: $*"; exit 125; }

here=$(cd "$(dirname "$0")/.." && pwd)
devdax=auto
size=1G
fsdax_size=512M
nvdimm=""
keep=0
reuse=""
pid_file=""
timeout=""
share=""
smp=2
mem=2G
verbose=0
install=1
extra_env=()

need_arg() { [ $# -ge 2 ] || { say "$1 needs a value"; exit 2; }; }
while [ $# -gt 0 ]; do
	case $1 in
	--no-devdax) devdax=no ;;
	--devdax) devdax=yes ;;
	--size) need_arg "$@"; size=$2; shift ;;
	--fsdax-size) need_arg "$@"; fsdax_size=$2; shift ;;
	--nvdimm) need_arg "$@"; nvdimm=$2; shift ;;
	--keep) keep=1 ;;
	--reuse) need_arg "$@"; reuse=$2; shift ;;
	--pid-file) need_arg "$@"; pid_file=$2; shift ;;
	--timeout) need_arg "$@"; timeout=$2; shift ;;
	--share) need_arg "$@"; share=$2; shift ;;
	--smp) need_arg "$@"; smp=$2; shift ;;
	--mem) need_arg "$@"; mem=$2; shift ;;
	--env) need_arg "$@"; extra_env+=("$2"); shift ;;
	--verbose) verbose=1 ;;
	--no-install) install=0 ;;
	--) shift; break ;;
	-h|--help) sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) say "unknown option '$1' (see --help)"; exit 2 ;;
	esac
	shift
done
[ $# -gt 0 ] || { say "no command: scripts/pmem-vm.sh [options] -- COMMAND [ARG...]"; exit 2; }
if [ -n "$timeout" ] && ! [[ $timeout =~ ^[0-9]+$ ]]; then
	say "--timeout takes whole seconds, not '$timeout'"; exit 2
fi
if [ -n "$reuse" ]; then
	[ -f "$reuse" ] || cannot "--reuse $reuse: no such NVDIMM file"
	[ -z "$nvdimm" ] || { say "--reuse and --nvdimm exclude each other"; exit 2; }
fi
for e in "${extra_env[@]}"; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { say "--env takes NAME=VALUE, not '$e'"; exit 2; }
done

# --- what the guest needs on the host -------------------------------------

find_kernel() {
	if [ -n "${PMEM_VM_KERNEL:-}" ]; then
		echo "$PMEM_VM_KERNEL"
		return
	fi
	local k
	for k in $(ls /boot/vmlinuz-* 2>/dev/null | sort -rV); do
		[ -d "/lib/modules/${k#/boot/vmlinuz-}/kernel" ] && { echo "$k"; return; }
	done
}

static_busybox() {
	local b
	for b in /bin/busybox /usr/bin/busybox; do
		[ -x "$b" ] || continue
		[[ $(LC_ALL=C ldd "$b" 2>&1) == *"not a dynamic"* ]] && { echo "$b"; return; }
	done
}

missing() {
	local m=()
	command -v qemu-system-x86_64 >/dev/null || m+=("qemu-system-x86 (no qemu-system-x86_64)")
	[ -n "$(find_kernel)" ] || m+=("linux-image-amd64 (no /boot/vmlinuz-* with modules under /lib/modules)")
	[ -n "$(static_busybox)" ] || m+=("busybox-static (no statically linked busybox)")
	command -v ndctl >/dev/null || m+=("ndctl")
	command -v mkfs.ext4 >/dev/null || m+=("e2fsprogs (no mkfs.ext4)")
	command -v cpio >/dev/null || [ -n "$(static_busybox)" ] || m+=("cpio")
	[ ${#m[@]} -eq 0 ] || printf '%s\n' "${m[@]}"
}

gone=$(missing)
if [ -n "$gone" ] && [ $install -eq 1 ]; then
	say "missing: $(echo "$gone" | paste -sd, -); installing with scripts/install-deps.sh --pmem-vm-only"
	"$here/scripts/install-deps.sh" --pmem-vm-only >&2 ||
		say "scripts/install-deps.sh --pmem-vm-only failed (root or sudo is needed)"
	gone=$(missing)
fi
[ -z "$gone" ] || cannot "missing $(echo "$gone" | paste -sd, -) (scripts/install-deps.sh --pmem-vm-only installs them)"

kernel=$(find_kernel)
[ -r "$kernel" ] || cannot "the kernel image $kernel is not readable (run as root)"
kver=${kernel##*/vmlinuz-}
[ -d "/lib/modules/$kver" ] || cannot "no modules for the guest kernel $kver under /lib/modules"
busybox=$(static_busybox)
qemu=$(command -v qemu-system-x86_64)

if [ -z "$share" ]; then
	share=$(git rev-parse --show-toplevel 2>/dev/null) || share=$PWD
fi
share=$(cd "$share" 2>/dev/null && pwd -P) || cannot "--share: no directory '$share'"
[ "$share" != / ] || cannot "--share / would make the whole root writable in the guest"

vmdir=${PMEM_VM_DIR:-$here/build-pmem-vm}
mkdir -p "$vmdir" || cannot "cannot create $vmdir"
vmdir=$(cd "$vmdir" && pwd -P)

# --- the initramfs: busybox, the virtio and 9p modules, /init --------------
# It mounts the host's root read-only, the run directory and the share
# writable, and chroots into the host's root to run the run's stage2.sh.

initramfs=$vmdir/initramfs-$kver.cpio.gz
build_initramfs() {
	local tmp m f
	tmp=$(mktemp -d "$vmdir/initramfs.XXXXXX") || return 1
	mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/newroot"
	cp "$busybox" "$tmp/bin/busybox" || return 1
	: > "$tmp/modules/order"
	# dependency order as modprobe resolves it for the guest's kernel
	for m in 9p 9pnet_virtio virtio_pci; do
		modprobe -S "$kver" --show-depends "$m" || return 1
	done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' |
	while read -r f; do
		local name=${f##*/}
		case $f in
		*.xz) name=${name%.xz}; xz -dc "$f" > "$tmp/modules/$name" ;;
		*.zst) name=${name%.zst}; zstd -qdc "$f" > "$tmp/modules/$name" ;;
		*.gz) name=${name%.gz}; gzip -dc "$f" > "$tmp/modules/$name" ;;
		*) cp "$f" "$tmp/modules/$name" ;;
		esac || exit 1
		echo "$name" >> "$tmp/modules/order"
	done || return 1
	cat > "$tmp/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
fail() { echo "@@pmem-vm: guest-error: $*@@"; poweroff -f; sleep 10; }
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
while read -r m; do
	insmod "/modules/$m" || fail "insmod $m"
done < /modules/order
o=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $o,ro,cache=loose hostroot /newroot || fail "mount the host's root (9p)"
mount -t devtmpfs dev /newroot/dev || fail "devtmpfs"
mount -t proc proc /newroot/proc && mount -t sysfs sys /newroot/sys || fail "proc, sysfs"
for d in tmp run dev/shm; do
	mkdir -p /newroot/$d; mount -t tmpfs -o mode=1777 tmpfs /newroot/$d || fail "tmpfs on /$d"
done
mkdir -p /newroot/run/pmem-vm/io /newroot/run/pmem-vm/fsdax
mount -t 9p -o $o,cache=mmap pmemvmio /newroot/run/pmem-vm/io || fail "mount the run directory (9p)"
share=$(cat /newroot/run/pmem-vm/io/share)
# a share under /tmp, /run or /dev/shm needs its mount point in that tmpfs
[ -d "/newroot$share" ] || mkdir -p "/newroot$share" ||
	fail "no mount point for the share $share"
mount -t 9p -o $o,cache=mmap share "/newroot$share" || fail "mount the share $share (9p)"
chroot /newroot /bin/bash /run/pmem-vm/io/stage2.sh
sync
poweroff -f
sleep 10
EOF
	chmod +x "$tmp/init"
	if command -v cpio >/dev/null; then
		(cd "$tmp" && find . | cpio -o -H newc --quiet)
	else
		(cd "$tmp" && find . | "$busybox" cpio -o -H newc)
	fi | gzip -1 > "$initramfs.new" || return 1
	mv "$initramfs.new" "$initramfs"
	rm -rf "$tmp"
}
# made again when this script or the kernel changes
stamp="$kver $(stat -c %Y "$kernel") $(sed -n '/^build_initramfs() {$/,/^}$/p' "$0" | cksum)"
if [ ! -s "$initramfs" ] || [ "$(cat "$initramfs.stamp" 2>/dev/null)" != "$stamp" ]; then
	build_initramfs || cannot "building the initramfs in $vmdir failed"
	echo "$stamp" > "$initramfs.stamp"
fi

# --- this run ---------------------------------------------------------------

run=$(mktemp -d "$vmdir/run.XXXXXX") || cannot "cannot create a run directory in $vmdir"
made_nvdimm=""
qemu_pid=""
timer_pid=""
cleanup() {
	# stderr back, if the console reader had parked it
	if { true >&3; } 2>/dev/null; then exec 2>&3 3>&-; fi
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill -KILL "$qemu_pid" 2>/dev/null
		wait "$qemu_pid" 2>/dev/null
	fi
	[ -z "$timer_pid" ] || kill "$timer_pid" 2>/dev/null
	[ ! -f "$run/console.log" ] || cp "$run/console.log" "$vmdir/last-console.log"
	[ ! -f "$run/qemu.log" ] || cp "$run/qemu.log" "$vmdir/last-qemu.log"
	rm -rf "$run"
	if [ -n "$made_nvdimm" ]; then
		if [ $keep -eq 1 ]; then
			say "NVDIMM kept in $made_nvdimm (boot on it again with --reuse $made_nvdimm)"
		else
			rm -f "$made_nvdimm"
		fi
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$reuse" ]; then
	image=$reuse
	fresh=0
else
	image=${nvdimm:-/dev/shm/pmem-vm-$$.nvdimm}
	[ ! -e "$image" ] || cannot "$image exists already (boot on it with --reuse, or remove it)"
	truncate -s "$size" "$image" 2>/dev/null || cannot "cannot create the NVDIMM file $image of $size"
	made_nvdimm=$image
	fresh=1
fi
image_size=$(stat -c %s "$image")

# the guest's part: set up the namespaces, mount, run COMMAND
{
	echo "set -u"
	echo "export PATH=$(printf %q "$PATH") HOME=/tmp LC_ALL=C.UTF-8"
	env -0 | while IFS= read -r -d '' kv; do
		case ${kv%%=*} in
		PMEMSET_*|PMEM_*|ASAN_OPTIONS|UBSAN_OPTIONS|TSAN_OPTIONS|CTEST_*)
			printf 'export %q\n' "$kv" ;;
		esac
	done
	for kv in "${extra_env[@]}"; do printf 'export %q\n' "$kv"; done
	printf 'fresh=%s devdax=%s fsdax_size=%q\n' "$fresh" "$devdax" "$fsdax_size"
	printf 'cwd=%q\n' "$PWD"
	printf 'command=(%s)\n' "$(printf '%q ' "$@")"
	cat <<'EOF'
io=/run/pmem-vm/io
mnt=/run/pmem-vm/fsdax
fail() { echo "@@pmem-vm: guest-error: $*@@"; exit 1; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }
modprobe -a nfit nd_pmem dax_pmem device_dax ext4 || fail "modprobe nfit nd_pmem dax_pmem device_dax ext4"
for i in $(seq 100); do
	[ -e /sys/bus/nd/devices/region0 ] && break
	sleep 0.1
done
[ -e /sys/bus/nd/devices/region0 ] || fail "no NVDIMM region appeared (/sys/bus/nd/devices: $(ls /sys/bus/nd/devices 2>&1))"
if [ "$fresh" = 1 ]; then
	ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all ||
		fail "ndctl init-labels"
	if [ "$devdax" = no ]; then
		fsdax_json=$(ndctl create-namespace -m fsdax) || fail "ndctl create-namespace -m fsdax"
	else
		fsdax_json=$(ndctl create-namespace -m fsdax -s "$fsdax_size") ||
			fail "ndctl create-namespace -m fsdax -s $fsdax_size"
		if ! devdax_json=$(ndctl create-namespace -m devdax -a 2M); then
			[ "$devdax" = auto ] || fail "ndctl create-namespace -m devdax -a 2M"
			devdax_json=""
		fi
	fi
	echo "$fsdax_json" ${devdax_json:-}
	blockdev=$(echo "$fsdax_json" | field blockdev)
	chardev=$(echo "${devdax_json:-}" | field chardev)
	[ -n "$blockdev" ] || fail "the fsdax namespace has no block device"
	mkfs.ext4 -q -F -b 4096 "/dev/$blockdev" || fail "mkfs.ext4 -b 4096 /dev/$blockdev"
else
	list=$(ndctl list -N) || fail "ndctl list -N"
	echo "$list"
	blockdev=$(echo "$list" | field blockdev)
	chardev=$(echo "$list" | field chardev)
	[ -n "$blockdev" ] || fail "the NVDIMM has no fsdax namespace to mount (was it made by pmem-vm.sh?)"
	[ "$devdax" != yes ] || [ -n "$chardev" ] || fail "the NVDIMM has no Device DAX namespace"
fi
mount -o dax "/dev/$blockdev" "$mnt" || fail "mount -o dax /dev/$blockdev"
grep -q "^/dev/$blockdev $mnt ext4 .*dax" /proc/mounts || fail "$mnt is not mounted with dax: $(grep " $mnt " /proc/mounts)"
export PMEMSET_PMEM_DIR=$mnt
if [ -n "$chardev" ] && [ "$devdax" != no ]; then
	export PMEMSET_DEVDAX=/dev/$chardev
else
	unset PMEMSET_DEVDAX
fi
echo "@@pmem-vm: begin fsdax=/dev/$blockdev on $mnt devdax=${PMEMSET_DEVDAX:-none}@@"
cd "$cwd" || fail "cd $cwd"
"${command[@]}"
status=$?
cd /
echo "@@pmem-vm: exit $status@@"
echo "$status" > "$io/status"
sync
umount "$mnt" 2>/dev/null
EOF
} > "$run/stage2.sh"
echo "$share" > "$run/share"

qemu_args=(
	-machine q35,nvdimm=on -accel tcg -cpu max -smp "$smp"
	-m "$mem,slots=2,maxmem=$((image_size / 1073741824 + 16))G"
	-object "memory-backend-file,id=nv0,share=on,mem-path=$image,size=$image_size,align=2M"
	-device nvdimm,memdev=nv0,label-size=128K
	-kernel "$kernel" -initrd "$initramfs"
	-append "console=ttyS0 quiet loglevel=3 rdinit=/init panic=-1 tsc=reliable"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$run,mount_tag=pmemvmio,security_model=none"
	-virtfs "local,path=$share,mount_tag=share,security_model=none,multidevs=remap"
	-display none -monitor none -serial stdio -no-reboot -nodefaults
)

mkfifo "$run/serial" || cannot "mkfifo in $run"
start=$(date +%s)
"$qemu" "${qemu_args[@]}" < /dev/null > "$run/serial" 2> "$run/qemu.log" &
qemu_pid=$!
[ -z "$pid_file" ] || echo "$qemu_pid" > "$pid_file"
say "QEMU pid $qemu_pid, NVDIMM $image ($image_size bytes, $([ $fresh = 1 ] && echo new || echo reused)), kernel $kver"
if [ -n "$timeout" ]; then
	(
		sleep "$timeout" & s=$!
		trap 'kill $s 2>/dev/null; exit 0' TERM
		wait $s
		: > "$run/timed-out"
		kill -KILL "$qemu_pid" 2>/dev/null
	) &
	timer_pid=$!
fi

# the console: everything to console.log; COMMAND's part to stdout, line by
# line as it comes (mawk reads a pipe in blocks unless -W interactive)
awk=(awk)
! command -v mawk >/dev/null || awk=(mawk -W interactive)
# (bash's stderr is parked meanwhile: it would report QEMU's "Killed")
exec 3>&2 2>/dev/null
"${awk[@]}" -v logf="$run/console.log" -v statusf="$run/exit" -v verbose=$verbose '
	function out(s) { print s; fflush() }
	{
		sub(/\r$/, "")
		print > logf; fflush(logf)
		if (state == 0) {
			if (index($0, "@@pmem-vm: begin")) { state = 1; print "begun" > statusf; close(statusf); if (verbose) out($0); next }
			if (index($0, "@@pmem-vm: guest-error:")) { print > "/dev/fd/3"; fflush("/dev/fd/3") }
			else if (verbose) out($0)
			next
		}
		if (state == 1) {
			i = index($0, "@@pmem-vm: exit ")
			if (i) {
				if (i > 1) out(substr($0, 1, i - 1))
				s = substr($0, i + 16); sub(/@@.*/, "", s)
				print s > statusf; close(statusf)
				state = 2
				next
			}
			out($0)
			next
		}
		if (verbose) out($0)
	}' < "$run/serial"
wait "$qemu_pid"
qemu_status=$?
exec 2>&3 3>&-
qemu_pid=""
elapsed=$(( $(date +%s) - start ))

result=$(cat "$run/exit" 2>/dev/null)
if [ -n "$result" ] && [ "$result" != begun ]; then
	say "COMMAND exited with $result (guest ran for ${elapsed} s)"
	exit "$result"
fi
if [ -e "$run/timed-out" ]; then
	say "power cut after --timeout $timeout s ($([ "$result" = begun ] && echo "while COMMAND ran" || echo "before COMMAND started"))"
	exit 124
fi
if [ "$result" = begun ] && [ $qemu_status -gt 128 ]; then
	say "QEMU was killed by signal $((qemu_status - 128)) while COMMAND ran (a power cut)"
	exit "$qemu_status"
fi
# the guest did not get to run COMMAND, or did not finish it
say "the guest ended ($([ "$result" = begun ] && echo "before COMMAND finished" || echo "before COMMAND started"); QEMU exit status $qemu_status, after ${elapsed} s)"
grep -h '@@pmem-vm: guest-error' "$run/console.log" 2>/dev/null | sed 's/^/pmem-vm: /' >&2
say "last lines of the guest console ($vmdir/last-console.log):"
tail -n 20 "$run/console.log" 2>/dev/null | sed 's/^/  | /' >&2
if [ -s "$run/qemu.log" ]; then
	say "QEMU said ($vmdir/last-qemu.log):"
	grep -v 'TCG doesn.t support requested feature' "$run/qemu.log" | tail -n 20 | sed 's/^/  | /' >&2
fi
[ $qemu_status -gt 128 ] && exit "$qemu_status"
exit 125
