// SPDX-License-Identifier: GPL-2.0
/*
 * The Launcher proper: build the machine, run it, wait for it to end.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "boot/acpi.h"
#include "boot/boot.h"
#include "devices/console.h"
#include "hw/ports.h"
#include "launcher.h"
#include "log.h"
#include "term.h"

void launcher_end(struct launcher *l, enum guest_end how, const char *fmt, ...)
{
	va_list ap;
	u64 one = 1;

	pthread_mutex_lock(&l->end_lock);
	if (l->end == GUEST_RUNNING) {
		l->end = how;
		va_start(ap, fmt);
		vsnprintf(l->end_why, sizeof(l->end_why), fmt, ap);
		va_end(ap);
		if (write(l->end_fd, &one, sizeof(one)) < 0) {
			/* An eventfd only refuses at 2^64-1 wake-ups. */
		}
	}
	pthread_mutex_unlock(&l->end_lock);
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
	size_t done = 0;
	u8 *buf;

	if (fstat(fd, &st) < 0 || st.st_size == 0)
		die("%s %s is empty.", what, path);
	buf = malloc(st.st_size);
	if (!buf)
		die("%s %s is too big to read into memory.", what, path);
	while (done < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + done, st.st_size - done, done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("cannot read %s %s", what, path);
		if (n == 0)
			break; /* it shrank under us: take what is there */
		done += n;
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

/* The original Launcher's last act of set-up: give up root. */
static void drop_privileges(const struct launch *cfg)
{
	struct passwd *pw = NULL;

	if (cfg->username) {
		pw = getpwnam(cfg->username);
		if (!pw)
			die("--username=%s: no such user.", cfg->username);
	}
	if (cfg->chroot) {
		if (chroot(cfg->chroot) < 0)
			die_errno("--chroot=%s failed", cfg->chroot);
		if (chdir("/") < 0)
			die_errno("cannot chdir into --chroot=%s", cfg->chroot);
	}
	if (pw) {
		if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
		    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			die_errno("cannot become user %s", cfg->username);
	}
}

/* Build one virtio device in the next register window; dies on the user's
 * mistake (a missing disk image, say) with the device's own sentence. */
static struct mmio_dev *
add_virtio(struct launcher *l, const struct device_type *type, const char *opt)
{
	struct mmio_dev *m = &l->virtio[l->nvirtio];
	unsigned int index = 0;
	char err[256];

	for (unsigned int i = 0; i < l->nvirtio; i++)
		index += l->virtio[i].dev.type == type;
	if (mmio_dev_init(m, type, index, opt, &l->mem,
			  VIRTIO_MMIO_GPA + l->nvirtio * VIRTIO_MMIO_SIZE,
			  VIRTIO_IRQ_BASE + l->nvirtio, err, sizeof(err)) < 0)
		die("%s", err);
	l->nvirtio++;
	return m;
}

/*L:150
 * The virtio devices are made once, before the first boot: files are
 * opened and locked here, while we may still be root and before any
 * --chroot.  Like the original's device descriptor page, the guest learns
 * of them from a table we write into its memory, here the ACPI DSDT; a
 * reboot only resets them. :*/
static void make_devices(struct launcher *l)
{
	const struct launch *cfg = l->cfg;

	if (!cfg->no_virtio_console)
		l->console = &add_virtio(l, &console_type, NULL)->dev;
	for (unsigned int i = 0; i < cfg->ndevices; i++)
		add_virtio(l, cfg->devices[i].type, cfg->devices[i].opt);
	for (unsigned int i = 0; i < l->nvirtio; i++) {
		const struct mmio_dev *m = &l->virtio[i];

		verbose("%s: virtio-mmio at %#llx, interrupt %u "
			"(virtio_mmio.device=4K@%#llx:%u)",
			m->dev.name, (unsigned long long)m->base, m->gsi,
			(unsigned long long)m->base, m->gsi);
	}
}

static void uart_irq(void *ctx, int level)
{
	struct launcher *l = ctx;

	kvm_irq_line(&l->kvm, IRQ_COM1, level);
}

/* Lay the guest out in its fresh memory: kernel, initrd, ACPI tables,
 * boot parameters.  Dies with the user's file named if it will not go. */
static void load_guest(struct launcher *l, struct boot_info *info)
{
	const struct launch *cfg = l->cfg;
	struct acpi_mmio_dev windows[ARRAY_SIZE(l->virtio)];
	struct acpi_config acpi = {
		.ncpus = cfg->cpus,
		.serial = true,
		.pvpanic = true,
		.rtc = true,
		.virtio = windows,
		.nvirtio = l->nvirtio,
	};
	const char *err;
	long used;
	size_t size;
	u8 *img;

	for (unsigned int i = 0; i < l->nvirtio; i++)
		windows[i] = (struct acpi_mmio_dev){.base = l->virtio[i].base,
						    .size = VIRTIO_MMIO_SIZE,
						    .gsi = l->virtio[i].gsi};
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

/*
 * The user's keys go to the virtio console (hvc0) once the guest's driver
 * has it running and the guest has written to it, so we know something
 * there is talking to the user; to the serial port before that, or
 * without one.  A guest booted with console=ttyS0 alone loads the driver
 * too, but never writes to hvc0, and keeps its keys on ttyS0.
 */
static bool console_live(struct launcher *l)
{
	return l->console && console_input_live(l->console) &&
	       console_spoken(l->console);
}

static size_t input_room(struct launcher *l)
{
	return console_live(l) ? console_input_room(l->console)
			       : uart_rx_room(&l->uart);
}

static void input(struct launcher *l, const u8 *buf, size_t n)
{
	size_t taken = 0;

	/* The console may have gone away since we asked for room (a driver
	 * reset): what it did not take goes to the serial port. */
	if (console_live(l))
		taken = console_input(l->console, buf, n);
	if (taken < n)
		uart_receive(&l->uart, buf + taken, n - taken);
}

/*
 * While the guest runs, the main thread is the console's input pump: it
 * waits for the user's keys, for a signal, and for the guest to end.
 */
static void wait_for_end(struct launcher *l, int sig_fd, bool *stdin_open)
{
	while (true) {
		struct pollfd p[3] = {
			{.fd = l->end_fd, .events = POLLIN},
			{.fd = sig_fd, .events = POLLIN},
			{.fd = -1, .events = POLLIN},
		};
		size_t room = input_room(l);
		int timeout = -1;

		/* When the guest has not drained its FIFO, we leave input
		 * waiting in the pipe and look again soon. */
		if (*stdin_open && room)
			p[2].fd = STDIN_FILENO;
		else if (*stdin_open)
			timeout = 10;

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
		if (p[2].revents) {
			u8 buf[256];
			ssize_t n =
				read(STDIN_FILENO, buf, MIN(room, sizeof(buf)));

			if (n <= 0) {
				/* End of input (or a dead tty): the guest
				 * keeps running, it just hears no more. */
				*stdin_open = false;
				continue;
			}
			if (term_ctrl_c(buf, n)) {
				launcher_end(l, GUEST_STOPPED,
					     "three ^C within a second");
				return;
			}
			input(l, buf, n);
		}
	}
}

/* One boot of the guest, from empty memory to its end. */
static enum guest_end boot_once(struct launcher *l, int sig_fd,
				bool *stdin_open)
{
	const struct launch *cfg = l->cfg;
	struct kvm_cpuid2 *cpuid;
	struct boot_info info;
	int err;
	u64 drain;

	l->end = GUEST_RUNNING;
	atomic_store(&l->stopping, false);
	if (read(l->end_fd, &drain, sizeof(drain)) < 0) {
		/* Nothing pending: the usual case (the fd is non-blocking). */
	}

	err = guest_mem_map(&l->mem, cfg->mem_mb * MiB);
	if (err)
		die("cannot map %llu MiB of guest memory: %s",
		    (unsigned long long)cfg->mem_mb, strerror(-err));
	kvm_vm_create(&l->kvm, &l->mem);
	for (unsigned int i = 0; i < l->nvirtio; i++)
		mmio_dev_attach(&l->virtio[i], &l->kvm);
	load_guest(l, &info);

	cpuid = kvm_supported_cpuid(&l->kvm);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_create(&l->vcpus[i], l, i, cpuid, &info);
	free(cpuid);

	verbose("starting %u vCPU%s with %llu MiB", cfg->cpus,
		cfg->cpus == 1 ? "" : "s", (unsigned long long)cfg->mem_mb);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_start(&l->vcpus[i]);

	wait_for_end(l, sig_fd, stdin_open);

	/* Stop every vCPU, then take the machine apart. */
	atomic_store(&l->stopping, true);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_kick(&l->vcpus[i]);
	for (unsigned int i = 0; i < cfg->cpus; i++)
		vcpu_destroy(&l->vcpus[i]);
	/* No queue thread may outlive the guest memory it reads. */
	for (unsigned int i = 0; i < l->nvirtio; i++)
		mmio_dev_reset(&l->virtio[i]);
	kvm_vm_destroy(&l->kvm);
	guest_mem_unmap(&l->mem);
	return l->end;
}

int launcher_run(const struct launch *cfg)
{
	static struct launcher launcher;
	struct launcher *l = &launcher;
	bool stdin_open = true;
	sigset_t sigs;
	int sig_fd;

	l->cfg = cfg;
	pthread_mutex_init(&l->end_lock, NULL);
	check_host_memory(cfg->mem_mb);
	l->kernel_fd = open_file(cfg->kernel, "kernel");
	l->initrd_fd = -1;
	if (cfg->initrd)
		l->initrd_fd = open_file(cfg->initrd, "initrd");
	kvm_open(&l->kvm);

	l->end_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->end_fd < 0)
		die_errno("eventfd failed");

	/*
	 * Signals that would kill us arrive through a signalfd instead, so we
	 * stop the guest and restore the terminal first.  Blocking them here
	 * blocks them in every thread we start.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sig_fd < 0)
		die_errno("signalfd failed");
	signal(SIGPIPE, SIG_IGN);
	vcpu_init_signals();

	make_devices(l);
	drop_privileges(cfg);
	uart_init(&l->uart, STDOUT_FILENO, uart_irq, l);
	rtc_init(&l->rtc);
	term_raw();

	while (true) {
		enum guest_end end = boot_once(l, sig_fd, &stdin_open);

		if (end == GUEST_REBOOT && !cfg->no_reboot) {
			verbose("%s: starting the guest again", l->end_why);
			uart_reset(&l->uart);
			continue;
		}
		term_restore();
		for (unsigned int i = 0; i < l->nvirtio; i++)
			mmio_dev_destroy(&l->virtio[i]);
		if (end == GUEST_POWEROFF || end == GUEST_REBOOT)
			verbose("%s", l->end_why);
		else
			warn("%s", l->end_why);
		return power_exit_status(end);
	}
}
