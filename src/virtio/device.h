/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio device, and the narrow contract between it and its transport.
 *
 * A device (src/devices/) declares what it is in a struct device_type: a
 * virtio device ID, its features, its config bytes, its queues and one
 * service routine per queue, lguest's vq->service.  It knows nothing of
 * KVM, MMIO or PCI, so the unit tests can drive it with the simulated
 * driver of tests/unit/fake_driver.h.
 *
 * Its life is the same whatever the transport (virtio 1.2, section 3.1):
 * the driver reads the offered features and writes its own, sets
 * FEATURES_OK, sets its queues up, says DRIVER_OK, and may reset it all
 * by writing 0 to the status.  virtio/device.c keeps that life: features,
 * the status rules, the queue threads, reset and config changes.  A
 * transport (virtio/mmio.c) only maps its registers onto these calls and
 * delivers the two notifications a device sends the driver.
 */
#ifndef LGUEST_VIRTIO_DEVICE_H
#define LGUEST_VIRTIO_DEVICE_H

#include <pthread.h>
#include <stddef.h>

#include "guest_mem.h"
#include "sandbox.h"
#include "types.h"
#include "virtio/queue.h"
#include "worker.h"

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
	 * fill dev->features (the transport adds VIRTIO_F_VERSION_1 and the
	 * ring features), dev->config and dev->config_size (device_config()
	 * does both), and dev->priv.  A mistake of the user's (no such file,
	 * a bad size) is one sentence in (err) of (errlen) bytes, and -1;
	 * nothing is left open then.  Main thread, during set-up, with the
	 * Launcher's privileges (it may open files and create taps).
	 */
	int (*create)(struct device *dev, const char *opt, char *err,
		      size_t errlen);

	/*
	 * Service queue (vq) until wait_for_vq_desc() (or any other wait of
	 * the device's, which must watch vq->stop_fd: fdio.h's fd_wait())
	 * returns a negative value, then return.  vq->dev is the device.
	 * Runs in the queue's own thread, named after vq->name, inside the
	 * sandbox with the common calls and (sandbox)[queue]; it must never
	 * exit the process.  NULL for a queue with no thread of its own.
	 */
	void (*service[DEVICE_MAX_QUEUES])(struct virtqueue *vq);
	const struct sandbox_rules *sandbox[DEVICE_MAX_QUEUES];

	/*
	 * The driver reset the device (or the guest rebooted): forget any
	 * per-driver state.  All queue threads are parked.  Optional.
	 * Transport thread.
	 */
	void (*reset)(struct device *dev);

	/* Close files and free dev->priv, at exit.  Optional.  Main
	 * thread, after every queue thread has ended. */
	void (*destroy)(struct device *dev);

	/* One line for --help: "  --block=FILE[,ro]   a virtio disk". */
	const char *usage;
};

/* How a device reaches its driver: the transport's two notifications. */
struct transport_ops {
	/* A used buffer notification for queue (queue).  Queue threads. */
	void (*notify_used)(struct device *dev, unsigned int queue);
	/* A configuration change notification (also DEVICE_NEEDS_RESET's).
	 * Any thread. */
	void (*notify_config)(struct device *dev);
};

struct device {
	const struct device_type *type;
	char name[16];	     /* "blk0": the type's name and its index */
	unsigned int index;  /* among devices of this type */
	u64 features;	     /* what we offer: create()'s and the transport's */
	u64 driver_features; /* what the driver accepted (FEATURES_OK) */
	u8 config[DEVICE_CONFIG_MAX]; /* device config space, as the guest
					 reads it (little-endian) */
	size_t config_size;
	const struct guest_mem *mem; /* set before create() */
	struct virtqueue vqs[DEVICE_MAX_QUEUES];
	void *priv; /* the device's own state */

