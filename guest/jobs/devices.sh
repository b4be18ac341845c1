#!/bin/sh
# devices: the virtio devices the guest found, one line each:
#   virtio: NAME DEVICE-ID DRIVER BUS
# (BUS: pci, with the function's vendor:device, or mmio), then
# "virtio-devices: N" and, on PCI, "virtio-msix: N", the MSI-X vectors
# the drivers set up, from /proc/interrupts.
n=0
for d in /sys/bus/virtio/devices/*; do
	[ -e "$d/device" ] || continue
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	parent=$(readlink -f "$d/..")
	if [ -e "$parent/vendor" ]; then
		bus="pci $(cat "$parent/vendor"):$(cat "$parent/device")"
	else
		bus=mmio
	fi
	echo "virtio: $(basename "$d") $(cat "$d/device") ${drv:-none} $bus"
	n=$((n + 1))
done
echo "virtio-devices: $n"
msix=$(grep -c "PCI-MSI.*virtio" /proc/interrupts)
[ "$msix" -eq 0 ] || echo "virtio-msix: $msix"

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
