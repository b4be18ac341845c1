// SPDX-License-Identifier: GPL-2.0
/*
 * The interrupts of a virtio-pci device, used against their rules: MSI-X
 * (PCI Local Bus 3.0, 6.8.2) with messages that are no interrupt or carry
 * garbage, the function and vector masks, the pending bits, the table
 * written with widths and at places it has none; and INTx, the level line
 * the ISR drives when MSI-X is off (virtio 1.2, 4.1.4.5).
 *
 * With Linux's driver gone we have no handler of our own, so we watch
 * the interrupts arrive another way.  An MSI-X message goes to the local
 * APIC's error vector (0xfe), whose handler in Linux reads the APIC's
 * error status, finds nothing, and counts it: the ERR line of
 * /proc/interrupts.  The INTx line we give to uio_pci_generic, which
 * hands each interrupt to us through /dev/uioN and masks the line with
 * the command register's INTx Disable until we unmask it.  The used ring
 * we poll as everywhere else.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "hostile.h"

#define MSI_ADDR	  0xfee00000u /* the local APIC's, on x86 */
#define ERROR_APIC_VECTOR 0xfe	      /* Linux's arch/x86 irq_vectors.h */
#define NO_VECTOR	  VIRTIO_MSI_NO_VECTOR

/* How many APIC error interrupts Linux has counted. */
static u64 apic_errors(void)
{
	char line[200];
	unsigned long long n = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " ERR: %llu", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* Wait up to (ms) for the count to pass (from): the count then. */
static u64 errors_after(u64 from, int ms)
{
	long end = now_ms() + ms;
	u64 n;

	while ((n = apic_errors()) <= from && now_ms() < end)
		sleep_ms(5);
	return n;
}

/* The first CPU's APIC ID, to which our messages go. */
static u32 apic_id(void)
{
	char line[200];
	unsigned int id = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "apicid : %u", &id) == 1)
			break;
	if (f)
		fclose(f);
	return id;
}

/* A message Linux will count: fixed delivery, edge, its error vector. */
static u64 good_addr(void)
{
	return MSI_ADDR | apic_id() << 12;
}

static volatile u32 *entry(const struct dev *d, u32 v)
{
	return (volatile u32 *)(d->regs + d->pci.table + 16 * v);
}

static void entry_set(const struct dev *d, u32 v, u64 addr, u32 data,
		      bool masked)
{
	volatile u32 *e = entry(d, v);

	e[3] = PCI_MSIX_ENTRY_CTRL_MASKBIT; /* masked while it changes */
	e[0] = (u32)addr;
	e[1] = (u32)(addr >> 32);
	e[2] = data;
	e[3] = masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0;
}

static void entry_mask(const struct dev *d, u32 v, bool masked)
{
	entry(d, v)[3] = masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0;
}

/* Message Control: MSI-X Enable and Function Mask. */
static void msix_control(const struct dev *d, u16 flags)
{
	pci_cfg_write(d, d->pci.msix_cap + PCI_MSIX_FLAGS, 2, flags);
}

static u64 pending(const struct dev *d)
{
	return *(volatile u64 *)(d->regs + d->pci.pba);
}

/*
 * The device up with MSI-X on: config changes on vector (cfgvec), our
 * queue's used buffers on (qvec), as Linux's driver sets them (4.1.5.1.2);
 * no EVENT_IDX, so that every used buffer is an interrupt.
 */
static int msix_up(struct target *t, struct vq *vq, u16 cfgvec, u16 qvec,
		   struct why *why)
{
	struct dev *d = t->d;
	u64 want = t->features | 1ULL << VIRTIO_F_VERSION_1 |
		   1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	volatile u16 *cfg = (volatile u16 *)(d->regs + d->pci.common +
					     VIRTIO_PCI_COMMON_MSIX);
	volatile u16 *qv = (volatile u16 *)(d->regs + d->pci.common +
					    VIRTIO_PCI_COMMON_Q_MSIX);

