// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a driver made of fuzz input plays a guest's vCPU against one
 * virtio-mmio register window (src/virtio/mmio.c, virtio 1.2 section 4.2.2)
 * on the bus, over the device life of src/virtio/device.c and a small echo
 * device (transport.h) whose queue threads are real: DRIVER_OK starts
 * them, kicks wake them, a reset parks them again.  After every access we
 * check what the transport promises whatever the driver does: the status
 * bits only go up until a write of 0, a reset parks every thread and
 * readies no queue, a ready queue's rings lie in RAM, InterruptStatus has
 * only its two bits, and reads of what the driver may not read see zeros.
 * The threads check that every buffer they are given lies in RAM.
 * Built with tests/fuzz/replay.c it is a plain program replaying the files
 * it is given (tests/fuzz/run replay).
 *
 * Input: 8-byte steps to the end, (op)[0] % OP_COUNT one of enum op below
 * and (op)[1..7] its arguments.  Every input ends with a reset, so no
 * queue thread outlives it.  The threads start only if the input gets as
 * far as DRIVER_OK, so most inputs cost no thread switch at all.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/virtio_mmio.h>

#include "bus.h"
#include "layout.h"
#include "transport.h"
#include "virtio/mmio.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define BASE  VIRTIO_MMIO_GPA
#define MAGIC 0x74726976 /* "virt" */

enum op {
	OP_READ,   /* (op)[1..3] where and how wide: see reg_access() */
	OP_WRITE,  /* the same, writing (op)[4..7] */
	OP_INIT,   /* reset and negotiate: see init() */
	OP_QUEUE,  /* set a queue up: see queue() */
	OP_GO,	   /* add DRIVER_OK to the status */
	OP_OFFER,  /* offer a chain on queue (op)[1]: see offer() */
	OP_POKE,   /* scribble on RAM: see poke() */
	OP_KICK,   /* QueueNotify = (op)[1] % 4, or (op)[1..4] if (op)[5] */
	OP_SETTLE, /* let the threads catch up: see settle() */
	OP_IRQ,	   /* read InterruptStatus, acknowledge, lower the line */
	OP_CONFIG, /* the device changes its config space */
	OP_RESET,  /* Status = 0 */
	OP_REBOOT, /* the guest reboots: mmio_dev_reset() */
	OP_COUNT
};

static struct bus bus;
static struct mmio_dev m;
static u32 status; /* the status after the last access */

/* What every access must leave true (see the top of the file). */
static void check(unsigned int resets_before)
{
	u32 now = atomic_load(&m.dev.status);

	if (atomic_load(&echo_resets) != resets_before) {
		check_reset(&m.dev);
		if (atomic_load(&m.isr))
			abort();
	} else if ((now & status) != status) {
		abort(); /* a bit went down without a reset */
	}
	status = now;
	if (atomic_load(&m.isr) &
	    ~(VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG))
		abort();
	views_sync(&m.dev);
}

/* One guest access of (len) bytes at (off) of the window, as a vCPU makes
 * it, through the bus. */
static void guest_access(u32 off, u8 *data, u32 len, bool write)
{
	unsigned int before = atomic_load(&echo_resets);

	bus_access(&bus, BUS_MMIO, BASE + off, data, len, write);
	check(before);
}

static u32 rd(u32 off)
{
	u32 v;

	guest_access(off, (u8 *)&v, 4, false);
	return v;
}

static void wr(u32 off, u32 v)
{
	guest_access(off, (u8 *)&v, 4, true);
}

/* What a read of (len) bytes at (off) must have seen, where we know. */
static void check_read(u32 off, const u8 *data, u32 len)
{
	u8 want[8];
	u32 v;

	if (off + len > VIRTIO_MMIO_SIZE) {
		memset(want, 0xff, len); /* past the window: nobody there */
	} else if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (off + len <= m.dev.config_size)
			memcpy(want, m.dev.config + off, len);
		else
			memset(want, 0, len);
	} else if (len != 4 || off % 4) {
		memset(want, 0, len); /* 4.2.2.2: registers are 32 bits */
	} else {
		switch (off) {
		case VIRTIO_MMIO_MAGIC_VALUE:
			v = MAGIC;
			break;
		case VIRTIO_MMIO_VERSION:
			v = 2;
			break;
		case VIRTIO_MMIO_DEVICE_ID:
			v = VIRTIO_ID_RNG;
			break;
		default:
			return; /* it depends */
		}
		memcpy(want, &v, 4);
	}
	if (memcmp(data, want, len))
		abort();
}

/*
 * A raw access: (op)[1] < 0x80 is register (op)[1] * 4 (config space from
 * 0x100), moved by ((op)[3] >> 2) % 4 bytes; otherwise (op)[1..2] & 0xfff
 * is the offset.  1 << ((op)[3] % 4) bytes wide.
 */
