/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine's virtio devices, on whichever transport the user chose:
 * PCI functions behind a host bridge (--transport=pci, the default) or
 * virtio-mmio windows (--transport=mmio).  The Launcher makes, attaches,
 * resets and ends them here without caring which; the devices themselves
 * (src/devices/) never know.
 */
#ifndef LGUEST_VDEVS_H
#define LGUEST_VDEVS_H

#include "boot/acpi.h"
#include "bus.h"
#include "hw/pci.h"
#include "launch.h"
#include "output.h"
#include "virtio/mmio.h"
#include "virtio/pci.h"

#define VDEVS_MAX (1 + LAUNCH_MAX_DEVICES) /* the console, and the rest */

struct vdevs {
	enum transport transport;
	struct pci_host pci; /* --transport=pci */
	union {
		struct mmio_dev mmio;
		struct pci_vdev pci;
	} dev[VDEVS_MAX];
	unsigned int n;
	struct device *console; /* or NULL */

	/* How the ACPI tables describe them. */
	struct acpi_mmio_dev windows[VDEVS_MAX];
	struct acpi_pci_slot slots[VDEVS_MAX];
	struct acpi_pci acpi_pci;
};

/* Make the virtio console (unless --console=serial) and every device of
 * (cfg), on (cfg)'s transport, over guest memory (mem), claiming their
 * registers on (bus); the console writes to (out).  Dies with the device's
 * own sentence on the user's mistake.  Main thread, during set-up. */
void vdevs_make(struct vdevs *v, const struct launch *cfg, struct bus *bus,
		const struct guest_mem *mem, struct output *out);

/* Device (i), 0 .. v->n - 1. */
struct device *vdevs_device(struct vdevs *v, unsigned int i);

/* Describe them in (acpi): windows, or the host bridge.  Main thread. */
void vdevs_acpi(struct vdevs *v, struct acpi_config *acpi);

/* Make their queue threads.  Dies if the host gives none.  Main thread,
 * once set-up has dropped privileges. */
void vdevs_spawn(struct vdevs *v);

/* This boot's VM: eventfds registered.  Main thread, each boot. */
void vdevs_attach(struct vdevs *v, struct kvm *kvm);

/* Back to power-on, every queue thread parked.  Main thread, vCPUs
 * stopped. */
void vdevs_reset(struct vdevs *v);

/* End them.  Main thread, at exit. */
void vdevs_destroy(struct vdevs *v);

#endif
