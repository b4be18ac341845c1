/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user's keys on their way to the guest.  The main thread reads stdin
 * and hands each key to the virtio console (hvc0) once the guest listens
 * there, to the serial port before that; three ^C within a second end the
 * Launcher instead.  Input the guest has no room for waits in stdin.
 */
#ifndef LGUEST_INPUT_H
#define LGUEST_INPUT_H

#include "hw/uart8250.h"
#include "virtio/device.h"

struct input {
	bool open;		/* stdin has not ended */
	struct uart *uart;	/* the serial port */
	struct device *console; /* the virtio console, or NULL */
};

/* Set (in) up to feed (uart) and (console) (which may be NULL).  Main
 * thread. */
void input_init(struct input *in, struct uart *uart, struct device *console);

/* What to poll for input now: STDIN_FILENO, or -1 with (*timeout_ms) 10
 * when the guest has not taken what it had (we look again soon), or -1
 * with (*timeout_ms) untouched once stdin has ended.  Main thread. */
int input_fd(struct input *in, int *timeout_ms);

/* Stdin is readable: read what the guest has room for and hand it over.
 * Returns true if that was the third ^C within a second.  Main thread. */
bool input_pump(struct input *in);

#endif
