#!/usr/bin/env bash
# Disk: fio in the guest (guest/jobs/fiobench.sh, in the bench guest that
# guest/build-bench makes) on a 256 MiB raw image, direct I/O in the guest
# with libaio: 1 MiB sequential writes and reads at queue depth 1, and
# 4 KiB random reads at queue depth 1 and 32, 3 s each; medians of
# LGUEST_BENCH_RUNS rounds (default 5), a boot each.  lguest (--block)
# over virtio-pci and over virtio-mmio, beside QEMU's PC (q35) with
# virtio-blk-pci.  The same image for all, in the same page-cache mode:
# lguest's plain preadv and pwritev on the file, QEMU's cache=writeback
# with aio=threads (its thread pool doing the same preadv and pwritev).
set -u
cd "$(dirname "$0")/.."
. bench/lib
G=build/guest
out=build/bench/blk
mkdir -p "$out"
runs=${LGUEST_BENCH_RUNS:-5}
initrd=$G/initrd-bench.img
args="console=ttyS0 quiet job=fiobench fio_rounds=1 fio_runtime=3"
if [ ! -s "$initrd" ]; then
	echo "blk: not measured: no $initrd (guest/build-bench build/guest makes it; bench/run does)"
	exit 0
fi
img=${TMPDIR:-/tmp}/lguest-bench-blk.img
# Written through, not sparse: every VMM reads pages that exist.
head -c $((256 * 1024 * 1024)) /dev/zero >"$img"

# One boot per VMM and round, the VMMs taking turns: the machine's load
# drifts over minutes, and would otherwise land on one VMM's rounds.
vmms="lguest-pci lguest-mmio qemu"
declare -A res
for r in $(seq "$runs"); do
	for vmm in $vmms; do
		log=$out/$vmm-$r.log
		case $vmm in
		lguest-*)
			cmd=(build/lguest --transport="${vmm#lguest-}" --block="$img" 512
				"$G/vmlinuz-cloud" --initrd="$initrd" $args)
			;;
		qemu)
			qemu_q35 512 "$initrd" "$args"
			cmd=("${QEMU[@]}"
				-drive file="$img",if=none,id=d0,format=raw,cache=writeback,aio=threads
				-device virtio-blk-pci,drive=d0)
			;;
		esac
		timeout 600 "${cmd[@]}" </dev/null 2>&1 | tr -d '\r' >"$log"
		status=${PIPESTATUS[0]}
		# "fiobench: JOB ROUND 3;fio-3.33;JOB;0;ERROR;..." -> "JOB VALUE":
		# MB/s (bandwidth in KiB/s, field 7 read, 48 write) for the
		# sequential jobs, IOPS (field 8) for the random ones.
		got=$(awk -F';' '/^fiobench: / && $5 == 0 {
			split($1, w, " "); job = w[2]
			if (job == "seqwrite") v = $48 * 1024 / 1e6
			else if (job == "seqread") v = $7 * 1024 / 1e6
			else v = $8
			printf "%s %.1f\n", job, v }' "$log")
		echo "$vmm round $r:" $got
		[ -n "$got" ] || echo "blk: $vmm gave no fio results (exit status $status); see $log"
		grep -m1 '^fiobench: .*failed' "$log"
		res[$vmm]+="$got"$'\n'
	done
done
rm -f "$img"

med() {
	local v
	v=$(awk -v j="$2" '$1 == j { print $2 }' <<<"${res[$1]}")
	if [ -n "$v" ]; then median $v; else echo -; fi
}
echo
echo "disk, fio in the guest ($(bench_settings); wall-clock rates, noisy)"
row_head "median of $runs boots, 3 s a job"
row "1 MiB sequential write (MB/s)" $(for v in $vmms; do med "$v" seqwrite; done)
row "1 MiB sequential read (MB/s)" $(for v in $vmms; do med "$v" seqread; done)
row "4 KiB random read QD1 (IOPS)" $(for v in $vmms; do med "$v" randread1; done)
row "4 KiB random read QD32 (IOPS)" $(for v in $vmms; do med "$v" randread32; done)
