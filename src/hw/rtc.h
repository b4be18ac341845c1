/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's CMOS real-time clock (MC146818), at ports 0x70/0x71.  Linux reads
 * the wall-clock time from it at boot; without one, QEMU's microvm makes the
 * kernel poll the absent chip some 40,000 times a boot waiting for an
 * "update in progress" bit that never clears.  Its 114 bytes of NVRAM keep
 * their contents across a guest reboot, as on real hardware.
 */
#ifndef LGUEST_HW_RTC_H
#define LGUEST_HW_RTC_H

#include <pthread.h>

#include "bus.h"
#include "types.h"

#define RTC_NVRAM_SIZE 128

struct rtc {
	pthread_mutex_t lock;
	u8 index;		 /* selected register (port 0x70) */
	u8 cmos[RTC_NVRAM_SIZE]; /* control registers and NVRAM */
};

/* Power-on state; (rtc) keeps it across guest reboots.  Main thread. */
void rtc_init(struct rtc *rtc);

/* The two registers: the index port, then the data port. */
#define RTC_INDEX 0
#define RTC_DATA  1

/* A guest access to register (reg) RTC_INDEX or RTC_DATA; guest-controlled
 * values are all fine.  vCPU threads. */
void rtc_io(struct rtc *rtc, unsigned int reg, u8 *val, bool write);

/* Claim ports (port) and (port) + 1 on (bus).  0 or -errno.  Main thread,
 * during set-up. */
int rtc_attach(struct rtc *rtc, struct bus *bus, u16 port);

#endif
