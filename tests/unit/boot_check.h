/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake guest RAM for the boot-protocol tests and fuzz targets, and the
 * promises the loaders in src/boot/ make about the guest they lay out:
 * what test_boot.c checks by hand, fuzz_bzimage, fuzz_elf and fuzz_initrd
 * check after every input.
 */
#ifndef LGUEST_BOOT_CHECK_H
#define LGUEST_BOOT_CHECK_H

#include "boot/boot.h"

/*
 * Give (mem) (low) bytes of RAM at guest-physical 0 and (high) bytes at
 * GUEST_HIGH_START, zeroed, from one malloc() of exactly low + high bytes:
 * ASan then reports any byte a loader touches outside guest RAM.  Tests
 * may pick a (low) below MMIO_GAP_START with some (high), which no
 * Launcher would: that is how they put high RAM in reach of a 64 MiB
 * buffer.  Frees what (mem) had first; NULL base if malloc() fails.
 */
void fake_ram_init(struct guest_mem *mem, u64 low, u64 high);
void fake_ram_free(struct guest_mem *mem);

/*
 * The same for fuzzers, which build a guest per input, without paying for
 * a fresh allocation each time (under ASan a malloc() costs about 0.75 ms
 * a MiB, most of a run).  fake_tail() gives the last (size) bytes of one
 * of a few buffers of FAKE_TAIL_MAX bytes that live as long as the
 * process, and poisons the bytes before them: an access past the end is
 * still an ASan report, and one before the start (to within ASan's 8-byte
 * granule).  None is zeroed; each is valid until the next call for the
 * same (which).  fake_ram_tail() is fake_ram_init() on TAIL_RAM, with
 * (low) + (high) at most FAKE_TAIL_MAX and nothing to free.
 */
#define FAKE_TAIL_MAX (64 * MiB)
enum fake_tail { TAIL_RAM, TAIL_KERNEL, TAIL_INITRD, TAIL_CMDLINE, TAIL_COUNT };
u8 *fake_tail(enum fake_tail which, size_t size);
void fake_ram_tail(struct guest_mem *mem, u64 low, u64 high);

/* Fill (p), (size) bytes, with a pattern that tells its pages apart, for
 * an initrd whose copy in guest RAM we will compare with it. */
void fake_pattern(u8 *p, size_t size);

/*
 * fake_tail() for fuzzers' initrds and command lines, without writing
 * them for every input: the last FAKE_INITRD_MAX bytes of TAIL_INITRD are
 * filled once with fake_pattern(), and the last FAKE_CMDLINE_MAX of
 * TAIL_CMDLINE with 'x' but for a NUL in the last byte, where every
 * command line fake_tail() hands out ends.  fake_initrd() is the last
 * (size) bytes, fake_cmdline() a command line of (len) 'x's: read only,
 * valid until the next call for the same.
 */
#define FAKE_INITRD_MAX	 (16 * MiB)
#define FAKE_CMDLINE_MAX (64 * KiB)
const u8 *fake_initrd(size_t size);
const char *fake_cmdline(size_t len);

/*
 * NULL if the guest (info) describes keeps the boot layout's promises,
 * else one line saying which it breaks: the kernel is not empty, starts at
 * 1 MiB or above, ends in low RAM (the identity map covers only that), and
 * holds its entry point; the initrd, if any, is page aligned and in low
 * RAM; both lie in e820 RAM; and none of the kernel, the initrd and our
 * fixed structures (GDT, zero page, page tables, command line, ACPI
 * tables, reset stub) overlap another.  Pure.
 */
const char *boot_check_layout(const struct guest_mem *mem,
			      const struct boot_info *info);

/*
 * Finish the guest after a kernel loaded, as the Launcher's load_guest()
 * does: place the initrd (rd), (rd_size) bytes (none if (rd_size) is 0),
 * write the reset stub, the ACPI tables, the zero page with (cmdline), the
 * GDT and page tables; and check that each step either refuses or keeps
 * boot_check_layout()'s promises, that the zero page says where the
 * initrd and command line went, and that the initrd and command line are
 * still intact at the end.  Returns NULL, or one line saying what broke.
 * (*refused) is set when a loader said no (not a broken promise).
 */
const char *boot_check_finish(struct guest_mem *mem, struct boot_info *info,
			      const u8 *rd, size_t rd_size, const char *cmdline,
			      bool *refused);

/* Little-endian (bytes) bytes at (a): fuzz input and header fields. */
u64 boot_le(const u8 *a, unsigned int bytes);

/* A fuzz target's broken promise: "(who): (broken)" on stderr, then abort(),
 * which libFuzzer reports as a crash and saves the input. */
_Noreturn void boot_fail(const char *who, const char *broken);

/*
 * The body fuzz_bzimage and fuzz_elf share.  (data) is five header bytes,
 * then the kernel file: byte 0 low RAM, (b + 1) * 128 KiB; byte 1 RAM at
 * 4 GiB, (b % 32) * 128 KiB; bytes 2..3 the initrd size, le16 * 64; byte
 * 4 the command line length, b * 257.  Load the file into fake RAM;
 * if the loader takes it, (check)(mem, info, file, size) judges where the
 * kernel went, then the rest of the guest is built as the Launcher does
 * (boot_check_finish()) and (check) runs again: nothing that followed
 * may have landed on the kernel.  Any broken promise is boot_fail(who).
 */
#define BOOT_FUZZ_HEADER 5
typedef void boot_kernel_check(const struct guest_mem *mem,
			       const struct boot_info *info, const u8 *img,
			       size_t size);
void boot_fuzz_kernel(const char *who, const u8 *data, size_t size,
		      boot_kernel_check *check);

#endif
