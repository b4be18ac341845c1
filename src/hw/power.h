/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a guest ends: the power and reset controls of our little PC.  The
 * guest powers off through the ACPI sleep control register (hardware-
 * reduced ACPI's way to enter S5), resets through the FADT reset register
 * or the i8042's reset line, and says it panicked through pvpanic.  Each
 * handler just reports what the guest asked for; the Launcher acts on it.
 */
#ifndef LGUEST_HW_POWER_H
#define LGUEST_HW_POWER_H

#include "types.h"

enum guest_end {
	GUEST_RUNNING = 0, /* nothing asked */
	GUEST_POWEROFF,	   /* S5: exit 0 */
	GUEST_REBOOT,	   /* reset: start again (or exit 4) */
	GUEST_PANIC,	   /* pvpanic: exit 2 */
	GUEST_CRASH,	   /* triple fault, KVM error: exit 3 */
	GUEST_STOPPED,	   /* the user stopped us: exit 130 */
};

/* Port PORT_SLEEP_CTL/_STS (port), PORT_RESET or PORT_PVPANIC: a guest
 * access of (*val).  Returns what the guest asked for.  Pure; vCPU
 * threads. */
enum guest_end power_io(u16 port, u8 *val, bool write);

/* The i8042 keyboard controller's ports (PORT_I8042_DATA/CMD): just enough
 * for Linux's "reboot=k", which pulses the CPU reset line through it. */
enum guest_end i8042_io(u16 port, u8 *val, bool write);

/* The Launcher's exit status for each ending. */
int power_exit_status(enum guest_end end);

#endif
