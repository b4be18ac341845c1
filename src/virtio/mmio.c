// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2: virtio 1.2, section 4.2.2 (1.0's
 * 4.2.2 too).  Section numbers below are 1.2's.
 *
 * Everything the driver writes here is guest-controlled: register offsets,
 * access widths, queue numbers, feature bits, ring addresses.  We decode
 * the register and hand the value to the device's life (virtio/device.c),
 * which judges it; nothing here ever stops the Launcher.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "fdio.h"
#include "log.h"
#include "virtio/mmio.h"

#define MMIO_MAGIC     0x74726976 /* "virt", little-endian */
#define MMIO_VERSION   2	  /* the modern layout */
#define MMIO_VENDOR_ID 0x5453474c /* "LGST" */

/* Features every device gets from the transport: the modern interface,
 * and the two ring features our queue code implements. */
/* Pulse our interrupt line.  An eventfd write: KVM's irqfd turns it into
 * an edge on the IOAPIC pin without a trip through any vCPU thread. */
static void pulse(struct mmio_dev *m)
{
	efd_signal(m->irq_fd);
}

/*L:410
 * A queue thread has used buffers the driver asked to hear about.  We set
 * the "used buffer" bit in InterruptStatus and pulse the line, as the
 * original's trigger_irq() did with LHREQ_IRQ.
 *
 * If the bit is already set, the driver has not yet acknowledged an
 * earlier interrupt, and we need not send another: Linux's handler reads
 * InterruptStatus, writes InterruptACK and only then looks at the used
 * rings, so whatever we published before finding the bit set will be
 * seen.  A busy queue costs the guest one interrupt per handler run, not
 * one per request. :*/
static void notify_used(struct device *dev, unsigned int queue)
{
	struct mmio_dev *m = dev->transport;

	(void)queue; /* one line and one bit for every queue */
	if (!(atomic_fetch_or(&m->isr, VIRTIO_MMIO_INT_VRING) &
	      VIRTIO_MMIO_INT_VRING))
		pulse(m);
}

static void notify_config(struct device *dev)
{
	struct mmio_dev *m = dev->transport;

	if (!(atomic_fetch_or(&m->isr, VIRTIO_MMIO_INT_CONFIG) &
	      VIRTIO_MMIO_INT_CONFIG))
		pulse(m);
}

static const struct transport_ops mmio_ops = {
	.notify_used = notify_used,
	.notify_config = notify_config,
};

int mmio_dev_init(struct mmio_dev *m, const struct device_type *type,
		  unsigned int index, const char *opt,
		  const struct guest_mem *mem, u64 base, u32 gsi, char *err,
		  size_t errlen)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->base = base;
	m->gsi = gsi;
	m->irq_fd = efd_open();
	if (m->irq_fd < 0) {
		snprintf(err, errlen, "cannot create an eventfd: %s",
			 strerror(-m->irq_fd));
		return -1;
	}
	if (device_init(&m->dev, type, index, opt, mem,
			VIRTIO_TRANSPORT_FEATURES, &mmio_ops, m, err,
			errlen) < 0) {
		close(m->irq_fd);
		return -1;
	}
	return 0;
}

void mmio_dev_attach(struct mmio_dev *m, struct kvm *kvm)
{
	/*L:420
	 * This is LHREQ_EVENTFD.  The driver notifies queue n by writing n to
	 * QueueNotify; we ask KVM to match exactly that write and signal the
	 * queue's eventfd itself, so the vCPU never leaves the kernel and
	 * the queue thread wakes at once.  A write of any other value (a
	 * queue we do not have) still exits to us, and is ignored. :*/
	for (unsigned int i = 0; i < m->dev.type->num_queues; i++)
		kvm_ioeventfd(kvm, m->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, i,
			      m->dev.vqs[i].kick_fd);
	kvm_irqfd(kvm, m->gsi, m->irq_fd);
}

/* The window's own registers, back to power-on. */
static void reset_window(struct mmio_dev *m)
{
	atomic_store(&m->isr, 0);
	m->dev_features_sel = m->drv_features_sel = m->queue_sel = 0;
}

void mmio_dev_reset(struct mmio_dev *m)
{
	pthread_mutex_lock(&m->lock);
	device_reset(&m->dev);
	reset_window(m);
	pthread_mutex_unlock(&m->lock);
}

