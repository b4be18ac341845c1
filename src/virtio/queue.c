// SPDX-License-Identifier: GPL-2.0
/*
 * The split virtqueue, device side: virtio 1.2, section 2.7 (the section
 * numbers below are 1.2's; 1.0 had these rules in 2.4).  The rings live in
 * guest memory, which the guest can rewrite while we read it, so every
 * field is read exactly once into a local and only the local is checked
 * and used.  The ring is little-endian, as is x86-64: nothing to swap.
 *
 * What a driver can get wrong, and what it costs it:
 *
 *	avail idx more than num ahead of us       the queue breaks
 *	head or next index >= the table's size    the queue breaks
 *	chain longer than its table (a loop), or
 *	  than 32768 in an indirect table         the queue breaks
 *	buffer outside RAM, or addr+len wrapping  the queue breaks
 *	chain of 4 GiB or more in total           the queue breaks
 *	INDIRECT not negotiated, with NEXT, or
 *	  inside a table; table length 0 or not
 *	  whole descriptors; table outside RAM    the queue breaks
 *	readable buffer after a writable one      the queue breaks
 *	more buffers than the device takes        chain given back unused
 *	bad size or rings at QueueReady           the queue stays disabled
 *	size, ring or feature writes while ready  ignored
 *
 * A broken queue logs one line, calls the transport's broken_cb (which
 * sets DEVICE_NEEDS_RESET) and does nothing more until reset.  Nothing
 * here exits: a guest can only hurt itself.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "virtio/queue.h"

/* The stores the guest watches, each made exactly once. */
static void write_once16(void *p, u16 v)
{
	*(volatile u16 *)p = v;
}

static void write_once32(void *p, u32 v)
{
	*(volatile u32 *)p = v;
}

