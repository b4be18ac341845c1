/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a virtio split virtqueue (virtio 1.2, section 2.7),
 * with the original Launcher's verbs: wait_for_vq_desc(), add_used(),
 * trigger_irq() and add_used_and_trigger().  Every address, index and
 * length the guest wrote is checked before we follow it; a guest that
 * breaks the ring's rules breaks only its own queue (see vq_pop()).
 *
 * Two threads touch a queue.  The transport (a vCPU thread handling MMIO)
 * sets it up with vq_set_*(), vq_enable() and vq_reset() while the queue's
 * service thread is not running; the service thread alone pops chains and
 * returns them.
 */
#ifndef LGUEST_VIRTIO_QUEUE_H
#define LGUEST_VIRTIO_QUEUE_H

#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "guest_mem.h"
#include "types.h"

struct device;

/* The largest queue the split ring allows (2.7: "The maximum Queue Size
 * value is 32768"). */
#define VQ_NUM_LIMIT 32768

struct virtqueue {
	/* Wiring: vq_init() fills the first four fields, the transport the
	 * rest; vq_reset() keeps all of it. */
	char name[24];		     /* "blk0/req": thread name, log prefix */
	unsigned int index;	     /* queue number within its device */
	unsigned int num_max;	     /* largest size we offer (QueueNumMax) */
	const struct guest_mem *mem; /* the guest's RAM */
	/* The eventfd a QueueNotify write signals (KVM ioeventfd), and the
	 * one the transport writes to stop the service thread. */
	int kick_fd, stop_fd;
	/* A used buffer notification (InterruptStatus + irqfd), and the
	 * driver breaking the rules (DEVICE_NEEDS_RESET + config interrupt):
	 * both called from the service thread. */
	void (*interrupt)(struct virtqueue *vq);
	void (*broken_cb)(struct virtqueue *vq);
	struct device *dev; /* the device whose queue this is */

	/* What the driver wrote through the transport (guest-controlled):
	 * taken as written, checked by vq_enable(), frozen while ready. */
	u32 num;
	u64 desc_gpa, avail_gpa, used_gpa;
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	bool ready;	/* vq_enable() accepted the rings */

	/* Our view of the rings, resolved once by vq_enable(): guest RAM
	 * never moves while the guest runs. */
	struct vring vring;

	/* The service thread's state. */
	u16 last_avail_idx; /* next avail entry we will take */
	u16 used_idx;	    /* our copy of used->idx: we never read it back */
	u16 used_flags;	    /* our copy of used->flags */
	u16 signalled_used; /* used_idx when trigger_irq() last decided */
	bool used_pending;  /* add_used() since the last trigger_irq() */
	bool broken;	    /* the driver broke the rules: until vq_reset() */
	unsigned int busy_pops; /* chains taken since we last slept */
};

/* Which ring vq_set_addr() places. */
enum vq_ring { VQ_DESC, VQ_AVAIL, VQ_USED };

/*
 * Set up (vq) at power-on: no rings, not ready, (num) = (num_max), both fds
 * -1 and no callbacks.  (name) is copied (truncated to fit); (num_max) must
 * be a power of two no larger than VQ_NUM_LIMIT.  Main thread, while the
 * device is created.
 */
void vq_init(struct virtqueue *vq, const char *name, unsigned int index,
	     unsigned int num_max, const struct guest_mem *mem);

/*
 * The driver's QueueNum, QueueDesc/Driver/Device and feature writes.  The
 * values are guest-controlled and only stored here; vq_enable() judges
 * them.  While the queue is ready the write is ignored, logged, and false
 * returned; otherwise true.  vq_set_features() keeps the
 * two ring feature bits (VIRTIO_RING_F_EVENT_IDX, _INDIRECT_DESC) of the
 * negotiated (features).  The transport's thread; the service thread may be
 * running, as these only read (ready), which only the transport writes.
 */
bool vq_set_num(struct virtqueue *vq, u32 num);
bool vq_set_addr(struct virtqueue *vq, enum vq_ring ring, u64 gpa);
/* Both transports hand a ring's address over as two 32-bit halves: the
 * low one, or (high) the high one, keeping the other half as it was. */
