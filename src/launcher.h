/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Launcher: it turns a struct launch into a running guest, waits for
 * the guest to end, and starts it again if the guest rebooted.  This is the
 * glue between the Host (host/), the boot protocol (boot/), the legacy
 * hardware (hw/) and the virtio devices (virtio/, devices/); it is also
 * the one place that decides what the end of a run means.
 */
#ifndef LGUEST_LAUNCHER_H
#define LGUEST_LAUNCHER_H

#include <pthread.h>

#include "bus.h"
#include "guest_mem.h"
#include "host/kvm.h"
#include "host/vcpu.h"
#include "hw/power.h"
#include "hw/rtc.h"
#include "hw/uart8250.h"
#include "input.h"
#include "launch.h"
#include "output.h"
#include "vdevs.h"

/* How a boot of the guest ended. */
enum guest_end {
	GUEST_RUNNING = 0, /* it has not */
	GUEST_POWEROFF,	   /* exit 0 */
	GUEST_REBOOT,	   /* start again (or exit 4 with --no-reboot) */
	GUEST_PANIC,	   /* pvpanic: exit 2 */
	GUEST_CRASH,	   /* triple fault, KVM error: exit 3 */
	GUEST_STOPPED,	   /* the user stopped us (^C^C^C, a signal): 130 */
};

struct launcher {
	const struct launch *cfg;
	struct kvm kvm;
	struct guest_mem mem;
	struct bus bus; /* where each vCPU's port and MMIO exits go */
	struct vcpu vcpus[LAUNCH_MAX_CPUS];

	/* The user's terminal: the guest's console output on its way out,
	 * and the keys on their way in. */
	struct output out;
	struct input in;

	/* Devices that outlive a guest reboot (the RTC keeps its NVRAM). */
	struct uart uart;
	struct rtc rtc;
	struct power power;
	bool boot_timer; /* log boot-timer writes */

	/* The virtio devices, the console first when there is one, on PCI
	 * or virtio-mmio.  Made once; a reboot resets them. */
	struct vdevs virtio;

	/* The kernel and initrd files, kept open: each boot reads them
	 * afresh (so a reboot needs no path after --chroot, and picks up a
	 * kernel rebuilt in place), and no copy stays in our memory. */
	int kernel_fd;
	int initrd_fd; /* -1 without --initrd */

	/* How this boot ended: the first reason wins.  end_fd wakes the
	 * main thread. */
	pthread_mutex_t end_lock;
	enum guest_end end;
	char end_why[256];
	int end_fd;
};

/* Run the guest described by (cfg) until it ends for good; returns the
 * exit status.  Dies on set-up errors.  Main thread. */
int launcher_run(const struct launch *cfg);

/* Record that the guest ended (how), with a printf-style reason, and wake
 * the main thread.  Later calls for the same boot are ignored.  Any
 * thread. */
void launcher_end(struct launcher *l, enum guest_end how, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The Launcher's exit status for each ending (README "Exit status"). */
int launcher_exit_status(enum guest_end end);

#endif
