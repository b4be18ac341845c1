#!/bin/sh
# devices: the virtio devices the guest found, one line each:
#   virtio: NAME DEVICE-ID DRIVER
# then "virtio-devices: N".
n=0
for d in /sys/bus/virtio/devices/*; do
	[ -e "$d/device" ] || continue
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	echo "virtio: $(basename "$d") $(cat "$d/device") ${drv:-none}"
	n=$((n + 1))
done
echo "virtio-devices: $n"

# One request through each disk and the rng: the devices work, not just
# appear.
ok=ok
for b in /dev/vd?; do
	[ -b "$b" ] || continue
	dd if="$b" of=/dev/null bs=4096 count=1 2>/dev/null || ok="failed $b"
done
if [ -e /dev/hwrng ]; then
	[ "$(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | wc -c)" = 64 ] ||
		ok="failed hwrng"
fi
echo "virtio-io: $ok"
