// SPDX-License-Identifier: GPL-2.0
/*
 * The rest of virtio-pci's BAR 0 used against its rules (virtio 1.2,
 * section 4.1.4): reads and writes past the end of each part and where
 * no part is, notifies where no queue is (4.1.4.4), the ISR (4.1.4.5),
 * the VIRTIO_PCI_CAP_PCI_CFG window opened wrongly (4.1.4.9), and
 * instructions no driver uses.  The Launcher may ignore or refuse; the
 * device must go on.
 */
#include <stdio.h>
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "hostile.h"

/* The ISR read with its own width: it clears. */
static u8 isr_take(const struct dev *d)
{
	return (u8)dev_get(d, F_ISR);
}

/*
 * Past the end of each part the capabilities describe (common config,
 * ISR, device config, notify), and everywhere in BAR 0 that no part, no
 * MSI-X table and no pending bits cover: reads give 0 or all ones, writes
 * change nothing.  Reads at the ISR of any width but its own, and past
 * it, do not clear it.
 */
static int past_regions(struct target *t, struct why *why)
{
	const struct pci_caps *c = &t->d->pci;
	struct dev *d = t->d;
	const u32 parts[][2] = {
		{c->common, c->common_len}, {c->isr, c->isr_len},
		{c->device, c->device_len}, {c->notify, c->notify_len},
		{c->table, c->nvec * 16u},  {c->pba, (c->nvec + 63u) / 64 * 8},
	};
	u32 before[COMMON_FIELDS], table[64 * 4], cfg[16];
	struct vq vq;
	u8 isr;

	if (dev_up(t, &vq, 1ULL << VIRTIO_RING_F_EVENT_IDX, why) ||
	    good_request(t, &vq, 0, why))
		return -1;
	common_snapshot(d, before);
	for (u32 i = 0; i < c->nvec * 4u && i < ARRAY_SIZE(table); i++)
		table[i] = *(volatile u32 *)(d->regs + c->table + 4 * i);
	for (u32 i = 0; i < ARRAY_SIZE(cfg) && i * 4 + 4 <= c->device_len; i++)
		cfg[i] = *(volatile u32 *)(d->regs + c->device + 4 * i);
	for (unsigned int p = 0; p < ARRAY_SIZE(parts); p++) {
		u32 end = parts[p][0] + parts[p][1], next = (u32)d->size;

		if (!parts[p][1])
			continue;
		for (unsigned int q = 0; q < ARRAY_SIZE(parts); q++)
			if (parts[q][1] && parts[q][0] >= end &&
			    parts[q][0] < next)
				next = parts[q][0];
		/* Across the end: no access that begins before it may
		 * come down to a byte at the ISR, which that would clear. */
		for (u32 w = 2; w <= 8; w *= 2)
			(void)io_read(d->regs + end - w / 2, w);
		/* At the end, and on through the gap. */
		for (u32 off = end; off + 8 <= next;
		     off = off < end + 16	 ? off + 1
			   : off + 8 < next - 64 ? next - 64
						 : off + 8) {
			for (u32 w = 1; w <= 8; w *= 2) {
				u64 v = io_read(d->regs + off, w);
				u64 ones = w == 8 ? ~0ULL : (1ULL << 8 * w) - 1;

				if (v && v != ones)
					fail(why,
					     "%u-byte read at %#x, past part "
					     "%u, gave %#llx",
					     w, off, p, (unsigned long long)v);
				io_write(d->regs + off, w, ~0ULL);
			}
		}
	}
	/* Wider reads of the ISR itself. */
	(void)io_read(d->regs + c->isr, 2);
	(void)io_read(d->regs + c->isr, 4);
	isr = isr_wait(d, ISR_QUEUE, QUIET_MS);
	if (!(isr & ISR_QUEUE))
		fail(why,
		     "the ISR reads %#x after a used buffer and reads "
		     "past it",
		     isr);
	for (u32 i = 0; i < c->nvec * 4u && i < ARRAY_SIZE(table); i++)
		if (table[i] != *(volatile u32 *)(d->regs + c->table + 4 * i))
			fail(why, "MSI-X table word %u changed", i);
	for (u32 i = 0; i < ARRAY_SIZE(cfg) && i * 4 + 4 <= c->device_len; i++)
		if (cfg[i] != *(volatile u32 *)(d->regs + c->device + 4 * i))
			fail(why, "device config word %u changed", i);
	if (why->text[0] ||
	    common_same(d, before, "writes past the parts", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "writes past the parts", why);
}

/*
 * Notifies where no queue is (4.1.4.4): the places of queues past the
 * last, the rest of the notify page, another queue's place, of every
 * width.  None of them may kick our queue, which has a request waiting;
 * a proper notify then gets it answered.  At our own place, an odd width
 * may kick or not: the device only ever looks at its ring.
 */
static int notify_odd(struct target *t, struct why *why)
{
	const struct pci_caps *c = &t->d->pci;
	struct dev *d = t->d;
	u32 ours = pci_notify_off(d, t->queue), page_end;
	struct vring_used_elem e;
	struct page *buf;
	unsigned int head;
	struct vq vq;

	if (dev_up(t, &vq, 0, why) || good_request(t, &vq, 4, why))
		return -1;
	sleep_ms(100); /* the queue thread asleep on its kick */
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push_quiet(&vq, (u16)head);
	page_end = (c->notify | (PAGE_SIZE - 1)) + 1;
	for (u32 off = c->notify; off + 8 <= page_end && off + 8 <= d->size;
	     off += off < c->notify + c->notify_len + 64 ? 1 : 61) {
		if (off + 8 > ours && off < ours + c->mult)
			continue; /* our own place, and what covers it */
		for (u32 w = 1; w <= 8; w *= 2) {
			io_write(d->regs + off, w, t->queue);
			if (io_read(d->regs + off, w))
				fail(why, "notify read at %#x not 0", off);
		}
	}
	for (u32 q = c->num_queues; q < c->num_queues + 4u; q++)
		if (c->notify + q * c->mult + 2 <= d->size)
			*(volatile u16 *)(d->regs + c->notify + q * c->mult) =
				(u16)t->queue;
	if (why->text[0])
		return -1;
	if (t->answers && vq_wait_used(&vq, QUIET_MS, &e) != 0) {
		fail(why, "a notify at another queue's place kicked ours");
		return -1;
	}
	/* Odd widths at our own place: any answer. */
	d->regs[ours] = (u8)t->queue;
	*(volatile u32 *)(d->regs + ours) = t->queue;
	*(volatile u64 *)(d->regs + (ours & ~7u)) = t->queue;
	vq_kick(&vq);
	if (t->answers) {
		int r = vq_wait_used(&vq, ANSWER_MS, &e);

		if (r != 1) {
			fail(why,
			     "no answer to a proper notify after odd "
			     "ones: %s",
			     r ? "NEEDS_RESET" : "nothing");
			return -1;
		}
		if (good_check(t, &e, head, buf, why))
			return -1;
	}
	return live_after(t, &vq, S_LIVE, "odd notifies", why);
}

/*
 * 4.1.4.5: reading the ISR clears it; writes to it do nothing.  A used
 * buffer sets the queue bit (MSI-X is off, as Linux left it), NEEDS_RESET
 * the configuration bit.
 */
static int isr_read_clears(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	struct page *b;
	struct vq vq;
	u8 isr;

	if (dev_up(t, &vq, 1ULL << VIRTIO_RING_F_EVENT_IDX, why))
		return -1;
	(void)isr_take(d);
	if (good_request(t, &vq, 0, why))
		return -1;
	if ((isr = isr_wait(d, ISR_QUEUE, ANSWER_MS)) != ISR_QUEUE)
		fail(why, "ISR %#x after a used buffer, not %#x", isr,
		     ISR_QUEUE);
	else if ((isr = isr_take(d)) != 0)
		fail(why, "ISR %#x when read again", isr);
	*(d->regs + d->pci.isr) = 0xff;
	if (!why->text[0] && (isr = isr_take(d)) != 0)
		fail(why, "ISR %#x after a write of ones", isr);
	if (why->text[0] || !(b = page_alloc()))
		return -1;
	desc_set(&vq.desc[8], b->gpa, 64, VRING_DESC_F_NEXT, 8);
	vq_push(&vq, 8);
	if (!wait_status(d, VIRTIO_CONFIG_S_NEEDS_RESET, ANSWER_MS)) {
		fail(why, "a descriptor loop did not set NEEDS_RESET");
		return -1;
	}
	if (!((isr = isr_wait(d, ISR_CONFIG, ANSWER_MS)) & ISR_CONFIG))
		fail(why, "ISR %#x after NEEDS_RESET", isr);
	else if ((isr = isr_take(d)) != 0)
		fail(why, "ISR %#x when read again after NEEDS_RESET", isr);
	return why->text[0] ? -1 : 0;
}

/* The VIRTIO_PCI_CAP_PCI_CFG window's fields (4.1.4.9). */
static void window_set(const struct dev *d, u32 bar, u32 off, u32 len)
{
	u8 cap = d->pci.cfg_cap;

	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_BAR, 1, bar);
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_OFFSET, 4, off);
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_LENGTH, 4, len);
}

