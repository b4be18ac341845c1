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

#include "host/vcpu.h"
#include "hw/pio.h"
#include "launcher.h"
#include "log.h"

#define SIG_KICK SIGUSR1

#define MSR_IA32_MISC_ENABLE	0x1a0
#define MISC_ENABLE_FAST_STRING 1
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MTRR_ENABLE		(1 << 11)
#define MTRR_TYPE_WB		6

#define APIC_LVT0	 0x350
#define APIC_LVT1	 0x360
#define APIC_MODE_EXTINT (7 << 8)
#define APIC_MODE_NMI	 (4 << 8)

static void kick_handler(int sig)
{
	(void)sig;
}

void vcpu_init_signals(void)
{
	struct sigaction sa = {.sa_handler = kick_handler};

	/* No SA_RESTART: the point is that KVM_RUN returns EINTR. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_KICK, &sa, NULL);
}

static void set_msrs(struct vcpu *v)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[2];
	} msrs = {
		.hdr.nmsrs = 2,
		/* What firmware leaves behind: fast string operations on,
		 * and MTRRs on with write-back as the default memory type
		 * (without it a kernel may treat all RAM as uncached). */
		.e = {{.index = MSR_IA32_MISC_ENABLE,
		       .data = MISC_ENABLE_FAST_STRING},
		      {.index = MSR_MTRR_DEF_TYPE,
		       .data = MTRR_ENABLE | MTRR_TYPE_WB}},
	};

	if (ioctl(v->fd, KVM_SET_MSRS, &msrs) != 2)
		die("KVM refused the vCPU's initial MSRs.");
}

/* Route the local APIC's LINT0 to the PIC (ExtINT) and LINT1 to NMI, as a
 * BIOS does on the boot CPU: "virtual wire" mode until the kernel takes
 * over the IOAPIC. */
static void set_lapic(struct vcpu *v)
{
	struct kvm_lapic_state lapic;
	u32 lvt;

	if (ioctl(v->fd, KVM_GET_LAPIC, &lapic) < 0)
		die_errno("KVM_GET_LAPIC failed");
	memcpy(&lvt, lapic.regs + APIC_LVT0, 4);
	lvt = (lvt & ~0x700u) | APIC_MODE_EXTINT;
	memcpy(lapic.regs + APIC_LVT0, &lvt, 4);
	memcpy(&lvt, lapic.regs + APIC_LVT1, 4);
	lvt = (lvt & ~0x700u) | APIC_MODE_NMI;
	memcpy(lapic.regs + APIC_LVT1, &lvt, 4);
	if (ioctl(v->fd, KVM_SET_LAPIC, &lapic) < 0)
		die_errno("KVM_SET_LAPIC failed");
}

static void set_boot_state(struct vcpu *v, const struct boot_info *info)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_fpu fpu = {
		.fcw = 0x37f,	 /* x87 power-on control word */
		.mxcsr = 0x1f80, /* SSE: all exceptions masked */
	};

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		die_errno("KVM_GET_SREGS failed");
	boot_setup_cpu(&v->l->mem, info, &sregs, &regs);
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		die_errno("KVM_SET_SREGS failed");
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		die_errno("KVM_SET_REGS failed");
	if (ioctl(v->fd, KVM_SET_FPU, &fpu) < 0)
		die_errno("KVM_SET_FPU failed");
	set_lapic(v);
}

