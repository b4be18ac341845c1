// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal settings, and the three-^C exit.
 */
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "term.h"

static struct termios saved;
static volatile bool raw;

void term_restore(void)
{
	if (raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw = false;
	}
}

void term_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	t = saved;
	/* No echo, no line editing, no signals from ^C/^Z: the guest does
	 * all of that itself.  We leave output processing alone. */
	t.c_lflag &= ~(ECHO | ICANON | ISIG | IEXTEN);
	t.c_iflag &= ~(IXON | ICRNL | INLCR | IGNCR | BRKINT | ISTRIP);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return;
	raw = true;
	atexit(term_restore);
	log_set_cleanup(term_restore);
}

bool term_ctrl_c(const u8 *buf, size_t len)
{
	static struct timespec first[3];
	static unsigned int n;

	for (size_t i = 0; i < len; i++) {
		struct timespec now;

		if (buf[i] != 3)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Keep the times of the last three; if the oldest is less
		 * than a second ago, that's our cue. */
		first[n % 3] = now;
		n++;
		if (n >= 3) {
			struct timespec *oldest = &first[n % 3];
			double age = (now.tv_sec - oldest->tv_sec) +
				     (now.tv_nsec - oldest->tv_nsec) / 1e9;

			if (age < 1.0)
				return true;
		}
	}
	return false;
}
