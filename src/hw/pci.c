// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge and its one bus (pci.h).  Register offsets and bits
 * come from linux/pci_regs.h; the rules from the PCI Local Bus
 * Specification 3.0 (configuration header, BARs) and PCI Express Base 4.0
 * section 7.2.2 (the Enhanced Configuration Access Mechanism).
 */
#include <errno.h>
#include <string.h>

#include "hw/pci.h"

#define ECAM_BUS_BYTES (1 << 20) /* 32 devices x 8 functions x 4 KiB */

/* The bridge at 00.0, as QEMU's "PCIe host bridge" shows itself. */
static const struct pci_id bridge_id = {
	.vendor = 0x1b36,
	.device = 0x0008,
	.subsys_vendor = 0x1b36,
	.subsys = 0x0008,
	.class = PCI_CLASS_HOST_BRIDGE,
};

void pci_function_init(struct pci_function *f, const struct pci_id *id,
		       const struct pci_function_ops *ops, void *owner)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->owner = owner;
	pci_set16(f->config, PCI_VENDOR_ID, id->vendor);
	pci_set16(f->config, PCI_DEVICE_ID, id->device);
	f->config[PCI_REVISION_ID] = id->revision;
	f->config[PCI_CLASS_PROG] = id->class;
	pci_set16(f->config, PCI_CLASS_DEVICE, id->class >> 8);
	f->config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	pci_set16(f->config, PCI_SUBSYSTEM_VENDOR_ID, id->subsys_vendor);
	pci_set16(f->config, PCI_SUBSYSTEM_ID, id->subsys);
	f->config[PCI_INTERRUPT_PIN] = id->irq_pin;

	/* What the guest may change in the header: the decode and master
	 * enables and INTx disable; the interrupt line (a note for the
	 * driver, nothing more); and the status error bits it clears. */
	pci_set16(f->wmask, PCI_COMMAND,
		  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
			  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	f->wmask[PCI_LATENCY_TIMER] = 0xff;
	pci_set16(f->w1cmask, PCI_STATUS,
		  PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
			  PCI_STATUS_REC_TARGET_ABORT |
			  PCI_STATUS_REC_MASTER_ABORT |
			  PCI_STATUS_SIG_SYSTEM_ERROR |
			  PCI_STATUS_DETECTED_PARITY);
	f->next_cap = 0x40; /* the first byte after the standard header */
}

void pci_function_bar64(struct pci_function *f, int bar, u64 size, u64 addr)
{
	u32 reg = PCI_BASE_ADDRESS_0 + 4 * bar;

	/*
	 * A BAR is sized by writing all ones and reading back: the bits
	 * that stay zero are the size, the low four say what kind it is.
	 * So only the address bits above the size are writable.
	 */
	pci_set32(f->config, reg,
		  (u32)addr | PCI_BASE_ADDRESS_SPACE_MEMORY |
			  PCI_BASE_ADDRESS_MEM_TYPE_64);
	pci_set32(f->config, reg + 4, addr >> 32);
	pci_set32(f->wmask, reg, (u32) ~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK);
	pci_set32(f->wmask, reg + 4, (u32)(~(size - 1) >> 32));
	f->bar_size[bar] = size;
	f->bar_size[bar + 1] = 0;
}

u8 pci_add_cap(struct pci_function *f, u8 id, const void *body, u8 len)
{
	u16 off = f->next_cap;
	u8 *last;

	if (len < 2 || off + (u32)len > 0x100)
		return 0;
	f->config[off] = id;
	f->config[off + 1] = 0;
	memcpy(f->config + off + 2, (const u8 *)body + 2, len - 2);
	/* Link it at the end of the list. */
	last = &f->config[PCI_CAPABILITY_LIST];
	while (*last)
		last = &f->config[*last + 1];
	*last = (u8)off;
	pci_set16(f->config, PCI_STATUS,
		  pci_get16(f, PCI_STATUS) | PCI_STATUS_CAP_LIST);
	f->next_cap = ALIGN_UP(off + len, 4);
	return (u8)off;
}

/* Where BAR (bar) decodes, given the command register and the window: 0
 * if memory decoding is off, or if the guest put it somewhere our bus
 * does not send to the bridge (it then simply does not answer). */
static u64 bar_decode(const struct pci_host *h, const struct pci_function *f,
		      int bar)
{
	u32 reg = PCI_BASE_ADDRESS_0 + 4 * bar;
	u64 size = f->bar_size[bar], addr;

	if (!size || !(pci_get16(f, PCI_COMMAND) & PCI_COMMAND_MEMORY))
		return 0;
	addr = (pci_get32(f, reg) & PCI_BASE_ADDRESS_MEM_MASK) |
	       (u64)pci_get32(f, reg + 4) << 32;
	if (addr < h->window_base || size > h->window_size ||
	    addr - h->window_base > h->window_size - size)
		return 0;
	return addr;
}

/* After a write to the command register or a BAR: tell the owner of
 * every BAR that now decodes elsewhere, or not at all. */
static void update_bars(struct pci_host *h, struct pci_function *f)
{
	for (int bar = 0; bar < PCI_BARS; bar++) {
		u64 addr = bar_decode(h, f, bar);

		if (addr == f->bar_addr[bar])
			continue;
		f->bar_addr[bar] = addr;
		if (f->ops && f->ops->bar_moved)
			f->ops->bar_moved(f, bar, addr);
	}
}

