// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a virtio device, whatever its transport: virtio 1.2,
 * sections 2.1 (status), 2.2 (features), 2.5 (config changes) and 3.1
 * (initialization); section numbers below are 1.2's.
 *
 * Everything the driver writes here is guest-controlled: status values,
 * feature bits, config offsets.  A write we cannot honour is ignored with
 * a log line; a queue whose rings make no sense sets DEVICE_NEEDS_RESET;
 * nothing here ever stops the Launcher.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_config.h>

#include "fdio.h"
#include "log.h"
#include "virtio/device.h"

static void complain(struct device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "lguest: blk0: bad driver: <what>", within the guest's budget. */
static void complain(struct device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_vwarn(dev->name, "bad driver", fmt, ap);
	va_end(ap);
}

void device_config(struct device *dev, const void *cfg, size_t size)
{
	memset(dev->config, 0, sizeof(dev->config));
	memcpy(dev->config, cfg, MIN(size, sizeof(dev->config)));
	dev->config_size = MIN(size, sizeof(dev->config));
}

/*
 * 2.1.2: "The device SHOULD set DEVICE_NEEDS_RESET when it enters an
 * error state that a reset is needed.  If DRIVER_OK is set, after it sets
 * DEVICE_NEEDS_RESET, the device MUST send a device configuration change
 * notification to the driver."  Called by a queue thread whose driver
 * broke the ring's rules, or when a queue cannot be enabled.
 */
static void needs_reset(struct device *dev)
{
	u32 old = atomic_fetch_or(&dev->status, VIRTIO_CONFIG_S_NEEDS_RESET);

	if ((old & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_NEEDS_RESET))
		dev->ops->notify_config(dev);
}

/* The queue's callbacks, from its service thread. */
static void on_used(struct virtqueue *vq)
{
	vq->dev->ops->notify_used(vq->dev, vq->index);
}

static void on_broken(struct virtqueue *vq)
{
	needs_reset(vq->dev);
}

void device_config_changed(struct device *dev)
{
	/* No lock: a reset holds the transport's while it parks the queue
	 * threads, and one of them may be the caller. */
	atomic_fetch_add(&dev->config_generation, 1);
	dev->ops->notify_config(dev);
}

int device_init(struct device *dev, const struct device_type *type,
		unsigned int index, const char *opt,
		const struct guest_mem *mem, u64 transport_features,
		const struct transport_ops *ops, void *transport, char *err,
		size_t errlen)
{
	int fd;

	memset(dev, 0, sizeof(*dev));
	dev->type = type;
	dev->index = index;
	dev->mem = mem;
	dev->ops = ops;
	dev->transport = transport;
	snprintf(dev->name, sizeof(dev->name), "%s%u", type->name, index);

	dev->stop_fd = -1;
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		dev->vqs[i].kick_fd = -1;
	fd = dev->stop_fd = efd_open();
	for (unsigned int i = 0; i < type->num_queues && fd >= 0; i++) {
		struct virtqueue *vq = &dev->vqs[i];
		char name[24];

		snprintf(name, sizeof(name), "%s/%s", dev->name,
			 type->queue_names[i]);
		vq_init(vq, name, i, type->queue_size, mem);
		vq->dev = dev;
		vq->interrupt = on_used;
		vq->broken_cb = on_broken;
		vq->stop_fd = dev->stop_fd;
		fd = vq->kick_fd = efd_open_blocking();
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot create eventfds for %s: %s",
			 dev->name, strerror(-fd));
		goto fail;
	}
	if (type->create(dev, opt, err, errlen) < 0)
		goto fail;
	dev->features |= transport_features;
	return 0;

fail:
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		if (dev->vqs[i].kick_fd >= 0)
			close(dev->vqs[i].kick_fd);
	if (dev->stop_fd >= 0)
		close(dev->stop_fd);
	return -1;
}

/* A queue thread's job: the device's service routine for its queue. */
static void serve(void *arg)
{
	struct virtqueue *vq = arg;

	vq->dev->type->service[vq->index](vq);
}

int device_spawn(struct device *dev)
{
	const struct device_type *type = dev->type;

	for (unsigned int i = 0; i < type->num_queues; i++) {
		int err;

		if (!type->service[i])
			continue;
		err = worker_create(&dev->threads[i], dev->vqs[i].name,
				    type->sandbox[i], serve, &dev->vqs[i]);
		if (err)
			return err;
	}
	return 0;
}

u32 device_features(const struct device *dev, u32 sel)
{
	return sel < 2 ? (u32)(dev->features >> (32 * sel)) : 0;
}

void device_set_driver_features(struct device *dev, u32 sel, u32 val)
{
	/*
	 * 3.1.1: the driver writes its features, *then* sets FEATURES_OK;
	 * after that they are settled.  Taking writes after it would change
	 * the rules under running queue threads (a net device's buffer
	 * layout, say), so we don't.
	 */
	if (atomic_load(&dev->status) & VIRTIO_CONFIG_S_FEATURES_OK) {
		complain(dev, "features written after FEATURES_OK: ignored");
		return;
	}
	if (sel >= 2)
		return; /* features we do not have: all zeros, as they should */
	dev->drv_features &= ~(0xffffffffULL << (32 * sel));
	dev->drv_features |= (u64)val << (32 * sel);
}