	msix_control(d, PCI_MSIX_FLAGS_ENABLE);
	if (dev_features(d, want, NULL, why))
		return -1;
	*cfg = cfgvec;
	if (vq_prepare(vq, d, t->queue, why))
		return -1;
	*qv = qvec;
	if (*cfg != cfgvec || *qv != qvec) {
		fail(why, "vectors %#x and %#x read back %#x and %#x", cfgvec,
		     qvec, *cfg, *qv);
		return -1;
	}
	if (vq_ready(vq, why))
		return -1;
	dev_driver_ok(d);
	return 0;
}

/*
 * Messages that are no interrupt, and garbage.  An MSI-X address outside
 * the local APIC's window (0xfee00000-0xfeefffff) is, on a real machine,
 * a memory write like any other: a device that sends one interrupts
 * no CPU.  The queue's vector goes to address 0, then into our own RAM,
 * with the error vector in its data, and the APIC must count nothing;
 * then to the APIC with garbage in the reserved bits of its data, which
 * is an interrupt, counted.  The used ring shows the device working
 * throughout.
 */
static int msix_bad_message(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	struct page *ram = page_alloc();
	const struct {
		u64 addr;
		u32 data;
	} msg[] = {
		{0, ERROR_APIC_VECTOR},
		{ram->gpa, ERROR_APIC_VECTOR},
		{good_addr(), 0xdead0000 | ERROR_APIC_VECTOR},
	};
	struct vq vq;
	u64 before, after;

	if (msix_up(t, &vq, NO_VECTOR, 0, why))
		return -1;
	for (u32 i = 0; i < ARRAY_SIZE(msg); i++) {
		entry_set(d, 0, msg[i].addr, msg[i].data, false);
		before = apic_errors();
		if (good_request(t, &vq, 0, why))
			return -1;
		if (i < 2) {
			after = errors_after(before, QUIET_MS);
			if (after != before) {
				fail(why,
				     "a message to %#llx, no APIC's, "
				     "interrupted a CPU",
				     (unsigned long long)msg[i].addr);
				return -1;
			}
		} else if (errors_after(before, ANSWER_MS) == before) {
			fail(why, "a message to the APIC, reserved bits set, "
				  "was not delivered");
			return -1;
		}
	}
	return live_after(t, &vq, S_LIVE, "bad messages", why);
}

/*
 * 6.8.2.3: while the Function Mask bit is set, "the function is
 * prohibited from sending [...] messages" and sets the pending bit
 * instead; cleared, "the function must [...] send the message".
 */
