// SPDX-License-Identifier: GPL-2.0
/*
 * The malformed-chain table at the top of src/virtio/queue.c, one case per
 * row and more where a row has several ways in, played against a real
 * Launcher (virtio 1.2, section 2.7).  Each breaks a rule of the split
 * ring; the Launcher's answer must be DEVICE_NEEDS_RESET with a
 * configuration interrupt, the bad chain never used, and the queue
 * stopped until we reset the device.  Then come cases that break no rule
 * the device can see: a chain longer than the device takes comes back
 * used with length 0 and the queue goes on; rings laid over each other,
 * buffers over the rings, chains rewritten under the device may end in
 * any answer, as long as nothing hangs.
 *
 * Buffers in the bad chains are device-readable wherever the rule allows,
 * so that a Launcher which missed a check would at worst read our memory,
 * never write to the guest's.
 */
#include <stdio.h>
#include <time.h>
#include <linux/virtio_config.h>

#include "hostile.h"

/* Where expect_broken() puts its good chain: clear of every bad one. */
#define GOOD_SLOT 13

int expect_broken(struct target *t, struct vq *vq, unsigned int slot,
		  struct why *why)
{
	struct page *buf;
	u32 isr;

	if (!wait_status(t->d, VIRTIO_CONFIG_S_NEEDS_RESET, ANSWER_MS)) {
		if (*(volatile u16 *)&vq->used->idx != vq->used_idx)
			fail(why,
			     "the bad chain came back used (length %u), "
			     "the queue not broken",
			     vq->used->ring[vq->used_idx % vq->num].len);
		else
			fail(why, "no NEEDS_RESET within %d ms (Status %#x)",
			     ANSWER_MS, dev_status(t->d));
		return -1;
	}
	/* 2.1.2: "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET,
	 * the device MUST send a device configuration change notification
	 * to the driver." */
	isr = isr_wait(t->d, ISR_CONFIG, QUIET_MS);
	if (!(isr & ISR_CONFIG))
		fail(why,
		     "NEEDS_RESET without a configuration interrupt "
		     "(InterruptStatus or ISR %#x)",
		     isr);
	if (*(volatile u16 *)&vq->used->idx != vq->used_idx)
		fail(why, "the bad chain came back used as well");
	/* Broken means stopped: a good chain now must wait for a reset. */
	buf = page_alloc();
	vq_push(vq, (u16)good_chain(t, vq, slot, buf));
	sleep_ms(QUIET_MS);
	if (*(volatile u16 *)&vq->used->idx != vq->used_idx)
		fail(why, "the queue went on after NEEDS_RESET");
	return why->text[0] ? -1 : 0;
}

/* The device up with our rings, and a page for buffers. */
static struct page *up(struct target *t, struct vq *vq, u64 drop,
		       struct why *why)
{
	if (dev_up(t, vq, drop, why))
		return NULL;
	return page_alloc();
}

/* Chain (head) published and kicked: the device must break. */
static int breaks(struct target *t, struct vq *vq, u16 head, struct why *why)
{
	vq_push(vq, head);
	return expect_broken(t, vq, GOOD_SLOT, why);
}

/* One descriptor, at 0, with (addr, len): the shape of most rows. */
static int one_buffer(struct target *t, u64 addr, u32 len, struct why *why)
{
	struct vq vq;

	if (!up(t, &vq, 0, why))
		return -1;
	desc_set(&vq.desc[0], addr, len, 0, 0);
	return breaks(t, &vq, 0, why);
}

static int desc_loop(struct target *t, struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);

	if (!b)
		return -1;
	desc_set(&vq.desc[0], b->gpa, 64, VRING_DESC_F_NEXT, 1);
	desc_set(&vq.desc[1], b->gpa, 64, VRING_DESC_F_NEXT, 0);
	return breaks(t, &vq, 0, why);
}

static int desc_self_loop(struct target *t, struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);

	if (!b)
		return -1;
	desc_set(&vq.desc[5], b->gpa, 64, VRING_DESC_F_NEXT, 5);
	return breaks(t, &vq, 5, why);
}

