/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PCI host bridge with one bus: the configuration space of up to 32
 * functions (device N, function 0), reached through the ECAM window that
 * the ACPI MCFG table points at, and the decoding of their memory BARs in
 * the bridge's MMIO window.  A function is a 4 KiB configuration space
 * with a mask of writable bits, as the hardware keeps it; what a write
 * means beyond that (an MSI-X enable, a BAR that moved) its owner hears
 * through a few hooks.  The guest's every config and BAR access is
 * guest-controlled.
 */
#ifndef LGUEST_HW_PCI_H
#define LGUEST_HW_PCI_H

#include <pthread.h>
#include <linux/pci_regs.h>

#include "bus.h"
#include "types.h"

/* Class codes (class, subclass, interface), from the PCI Code and ID
 * Assignment Specification; Linux keeps them in a header no UAPI ships. */
#define PCI_CLASS_HOST_BRIDGE  0x060000
#define PCI_CLASS_STORAGE_SCSI 0x010000
#define PCI_CLASS_ETHERNET     0x020000
#define PCI_CLASS_COMM_OTHER   0x078000
#define PCI_CLASS_OTHER	       0xff0000

#define PCI_SLOTS     32
#define PCI_BARS      6
#define PCI_CFG_BYTES 4096 /* PCI Express: extended configuration space */

struct pci_function;

/* What a function's owner hears; any hook may be NULL. */
struct pci_function_ops {
	/* The guest wrote (len) bytes at (off) of the config space, after the
	 * writable bits took them: act on them (an MSI-X enable, say). */
	void (*config_written)(struct pci_function *f, u32 off, u32 len);
	/* Before a config read of (len) bytes at (off): refresh what the
	 * guest is about to see. */
	void (*config_reading)(struct pci_function *f, u32 off, u32 len);
	/* An access of (len) bytes at (off) in memory BAR (bar), which the
	 * guest decodes (Command.MEM set). */
	void (*bar_access)(struct pci_function *f, int bar, u64 off, u8 *data,
			   u32 len, bool write);
	/* Memory BAR (bar) now decodes at (addr), or not at all if (addr)
	 * is 0: the command register or the BAR changed.  Where an owner
	 * registered something at the old address (a KVM ioeventfd), it
	 * moves it. */
	void (*bar_moved)(struct pci_function *f, int bar, u64 addr);
};

struct pci_function {
	u8 config[PCI_CFG_BYTES];
	u8 wmask[PCI_CFG_BYTES];   /* bits the guest may write */
	u8 w1cmask[PCI_CFG_BYTES]; /* bits it clears by writing 1 */
	u64 bar_size[PCI_BARS];	   /* 0: no BAR (or the upper half of one) */
	u64 bar_addr[PCI_BARS];	   /* where each decodes now, 0 if not */
	const struct pci_function_ops *ops;
	void *owner;
	u16 next_cap; /* pci_add_cap()'s next offset: 0x100 when full */
};

struct pci_host {
	pthread_mutex_t lock; /* config writes, BAR moves: one at a time */
	struct pci_function *slot[PCI_SLOTS];
	u64 ecam_base;
	_Atomic u32 conf1_addr; /* port 0xcf8: the type-1 access's target */
	u64 window_base, window_size; /* where BARs may decode */
	struct pci_function bridge;   /* the host bridge itself, at 00.0 */
};

/* The identity and kind of a function. */
struct pci_id {
	u16 vendor, device, subsys_vendor, subsys;
	u8 revision;
	u32 class;  /* class, subclass, prog-if: 0x020000 for Ethernet */
	u8 irq_pin; /* 1 (INTA) .. 4, or 0 for none */
};

/* A fresh function: header type 0, the ids and class of (id), no BARs,
 * no capabilities yet.  Pure. */
void pci_function_init(struct pci_function *f, const struct pci_id *id,
		       const struct pci_function_ops *ops, void *owner);

/* Give (f) memory BAR (bar) of (size) bytes (a power of two, 16 or more),
 * 64-bit (it takes (bar) and (bar) + 1), placed at (addr) (0: unplaced).
 * Pure. */
void pci_function_bar64(struct pci_function *f, int bar, u64 size, u64 addr);

/* Add a capability of (len) bytes with ID (id) to (f)'s list; its body
 * (after the ID and next pointer) is (body), read-only unless the owner
 * sets wmask.  Returns its offset in config space, or 0 if there is no
 * room.  Pure. */
u8 pci_add_cap(struct pci_function *f, u8 id, const void *body, u8 len);

/* The host bridge, on (bus): ECAM at (ecam_base) (1 MiB: bus 0), the
 * type-1 configuration ports at (conf1_port) (0xcf8-0xcff), BARs
 * decoded in [window_base, window_base + window_size).  Main thread,
 * during set-up; 0 or -errno. */
int pci_host_init(struct pci_host *h, struct bus *bus, u64 ecam_base,
		  u16 conf1_port, u64 window_base, u64 window_size);

/* Put (f) in slot (slot) (1..31; 0 is the bridge).  0 or -EBUSY.  Main
 * thread, during set-up. */
int pci_host_add(struct pci_host *h, unsigned int slot, struct pci_function *f);

/* Config space access of (len) (1, 2, 4) bytes at (off) of slot (slot),
 * function (fn): what an ECAM access comes down to.  Reads of absent
 * functions give all ones.  vCPU threads. */
void pci_config_access(struct pci_host *h, unsigned int slot, unsigned int fn,
		       u32 off, u8 *data, u32 len, bool write);

/* Little-endian helpers for a config space. */
static inline u16 pci_get16(const struct pci_function *f, u32 off)
{
	return f->config[off] | f->config[off + 1] << 8;
}

static inline u32 pci_get32(const struct pci_function *f, u32 off)
{
	return pci_get16(f, off) | (u32)pci_get16(f, off + 2) << 16;
}

static inline void pci_set16(u8 *p, u32 off, u16 v)
{
	p[off] = v;
	p[off + 1] = v >> 8;
}

static inline void pci_set32(u8 *p, u32 off, u32 v)
{
	pci_set16(p, off, v);
	pci_set16(p, off + 2, v >> 16);
}

#endif
