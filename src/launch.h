/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one description of the machine to launch.  main.c turns argv into a
 * struct launch; the Launcher builds the guest from it (and builds it again,
 * the same, when the guest reboots).
 */
#ifndef LGUEST_LAUNCH_H
#define LGUEST_LAUNCH_H

#include <stddef.h>
#include <stdio.h>

#include "types.h"

#define LAUNCH_MAX_CPUS	   64
#define LAUNCH_MAX_MEM_MB  (1024 * 1024) /* 1 TiB: past this, say no early */
#define LAUNCH_CMDLINE_MAX 4096
#define LAUNCH_MAX_DEVICES 16 /* virtio devices from the command line */

struct device_type;

/* One --block=FILE, --rng, ...: which device, and the option's value. */
struct launch_device {
	const struct device_type *type;
	const char *opt; /* NULL for an option without a value */
};

/* How the virtio devices reach the guest. */
enum transport {
	TRANSPORT_PCI,	/* virtio-pci with MSI-X (the default) */
	TRANSPORT_MMIO, /* virtio-mmio windows in the DSDT */
};

struct launch {
	u64 mem_mb;			  /* guest RAM */
	const char *kernel;		  /* bzImage or ELF vmlinux path */
	const char *initrd;		  /* or NULL */
	char cmdline[LAUNCH_CMDLINE_MAX]; /* kernel args, space-joined */
	unsigned int cpus;		  /* vCPUs, 1..LAUNCH_MAX_CPUS */
	bool verbose;			  /* log boot steps and exits */
	bool boot_timer;      /* log guest writes to the boot-timer port */
	bool no_reboot;	      /* guest reboot ends the Launcher */
	const char *username; /* drop to this user after set-up */
	const char *chroot;   /* and into this directory */
	struct launch_device devices[LAUNCH_MAX_DEVICES];
	unsigned int ndevices;
	bool no_virtio_console;	  /* --console=serial: no hvc0 */
	enum transport transport; /* --transport=pci|mmio */
};

/* What launch_parse() wants main() to do next. */
enum launch_action {
	LAUNCH_RUN,	/* (cfg) is complete: launch it */
	LAUNCH_HELP,	/* print launch_usage() and exit 0 */
	LAUNCH_VERSION, /* print the version and exit 0 */
	LAUNCH_ERROR,	/* (err) holds one sentence: exit 1 */
};

/* Parse the command line (argc, argv) into (cfg), which it zeroes first.
 * Options may come before or after MEM_MB and KERNEL, as with the original
 * Launcher's getopt; "--" ends the options.  On a mistake, writes one
 * sentence into (err) (of (errlen) bytes) and returns LAUNCH_ERROR.  Pure
 * apart from getopt's globals; main thread only. */
enum launch_action launch_parse(struct launch *cfg, int argc, char **argv,
				char *err, size_t errlen);

/* Print the --help text, device options included, on (f). */
void launch_usage(FILE *f);

#endif