static int head_out_of_range(struct target *t, struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);

	if (!b)
		return -1;
	desc_set(&vq.desc[0], b->gpa, 64, 0, 0);
	return breaks(t, &vq, QSIZE, why);
}

static int next_out_of_range(struct target *t, struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);

	if (!b)
		return -1;
	desc_set(&vq.desc[0], b->gpa, 64, VRING_DESC_F_NEXT, QSIZE);
	return breaks(t, &vq, 0, why);
}

static int buf_outside_ram(struct target *t, struct why *why)
{
	return one_buffer(t, ram_end + (1 << 20), 64, why);
}

static int buf_across_ram_end(struct target *t, struct why *why)
{
	return one_buffer(t, ram_end - 32, 64, why);
}

/* Our own device's registers (its window, or BAR 0), in the 32-bit
 * device hole. */
static int buf_in_mmio_hole(struct target *t, struct why *why)
{
	return one_buffer(t, t->d->base, 64, why);
}

static int buf_far_above_ram(struct target *t, struct why *why)
{
	return one_buffer(t, 1ULL << 40, 64, why);
}

static int buf_wraps(struct target *t, struct why *why)
{
	return one_buffer(t, ~0ULL - 0xfff, 0x2000, why);
}

/*
 * 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32
 * bytes in total".  Each buffer is all of RAM below the hole, so each on
 * its own is fine, and enough of them pass 4 GiB.
 */
static int chain_4g(struct target *t, struct why *why)
{
	u32 len = (u32)(ram_end & ~(u64)(PAGE_SIZE - 1));
	unsigned int n = 0xffffffffu / len + 1;
	struct vq vq;

	if (n >= GOOD_SLOT) {
		fail(why,
		     "RAM of %u bytes: too little for a 4 GiB chain of "
		     "%d buffers",
		     len, GOOD_SLOT - 1);
		return -1;
	}
	if (!up(t, &vq, 0, why))
		return -1;
	for (unsigned int i = 0; i < n; i++)
		desc_set(&vq.desc[i], 0, len, i + 1 < n ? VRING_DESC_F_NEXT : 0,
			 i + 1);
	return breaks(t, &vq, 0, why);
}

/* 2.7.4.2: "The driver MUST place any device-writable descriptor elements
 * after any device-readable descriptor elements." */
static int readable_after_writable(struct target *t, struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);

	if (!b)
		return -1;
	desc_set(&vq.desc[0], b->gpa, 64,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc_set(&vq.desc[1], b->gpa + 64, 64, 0, 0);
	return breaks(t, &vq, 0, why);
}

/* More than a ring's worth of new entries at once. */
static int avail_jump(struct target *t, struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);

	if (!b)
		return -1;
	desc_set(&vq.desc[0], b->gpa, 64, 0, 0);
	vq.avail_idx = QSIZE + 1;
	*(volatile u16 *)&vq.avail->idx = vq.avail_idx;
	vq_kick(&vq);
	return expect_broken(t, &vq, GOOD_SLOT, why);
}

/* 2.7.6.1: "A driver MUST NOT decrement the available idx".  Two good
 * requests answered, then the index goes back by one. */
static int avail_back(struct target *t, struct why *why)
{
	struct vq vq;

	if (!up(t, &vq, 0, why) || good_request(t, &vq, 0, why) ||
	    good_request(t, &vq, 4, why))
		return -1;
	vq.avail_idx = 1;
	*(volatile u16 *)&vq.avail->idx = vq.avail_idx;
	vq_kick(&vq);
	return expect_broken(t, &vq, GOOD_SLOT, why);
}

/*
 * Indirect tables (2.7.5.3).  (table) is a page of ours holding the
 * table; descriptor 0 points at it with (len) and (flags).
 */
static int indirect(struct target *t, u64 drop, u32 len, u16 flags,
		    void (*fill)(struct vring_desc *table, struct page *b,
				 struct page *table_page),
		    struct why *why)
{
	struct vq vq;
	struct page *b = up(t, &vq, drop, why), *table = page_alloc();

	if (!b || !table)
		return -1;
	fill((struct vring_desc *)table->va, b, table);
	desc_set(&vq.desc[0], table->gpa, len, VRING_DESC_F_INDIRECT | flags,
		 1);
	desc_set(&vq.desc[1], b->gpa, 64, 0, 0);
	return breaks(t, &vq, 0, why);
}

