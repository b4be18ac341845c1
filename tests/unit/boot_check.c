// SPDX-License-Identifier: GPL-2.0
/*
 * The boot layout's promises, checked: what the loaders in src/boot/ may
 * put where in a guest's memory, written down once for the unit tests and
 * the fuzz targets.
 */
#include <asm/e820.h>
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "boot_check.h"
#include "layout.h"

void fake_ram_init(struct guest_mem *mem, u64 low, u64 high)
{
	fake_ram_free(mem);
	mem->base = calloc(1, low + high);
	mem->size = mem->map_size = low + high;
	mem->low_size = low;
	mem->high_size = high;
}

void fake_ram_free(struct guest_mem *mem)
{
	free(mem->base);
	memset(mem, 0, sizeof(*mem));
}

u8 *fake_tail(enum fake_tail which, size_t size)
{
	static struct {
		u8 *buf;
		size_t open; /* [open, FAKE_TAIL_MAX) is not poisoned */
	} tails[TAIL_COUNT];
	u8 *buf = tails[which].buf;
	size_t from;

	if (size > FAKE_TAIL_MAX)
		abort();
	from = FAKE_TAIL_MAX - size;
	if (!buf) {
		buf = tails[which].buf = malloc(FAKE_TAIL_MAX);
		if (!buf)
			abort();
		ASAN_POISON_MEMORY_REGION(buf, FAKE_TAIL_MAX);
		tails[which].open = FAKE_TAIL_MAX;
	}
	/* Only the stretch between the old start and the new changes. */
	if (from > tails[which].open)
		ASAN_POISON_MEMORY_REGION(buf + tails[which].open,
					  from - tails[which].open);
	else
		ASAN_UNPOISON_MEMORY_REGION(buf + from,
					    tails[which].open - from);
	tails[which].open = from;
	return buf + from;
}

void fake_ram_tail(struct guest_mem *mem, u64 low, u64 high)
{
	mem->base = fake_tail(TAIL_RAM, low + high);
	mem->size = mem->map_size = low + high;
	mem->low_size = low;
	mem->high_size = high;
}

void fake_pattern(u8 *p, size_t size)
{
	memset(p, 0xa5, size);
	for (size_t i = 0; i < size; i += 4096)
		p[i] = (u8)(i >> 12) | 1;
}

const u8 *fake_initrd(size_t size)
{
	static bool filled;

	if (size > FAKE_INITRD_MAX)
		abort();
	if (!filled)
		fake_pattern(fake_tail(TAIL_INITRD, FAKE_INITRD_MAX),
			     FAKE_INITRD_MAX);
	filled = true;
	return fake_tail(TAIL_INITRD, size);
}

const char *fake_cmdline(size_t len)
{
	static bool filled;
	char *line;

	if (len >= FAKE_CMDLINE_MAX)
		abort();
	if (!filled) {
		line = (char *)fake_tail(TAIL_CMDLINE, FAKE_CMDLINE_MAX);
		memset(line, 'x', FAKE_CMDLINE_MAX - 1);
		line[FAKE_CMDLINE_MAX - 1] = '\0';
	}
	filled = true;
	return (const char *)fake_tail(TAIL_CMDLINE, len + 1);
}

/* A stretch of guest-physical memory, [start, end). */
struct range {
	const char *name;
	u64 start, end;
};

/* Ours, all below 1 MiB (boot.h, hw/ports.h): what a kernel or initrd
 * placed over them would destroy, or be destroyed by. */
static const struct range fixed[] = {
	/* cpu.c's five descriptors, the TSS at 0x20 the last. */
	{"GDT", BOOT_GDT, BOOT_GDT + 5 * 8},
	{"zero page", BOOT_ZERO_PAGE,
	 BOOT_ZERO_PAGE + sizeof(struct boot_params)},
	{"PML4", BOOT_PML4, BOOT_PML4 + 4096},
	{"PDPT", BOOT_PDPT, BOOT_PDPT + 4096},
	{"page directories", BOOT_PD, BOOT_PD + 4 * 4096},
	{"command line", BOOT_CMDLINE, BOOT_CMDLINE + BOOT_CMDLINE_MAX},
	{"ACPI tables", ACPI_TABLES_GPA, ACPI_TABLES_GPA + ACPI_TABLES_SIZE},
	{"reset stub", BOOT_RESET_STUB, BOOT_HIGH_MEM},
};

static char why[256];

/* Is [start, end) inside one E820_RAM entry of the map the guest gets? */
static bool e820_ram(const struct guest_mem *mem, u64 start, u64 end)
{
	struct boot_e820_entry e[8];
	unsigned int n = boot_e820(mem, e, ARRAY_SIZE(e));

	for (unsigned int i = 0; i < n; i++)
		if (e[i].type == E820_RAM && start >= e[i].addr &&
		    end <= e[i].addr + e[i].size)
			return true;
	return false;
}

