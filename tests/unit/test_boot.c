// SPDX-License-Identifier: GPL-2.0
/*
 * The boot protocol against fake kernels in fake guest memory: the e820 map
 * for a few memory sizes, bzImage and ELF loading, initrd placement, the
 * zero page, and the files that are not kernels at all.
 */
#include <asm/e820.h>
#include <elf.h>
#include <stdlib.h>

#include "boot/boot.h"
#include "boot_check.h"
#include "harness.h"
#include "layout.h"

/* Guest memory for tests: one malloc of exactly (size) bytes, all of it
 * low RAM (no test here goes near the device hole), so ASan sees any byte
 * written past it. */
static struct guest_mem mem;

static void mem_setup(u64 size)
{
	fake_ram_init(&mem, size, 0);
}

static u8 *fake_bzimage(size_t size, u16 version, u16 xloadflags)
{
	u8 *img = calloc(1, size);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);

	hdr->setup_sects = 1; /* 2 sectors of setup, then the kernel */
	hdr->boot_flag = 0xaa55;
	hdr->header = 0x53726448;
	hdr->version = version;
	hdr->xloadflags = xloadflags;
	hdr->relocatable_kernel = 1;
	hdr->kernel_alignment = 2 * MiB; /* as x86-64's CONFIG_PHYSICAL_ALIGN */
	hdr->pref_address = 2 * MiB;
	hdr->init_size = 4 * MiB;
	hdr->cmdline_size = 2047;
	hdr->initrd_addr_max = 0x7fffffff;
	img[0x201] = 0x6a; /* header ends at 0x202 + 0x6a = 0x26c */
	img[1024] = 0xe8;  /* a first byte of "kernel" to find */
	return img;
}

TEST(e820_small)
{
	struct boot_e820_entry e[8];
	unsigned int n;

	mem_setup(64 * MiB);
	n = boot_e820(&mem, e, 8);
	CHECK_EQ(n, 4);
	CHECK_EQ(e[0].addr, 0);
	CHECK_EQ(e[0].size, 0x9fc00);
	CHECK_EQ(e[0].type, E820_RAM);
	CHECK_EQ(e[1].addr, 0x9fc00);
	CHECK_EQ(e[1].type, E820_RESERVED);
	CHECK_EQ(e[1].addr + e[1].size, 0x100000);
	CHECK_EQ(e[2].addr, 0x100000);
	CHECK_EQ(e[2].addr + e[2].size, 64 * MiB);
	CHECK_EQ(e[2].type, E820_RAM);
	/* The PCI ECAM window, which Linux uses only if it is reserved. */
	CHECK_EQ(e[3].addr, PCI_ECAM_GPA);
	CHECK_EQ(e[3].size, PCI_ECAM_SIZE);
	CHECK_EQ(e[3].type, E820_RESERVED);
}

/* 4 GiB of RAM does not fit below the device hole: 1 GiB moves up. */
TEST(e820_above_hole)
{
	struct boot_e820_entry e[8];
	unsigned int n;
	struct guest_mem m;

	guest_mem_layout(&m, 4 * GiB);
	n = boot_e820(&m, e, 8);
	CHECK_EQ(n, 5);
	CHECK_EQ(e[2].addr + e[2].size, 0xc0000000);
	CHECK_EQ(e[4].addr, 4 * GiB);
	CHECK_EQ(e[4].size, 1 * GiB);
	CHECK_EQ(e[4].type, E820_RAM);
}

TEST(e820_exactly_hole)
{
	struct boot_e820_entry e[8];
	struct guest_mem m;

	guest_mem_layout(&m, 3 * GiB);
	CHECK_EQ(boot_e820(&m, e, 8), 4);
	CHECK_EQ(m.high_size, 0);
}

TEST(guest_ptr_bounds)
{
	mem_setup(16 * MiB);
	CHECK(guest_ptr(&mem, 0, 16 * MiB) == mem.base);
	CHECK(guest_ptr(&mem, 16 * MiB - 1, 1) != NULL);
	CHECK(guest_ptr(&mem, 16 * MiB, 1) == NULL);
	CHECK(guest_ptr(&mem, 16 * MiB - 1, 2) == NULL);
	/* The wrap-around a guest would try. */
	CHECK(guest_ptr(&mem, 0xfffffffffffff000ULL, 0x2000) == NULL);
	CHECK(guest_ptr(&mem, 8, UINT64_MAX) == NULL);
	CHECK(guest_ptr(&mem, 4 * GiB, 1) == NULL);
}