static void fill_one(struct vring_desc *table, struct page *b, struct page *tp)
{
	(void)tp;
	desc_set(&table[0], b->gpa, 64, 0, 0);
}

static void fill_nested(struct vring_desc *table, struct page *b,
			struct page *tp)
{
	/* The second half of the table page holds the inner table. */
	desc_set(&table[128], b->gpa, 64, 0, 0);
	desc_set(&table[0], tp->gpa + 128 * 16, 16, VRING_DESC_F_INDIRECT, 0);
}

static void fill_loop(struct vring_desc *table, struct page *b, struct page *tp)
{
	(void)tp;
	desc_set(&table[0], b->gpa, 64, VRING_DESC_F_NEXT, 1);
	desc_set(&table[1], b->gpa, 64, VRING_DESC_F_NEXT, 0);
}

static void fill_next_out(struct vring_desc *table, struct page *b,
			  struct page *tp)
{
	(void)tp;
	desc_set(&table[0], b->gpa, 64, VRING_DESC_F_NEXT, 2);
}

static void fill_outside(struct vring_desc *table, struct page *b,
			 struct page *tp)
{
	(void)b;
	(void)tp;
	desc_set(&table[0], ram_end + (1 << 20), 64, 0, 0);
}

static int indirect_not_negotiated(struct target *t, struct why *why)
{
	return indirect(t, 1ULL << VIRTIO_RING_F_INDIRECT_DESC, 16, 0, fill_one,
			why);
}

static int indirect_with_next(struct target *t, struct why *why)
{
	return indirect(t, 0, 16, VRING_DESC_F_NEXT, fill_one, why);
}

static int indirect_in_indirect(struct target *t, struct why *why)
{
	return indirect(t, 0, 32, 0, fill_nested, why);
}

static int indirect_len_zero(struct target *t, struct why *why)
{
	return indirect(t, 0, 0, 0, fill_one, why);
}

static int indirect_len_odd(struct target *t, struct why *why)
{
	return indirect(t, 0, 24, 0, fill_one, why);
}

static int indirect_loop(struct target *t, struct why *why)
{
	return indirect(t, 0, 32, 0, fill_loop, why);
}

static int indirect_next_out_of_range(struct target *t, struct why *why)
{
	return indirect(t, 0, 32, 0, fill_next_out, why);
}

static int indirect_buf_outside_ram(struct target *t, struct why *why)
{
	return indirect(t, 0, 16, 0, fill_outside, why);
}

/* The table itself outside RAM, or over our own registers. */
static int indirect_table_outside_ram(struct target *t, struct why *why)
{
	struct vq vq;

	if (!up(t, &vq, 0, why))
		return -1;
	desc_set(&vq.desc[0], ram_end + (1 << 20), 16, VRING_DESC_F_INDIRECT,
		 0);
	return breaks(t, &vq, 0, why);
}

static int indirect_table_in_mmio_hole(struct target *t, struct why *why)
{
	struct vq vq;

	if (!up(t, &vq, 0, why))
		return -1;
	desc_set(&vq.desc[0], t->d->base, 16, VRING_DESC_F_INDIRECT, 0);
	return breaks(t, &vq, 0, why);
}

/*
 * 2.7.5.3.1: "A driver MUST NOT create a descriptor chain longer than the
 * Queue Size of the device", and no queue is longer than 32768: a table
 * of 32769 descriptors chained one to the next has no loop, but one
 * descriptor too many.  512 KiB in one piece: a huge page.
 */
static int indirect_chain_over_32768(struct target *t, struct why *why)
{
	const unsigned int n = 32769;
	struct vring_desc *table;
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);
	u64 gpa;

	if (!b)
		return -1;
	table = (struct vring_desc *)huge_page(&gpa);
	if (!table) {
		fail(why, "no huge page for a table of %u descriptors", n);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++)
		desc_set(&table[i], b->gpa + i % 64, 1,
			 i + 1 < n ? VRING_DESC_F_NEXT : 0, (u16)(i + 1));
	desc_set(&vq.desc[0], gpa, n * 16, VRING_DESC_F_INDIRECT, 0);
	return breaks(t, &vq, 0, why);
}

