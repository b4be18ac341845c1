// SPDX-License-Identifier: GPL-2.0
/*
 * The entropy device, virtio-rng: virtio 1.2, section 5.4.  One queue,
 * "req", serviced by its own thread (rng0/req): the driver offers
 * writable buffers and we fill them from the host's getrandom().  No
 * features and no config space.  (--rng)
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/virtio_ids.h>

#include "devices/rng.h"

#define RNG_QUEUE_SIZE 64
#define RNG_MAX_IOV    64
/* The most we hand out per request.  Linux asks for 64 bytes at a time;
 * a driver asking for more simply gets less, and the used length says
 * how much. */
#define RNG_MAX_REQUEST (64 * KiB)

/*
 * rng has no header: only tests/unit/test_rng.c calls this besides the
 * queue thread below, and it declares it too.
 *
 * Fill the writable buffers (iov)[0..(n)-1] with random bytes, in order,
 * up to RNG_MAX_REQUEST in all.  Returns the bytes written: the used
 * length.  The buffers are guest memory (already checked); their lengths
 * are guest-controlled.  Any thread.
 */

/* (len) random bytes into (buf): how many we got. */
static size_t fill_random(u8 *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = getrandom(buf + done, len - done, 0);

		if (r < 0 && errno == EINTR)
			continue;
		/* No randomness to be had (ENOSYS under a strange
		 * seccomp?): the guest gets what we have so far. */
		if (r <= 0)
			break;
		done += r;
	}
	return done;
}

size_t rng_fill(const struct iovec *iov, unsigned int n)
{
	size_t total = 0;

	for (unsigned int i = 0; i < n && total < RNG_MAX_REQUEST; i++) {
		size_t want = MIN(iov[i].iov_len, RNG_MAX_REQUEST - total);
		size_t got = fill_random(iov[i].iov_base, want);

		total += got;
		if (got < want)
			break;
	}
	return total;
}

/*L:520
 * The Guest wants randomness: it offers empty buffers and we fill them.
 * The original Launcher read /dev/urandom with readv() straight into the
 * Guest's buffers; we use getrandom(), which has no file to open (or to
 * lose to a chroot after --chroot drops privilege).
 *
 * 5.4.6.2: "The device MUST place one or more random bytes into the
 * buffer, but it MAY use less than the entire buffer length."  So a
 * driver asking for a megabyte gets 64 KiB and is told so by the used
 * length; it will simply ask again.  The interrupts take care of
 * themselves: wait_for_vq_desc() tells the Guest about everything we've
 * filled just before it goes to sleep, so a burst of requests costs one
 * interrupt. :*/
static void rng_req(struct virtqueue *vq)
{
	struct iovec iov[RNG_MAX_IOV];
	unsigned int out, in;
	int head;

	/* 5.4.6.1: "The driver MUST NOT place device-readable buffers into
	 * the queue."  One that does gets them ignored. */
	while ((head = wait_for_vq_desc(vq, iov, ARRAY_SIZE(iov), &out, &in)) >=
	       0)
		add_used(vq, head, (u32)rng_fill(iov + out, in));
}

static int rng_create(struct device *dev, const char *opt, char *err,
		      size_t errlen)
{
	(void)opt; /* --rng takes no value: main.c never passes one */
	(void)err;
	(void)errlen;
	dev->features = 0;
	dev->config_size = 0;
	dev->priv = NULL;
	return 0;
}

/* Beyond what every thread may: the host's randomness. */
static const struct sandbox_call rng_calls[] = {
	SANDBOX_ANY(SYS_getrandom),
};
static const struct sandbox_rules rng_rules =
	SANDBOX_RULES("rng/req", rng_calls);

const struct device_type rng_type = {
	.name = "rng",
	.option = "rng",
	.option_has_value = false,
	.repeatable = false,
	.virtio_id = VIRTIO_ID_RNG,
	.num_queues = 1,
	.queue_names = {"req"},
	.queue_size = RNG_QUEUE_SIZE,
	.create = rng_create,
	.service = {rng_req},
	.sandbox = {&rng_rules},
	.usage = "  --rng               a virtio random number generator",
};
