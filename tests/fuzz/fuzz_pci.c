// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a driver made of fuzz input plays a guest's vCPU against a
 * virtio-pci function (src/virtio/pci.c, virtio 1.2 section 4.1) behind
 * the PCI host bridge (src/hw/pci.c) with its MSI-X table (src/hw/msix.c):
 * configuration space through ECAM, and BAR 0 (common config, ISR, device
 * config, notify, MSI-X table and PBA) wherever the driver makes it
 * decode.  The device is transport.h's echo device, with real queue
 * threads.  There is no KVM (routes and ioeventfds are skipped) and the
 * vectors' interrupts are eventfds we drain.
 *
 * After every access we check what the function promises whatever the
 * driver does: no bit of config space changes that the hardware would not
 * let change (the Interrupt Status bit, read set, has an ISR behind it); BAR 0 decodes exactly where its register and the command
 * register say, inside the bridge's window; a vector is live exactly when
 * it is unmasked and its message goes to the local APIC (anywhere else is
 * no interrupt), a pending bit is only ever set on a masked vector and,
 * when it clears, its event was sent if it could be; the status bits only go up until a
 * reset, and a reset parks every thread; reads of what the driver may not
 * read see zeros or ones.  Built with tests/fuzz/replay.c it is a plain
 * program replaying the files it is given (tests/fuzz/run replay).
 *
 * Input: 8-byte steps to the end, (op)[0] % OP_COUNT one of enum op below
 * and (op)[1..7] its arguments.  Every input ends with the function back
 * at power-on, as a guest reboot leaves it.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "bus.h"
#include "layout.h"
#include "transport.h"
#include "virtio/pci.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define SLOT 3
#define BAR  PCI_BAR_GPA(SLOT) /* where the "firmware" put BAR 0 */
#define NVEC (ECHO_QS + 1)

enum op {
	OP_CFG_READ,  /* (op)[1..3] which function, where, how wide: */
	OP_CFG_WRITE, /* see cfg_access(); writes (op)[4..7] */
	OP_BAR_READ,  /* (op)[1..3] where in BAR 0, how wide: */
	OP_BAR_WRITE, /* see bar_access(); writes (op)[4..7] */
	OP_DECODE,    /* command register and BAR 0: see decode() */
	OP_INIT,      /* reset and negotiate: see init() */
	OP_QUEUE,     /* set a queue up: see queue() */
	OP_GO,	      /* add DRIVER_OK to the status */
	OP_OFFER,     /* offer a chain on queue (op)[1]: see offer() */
	OP_POKE,      /* scribble on RAM: see poke() */
	OP_KICK,      /* 2-byte write at notify + (op)[1] * 2 */
	OP_SETTLE,    /* let the threads catch up: see settle() */
	OP_MSIX,      /* program a vector and Message Control: see msix() */
	OP_WINDOW,    /* an access through VIRTIO_PCI_CAP_PCI_CFG: window() */
	OP_IRQ,	      /* read the ISR, empty the vectors' eventfds */
	OP_CONFIG,    /* the device changes its config: see config_change() */
	OP_RESET,     /* device_status = 0 */
	OP_REBOOT,    /* the guest reboots: pci_vdev_reset() */
	OP_COUNT
};

static struct bus bus;
static struct pci_host host;
static struct pci_function bridge; /* the bridge at power-on */
static struct pci_vdev p;
static u32 status; /* the device status after the last access */

/* Has vector (v)'s eventfd fired since we last emptied it?  Empties it. */
static bool fired(unsigned int v)
{
	bool was = efd_pending(p.irq_fd[v]);

	efd_drain(p.irq_fd[v]);
	return was;
}

