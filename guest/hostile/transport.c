// SPDX-License-Identifier: GPL-2.0
/*
 * Abuse of the virtio-mmio registers themselves (virtio 1.2, section
 * 4.2.2), the same for every device: registers that are read-only,
 * reserved or legacy written, accesses of the wrong width, instructions
 * no driver uses, and addresses in the device hole where no window is.
 * What any transport has (queues, notifies, the device's config) is
 * setup.c's.  The Launcher may ignore or refuse; the device must go on.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "hostile.h"

/* The identity of the device, which no write may change. */
struct ident {
	u32 reg[8];
	u8 config[64];
};

static void ident_read(struct target *t, struct ident *id)
{
	static const u32 regs[] = {
		VIRTIO_MMIO_MAGIC_VALUE,   VIRTIO_MMIO_VERSION,
		VIRTIO_MMIO_DEVICE_ID,	   VIRTIO_MMIO_VENDOR_ID,
		VIRTIO_MMIO_QUEUE_NUM_MAX, VIRTIO_MMIO_QUEUE_READY};

	mmio_write(t->d, VIRTIO_MMIO_QUEUE_SEL, t->queue);
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
		id->reg[i] = mmio_read(t->d, regs[i]);
	for (u32 sel = 0; sel < 2; sel++) {
		mmio_write(t->d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
		id->reg[6 + sel] = mmio_read(t->d, VIRTIO_MMIO_DEVICE_FEATURES);
	}
	for (u32 i = 0; i < sizeof(id->config); i++)
		id->config[i] = t->d->regs[VIRTIO_MMIO_CONFIG + i];
}

static int ident_same(struct target *t, const struct ident *before,
		      const char *after, struct why *why)
{
	struct ident now;

	ident_read(t, &now);
	for (unsigned int i = 0; i < ARRAY_SIZE(now.reg); i++)
		if (now.reg[i] != before->reg[i])
			fail(why,
			     "identity register %u went %#x -> %#x after %s", i,
			     before->reg[i], now.reg[i], after);
	if (memcmp(now.config, before->config, sizeof(now.config)))
		fail(why, "device config changed after %s", after);
	return why->text[0] ? -1 : 0;
}

/* Every register that is read-only or reserved, written with ones. */
static int reserved_registers(struct target *t, struct why *why)
{
	static const u32 ro[] = {
		VIRTIO_MMIO_MAGIC_VALUE,
		VIRTIO_MMIO_VERSION,
		VIRTIO_MMIO_DEVICE_ID,
		VIRTIO_MMIO_VENDOR_ID,
		VIRTIO_MMIO_DEVICE_FEATURES,
		VIRTIO_MMIO_QUEUE_NUM_MAX,
		VIRTIO_MMIO_INTERRUPT_STATUS,
		VIRTIO_MMIO_SHM_LEN_LOW,
		VIRTIO_MMIO_SHM_LEN_HIGH,
		VIRTIO_MMIO_SHM_BASE_LOW,
		VIRTIO_MMIO_SHM_BASE_HIGH,
		VIRTIO_MMIO_CONFIG_GENERATION,
		/* legacy (version 1) registers: not ours to honour */
		VIRTIO_MMIO_GUEST_PAGE_SIZE,
		VIRTIO_MMIO_QUEUE_ALIGN,
		VIRTIO_MMIO_QUEUE_PFN,
	};
	static const u32 reserved[] = {
		0x018, 0x01c, 0x02c, 0x048, 0x04c, 0x054, 0x058, 0x05c, 0x068,
		0x06c, 0x074, 0x078, 0x07c, 0x088, 0x08c, 0x098, 0x09c, 0x0a8};
	struct ident before;
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	ident_read(t, &before);
	mmio_write(t->d, VIRTIO_MMIO_QUEUE_SEL, t->queue);
	for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++)
		mmio_write(t->d, ro[i], 0xffffffff);
	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++)
		mmio_write(t->d, reserved[i], 0xffffffff);
	for (u32 off = 0x0c0; off < 0x0fc; off += 4)
		mmio_write(t->d, off, 0xffffffff);
	mmio_write(t->d, VIRTIO_MMIO_SHM_SEL, 0xffffffff);
	mmio_write(t->d, VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
	if (ident_same(t, &before, "writes to read-only registers", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "writes to read-only registers", why);
}

/*
 * 4.2.2.2: "The driver MUST only use 32 bit wide and aligned reads and
 * writes to access the control registers".  Others are ignored, and
 * read as 0: a byte written to Status resets nothing, a halfword written
 * to QueueNotify kicks nothing.
 */
static int wrong_width(struct target *t, struct why *why)
{
	static const u32 offs[] = {
		VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_DEVICE_ID,
		VIRTIO_MMIO_QUEUE_NUM_MAX, VIRTIO_MMIO_STATUS};
	volatile u8 *r = t->d->regs;
	struct vring_used_elem e;
	struct page *buf;
	unsigned int head;
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(offs); i++) {
		u32 o = offs[i];
		u64 v8 = *(volatile u64 *)(r + o);
		u32 v4 = *(volatile u32 *)(r + o + 1);
		u16 v2 = *(volatile u16 *)(r + o);
		u8 v1 = r[o];

		if (v8 || v4 || v2 || v1)
			fail(why,
			     "at %#x: reads of 8, 4 (misaligned), 2, 1 "
			     "bytes gave %#llx %#x %#x %#x",
			     o, (unsigned long long)v8, v4, v2, v1);
	}
	r[VIRTIO_MMIO_STATUS] = 0;
	*(volatile u16 *)(r + VIRTIO_MMIO_STATUS) = 0;
	*(volatile u64 *)(r + VIRTIO_MMIO_STATUS) = 0;
	*(volatile u32 *)(r + VIRTIO_MMIO_STATUS + 1) = 0;
	if (dev_status(t->d) != S_LIVE)
		fail(why,
		     "Status %#x after narrow, wide and misaligned "
		     "writes of 0",
		     dev_status(t->d));
	if (why->text[0] || !t->answers)
		return why->text[0] ? -1 : 0;
	/* One request answered first, then a pause: the queue thread is
	 * asleep on its kick, not looking at the ring on its own. */
	if (good_request(t, &vq, 4, why))
		return -1;
	sleep_ms(100);
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push_quiet(&vq, (u16)head);
	r[VIRTIO_MMIO_QUEUE_NOTIFY] = (u8)t->queue;
	*(volatile u16 *)(r + VIRTIO_MMIO_QUEUE_NOTIFY) = (u16)t->queue;
	*(volatile u64 *)(r + VIRTIO_MMIO_QUEUE_NOTIFY) = t->queue;
	if (vq_wait_used(&vq, QUIET_MS, &e) != 0) {
		fail(why,
		     "a narrow or wide QueueNotify write kicked the queue");
		return -1;
	}
	vq_kick(&vq);
	if (vq_wait_used(&vq, ANSWER_MS, &e) != 1) {
		fail(why, "no answer to a proper kick after narrow ones");
		return -1;
	}
	return good_check(t, &e, head, buf, why);
}

