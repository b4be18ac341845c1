#!/usr/bin/env bash
# System calls per guest -> host ping, in the VMM: strace attached to the
# running VMM (every thread) for exactly 100 pings with nothing on the
# console (guest/jobs/pingcount.sh), counted by type, and KVM_RUN returns
# (exits from the guest to the VMM) apart.  lguest over virtio-pci and
# over virtio-mmio, beside QEMU's PC (q35) with virtio-net-pci on a tap
# (vhost=off).  Counts, not times: the noisy wall clock does not matter.
#
# The window: strace attaches when the guest says "pingcount: ready"
# (its pings start 5 s later), and the window opens once strace says it
# has every thread.  For lguest it closes at the boot-timer line of the
# guest's write of 9 to port 0x440, right after the last reply; lguest's
# handling of that write (a KVM_RUN return, write() of the line, and
# clock_gettime() when the vDSO cannot read the clock) is found in the
# trace and left out of the goal.  QEMU has no such port, so its window
# closes when the host has answered 100 echo requests (Icmp OutEchoReps)
# and 0.3 s more have passed for the last reply to reach the guest; the
# guest prints nothing until a second after its last ping.  The tap must
# have carried exactly the 100 pings and their replies in the window, or
# the VMM's column is left empty with the reason.
#
# strace -C is strace -c (the table by type) plus the trace itself, which
# tells KVM_RUN from the VMM's other ioctl()s; -c alone cannot.
set -u
cd "$(dirname "$0")/.."
. bench/lib
G=build/guest
out=build/bench/syscalls
mkdir -p "$out"
args="console=ttyS0 quiet job=pingcount"
command -v strace >/dev/null || {
	echo "syscalls: not measured: no strace on this host (apt-get install strace)"
	exit 0
}

# echo_replies: how many echo replies this host has sent.
echo_replies() {
	awk '$1 == "Icmp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "OutEchoReps") f = i; n = 1 }
		else print $f }' /proc/net/snmp
}

# tap_frames TAP: "FROM_GUEST TO_GUEST", the frames the tap has carried.
tap_frames() {
	echo "$(cat "/sys/class/net/$1/statistics/rx_packets") $(cat "/sys/class/net/$1/statistics/tx_packets")"
}

# stop_trace STRACE TAP FILE: end the strace and write the tap's frame
# counts at that moment into FILE.
stop_trace() {
	tap_frames "$2" >"$3"
	kill -INT "$1" 2>/dev/null
}

# stop_after_replies BASE STRACE TAP FILE: stop_trace once 100 more echo
# replies than BASE have left, and 0.3 s more have passed.
stop_after_replies() {
	local base=$1 i
	shift
	for ((i = 0; i < 6000; i++)); do
		[ "$(echo_replies)" -ge $((base + 100)) ] && break
		sleep 0.01
	done
	sleep 0.3
	stop_trace "$@"
}

# count STRACE-OUTPUT: "NAME CALLS" for each system call in strace's
# table; "KVM_RUN N", the KVM_RUN ioctl()s that returned in the window;
# and "marker NAME N" for each call a vCPU thread made from its last
# KVM_RUN return on: lguest's handling of the end marker (the return,
# clock_gettime() for the time when the host's clock is not in the vDSO,
# write() of the line).  A KVM_RUN under way when strace attached shows
# as "ioctl(N, KVM_RUN <unfinished ...>" and returns as "<... ioctl
# resumed>"; one under way when it detached, as "<detached ...>".
count() {
	awk '$1 == "%" && $2 == "time" { table = 1; next }
		table && $1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }
		table { next }
		$2 == "<..." { name = $3; ended = 1 }
		$2 != "<..." { name = $2; sub(/\(.*/, "", name); ended = !/<unfinished|<detached/ }
		!ended { if (/KVM_RUN/) pending[$1] = 1; next }
		name == "ioctl" && (/KVM_RUN/ || pending[$1]) {
			runs++; pending[$1] = 0; vcpu = $1; n = 0 }
		$1 == vcpu && name ~ /^[a-z0-9_]+$/ { after[++n] = name }
		END {
			print "KVM_RUN", runs + 0
			for (i = 1; i <= n; i++) m[after[i]]++
			for (c in m) print "marker", c, m[c]
		}' "$1"
}

