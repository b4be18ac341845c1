#!/bin/sh
# ddbench: sequential throughput of /dev/vda with direct I/O, 1 MiB blocks,
# five rounds of a 256 MiB write then read.  busybox dd reports the rate;
# we print "ddbench: write|read BYTES SECONDS".
run() {
	# busybox dd's last line: "... 268435456 bytes (256.0MB) copied, 1.2 seconds, ..."
	dd "$@" bs=1048576 count=256 2>&1 | awk '/copied/ {
		for (i = 1; i <= NF; i++) if ($i == "bytes") b = $(i - 1);
		for (i = 1; i <= NF; i++) if ($i ~ /^seconds/) s = $(i - 1);
		print b, s }'
}
for i in 1 2 3 4 5; do
	echo "ddbench: write $(run if=/dev/zero of=/dev/vda oflag=direct)"
	echo "ddbench: read $(run if=/dev/vda of=/dev/null iflag=direct)"
done
