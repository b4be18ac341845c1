// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to stderr, and the Launcher's exits.  Every message starts with
 * "lguest: " so tests and users can grep for them; a terminal left in raw
 * mode turns "\n" into a bare line feed, so we always restore it first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

bool log_verbose;
static void (*cleanup)(void);
static struct timespec start_time;

void log_init(void)
{
	clock_gettime(CLOCK_MONOTONIC, &start_time);
}

double log_uptime_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start_time.tv_sec) * 1e3 +
	       (now.tv_nsec - start_time.tv_nsec) / 1e6;
}

void log_set_cleanup(void (*fn)(void))
{
	cleanup = fn;
}

static void vmsg(const char *fmt, va_list ap, const char *suffix)
{
	char buf[1024];
	int n;

	/* One write() per line, so lines from different threads never mix. */
	n = snprintf(buf, sizeof(buf), "lguest: ");
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n >= (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	if (suffix)
		n += snprintf(buf + n, sizeof(buf) - n, ": %s", suffix);
	if (n >= (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* Nowhere left to complain to. */
	}
}

static void restore(void)
{
	if (cleanup) {
		void (*fn)(void) = cleanup;

		cleanup = NULL;
		fn();
	}
}

noreturn void die_status(int status, const char *fmt, ...)
{
	va_list ap;

	restore();
	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
	exit(status);
}

noreturn void die(const char *fmt, ...)
{
	va_list ap;

	restore();
	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

noreturn void die_errno(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	restore();
	va_start(ap, fmt);
	vmsg(fmt, ap, why);
	va_end(ap);
	exit(1);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

void verbose(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}
