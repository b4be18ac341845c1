/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user's terminal.  While the guest runs, its serial console owns the
 * terminal: keys go to the guest unprocessed (^C included), and the
 * terminal is put back the way we found it on every way out.
 */
#ifndef LGUEST_TERM_H
#define LGUEST_TERM_H

#include "types.h"

/* If stdin is a terminal, save its settings and switch it to raw input
 * (output processing stays on, so our own messages keep their line
 * breaks), and arrange for term_restore() at exit.  Main thread. */
void term_raw(void);

/* Put the terminal back.  Safe to call often, and from a signal handler.
 * Main thread. */
void term_restore(void);

/* The original Launcher's escape hatch: feed it every input byte and it
 * returns true when the third ^C within one second arrives.  Main thread. */
bool term_ctrl_c(const u8 *buf, size_t len);

#endif
