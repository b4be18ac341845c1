/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport (virtio 1.2 section 4.2, version 2 "modern"
 * register layout): the original Launcher's device descriptor page,
 * rebuilt as one 4 KiB register window per device.  The guest finds the
 * windows in the ACPI DSDT (LNRO0005), reads and writes them through MMIO
 * exits on its vCPU threads, and notifies queues through KVM ioeventfds
 * that never leave the kernel.  Queue threads interrupt it through a KVM
 * irqfd.  The device's life (features, status, queue threads) is
 * virtio/device.c's; this is only the register window.
 */
#ifndef LGUEST_VIRTIO_MMIO_H
#define LGUEST_VIRTIO_MMIO_H

#include <pthread.h>

#include "host/kvm.h"
#include "virtio/device.h"

struct mmio_dev {
	struct device dev;
	u64 base; /* guest-physical address of the window */
	u32 gsi;  /* its interrupt: IOAPIC pin, edge-triggered */

	/* The registers, written by vCPU threads under (lock).  (isr) is
	 * also set by queue threads, hence atomic. */
	pthread_mutex_t lock;
	_Atomic u32 isr; /* InterruptStatus */
	u32 dev_features_sel, drv_features_sel, queue_sel;

	int irq_fd; /* eventfd -> KVM irqfd */
};

/*
 * Build device (index) of (type) with option value (opt), at window (base)
 * with interrupt (gsi), over guest memory (mem).  A user mistake is one
 * sentence in (err) and -1.  Main thread, during set-up.
 */
int mmio_dev_init(struct mmio_dev *m, const struct device_type *type,
		  unsigned int index, const char *opt,
		  const struct guest_mem *mem, u64 base, u32 gsi, char *err,
		  size_t errlen);

/* Register (m)'s eventfds with this boot's VM (kvm): one ioeventfd per
 * queue on QueueNotify and the irqfd.  Main thread, each boot, before the
 * vCPUs start. */
void mmio_dev_attach(struct mmio_dev *m, struct kvm *kvm);

/*
 * A guest access of (len) bytes at offset (off) of (m)'s window: (data)
 * is what it wrote, or where what it reads goes.  Offset, width and
 * values are all guest-controlled; nothing here trusts them.  vCPU
 * threads (any number at once).  The shape of a bus handler (bus.h).
 */
void mmio_dev_access(void *m, u64 off, u8 *data, u32 len, bool write);

/* Back to power-on, as a driver's write of 0 to Status does.  The guest
 * rebooting calls this too.  Main thread or a vCPU thread. */
void mmio_dev_reset(struct mmio_dev *m);

/* End the device and close its eventfds.  Main thread, at exit. */
void mmio_dev_destroy(struct mmio_dev *m);

#endif