static bool msix_masked(unsigned int v)
{
	return !p.msix.enabled || p.msix.mask_all ||
	       (p.msix.table[v].ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

/* Vector (v) sends its events: unmasked, and its message is an interrupt
 * (msix_to_apic()). */
static bool msix_sends(unsigned int v)
{
	const struct msix_entry *e = &p.msix.table[v];

	return !msix_masked(v) &&
	       msix_to_apic((u64)e->addr_hi << 32 | e->addr_lo);
}

/* MSI-X, under its lock: Message Control as the config space says, a
 * vector live exactly when it sends, pending only while masked.  Returns
 * the pending bits. */
static u64 check_msix(void)
{
	static const u8 none[sizeof(p.msix.live)];
	u16 ctrl = pci_get16(&p.fn, p.msix_cap + PCI_MSIX_FLAGS);
	u64 pending;

	pthread_mutex_lock(&p.msix.lock);
	pending = p.msix.pending;
	if (p.msix.enabled != !!(ctrl & PCI_MSIX_FLAGS_ENABLE) ||
	    p.msix.mask_all != !!(ctrl & PCI_MSIX_FLAGS_MASKALL) ||
	    pending >> NVEC)
		abort();
	for (unsigned int v = 0; v < NVEC; v++) {
		bool live = atomic_load(&p.msix.live[v]);

		if (live != msix_sends(v))
			abort();
		if ((pending >> v & 1) && !msix_masked(v))
			abort();
	}
	/* None of the vectors past ours is live: one comparison, not one
	 * each (this runs after every access).  The lock we hold is the one
	 * every store to live[] takes. */
	if (memcmp((const void *)(p.msix.live + NVEC), none,
		   sizeof(p.msix.live) - NVEC * sizeof(p.msix.live[0])))
		abort();
	pthread_mutex_unlock(&p.msix.lock);
	return pending;
}

/* Config space: only the bits the hardware lets the guest write differ
 * from power-on; BAR 0 decodes where it says, if anywhere. */
static void check_config(void)
{
	static u8 passed[PCI_CFG_BYTES]; /* the last config space that did */
	static bool any_passed;
	const struct pci_function *f = &p.fn, *init = &p.fn_init;
	u64 addr, want = 0;

	/* This runs after every access, and most leave config space alone:
	 * one that passed before passes again (the power-on image and the
	 * write masks never change after pci_vdev_init()), for a memcmp().
	 * Otherwise a word at a time; past the header's 256 bytes, where
	 * pci_add_cap() puts no capability, nothing is writable: one
	 * memcmp(). */
	if (!any_passed || memcmp(f->config, passed, PCI_CFG_BYTES)) {
		for (unsigned int i = 0; i < 0x100; i += 8) {
			u64 now, was, w, w1c;

			memcpy(&now, f->config + i, 8);
			memcpy(&was, init->config + i, 8);
			memcpy(&w, f->wmask + i, 8);
			memcpy(&w1c, f->w1cmask + i, 8);
			/* The status register's Interrupt Status bit is the
			 * device's to show (PCI 3.0, 6.2.3). */
			if (i == 0)
				w |= (u64)PCI_STATUS_INTERRUPT
				     << 8 * PCI_STATUS;
			if ((now ^ was) & ~(w | w1c))
				abort();
		}
		if (memcmp(f->config + 0x100, init->config + 0x100,
			   PCI_CFG_BYTES - 0x100))
			abort();
		memcpy(passed, f->config, PCI_CFG_BYTES);
		any_passed = true;
	}
	addr = (pci_get32(f, PCI_BASE_ADDRESS_0) & PCI_BASE_ADDRESS_MEM_MASK) |
	       (u64)pci_get32(f, PCI_BASE_ADDRESS_1) << 32;
	if ((pci_get16(f, PCI_COMMAND) & PCI_COMMAND_MEMORY) &&
	    addr >= PCI_WINDOW_GPA &&
	    addr - PCI_WINDOW_GPA <= PCI_WINDOW_SIZE - VPCI_BAR_SIZE)
		want = addr;
	if (f->bar_addr[0] != want || addr % VPCI_BAR_SIZE)
		abort();
	for (int bar = 1; bar < PCI_BARS; bar++)
		if (f->bar_addr[bar])
			abort();
}

/* What every access must leave true (see the top of the file): called
 * with the reset count and the pending bits from before it. */
static void check(unsigned int resets_before, u64 pending_before)
{
	u32 now = atomic_load(&p.dev.status);
	u64 pending;

	if (atomic_load(&echo_resets) != resets_before) {
		check_reset(&p.dev);
		if (atomic_load(&p.msix_config) != VIRTIO_MSI_NO_VECTOR)
			abort();
		pending_before = 0;
	} else if ((now & status) != status) {
		abort(); /* a bit went down without a reset */
	}
	status = now;
	if (atomic_load(&p.isr) & ~(1 | VIRTIO_PCI_ISR_CONFIG))
		abort();
	for (unsigned int q = 0; q < ECHO_QS; q++) {
		u16 v = atomic_load(&p.queue_vector[q]);

		if (v >= NVEC && v != VIRTIO_MSI_NO_VECTOR)
			abort();
	}
	check_config();
	pending = check_msix();
	/* A pending event that cleared was sent, not lost, unless its
	 * message is no interrupt. */
	for (unsigned int v = 0; v < NVEC; v++)
		if ((pending_before & ~pending) >> v & 1 && msix_sends(v) &&
		    !efd_pending(p.irq_fd[v]))
			abort();
	views_sync(&p.dev);
}

/* One guest access of (len) bytes at guest-physical (addr), as a vCPU
 * makes it, through the bus. */
static void guest_access(u64 addr, u8 *data, u32 len, bool write)
{
	unsigned int before = atomic_load(&echo_resets);
	u64 pending;

	pthread_mutex_lock(&p.msix.lock);
	pending = p.msix.pending;
	pthread_mutex_unlock(&p.msix.lock);
	bus_access(&bus, BUS_MMIO, addr, data, len, write);
	check(before, pending);
}

static u64 ecam(unsigned int slot, unsigned int fn, u32 reg)
{
	return PCI_ECAM_GPA + (slot << 15 | fn << 12 | reg);
}

static u32 cfg_rd(u32 reg, u32 len)
{
	u32 v = 0;

	guest_access(ecam(SLOT, 0, reg), (u8 *)&v, len, false);
	return v;
}

static void cfg_wr(u32 reg, u32 len, u32 v)
{
	guest_access(ecam(SLOT, 0, reg), (u8 *)&v, len, true);
}

/* Where BAR 0 answers now; where it was put at first if nowhere. */
static u64 bar_base(void)
{
	return p.fn.bar_addr[0] ? p.fn.bar_addr[0] : BAR;
}

static u32 bar_rd(u32 off, u32 len)
{
	u32 v = 0;

	guest_access(bar_base() + off, (u8 *)&v, len, false);
	return v;
}

static void bar_wr(u32 off, u32 len, u32 v)
{
	guest_access(bar_base() + off, (u8 *)&v, len, true);
}

/*
 * A raw config access: (op)[1] < 0xc0 is our function, else slot (op)[1]
 * % 32, function ((op)[1] >> 5) & 1; register (op)[2..3] % 4096, 1 <<
 * (((op)[3] >> 4) % 4) bytes wide.  What no function answers reads ones.
 */
static void cfg_access(const u8 *op, bool write)
{
	unsigned int slot = op[1] < 0xc0 ? SLOT : op[1] % 32;
	unsigned int fn = op[1] < 0xc0 ? 0 : (op[1] >> 5) & 1;
	u32 reg = arg16(op + 2) % PCI_CFG_BYTES, len = 1u << ((op[3] >> 4) % 4);
	u8 data[8], ones[8];

	memcpy(data, op + 4, 4);
	memcpy(data + 4, op + 4, 4);
	guest_access(ecam(slot, fn, reg), data, len, write);
	memset(ones, 0xff, sizeof(ones));
	if (!write &&
	    (fn || !host.slot[slot] || len > 4 || reg % len ||
	     reg + len > PCI_CFG_BYTES) &&
	    memcmp(data, ones, len))
		abort();
	/* Interrupt Status read set: the ISR is (queue threads only ever
	 * add to it, and only we clear it), and MSI-X is off. */
	if (!write && slot == SLOT && !fn && len <= 4 && !(reg % len) &&
	    reg <= PCI_STATUS && reg + len > PCI_STATUS &&
	    (data[PCI_STATUS - reg] & PCI_STATUS_INTERRUPT) &&
	    (!atomic_load(&p.isr) || atomic_load(&p.msix.enabled)))
		abort();
}

/* The width of common config field (off), or 0 between fields
 * (4.1.4.3's table). */
static u32 common_width(u32 off)
{
	switch (off) {
	case VIRTIO_PCI_COMMON_STATUS:
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return 1;
	case VIRTIO_PCI_COMMON_MSIX:
	case VIRTIO_PCI_COMMON_NUMQ:
	case VIRTIO_PCI_COMMON_Q_SELECT:
	case VIRTIO_PCI_COMMON_Q_SIZE:
	case VIRTIO_PCI_COMMON_Q_MSIX:
	case VIRTIO_PCI_COMMON_Q_ENABLE:
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return 2;
	default:
		return off <= VIRTIO_PCI_COMMON_Q_USEDHI && off % 4 == 0 ? 4
									 : 0;
	}
}

/* What a read of (len) bytes at (off) of a decoding BAR 0 must have
 * seen, where we know. */
static void check_bar_read(u32 off, const u8 *data, u32 len)
{
	u8 want[8];
	u32 rel;

	memset(want, 0, sizeof(want));
	if (off + len > VPCI_BAR_SIZE) {
		memset(want, 0xff, len); /* past the BAR: nobody there */
	} else if (off < VPCI_ISR) {
		if (len == common_width(off))
			return;
		/* 4.1.3.1: the natural width only; zeros otherwise. */
	} else if (off < VPCI_DEVICE) {
		if (off == VPCI_ISR && len == 1)
			return;
	} else if (off < VPCI_NOTIFY) {
		rel = off - VPCI_DEVICE;
		if (rel + len <= p.dev.config_size)
			memcpy(want, p.dev.config + rel, len);
	} else if (off >= VPCI_MSIX_TABLE && off < VPCI_MSIX_PBA) {
		rel = off - VPCI_MSIX_TABLE;
		if (rel / 16 < NVEC && (len == 4 || len == 8) && !(rel % len))
			return;
		memset(want, 0xff, len); /* 6.8.2: DWORDs and QWORDs */
	} else if (off >= VPCI_MSIX_PBA) {
		rel = off - VPCI_MSIX_PBA;
		if (rel < 8 && len <= 8 - rel)
			return; /* check_msix() has the pending bits */
	}
	if (memcmp(data, want, len))
		abort();
}

/*
 * A raw BAR access: (op)[1..2] % 32 KiB into BAR 0 where it decodes now,
 * or, if (op)[2] & 0x80, where it was put at first; 1 << ((op)[3] % 4)
 * bytes wide.  Where BAR 0 does not decode, reads see ones.
 */
static void bar_access(const u8 *op, bool write)
{
	u32 off = arg16(op + 1) % VPCI_BAR_SIZE, len = 1u << (op[3] % 4);
	u64 base = op[2] & 0x80 ? BAR : bar_base();
	bool decodes = base == p.fn.bar_addr[0];
	u8 data[8], ones[8];

	memcpy(data, op + 4, 4);
	memcpy(data + 4, op + 4, 4);
	guest_access(base + off, data, len, write);
	memset(ones, 0xff, sizeof(ones));
	if (write)
		return;
	if (decodes)
		check_bar_read(off, data, len);
	else if (memcmp(data, ones, len))
		abort();
}

/*
 * What firmware and Linux's PCI core do: (op)[1] is the command register
 * (memory decode, bus master, INTx disable: bits 1, 2 and 10 of it from
 * (op)[1] bits 1, 2 and 3).  (op)[6] & 1: place BAR 0 first, at 64 KiB
 * page (op)[2] of the window, or at (op)[2..5] raw if (op)[6] & 2, above
 * 4 GiB if (op)[6] & 4.  (op)[6] & 8: size it first, as Linux does, and
 * check what the sizing reads.
 */
static void decode(const u8 *op)
{
	u16 cmd = (op[1] & 6) | (op[1] & 8 ? PCI_COMMAND_INTX_DISABLE : 0);
	u32 lo, hi;

	if (op[6] & 8) {
		lo = cfg_rd(PCI_BASE_ADDRESS_0, 4);
		hi = cfg_rd(PCI_BASE_ADDRESS_1, 4);
		cfg_wr(PCI_BASE_ADDRESS_0, 4, 0xffffffff);
		cfg_wr(PCI_BASE_ADDRESS_1, 4, 0xffffffff);
		if (cfg_rd(PCI_BASE_ADDRESS_0, 4) !=
			    ((u32) ~(VPCI_BAR_SIZE - 1) |
			     PCI_BASE_ADDRESS_MEM_TYPE_64) ||
		    cfg_rd(PCI_BASE_ADDRESS_1, 4) != 0xffffffff)
			abort();
		cfg_wr(PCI_BASE_ADDRESS_0, 4, lo);
		cfg_wr(PCI_BASE_ADDRESS_1, 4, hi);
	}
	if (op[6] & 1) {
		lo = op[6] & 2 ? arg32(op + 2)
			       : (u32)PCI_WINDOW_GPA + (op[2] << 16);
		cfg_wr(PCI_BASE_ADDRESS_0, 4, lo);
		cfg_wr(PCI_BASE_ADDRESS_1, 4, (op[6] >> 2) & 1);
	}
	cfg_wr(PCI_COMMAND, 2, cmd);
}

/* 3.1.1 steps 1-4 through the common config, as fuzz_mmio.c's init()
 * (driver_features()); then the config vector (op)[6] (0xff: none). */
static void init(const u8 *op)
{
	u32 lo, hi;

	driver_features(op, &lo, &hi);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1,
	       VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	bar_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_GF, 4, lo);
	bar_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	bar_wr(VIRTIO_PCI_COMMON_GF, 4, hi);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1,
	       VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		       VIRTIO_CONFIG_S_FEATURES_OK);
	bar_wr(VIRTIO_PCI_COMMON_MSIX, 2, op[6] == 0xff ? 0xffff : op[6]);
}

