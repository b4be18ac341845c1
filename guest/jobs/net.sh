#!/bin/sh
# net: bring eth0 up as 169.254.42.2/24 (link-local: the tap's subnet in the
# tests, never routed anywhere) and ping the host side, 169.254.42.1.
ip link set eth0 up && ip addr add 169.254.42.2/24 dev eth0 ||
	echo "net: no eth0"
# The feature bits the driver negotiated, bit 0 first (busybox has no
# ethtool).
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0001 ] && echo "net: features $(cat "$d/features")"
done
if out=$(ping -c 20 -i 0.2 -W 2 169.254.42.1 2>&1); then
	echo "net: ping $(echo "$out" | grep -o '[0-9]* packets received')"
else
	echo "net: ping failed: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
fi
# Stay up a moment: the host pings us back.
echo "net: waiting"
sleep 6
