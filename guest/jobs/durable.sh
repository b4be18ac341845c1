#!/bin/sh
# durable: write this boot's pattern, "lguest durable boot N" over and
# over (N from durable=N on the kernel command line), as the first MiB of
# /dev/vda, flush it (fsync: a virtio-blk FLUSH), say "durable: flushed
# N", then keep the disk busy with unflushed writes past that MiB until
# the host kills the Launcher.  The host then looks for the pattern in
# the image file: a different N per boot, so that an earlier boot's
# pattern cannot pass for this one's.
n=0
for arg in $(cat /proc/cmdline); do
	case $arg in
	durable=*) n=${arg#durable=} ;;
	esac
done
yes "lguest durable boot $n" | head -c 1048576 |
	dd of=/dev/vda bs=65536 conv=fsync 2>/dev/null || echo "durable: write failed"
echo "durable: flushed $n"
i=0
while :; do
	dd if=/dev/zero of=/dev/vda bs=65536 count=16 seek=$((16 + i % 30 * 16)) \
		oflag=direct 2>/dev/null
	i=$((i + 1))
done
