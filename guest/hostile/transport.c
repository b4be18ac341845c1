// SPDX-License-Identifier: GPL-2.0
/*
 * Abuse of the virtio-mmio registers (virtio 1.2, section 4.2.2), the same
 * for every device: queues set up wrongly or changed while live, queues
 * we do not have, registers that are read-only, reserved or legacy
 * written, accesses of the wrong width, storms of notifications, and the
 * device's configuration read and written out of range.  The Launcher may
 * ignore, refuse or set NEEDS_RESET; the device must go on, or work once
 * reset.
 */
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <emmintrin.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#include "hostile.h"

/*
 * QueueReady with a queue that makes no sense: the queue stays not ready
 * and the device sets NEEDS_RESET.  Writing (val) to (reg) spoils one
 * register after vq_prepare() wrote good values to all of them.
 */
static int bad_queue(struct target *t, u32 reg, u32 val, struct why *why)
{
	struct vq vq;

	if (dev_features(t->w,
			 t->features | 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
			 NULL, why) ||
	    vq_prepare(&vq, t->w, t->queue, why))
		return -1;
	reg_write(t->w, reg, val);
	reg_write(t->w, VIRTIO_MMIO_QUEUE_READY, 1);
	if (reg_read(t->w, VIRTIO_MMIO_QUEUE_READY) != 0)
		fail(why, "QueueReady reads 1 after %#x was written to %#x",
		     val, reg);
	else if (!(dev_status(t->w) & VIRTIO_CONFIG_S_NEEDS_RESET))
		fail(why, "no NEEDS_RESET after %#x was written to %#x", val,
		     reg);
	return why->text[0] ? -1 : 0;
}

static int queue_size_bad(struct target *t, struct why *why)
{
	u32 max, sizes[] = {0, 3, 0, 0x10000, 0xffffffff};

	reg_write(t->w, VIRTIO_MMIO_QUEUE_SEL, t->queue);
	max = reg_read(t->w, VIRTIO_MMIO_QUEUE_NUM_MAX);
	sizes[2] = max * 2;
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		pool_reset();
		if (bad_queue(t, VIRTIO_MMIO_QUEUE_NUM, sizes[i], why))
			return -1;
	}
	return 0;
}

/* Each ring part in turn: outside RAM, over our registers, misaligned,
 * wrapping, across the end of RAM (16 bytes short of it: no ring part is
 * that small). */
