/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport (virtio 1.2 section 4.2, version 2 "modern"
 * register layout): the original Launcher's device descriptor page,
 * rebuilt as one 4 KiB register window per device.  The guest finds the
 * windows in the ACPI DSDT (LNRO0005), reads and writes them through MMIO
 * exits on its vCPU threads, and notifies queues through KVM ioeventfds
 * that never leave the kernel.  Queue threads interrupt it through a KVM
 * irqfd.
 */
#ifndef LGUEST_VIRTIO_MMIO_H
#define LGUEST_VIRTIO_MMIO_H

#include <pthread.h>

#include "host/kvm.h"
#include "virtio/device.h"
#include "virtio/thread.h"

struct mmio_dev {
	struct device dev;
	u64 base; /* guest-physical address of the window */
	u32 gsi;  /* its interrupt: IOAPIC pin, edge-triggered */

	/* The registers, written by vCPU threads under (lock).  (status)
	 * and (isr) are also set by queue threads, hence atomic. */
	pthread_mutex_t lock;
	_Atomic u32 status;
	_Atomic u32 isr; /* InterruptStatus */
	u32 dev_features_sel, drv_features_sel, queue_sel;
	u64 drv_features; /* as the driver is writing them */
	_Atomic u32 config_generation;
	bool warned; /* a driver mistake here was logged since reset */

	int irq_fd;			/* eventfd -> KVM irqfd */
	int stop_fd;			/* eventfd: queue threads, stop */
	int kick_fd[DEVICE_MAX_QUEUES]; /* eventfds <- KVM ioeventfd */
	struct vq_thread threads[DEVICE_MAX_QUEUES];
};

/*
 * Build device (index) of (type) with option value (opt), at window (base)
 * with interrupt (gsi), over guest memory (mem).  Creates the device (its
 * create() hook) and the eventfds.  A user mistake is one sentence in
 * (err) and -1.  Main thread, before the guest runs.
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
 * A guest access of (len) bytes at guest-physical (addr) inside (m)'s
 * window: (data) is what it wrote, or where what it reads goes.  Address,
 * width and values are all guest-controlled; nothing here trusts them.
 * vCPU threads (any number at once).
 */
void mmio_dev_access(struct mmio_dev *m, u64 addr, u8 *data, u32 len,
		     bool write);

/* Back to power-on, as a driver's write of 0 to Status does: stop and join
 * the queue threads, forget the rings and features.  The guest rebooting
 * calls this too.  Main thread or a vCPU thread. */
void mmio_dev_reset(struct mmio_dev *m);

/* Reset, then close the device and its eventfds.  Main thread, at exit. */
void mmio_dev_destroy(struct mmio_dev *m);

#endif
