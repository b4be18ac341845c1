// SPDX-License-Identifier: GPL-2.0
/*
 * Writing ACPI tables (acpi_table.h): fields little-endian byte by byte,
 * headers and checksums.  ACPI 6.4 section numbers.
 */
#include <string.h>

#include "boot/acpi_table.h"

void acpi_put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

void acpi_put32(u8 *p, u32 v)
{
	acpi_put16(p, v & 0xffff);
	acpi_put16(p + 2, v >> 16);
}

void acpi_put64(u8 *p, u64 v)
{
	acpi_put32(p, v & 0xffffffff);
	acpi_put32(p + 4, v >> 32);
}

/* 5.2.6: "The entire table, including the checksum field, must add to zero
 * to be considered valid." */
void acpi_checksum(u8 *t, size_t len, size_t at)
{
	u8 sum = 0;

	t[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	t[at] = -sum;
}

/* The header (5.2.6) without its checksum, which goes on last. */
void acpi_put_header(u8 *t, const char *sig, u32 len, u8 rev)
{
	memcpy(t, sig, 4);
	acpi_put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	acpi_put32(t + 24, OEM_REVISION);
	memcpy(t + 28, CREATOR_ID, 4);
	acpi_put32(t + 32, CREATOR_REVISION);
}
