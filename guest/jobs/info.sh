#!/bin/sh
# info: the kernel, memory and CPUs as the guest sees them.
echo "uname: $(uname -r)"
echo "memtotal_kb: $(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)"
echo "cpus: $(grep -c '^processor' /proc/cpuinfo)"
