// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a driver made of fuzz input plays against the device side of
 * the split virtqueue (src/virtio/queue.c, virtio 1.2 section 2.7), and we
 * check what the device promises whatever the driver does.  Built with
 * tests/fuzz/replay.c it is a plain program replaying the files it is given,
 * so the corpus runs where clang does not (tests/fuzz/run replay).
 *
 * Input: three header bytes, then 8-byte operations to the end:
 *	byte 0	queue size 1 << (b % 9)
 *	byte 1	bit 0: event idx negotiated, bit 1: indirect descriptors
 *	byte 2	max_iov, the device's limit (0..255)
 *	op	byte 0 picks one of enum op below, bytes 1..7 are arguments.
 * After the last operation the device drains the ring once more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_driver.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

/*
 * Big enough for a 4 GiB chain of four buffers; only what is touched gets
 * backed.  Every input starts from the same all-zero RAM: one mapping for
 * them all, of which each input zeroes what it wrote (ram_clean()), where
 * a fresh mapping cost a page fault for every page touched, most of the
 * time of a short input.
 */
#define RAM	  (1 * GiB)
#define PAGE	  4096
#define KEEP	  (16 * MiB) /* pages written above are given back */
#define MAX_DIRTY 4096

enum op {
	OP_ADD,		 /* [1] readable, [2] writable buffers, [3..4] size */
	OP_ADD_INDIRECT, /* the same, behind one indirect descriptor */
	OP_BAD,		 /* [1] which enum fd_bad */
	OP_POKE,	 /* RAM at [1..2] = [4..7], [3] % 4 + 1 bytes of it */
	OP_DRAIN,	 /* device: vq_pop() until empty; [1] batches irqs */
	OP_WAIT,	 /* device: wait_for_vq_desc() until it would sleep */
	OP_NOTIFY,	 /* device: [1] odd: enable kicks, even: disable */
	OP_HINTS,	 /* used_event = [1..2], avail flags = [3..4] */
	OP_RESET,	 /* reset; size 1 << ([1] % 10), features [1] >> 4,
			    rings at [2..3], [4..5], [6..7] */
	OP_COUNT
};

static struct fake_driver d;
static u8 *ram;
/* What an input wrote: rings, pokes, the driver's tables, the bytes the
 * device wrote in buffers; ndirty may pass MAX_DIRTY (then all of RAM is
 * given back). */
static struct span {
	u64 at, len;
} dirty[MAX_DIRTY];
static unsigned int ndirty;
static u64 dirty_end; /* past the last byte of them */
static struct iovec iov[256];
static unsigned int max_iov;
static unsigned int broken_base; /* broken_calls at the last reset */
static volatile u8 sink;

static u16 arg16(const u8 *a)
{
	return a[0] | a[1] << 8;
}

/* (len) bytes at (at) in RAM were written. */
static void dirtied(u64 at, u64 len)
{
	len = MIN(len, RAM - MIN(at, RAM));
	if (ndirty < MAX_DIRTY)
		dirty[ndirty] = (struct span){at, len};
	ndirty++;
	dirty_end = MAX(dirty_end, at + len);
}

/* The driver just wrote a table in what fd_alloc() handed out since
 * (before). */
static void driver_wrote(u64 before)
{
	if (d.data_next >= before) {
		dirtied(before, d.data_next - before);
	} else { /* it went round: both ends */
		dirtied(before, RAM - before);
		dirtied(d.data_start, d.data_next - d.data_start);
	}
}

/* RAM back to all zeros: what the input wrote below KEEP, and the pages
 * above given back, which zeroes them too, so that no more than KEEP
 * stays backed.  If it wrote in too many places to list, all of it. */
static void ram_clean(void)
{
	if (ndirty > MAX_DIRTY) {
		if (madvise(ram, RAM, MADV_DONTNEED))
			abort();
	} else {
		for (unsigned int i = 0; i < ndirty; i++)
			if (dirty[i].at < KEEP)
				memset(ram + dirty[i].at, 0,
				       MIN(dirty[i].len, KEEP - dirty[i].at));
		if (dirty_end > KEEP &&
		    madvise(ram + KEEP, RAM - KEEP, MADV_DONTNEED))
			abort();
	}
	ndirty = 0;
	dirty_end = 0;
}

/* The RAM, mapped once, a page either side poisoned and inaccessible:
 * ASan reports a byte touched outside, as past a malloc()ed block, and
 * LeakSanitizer, which reads every heap block for pointers, has no GiB
 * of it to read. */
static u8 *ram_map(void)
{
	u8 *p = mmap(NULL, RAM + 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED || mprotect(p, PAGE, PROT_NONE) ||
	    mprotect(p + PAGE + RAM, PAGE, PROT_NONE))
		abort();
	ASAN_POISON_MEMORY_REGION(p, PAGE);
	ASAN_POISON_MEMORY_REGION(p + PAGE + RAM, PAGE);
	return p + PAGE;
}

/* What the device promises for a chain it hands out; abort() if not. */
static u32 check_chain(int head, unsigned int out, unsigned int in)
{
	u64 total = 0, written = 0;

	if ((unsigned int)head >= d.vq.vring.num || out + in > max_iov)
		abort();
	for (unsigned int i = 0; i < out + in; i++) {
		u8 *p = iov[i].iov_base;
		size_t len = iov[i].iov_len;

		if (p < d.mem.base || len > d.mem.low_size ||
		    (u64)(p - d.mem.base) > d.mem.low_size - len)
			abort();
		total += len;
		if (!len)
			continue;
		/* Touch both ends, so ASan sees any buffer we got wrong. */
		if (i < out) {
			sink ^= p[0] ^ p[len - 1];
		} else {
			p[0] = p[len - 1] = 0xa5;
			dirtied(p - d.mem.base, 1);
			dirtied(p - d.mem.base + len - 1, 1);
			written += len;
		}
	}
	if (total > UINT32_MAX)
		abort();
	return written;
}

