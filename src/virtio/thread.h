/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One thread per virtqueue: the 2009 Launcher change "have example
 * Launcher service all devices in separate threads", kept.  Each queue's
 * thread is made once, when its device is, and then waits, parked: the
 * transport sets it going when the driver says DRIVER_OK, and on reset
 * it signals the queue's stop eventfd and waits until the thread has
 * parked again.  Making the threads up front, before the Launcher gives
 * up its privileges, lets each one lock itself into a sandbox fitted to
 * its device (sandbox.h): a thread made later would inherit the sandbox
 * of whichever thread made it.
 */
#ifndef LGUEST_VIRTIO_THREAD_H
#define LGUEST_VIRTIO_THREAD_H

#include <pthread.h>

#include "sandbox.h"
#include "virtio/queue.h"

struct vq_thread {
	pthread_t tid;
	bool created;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go;      /* the transport wants the service routine run */
	bool running; /* the service routine has not returned yet */
	bool quit;    /* leave for good (at exit) */
	struct virtqueue *vq;
	void (*service)(struct virtqueue *vq);
	const struct sandbox_rules *rules; /* what the service may do */
};

/* Make (t)'s thread, named vq->name, parked until vq_thread_start().  It
 * enters the sandbox with (rules) once the Launcher has one (sandbox.h).
 * Returns 0, or -errno if the host would not give us a thread.  Main
 * thread, during set-up. */
int vq_thread_create(struct vq_thread *t, struct virtqueue *vq,
		     void (*service)(struct virtqueue *vq),
		     const struct sandbox_rules *rules);

/* Run the service routine, once, unless it runs already.  Transport
 * thread. */
void vq_thread_start(struct vq_thread *t);

/* Wait until the service routine has returned and the thread is parked
 * again.  The caller has signalled vq->stop_fd first.  Transport
 * thread. */
void vq_thread_park(struct vq_thread *t);

/* Is the service routine running?  Any thread. */
bool vq_thread_running(struct vq_thread *t);

/* End the thread for good and join it.  The service routine must not be
 * running (vq_thread_park() first).  Main thread, at exit. */
void vq_thread_destroy(struct vq_thread *t);

#endif