/* 3.1.1 step 5, as Linux's setup_vq() does it: queue (op)[1] % 4 as
 * driver_rings() lays it out, on vector (op)[7] % (NVEC + 1) (NVEC: none
 * of ours), then queue_enable = 1, or 0 if (op)[6] & 0x20. */
static void queue(const u8 *op)
{
	u64 desc, avail, used;
	u32 desc_hi, num = driver_rings(op, &desc, &desc_hi, &avail, &used);
	u32 vec = op[7] % (NVEC + 1);

	bar_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, op[1] % 4);
	bar_wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, num);
	bar_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, vec == NVEC ? 0xffff : vec);
	bar_wr(VIRTIO_PCI_COMMON_Q_DESCLO, 4, desc);
	bar_wr(VIRTIO_PCI_COMMON_Q_DESCHI, 4, desc_hi);
	bar_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, 4, avail);
	bar_wr(VIRTIO_PCI_COMMON_Q_AVAILHI, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_USEDLO, 4, used);
	bar_wr(VIRTIO_PCI_COMMON_Q_USEDHI, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 2, !(op[6] & 0x20));
}

static void kick(unsigned int q)
{
	bar_wr(VPCI_NOTIFY + q * VPCI_NOTIFY_MULT, 2, q);
}

/*
 * Vector (op)[1] % 8 (NVEC and up are none of ours): address 0xfee00000
 * | (op)[2] << 12, data (op)[3], masked if (op)[4] & 1, written as DWORDs
 * (QWORDs if (op)[4] & 2).  Then, unless (op)[5] & 4, Message Control:
 * Enable if (op)[5] & 1, Function Mask if (op)[5] & 2.
 */
