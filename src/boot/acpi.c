/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Guest's ACPI tables, per ACPI 6.4 (section numbers below are its).
 * We describe a "hardware-reduced" platform (4.1): no PM1 blocks, no SCI,
 * no FACS, just a reset register and a pair of sleep registers, which is all
 * a Linux guest needs to find its CPUs, IOAPIC and devices and to power off.
 * The layout is the RSDP, then XSDT, FADT, MADT and DSDT, each on a 16-byte
 * boundary, written little-endian byte by byte so no struct packing is needed.
 */
#include <errno.h>
#include <string.h>

#include "boot/acpi.h"
#include "boot/acpi_table.h"
#include "boot/aml.h"
#include "layout.h"

/* 5.2.5.3 RSDP: 36 bytes in its ACPI 2.0+ form. */
#define RSDP_LEN 36

/* 5.2.8 XSDT: the header, then one 64-bit address per table (FADT, MADT,
 * and MCFG when there is PCI). */
#define XSDT_LEN(n) (HDR_LEN + (n)*8)

/* 5.2.9 "FADT Format": offsets of the fields we fill.  Revision 6
 * (ACPI 6.0 and later) is 276 bytes, ending with the hypervisor identity. */
#define FADT_LEN	       276
#define FADT_REVISION	       6
#define FADT_MINOR	       4 /* ACPI 6.4 */
#define FADT_DSDT	       40
#define FADT_IAPC_BOOT_ARCH    109
#define FADT_FLAGS	       112
#define FADT_RESET_REG	       116
#define FADT_RESET_VALUE       128
#define FADT_MINOR_VERSION     131
#define FADT_X_DSDT	       140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG  256
#define FADT_HYPERVISOR_ID     268

/* 5.2.9.3 IA-PC Boot Architecture Flags. */
#define IAPC_LEGACY_DEVICES  (1 << 0)
#define IAPC_8042	     (1 << 1)
#define IAPC_VGA_NOT_PRESENT (1 << 2)

/* 5.2.9 Fixed ACPI Description Table Fixed Feature Flags. */
#define FADT_F_PWR_BUTTON      (1 << 4)
#define FADT_F_SLP_BUTTON      (1 << 5)
#define FADT_F_HW_REDUCED_ACPI (1 << 20)

/* 5.2.3.2 Generic Address Structure: 12 bytes. */
#define GAS_SYSTEM_IO	1
#define GAS_ACCESS_BYTE 1

/* 5.2.12 MADT (revision 5 in ACPI 6.4) and its interrupt controller
 * structures (5.2.12.2, .3, .5, .7). */
#define MADT_REVISION	 5
#define MADT_LAPIC_ADDR	 36
#define MADT_FLAGS	 40
#define MADT_ENTRIES	 44
#define MADT_PCAT_COMPAT (1 << 0)
#define MADT_LAPIC	 0 /* type; each is (type, length, ...) */
#define MADT_LAPIC_LEN	 8
#define MADT_IOAPIC	 1
#define MADT_IOAPIC_LEN	 12
#define MADT_ISO	 2
#define MADT_ISO_LEN	 10
#define MADT_NMI	 4
#define MADT_NMI_LEN	 6
#define LAPIC_ENABLED	 (1 << 0)
#define MPS_ACTIVE_HIGH	 0x1 /* MPS INTI flags: polarity, bits 1:0 */
#define MPS_EDGE	 0x4 /* trigger mode, bits 3:2 */

#define IOAPIC_ID 0

/* An 8-bit I/O port as a Generic Address Structure. */
static void put_port8(u8 *p, u16 port)
{
	p[0] = GAS_SYSTEM_IO;
	p[1] = 8; /* register bit width */
	p[2] = 0; /* bit offset */
	p[3] = GAS_ACCESS_BYTE;
	acpi_put64(p + 4, port);
}

