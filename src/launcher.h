/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Launcher: it turns a struct launch into a running guest, waits for
 * the guest to end, and starts it again if the guest rebooted.  This is the
 * glue between the Host (host/), the boot protocol (boot/) and the devices
 * (hw/).
 */
#ifndef LGUEST_LAUNCHER_H
#define LGUEST_LAUNCHER_H

#include <pthread.h>

#include "guest_mem.h"
#include "host/kvm.h"
#include "host/vcpu.h"
#include "hw/power.h"
#include "hw/rtc.h"
#include "hw/uart8250.h"
#include "launch.h"
#include "virtio/mmio.h"

struct launcher {
	const struct launch *cfg;
	struct kvm kvm;
	struct guest_mem mem;
	struct vcpu vcpus[LAUNCH_MAX_CPUS];

	/* Devices that outlive a guest reboot (the RTC keeps its NVRAM). */
	struct uart uart;
	struct rtc rtc;

	/* The virtio devices, one register window each from VIRTIO_MMIO_GPA,
	 * the virtio console first when there is one.  Made once; a reboot
	 * resets them. */
	struct mmio_dev virtio[1 + LAUNCH_MAX_DEVICES];
	unsigned int nvirtio;
	struct device *console; /* or NULL */

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
	atomic_bool stopping; /* vCPUs: leave the run loop */

	_Atomic u64 pio_seen[65536 / 64]; /* unclaimed ports, logged once */
};

/* Run the guest described by (cfg) until it ends for good; returns the
 * exit status.  Dies on set-up errors.  Main thread. */
int launcher_run(const struct launch *cfg);

/* Record that the guest ended (how), with a printf-style reason, and wake
 * the main thread.  Later calls for the same boot are ignored.  Any
 * thread. */
void launcher_end(struct launcher *l, enum guest_end how, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
