#!/bin/sh
# blk: the block device checks, on the disks the test gives us:
#   /dev/vda  read-write scratch disk: mkfs, write 64 MiB, remount, md5
#   /dev/vdb  a second disk: present, and its size
#   /dev/vdc  read-only: reads work, writes fail with an I/O error
# Each step prints one "blk: ..." line.
pattern() { yes "lguest block test" | head -c $((64 * 1024 * 1024)); }

for d in vda vdb vdc; do
	[ -b /dev/$d ] && echo "blk: $d sectors $(cat /sys/block/$d/size) ro $(cat /sys/block/$d/ro)"
done
if mke2fs -q /dev/vda >/dev/null 2>&1 && mkdir -p /mnt &&
	mount /dev/vda /mnt; then
	pattern >/mnt/file
	sync
	umount /mnt
	mount /dev/vda /mnt &&
		echo "blk: md5 $(md5sum </mnt/file | cut -d' ' -f1)"
	umount /mnt
else
	echo "blk: mkfs or mount failed"
fi
echo "blk: expect md5 $(pattern | md5sum | cut -d' ' -f1)"

# The disk's serial (VIRTIO_BLK_T_GET_ID), and discard support.
echo "blk: serial $(cat /sys/block/vda/serial 2>/dev/null)"
echo "blk: discard_max $(cat /sys/block/vda/queue/discard_max_bytes)"

if [ -b /dev/vdc ]; then
	if dd if=/dev/vdc of=/dev/null bs=4096 count=16 2>/dev/null; then
		echo "blk: ro read ok"
	fi
	if err=$(dd if=/dev/zero of=/dev/vdc bs=4096 count=1 oflag=direct 2>&1); then
		echo "blk: ro write succeeded"
	else
		echo "blk: ro write failed: ${err##*: }"
	fi
fi
