#!/bin/sh
# fiobench: fio on /dev/vda with direct I/O (the guest's page cache out of
# the way), libaio, each job time-based (fio_runtime=S seconds, default 3,
# after 1 s of ramp), fio_rounds=N times (default 3):
#   seqwrite    1 MiB sequential writes, queue depth 1 (first: it fills the disk)
#   seqread     1 MiB sequential reads, queue depth 1
#   randread1   4 KiB random reads, queue depth 1
#   randread32  4 KiB random reads, queue depth 32
# One line per job and round, "fiobench: JOB ROUND TERSE", TERSE being
# fio's terse output (version 3, fields separated by ';'), which the host
# parses.  Only the bench guest (initrd-bench.img) has fio.
command -v fio >/dev/null || { echo "fiobench: no fio in this guest"; exit 0; }
rounds=3 runtime=3
for arg in $(cat /proc/cmdline); do
	case $arg in
	fio_rounds=*) rounds=${arg#fio_rounds=} ;;
	fio_runtime=*) runtime=${arg#fio_runtime=} ;;
	esac
done
i=1
while [ "$i" -le "$rounds" ]; do
	for job in "seqwrite write 1m 1" "seqread read 1m 1" \
		"randread1 randread 4k 1" "randread32 randread 4k 32"; do
		set -- $job
		name=$1 rw=$2 bs=$3 qd=$4
		# No progress line (--eta=never): the console is a serial port,
		# and each character on it costs the VMM an exit.
		out=$(fio --name="$name" --filename=/dev/vda --direct=1 \
			--ioengine=libaio --rw="$rw" --bs="$bs" --iodepth="$qd" \
			--time_based --runtime="$runtime" --ramp_time=1 --thread \
			--eta=never --output-format=terse --terse-version=3 2>&1)
		echo "fiobench: $name $i $(echo "$out" | grep "^3;" || echo "failed: $out" | tr '\n' ' ')"
	done
	i=$((i + 1))
done
