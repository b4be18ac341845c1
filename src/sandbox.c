// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox (sandbox.h): privileges given up once, then one seccomp
 * filter per thread, built with libseccomp (which knows the system call
 * numbers and checks the architecture for us).
 *
 * A call outside a thread's filter does not fail quietly: the thread gets
 * SIGSYS (SCMP_ACT_TRAP) and we stop the Launcher with one line naming
 * the thread and the call.  We chose a trap over SECCOMP_RET_KILL_PROCESS
 * because the kernel's own report of a kill goes to the audit log, which
 * a user running lguest rarely reads; a line on stderr says at once which
 * thread broke out of its box.  The handler only writes and exits, so a
 * thread that breaks its sandbox gets no further.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kvm.h>

#include "log.h"
#include "sandbox.h"

/* Set once the privileges are gone: from then on, threads lock
 * themselves in. */
static bool armed;

/* The name of the calling thread, for the SIGSYS line. */
static _Thread_local const char *who_am_i = "lguest";

/*
 * What every one of our threads may do: sleep and wake (poll, futex),
 * read and write the eventfds and pipes it was given, tell the time,
 * manage its memory (never executable: no PROT_EXEC below), restore the
 * terminal on the way out, and end; and raise an interrupt line of its own
 * guest (a PCI device's INTx, the serial port's), which is no harm to
 * anyone else.  Nothing here opens, sends, spawns or executes anything.
 */
static const struct sandbox_call common_calls[] = {
	SANDBOX_ANY(SYS_read),
	SANDBOX_ANY(SYS_write),
	SANDBOX_ANY(SYS_poll),
	SANDBOX_ANY(SYS_ppoll),
	SANDBOX_ANY(SYS_futex),
	SANDBOX_ANY(SYS_clock_gettime),
	SANDBOX_ANY(SYS_clock_nanosleep),
	SANDBOX_ANY(SYS_nanosleep),
	SANDBOX_ANY(SYS_gettimeofday),
	SANDBOX_ANY(SYS_sched_yield),
	SANDBOX_ANY(SYS_getpid),
	SANDBOX_ANY(SYS_gettid),
	SANDBOX_ANY(SYS_madvise),
	SANDBOX_ANY(SYS_munmap),
	SANDBOX_ANY(SYS_brk),
	SANDBOX_ANY(SYS_rt_sigreturn),
	SANDBOX_ANY(SYS_rt_sigprocmask),
	SANDBOX_ANY(SYS_restart_syscall),
	SANDBOX_ANY(SYS_exit),
	SANDBOX_ANY(SYS_exit_group),
	/* tcsetattr(): glibc reads the settings back after TCSETS. */
	SANDBOX_ARG(SYS_ioctl, 1, TCSETS),
	SANDBOX_ARG(SYS_ioctl, 1, TCSETSW),
	SANDBOX_ARG(SYS_ioctl, 1, TCGETS),
	SANDBOX_ARG(SYS_ioctl, 1, KVM_IRQ_LINE),
};

/* SIGSYS: a thread asked for a call its filter does not allow.  Only
 * async-signal-safe calls here: write, and the exit. */
static void sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[160];
	int n;

	(void)sig;
	(void)uc;
	n = snprintf(line, sizeof(line),
		     "\nlguest: %s: system call %d is not allowed in its "
		     "sandbox: stopping (a bug in lguest, or an attack)\n",
		     who_am_i, si->si_syscall);
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nothing more to be done. */
	}
	log_emergency_cleanup();
	_exit(SANDBOX_EXIT_STATUS);
}

/* Add (calls)[0..(n)-1] to filter (ctx): 0 or -errno. */
static int allow(scmp_filter_ctx ctx, const struct sandbox_call *calls,
		 unsigned int n)
{
	scmp_datum_t pid = getpid();

	for (unsigned int i = 0; i < n; i++) {
		const struct sandbox_call *c = &calls[i];
		scmp_datum_t v = c->value == SANDBOX_OWN_PID ? pid : c->value;
		scmp_datum_t v2 =
			c->value2 == SANDBOX_OWN_PID ? pid : c->value2;
		int err;

		if (c->arg < 0)
			err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 0);
		else if (c->arg2 < 0)
			err = seccomp_rule_add(
				ctx, SCMP_ACT_ALLOW, c->nr, 1,
				SCMP_CMP(c->arg, SCMP_CMP_EQ, v));
		else
			err = seccomp_rule_add(
				ctx, SCMP_ACT_ALLOW, c->nr, 2,
				SCMP_CMP(c->arg, SCMP_CMP_EQ, v),
				SCMP_CMP(c->arg2, SCMP_CMP_EQ, v2));
		if (err)
			return err;
	}
	return 0;
}

