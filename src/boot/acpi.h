/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables the Launcher hands the Guest: how a Debian kernel finds its
 * CPUs and IOAPIC (MADT), its virtio devices (a PCI host bridge and its
 * ECAM window, DSDT "PNP0A08" and MCFG; or virtio-mmio, DSDT "LNRO0005"),
 * and the registers that reset and power it off (hardware-reduced FADT).  The
 * Launcher copies them to ACPI_TABLES_GPA and points
 * boot_params.acpi_rsdp_addr at the RSDP.
 */
#ifndef LGUEST_BOOT_ACPI_H
#define LGUEST_BOOT_ACPI_H

#include "types.h"

struct acpi_mmio_dev {
	u64 base; /* guest-physical address of the register window */
	u32 size; /* window length in bytes */
	u32 gsi;  /* its interrupt (IOAPIC pin) */
};

/* A PCI host bridge with one bus: its ECAM window (MCFG), the window its
 * BARs decode in, and each device's slot and INTA interrupt. */
struct acpi_pci_slot {
	u8 slot; /* 1..31 */
	u32 gsi; /* INTA: an IOAPIC pin, level, active-high */
};

struct acpi_pci {
	u64 ecam;		      /* bus 0's 1 MiB of ECAM */
	u32 window_base, window_size; /* 32-bit, for the BARs */
	const struct acpi_pci_slot *slots;
	unsigned int nslots; /* 0..31 */
};

struct acpi_config {
	unsigned int ncpus; /* 1..255 local APICs, IDs 0..ncpus-1 */
	const struct acpi_mmio_dev
		*virtio;      /* virtio-mmio windows, may be NULL */
	unsigned int nvirtio; /* 0..256 (names VR00..VRFF) */
	bool serial;	      /* describe COM1 (PNP0501, 0x3f8, IRQ 4) */
	bool pvpanic;	      /* describe pvpanic (QEMU0001 at PORT_PVPANIC) */
	bool rtc; /* describe the CMOS RTC (PNP0B00 at 0x70, no IRQ) */
	const struct acpi_pci *pci; /* a PCI host bridge, or NULL */
};

/* Lay out RSDP, XSDT, FADT, MADT, DSDT in (buf), which the guest will see at
 * guest-physical address (gpa), (size) bytes long.  The RSDP comes first, at
 * (gpa) itself (16-byte aligned).  Returns the number of bytes used, or
 * -ENOSPC if they do not fit, or -EINVAL if (gpa) is not 16-byte aligned or
 * (cfg) is out of range (ncpus, nvirtio above; a virtio window that is empty
 * or ends above 4 GiB).  Nothing is written at or past (buf) + (size).
 * Pure: no I/O, no globals, any thread. */
long acpi_build(void *buf, size_t size, u64 gpa, const struct acpi_config *cfg);

#endif
