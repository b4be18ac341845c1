/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's console output on its way to the user's stdout.  The serial
 * port (on a vCPU thread) and the virtio console (on its transmit thread)
 * put bytes in here and never wait for stdout themselves: one writer
 * thread of ours does.  A stdout that stops draining (a terminal held by
 * ^S, a pipe nobody reads) then fills this buffer, and the guest sees
 * what real hardware would show it, a port that is not ready; the vCPUs,
 * a reset, a reboot and our own exit never wait on it.
 */
#ifndef LGUEST_OUTPUT_H
#define LGUEST_OUTPUT_H

#include <pthread.h>

#include "sandbox.h"
#include "types.h"

#define OUTPUT_SIZE	(64 * 1024)
#define OUTPUT_ROOM_CBS 4

struct output {
	int fd; /* the user's stdout */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* the writer: more to write, or quit */
	u8 buf[OUTPUT_SIZE];
	size_t head, len;    /* held bytes: buf[head], len of them, wrapping */
	bool broken;	     /* stdout failed for good: bytes are dropped */
	u64 dropped;	     /* bytes lost to a broken stdout */
	atomic_bool midline; /* what we last wrote did not end a line */
	struct {
		void (*fn)(void *ctx);
		void *ctx;
	} room[OUTPUT_ROOM_CBS];
	unsigned int nroom;
	pthread_mutex_t room_lock; /* held while the callbacks run */
	pthread_t writer;
	bool started;
	const struct sandbox_rules *rules; /* the writer's, with the room
					      callbacks' calls */
};

/* Set (o) up to write to (fd), which stays the caller's.  Main thread,
 * during set-up. */
void output_init(struct output *o, int fd);

/* Call (fn)(ctx) from the writer thread whenever it has made room: how a
 * producer that found the buffer full learns it may go on.  (fn) must not
 * wait.  Main thread, during set-up. */
void output_on_room(struct output *o, void (*fn)(void *ctx), void *ctx);

/* Forget the callbacks with context (ctx): once this returns, none of
 * them runs any more.  Main thread. */
void output_off_room(struct output *o, void *ctx);

/* Start the writer thread, in the sandbox with the common calls and
 * (rules): those the room callbacks make.  Returns 0 or -errno.  Main
 * thread, once set-up has dropped privileges. */
int output_start(struct output *o, const struct sandbox_rules *rules);

/* Take up to (len) bytes of (buf) for stdout: returns how many fitted,
 * 0 when the buffer is full.  Never waits.  Any thread. */
size_t output_write(struct output *o, const void *buf, size_t len);

/* How many bytes output_write() would take now.  Any thread. */
size_t output_room(struct output *o);

/* Wait for everything held to reach stdout, for as long as each (ms)
 * milliseconds brings some of it there; then say on stderr how much is
 * dropped, if any.  Main thread, at exit. */
void output_flush(struct output *o, int ms);

/* Has the writer, since the last call, left the user's terminal in the
 * middle of a line?  log.c asks, to start its messages on a fresh line.
 * Any thread. */
bool output_take_midline(struct output *o);

#endif
