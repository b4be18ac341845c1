// SPDX-License-Identifier: GPL-2.0
/*
 * Where in guest memory a kernel may go (boot.h), for both loaders.
 */
#include "boot/boot.h"
#include "layout.h"

/*
 * Everything below 1 MiB is ours: the zero page, command line, GDT and
 * page tables, ACPI tables and reset stub (boot.h, layout.h).  Above
 * it, a kernel needs RAM in one piece that the identity map we build
 * (cpu.c) reaches: low RAM, which ends at the device hole, below 4 GiB.
 * Written so nothing overflows, as guest_ptr() is.
 */
const char *boot_kernel_fits(const struct guest_mem *mem, u64 start, u64 len)
{
	if (start < BOOT_HIGH_MEM)
		return "wants to be loaded below 1 MiB, where lguest keeps its "
		       "boot parameters, page tables and ACPI tables";
	if (len <= mem->low_size && start <= mem->low_size - len)
		return NULL;
	if (len <= MMIO_GAP_START && start <= MMIO_GAP_START - len)
		return "does not fit in the guest's memory: give the guest "
		       "more MEM_MB";
	return "wants memory above 3 GiB, where the guest has no RAM a "
	       "kernel can be loaded in";
}