/* Memory, but never executable memory: a guest that got code into one of
 * our buffers cannot make it run. */
static int allow_memory(scmp_filter_ctx ctx)
{
	int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));

	if (!err)
		err = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	return err;
}

void sandbox_enter(const char *who, const struct sandbox_rules *rules)
{
	scmp_filter_ctx ctx;
	int err;

	who_am_i = who;
	if (!armed)
		return;
	/* The filter is this thread's alone (no TSYNC): each kind of
	 * thread has its own. */
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		die("%s: cannot build a seccomp filter.", who);
	err = allow(ctx, common_calls, ARRAY_SIZE(common_calls));
	if (!err)
		err = allow_memory(ctx);
	if (!err && rules)
		err = allow(ctx, rules->calls, rules->ncalls);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err)
		die("%s: the kernel refused its seccomp filter: %s.", who,
		    strerror(-err));
	verbose("sandbox: %s: %u system calls allowed", who,
		(unsigned int)ARRAY_SIZE(common_calls) + 2 +
			(rules ? rules->ncalls : 0));
}

/* The highest capability this kernel knows. */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

/* Empty the capability bounding set, the most any later execve() could
 * give back.  Shrinking it needs CAP_SETPCAP, so it goes first, while we
 * may still have that; unprivileged, we keep it (no_new_privs and the
 * filters forbid execve anyway). */
static void drop_bounding_set(int last)
{
	bool dropped = true;

	for (int cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			dropped = false;
	if (!dropped)
		verbose("sandbox: the capability bounding set stays (dropping "
			"it needs CAP_SETPCAP)");
}

/* Give up every capability this thread has (threads made after it inherit
 * that): ambient, then effective, permitted and inheritable. */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		die_errno("cannot give up capabilities");
}

/*L:600
 * A hypervisor's first promise is that the guest stays in its box.  Our
 * devices check every address, index and length the guest gives them;
 * the sandbox is what holds if one check is ever wrong.  Once set-up has
 * opened every file and made every tap, we become the user we were told
 * to, with no groups but its own, lose every capability, and promise the
 * kernel never to gain one again (no_new_privs).  Then each thread loads
 * a seccomp filter that allows only the system calls its kind of thread
 * makes: a block thread may pread and pwrite, a vCPU may run KVM_RUN, and
 * none may open a file, make a socket or run a program. :*/
void sandbox_drop_privileges(const char *user, const char *chroot_dir)
{
	struct sigaction sa = {.sa_sigaction = sigsys, .sa_flags = SA_SIGINFO};
	struct passwd *pw = NULL;
	int last = last_cap();
	uid_t uid = 0;
	gid_t gid = 0;

	/*
	 * Who the user is, and its group, we learn now, from the host's own
	 * files: inside the chroot it would be whatever DIR's nsswitch.conf,
	 * /etc/group and NSS modules say, looked up as root (sudo's
	 * CVE-2025-32463).  The user keeps its own group and no other: we
	 * need none, every file we use is open already.
	 */
	if (user) {
		pw = getpwnam(user);
		if (!pw)
			die("--username=%s: no such user.", user);
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (chroot_dir) {
		if (chroot(chroot_dir) < 0)
			die_errno("--chroot=%s failed", chroot_dir);
		if (chdir("/") < 0)
			die_errno("cannot chdir into --chroot=%s", chroot_dir);
		if (!user && geteuid() == 0)
			warn("--chroot without --username leaves lguest "
			     "running "
			     "as root, which a chroot alone does not contain; "
			     "give --username=USER too");
	}
	drop_bounding_set(last);
	if (user &&
	    (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0))
		die_errno("cannot become user %s", user);
	drop_capabilities();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("cannot set no_new_privs");

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	armed = true;
	verbose("sandbox: privileges dropped%s%s%s%s", user ? ", user " : "",
		user ? user : "", chroot_dir ? ", chroot " : "",
		chroot_dir ? chroot_dir : "");
}
