// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off, reset and panic: the ports through which a guest ends.
 */
#include "hw/power.h"
#include "layout.h"

/* ACPI 6.4, 4.8.3.7 "Sleep Control Register": SLP_EN is bit 5, SLP_TYPx
 * bits 4:2.  Linux writes (\_S5 value << 2) | SLP_EN to power off. */
#define SLP_EN	    (1 << 5)
#define SLP_TYP(v)  (((v) >> 2) & 7)
#define RESET_CPU   (1 << 2) /* 0xcf9: "reset CPU" bit */
#define I8042_RESET 0xfe     /* command: pulse output line 0 (reset) */

/*L:320
 * How does a guest end?  On a PC without a BIOS, through registers the
 * ACPI tables name: the FADT's sleep control register takes "S5" for power
 * off, its reset register a reset, and pvpanic hears of a panic.  The
 * i8042 keyboard controller can pulse the reset line too, which is how
 * Linux's "reboot=k" and our little reset stub end.  These handlers only
 * report what the guest asked for. :*/
enum power_event power_io(u16 port, u8 *val, bool write)
{
	switch (port) {
	case PORT_SLEEP_CTL:
		if (write && (*val & SLP_EN) && SLP_TYP(*val) == SLEEP_TYPE_S5)
			return POWER_OFF;
		/* Other sleep states we do not offer (\_S5 only): the write
		 * does nothing, as the spec allows for absent states. */
		if (!write)
			*val = 0;
		return POWER_NONE;
	case PORT_SLEEP_STS:
		if (!write)
			*val = 0;
		return POWER_NONE;
	case PORT_RESET:
		if (write && (*val & RESET_CPU))
			return POWER_RESET;
		if (!write)
			*val = 0;
		return POWER_NONE;
	case PORT_PVPANIC:
		/* Reading tells the guest which events we understand
		 * (QEMU's docs/specs/pvpanic.rst); writing reports one. */
		if (!write) {
			*val = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
			return POWER_NONE;
		}
		return (*val & PVPANIC_PANICKED) ? POWER_PANIC : POWER_NONE;
	default:
		return POWER_NONE;
	}
}

enum power_event i8042_io(u16 port, u8 *val, bool write)
{
	if (write)
		return (port == PORT_I8042_CMD && *val == I8042_RESET)
			       ? POWER_RESET
			       : POWER_NONE;
	/* Status 0: output buffer empty, input buffer empty, so a driver
	 * waiting to send a command never waits. */
	*val = 0;
	return POWER_NONE;
}

/* The bus handlers: each range is one port wide, so the offset is 0 and
 * the port is the range's own. */
static void report(struct power *p, enum power_event ev, u16 port)
{
	if (ev != POWER_NONE)
		p->event(p->ctx, ev, port);
}

#define PORT_HANDLER(fn, io, port)                                             \
	static void fn(void *ctx, u64 off, u8 *data, u32 len, bool write)      \
	{                                                                      \
		(void)off;                                                     \
		(void)len;                                                     \
		report(ctx, io(port, data, write), port);                      \
	}

PORT_HANDLER(sleep_ctl, power_io, PORT_SLEEP_CTL)
PORT_HANDLER(sleep_sts, power_io, PORT_SLEEP_STS)
PORT_HANDLER(reset_reg, power_io, PORT_RESET)
PORT_HANDLER(pvpanic, power_io, PORT_PVPANIC)
PORT_HANDLER(i8042_data, i8042_io, PORT_I8042_DATA)
PORT_HANDLER(i8042_cmd, i8042_io, PORT_I8042_CMD)

int power_attach(struct power *p, struct bus *bus)
{
	static const struct {
		u16 port;
		bus_handler *fn;
		const char *name;
	} ports[] = {
		{PORT_SLEEP_CTL, sleep_ctl, "sleep control"},
		{PORT_SLEEP_STS, sleep_sts, "sleep status"},
		{PORT_RESET, reset_reg, "reset"},
		{PORT_PVPANIC, pvpanic, "pvpanic"},
		{PORT_I8042_DATA, i8042_data, "i8042"},
		{PORT_I8042_CMD, i8042_cmd, "i8042"},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
		int err = bus_register(bus, BUS_PIO, ports[i].port, 1,
				       ports[i].fn, p, ports[i].name, true);

		if (err)
			return err;
	}
	return 0;
}
