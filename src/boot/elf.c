// SPDX-License-Identifier: GPL-2.0
/*
 * Loading an uncompressed ELF vmlinux, as the original Launcher did
 * (map_elf) and as Firecracker does.  The segments go where their
 * physical addresses say, and the ELF entry point is the physical address
 * of startup_64, which takes the same boot_params as a bzImage.
 */
#include <elf.h>
#include <string.h>

#include "boot/boot.h"

const char *boot_load_elf(struct guest_mem *mem, const u8 *img, size_t size,
			  struct boot_info *info)
{
	Elf64_Ehdr eh;
	bool entry_loaded = false;
	const char *err;

	if (size < sizeof(eh))
		return "is a truncated ELF file";
	memcpy(&eh, img, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_type != ET_EXEC)
		return "is an ELF file but not an x86-64 executable vmlinux";
	/*
	 * The table must be in the file, checked so nothing overflows.  And
	 * e_phnum 0xffff is no count: "If the number of program headers is
	 * greater than or equal to PN_XNUM (0xffff), this member has the
	 * value PN_XNUM (0xffff).  The actual number of program header
	 * table entries is contained in the sh_info field of the section
	 * header at index 0" (elf(5)).  No vmlinux has that many.
	 */
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum >= PN_XNUM || eh.e_phoff > size ||
	    (size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum)
		return "is an ELF file with a broken program header table";

	info->kernel_start = UINT64_MAX;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		u8 *dst;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
		    ph.p_filesz > size - ph.p_offset)
			return "is an ELF file with a segment outside the file";
		err = boot_kernel_fits(mem, ph.p_paddr, ph.p_memsz);
		if (err)
			return err;
		dst = guest_ptr(mem, ph.p_paddr, ph.p_memsz);
		memcpy(dst, img + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);

		info->kernel_start = MIN(info->kernel_start, ph.p_paddr);
		info->kernel_end =
			MAX(info->kernel_end, ph.p_paddr + ph.p_memsz);
		if (eh.e_entry >= ph.p_paddr &&
		    eh.e_entry - ph.p_paddr < ph.p_memsz)
			entry_loaded = true;
	}
	if (!entry_loaded)
		return "is an ELF file whose entry point is not in a loaded "
		       "segment (is it a vmlinux?)";
	info->entry = eh.e_entry;
	return NULL;
}
