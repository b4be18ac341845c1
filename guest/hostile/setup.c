// SPDX-License-Identifier: GPL-2.0
/*
 * Queue set-up and the device's config, abused the same way over either
 * transport (virtio 1.2: 4.2.2 for virtio-mmio's registers, 4.1.4.3 for
 * virtio-pci's common configuration; 2.7 for the rings): queues set up
 * wrongly or changed while live, queues we do not have, storms of
 * notifications, and the device's config read and written out of range.
 * The Launcher may ignore, refuse or set NEEDS_RESET; the device must go
 * on, or work once reset.
 */
#include <stdio.h>
#include <string.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_net.h>

#include "hostile.h"

/*
 * QueueReady with a queue that makes no sense: the queue stays not ready
 * and the device sets NEEDS_RESET.  Writing (val) to (f) spoils one
 * register after vq_prepare() wrote good values to all of them.
 */
static int bad_queue(struct target *t, enum field f, u32 val, struct why *why)
{
	struct vq vq;

	if (dev_features(t->d,
			 t->features | 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
			 NULL, why) ||
	    vq_prepare(&vq, t->d, t->queue, why))
		return -1;
	dev_set(t->d, f, val);
	dev_set(t->d, F_QUEUE_READY, 1);
	if (dev_get(t->d, F_QUEUE_READY) != 0)
		fail(why,
		     "QueueReady reads 1 after %#x was written to field %d",
		     val, f);
	else if (!(dev_status(t->d) & VIRTIO_CONFIG_S_NEEDS_RESET))
		fail(why, "no NEEDS_RESET after %#x was written to field %d",
		     val, f);
	return why->text[0] ? -1 : 0;
}

/* 0, not a power of two, larger than the maximum, and sizes that do not
 * fit virtio-pci's 16 bits (which cut them to 0 and 0xffff). */
static int queue_size_bad(struct target *t, struct why *why)
{
	u32 max, sizes[] = {0, 3, 0, 0x10000, 0xffffffff};

	dev_set(t->d, F_QUEUE_SEL, t->queue);
	max = dev_get(t->d, F_QUEUE_NUM_MAX);
	sizes[2] = max * 2;
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		pool_reset();
		if (bad_queue(t, F_QUEUE_NUM, sizes[i], why))
			return -1;
	}
	return 0;
}

/* Each ring part in turn: outside RAM, over our registers, misaligned,
 * wrapping, across the end of RAM (16 bytes short of it: no ring part is
 * that small). */
static int ring_addr_bad(struct target *t, struct why *why)
{
	static const enum field low[] = {F_QUEUE_DESC_LOW, F_QUEUE_AVAIL_LOW,
					 F_QUEUE_USED_LOW};
	u32 bad[] = {(u32)ram_end + (1 << 20), (u32)t->d->base, 0, 0,
		     (u32)ram_end - 16};

	for (unsigned int r = 0; r < ARRAY_SIZE(low); r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			struct vq vq;
			u32 high = i == 3 ? 0xffffffff : 0;

			pool_reset();
			if (dev_features(t->d, 1ULL << VIRTIO_F_VERSION_1, NULL,
					 why) ||
			    vq_prepare(&vq, t->d, t->queue, why))
				return -1;
			/* 2: one byte past the start of our own ring. */
			bad[2] = (u32)(r == 0	? vq.desc_gpa
				       : r == 1 ? vq.avail_gpa
						: vq.used_gpa) +
				 1;
			bad[3] = 0xffffff00;
			/* Each _HIGH follows its _LOW. */
			dev_set(t->d, low[r] + 1, high);
			if (bad_queue(t, low[r], bad[i], why))
				return -1;
		}
	}
	return 0;
}

/* Size and rings stay put while the queue is ready (the Launcher's rule;
 * Firecracker's queues once moved under a running device): we move them
 * to nonsense, and take the queue away, and it must go on as it was. */
static int queue_regs_while_live(struct target *t, struct why *why)
{
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	dev_set(t->d, F_QUEUE_NUM, 2);
	for (enum field f = F_QUEUE_DESC_LOW; f <= F_QUEUE_USED_HIGH; f++)
		dev_set(t->d, f,
			(f - F_QUEUE_DESC_LOW) % 2 ? 0x1234 : (u32)ram_end);
	dev_set(t->d, F_QUEUE_READY, 0);
	dev_set(t->d, F_QUEUE_READY, 1);
	if (dev_get(t->d, F_QUEUE_READY) != 1)
		fail(why, "QueueReady reads %u", dev_get(t->d, F_QUEUE_READY));
	if (why->text[0])
		return -1;
	return live_after(t, &vq, S_LIVE, "queue writes while live", why);
}

/* A queue we do not have: reads say so, writes go nowhere. */
static int queue_sel_out_of_range(struct target *t, struct why *why)
{
	static const u32 sels[] = {7, 0x1234, 0xffffffff};
	struct vq vq;

	if (dev_features(t->d,
			 t->features | 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
			 NULL, why))
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(sels); i++) {
		dev_set(t->d, F_QUEUE_SEL, sels[i]);
		dev_set(t->d, F_QUEUE_NUM, 16);
		dev_set(t->d, F_QUEUE_DESC_LOW, 0x1000);
		dev_set(t->d, F_QUEUE_READY, 1);
		if (dev_get(t->d, F_QUEUE_NUM_MAX) ||
		    dev_get(t->d, F_QUEUE_READY)) {
			fail(why, "queue %#x: QueueNumMax %u, QueueReady %u",
			     sels[i], dev_get(t->d, F_QUEUE_NUM_MAX),
			     dev_get(t->d, F_QUEUE_READY));
			return -1;
		}
		t->d->tr->kick(t->d, sels[i]);
	}
	if (vq_prepare(&vq, t->d, t->queue, why) || vq_ready(&vq, why))
		return -1;
	dev_driver_ok(t->d);
	return live_after(t, &vq, S_LIVE, "writes to absent queues", why);
}

