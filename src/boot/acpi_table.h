/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside boot/acpi*.c: writing the fields of an ACPI table, little-endian
 * byte by byte (so no struct packing), and its header and checksum.
 * ACPI 6.4 section numbers.
 */
#ifndef LGUEST_BOOT_ACPI_TABLE_H
#define LGUEST_BOOT_ACPI_TABLE_H

#include "boot/acpi.h"
#include "boot/aml.h"

/* Who we say we are, in every table header. */
#define OEM_ID		 "LGUEST"   /* 6 bytes */
#define OEM_TABLE_ID	 "LGUESTVM" /* 8 bytes */
#define CREATOR_ID	 "LGST"	    /* 4 bytes */
#define OEM_REVISION	 1
#define CREATOR_REVISION 1

/* 5.2.6 System Description Table Header: 36 bytes, checksum at 9. */
#define HDR_LEN	     36
#define HDR_CHECKSUM 9

void acpi_put16(u8 *p, u16 v);
void acpi_put32(u8 *p, u32 v);
void acpi_put64(u8 *p, u64 v);

/* 5.2.6: "The entire table, including the checksum field, must add to
 * zero": set the byte at (at) of the (len)-byte table (t) so it does. */
void acpi_checksum(u8 *t, size_t len, size_t at);

/* The header (5.2.6) of table (sig), (len) bytes, revision (rev), without
 * its checksum, which goes on last. */
void acpi_put_header(u8 *t, const char *sig, u32 len, u8 rev);

/* The PCI host bridge (acpi_pci.c): the MCFG table's length for (pci),
 * the table itself into (t), and the bridge's part of the DSDT, inside
 * \_SB, into (a). */
size_t acpi_mcfg_len(const struct acpi_pci *pci);
void acpi_build_mcfg(u8 *t, const struct acpi_pci *pci);
void acpi_dsdt_pci(struct aml *a, const struct acpi_pci *pci);

#endif
