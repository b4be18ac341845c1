#!/bin/sh
# flood: tell the Launcher's boot timer 7 ("flooding now"), then pour
# megabytes onto both consoles at once, the serial port and hvc0, and go
# on until the Launcher is stopped.  The test gives lguest a stdout that
# nobody reads: what it checks is that lguest still ends at once.
lguest-io outb 0x440 7
while :; do yes "flood over the serial port" >/dev/ttyS0; done &
while :; do yes "flood over the virtio console" >/dev/hvc0; done