static void build_rsdp(u8 *p, u64 xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, OEM_ID, 6);
	p[15] = 2; /* ACPI 2.0 and later: the XSDT fields below are valid */
	/* RsdtAddress stays 0: a 64-bit kernel reads the XSDT when the revision
	 * is 2 or more, and we would rather not keep two root tables. */
	acpi_put32(p + 20, RSDP_LEN);
	acpi_put64(p + 24, xsdt);
	/* 5.2.5.3: the first checksum covers "only the first 20 bytes of this
	 * table, bytes 0 to 19", the extended one the entire table. */
	acpi_checksum(p, 20, 8);
	acpi_checksum(p, RSDP_LEN, 32);
}

static void build_xsdt(u8 *t, const u64 *tables, unsigned int n)
{
	acpi_put_header(t, "XSDT", XSDT_LEN(n), 1);
	for (unsigned int i = 0; i < n; i++)
		acpi_put64(t + HDR_LEN + 8 * i, tables[i]);
	acpi_checksum(t, XSDT_LEN(n), HDR_CHECKSUM);
}

static void build_fadt(u8 *t, u64 dsdt, const struct acpi_config *cfg)
{
	u16 iapc = IAPC_VGA_NOT_PRESENT;

	acpi_put_header(t, "FACP", FADT_LEN, FADT_REVISION);
	t[FADT_MINOR_VERSION] = FADT_MINOR;

	/* 4.1: Hardware-Reduced ACPI has no fixed-feature hardware, so
	 * the PM1 blocks, PM timer, GPE blocks, SCI and FACS all stay zero; the
	 * reset and sleep registers below are all that is left.  We have no
	 * power or sleep button at all, which 5.2.9 spells as a 1 in
	 * PWR_BUTTON and SLP_BUTTON and no button device in the namespace.
	 * The other flags describe fixed hardware (C-states, the RTC wake
	 * alarm, cache flushing for S1-S4) that we do not have either. */
	acpi_put32(t + FADT_FLAGS, FADT_F_HW_REDUCED_ACPI | FADT_F_PWR_BUTTON |
					   FADT_F_SLP_BUTTON);

	/* IA-PC boot flags, which Linux still reads with a reduced FADT:
	 * - VGA Not Present: there is none, and this keeps Linux away from the
	 *   legacy VGA ports and memory.
	 * - 8042 stays clear.  Our i8042 is only the reset line on port 0x64,
	 *   not a keyboard controller, and with the bit clear Linux's i8042
	 *   driver does not probe for one.  Reboot still works: Linux's
	 *   keyboard-controller reset writes 0xfe to port 0x64 without
	 *   looking at this bit.
	 * - CMOS RTC Not Present stays clear: we do emulate the RTC, and Linux
	 *   reads the wall clock from it at boot.
	 * - MSI Not Supported and PCIe ASPM Controls stay clear: there is no
	 *   PCI here for them to talk about.
	 * - Legacy Devices: set when COM1 is there, the one user-visible device
	 *   on the (notional) ISA bus; Linux only uses it to skip PnPBIOS. */
	if (cfg->serial)
		iapc |= IAPC_LEGACY_DEVICES;
	acpi_put16(t + FADT_IAPC_BOOT_ARCH, iapc);

	/* 4.8.3.6 Reset Register: one 8-bit write of RESET_VALUE, as on the
	 * PIIX chipsets' port 0xcf9.  We fill it in but leave RESET_REG_SUP
	 * clear: Debian 12's kernel, offered it, never wrote the register and
	 * hung in acpi_reboot() (measured; its ten-second stall afterwards
	 * alone would cost every reboot ten seconds).  Without the flag Linux
	 * goes straight to the i8042 reset, which works at once.  Port 0xcf9
	 * still resets the guest for "reboot=p". */
	put_port8(t + FADT_RESET_REG, PORT_RESET);
	t[FADT_RESET_VALUE] = RESET_VALUE;

	/* 4.8.3.7 Sleep Control and Status Registers: OSPM writes SLP_TYPx
	 * (bits 4:2, from \_S5 in the DSDT) with SLP_EN (bit 5) to the first
	 * to power off, and polls WAK_STS (bit 7) in the second. */
	put_port8(t + FADT_SLEEP_CONTROL_REG, PORT_SLEEP_CTL);
	put_port8(t + FADT_SLEEP_STATUS_REG, PORT_SLEEP_STS);

	/* Both DSDT pointers, equal, for readers of either; the 32-bit one only
	 * if it fits.  FIRMWARE_CTRL and X_FIRMWARE_CTRL stay zero: with
	 * HW_REDUCED_ACPI set that means there is no FACS. */
	if (dsdt <= 0xffffffff)
		acpi_put32(t + FADT_DSDT, dsdt);
	acpi_put64(t + FADT_X_DSDT, dsdt);

	/* 5.2.9 "Hypervisor Vendor Identity": "64-bit identifier of
	 * hypervisor vendor.  All bytes in this field are considered part of
	 * the vendor identity."  No version in it, so just our name. */
	memcpy(t + FADT_HYPERVISOR_ID, "LGUEST\0\0", 8);

	acpi_checksum(t, FADT_LEN, HDR_CHECKSUM);
}

