// SPDX-License-Identifier: GPL-2.0
/*
 * lguest-hostile: a real Linux guest attacks the real Launcher.
 *
 * For each virtio device but the second disk (our control), and for each
 * case that applies to it, we unbind Linux's driver, drive the device
 * ourselves (a virtio-mmio window through /dev/mem, or a virtio-pci
 * function through sysfs) with rings in our own pages, break the rules
 * the case is about, and then check that
 *   - the other devices still work while this one may be broken: the
 *     second disk reads back the data the host put there (md5), and the
 *     rng gives bytes;
 *   - the device comes back from a reset: we set it up again ourselves
 *     and a good request is answered;
 *   - Linux's driver, bound again, works it: the disk reads back, the rng
 *     gives bytes, the network card pings the host, the console writes.
 * One line per case, "hostile: CASE DEVICE: OK" or "... FAIL why", then
 * "hostile: done N cases, M failed".  What the guest cannot see (the
 * Launcher's stderr, its exit status) the host checks: tests/e2e/hostile.
 *
 * The kernel command line carries what the host knows:
 * hostile_vda_md5= and hostile_vdb_md5= (of each disk's first 256 KiB),
 * hostile_ip= and hostile_peer= (our address and the tap's), and for
 * debugging hostile_only=CASE[,CASE...], hostile_device=NAME[,NAME...],
 * hostile_repeat=N and hostile_times=1 (a "hostile-time:" line after each
 * case: milliseconds taking the device and running the case, then each
 * check after it).
 * We use whichever transport the Launcher gave us devices on;
 * hostile_transport=mmio or =pci insists on one.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "hostile.h"

static struct {
	char vda_md5[40], vdb_md5[40], ip[32], peer[32], only[512], device[64];
	char repeat[8], transport[8], times[4];
} opt = {.ip = "169.254.45.2", .peer = "169.254.45.1"};

static void read_cmdline(void)
{
	static const struct {
		const char *key;
		char *val;
		size_t size;
	} keys[] = {
		{"hostile_vda_md5=", opt.vda_md5, sizeof(opt.vda_md5)},
		{"hostile_vdb_md5=", opt.vdb_md5, sizeof(opt.vdb_md5)},
		{"hostile_ip=", opt.ip, sizeof(opt.ip)},
		{"hostile_peer=", opt.peer, sizeof(opt.peer)},
		{"hostile_only=", opt.only, sizeof(opt.only)},
		{"hostile_device=", opt.device, sizeof(opt.device)},
		{"hostile_repeat=", opt.repeat, sizeof(opt.repeat)},
		{"hostile_times=", opt.times, sizeof(opt.times)},
		{"hostile_transport=", opt.transport, sizeof(opt.transport)},
	};
	char line[2048], *save = NULL, *arg;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (f)
		fclose(f);
	for (arg = strtok_r(line, " \n", &save); arg;
	     arg = strtok_r(NULL, " \n", &save))
		for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strncmp(arg, keys[i].key, strlen(keys[i].key)))
				snprintf(keys[i].val, keys[i].size, "%s",
					 arg + strlen(keys[i].key));
}

/*
 * Run (cmd) with sh, its output in (out), for at most (secs) seconds.  A
 * device that stops answering leaves its reader asleep for good, so we
 * never wait on one for longer than that: we kill it and leave it.
 * Returns the exit status, or -1 on a timeout.  The output is read to its
 * end even after sh has exited: the last of it may still be in the pipe.
 */
