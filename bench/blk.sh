#!/usr/bin/env bash
# Disk throughput: guest dd with direct I/O and 1 MiB blocks on a 256 MiB
# raw image, sequential write then read, five rounds in one boot, for
# lguest (--block) and QEMU (virtio-blk on virtio-mmio, the same page-cache
# mode: QEMU's cache=writeback, our plain pwritev/preadv).  Medians of the
# rounds and lguest/QEMU ratios.  4 KiB random-read IOPS would need fio
# or similar in the guest; busybox has none, so that row is skipped.
set -u
cd "$(dirname "$0")/.."
. bench/lib
G=build/guest
out=build/bench/blk
mkdir -p "$out"
img=${TMPDIR:-/tmp}/lguest-bench-blk.img
args="console=ttyS0 quiet job=ddbench"

declare -A wr rd
for vmm in lguest qemu; do
	rm -f "$img"
	truncate -s 256M "$img"
	log=$out/$vmm.log
	if [ "$vmm" = lguest ]; then
		timeout 900 build/lguest --block="$img" 512 "$G/vmlinuz-cloud" \
			--initrd="$G/initrd.img" $args </dev/null >"$log" 2>&1
	else
		timeout 900 qemu-system-x86_64 -M microvm,rtc=on -enable-kvm \
			-cpu host -m 512 -smp 1 -nodefaults -no-user-config \
			-nographic -serial stdio -kernel "$G/vmlinuz-cloud" \
			-initrd "$G/initrd.img" -append "$args" \
			-drive file="$img",if=none,id=d0,format=raw,cache=writeback \
			-device virtio-blk-device,drive=d0 </dev/null >"$log" 2>&1
	fi
	# MB/s of each round: bytes / seconds / 1e6.
	wr[$vmm]=$(tr -d '\r' <"$log" | awk '$1 == "ddbench:" && $2 == "write" && $4 > 0 { printf "%.1f ", $3 / $4 / 1e6 }')
	rd[$vmm]=$(tr -d '\r' <"$log" | awk '$1 == "ddbench:" && $2 == "read" && $4 > 0 { printf "%.1f ", $3 / $4 / 1e6 }')
	echo "$vmm: write MB/s ${wr[$vmm]:-none}; read MB/s ${rd[$vmm]:-none}"
	[ -n "${wr[$vmm]}" ] || { echo "blk: $vmm gave no results; see $log"; exit 1; }
done
rm -f "$img"

echo
printf '%-30s %10s %10s %8s\n' "median of 5 rounds" lguest qemu ratio
a=$(median ${wr[lguest]}) b=$(median ${wr[qemu]})
printf '%-30s %10s %10s %8s\n' "sequential write (MB/s)" "$a" "$b" "$(ratio "$a" "$b")"
a=$(median ${rd[lguest]}) b=$(median ${rd[qemu]})
printf '%-30s %10s %10s %8s\n' "sequential read (MB/s)" "$a" "$b" "$(ratio "$a" "$b")"
echo "4 KiB random read (IOPS)       skipped: no random-I/O tool in the busybox guest"
bench_where
