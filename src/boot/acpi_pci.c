// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge, as ACPI describes it: the MCFG table (PCI Firmware
 * Specification 3.0, 4.1.2) for the ECAM window, and in the DSDT the
 * bridge itself (ACPI 6.4, 6.1.5: _HID "PNP0A08", a PCI Express root) with
 * the bus numbers and memory it decodes in _CRS and its interrupt routing
 * in _PRT (6.2.13), through one interrupt link device per slot.
 */
#include <string.h>

#include "boot/acpi_table.h"

/* MCFG: the header, 8 reserved bytes, one 16-byte allocation per segment
 * and bus range: base address, segment, first and last bus. */
#define MCFG_ENTRIES	 (HDR_LEN + 8)
#define MCFG_ENTRY_BYTES 16

size_t acpi_mcfg_len(const struct acpi_pci *pci)
{
	(void)pci; /* one segment, one bus */
	return MCFG_ENTRIES + MCFG_ENTRY_BYTES;
}

void acpi_build_mcfg(u8 *t, const struct acpi_pci *pci)
{
	size_t len = acpi_mcfg_len(pci);
	u8 *e = t + MCFG_ENTRIES;

	acpi_put_header(t, "MCFG", len, 1);
	acpi_put64(e, pci->ecam);
	acpi_put16(e + 8, 0); /* PCI segment group */
	e[10] = 0;	      /* start bus */
	e[11] = 0;	      /* end bus */
	acpi_checksum(t, len, HDR_CHECKSUM);
}

static void link_name(char name[5], u8 slot)
{
	static const char hex[] = "0123456789ABCDEF";

	name[0] = 'L';
	name[1] = 'K';
	name[2] = hex[slot >> 4 & 0xf];
	name[3] = hex[slot & 0xf];
	name[4] = '\0';
}

/*
 * An interrupt link device (6.2.13, "PNP0C0F") per slot, for its INTA.  We
 * route through one rather than name the IOAPIC pin in _PRT because of how
 * the line is driven: a PCI interrupt is a level, and without a link Linux
 * takes a hardwired _PRT pin to be active-low, where KVM's line level
 * would read inverted.  The link says level, active-high, as QEMU's do;
 * its _SRS accepts the one interrupt it offers.
 */
static void dsdt_link(struct aml *a, const struct acpi_pci_slot *s)
{
	char name[5];
	size_t d, r, m;

	link_name(name, s->slot);
	d = aml_device_begin(a, name);
	aml_name_decl(a, "_HID");
	aml_integer(a, aml_eisaid("PNP0C0F"));
	aml_name_decl(a, "_UID");
	aml_integer(a, s->slot);
	for (int i = 0; i < 2; i++) {
		aml_name_decl(a, i ? "_CRS" : "_PRS");
		r = aml_resources_begin(a);
		aml_interrupt(a, AML_IRQ_CONSUMER, s->gsi);
		aml_resources_end(a, r);
	}
	m = aml_method_begin(a, "_SRS", 1);
	aml_end(a, m);
	aml_end(a, d);
}

/*L:250
 * Linux finds PCI on a PC through ACPI, as it finds everything else here.
 * MCFG says where the configuration space of each device is mapped
 * (ECAM: 4 KiB per function, the bus, device and function numbers in the
 * address), and the DSDT has the host bridge: which bus numbers and which
 * window of memory it decodes for the BARs below it, and in _PRT which
 * interrupt each slot's INTA pin raises.  With MSI-X the drivers never
 * use those pins, but a driver that cannot use MSI-X still works. :*/
void acpi_dsdt_pci(struct aml *a, const struct acpi_pci *pci)
{
	size_t d, r, prt, e;
	char link[12];

	d = aml_device_begin(a, "PCI0");
	aml_name_decl(a, "_HID");
	aml_integer(a, aml_eisaid("PNP0A08"));
	aml_name_decl(a, "_CID");
	aml_integer(a, aml_eisaid("PNP0A03"));
	aml_name_decl(a, "_UID");
	aml_integer(a, 0);
	aml_name_decl(a, "_SEG");
	aml_integer(a, 0);
	aml_name_decl(a, "_BBN");
	aml_integer(a, 0);
	aml_name_decl(a, "_CRS");
	r = aml_resources_begin(a);
	aml_word_bus_number(a, 0, 0);
	aml_dword_memory(a, pci->window_base,
			 pci->window_base + pci->window_size - 1);
	aml_resources_end(a, r);

	/* 6.2.13: each entry is {address, pin, source, source index}: the
	 * slot in the address's high word (any function: 0xffff), INTA, and
	 * the link device that says which interrupt that is. */
	aml_name_decl(a, "_PRT");
	prt = aml_package_begin(a, pci->nslots);
	for (unsigned int i = 0; i < pci->nslots; i++) {
		memcpy(link, "\\_SB_.", 6);
		link_name(link + 6, pci->slots[i].slot);
		e = aml_package_begin(a, 4);
		aml_integer(a, (u32)pci->slots[i].slot << 16 | 0xffff);
		aml_integer(a, 0);
		aml_name(a, link);
		aml_integer(a, 0);
		aml_end(a, e);
	}
	aml_end(a, prt);
	aml_end(a, d);

	for (unsigned int i = 0; i < pci->nslots; i++)
		dsdt_link(a, &pci->slots[i]);

	/* The ECAM window, reserved as a motherboard resource (PNP0C02)
	 * as well as in e820.  Linux trusts MCFG only for a window that
	 * firmware reserved: early in boot it checks e820 (if the 0xcf8
	 * ports work), later the ACPI namespace, here (PCI Firmware
	 * Specification 3.0, 4.1.2). */
	d = aml_device_begin(a, "MRES");
	aml_name_decl(a, "_HID");
	aml_integer(a, aml_eisaid("PNP0C02"));
	aml_name_decl(a, "_CRS");
	r = aml_resources_begin(a);
	aml_memory32_fixed(a, true, pci->ecam, 1 << 20);
	aml_resources_end(a, r);
	aml_end(a, d);
}