static void msix(const u8 *op)
{
	u32 e = VPCI_MSIX_TABLE + (op[1] % 8) * PCI_MSIX_ENTRY_SIZE;
	u32 entry[4] = {0xfee00000 | op[2] << 12, 0, op[3], op[4] & 1};

	for (unsigned int i = 0; i < 4; i += op[4] & 2 ? 2 : 1)
		guest_access(bar_base() + e + 4 * i, (u8 *)&entry[i],
			     op[4] & 2 ? 8 : 4, true);
	if (!(op[5] & 4))
		cfg_wr(p.msix_cap + PCI_MSIX_FLAGS, 2,
		       (op[5] & 1 ? PCI_MSIX_FLAGS_ENABLE : 0) |
			       (op[5] & 2 ? PCI_MSIX_FLAGS_MASKALL : 0));
}

/*
 * VIRTIO_PCI_CAP_PCI_CFG (4.1.4.9): bar (op)[1] & 0x80 ? (op)[1] : 0,
 * offset (op)[2..3] % 32 KiB, length (op)[4]; then pci_cfg_data 1 <<
 * ((op)[5] % 3) bytes wide, written with (op)[6..7] if (op)[5] & 4, else
 * read.
 */
static void window(const u8 *op)
{
	u32 cap = p.cfg_cap, data = cap + sizeof(struct virtio_pci_cap);

	cfg_wr(cap + VIRTIO_PCI_CAP_BAR, 1, op[1] & 0x80 ? op[1] : 0);
	cfg_wr(cap + VIRTIO_PCI_CAP_OFFSET, 4, arg16(op + 2) % VPCI_BAR_SIZE);
	cfg_wr(cap + VIRTIO_PCI_CAP_LENGTH, 4, op[4]);
	if (op[5] & 4)
		cfg_wr(data, 1u << (op[5] % 3), arg16(op + 6));
	else
		cfg_rd(data, 1u << (op[5] % 3));
}

