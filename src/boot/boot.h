/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst), the part a
 * hypervisor needs: put the kernel and initrd in guest RAM, fill in the
 * "zero page" of boot parameters, and enter the kernel already in 64-bit
 * long mode.  No BIOS, no real mode: like the original lguest, we hand the
 * kernel a machine that is already set up.
 *
 * All of these are pure functions over guest memory and return NULL on
 * success or one sentence saying what is wrong with the user's files, so
 * the unit tests can drive them without KVM.  Main thread.
 */
#ifndef LGUEST_BOOT_H
#define LGUEST_BOOT_H

#include <asm/bootparam.h>
#include <linux/kvm.h>

#include "guest_mem.h"

/* Where things go in low guest memory.  Everything below 1 MiB is ours:
 * no kernel or initrd goes below it. */
#define BOOT_GDT	 0x500ULL
#define BOOT_ZERO_PAGE	 0x7000ULL
#define BOOT_PML4	 0x9000ULL
#define BOOT_PDPT	 0xa000ULL
#define BOOT_PD		 0xb000ULL /* four pages: 4 GiB of 2 MiB pages */
#define BOOT_CMDLINE	 0x20000ULL
#define BOOT_CMDLINE_MAX 0x10000ULL
#define BOOT_EBDA	 0x9fc00ULL  /* start of the legacy hole: not RAM */
#define BOOT_HIGH_MEM	 0x100000ULL /* 1 MiB: kernels go at or above */
#define BOOT_RESET_STUB	 0xffff0ULL  /* F000:FFF0, where a BIOS would be */

/* GDT selectors, as the 64-bit boot protocol asks: __BOOT_CS, __BOOT_DS. */
#define BOOT_CS 0x10
#define BOOT_DS 0x18

struct boot_info {
	u64 entry;	  /* 64-bit entry point (guest-physical) */
	u64 kernel_start; /* first byte the kernel occupies (a
			     bzImage's: where it will run) */
	u64 kernel_end;	  /* last byte + 1, including its bss and
			     room to decompress itself (init_size) */
	u64 initrd_addr;  /* 0 if none */
	u64 initrd_size;
	bool bzimage;		 /* header below came from a bzImage */
	struct setup_header hdr; /* the image's setup header (bzImage) */
};

/* Load the kernel in (img), (size) bytes: a bzImage (64-bit boot protocol
 * 2.12 or later) or an uncompressed ELF vmlinux.  A bzImage goes where it
 * will run: its pref_address, rounded up to kernel_alignment if it is
 * relocatable.  Fills (info); everything in (img) is the user's and is
 * checked against (size) and guest RAM (boot_kernel_fits()). */
const char *boot_load_kernel(struct guest_mem *mem, const u8 *img, size_t size,
			     struct boot_info *info);

/* The ELF half of boot_load_kernel(): (img) starts with ELF magic. */
const char *boot_load_elf(struct guest_mem *mem, const u8 *img, size_t size,
			  struct boot_info *info);

/* NULL if a kernel may occupy guest-physical (start) .. (start)+(len): at
 * 1 MiB or above, everything below being ours, and all in low RAM, which
 * the boot page tables map; else why not, for the loaders to return.
 * (start) and (len) come from the user's kernel file. */
const char *boot_kernel_fits(const struct guest_mem *mem, u64 start, u64 len);

/* Place the initrd (img), (size) bytes, as high in low RAM as the kernel
 * allows, above the kernel and 1 MiB. Fills info->initrd_*. */
const char *boot_load_initrd(struct guest_mem *mem, const u8 *img, size_t size,
			     struct boot_info *info);

/* Write the zero page (boot_params at BOOT_ZERO_PAGE) and the command line
 * (cmdline), pointing the kernel at the ACPI RSDP at (rsdp). */
const char *boot_setup_params(struct guest_mem *mem,
			      const struct boot_info *info, const char *cmdline,
			      u64 rsdp);

/* Fill (table) (room for (max) entries) with the guest's e820 memory map;
 * returns the number of entries. */
unsigned int boot_e820(const struct guest_mem *mem,
		       struct boot_e820_entry *table, unsigned int max);

/* Write the GDT and identity page tables into low guest memory, and fill
 * the boot CPU's special and general registers for the 64-bit entry. */
void boot_setup_cpu(struct guest_mem *mem, const struct boot_info *info,
		    struct kvm_sregs *sregs, struct kvm_regs *regs);

/* What firmware leaves in every CPU's MSRs: fills (msrs) (room for (max))
 * and returns how many. */
unsigned int boot_firmware_msrs(struct kvm_msr_entry *msrs, unsigned int max);

/* What a BIOS leaves in the boot CPU's local APIC: LINT0 to the PIC
 * (ExtINT) and LINT1 to NMI, "virtual wire" mode until the kernel takes
 * over the IOAPIC.  Edits (lapic), as KVM_GET_LAPIC gave it. */
void boot_lapic_virtual_wire(struct kvm_lapic_state *lapic);

/* Write the few bytes of "BIOS" a rebooting kernel jumps back to, at
 * BOOT_RESET_STUB: they ask the i8042 for a reset. */
void boot_setup_reset_stub(struct guest_mem *mem);

/* Adjust the CPUID leaves KVM supports into what vCPU (apic_id) of (ncpus)
 * should see. */
void boot_cpuid(struct kvm_cpuid2 *cpuid, unsigned int apic_id,
		unsigned int ncpus);

#endif
