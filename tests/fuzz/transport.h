/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the transport fuzz targets (fuzz_mmio.c, fuzz_pci.c) share: a small
 * echo device whose queue threads return every chain they are given, fake
 * guest RAM on the heap, where ASan sees a byte past either end, and the
 * driver's views of whatever rings the transport accepted, for offering
 * chains on them.  Included by one target each: hence static functions.
 */
#ifndef LGUEST_FUZZ_TRANSPORT_H
#define LGUEST_FUZZ_TRANSPORT_H

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "echo_device.h"
#include "fake_driver.h"
#include "fdio.h"
#include "virtio/device.h"

/* Small, so a fresh RAM for every input costs nothing: 256 pages of 256
 * bytes, where a ring of 16 fits each part in a page.  Buffers come from
 * the top quarter, which rings may overlap too. */
#define RAM_SIZE  (64 * KiB)
#define RAM_DATA  (48 * KiB)
#define ECHO_IOV  4 /* longer chains are handed back: vq_pop()'s E2BIG */
#define ECHO_QS	  3 /* "a" and "b" have threads, "c" has none */
#define ECHO_SIZE 16

static struct guest_mem ram;
static struct fake_driver view[ECHO_QS]; /* valid while the queue is ready */
static bool viewing[ECHO_QS];

/* Fresh zeroed RAM for an input; the same block every time. */
static void ram_fresh(void)
{
	if (!ram.base) {
		ram.base = aligned_alloc(4096, RAM_SIZE);
		if (!ram.base)
			abort();
		guest_mem_layout(&ram, RAM_SIZE);
	}
	memset(ram.base, 0, RAM_SIZE);
	memset(viewing, 0, sizeof(viewing));
}

/* A buffer the queue handed a service routine must lie inside RAM: touch
 * both its ends, so ASan sees any we got wrong, and say how much of it we
 * "wrote" (all of the writable part). */
static u32 echo_touch(const struct iovec *iov, unsigned int out,
		      unsigned int in)
{
	static volatile u8 sink;
	u64 written = 0;

	for (unsigned int i = 0; i < out + in; i++) {
		u8 *p = iov[i].iov_base;
		size_t len = iov[i].iov_len;

		if (p < ram.base || len > RAM_SIZE ||
		    (size_t)(p - ram.base) > RAM_SIZE - len)
			abort();
		if (!len)
			continue;
		if (i < out) {
			sink ^= p[0] ^ p[len - 1];
		} else {
			p[0] = p[len - 1] = 0xa5;
			written += len;
		}
	}
	if (written > UINT32_MAX)
		abort(); /* vq_pop() promised a chain under 4 GiB */
	return written;
}

static void echo_serve_checked(struct virtqueue *vq)
{
	struct iovec iov[ECHO_IOV];
	unsigned int out, in;
	int head;

	while ((head = wait_for_vq_desc(vq, iov, ECHO_IOV, &out, &in)) >= 0)
		add_used(vq, head, echo_touch(iov, out, in));
}

static const struct device_type echo_type = {
	.name = "echo",
	.virtio_id = VIRTIO_ID_RNG,
	.num_queues = ECHO_QS,
	.queue_names = {"a", "b", "c"},
	.queue_size = ECHO_SIZE,
	.create = echo_create,
	.service = {echo_serve_checked, echo_serve_checked},
	.reset = echo_reset,
};

/*
 * After every step: a queue the transport made ready has its rings inside
 * RAM (abort() if not), and we look at it through a fresh view; one that
 * is not ready has none.
 */
/* Do (len) bytes at (p) lie in RAM?  In integers, not pointers: this
 * runs after every access, and UBSan checks each pointer sum with two
 * comparisons that the fuzzer then traces. */
static bool in_ram(const volatile void *p, u64 len)
{
	uintptr_t at = (uintptr_t)p, base = (uintptr_t)ram.base;

	return at >= base && len <= RAM_SIZE && at - base <= RAM_SIZE - len;
}

