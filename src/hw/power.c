// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off, reset and panic: the ports through which a guest ends.
 */
#include "hw/ports.h"
#include "hw/power.h"

/* ACPI 6.4, 4.8.3.7 "Sleep Control Register": SLP_EN is bit 5, SLP_TYPx
 * bits 4:2.  Linux writes (\_S5 value << 2) | SLP_EN to power off. */
#define SLP_EN	    (1 << 5)
#define SLP_TYP(v)  (((v) >> 2) & 7)
#define RESET_CPU   (1 << 2) /* 0xcf9: "reset CPU" bit */
#define I8042_RESET 0xfe     /* command: pulse output line 0 (reset) */

enum guest_end power_io(u16 port, u8 *val, bool write)
{
	switch (port) {
	case PORT_SLEEP_CTL:
		if (write && (*val & SLP_EN) && SLP_TYP(*val) == SLEEP_TYPE_S5)
			return GUEST_POWEROFF;
		/* Other sleep states we do not offer (\_S5 only): the write
		 * does nothing, as the spec allows for absent states. */
		if (!write)
			*val = 0;
		return GUEST_RUNNING;
	case PORT_SLEEP_STS:
		if (!write)
			*val = 0;
		return GUEST_RUNNING;
	case PORT_RESET:
		if (write && (*val & RESET_CPU))
			return GUEST_REBOOT;
		if (!write)
			*val = 0;
		return GUEST_RUNNING;
	case PORT_PVPANIC:
		/* Reading tells the guest which events we understand
		 * (QEMU's docs/specs/pvpanic.rst); writing reports one. */
		if (!write) {
			*val = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
			return GUEST_RUNNING;
		}
		return (*val & PVPANIC_PANICKED) ? GUEST_PANIC : GUEST_RUNNING;
	default:
		return GUEST_RUNNING;
	}
}

enum guest_end i8042_io(u16 port, u8 *val, bool write)
{
	if (write)
		return (port == PORT_I8042_CMD && *val == I8042_RESET)
			       ? GUEST_REBOOT
			       : GUEST_RUNNING;
	/* Status 0: output buffer empty, input buffer empty, so a driver
	 * waiting to send a command never waits. */
	*val = 0;
	return GUEST_RUNNING;
}

int power_exit_status(enum guest_end end)
{
	switch (end) {
	case GUEST_POWEROFF:
		return 0;
	case GUEST_PANIC:
		return 2;
	case GUEST_CRASH:
		return 3;
	case GUEST_REBOOT:
		return 4;
	case GUEST_STOPPED:
		return 130;
	default:
		return 1;
	}
}
