#!/bin/sh
# reboot-once: reboot the guest once, then power off.
#
# CMOS NVRAM byte 0x50 (index on port 0x70, data on 0x71) counts boots: like
# a PC's, the Launcher's CMOS survives a guest reboot, so the second boot
# sees the mark the first one left, and clears it for the next run.
mark=0xa5
if [ "$(lguest-io outb 0x70 0x50 inb 0x71)" != $((mark)) ]; then
	echo "reboot-once: first boot"
	lguest-io outb 0x70 0x50 outb 0x71 $mark
	reboot -f
else
	echo "reboot-once: second boot"
	lguest-io outb 0x70 0x50 outb 0x71 0
fi
