// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU threads and their run loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sys/syscall.h>

#include "host/vcpu.h"
#include "log.h"
#include "sandbox.h"

/* Beyond the calls every thread makes: running the vCPU, reading its
 * registers to say where a crashed guest was, the serial port's interrupt
 * line, which its I/O may raise, what a guest programming its PCI devices
 * makes us tell KVM (MSI routes, and notify registers where a BAR moved),
 * and waking a device's queue threads when the guest resets it. */
static const struct sandbox_call vcpu_calls[] = {
	SANDBOX_ARG(SYS_ioctl, 1, KVM_RUN),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_GET_REGS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IRQ_LINE),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_GSI_ROUTING),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IOEVENTFD),
	SANDBOX_SIGNAL_WORKERS,
};
static const struct sandbox_rules vcpu_rules =
	SANDBOX_RULES("vcpu", vcpu_calls);

void vcpu_init(struct vcpu *v, unsigned int id, struct kvm *kvm,
	       struct bus *bus, vcpu_done_fn *done, void *ctx)
{
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->kvm = kvm;
	v->bus = bus;
	v->done = done;
	v->ctx = ctx;
	v->fd = -1;
	atomic_init(&v->stop, false);
}

void vcpu_create(struct vcpu *v)
{
	v->fd = ioctl(v->kvm->vm_fd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		die_errno("KVM_CREATE_VCPU %u failed", v->id);
	v->run = mmap(NULL, v->kvm->vcpu_mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die_errno("cannot map vCPU %u's kvm_run", v->id);
}

/* The thin wrappers: one ioctl each, and one sentence if KVM says no. */
static void vcpu_ioctl(struct vcpu *v, unsigned long req, const void *arg,
		       const char *what)
{
	if (ioctl(v->fd, req, arg) < 0)
		die_errno("KVM refused vCPU %u's %s", v->id, what);
}

void vcpu_set_cpuid(struct vcpu *v, struct kvm_cpuid2 *cpuid)
{
	vcpu_ioctl(v, KVM_SET_CPUID2, cpuid, "CPUID");
}

void vcpu_set_msrs(struct vcpu *v, const struct kvm_msr_entry *msrs,
		   unsigned int n)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[8];
	} m = {.hdr.nmsrs = MIN(n, 8)};

	memcpy(m.e, msrs, m.hdr.nmsrs * sizeof(m.e[0]));
	/* KVM_SET_MSRS returns how many it took: all or it is refusal. */
	if (ioctl(v->fd, KVM_SET_MSRS, &m) != (int)m.hdr.nmsrs)
		die("KVM refused vCPU %u's initial MSRs.", v->id);
}

void vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs)
{
	vcpu_ioctl(v, KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
}

void vcpu_set_sregs(struct vcpu *v, const struct kvm_sregs *sregs)
{
	vcpu_ioctl(v, KVM_SET_SREGS, sregs, "segment registers");
}

void vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs)
{
	vcpu_ioctl(v, KVM_SET_REGS, regs, "registers");
}

void vcpu_set_fpu(struct vcpu *v, const struct kvm_fpu *fpu)
{
	vcpu_ioctl(v, KVM_SET_FPU, fpu, "FPU state");
}

void vcpu_get_lapic(struct vcpu *v, struct kvm_lapic_state *lapic)
{
	vcpu_ioctl(v, KVM_GET_LAPIC, lapic, "KVM_GET_LAPIC");
}

void vcpu_set_lapic(struct vcpu *v, const struct kvm_lapic_state *lapic)
{
	vcpu_ioctl(v, KVM_SET_LAPIC, lapic, "local APIC state");
}

/* A run that cannot go on: say what, in (why). */
static enum vcpu_exit crashed(char *why, size_t whylen, const char *what,
			      unsigned long long code)
{
	snprintf(why, whylen, "%s (%#llx)", what, code);
	return VCPU_CRASH;
}

/*L:160
 * Here is the other half of the original Launcher's run_guest(): the Host
 * ran the Guest until it did something only we can do, and told us what.
 * Mostly that is an I/O port or an MMIO address that no device inside KVM
 * claims (the interrupt controllers and the timer live in the kernel, and
 * the virtio kicks never leave it), so we hand it to whichever of our
 * devices claimed it on the bus and go straight back in.
 *
 * The rest are ends.  A triple fault is how an x86 CPU gives up: on a PC
 * the CPU then resets, and we report it instead, since a guest that faults
 * in its fault handler would only do it again.  We do not say here what
 * an end means for the run; that is the Launcher's business. :*/