/*
 * 2.7.4.1: "The device MAY have a reasonable limit of descriptors it will
 * allow in a chain."  1024 one-byte buffers through an indirect table is
 * past every device's limit, and breaks no rule: the chain comes back
 * used with length 0, and the queue goes on.
 */
static int too_many_buffers(struct target *t, struct why *why)
{
	const unsigned int n = 1024;
	struct vring_used_elem e;
	struct region table;
	struct vq vq;
	struct page *b = up(t, &vq, 0, why);
	int r;

	if (!b)
		return -1;
	if (!region_alloc(&table, n * 16 / PAGE_SIZE)) {
		fail(why, "no %u physically contiguous pages for the table",
		     n * 16 / PAGE_SIZE);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++)
		desc_set(region_at(&table, i * 16), b->gpa + i % 64, 1,
			 i + 1 < n ? VRING_DESC_F_NEXT : 0, (u16)(i + 1));
	desc_set(&vq.desc[0], table.gpa, n * 16, VRING_DESC_F_INDIRECT, 0);
	vq_push(&vq, 0);
	r = vq_wait_used(&vq, ANSWER_MS, &e);
	if (r < 0) {
		fail(why, "NEEDS_RESET for a long but well-formed chain");
		return -1;
	}
	if (r == 0 || e.id != 0 || e.len != 0) {
		fail(why,
		     r ? "used id %u length %u, not 0 and 0"
		       : "not handed back in %d ms",
		     r ? e.id : ANSWER_MS, e.len);
		return -1;
	}
	return good_request(t, &vq, 4, why);
}

/*
 * Rings laid over each other: the used ring over the descriptor table or
 * over the available ring, so the device's own writes rewrite what it
 * reads next.  No rule of 2.7 is broken that the device can see at
 * QueueReady, and any answer will do (served, broken, ignored) as long
 * as the Launcher neither spins nor hangs: what follows each case (a
 * reset, our good request, Linux's driver) shows it did not.
 */
static int used_over(struct target *t, u32 off, struct why *why)
{
	unsigned int per = good_slots(t);
	struct vq vq;

	if (dev_features(t->d, 1ULL << VIRTIO_F_VERSION_1, NULL, why) ||
	    vq_prepare(&vq, t->d, t->queue, why))
		return -1;
	vq.used_gpa = vq.ring->gpa + off;
	vq.used = (struct vring_used *)(vq.ring->va + off);
	dev_set(t->d, F_QUEUE_USED_LOW, (u32)vq.used_gpa);
	if (vq_ready(&vq, why))
		return -1;
	dev_driver_ok(t->d);
	/* Descriptors 8 on: clear of a used ring laid over 0..7. */
	for (unsigned int slot = 8; slot + per <= QSIZE; slot += per)
		vq_push(&vq, (u16)good_chain(t, &vq, slot, page_alloc()));
	sleep_ms(QUIET_MS);
	return 0;
}

static int used_over_descriptors(struct target *t, struct why *why)
{
	return used_over(t, 0, why);
}

static int used_over_avail(struct target *t, struct why *why)
{
	return used_over(t, 256, why);
}

/*
 * The device asked to write into our rings: a disk read whose data lands
 * on the descriptor table and the available ring, random bytes or a frame
 * over the available ring.  What it writes is the driver's own business;
 * what it reads back from there it must check like anything else.
 */
static int device_writes_ring(struct target *t, struct why *why)
{
	struct page *b;
	struct vq vq;

	if (!(b = up(t, &vq, 0, why)))
		return -1;
	if (t->kind == K_BLK) {
		good_chain(t, &vq, 8, b);
		vq.desc[9].addr = vq.desc_gpa; /* the data: 512 bytes */
		vq_push(&vq, 8);
	} else {
		desc_set(&vq.desc[8], vq.avail_gpa, 38, VRING_DESC_F_WRITE, 0);
		vq_push(&vq, 8);
	}
	sleep_ms(QUIET_MS);
	/* And once more, on whatever the ring now says. */
	vq_push(&vq, (u16)good_chain(t, &vq, 12, page_alloc()));
	sleep_ms(QUIET_MS);
	return 0;
}

