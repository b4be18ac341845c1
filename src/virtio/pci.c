// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-pci transport, modern: virtio 1.2, section 4.1 (section
 * numbers below are 1.2's).  The PCI side (config space, BARs) is
 * hw/pci.c's and MSI-X hw/msix.c's; the device's life is device.c's.
 * Here: the capabilities that point into our BAR, the registers in it,
 * and the two ways to interrupt the driver.
 *
 * Everything the driver writes is guest-controlled: register offsets and
 * widths, vectors, queue numbers, the config access window.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>

#include "fdio.h"
#include "log.h"
#include "virtio/pci.h"

#define VIRTIO_PCI_VENDOR     0x1af4
#define VIRTIO_PCI_DEVICE(id) (0x1040 + (id)) /* 4.1.2.1 */
#define VIRTIO_PCI_SUBSYS     0x4c47	      /* "LG": lguest */
#define COMMON_CFG_BYTES      (VIRTIO_PCI_COMMON_Q_USEDHI + 4)
#define ISR_QUEUE	      0x1 /* 4.1.4.5: bit 0; the UAPI names bit 1 only */

static void complain(struct pci_vdev *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void complain(struct pci_vdev *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_vwarn(p->dev.name, "bad driver", fmt, ap);
	va_end(ap);
}

/*
 * Interrupting the driver.
 */

/*
 * INTx: the line follows the ISR (4.1.4.5): high while it is not zero,
 * unless the driver turned INTx off in the command register, or turned
 * MSI-X on (PCI 3.0, 6.8.2: "the function is prohibited from using its
 * INTx# pin").  We keep (intx_high) even before there is a VM to tell, so
 * that the unit tests can see the line.
 */
static bool intx_pending(struct pci_vdev *p)
{
	return atomic_load(&p->isr) && !atomic_load(&p->msix.enabled);
}

static void intx_set(struct pci_vdev *p)
{
	bool high = intx_pending(p) && !(pci_get16(&p->fn, PCI_COMMAND) &
					 PCI_COMMAND_INTX_DISABLE);

	if (high != p->intx_high) {
		p->intx_high = high;
		if (p->kvm)
			kvm_irq_line(p->kvm, p->intx_gsi, high);
	}
}

/* 4.1.4.5.1: "The device MUST set the Queue Interrupt bit in ISR status
 * before sending a virtqueue notification to the driver", and the
 * Configuration Change bit before a config change notification. */
static void notify(struct pci_vdev *p, u8 isr_bit, u16 vector)
{
	atomic_fetch_or(&p->isr, isr_bit);
	if (!atomic_load(&p->msix.enabled)) {
		pthread_mutex_lock(&p->isr_lock);
		intx_set(p);
		pthread_mutex_unlock(&p->isr_lock);
		return;
	}
	/*L:460
	 * With MSI-X, this is the whole interrupt: a write to the vector's
	 * eventfd, which KVM turns into an MSI without asking us or making
	 * the vCPU exit, and the driver's handler knows which queue it is
	 * from the vector alone.  No InterruptStatus to read, no ACK to
	 * write: the two exits every virtio-mmio interrupt costs are gone.
	 * A vector the driver masked keeps the event pending until it
	 * unmasks it; NO_VECTOR means the driver wants no interrupt. :*/
	if (vector != VIRTIO_MSI_NO_VECTOR)
		msix_notify(&p->msix, vector);
}

static void notify_used(struct device *dev, unsigned int queue)
{
	struct pci_vdev *p = dev->transport;

	notify(p, ISR_QUEUE, atomic_load(&p->queue_vector[queue]));
}

static void notify_config(struct device *dev)
{
	struct pci_vdev *p = dev->transport;

	notify(p, VIRTIO_PCI_ISR_CONFIG, atomic_load(&p->msix_config));
}

static const struct transport_ops pci_ops = {
	.notify_used = notify_used,
	.notify_config = notify_config,
};

/* MSI-X's delivery and routes (msix.h): vector v is irqfd v, whose GSI is
 * routed to the vector's message. */
static void msix_deliver(void *ctx, unsigned int v)
{
	struct pci_vdev *p = ctx;

	efd_signal(p->irq_fd[v]);
}

static void msix_route(void *ctx, unsigned int v, u64 addr, u32 data)
{
	struct pci_vdev *p = ctx;
	int err;

	if (!msix_to_apic(addr)) {
		complain(p, "MSI-X vector %u to %#llx, no APIC's: dropped", v,
			 (unsigned long long)addr);
		return;
	}
	err = p->kvm ? kvm_msi_route(p->kvm, p->gsi_base + v, addr, data) : 0;
	if (err)
		complain(p, "MSI-X vector %u to %#llx/%#x: KVM says %s", v,
			 (unsigned long long)addr, data, strerror(-err));
}

/*
 * The common configuration (4.1.4.3).
 */

/* A vector the driver asks for: ours, or 4.1.5.1.2's "NO_VECTOR" when we
 * have no such vector, which tells the driver so. */
static u16 vector_ok(struct pci_vdev *p, u32 v)
{
	return v < p->nvec ? v : VIRTIO_MSI_NO_VECTOR;
}

static struct virtqueue *selected(struct pci_vdev *p)
{
	return p->queue_sel < p->dev.type->num_queues
		       ? &p->dev.vqs[p->queue_sel]
		       : NULL;
}

/* The registers back at reset: 4.1.4.3.1 "[the device] MUST present 0
 * in device_status" and forget the vectors the driver chose. */
static void reset_registers(struct pci_vdev *p)
{
	p->dfselect = p->gfselect = 0;
	p->queue_sel = 0;
	atomic_store(&p->msix_config, VIRTIO_MSI_NO_VECTOR);
	for (unsigned int i = 0; i < DEVICE_MAX_QUEUES; i++)
		atomic_store(&p->queue_vector[i], VIRTIO_MSI_NO_VECTOR);
	pthread_mutex_lock(&p->isr_lock);
	atomic_store(&p->isr, 0);
	intx_set(p);
	pthread_mutex_unlock(&p->isr_lock);
}

static u32 common_read(struct pci_vdev *p, u32 off)
{
	struct virtqueue *vq = selected(p);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return p->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return device_features(&p->dev, p->dfselect);
	case VIRTIO_PCI_COMMON_GFSELECT:
		return p->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return p->gfselect < 2 ? (u32)(p->dev.drv_features >>
					       (32 * p->gfselect))
				       : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return atomic_load(&p->msix_config);
	case VIRTIO_PCI_COMMON_NUMQ:
		return p->dev.type->num_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return atomic_load(&p->dev.status);
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return atomic_load(&p->dev.config_generation);
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return p->queue_sel;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		/* 4.1.4.3.2: 0 for a queue that is not available. */
		return vq ? vq->num : 0;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return vq ? atomic_load(&p->queue_vector[p->queue_sel])
			  : VIRTIO_MSI_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return vq ? vq->ready : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return vq ? p->queue_sel : 0;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		return vq ? (u32)vq->desc_gpa : 0;
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		return vq ? vq->desc_gpa >> 32 : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		return vq ? (u32)vq->avail_gpa : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		return vq ? vq->avail_gpa >> 32 : 0;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		return vq ? (u32)vq->used_gpa : 0;
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return vq ? vq->used_gpa >> 32 : 0;
	default:
		return 0;
	}
}

