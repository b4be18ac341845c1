/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging and the one way out.  die() is for the user's mistakes and the
 * host's refusals during set-up: one sentence, terminal restored, exit 1.
 * Nothing a guest does may reach die(); tools/lint keeps it out of the
 * device code.
 */
#ifndef LGUEST_LOG_H
#define LGUEST_LOG_H

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

/* Start the clock that log_uptime_ms() reads: main()'s first act, so the
 * boot timer measures from the very start.  Main thread. */
void log_init(void);

/* Milliseconds since the Launcher started (CLOCK_MONOTONIC).  Any thread. */
double log_uptime_ms(void);

/* Run (fn) at exit, before the message of die() reaches the terminal: the
 * terminal restore hook.  Main thread, before threads start. */
void log_set_cleanup(void (*fn)(void));

#endif
