// SPDX-License-Identifier: GPL-2.0
/*
 * Workers (worker.h).
 */
#include <errno.h>
#include <string.h>

#include "deadline.h"
#include "worker.h"

/*L:440
 * Every thread that serves the guest is made once, at the start, and
 * parked between uses: one per virtqueue, as in the 2009 Launcher, and
 * one per vCPU.  A queue's thread wakes when the driver says DRIVER_OK
 * and runs the device's service routine; a reset signals the queue's stop
 * eventfd, every wait of the routine sees it, the routine returns, and
 * the thread parks again.  Because they are all made before the guest
 * runs, each can lock itself into a sandbox cut to its job while nothing
 * the guest wrote has reached it yet. :*/
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_setname_np(pthread_self(), w->name);
	sandbox_enter(w->name, w->rules);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->go && !w->quit)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->quit)
			break;
		w->go = false;
		pthread_mutex_unlock(&w->lock);
		w->job(w->arg);
		pthread_mutex_lock(&w->lock);
		w->running = false;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void interrupted(int sig)
{
	(void)sig;
}

static void worker_init_signals(void)
{
	struct sigaction sa = {.sa_handler = interrupted};

	sigemptyset(&sa.sa_mask);
	sigaction(WORKER_SIGNAL, &sa, NULL);
}

int worker_create(struct worker *w, const char *name,
		  const struct sandbox_rules *rules, void (*job)(void *arg),
		  void *arg)
{
	static pthread_once_t signals = PTHREAD_ONCE_INIT;
	int err;

	/* Before the first worker exists, so no WORKER_SIGNAL can find
	 * the process without a handler (and end it). */
	pthread_once(&signals, worker_init_signals);
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	/* Thread names are 15 characters at most: "blk0/req" fits. */
	memcpy(w->name, name, MIN(strlen(name), sizeof(w->name) - 1));
	w->rules = rules;
	w->job = job;
	w->arg = arg;
	err = pthread_create(&w->tid, NULL, worker_main, w);
	if (err)
		return -err;
	w->created = true;
	return 0;
}

void worker_start(struct worker *w)
{
	if (!w->created)
		return;
	pthread_mutex_lock(&w->lock);
	if (!w->running) {
		w->running = true;
		w->go = true;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

bool worker_wait(struct worker *w, int ms)
{
	struct timespec deadline = deadline_in(ms < 0 ? 0 : ms);
	bool done;

	if (!w->created)
		return true;
	pthread_mutex_lock(&w->lock);
	while (w->running) {
		if (ms < 0)
			pthread_cond_wait(&w->cond, &w->lock);
		else if (pthread_cond_timedwait(&w->cond, &w->lock,
						&deadline) == ETIMEDOUT)
			break;
	}
	done = !w->running;
	pthread_mutex_unlock(&w->lock);
	return done;
}

bool worker_running(struct worker *w)
{
	bool running;

	if (!w->created)
		return false;
	pthread_mutex_lock(&w->lock);
	running = w->running;
	pthread_mutex_unlock(&w->lock);
	return running;
}

void worker_destroy(struct worker *w)
{
	if (!w->created)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->tid, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	w->created = false;
}

void worker_interrupt(struct worker *w)
{
	int ms = 1;

	/* A signal that lands just before the job's blocking call is lost
	 * on it (the call has not begun, so nothing returns EINTR): poke
	 * again soon, then back off to every 10 ms. */
	while (worker_running(w)) {
		pthread_kill(w->tid, WORKER_SIGNAL);
		if (worker_wait(w, ms))
			break;
		ms = MIN(ms * 2, 10);
	}
}