static void common_write(struct pci_vdev *p, u32 off, u32 val)
{
	struct virtqueue *vq = selected(p);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		p->dfselect = val;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		p->gfselect = val;
		break;
	case VIRTIO_PCI_COMMON_GF:
		device_set_driver_features(&p->dev, p->gfselect, val);
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		atomic_store(&p->msix_config, vector_ok(p, val));
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		device_set_status(&p->dev, val);
		if (val == 0)
			reset_registers(p);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		p->queue_sel = val;
		break;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		if (vq)
			vq_set_num(vq, val);
		break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		if (vq)
			atomic_store(&p->queue_vector[p->queue_sel],
				     vector_ok(p, val));
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		/* 4.1.4.3.2: "The driver MUST NOT write a 0 to
		 * queue_enable." */
		if (vq && val == 1)
			device_enable_queue(&p->dev, p->queue_sel);
		else if (vq)
			complain(p, "queue_enable = %u: ignored", val);
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		if (vq)
			vq_set_addr_half(vq, VQ_DESC,
					 off == VIRTIO_PCI_COMMON_Q_DESCHI,
					 val);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		if (vq)
			vq_set_addr_half(vq, VQ_AVAIL,
					 off == VIRTIO_PCI_COMMON_Q_AVAILHI,
					 val);
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		if (vq)
			vq_set_addr_half(vq, VQ_USED,
					 off == VIRTIO_PCI_COMMON_Q_USEDHI,
					 val);
		break;
	default:
		/* Read-only fields (device_feature, num_queues, ...). */
		complain(p, "write of %#x to common config %#x", val, off);
		break;
	}
}