static void views_sync(const struct device *dev)
{
	for (unsigned int q = 0; q < ECHO_QS; q++) {
		const struct virtqueue *vq = &dev->vqs[q];
		u64 n = vq->vring.num;

		if (!vq->ready) {
			viewing[q] = false;
			continue;
		}
		if (!n || n > ECHO_SIZE || !in_ram(vq->vring.desc, 16 * n) ||
		    !in_ram(vq->vring.avail, 6 + 2 * n) ||
		    !in_ram(vq->vring.used, 6 + 8 * n))
			abort();
		if (!viewing[q])
			fd_view(&view[q], &ram, n, vq->desc_gpa, vq->avail_gpa,
				vq->used_gpa, RAM_DATA);
		viewing[q] = true;
	}
}

/*
 * The features a driver made of (op)[1] accepts, 64 bits as two words:
 * bit 0 the echo's feature, bit 1 INDIRECT_DESC, bit 2 EVENT_IDX, bit 3
 * one we never offer, bit 4 no VERSION_1; bit 7: the low word is
 * (op)[2..5] instead.
 */
static void driver_features(const u8 *op, u32 *lo, u32 *hi)
{
	*lo = (op[1] & 1 ? 1u << ECHO_F_X : 0) |
	      (op[1] & 2 ? 1u << VIRTIO_RING_F_INDIRECT_DESC : 0) |
	      (op[1] & 4 ? 1u << VIRTIO_RING_F_EVENT_IDX : 0) |
	      (op[1] & 8 ? 1u << 5 : 0);
	if (op[1] & 0x80)
		*lo = op[2] | op[3] << 8 | op[4] << 16 | (u32)op[5] << 24;
	*hi = op[1] & 0x10 ? 0 : 1; /* VERSION_1 is bit 32 */
}

/*
 * A queue as a driver made of (op) sets it up: size 1 << ((op)[2] % 6)
 * (32 is more than we offer), rings on the 256-byte pages (op)[3], (op)[4]
 * and (op)[5] of RAM, zeroed.  (op)[6] spoils it: bit 0 misaligns the
 * avail ring, bit 1 the used ring, bit 3 the table; bit 2 puts the table
 * above 4 GiB (in *(desc_hi)); bit 4 leaves the rings' RAM as it was.
 */
static u32 driver_rings(const u8 *op, u64 *desc, u32 *desc_hi, u64 *avail,
			u64 *used)
{
	u32 num = 1u << (op[2] % 6);

	*desc = op[3] << 8 | (op[6] & 8);
	*desc_hi = (op[6] >> 2) & 1;
	*avail = op[4] << 8 | (op[6] & 1);
	*used = op[5] << 8 | (op[6] & 2);
	if (!(op[6] & 0x10)) {
		memset(ram.base + *desc, 0, MIN(16 * num, RAM_SIZE - *desc));
		memset(ram.base + *avail, 0,
		       MIN(6 + 2 * num, RAM_SIZE - *avail));
		memset(ram.base + *used, 0, MIN(6 + 8 * num, RAM_SIZE - *used));
	}
	return num;
}

/*
 * The driver offers a chain on queue (q): (op)[2] % 5 readable and (op)[3]
 * % 5 writable buffers, the k-th of (op)[4..5] >> k bytes, behind an
 * indirect descriptor if (op)[6] & 1; or, if (op)[6] & 2, one of the
 * fake driver's broken chains, kind (op)[7].
 */
