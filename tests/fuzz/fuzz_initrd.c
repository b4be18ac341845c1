// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: boot_load_initrd() (src/boot/bootparams.c) placing an
 * initrd of fuzzed size beside a kernel the input describes, as
 * boot_load_kernel() would have left it, then the zero page and the rest
 * as the Launcher does.  Whatever the sizes, the initrd must be refused
 * or go page aligned into low RAM, at or below initrd_addr_max (a
 * bzImage's) or 2 GiB (an ELF vmlinux's), clear of the kernel and of all
 * our fixed structures, and the zero page must say where
 * (boot_check.h).  Guest RAM and the initrd each end where their buffer
 * does, the bytes before them poisoned (fake_tail()), so ASan sees a byte
 * touched outside either.  Built with
 * tests/fuzz/replay.c it is a plain program replaying the files it is
 * given (tests/fuzz/run replay).
 *
 * Input, 16 bytes (shorter: ignored; longer: the rest ignored):
 *	byte 0	     low RAM: (b + 1) * 128 KiB, so 128 KiB to 32 MiB
 *	byte 1	     RAM at 4 GiB: (b % 32) * 128 KiB
 *	byte 2	     bit 0: the kernel is a bzImage (else an ELF vmlinux)
 *	byte 3..6    its initrd_addr_max, le32 (a bzImage's)
 *	byte 7..8    kernel start: 1 MiB + le16 * 4 KiB
 *	byte 9..11   kernel length: le24 + 1 bytes
 *	byte 12..14  initrd size: le24 bytes (0: no initrd)
 *	byte 15	     command line length: b * 257
 * The kernel's start and length wrap round, modulo the low RAM above
 * 1 MiB and what is left of it: the loaders never describe a kernel
 * outside it (fuzz_bzimage and fuzz_elf check that), so neither do we.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define INPUT 16

static struct guest_mem mem;

#define fail(why) boot_fail("fuzz_initrd", why)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct boot_info info = {0};
	size_t rd_size;
	const char *err, *line;
	bool refused; /* by the initrd or zero page: fine */
	const u8 *rd;
	u64 top;

	if (size < INPUT)
		return 0;
	fake_ram_tail(&mem, (data[0] + 1) * 128 * KiB,
		      (data[1] % 32) * 128 * KiB);
	info.bzimage = data[2] & 1;
	info.hdr.initrd_addr_max = boot_le(data + 3, 4);
	info.hdr.version = 0x020f;
	info.hdr.cmdline_size = 2047;
	if (mem.low_size <= BOOT_HIGH_MEM)
		return 0; /* no room for a kernel */
	info.kernel_start =
		BOOT_HIGH_MEM + (boot_le(data + 7, 2) * 4 * KiB) %
					(mem.low_size - BOOT_HIGH_MEM);
	info.kernel_end =
		info.kernel_start + 1 +
		boot_le(data + 9, 3) % (mem.low_size - info.kernel_start);
	info.entry = info.kernel_start;
	rd_size = boot_le(data + 12, 3);
	rd = fake_initrd(rd_size);
	line = fake_cmdline(data[15] * 257);

	err = boot_check_finish(&mem, &info, rd, rd_size, line, &refused);
	if (err)
		fail(err);
	if (!info.initrd_size)
		return 0; /* none, or refused */
	/* Where boot.rst and our own limits let the initrd end. */
	top = info.bzimage ? (u64)info.hdr.initrd_addr_max + 1 : 2 * GiB;
	if (info.initrd_addr + rd_size > top)
		fail("the initrd ends above initrd_addr_max");
	if (info.initrd_addr < info.kernel_end)
		fail("the initrd is below the kernel's end");
	return 0;
}
