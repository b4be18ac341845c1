#!/usr/bin/env bash
# Network: guest -> host ping round trip (median and 99th percentile of 200)
# and TCP throughput each way (LGUEST_BENCH_RUNS rounds, default 5,
# medians: 64 MiB host to guest, 16 MiB back, since under nested emulation
# a guest that transmits for long is at risk of a crash, QEMU's too), over
# a tap on 169.254.44.0/24 inside the test host.  lguest (--tunnet) over
# virtio-pci and over virtio-mmio, beside QEMU's PC (q35) with its
# userspace virtio-net-pci (-netdev tap,vhost=off: the fair peer, no
# vhost-net kernel help) on the same tap set-up.
set -u
cd "$(dirname "$0")/.."
. bench/lib
G=build/guest
out=build/bench/net
mkdir -p "$out"
runs=${LGUEST_BENCH_RUNS:-5}
args="console=ttyS0 quiet job=netbench net_rounds=$runs"
pattern() { head -c $((64 * 1024 * 1024)) /dev/zero; }

vmms="lguest-pci lguest-mmio qemu"
declare -A rtt tx rx
for vmm in $vmms; do
	log=$out/$vmm.log
	: >"$log"
	timeout 900 nc -k -d -l 5003 >/dev/null 2>&1 &
	sink=$!
	case $vmm in
	lguest-*)
		cmd=(build/lguest --transport="${vmm#lguest-}" --tunnet=169.254.44.1
			384 "$G/vmlinuz-cloud" --initrd="$G/initrd.img" $args)
		;;
	qemu)
		tap_up lgbench0
		qemu_q35 384 "$G/initrd.img" "$args"
		cmd=("${QEMU[@]}"
			-netdev tap,id=n0,ifname=lgbench0,script=no,downscript=no,vhost=off
			-device virtio-net-pci,netdev=n0)
		;;
	esac
	rx[$vmm]=
	coproc VMM { exec timeout 900 "${cmd[@]}" </dev/null 2>&1; }
	vmm_pid=$VMM_PID # bash forgets it when the coprocess ends
	while IFS= read -r line <&"${VMM[0]}"; do
		line=${line%$'\r'}
		echo "$line" >>"$log"
		case $line in
		"netbench: rx-ready"*)
			# The guest's nc may not be listening yet: a refused
			# connection costs nothing, so try again.
			for try in 1 2 3 4 5 6 7 8 9 10; do
				t0=${EPOCHREALTIME/./}
				pattern | timeout 120 nc -N 169.254.44.2 5004 && break
				sleep 0.5
			done
			t1=${EPOCHREALTIME/./}
			rx[$vmm]+=" $(awk -v us=$((t1 - t0)) 'BEGIN { printf "%.1f", 67108864 / us }')"
			;;
		esac
	done
	wait "$vmm_pid"
	status=$?
	kill "$sink" 2>/dev/null
	[ "$vmm" = qemu ] && tap_down lgbench0
	rtt[$vmm]=$(sed -n 's/^netbench: rtt //p' "$log")
	tx[$vmm]=$(awk '$1 == "netbench:" && $2 == "tx" && $4 > 0 { printf "%.1f ", $3 / $4 / 1e6 }' "$log")
	echo "$vmm: rtt $(echo "${rtt[$vmm]}" | wc -w) samples; tx MB/s ${tx[$vmm]:-none}; rx MB/s ${rx[$vmm]:-none}"
	[ -n "${rtt[$vmm]}" ] || echo "net: $vmm gave no round trips (exit status $status); see $log"
done

# med / pct: "-" where there are no samples.
med() { if [ $# -gt 0 ]; then median "$@"; else echo -; fi; }
pct() {
	[ -n "$1" ] || { echo -; return; }
	printf '%s\n' $1 | sort -g | awk -v p="$2" '{ v[NR] = $1 }
		END { i = int(NR * p + 0.999); if (i < 1) i = 1; print v[i] }'
}
echo
echo "net ($(bench_settings); wall-clock times, noisy)"
row_head "200 pings; $runs rounds of TCP"
row "ping RTT median (ms)" $(for v in $vmms; do med ${rtt[$v]}; done)
row "ping RTT p99 (ms)" $(for v in $vmms; do pct "${rtt[$v]}" 0.99; done)
row "TCP guest->host (MB/s)" $(for v in $vmms; do med ${tx[$v]}; done)
row "TCP host->guest (MB/s)" $(for v in $vmms; do med ${rx[$v]}; done)
a=$(med ${rtt[lguest-pci]}) b=$(med ${rtt[qemu]})
verdict=$(awk -v a="$a" -v b="$b" 'BEGIN { n = "^[0-9.]+$"
	print (a !~ n || b !~ n) ? "not measured" : (a <= b) ? "met" : "not met" }')
echo "goal: ping RTT median over PCI <= QEMU's: $verdict ($a ms vs $b ms)"