static size_t madt_len(const struct acpi_config *cfg)
{
	return MADT_ENTRIES + cfg->ncpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN +
	       MADT_ISO_LEN + MADT_NMI_LEN;
}

static void build_madt(u8 *t, const struct acpi_config *cfg)
{
	size_t len = madt_len(cfg);
	u8 *e = t + MADT_ENTRIES;

	acpi_put_header(t, "APIC", len, MADT_REVISION);
	acpi_put32(t + MADT_LAPIC_ADDR, LAPIC_GPA);

	/* 5.2.12 Multiple APIC Flags: PCAT_COMPAT "indicates that the system also has a
	 * PC-AT-compatible dual-8259 setup", which KVM's in-kernel irqchip
	 * does give us, and "the 8259 vectors must be disabled (that is,
	 * masked) when enabling the ACPI APIC operation", which is what we want
	 * of any OS.  Linux with a hardware-reduced FADT ignores both the flag
	 * and the 8259 (it swaps in a null legacy PIC), so saying so is free. */
	acpi_put32(t + MADT_FLAGS, MADT_PCAT_COMPAT);

	/* 5.2.12.2: one enabled Processor Local APIC per vCPU, the ACPI
	 * processor UID equal to the APIC ID. */
	for (unsigned int i = 0; i < cfg->ncpus; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = i;
		e[3] = i;
		acpi_put32(e + 4, LAPIC_ENABLED);
	}

	/* 5.2.12.3: the IOAPIC, its pins starting at GSI 0.  Its ID is 0 even
	 * though CPU 0's local APIC is 0 too: since the xAPIC, I/O and local
	 * APIC IDs no longer share a bus and 64-bit Linux checks IOAPIC IDs
	 * only against each other.  0 is also what KVM's IOAPIC ID register
	 * holds after reset, and that register has only 4 bits, so "ncpus"
	 * could not match it beyond 15 CPUs.  QEMU, Firecracker and
	 * cloud-hypervisor make the same choice. */
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = IOAPIC_ID;
	acpi_put32(e + 4, IOAPIC_GPA);
	acpi_put32(e + 8, 0);
	e += MADT_IOAPIC_LEN;

	/* 5.2.12.5: ISA IRQ 0 (the PIT) arrives on IOAPIC pin 2, as on every
	 * PC with an IOAPIC and as KVM's default routing wires it; edge,
	 * active-high like every ISA interrupt. */
	e[0] = MADT_ISO;
	e[1] = MADT_ISO_LEN;
	e[2] = 0; /* bus: ISA */
	e[3] = 0; /* source: IRQ 0 */
	acpi_put32(e + 4, 2);
	acpi_put16(e + 8, MPS_EDGE | MPS_ACTIVE_HIGH);
	e += MADT_ISO_LEN;

	/* 5.2.12.7: NMI comes in on LINT1 of every local APIC (UID 0xff is
	 * "all processors"). */
	e[0] = MADT_NMI;
	e[1] = MADT_NMI_LEN;
	e[2] = 0xff;
	acpi_put16(e + 3, MPS_EDGE | MPS_ACTIVE_HIGH);
	e[5] = 1;

	acpi_checksum(t, len, HDR_CHECKSUM);
}

