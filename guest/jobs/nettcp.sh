#!/bin/sh
# nettcp: TCP with busybox nc, both ways.  The host sends to our port
# 5001 and we print the md5 of what arrived; then we send the same
# pattern, nettcp_tx_mib=N MiB of it (default 64), to the host's port 5002
# (nettcp_peer=ADDR, default 169.254.42.1), and print how long that took
# and how many segments TCP had to send again.
peer=169.254.42.1 mib=64
for arg in $(cat /proc/cmdline); do
	case $arg in
	nettcp_peer=*) peer=${arg#nettcp_peer=} ;;
	nettcp_tx_mib=*) mib=${arg#nettcp_tx_mib=} ;;
	esac
done
retrans() { awk '/^Tcp: [0-9]/ { print $13 }' /proc/net/snmp; }
nc -l -p 5001 >/tmp/in &
pid=$!
echo "nettcp: listening"
wait $pid
echo "nettcp: received $(wc -c </tmp/in) bytes md5 $(md5sum </tmp/in | cut -d' ' -f1)"
rm -f /tmp/in
echo "nettcp: sending"
r0=$(retrans)
t0=$(cut -d' ' -f1 /proc/uptime)
yes "lguest net" | head -c $((mib * 1024 * 1024)) | nc "$peer" 5002
t1=$(cut -d' ' -f1 /proc/uptime)
echo "nettcp: sent in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s, $(($(retrans) - r0)) segments retransmitted"