/* The width of the common config field at (off), or 0 between fields. */
static u32 field_width(u32 off)
{
	switch (off) {
	case VIRTIO_PCI_COMMON_STATUS:
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return 1;
	case VIRTIO_PCI_COMMON_MSIX:
	case VIRTIO_PCI_COMMON_NUMQ:
	case VIRTIO_PCI_COMMON_Q_SELECT:
	case VIRTIO_PCI_COMMON_Q_SIZE:
	case VIRTIO_PCI_COMMON_Q_MSIX:
	case VIRTIO_PCI_COMMON_Q_ENABLE:
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return 2;
	default:
		return off < COMMON_CFG_BYTES && off % 4 == 0 ? 4 : 0;
	}
}

static void common_access(struct pci_vdev *p, u32 off, u8 *data, u32 len,
			  bool write)
{
	u32 val = 0;

	/* 4.1.3.1: "The driver MUST access each field using the "natural"
	 * access method, i.e. 32-bit accesses for 32-bit fields, 16-bit
	 * accesses for 16-bit fields and 8-bit accesses for 8-bit fields." */
	if (len != field_width(off)) {
		if (!write)
			memset(data, 0, len);
		complain(p, "%u-byte access to common config %#x", len, off);
		return;
	}
	pthread_mutex_lock(&p->lock);
	if (write) {
		memcpy(&val, data, len);
		common_write(p, off, val);
	} else {
		val = common_read(p, off);
		memcpy(data, &val, len);
	}
	pthread_mutex_unlock(&p->lock);
}

/* 4.1.4.5: reading the ISR clears it, and so lowers INTx. */
static u8 isr_read(struct pci_vdev *p)
{
	u8 isr;

	pthread_mutex_lock(&p->isr_lock);
	isr = atomic_exchange(&p->isr, 0);
	intx_set(p);
	pthread_mutex_unlock(&p->isr_lock);
	return isr;
}

/*
 * The BAR: the parts the capabilities point at.
 */

static void bar_access(struct pci_function *f, int bar, u64 off, u8 *data,
		       u32 len, bool write)
{
	struct pci_vdev *p = f->owner;
	u64 q;

	if (bar != 0)
		return;
	if (off < VPCI_ISR) {
		common_access(p, off - VPCI_COMMON, data, len, write);
	} else if (off < VPCI_DEVICE) {
		if (!write && off == VPCI_ISR && len == 1)
			data[0] = isr_read(p);
		else if (!write)
			memset(data, 0, len);
	} else if (off < VPCI_NOTIFY) {
		device_config_access(&p->dev, off - VPCI_DEVICE, data, len,
				     write);
	} else if (off < VPCI_MSIX_TABLE) {
		/* Only when no ioeventfd caught it first: the unit tests,
		 * or a BAR the guest put where KVM would not take one. */
		q = (off - VPCI_NOTIFY) / VPCI_NOTIFY_MULT;
		if (write && q < p->dev.type->num_queues)
			efd_signal(p->dev.vqs[q].kick_fd);
		else if (!write)
			memset(data, 0, len);
	} else if (off < VPCI_MSIX_PBA) {
		msix_table_access(&p->msix, off - VPCI_MSIX_TABLE, data, len,
				  write);
	} else {
		msix_pba_access(&p->msix, off - VPCI_MSIX_PBA, data, len,
				write);
	}
}

