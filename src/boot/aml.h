/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small AML encoder: just enough of ACPI 6.4 chapter 20 ("ACPI Machine
 * Language Specification") and section 6.4 (resource descriptors) to write
 * the Launcher's DSDT.  Everything appends to a byte buffer that never
 * overflows: running out of room sets (nospace) and turns later calls into
 * no-ops, so a caller checks once, at the end.
 *
 * Objects with a PkgLength (Scope, Device, Package, Buffer) are written as
 * begin/end pairs: *_begin() returns where the body starts, the caller writes
 * the body, and aml_end() slides it along to put the length in front.
 */
#ifndef LGUEST_BOOT_AML_H
#define LGUEST_BOOT_AML_H

#include "types.h"

struct aml {
	u8 *buf;
	size_t size;  /* capacity of (buf) */
	size_t len;   /* bytes written so far */
	bool nospace; /* something did not fit; (buf) contents are junk */
};

/* Start an empty builder over (buf), (size) bytes.  Any thread; a builder
 * belongs to one thread at a time. */
void aml_init(struct aml *a, void *buf, size_t size);

/* Append raw bytes, a byte, or a little-endian 16/32-bit value. */
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_byte(struct aml *a, u8 v);
void aml_word(struct aml *a, u16 v);
void aml_dword(struct aml *a, u32 v);

/* Encode the PkgLength value (len), which counts its own bytes too, into
 * (out).  Returns how many bytes (1..4) that takes, or 0 if (len) is too big
 * for AML (2^28 or more). */
size_t aml_pkglen_encode(u8 out[4], u32 len);

/* A NameString: "_HID", "\\_SB_.VR00", "^PARN".  Segments shorter than four
 * characters are padded with '_' ("\\_S5" is "\\_S5_").  (path) comes from
 * our own code, so a malformed one is a bug and asserts. */
void aml_name(struct aml *a, const char *path);

/* Integer (v) in its smallest form: ZeroOp, OneOp or a Byte/Word/DWord/QWord
 * prefix. */
void aml_integer(struct aml *a, u64 v);

/* String (s): ASCII 0x01..0x7f, NUL-terminated in AML as in C. */
void aml_string(struct aml *a, const char *s);

/* The 32-bit compressed EISA ID of (id), e.g. "PNP0501" -> 0x0105D041, as
 * ASL's EISAID() makes it.  Returns 0 if (id) is not three capital letters
 * and four capital hex digits. */
u32 aml_eisaid(const char *id);

/* Name (path, ...): the caller appends the value (an integer, string,
 * package or resource template) next. */
void aml_name_decl(struct aml *a, const char *path);

/* Scope (path) { ... }, Device (path) { ... }, Package (n) { ... }.  Each
 * returns the offset to hand to aml_end() once the body is written. */
size_t aml_scope_begin(struct aml *a, const char *path);
size_t aml_device_begin(struct aml *a, const char *path);
size_t aml_package_begin(struct aml *a, u8 nelems);

/* Method (path, nargs) { ... }: a control method, not serialized.  Our
 * bodies are empty or return a constant. */
size_t aml_method_begin(struct aml *a, const char *path, u8 nargs);

/* Close what *_begin() opened at (start): prefix the body with its
 * PkgLength. */
void aml_end(struct aml *a, size_t start);

/* ResourceTemplate () { ... }: a Buffer of resource descriptors.  The end
 * call appends the End Tag (with checksum), then the buffer size and the
 * PkgLength. */
size_t aml_resources_begin(struct aml *a);
void aml_resources_end(struct aml *a, size_t start);

/* Memory32Fixed (ReadWrite or ReadOnly, base, len). */
void aml_memory32_fixed(struct aml *a, bool writable, u32 base, u32 len);

/* WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min,
 * max, 0, max - min + 1): the bus numbers a host bridge decodes. */
void aml_word_bus_number(struct aml *a, u16 min, u16 max);

/* DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
 * NonCacheable, ReadWrite, 0, min, max, 0, max - min + 1): a memory
 * window a host bridge passes on to its devices. */
void aml_dword_memory(struct aml *a, u32 min, u32 max);

/* IO (Decode16, base, base, align, len): a fixed run of ports. */
void aml_io(struct aml *a, u16 base, u8 align, u8 len);

/* Interrupt (...) { gsi }: the Extended Interrupt Descriptor.  (flags) is
 * its flags byte; the zero bits mean producer, level, active-high and
 * exclusive, so say only what differs. */
#define AML_IRQ_CONSUMER   0x01
#define AML_IRQ_EDGE	   0x02
#define AML_IRQ_ACTIVE_LOW 0x04
#define AML_IRQ_SHARED	   0x08
void aml_interrupt(struct aml *a, u8 flags, u32 gsi);

#endif
