#!/bin/sh
# idle: stay up a moment, so a benchmark can look at the VMM's memory.
echo "idle: sleeping"
sleep "${1:-3}"
