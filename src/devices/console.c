// SPDX-License-Identifier: GPL-2.0
/*
 * The console, virtio-console: virtio 1.2, section 5.3, with a single port
 * (no VIRTIO_CONSOLE_F_MULTIPORT, so no control queues).  Two queues, each
 * with its own thread: 0 "rx" (cons0/rx), the receiveq, where we write the
 * user's input into buffers the driver posted, and 1 "tx" (cons0/tx), the
 * transmitq, whose buffers we copy to the output fd.  We offer
 * VIRTIO_CONSOLE_F_SIZE when stdout is a terminal.  We never read stdin:
 * the Launcher's main thread does, and hands us keys through console.h.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "devices/console.h"
#include "fdio.h"

#define CONSOLE_QUEUE_SIZE 64
#define CONSOLE_MAX_IOV	   64

struct console {
	struct output *out;   /* where guest output goes, or NULL */
	int room_fd;	      /* eventfd: (out) made room */
	atomic_bool waiting;  /* the tx thread waits on room_fd */
	atomic_bool live;     /* the receive thread is running */
	atomic_bool spoken;   /* the guest wrote to us since reset */
	int input_fd;	      /* eventfd: console_input() added bytes */
	pthread_mutex_t lock; /* guards the input ring below */
	u8 ring[CONSOLE_INPUT_SIZE];
	size_t start, len; /* held input: ring[start], len bytes, wrapping */
};

/*
 * Pure request handling: iovecs in, bytes out, no queue in sight, so the
 * unit tests can call these directly.  First, guest output.
 */

int console_send(struct device *dev, const struct iovec *iov, unsigned int n,
		 int stop_fd)
{
	struct console *c = dev->priv;

	for (unsigned int i = 0; i < n && c->out; i++) {
		const u8 *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left) {
			size_t took = output_write(c->out, p, left);

			/* Full: wait for the writer to make room, as any
			 * program waits on a slow terminal, but never past a
			 * reset.  Say we wait before the last look, so the
			 * writer either leaves room for it or wakes us. */
			if (!took) {
				atomic_store(&c->waiting, true);
				took = output_write(c->out, p, left);
			}
			if (!took && efd_wait(c->room_fd, stop_fd)) {
				atomic_store(&c->waiting, false);
				return -ESHUTDOWN;
			}
			atomic_store(&c->waiting, false);
			p += took;
			left -= took;
		}
	}
	return 0;
}

