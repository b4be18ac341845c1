// SPDX-License-Identifier: GPL-2.0
/*
 * lguest-io: poke x86 I/O ports from the guest's shell.
 *
 *	lguest-io outb PORT VALUE	write one byte
 *	lguest-io inb PORT		read one byte, printed in decimal
 *
 * Numbers are C syntax (0x440, 0170, 10).  Several operations may follow
 * one another in one call ("outb 0x70 0x50 inb 0x71" reads CMOS byte 0x50),
 * which keeps an index/data register pair from being split across
 * processes.  The guest's init uses it for the Launcher's boot-timer port
 * (0x440) and jobs use it for CMOS NVRAM; busybox has no such applet and
 * the cloud kernel has no /dev/port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

static void usage(void)
{
	fprintf(stderr, "usage: lguest-io outb PORT VALUE | inb PORT ...\n");
	exit(1);
}

/* A number in C syntax no bigger than max, or a message and exit 1. */
static unsigned long number(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "lguest-io: bad %s '%s'\n", what, s);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc < 3)
		usage();
	/* Ports above 0x3ff are beyond ioperm(), so ask for all of them. */
	if (iopl(3) < 0) {
		perror("lguest-io: iopl");
		return 1;
	}
	while (i < argc) {
		if (!strcmp(argv[i], "outb") && i + 2 < argc) {
			unsigned short port =
				number(argv[i + 1], 0xffff, "port");
			unsigned char v = number(argv[i + 2], 0xff, "value");

			outb(v, port);
			i += 3;
		} else if (!strcmp(argv[i], "inb") && i + 1 < argc) {
			unsigned short port =
				number(argv[i + 1], 0xffff, "port");

			printf("%u\n", inb(port));
			i += 2;
		} else {
			usage();
		}
	}
	return fflush(stdout) ? 1 : 0;
}
