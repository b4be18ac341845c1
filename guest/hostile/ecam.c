// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI side of a virtio-pci device, used against its rules: its
 * configuration space written where it is read-only (PCI Local Bus 3.0,
 * 6.1-6.2), its BAR moved while the device is live (onto RAM, onto
 * another device's BAR, onto ECAM, to 0, left as the all-ones of sizing),
 * memory decoding and bus mastering turned off under it, and ECAM
 * (PCI Express 4.0, 7.2.2) reached for functions, devices and buses that
 * do not exist, with widths no CPU access to config space has.  The
 * device must go on, or come back once its BAR is back.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <emmintrin.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "hostile.h"

#define ECAM_FN(slot, fn) (((slot) << 15) | ((fn) << 12))

/*
 * The bytes of the config header a driver may write (PCI 3.0, 6.2): the
 * command register, the status register's error bits (written 1 to
 * clear), cache line size and latency timer, the BAR, the interrupt line,
 * MSI-X's Message Control, and the virtio config access window (4.1.4.9).
 */
static bool writable(const struct dev *d, u32 off)
{
	u32 cfg = d->pci.cfg_cap, msix = d->pci.msix_cap + PCI_MSIX_FLAGS;

	return (off >= PCI_COMMAND && off < PCI_CLASS_REVISION) ||
	       off == PCI_CACHE_LINE_SIZE || off == PCI_LATENCY_TIMER ||
	       (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_2) ||
	       off == PCI_INTERRUPT_LINE || off == msix || off == msix + 1 ||
	       off == cfg + VIRTIO_PCI_CAP_BAR ||
	       (off >= cfg + VIRTIO_PCI_CAP_OFFSET &&
		off < cfg + sizeof(struct virtio_pci_cfg_cap));
}

static int config_snapshot(const struct dev *d, u8 *cfg, struct why *why)
{
	for (u32 off = 0; off < 256; off += 4) {
		u32 v = pci_cfg_read(d, off, 4);

		memcpy(cfg + off, &v, 4);
	}
	if (cfg[0] == 0xff && cfg[1] == 0xff) {
		fail(why, "%s: config space reads all ones", d->name);
		return -1;
	}
	return 0;
}

/* Every read-only byte as it was; the status register but for its
 * Interrupt Status bit, which follows the device. */
static int config_same(const struct dev *d, const u8 *before, const char *after,
		       struct why *why)
{
	u8 now[256];

	if (config_snapshot(d, now, why))
		return -1;
	now[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
	for (u32 off = 0; off < 256; off++) {
		u8 was = off == PCI_STATUS ? before[off] & ~PCI_STATUS_INTERRUPT
					   : before[off];

		if (!writable(d, off) && now[off] != was) {
			fail(why, "config byte %#x went %#x -> %#x after %s",
			     off, was, now[off], after);
			return -1;
		}
	}
	return 0;
}

/*
 * Ones and zeros over every read-only byte of the header and the
 * capabilities: vendor, device, class, header type, subsystem, the
 * capability pointer, interrupt pin, each capability's ID, next pointer
 * and body (virtio's cfg_type, bar, offset, length, the notify
 * multiplier; MSI-X's table size and offsets).  Through sysfs with one,
 * two and four bytes, and through ECAM with eight and misaligned.
 */
static int config_read_only(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	volatile u8 *ecam;
	u8 before[256];
	u64 ecam_base;
	struct vq vq;

	if (dev_up(t, &vq, 0, why) || config_snapshot(d, before, why))
		return -1;
	for (u32 off = 0; off < 256; off++)
		if (!writable(d, off))
			pci_cfg_write(d, off, 1, 0xff);
	for (u32 off = 0; off < 256; off += 2)
		if (!writable(d, off) && !writable(d, off + 1))
			pci_cfg_write(d, off, 2, 0);
	for (u32 off = 0; off < 256; off += 4)
		if (!writable(d, off) && !writable(d, off + 1) &&
		    !writable(d, off + 2) && !writable(d, off + 3)) {
			pci_cfg_write(d, off, 4, 0xffffffff);
			pci_cfg_write(d, off, 4, 0);
		}
	if (config_same(d, before, "writes through sysfs", why))
		return -1;
	ecam = ecam_map(&ecam_base, why);
	if (!ecam)
		return -1;
	ecam += ECAM_FN(d->slot, 0);
	for (u32 off = 0; off < 256; off += 8) {
		*(volatile u64 *)(ecam + off) = ~0ULL;
		*(volatile u32 *)(ecam + off + 1) = 0;
		*(volatile u16 *)(ecam + off + 3) = 0;
		*(volatile u32 *)(ecam + off + 6) = 0xffffffff;
	}
	if (config_same(d, before, "wide and misaligned ECAM writes", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "writes to read-only config", why);
}

static void bar_set(const struct dev *d, u64 addr)
{
	pci_cfg_write(d, PCI_BASE_ADDRESS_0, 4, (u32)addr);
	pci_cfg_write(d, PCI_BASE_ADDRESS_1, 4, (u32)(addr >> 32));
}

/* A request waiting, whose notify must go nowhere while the BAR is
 * elsewhere, and be answered once it is back and notified again. */
static int parked(struct target *t, struct vq *vq, unsigned int slot,
		  const char *where, struct why *why)
{
	struct vring_used_elem e;
	struct page *buf = page_alloc();
	unsigned int head = good_chain(t, vq, slot, buf);

	vq_push(vq, (u16)head); /* to the old place: nothing there */
	if (!vq_quiet(vq, QUIET_MS)) {
		fail(why,
		     "with the BAR %s, a notify at its old place was "
		     "taken",
		     where);
		return -1;
	}
	if (dev_get(t->d, F_STATUS) != 0xff) {
		fail(why, "with the BAR %s, its old place reads Status %#x",
		     where, dev_get(t->d, F_STATUS));
		return -1;
	}
	bar_set(t->d, t->d->base);
	if (dev_status(t->d) != S_LIVE) {
		fail(why, "with the BAR back from %s, Status %#x", where,
		     dev_status(t->d));
		return -1;
	}
	vq_kick(vq);
	if (vq_wait_used(vq, ANSWER_MS, &e) != 1) {
		fail(why, "with the BAR back from %s, no answer", where);
		return -1;
	}
	return good_check(t, &e, head, buf, why);
}

/*
 * BAR 0 moved while the device is live: somewhere free in the bridge's
 * window (where the device must answer, notifies and all), and where it
 * must not decode: onto RAM, onto the control disk's BAR, onto ECAM, to
 * 0, and to all ones (a sizing never undone).  Each time, notifies at
 * the old place go nowhere; back at its place, the device answers.
 */
static int bar_moved(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	u64 ecam_base = 0, free_at = pci_window_free();
	const struct {
		u64 addr;
		const char *where;
	} places[] = {
		{1 << 20, "on RAM"}, {control_bar, "on vdb's BAR"},
		{0, "on ECAM"}, /* filled below */
		{0, "at 0"},	     {~0ULL, "all ones"},
	};
	struct vring_used_elem e;
	volatile u8 *moved, *ecam = ecam_map(&ecam_base, why);
	unsigned int head;
	struct page *buf;
	struct vq vq;
	u32 lo;

	if (!ecam || !free_at || dev_up(t, &vq, 0, why))
		return -1;
	if (!control_bar) {
		fail(why, "no control disk's BAR to move onto");
		return -1;
	}
	/* Somewhere free: the device there, notifies and all. */
	moved = phys_map(free_at, d->size, why);
	if (!moved)
		return -1;
	bar_set(d, free_at);
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push_quiet(&vq, (u16)head);
	*(volatile u16 *)(moved + pci_notify_off(d, t->queue)) = t->queue;
	if (moved[d->pci.common + VIRTIO_PCI_COMMON_STATUS] != S_LIVE)
		fail(why, "moved, Status %#x",
		     moved[d->pci.common + VIRTIO_PCI_COMMON_STATUS]);
	else if (t->answers && vq_wait_ring(&vq, ANSWER_MS, &e) != 1)
		fail(why, "moved, no answer to a notify at the new place");
	else if (t->answers)
		good_check(t, &e, head, buf, why);
	munmap((void *)moved, d->size);
	if (why->text[0] || parked(t, &vq, 4, "moved", why))
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(places); i++) {
		u64 addr = i == 2 ? ecam_base : places[i].addr;

		bar_set(d, addr);
		lo = pci_cfg_read(d, PCI_BASE_ADDRESS_0, 4);
		if ((lo & PCI_BASE_ADDRESS_MEM_MASK) !=
		    ((u32)addr & ~(u32)(d->size - 1))) {
			fail(why, "BAR %s reads %#x", places[i].where, lo);
			return -1;
		}
		/* ECAM is still ECAM. */
		if (*(volatile u16 *)(ecam + ECAM_FN(d->slot, 0)) != 0x1af4) {
			fail(why, "with the BAR %s, ECAM lost our vendor ID",
			     places[i].where);
			return -1;
		}
		if (t->answers &&
		    parked(t, &vq, 8 + 4 * (i % 2), places[i].where, why))
			return -1;
		bar_set(d, d->base);
	}
	return live_after(t, &vq, S_LIVE, "BAR moves", why);
}

static void command_set(const struct dev *d, u16 clear, u16 set)
{
	pci_cfg_write(d, PCI_COMMAND, 2,
		      (pci_cfg_read(d, PCI_COMMAND, 2) & ~clear) | set);
}

/*
 * Memory decoding off under a live device (PCI 3.0, 6.2.2): its BAR
 * answers nothing, notifies there go nowhere, but the config access
 * window still reaches it; on again, it is as it was.
 */
static int memory_decode_off(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	u8 cap = d->pci.cfg_cap;
	struct vring_used_elem e;
	struct page *buf;
	unsigned int head;
	struct vq vq;
	u32 v;

	if (dev_up(t, &vq, 0, why) || good_request(t, &vq, 4, why))
		return -1;
	sleep_ms(100);
	command_set(d, PCI_COMMAND_MEMORY, 0);
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push(&vq, (u16)head);
	if (dev_get(d, F_STATUS) != 0xff)
		fail(why, "decoding off, Status reads %#x", dev_status(d));
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_BAR, 1, 0);
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_OFFSET, 4,
		      d->pci.common + VIRTIO_PCI_COMMON_STATUS);
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_LENGTH, 4, 1);
	v = pci_cfg_read(d, cap + sizeof(struct virtio_pci_cap), 1);
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_LENGTH, 4, 0);
	if (v != S_LIVE)
		fail(why, "decoding off, Status through the window %#x", v);
	if (!vq_quiet(&vq, QUIET_MS))
		fail(why, "decoding off, a notify was taken");
	command_set(d, 0, PCI_COMMAND_MEMORY);
	if (why->text[0])
		return -1;
	vq_kick(&vq);
	if (t->answers && vq_wait_used(&vq, ANSWER_MS, &e) != 1) {
		fail(why, "decoding on again, no answer");
		return -1;
	}
	if (t->answers && good_check(t, &e, head, buf, why))
		return -1;
	return live_after(t, &vq, S_LIVE, "decoding off and on", why);
}