const char *boot_check_layout(const struct guest_mem *mem,
			      const struct boot_info *info)
{
	struct range r[ARRAY_SIZE(fixed) + 2];
	unsigned int n = ARRAY_SIZE(fixed);

	if (info->kernel_start >= info->kernel_end)
		return "the kernel is empty";
	if (info->kernel_start < BOOT_HIGH_MEM)
		return "the kernel starts below 1 MiB";
	if (info->kernel_end > mem->low_size)
		return "the kernel ends past low RAM";
	if (info->entry < info->kernel_start || info->entry >= info->kernel_end)
		return "the entry point is outside the kernel";
	if (!e820_ram(mem, info->kernel_start, info->kernel_end))
		return "the kernel is not all e820 RAM";
	memcpy(r, fixed, sizeof(fixed));
	r[n++] = (struct range){"kernel", info->kernel_start, info->kernel_end};

	if (info->initrd_addr || info->initrd_size) {
		if (info->initrd_addr & 0xfff)
			return "the initrd is not page aligned";
		if (info->initrd_size > mem->low_size ||
		    info->initrd_addr > mem->low_size - info->initrd_size)
			return "the initrd ends past low RAM";
		r[n++] = (struct range){"initrd", info->initrd_addr,
					info->initrd_addr + info->initrd_size};
		if (!e820_ram(mem, r[n - 1].start, r[n - 1].end))
			return "the initrd is not all e820 RAM";
	}

	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int j = i + 1; j < n; j++) {
			if (r[i].start >= r[j].end || r[j].start >= r[i].end)
				continue;
			snprintf(why, sizeof(why),
				 "the %s [%#llx, %#llx) overlaps the %s "
				 "[%#llx, %#llx)",
				 r[i].name, (unsigned long long)r[i].start,
				 (unsigned long long)r[i].end, r[j].name,
				 (unsigned long long)r[j].start,
				 (unsigned long long)r[j].end);
			return why;
		}
	}
	return NULL;
}

const char *boot_check_finish(struct guest_mem *mem, struct boot_info *info,
			      const u8 *rd, size_t rd_size, const char *cmdline,
			      bool *refused)
{
	static const struct acpi_config acpi = {
		.ncpus = 1, .serial = true, .pvpanic = true, .rtc = true};
	const struct boot_params *bp;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	const char *err;
	const u8 *p;

	*refused = false;
	err = boot_check_layout(mem, info);
	if (err)
		return err;
	if (rd_size) {
		if (boot_load_initrd(mem, rd, rd_size, info)) {
			*refused = true;
			return NULL;
		}
		if (info->initrd_size != rd_size)
			return "the initrd's size changed on the way in";
		err = boot_check_layout(mem, info);
		if (err)
			return err;
	}

	/* The rest in load_guest()'s order: nothing may land on the kernel
	 * or initrd, which boot_check_layout() keeps clear of these. */
	boot_setup_reset_stub(mem);
	if (acpi_build(guest_ptr(mem, ACPI_TABLES_GPA, ACPI_TABLES_SIZE),
		       ACPI_TABLES_SIZE, ACPI_TABLES_GPA, &acpi) < 0)
		return "the ACPI tables do not fit";
	if (boot_setup_params(mem, info, cmdline, ACPI_TABLES_GPA)) {
		*refused = true;
		return NULL;
	}
	boot_setup_cpu(mem, info, &sregs, &regs);
	if (regs.rip != info->entry || regs.rsi != BOOT_ZERO_PAGE)
		return "the boot CPU does not start at the entry point";

	bp = guest_ptr(mem, BOOT_ZERO_PAGE, sizeof(*bp));
	if (bp->hdr.ramdisk_image != info->initrd_addr ||
	    bp->hdr.ramdisk_size != info->initrd_size)
		return "the zero page does not say where the initrd is";
	if (bp->hdr.cmd_line_ptr != BOOT_CMDLINE)
		return "the zero page does not say where the command line is";
	p = guest_ptr(mem, BOOT_CMDLINE, strlen(cmdline) + 1);
	if (!p || memcmp(p, cmdline, strlen(cmdline) + 1))
		return "the command line was overwritten";
	p = guest_ptr(mem, info->initrd_addr, rd_size);
	if (rd_size && (!p || memcmp(p, rd, rd_size)))
		return "the initrd was overwritten";
	return NULL;
}

u64 boot_le(const u8 *a, unsigned int bytes)
{
	u64 v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (u64)a[i] << (8 * i);
	return v;
}

void boot_fail(const char *who, const char *broken)
{
	fprintf(stderr, "%s: %s\n", who, broken);
	abort();
}

void boot_fuzz_kernel(const char *who, const u8 *data, size_t size,
		      boot_kernel_check *check)
{
	static struct guest_mem mem;
	size_t n, rd_size;
	struct boot_info info;
	const char *err, *line;
	bool refused; /* by the initrd or zero page: fine */
	const u8 *rd;
	u8 *img;

	if (size < BOOT_FUZZ_HEADER)
		return;
	n = size - BOOT_FUZZ_HEADER;
	img = fake_tail(TAIL_KERNEL, n);
	memcpy(img, data + BOOT_FUZZ_HEADER, n);
	fake_ram_tail(&mem, (data[0] + 1) * 128 * KiB,
		      (data[1] % 32) * 128 * KiB);
	if (boot_load_kernel(&mem, img, n, &info))
		return; /* refused */
	check(&mem, &info, img, n);

	rd_size = boot_le(data + 2, 2) * 64;
	rd = fake_initrd(rd_size);
	line = fake_cmdline(data[4] * 257);
	err = boot_check_finish(&mem, &info, rd, rd_size, line, &refused);
	if (err)
		boot_fail(who, err);
	/* Nothing that followed went over the kernel. */
	check(&mem, &info, img, n);
}
