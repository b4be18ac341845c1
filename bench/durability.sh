#!/usr/bin/env bash
# Durability (issue 8): what the guest flushed is on the disk image even
# when the Launcher dies by kill -9.  LGUEST_BENCH_BOOTS boots (default
# 100) of lguest with one 32 MiB disk, alternating virtio-pci and
# virtio-mmio; in each the guest writes a pattern naming the boot
# ("lguest durable boot N", guest/jobs/durable.sh) as the first MiB,
# fsyncs it and says so, then keeps writing elsewhere on the disk; we
# kill -9 lguest at a random moment 0-3 s after that line, and compare
# the image's first MiB with the pattern.  Expected: every boot.
#
# About 10 s a boot in the test host, so only LGUEST_BENCH_ONLY=durability
# runs it.
set -u
cd "$(dirname "$0")/.."
. bench/lib
if [ "${LGUEST_BENCH_ONLY:-}" != durability ]; then
	echo "durability: skipped: ${LGUEST_BENCH_BOOTS:-100} boots take a while; LGUEST_BENCH_ONLY=durability runs them"
	exit 0
fi
G=build/guest
out=build/bench/durability
mkdir -p "$out"
rm -f "$out"/boot-*
boots=${LGUEST_BENCH_BOOTS:-100}
img=${TMPDIR:-/tmp}/lguest-bench-durable.img
truncate -s 32M "$img"
pattern() { yes "lguest durable boot $1" | head -c 1048576; }

declare -A tried flushed kept
for t in pci mmio; do
	tried[$t]=0 flushed[$t]=0 kept[$t]=0
done
failures=
for i in $(seq "$boots"); do
	t=pci
	[ $((i % 2)) -eq 0 ] && t=mmio
	tried[$t]=$((tried[$t] + 1))
	log=$out/boot-$i.log
	: >"$log"
	delay=$((RANDOM % 3000))
	coproc VMM {
		exec timeout 120 build/lguest --transport=$t --block="$img" 256 \
			"$G/vmlinuz-cloud" --initrd="$G/initrd.img" console=ttyS0 \
			quiet job=durable durable="$i" </dev/null 2>&1
	}
	vmm_pid=$VMM_PID
	got=
	while IFS= read -r line <&"${VMM[0]}"; do
		line=${line%$'\r'}
		echo "$line" >>"$log"
		if [ -z "$got" ] && [ "$line" = "durable: flushed $i" ]; then
			got=1
			sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
			kill -9 "$(vmm_pid "$vmm_pid")"
		fi
	done
	# Quietly: bash would report the kill -9 it sees in timeout's status.
	{ wait "$vmm_pid"; } 2>/dev/null
	status=$?
	if [ -z "$got" ]; then
		failures+=" $i($t: no flush line, exit status $status)"
	else
		flushed[$t]=$((flushed[$t] + 1))
		# Through a pipe: the test host has no /dev/fd for <(...).
		if pattern "$i" | cmp -s -n 1048576 - "$img"; then
			kept[$t]=$((kept[$t] + 1))
		else
			failures+=" $i($t: pattern missing after kill at +${delay} ms)"
			cp "$img" "$out/boot-$i.img"
		fi
	fi
	[ $((i % 10)) -eq 0 ] &&
		echo "durability: $i boots, $((kept[pci] + kept[mmio])) patterns kept"
done
rm -f "$img"

echo
echo "durability: kill -9 after a flush ($(bench_settings); counts)"
printf '%-34s %11s %11s %11s\n' "" lguest-pci lguest-mmio all
printf '%-34s %11s %11s %11s\n' "boots" "${tried[pci]}" "${tried[mmio]}" "$boots"
printf '%-34s %11s %11s %11s\n' "guest flushed, then killed" "${flushed[pci]}" \
	"${flushed[mmio]}" "$((flushed[pci] + flushed[mmio]))"
printf '%-34s %11s %11s %11s\n' "pattern on the image after" "${kept[pci]}" \
	"${kept[mmio]}" "$((kept[pci] + kept[mmio]))"
[ -z "$failures" ] || echo "boots that failed:$failures (logs in $out)"
echo "expected: $boots/$boots; measured: $((kept[pci] + kept[mmio]))/$boots"