/*
 * Bus mastering off (PCI 3.0, 6.2.2): a device may then not reach memory.
 * The Launcher does not model it (its devices go on reading the rings);
 * either answer will do, as long as the device works once it is on.
 */
static int bus_master_off(struct target *t, struct why *why)
{
	struct vring_used_elem e;
	struct page *buf;
	unsigned int head;
	struct vq vq;
	int r;

	if (dev_up(t, &vq, 0, why))
		return -1;
	command_set(t->d, PCI_COMMAND_MASTER, 0);
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push(&vq, (u16)head);
	r = vq_wait_used(&vq, QUIET_MS, &e);
	command_set(t->d, 0, PCI_COMMAND_MASTER);
	if (r < 0) {
		fail(why, "NEEDS_RESET for a good request, bus master off");
		return -1;
	}
	if (r == 0 && t->answers) {
		vq_kick(&vq);
		if (vq_wait_used(&vq, ANSWER_MS, &e) != 1) {
			fail(why, "bus master on again, no answer");
			return -1;
		}
	}
	if (t->answers && good_check(t, &e, head, buf, why))
		return -1;
	return live_after(t, &vq, S_LIVE, "bus master off and on", why);
}

/* An access of (w) bytes at (p) reads all ones, and a write of zeros
 * there leaves it so. */
