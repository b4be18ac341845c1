/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual CPUs.  The original Launcher ran the Guest by read()ing
 * /dev/lguest, which returned when the Guest needed it; each of our vCPUs
 * is a thread looping on KVM_RUN, which returns for the same reason: an I/O
 * port or MMIO access the kernel could not handle itself, or the end.
 * Accesses go to the bus (bus.h); the end goes back to whoever started
 * us, as a vcpu_exit, and it is theirs to say what it means.
 *
 * A vCPU's thread lives as long as the Launcher: made once, it is given a
 * fresh KVM vCPU each boot and parks between boots.
 */
#ifndef LGUEST_HOST_VCPU_H
#define LGUEST_HOST_VCPU_H

#include <pthread.h>
#include <linux/kvm.h>

#include "bus.h"
#include "host/kvm.h"
#include "worker.h"

/* How a vCPU's run ended. */
enum vcpu_exit {
	VCPU_RUN_ON,   /* handled: enter the guest again */
	VCPU_RESET,    /* the guest reset the machine */
	VCPU_POWEROFF, /* the guest powered the machine off (PSCI-style) */
	VCPU_CRASH,    /* triple fault, failed entry, KVM error */
	VCPU_STOPPED,  /* vcpu_stop(): the Launcher ended the run */
};

struct vcpu;

/* Told how a run ended (anything but VCPU_RUN_ON and VCPU_STOPPED), with a
 * sentence (why), from the vCPU's own thread. */
typedef void vcpu_done_fn(void *ctx, struct vcpu *v, enum vcpu_exit how,
			  const char *why);

struct vcpu {
	unsigned int id;     /* also its APIC ID */
	struct kvm *kvm;     /* the VM it belongs to */
	struct bus *bus;     /* where its I/O goes */
	vcpu_done_fn *done;  /* how a run ended */
	void *ctx;	     /* for (done) */
	int fd;		     /* this boot's KVM vCPU, or -1 */
	struct kvm_run *run; /* shared with KVM: exit details */

	struct worker thread; /* parked between runs */
	atomic_bool stop;     /* vcpu_stop(): leave the run loop */
};

/* Set (v) up as vCPU (id) of (kvm), sending I/O to (bus) and ends of runs
 * to (done)(ctx).  No thread and no KVM vCPU yet.  Main thread. */
void vcpu_init(struct vcpu *v, unsigned int id, struct kvm *kvm,
	       struct bus *bus, vcpu_done_fn *done, void *ctx);

/* Make (v)'s thread, parked, in the vCPU sandbox.  Main thread, once
 * set-up has dropped privileges; dies if there is no thread to be had. */
void vcpu_spawn(struct vcpu *v);

/* Create this boot's KVM vCPU in the VM and map its kvm_run.  The boot
 * CPU needs its registers set (below) before vcpu_start(); the others
 * wait for the guest to start them (INIT/SIPI, inside KVM).  Main
 * thread; dies on the host's refusal. */
void vcpu_create(struct vcpu *v);

/* Thin KVM_SET_* and KVM_GET_* wrappers for the state the boot protocol
 * (boot/cpu.c) works out.  Main thread, before vcpu_start(); each dies
 * with one sentence if KVM refuses. */
void vcpu_set_cpuid(struct vcpu *v, struct kvm_cpuid2 *cpuid);
void vcpu_set_msrs(struct vcpu *v, const struct kvm_msr_entry *msrs,
		   unsigned int n);
void vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs);
void vcpu_set_sregs(struct vcpu *v, const struct kvm_sregs *sregs);
void vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs);
void vcpu_set_fpu(struct vcpu *v, const struct kvm_fpu *fpu);
void vcpu_get_lapic(struct vcpu *v, struct kvm_lapic_state *lapic);
void vcpu_set_lapic(struct vcpu *v, const struct kvm_lapic_state *lapic);

/* Run the guest on (v) until the run ends: (done) hears why, unless it was
 * vcpu_stop().  Main thread. */
void vcpu_start(struct vcpu *v);

/* End the run now: make KVM_RUN return, and wait until the thread has
 * parked.  Main thread. */
void vcpu_stop(struct vcpu *v);

/* Release this boot's KVM vCPU (after vcpu_stop()); with --verbose, say
 * where it stopped.  Main thread. */
void vcpu_destroy(struct vcpu *v);

/* End the thread for good.  Main thread, at exit. */
void vcpu_exit_thread(struct vcpu *v);

/*
 * The heart of the run loop, without the loop: KVM returned from KVM_RUN
 * with (run) filled in; send an I/O access to (bus) and say VCPU_RUN_ON,
 * or say how the run ended, with a sentence in (why) of (whylen) bytes.
 * Everything in (run) is the guest's doing.  Pure apart from the bus; the
 * unit tests feed it made-up exits.  vCPU threads.
 */
enum vcpu_exit vcpu_handle_exit(struct kvm_run *run, struct bus *bus, char *why,
				size_t whylen);

/* Install the no-op signal handler vcpu_stop() relies on.  Main thread,
 * once, before any vCPU thread is made. */
void vcpu_init_signals(void);

#endif
