// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's virtio devices (vdevs.h).
 */
#include "devices/console.h"
#include "layout.h"
#include "log.h"
#include "vdevs.h"

struct device *vdevs_device(struct vdevs *v, unsigned int i)
{
	return v->transport == TRANSPORT_PCI ? &v->dev[i].pci.dev
					     : &v->dev[i].mmio.dev;
}

/* Device (index) of (type) as the next virtio-mmio window. */
static int add_mmio(struct vdevs *v, const struct device_type *type,
		    unsigned int index, const char *opt, struct bus *bus,
		    const struct guest_mem *mem, char *err, size_t errlen)
{
	struct mmio_dev *m = &v->dev[v->n].mmio;
	u64 base = VIRTIO_MMIO_GPA + v->n * VIRTIO_MMIO_SIZE;

	if (mmio_dev_init(m, type, index, opt, mem, base,
			  VIRTIO_IRQ_BASE + v->n, err, errlen) < 0)
		return -1;
	if (bus_register(bus, BUS_MMIO, base, VIRTIO_MMIO_SIZE, mmio_dev_access,
			 m, m->dev.name, false))
		die("no room on the bus for %s.", m->dev.name);
	verbose("%s: virtio-mmio at %#llx, interrupt %u "
		"(virtio_mmio.device=4K@%#llx:%u)",
		m->dev.name, (unsigned long long)base, m->gsi,
		(unsigned long long)base, m->gsi);
	return 0;
}

/* Device (index) of (type) as PCI function 00.(n + 1).0: its INTA on the
 * same IOAPIC pin a virtio-mmio window would have, its MSI-X vectors on
 * GSIs of its own. */
static int add_pci(struct vdevs *v, const struct device_type *type,
		   unsigned int index, const char *opt,
		   const struct guest_mem *mem, char *err, size_t errlen)
{
	struct pci_vdev *p = &v->dev[v->n].pci;
	unsigned int slot = v->n + 1;
	u32 gsi_base = MSI_GSI_BASE + v->n * VPCI_MAX_VECTORS;

	if (pci_vdev_init(p, type, index, opt, mem, PCI_BAR_GPA(slot),
			  VIRTIO_IRQ_BASE + v->n, gsi_base, err, errlen) < 0)
		return -1;
	if (pci_host_add(&v->pci, slot, &p->fn))
		die("PCI slot %u is taken (a bug in vdevs.c).", slot);
	v->slots[v->n] =
		(struct acpi_pci_slot){.slot = slot, .gsi = p->intx_gsi};
	verbose("%s: virtio-pci at 00:%02x.0, BAR %#llx, INTA on interrupt "
		"%u, MSI-X vectors %u-%u",
		p->dev.name, slot, (unsigned long long)PCI_BAR_GPA(slot),
		p->intx_gsi, gsi_base, gsi_base + p->nvec - 1);
	return 0;
}

static void add(struct vdevs *v, const struct device_type *type,
		const char *opt, struct bus *bus, const struct guest_mem *mem)
{
	unsigned int index = 0;
	char err[256];
	int r;

	for (unsigned int i = 0; i < v->n; i++)
		index += vdevs_device(v, i)->type == type;
	if (v->transport == TRANSPORT_PCI)
		r = add_pci(v, type, index, opt, mem, err, sizeof(err));
	else
		r = add_mmio(v, type, index, opt, bus, mem, err, sizeof(err));
	if (r < 0)
		die("%s", err);
	v->n++;
}

void vdevs_make(struct vdevs *v, const struct launch *cfg, struct bus *bus,
		const struct guest_mem *mem, struct output *out)
{
	v->transport = cfg->transport;
	/* Without PCI, the configuration ports are where we know nothing
	 * is, and Linux's probe of them goes unremarked. */
	if (v->transport == TRANSPORT_PCI
		    ? pci_host_init(&v->pci, bus, PCI_ECAM_GPA, PORT_PCI_CONFIG,
				    PCI_WINDOW_GPA, PCI_WINDOW_SIZE)
		    : bus_register(bus, BUS_PIO, PORT_PCI_CONFIG, 8, NULL, NULL,
				   "pci", false))
		die("the PCI windows collide (a bug in layout.h).");
	if (!cfg->no_virtio_console) {
		add(v, &console_type, NULL, bus, mem);
		v->console = vdevs_device(v, 0);
		console_set_output(v->console, out);
	}
	for (unsigned int i = 0; i < cfg->ndevices; i++)
		add(v, cfg->devices[i].type, cfg->devices[i].opt, bus, mem);
}

void vdevs_acpi(struct vdevs *v, struct acpi_config *acpi)
{
	if (v->transport == TRANSPORT_PCI) {
		v->acpi_pci = (struct acpi_pci){
			.ecam = PCI_ECAM_GPA,
			.window_base = PCI_WINDOW_GPA,
			.window_size = PCI_WINDOW_SIZE,
			.slots = v->slots,
			.nslots = v->n,
		};
		acpi->pci = &v->acpi_pci;
		return;
	}
	for (unsigned int i = 0; i < v->n; i++)
		v->windows[i] = (struct acpi_mmio_dev){
			.base = v->dev[i].mmio.base,
			.size = VIRTIO_MMIO_SIZE,
			.gsi = v->dev[i].mmio.gsi,
		};
	acpi->virtio = v->windows;
	acpi->nvirtio = v->n;
}

void vdevs_spawn(struct vdevs *v)
{
	for (unsigned int i = 0; i < v->n; i++)
		if (device_spawn(vdevs_device(v, i)))
			die("cannot start %s's threads.",
			    vdevs_device(v, i)->name);
}

void vdevs_attach(struct vdevs *v, struct kvm *kvm)
{
	for (unsigned int i = 0; i < v->n; i++) {
		if (v->transport == TRANSPORT_PCI)
			pci_vdev_attach(&v->dev[i].pci, kvm);
		else
			mmio_dev_attach(&v->dev[i].mmio, kvm);
	}
}

void vdevs_reset(struct vdevs *v)
{
	for (unsigned int i = 0; i < v->n; i++) {
		if (v->transport == TRANSPORT_PCI)
			pci_vdev_reset(&v->dev[i].pci);
		else
			mmio_dev_reset(&v->dev[i].mmio);
	}
}

void vdevs_destroy(struct vdevs *v)
{
	for (unsigned int i = 0; i < v->n; i++) {
		if (v->transport == TRANSPORT_PCI)
			pci_vdev_destroy(&v->dev[i].pci);
		else
			mmio_dev_destroy(&v->dev[i].mmio);
	}
}
