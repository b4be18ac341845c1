/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine's address map: where RAM is, where each device's registers
 * and interrupts are, in I/O port space and in guest-physical memory.  One
 * table, so nothing collides and the ACPI tables we write, the e820 map
 * and the devices agree by construction.  The devices themselves know
 * only offsets into their own ranges (bus.h); the Launcher places them.
 */
#ifndef LGUEST_LAYOUT_H
#define LGUEST_LAYOUT_H

/* Legacy PC ports Linux expects. */
#define PORT_RTC_INDEX	0x70 /* CMOS RTC: index, then data */
#define PORT_RTC_DATA	0x71
#define PORT_I8042_DATA 0x60
#define PORT_I8042_CMD	0x64  /* write 0xfe: pulse reset line */
#define PORT_COM1	0x3f8 /* 8250 UART, IRQ 4 */
#define IRQ_COM1	4
#define PORT_RESET	0xcf9 /* FADT RESET_REG (as on PIIX chipsets) */
#define RESET_VALUE	0x06
#define PORT_POST	0x80  /* POST codes, and Linux's I/O delay */
#define PORT_PCI_CONFIG 0xcf8 /* 0xcf8-0xcff: PCI configuration */

/* lguest's own ports. */
#define PORT_SLEEP_CTL	     0x600 /* FADT SLEEP_CONTROL_REG: SLP_TYP<<2|SLP_EN */
#define PORT_SLEEP_STS	     0x601    /* FADT SLEEP_STATUS_REG */
#define SLEEP_TYPE_S5	     5	      /* \_S5 package value: power off */
#define PORT_PVPANIC	     0x505    /* pvpanic (ACPI "QEMU0001"), as QEMU */
#define PVPANIC_PANICKED     (1 << 0) /* QEMU's docs/specs/pvpanic.rst; no UAPI */
#define PVPANIC_CRASH_LOADED (1 << 1)
#define PORT_BOOT_TIMER	     0x440 /* guest writes a byte: Launcher logs time */

/* Guest physical addresses. */
#define ACPI_TABLES_GPA	 0xe0000ULL /* RSDP found here by the legacy scan */
#define ACPI_TABLES_SIZE 0x10000ULL
#define IOAPIC_GPA	 0xfec00000ULL
#define LAPIC_GPA	 0xfee00000ULL
#define MMIO_GAP_START	 0xc0000000ULL /* RAM above this moves above 4 GiB */
#define VIRTIO_MMIO_GPA	 0xd0000000ULL /* first virtio-mmio window */
#define VIRTIO_MMIO_SIZE 0x1000ULL     /* one window per device */
#define VIRTIO_IRQ_BASE	 5	       /* first virtio GSI (IOAPIC pin) */

/* PCI (--transport=pci): the host bridge's ECAM window (bus 0, in MCFG
 * and reserved in the e820 map), the window its BARs decode in, where the
 * firmware we are not places each slot's BAR, and the GSIs above the
 * IOAPIC's 24 pins that MSI-X vectors are routed through.  A device's
 * INTA is IOAPIC pin VIRTIO_IRQ_BASE + its index, as on virtio-mmio. */
#define PCI_ECAM_GPA	  0xe0000000ULL
#define PCI_ECAM_SIZE	  0x100000ULL
#define PCI_WINDOW_GPA	  0xc0000000ULL
#define PCI_WINDOW_SIZE	  0x10000000ULL
#define PCI_BAR_GPA(slot) (PCI_WINDOW_GPA + (slot)*0x10000ULL)
#define MSI_GSI_BASE	  24

#endif