/* Guest input: the ring console_input() fills and the rx thread drains. */
size_t console_take_input(struct device *dev, const struct iovec *iov,
			  unsigned int n)
{
	struct console *c = dev->priv;
	size_t total = 0;

	pthread_mutex_lock(&c->lock);
	for (unsigned int i = 0; i < n && c->len; i++) {
		u8 *dst = iov[i].iov_base;
		size_t room = iov[i].iov_len;

		while (room && c->len) {
			size_t chunk = MIN(MIN(room, c->len),
					   CONSOLE_INPUT_SIZE - c->start);

			memcpy(dst, c->ring + c->start, chunk);
			c->start = (c->start + chunk) % CONSOLE_INPUT_SIZE;
			c->len -= chunk;
			dst += chunk;
			room -= chunk;
			total += chunk;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return total;
}

static bool input_pending(struct console *c)
{
	bool pending;

	pthread_mutex_lock(&c->lock);
	pending = c->len != 0;
	pthread_mutex_unlock(&c->lock);
	return pending;
}

/*
 * Queue service routines.
 */

/*L:510
 * The console is two one-way pipes.  Output is the easy one: every buffer
 * the Guest sends on the transmit queue goes to our output, and the chain
 * goes back used, having had nothing written into it.
 *
 * Input is more interesting, because two things must meet: a key from the
 * user and an empty buffer from the Guest, and either may come first.  The
 * original Launcher's console thread read stdin itself; ours can't, since
 * the main thread owns stdin (it feeds the serial port too, and counts
 * ^C's), so it puts keys in a little ring here and pokes an eventfd.  This
 * thread then sleeps on whichever half is missing: on that eventfd while
 * there is no input, and on the Guest's kicks, inside wait_for_vq_desc(),
 * while there is input but no buffer.  Neither wait spins, and whatever
 * the Guest does with its ring, the most it can cost us is its own queue.
 *
 * We don't want kicks while we have nothing to say, so we start with them
 * turned off; wait_for_vq_desc() asks for them again when it runs dry.
 * Only once the thread runs are we "live": until then, and again after a
 * reset, the main thread gives keys to the serial port instead. :*/
static void console_rx(struct virtqueue *vq)
{
	struct console *c = vq->dev->priv;
	struct iovec iov[CONSOLE_MAX_IOV];
	unsigned int out, in;
	int head;

	if (!vq->ready)
		return;
	vq_disable_notify(vq);
	atomic_store(&c->live, true);
	for (;;) {
		if (!input_pending(c)) {
			/* Tell the Guest what it has, then wait for more. */
			trigger_irq(vq);
			if (efd_wait(c->input_fd, vq->stop_fd))
				break;
			continue;
		}
		head = wait_for_vq_desc(vq, iov, ARRAY_SIZE(iov), &out, &in);
		if (head < 0)
			break;
		/* 5.3.6.1: "The driver MUST NOT put a device-readable in a
		 * receiveq."  One that does gets them ignored. */
		add_used(vq, head,
			 (u32)console_take_input(vq->dev, iov + out, in));
	}
	atomic_store(&c->live, false);
}

static void console_tx(struct virtqueue *vq)
{
	struct console *c = vq->dev->priv;
	struct iovec iov[CONSOLE_MAX_IOV];
	unsigned int out, in;
	int head;

	/* wait_for_vq_desc() interrupts the Guest just before it sleeps, so
	 * a burst of output costs one interrupt, however many chains. */
	while ((head = wait_for_vq_desc(vq, iov, ARRAY_SIZE(iov), &out, &in)) >=
	       0) {
		if (console_send(vq->dev, iov, out, vq->stop_fd))
			return;
		if (out)
			atomic_store(&c->spoken, true);
		add_used(vq, head, 0);
	}
}

/*
 * The main thread's side (console.h).
 */

bool console_input_live(struct device *dev)
{
	struct console *c = dev->priv;

	return c && atomic_load(&c->live);
}

bool console_spoken(struct device *dev)
{
	struct console *c = dev->priv;

	return c && atomic_load(&c->spoken);
}

size_t console_input_room(struct device *dev)
{
	struct console *c = dev->priv;
	size_t room = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (atomic_load(&c->live))
		room = CONSOLE_INPUT_SIZE - c->len;
	pthread_mutex_unlock(&c->lock);
	return room;
}

size_t console_input(struct device *dev, const u8 *buf, size_t len)
{
	struct console *c = dev->priv;
	size_t n = 0, end, first;

	if (!c)
		return 0;
	/*
	 * We look at live under the lock: the rx thread clears it before it
	 * returns, and reset() empties the ring under the lock after that
	 * thread is joined, so no byte slips in behind reset()'s back.
	 */
	pthread_mutex_lock(&c->lock);
	if (atomic_load(&c->live))
		n = MIN(len, CONSOLE_INPUT_SIZE - c->len);
	if (n) {
		end = (c->start + c->len) % CONSOLE_INPUT_SIZE;
		first = MIN(n, CONSOLE_INPUT_SIZE - end);
		memcpy(c->ring + end, buf, first);
		memcpy(c->ring, buf + first, n - first);
		c->len += n;
	}
	pthread_mutex_unlock(&c->lock);
	if (n)
		efd_signal(c->input_fd);
	return n;
}

/* The writer made room: wake the tx thread, if it waits for that. */
static void output_room_cb(void *ctx)
{
	struct console *c = ctx;

	if (atomic_load(&c->waiting))
		efd_signal(c->room_fd);
}

void console_set_output(struct device *dev, struct output *out)
{
	struct console *c = dev->priv;

	c->out = out;
	output_on_room(out, output_room_cb, c);
}

/*
 * Config, features, reset.
 */

/* 5.3.4: cols and rows are valid with VIRTIO_CONSOLE_F_SIZE, which we
 * offer only when (fd) is a terminal that knows its size. */
static void offer_size(struct device *dev, int fd)
{
	struct virtio_console_config cfg;
	struct winsize ws;

	memset(&cfg, 0, sizeof(cfg));
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
		cfg.cols = htole16(ws.ws_col);
		cfg.rows = htole16(ws.ws_row);
		dev->features |= 1ULL << VIRTIO_CONSOLE_F_SIZE;
	}
	device_config(dev, &cfg, sizeof(cfg));
}

/* The input the old driver never took is not for the new one. */
static void console_reset(struct device *dev)
{
	struct console *c = dev->priv;

	pthread_mutex_lock(&c->lock);
	c->start = c->len = 0;
	pthread_mutex_unlock(&c->lock);
	efd_drain(c->input_fd);
	atomic_store(&c->live, false);
	atomic_store(&c->spoken, false);
}

static void console_destroy(struct device *dev)
{
	struct console *c = dev->priv;

	if (!c)
		return;
	if (c->out)
		output_off_room(c->out, c);
	close(c->input_fd);
	close(c->room_fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
	dev->priv = NULL;
}

/*
 * Set-up: the Launcher calls this itself, with no option value.
 */
static int console_create(struct device *dev, const char *opt, char *err,
			  size_t errlen)
{
	struct console *c;

	if (opt) {
		snprintf(err, errlen, "the console takes no option value");
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "no memory for the console");
		return -1;
	}
	c->input_fd = efd_open();
	c->room_fd = efd_open();
	if (c->input_fd < 0 || c->room_fd < 0) {
		snprintf(err, errlen,
			 "cannot create the console's eventfds: %s",
			 strerror(-MIN(c->input_fd, c->room_fd)));
		if (c->input_fd >= 0)
			close(c->input_fd);
		if (c->room_fd >= 0)
			close(c->room_fd);
		free(c);
		return -1;
	}
	pthread_mutex_init(&c->lock, NULL);
	atomic_init(&c->live, false);
	atomic_init(&c->spoken, false);
	dev->features = 0;
	offer_size(dev, STDOUT_FILENO);
	dev->priv = c;
	return 0;
}

const struct device_type console_type = {
	.name = "cons",
	.option = NULL, /* always there: the Launcher creates it */
	.virtio_id = VIRTIO_ID_CONSOLE,
	.num_queues = 2,
	.queue_names = {"rx", "tx"},
	.queue_size = CONSOLE_QUEUE_SIZE,
	.create = console_create,
	.service = {console_rx, console_tx},
	.reset = console_reset,
	.destroy = console_destroy,
	.usage = NULL,
};
