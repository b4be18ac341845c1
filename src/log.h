/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging and the one way out.  die() is for the user's mistakes and the
 * host's refusals during set-up: one sentence, terminal restored, exit 1.
 * Nothing a guest does may reach die(); tools/lint keeps it out of the
 * device code.
 */
#ifndef LGUEST_LOG_H
#define LGUEST_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdnoreturn.h>

/* Set by --verbose; read by verbose() below.  Main thread writes it once
 * before any other thread starts. */
extern bool log_verbose;

/* Exit with status 1 after printing "lguest: <fmt>\n" on stderr. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* As die(), appending ": strerror(errno)". */
noreturn void die_errno(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Exit with (status) after the same one-line message; for the guest's own
 * ending (panic, crash) where the status says what happened. */
noreturn void die_status(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "lguest: <fmt>\n" on stderr.  Any thread. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* As warn(), but only with --verbose.  Any thread. */
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Something the guest did that the user may want to know of: a driver
 * breaking a rule, a request past the end of a disk, an unclaimed MMIO
 * access, a boot-timer write.  A guest can do these as fast as it likes,
 * so they share one budget it cannot overrun (QEMU's guest_errors
 * convention): without --verbose the first LOG_GUEST_LINES are printed
 * and the rest only counted; with it, a burst of LOG_GUEST_BURST and then
 * LOG_GUEST_RATE a second.  Any thread.
 */
#define LOG_GUEST_LINES 10
#define LOG_GUEST_BURST 20
#define LOG_GUEST_RATE	5
void guest_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* guest_warn() of "(who): (tag): (what)", or "(who): (what)" if (tag) is
 * NULL, with (what) from (fmt) and (ap): the one body of the devices' own
 * complain() helpers ("blk0/req: bad driver: descriptor loop").  Any
 * thread. */
void guest_vwarn(const char *who, const char *tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* One line on how many guest_warn() messages were not shown, if any: the
 * Launcher's last words.  Main thread, at exit. */
void log_guest_summary(void);

/* Start the guest's budget afresh: for the unit tests, each of which is a
 * run of its own.  Never called by the Launcher. */
void log_guest_reset(void);

/* A hook that says whether the user's terminal is in the middle of a
 * line of guest output: our messages then start on a fresh line.  Main
 * thread, before threads start. */
void log_set_midline_hook(bool (*midline)(void));

/* Start the clock that log_uptime_ms() reads: main()'s first act, so the
 * boot timer measures from the very start.  Main thread. */
void log_init(void);

/* Milliseconds since the Launcher started (CLOCK_MONOTONIC).  Any thread. */
double log_uptime_ms(void);

/* Run (fn) at exit, before the message of die() reaches the terminal: the
 * terminal restore hook.  Main thread, before threads start. */
void log_set_cleanup(void (*fn)(void));

/* Run that hook now, from a signal handler about to _exit(): the hook
 * must be async-signal-safe (tcsetattr() is).  Any thread. */
void log_emergency_cleanup(void);

#endif