/* Instructions no driver uses (odd.c): none of them is a 32-bit access to
 * a register but the exchange (QueueSel, with the value it has) and the
 * locked or (a read-only register, or'ed with 0). */
static int odd_instructions(struct target *t, struct why *why)
{
	const struct odd_map m = {
		.regs = t->d->regs,
		.store = VIRTIO_MMIO_STATUS,
		.exchange = VIRTIO_MMIO_QUEUE_SEL,
		.exchange_width = 4,
		.or_zero = VIRTIO_MMIO_CONFIG_GENERATION,
		.or_zero_width = 4,
		.config = t->d->regs + VIRTIO_MMIO_CONFIG,
	};

	return odd_accesses(t, &m, why);
}

/*
 * Addresses in the device hole where there is no device: the page after
 * the last window, and one far from any.  Reads give all ones, as on a
 * PC, and writes go nowhere; without --verbose the Launcher says nothing
 * about them (finding 5 counts them among the guest's doings).
 */
static int unclaimed_mmio(struct target *t, struct why *why)
{
	const u64 addrs[] = {windows_end, 0xe0000000};

	(void)t;
	for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++) {
		volatile u8 *p = phys_map(addrs[i], PAGE_SIZE, why);

		if (!p)
			return -1;
		for (u32 off = 0; off < PAGE_SIZE; off += 0x3f8) {
			u64 v8 = *(volatile u64 *)(p + off);
			u32 v4 = *(volatile u32 *)(p + off);
			u16 v2 = *(volatile u16 *)(p + off);
			u8 v1 = p[off];

			if (v8 != ~0ULL || v4 != ~0u || v2 != 0xffff ||
			    v1 != 0xff)
				fail(why,
				     "read at %#llx gave %#llx %#x %#x %#x",
				     (unsigned long long)(addrs[i] + off),
				     (unsigned long long)v8, v4, v2, v1);
			*(volatile u64 *)(p + off) = 0x5a5a5a5a5a5a5a5aULL;
			*(volatile u32 *)(p + off) = 0;
			p[off] = 1;
		}
		munmap((void *)p, PAGE_SIZE);
	}
	return why->text[0] ? -1 : 0;
}

const struct hcase transport_cases[] = {
	{"reserved-registers", reserved_registers, R_DEVICES, NULL},
	{"wrong-width", wrong_width, R_DEVICES, NULL},
	{"odd-instructions", odd_instructions, R_DEVICES, NULL},
	{"unclaimed-mmio", unclaimed_mmio, R_CONSOLE, NULL},
};
const unsigned int transport_ncases = ARRAY_SIZE(transport_cases);