/*L:470
 * The queue notify registers are where KVM saves us an exit: an ioeventfd
 * on each, so a driver's kick wakes the queue thread straight from the
 * kernel, as on virtio-mmio.  But a PCI BAR can move: the guest decides
 * where it decodes, and may turn decoding off.  So when the BAR moves, the
 * ioeventfds move with it. :*/
static void bar_moved(struct pci_function *f, int bar, u64 addr)
{
	struct pci_vdev *p = f->owner;
	unsigned int nq = p->dev.type->num_queues;

	if (bar != 0 || !p->kvm)
		return;
	for (unsigned int q = 0; q < nq && p->notify_addr; q++)
		kvm_ioeventfd_any(p->kvm,
				  p->notify_addr + VPCI_NOTIFY +
					  q * VPCI_NOTIFY_MULT,
				  2, p->dev.vqs[q].kick_fd, false);
	p->notify_addr = addr;
	for (unsigned int q = 0; q < nq && addr; q++)
		if (kvm_ioeventfd_any(p->kvm,
				      addr + VPCI_NOTIFY + q * VPCI_NOTIFY_MULT,
				      2, p->dev.vqs[q].kick_fd, true))
			complain(p, "no ioeventfd for queue %u at %#llx", q,
				 (unsigned long long)addr);
}

/*
 * 4.1.4.9: VIRTIO_PCI_CAP_PCI_CFG, a window on the BAR through config
 * space: the driver sets bar, offset and length, then reads or writes
 * pci_cfg_data.  "The device MUST ignore any write access which has
 * invalid values" is how we treat a window that is not one aligned 1, 2
 * or 4-byte run of our BAR.
 */
static bool cfg_window(struct pci_vdev *p, u64 *off, u32 *len)
{
	u8 c = p->cfg_cap;

	*off = pci_get32(&p->fn, c + VIRTIO_PCI_CAP_OFFSET);
	*len = pci_get32(&p->fn, c + VIRTIO_PCI_CAP_LENGTH);
	return p->fn.config[c + VIRTIO_PCI_CAP_BAR] == 0 &&
	       (*len == 1 || *len == 2 || *len == 4) && !(*off & (*len - 1)) &&
	       *off + *len <= VPCI_BAR_SIZE;
}

static bool touches(u32 off, u32 len, u32 start, u32 n)
{
	return off < start + n && start < off + len;
}

static void config_written(struct pci_function *f, u32 off, u32 len)
{
	struct pci_vdev *p = f->owner;
	u32 data = p->cfg_cap + sizeof(struct virtio_pci_cap);
	u64 woff;
	u32 wlen;

	if (touches(off, len, p->msix_cap + PCI_MSIX_FLAGS, 2)) {
		u16 ctrl = pci_get16(f, p->msix_cap + PCI_MSIX_FLAGS);

		msix_control(&p->msix, ctrl & PCI_MSIX_FLAGS_ENABLE,
			     ctrl & PCI_MSIX_FLAGS_MASKALL);
	}
	if (touches(off, len, PCI_COMMAND, 2) ||
	    touches(off, len, p->msix_cap + PCI_MSIX_FLAGS, 2)) {
		pthread_mutex_lock(&p->isr_lock);
		intx_set(p); /* INTx Disable or MSI-X Enable may have changed */
		pthread_mutex_unlock(&p->isr_lock);
	}
	if (touches(off, len, data, 4) && cfg_window(p, &woff, &wlen))
		bar_access(f, 0, woff, f->config + data, wlen, true);
}

/*
 * PCI 3.0, 6.2.3: the status register's Interrupt Status bit "reflects
 * the state of the interrupt in the device/function", whatever INTx
 * Disable says.  A driver that shares the line (Linux's
 * pci_check_and_mask_intx(), for uio_pci_generic and vfio-pci) takes an
 * interrupt as its own only when this bit says so; left clear, a level
 * line nobody takes is an interrupt storm.  Set as the guest reads it.
 */
