// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what each vCPU says it is.  We start from what KVM can give
 * (KVM_GET_SUPPORTED_CPUID) and change the few leaves that differ per CPU
 * or would mislead the guest.
 */
#include "boot/boot.h"

#define LEAF1_ECX_VMX	     (1U << 5)
#define LEAF1_ECX_HYPERVISOR (1U << 31)
#define LEAF_EXT1_ECX_SVM    (1U << 2)

/*L:230
 * CPUID is how a kernel learns what it runs on, and KVM tells us what it
 * can offer.  We pass most of it through, but each vCPU needs its own APIC
 * ID and a count of its siblings; the kernel should know it is a guest
 * (the hypervisor bit), so it looks for KVM's leaves and uses kvm-clock and
 * the other paravirtual helps; and it should not try to be a hypervisor
 * itself (no VMX or SVM). :*/
void boot_cpuid(struct kvm_cpuid2 *cpuid, unsigned int apic_id,
		unsigned int ncpus)
{
	for (u32 i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		switch (e->function) {
		case 1:
			/* Bits 31-24 of EBX: this CPU's initial APIC ID; bits
			 * 23-16: logical processors in the package. */
			e->ebx = (e->ebx & 0x0000ffff) | (apic_id << 24) |
				 ((ncpus & 0xff) << 16);
			/* Say "hypervisor" so the guest looks for the KVM
			 * leaves at 0x40000000 (kvm-clock, PV EOI, ...). */
			e->ecx |= LEAF1_ECX_HYPERVISOR;
			/* No nested virtualization for our guests. */
			e->ecx &= ~LEAF1_ECX_VMX;
			break;
		case 0xb:
		case 0x1f:
			/* Extended topology: EDX is the x2APIC ID. */
			e->edx = apic_id;
			break;
		case 0x80000001:
			e->ecx &= ~LEAF_EXT1_ECX_SVM;
			break;
		default:
			break;
		}
	}
}
