#!/bin/sh
# pingcount: 100 pings to the host side (169.254.44.1), with nothing on
# the console while they run: they start 5 s after "pingcount:
# ready", and their end is a write of 9 to the boot-timer port (which
# lguest --boot-timer logs on stderr) a second before anything is printed,
# so the host can count what the VMM does for exactly them (strace).
# IPv6 is off, so that its router solicitations and listener reports do
# not travel with the pings.  Under a VMM without the port (QEMU) the
# write goes nowhere, or faults in lguest-io, which stays quiet about it.
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null
ip link set eth0 up && ip addr add 169.254.44.2/24 dev eth0
ping -c 1 -W 30 -w 30 169.254.44.1 >/dev/null 2>&1
echo "pingcount: ready"
sleep 5
ping -c 100 -i 0.05 -q 169.254.44.1 >/tmp/ping.out 2>&1
lguest-io outb 0x440 9 2>/dev/null
sleep 1
echo "pingcount: done $(grep -o '[0-9]* packets received' /tmp/ping.out)"
sleep 2