static bool threads_parked(void)
{
	for (unsigned int q = 0; q < ECHO_QS; q++)
		if (worker_running(&p.dev.threads[q]))
			return false;
	return true;
}

/*
 * The device changes its config.  With no queue thread to interrupt too,
 * we know where the event must go: with MSI-X, to the config vector's
 * eventfd if it is unmasked, to its pending bit if masked, nowhere for
 * NO_VECTOR; without, to the ISR alone (INTx needs KVM).
 */
static void config_change(void)
{
	bool quiet = threads_parked();
	u16 vec = atomic_load(&p.msix_config);
	u64 pending;

	for (unsigned int v = 0; v < NVEC; v++)
		fired(v);
	device_config_changed(&p.dev);
	if (!quiet)
		return;
	if (!(atomic_load(&p.isr) & VIRTIO_PCI_ISR_CONFIG))
		abort();
	pthread_mutex_lock(&p.msix.lock);
	pending = p.msix.pending;
	pthread_mutex_unlock(&p.msix.lock);
	for (unsigned int v = 0; v < NVEC; v++) {
		bool to_v = p.msix.enabled && v == vec;

		if (fired(v) != (to_v && msix_sends(v)) ||
		    (to_v && msix_masked(v) && !(pending >> v & 1)))
			abort();
	}
}