/*
 * A virtio-mmio window: Linux's virtio_mmio driver matches _HID "LNRO0005"
 * and takes the register window and interrupt from _CRS.
 *
 * The interrupt is an edge, not a level.  Device threads signal through a
 * KVM irqfd registered without a resample fd, so KVM pulses the pin (raise,
 * then lower) at once; a level interrupt would need that resample fd to
 * learn when the guest EOIs.  Nothing is lost to edges: Linux's handler
 * reads InterruptStatus and writes InterruptACK on every interrupt, and a
 * kick that lands while it runs is a new edge.  One pin per device, so
 * Exclusive.
 */
static void dsdt_virtio(struct aml *a, unsigned int i,
			const struct acpi_mmio_dev *dev)
{
	static const char hex[] = "0123456789ABCDEF";
	char name[5] = {'V', 'R', hex[i >> 4 & 0xf], hex[i & 0xf], '\0'};
	size_t d, r;

	d = aml_device_begin(a, name);
	aml_name_decl(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name_decl(a, "_UID");
	aml_integer(a, i);
	aml_name_decl(a, "_CRS");
	r = aml_resources_begin(a);
	aml_memory32_fixed(a, true, dev->base, dev->size);
	aml_interrupt(a, AML_IRQ_CONSUMER | AML_IRQ_EDGE, dev->gsi);
	aml_resources_end(a, r);
	aml_end(a, d);
}

/* COM1, the 8250 UART, as Linux's 8250_pnp driver expects to find it: ports
 * 0x3f8-0x3ff and ISA IRQ 4, edge and active-high like every ISA line. */
static void dsdt_com1(struct aml *a)
{
	size_t d, r;

	d = aml_device_begin(a, "COM1");
	aml_name_decl(a, "_HID");
	aml_integer(a, aml_eisaid("PNP0501"));
	aml_name_decl(a, "_CRS");
	r = aml_resources_begin(a);
	aml_io(a, PORT_COM1, 1, 8);
	aml_interrupt(a, AML_IRQ_CONSUMER | AML_IRQ_EDGE, IRQ_COM1);
	aml_resources_end(a, r);
	aml_end(a, d);
}

/* The pvpanic port, under QEMU's name for it, since that is what Linux's
 * pvpanic-mmio driver matches; it accepts an I/O port resource as well as
 * memory. */
static void dsdt_pvpanic(struct aml *a)
{
	size_t d, r;

	d = aml_device_begin(a, "PEVT");
	aml_name_decl(a, "_HID");
	aml_string(a, "QEMU0001");
	aml_name_decl(a, "_CRS");
	r = aml_resources_begin(a);
	aml_io(a, PORT_PVPANIC, 1, 1);
	aml_resources_end(a, r);
	aml_end(a, d);
}

/* The CMOS RTC.  Without this, Linux registers the RTC as a legacy platform
 * device on ISA IRQ 8, which a hardware-reduced platform has no mapping
 * for, and rtc_cmos fails its probe (-EINVAL).  Described here with ports
 * only: we raise no RTC interrupts, and Linux's PNP probe then runs the
 * clock without alarms rather than not at all. */
static void dsdt_rtc(struct aml *a)
{
	size_t d, r;

	d = aml_device_begin(a, "RTC_");
	aml_name_decl(a, "_HID");
	aml_integer(a, aml_eisaid("PNP0B00"));
	aml_name_decl(a, "_CRS");
	r = aml_resources_begin(a);
	aml_io(a, PORT_RTC_INDEX, 1, 2);
	aml_resources_end(a, r);
	aml_end(a, d);
}

/* The DSDT into (t), at most (size) bytes: its length, or -ENOSPC. */
static long build_dsdt(u8 *t, size_t size, const struct acpi_config *cfg)
{
	static const u8 header[HDR_LEN];
	struct aml a;
	size_t pkg, sb;

	aml_init(&a, t, size);
	aml_bytes(&a, header, sizeof(header)); /* filled in at the end */

	/* 7.4.2 \_Sx: a package of integers whose first is SLP_TYPa, which
	 * Linux's hardware-reduced poweroff shifts into the sleep control
	 * register.  The rest are unused on a reduced platform. */
	aml_name_decl(&a, "\\_S5");
	pkg = aml_package_begin(&a, 4);
	aml_integer(&a, SLEEP_TYPE_S5);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_end(&a, pkg);

	sb = aml_scope_begin(&a, "\\_SB");
	for (unsigned int i = 0; i < cfg->nvirtio; i++)
		dsdt_virtio(&a, i, &cfg->virtio[i]);
	if (cfg->serial)
		dsdt_com1(&a);
	if (cfg->pvpanic)
		dsdt_pvpanic(&a);
	if (cfg->rtc)
		dsdt_rtc(&a);
	if (cfg->pci)
		acpi_dsdt_pci(&a, cfg->pci);
	aml_end(&a, sb);

	if (a.nospace)
		return -ENOSPC;
	/* 5.2.11.1: a revision of 2 or more "will cause the interpreter to use
	 * full 64-bit integers and math". */
	acpi_put_header(t, "DSDT", a.len, 2);
	acpi_checksum(t, a.len, HDR_CHECKSUM);
	return a.len;
}

static bool config_ok(const struct acpi_config *cfg)
{
	/* xAPIC IDs are 8 bits and 0xff is the broadcast ID; more CPUs would
	 * need x2APIC structures. */
	if (cfg->ncpus < 1 || cfg->ncpus > 255)
		return false;
	if (cfg->nvirtio > 256 || (cfg->nvirtio && !cfg->virtio))
		return false;
	/* Memory32Fixed can only say 32-bit addresses. */
	for (unsigned int i = 0; i < cfg->nvirtio; i++) {
		const struct acpi_mmio_dev *dev = &cfg->virtio[i];

		if (dev->size == 0 || dev->base > (1ULL << 32) - dev->size)
			return false;
	}
	if (cfg->pci &&
	    (cfg->pci->nslots > 31 || (cfg->pci->nslots && !cfg->pci->slots) ||
	     !cfg->pci->window_size ||
	     cfg->pci->window_base > (1ULL << 32) - cfg->pci->window_size))
		return false;
	return true;
}

/*L:240
 * The original Launcher described its devices on a page above guest RAM.
 * Debian's kernels find virtio devices only through ACPI, so that is what
 * we write: a root pointer where the kernel scans for it, a table of
 * tables, a "hardware-reduced" FADT (no legacy power-management chips:
 * just a reset register and a sleep register, which is how poweroff
 * reaches us), the MADT listing each CPU's local APIC and the IOAPIC, and
 * the DSDT, a little AML program naming each device and its resources. :*/
long acpi_build(void *buf, size_t size, u64 gpa, const struct acpi_config *cfg)
{
	unsigned int ntables = cfg && cfg->pci ? 3 : 2;
	size_t xsdt, fadt, madt, mcfg, dsdt;
	u64 tables[3];
	u8 *b = buf;
	long len;

	/* 5.2.5.1: the legacy scan looks for the RSDP on 16-byte boundaries. */
	if (gpa % 16 || !config_ok(cfg))
		return -EINVAL;

	xsdt = ALIGN_UP(RSDP_LEN, 16);
	fadt = xsdt + ALIGN_UP(XSDT_LEN(ntables), 16);
	madt = fadt + ALIGN_UP(FADT_LEN, 16);
	mcfg = madt + ALIGN_UP(madt_len(cfg), 16);
	dsdt = mcfg + (cfg->pci ? ALIGN_UP(acpi_mcfg_len(cfg->pci), 16) : 0);
	if (dsdt > size)
		return -ENOSPC;

	memset(b, 0, dsdt); /* reserved fields and padding are zero */
	len = build_dsdt(b + dsdt, size - dsdt, cfg);
	if (len < 0)
		return len;
	tables[0] = gpa + fadt;
	tables[1] = gpa + madt;
	tables[2] = gpa + mcfg;
	build_rsdp(b, gpa + xsdt);
	build_xsdt(b + xsdt, tables, ntables);
	build_fadt(b + fadt, gpa + dsdt, cfg);
	build_madt(b + madt, cfg);
	if (cfg->pci)
		acpi_build_mcfg(b + mcfg, cfg->pci);
	return dsdt + len;
}
