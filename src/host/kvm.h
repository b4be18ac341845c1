/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Host.  In the original lguest the Host was a kernel module behind
 * /dev/lguest, and the Launcher spoke to it with a handful of writes:
 * LHREQ_INITIALIZE, LHREQ_IRQ, LHREQ_EVENTFD.  Today the Host is KVM, and
 * these are the same verbs spelled as KVM ioctls.  Everything here runs in
 * the main thread during set-up, and dies with one sentence if the host
 * says no, except kvm_irq_line() which any thread may call at any time.
 */
#ifndef LGUEST_HOST_KVM_H
#define LGUEST_HOST_KVM_H

#include <pthread.h>
#include <linux/kvm.h>

#include "guest_mem.h"

#define KVM_ROUTES_MAX 256 /* the PC's 40 default routes, and MSI-X's */

struct kvm {
	int sys_fd;	    /* /dev/kvm: kept open across guest reboots */
	int vm_fd;	    /* this boot's VM */
	int vcpu_mmap_size; /* size of each vCPU's struct kvm_run mapping */

	/* The GSI routing table: KVM_SET_GSI_ROUTING replaces it whole, so
	 * we keep it, the PIC and IOAPIC routes first. */
	pthread_mutex_t routes_lock;
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[KVM_ROUTES_MAX];
	} routes;
};

/* Open /dev/kvm and check it can run a standard Linux guest: API version,
 * the capabilities we rely on, and real hardware virtualization under it.
 * Dies with one sentence (pointing to tools/testhost) if not. */
void kvm_open(struct kvm *kvm);

/* LHREQ_INITIALIZE: create the VM, give it (mem) as its physical memory,
 * the in-kernel interrupt controllers (PIC, IOAPIC, local APICs) and PIT. */
void kvm_vm_create(struct kvm *kvm, const struct guest_mem *mem);

/* Close the VM (and with it everything KVM kept for it). */
void kvm_vm_destroy(struct kvm *kvm);

/* LHREQ_IRQ: drive interrupt line (gsi) to (level).  Any thread. */
void kvm_irq_line(struct kvm *kvm, u32 gsi, int level);

/*
 * LHREQ_EVENTFD: a guest write of (datamatch) into the (len)-byte register
 * at guest-physical (addr) signals eventfd (fd) inside KVM, without an exit
 * to us.  Our virtio-mmio QueueNotify: one per queue, matching its index.
 * Registrations go away with the VM.
 */
void kvm_ioeventfd(struct kvm *kvm, u64 addr, u32 len, u64 datamatch, int fd);

/* A write to eventfd (fd) pulses interrupt (gsi), from any thread, without
 * a KVM call: how device threads interrupt the guest.  Goes with the VM. */
void kvm_irqfd(struct kvm *kvm, u32 gsi, int fd);

/*
 * The same as kvm_ioeventfd() without a data match, for a register of its
 * own, such as a virtio-pci queue's notify address; or, with (assign)
 * false, take one away.  For a BAR the guest moves at run time, so a
 * refusal is returned (-errno), never fatal.  Any thread.
 */
int kvm_ioeventfd_any(struct kvm *kvm, u64 addr, u32 len, int fd, bool assign);

/*
 * Route (gsi) to an MSI: a message of (data) to (addr), as an MSI-X
 * vector's table entry says.  An irqfd on (gsi) then becomes an MSI that
 * KVM injects itself, straight from the eventfd write.  Both values are
 * guest-controlled.  Returns 0 or -errno.  Any thread (vCPU threads, when
 * the guest programs a vector).
 */
int kvm_msi_route(struct kvm *kvm, u32 gsi, u64 addr, u32 data);

/* The CPUID leaves this KVM can give a guest; caller frees.  Dies if KVM
 * will not say. */
struct kvm_cpuid2 *kvm_supported_cpuid(struct kvm *kvm);

/* Why /dev/kvm here cannot run a standard Linux guest, or NULL if it can.
 * Reads /proc/cpuinfo and /sys/module; no KVM calls. */
const char *kvm_unusable_reason(void);

#endif