static int bad_driver_vq(struct virtqueue *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void setup_complaint(struct virtqueue *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "lguest: blk0/req: bad driver: <what>", within the guest's budget of
 * log lines (log.h). */
static void vwarn_vq(struct virtqueue *vq, const char *fmt, va_list ap)
{
	guest_vwarn(vq->name, "bad driver", fmt, ap);
}

/*
 * The original Launcher's bad_driver_vq() killed the Launcher; ours breaks
 * the queue.  One line per breakage: vq_pop() looks no further at a broken
 * queue, so it stays broken, and silent, until the driver resets it.
 */
static int bad_driver_vq(struct virtqueue *vq, const char *fmt, ...)
{
	va_list ap;

	vq->broken = true;
	va_start(ap, fmt);
	vwarn_vq(vq, fmt, ap);
	va_end(ap);
	if (vq->broken_cb)
		vq->broken_cb(vq);
	return -EIO;
}

/* A complaint about set-up: the queue is not broken, the write is just
 * not taken. */
static void setup_complaint(struct virtqueue *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_vq(vq, fmt, ap);
	va_end(ap);
}

void vq_init(struct virtqueue *vq, const char *name, unsigned int index,
	     unsigned int num_max, const struct guest_mem *mem)
{
	assert(num_max && num_max <= VQ_NUM_LIMIT);
	assert((num_max & (num_max - 1)) == 0);
	memset(vq, 0, sizeof(*vq));
	snprintf(vq->name, sizeof(vq->name), "%s", name);
	vq->index = index;
	vq->num_max = num_max;
	vq->mem = mem;
	vq->kick_fd = vq->stop_fd = -1;
	vq_reset(vq);
}

void vq_reset(struct virtqueue *vq)
{
	vq->num = vq->num_max;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->event_idx = vq->indirect = vq->ready = false;
	memset(&vq->vring, 0, sizeof(vq->vring));
	vq->last_avail_idx = vq->used_idx = vq->used_flags = 0;
	vq->signalled_used = 0;
	vq->used_pending = vq->broken = false;
	vq->busy_pops = 0;
}

/*
 * Once a queue is ready its size and rings stay put until reset.  In
 * Firecracker before its 2019 hardening the queue registers stayed
 * writable after activation, so a guest could move or resize the rings
 * under a running device and turn that into out-of-bounds writes.
 */
static bool frozen(struct virtqueue *vq, const char *reg)
{
	if (!vq->ready)
		return false;
	setup_complaint(vq, "%s written while ready: ignored", reg);
	return true;
}

bool vq_set_num(struct virtqueue *vq, u32 num)
{
	if (frozen(vq, "queue size"))
		return false;
	vq->num = num;
	return true;
}

bool vq_set_addr(struct virtqueue *vq, enum vq_ring ring, u64 gpa)
{
	if (frozen(vq, "ring address"))
		return false;
	if (ring == VQ_DESC)
		vq->desc_gpa = gpa;
	else if (ring == VQ_AVAIL)
		vq->avail_gpa = gpa;
	else
		vq->used_gpa = gpa;
	return true;
}

bool vq_set_addr_half(struct virtqueue *vq, enum vq_ring ring, bool high,
		      u32 val)
{
	u64 old = ring == VQ_DESC    ? vq->desc_gpa
		  : ring == VQ_AVAIL ? vq->avail_gpa
				     : vq->used_gpa;

	if (high)
		old = (old & 0xffffffffULL) | ((u64)val << 32);
	else
		old = (old & ~0xffffffffULL) | val;
	return vq_set_addr(vq, ring, old);
}

bool vq_set_features(struct virtqueue *vq, u64 features)
{
	if (frozen(vq, "features"))
		return false;
	vq->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	return true;
}

/* The host address of one ring, or NULL (and a complaint). */
static void *ring_ptr(struct virtqueue *vq, const char *what, u64 gpa, u64 size,
		      u64 align)
{
	void *p;

	/*
	 * 2.7.1: "The driver MUST ensure that the physical address of the
	 * first byte of each virtqueue part is a multiple of the specified
	 * alignment value in the above table."
	 */
	if (gpa & (align - 1)) {
		setup_complaint(vq, "%s at %#llx not %llu-byte aligned", what,
				(unsigned long long)gpa,
				(unsigned long long)align);
		return NULL;
	}
	p = guest_ptr(vq->mem, gpa, size);
	if (!p)
		setup_complaint(vq, "%s %#llx+%llu outside RAM", what,
				(unsigned long long)gpa,
				(unsigned long long)size);
	return p;
}

int vq_enable(struct virtqueue *vq)
{
	u64 num = vq->num;
	void *desc, *avail, *used;

	if (vq->ready)
		return 0;
	/* 2.7: "Queue Size value is always a power of 2." */
	if (num == 0 || num > vq->num_max || (num & (num - 1))) {
		setup_complaint(vq, "queue size %llu: not a power of two <= %u",
				(unsigned long long)num, vq->num_max);
		return -EINVAL;
	}
	/* The sizes of 2.7's table, event fields included. */
	desc = ring_ptr(vq, "descriptor table", vq->desc_gpa,
			sizeof(struct vring_desc) * num, VRING_DESC_ALIGN_SIZE);
	if (!desc)
		return -EINVAL;
	avail = ring_ptr(vq, "available ring", vq->avail_gpa,
			 sizeof(struct vring_avail) + sizeof(__virtio16) * num +
				 sizeof(__virtio16),
			 VRING_AVAIL_ALIGN_SIZE);
	if (!avail)
		return -EINVAL;
	used = ring_ptr(vq, "used ring", vq->used_gpa,
			sizeof(struct vring_used) +
				sizeof(struct vring_used_elem) * num +
				sizeof(__virtio16),
			VRING_USED_ALIGN_SIZE);
	if (!used)
		return -EINVAL;

	vq->vring.num = num;
	vq->vring.desc = desc;
	vq->vring.avail = avail;
	vq->vring.used = used;
	vq->last_avail_idx = vq->used_idx = vq->signalled_used = 0;
	vq->used_flags = 0;
	vq->ready = true;
	return 0;
}

/*
 * A descriptor is copied out whole, once, before anything looks at it.
 * Indirect tables need not be aligned (the spec asks nothing of them), so
 * we copy bytes rather than load the fields.
 */
static struct vring_desc load_desc(const u8 *p)
{
	const volatile u8 *src = p;
	struct vring_desc d;
	u8 *dst = (u8 *)&d;

	for (size_t i = 0; i < sizeof(d); i++)
		dst[i] = src[i];
	return d;
}

/* Step onto the indirect table descriptor (d) points at: 0 or -EIO. */
static int enter_table(struct virtqueue *vq, const struct vring_desc *d,
		       bool in_table, const u8 **table, unsigned int *size)
{
	/*
	 * 2.7.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag
	 * unless the VIRTIO_F_INDIRECT_DESC feature was negotiated.   The
	 * driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an
	 * indirect descriptor (ie. only one table per descriptor)."
	 */
	if (!vq->indirect)
		return bad_driver_vq(vq, "indirect descriptor not negotiated");
	if (in_table)
		return bad_driver_vq(vq,
				     "indirect descriptor in indirect table");
	/* "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and
	 * VIRTQ_DESC_F_NEXT in flags." */
	if (d->flags & VRING_DESC_F_NEXT)
		return bad_driver_vq(vq, "indirect descriptor with NEXT");
	/* 2.7.5.3: the table is "struct virtq_desc desc[len / 16]": whole
	 * descriptors, and at least one, or the chain would be empty. */
	if (d->len == 0 || d->len % sizeof(struct vring_desc))
		return bad_driver_vq(vq, "indirect table length %u", d->len);
	*table = guest_ptr(vq->mem, d->addr, d->len);
	if (!*table)
		return bad_driver_vq(vq, "indirect table %#llx+%u outside RAM",
				     (unsigned long long)d->addr, d->len);
	/*
	 * 2.7.5.3.2: "The device MUST ignore the write-only flag
	 * (flags&VIRTQ_DESC_F_WRITE) in the descriptor that refers to an
	 * indirect table."  We never look at it.
	 */
	*size = d->len / sizeof(struct vring_desc);
	return 0;
}

/*L:405
 * Here the guest's promises are checked.  A descriptor chain is a linked
 * list the guest wrote into its own memory, and it can lie in every field:
 * the next index, the address, the length, the flags.  So we copy each
 * descriptor out once before looking at it, check each buffer with
 * guest_ptr(), count the links so a loop cannot keep us here, keep the
 * total under 4 GiB, and allow one level of indirect table, no more.  A
 * chain that breaks a rule breaks its queue, not the Launcher. :*/
/*
 * Follow chain (head) into (iov): 0, -EIO (the queue broke) or -E2BIG (a
 * good chain of more than max_iov buffers).  We walk the whole chain
 * either way, so a bad chain is always found, and the walk is bounded: at
 * most num descriptors, then at most VQ_NUM_LIMIT in an indirect table.
 */
static int walk_chain(struct virtqueue *vq, unsigned int head,
		      struct iovec *iov, unsigned int max_iov,
		      unsigned int *out_num, unsigned int *in_num)
{
	const u8 *table = (const u8 *)vq->vring.desc;
	unsigned int size = vq->vring.num, limit = size;
	unsigned int i = head, seen = 0, n = 0;
	bool in_table = false, writable = false;
	u64 total = 0;

	for (;;) {
		struct vring_desc d = load_desc(table + i * sizeof(d));
		void *buf;

		/*
		 * 2.7.5.3.1: "A driver MUST NOT create a descriptor chain
		 * longer than the Queue Size of the device."  A longer one
		 * loops.  An indirect table may hold more than num (Linux
		 * makes them so), but no chain longer than any queue.
		 */
		if (++seen > limit)
			return bad_driver_vq(vq, in_table
							 ? "descriptor loop in "
							   "indirect table"
							 : "descriptor loop");
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* 2.7.5.3.2: "The device MUST handle the case of
			 * zero or more normal chained descriptors followed
			 * by a single descriptor with
			 * flags&VIRTQ_DESC_F_INDIRECT." */
			if (enter_table(vq, &d, in_table, &table, &size))
				return -EIO;
			limit = MIN(size, VQ_NUM_LIMIT);
			in_table = true;
			i = seen = 0;
			continue;
		}
		/* 2.7.4.2: "The driver MUST place any device-writable
		 * descriptor elements after any device-readable descriptor
		 * elements." */
		if (d.flags & VRING_DESC_F_WRITE)
			writable = true;
		else if (writable)
			return bad_driver_vq(vq, "readable descriptor after "
						 "writable one");
		/*
		 * 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer
		 * than 2^32 bytes in total; this implies that loops in the
		 * descriptor chain are forbidden!"  We refuse 2^32 itself
		 * too, so a total always fits a used element's u32.
		 */
		total += d.len;
		if (total > UINT32_MAX)
			return bad_driver_vq(vq, "chain of 4 GiB or more");
		buf = guest_ptr(vq->mem, d.addr, d.len);
		if (!buf)
			return bad_driver_vq(vq, "buffer %#llx+%u outside RAM",
					     (unsigned long long)d.addr, d.len);
		if (n < max_iov) {
			iov[n].iov_base = buf;
			iov[n].iov_len = d.len;
			if (writable)
				(*in_num)++;
			else
				(*out_num)++;
		}
		n++;

		if (!(d.flags & VRING_DESC_F_NEXT))
			return n > max_iov ? -E2BIG : 0;
		i = d.next;
		if (i >= size)
			return bad_driver_vq(vq, "next index %u >= %u", i,
					     size);
	}
}

int vq_pop(struct virtqueue *vq, struct iovec *iov, unsigned int max_iov,
	   unsigned int *out_num, unsigned int *in_num)
{
	u16 avail_idx, head;
	int err;

	*out_num = *in_num = 0;
	if (!vq->ready || vq->broken)
		return -EIO;

	/*
	 * 2.7.6.1: "A driver MUST NOT decrement the available idx on a
	 * virtqueue (ie. there is no way to "unexpose" buffers)."  Nor can
	 * it offer more than num buffers at once, so an index further ahead
	 * than that is one or the other: the original's "Guest moved used
	 * index" check.
	 */
	avail_idx = read_once16(&vq->vring.avail->idx);
	if ((u16)(avail_idx - vq->last_avail_idx) > vq->vring.num)
		return bad_driver_vq(vq, "available index jumped from %u to %u",
				     vq->last_avail_idx, avail_idx);
	if (avail_idx == vq->last_avail_idx)
		return -EAGAIN;

	/* The driver wrote the ring entry and the chain before the index
	 * that exposed them: read them after it (the original's rmb()). */
	atomic_thread_fence(memory_order_acquire);

	head = read_once16(&vq->vring.avail->ring[vq->last_avail_idx &
						  (vq->vring.num - 1)]);
	vq->last_avail_idx++;
	if (head >= vq->vring.num)
		return bad_driver_vq(vq, "head index %u >= %u", head,
				     vq->vring.num);

	err = walk_chain(vq, head, iov, max_iov, out_num, in_num);
	if (err == -E2BIG) {
		/*
		 * 2.7.4.1: "The device MAY have a reasonable limit of
		 * descriptors it will allow in a chain."  Going past ours
		 * breaks no ring rule, so it costs the driver this chain,
		 * handed back unused, and not the queue.
		 */
		guest_warn("%s: chain %u has over %u buffers: returned unused",
			   vq->name, head, max_iov);
		add_used(vq, head, 0);
	}
	if (err) {
		*out_num = *in_num = 0;
		return err;
	}
	return head;
}

void add_used(struct virtqueue *vq, unsigned int head, u32 len)
{
	struct vring_used_elem *elem;

	assert(vq->ready && head < vq->vring.num);
	elem = &vq->vring.used->ring[vq->used_idx & (vq->vring.num - 1)];
	write_once32(&elem->id, head);
	write_once32(&elem->len, len);
	/*
	 * 2.7.8.2: "The device MUST set len prior to updating the used idx."
	 * The element, and whatever the device wrote into the buffers, must
	 * be visible before the index that hands them over: a release fence,
	 * the original's wmb().
	 */
	atomic_thread_fence(memory_order_release);
	vq->used_idx++;
	write_once16(&vq->vring.used->idx, vq->used_idx);
	vq->used_pending = true;
}

void trigger_irq(struct virtqueue *vq)
{
	bool need;

	if (!vq->ready || !vq->used_pending)
		return;
	vq->used_pending = false;

	/*
	 * Our used->idx store must reach the driver before we read whether
	 * it wants an interrupt, or we could both decide the other will act
	 * as it goes to sleep.  A store then a load: that takes a full
	 * fence, the original's mb().
	 */
	atomic_thread_fence(memory_order_seq_cst);

	if (vq->event_idx) {
		/*
		 * 2.7.7.2: "If the idx field in the used ring (which
		 * determined where that descriptor index was placed) was
		 * equal to used_event, the device MUST send a notification."
		 * vring_need_event() asks that of every index we published
		 * since we last decided.  "The device MUST ignore the lower
		 * bit of flags": we do not read them.
		 */
		u16 event = read_once16(&vring_used_event(&vq->vring));

		need = vring_need_event(event, vq->used_idx,
					vq->signalled_used);
	} else {
		/* 2.7.7.2: "If flags is 1, the device SHOULD NOT send a
		 * notification."  "If flags is 0, the device MUST send a
		 * notification."  Other bits mean nothing to us. */
		u16 flags = read_once16(&vq->vring.avail->flags);

		need = !(flags & VRING_AVAIL_F_NO_INTERRUPT);
	}
	vq->signalled_used = vq->used_idx;
	if (need && vq->interrupt)
		vq->interrupt(vq);
}

void add_used_and_trigger(struct virtqueue *vq, unsigned int head, u32 len)
{
	add_used(vq, head, len);
	trigger_irq(vq);
}

void vq_disable_notify(struct virtqueue *vq)
{
	/* 2.7.10.2: with event idx, "The device MUST set flags to 0"; we
	 * stop moving avail_event instead, and the driver's kicks stop once
	 * it has passed it. */
	if (!vq->ready || vq->event_idx)
		return;
	vq->used_flags |= VRING_USED_F_NO_NOTIFY;
	write_once16(&vq->vring.used->flags, vq->used_flags);
}

bool vq_enable_notify(struct virtqueue *vq)
{
	if (!vq->ready)
		return false;
	if (vq->event_idx) {
		/* The driver kicks once avail->idx passes avail_event
		 * (2.7.10.1): ask to hear of the very next buffer. */
		write_once16(&vring_avail_event(&vq->vring),
			     vq->last_avail_idx);
	} else {
		vq->used_flags &= ~VRING_USED_F_NO_NOTIFY;
		write_once16(&vq->vring.used->flags, vq->used_flags);
	}
	/*
	 * The driver may have added a buffer after our last look but before
	 * it saw our request, and will not kick for it.  So publish the
	 * request, then look again: a store then a load, a full fence.
	 */
	atomic_thread_fence(memory_order_seq_cst);
	return read_once16(&vq->vring.avail->idx) != vq->last_avail_idx;
}

/*
 * Sleep until the guest kicks us (0) or the transport stops us.  We sleep
 * in read() on the kick eventfd itself, as the 2009 Launcher's threads
 * did: one system call per kick, where a poll() first would be two.  A
 * stop arrives as a signal (worker.h), which ends the read with EINTR; a
 * kick eventfd that does not block (the unit tests' fake driver's) is
 * waited on with poll(), stop and all.
 */
static int wait_kick(struct virtqueue *vq)
{
	u64 count;

	for (;;) {
		if (read(vq->kick_fd, &count, sizeof(count)) == sizeof(count))
			return 0;
		if (errno == EAGAIN)
			return efd_wait(vq->kick_fd, vq->stop_fd);
		if (errno != EINTR)
			return -errno;
		if (efd_pending(vq->stop_fd))
			return -ESHUTDOWN;
	}
}

/*L:400
 * Every device's service thread is a loop around wait_for_vq_desc(): it
 * hands back the next chain of buffers the Guest offered, sleeping until
 * there is one.  The Guest "kicks" us by writing the queue's QueueNotify
 * register, which KVM turns into a write to our kick eventfd without ever
 * stopping in the Launcher.
 *
 * Kicks cost the Guest an exit each, so while we are draining the ring we
 * ask it not to bother, and only when we run dry do we ask again.  That is
 * also a good time to tell the Guest about everything we've used so far.
 * Where the original Launcher died on a Guest which scribbled on its ring,
 * vq_pop() breaks the queue and we return -EIO: the Guest gets to reset
 * the device, and the other devices never notice. :*/
int wait_for_vq_desc(struct virtqueue *vq, struct iovec *iov,
		     unsigned int max_iov, unsigned int *out_num,
		     unsigned int *in_num)
{
	bool rechecked = false;

	for (;;) {
		int head, err;

		/* A driver that keeps the ring full never lets us sleep, so
		 * every ring's worth of turns without sleep we look for a
		 * stop request anyway: a reset must not wait on the guest's
		 * goodwill. */
		if (++vq->busy_pops > vq->vring.num) {
			vq->busy_pops = 0;
			if (efd_pending(vq->stop_fd))
				return -ESHUTDOWN;
		}
		head = vq_pop(vq, iov, max_iov, out_num, in_num);
		if (head == -E2BIG) {
			rechecked = false; /* that one was what it saw */
			continue;	   /* handed back already: next one */
		}
		if (head != -EAGAIN)
			return head;
		/*
		 * vq_enable_notify() just saw the index ahead of us, and now
		 * it is not: it went backwards, which 2.7.6.1 forbids ("A
		 * driver MUST NOT decrement the available idx").  A driver
		 * can arrange it by laying a ring over another, where our own
		 * writes move its index; left alone, we would chase it for
		 * ever.
		 */
		if (rechecked)
			return bad_driver_vq(vq,
					     "available index went back "
					     "to %u",
					     vq->last_avail_idx);

		/* Since we're about to sleep, tell the Guest what we used. */
		trigger_irq(vq);

		/* Ask for kicks, then look once more before sleeping. */
		if (vq_enable_notify(vq)) {
			vq_disable_notify(vq);
			rechecked = true;
			continue;
		}

		/* 2.7.10.2: "The device MUST handle spurious notifications
		 * from the driver."  A kick with nothing new just loops. */
		err = wait_kick(vq);
		vq_disable_notify(vq);
		if (err)
			return err;
		rechecked = false;
		vq->busy_pops = 0;
	}
}
