// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to stderr, and the Launcher's exits.  Every message starts with
 * "lguest: " so tests and users can grep for them; a terminal left in raw
 * mode turns "\n" into a bare line feed, so we always restore it first.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

bool log_verbose;
static void (*cleanup)(void);
static bool (*midline)(void);
static struct timespec start_time;

/* guest_warn()'s budget: lines printed, lines held back, and with
 * --verbose a bucket of tokens refilled LOG_GUEST_RATE times a second. */
static pthread_mutex_t guest_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long guest_shown, guest_dropped, guest_dropped_burst;
static double guest_tokens = LOG_GUEST_BURST, guest_refilled_ms;

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

void log_set_midline_hook(bool (*fn)(void))
{
	midline = fn;
}

static void vmsg(const char *fmt, va_list ap, const char *suffix)
{
	char buf[1024];
	int n;

	/* One write() per line, so lines from different threads never mix.
	 * A guest that was half-way through a line on the same terminal
	 * would otherwise have our words glued to its own. */
	n = snprintf(buf, sizeof(buf),
		     "%slguest: ", midline && midline() ? "\n" : "");
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

void log_emergency_cleanup(void)
{
	restore();
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

/* May one more guest message be shown?  Called with (guest_lock). */
static bool guest_budget(void)
{
	double now;

	if (!log_verbose)
		return guest_shown < LOG_GUEST_LINES;
	now = log_uptime_ms();
	guest_tokens += (now - guest_refilled_ms) * LOG_GUEST_RATE / 1000.0;
	guest_refilled_ms = now;
	if (guest_tokens > LOG_GUEST_BURST)
		guest_tokens = LOG_GUEST_BURST;
	if (guest_tokens < 1)
		return false;
	guest_tokens -= 1;
	return true;
}

void guest_warn(const char *fmt, ...)
{
	unsigned long held = 0;
	bool show;
	va_list ap;

	pthread_mutex_lock(&guest_lock);
	show = guest_budget();
	if (show) {
		guest_shown++;
		held = guest_dropped_burst;
		guest_dropped_burst = 0;
	} else {
		guest_dropped++;
		guest_dropped_burst++;
	}
	pthread_mutex_unlock(&guest_lock);
	if (!show)
		return;
	/* With --verbose the flow resumes: say what the gap was. */
	if (held)
		warn("(%lu messages about the guest held back)", held);
	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

void guest_vwarn(const char *who, const char *tag, const char *fmt, va_list ap)
{
	char what[160];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (tag)
		guest_warn("%s: %s: %s", who, tag, what);
	else
		guest_warn("%s: %s", who, what);
}

void log_guest_summary(void)
{
	unsigned long dropped;

	pthread_mutex_lock(&guest_lock);
	dropped = guest_dropped;
	guest_dropped = guest_dropped_burst = 0;
	pthread_mutex_unlock(&guest_lock);
	if (!dropped)
		return;
	if (log_verbose)
		warn("%lu messages about the guest were held back by the "
		     "rate limit",
		     dropped);
	else
		warn("%lu more messages about the guest were not shown; "
		     "--verbose shows them",
		     dropped);
}

void log_guest_reset(void)
{
	pthread_mutex_lock(&guest_lock);
	guest_shown = guest_dropped = guest_dropped_burst = 0;
	guest_tokens = LOG_GUEST_BURST;
	pthread_mutex_unlock(&guest_lock);
}
