/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One thread per virtqueue: the 2009 Launcher change "have example
 * Launcher service all devices in separate threads", kept.  A transport
 * starts a queue's thread when the driver says DRIVER_OK and stops it on
 * reset; the thread runs the device's service routine, which sleeps on the
 * queue's kick eventfd and returns once the stop eventfd is signalled.
 */
#ifndef LGUEST_VIRTIO_THREAD_H
#define LGUEST_VIRTIO_THREAD_H

#include <pthread.h>

#include "virtio/queue.h"

struct vq_thread {
	pthread_t tid;
	bool running; /* started and not yet joined */
	struct virtqueue *vq;
	void (*service)(struct virtqueue *vq);
};

/* Run (service)(vq) in a new thread named vq->name.  Returns 0, or
 * -errno (logged) if the host would not give us a thread; the queue then
 * simply never runs.  Transport thread. */
int vq_thread_start(struct vq_thread *t, struct virtqueue *vq,
		    void (*service)(struct virtqueue *vq));

/* Wait for (t)'s thread to finish, if it runs.  The caller has signalled
 * vq->stop_fd first.  Transport thread. */
void vq_thread_join(struct vq_thread *t);

#endif
