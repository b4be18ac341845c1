// SPDX-License-Identifier: GPL-2.0
/*
 * The zero page: struct boot_params, which tells the kernel what a BIOS
 * would have told it.  How much memory there is and where (the e820 map),
 * where its command line and initrd are, and where the ACPI tables start.
 */
#include <asm/e820.h>
#include <string.h>

#include "boot/boot.h"
#include "layout.h"

static unsigned int add(struct boot_e820_entry *table, unsigned int n,
			unsigned int max, u64 addr, u64 size, u32 type)
{
	if (n < max && size) {
		table[n].addr = addr;
		table[n].size = size;
		table[n].type = type;
		n++;
	}
	return n;
}

/*
 * The PC memory map, as a BIOS would report it: RAM up to the Extended BIOS
 * Data Area, a reserved hole for the legacy ROM area (our ACPI tables live
 * in it, at 0xe0000), RAM from 1 MiB, the PCI ECAM window reserved, and any
 * RAM that did not fit below the 32-bit device hole above 4 GiB.
 */
unsigned int boot_e820(const struct guest_mem *mem,
		       struct boot_e820_entry *table, unsigned int max)
{
	unsigned int n = 0;

	n = add(table, n, max, 0, MIN(mem->low_size, BOOT_EBDA), E820_RAM);
	n = add(table, n, max, BOOT_EBDA, BOOT_HIGH_MEM - BOOT_EBDA,
		E820_RESERVED);
	if (mem->low_size > BOOT_HIGH_MEM)
		n = add(table, n, max, BOOT_HIGH_MEM,
			mem->low_size - BOOT_HIGH_MEM, E820_RAM);
	/* The PCI ECAM window: Linux uses it only if firmware reserved it. */
	n = add(table, n, max, PCI_ECAM_GPA, PCI_ECAM_SIZE, E820_RESERVED);
	n = add(table, n, max, GUEST_HIGH_START, mem->high_size, E820_RAM);
	return n;
}

const char *boot_load_initrd(struct guest_mem *mem, const u8 *img, size_t size,
			     struct boot_info *info)
{
	u64 top = mem->low_size, addr;
	u8 *dst;

	/*
	 * "initrd_addr_max: the maximum address that may be occupied by the
	 * initial ramdisk/ramfs contents" (boot.rst).  We also keep below the
	 * device hole, and the ELF path, without a header, below 2 GiB.  So
	 * the initrd ends below 4 GiB, and the zero page's 32-bit
	 * ramdisk_image and ramdisk_size hold it.
	 */
	if (info->bzimage)
		top = MIN(top, (u64)info->hdr.initrd_addr_max + 1);
	else
		top = MIN(top, 2 * GiB);
	if (size > top)
		return "is larger than the guest's memory: give the guest "
		       "more MEM_MB";

	/* As high as it can go, page aligned: out of the kernel's way, and
	 * never below 1 MiB, which is ours, whatever (info) says. */
	addr = (top - size) & ~0xfffULL;
	if (addr < MAX(info->kernel_end, BOOT_HIGH_MEM))
		return "does not fit in the guest's memory beside the kernel: "
		       "give the guest more MEM_MB";
	dst = guest_ptr(mem, addr, size);
	if (!dst)
		return "does not fit in the guest's memory";
	memcpy(dst, img, size);
	info->initrd_addr = addr;
	info->initrd_size = size;
	return NULL;
}

/*L:210
 * A BIOS tells the kernel about the machine, and the bootloader tells it
 * the rest: the "zero page", struct boot_params.  We are both.  It says
 * where RAM is (the e820 map), where the command line and initrd are, and
 * where to find the ACPI tables; the kernel reads it through %rsi at its
 * 64-bit entry. :*/
const char *boot_setup_params(struct guest_mem *mem,
			      const struct boot_info *info, const char *cmdline,
			      u64 rsdp)
{
	struct boot_params *bp = guest_ptr(mem, BOOT_ZERO_PAGE, sizeof(*bp));
	size_t len = strlen(cmdline);
	u64 cmdline_max = BOOT_CMDLINE_MAX;
	char *dst;

	if (!bp)
		return "leaves no room for the boot parameters";
	memset(bp, 0, sizeof(*bp));

	if (info->bzimage) {
		/* "A bootloader is supposed to only take setup_header and put
		 * it into a clean boot_params buffer." */
		bp->hdr = info->hdr;
		if (info->hdr.cmdline_size)
			cmdline_max = MIN(cmdline_max,
					  (u64)info->hdr.cmdline_size + 1);
	} else {
		/* An ELF vmlinux has no header of its own: we make the parts
		 * of one that startup_64 reads. */
		bp->hdr.boot_flag = 0xaa55;
		bp->hdr.header = 0x53726448;
		bp->hdr.version = 0x020f;
		bp->hdr.kernel_alignment = 0x1000000;
	}
	if (len >= cmdline_max)
		return "takes a shorter command line than the one given";

	/* 0xff: "boot loader ID undefined", the right answer for us. */
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags |= CAN_USE_HEAP | LOADED_HIGH;
	bp->hdr.heap_end_ptr = 0xfe00;

	dst = guest_ptr(mem, BOOT_CMDLINE, len + 1);
	if (!dst)
		return "leaves no room for the command line";
	memcpy(dst, cmdline, len + 1);
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE;

	bp->hdr.ramdisk_image = info->initrd_addr;
	bp->hdr.ramdisk_size = info->initrd_size;

	/* Boot protocol 2.14 lets us point straight at the RSDP; older
	 * kernels find it by scanning 0xe0000-0xfffff, where it also is. */
	bp->acpi_rsdp_addr = rsdp;

	bp->e820_entries =
		boot_e820(mem, bp->e820_table, E820_MAX_ENTRIES_ZEROPAGE);
	return NULL;
}
