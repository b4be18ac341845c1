// SPDX-License-Identifier: GPL-2.0
/*
 * The command line, from argv to struct launch.  This is the original
 * Launcher's command line, kept working as written:
 *
 *   lguest [--verbose] [--tunnet=...] [--block=FILE] [--initrd=FILE] [--rng]
 *          MEM_MB KERNEL [KERNEL ARGS...]
 *
 * plus our own options in the same --name=value style.  Parsing is pure (it
 * reports mistakes as a sentence rather than exiting), so the unit tests can
 * feed it every bad input a user might type.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"

const char launch_usage[] =
	"Usage: lguest [OPTIONS] MEM_MB KERNEL [KERNEL ARGS...]\n"
	"\n"
	"Boot a Linux KERNEL (bzImage or ELF vmlinux) in a KVM virtual "
	"machine\n"
	"with MEM_MB megabytes of RAM.  KERNEL ARGS become the guest's kernel\n"
	"command line (default: \"console=ttyS0\").  Options may also follow\n"
	"the arguments; \"--\" ends them.\n"
	"\n"
	"Options:\n"
	"  --initrd=FILE        load FILE as the initial RAM disk\n"
	"  --cpus=N             N virtual CPUs (default 1, at most 64)\n"
	"  --no-reboot          exit when the guest reboots (status 4)\n"
	"  --boot-timer         log the time of each guest write to the\n"
	"                       boot-timer port (I/O port 0x440)\n"
	"  --username=USER      drop to USER's uid and gid after set-up\n"
	"  --chroot=DIR         chroot to DIR after set-up\n"
	"  -v, --verbose        log boot steps and VM exits to stderr\n"
	"  -h, --help           show this help\n"
	"  -V, --version        show the version\n"
	"\n"
	"Devices (from later milestones; not yet supported in this build):\n"
	"  --block=FILE  --rng  --tunnet=...\n"
	"\n"
	"The console is the guest's first serial port (ttyS0) on this "
	"terminal.\n"
	"Three ^C within one second end the Launcher.\n"
	"\n"
	"Exit status: 0 guest powered off; 1 Launcher error; 2 guest panic;\n"
	"3 guest crash (triple fault, KVM error); 4 guest rebooted with\n"
	"--no-reboot; 130 ended by ^C^C^C or a signal.\n";

enum {
	OPT_INITRD = 256,
	OPT_CPUS,
	OPT_NO_REBOOT,
	OPT_BOOT_TIMER,
	OPT_USERNAME,
	OPT_CHROOT,
	OPT_BLOCK,
	OPT_RNG,
	OPT_TUNNET,
};

static const struct option options[] = {
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"no-reboot", no_argument, NULL, OPT_NO_REBOOT},
	{"boot-timer", no_argument, NULL, OPT_BOOT_TIMER},
	{"username", required_argument, NULL, OPT_USERNAME},
	{"chroot", required_argument, NULL, OPT_CHROOT},
	{"block", required_argument, NULL, OPT_BLOCK},
	{"rng", no_argument, NULL, OPT_RNG},
	{"tunnet", required_argument, NULL, OPT_TUNNET},
	{NULL, 0, NULL, 0},
};

static enum launch_action fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum launch_action fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return LAUNCH_ERROR;
}

/* A whole decimal number, nothing else: "64" yes; "64M", "-1", "" no. */
static bool parse_number(const char *s, u64 *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* Join the kernel arguments with spaces; false if they do not fit. */
static bool join_args(char *dst, size_t size, char **args, int n)
{
	size_t used = 0;

	dst[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t len = strlen(args[i]);

		if (used + len + (i > 0) + 1 > size)
			return false;
		if (i > 0)
			dst[used++] = ' ';
		memcpy(dst + used, args[i], len + 1);
		used += len;
	}
	return true;
}

enum launch_action launch_parse(struct launch *l, int argc, char **argv,
				char *err, size_t errlen)
{
	u64 n;
	int c;

	memset(l, 0, sizeof(*l));
	l->cpus = 1;

	/*
	 * The original's getopt let options follow the arguments (its own
	 * example is "lguest 64 vmlinux --tunnet=192.168.19.1
	 * --block=rootfile root=/dev/vda"), so we let GNU getopt permute:
	 * options anywhere, the rest kept in order as MEM_MB, KERNEL and the
	 * kernel's arguments.  optind = 0 resets getopt, which keeps state
	 * between calls; the unit tests call us often.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vhV", options, NULL)) != -1) {
		switch (c) {
		case 'v':
			l->verbose = true;
			break;
		case 'h':
			return LAUNCH_HELP;
		case 'V':
			return LAUNCH_VERSION;
		case OPT_INITRD:
			l->initrd = optarg;
			break;
		case OPT_CPUS:
			if (!parse_number(optarg, &n) || n < 1 ||
			    n > LAUNCH_MAX_CPUS)
				return fail(err, errlen,
					    "--cpus=%s: give a number of vCPUs "
					    "from 1 to %d.",
					    optarg, LAUNCH_MAX_CPUS);
			l->cpus = n;
			break;
		case OPT_NO_REBOOT:
			l->no_reboot = true;
			break;
		case OPT_BOOT_TIMER:
			l->boot_timer = true;
			break;
		case OPT_USERNAME:
			l->username = optarg;
			break;
		case OPT_CHROOT:
			l->chroot = optarg;
			break;
		case OPT_BLOCK:
		case OPT_RNG:
		case OPT_TUNNET:
			return fail(err, errlen,
				    "--%s is not yet supported: its virtio "
				    "device comes in a later release.",
				    c == OPT_BLOCK ? "block"
				    : c == OPT_RNG ? "rng"
						   : "tunnet");
		case ':':
			return fail(err, errlen, "%s needs a value (%s=...).",
				    argv[optind - 1], argv[optind - 1]);
		default:
			return fail(err, errlen,
				    "unknown option %s; see lguest --help.",
				    argv[optind - 1]);
		}
	}

	if (optind >= argc)
		return fail(err, errlen,
			    "missing MEM_MB and KERNEL; see lguest --help.");
	if (!parse_number(argv[optind], &n))
		return fail(err, errlen,
			    "MEM_MB \"%s\" is not a number of megabytes.",
			    argv[optind]);
	if (n == 0)
		return fail(err, errlen, "MEM_MB must be more than 0.");
	if (n > LAUNCH_MAX_MEM_MB)
		return fail(err, errlen,
			    "MEM_MB %s is more than lguest supports (%d).",
			    argv[optind], LAUNCH_MAX_MEM_MB);
	l->mem_mb = n;
	if (optind + 1 >= argc)
		return fail(err, errlen, "missing KERNEL; see lguest --help.");
	l->kernel = argv[optind + 1];

	/* Without arguments the kernel talks to us on the first UART. */
	if (optind + 2 == argc)
		strcpy(l->cmdline, "console=ttyS0");
	else if (!join_args(l->cmdline, sizeof(l->cmdline), argv + optind + 2,
			    argc - optind - 2))
		return fail(err, errlen,
			    "the kernel arguments are longer than %d bytes.",
			    LAUNCH_CMDLINE_MAX - 1);
	return LAUNCH_RUN;
}
