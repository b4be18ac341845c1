#!/bin/sh
# reboot-once: reboot the guest once, then power off.
#
# CMOS NVRAM byte 0x50 (index on port 0x70, data on 0x71) counts boots: like
# a PC's, the Launcher's CMOS survives a guest reboot, so the second boot
# sees the mark the first one left, and clears it for the next run.  If the
# mark does not stick we must not reboot, or we would reboot for ever.
mark=0xa5
cmos() { lguest-io outb 0x70 0x50 "$@"; }
if ! byte=$(cmos inb 0x71); then
	echo "reboot-once: cannot read CMOS"
elif [ "$byte" != $((mark)) ]; then
	echo "reboot-once: first boot"
	if cmos outb 0x71 $mark && [ "$(cmos inb 0x71)" = $((mark)) ]; then
		reboot -f
	fi
	echo "reboot-once: cannot write CMOS"
else
	echo "reboot-once: second boot"
	cmos outb 0x71 0
fi