static int msix_function_mask(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	struct vq vq;
	u64 before;

	entry_set(d, 0, good_addr(), ERROR_APIC_VECTOR, false);
	if (msix_up(t, &vq, NO_VECTOR, 0, why))
		return -1;
	msix_control(d, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	before = apic_errors();
	if (good_request(t, &vq, 0, why))
		return -1;
	if (errors_after(before, QUIET_MS) != before) {
		fail(why, "a message sent while the function was masked");
		return -1;
	}
	if (pending(d) != 1) {
		fail(why, "pending bits %#llx while the function was masked",
		     (unsigned long long)pending(d));
		return -1;
	}
	msix_control(d, PCI_MSIX_FLAGS_ENABLE);
	if (errors_after(before, ANSWER_MS) == before) {
		fail(why, "the pending message not sent on unmasking");
		return -1;
	}
	if (pending(d) != 0) {
		fail(why, "pending bits %#llx after unmasking",
		     (unsigned long long)pending(d));
		return -1;
	}
	return live_after(t, &vq, S_LIVE, "the function masked", why);
}

/* One vector masked, and the message it owes: pending, once however many
 * events there were, and sent once when unmasked. */
static int owed_once(struct dev *d, u32 v, u64 before, struct why *why)
{
	u64 after;

	if (errors_after(before, QUIET_MS) != before) {
		fail(why, "vector %u sent a message while masked", v);
		return -1;
	}
	if (pending(d) != 1ULL << v) {
		fail(why, "pending bits %#llx with vector %u masked",
		     (unsigned long long)pending(d), v);
		return -1;
	}
	entry_mask(d, v, false);
	after = errors_after(before, ANSWER_MS);
	sleep_ms(QUIET_MS);
	if (after == before || apic_errors() != before + 1) {
		fail(why, "vector %u unmasked: %llu messages, not 1", v,
		     (unsigned long long)(apic_errors() - before));
		return -1;
	}
	if (pending(d) != 0) {
		fail(why, "pending bits %#llx after vector %u was unmasked",
		     (unsigned long long)pending(d), v);
		return -1;
	}
	return 0;
}

/*
 * 6.8.2.9: a masked vector's events set its pending bit and wait for the
 * unmask.  Two used buffers on the queue's vector, then NEEDS_RESET on the
 * config vector.
 */
static int msix_vector_mask(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	struct page *b;
	struct vq vq;
	u64 before;

	entry_set(d, 0, good_addr(), ERROR_APIC_VECTOR, true);
	entry_set(d, 1, good_addr(), ERROR_APIC_VECTOR, true);
	if (msix_up(t, &vq, 1, 0, why))
		return -1;
	before = apic_errors();
	if (good_request(t, &vq, 0, why) || good_request(t, &vq, 4, why) ||
	    owed_once(d, 0, before, why))
		return -1;
	if (!(b = page_alloc()))
		return -1;
	desc_set(&vq.desc[8], b->gpa, 64, VRING_DESC_F_NEXT, 8);
	before = apic_errors();
	vq_push(&vq, 8);
	if (!wait_status(d, VIRTIO_CONFIG_S_NEEDS_RESET, ANSWER_MS)) {
		fail(why, "a descriptor loop did not set NEEDS_RESET");
		return -1;
	}
	return owed_once(d, 1, before, why);
}

/* 6.8.2.10: the Pending Bit Array is read-only; writes of any width and
 * value leave it as the device keeps it. */
static int msix_pba_write(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	volatile u8 *pba = d->regs + d->pci.pba;
	struct vq vq;
	u64 before;

	entry_set(d, 0, good_addr(), ERROR_APIC_VECTOR, true);
	if (msix_up(t, &vq, NO_VECTOR, 0, why))
		return -1;
	before = apic_errors();
	if (good_request(t, &vq, 0, why))
		return -1;
	*(volatile u64 *)pba = 0;
	*(volatile u32 *)pba = 0;
	*(volatile u32 *)pba = 0xffffffff;
	*(volatile u64 *)pba = ~0ULL;
	pba[0] = 0;
	*(volatile u16 *)(pba + 2) = 0xffff;
	if (owed_once(d, 0, before, why))
		return -1;
	*(volatile u64 *)pba = ~0ULL;
	if (pending(d) != 0) {
		fail(why, "pending bits %#llx after a write of ones",
		     (unsigned long long)pending(d));
		return -1;
	}
	return live_after(t, &vq, S_LIVE, "PBA writes", why);
}

/*
 * 6.8.2: "For all accesses to MSI-X Table and MSI-X PBA fields, software
 * must use aligned full DWORD or aligned full QWORD transactions";
 * anything else, and anything past the last entry, must change no entry.
 * Then the table must still work: vector 0 unmasked sends its message.
 */
static int msix_table_odd(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	u32 n = d->pci.nvec, table[64 * 4];
	volatile u8 *base = d->regs + d->pci.table;
	u32 end = ((d->pci.table | (PAGE_SIZE - 1)) + 1) - d->pci.table;
	struct vq vq;
	u64 before;

	if (d->pci.pba >= d->pci.table && d->pci.pba < d->pci.table + end)
		end = d->pci.pba - d->pci.table;
	for (u32 v = 0; v < n; v++)
		entry_set(d, v, good_addr(), v << 16 | ERROR_APIC_VECTOR, true);
	if (msix_up(t, &vq, NO_VECTOR, 0, why))
		return -1;
	for (u32 i = 0; i < 4 * n && i < ARRAY_SIZE(table); i++)
		table[i] = ((volatile u32 *)base)[i];
	for (u32 off = 0; off < 16 * n; off++) {
		(void)base[off];
		base[off] = 0xff;
		base[off] = 0;
		if (off % 2 == 0) {
			(void)*(volatile u16 *)(base + off);
			*(volatile u16 *)(base + off) = 0;
			*(volatile u16 *)(base + off) = 0xffff;
		}
		if (off % 4) {
			(void)*(volatile u32 *)(base + off);
			*(volatile u32 *)(base + off) = 0;
		}
		if (off % 8 == 4)
			*(volatile u64 *)(base + off) = 0;
	}
	/* Past the last entry, every width. */
	for (u32 off = 16 * n; off + 8 <= end; off += 4) {
		base[off] = 0;
		*(volatile u16 *)(base + off) = 0;
		*(volatile u32 *)(base + off) = 0;
		*(volatile u64 *)(base + (off & ~7u)) = 0;
	}
	for (u32 i = 0; i < 4 * n && i < ARRAY_SIZE(table); i++)
		if (((volatile u32 *)base)[i] != table[i]) {
			fail(why, "MSI-X table word %u went %#x -> %#x", i,
			     table[i], ((volatile u32 *)base)[i]);
			return -1;
		}
	/* Vector 0 to its proper address, and unmasked: a message. */
	entry_set(d, 0, good_addr(), ERROR_APIC_VECTOR, false);
	before = apic_errors();
	if (good_request(t, &vq, 0, why))
		return -1;
	if (errors_after(before, ANSWER_MS) == before) {
		fail(why, "no message after odd table accesses");
		return -1;
	}
	return live_after(t, &vq, S_LIVE, "odd table accesses", why);
}

/*
 * INTx, through uio_pci_generic.  Its handler takes an interrupt as the
 * function's only if the status register's Interrupt Status bit is set
 * (PCI 3.0, 6.2.3: it "reflects the state of the interrupt in the
 * device"), and then masks the line with INTx Disable; we unmask it
 * through the command register, as Documentation/driver-api/uio-howto
 * shows.
 */
static int uio_open(struct dev *d, struct why *why)
{
	char path[192];
	glob_t g;
	int fd = -1;

	snprintf(path, sizeof(path), "%s/driver_override", d->sysfs);
	if (sysfs_write(path, "uio_pci_generic", why) ||
	    sysfs_write("/sys/bus/pci/drivers/uio_pci_generic/bind", d->name,
			why))
		return -1;
	snprintf(path, sizeof(path), "%s/uio/uio*", d->sysfs);
	if (glob(path, 0, NULL, &g)) {
		fail(why, "uio_pci_generic made no uio device");
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/%s",
		 strrchr(g.gl_pathv[0], '/') + 1);
	globfree(&g);
	for (int i = 0; i < 40 && fd < 0; i++) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			sleep_ms(50);
	}
	if (fd < 0)
		fail(why, "%s: %s", path, strerror(errno));
	return fd;
}