static int ring_addr_bad(struct target *t, struct why *why)
{
	static const u32 low[] = {VIRTIO_MMIO_QUEUE_DESC_LOW,
				  VIRTIO_MMIO_QUEUE_AVAIL_LOW,
				  VIRTIO_MMIO_QUEUE_USED_LOW};
	u32 bad[] = {(u32)ram_end + (1 << 20), (u32)t->w->base, 0, 0,
		     (u32)ram_end - 16};

	for (unsigned int r = 0; r < ARRAY_SIZE(low); r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			struct vq vq;
			u32 high = i == 3 ? 0xffffffff : 0;

			pool_reset();
			if (dev_features(t->w, 1ULL << VIRTIO_F_VERSION_1, NULL,
					 why) ||
			    vq_prepare(&vq, t->w, t->queue, why))
				return -1;
			/* 2: one byte past the start of our own ring. */
			bad[2] = (u32)(r == 0	? vq.desc_gpa
				       : r == 1 ? vq.avail_gpa
						: vq.used_gpa) +
				 1;
			bad[3] = 0xffffff00;
			reg_write(t->w, low[r] + 4, high);
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
	reg_write(t->w, VIRTIO_MMIO_QUEUE_NUM, 2);
	for (u32 off = VIRTIO_MMIO_QUEUE_DESC_LOW;
	     off <= VIRTIO_MMIO_QUEUE_USED_HIGH; off += 4)
		reg_write(t->w, off, (off & 4) ? 0x1234 : (u32)ram_end);
	reg_write(t->w, VIRTIO_MMIO_QUEUE_READY, 0);
	reg_write(t->w, VIRTIO_MMIO_QUEUE_READY, 1);
	if (reg_read(t->w, VIRTIO_MMIO_QUEUE_READY) != 1)
		fail(why, "QueueReady reads %u",
		     reg_read(t->w, VIRTIO_MMIO_QUEUE_READY));
	if (why->text[0])
		return -1;
	return live_after(t, &vq, S_LIVE, "queue writes while live", why);
}

/* A queue we do not have: reads say so, writes go nowhere. */
static int queue_sel_out_of_range(struct target *t, struct why *why)
{
	static const u32 sels[] = {7, 0x1234, 0xffffffff};
	struct vq vq;

	if (dev_features(t->w,
			 t->features | 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
			 NULL, why))
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(sels); i++) {
		reg_write(t->w, VIRTIO_MMIO_QUEUE_SEL, sels[i]);
		reg_write(t->w, VIRTIO_MMIO_QUEUE_NUM, 16);
		reg_write(t->w, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
		reg_write(t->w, VIRTIO_MMIO_QUEUE_READY, 1);
		if (reg_read(t->w, VIRTIO_MMIO_QUEUE_NUM_MAX) ||
		    reg_read(t->w, VIRTIO_MMIO_QUEUE_READY)) {
			fail(why, "queue %#x: QueueNumMax %u, QueueReady %u",
			     sels[i], reg_read(t->w, VIRTIO_MMIO_QUEUE_NUM_MAX),
			     reg_read(t->w, VIRTIO_MMIO_QUEUE_READY));
			return -1;
		}
		reg_write(t->w, VIRTIO_MMIO_QUEUE_NOTIFY, sels[i]);
	}
	if (vq_prepare(&vq, t->w, t->queue, why) || vq_ready(&vq, why))
		return -1;
	dev_driver_ok(t->w);
	return live_after(t, &vq, S_LIVE, "writes to absent queues", why);
}

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

	reg_write(t->w, VIRTIO_MMIO_QUEUE_SEL, t->queue);
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
		id->reg[i] = reg_read(t->w, regs[i]);
	for (u32 sel = 0; sel < 2; sel++) {
		reg_write(t->w, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
		id->reg[6 + sel] = reg_read(t->w, VIRTIO_MMIO_DEVICE_FEATURES);
	}
	for (u32 i = 0; i < sizeof(id->config); i++)
		id->config[i] = t->w->regs[VIRTIO_MMIO_CONFIG + i];
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
	reg_write(t->w, VIRTIO_MMIO_QUEUE_SEL, t->queue);
	for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++)
		reg_write(t->w, ro[i], 0xffffffff);
	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++)
		reg_write(t->w, reserved[i], 0xffffffff);
	for (u32 off = 0x0c0; off < 0x0fc; off += 4)
		reg_write(t->w, off, 0xffffffff);
	reg_write(t->w, VIRTIO_MMIO_SHM_SEL, 0xffffffff);
	reg_write(t->w, VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
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
	volatile u8 *r = t->w->regs;
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
	if (dev_status(t->w) != S_LIVE)
		fail(why,
		     "Status %#x after narrow, wide and misaligned "
		     "writes of 0",
		     dev_status(t->w));
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
		reg_write(t->w, VIRTIO_MMIO_QUEUE_NOTIFY, t->queue ^ 1);
		reg_write(t->w, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffff);
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

/*
 * Instructions no driver uses on registers, which KVM must emulate and
 * hand to the Launcher in pieces of at most 8 bytes: 16-byte SSE loads
 * and stores, a string move, an exchange, a locked or.  None of them is
 * a 32-bit access to a register except the exchange (QueueSel, with the
 * value it has) and the locked or (a read-only register, or'ed with 0).
 * Should KVM refuse one (#UD, so SIGILL), that is KVM's business: we go
 * on to the next.
 */
static sigjmp_buf odd_jmp;

static void odd_signal(int sig)
{
	siglongjmp(odd_jmp, sig);
}

static int odd_instructions(struct target *t, struct why *why)
{
	volatile u8 *r = t->w->regs;
	struct sigaction sa = {.sa_handler = odd_signal}, old[2];
	volatile __m128i sink;
	volatile int step;
	struct vq vq;
	u8 buf[64];

	if (dev_up(t, &vq, 0, why))
		return -1;
	sigaction(SIGILL, &sa, &old[0]);
	sigaction(SIGSEGV, &sa, &old[1]);
	for (step = 0; step < 6; step++) {
		void *dst = buf, *src = (void *)r;
		size_t n = sizeof(buf);
		if (sigsetjmp(odd_jmp, 1))
			continue;
		switch (step) {
		case 0:
			sink = _mm_loadu_si128((const __m128i *)r);
			break;
		case 1:
			_mm_storeu_si128((__m128i *)(r + VIRTIO_MMIO_STATUS),
					 _mm_setzero_si128());
			break;
		case 2:
			__asm__ volatile("rep movsb"
					 : "+D"(dst), "+S"(src), "+c"(n)
					 :
					 : "memory");
			break;
		case 3:
			__atomic_exchange_n((u32 *)(r + VIRTIO_MMIO_QUEUE_SEL),
					    t->queue, __ATOMIC_SEQ_CST);
			break;
		case 4:
			__atomic_fetch_or(
				(u32 *)(r + VIRTIO_MMIO_CONFIG_GENERATION), 0,
				__ATOMIC_SEQ_CST);
			break;
		case 5:
			sink = _mm_loadu_si128(
				(const __m128i *)(r + VIRTIO_MMIO_CONFIG));
			_mm_storeu_si128((__m128i *)(r + VIRTIO_MMIO_CONFIG),
					 sink);
			break;
		}
	}
	sigaction(SIGILL, &old[0], NULL);
	sigaction(SIGSEGV, &old[1], NULL);
	return live_after(t, &vq, S_LIVE, "odd instructions", why);
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

/* Reads past the config space give 0 (nothing of the Launcher's leaks);
 * writes anywhere in it change nothing. */
static int config_out_of_range(struct target *t, struct why *why)
{
	volatile u8 *c = t->w->regs + VIRTIO_MMIO_CONFIG;
	u32 size = config_size(t), end = 0x1000 - VIRTIO_MMIO_CONFIG;
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

const struct hcase transport_cases[] = {
	{"queue-size-bad", queue_size_bad, R_DEVICES, NULL},
	{"ring-address-bad", ring_addr_bad, R_DEVICES, NULL},
	{"queue-regs-while-live", queue_regs_while_live, R_DEVICES, NULL},
	{"queue-sel-out-of-range", queue_sel_out_of_range, R_DEVICES, NULL},
	{"reserved-registers", reserved_registers, R_DEVICES, NULL},
	{"wrong-width", wrong_width, R_DEVICES, NULL},
	{"notify-storm", notify_storm, R_DEVICES, NULL},
	{"odd-instructions", odd_instructions, R_DEVICES, NULL},
	{"unclaimed-mmio", unclaimed_mmio, R_CONSOLE, NULL},
	{"config-out-of-range", config_out_of_range, R_DEVICES, NULL},
};
const unsigned int transport_ncases = ARRAY_SIZE(transport_cases);
