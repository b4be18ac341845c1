// SPDX-License-Identifier: GPL-2.0
/*
 * Queue service threads.  No cancellation and no signals (the original
 * used both): a thread ends when its service routine returns, which it
 * does when the transport writes the queue's stop eventfd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "virtio/thread.h"

static void *thread_main(void *arg)
{
	struct vq_thread *t = arg;
	char name[16];

	/* Thread names are 15 characters at most: "blk0/req" fits. */
	memcpy(name, t->vq->name, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	pthread_setname_np(pthread_self(), name);
	t->service(t->vq);
	return NULL;
}

int vq_thread_start(struct vq_thread *t, struct virtqueue *vq,
		    void (*service)(struct virtqueue *vq))
{
	int err;

	if (t->running)
		return 0;
	t->vq = vq;
	t->service = service;
	err = pthread_create(&t->tid, NULL, thread_main, t);
	if (err) {
		warn("%s: cannot start its thread: %s", vq->name,
		     strerror(err));
		return -err;
	}
	t->running = true;
	return 0;
}

void vq_thread_join(struct vq_thread *t)
{
	if (!t->running)
		return;
	pthread_join(t->tid, NULL);
	t->running = false;
}
