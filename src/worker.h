/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A worker: a thread made once, at set-up, that runs one job over and over
 * on demand and waits, parked, in between.  Each virtqueue's service thread
 * is one (the 2009 Launcher change "have example Launcher service all
 * devices in separate threads"), and so is each vCPU.  Made up front,
 * before the Launcher gives up its privileges and before the guest runs,
 * a worker can lock itself into a sandbox fitted to its job (sandbox.h):
 * a thread made later would inherit the sandbox of whichever thread made
 * it.  No cancellation ends a job: the job returns when its owner asks it
 * to, and watches for that in every wait.  A wait in poll() watches a stop
 * eventfd; a job that sleeps in a plain blocking call instead (KVM_RUN, a
 * read() of its kick eventfd, a readv() of a tap: each one system call
 * fewer per wake-up than a poll() first) is woken by a signal, which makes
 * the call return EINTR, and then looks at its stop flag or eventfd.
 */
#ifndef LGUEST_WORKER_H
#define LGUEST_WORKER_H

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

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

/* Wait for the job to return, poking its thread with WORKER_SIGNAL after
 * 1, 2, 4, 8 and then every 10 ms until it does: a job asleep in a blocking call wakes with EINTR,
 * and one between calls meets its stop on the next loop.  The owner has
 * asked the job to stop first.  The owner's thread. */
void worker_interrupt(struct worker *w);

/* End the thread for good and join it; the job must have returned.  Main
 * thread, at exit. */
void worker_destroy(struct worker *w);

/* The signal that interrupts a worker's blocking call.  Its handler does
 * nothing, and has no SA_RESTART, which is the point; the first
 * worker_create() installs it. */
#define WORKER_SIGNAL SIGUSR1

/* The sandbox rule for a thread that stops workers (a reset, a vCPU's
 * stop): tgkill() of our own process, with WORKER_SIGNAL and no other. */
#define SANDBOX_SIGNAL_WORKERS                                                 \
	SANDBOX_ARG2(SYS_tgkill, 0, SANDBOX_OWN_PID, 2, WORKER_SIGNAL)

#endif
