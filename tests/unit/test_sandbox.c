// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp sandbox (src/sandbox.c) from the inside: what every thread
 * must still be able to do once its filter is on.  Each test runs in a
 * child of its own, since a filter and a privilege drop are for good.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "harness.h"
#include "sandbox.h"
#include "term.h"

/*
 * lguest on a terminal (make run): stdin is put in raw mode at start and
 * restored on the way out, from inside the sandbox.  glibc's tcsetattr()
 * reads the settings back after it sets them (TCSETS, then TCGETS), so a
 * filter that allowed only the set stopped every interactive run at its
 * end with "system call 16 is not allowed" and exit 159 (e2e never has a
 * terminal, so only a user saw it).
 */
TEST(terminal_restored_inside_the_sandbox)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, status;
	struct termios t;
	pid_t pid;

	CHECK(master >= 0);
	CHECK_EQ(grantpt(master) | unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	CHECK(slave >= 0);
	pid = fork();
	if (pid == 0) {
		if (dup2(slave, STDIN_FILENO) < 0)
			_exit(10);
		term_raw();
		sandbox_drop_privileges(NULL, NULL);
		sandbox_enter("test", NULL);
		term_restore();
		/* Not _exit(): ASan's would tidy its signal stack first,
		 * a call no lguest thread makes. */
		syscall(SYS_exit_group, 0);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	/* And the terminal is as it was: line editing and echo back on. */
	CHECK_EQ(tcgetattr(slave, &t), 0);
	CHECK((t.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
	close(slave);
	close(master);
}

int main(void)
{
	static const struct test tests[] = {
		T(terminal_restored_inside_the_sandbox),
	};

	return harness_main("sandbox", tests, ARRAY_SIZE(tests));
}
