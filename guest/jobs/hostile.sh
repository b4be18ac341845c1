#!/bin/sh
# hostile: lguest-hostile (guest/hostile/) takes each virtio device from
# Linux in turn, attacks the Launcher through it, and checks the Launcher
# and the devices survive.  One line per case:
#   hostile: CASE DEVICE: OK | FAIL why
# then "hostile: done N cases, M failed".  It reads what it needs from the
# kernel command line (hostile_vda_md5=, hostile_vdb_md5=, ...).
lguest-hostile
