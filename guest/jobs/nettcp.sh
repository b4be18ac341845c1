#!/bin/sh
# nettcp: 64 MiB each way over TCP with busybox nc.  The host sends to our
# port 5001 (we print the md5 of what arrived), then we send the same
# pattern to the host's port 5002.
nc -l -p 5001 >/tmp/in &
pid=$!
echo "nettcp: listening"
wait $pid
echo "nettcp: received $(wc -c </tmp/in) bytes md5 $(md5sum </tmp/in | cut -d' ' -f1)"
rm -f /tmp/in
yes "lguest net" | head -c $((64 * 1024 * 1024)) | nc 169.254.42.1 5002
echo "nettcp: sent"
