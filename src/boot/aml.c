/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AML encoder behind the DSDT (see aml.h).  Section numbers are from
 * ACPI 6.4: chapter 20 for the byte grammar, 6.4 for resource descriptors,
 * 19.6 (the ASL operator reference) for EISAID.
 */
#include <assert.h>
#include <string.h>

#include "boot/aml.h"

/* ACPI 6.4, 20.2.x: the opcodes we use. */
#define ZERO_OP	      0x00
#define ONE_OP	      0x01
#define NAME_OP	      0x08
#define BYTE_PREFIX   0x0a
#define WORD_PREFIX   0x0b
#define DWORD_PREFIX  0x0c
#define STRING_PREFIX 0x0d
#define QWORD_PREFIX  0x0e
#define SCOPE_OP      0x10
#define BUFFER_OP     0x11
#define PACKAGE_OP    0x12
#define METHOD_OP     0x14
#define DUAL_NAME     0x2e
#define MULTI_NAME    0x2f
#define EXT_OP_PREFIX 0x5b
#define DEVICE_OP     0x82 /* after EXT_OP_PREFIX */
#define ROOT_CHAR     '\\'
#define PARENT_CHAR   '^'

/* ACPI 6.4, 6.4: resource descriptor tags. */
#define RES_IO	     0x47 /* small item 0x08, length 7 */
#define RES_END_TAG  0x79 /* small item 0x0f, length 1 */
#define RES_MEMORY32 0x86 /* large item 0x06 */
#define RES_DWORD    0x87 /* large item 0x07: DWord Address Space */
#define RES_WORD     0x88 /* large item 0x08: Word Address Space */
#define RES_EXT_IRQ  0x89 /* large item 0x09 */

/* 6.4.3.5.5: the address space descriptors' fields. */
#define RES_TYPE_MEMORY 0
#define RES_TYPE_BUS	2
#define RES_MIN_FIXED	(1 << 2)
#define RES_MAX_FIXED	(1 << 3)
#define RES_MEM_RW	(1 << 0) /* type-specific: read-write */

void aml_init(struct aml *a, void *buf, size_t size)
{
	a->buf = buf;
	a->size = size;
	a->len = 0;
	a->nospace = false;
}

/* Put (n) bytes at offset (at), moving what was there along.  Everything
 * else is built on this, so this is the one place that checks for room. */
static void insert(struct aml *a, size_t at, const void *p, size_t n)
{
	if (a->nospace)
		return;
	assert(at <= a->len);
	if (n > a->size - a->len) {
		a->nospace = true;
		return;
	}
	memmove(a->buf + at + n, a->buf + at, a->len - at);
	memcpy(a->buf + at, p, n);
	a->len += n;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	insert(a, a->len, p, n);
}

void aml_byte(struct aml *a, u8 v)
{
	aml_bytes(a, &v, 1);
}

void aml_word(struct aml *a, u16 v)
{
	u8 b[2] = {v & 0xff, v >> 8};

	aml_bytes(a, b, sizeof(b));
}

void aml_dword(struct aml *a, u32 v)
{
	aml_word(a, v & 0xffff);
	aml_word(a, v >> 16);
}

/*
 * ACPI 6.4, 20.2.4 "Package Length Encoding": "The high 2 bits of the first
 * byte reveal how many follow bytes are in the PkgLength.  If the PkgLength
 * has only one byte, bit 0 through 5 are used to encode the package length
 * (in other words, values 0-63).  If the package length value is more than
 * 63, more than one byte must be used for the encoding in which case bit 4
 * and 5 of the PkgLeadByte are reserved and must be zero.  If the multiple
 * bytes encoding is used, bits 0-3 of the PkgLeadByte become the least
 * significant 4 bits of the resulting package length value."
 */
size_t aml_pkglen_encode(u8 out[4], u32 len)
{
	size_t n;

	if (len < 1u << 6) {
		out[0] = len;
		return 1;
	}
	if (len < 1u << 12)
		n = 2;
	else if (len < 1u << 20)
		n = 3;
	else if (len < 1u << 28)
		n = 4;
	else
		return 0;
	out[0] = (n - 1) << 6 | (len & 0xf);
	for (size_t i = 1; i < n; i++)
		out[i] = len >> (4 + 8 * (i - 1)) & 0xff;
	return n;
}

/* The length counts its own bytes, so a body of 63 bytes cannot take the
 * one-byte form (63 + 1 = 64 does not fit in six bits): try each size until
 * the encoding is as long as we assumed. */