	/* The life of the device (virtio/device.c).  (status) is written by
	 * the transport's thread, one at a time, and NEEDS_RESET by queue
	 * threads too: hence atomic. */
	_Atomic u32 status;
	u64 drv_features; /* as the driver writes them, before FEATURES_OK */
	_Atomic u32 config_generation;
	int stop_fd; /* eventfd: queue threads, stop */
	struct worker threads[DEVICE_MAX_QUEUES]; /* one per queue */

	/* The transport's. */
	const struct transport_ops *ops;
	void *transport;
};

/* Has the driver accepted feature (bit)?  Any thread, after FEATURES_OK. */
static inline bool device_has_feature(const struct device *dev,
				      unsigned int bit)
{
	return dev->driver_features & (1ULL << bit);
}

/* Set the config space: (size) bytes of (cfg), which must fit.  For a
 * device's create(), before the guest runs. */
void device_config(struct device *dev, const void *cfg, size_t size);

/* What every device gets from either transport: the modern interface
 * (VERSION_1), and the two ring features our queue code implements. */
#define VIRTIO_TRANSPORT_FEATURES                                              \
	((1ULL << VIRTIO_F_VERSION_1) |                                        \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |                               \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX))

/*
 * Build device (index) of (type) with option value (opt) over guest memory
 * (mem), reached through (ops) of (transport): the queues and their
 * eventfds, then the type's create().  Offers (transport_features) on top
 * of the type's.  A user mistake is one sentence in (err) and -1.  Main
 * thread, during set-up.
 */
int device_init(struct device *dev, const struct device_type *type,
		unsigned int index, const char *opt,
		const struct guest_mem *mem, u64 transport_features,
		const struct transport_ops *ops, void *transport, char *err,
		size_t errlen);

/* Make the queues' threads (parked until DRIVER_OK).  Returns 0, or
 * -errno.  Main thread, once set-up has dropped privileges. */
int device_spawn(struct device *dev);

/* The driver's view of the features: 32 bits from bit 32 * (sel). */
u32 device_features(const struct device *dev, u32 sel);

/* The driver writes 32 bits of its features from bit 32 * (sel); ignored
 * (and logged) once FEATURES_OK is set.  Guest-controlled.  Transport
 * thread. */
void device_set_driver_features(struct device *dev, u32 sel, u32 val);

/*
 * The driver writes the device status (val): 0 resets the device; any
 * other value may only add bits, in the order 3.1.1 gives (FEATURES_OK is
 * refused for features we never offered, DRIVER_OK without FEATURES_OK is
 * ignored), and NEEDS_RESET is ours alone.  DRIVER_OK starts the threads
 * of the queues that are ready.  Guest-controlled.  Transport thread.
 */
void device_set_status(struct device *dev, u32 val);

/* The driver's QueueReady = 1 for queue (q): check and resolve its rings
 * (a refusal sets NEEDS_RESET), and start its thread if the device is
 * live.  Transport thread. */
void device_enable_queue(struct device *dev, unsigned int q);

/* Back to power-on: stop and park the queue threads, forget rings,
 * features and status.  Transport thread, or the main thread on a guest
 * reboot. */
void device_reset(struct device *dev);

/* Read or write (len) bytes of config space at (off): out of range reads
 * give zeros; writes are ignored (none of our devices has a writable
 * field).  Both logged.  Guest-controlled.  Transport thread. */
void device_config_access(struct device *dev, u32 off, u8 *data, u32 len,
			  bool write);

/* The device changed dev->config: bump the generation and notify.  Any
 * thread. */
void device_config_changed(struct device *dev);

/* Reset, end the threads, then the type's destroy().  Main thread, at
 * exit. */
void device_destroy(struct device *dev);

/* The device types we can build, in the order --help lists them
 * (src/devices/devices.c).  NULL-terminated. */
extern const struct device_type *const device_types[];

/* The type whose option is (option), or NULL.  Pure. */
const struct device_type *device_type_by_option(const char *option);

#endif
