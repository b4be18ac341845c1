#!/bin/sh
# blkexits: blkexits_reads=N (default 2000) 4 KiB reads of /dev/vda, one
# at a time (direct I/O: each is one request), between two writes to the
# boot-timer port, with nothing on the console in between, so the host
# can read KVM's exit counters on either side of them:
#   port 0x440 <- 4    an idle window begins (3 s of sleep)
#   port 0x440 <- 5    it ends; 2 s later the reads begin
#   port 0x440 <- 6    the reads are over
# lguest --boot-timer logs each write on stderr; the host reads the
# counters when it sees the line, while we sleep.
n=2000
for arg in $(cat /proc/cmdline); do
	case $arg in
	blkexits_reads=*) n=${arg#blkexits_reads=} ;;
	esac
done
echo "blkexits: ready"
sleep 2
lguest-io outb 0x440 4
sleep 3
lguest-io outb 0x440 5
sleep 2
dd if=/dev/vda of=/dev/null bs=4096 count="$n" iflag=direct 2>/dev/null
lguest-io outb 0x440 6
sleep 2
echo "blkexits: done $n reads"
