// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: an ELF vmlinux made of fuzz input, loaded by
 * boot_load_kernel() (ELF-64, elf(5); src/boot/elf.c) into fake guest
 * RAM, then an initrd, the zero page and the rest as the Launcher does.
 * Whatever the headers say, the loader must refuse the file or put each
 * PT_LOAD segment at its physical address, at 1 MiB or above and in low
 * RAM, file bytes then zeroes, with the entry point in one of them; and
 * nothing that follows may land on them (boot_check.h).  Guest RAM and
 * the file each end where their buffer does, the bytes before them
 * poisoned (fake_tail()), so ASan sees a byte touched outside either.  Built with tests/fuzz/replay.c it is a plain
 * program replaying the files it is given (tests/fuzz/run replay).
 *
 * Input: five header bytes, then the ELF file to the end:
 *	byte 0	  low RAM: (b + 1) * 128 KiB, so 128 KiB to 32 MiB
 *	byte 1	  RAM at 4 GiB: (b % 32) * 128 KiB; no Launcher gives so
 *		  little low RAM any high, but no segment may land there
 *	byte 2..3 initrd size: le16 * 64 bytes (0: no initrd)
 *	byte 4	  command line length: b * 257, up to BOOT_CMDLINE_MAX - 1
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define fail(why) boot_fail("fuzz_elf", why)

/* Program header (i) of the file, which loaded, so it is in the file. */
static Elf64_Phdr phdr(const u8 *img, unsigned int i)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	memcpy(&eh, img, sizeof(eh));
	memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
	return ph;
}

static bool loads(const Elf64_Phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz;
}

/* Does segment (i) share a byte with another?  Then the later one's
 * bytes win there, and we only check the bounds of either. */
static bool overlapped(const u8 *img, unsigned int n, unsigned int i)
{
	Elf64_Phdr a = phdr(img, i);

	for (unsigned int j = 0; j < n; j++) {
		Elf64_Phdr b = phdr(img, j);

		if (j != i && loads(&b) && a.p_paddr < b.p_paddr + b.p_memsz &&
		    b.p_paddr < a.p_paddr + a.p_memsz)
			return true;
	}
	return false;
}

/* What elf(5) and boot_load_elf()'s contract say about a file that
 * loaded; run again after the rest of the guest is written. */
static void check_kernel(const struct guest_mem *mem,
			 const struct boot_info *info, const u8 *img, size_t n)
{
	Elf64_Ehdr eh;
	u64 start = UINT64_MAX, end = 0;
	bool entry_in = false;

	/* Mutations make bzImages too: fuzz_bzimage judges those. */
	if (n < SELFMAG || memcmp(img, ELFMAG, SELFMAG)) {
		if (!info->bzimage)
			fail("a file without the ELF magic loaded as ELF");
		return;
	}
	if (info->bzimage)
		fail("an ELF file loaded as a bzImage");
	memcpy(&eh, img, sizeof(eh));
	if (info->entry != eh.e_entry)
		fail("the entry point is not e_entry");
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph = phdr(img, i);
		const u8 *p;

		if (!loads(&ph))
			continue;
		/* boot_kernel_fits() passed it: the sum cannot wrap. */
		if (ph.p_paddr < BOOT_HIGH_MEM ||
		    ph.p_paddr + ph.p_memsz > mem->low_size)
			fail("a segment is outside [1 MiB, end of low RAM)");
		start = MIN(start, ph.p_paddr);
		end = MAX(end, ph.p_paddr + ph.p_memsz);
		if (eh.e_entry >= ph.p_paddr &&
		    eh.e_entry - ph.p_paddr < ph.p_memsz)
			entry_in = true;
		if (overlapped(img, eh.e_phnum, i))
			continue;
		p = mem->base + ph.p_paddr;
		if (memcmp(p, img + ph.p_offset, ph.p_filesz))
			fail("a segment is not in RAM as it is in the file");
		if (ph.p_memsz > ph.p_filesz &&
		    (p[ph.p_filesz] || p[ph.p_memsz - 1]))
			fail("a segment's bss is not zeroed");
	}
	if (!entry_in)
		fail("the entry point is in no segment");
	if (info->kernel_start != start || info->kernel_end != end)
		fail("the kernel's extent is not its segments'");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	boot_fuzz_kernel("fuzz_elf", data, size, check_kernel);
	return 0;
}
