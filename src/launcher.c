// SPDX-License-Identifier: GPL-2.0
/*
 * The Launcher proper: build the machine, run it, wait for it to end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "boot/acpi.h"
#include "boot/boot.h"
#include "devices/console.h"
#include "fdio.h"
#include "hw/boottimer.h"
#include "launcher.h"
#include "layout.h"
#include "log.h"
#include "sandbox.h"
#include "term.h"

void launcher_end(struct launcher *l, enum guest_end how, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&l->end_lock);
	if (l->end == GUEST_RUNNING) {
		l->end = how;
		va_start(ap, fmt);
		vsnprintf(l->end_why, sizeof(l->end_why), fmt, ap);
		va_end(ap);
		efd_signal(l->end_fd);
	}
	pthread_mutex_unlock(&l->end_lock);
}

int launcher_exit_status(enum guest_end end)
{
	switch (end) {
	case GUEST_POWEROFF:
		return 0;
	case GUEST_PANIC:
		return 2;
	case GUEST_CRASH:
		return 3;
	case GUEST_REBOOT:
		return 4;
	case GUEST_STOPPED:
		return 130;
	default:
		return 1;
	}
}

/* The hardware's word on how the guest ends (hw/power.h)... */
/*L:330
 * The guest can end in two ways the hardware tells us of (the power
 * registers, from a vCPU thread) and a few the Host tells us of (a vCPU
 * that triple-faulted, or that KVM could not enter).  Whichever comes
 * first, launcher_end() records it and wakes the main thread; only the
 * Launcher decides what it means: a reboot restarts the guest, the others
 * end us with a status that says how. :*/
static void on_power(void *ctx, enum power_event ev, u16 port)
{
	struct launcher *l = ctx;

	if (ev == POWER_OFF)
		launcher_end(l, GUEST_POWEROFF, "guest powered off");
	else if (ev == POWER_RESET)
		launcher_end(l, GUEST_REBOOT,
			     "guest asked for a reset (port %#x)", port);
	else if (ev == POWER_PANIC)
		launcher_end(l, GUEST_PANIC, "guest kernel panicked");
}

/* ...and the Host's (host/vcpu.h). */
static void on_vcpu_end(void *ctx, struct vcpu *v, enum vcpu_exit how,
			const char *why)
{
	struct launcher *l = ctx;

	(void)v;
	if (how == VCPU_RESET)
		launcher_end(l, GUEST_REBOOT, "%s", why);
	else if (how == VCPU_POWEROFF)
		launcher_end(l, GUEST_POWEROFF, "%s", why);
	else
		launcher_end(l, GUEST_CRASH, "guest crashed: %s", why);
}

/* Open (path) for reading, or die naming it as (what) for the user. */
static int open_file(const char *path, const char *what)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die_errno("cannot read %s %s", what, path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		die("%s %s is not a regular file.", what, path);
	if (st.st_size == 0)
		die("%s %s is empty.", what, path);
	return fd;
}

/*
 * Read all of (fd) into a fresh buffer, which the caller frees once the
 * guest has its copy.  We keep the file open rather than its contents in
 * memory: a reboot reads it again, even after --chroot, and a kernel
 * rebuilt in place is the one the guest reboots into.
 */
static u8 *read_file(int fd, const char *path, const char *what, size_t *size)
{
	struct stat st;
	size_t done;
	u8 *buf;
	int err;

	if (fstat(fd, &st) < 0 || st.st_size == 0)
		die("%s %s is empty.", what, path);
	buf = malloc(st.st_size);
	if (!buf)
		die("%s %s is too big to read into memory.", what, path);
	err = fd_pread_all(fd, buf, st.st_size, 0, &done);
	/* A file that shrank under us (-EIO): take what is there. */
	if (err && err != -EIO) {
		errno = -err;
		die_errno("cannot read %s %s", what, path);
	}
	*size = done;
	return buf;
}

/* "Larger than the host can give": more than its RAM and swap together. */
static void check_host_memory(u64 mem_mb)
{
	struct sysinfo si;
	u64 host_mb;

	if (sysinfo(&si) < 0)
		return;
	host_mb = ((u64)si.totalram + si.totalswap) * si.mem_unit / MiB;
	if (mem_mb > host_mb)
		die("MEM_MB %llu is more than this host's memory (%llu MiB).",
		    (unsigned long long)mem_mb, (unsigned long long)host_mb);
}

