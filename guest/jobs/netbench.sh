#!/bin/sh
# netbench: round trips and TCP throughput to the host side, 169.254.44.1
# (link-local, inside the test host).  Prints
#   netbench: rtt MS MS ...            200 ping round trips
#   netbench: tx BYTES SECONDS         16 MiB guest -> host, then
#   netbench: rx-ready N               the host sends us 64 MiB;
# the last two net_rounds=N times (default 5).
rounds=5
for arg in $(cat /proc/cmdline); do
	case $arg in
	net_rounds=*) rounds=${arg#net_rounds=} ;;
	esac
done
ip link set eth0 up && ip addr add 169.254.44.2/24 dev eth0
ping -c 1 -W 30 -w 30 169.254.44.1 >/dev/null 2>&1
echo "netbench: rtt $(ping -c 200 -i 0.05 169.254.44.1 | grep -o 'time=[0-9.]*' | cut -d= -f2 | tr '\n' ' ')"
i=1
while [ "$i" -le "$rounds" ]; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	dd if=/dev/zero bs=65536 count=256 2>/dev/null | nc 169.254.44.1 5003
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "netbench: tx 16777216 $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
	nc -l -p 5004 >/dev/null &
	pid=$!
	sleep 0.2
	echo "netbench: rx-ready $i"
	wait $pid
	i=$((i + 1))
done
echo "netbench: done"