enum vcpu_exit vcpu_handle_exit(struct kvm_run *run, struct bus *bus, char *why,
				size_t whylen)
{
	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		u8 *data = (u8 *)run + run->io.data_offset;
		bool write = run->io.direction == KVM_EXIT_IO_OUT;

		/* "rep outsb" and friends arrive as one exit with a count;
		 * KVM keeps the data inside its page. */
		for (u32 i = 0; i < run->io.count; i++)
			bus_access(bus, BUS_PIO, run->io.port,
				   data + i * run->io.size, run->io.size,
				   write);
		return VCPU_RUN_ON;
	}
	case KVM_EXIT_MMIO:
		bus_access(bus, BUS_MMIO, run->mmio.phys_addr, run->mmio.data,
			   MIN(run->mmio.len, sizeof(run->mmio.data)),
			   run->mmio.is_write);
		return VCPU_RUN_ON;
	case KVM_EXIT_HLT:
		/* With the in-kernel local APIC, HLT never comes here. */
		return VCPU_RUN_ON;
	case KVM_EXIT_SHUTDOWN:
		return crashed(why, whylen, "triple fault", 0);
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
			snprintf(why, whylen, "guest reset");
			return VCPU_RESET;
		}
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
			snprintf(why, whylen, "guest shut down");
			return VCPU_POWEROFF;
		}
		return crashed(why, whylen, "system event",
			       run->system_event.type);
	case KVM_EXIT_FAIL_ENTRY:
		return crashed(why, whylen, "hardware entry failure",
			       run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return crashed(why, whylen, "KVM internal error",
			       run->internal.suberror);
	default:
		return crashed(why, whylen, "unexpected KVM exit",
			       run->exit_reason);
	}
}

/*L:150
 * Each vCPU is a thread that calls KVM_RUN, the modern read() of
 * /dev/lguest: the guest runs until it needs us, and the ioctl returns
 * with the reason in the shared kvm_run page.  We deal with it and go
 * straight back in.  To stop a vCPU we set a flag and poke the thread
 * with a signal (or, if it is between runs, immediate_exit), which makes
 * KVM_RUN return at once.  One run, from vcpu_start() to its end, is the
 * job of the vCPU's worker (worker.h). :*/
static void run_guest(void *arg)
{
	struct vcpu *v = arg;
	enum vcpu_exit how = VCPU_RUN_ON;
	char why[160] = "";
	char where[240];
	struct kvm_regs regs;
	sigset_t kick;

	/* Everything else is blocked (the main thread takes signals through
	 * a signalfd); we listen only for the kick. */
	sigemptyset(&kick);
	sigaddset(&kick, WORKER_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	while (how == VCPU_RUN_ON && !atomic_load(&v->stop)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			how = VCPU_CRASH;
			snprintf(why, sizeof(why), "KVM_RUN failed: %s",
				 strerror(errno));
			break;
		}
		how = vcpu_handle_exit(v->run, v->bus, why, sizeof(why));
	}
	if (how == VCPU_RUN_ON)
		return; /* stopped */
	if (how == VCPU_CRASH) {
		/* Where was it?  The first question about a crash. */
		unsigned long long rip = 0;

		if (ioctl(v->fd, KVM_GET_REGS, &regs) == 0)
			rip = regs.rip;
		snprintf(where, sizeof(where), "%s on vCPU %u at rip %#llx",
			 why, v->id, rip);
		v->done(v->ctx, v, how, where);
		return;
	}
	v->done(v->ctx, v, how, why);
}

void vcpu_spawn(struct vcpu *v)
{
	char name[16];
	int err;

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	err = worker_create(&v->thread, name, &vcpu_rules, run_guest, v);
	if (err)
		die("cannot start vCPU %u's thread: %s", v->id, strerror(-err));
}

void vcpu_start(struct vcpu *v)
{
	atomic_store(&v->stop, false);
	worker_start(&v->thread);
}

void vcpu_stop(struct vcpu *v)
{
	atomic_store(&v->stop, true);
	/* immediate_exit covers the window just before KVM_RUN; the signal
	 * covers a vCPU already inside it. */
	if (v->run)
		*(volatile u8 *)&v->run->immediate_exit = 1;
	worker_interrupt(&v->thread);
}

void vcpu_destroy(struct vcpu *v)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (v->fd < 0)
		return;
	/* Where was it?  The first question about a guest that hung. */
	if (log_verbose && ioctl(v->fd, KVM_GET_REGS, &regs) == 0 &&
	    ioctl(v->fd, KVM_GET_SREGS, &sregs) == 0)
		verbose("vCPU %u stopped at cs:rip %#x:%#llx (cs base %#llx, "
			"cr0 %#llx, efer %#llx)",
			v->id, sregs.cs.selector, (unsigned long long)regs.rip,
			(unsigned long long)sregs.cs.base,
			(unsigned long long)sregs.cr0,
			(unsigned long long)sregs.efer);
	munmap(v->run, v->kvm->vcpu_mmap_size);
	close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

void vcpu_exit_thread(struct vcpu *v)
{
	worker_destroy(&v->thread);
}