/*L:450
 * The virtio devices are made once, before the first boot: files are
 * opened and locked here, and taps made, while we may still be root and
 * before any --chroot.  Like the original's device descriptor page, the
 * guest learns of them from tables we write into its memory, here ACPI's:
 * a PCI host bridge whose functions they are, or virtio-mmio windows.  A
 * reboot only resets them. :*/
static void make_devices(struct launcher *l)
{
	vdevs_make(&l->virtio, l->cfg, &l->bus, &l->mem, &l->out);
}

static void uart_irq(void *ctx, int level)
{
	struct launcher *l = ctx;

	kvm_irq_line(&l->kvm, IRQ_COM1, level);
}

/* The legacy PC: each device claims its own ports on the bus. */
static void make_hardware(struct launcher *l)
{
	struct bus *bus = &l->bus;

	uart_init(&l->uart, &l->out, uart_irq, l);
	rtc_init(&l->rtc);
	l->power = (struct power){.event = on_power, .ctx = l};
	l->boot_timer = l->cfg->boot_timer || log_verbose;
	if (uart_attach(&l->uart, bus, PORT_COM1) ||
	    rtc_attach(&l->rtc, bus, PORT_RTC_INDEX) ||
	    power_attach(&l->power, bus) ||
	    boot_timer_attach(bus, PORT_BOOT_TIMER, &l->boot_timer) ||
	    /* Where we know nothing is, Linux's probes go unremarked: the
	     * POST port (its I/O delay). */
	    bus_register(bus, BUS_PIO, PORT_POST, 1, NULL, NULL, "post", true))
		die("the legacy devices' ports collide (a bug in layout.h).");
}

/* Lay the guest out in its fresh memory: kernel, initrd, ACPI tables,
 * boot parameters.  Dies with the user's file named if it will not go. */
static void load_guest(struct launcher *l, struct boot_info *info)
{
	const struct launch *cfg = l->cfg;
	struct acpi_config acpi = {
		.ncpus = cfg->cpus,
		.serial = true,
		.pvpanic = true,
		.rtc = true,
	};
	const char *err;
	long used;
	size_t size;
	u8 *img;

	vdevs_acpi(&l->virtio, &acpi);
	img = read_file(l->kernel_fd, cfg->kernel, "kernel", &size);
	err = boot_load_kernel(&l->mem, img, size, info);
	free(img);
	if (err)
		die("kernel %s %s.", cfg->kernel, err);
	verbose("kernel: %s at %#llx-%#llx, entry %#llx",
		info->bzimage ? "bzImage" : "ELF vmlinux",
		(unsigned long long)info->kernel_start,
		(unsigned long long)info->kernel_end,
		(unsigned long long)info->entry);

	if (l->initrd_fd >= 0) {
		img = read_file(l->initrd_fd, cfg->initrd, "initrd", &size);
		err = boot_load_initrd(&l->mem, img, size, info);
		free(img);
		if (err)
			die("initrd %s %s.", cfg->initrd, err);
		verbose("initrd: %zu bytes at %#llx", size,
			(unsigned long long)info->initrd_addr);
	}

	boot_setup_reset_stub(&l->mem);
	used = acpi_build(guest_ptr(&l->mem, ACPI_TABLES_GPA, ACPI_TABLES_SIZE),
			  ACPI_TABLES_SIZE, ACPI_TABLES_GPA, &acpi);
	if (used < 0)
		die("the ACPI tables do not fit in %llu bytes.",
		    (unsigned long long)ACPI_TABLES_SIZE);
	verbose("ACPI: %ld bytes of tables at %#llx", used,
		(unsigned long long)ACPI_TABLES_GPA);

	err = boot_setup_params(&l->mem, info, cfg->cmdline, ACPI_TABLES_GPA);
	if (err)
		die("kernel %s %s.", cfg->kernel, err);
	verbose("command line: %s", cfg->cmdline);
}

/* Give vCPU (v) of this boot its CPUID, the MSRs firmware would leave, and
 * for the boot CPU the 64-bit entry state the boot protocol asks for. */
static void setup_vcpu(struct launcher *l, struct vcpu *v,
		       struct kvm_cpuid2 *cpuid, const struct boot_info *info)
{
	struct kvm_msr_entry msrs[8];
	struct kvm_lapic_state lapic;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_fpu fpu = {
		.fcw = 0x37f,	 /* x87 power-on control word */
		.mxcsr = 0x1f80, /* SSE: all exceptions masked */
	};

