#!/bin/sh
# persist: write a known 1 MiB to the start of /dev/vdb, flush it, say so,
# and wait: the test kills the Launcher now and reads the image file.
yes "lguest persist" | head -c 1048576 | dd of=/dev/vdb bs=65536 conv=fsync 2>/dev/null
sync
echo "persist: flushed"
sleep 60