static void uio_close(struct dev *d, int fd)
{
	struct why ignored = {{0}};
	char path[192];

	if (fd >= 0)
		close(fd);
	sysfs_write("/sys/bus/pci/drivers/uio_pci_generic/unbind", d->name,
		    &ignored);
	snprintf(path, sizeof(path), "%s/driver_override", d->sysfs);
	sysfs_write(path, "\n", &ignored);
}

/* Did an interrupt come within (ms)?  Takes it. */
static bool uio_interrupt(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	u32 count;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fd, &count, sizeof(count)) == sizeof(count);
}

static void intx_mask(const struct dev *d, bool masked)
{
	u16 cmd = pci_cfg_read(d, PCI_COMMAND, 2) & ~PCI_COMMAND_INTX_DISABLE;

	pci_cfg_write(d, PCI_COMMAND, 2,
		      cmd | (masked ? PCI_COMMAND_INTX_DISABLE : 0));
}

static bool intx_status(const struct dev *d)
{
	return pci_cfg_read(d, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT;
}

/* How many interrupts Linux has taken on the function's INTx line. */
static u64 intx_count(const struct dev *d)
{
	char path[160], line[300], irq[16];
	unsigned long long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/irq", d->sysfs);
	sysfs_read(path, irq, sizeof(irq) - 1);
	strcat(irq, ":");
	f = fopen("/proc/interrupts", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (!strncmp(p, irq, strlen(irq))) {
			n = strtoull(p + strlen(irq), NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return n;
}

/*
 * With MSI-X off, a used buffer sets the ISR and raises INTx (4.1.4.5),
 * and the status register says so; INTx Disable holds the line down
 * without clearing that, and reading the ISR lowers it.  With MSI-X on
 * the line stays down (PCI 3.0, 6.8.2: the function "is prohibited from
 * using its INTx# pin"); off again, the ISR still set, up it goes.
 *
 * We look at the Interrupt Status bit before we first let the line up:
 * without it uio_pci_generic cannot take the interrupt as its own, and a
 * level line nobody takes is an interrupt storm.  Where the line might
 * rise and should not, we let it up only briefly, and count what Linux
 * took on it.
 */
static int intx_steps(struct target *t, int fd, struct why *why)
{
	struct dev *d = t->d;
	struct vq vq;
	u64 count;
	u8 isr;

	if (dev_up(t, &vq, 1ULL << VIRTIO_RING_F_EVENT_IDX, why))
		return -1;
	(void)dev_get(d, F_ISR);
	intx_mask(d, true);
	uio_interrupt(fd, 0);
	count = intx_count(d);
	if (good_request(t, &vq, 0, why))
		return -1;
	sleep_ms(QUIET_MS);
	if (uio_interrupt(fd, 0) || intx_count(d) != count) {
		fail(why, "INTx through INTx Disable");
		return -1;
	}
	if (!intx_status(d)) {
		fail(why, "Interrupt Status clear with the ISR set");
		return -1;
	}
	intx_mask(d, false);
	if (!uio_interrupt(fd, ANSWER_MS)) {
		intx_mask(d, true);
		fail(why, "no INTx once INTx Disable was cleared");
		return -1;
	}
	if ((isr = dev_get(d, F_ISR)) != ISR_QUEUE || intx_status(d)) {
		fail(why, "ISR %#x, then Interrupt Status %d", isr,
		     intx_status(d));
		return -1;
	}
	intx_mask(d, false);
	if (uio_interrupt(fd, QUIET_MS)) {
		fail(why, "INTx with the ISR read");
		return -1;
	}
	if (good_request(t, &vq, 4, why))
		return -1;
	if (!uio_interrupt(fd, ANSWER_MS)) {
		fail(why, "no INTx for a used buffer");
		return -1;
	}
	(void)dev_get(d, F_ISR);
	/* MSI-X on, every vector masked and none chosen. */
	intx_mask(d, true);
	msix_control(d, PCI_MSIX_FLAGS_ENABLE);
	if (good_request(t, &vq, 8, why))
		return -1;
	count = intx_count(d);
	intx_mask(d, false);
	sleep_ms(QUIET_MS);
	intx_mask(d, true);
	if (uio_interrupt(fd, 0) || intx_count(d) != count) {
		fail(why, "INTx with MSI-X on (%llu interrupts)",
		     (unsigned long long)(intx_count(d) - count));
		return -1;
	}
	msix_control(d, 0);
	if (!intx_status(d)) {
		fail(why, "MSI-X off, the ISR set, and Interrupt Status clear");
		return -1;
	}
	intx_mask(d, false);
	if (!uio_interrupt(fd, ANSWER_MS)) {
		fail(why, "no INTx once MSI-X was off, with the ISR set");
		return -1;
	}
	(void)dev_get(d, F_ISR);
	intx_mask(d, false);
	return live_after(t, &vq, S_LIVE, "INTx", why);
}

static int intx(struct target *t, struct why *why)
{
	int fd = uio_open(t->d, why), r = -1;

	if (fd >= 0)
		r = intx_steps(t, fd, why);
	uio_close(t->d, fd);
	return r;
}

const struct hcase msix_cases[] = {
	{"msix-bad-message", msix_bad_message, R_DEVICES, NULL},
	{"msix-function-mask", msix_function_mask, R_DEVICES, NULL},
	{"msix-vector-mask", msix_vector_mask, R_DEVICES, NULL},
	{"msix-pba-write", msix_pba_write, R_DEVICES, NULL},
	{"msix-table-odd", msix_table_odd, R_DEVICES, NULL},
	{"intx", intx, R_DEVICES, NULL},
};
const unsigned int msix_ncases = ARRAY_SIZE(msix_cases);