static void step(const u8 *op)
{
	unsigned int before;

	switch (op[0] % OP_COUNT) {
	case OP_CFG_READ:
	case OP_CFG_WRITE:
		cfg_access(op, op[0] % OP_COUNT == OP_CFG_WRITE);
		break;
	case OP_BAR_READ:
	case OP_BAR_WRITE:
		bar_access(op, op[0] % OP_COUNT == OP_BAR_WRITE);
		break;
	case OP_DECODE:
		decode(op);
		break;
	case OP_INIT:
		init(op);
		break;
	case OP_QUEUE:
		queue(op);
		break;
	case OP_GO:
		bar_wr(VIRTIO_PCI_COMMON_STATUS, 1,
		       bar_rd(VIRTIO_PCI_COMMON_STATUS, 1) |
			       VIRTIO_CONFIG_S_DRIVER_OK);
		break;
	case OP_OFFER:
		offer(op[1] % ECHO_QS, op);
		break;
	case OP_POKE:
		poke(op);
		break;
	case OP_KICK:
		bar_wr(VPCI_NOTIFY + op[1] * 2, 2, op[2]);
		break;
	case OP_SETTLE:
		settle(&p.dev, kick);
		break;
	case OP_MSIX:
		msix(op);
		break;
	case OP_WINDOW:
		window(op);
		break;
	case OP_IRQ:
		bar_rd(VPCI_ISR, 1);
		for (unsigned int v = 0; v < NVEC; v++)
			fired(v);
		break;
	case OP_CONFIG:
		config_change();
		break;
	case OP_RESET:
		bar_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
		break;
	case OP_REBOOT:
		before = atomic_load(&echo_resets);
		pci_vdev_reset(&p);
		check(before, 0);
		break;
	}
}

/* The bridge, the function and its threads are made once, and put back
 * at power-on between inputs. */
static void make(void)
{
	char err[128] = "cannot make the bridge";

	ram_fresh();
	if (pci_host_init(&host, &bus, PCI_ECAM_GPA, PORT_PCI_CONFIG,
			  PCI_WINDOW_GPA, PCI_WINDOW_SIZE) ||
	    pci_vdev_init(&p, &echo_type, 0, NULL, &ram, BAR, 7, MSI_GSI_BASE,
			  err, sizeof(err)) ||
	    pci_host_add(&host, SLOT, &p.fn) || device_spawn(&p.dev)) {
		fprintf(stderr, "fuzz_pci: %s\n", err);
		abort();
	}
	bridge = host.bridge;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned int before;

	if (!p.dev.type)
		make();
	ram_fresh();
	host.bridge = bridge;
	status = 0;
	for (size_t off = 0; off + 8 <= size; off += 8)
		step(data + off);
	before = atomic_load(&echo_resets);
	pci_vdev_reset(&p);
	check(before, 0);
	forget_kicks(&p.dev);
	for (unsigned int v = 0; v < NVEC; v++)
		fired(v);
	return 0;
}
