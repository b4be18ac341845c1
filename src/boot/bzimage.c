// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a bzImage.  A bzImage is a little real-mode setup program (which we
 * skip: there is no BIOS for it to talk to) followed by the protected-mode
 * kernel, which decompresses itself.  The setup header near the start tells
 * us how big each part is and what the kernel can do.
 */
#include <stddef.h>
#include <string.h>

#include "boot/boot.h"
#include "layout.h"

/* Where struct setup_header sits in the file (0x1f1), its "HdrS" magic,
 * and the first protocol with xloadflags and the 64-bit entry (2.12). */
#define HDR_OFFSET  offsetof(struct boot_params, hdr)
#define HDR_MAGIC   0x53726448
#define MIN_VERSION 0x020c

/* "the 64-bit kernel entry point, which is the start address of loaded
 * 64-bit kernel plus 0x200" (boot.rst, "64-bit Boot Protocol"). */
#define ENTRY_64 0x200

/* The last field we use is init_size (2.10): a header that stops before
 * its end is no 2.12 header. */
#define HDR_END_MIN                                                            \
	(HDR_OFFSET + offsetof(struct setup_header, init_size) +               \
	 sizeof(((struct setup_header *)0)->init_size))

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/*L:200
 * Now the kernel.  A bzImage is a little real-mode program (the boot
 * sector and "setup") followed by the kernel proper, and the boot protocol
 * (Documentation/arch/x86/boot.rst) lets a loader skip the first part: we
 * read the setup header for what the kernel wants (where it runs, how much
 * room it needs, how long a command line it takes), copy the rest into
 * guest memory, and will enter it in 64-bit mode.  The file is the user's,
 * so every field is checked against its size before it is believed, and
 * nothing may land on the zero page, page tables or ACPI tables we keep
 * below 1 MiB. :*/
const char *boot_load_kernel(struct guest_mem *mem, const u8 *img, size_t size,
			     struct boot_info *info)
{
	struct setup_header *hdr = &info->hdr;
	size_t hdr_end, setup_size;
	const char *err;
	u64 load, need;
	u8 *dst;

	memset(info, 0, sizeof(*info));
	if (size >= 4 && memcmp(img, "\177ELF", 4) == 0)
		return boot_load_elf(mem, img, size, info);

	if (size < HDR_END_MIN || get_le32(img + 0x202) != HDR_MAGIC)
		return "is neither a Linux bzImage nor an ELF vmlinux";

	/*
	 * "The end of setup header can be calculated as follows: 0x0202 +
	 * byte value at offset 0x0201" (boot.rst).  A file that ends before
	 * its header does is cut short; we copy no more than we know, and
	 * the fields past a short header stay zero.
	 */
	hdr_end = 0x202 + img[0x201];
	if (hdr_end > size)
		return "is a truncated bzImage";
	memcpy(hdr, img + HDR_OFFSET,
	       MIN(hdr_end, HDR_OFFSET + sizeof(*hdr)) - HDR_OFFSET);
	info->bzimage = true;

	if (hdr_end < HDR_END_MIN || hdr->version < MIN_VERSION ||
	    !(hdr->xloadflags & XLF_KERNEL_64))
		return "is a bzImage without a 64-bit entry point (boot "
		       "protocol 2.12+); lguest needs a 64-bit x86 kernel";

	/* "If setup_sects is 0, the real value is 4." */
	setup_size = (hdr->setup_sects ? hdr->setup_sects : 4) + 1;
	setup_size *= 512;
	/* And the entry point must be in the file, not in the zeroes past
	 * it that init_size covers. */
	if (setup_size >= size || size - setup_size <= ENTRY_64)
		return "is a truncated bzImage";

	/*
	 * Where the kernel will run, which is where it needs its init_size:
	 * "the amount of linear contiguous memory starting at the kernel
	 * runtime start address that the kernel needs before it is capable
	 * of examining its memory map" (boot.rst).  A relocatable kernel
	 * runs at "align_up(load_address, kernel_alignment)", but never
	 * below its pref_address: its decompressor (head_64.S) moves up
	 * there from anywhere lower.  Loaded at 1 MiB, as we used to, a
	 * Debian kernel ran from 16 MiB, 15 MiB past the end we had checked
	 * and kept the initrd clear of.  So we take the protocol's advice,
	 * "A relocating bootloader should attempt to load at this address
	 * if possible", and load it where it will run.
	 *
	 * One that is not relocatable "will unconditionally move itself and
	 * to run at this address" (pref_address): there it goes too, and
	 * boot_kernel_fits() refuses one that says 0x7000, our zero page.
	 */
	if (hdr->relocatable_kernel) {
		u32 align = hdr->kernel_alignment;

		/* "Alignment unit required by the kernel (if
		 * relocatable_kernel is true.)" */
		if (!align || (align & (align - 1)))
			return "is a relocatable bzImage whose "
			       "kernel_alignment is not a power of two";
		/* Clamped first, so the rounding cannot wrap: from 3 GiB up
		 * it fails boot_kernel_fits() all the same. */
		load = MIN(MAX(hdr->pref_address, BOOT_HIGH_MEM),
			   MMIO_GAP_START);
		load = ALIGN_UP(load, align);
	} else {
		load = hdr->pref_address;
	}
	need = MAX(hdr->init_size, size - setup_size);
	err = boot_kernel_fits(mem, load, need);
	if (err)
		return err;
	dst = guest_ptr(mem, load, need);
	memcpy(dst, img + setup_size, size - setup_size);

	/* "After loading, the boot loader must set the code32_start field
	 * to point to the loaded code" (relocatable_kernel).  Only the
	 * 32-bit entry reads it, but the header should not lie. */
	if (hdr->relocatable_kernel)
		hdr->code32_start = load;

	info->entry = load + ENTRY_64;
	info->kernel_start = load;
	info->kernel_end = load + need;
	return NULL;
}
