// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a bzImage made of fuzz input, loaded by boot_load_kernel()
 * (Linux x86 boot protocol, Documentation/arch/x86/boot.rst) into fake
 * guest RAM, then an initrd, the zero page and the rest as the Launcher
 * does.  Whatever the file says, the loader must refuse it or put it where
 * it will run (at pref_address, or for a relocatable kernel rounded up to
 * kernel_alignment from there, never below 1 MiB, all of init_size in low
 * RAM), with its entry point 0x200 in, and nothing that follows may land
 * on it (boot_check.h).  Guest RAM and the file each end where their
 * buffer does, the bytes before them poisoned (fake_tail()), so ASan sees
 * a byte touched outside either.  Built
 * with tests/fuzz/replay.c it is a plain program replaying the files it
 * is given (tests/fuzz/run replay).
 *
 * Input: five header bytes, then the kernel file to the end:
 *	byte 0	  low RAM: (b + 1) * 128 KiB, so 128 KiB to 32 MiB
 *	byte 1	  RAM at 4 GiB: (b % 32) * 128 KiB; no Launcher gives so
 *		  little low RAM any high, but no kernel may land there
 *	byte 2..3 initrd size: le16 * 64 bytes (0: no initrd)
 *	byte 4	  command line length: b * 257, up to BOOT_CMDLINE_MAX - 1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define fail(why) boot_fail("fuzz_bzimage", why)

/*
 * What boot.rst says about where a kernel that loaded must be, from the
 * file's own bytes rather than the loader's copy of its header (a file
 * too short to hold them must not have loaded: ASan says so if it did).
 * Run again after the rest of the guest is written.
 */
static void check_kernel(const struct guest_mem *mem,
			 const struct boot_info *info, const u8 *img, size_t n)
{
	size_t setup = ((img[0x1f1] ? img[0x1f1] : 4) + 1) * 512;
	u64 align = boot_le(img + 0x230, 4), pref = boot_le(img + 0x258, 8);
	u64 init_size = boot_le(img + 0x260, 4), start = info->kernel_start;
	const char *err = boot_check_layout(mem, info);

	if (err)
		fail(err);
	if (!info->bzimage)
		fail("a bzImage loaded as an ELF file");
	if (setup >= n || n - setup <= 0x200)
		fail("a file without its 64-bit entry point loaded");
	if (img[0x234]) { /* relocatable_kernel */
		u64 from = MAX(pref, BOOT_HIGH_MEM);

		if (!align || (align & (align - 1)))
			fail("a kernel_alignment that is no power of two");
		if (start % align || start < from || start - from >= align)
			fail("a relocatable kernel is not where it will run");
		if (info->hdr.code32_start != start)
			fail("code32_start is not the load address");
	} else if (start != pref) {
		fail("a non-relocatable kernel is not at its pref_address");
	}
	if (info->entry != start + 0x200)
		fail("the entry point is not 0x200 into the kernel");
	if (info->kernel_end - start != MAX(init_size, n - setup))
		fail("the kernel's end is not init_size from its start");
	if (memcmp(mem->base + start, img + setup, n - setup))
		fail("the kernel is not in RAM as it is in the file");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	boot_fuzz_kernel("fuzz_bzimage", data, size, check_kernel);
	return 0;
}