static void config_write(struct pci_host *h, struct pci_function *f, u32 off,
			 const u8 *data, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		u8 old = f->config[off + i], w = f->wmask[off + i];

		f->config[off + i] = ((old & ~w) | (data[i] & w)) &
				     ~(data[i] & f->w1cmask[off + i]);
	}
	if (off < PCI_BASE_ADDRESS_5 + 4 && off + len > PCI_COMMAND)
		update_bars(h, f);
	if (f->ops && f->ops->config_written)
		f->ops->config_written(f, off, len);
}

void pci_config_access(struct pci_host *h, unsigned int slot, unsigned int fn,
		       u32 off, u8 *data, u32 len, bool write)
{
	struct pci_function *f = slot < PCI_SLOTS ? h->slot[slot] : NULL;

	/* Absent functions, and accesses no CPU makes (misaligned, or past
	 * the end): nothing answers, and reads see all ones. */
	if (!f || fn != 0 || (len != 1 && len != 2 && len != 4) ||
	    (off & (len - 1)) || off + len > PCI_CFG_BYTES) {
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&h->lock);
	if (write) {
		config_write(h, f, off, data, len);
	} else {
		if (f->ops && f->ops->config_reading)
			f->ops->config_reading(f, off, len);
		memcpy(data, f->config + off, len);
	}
	pthread_mutex_unlock(&h->lock);
}

/* ECAM: bus, device, function and register are bits of the address. */
static void ecam_access(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	struct pci_host *h = ctx;

	pci_config_access(h, (off >> 15) & 31, (off >> 12) & 7, off & 0xfff,
			  data, len, write);
}

/*
 * The PC's older way in, "configuration mechanism #1": the guest writes
 * the function and register it wants to port 0xcf8 (bit 31 to enable it,
 * then bus, device, function, and the register's dword), and reads or
 * writes them through 0xcfc-0xcff.  Only the first 256 bytes are in reach
 * this way.  Linux looks for it before anything else: without it, it
 * will not trust the ECAM window until ACPI's namespace vouches for it,
 * and says "PCI: Fatal: No config space access function found" first.
 * On a PC the reset register at 0xcf9 shares the range; it is a byte
 * wide, and the bus gives a byte access there to it (bus.h: the smaller
 * range wins), while the address register only takes whole dwords.
 */
static void conf1_access(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	struct pci_host *h = ctx;
	u32 addr;

	if (off == 0 && len == 4) {
		if (write) {
			memcpy(&addr, data, 4);
			atomic_store(&h->conf1_addr, addr & 0x80fffffc);
		} else {
			addr = atomic_load(&h->conf1_addr);
			memcpy(data, &addr, 4);
		}
		return;
	}
	addr = atomic_load(&h->conf1_addr);
	/* The data port, within its four bytes, for an enabled bus 0
	 * address; anything else is nobody's. */
	if (off < 4 || off - 4 + len > 4 || !(addr & 0x80000000) ||
	    ((addr >> 16) & 0xff) != 0)
		return;
	pci_config_access(h, (addr >> 11) & 31, (addr >> 8) & 7,
			  (addr & 0xfc) + (u32)(off - 4), data, len, write);
}

/*L:350
 * The PCI bus answers for its devices' memory: each function's BARs say
 * where it decodes, and the guest may move them (Linux sizes each BAR by
 * writing all ones to it).  So the bridge takes every access in its
 * window, and looks at the BARs as they are now; an access that lies in
 * no BAR that decodes finds nothing there.  Nothing here trusts the
 * address: a BAR is only ever read once, and the offset checked against
 * its size. :*/
static void window_access(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	struct pci_host *h = ctx;
	u64 addr = h->window_base + off;

	for (unsigned int s = 0; s < PCI_SLOTS; s++) {
		struct pci_function *f = h->slot[s];

		for (int bar = 0; f && bar < PCI_BARS; bar++) {
			u64 base = read_once64(&f->bar_addr[bar]);
			u64 size = f->bar_size[bar];

			if (!base || addr < base || len > size ||
			    addr - base > size - len)
				continue;
			if (f->ops && f->ops->bar_access)
				f->ops->bar_access(f, bar, addr - base, data,
						   len, write);
			return;
		}
	}
}

int pci_host_init(struct pci_host *h, struct bus *bus, u64 ecam_base,
		  u16 conf1_port, u64 window_base, u64 window_size)
{
	int err;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->ecam_base = ecam_base;
	h->window_base = window_base;
	h->window_size = window_size;
	pci_function_init(&h->bridge, &bridge_id, NULL, h);
	h->slot[0] = &h->bridge;
	err = bus_register(bus, BUS_MMIO, ecam_base, ECAM_BUS_BYTES,
			   ecam_access, h, "pci ecam", false);
	if (!err)
		err = bus_register(bus, BUS_PIO, conf1_port, 8, conf1_access, h,
				   "pci config ports", false);
	if (!err)
		err = bus_register(bus, BUS_MMIO, window_base, window_size,
				   window_access, h, "pci window", false);
	return err;
}

int pci_host_add(struct pci_host *h, unsigned int slot, struct pci_function *f)
{
	if (slot == 0 || slot >= PCI_SLOTS || h->slot[slot])
		return -EBUSY;
	h->slot[slot] = f;
	update_bars(h, f);
	return 0;
}