TEST(guest_ptr_high)
{
	struct guest_mem m = {.base = (u8 *)0x10000};

	guest_mem_layout(&m, 4 * GiB);
	CHECK(guest_ptr(&m, 4 * GiB, 4096) == m.base + 3 * GiB);
	CHECK(guest_ptr(&m, 5 * GiB - 1, 1) != NULL);
	CHECK(guest_ptr(&m, 5 * GiB - 1, 2) == NULL);
	/* The device hole is not RAM. */
	CHECK(guest_ptr(&m, 0xd0000000, 4) == NULL);
	CHECK(guest_ptr(&m, 3 * GiB - 4, 8) == NULL);
}

TEST(bzimage_loads)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;

	mem_setup(64 * MiB);
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	CHECK(info.bzimage);
	CHECK_EQ(info.kernel_start, 2 * MiB);
	CHECK_EQ(info.entry, 2 * MiB + 0x200);
	CHECK_EQ(info.kernel_end, 2 * MiB + 4 * MiB);
	CHECK_EQ(info.hdr.code32_start, 2 * MiB);
	CHECK_EQ(mem.base[2 * MiB], 0xe8);
	CHECK(boot_check_layout(&mem, &info) == NULL);
	free(img);
}

TEST(bzimage_too_old)
{
	u8 *img = fake_bzimage(8192, 0x020a, XLF_KERNEL_64);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "64-bit"));
	free(img);
	img = fake_bzimage(8192, 0x020f, 0);
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "64-bit"));
	free(img);
}

TEST(bzimage_does_not_fit)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	const char *err;

	mem_setup(4 * MiB); /* 2 MiB + 4 MiB init_size won't go */
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "more MEM_MB"));
	free(img);
}

TEST(not_a_kernel)
{
	u8 text[4096];
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	memset(text, 'x', sizeof(text));
	err = boot_load_kernel(&mem, text, sizeof(text), &info);
	CHECK(err && strstr(err, "neither a Linux bzImage nor an ELF"));
	err = boot_load_kernel(&mem, text, 10, &info);
	CHECK(err != NULL);
}

TEST(truncated_bzimage)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	err = boot_load_kernel(&mem, img, 1024, &info);
	CHECK(err && strstr(err, "truncated"));
	free(img);
}

/* A file that ends inside its setup header (here between init_size, at
 * 0x260, and the header's end at 0x26c) is refused, and nothing is read
 * past its last byte: each copy is a malloc of exactly that size. */
TEST(bzimage_header_read_within_file)
{
	u8 *full = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;

	mem_setup(64 * MiB);
	for (size_t n = 0x264; n < 0x26c; n++) {
		u8 *img = malloc(n);
		const char *err;

		memcpy(img, full, n);
		err = boot_load_kernel(&mem, img, n, &info);
		CHECK(err && strstr(err, "truncated"));
		free(img);
	}
	free(full);
}

/* A header whose own length (the byte at 0x201) ends before init_size
 * is no 2.12 header, whatever its version field says: the fields we
 * would read past its end are not its. */
TEST(bzimage_header_shorter_than_2_12_refused)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	img[0x201] = 0x40; /* ends at 0x242, after xloadflags */
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "64-bit"));
	free(img);
}

/* "A non-relocatable kernel will unconditionally move itself and to run
 * at this address" (pref_address): one that says it runs below 1 MiB
 * would run over our zero page, page tables, ACPI tables or reset stub,
 * so it is refused rather than loaded there. */
TEST(bzimage_refused_below_1mib)
{
	static const u64 below[] = {
		0,	 BOOT_GDT, BOOT_ZERO_PAGE,  BOOT_PD, BOOT_CMDLINE,
		0xe0000, 0xff000,  BOOT_RESET_STUB,
	};
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	hdr->relocatable_kernel = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(below); i++) {
		hdr->pref_address = below[i];
		err = boot_load_kernel(&mem, img, 8192, &info);
		CHECK(err && strstr(err, "below 1 MiB"));
	}
	hdr->pref_address = BOOT_HIGH_MEM;
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	CHECK_EQ(info.kernel_start, BOOT_HIGH_MEM);
	CHECK(boot_check_layout(&mem, &info) == NULL);
	free(img);
}

