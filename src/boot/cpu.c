// SPDX-License-Identifier: GPL-2.0
/*
 * The boot CPU's state at the kernel's 64-bit entry.  The boot protocol asks
 * for long mode with paging on, an identity mapping covering the kernel,
 * the zero page and the command line, a GDT with flat 4 GiB __BOOT_CS and
 * __BOOT_DS descriptors, interrupts off, and %rsi pointing at boot_params.
 * A BIOS and a bootloader would get us there through real and protected
 * mode; we just write the end state down.
 */
#include <string.h>

#include "boot/boot.h"

/* Page-table entry bits (Intel SDM vol. 3, 4.5). */
#define PTE_PRESENT (1ULL << 0)
#define PTE_WRITE   (1ULL << 1)
#define PTE_HUGE    (1ULL << 7)

#define CR0_PE	 (1ULL << 0)
#define CR0_ET	 (1ULL << 4)
#define CR0_PG	 (1ULL << 31)
#define CR4_PAE	 (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/* A GDT entry from its parts (SDM vol. 3, 3.4.5). */
static u64 gdt_entry(u16 flags, u32 base, u32 limit)
{
	return ((u64)(base & 0xff000000) << 32) |
	       ((u64)(base & 0x00ffffff) << 16) |
	       ((u64)(limit & 0x000f0000) << 32) | (limit & 0x0000ffff) |
	       ((u64)(flags & 0xf0ff) << 40);
}

/* The same descriptor as KVM wants it in a segment register. */
static struct kvm_segment segment(u16 selector, u64 desc)
{
	struct kvm_segment s = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = (desc >> 40) & 0xf,
		.present = (desc >> 47) & 1,
		.dpl = (desc >> 45) & 3,
		.db = (desc >> 54) & 1,
		.s = (desc >> 44) & 1,
		.l = (desc >> 53) & 1,
		.g = (desc >> 55) & 1,
	};
	return s;
}

/*L:220
 * A real PC starts in 16-bit real mode, and firmware and a bootloader
 * climb to 64-bit long mode.  We write down the end of that climb: a GDT
 * with flat code and data segments, page tables that map the first
 * gigabytes one to one, paging and long mode on, and the registers the
 * 64-bit boot protocol asks for.  Then KVM_SET_SREGS, and the guest wakes
 * up in the kernel's startup_64 as if it had always been there. :*/
void boot_setup_cpu(struct guest_mem *mem, const struct boot_info *info,
		    struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	/* Null, unused, 64-bit code (0x10), data (0x18), TSS (0x20). */
	const u64 gdt[] = {
		0,
		0,
		gdt_entry(0xa09b, 0, 0xfffff), /* L=1, present, exec/read */
		gdt_entry(0xc093, 0, 0xfffff), /* present, read/write */
		gdt_entry(0x808b, 0, 0xfffff), /* busy 32-bit TSS */
	};
	u64 *pml4 = guest_ptr(mem, BOOT_PML4, 4096);
	u64 *pdpt = guest_ptr(mem, BOOT_PDPT, 4096);
	u64 *pd = guest_ptr(mem, BOOT_PD, 4 * 4096);
	struct kvm_segment code, data, tss;

	/* Low memory is always there: MEM_MB is at least 1. */
	memcpy(guest_ptr(mem, BOOT_GDT, sizeof(gdt)), gdt, sizeof(gdt));

	/*
	 * Identity-map the first 4 GiB with 2 MiB pages: one PML4 entry, four
	 * PDPT entries, 2048 PD entries.  That covers everything the kernel
	 * touches before it builds its own page tables.
	 */
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT | PTE_PRESENT | PTE_WRITE;
	for (u64 i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD + i * 4096) | PTE_PRESENT | PTE_WRITE;
	for (u64 i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | PTE_PRESENT | PTE_WRITE | PTE_HUGE;

	code = segment(BOOT_CS, gdt[BOOT_CS / 8]);
	data = segment(BOOT_DS, gdt[BOOT_DS / 8]);
	tss = segment(0x20, gdt[4]);

	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr = tss;
	sregs->gdt.base = BOOT_GDT;
	sregs->gdt.limit = sizeof(gdt) - 1;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cr0 = CR0_PE | CR0_ET | CR0_PG;
	sregs->cr3 = BOOT_PML4;
	sregs->cr4 = CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;

	memset(regs, 0, sizeof(*regs));
	regs->rflags = 2; /* bit 1 is always set; IF clear */
	regs->rip = info->entry;
	regs->rsi = BOOT_ZERO_PAGE;
}

/*
 * We have no BIOS, but a rebooting Linux may still go looking for one.  On
 * our machine (no DMI, a hardware-reduced FADT) Debian's 6.1 kernel ends
 * its reboot in machine_real_restart(): it drops to real mode and jumps to
 * F000:FFF0, the reset vector's real-mode alias (measured: CMOS register
 * 0x0f cleared, then silence).  A PC's BIOS would reset the board from
 * there; ours does the same with the one reset line we have:
 *
 *	mov al, 0xfe ; out 0x64, al ; hlt ; jmp $-1 (back to the hlt)
 */
void boot_setup_reset_stub(struct guest_mem *mem)
{
	static const u8 stub[] = {0xb0, 0xfe, 0xe6, 0x64, 0xf4, 0xeb, 0xfd};
	u8 *p = guest_ptr(mem, BOOT_RESET_STUB, sizeof(stub));

	if (p)
		memcpy(p, stub, sizeof(stub));
}

#define MSR_IA32_MISC_ENABLE	0x1a0
#define MISC_ENABLE_FAST_STRING 1
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MTRR_ENABLE		(1 << 11)
#define MTRR_TYPE_WB		6

unsigned int boot_firmware_msrs(struct kvm_msr_entry *msrs, unsigned int max)
{
	/* Fast string operations on, and MTRRs on with write-back as the
	 * default memory type: without it a kernel may treat all RAM as
	 * uncached. */
	const struct kvm_msr_entry fw[] = {
		{.index = MSR_IA32_MISC_ENABLE,
		 .data = MISC_ENABLE_FAST_STRING},
		{.index = MSR_MTRR_DEF_TYPE,
		 .data = MTRR_ENABLE | MTRR_TYPE_WB},
	};
	unsigned int n = MIN(max, ARRAY_SIZE(fw));

	memcpy(msrs, fw, n * sizeof(fw[0]));
	return n;
}

#define APIC_LVT0	 0x350
#define APIC_LVT1	 0x360
#define APIC_MODE_MASK	 0x700u
#define APIC_MODE_EXTINT (7 << 8)
#define APIC_MODE_NMI	 (4 << 8)

static void set_lvt_mode(struct kvm_lapic_state *lapic, unsigned int reg,
			 u32 mode)
{
	u32 lvt;

	memcpy(&lvt, lapic->regs + reg, 4);
	lvt = (lvt & ~APIC_MODE_MASK) | mode;
	memcpy(lapic->regs + reg, &lvt, 4);
}

void boot_lapic_virtual_wire(struct kvm_lapic_state *lapic)
{
	set_lvt_mode(lapic, APIC_LVT0, APIC_MODE_EXTINT);
	set_lvt_mode(lapic, APIC_LVT1, APIC_MODE_NMI);
}