void vcpu_create(struct vcpu *v, struct launcher *l, unsigned int id,
		 struct kvm_cpuid2 *cpuid, const struct boot_info *info)
{
	memset(v, 0, sizeof(*v));
	v->l = l;
	v->id = id;
	v->fd = ioctl(l->kvm.vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		die_errno("KVM_CREATE_VCPU %u failed", id);
	v->run = mmap(NULL, l->kvm.vcpu_mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die_errno("cannot map vCPU %u's kvm_run", id);

	boot_cpuid(cpuid, id, l->cfg->cpus);
	if (ioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0)
		die_errno("KVM_SET_CPUID2 failed");
	set_msrs(v);
	if (id == 0)
		set_boot_state(v, info);
}

/* An exit that means the guest cannot go on: say where it was. */
static void crash(struct vcpu *v, const char *what, unsigned long long code)
{
	struct kvm_regs regs;
	unsigned long long rip = 0;

	if (ioctl(v->fd, KVM_GET_REGS, &regs) == 0)
		rip = regs.rip;
	launcher_end(v->l, GUEST_CRASH,
		     "guest crashed: %s (%#llx) on vCPU %u at rip %#llx", what,
		     code, v->id, rip);
}

/* One exit from KVM_RUN: handle it, return false if this vCPU is done. */
static bool handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		u8 *data = (u8 *)run + run->io.data_offset;

		/* "rep outsb" and friends arrive as one exit with a count. */
		for (u32 i = 0; i < run->io.count; i++)
			hw_pio(v->l, run->io.port, data + i * run->io.size,
			       run->io.size,
			       run->io.direction == KVM_EXIT_IO_OUT);
		return true;
	}
	case KVM_EXIT_MMIO:
		hw_mmio(v->l, run->mmio.phys_addr, run->mmio.data,
			run->mmio.len, run->mmio.is_write);
		return true;
	case KVM_EXIT_HLT:
		/* With the in-kernel local APIC, HLT never comes here. */
		return true;
	case KVM_EXIT_SHUTDOWN:
		/* A triple fault: on a PC, the CPU resets. We report it. */
		crash(v, "triple fault", 0);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
			launcher_end(v->l, GUEST_REBOOT, "guest reset");
		else if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			launcher_end(v->l, GUEST_POWEROFF, "guest shut down");
		else
			crash(v, "system event", run->system_event.type);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		crash(v, "hardware entry failure",
		      run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		crash(v, "KVM internal error", run->internal.suberror);
		return false;
	default:
		crash(v, "unexpected KVM exit", run->exit_reason);
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	sigset_t kick;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	/* Everything else is blocked (main() takes signals through a
	 * signalfd); we listen only for the kick. */
	sigemptyset(&kick);
	sigaddset(&kick, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	while (!atomic_load(&v->l->stopping)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			launcher_end(v->l, GUEST_CRASH,
				     "KVM_RUN failed on vCPU %u: %s", v->id,
				     strerror(errno));
			break;
		}
		if (!handle_exit(v))
			break;
	}
	return NULL;
}

void vcpu_start(struct vcpu *v)
{
	int err = pthread_create(&v->thread, NULL, vcpu_thread, v);

	if (err)
		die("cannot start vCPU %u's thread: %s", v->id, strerror(err));
	v->started = true;
}

void vcpu_kick(struct vcpu *v)
{
	/* immediate_exit covers the window just before KVM_RUN; the signal
	 * covers a vCPU already inside it. */
	*(volatile u8 *)&v->run->immediate_exit = 1;
	if (v->started)
		pthread_kill(v->thread, SIG_KICK);
}

void vcpu_destroy(struct vcpu *v)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (v->started)
		pthread_join(v->thread, NULL);
	/* Where was it?  The first question about a guest that hung. */
	if (log_verbose && ioctl(v->fd, KVM_GET_REGS, &regs) == 0 &&
	    ioctl(v->fd, KVM_GET_SREGS, &sregs) == 0)
		verbose("vCPU %u stopped at cs:rip %#x:%#llx (cs base %#llx, "
			"cr0 %#llx, efer %#llx)",
			v->id, sregs.cs.selector, (unsigned long long)regs.rip,
			(unsigned long long)sregs.cs.base,
			(unsigned long long)sregs.cr0,
			(unsigned long long)sregs.efer);
	munmap(v->run, v->l->kvm.vcpu_mmap_size);
	close(v->fd);
	v->started = false;
}
