// SPDX-License-Identifier: GPL-2.0
/*
 * Queue service threads (thread.h).  No cancellation and no signals (the
 * original used both): a service routine returns when the transport
 * signals the queue's stop eventfd, and its thread parks until the next
 * DRIVER_OK.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "virtio/thread.h"

/*L:440
 * One thread per queue, as in the 2009 Launcher, but made once, at the
 * start, and parked between uses.  DRIVER_OK wakes it to run the device's
 * service routine; a reset signals the queue's stop eventfd, every wait
 * of the routine sees it, the routine returns, and the thread parks again.
 * Made at the start, each thread can lock itself into a sandbox cut to
 * its device before the guest ever runs. :*/
static void *thread_main(void *arg)
{
	struct vq_thread *t = arg;
	char name[16];

	/* Thread names are 15 characters at most: "blk0/req" fits. */
	memcpy(name, t->vq->name, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	pthread_setname_np(pthread_self(), name);
	sandbox_enter(t->vq->name, t->rules);

	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (!t->go && !t->quit)
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->quit)
			break;
		t->go = false;
		pthread_mutex_unlock(&t->lock);
		t->service(t->vq);
		pthread_mutex_lock(&t->lock);
		t->running = false;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int vq_thread_create(struct vq_thread *t, struct virtqueue *vq,
		     void (*service)(struct virtqueue *vq),
		     const struct sandbox_rules *rules)
{
	int err;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	t->vq = vq;
	t->service = service;
	t->rules = rules;
	err = pthread_create(&t->tid, NULL, thread_main, t);
	if (err)
		return -err;
	t->created = true;
	return 0;
}

void vq_thread_start(struct vq_thread *t)
{
	if (!t->created)
		return;
	pthread_mutex_lock(&t->lock);
	if (!t->running) {
		t->running = true;
		t->go = true;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
}

void vq_thread_park(struct vq_thread *t)
{
	if (!t->created)
		return;
	pthread_mutex_lock(&t->lock);
	while (t->running)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

bool vq_thread_running(struct vq_thread *t)
{
	bool running;

	if (!t->created)
		return false;
	pthread_mutex_lock(&t->lock);
	running = t->running;
	pthread_mutex_unlock(&t->lock);
	return running;
}

void vq_thread_destroy(struct vq_thread *t)
{
	if (!t->created)
		return;
	pthread_mutex_lock(&t->lock);
	t->quit = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->tid, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	t->created = false;
}
