// SPDX-License-Identifier: GPL-2.0
/*
 * The port and MMIO dispatch table (bus.h).  A few dozen ranges at most,
 * fixed once the guest runs: a plain array, searched in order, read by
 * the vCPU threads without a lock.
 */
#include <errno.h>
#include <string.h>

#include "bus.h"
#include "log.h"

int bus_register(struct bus *bus, enum bus_space space, u64 base, u64 len,
		 bus_handler *fn, void *ctx, const char *name, bool bytewise)
{
	for (unsigned int i = 0; i < bus->n; i++) {
		const struct bus_range *r = &bus->ranges[i];
		bool inside = base >= r->base && base + len <= r->base + r->len;
		bool around = r->base >= base && r->base + r->len <= base + len;

		/* Ranges may nest (the reset register's one byte inside the
		 * PCI configuration ports), never merely overlap. */
		if (r->space == space && base < r->base + r->len &&
		    r->base < base + len && !inside && !around)
			return -EEXIST;
		if (r->space == space && r->base == base && r->len == len)
			return -EEXIST;
	}
	if (bus->n == BUS_MAX_RANGES)
		return -ENOSPC;
	bus->ranges[bus->n++] = (struct bus_range){
		.space = space,
		.base = base,
		.len = len,
		.fn = fn,
		.ctx = ctx,
		.name = name,
		.bytewise = bytewise,
	};
	return 0;
}

/* The smallest range that holds all of [addr, addr + len): where ranges
 * nest, the inner one is the more particular device. */
static const struct bus_range *find(const struct bus *bus, enum bus_space space,
				    u64 addr, u32 len)
{
	const struct bus_range *best = NULL;

	for (unsigned int i = 0; i < bus->n; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (r->space == space && addr >= r->base && len <= r->len &&
		    addr - r->base <= r->len - len &&
		    (!best || r->len < best->len))
			best = r;
	}
	return best;
}

/* Nothing claims (addr): say so, once per port, and only with --verbose.
 * Linux probes for a dozen absent devices at every boot. */
static void unclaimed(struct bus *bus, enum bus_space space, u64 addr, u32 len,
		      bool write)
{
	const char *what = write ? "writes" : "reads";

	if (!log_verbose)
		return;
	if (space == BUS_PIO) {
		u64 bit = 1ULL << (addr % 64);

		if (!(atomic_fetch_or(&bus->pio_seen[(addr / 64) % 1024], bit) &
		      bit))
			verbose("guest %s unclaimed I/O port %#llx (logged "
				"once)",
				what, (unsigned long long)addr);
		return;
	}
	guest_warn("guest %s unclaimed MMIO address %#llx (%u bytes)", what,
		   (unsigned long long)addr, len);
}

/* One access that lies inside (r), or a byte of a split one. */
static void dispatch(const struct bus_range *r, u64 addr, u8 *data, u32 len,
		     bool write)
{
	if (r->fn)
		r->fn(r->ctx, addr - r->base, data, len, write);
}

/*L:170
 * A vCPU's I/O arrives here: a port or an address, a width, a direction.
 * We find the device that claimed it; and on the port side we behave like
 * the PC's ISA bus, where registers are a byte wide and an "inw" is two
 * byte reads of neighbouring ports.  Nothing claims it?  Then a read sees
 * all ones, which is what an empty bus shows, and Linux's probes take the
 * hint. :*/
void bus_access(struct bus *bus, enum bus_space space, u64 addr, u8 *data,
		u32 len, bool write)
{
	const struct bus_range *r = find(bus, space, addr, len);

	if (!write)
		memset(data, 0xff, len);
	if (r && !(r->bytewise && len > 1)) {
		dispatch(r, addr, data, len, write);
		return;
	}
	/*
	 * ISA-style: a wide access to byte registers is one access per byte,
	 * each to whatever has that address, or nobody.  So is a wide access
	 * that starts in a byte register and runs past it.
	 */
	r = find(bus, space, addr, 1);
	if (len > 1 && r && r->bytewise) {
		for (u32 i = 0; i < len; i++) {
			const struct bus_range *b =
				find(bus, space, addr + i, 1);

			if (b)
				dispatch(b, addr + i, data + i, 1, write);
			else
				unclaimed(bus, space, addr + i, 1, write);
		}
		return;
	}
	unclaimed(bus, space, addr, len, write);
}
