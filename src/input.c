// SPDX-License-Identifier: GPL-2.0
/*
 * The user's keys (input.h).
 */
#include <unistd.h>

#include "devices/console.h"
#include "input.h"
#include "term.h"

void input_init(struct input *in, struct uart *uart, struct device *console)
{
	in->open = true;
	in->uart = uart;
	in->console = console;
}

/*
 * The user's keys go to the virtio console (hvc0) once the guest's driver
 * has it running and the guest has written to it, so we know something
 * there is talking to the user; to the serial port before that, or
 * without one.  A guest booted with console=ttyS0 alone loads the driver
 * too, but never writes to hvc0, and keeps its keys on ttyS0.
 */
static bool console_live(struct input *in)
{
	return in->console && console_input_live(in->console) &&
	       console_spoken(in->console);
}

static size_t room(struct input *in)
{
	return console_live(in) ? console_input_room(in->console)
				: uart_rx_room(in->uart);
}

int input_fd(struct input *in, int *timeout_ms)
{
	if (!in->open)
		return -1;
	if (room(in))
		return STDIN_FILENO;
	/* The guest has not drained its FIFO: leave the input waiting in
	 * stdin, and look again soon. */
	*timeout_ms = 10;
	return -1;
}

/*L:620
 * Keys come the other way, through the main thread: it reads stdin only
 * when the guest has room for what it reads, so a guest that stops
 * reading leaves the rest in the terminal, not in our memory.  Three ^C
 * within a second end the Launcher, as in the original; one ^C goes to
 * the guest, which is where a user at a shell wants it. :*/
bool input_pump(struct input *in)
{
	u8 buf[256];
	size_t taken = 0;
	ssize_t n = read(STDIN_FILENO, buf, MIN(room(in), sizeof(buf)));

	if (n <= 0) {
		/* End of input (or a dead tty): the guest keeps running, it
		 * just hears no more. */
		in->open = false;
		return false;
	}
	if (term_ctrl_c(buf, n))
		return true;
	/* The console may have gone away since we asked for room (a driver
	 * reset): what it did not take goes to the serial port. */
	if (console_live(in))
		taken = console_input(in->console, buf, n);
	if (taken < (size_t)n)
		uart_receive(in->uart, buf + taken, n - taken);
	return false;
}