bool vq_set_addr_half(struct virtqueue *vq, enum vq_ring ring, bool high,
		      u32 val);
bool vq_set_features(struct virtqueue *vq, u64 features);

/*
 * The driver's QueueReady = 1.  Checks that (num) is a power of two no
 * larger than (num_max) and that each ring lies wholly inside guest RAM
 * with the alignment 2.7 asks for, then resolves the three host pointers
 * once.  Returns 0 (also when already ready), or -EINVAL with one log line
 * "lguest: <name>: bad driver: <what>" and the queue left not ready; the
 * transport decides what that costs (DEVICE_NEEDS_RESET, as for a broken
 * queue).  Transport thread, service thread not running.
 */
int vq_enable(struct virtqueue *vq);

/*
 * Back to power-on: rings, registers, features, indices and the broken
 * flag are forgotten; the wiring stays.  Transport thread, after the
 * service thread has been stopped and joined.
 */
void vq_reset(struct virtqueue *vq);

/*
 * Take the next available descriptor chain, without blocking.  Fills
 * (iov)[0..(max_iov)-1] with host pointers for exactly each descriptor's
 * range, device-readable ("out") buffers first, then device-writable
 * ("in") ones, and sets (*out_num) and (*in_num).  The chain's total length
 * fits in a u32.
 *
 * Returns the chain's head index (0..num-1), to hand back to add_used();
 * -EAGAIN when nothing is available; -EIO when the queue is not ready or is
 * broken.  A driver that breaks a ring rule (see the table in queue.c)
 * breaks the queue: one log line "lguest: <name>: bad driver: <what>",
 * (broken_cb) called, and -EIO from now until vq_reset().
 *
 * A good chain of more than (max_iov) buffers breaks no rule of the ring;
 * it is a limit of this device (2.7.4.1 lets a device have one).  We give
 * the chain straight back to the driver, used with length 0, log once
 * until reset and return -E2BIG; the queue goes on.
 *
 * The ring contents are guest-controlled.  Service thread only.
 */
int vq_pop(struct virtqueue *vq, struct iovec *iov, unsigned int max_iov,
	   unsigned int *out_num, unsigned int *in_num);

/*
 * As vq_pop(), but when nothing is available it tells the guest about
 * everything used so far (trigger_irq()), re-enables kicks and sleeps on
 * (kick_fd) and (stop_fd).  Chains too long for (max_iov) are given back
 * and skipped.  Returns a head, -EIO if the queue is (or just became)
 * broken, or -ESHUTDOWN once (stop_fd) is signalled; (stop_fd) is left
 * signalled for the transport to clear.  A service routine returns on any
 * negative value.  Service thread only.
 */
int wait_for_vq_desc(struct virtqueue *vq, struct iovec *iov,
		     unsigned int max_iov, unsigned int *out_num,
		     unsigned int *in_num);

/*
 * Return chain (head), from vq_pop(), to the driver, saying (len) bytes
 * were written into its writable buffers.  Publishes the new used index but
 * does not interrupt: see trigger_irq().  Service thread only.
 */
void add_used(struct virtqueue *vq, unsigned int head, u32 len);

/*
 * Interrupt the guest (the (interrupt) callback) if it asked to hear about
 * the chains used since the last call: with VIRTIO_RING_F_EVENT_IDX by its
 * used_event index, else unless it set VRING_AVAIL_F_NO_INTERRUPT.  Both
 * are guest-controlled hints.  Service thread only.
 */
void trigger_irq(struct virtqueue *vq);

/* add_used() then trigger_irq(): one chain, one decision.  Service thread
 * only. */
void add_used_and_trigger(struct virtqueue *vq, unsigned int head, u32 len);

/*
 * Ask the driver not to kick us (VRING_USED_F_NO_NOTIFY; with event idx we
 * simply stop moving avail_event).  A hint: kicks may still come.  Service
 * thread only, while it drains the ring.
 */
void vq_disable_notify(struct virtqueue *vq);

/*
 * Ask the driver to kick us for the next buffer, then look again: returns
 * true if buffers arrived meanwhile (they may never be kicked), so the
 * caller should disable kicks and go on draining instead of sleeping.
 * Service thread only.
 */
bool vq_enable_notify(struct virtqueue *vq);

#endif