static void reg_access(const u8 *op, bool write)
{
	u32 off = op[1] & 0x80 ? arg16(op + 1) & 0xfff
			       : op[1] * 4u + (op[3] >> 2) % 4;
	u32 len = 1u << (op[3] % 4);
	u8 data[8];

	memcpy(data, op + 4, 4);
	memcpy(data + 4, op + 4, 4);
	guest_access(off, data, len, write);
	if (!write)
		check_read(off, data, len);
}

/* 3.1.1 steps 1-4: reset, ACKNOWLEDGE, DRIVER, then the features
 * driver_features() makes of (op) and FEATURES_OK. */
static void init(const u8 *op)
{
	u32 lo, hi;

	driver_features(op, &lo, &hi);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, lo);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, hi);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				       VIRTIO_CONFIG_S_DRIVER |
				       VIRTIO_CONFIG_S_FEATURES_OK);
}

/* 3.1.1 step 5, as Linux's vm_setup_vq() does it: queue (op)[1] % 4 (3 is
 * none of ours) as driver_rings() lays it out, then QueueReady unless
 * (op)[6] & 0x20. */
static void queue(const u8 *op)
{
	u64 desc, avail, used;
	u32 desc_hi, num = driver_rings(op, &desc, &desc_hi, &avail, &used);

	wr(VIRTIO_MMIO_QUEUE_SEL, op[1] % 4);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, desc_hi);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, avail);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, used);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	if (!(op[6] & 0x20))
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void kick(unsigned int q)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* The interrupt handler's part: read why, acknowledge ((op)[1] & 1: the
 * bits of (op)[2] instead), and the line is ours to lower. */
static void irq(const u8 *op)
{
	u32 isr = rd(VIRTIO_MMIO_INTERRUPT_STATUS);

	wr(VIRTIO_MMIO_INTERRUPT_ACK, op[1] & 1 ? op[2] : isr);
	efd_drain(m.irq_fd);
}

/* The device changes its config: a new generation, the CONFIG bit, and
 * a pulse if the bit was clear. */
static void config_change(void)
{
	u32 gen = atomic_load(&m.dev.config_generation);
	u32 isr = atomic_load(&m.isr);

	device_config_changed(&m.dev);
	if (rd(VIRTIO_MMIO_CONFIG_GENERATION) != gen + 1 ||
	    !(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG))
		abort();
	if (!(isr & VIRTIO_MMIO_INT_CONFIG) && !efd_pending(m.irq_fd))
		abort();
}

static void step(const u8 *op)
{
	unsigned int before;

	switch (op[0] % OP_COUNT) {
	case OP_READ:
	case OP_WRITE:
		reg_access(op, op[0] % OP_COUNT == OP_WRITE);
		break;
	case OP_INIT:
		init(op);
		break;
	case OP_QUEUE:
		queue(op);
		break;
	case OP_GO:
		wr(VIRTIO_MMIO_STATUS,
		   rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
		break;
	case OP_OFFER:
		offer(op[1] % ECHO_QS, op);
		break;
	case OP_POKE:
		poke(op);
		break;
	case OP_KICK:
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, op[5] ? arg32(op + 1) : op[1] % 4);
		break;
	case OP_SETTLE:
		settle(&m.dev, kick);
		break;
	case OP_IRQ:
		irq(op);
		break;
	case OP_CONFIG:
		config_change();
		break;
	case OP_RESET:
		wr(VIRTIO_MMIO_STATUS, 0);
		break;
	case OP_REBOOT:
		before = atomic_load(&echo_resets);
		mmio_dev_reset(&m);
		check(before);
		break;
	}
}

/* The device and its threads are made once, and reset between inputs. */
static void make(void)
{
	char err[128];

	ram_fresh();
	if (bus_register(&bus, BUS_MMIO, BASE, VIRTIO_MMIO_SIZE,
			 mmio_dev_access, &m, "echo0", false) ||
	    mmio_dev_init(&m, &echo_type, 0, NULL, &ram, BASE, VIRTIO_IRQ_BASE,
			  err, sizeof(err)) ||
	    device_spawn(&m.dev)) {
		fprintf(stderr, "fuzz_mmio: %s\n", err);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	if (!m.dev.type)
		make();
	ram_fresh();
	status = 0;
	for (size_t off = 0; off + 8 <= size; off += 8)
		step(data + off);
	wr(VIRTIO_MMIO_STATUS, 0);
	check_reset(&m.dev);
	forget_kicks(&m.dev);
	efd_drain(m.irq_fd);
	return 0;
}
