#!/usr/bin/env bash
# Exits per 4 KiB disk read, lguest over virtio-mmio beside virtio-pci:
# KVM's own counters, read before and after 2000 direct 4 KiB reads in
# the guest (guest/jobs/blkexits.sh), and before and after 3 s of idling
# to take the background out.  Counts, not times.
#
# The counters: KVM's debugfs, /sys/kernel/debug/kvm/PID-FD/.  On this
# kernel (Debian 6.1) the per-vCPU folder vcpu0/ holds only guest_mode,
# tsc-offset and the like; the exit counters are in the VM's folder,
# summed over its vCPUs, which is vcpu0's own with our one vCPU.  We use
#   mmio_exits  MMIO accesses handed to the VMM (KVM_EXIT_MMIO): counted
#               where x86_emulate_instruction() leaves for userspace, so
#               ioeventfd writes and the in-kernel LAPIC/IOAPIC are not
#   io_exits    port I/O exits, in-kernel ones too (svm io_interception);
#               here only our boot-timer markers
#   exits       every VM exit, most handled inside KVM (timer, HLT,
#               interrupts): what a read costs the host CPU, not the VMM
# "to userspace" is mmio_exits + io_exits: each is one KVM_RUN return.
set -u
cd "$(dirname "$0")/.."
. bench/lib
G=build/guest
out=build/bench/exits
mkdir -p "$out"
reads=2000
args="console=ttyS0 quiet job=blkexits blkexits_reads=$reads"
debugfs=/sys/kernel/debug
counters="mmio_exits io_exits exits"

[ -d "$debugfs/kvm" ] || mount -t debugfs none "$debugfs" 2>/dev/null
if [ ! -d "$debugfs/kvm" ]; then
	echo "exits: not measured: no KVM debugfs at $debugfs/kvm (root and debugfs needed)"
	exit 0
fi
img=${TMPDIR:-/tmp}/lguest-bench-exits.img
head -c $((64 * 1024 * 1024)) /dev/zero >"$img"

# snapshot PID: "MS C1 C2 ..." for lguest PID: the time of the marker
# from lguest's boot-timer line, then the counters in $counters' order.
snapshot() {
	local dir c
	dir=$(ls -d "$debugfs/kvm/$1"-* 2>/dev/null | head -n 1)
	[ -n "$dir" ] || return 1
	for c in $counters; do
		cat "$dir/$c"
	done | tr '\n' ' '
}

declare -A idle busy
for t in pci mmio; do
	log=$out/$t.log
	: >"$log"
	declare -A at=()
	coproc VMM {
		exec timeout 300 build/lguest --boot-timer --transport=$t \
			--block="$img" 256 "$G/vmlinuz-cloud" \
			--initrd="$G/initrd.img" $args </dev/null 2>&1
	}
	vmm_pid=$VMM_PID
	while IFS= read -r line <&"${VMM[0]}"; do
		line=${line%$'\r'}
		echo "$line" >>"$log"
		# "lguest: boot-timer: guest wrote 5 at 812.3 ms"
		if [[ $line =~ boot-timer:\ guest\ wrote\ ([456])\ at\ ([0-9.]+)\ ms ]]; then
			at[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]} $(snapshot "$(vmm_pid "$vmm_pid")")"
		fi
	done
	wait "$vmm_pid"
	status=$?
	idle[$t]= busy[$t]=
	if grep -q "^blkexits: done $reads reads" "$log" && [ -n "${at[6]:-}" ]; then
		# Differences: "MS C1 C2 ..." over each window.
		idle[$t]=$(printf '%s\n%s\n' "${at[4]}" "${at[5]}" |
			awk 'NR == 1 { split($0, a) } NR == 2 { for (i = 1; i <= NF; i++) printf "%s ", $i - a[i] }')
		busy[$t]=$(printf '%s\n%s\n' "${at[5]}" "${at[6]}" |
			awk 'NR == 1 { split($0, a) } NR == 2 { for (i = 1; i <= NF; i++) printf "%s ", $i - a[i] }')
		echo "$t: idle window (ms $counters) ${idle[$t]}; read window ${busy[$t]}"
	else
		echo "exits: $t not measured (exit status $status); see $log"
	fi
done
rm -f "$img"

# per_read T I: counter I (1-based in $counters) per read over T: the
# read window's count less the idle rate times its length, over $reads.
per_read() {
	[ -n "${busy[$1]}" ] || { echo -; return; }
	awk -v i="$2" -v n="$reads" -v idle="${idle[$1]}" -v busy="${busy[$1]}" 'BEGIN {
		split(idle, a); split(busy, b)
		v = (b[i + 1] - a[i + 1] * b[1] / a[1]) / n
		printf "%.2f\n", v < 0 ? 0 : v }'
}
# idle_rate T I: counter I per second of idling.
idle_rate() {
	[ -n "${idle[$1]}" ] || { echo -; return; }
	awk -v i="$2" -v idle="${idle[$1]}" 'BEGIN { split(idle, a); printf "%.1f\n", a[i + 1] * 1000 / a[1] }'
}
sum() { awk -v x="$1" -v y="$2" 'BEGIN { if (x == "-" || y == "-") print "-"; else printf "%.2f\n", x + y }'; }
line() { printf '%-34s %11s %11s %10s\n' "$@"; }
echo
echo "exits per 4 KiB read, $reads direct reads ($(bench_settings); counts, less the idle rate)"
line "per read" lguest-mmio lguest-pci mmio/pci
i=0
for c in $counters; do
	i=$((i + 1))
	a=$(per_read mmio $i) b=$(per_read pci $i)
	line "$c" "$a" "$b" "$(ratio "$a" "$b")"
	if [ "$c" = io_exits ]; then
		a=$(sum "$(per_read mmio 1)" "$(per_read mmio 2)")
		b=$(sum "$(per_read pci 1)" "$(per_read pci 2)")
		line "to userspace (mmio + io)" "$a" "$b" "$(ratio "$a" "$b")"
	fi
done
# raw T I: counter I over T's whole read window, as counted.
raw() {
	[ -n "${busy[$1]}" ] || { echo -; return; }
	awk -v i="$2" '{ print $(i + 1) }' <<<"${busy[$1]}"
}
i=0
for c in $counters; do
	i=$((i + 1))
	line "read window: $c" "$(raw mmio $i)" "$(raw pci $i)" ""
done
i=0
for c in $counters; do
	i=$((i + 1))
	line "idle: $c per second" "$(idle_rate mmio $i)" "$(idle_rate pci $i)" ""
done
echo "(each window holds one boot-timer write, an io_exit: the idle rate takes it out;"
echo " virtio-mmio costs the driver an InterruptStatus read and an InterruptACK write"
echo " per interrupt, virtio-pci's MSI-X reaches the guest through an irqfd, no exit;"
echo " \"exits\" also holds the guest's timer ticks while it reads, so it follows the"
echo " wall clock; mmio_exits and io_exits do not)"
