/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lguest's boot-timer port (PORT_BOOT_TIMER, 0x440): the guest writes a
 * byte at moments it wants timed (the default guest: 0 when its init
 * starts, 1 when it is ready), and we log each write with the time since
 * the Launcher started.  Benchmarks read these lines instead of scraping
 * the console.  Reads give 0.
 */
#ifndef LGUEST_HW_BOOTTIMER_H
#define LGUEST_HW_BOOTTIMER_H

#include "bus.h"

/* Claim (port) on (bus); log its writes only if (enabled) (--boot-timer
 * or --verbose).  0 or -errno.  Main thread, during set-up. */
int boot_timer_attach(struct bus *bus, u16 port, bool *enabled);

#endif
