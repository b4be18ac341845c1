// SPDX-License-Identifier: GPL-2.0
/* The transport tests' echo device: see echo_device.h. */
#include "echo_device.h"

atomic_int echo_served;
atomic_uint echo_resets;

void echo_service(struct virtqueue *vq)
{
	struct iovec iov[8];
	unsigned int out, in;
	int head;

	while ((head = wait_for_vq_desc(vq, iov, 8, &out, &in)) >= 0) {
		add_used(vq, head, 1);
		atomic_fetch_add(&echo_served, 1);
	}
}

int echo_create(struct device *dev, const char *opt, char *err, size_t errlen)
{
	(void)opt;
	(void)err;
	(void)errlen;
	dev->features = 1ULL << ECHO_F_X;
	device_config(dev, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	return 0;
}

void echo_reset(struct device *dev)
{
	(void)dev;
	atomic_fetch_add(&echo_resets, 1);
}
