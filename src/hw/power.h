/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a guest ends: the power and reset controls of our little PC.  The
 * guest powers off through the ACPI sleep control register (hardware-
 * reduced ACPI's way to enter S5), resets through the FADT reset register
 * or the i8042's reset line, and says it panicked through pvpanic.  These
 * registers only report what the guest asked for; the Launcher decides
 * what it means for the run (launcher.h).
 */
#ifndef LGUEST_HW_POWER_H
#define LGUEST_HW_POWER_H

#include "bus.h"
#include "types.h"

enum power_event {
	POWER_NONE = 0, /* nothing asked */
	POWER_OFF,	/* S5 */
	POWER_RESET,	/* the reset register or line */
	POWER_PANIC,	/* pvpanic */
};

struct power {
	/* Told of each event, from the vCPU thread that made it. */
	void (*event)(void *ctx, enum power_event ev, u16 port);
	void *ctx;
};

/* Port PORT_SLEEP_CTL/_STS (port), PORT_RESET or PORT_PVPANIC: a guest
 * access of (*val).  Returns what the guest asked for.  Pure; vCPU
 * threads. */
enum power_event power_io(u16 port, u8 *val, bool write);

/* The i8042 keyboard controller's ports (PORT_I8042_DATA/CMD): just enough
 * for Linux's "reboot=k", which pulses the CPU reset line through it. */
enum power_event i8042_io(u16 port, u8 *val, bool write);

/* Claim the power, reset, pvpanic and i8042 ports on (bus) for (p), whose
 * (event) hears what the guest asks.  0 or -errno.  Main thread, set-up. */
int power_attach(struct power *p, struct bus *bus);

#endif