	vcpu_create(v);
	boot_cpuid(cpuid, v->id, l->cfg->cpus);
	vcpu_set_cpuid(v, cpuid);
	vcpu_set_msrs(v, msrs, boot_firmware_msrs(msrs, ARRAY_SIZE(msrs)));
	if (v->id != 0)
		return;
	vcpu_get_sregs(v, &sregs);
	boot_setup_cpu(&l->mem, info, &sregs, &regs);
	vcpu_set_sregs(v, &sregs);
	vcpu_set_regs(v, &regs);
	vcpu_set_fpu(v, &fpu);
	vcpu_get_lapic(v, &lapic);
	boot_lapic_virtual_wire(&lapic);
	vcpu_set_lapic(v, &lapic);
}

/*
 * While the guest runs, the main thread is the console's input pump: it
 * waits for the user's keys, for a signal, and for the guest to end.
 */
static void wait_for_end(struct launcher *l, int sig_fd)
{
	while (true) {
		struct pollfd p[3] = {
			{.fd = l->end_fd, .events = POLLIN},
			{.fd = sig_fd, .events = POLLIN},
			{.fd = -1, .events = POLLIN},
		};
		int timeout = -1;

		p[2].fd = input_fd(&l->in, &timeout);
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			die_errno("poll failed");
		if (p[0].revents)
			return;
		if (p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				launcher_end(l, GUEST_STOPPED,
					     "stopped by signal %u",
					     si.ssi_signo);
			return;
		}
		if (p[2].revents && input_pump(&l->in)) {
			launcher_end(l, GUEST_STOPPED,
				     "three ^C within a second");
			return;
		}
	}
}

/* One boot of the guest, from empty memory to its end. */
/*L:700
 * One boot, start to end.  Fresh memory and a fresh VM every time: a guest
 * that reboots gets the same machine, clean.  When the run ends we stop
 * the vCPUs first (none may touch the devices after), then reset every
 * device, which parks its queue threads (none may touch guest memory
 * after), and only then unmap the memory.  The order is the point. :*/
static enum guest_end boot_once(struct launcher *l, int sig_fd)
{
	const struct launch *cfg = l->cfg;
	struct kvm_cpuid2 *cpuid;
	struct boot_info info;
	int err;

	l->end = GUEST_RUNNING;
	efd_drain(l->end_fd);

	err = guest_mem_map(&l->mem, cfg->mem_mb * MiB);
	if (err)
		die("cannot map %llu MiB of guest memory: %s",
		    (unsigned long long)cfg->mem_mb, strerror(-err));
	kvm_vm_create(&l->kvm, &l->mem);
	vdevs_attach(&l->virtio, &l->kvm);
	load_guest(l, &info);

	cpuid = kvm_supported_cpuid(&l->kvm);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		setup_vcpu(l, &l->vcpus[i], cpuid, &info);
	free(cpuid);

	verbose("starting %u vCPU%s with %llu MiB", cfg->cpus,
		cfg->cpus == 1 ? "" : "s", (unsigned long long)cfg->mem_mb);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_start(&l->vcpus[i]);

	wait_for_end(l, sig_fd);

	/* Stop every vCPU, then take the machine apart.  No queue thread
	 * may go on reading the guest memory we are about to unmap. */
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_stop(&l->vcpus[i]);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_destroy(&l->vcpus[i]);
	vdevs_reset(&l->virtio);
	kvm_vm_destroy(&l->kvm);
	guest_mem_unmap(&l->mem);
	return l->end;
}

/* log.c's question: is the user's terminal half-way through a line of
 * the guest's?  Only when our messages and the guest's output share it. */
static struct output *shared_output;

static bool output_midline(void)
{
	return shared_output && output_take_midline(shared_output);
}

static void share_terminal(struct launcher *l)
{
	struct stat out, err;

	if (fstat(STDOUT_FILENO, &out) == 0 &&
	    fstat(STDERR_FILENO, &err) == 0 && out.st_dev == err.st_dev &&
	    out.st_ino == err.st_ino) {
		shared_output = &l->out;
		log_set_midline_hook(output_midline);
	}
}

/* Signals that would kill us arrive through a signalfd instead, so we stop
 * the guest and restore the terminal first.  Blocking them here blocks
 * them in every thread we start. */
