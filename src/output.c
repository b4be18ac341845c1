// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's console output and its writer thread (output.h).
 *
 * Producers only ever add bytes to the free part of the ring; the writer
 * only ever writes out the held part and then frees it.  So the writer
 * can sit in write() for as long as stdout makes it, without the lock,
 * while the producers go on filling whatever room is left.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "output.h"
#include "sandbox.h"

void output_init(struct output *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	pthread_mutex_init(&o->room_lock, NULL);
	atomic_init(&o->midline, false);
}

void output_on_room(struct output *o, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&o->room_lock);
	if (o->nroom < OUTPUT_ROOM_CBS) {
		o->room[o->nroom].fn = fn;
		o->room[o->nroom].ctx = ctx;
		o->nroom++;
	}
	pthread_mutex_unlock(&o->room_lock);
}

void output_off_room(struct output *o, void *ctx)
{
	unsigned int kept = 0;

	pthread_mutex_lock(&o->room_lock);
	for (unsigned int i = 0; i < o->nroom; i++)
		if (o->room[i].ctx != ctx)
			o->room[kept++] = o->room[i];
	o->nroom = kept;
	pthread_mutex_unlock(&o->room_lock);
}

size_t output_write(struct output *o, const void *buf, size_t len)
{
	size_t n, end, first;

	pthread_mutex_lock(&o->lock);
	if (o->broken) {
		/* Nowhere to go: take it all, so the guest is not held up
		 * by a stdout the user has closed. */
		o->dropped += len;
		pthread_mutex_unlock(&o->lock);
		return len;
	}
	n = MIN(len, OUTPUT_SIZE - o->len);
	end = (o->head + o->len) % OUTPUT_SIZE;
	first = MIN(n, OUTPUT_SIZE - end);
	memcpy(o->buf + end, buf, first);
	memcpy(o->buf, (const u8 *)buf + first, n - first);
	o->len += n;
	if (n)
		pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	return n;
}

size_t output_room(struct output *o)
{
	size_t room;

	pthread_mutex_lock(&o->lock);
	room = o->broken ? OUTPUT_SIZE : OUTPUT_SIZE - o->len;
	pthread_mutex_unlock(&o->lock);
	return room;
}

/* Write (len) bytes at (p) to stdout: how many went, or -1 when stdout is
 * gone for good (EPIPE, EIO, EBADF: the user's business, not the
 * guest's).  A non-blocking stdout is waited on. */
static ssize_t write_some(int fd, const u8 *p, size_t len)
{
	for (;;) {
		ssize_t w = write(fd, p, len);
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};

		if (w > 0)
			return w;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && poll(&pfd, 1, -1) >= 0)
			continue;
		return -1;
	}
}

/*L:610
 * The writer thread is the only one that ever waits on the user's stdout.
 * It takes what the serial port and the virtio console left in the buffer
 * and writes it out; if stdout blocks, so does it, and nobody else.  When
 * it has made room it tells the producers, who were waiting (the console
 * thread, watching stop) or showing the guest a busy line (the UART). :*/
static void *writer_main(void *arg)
{
	struct output *o = arg;
	size_t n;
	ssize_t w;

	pthread_setname_np(pthread_self(), "output");
	sandbox_enter("output", o->rules);
	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (!o->len)
			pthread_cond_wait(&o->cond, &o->lock);
		/* The held bytes up to the end of the ring, written without
		 * the lock: nobody else touches them until we free them. */
		n = MIN(o->len, OUTPUT_SIZE - o->head);
		pthread_mutex_unlock(&o->lock);
		w = write_some(o->fd, o->buf + o->head, n);
		if (w > 0)
			atomic_store(&o->midline,
				     o->buf[o->head + w - 1] != '\n');
		pthread_mutex_lock(&o->lock);
		if (w < 0) {
			o->broken = true;
			o->dropped += o->len;
			w = o->len;
		}
		o->head = (o->head + w) % OUTPUT_SIZE;
		o->len -= w;
		pthread_cond_broadcast(&o->cond); /* output_flush() */
		pthread_mutex_unlock(&o->lock);
		pthread_mutex_lock(&o->room_lock);
		for (unsigned int i = 0; i < o->nroom; i++)
			o->room[i].fn(o->room[i].ctx);
		pthread_mutex_unlock(&o->room_lock);
		pthread_mutex_lock(&o->lock);
	}
	return NULL;
}

int output_start(struct output *o, const struct sandbox_rules *rules)
{
	o->rules = rules;
	int err = pthread_create(&o->writer, NULL, writer_main, o);

	if (err)
		return -err;
	/* Nobody joins the writer: at exit it may be stuck in write() on a
	 * stdout that never drains, and it holds nothing anyone needs. */
	pthread_detach(o->writer);
	o->started = true;
	return 0;
}

void output_flush(struct output *o, int ms)
{
	struct timespec deadline;
	size_t left, before;

	/* A stdout that drains, however slowly, gets everything: we wait as
	 * long as each (ms) brings progress.  One that does not is given up
	 * on after (ms). */
	pthread_mutex_lock(&o->lock);
	do {
		before = o->len;
		deadline = deadline_in(ms);
		while (o->started && o->len && !o->broken &&
		       pthread_cond_timedwait(&o->cond, &o->lock, &deadline) ==
			       0)
			;
	} while (o->started && o->len && !o->broken && o->len < before);
	left = o->broken ? 0 : o->len;
	pthread_mutex_unlock(&o->lock);
	if (left)
		warn("%zu bytes of guest output were dropped: stdout is not "
		     "taking any more",
		     left);
}

bool output_take_midline(struct output *o)
{
	return atomic_exchange(&o->midline, false);
}
