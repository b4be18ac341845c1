/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual CPUs.  The original Launcher ran the Guest by read()ing
 * /dev/lguest, which returned when the Guest needed it; each of our vCPUs
 * is a thread looping on KVM_RUN, which returns for the same reason: an I/O
 * port or MMIO access the kernel could not handle itself, or the end.
 */
#ifndef LGUEST_HOST_VCPU_H
#define LGUEST_HOST_VCPU_H

#include <pthread.h>

#include "boot/boot.h"

struct launcher;

struct vcpu {
	struct launcher *l;
	unsigned int id; /* also its APIC ID */
	int fd;
	struct kvm_run *run; /* shared with KVM: exit details */
	pthread_t thread;
	bool started;
};

/* Create vCPU (id) of the launcher's VM, with its CPUID.  The boot CPU
 * (id 0) also gets the 64-bit entry state for (info); the others wait for
 * the guest to start them (INIT/SIPI, handled inside KVM).  Main thread. */
void vcpu_create(struct vcpu *v, struct launcher *l, unsigned int id,
		 struct kvm_cpuid2 *cpuid, const struct boot_info *info);

/* Start its thread: KVM_RUN until the Launcher stops.  Main thread. */
void vcpu_start(struct vcpu *v);

/* Make KVM_RUN return now (and not re-enter once l->stopping is set).
 * Main thread. */
void vcpu_kick(struct vcpu *v);

/* Join the thread (after vcpu_kick) and release the vCPU.  Main thread. */
void vcpu_destroy(struct vcpu *v);

/* Install the no-op signal handler vcpu_kick() relies on.  Main thread,
 * once, before any vCPU starts. */
void vcpu_init_signals(void);

#endif