/* High RAM, above 4 GiB, is RAM, but the identity map the kernel starts
 * on covers only the first 4 GiB: a kernel is loaded in low RAM or not
 * at all.  (8 MiB low and 8 MiB high: no Launcher lays RAM out so, but it
 * puts high RAM in a test's reach.) */
TEST(bzimage_kept_out_of_high_ram)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	struct boot_info info;
	const char *err;

	fake_ram_init(&mem, 8 * MiB, 8 * MiB);
	hdr->relocatable_kernel = 0;
	hdr->pref_address = 4 * GiB;
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "above 3 GiB"));
	hdr->pref_address = 0xd0000000; /* in the device hole */
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "above 3 GiB"));
	free(img);
}

/* A relocatable kernel runs at its load address rounded up to
 * kernel_alignment, and never below pref_address, where head_64.S moves
 * it: we load it right there, so the memory we check and tell the initrd
 * about is the memory it uses. */
TEST(bzimage_relocatable_runs_where_loaded)
{
	static const struct {
		u64 pref, start;
	} cases[] = {
		{16 * MiB, 16 * MiB},	     /* a Debian kernel's */
		{17 * MiB + 4096, 18 * MiB}, /* rounded up */
		{0, 2 * MiB},		     /* none: 1 MiB, rounded up */
	};
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	struct boot_info info;

	mem_setup(64 * MiB);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		hdr->pref_address = cases[i].pref;
		CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
		CHECK_EQ(info.kernel_start, cases[i].start);
		CHECK_EQ(info.kernel_start % hdr->kernel_alignment, 0);
		CHECK_EQ(info.entry, cases[i].start + 0x200);
		CHECK_EQ(info.kernel_end, cases[i].start + hdr->init_size);
		CHECK_EQ(info.hdr.code32_start, cases[i].start);
		CHECK_EQ(mem.base[cases[i].start], 0xe8);
		CHECK(boot_check_layout(&mem, &info) == NULL);
	}
	free(img);
}

/* The room is checked where the kernel will run: from 16 MiB, 20 MiB of
 * init_size do not fit in 32 MiB, although they would from 1 MiB. */
TEST(bzimage_needs_room_where_it_runs)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	struct boot_info info;
	const char *err;

	mem_setup(32 * MiB);
	hdr->pref_address = 16 * MiB;
	hdr->init_size = 20 * MiB;
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "more MEM_MB"));
	/* A pref_address the rounding up would wrap round to 0. */
	hdr->init_size = 4 * MiB;
	hdr->pref_address = UINT64_MAX - 4096;
	err = boot_load_kernel(&mem, img, 8192, &info);
	CHECK(err && strstr(err, "above 3 GiB"));
	free(img);
}

/* "Alignment unit required by the kernel": one that is 0, or not a power
 * of two, is no alignment to round up to. */
TEST(bzimage_kernel_alignment_power_of_two)
{
	static const u32 bad[] = {0, 3 * MiB, 0x80000001};
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		hdr->kernel_alignment = bad[i];
		err = boot_load_kernel(&mem, img, 8192, &info);
		CHECK(err && strstr(err, "kernel_alignment"));
	}
	free(img);
}

/* The 64-bit entry point is 0x200 into the protected-mode code: a file
 * that ends before it would send the CPU into zeroed memory. */
TEST(bzimage_entry_inside_image)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	err = boot_load_kernel(&mem, img, 1024 + 0x200, &info);
	CHECK(err && strstr(err, "truncated"));
	CHECK(boot_load_kernel(&mem, img, 1024 + 0x201, &info) == NULL);
	free(img);
}

static size_t fake_elf(u8 *buf, u16 machine, u64 paddr, u64 entry)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));

	memset(buf, 0, 4096);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = 1024;
	ph->p_paddr = paddr;
	ph->p_filesz = 1024;
	ph->p_memsz = 8192; /* the rest is bss: zeroed */
	buf[1024] = 0x90;
	return 2048;
}

