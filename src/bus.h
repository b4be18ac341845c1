/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's two buses, as a vCPU sees them when KVM hands it an access it
 * could not handle itself: x86 I/O ports and MMIO addresses.  Each device
 * claims its own ranges at set-up, with a handler and a context, and the
 * vCPU threads look them up; nothing else knows which device lives where.
 * (kvmtool's kvm__register_iotrap(), Firecracker's Bus::insert().)
 */
#ifndef LGUEST_BUS_H
#define LGUEST_BUS_H

#include "types.h"

enum bus_space { BUS_PIO, BUS_MMIO };

/*
 * A device's side of one access: (len) bytes at offset (off) from the
 * start of its range; (write) (data), or read into (data), which the bus
 * has already filled with ones.  Everything is guest-controlled.  vCPU
 * threads, any number at once.
 */
typedef void bus_handler(void *ctx, u64 off, u8 *data, u32 len, bool write);

#define BUS_MAX_RANGES 64

struct bus_range {
	enum bus_space space;
	u64 base, len;
	bus_handler *fn;
	void *ctx;
	const char *name;
	bool bytewise; /* byte registers: a wider access is split */
};

struct bus {
	struct bus_range ranges[BUS_MAX_RANGES];
	unsigned int n;
	_Atomic u64 pio_seen[65536 / 64]; /* unclaimed ports, logged once */
};

/*
 * Claim [base, base + len) of (space) for (fn)(ctx), named (name) in
 * messages.  A NULL (fn) claims a range where we know nothing is, so the
 * guest's probes of it go unremarked (reads give all ones).  A (bytewise) device's registers are each one byte wide, as
 * on the ISA bus: an access of N bytes becomes N one-byte accesses to
 * consecutive addresses, each to whichever device has that byte (a PC
 * behaves so, and Linux's probes rely on it).  Returns 0, or -EEXIST for
 * an overlap and -ENOSPC when the table is full: a bug in the Launcher's
 * layout.  Main thread, during set-up.
 */
int bus_register(struct bus *bus, enum bus_space space, u64 base, u64 len,
		 bus_handler *fn, void *ctx, const char *name, bool bytewise);

/*
 * One guest access of (len) (1..8) bytes at (addr) in (space), as KVM
 * handed it to a vCPU.  Reads of what no device claims give all ones, as
 * on a PC bus with nothing there; --verbose tells of each unclaimed port
 * once and of unclaimed MMIO within the guest's log budget.  vCPU threads.
 */
void bus_access(struct bus *bus, enum bus_space space, u64 addr, u8 *data,
		u32 len, bool write);

#endif