static void all_ones(volatile u8 *p, u32 w, const char *what, u64 where,
		     struct why *why)
{
	u64 v = io_read(p, w), ones = w == 8 ? ~0ULL : (1ULL << 8 * w) - 1;

	if (v != ones)
		fail(why, "%s at %#llx: %u-byte read gave %#llx", what,
		     (unsigned long long)where, w, (unsigned long long)v);
	io_write(p, w, 0);
}

/*
 * ECAM where no function is: functions 1-7 of our device, devices no one
 * plugged in, the bytes past our function's 4 KiB (the next function's),
 * buses past the one MCFG describes; our own extended config space,
 * written; and accesses no CPU makes to config space (8 and 16 bytes,
 * misaligned).  Reads give all ones, writes go
 * nowhere; our own config space is as it was, and so is the PCI window
 * where no BAR is.
 */
static int ecam_absent(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	u8 before[256];
	u64 ecam_base, free_at = pci_window_free();
	volatile u8 *ecam = ecam_map(&ecam_base, why), *far, *hole;
	volatile __m128i sink;
	struct vq vq;

	if (!ecam || !free_at || dev_up(t, &vq, 0, why) ||
	    config_snapshot(d, before, why))
		return -1;
	for (u32 slot = 0; slot < 32; slot++) {
		char path[96], buf[8];

		for (u32 fn = 0; fn < 8; fn++) {
			volatile u8 *f = ecam + ECAM_FN(slot, fn);

			snprintf(path, sizeof(path),
				 "/sys/bus/pci/devices/0000:00:%02x.%x/vendor",
				 slot, fn);
			sysfs_read(path, buf, sizeof(buf));
			if (buf[0])
				continue; /* someone is there */
			for (u32 w = 1; w <= 8; w *= 2)
				all_ones(f + PCI_COMMAND, w, "absent function",
					 ecam_base + ECAM_FN(slot, fn), why);
			all_ones(f + 0xffc, 4, "absent function",
				 ecam_base + ECAM_FN(slot, fn) + 0xffc, why);
		}
	}
	/* Ours past its 256 bytes, where a PCI Express function keeps its
	 * extended capabilities: none here, and nothing writable. */
	for (u32 off = 0x100; off < PAGE_SIZE; off += 0x1fc) {
		volatile u32 *x =
			(volatile u32 *)(ecam + ECAM_FN(d->slot, 0) + off);

		*x = 0xffffffff;
		if (*x != 0)
			fail(why, "extended config %#x reads %#x", off, *x);
	}
	/* Ours, misaligned and too wide. */
	all_ones(ecam + ECAM_FN(d->slot, 0) + 1, 2, "misaligned", 1, why);
	all_ones(ecam + ECAM_FN(d->slot, 0) + 2, 4, "misaligned", 2, why);
	all_ones(ecam + ECAM_FN(d->slot, 0), 8, "8 bytes", 0, why);
	sink = _mm_loadu_si128((const __m128i *)(ecam + ECAM_FN(d->slot, 0)));
	_mm_storeu_si128((__m128i *)(ecam + ECAM_FN(d->slot, 0) + 0x40), sink);
	/* Bus 1 and bus 255: past MCFG, nothing. */
	for (u32 bus = 1; bus < 256; bus += 254) {
		far = phys_map(ecam_base + ((u64)bus << 20), PAGE_SIZE, why);
		if (!far)
			return -1;
		for (u32 w = 1; w <= 8; w *= 2)
			all_ones(far, w, "bus past MCFG",
				 ecam_base + ((u64)bus << 20), why);
		munmap((void *)far, PAGE_SIZE);
	}
	/* The bridge's window where no BAR is. */
	hole = phys_map(free_at, PAGE_SIZE, why);
	if (!hole)
		return -1;
	for (u32 w = 1; w <= 8; w *= 2)
		all_ones(hole + 8 * w, w, "PCI window, no BAR", free_at, why);
	munmap((void *)hole, PAGE_SIZE);
	if (why->text[0] || config_same(d, before, "ECAM abuse", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "ECAM abuse", why);
}

const struct hcase ecam_cases[] = {
	{"config-read-only", config_read_only, R_DEVICES, NULL},
	{"bar-moved", bar_moved, R_DEVICES, NULL},
	{"memory-decode-off", memory_decode_off, R_DEVICES, NULL},
	{"bus-master-off", bus_master_off, R_DEVICES, NULL},
	{"ecam-absent", ecam_absent, R_CONSOLE, NULL},
};
const unsigned int ecam_ncases = ARRAY_SIZE(ecam_cases);