/* Busy for (us) microseconds: no sleep, so no trip through the scheduler
 * decides the timing. */
static void spin_us(int us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000 +
		       (b.tv_nsec - a.tv_nsec) / 1000 <
	       us);
}

/*
 * A chain rewritten as the device walks it: good when kicked, a loop
 * through memory outside RAM a moment later.  The device copies each
 * descriptor once before it judges it, so it sees one or the other;
 * either way it must answer or break, never hang.
 */
static int chain_rewritten(struct target *t, struct why *why)
{
	unsigned int per = good_slots(t);
	struct vring_used_elem e;
	struct vq vq;

	if (!up(t, &vq, 0, why))
		return -1;
	for (int i = 0; i < 200; i++) {
		unsigned int head = good_chain(t, &vq, 0, page_alloc());
		int r;

		vq_push(&vq, (u16)head);
		/* Sooner each time: from after the device has looked (a
		 * scheduler tick or so) to before it can. */
		spin_us((200 - i) * 25);
		vq.desc[per - 1].flags |= VRING_DESC_F_NEXT;
		vq.desc[per - 1].next = 0;
		vq.desc[0].addr = ram_end + (1 << 20);
		r = vq_wait_used(&vq, ANSWER_MS, &e);
		if (r < 0)
			return 0; /* it saw the loop: fair */
		if (r == 0) {
			fail(why, "neither answered nor broken after %d ms",
			     ANSWER_MS);
			return -1;
		}
	}
	return 0;
}

const struct hcase ring_cases[] = {
	{"desc-loop", desc_loop, R_ALL, NULL},
	{"desc-self-loop", desc_self_loop, R_ALL, NULL},
	{"head-out-of-range", head_out_of_range, R_ALL, NULL},
	{"next-out-of-range", next_out_of_range, R_ALL, NULL},
	{"buf-outside-ram", buf_outside_ram, R_ALL, NULL},
	{"buf-across-ram-end", buf_across_ram_end, R_ALL, NULL},
	{"buf-in-mmio-hole", buf_in_mmio_hole, R_ALL, NULL},
	{"buf-far-above-ram", buf_far_above_ram, R_ALL, NULL},
	{"buf-addr-len-wraps", buf_wraps, R_ALL, NULL},
	{"chain-4g", chain_4g, R_ALL, NULL},
	{"indirect-not-negotiated", indirect_not_negotiated, R_ALL, NULL},
	{"indirect-with-next", indirect_with_next, R_ALL, NULL},
	{"indirect-in-indirect", indirect_in_indirect, R_ALL, NULL},
	{"indirect-len-zero", indirect_len_zero, R_ALL, NULL},
	{"indirect-len-not-16s", indirect_len_odd, R_ALL, NULL},
	{"indirect-table-outside-ram", indirect_table_outside_ram, R_ALL, NULL},
	{"indirect-table-in-mmio-hole", indirect_table_in_mmio_hole, R_ALL,
	 NULL},
	{"indirect-loop", indirect_loop, R_ALL, NULL},
	{"indirect-next-out-of-range", indirect_next_out_of_range, R_ALL, NULL},
	{"indirect-buf-outside-ram", indirect_buf_outside_ram, R_ALL, NULL},
	{"indirect-chain-over-32768", indirect_chain_over_32768, R_ALL, NULL},
	{"readable-after-writable", readable_after_writable, R_ALL, NULL},
	{"avail-idx-jump", avail_jump, R_ALL, NULL},
	{"avail-idx-back", avail_back, R_ALL & ~R_NET_RX, NULL},
	{"too-many-buffers", too_many_buffers, R_ALL, NULL},
	{"used-ring-over-descriptors", used_over_descriptors, R_ALL, NULL},
	{"used-ring-over-avail-ring", used_over_avail, R_ALL, NULL},
	{"device-writes-own-ring", device_writes_ring, R_VDA | R_RNG | R_NET_RX,
	 NULL},
	{"chain-rewritten-while-walked", chain_rewritten, R_ALL & ~R_NET_RX,
	 NULL},
};
const unsigned int ring_ncases = ARRAY_SIZE(ring_cases);