/* Kicks by the ten thousand, for our queue, for an absent one and for one
 * not set up, with a request in flight that must still be answered. */
static int notify_storm(struct target *t, struct why *why)
{
	struct vring_used_elem e;
	struct page *buf;
	unsigned int head;
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	buf = page_alloc();
	head = good_chain(t, &vq, 0, buf);
	vq_push_quiet(&vq, (u16)head);
	for (int i = 0; i < 10000; i++)
		vq_kick(&vq);
	for (int i = 0; i < 1000; i++) {
		t->d->tr->kick(t->d, t->queue ^ 1);
		t->d->tr->kick(t->d, 0xffff);
	}
	if (t->answers) {
		int r = vq_wait_used(&vq, ANSWER_MS, &e);

		if (r != 1) {
			fail(why, "the request in the storm: %s",
			     r ? "NEEDS_RESET" : "no answer");
			return -1;
		}
		if (good_check(t, &e, head, buf, why))
			return -1;
	}
	return live_after(t, &vq, S_LIVE, "a notify storm", why);
}

/* What the driver sees of a device, which no write to its config may
 * change. */
struct ident {
	u32 reg[4];
	u8 config[64];
};

static void ident_read(struct target *t, struct ident *id)
{
	dev_set(t->d, F_QUEUE_SEL, t->queue);
	id->reg[0] = dev_get(t->d, F_QUEUE_NUM_MAX);
	id->reg[1] = dev_get(t->d, F_QUEUE_READY);
	for (u32 sel = 0; sel < 2; sel++) {
		dev_set(t->d, F_DEVICE_FEATURES_SEL, sel);
		id->reg[2 + sel] = dev_get(t->d, F_DEVICE_FEATURES);
	}
	for (u32 i = 0; i < sizeof(id->config); i++)
		id->config[i] = t->d->config[i];
}

static int ident_same(struct target *t, const struct ident *before,
		      const char *after, struct why *why)
{
	struct ident now;

	ident_read(t, &now);
	for (unsigned int i = 0; i < ARRAY_SIZE(now.reg); i++)
		if (now.reg[i] != before->reg[i])
			fail(why, "register %u went %#x -> %#x after %s", i,
			     before->reg[i], now.reg[i], after);
	if (memcmp(now.config, before->config, sizeof(now.config)))
		fail(why, "device config changed after %s", after);
	return why->text[0] ? -1 : 0;
}

/* The size of the device's config space: the UAPI struct, as the
 * Launcher fills it (the rng has none). */
static u32 config_size(const struct target *t)
{
	switch (t->kind) {
	case K_BLK:
		return sizeof(struct virtio_blk_config);
	case K_NET:
		return sizeof(struct virtio_net_config);
	case K_CONSOLE:
		return sizeof(struct virtio_console_config);
	case K_RNG:
		break;
	}
	return 0;
}

/* Reads past the config space, up to the end of its window (virtio-mmio)
 * or of its part of the BAR (virtio-pci), give 0: nothing of the
 * Launcher's leaks.  Writes anywhere in it change nothing. */
static int config_out_of_range(struct target *t, struct why *why)
{
	volatile u8 *c = t->d->config;
	u32 size = config_size(t), end = t->d->config_span;
	struct ident before;
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	ident_read(t, &before);
	for (u32 off = size; off + 8 <= end; off += 64) {
		if (*(volatile u32 *)(c + off) || c[off + 3] ||
		    *(volatile u16 *)(c + off + 6) ||
		    *(volatile u64 *)(c + off)) {
			fail(why, "config read at %#x is not 0", off);
			return -1;
		}
	}
	if (*(volatile u32 *)(c + end - 4) || c[end - 1] ||
	    (size >= 2 && *(volatile u32 *)(c + size - 2) >> 16)) {
		fail(why, "config read at its end or across it is not 0");
		return -1;
	}
	for (u32 off = 0; off < end; off += 61) {
		c[off] = 0xff;
		*(volatile u32 *)(c + (off & ~3u)) = 0xffffffff;
	}
	*(volatile u64 *)(c + end - 8) = ~0ULL;
	if (ident_same(t, &before, "config writes", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "config writes", why);
}

const struct hcase setup_cases[] = {
	{"queue-size-bad", queue_size_bad, R_DEVICES, NULL},
	{"ring-address-bad", ring_addr_bad, R_DEVICES, NULL},
	{"queue-regs-while-live", queue_regs_while_live, R_DEVICES, NULL},
	{"queue-sel-out-of-range", queue_sel_out_of_range, R_DEVICES, NULL},
	{"notify-storm", notify_storm, R_DEVICES, NULL},
	{"config-out-of-range", config_out_of_range, R_DEVICES | C_CONFIG,
	 NULL},
};
const unsigned int setup_ncases = ARRAY_SIZE(setup_cases);