static void offer(unsigned int q, const u8 *op)
{
	unsigned int n_out = op[2] % 5, n_in = op[3] % 5;
	u32 len = op[4] | op[5] << 8;
	struct fd_buf b[8];

	if (q >= ECHO_QS || !viewing[q])
		return;
	if (op[6] & 2) {
		fd_add_bad(&view[q], op[7] % FD_BAD_COUNT);
		return;
	}
	for (unsigned int k = 0; k < n_out + n_in; k++)
		b[k] = fd_buf(&view[q], len >> k);
	if (op[6] & 1)
		fd_add_indirect(&view[q], b, n_out, b + n_out, n_in);
	else
		fd_add_chain(&view[q], b, n_out, b + n_out, n_in);
}

/* The driver scribbles on RAM: (op)[3] % 4 + 1 bytes of (op)[4..7] at
 * (op)[1..2], rings and all. */
static void poke(const u8 *op)
{
	u16 at = op[1] | op[2] << 8;

	memcpy(ram.base + MIN(at, RAM_SIZE - 4), op + 4, op[3] % 4 + 1);
}

/* Is queue (q)'s thread running, with chains in the avail ring (as RAM
 * says now, scribbles and all) that it has not used yet? */
static bool behind(struct device *dev, unsigned int q)
{
	struct fake_driver *v = &view[q];

	return viewing[q] && worker_running(&dev->threads[q]) &&
	       fd_used_idx(v) != read_once16(fd_ptr(v, v->avail + 2, 2));
}

static long since_us(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000L +
	       (t.tv_nsec - t0->tv_nsec) / 1000;
}

/*
 * Let the queue threads catch up with what the driver offered, so that
 * what follows sees the chains used: (kick) each queue that is behind, as
 * a driver would, then wait until none is.  A ring the driver scribbled
 * on may never get there, and that is no hang of ours.  To tell the two
 * apart without waiting on the clock, we probe: once a thread has taken
 * its kick (the eventfd reads empty), we kick it once more ourselves, as
 * KVM's ioeventfd would.  It can only take that probe in wait_kick(),
 * after a look at the ring that found nothing more; so if no used index
 * moved between the probe and its taking, the thread has done all it will
 * until the driver does something, and we stop waiting for it.  If one
 * moved, we probe again.  After 5 ms in all we stop anyway.
 */
static void settle(struct device *dev, void (*kick)(unsigned int q))
{
	bool probing[ECHO_QS] = {false};
	u16 used_at_probe[ECHO_QS];
	struct timespec start;

	for (unsigned int q = 0; q < ECHO_QS; q++)
		if (behind(dev, q))
			kick(q);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		bool busy = false;

		for (unsigned int q = 0; q < ECHO_QS; q++) {
			int kick_fd = dev->vqs[q].kick_fd;
			u16 used;

			if (!behind(dev, q))
				continue;
			if (efd_pending(kick_fd)) {
				busy = true; /* not taken yet */
				continue;
			}
			used = fd_used_idx(&view[q]);
			if (probing[q] && used == used_at_probe[q])
				continue; /* asleep, and nothing moved */
			probing[q] = true;
			used_at_probe[q] = used;
			efd_signal(kick_fd);
			busy = true;
		}
		if (!busy || since_us(&start) > 5000)
			return;
		sched_yield();
	}
}

/* After a reset: every queue thread parked, no queue ready. */
static void check_reset(struct device *dev)
{
	for (unsigned int q = 0; q < ECHO_QS; q++)
		if (worker_running(&dev->threads[q]) || dev->vqs[q].ready)
			abort();
	if (atomic_load(&dev->status))
		abort();
}

/* Between inputs: the kicks nobody took (queue "c" has no thread) are
 * forgotten, so the next input starts as the first did.  Threads parked. */
static void forget_kicks(struct device *dev)
{
	for (unsigned int q = 0; q < ECHO_QS; q++)
		if (efd_pending(dev->vqs[q].kick_fd))
			efd_drain(dev->vqs[q].kick_fd);
}

static u16 arg16(const u8 *a)
{
	return a[0] | a[1] << 8;
}

static u32 arg32(const u8 *a)
{
	return arg16(a) | (u32)arg16(a + 2) << 16;
}

#endif
