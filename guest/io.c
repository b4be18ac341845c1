// SPDX-License-Identifier: GPL-2.0
/*
 * lguest-io: poke x86 I/O ports from the guest's shell.
 *
 *	lguest-io outb PORT VALUE	write one byte
 *	lguest-io inb PORT		read one byte, printed in decimal
 *	lguest-io drain			wait until the console has sent
 *					everything written to it
 *
 * Numbers are C syntax (0x440, 0170, 10).  Several operations may follow
 * one another in one call ("outb 0x70 0x50 inb 0x71" reads CMOS byte 0x50),
 * which keeps an index/data register pair from being split across
 * processes.  "drain" exists because a serial console is interrupt driven:
 * echo returns as soon as its line is in the tty's buffer, and a port write
 * right after it would reach the Launcher before the line has.  The guest's init uses it for the Launcher's boot-timer port
 * (0x440) and jobs use it for CMOS NVRAM; busybox has no such applet.
 *
 * Where the kernel has /dev/port (the generic kernel; the cloud kernel has
 * none) we go through it, so the kernel does the I/O.  Otherwise we ask
 * for the ports with iopl(3) and use in/out ourselves.  That faults in one
 * place we know of: a KVM guest nested in QEMU's software emulator (the
 * test host), whose I/O permission check rejects the task register KVM
 * hands it; we say so instead of dying of SIGSEGV.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/io.h>
#include <termios.h>

static int port_fd = -1;

static void usage(void)
{
	fprintf(stderr,
		"usage: lguest-io outb PORT VALUE | inb PORT | drain ...\n");
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

static void io_fault(int sig)
{
	static const char msg[] =
		"lguest-io: the port instruction faulted (a nested guest "
		"under QEMU TCG?)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	_exit(1);
}

static void port_write(unsigned short port, unsigned char v)
{
	if (port_fd < 0) {
		outb(v, port);
	} else if (pwrite(port_fd, &v, 1, port) != 1) {
		perror("lguest-io: /dev/port");
		exit(1);
	}
}

static unsigned char port_read(unsigned short port)
{
	unsigned char v;

	if (port_fd < 0)
		return inb(port);
	if (pread(port_fd, &v, 1, port) != 1) {
		perror("lguest-io: /dev/port");
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc < 2)
		usage();
	port_fd = open("/dev/port", O_RDWR | O_CLOEXEC);
	/* Ports above 0x3ff are beyond ioperm(), so ask for all of them. */
	if (port_fd < 0 && iopl(3) < 0) {
		perror("lguest-io: iopl");
		return 1;
	}
	signal(SIGSEGV, io_fault);
	while (i < argc) {
		if (!strcmp(argv[i], "outb") && i + 2 < argc) {
			unsigned short port =
				number(argv[i + 1], 0xffff, "port");
			unsigned char v = number(argv[i + 2], 0xff, "value");

			port_write(port, v);
			i += 3;
		} else if (!strcmp(argv[i], "inb") && i + 1 < argc) {
			unsigned short port =
				number(argv[i + 1], 0xffff, "port");

			printf("%u\n", port_read(port));
			i += 2;
		} else if (!strcmp(argv[i], "drain")) {
			/* Not a tty (a pipe, /dev/null): nothing to wait for. */
			tcdrain(STDOUT_FILENO);
			i += 1;
		} else {
			usage();
		}
	}
	return fflush(stdout) ? 1 : 0;
}
