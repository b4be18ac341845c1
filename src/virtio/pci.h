/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-pci transport, modern only (virtio 1.2 section 4.1): a device
 * is a PCI function whose one memory BAR holds the common configuration,
 * the ISR, the device's config, the queue notify registers and the MSI-X
 * table, each found by the driver through a vendor capability.  The
 * original lguest moved to this transport in its last version, and so do
 * we, for the interrupts: with MSI-X, a queue thread's eventfd write
 * becomes an interrupt inside KVM (an irqfd on an MSI route), and the
 * driver reads no register to learn why, so no exit comes to us at all.
 * Notifications arrive through ioeventfds on the notify registers, as on
 * virtio-mmio.  Without MSI-X, the ISR and the INTx line (a level
 * interrupt, PCI's way) do the work.
 */
#ifndef LGUEST_VIRTIO_PCI_H
#define LGUEST_VIRTIO_PCI_H

#include <pthread.h>

#include "host/kvm.h"
#include "hw/msix.h"
#include "hw/pci.h"
#include "virtio/device.h"

/* The one BAR, and where its parts sit in it. */
#define VPCI_BAR_SIZE	 0x8000
#define VPCI_COMMON	 0x0000
#define VPCI_ISR	 0x1000
#define VPCI_DEVICE	 0x2000
#define VPCI_NOTIFY	 0x3000
#define VPCI_MSIX_TABLE	 0x4000
#define VPCI_MSIX_PBA	 0x5000
#define VPCI_NOTIFY_MULT 4 /* bytes between queues' notify registers */
#define VPCI_MAX_VECTORS (DEVICE_MAX_QUEUES + 1)

struct pci_vdev {
	struct device dev;
	struct pci_function fn;
	struct pci_function fn_init; /* config space at power-on */
	struct msix msix;
	u32 intx_gsi; /* INTA, a level-triggered IOAPIC pin */
	u32 gsi_base; /* MSI-X vector v is GSI gsi_base + v */
	unsigned int nvec;
	int irq_fd[VPCI_MAX_VECTORS]; /* eventfd -> KVM irqfd, per vector */
	struct kvm *kvm; /* this boot's VM, from pci_vdev_attach() */
	u8 cfg_cap;	 /* VIRTIO_PCI_CAP_PCI_CFG's offset */
	u8 msix_cap;	 /* the MSI-X capability's offset */

	/* The common configuration registers, written by vCPU threads
	 * under (lock). */
	pthread_mutex_t lock;
	u32 dfselect, gfselect;
	u16 queue_sel;
	_Atomic u16 msix_config;
	_Atomic u16 queue_vector[DEVICE_MAX_QUEUES];

	/* The ISR and the INTx line it drives, which queue threads raise and
	 * a vCPU's ISR read lowers: under one lock when INTx is in use, so
	 * the line is high exactly when the ISR is not zero.  With MSI-X the
	 * ISR is set without it (atomic), and no line moves. */
	pthread_mutex_t isr_lock;
	_Atomic u8 isr;
	bool intx_high;

	u64 notify_addr; /* where the notify ioeventfds are, or 0 */
};

/*
 * Build device (index) of (type) with option value (opt) over guest memory
 * (mem), as a PCI function whose BAR starts out at (bar_addr), with INTx
 * on GSI (intx_gsi) and its MSI-X vectors on GSIs from (gsi_base).  A user
 * mistake is one sentence in (err) and -1.  Main thread, during set-up.
 */
int pci_vdev_init(struct pci_vdev *p, const struct device_type *type,
		  unsigned int index, const char *opt,
		  const struct guest_mem *mem, u64 bar_addr, u32 intx_gsi,
		  u32 gsi_base, char *err, size_t errlen);

/* This boot's VM: the vectors' irqfds.  Main thread, each boot, before the
 * vCPUs start; the function is back at power-on. */
void pci_vdev_attach(struct pci_vdev *p, struct kvm *kvm);

/* Power-on, as a guest reboot needs: the device reset, MSI-X masked and
 * off, the config space as at first.  Main thread, vCPUs stopped. */
void pci_vdev_reset(struct pci_vdev *p);

/* End the device and close its eventfds.  Main thread, at exit. */
void pci_vdev_destroy(struct pci_vdev *p);

#endif
