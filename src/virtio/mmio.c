// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2: virtio 1.2, section 4.2.2 (1.0's
 * 4.2.2 too).  Section numbers below are 1.2's.
 *
 * Everything the driver writes here is guest-controlled: register offsets,
 * access widths, queue numbers, feature bits, ring addresses.  A write we
 * cannot honour is ignored with one log line; a queue whose rings make no
 * sense sets DEVICE_NEEDS_RESET; nothing here ever stops the Launcher.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "log.h"
#include "virtio/mmio.h"

#define MMIO_MAGIC     0x74726976 /* "virt", little-endian */
#define MMIO_VERSION   2	  /* the modern layout */
#define MMIO_VENDOR_ID 0x5453474c /* "LGST" */

/* Features every device gets from the transport: the modern interface,
 * and the two ring features our queue code implements. */
#define TRANSPORT_FEATURES                                                     \
	((1ULL << VIRTIO_F_VERSION_1) |                                        \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |                               \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX))

static void complain(struct mmio_dev *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line per driver mistake until the next reset: a driver stuck in a
 * loop must not flood the log. */
static void complain(struct mmio_dev *m, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (m->warned)
		return;
	m->warned = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	warn("%s: bad driver: %s", m->dev.name, what);
}

static u64 offered_features(const struct mmio_dev *m)
{
	return m->dev.features | TRANSPORT_FEATURES;
}

/* Pulse our interrupt line.  An eventfd write: KVM's irqfd turns it into
 * an edge on the IOAPIC pin without a trip through any vCPU thread. */
static void pulse(struct mmio_dev *m)
{
	u64 one = 1;

	if (write(m->irq_fd, &one, sizeof(one)) < 0) {
		/* Only fails at 2^64-1 pending: the guest is drowning in
		 * interrupts already. */
	}
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
static void on_interrupt(struct virtqueue *vq)
{
	struct mmio_dev *m = vq->priv;

	if (!(atomic_fetch_or(&m->isr, VIRTIO_MMIO_INT_VRING) &
	      VIRTIO_MMIO_INT_VRING))
		pulse(m);
}

static void config_interrupt(struct mmio_dev *m)
{
	if (!(atomic_fetch_or(&m->isr, VIRTIO_MMIO_INT_CONFIG) &
	      VIRTIO_MMIO_INT_CONFIG))
		pulse(m);
}

/*
 * 2.1.1: "The device SHOULD set DEVICE_NEEDS_RESET when it enters an
 * error state that a reset is needed.  If DRIVER_OK is set, after it sets
 * DEVICE_NEEDS_RESET, the device MUST send a device configuration change
 * notification to the driver."  Called by a queue thread whose driver
 * broke the ring's rules, or by us when a queue cannot be enabled.
 */
static void needs_reset(struct mmio_dev *m)
{
	u32 old = atomic_fetch_or(&m->status, VIRTIO_CONFIG_S_NEEDS_RESET);

	if ((old & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_NEEDS_RESET))
		config_interrupt(m);
}

static void on_broken(struct virtqueue *vq)
{
	needs_reset(vq->priv);
}

static void on_config_changed(struct device *dev)
{
	struct mmio_dev *m = dev->transport;

	/* Not under (lock): a reset holds it while it joins queue threads,
	 * and one of them may be the caller. */
	atomic_fetch_add(&m->config_generation, 1);
	config_interrupt(m);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int mmio_dev_init(struct mmio_dev *m, const struct device_type *type,
		  unsigned int index, const char *opt,
		  const struct guest_mem *mem, u64 base, u32 gsi, char *err,
		  size_t errlen)
{
	struct device *dev = &m->dev;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->base = base;
	m->gsi = gsi;
	dev->type = type;
	dev->index = index;
	dev->mem = mem;
	dev->transport = m;
	dev->config_changed = on_config_changed;
	snprintf(dev->name, sizeof(dev->name), "%s%u", type->name, index);

	m->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		m->kick_fd[i] = -1;
	for (unsigned int i = 0; i < type->num_queues; i++) {
		struct virtqueue *vq = &dev->vqs[i];
		char name[24];

		snprintf(name, sizeof(name), "%s/%s", dev->name,
			 type->queue_names[i]);
		vq_init(vq, name, i, type->queue_size, mem);
		vq->priv = m;
		vq->dev = dev;
		vq->interrupt = on_interrupt;
		vq->broken_cb = on_broken;
		vq->stop_fd = m->stop_fd;
		vq->kick_fd = m->kick_fd[i] =
			eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vq->kick_fd < 0)
			break;
	}
	if (m->irq_fd < 0 || m->stop_fd < 0 ||
	    (type->num_queues && m->kick_fd[type->num_queues - 1] < 0)) {
		snprintf(err, errlen, "cannot create eventfds for %s: %s",
			 dev->name, strerror(errno));
		goto fail;
	}
	if (type->create(dev, opt, err, errlen) < 0)
		goto fail;
	return 0;

fail:
	close_fd(&m->irq_fd);
	close_fd(&m->stop_fd);
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		close_fd(&m->kick_fd[i]);
	return -1;
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
			      m->kick_fd[i]);
	kvm_irqfd(kvm, m->gsi, m->irq_fd);
}

/* Stop every queue thread: signal, join, then clear the signal so the next
 * DRIVER_OK starts them afresh.  Called with (lock) held. */
static void stop_queues(struct mmio_dev *m)
{
	u64 one = 1, count;

	if (write(m->stop_fd, &one, sizeof(one)) < 0) {
		/* Cannot fail: the counter is far from full. */
	}
	for (unsigned int i = 0; i < m->dev.type->num_queues; i++)
		vq_thread_join(&m->threads[i]);
	if (read(m->stop_fd, &count, sizeof(count)) < 0) {
		/* Already clear: fine. */
	}
}

/* Start the thread of queue (i) if the driver made it ready, it has a
 * service routine, and the device is live.  Called with (lock) held. */
static void start_queue(struct mmio_dev *m, unsigned int i)
{
	void (*service)(struct virtqueue *) = m->dev.type->service[i];

	if (service && m->dev.vqs[i].ready &&
	    (atomic_load(&m->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		vq_thread_start(&m->threads[i], &m->dev.vqs[i], service);
}

/* The original Launcher's reset_device(), called with (lock) held. */
static void reset_locked(struct mmio_dev *m)
{
	struct device *dev = &m->dev;

	stop_queues(m);
	for (unsigned int i = 0; i < dev->type->num_queues; i++)
		vq_reset(&dev->vqs[i]);
	if (dev->type->reset)
		dev->type->reset(dev);
	dev->driver_features = 0;
	atomic_store(&m->status, 0);
	atomic_store(&m->isr, 0);
	m->dev_features_sel = m->drv_features_sel = m->queue_sel = 0;
	m->drv_features = 0;
	m->warned = false;
}

void mmio_dev_reset(struct mmio_dev *m)
{
	pthread_mutex_lock(&m->lock);
	reset_locked(m);
	pthread_mutex_unlock(&m->lock);
}

void mmio_dev_destroy(struct mmio_dev *m)
{
	mmio_dev_reset(m);
	if (m->dev.type->destroy)
		m->dev.type->destroy(&m->dev);
	close_fd(&m->irq_fd);
	close_fd(&m->stop_fd);
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		close_fd(&m->kick_fd[i]);
}

/*
 * FEATURES_OK: 3.1.1 "The device MUST NOT offer a feature which requires
 * another feature which was not offered" is ours to keep; the driver's is
 * 2.2.1 "The driver MUST NOT accept a feature which the device did not
 * offer".  We also insist on VIRTIO_F_VERSION_1: this transport is modern
 * only.  If we refuse, FEATURES_OK stays clear and the driver, reading it
 * back as 3.1.1 tells it to, gives up on the device.
 */
static bool accept_features(struct mmio_dev *m)
{
	u64 f = m->drv_features;

	if (f & ~offered_features(m)) {
		complain(m, "accepted features %#llx we never offered",
			 (unsigned long long)(f & ~offered_features(m)));
		return false;
	}
	if (!(f & (1ULL << VIRTIO_F_VERSION_1))) {
		complain(m, "legacy driver (no VIRTIO_F_VERSION_1)");
		return false;
	}
	m->dev.driver_features = f;
	for (unsigned int i = 0; i < m->dev.type->num_queues; i++)
		vq_set_features(&m->dev.vqs[i], f);
	return true;
}

/*L:430
 * The driver walks the device through its status bits (3.1.1):
 * ACKNOWLEDGE, DRIVER, then FEATURES_OK once it has chosen features, then
 * DRIVER_OK when its queues are set up.  DRIVER_OK is when the original
 * Launcher's devices came alive, and so do ours: each ready queue gets its
 * own thread.  Writing 0 resets the device, which stops them again. :*/
static void write_status(struct mmio_dev *m, u32 val)
{
	u32 old = atomic_load(&m->status);
	u32 added = val & ~old;

	if (val == 0) {
		reset_locked(m);
		return;
	}
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && !accept_features(m))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(val & VIRTIO_CONFIG_S_FEATURES_OK)) {
		complain(m, "DRIVER_OK without FEATURES_OK: ignored");
		val &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	}
	/* Only reset clears bits; NEEDS_RESET is ours to set. */
	atomic_store(&m->status, val | (old & VIRTIO_CONFIG_S_NEEDS_RESET));
	if (added & val & VIRTIO_CONFIG_S_DRIVER_OK)
		for (unsigned int i = 0; i < m->dev.type->num_queues; i++)
			start_queue(m, i);
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
			complain(m, "%s: QueueReady = 0 while live: ignored",
				 vq->name);
		return;
	}
	if (vq_enable(vq) < 0) {
		needs_reset(m);
		return;
	}
	start_queue(m, m->queue_sel);
}

/* A 64-bit ring address is written as two halves. */
static void write_ring_half(struct mmio_dev *m, enum vq_ring ring, bool high,
			    u32 val)
{
	struct virtqueue *vq = selected_queue(m);
	u64 old;

	if (!vq)
		return;
	old = ring == VQ_DESC	 ? vq->desc_gpa
	      : ring == VQ_AVAIL ? vq->avail_gpa
				 : vq->used_gpa;
	if (high)
		old = (old & 0xffffffffULL) | ((u64)val << 32);
	else
		old = (old & ~0xffffffffULL) | val;
	vq_set_addr(vq, ring, old);
}

static void write_reg(struct mmio_dev *m, u32 off, u32 val)
{
	struct virtqueue *vq;
	u64 one = 1;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->dev_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Features are chosen before FEATURES_OK, not after. */
		if (atomic_load(&m->status) & VIRTIO_CONFIG_S_FEATURES_OK)
			complain(m, "features written after FEATURES_OK");
		else if (m->drv_features_sel < 2)
			m->drv_features =
				(m->drv_features &
				 ~(0xffffffffULL
				   << (32 * m->drv_features_sel))) |
				((u64)val << (32 * m->drv_features_sel));
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
		if (val < m->dev.type->num_queues &&
		    write(m->kick_fd[val], &one, sizeof(one)) < 0) {
			/* A full counter still means "look again". */
		}
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		atomic_fetch_and(&m->isr, ~val);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(m, val);
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
		complain(m, "write of %#x to register %#x", val, off);
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
		if (m->dev_features_sel >= 2)
			return 0;
		return offered_features(m) >> (32 * m->dev_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		/* 4.2.2.1: 0 says "this queue is not available". */
		return vq ? vq->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return atomic_load(&m->isr);
	case VIRTIO_MMIO_STATUS:
		return atomic_load(&m->status);
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* 4.2.2: a length of all ones means "no such region". */
		return 0xffffffff;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return atomic_load(&m->config_generation);
	default:
		return 0;
	}
}

/* Device-specific configuration: any width the driver likes, as long as it
 * stays inside the device's config bytes. */
static void config_access(struct mmio_dev *m, u32 off, u8 *data, u32 len,
			  bool write)
{
	const struct device *dev = &m->dev;

	if (len > dev->config_size || off > dev->config_size - len) {
		if (!write)
			memset(data, 0, len);
		complain(m, "config access of %u bytes at %#x, outside its %zu",
			 len, off, dev->config_size);
		return;
	}
	if (write) {
		/* None of our devices has a writable field it acts on. */
		complain(m, "config write at %#x: ignored", off);
		return;
	}
	memcpy(data, dev->config + off, len);
}

void mmio_dev_access(struct mmio_dev *m, u64 addr, u8 *data, u32 len,
		     bool write)
{
	u32 off = addr - m->base;
	u32 val = 0;

	pthread_mutex_lock(&m->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		config_access(m, off - VIRTIO_MMIO_CONFIG, data, len, write);
	} else if (len != 4 || (off & 3)) {
		/* 4.2.2.2: "The driver MUST only use 32 bit wide and aligned
		 * reads and writes to access the control registers". */
		if (!write)
			memset(data, 0, len);
		complain(m, "%u-byte access to register %#x", len, off);
	} else if (write) {
		memcpy(&val, data, 4);
		write_reg(m, off, val);
	} else {
		val = read_reg(m, off);
		memcpy(data, &val, 4);
	}
	pthread_mutex_unlock(&m->lock);
}