static int sh(const char *cmd, int secs, char *out, size_t outlen)
{
	int fd[2], status = -1;
	bool eof = false, exited = false;
	size_t len = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe(fd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	for (int waited = 0; waited < secs * 100 && !(eof && exited);
	     waited++) {
		struct pollfd p = {.fd = fd[0], .events = POLLIN};
		char spill[256];

		/* Until end of file we sleep in poll(), then in its stead. */
		if (poll(&p, eof ? 0 : 1, 10) == 1) {
			ssize_t r = len < outlen - 1
					    ? read(fd[0], out + len,
						   outlen - 1 - len)
					    : read(fd[0], spill, sizeof(spill));

			if (r > 0 && len < outlen - 1) {
				len += r;
				out[len] = '\0';
			}
			eof = r <= 0;
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
	}
	close(fd[0]);
	if (exited)
		return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	kill(-pid, SIGKILL);
	waitpid(pid, &status, WNOHANG);
	return -1;
}

/*
 * The checks, each one line of shell, each failing with a reason.  Under
 * nested emulation a fork and exec costs tens of milliseconds, so each
 * check is one shell: the rng's name and 64 bytes of it, and the md5 of
 * the first 256 KiB of a disk, read past the page cache.
 */
#define RNG_CMD                                                                \
	"cat /sys/class/misc/hw_random/rng_current; "                          \
	"dd if=/dev/hwrng bs=64 count=1 2>/tmp/hwrng.err | wc -c; "
#define MD5_CMD                                                                \
	"dd if=/dev/%s iflag=direct bs=65536 count=4 2>/dev/null | md5sum"

/* What dd said, and the kernel's last words, for a read that failed. */
static void rng_why(struct why *why, const char *name, int bytes)
{
	char out[160];

	sh("cat /tmp/hwrng.err; dmesg | tail -n 2", 5, out, sizeof(out));
	fail(why, "rng: %s, %d bytes: %s", name, bytes, out);
}

static void check_md5_rng(const char *disk, const char *want, bool rng,
			  struct why *why)
{
	char cmd[300], out[300], *md5 = out, name[40] = "";
	int bytes = 0;

	snprintf(cmd, sizeof(cmd), "%s" MD5_CMD, rng ? RNG_CMD : "", disk);
	if (sh(cmd, 20, out, sizeof(out)) < 0) {
		fail(why, "%s%s: no answer within 20 s", rng ? "rng or " : "",
		     disk);
		return;
	}
	if (rng) {
		sscanf(out, "%39s %d", name, &bytes);
		md5 = strchr(out, '\n') ? strchr(out, '\n') + 1 : out;
		md5 = strchr(md5, '\n') ? strchr(md5, '\n') + 1 : md5;
		if (strncmp(name, "virtio_rng", 10) || bytes != 64)
			rng_why(why, name, bytes);
	}
	if (strncmp(md5, want, 32))
		fail(why, "%s: md5 %.32s, not %.32s", disk, md5, want);
}

static void check_rng(struct why *why)
{
	char out[200], name[40] = "";
	int bytes = 0;

	if (sh(RNG_CMD, 10, out, sizeof(out)) < 0)
		fail(why, "rng: no answer within 10 s");
	else if (sscanf(out, "%39s %d", name, &bytes) != 2 ||
		 strncmp(name, "virtio_rng", 10) || bytes != 64)
		rng_why(why, name, bytes);
}

/* The network card's interface, whatever Linux named it this time. */
static void check_net(struct dev *d, struct why *why)
{
	char pattern[128], cmd[400], out[400];
	const char *ifname;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/virtio*/net/*", d->sysfs);
	if (glob(pattern, 0, NULL, &g)) {
		fail(why, "no network interface after rebinding");
		return;
	}
	ifname = strrchr(g.gl_pathv[0], '/') + 1;
	snprintf(cmd, sizeof(cmd),
		 "ip link set %s up && { ip addr add %s/24 dev %s 2>/dev/null; "
		 "for i in 1 2 3; do ping -c 1 -W 3 %s >/dev/null && exit 0; "
		 "done; exit 1; }",
		 ifname, opt.ip, ifname, opt.peer);
	if (sh(cmd, 20, out, sizeof(out)))
		fail(why, "%s: no ping answer from %s %.80s", ifname, opt.peer,
		     out);
	globfree(&g);
}

/* The console: hvc0 is back (a character device: were it gone, echo
 * would make a file of that name), and a line written to it leaves the
 * guest (the host counts these lines on the Launcher's stdout). */
static void check_console(const char *label, struct why *why)
{
	char cmd[300], out[200];

	tcdrain(STDOUT_FILENO);
	snprintf(cmd, sizeof(cmd),
		 "n=0; while [ ! -c /dev/hvc0 ] && [ $n -lt 20 ]; do "
		 "sleep 0.1; n=$((n + 1)); done; "
		 "[ -c /dev/hvc0 ] || { echo no /dev/hvc0; exit 1; }; "
		 "echo 'hostile-console: back after %s' >/dev/hvc0",
		 label);
	if (sh(cmd, 10, out, sizeof(out)))
		fail(why, "cannot write to /dev/hvc0 %.80s", out);
}

static void check_linux(struct target *t, const char *label, struct why *why)
{
	switch (t->kind) {
	case K_BLK:
		check_md5_rng(t->d->disk, opt.vda_md5, false, why);
		break;
	case K_RNG:
		check_rng(why);
		break;
	case K_NET:
		check_net(t->d, why);
		break;
	case K_CONSOLE:
		check_console(label, why);
		break;
	}
}

/* The control devices, which we never attack. */
static void check_others(struct target *t, struct why *why)
{
	check_md5_rng("vdb", opt.vdb_md5, t->kind != K_RNG, why);
}

static unsigned int ran, failed;

static void report(const char *name, const char *device, const char *finding,
		   const struct why *why)
{
	ran++;
	if (!why->text[0]) {
		printf("hostile: %s %s: OK\n", name, device);
		return;
	}
	failed++;
	printf("hostile: %s %s: FAIL %s%s%s%s\n", name, device,
	       finding ? "(finding " : "", finding ? finding : "",
	       finding ? ") " : "", why->text);
}

/*
 * One case against one target.  Everything after the case runs however
 * the case ended: a case that failed half-way must not leave the device
 * with us, nor spoil the next one.
 */
static void run_case(struct target *t, const struct hcase *c)
{
	struct why why = {{0}}, others = {{0}}, reset = {{0}}, rebound = {{0}};
	struct dev *d = t->d;
	long at[6] = {now_ms()};
	struct vq vq;

	pool_reset();
	t->label = c->name;
	if (d->tr->take(d, &why) == 0)
		c->run(t, &why);
	at[1] = at[2] = at[3] = now_ms();
	if (d->regs) {
		if (d->tr->restore)
			d->tr->restore(d);
		check_others(t, &others);
		at[2] = now_ms();
		pool_reset();
		if (dev_up(t, &vq, 0, &reset) == 0)
			good_request(t, &vq, 0, &reset);
		dev_reset(d, &reset);
		at[3] = now_ms();
	}
	if (d->tr->give(d, &rebound) == 0) {
		at[4] = now_ms();
		check_linux(t, c->name, &rebound);
	}
	at[5] = now_ms();
	if (others.text[0])
		fail(&why, "while %s was ours: %s", t->name, others.text);
	if (reset.text[0])
		fail(&why, "after a reset: %s", reset.text);
	if (rebound.text[0])
		fail(&why, "with Linux's driver again: %s", rebound.text);
	report(c->name, t->name, c->finding, &why);
	if (opt.times[0] == '1')
		printf("hostile-time: %s %s: %ld ms, then %ld ms of checks "
		       "(others %ld, reset %ld, rebind %ld, Linux's %ld)\n",
		       c->name, t->name, at[1] - at[0], at[5] - at[1],
		       at[2] - at[1], at[3] - at[2], at[4] ? at[4] - at[3] : 0,
		       at[4] ? at[5] - at[4] : 0);
}

/* Is (name) in (list), names separated by commas? */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p;
	     p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* The tables of cases, in the order they run, and the transports each
 * is for. */
static const struct {
	const struct hcase *cases;
	const unsigned int *n;
	unsigned int transports;
} lists[] = {
	{ring_cases, &ring_ncases, T_MMIO | T_PCI},
	{status_cases, &status_ncases, T_MMIO | T_PCI},
	{setup_cases, &setup_ncases, T_MMIO | T_PCI},
	{transport_cases, &transport_ncases, T_MMIO},
	{pci_cases, &pci_ncases, T_PCI},
	{bar_cases, &bar_ncases, T_PCI},
	{ecam_cases, &ecam_ncases, T_PCI},
	{msix_cases, &msix_ncases, T_PCI},
	{device_cases, &device_ncases, T_MMIO | T_PCI},
	{net_cases, &net_ncases, T_MMIO | T_PCI},
};

static void run_list(struct target *t, const struct hcase *cases,
		     unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!(cases[i].roles & t->role))
			continue;
		/* A virtio-pci device without a device config capability
		 * has no config space to abuse. */
		if ((cases[i].roles & C_CONFIG) && t->d->tr->mask == T_PCI &&
		    !t->d->pci.device_len)
			continue;
		if (opt.only[0] && !listed(opt.only, cases[i].name))
			continue;
		run_case(t, &cases[i]);
	}
}

/*
 * The targets, one per queue we attack, in bus order: the console's
 * transmit queue, the first disk, the rng, the network card's transmit
 * and receive queues.  A console's receive queue is looked at only when
 * there is input for it, so it would tell us nothing.
 */
static unsigned int find_targets(struct dev *devs, int n, struct target *t,
				 unsigned int max)
{
	unsigned int nt = 0;

	for (int i = 0; i < n && nt + 2 <= max; i++) {
		struct dev *d = &devs[i];

		switch (d->device_id) {
		case VIRTIO_ID_CONSOLE:
			t[nt++] = (struct target){.name = "console",
						  .role = R_CONSOLE,
						  .kind = K_CONSOLE,
						  .d = d,
						  .queue = 1,
						  .answers = true};
			break;
		case VIRTIO_ID_BLOCK:
			if (strcmp(d->disk, "vda"))
				break; /* vdb is the control */
			t[nt++] = (struct target){
				.name = "vda",
				.role = R_VDA,
				.kind = K_BLK,
				.d = d,
				.answers = true,
				.features = 1ULL << VIRTIO_BLK_F_DISCARD |
					    1ULL << VIRTIO_BLK_F_WRITE_ZEROES};
			break;
		case VIRTIO_ID_RNG:
			t[nt++] = (struct target){.name = "rng",
						  .role = R_RNG,
						  .kind = K_RNG,
						  .d = d,
						  .answers = true};
			break;
		case VIRTIO_ID_NET:
			t[nt++] = (struct target){.name = "net",
						  .role = R_NET,
						  .kind = K_NET,
						  .d = d,
						  .queue = 1,
						  .answers = true};
			t[nt++] = (struct target){.name = "net-rx",
						  .role = R_NET_RX,
						  .kind = K_NET,
						  .d = d};
			break;
		}
	}
	return nt;
}

/* The devices, on the transport the Launcher gave us (or the one
 * hostile_transport= names). */
static int find_devices(struct dev *devs, unsigned int max)
{
	int n = 0;

	if (strcmp(opt.transport, "pci"))
		n = mmio_find(devs, max);
	if (n <= 0 && strcmp(opt.transport, "mmio"))
		n = pci_find(devs, max);
	return n;
}

int main(void)
{
	struct dev devs[8];
	struct target targets[8];
	struct why why = {{0}};
	long begin = now_ms();
	unsigned int nt;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	read_cmdline();
	/* Locked pages may still be moved by compaction; ours must not. */
	sh("echo 0 >/proc/sys/vm/compact_unevictable_allowed", 5, why.text,
	   sizeof(why.text));
	why.text[0] = '\0';
	if (pool_init())
		return 1;
	ram_find();
	n = find_devices(devs, ARRAY_SIZE(devs));
	nt = find_targets(devs, n, targets, ARRAY_SIZE(targets));
	printf("hostile: %d devices on %s, RAM ends at %#llx\n", n,
	       n > 0 ? devs[0].tr->name : "no transport",
	       (unsigned long long)ram_end);

	/* Before any attack, everything works. */
	check_md5_rng("vdb", opt.vdb_md5, false, &why);
	for (unsigned int i = 0; i < nt; i++)
		if (targets[i].role != R_NET_RX)
			check_linux(&targets[i], "baseline", &why);
	report("baseline", "all", NULL, &why);

	for (unsigned int i = 0; i < nt; i++) {
		if (opt.device[0] && !listed(opt.device, targets[i].name))
			continue;
		/* hostile_repeat=N: each case N times over, for flakes. */
		for (int round = 0; round < atoi(opt.repeat) || !round; round++)
			for (unsigned int l = 0; l < ARRAY_SIZE(lists); l++)
				if (lists[l].transports &
				    targets[i].d->tr->mask)
					run_list(&targets[i], lists[l].cases,
						 *lists[l].n);
	}
	printf("hostile: done %u cases, %u failed in %ld s\n", ran, failed,
	       (now_ms() - begin) / 1000);
	return failed ? 1 : 0;
}