void mmio_dev_destroy(struct mmio_dev *m)
{
	device_destroy(&m->dev);
	close(m->irq_fd);
	m->irq_fd = -1;
}

static struct virtqueue *selected_queue(struct mmio_dev *m)
{
	if (m->queue_sel >= m->dev.type->num_queues)
		return NULL;
	return &m->dev.vqs[m->queue_sel];
}

static void write_queue_ready(struct mmio_dev *m, u32 val)
{
	struct virtqueue *vq = selected_queue(m);

	if (!vq)
		return;
	if (!val) {
		/* Taking a live queue away needs VIRTIO_F_RING_RESET, which
		 * we do not offer; a reset of the whole device does it. */
		if (vq->ready)
			guest_warn("%s: bad driver: QueueReady = 0 while live: "
				   "ignored",
				   vq->name);
		return;
	}
	device_enable_queue(&m->dev, m->queue_sel);
}

/* A 64-bit ring address is written as two halves. */
static void write_ring_half(struct mmio_dev *m, enum vq_ring ring, bool high,
			    u32 val)
{
	struct virtqueue *vq = selected_queue(m);

	if (vq)
		vq_set_addr_half(vq, ring, high, val);
}

static void write_reg(struct mmio_dev *m, u32 off, u32 val)
{
	struct virtqueue *vq;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->dev_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		device_set_driver_features(&m->dev, m->drv_features_sel, val);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->drv_features_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		vq = selected_queue(m);
		if (vq)
			vq_set_num(vq, val);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		write_queue_ready(m, val);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* Only when no ioeventfd caught it first (the unit tests,
		 * or a queue we do not have). */
		if (val < m->dev.type->num_queues)
			efd_signal(m->dev.vqs[val].kick_fd);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		atomic_fetch_and(&m->isr, ~val);
		break;
	case VIRTIO_MMIO_STATUS:
		device_set_status(&m->dev, val);
		if (val == 0)
			reset_window(m);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		write_ring_half(m, VQ_DESC, off == VIRTIO_MMIO_QUEUE_DESC_HIGH,
				val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		write_ring_half(m, VQ_AVAIL,
				off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		write_ring_half(m, VQ_USED, off == VIRTIO_MMIO_QUEUE_USED_HIGH,
				val);
		break;
	case VIRTIO_MMIO_SHM_SEL:
		break; /* we have no shared memory regions */
	default:
		guest_warn("%s: bad driver: write of %#x to register %#x",
			   m->dev.name, val, off);
		break;
	}
}

static u32 read_reg(struct mmio_dev *m, u32 off)
{
	struct virtqueue *vq = selected_queue(m);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return m->dev.type->virtio_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return MMIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return device_features(&m->dev, m->dev_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		/* 4.2.2.1: 0 says "this queue is not available". */
		return vq ? vq->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return atomic_load(&m->isr);
	case VIRTIO_MMIO_STATUS:
		return atomic_load(&m->dev.status);
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* 4.2.2: a length of all ones means "no such region". */
		return 0xffffffff;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return atomic_load(&m->dev.config_generation);
	default:
		return 0;
	}
}

void mmio_dev_access(void *opaque, u64 off, u8 *data, u32 len, bool write)
{
	struct mmio_dev *m = opaque;
	u32 val = 0;

	pthread_mutex_lock(&m->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		/* Device-specific configuration: any width the driver
		 * likes, as long as it stays inside the config bytes. */
		device_config_access(&m->dev, off - VIRTIO_MMIO_CONFIG, data,
				     len, write);
	} else if (len != 4 || (off & 3)) {
		/* 4.2.2.2: "The driver MUST only use 32 bit wide and aligned
		 * reads and writes to access the control registers". */
		if (!write)
			memset(data, 0, len);
		guest_warn("%s: bad driver: %u-byte access to register %#x",
			   m->dev.name, len, (u32)off);
	} else if (write) {
		memcpy(&val, data, 4);
		write_reg(m, off, val);
	} else {
		val = read_reg(m, off);
		memcpy(data, &val, 4);
	}
	pthread_mutex_unlock(&m->lock);
}