TEST(elf_loads)
{
	u8 buf[4096];
	size_t n = fake_elf(buf, EM_X86_64, 16 * MiB, 16 * MiB + 0x40);
	struct boot_info info;

	mem_setup(64 * MiB);
	memset(mem.base + 16 * MiB, 0xaa, 8192);
	CHECK(boot_load_kernel(&mem, buf, n, &info) == NULL);
	CHECK(!info.bzimage);
	CHECK_EQ(info.entry, 16 * MiB + 0x40);
	CHECK_EQ(mem.base[16 * MiB], 0x90);
	CHECK_EQ(mem.base[16 * MiB + 8191], 0); /* bss cleared */
	CHECK_EQ(info.kernel_end, 16 * MiB + 8192);
	CHECK(boot_check_layout(&mem, &info) == NULL);
}

TEST(elf_rejects)
{
	u8 buf[4096];
	size_t n;
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	n = fake_elf(buf, EM_AARCH64, 16 * MiB, 16 * MiB);
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "not an x86-64"));

	n = fake_elf(buf, EM_X86_64, 16 * MiB, 0x1234);
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "entry point"));

	n = fake_elf(buf, EM_X86_64, 128 * MiB, 128 * MiB);
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "more MEM_MB"));

	n = fake_elf(buf, EM_X86_64, BOOT_HIGH_MEM - 4096, BOOT_HIGH_MEM);
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "below 1 MiB"));

	/* A segment claiming bytes past the end of the file. */
	n = fake_elf(buf, EM_X86_64, 16 * MiB, 16 * MiB);
	((Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr)))->p_offset = 1ULL << 40;
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "outside the file"));

	/* A program header table that runs off the end. */
	n = fake_elf(buf, EM_X86_64, 16 * MiB, 16 * MiB);
	((Elf64_Ehdr *)buf)->e_phnum = 1000;
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "program header"));
}

/* The same for an ELF vmlinux's segments. */
TEST(elf_kept_out_of_high_ram)
{
	u8 buf[4096];
	size_t n = fake_elf(buf, EM_X86_64, 4 * GiB, 4 * GiB);
	struct boot_info info;
	const char *err;

	fake_ram_init(&mem, 8 * MiB, 8 * MiB);
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "above 3 GiB"));
}

/* e_phnum PN_XNUM (0xffff) says "look in section header 0", not "65535
 * entries": even in a file big enough for 65535, it is refused. */
TEST(elf_phnum_xnum_refused)
{
	size_t n = sizeof(Elf64_Ehdr) + PN_XNUM * sizeof(Elf64_Phdr);
	u8 *buf = calloc(1, n);
	struct boot_info info;
	const char *err;

	mem_setup(64 * MiB);
	fake_elf(buf, EM_X86_64, 16 * MiB, 16 * MiB);
	((Elf64_Ehdr *)buf)->e_phnum = PN_XNUM;
	err = boot_load_kernel(&mem, buf, n, &info);
	CHECK(err && strstr(err, "program header"));
	free(buf);
}

TEST(initrd_placed_high)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	u8 rd[10000];
	struct boot_info info;

	mem_setup(64 * MiB);
	memset(rd, 0x5a, sizeof(rd));
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	CHECK(boot_load_initrd(&mem, rd, sizeof(rd), &info) == NULL);
	CHECK_EQ(info.initrd_size, sizeof(rd));
	CHECK_EQ(info.initrd_addr & 0xfff, 0);
	CHECK(info.initrd_addr + sizeof(rd) <= 64 * MiB);
	CHECK(info.initrd_addr >= 64 * MiB - sizeof(rd) - 4096);
	CHECK(info.initrd_addr >= info.kernel_end);
	CHECK_EQ(mem.base[info.initrd_addr], 0x5a);
	CHECK(boot_check_layout(&mem, &info) == NULL);
	free(img);
}

TEST(initrd_respects_addr_max)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	u8 rd[100];
	struct boot_info info;

	mem_setup(64 * MiB);
	hdr->initrd_addr_max = 32 * MiB - 1;
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	CHECK(boot_load_initrd(&mem, rd, sizeof(rd), &info) == NULL);
	CHECK(info.initrd_addr + sizeof(rd) <= 32 * MiB);
	free(img);
}