void aml_end(struct aml *a, size_t start)
{
	size_t body = a->len - start;
	u8 enc[4];

	if (a->nospace)
		return;
	for (size_t k = 1; k <= 4; k++) {
		if (body + k < 1u << 28 &&
		    aml_pkglen_encode(enc, body + k) == k) {
			insert(a, start, enc, k);
			return;
		}
	}
	a->nospace = true; /* 256 MiB of AML: we will not get here */
}

static bool lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return lead_char(c) || (c >= '0' && c <= '9');
}

/* ACPI 6.4, 20.2.2 "Name Objects Encoding": NameSeg is a LeadNameChar and
 * three NameChars; DualNamePrefix precedes two segments, MultiNamePrefix a
 * count and that many. */
void aml_name(struct aml *a, const char *path)
{
	size_t nseg = 0;
	const char *p;

	if (*path == ROOT_CHAR)
		aml_byte(a, *path++);
	else
		while (*path == PARENT_CHAR)
			aml_byte(a, *path++);
	if (*path == '\0') {
		aml_byte(a, ZERO_OP); /* NullName */
		return;
	}
	for (p = path, nseg = 1; *p; p++)
		nseg += *p == '.';
	assert(nseg < 256);
	if (nseg == 2)
		aml_byte(a, DUAL_NAME);
	else if (nseg > 2) {
		aml_byte(a, MULTI_NAME);
		aml_byte(a, nseg);
	}
	for (p = path; nseg--; p++) {
		char seg[4] = {'_', '_', '_', '_'};

		assert(lead_char(*p));
		for (size_t i = 0; *p && *p != '.'; i++, p++) {
			assert(i < 4 && name_char(*p));
			seg[i] = *p;
		}
		aml_bytes(a, seg, sizeof(seg));
	}
}

/* ACPI 6.4, 20.2.3 "Data Objects Encoding". */
void aml_integer(struct aml *a, u64 v)
{
	size_t n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;
	u8 b[9];

	if (v <= 1) {
		aml_byte(a, v ? ONE_OP : ZERO_OP);
		return;
	}
	if (n == 1)
		b[0] = BYTE_PREFIX;
	else if (n == 2)
		b[0] = WORD_PREFIX;
	else
		b[0] = n == 4 ? DWORD_PREFIX : QWORD_PREFIX;
	for (size_t i = 0; i < n; i++)
		b[1 + i] = v >> (8 * i) & 0xff;
	aml_bytes(a, b, 1 + n);
}