static void config_reading(struct pci_function *f, u32 off, u32 len)
{
	struct pci_vdev *p = f->owner;
	u32 data = p->cfg_cap + sizeof(struct virtio_pci_cap);
	u64 woff;
	u32 wlen;

	if (touches(off, len, PCI_STATUS, 1)) {
		f->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
		if (intx_pending(p))
			f->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	}

	if (touches(off, len, data, 4) && cfg_window(p, &woff, &wlen))
		bar_access(f, 0, woff, f->config + data, wlen, false);
}

static const struct pci_function_ops function_ops = {
	.config_written = config_written,
	.config_reading = config_reading,
	.bar_access = bar_access,
	.bar_moved = bar_moved,
};

/*
 * Set-up.
 */

/* 4.1.4: a vendor capability saying where in BAR 0 one part lives. */
static u8 add_part(struct pci_function *f, u8 type, u32 off, u32 len, u8 caplen,
		   const void *extra, size_t extra_len)
{
	u8 cap[24];
	struct virtio_pci_cap *c = (struct virtio_pci_cap *)cap;

	memset(cap, 0, sizeof(cap));
	c->cap_len = caplen;
	c->cfg_type = type;
	c->bar = 0;
	c->offset = htole32(off);
	c->length = htole32(len);
	if (extra_len)
		memcpy(cap + sizeof(*c), extra, extra_len);
	return pci_add_cap(f, PCI_CAP_ID_VNDR, cap, caplen);
}

static u32 class_of(unsigned int virtio_id)
{
	switch (virtio_id) {
	case VIRTIO_ID_NET:
		return PCI_CLASS_ETHERNET;
	case VIRTIO_ID_BLOCK:
		return PCI_CLASS_STORAGE_SCSI;
	case VIRTIO_ID_CONSOLE:
		return PCI_CLASS_COMM_OTHER;
	default:
		return PCI_CLASS_OTHER;
	}
}

/* The function as firmware finds it; -1 if a capability found no room,
 * which the layout below never lets happen. */