TEST(initrd_too_big)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	static u8 rd[20 * MiB];
	const char *err;

	mem_setup(16 * MiB);
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	err = boot_load_initrd(&mem, rd, sizeof(rd), &info);
	CHECK(err && strstr(err, "larger than the guest's memory"));
	/* Fits in RAM, but not beside the kernel. */
	err = boot_load_initrd(&mem, rd, 12 * MiB, &info);
	CHECK(err && strstr(err, "beside the kernel"));
	free(img);
}

/* The initrd keeps clear of all the memory the kernel will use: here
 * 16 MiB + 46 MiB of init_size, up to 62 MiB of 64, leave no room for
 * 4 MiB of initrd above it. */
TEST(initrd_clear_of_relocated_kernel)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct setup_header *hdr = (struct setup_header *)(img + 0x1f1);
	static u8 rd[4 * MiB];
	struct boot_info info;
	u64 runs_end = 16 * MiB + 46 * MiB;

	mem_setup(64 * MiB);
	hdr->pref_address = 16 * MiB;
	hdr->init_size = 46 * MiB;
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	if (boot_load_initrd(&mem, rd, sizeof(rd), &info) == NULL)
		CHECK(info.initrd_addr >= runs_end);
	free(img);
}

/* Below 1 MiB is ours, kernel or no kernel: without one (kernel_end 0),
 * an initrd that only fits low used to land on our ACPI tables. */
TEST(initrd_never_below_1mib)
{
	static u8 rd[3 * MiB + 512 * KiB];
	struct boot_info info;
	const char *err;

	mem_setup(4 * MiB);
	memset(&info, 0, sizeof(info));
	err = boot_load_initrd(&mem, rd, sizeof(rd), &info);
	CHECK(err && strstr(err, "beside the kernel"));
	CHECK(boot_load_initrd(&mem, rd, 3 * MiB, &info) == NULL);
	CHECK_EQ(info.initrd_addr, BOOT_HIGH_MEM);
}

TEST(zero_page)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	struct boot_params *bp;
	u8 rd[100];

	mem_setup(128 * MiB);
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	CHECK(boot_load_initrd(&mem, rd, sizeof(rd), &info) == NULL);
	CHECK(boot_setup_params(&mem, &info, "console=ttyS0 quiet", 0xe0000) ==
	      NULL);
	bp = (struct boot_params *)(mem.base + BOOT_ZERO_PAGE);
	CHECK_EQ(bp->hdr.header, 0x53726448);
	CHECK_EQ(bp->hdr.version, 0x020f);
	CHECK_EQ(bp->hdr.type_of_loader, 0xff);
	CHECK(bp->hdr.loadflags & CAN_USE_HEAP);
	CHECK_EQ(bp->hdr.cmd_line_ptr, BOOT_CMDLINE);
	CHECK_STR((char *)mem.base + BOOT_CMDLINE, "console=ttyS0 quiet");
	CHECK_EQ(bp->hdr.ramdisk_image, info.initrd_addr);
	CHECK_EQ(bp->hdr.ramdisk_size, 100);
	CHECK_EQ(bp->acpi_rsdp_addr, 0xe0000);
	CHECK_EQ(bp->e820_entries, 4);
	CHECK_EQ(bp->e820_table[2].size, 127 * MiB);
	free(img);
}

TEST(cmdline_longer_than_kernel_takes)
{
	u8 *img = fake_bzimage(8192, 0x020f, XLF_KERNEL_64);
	struct boot_info info;
	char line[3000];

	mem_setup(64 * MiB);
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK(boot_load_kernel(&mem, img, 8192, &info) == NULL);
	CHECK(boot_setup_params(&mem, &info, line, 0) != NULL);
	line[2047] = '\0'; /* cmdline_size 2047: 2047 chars + NUL fit */
	CHECK(boot_setup_params(&mem, &info, line, 0) == NULL);
	free(img);
}