vmms="lguest-pci lguest-mmio qemu"
declare -A calls frames note
for vmm in $vmms; do
	log=$out/$vmm.log
	trace=$out/$vmm.strace
	: >"$log"
	rm -f "$trace"
	tap=lgbench0
	case $vmm in
	lguest-*)
		cmd=(build/lguest --boot-timer --transport="${vmm#lguest-}"
			--tunnet=169.254.44.1 384 "$G/vmlinuz-cloud"
			--initrd="$G/initrd.img" $args)
		;;
	qemu)
		tap_up lgbench0
		qemu_q35 384 "$G/initrd.img" "$args"
		cmd=("${QEMU[@]}"
			-netdev tap,id=n0,ifname=lgbench0,script=no,downscript=no,vhost=off
			-device virtio-net-pci,netdev=n0)
		;;
	esac
	st= poller= note[$vmm]= frames[$vmm]=
	rm -f "$out/$vmm.frames"
	coproc VMM { exec timeout 600 "${cmd[@]}" </dev/null 2>&1; }
	vmm_pid=$VMM_PID
	while IFS= read -r line <&"${VMM[0]}"; do
		line=${line%$'\r'}
		echo "$line" >>"$log"
		case $line in
		"pingcount: ready"*)
			[ "$vmm" = qemu ] || tap=$(ip -o link show type tun | awk -F': ' '{ print $2; exit }')
			# Neither is the host's own chatter on the tap: IPv6
			# router solicitations, or an ARP request when its
			# entry for the guest goes stale in mid-window.
			sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" 2>/dev/null
			mac=$(ip neigh show 169.254.44.2 dev "$tap" | awk '{ print $3; exit }')
			[ -z "$mac" ] || ip neigh replace 169.254.44.2 lladdr "$mac" dev "$tap" nud permanent
			f_ready=$(tap_frames "$tap")
			strace -f -C -o "$trace" -p "$(vmm_pid "$vmm_pid")" 2>"$trace.err" &
			st=$!
			# The window opens once strace has every thread, which
			# may take a while on a busy machine: the guest waits
			# 5 s before its pings, and if one went out first, the
			# count is not the pings' and we say so below.
			for ((i = 0; i < 200; i++)); do
				grep -q 'attached' "$trace.err" 2>/dev/null && break
				sleep 0.05
			done
			tap_frames "$tap" >"$out/$vmm.frames0"
			[ "$(cat "$out/$vmm.frames0")" = "$f_ready" ] ||
				note[$vmm]="pings went out before strace was in; "
			if [ "$vmm" = qemu ]; then
				stop_after_replies "$(echo_replies)" "$st" "$tap" "$out/$vmm.frames" &
				poller=$!
			fi
			;;
		*"boot-timer: guest wrote 9 "*)
			[ -n "$st" ] && stop_trace "$st" "$tap" "$out/$vmm.frames"
			;;
		"pingcount: done"*)
			[ -e "$out/$vmm.frames" ] ||
				note[$vmm]="the window closed after the guest printed; "
			;;
		esac
	done
	wait "$vmm_pid"
	status=$?
	# A guest that never got its pings through leaves both running.
	[ -n "$poller" ] && kill "$poller" 2>/dev/null
	[ -n "$st" ] && kill -INT "$st" 2>/dev/null
	wait
	[ "$vmm" = qemu ] && tap_down lgbench0
	if [ -s "$out/$vmm.frames" ]; then
		read -r a b <"$out/$vmm.frames0"
		read -r c d <"$out/$vmm.frames"
		frames[$vmm]="$((c - a)) from the guest, $((d - b)) to it"
	fi
	calls[$vmm]=
	if ! grep -q '^pingcount: done 100 packets received' "$log" || [ ! -s "$trace" ]; then
		echo "syscalls: $vmm not measured (exit status $status; 100 pings and a trace needed); see $log"
	elif [ "${frames[$vmm]}" != "100 from the guest, 100 to it" ] || [ -n "${note[$vmm]}" ]; then
		echo "syscalls: $vmm not measured: ${note[$vmm]}frames on the tap in the window:" \
			"${frames[$vmm]:-?}, not 100 each way; see $log and $trace"
	else
		calls[$vmm]=$(count "$trace")
		echo "$vmm: 100 frames each way on the tap in the window; trace in $trace"
	fi
done

# The table: per ping, each type any VMM made, the most frequent first.
get() { awk -v n="$2" '$1 == n { printf "%.2f\n", $2 / 100; f = 1 } END { if (!f) print "-" }' <<<"${calls[$1]}"; }
echo
echo "system calls per ping, 100 pings, strace -f -C ($(bench_settings); counts)"
row_head "per ping"
row "KVM_RUN returns" $(for v in $vmms; do [ -n "${calls[$v]}" ] && get "$v" KVM_RUN || echo -; done)
for name in $(for v in $vmms; do echo "${calls[$v]}"; done | awk 'NF == 2 && $1 != "KVM_RUN" { n[$1] += $2 }
	END { for (s in n) print n[s], s }' | sort -rn | awk '{ print $2 }'); do
	row "$name" $(for v in $vmms; do
		if [ -n "${calls[$v]}" ]; then v=$(get "$v" "$name"); echo "${v/-/0.00}"; else echo -; fi
	done)
done
row "all system calls" $(for v in $vmms; do
	[ -n "${calls[$v]}" ] || { echo -; continue; }
	awk 'NF == 2 && $1 != "KVM_RUN" { t += $2 } END { printf "%.2f\n", t / 100 }' <<<"${calls[$v]}"
done)
# marker VMM: the end marker's calls, "1 ioctl, 1 write".
marker() { awk '$1 == "marker" { printf "%s%s %s", sep, $3, $2; sep = ", " }' <<<"${calls[$1]}"; }
echo "(KVM_RUN returns are among the ioctl()s.  lguest's windows end with the end"
echo " marker, counted above: $(marker lguest-pci) over PCI; $(marker lguest-mmio)"
echo " over MMIO.  The goal below leaves them out.)"
if [ -n "${calls[lguest-pci]}" ]; then
	read -r total runs <<<"$(awk 'NF == 2 && $1 != "KVM_RUN" { t += $2 } $1 == "KVM_RUN" { r = $2 }
		$1 == "marker" { t -= $3; if ($2 == "ioctl") r -= $3 }
		END { print t, r }' <<<"${calls[lguest-pci]}")"
	verdict=$(awk -v t="$total" -v r="$runs" 'BEGIN { print (t <= 500 && r <= 0) ? "met" : "not met" }')
	echo "goal: PCI at most 5 system calls a ping and no KVM_RUN return: $verdict" \
		"($total calls and $runs KVM_RUN returns for 100 pings, less the end marker)"
fi
