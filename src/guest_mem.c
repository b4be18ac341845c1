// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: mapping it, and checking every guest-physical address before
 * we follow it.
 */
#include <errno.h>
#include <sys/mman.h>

#include "guest_mem.h"
#include "layout.h"

#define HUGE_PAGE (2 * MiB)

void guest_mem_layout(struct guest_mem *mem, u64 size)
{
	mem->size = size;
	mem->low_size = MIN(size, MMIO_GAP_START);
	mem->high_size = size - mem->low_size;
}

int guest_mem_map(struct guest_mem *mem, u64 size)
{
	u8 *raw, *aligned;
	u64 lead;

	guest_mem_layout(mem, size);

	/*
	 * Ask for 2 MiB more than we need, then trim both ends so the RAM
	 * starts on a 2 MiB boundary.  MAP_NORESERVE: the guest's RAM is only
	 * backed as it touches it, like any big sparse allocation.
	 */
	raw = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return -errno;
	aligned = (u8 *)ALIGN_UP((uintptr_t)raw, HUGE_PAGE);
	lead = aligned - raw;
	if (lead)
		munmap(raw, lead);
	munmap(aligned + size, HUGE_PAGE - lead);

	/* A hint: without transparent huge pages the guest still runs. */
	madvise(aligned, size, MADV_HUGEPAGE);

	mem->base = aligned;
	mem->map_size = size;
	return 0;
}

void guest_mem_unmap(struct guest_mem *mem)
{
	if (mem->base)
		munmap(mem->base, mem->map_size);
	mem->base = NULL;
}

/*L:140
 * Guest memory is just memory we mapped, so we can read and write it as
 * easily as our own.  Which is exactly the danger: every address the
 * guest gives us (a ring, a buffer, a descriptor table) must be checked
 * before we follow it, or a guest could point us at our own stack.  This
 * is the one place that check lives, lguest's check_pointer() without its
 * errx(): it says NULL, and the caller decides what that costs the guest.
 * Note the order of the comparison, which no address can wrap around. :*/
void *guest_ptr(const struct guest_mem *mem, u64 gpa, u64 len)
{
	/*
	 * Written so nothing can overflow: "len > size || gpa > size - len"
	 * rather than "gpa + len > size", which a guest can wrap around.
	 */
	if (len <= mem->low_size && gpa <= mem->low_size - len)
		return mem->base + gpa;
	if (gpa >= GUEST_HIGH_START) {
		u64 off = gpa - GUEST_HIGH_START;

		if (len <= mem->high_size && off <= mem->high_size - len)
			return mem->base + mem->low_size + off;
	}
	return NULL;
}