void aml_string(struct aml *a, const char *s)
{
	for (const char *p = s; *p; p++)
		assert((u8)*p <= 0x7f);
	aml_byte(a, STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

/*
 * ASL's EISAID() packs a 7-character PnP ID into 32 bits: the three letters
 * take five bits each ('A' is 1), the four hex digits the low 16 bits, and
 * the whole is stored big-endian, hence the byte swap at the end.
 */
u32 aml_eisaid(const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	u32 v = 0;

	if (strlen(id) != 7)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			return 0;
		v |= (u32)(id[i] - '@') << (26 - 5 * i);
	}
	for (int i = 3; i < 7; i++) {
		const char *h = strchr(hex, id[i]); /* id[i] is not NUL */

		if (!h)
			return 0;
		v |= (u32)(h - hex) << (4 * (6 - i));
	}
	return (v >> 24) | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

void aml_name_decl(struct aml *a, const char *path)
{
	aml_byte(a, NAME_OP);
	aml_name(a, path);
}

/* DefScope := ScopeOp PkgLength NameString TermList */
size_t aml_scope_begin(struct aml *a, const char *path)
{
	size_t start;

	aml_byte(a, SCOPE_OP);
	start = a->len;
	aml_name(a, path);
	return start;
}

/* DefDevice := DeviceOp PkgLength NameString TermList */
size_t aml_device_begin(struct aml *a, const char *path)
{
	size_t start;

	aml_byte(a, EXT_OP_PREFIX);
	aml_byte(a, DEVICE_OP);
	start = a->len;
	aml_name(a, path);
	return start;
}

/* DefMethod := MethodOp PkgLength NameString MethodFlags TermList, the
 * flags being ArgCount in bits 0-2, SerializeFlag in bit 3 (not set) and
 * SyncLevel above it (0). */
size_t aml_method_begin(struct aml *a, const char *path, u8 nargs)
{
	size_t start;

	aml_byte(a, METHOD_OP);
	start = a->len;
	aml_name(a, path);
	aml_byte(a, nargs & 7);
	return start;
}

/* DefPackage := PackageOp PkgLength NumElements PackageElementList */
size_t aml_package_begin(struct aml *a, u8 nelems)
{
	size_t start;

	aml_byte(a, PACKAGE_OP);
	start = a->len;
	aml_byte(a, nelems);
	return start;
}

/* DefBuffer := BufferOp PkgLength BufferSize ByteList.  BufferSize is an
 * integer whose encoding depends on the size, so, like the PkgLength, it
 * goes in at the end. */
size_t aml_resources_begin(struct aml *a)
{
	aml_byte(a, BUFFER_OP);
	return a->len;
}

/* ACPI 6.4, 6.4.2.9 End Tag: "Checksum covering all resource data after the
 * serial identifier.  This checksum is generated such that adding it to the
 * sum of all the data bytes will produce a zero sum." */
void aml_resources_end(struct aml *a, size_t start)
{
	u8 sum = RES_END_TAG;
	struct aml size;
	u8 enc[9];

	if (a->nospace)
		return;
	for (size_t i = start; i < a->len; i++)
		sum += a->buf[i];
	aml_byte(a, RES_END_TAG);
	aml_byte(a, -sum);
	aml_init(&size, enc, sizeof(enc));
	aml_integer(&size, a->len - start);
	insert(a, start, enc, size.len);
	aml_end(a, start);
}

/* ACPI 6.4, 6.4.3.4 "32-Bit Fixed Memory Range Descriptor". */
void aml_memory32_fixed(struct aml *a, bool writable, u32 base, u32 len)
{
	aml_byte(a, RES_MEMORY32);
	aml_word(a, 9); /* length of what follows */
	aml_byte(a, writable ? 0x01 : 0x00);
	aml_dword(a, base);
	aml_dword(a, len);
}

/* ACPI 6.4, 6.4.3.5.3 "Word Address Space Descriptor", for bus numbers:
 * produced (general flags bit 0 clear), positive decode, fixed both ends. */
void aml_word_bus_number(struct aml *a, u16 min, u16 max)
{
	aml_byte(a, RES_WORD);
	aml_word(a, 13); /* length of what follows */
	aml_byte(a, RES_TYPE_BUS);
	aml_byte(a, RES_MIN_FIXED | RES_MAX_FIXED);
	aml_byte(a, 0);		    /* type-specific flags */
	aml_word(a, 0);		    /* granularity */
	aml_word(a, min);	    /* range minimum */
	aml_word(a, max);	    /* range maximum */
	aml_word(a, 0);		    /* translation offset */
	aml_word(a, max - min + 1); /* length */
}

/* ACPI 6.4, 6.4.3.5.2 "DWord Address Space Descriptor", for memory:
 * produced, positive decode, fixed both ends, non-cacheable, read-write. */
void aml_dword_memory(struct aml *a, u32 min, u32 max)
{
	aml_byte(a, RES_DWORD);
	aml_word(a, 23); /* length of what follows */
	aml_byte(a, RES_TYPE_MEMORY);
	aml_byte(a, RES_MIN_FIXED | RES_MAX_FIXED);
	aml_byte(a, RES_MEM_RW);
	aml_dword(a, 0);	     /* granularity */
	aml_dword(a, min);	     /* range minimum */
	aml_dword(a, max);	     /* range maximum */
	aml_dword(a, 0);	     /* translation offset */
	aml_dword(a, max - min + 1); /* length */
}

/* ACPI 6.4, 6.4.2.5 "I/O Port Descriptor": bit 0 of the information byte
 * "1 The logical device decodes 16-bit addresses". */
void aml_io(struct aml *a, u16 base, u8 align, u8 len)
{
	aml_byte(a, RES_IO);
	aml_byte(a, 0x01);
	aml_word(a, base); /* minimum base */
	aml_word(a, base); /* maximum base: the ports do not move */
	aml_byte(a, align);
	aml_byte(a, len);
}

/* ACPI 6.4, 6.4.3.6 "Extended Interrupt Descriptor", one interrupt and no
 * resource source. */
void aml_interrupt(struct aml *a, u8 flags, u32 gsi)
{
	aml_byte(a, RES_EXT_IRQ);
	aml_word(a, 6); /* flags, table length, one DWord */
	aml_byte(a, flags);
	aml_byte(a, 1);
	aml_dword(a, gsi);
}