static int build_config(struct pci_vdev *p, u64 bar_addr)
{
	struct pci_function *f = &p->fn;
	const struct device *dev = &p->dev;
	const struct pci_id id = {
		.vendor = VIRTIO_PCI_VENDOR,
		.device = VIRTIO_PCI_DEVICE(dev->type->virtio_id),
		/* 4.1.2.1: "Devices MUST have the PCI Revision ID 1 or
		 * higher"; a modern-only device, so not 0. */
		.revision = 1,
		.subsys_vendor = VIRTIO_PCI_VENDOR,
		.subsys = VIRTIO_PCI_SUBSYS,
		.class = class_of(dev->type->virtio_id),
		.irq_pin = 1, /* INTA */
	};
	__le32 mult = htole32(VPCI_NOTIFY_MULT);
	u8 zero[4] = {0}, msix[12];
	bool room = true;

	pci_function_init(f, &id, &function_ops, p);
	pci_function_bar64(f, 0, VPCI_BAR_SIZE, bar_addr);
	room &= add_part(f, VIRTIO_PCI_CAP_COMMON_CFG, VPCI_COMMON,
			 COMMON_CFG_BYTES, sizeof(struct virtio_pci_cap), NULL,
			 0) != 0;
	room &= add_part(f, VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR, 1,
			 sizeof(struct virtio_pci_cap), NULL, 0) != 0;
	if (dev->config_size)
		room &= add_part(f, VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVICE,
				 dev->config_size,
				 sizeof(struct virtio_pci_cap), NULL, 0) != 0;
	room &= add_part(f, VIRTIO_PCI_CAP_NOTIFY_CFG, VPCI_NOTIFY,
			 dev->type->num_queues * VPCI_NOTIFY_MULT,
			 sizeof(struct virtio_pci_notify_cap), &mult,
			 sizeof(mult)) != 0;
	/* 4.1.4.9.1: "The device MUST present at least one
	 * VIRTIO_PCI_CAP_PCI_CFG capability."  Its window fields and data
	 * are the driver's to write. */
	p->cfg_cap =
		add_part(f, VIRTIO_PCI_CAP_PCI_CFG, 0, 0,
			 sizeof(struct virtio_pci_cfg_cap), zero, sizeof(zero));
	/* An offset of 0 would open the header's bytes to the guest. */
	if (!room || !p->cfg_cap)
		return -1;
	memset(f->wmask + p->cfg_cap + VIRTIO_PCI_CAP_BAR, 0xff, 1);
	memset(f->wmask + p->cfg_cap + VIRTIO_PCI_CAP_OFFSET, 0xff, 8);
	memset(f->wmask + p->cfg_cap + sizeof(struct virtio_pci_cap), 0xff, 4);

	/* MSI-X: a vector per queue and one for config changes, the table
	 * and the pending bits in BAR 0.  Enable and Function Mask are the
	 * driver's to set. */
	memset(msix, 0, sizeof(msix));
	pci_set16(msix, PCI_MSIX_FLAGS, p->nvec - 1);
	pci_set32(msix, PCI_MSIX_TABLE, VPCI_MSIX_TABLE | 0);
	pci_set32(msix, PCI_MSIX_PBA, VPCI_MSIX_PBA | 0);
	p->msix_cap = pci_add_cap(f, PCI_CAP_ID_MSIX, msix, sizeof(msix));
	if (!p->msix_cap)
		return -1;
	pci_set16(f->wmask, p->msix_cap + PCI_MSIX_FLAGS,
		  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	p->fn_init = *f;
	return 0;
}

int pci_vdev_init(struct pci_vdev *p, const struct device_type *type,
		  unsigned int index, const char *opt,
		  const struct guest_mem *mem, u64 bar_addr, u32 intx_gsi,
		  u32 gsi_base, char *err, size_t errlen)
{
	unsigned int v;

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->isr_lock, NULL);
	p->intx_gsi = intx_gsi;
	p->gsi_base = gsi_base;
	p->nvec = type->num_queues + 1;
	for (v = 0; v < VPCI_MAX_VECTORS; v++)
		p->irq_fd[v] = -1;
	for (v = 0; v < p->nvec; v++) {
		p->irq_fd[v] = efd_open();
		if (p->irq_fd[v] < 0) {
			snprintf(err, errlen, "cannot create eventfds: %s",
				 strerror(-p->irq_fd[v]));
			goto fail;
		}
	}
	if (device_init(&p->dev, type, index, opt, mem,
			VIRTIO_TRANSPORT_FEATURES, &pci_ops, p, err,
			errlen) < 0)
		goto fail;
	msix_init(&p->msix, p->nvec, msix_route, msix_deliver, p);
	reset_registers(p);
	if (build_config(p, bar_addr) < 0) {
		snprintf(err, errlen, "no room for its PCI capabilities");
		goto fail;
	}
	return 0;

fail:
	for (v = 0; v < VPCI_MAX_VECTORS; v++)
		if (p->irq_fd[v] >= 0)
			close(p->irq_fd[v]);
	return -1;
}

void pci_vdev_attach(struct pci_vdev *p, struct kvm *kvm)
{
	p->kvm = kvm;
	p->notify_addr = 0;
	for (unsigned int v = 0; v < p->nvec; v++)
		kvm_irqfd(kvm, p->gsi_base + v, p->irq_fd[v]);
}

void pci_vdev_reset(struct pci_vdev *p)
{
	pthread_mutex_lock(&p->lock);
	device_reset(&p->dev);
	reset_registers(p);
	pthread_mutex_unlock(&p->lock);
	msix_reset(&p->msix);
	/* The PCI side as at power-on: no decoding, the BAR where the
	 * firmware put it, the capabilities' writable fields cleared. */
	memcpy(p->fn.config, p->fn_init.config, sizeof(p->fn.config));
	memset(p->fn.bar_addr, 0, sizeof(p->fn.bar_addr));
	p->notify_addr = 0;
	p->kvm = NULL;
}

void pci_vdev_destroy(struct pci_vdev *p)
{
	device_destroy(&p->dev);
	for (unsigned int v = 0; v < VPCI_MAX_VECTORS; v++)
		if (p->irq_fd[v] >= 0)
			close(p->irq_fd[v]);
}
