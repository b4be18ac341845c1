/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated virtio driver, for unit tests and fuzzers (Firecracker's
 * test_utils::VirtQueue, in C): fake guest RAM, one split ring laid out in
 * it, the driver's half of the protocol, and the ways a malicious driver
 * breaks it.  The device half under test is the real src/virtio/queue.c.
 *
 * Every function is the driver's, so any thread but the queue's service
 * thread; nothing here locks.
 */
#ifndef LGUEST_FAKE_DRIVER_H
#define LGUEST_FAKE_DRIVER_H

#include <pthread.h>

#include "virtio/queue.h"

/* One buffer: a guest-physical address and a length. */
struct fd_buf {
	u64 addr;
	u32 len;
};

/* What fd_init() builds; zero fields take the defaults. */
struct fd_config {
	unsigned int num;      /* queue size: 16 */
	unsigned int num_max;  /* the device's maximum: VQ_NUM_LIMIT */
	u64 features;	       /* negotiated: 1ULL << VIRTIO_RING_F_... */
	u64 ram_size;	       /* fake RAM: 1 MiB */
	u64 desc, avail, used; /* rings: packed from 0x1000 */
	void *ram;	       /* the caller's zeroed RAM, not a mapping */
};

struct fake_driver {
	struct guest_mem mem; /* fake RAM, mmap()ed */
	struct virtqueue vq;  /* the device side under test */
	unsigned int num;
	u64 desc, avail, used;	   /* where the rings are */
	u64 data_start, data_next; /* fd_alloc() hands out RAM from here */
	u64 data_high;		   /* the end of the most it handed out */
	bool ram_lent;		   /* (cfg)->ram: the caller's, not ours */
	u16 avail_idx;		   /* the next avail entry we fill */
	u16 next_desc;		   /* descriptors go round-robin */
	unsigned int interrupts;   /* vq.interrupt calls */
	unsigned int broken_calls; /* vq.broken_cb calls */

	/* A device's service routine in its own thread (fd_service_*). */
	pthread_t service_thread;
	void (*service)(struct virtqueue *vq);
	atomic_bool service_done; /* it returned */
};

/* The ways fd_add_bad() breaks the rules.  The table kinds need
 * VIRTIO_RING_F_INDIRECT_DESC, or "not negotiated" is found first. */
enum fd_bad {
	FD_BAD_LOOP,	      /* two descriptors that point at each other */
	FD_BAD_HEAD,	      /* avail entry (head) >= num */
	FD_BAD_NEXT,	      /* next >= num */
	FD_BAD_ADDR,	      /* buffer running past the end of RAM */
	FD_BAD_LEN_WRAP,      /* addr + len wraps around 2^64 */
	FD_BAD_TOTAL,	      /* chain of 4 GiB or more (needs big RAM) */
	FD_BAD_WRITE_READ,    /* readable buffer after a writable one */
	FD_BAD_AVAIL_JUMP,    /* avail idx moved num + 1 ahead */
	FD_BAD_NESTED,	      /* indirect descriptor in an indirect table */
	FD_BAD_INDIRECT_NEXT, /* INDIRECT together with NEXT */
	FD_BAD_TABLE_LEN,     /* table length not a multiple of 16 */
	FD_BAD_TABLE_EMPTY,   /* table length 0 */
	FD_BAD_TABLE_ADDR,    /* table running past the end of RAM */
	FD_BAD_TABLE_LOOP,    /* loop inside an indirect table */
	FD_BAD_COUNT
};

/*
 * Map fake RAM, lay out a ring of (cfg) num entries, wire up the device
 * side (vq_init(), eventfds, counting callbacks) and enable it as a driver
 * would.  Returns 0 or -errno (from vq_enable() too); call fd_free() after
 * either.
 *
 * With (cfg) ram, the RAM is the caller's instead: (cfg) ram_size bytes,
 * zero at least where the rings go, which fd_free() neither unmaps nor
 * cleans.  A fuzzer keeps one such block for all its inputs, zeroing what
 * each wrote (data_high helps): no fresh pages to fault in every time,
 * and with the block on the heap, or its edges poisoned, ASan still sees
 * a byte touched past either end.
 */
