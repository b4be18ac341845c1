// SPDX-License-Identifier: GPL-2.0
/*
 * The boot-timer port (boottimer.h).  The lines count against the guest's
 * log budget (log.h): a guest may write the port in a loop.
 */
#include "hw/boottimer.h"
#include "log.h"

static void boot_timer(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	const bool *enabled = ctx;

	(void)off;
	(void)len;
	if (!write)
		data[0] = 0;
	else if (*enabled)
		guest_warn("boot-timer: guest wrote %u at %.1f ms", data[0],
			   log_uptime_ms());
}

int boot_timer_attach(struct bus *bus, u16 port, bool *enabled)
{
	return bus_register(bus, BUS_PIO, port, 1, boot_timer, enabled,
			    "boot timer", true);
}
