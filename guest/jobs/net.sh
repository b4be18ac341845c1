#!/bin/sh
# net: bring eth0 up and ping a peer.  The address is netip=ADDR from the
# kernel command line (default 169.254.42.2), the peer netpeer=ADDR
# (default the host side, 169.254.42.1): a link-local /24, never routed
# anywhere.
ip=169.254.42.2 peer=169.254.42.1
for arg in $(cat /proc/cmdline); do
	case $arg in
	netip=*) ip=${arg#netip=} ;;
	netpeer=*) peer=${arg#netpeer=} ;;
	esac
done
ip link set eth0 up && ip addr add "$ip/24" dev eth0 || echo "net: no eth0"
# The feature bits the driver negotiated, bit 0 first (busybox has no
# ethtool).
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0001 ] && echo "net: features $(cat "$d/features")"
done
# The peer may still be booting: up to a minute for its first answer.
ping -c 1 -W 60 -w 60 "$peer" >/dev/null 2>&1
if out=$(ping -c 20 -i 0.2 -W 2 "$peer" 2>&1); then
	echo "net: ping $(echo "$out" | grep -o '[0-9]* packets received')"
else
	echo "net: ping failed: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
fi
# Stay up a moment: the host (or the peer) pings us back.
echo "net: waiting"
sleep 6
