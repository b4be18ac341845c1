#!/bin/sh
# pause: say so and wait a few seconds, so the test can count the
# Launcher's threads and files while the guest is up.
echo "pause: boot $(cat /proc/sys/kernel/random/boot_id | cut -c1-8)"
sleep 4
