#!/usr/bin/env bash
# Network: guest -> host ping round trip (median and 99th percentile of 200)
# and TCP throughput each way (five rounds, medians: 64 MiB host to guest,
# 16 MiB back, since under nested emulation a guest that transmits for
# long is at risk of a crash, QEMU's too), over a tap on 169.254.44.0/24
# inside the test host.  lguest (--tunnet) beside QEMU's
# userspace virtio-net (-netdev tap,vhost=off: the fair peer, no vhost-net
# kernel help) on the same tap set-up.
set -u
cd "$(dirname "$0")/.."
. bench/lib
G=build/guest
out=build/bench/net
mkdir -p "$out"
args="console=ttyS0 quiet job=netbench"
pattern() { head -c $((64 * 1024 * 1024)) /dev/zero; }

declare -A rtt tx rx
for vmm in lguest qemu; do
	log=$out/$vmm.log
	: >"$log"
	timeout 600 nc -k -d -l 5003 >/dev/null 2>&1 &
	sink=$!
	if [ "$vmm" = lguest ]; then
		cmd=(build/lguest --tunnet=169.254.44.1 384 "$G/vmlinuz-cloud"
			--initrd="$G/initrd.img" $args)
	else
		ip tuntap add lgbench0 mode tap
		ip addr add 169.254.44.1/24 dev lgbench0
		ip link set lgbench0 up
		cmd=(qemu-system-x86_64 -M microvm,rtc=on -enable-kvm -cpu host
			-m 384 -smp 1 -nodefaults -no-user-config -nographic -no-reboot
			-serial stdio -kernel "$G/vmlinuz-cloud" -initrd "$G/initrd.img"
			-append "$args"
			-netdev tap,id=n0,ifname=lgbench0,script=no,downscript=no,vhost=off
			-device virtio-net-device,netdev=n0)
	fi
	rx[$vmm]=
	coproc VMM { exec timeout 600 "${cmd[@]}" </dev/null 2>&1; }
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
	kill "$sink" 2>/dev/null
	[ "$vmm" = qemu ] && ip link del lgbench0 2>/dev/null
	rtt[$vmm]=$(sed -n 's/^netbench: rtt //p' "$log")
	tx[$vmm]=$(awk '$1 == "netbench:" && $2 == "tx" && $4 > 0 { printf "%.1f ", $3 / $4 / 1e6 }' "$log")
	echo "$vmm: rtt ms (sorted) $(echo "${rtt[$vmm]}" | wc -w) samples; tx MB/s ${tx[$vmm]:-none}; rx MB/s ${rx[$vmm]:-none}"
	[ -n "${rtt[$vmm]}" ] || { echo "net: $vmm gave no results; see $log"; exit 1; }
done

# p99 of the sorted samples.
pct() { printf '%s\n' $1 | sort -g | awk -v p="$2" '{ v[NR] = $1 } END { i = int(NR * p + 0.999); if (i < 1) i = 1; print v[i] }'; }
echo
printf '%-30s %10s %10s %8s\n' "" lguest qemu ratio
a=$(median ${rtt[lguest]}) b=$(median ${rtt[qemu]})
printf '%-30s %10s %10s %8s\n' "ping RTT median (ms)" "$a" "$b" "$(ratio "$a" "$b")"
a=$(pct "${rtt[lguest]}" 0.99) b=$(pct "${rtt[qemu]}" 0.99)
printf '%-30s %10s %10s %8s\n' "ping RTT p99 (ms)" "$a" "$b" "$(ratio "$a" "$b")"
a=$(median ${tx[lguest]}) b=$(median ${tx[qemu]})
printf '%-30s %10s %10s %8s\n' "TCP guest->host (MB/s)" "$a" "$b" "$(ratio "$a" "$b")"
a=$(median ${rx[lguest]}) b=$(median ${rx[qemu]})
printf '%-30s %10s %10s %8s\n' "TCP host->guest (MB/s)" "$a" "$b" "$(ratio "$a" "$b")"
bench_where
