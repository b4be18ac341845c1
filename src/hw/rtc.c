// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS RTC.  We read the host's clock (UTC) whenever the guest reads a
 * time register, so the "update in progress" bit is never set and the time
 * is always consistent: no update cycle to wait for.
 */
#include <string.h>
#include <time.h>

#include "hw/rtc.h"

/* The MC146818 register map (no UAPI header has it). */
#define RTC_SECONDS	 0x00
#define RTC_MINUTES	 0x02
#define RTC_HOURS	 0x04
#define RTC_DAY_OF_WEEK	 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH	 0x08
#define RTC_YEAR	 0x09
#define RTC_REG_A	 0x0a
#define RTC_REG_B	 0x0b
#define RTC_REG_C	 0x0c
#define RTC_REG_D	 0x0d
#define REG_CENTURY	 0x32 /* ACPI FADT's default century register */

#define RTC_UIP	      0x80 /* A: update in progress */
#define RTC_DM_BINARY 0x04 /* B: binary, not BCD */
#define RTC_24H	      0x02 /* B: 24-hour mode */
#define RTC_VRT	      0x80 /* D: valid RAM and time */

void rtc_init(struct rtc *rtc)
{
	memset(rtc, 0, sizeof(*rtc));
	pthread_mutex_init(&rtc->lock, NULL);
	/* glibc's gmtime_r() reads the time zone files the first time it
	 * runs: let that be now, not in a vCPU's sandbox, which opens
	 * nothing. */
	tzset();
	/* 32.768 kHz time base, 1024 Hz periodic rate: what a BIOS sets. */
	rtc->cmos[RTC_REG_A] = 0x26;
	/* 24-hour mode, BCD: the classic PC setting Linux expects. */
	rtc->cmos[RTC_REG_B] = RTC_24H;
	/* "Valid RAM and time": the battery is fine. */
	rtc->cmos[RTC_REG_D] = RTC_VRT;
}

static u8 to_bcd(const struct rtc *rtc, int v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_DM_BINARY)
		return v;
	return ((v / 10) << 4) | (v % 10);
}

static u8 read_time(const struct rtc *rtc, u8 reg)
{
	time_t now = time(NULL);
	struct tm tm;
	int hour;

	gmtime_r(&now, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return to_bcd(rtc, tm.tm_sec);
	case RTC_MINUTES:
		return to_bcd(rtc, tm.tm_min);
	case RTC_HOURS:
		if (rtc->cmos[RTC_REG_B] & RTC_24H)
			return to_bcd(rtc, tm.tm_hour);
		/* 12-hour mode: 1..12, with bit 7 for PM. */
		hour = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
		return to_bcd(rtc, hour) | (tm.tm_hour >= 12 ? 0x80 : 0);
	case RTC_DAY_OF_WEEK:
		return to_bcd(rtc, tm.tm_wday + 1);
	case RTC_DAY_OF_MONTH:
		return to_bcd(rtc, tm.tm_mday);
	case RTC_MONTH:
		return to_bcd(rtc, tm.tm_mon + 1);
	case RTC_YEAR:
		return to_bcd(rtc, tm.tm_year % 100);
	default: /* REG_CENTURY */
		return to_bcd(rtc, (tm.tm_year + 1900) / 100);
	}
}

static u8 read_reg(struct rtc *rtc, u8 reg)
{
	u8 val;

	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case REG_CENTURY:
		return read_time(rtc, reg);
	case RTC_REG_A:
		/* RTC_UIP is never set: the time is read fresh each time. */
		return rtc->cmos[RTC_REG_A] & ~RTC_UIP;
	case RTC_REG_C:
		/* Interrupt flags clear on read; we raise none. */
		val = rtc->cmos[RTC_REG_C];
		rtc->cmos[RTC_REG_C] = 0;
		return val;
	default:
		return rtc->cmos[reg];
	}
}

static void write_reg(struct rtc *rtc, u8 reg, u8 val)
{
	switch (reg) {
	case RTC_REG_C:
	case RTC_REG_D:
		/* Read-only status registers. */
		return;
	case RTC_REG_A:
		rtc->cmos[reg] = val & ~RTC_UIP;
		return;
	default:
		/* Setting the time (hwclock -w) is ignored: the guest's clock
		 * follows the host's.  Everything else, including NVRAM, is
		 * plain memory. */
		rtc->cmos[reg] = val;
		return;
	}
}

/*L:310
 * A clock is the other thing a kernel reads early.  Without one, Linux
 * polls the CMOS chip's "update in progress" bit tens of thousands of
 * times a boot; with one that answers from the host's clock each time, it
 * asks once.  Two ports, an index and a data register: the simplest
 * device on the bus, and one more reason there is a bus. :*/
void rtc_io(struct rtc *rtc, unsigned int reg, u8 *val, bool write)
{
	pthread_mutex_lock(&rtc->lock);
	if (reg == RTC_INDEX) {
		/* Bit 7 of the index port masks NMIs on a PC; we have none to
		 * mask.  Reading the index port gives nothing useful. */
		if (write)
			rtc->index = *val & 0x7f;
		else
			*val = 0xff;
	} else if (write) {
		write_reg(rtc, rtc->index, *val);
	} else {
		*val = read_reg(rtc, rtc->index);
	}
	pthread_mutex_unlock(&rtc->lock);
}

static void rtc_bus(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	(void)len; /* one byte: the ports are bytewise */
	rtc_io(ctx, off, data, write);
}

int rtc_attach(struct rtc *rtc, struct bus *bus, u16 port)
{
	return bus_register(bus, BUS_PIO, port, 2, rtc_bus, rtc, "rtc", true);
}
