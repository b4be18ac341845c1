/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A worker: a thread made once, at set-up, that runs one job over and over
 * on demand and waits, parked, in between.  Each virtqueue's service thread
 * is one (the 2009 Launcher change "have example Launcher service all
 * devices in separate threads"), and so is each vCPU.  Made up front,
 * before the Launcher gives up its privileges and before the guest runs,
 * a worker can lock itself into a sandbox fitted to its job (sandbox.h):
 * a thread made later would inherit the sandbox of whichever thread made
 * it.  No cancellation and no signals end a job: the job returns when its
 * owner asks it to, in whatever way the job watches (a stop eventfd for a
 * queue, a flag and KVM_RUN's EINTR for a vCPU).
 */
#ifndef LGUEST_WORKER_H
#define LGUEST_WORKER_H

#include <pthread.h>

#include "sandbox.h"
#include "types.h"

struct worker {
	pthread_t tid;
	bool created;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go;      /* the owner wants the job run */
	bool running; /* the job has not returned yet */
	bool quit;    /* leave for good (at exit) */
	char name[16];
	const struct sandbox_rules *rules;
	void (*job)(void *arg);
	void *arg;
};

/* Make (w)'s thread, named (name) (15 characters are kept), which enters
 * the sandbox with (rules) and then waits to run (job)(arg).  Returns 0 or
 * -errno.  Main thread, during set-up. */
int worker_create(struct worker *w, const char *name,
		  const struct sandbox_rules *rules, void (*job)(void *arg),
		  void *arg);

/* Run the job once, unless it is running already.  The owner's thread. */
void worker_start(struct worker *w);

/* Wait up to (ms) milliseconds (-1: for ever) for the job to have
 * returned: true once it has.  The owner has asked it to return.  The
 * owner's thread. */
bool worker_wait(struct worker *w, int ms);

/* Is the job running?  Any thread. */
bool worker_running(struct worker *w);

/* End the thread for good and join it; the job must have returned.  Main
 * thread, at exit. */
void worker_destroy(struct worker *w);

#endif
