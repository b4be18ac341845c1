/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The narrow contract between a virtio device and its transport.  A device
 * (src/devices/) declares what it is: a virtio device ID, its features, its
 * config bytes, its queues and one service routine per queue, lguest's
 * vq->service.  The transport (virtio/mmio.c today, vhost-user later)
 * gives it guest memory, one kick eventfd and one interrupt per queue, and
 * runs each service routine in its own thread from DRIVER_OK to reset.
 *
 * A device knows nothing of KVM or MMIO, so the unit tests can drive it
 * with the simulated driver of tests/unit/fake_driver.h.
 */
#ifndef LGUEST_VIRTIO_DEVICE_H
#define LGUEST_VIRTIO_DEVICE_H

#include <stddef.h>

#include "guest_mem.h"
#include "types.h"
#include "virtio/queue.h"

#define DEVICE_MAX_QUEUES 4
#define DEVICE_CONFIG_MAX 256 /* virtio-mmio's window holds 0x100..0xfff */

struct device;

struct device_type {
	/* Short name: threads and log lines are "<name><n>/<queue>"
	 * ("blk0/req"), and the option is --<option>. */
	const char *name;
	const char *option;	/* "block" for --block=FILE */
	bool option_has_value;	/* --block=FILE yes, --rng no */
	bool repeatable;	/* may the option be given more than once? */
	unsigned int virtio_id; /* VIRTIO_ID_BLOCK, from linux/virtio_ids.h */
	unsigned int num_queues;
	const char *queue_names[DEVICE_MAX_QUEUES]; /* "req", "rx", ... */
	unsigned int queue_size; /* QueueNumMax: a power of 2 */

	/*
	 * Set the device up from its option value (opt) (NULL without one):
	 * fill dev->features (VIRTIO_F_VERSION_1 is added by the transport),
	 * dev->config and dev->config_size, and dev->priv.  A mistake of the
	 * user's (no such file, a bad size) is one sentence in (err) of
	 * (errlen) bytes, and -1; nothing is left open then.  Main thread,
	 * before the guest starts.
	 */
	int (*create)(struct device *dev, const char *opt, char *err,
		      size_t errlen);

	/*
	 * Service queue (vq) until wait_for_vq_desc() returns a negative
	 * value (stop or broken queue), then return.  vq->dev is the
	 * struct device (vq->priv is the transport's).  Runs in the queue's own thread, named after
	 * vq->name; it must never exit the process.  NULL for a queue with
	 * no thread of its own.
	 */
	void (*service[DEVICE_MAX_QUEUES])(struct virtqueue *vq);

	/*
	 * The driver reset the device (or the guest rebooted): forget any
	 * per-driver state.  All queue threads have been joined.  Optional.
	 * Transport thread.
	 */
	void (*reset)(struct device *dev);

	/* Close files and free dev->priv, at exit.  Optional.  Main
	 * thread, after every queue thread has been joined. */
	void (*destroy)(struct device *dev);

	/* One line for --help: "  --block=FILE[,ro]   a virtio disk". */
	const char *usage;
};

struct device {
	const struct device_type *type;
	char name[16];	     /* "blk0": the type's name and its index */
	unsigned int index;  /* among devices of this type */
	u64 features;	     /* what we offer, set by create() */
	u64 driver_features; /* what the driver accepted (FEATURES_OK) */
	u8 config[DEVICE_CONFIG_MAX]; /* device config space, as the guest
					 reads it (little-endian) */
	size_t config_size;
	const struct guest_mem *mem; /* set before create() */
	struct virtqueue vqs[DEVICE_MAX_QUEUES];
	void *priv; /* the device's own state */

	/* The transport's: raise a configuration change interrupt (after
	 * changing dev->config).  Any thread. */
	void (*config_changed)(struct device *dev);
	void *transport;
};

/* Has the driver accepted feature (bit)?  Any thread, after FEATURES_OK. */
static inline bool device_has_feature(const struct device *dev,
				      unsigned int bit)
{
	return dev->driver_features & (1ULL << bit);
}

/* The device types we can build, in the order --help lists them
 * (src/devices/devices.c).  NULL-terminated. */
extern const struct device_type *const device_types[];

/* The type whose option is (option), or NULL.  Pure. */
const struct device_type *device_type_by_option(const char *option);

#endif
