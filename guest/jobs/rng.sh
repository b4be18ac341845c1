#!/bin/sh
# rng: read rng_kib=N KiB (default 1024) from the virtio entropy source.
kib=1024
for arg in $(cat /proc/cmdline); do
	case $arg in rng_kib=*) kib=${arg#rng_kib=} ;; esac
done
echo "rng: current $(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
echo "rng: read $(dd if=/dev/hwrng bs=1024 count="$kib" iflag=fullblock 2>/dev/null | wc -c) bytes"