static u32 window_data(const struct dev *d)
{
	return d->pci.cfg_cap + sizeof(struct virtio_pci_cap);
}

/*
 * The config access window opened on what is no part of BAR 0, or
 * wrongly: another BAR, a length of 0, 3, 5, 8 or all ones, an offset not
 * aligned to the length, past the BAR or wrapping.  4.1.4.9.1: "the
 * device MUST ignore any write access which has invalid values": a 0
 * written through any of these resets nothing.  A good window then reads
 * device_status and notifies our queue.
 */
static int pci_cfg_window_bad(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	const u32 status = d->pci.common + VIRTIO_PCI_COMMON_STATUS;
	const u32 sel = d->pci.common + VIRTIO_PCI_COMMON_Q_SELECT;
	const u32 size = (u32)d->size;
	const struct {
		u32 bar, off, len;
	} bad[] = {
		{1, status, 1},	    {2, status, 1},
		{5, status, 1},	    {6, status, 1},
		{0xff, status, 1},  {0, status, 0},
		{0, status, 3},	    {0, status, 5},
		{0, status, 8},	    {0, status, 0xffffffff},
		{0, sel, 4},	    {0, status - 3, 4},
		{0, size, 1},	    {0, size - 1, 2},
		{0, size - 2, 4},   {0, 0xfffffffc, 4},
		{0, 0xffffffff, 1}, {0, 0x80000000 | status, 1},
		{0x80, status, 1},
	};
	struct vring_used_elem e;
	struct page *buf;
	unsigned int head;
	struct vq vq;
	u32 v;

	if (dev_up(t, &vq, 0, why))
		return -1;
	window_set(d, 0, status, 1);
	if ((v = pci_cfg_read(d, window_data(d), 1)) != S_LIVE) {
		fail(why, "device_status through the window reads %#x", v);
		return -1;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		window_set(d, bad[i].bar, bad[i].off, bad[i].len);
		(void)pci_cfg_read(d, window_data(d), 4);
		pci_cfg_write(d, window_data(d), 1, 0);
		pci_cfg_write(d, window_data(d), 2, 0);
		pci_cfg_write(d, window_data(d), 4, 0);
		if (dev_status(d) != S_LIVE) {
			fail(why,
			     "Status %#x after a 0 through the window bar "
			     "%u offset %#x length %u",
			     dev_status(d), bad[i].bar, bad[i].off, bad[i].len);
			return -1;
		}
	}
	if (!t->answers) {
		window_set(d, 0, 0, 0);
		return live_after(t, &vq, S_LIVE, "bad windows", why);
	}
	/* A notify through a good window. */
	if (good_request(t, &vq, 4, why))
		return -1;
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push_quiet(&vq, (u16)head);
	window_set(d, 0, pci_notify_off(d, t->queue), 2);
	pci_cfg_write(d, window_data(d), 2, t->queue);
	window_set(d, 0, 0, 0);
	if (vq_wait_used(&vq, ANSWER_MS, &e) != 1) {
		fail(why, "no answer to a notify through the window");
		return -1;
	}
	if (good_check(t, &e, head, buf, why))
		return -1;
	return live_after(t, &vq, S_LIVE, "bad windows", why);
}

/* Instructions no driver uses (odd.c) on the common config: none of them
 * is a natural access to a field but the exchange (queue_select, with the
 * value it has) and the locked or (a read-only byte, or'ed with 0). */
static int bar_odd_instructions(struct target *t, struct why *why)
{
	const struct odd_map m = {
		.regs = t->d->regs + t->d->pci.common,
		.store = VIRTIO_PCI_COMMON_MSIX,
		.exchange = VIRTIO_PCI_COMMON_Q_SELECT,
		.exchange_width = 2,
		.or_zero = VIRTIO_PCI_COMMON_CFGGENERATION,
		.or_zero_width = 1,
		.config = t->d->config,
	};

	return odd_accesses(t, &m, why);
}

const struct hcase bar_cases[] = {
	{"past-regions", past_regions, R_DEVICES, NULL},
	{"notify-odd", notify_odd, R_DEVICES, NULL},
	{"isr-read-clears", isr_read_clears, R_DEVICES, NULL},
	{"pci-cfg-window-bad", pci_cfg_window_bad, R_DEVICES, NULL},
	{"bar-odd-instructions", bar_odd_instructions, R_DEVICES, NULL},
};
const unsigned int bar_ncases = ARRAY_SIZE(bar_cases);
