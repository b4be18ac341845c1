/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM, as the Launcher sees it: one anonymous mapping in our address
 * space that KVM shows the guest as its physical memory.  RAM that would
 * overlap the 32-bit device hole (MMIO_GAP_START..4 GiB) moves above 4 GiB,
 * as on a PC, so the guest may see two ranges.
 *
 * guest_ptr() is the only way any code touches guest memory.
 */
#ifndef LGUEST_GUEST_MEM_H
#define LGUEST_GUEST_MEM_H

#include "types.h"

struct guest_mem {
	u8 *base;      /* host address of guest-physical 0 */
	u64 size;      /* RAM bytes in all */
	u64 low_size;  /* RAM at guest-physical [0, low_size) */
	u64 high_size; /* RAM at guest-physical [4 GiB, 4 GiB + high_size) */
	u64 map_size;  /* bytes mapped at (base), for unmapping */
};

#define GUEST_HIGH_START (4 * GiB)

/* Map (size) bytes of zeroed guest RAM, 2 MiB aligned and asking for huge
 * pages, so KVM can back the guest with 2 MiB pages (kvmtool's RAM sits
 * 576 KiB off that and costs ~30,000 extra exits a boot).  Returns 0 or
 * -errno.  Main thread. */
int guest_mem_map(struct guest_mem *mem, u64 size);

/* Give the RAM back to the host.  Main thread, after all users stopped. */
void guest_mem_unmap(struct guest_mem *mem);

/* Lay out (size) bytes of RAM around the device hole without mapping it:
 * fills low_size and high_size.  Pure; used by guest_mem_map() and tests. */
void guest_mem_layout(struct guest_mem *mem, u64 size);

/*
 * The host address of guest-physical (gpa) .. (gpa)+(len), or NULL if any
 * byte of it is not guest RAM.  (gpa) and (len) are usually guest-controlled:
 * this is where the original's check_pointer() lived, minus its errx(): the
 * caller decides what a bad address costs the guest.  A range may not span
 * the device hole.  Any thread.
 */
void *guest_ptr(const struct guest_mem *mem, u64 gpa, u64 len);

#endif