static int take_signals(void)
{
	sigset_t sigs;
	int fd;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (fd < 0)
		die_errno("signalfd failed");
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

/*
 * The main thread's sandbox.  Between boots it builds the machine again:
 * guest memory, the VM and its vCPUs, the kernel read afresh from the file
 * we keep open.  While the guest runs it reads the user's keys and signals
 * and stops the vCPUs.  It opens nothing, and talks to KVM only in the
 * verbs below.
 */
static const struct sandbox_call main_calls[] = {
	SANDBOX_ANY(SYS_pread64),
	SANDBOX_ANY(SYS_preadv),
	SANDBOX_ANY(SYS_fstat),
	SANDBOX_ANY(SYS_newfstatat),
	SANDBOX_ANY(SYS_close),
	SANDBOX_SIGNAL_WORKERS,
	SANDBOX_ARG(SYS_ioctl, 1, KVM_CREATE_VM),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_TSS_ADDR),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_IDENTITY_MAP_ADDR),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_CREATE_IRQCHIP),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_CREATE_PIT2),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_USER_MEMORY_REGION),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IOEVENTFD),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IRQFD),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IRQ_LINE),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_GET_SUPPORTED_CPUID),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_CREATE_VCPU),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_CPUID2),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_MSRS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_GET_SREGS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_SREGS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_GET_REGS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_REGS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_FPU),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_GET_LAPIC),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_SET_LAPIC),
};
static const struct sandbox_rules main_rules =
	SANDBOX_RULES("main", main_calls);

/* The output writer's: the serial port's interrupt line, which its room
 * callback raises when the transmitter is free again. */
static const struct sandbox_call output_calls[] = {
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IRQ_LINE),
};
static const struct sandbox_rules output_rules =
	SANDBOX_RULES("output", output_calls);

/* Set-up is over: give up privileges, then make every thread we will
 * ever have, each of which locks itself into its own sandbox, and last
 * the main thread itself. */
static void spawn_threads(struct launcher *l)
{
	sandbox_drop_privileges(l->cfg->username, l->cfg->chroot);
	if (output_start(&l->out, &output_rules))
		die("cannot start the output thread.");
	vdevs_spawn(&l->virtio);
	for (unsigned int i = 0; i < l->cfg->cpus; i++)
		vcpu_spawn(&l->vcpus[i]);
	sandbox_enter("main", &main_rules);
}

/*L:120
 * Here is a whole run, from the top.  We open what the user named (the
 * kernel, /dev/kvm, disk images, taps) while we still have the privileges
 * to, and build the parts of the machine that outlive a reboot: the bus,
 * the legacy PC devices, the virtio devices.  Then we give the privileges
 * up for good (sandbox.c), make every thread we will ever need, and let
 * each lock itself into its own small sandbox.
 *
 * What is left is a loop, as in the original: boot the guest, wait for it
 * to end, and if it only rebooted, boot it again, into the same devices
 * and the same memory size, with a kernel read afresh from the file. :*/
int launcher_run(const struct launch *cfg)
{
	static struct launcher launcher;
	struct launcher *l = &launcher;
	int sig_fd, status;

	l->cfg = cfg;
	pthread_mutex_init(&l->end_lock, NULL);
	check_host_memory(cfg->mem_mb);
	l->kernel_fd = open_file(cfg->kernel, "kernel");
	l->initrd_fd = -1;
	if (cfg->initrd)
		l->initrd_fd = open_file(cfg->initrd, "initrd");
	kvm_open(&l->kvm);
	l->end_fd = efd_open();
	if (l->end_fd < 0)
		die("cannot create an eventfd: %s", strerror(-l->end_fd));
	sig_fd = take_signals();

	output_init(&l->out, STDOUT_FILENO);
	share_terminal(l);
	make_hardware(l);
	make_devices(l);
	input_init(&l->in, &l->uart, l->virtio.console);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_init(&l->vcpus[i], i, &l->kvm, &l->bus, on_vcpu_end, l);
	term_raw();
	spawn_threads(l);

	while (true) {
		enum guest_end end = boot_once(l, sig_fd);

		if (end == GUEST_REBOOT && !cfg->no_reboot) {
			verbose("%s: starting the guest again", l->end_why);
			uart_reset(&l->uart);
			continue;
		}
		/*L:710
		 * The end.  What the guest said last reaches the user before
		 * we go, unless stdout has stopped taking it, in which case
		 * we say how much was lost rather than wait for ever.  Then
		 * the terminal is the user's again, and one line says how the
		 * guest ended, and how many of its complaints we held back. :*/
		output_flush(&l->out, 500);
		term_restore();
		vdevs_destroy(&l->virtio);
		for (unsigned int i = 0; i < cfg->cpus; i++)
			vcpu_exit_thread(&l->vcpus[i]);
		if (end == GUEST_POWEROFF || end == GUEST_REBOOT)
			verbose("%s", l->end_why);
		else
			warn("%s", l->end_why);
		log_guest_summary();
		status = launcher_exit_status(end);
		return status;
	}
}
