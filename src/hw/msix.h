/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSI-X, as a PCI function presents it (PCI Local Bus 3.0, section 6.8.2):
 * a table of vectors in a memory BAR, each an address, some data and a
 * mask bit, and a Pending Bit Array beside it.  When the function has an
 * event for vector V and V is unmasked, it writes V's data to V's address,
 * which on x86 is an interrupt; if V is masked it sets V's pending bit
 * instead, and sends it once V is unmasked.
 *
 * Here the "write" is the owner's business (a KVM irqfd on an MSI route):
 * this file keeps the table, the masks and the pending bits, and tells
 * the owner when a vector's route changes and when to deliver.  Only a
 * message to the local APICs' window is an interrupt (msix_to_apic()):
 * anywhere else it would be a plain memory write, which we do not make.
 * Table writes are guest-controlled.
 */
#ifndef LGUEST_HW_MSIX_H
#define LGUEST_HW_MSIX_H

#include <pthread.h>

#include "types.h"

#define MSIX_MAX_VECTORS 64

struct msix_entry {
	u32 addr_lo, addr_hi, data, ctrl;
};

struct msix {
	pthread_mutex_t lock; /* the table, the masks, the pending bits */
	unsigned int nvec;
	struct msix_entry table[MSIX_MAX_VECTORS];
	u64 pending;
	atomic_bool enabled; /* the capability's Message Control... */
	bool mask_all;	     /* ...Enable and Function Mask bits */
	/* Vector v is enabled, unmasked and routed: an event goes straight
	 * out, without the lock.  Written under (lock). */
	atomic_bool live[MSIX_MAX_VECTORS];
	struct {
		u64 addr;
		u32 data;
		bool set;
	} routed[MSIX_MAX_VECTORS]; /* what route() was last told */
	/* Vector (v), unmasked, now goes to (addr) with (data): called when
	 * that changes, so the owner can tell KVM.  (A masked vector needs
	 * no route: nothing is delivered through it.)  (addr) may be no
	 * APIC's (msix_to_apic()): nothing is delivered through such a
	 * vector either, and the owner need only say so.  Called with
	 * (lock) held. */
	void (*route)(void *ctx, unsigned int v, u64 addr, u32 data);
	/* Send vector (v) now.  Called with (lock) held; must not wait. */
	void (*deliver)(void *ctx, unsigned int v);
	void *ctx;
};

/* (nvec) vectors (1..MSIX_MAX_VECTORS), all masked, MSI-X off, as after
 * reset.  Main thread, or the owner's reset. */
void msix_init(struct msix *m, unsigned int nvec,
	       void (*route)(void *, unsigned int, u64, u32),
	       void (*deliver)(void *, unsigned int), void *ctx);

/* Back to power-on: masked, off, nothing pending. */
void msix_reset(struct msix *m);

/* The table's bytes in its BAR: an access of (len) bytes at (off); 4- and
 * 8-byte aligned accesses of whole fields, as PCI allows; anything else
 * reads ones and writes nothing.  vCPU threads. */
void msix_table_access(struct msix *m, u64 off, u8 *data, u32 len, bool write);

/* The Pending Bit Array: read-only.  vCPU threads. */
void msix_pba_access(struct msix *m, u64 off, u8 *data, u32 len, bool write);

/* The capability's Message Control was written: MSI-X Enable and
 * Function Mask.  vCPU threads. */
void msix_control(struct msix *m, bool enabled, bool mask_all);

/* An event for vector (v): deliver it, or leave it pending while masked;
 * an unmasked vector whose message is no interrupt (msix_to_apic()) drops
 * it.  Returns false if (v) is no vector of ours (the event is dropped),
 * or MSI-X is off.  A live vector's event takes no lock: queue threads of
 * one device never wait for each other here.  Any thread. */
bool msix_notify(struct msix *m, unsigned int v);

/*
 * Is a message to (addr) an interrupt?  On x86 only in the local APICs'
 * window, 0xfee00000-0xfeefffff (Intel SDM vol. 3, 11.11.1); the rest of
 * the address says which CPU.  Pure.
 */
static inline bool msix_to_apic(u64 addr)
{
	return addr >> 20 == 0xfee;
}

/* Table and PBA sizes, for laying out a BAR. */
static inline u64 msix_table_bytes(unsigned int nvec)
{
	return 16ULL * nvec;
}

#endif
