#!/usr/bin/env bash
# Boot time and memory: the default guest (cloud kernel, busybox initramfs,
# 256 MiB) from the VMM's start to the readiness line on its console, and
# the VMM's resident memory beyond the guest RAM it touched, sampled while
# the guest idles.  lguest beside QEMU's microvm, same kernel and initrd.
set -u
cd "$(dirname "$0")/.."
. bench/lib
runs=${LGUEST_BENCH_RUNS:-5}
G=build/guest
out=build/bench/boot
mkdir -p "$out"
args="console=ttyS0 quiet job=idle"
ready='^lguest-guest: ready'

lguest_cmd=(build/lguest 256 "$G/vmlinuz-cloud" --initrd="$G/initrd.img" $args)
qemu_cmd=(qemu-system-x86_64 -M microvm,rtc=on -enable-kvm -cpu host -m 256
	-smp 1 -nodefaults -no-user-config -nographic -serial stdio
	-kernel "$G/vmlinuz-cloud" -initrd "$G/initrd.img" -append "$args")

declare -A ms rss guest over
for vmm in lguest qemu; do
	ms[$vmm]= over[$vmm]= rss[$vmm]= guest[$vmm]=
	for i in $(seq "$runs"); do
		log=$out/$vmm-$i.log
		: >"$log"
		if [ "$vmm" = lguest ]; then
			t=$(timed_run "$log" "$ready" "${lguest_cmd[@]}")
		else
			t=$(timed_run "$log" "$ready" "${qemu_cmd[@]}")
		fi
		read -r r h g <"$log.mem" || { r=0 h=0 g=0; }
		echo "$vmm run $i: ready at $t ms, rss ${r} KiB (peak $h), guest RAM resident ${g} KiB"
		[ "$t" = - ] && { echo "boot: $vmm never printed the ready line; see $log"; exit 1; }
		ms[$vmm]+=" $t" rss[$vmm]+=" $r" guest[$vmm]+=" $g" over[$vmm]+=" $((r - g))"
	done
done

echo
echo "boot ($(bench_settings); wall-clock times, noisy)"
printf '%-28s %12s %12s %8s\n' "median of $runs" lguest qemu-microvm ratio
for what in "boot to ready (ms)" "VMM RSS (KiB)" "guest RAM touched (KiB)" "RSS minus guest RAM (KiB)"; do
	case $what in
	boot*) a=$(median ${ms[lguest]}) b=$(median ${ms[qemu]}) ;;
	VMM*) a=$(median ${rss[lguest]}) b=$(median ${rss[qemu]}) ;;
	guest*) a=$(median ${guest[lguest]}) b=$(median ${guest[qemu]}) ;;
	*) a=$(median ${over[lguest]}) b=$(median ${over[qemu]}) ;;
	esac
	printf '%-28s %12s %12s %8s\n' "$what" "$a" "$b" "$(ratio "$a" "$b")"
done
bench_where