int fd_init(struct fake_driver *d, const struct fd_config *cfg);
void fd_free(struct fake_driver *d);

/*
 * A driver's view of a ring it gave a transport under test, which took it
 * from registers: size (num) at (desc), (avail) and (used) in RAM (mem),
 * which the caller owns, with buffers from (data) on.  fd_add_chain() and
 * the rest then work as after fd_init(); d->vq is unused, and fd_free()
 * is not for it (the RAM is the caller's).  The driver's avail index
 * starts at 0.
 */
void fd_view(struct fake_driver *d, const struct guest_mem *mem,
	     unsigned int num, u64 desc, u64 avail, u64 used, u64 data);

/* Host address of fake RAM at (gpa), or NULL outside it. */
void *fd_ptr(struct fake_driver *d, u64 gpa, u64 len);

/* (len) bytes of RAM for buffers and tables, 16-byte aligned; wraps round
 * to reuse the data area when it runs out. */
u64 fd_alloc(struct fake_driver *d, u64 len);
struct fd_buf fd_buf(struct fake_driver *d, u32 len);

/*
 * Offer a chain of (n_out) readable then (n_in) writable buffers: lay out
 * descriptors, fill the next avail entry and publish avail->idx.  Returns
 * the head, or -1 if the chain cannot be built.  fd_add_indirect() puts
 * the buffers in an indirect table behind a single descriptor.
 */
int fd_add_chain(struct fake_driver *d, const struct fd_buf *out,
		 unsigned int n_out, const struct fd_buf *in,
		 unsigned int n_in);
int fd_add_indirect(struct fake_driver *d, const struct fd_buf *out,
		    unsigned int n_out, const struct fd_buf *in,
		    unsigned int n_in);

/* Offer a chain broken as (kind) says.  Returns its head (or the avail
 * index for FD_BAD_AVAIL_JUMP), or -1 if it cannot be built here. */
int fd_add_bad(struct fake_driver *d, enum fd_bad kind);

/* Raw pieces: write descriptor (i) of the table; offer (head) as is. */
void fd_set_desc(struct fake_driver *d, u16 i, u64 addr, u32 len, u16 flags,
		 u16 next);
void fd_push_head(struct fake_driver *d, u16 head);

/* Signal the queue's kick eventfd, as KVM does on a QueueNotify write. */
void fd_kick(struct fake_driver *d);

/* The used ring as the driver reads it: entry (i) (mod num), idx, flags,
 * avail_event. */
struct vring_used_elem fd_used(struct fake_driver *d, u16 i);
u16 fd_used_idx(struct fake_driver *d);
u16 fd_used_flags(struct fake_driver *d);
u16 fd_avail_event(struct fake_driver *d);

/* The avail ring's hints: flags, used_event. */
void fd_set_avail_flags(struct fake_driver *d, u16 flags);
void fd_set_used_event(struct fake_driver *d, u16 event);

/* Run (service)(&d->vq) in its own thread, as the transport does from
 * DRIVER_OK.  Main (test) thread. */
void fd_service_start(struct fake_driver *d,
		      void (*service)(struct virtqueue *vq));

/* Stop it as the transport does: signal vq.stop_fd, join, clear the fd.
 * True if it returned within 5 s; if not it is left behind detached, so
 * the suite fails rather than hangs. */
bool fd_service_stop(struct fake_driver *d);

/* Has the service routine returned? */
bool fd_service_done(struct fake_driver *d);

/* Over 100 ms, does the service thread sleep rather than spin?  A
 * spinning thread burns most of that CPU time, even on a busy machine:
 * true if it used under 20 ms and has not returned. */
bool fd_service_sleeps(struct fake_driver *d);

/* Wait up to 5 s for the used index to reach (idx). */
bool fd_wait_used(struct fake_driver *d, u16 idx);

/* How many times the device interrupted us. */
unsigned int fd_interrupts(const struct fake_driver *d);

/* Catch what the device logs to stderr, from fd_log_start() until
 * fd_log_end(), which returns the number of lines and leaves their text
 * (up to 4 KiB) in fd_log: tests check for "lguest: <name>: bad driver:". */
extern char fd_log[4096];
void fd_log_start(void);
int fd_log_end(void);

#endif
