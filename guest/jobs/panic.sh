#!/bin/sh
# panic: crash the guest kernel on purpose; the Launcher sees it through
# the pvpanic device.
echo "panic: crashing the kernel"
echo 1 >/proc/sys/kernel/sysrq
echo c >/proc/sysrq-trigger