/*
 * FEATURES_OK: 3.1.1 "The device MUST NOT offer a feature which requires
 * another feature which was not offered" is ours to keep; the driver's is
 * 2.2.1 "The driver MUST NOT accept a feature which the device did not
 * offer".  We also insist on VIRTIO_F_VERSION_1: our transports are modern
 * only.  If we refuse, FEATURES_OK stays clear and the driver, reading it
 * back as 3.1.1 tells it to, gives up on the device.
 */
static bool accept_features(struct device *dev)
{
	u64 f = dev->drv_features;

	if (f & ~dev->features) {
		complain(dev, "accepted features %#llx we never offered",
			 (unsigned long long)(f & ~dev->features));
		return false;
	}
	if (!(f & (1ULL << VIRTIO_F_VERSION_1))) {
		complain(dev, "legacy driver (no VIRTIO_F_VERSION_1)");
		return false;
	}
	dev->driver_features = f;
	for (unsigned int i = 0; i < dev->type->num_queues; i++)
		vq_set_features(&dev->vqs[i], f);
	return true;
}

/* Start the thread of queue (q) if the driver made it ready and the
 * device is live. */
static void start_queue(struct device *dev, unsigned int q)
{
	u32 status = atomic_load(&dev->status);

	if (dev->vqs[q].ready && (status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(status & VIRTIO_CONFIG_S_NEEDS_RESET))
		worker_start(&dev->threads[q]);
}

/* Stop every queue thread: signal the stop eventfd, wake any thread asleep
 * in a blocking call, wait until each has parked, then clear the stop so
 * the next DRIVER_OK starts them afresh. */
static void stop_queues(struct device *dev)
{
	efd_signal(dev->stop_fd);
	for (unsigned int i = 0; i < dev->type->num_queues; i++)
		worker_interrupt(&dev->threads[i]);
	efd_drain(dev->stop_fd);
}

/* The original Launcher's reset_device(). */
void device_reset(struct device *dev)
{
	stop_queues(dev);
	for (unsigned int i = 0; i < dev->type->num_queues; i++)
		vq_reset(&dev->vqs[i]);
	if (dev->type->reset)
		dev->type->reset(dev);
	dev->driver_features = dev->drv_features = 0;
	atomic_store(&dev->status, 0);
}

/*L:430
 * The driver walks the device through its status bits (3.1.1):
 * ACKNOWLEDGE, DRIVER, then FEATURES_OK once it has chosen features, then
 * DRIVER_OK when its queues are set up.  DRIVER_OK is when the original
 * Launcher's devices came alive, and so do ours: each ready queue's thread
 * starts its service routine.  Writing 0 resets the device, which stops
 * them again.
 *
 * Status bits only ever go up until that reset.  2.1.2: "The driver MUST
 * NOT clear a device status bit."  A driver that writes ACKNOWLEDGE |
 * DRIVER after DRIVER_OK would otherwise take FEATURES_OK away under
 * running threads and rewrite the features they depend on; we keep the
 * bits it had and add only new ones.  NEEDS_RESET is the device's to set
 * (2.1.1), never the driver's. :*/
void device_set_status(struct device *dev, u32 val)
{
	u32 old = atomic_load(&dev->status), added;

	if (val == 0) {
		device_reset(dev);
		return;
	}
	if (old & ~val & ~VIRTIO_CONFIG_S_NEEDS_RESET)
		complain(dev,
			 "status %#x clears bits of %#x without a reset: "
			 "kept",
			 val, old);
	if (val & VIRTIO_CONFIG_S_NEEDS_RESET)
		complain(dev, "status %#x sets DEVICE_NEEDS_RESET: ignored",
			 val);
	added = val & ~old & ~VIRTIO_CONFIG_S_NEEDS_RESET;
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && !accept_features(dev))
		added &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !((old | added) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		complain(dev, "DRIVER_OK without FEATURES_OK: ignored");
		added &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	}
	/* FAILED (2.1: "something went wrong in the guest, and it has given
	 * up on the device") needs nothing from us but to be shown. */
	atomic_fetch_or(&dev->status, added);
	if (added & VIRTIO_CONFIG_S_DRIVER_OK)
		for (unsigned int i = 0; i < dev->type->num_queues; i++)
			start_queue(dev, i);
}

void device_enable_queue(struct device *dev, unsigned int q)
{
	if (q >= dev->type->num_queues)
		return;
	if (vq_enable(&dev->vqs[q]) < 0) {
		needs_reset(dev);
		return;
	}
	start_queue(dev, q);
}

void device_config_access(struct device *dev, u32 off, u8 *data, u32 len,
			  bool write)
{
	if (len > dev->config_size || off > dev->config_size - len) {
		if (!write)
			memset(data, 0, len);
		complain(dev,
			 "config access of %u bytes at %#x, outside its %zu",
			 len, off, dev->config_size);
		return;
	}
	if (write) {
		/* None of our devices has a writable field it acts on. */
		complain(dev, "config write at %#x: ignored", off);
		return;
	}
	memcpy(data, dev->config + off, len);
}

void device_destroy(struct device *dev)
{
	device_reset(dev);
	for (unsigned int i = 0; i < dev->type->num_queues; i++)
		worker_destroy(&dev->threads[i]);
	if (dev->type->destroy)
		dev->type->destroy(dev);
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		if (dev->vqs[i].kick_fd >= 0)
			close(dev->vqs[i].kick_fd);
	close(dev->stop_fd);
	dev->stop_fd = -1;
}