TEST(cpu_state)
{
	struct boot_info info = {.entry = 0x100200};
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	u64 *pd;

	mem_setup(64 * MiB);
	memset(&sregs, 0, sizeof(sregs));
	boot_setup_cpu(&mem, &info, &sregs, &regs);
	CHECK_EQ(regs.rip, 0x100200);
	CHECK_EQ(regs.rsi, BOOT_ZERO_PAGE);
	CHECK_EQ(regs.rflags & (1 << 9), 0); /* interrupts off */
	CHECK_EQ(sregs.cs.selector, BOOT_CS);
	CHECK_EQ(sregs.cs.l, 1);
	CHECK_EQ(sregs.ds.selector, BOOT_DS);
	CHECK(sregs.efer & (1 << 10));	 /* LMA */
	CHECK(sregs.cr0 & (1ULL << 31)); /* paging */
	CHECK_EQ(sregs.cr3, BOOT_PML4);
	/* The identity map: 2 MiB page n maps n * 2 MiB, up to 4 GiB. */
	pd = (u64 *)(mem.base + BOOT_PD);
	CHECK_EQ(pd[0] & ~0xfffULL, 0);
	CHECK_EQ(pd[2047] & ~0xfffULL, 4 * GiB - 2 * MiB);
	CHECK(pd[5] & 0x80);
}

/* The "BIOS" at F000:FFF0 a rebooting kernel jumps to: it must write 0xfe
 * to the i8042's command port, and stay put. */
TEST(reset_stub)
{
	const u8 *p;

	mem_setup(64 * MiB);
	boot_setup_reset_stub(&mem);
	p = mem.base + BOOT_RESET_STUB;
	CHECK_EQ(BOOT_RESET_STUB, 0xf0000 + 0xfff0);
	CHECK(p[0] == 0xb0 && p[1] == 0xfe); /* mov al, 0xfe */
	CHECK(p[2] == 0xe6 && p[3] == 0x64); /* out 0x64, al */
	CHECK(p[4] == 0xf4);		     /* hlt */
	CHECK(p[5] == 0xeb &&
	      (signed char)p[6] == -3); /* jmp back to the hlt */
}

TEST(cpuid_per_cpu)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[3];
	} cpuid = {.c.nent = 3,
		   .e = {{.function = 1, .ecx = 1 << 5, .ebx = 0x0800},
			 {.function = 0xb, .edx = 0},
			 {.function = 0x80000001, .ecx = 1 << 2}}};

	boot_cpuid(&cpuid.c, 3, 4);
	CHECK_EQ(cpuid.e[0].ebx >> 24, 3);
	CHECK_EQ((cpuid.e[0].ebx >> 16) & 0xff, 4);
	CHECK_EQ(cpuid.e[0].ebx & 0xffff, 0x0800);
	CHECK(cpuid.e[0].ecx & (1U << 31));	/* hypervisor */
	CHECK_EQ(cpuid.e[0].ecx & (1 << 5), 0); /* no VMX */
	CHECK_EQ(cpuid.e[1].edx, 3);
	CHECK_EQ(cpuid.e[2].ecx & (1 << 2), 0); /* no SVM */
}

int main(void)
{
	static const struct test tests[] = {
		T(e820_small),
		T(e820_above_hole),
		T(e820_exactly_hole),
		T(guest_ptr_bounds),
		T(guest_ptr_high),
		T(bzimage_loads),
		T(bzimage_too_old),
		T(bzimage_does_not_fit),
		T(not_a_kernel),
		T(truncated_bzimage),
		T(bzimage_header_read_within_file),
		T(bzimage_header_shorter_than_2_12_refused),
		T(bzimage_refused_below_1mib),
		T(bzimage_kept_out_of_high_ram),
		T(bzimage_relocatable_runs_where_loaded),
		T(bzimage_needs_room_where_it_runs),
		T(bzimage_kernel_alignment_power_of_two),
		T(bzimage_entry_inside_image),
		T(elf_loads),
		T(elf_rejects),
		T(elf_kept_out_of_high_ram),
		T(elf_phnum_xnum_refused),
		T(initrd_placed_high),
		T(initrd_respects_addr_max),
		T(initrd_too_big),
		T(initrd_clear_of_relocated_kernel),
		T(initrd_never_below_1mib),
		T(zero_page),
		T(cmdline_longer_than_kernel_takes),
		T(cpu_state),
		T(reset_stub),
		T(cpuid_per_cpu),
	};
	int ret = harness_main("boot", tests, ARRAY_SIZE(tests));

	fake_ram_free(&mem);
	return ret;
}
