/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sandbox each Launcher thread locks itself into once set-up is over.
 * A guest that found a hole in a device would hold that device's thread;
 * the sandbox decides what the thread can do then: no capabilities, no
 * new privileges (no_new_privs), and a seccomp filter that allows only the
 * system calls its kind of thread makes.  A thread declares its own calls
 * (a device in its device_type, a vCPU in host/vcpu.c); every thread may
 * also make the few that any of our threads needs (sandbox.c).
 */
#ifndef LGUEST_SANDBOX_H
#define LGUEST_SANDBOX_H

#include "types.h"

/* The Launcher's exit status when a thread breaks out of its sandbox. */
#define SANDBOX_EXIT_STATUS 5

/* One system call (nr) (a SYS_* number), with argument (arg) pinned to
 * (value), or any arguments if (arg) is -1; and, if (arg2) is not -1,
 * argument (arg2) pinned to (value2) as well.  SANDBOX_OWN_PID stands for
 * our process ID, which the filter learns when it is built. */
struct sandbox_call {
	long nr;
	int arg;
	unsigned long value;
	int arg2;
	unsigned long value2;
};

#define SANDBOX_OWN_PID ((unsigned long)-2)
#define SANDBOX_ANY(nr)                                                        \
	{                                                                      \
		(nr), -1, 0, -1, 0                                             \
	}
#define SANDBOX_ARG(nr, arg, v)                                                \
	{                                                                      \
		(nr), (arg), (unsigned long)(v), -1, 0                         \
	}
#define SANDBOX_ARG2(nr, a, v, a2, v2)                                         \
	{                                                                      \
		(nr), (a), (unsigned long)(v), (a2), (unsigned long)(v2)       \
	}

/* The calls one kind of thread may make, beyond the common ones. */
struct sandbox_rules {
	const char *kind; /* "blk/req", "vcpu": for --verbose */
	const struct sandbox_call *calls;
	unsigned int ncalls;
};

/* The rules of kind (kind): the calls of the array (calls). */
#define SANDBOX_RULES(kind, calls)                                             \
	{                                                                      \
		(kind), (calls), ARRAY_SIZE(calls)                             \
	}

/*
 * Lock the calling thread (named (who) in messages) into its seccomp filter:
 * the common calls and those of (rules) (which may be NULL).  Does nothing
 * until sandbox_drop_privileges() has run, so the unit tests run
 * unsandboxed.  Threads are made after that drop, so they inherit no
 * capabilities and no_new_privs from the main thread.  The calling thread
 * only; dies (one sentence) if the kernel refuses the filter.
 */
void sandbox_enter(const char *who, const struct sandbox_rules *rules);

/*
 * The end of set-up: become (user) (or stay who we are if NULL), with only
 * that user's own groups, inside (chroot_dir) (or not if NULL), and give
 * up every capability (effective, permitted, inheritable, ambient and the
 * bounding set) and the right to gain any (no_new_privs).  The user and
 * groups are looked up before the chroot: inside it, the user's files
 * (nsswitch.conf, NSS modules) would decide who we become, as root.  Dies
 * with one sentence on failure.  Main thread, before any other thread.
 */
void sandbox_drop_privileges(const char *user, const char *chroot_dir);

#endif