/* How a walk may end: anything else is a bug. */
static void check_end(int err)
{
	if (err == -EIO && d.vq.ready && !d.vq.broken)
		abort();
	if (err != -EIO && err != -EAGAIN && err != -ESHUTDOWN)
		abort();
	if (d.broken_calls - broken_base > 1)
		abort();
}

/* The device's side: take chains until there are none, as a service
 * routine would (blocking, with the stop fd already signalled, or not). */
static void drain(bool blocking, bool batch)
{
	unsigned int out, in;
	u64 one = 1;
	int n;

	if (blocking && write(d.vq.stop_fd, &one, sizeof(one)) < 0)
		abort();
	/* The device's own writes may land in the rings and offer more, but
	 * never without end. */
	for (n = 0; n < 1 << 17; n++) {
		int head = blocking ? wait_for_vq_desc(&d.vq, iov, max_iov,
						       &out, &in)
				    : vq_pop(&d.vq, iov, max_iov, &out, &in);

		if (head == -E2BIG)
			continue; /* handed back for us */
		if (head < 0) {
			check_end(head);
			break;
		}
		add_used(&d.vq, head, check_chain(head, out, in));
		if (!batch)
			trigger_irq(&d.vq);
	}
	if (n == 1 << 17)
		abort(); /* it never ran dry */
	trigger_irq(&d.vq);
	/* We return each chain as we get it, so every avail entry taken is
	 * used again, but for the one that broke the queue. */
	if ((u16)(d.vq.last_avail_idx - d.vq.used_idx) > d.vq.broken)
		abort();
	if (blocking && read(d.vq.stop_fd, &one, sizeof(one)) < 0)
		abort();
}

static void add(const u8 *op, bool indirect)
{
	unsigned int n_out = op[1] % 5, n_in = op[2] % 5;
	struct fd_buf b[8];
	u64 before;

	for (unsigned int k = 0; k < n_out + n_in; k++)
		b[k] = fd_buf(&d, arg16(op + 3) >> k);
	before = d.data_next;
	if (indirect)
		fd_add_indirect(&d, b, n_out, b + n_out, n_in);
	else
		fd_add_chain(&d, b, n_out, b + n_out, n_in);
	driver_wrote(before);
}

/* The driver resets the device and sets the queue up again, perhaps
 * badly; if the device refuses, the old (aligned) rings stay in our fake
 * driver's hands and the queue stays off. */
static void reset(const u8 *op)
{
	unsigned int num = 1u << (op[1] % 10);
	u64 desc = arg16(op + 2), avail = arg16(op + 4), used = arg16(op + 6);

	vq_reset(&d.vq);
	broken_base = d.broken_calls;
	vq_set_num(&d.vq, num);
	vq_set_addr(&d.vq, VQ_DESC, desc);
	vq_set_addr(&d.vq, VQ_AVAIL, avail);
	vq_set_addr(&d.vq, VQ_USED, used);
	vq_set_features(&d.vq, (u64)(op[1] >> 4)
				       << VIRTIO_RING_F_INDIRECT_DESC);
	memset(fd_ptr(&d, desc, 16 * num), 0, 16 * num);
	memset(fd_ptr(&d, avail, 6 + 2 * num), 0, 6 + 2 * num);
	memset(fd_ptr(&d, used, 6 + 8 * num), 0, 6 + 8 * num);
	/* Where the driver and the device write from now on. */
	dirtied(desc, 16 * num);
	dirtied(avail, 6 + 2 * num);
	dirtied(used, 6 + 8 * num);
	if (vq_enable(&d.vq))
		return;
	d.num = num;
	d.desc = desc;
	d.avail = avail;
	d.used = used;
	d.avail_idx = d.next_desc = 0;
}

static void run_op(const u8 *op)
{
	u64 before;
	u8 *p;

	switch (op[0] % OP_COUNT) {
	case OP_ADD:
	case OP_ADD_INDIRECT:
		add(op, op[0] % OP_COUNT == OP_ADD_INDIRECT);
		break;
	case OP_BAD:
		before = d.data_next;
		fd_add_bad(&d, op[1] % FD_BAD_COUNT);
		driver_wrote(before);
		break;
	case OP_POKE:
		p = fd_ptr(&d, arg16(op + 1), 4);
		memcpy(p, op + 4, op[3] % 4 + 1);
		dirtied(arg16(op + 1), op[3] % 4 + 1);
		break;
	case OP_DRAIN:
		drain(false, op[1] & 1);
		break;
	case OP_WAIT:
		drain(true, false);
		break;
	case OP_NOTIFY:
		if (op[1] & 1)
			vq_enable_notify(&d.vq);
		else
			vq_disable_notify(&d.vq);
		break;
	case OP_HINTS:
		fd_set_used_event(&d, arg16(op + 1));
		fd_set_avail_flags(&d, arg16(op + 3));
		break;
	case OP_RESET:
		reset(op);
		break;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fd_config cfg = {.num_max = 256, .ram_size = RAM};

	if (size < 3)
		return 0;
	if (!ram)
		ram = ram_map();
	cfg.ram = ram;
	cfg.num = 1u << (data[0] % 9);
	if (data[1] & 1)
		cfg.features |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (data[1] & 2)
		cfg.features |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	max_iov = data[2];
	broken_base = 0;
	if (fd_init(&d, &cfg))
		abort();	  /* our own layout: always good */
	dirtied(0, d.data_start); /* its rings */
	for (size_t off = 3; off + 8 <= size; off += 8)
		run_op(data + off);
	drain(false, false);
	fd_free(&d);
	ram_clean();
	return 0;
}
