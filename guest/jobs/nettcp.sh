#!/bin/sh
# nettcp: 64 MiB over TCP with busybox nc: the host sends to our port
# 5001, we print the md5 of what arrived.  With nettcp_send on the kernel
# command line we then send
# the same pattern to the host's port 5002 (slow for now: not in make test).
nc -l -p 5001 >/tmp/in &
pid=$!
echo "nettcp: listening"
wait $pid
echo "nettcp: received $(wc -c </tmp/in) bytes md5 $(md5sum </tmp/in | cut -d' ' -f1)"
rm -f /tmp/in
grep -qw nettcp_send /proc/cmdline || exit 0
yes "lguest net" | head -c $((64 * 1024 * 1024)) | nc 169.254.42.1 5002
echo "nettcp: sent"
