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
#include "virtio/device.h"

static const char usage_head[] =
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
	"  --console=virtio|serial\n"
	"                       virtio: a virtio console (hvc0) beside the\n"
	"                       serial port (default); serial: ttyS0 only\n"
	"  --transport=pci|mmio how the virtio devices reach the guest:\n"
	"                       PCI functions with MSI-X (default), or\n"
	"                       virtio-mmio windows\n"
	"  --username=USER      become USER (its own group only) after set-up\n"
	"  --chroot=DIR         chroot to DIR after set-up\n"
	"  -v, --verbose        log boot steps and VM exits to stderr\n"
	"  -h, --help           show this help\n"
	"  -V, --version        show the version\n"
	"\n"
	"Devices (virtio, each queue served by its own thread):\n";

static const char usage_tail[] =
	"\n"
	"The console is on this terminal: the guest's hvc0 once its virtio\n"
	"console driver is up, its first serial port (ttyS0) before that and\n"
	"with --console=serial.  Three ^C within one second end the Launcher.\n"
	"\n"
	"Exit status: 0 guest powered off; 1 Launcher error; 2 guest panic;\n"
	"3 guest crash (triple fault, KVM error); 4 guest rebooted with\n"
	"--no-reboot; 5 a Launcher thread broke its sandbox; 130 ended by\n"
	"^C^C^C or a signal.\n";

void launch_usage(FILE *f)
{
	fputs(usage_head, f);
	for (unsigned int i = 0; device_types[i]; i++)
		if (device_types[i]->option && device_types[i]->usage)
			fprintf(f, "%s\n", device_types[i]->usage);
	fputs(usage_tail, f);
}

enum {
	OPT_INITRD = 256,
	OPT_CPUS,
	OPT_NO_REBOOT,
	OPT_BOOT_TIMER,
	OPT_USERNAME,
	OPT_CHROOT,
	OPT_CONSOLE,
	OPT_TRANSPORT,
	OPT_DEVICE, /* + index into device_types[] */
};

static const struct option base_options[] = {
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"no-reboot", no_argument, NULL, OPT_NO_REBOOT},
	{"boot-timer", no_argument, NULL, OPT_BOOT_TIMER},
	{"username", required_argument, NULL, OPT_USERNAME},
	{"chroot", required_argument, NULL, OPT_CHROOT},
	{"console", required_argument, NULL, OPT_CONSOLE},
	{"transport", required_argument, NULL, OPT_TRANSPORT},
};

/* The fixed options, then one per device type that has an option: a new
 * device adds its option by existing, not by an edit here. */
static void build_options(struct option *opts, size_t max)
{
	size_t n = ARRAY_SIZE(base_options);

	memcpy(opts, base_options, sizeof(base_options));
	for (unsigned int i = 0; device_types[i] && n + 1 < max; i++) {
		const struct device_type *t = device_types[i];

		if (!t->option)
			continue;
		opts[n++] = (struct option){
			t->option,
			t->option_has_value ? required_argument : no_argument,
			NULL, OPT_DEVICE + (int)i};
	}
	memset(&opts[n], 0, sizeof(opts[n]));
}

/* Record one device option; false (with a sentence) if it cannot be. */
static bool add_device(struct launch *cfg, const struct device_type *t,
		       const char *opt, char *err, size_t errlen)
{
	if (!t->repeatable) {
		for (unsigned int i = 0; i < cfg->ndevices; i++) {
			if (cfg->devices[i].type == t) {
				snprintf(err, errlen,
					 "--%s may be given only once.",
					 t->option);
				return false;
			}
		}
	}
	if (cfg->ndevices == LAUNCH_MAX_DEVICES) {
		snprintf(err, errlen,
			 "more than %d devices; lguest has "
			 "interrupts for no more.",
			 LAUNCH_MAX_DEVICES);
		return false;
	}
	cfg->devices[cfg->ndevices].type = t;
	cfg->devices[cfg->ndevices].opt = opt;
	cfg->ndevices++;
	return true;
}

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

/*L:110
 * The command line is the original Launcher's, and its own example still
 * works: "lguest 64 vmlinux --tunnet=192.168.19.1 --block=rootfile
 * root=/dev/vda".  Memory in megabytes, a kernel, and whatever follows is
 * the kernel's command line.  Every device adds its own --option through
 * the device table (devices/devices.c), so a new device never edits this
 * file.  Parsing only fills in a struct launch: opening files and making
 * taps comes later, where a mistake can still be one sentence and exit 1.
 :*/
enum launch_action launch_parse(struct launch *cfg, int argc, char **argv,
				char *err, size_t errlen)
{
	struct option options[ARRAY_SIZE(base_options) + 16];
	u64 n;
	int c;

	build_options(options, ARRAY_SIZE(options));
	memset(cfg, 0, sizeof(*cfg));
	cfg->cpus = 1;

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
			cfg->verbose = true;
			break;
		case 'h':
			return LAUNCH_HELP;
		case 'V':
			return LAUNCH_VERSION;
		case OPT_INITRD:
			cfg->initrd = optarg;
			break;
		case OPT_CPUS:
			if (!parse_number(optarg, &n) || n < 1 ||
			    n > LAUNCH_MAX_CPUS)
				return fail(err, errlen,
					    "--cpus=%s: give a number of vCPUs "
					    "from 1 to %d.",
					    optarg, LAUNCH_MAX_CPUS);
			cfg->cpus = n;
			break;
		case OPT_NO_REBOOT:
			cfg->no_reboot = true;
			break;
		case OPT_BOOT_TIMER:
			cfg->boot_timer = true;
			break;
		case OPT_USERNAME:
			cfg->username = optarg;
			break;
		case OPT_CHROOT:
			cfg->chroot = optarg;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "serial"))
				cfg->no_virtio_console = true;
			else if (!strcmp(optarg, "virtio"))
				cfg->no_virtio_console = false;
			else
				return fail(err, errlen,
					    "--console=%s: say virtio or "
					    "serial.",
					    optarg);
			break;
		case OPT_TRANSPORT:
			if (!strcmp(optarg, "pci"))
				cfg->transport = TRANSPORT_PCI;
			else if (!strcmp(optarg, "mmio"))
				cfg->transport = TRANSPORT_MMIO;
			else
				return fail(err, errlen,
					    "--transport=%s: say pci or mmio.",
					    optarg);
			break;
		default:
			if (c >= OPT_DEVICE) {
				if (!add_device(cfg,
						device_types[c - OPT_DEVICE],
						optarg, err, errlen))
					return LAUNCH_ERROR;
				break;
			}
			return fail(err, errlen,
				    "unknown option %s; see lguest --help.",
				    argv[optind - 1]);
		case ':':
			return fail(err, errlen, "%s needs a value (%s=...).",
				    argv[optind - 1], argv[optind - 1]);
		case '?':
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
	cfg->mem_mb = n;
	if (optind + 1 >= argc)
		return fail(err, errlen, "missing KERNEL; see lguest --help.");
	cfg->kernel = argv[optind + 1];

	/* Without arguments the kernel talks to us on the first UART. */
	if (optind + 2 == argc)
		strcpy(cfg->cmdline, "console=ttyS0");
	else if (!join_args(cfg->cmdline, sizeof(cfg->cmdline),
			    argv + optind + 2, argc - optind - 2))
		return fail(err, errlen,
			    "the kernel arguments are longer than %d bytes.",
			    LAUNCH_CMDLINE_MAX - 1);
	return LAUNCH_RUN;
}
