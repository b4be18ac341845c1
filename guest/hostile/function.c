// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci, modern (virtio 1.2, section 4.1): where the functions are,
 * what their capabilities say, how we take one from Linux and give it
 * back, and its registers as struct transport names them.
 *
 * Linux lists PCI functions in /sys/bus/pci/devices, and virtio's are
 * vendor 0x1af4, device 0x1040 + the virtio device ID (4.1.2.1).  Each
 * has its config space there as a file (the first 256 bytes: these
 * functions are not PCI Express), which root may read and write with the
 * width it likes, and its BAR 0 as resource0, which root may map once no
 * driver claims it.  Through the capabilities we find the parts of
 * BAR 0: common config, ISR, device config, notify (4.1.4).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "hostile.h"

#define SYS_PCI		  "/sys/bus/pci"
#define VIRTIO_PCI_VENDOR 0x1af4

u64 control_bar;

static u16 le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 le32(const u8 *p)
{
	return le16(p) | (u32)le16(p + 2) << 16;
}

u32 pci_cfg_read(const struct dev *d, u32 off, u32 len)
{
	u8 b[4] = {0xff, 0xff, 0xff, 0xff};

	if (pread(d->cfg_fd, b, len, off) != (ssize_t)len)
		return len == 4 ? 0xffffffff : (1u << 8 * len) - 1;
	return len == 1 ? b[0] : len == 2 ? le16(b) : le32(b);
}

void pci_cfg_write(const struct dev *d, u32 off, u32 len, u32 val)
{
	u8 b[4] = {val, val >> 8, val >> 16, val >> 24};

	if (pwrite(d->cfg_fd, b, len, off) != (ssize_t)len)
		fprintf(stderr, "lguest-hostile: %s: config write at %#x: %s\n",
			d->name, off, strerror(errno));
}

/*
 * The capability list (PCI 3.0, 6.7): from the pointer at 0x34, each
 * capability's ID and the next one's offset.  Vendor-specific ones are
 * virtio's (4.1.4: cfg_type, bar, offset, length; the notify capability
 * adds notify_off_multiplier); MSI-X says where its table and pending
 * bits are (6.8.2).  The Launcher keeps them all in BAR 0; a part in
 * another BAR we would not know how to reach, and leave alone.
 */
static int read_caps(struct dev *d)
{
	struct pci_caps *c = &d->pci;
	u8 cfg[256];
	unsigned int steps = 0;

	if (pread(d->cfg_fd, cfg, sizeof(cfg), 0) != sizeof(cfg))
		return -1;
	for (u8 at = cfg[PCI_CAPABILITY_LIST] & ~3; at && steps < 48;
	     at = cfg[at + 1] & ~3, steps++) {
		const u8 *cap = cfg + at;

		if (at > 256 - 20)
			break;
		if (cap[0] == PCI_CAP_ID_MSIX) {
			c->msix_cap = at;
			c->nvec = (le16(cap + PCI_MSIX_FLAGS) &
				   PCI_MSIX_FLAGS_QSIZE) +
				  1;
			c->table = le32(cap + PCI_MSIX_TABLE);
			c->pba = le32(cap + PCI_MSIX_PBA);
			continue;
		}
		if (cap[0] != PCI_CAP_ID_VNDR)
			continue;
		if (cap[VIRTIO_PCI_CAP_CFG_TYPE] == VIRTIO_PCI_CAP_PCI_CFG)
			c->cfg_cap = at;
		if (cap[VIRTIO_PCI_CAP_BAR] != 0)
			continue;
		switch (cap[VIRTIO_PCI_CAP_CFG_TYPE]) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			c->common = le32(cap + VIRTIO_PCI_CAP_OFFSET);
			c->common_len = le32(cap + VIRTIO_PCI_CAP_LENGTH);
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			c->isr = le32(cap + VIRTIO_PCI_CAP_OFFSET);
			c->isr_len = le32(cap + VIRTIO_PCI_CAP_LENGTH);
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			c->device = le32(cap + VIRTIO_PCI_CAP_OFFSET);
			c->device_len = le32(cap + VIRTIO_PCI_CAP_LENGTH);
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			c->notify = le32(cap + VIRTIO_PCI_CAP_OFFSET);
			c->notify_len = le32(cap + VIRTIO_PCI_CAP_LENGTH);
			c->mult = le32(cap + VIRTIO_PCI_NOTIFY_CAP_MULT);
			break;
		}
	}
	/* 4.1.4.3.1, 4.1.4.4.1, 4.1.4.9.1: these must be there. */
	return c->common_len && c->isr_len && c->notify_len && c->cfg_cap &&
			       c->msix_cap &&
			       !(c->table & PCI_MSIX_TABLE_BIR) &&
			       !(c->pba & PCI_MSIX_PBA_BIR)
		       ? 0
		       : -1;
}

int pci_find(struct dev *d, unsigned int max)
{
	glob_t g;
	unsigned int n = 0;

	if (glob(SYS_PCI "/devices/*", 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc && n < max; i++) {
		struct dev *f = &d[n];
		unsigned long long start = 0, end = 0;
		char file[160], buf[80];
		unsigned long vendor, device;

		snprintf(file, sizeof(file), "%s/vendor", g.gl_pathv[i]);
		sysfs_read(file, buf, sizeof(buf));
		vendor = strtoul(buf, NULL, 0);
		snprintf(file, sizeof(file), "%s/device", g.gl_pathv[i]);
		sysfs_read(file, buf, sizeof(buf));
		device = strtoul(buf, NULL, 0);
		if (vendor != VIRTIO_PCI_VENDOR || device < 0x1040 ||
		    device > 0x107f)
			continue;
		memset(f, 0, sizeof(*f));
		f->tr = &pci_transport;
		snprintf(f->sysfs, sizeof(f->sysfs), "%s", g.gl_pathv[i]);
		snprintf(f->name, sizeof(f->name), "%s",
			 strrchr(f->sysfs, '/') + 1);
		if (sscanf(f->name, "%*x:%*x:%x.%*x", &f->slot) != 1)
			continue;
		snprintf(file, sizeof(file), "%s/resource", f->sysfs);
		sysfs_read(file, buf, sizeof(buf));
		if (sscanf(buf, "%llx %llx", &start, &end) != 2 || !start)
			continue;
		f->base = start;
		f->size = end + 1 - start;
		snprintf(file, sizeof(file), "%s/config", f->sysfs);
		f->cfg_fd = open(file, O_RDWR);
		if (f->cfg_fd < 0 || read_caps(f)) {
			fprintf(stderr,
				"lguest-hostile: %s: no virtio "
				"capabilities we can use\n",
				f->name);
			if (f->cfg_fd >= 0)
				close(f->cfg_fd);
			continue;
		}
		dev_identify(f);
		if (!f->device_id)
			f->device_id = device - 0x1040;
		if (!strcmp(f->disk, "vdb"))
			control_bar = f->base;
		n++;
	}
	globfree(&g);
	return n;
}

/* The registers by what they mean: common config offset and width
 * (4.1.4.3), and the ISR (4.1.4.5). */
static const struct {
	u16 off;
	u8 width;
} fields[F_FIELDS] = {
	[F_DEVICE_FEATURES_SEL] = {VIRTIO_PCI_COMMON_DFSELECT, 4},
	[F_DEVICE_FEATURES] = {VIRTIO_PCI_COMMON_DF, 4},
	[F_DRIVER_FEATURES_SEL] = {VIRTIO_PCI_COMMON_GFSELECT, 4},
	[F_DRIVER_FEATURES] = {VIRTIO_PCI_COMMON_GF, 4},
	[F_QUEUE_SEL] = {VIRTIO_PCI_COMMON_Q_SELECT, 2},
	[F_QUEUE_NUM_MAX] = {VIRTIO_PCI_COMMON_Q_SIZE, 2},
	[F_QUEUE_NUM] = {VIRTIO_PCI_COMMON_Q_SIZE, 2},
	[F_QUEUE_READY] = {VIRTIO_PCI_COMMON_Q_ENABLE, 2},
	[F_QUEUE_DESC_LOW] = {VIRTIO_PCI_COMMON_Q_DESCLO, 4},
	[F_QUEUE_DESC_HIGH] = {VIRTIO_PCI_COMMON_Q_DESCHI, 4},
	[F_QUEUE_AVAIL_LOW] = {VIRTIO_PCI_COMMON_Q_AVAILLO, 4},
	[F_QUEUE_AVAIL_HIGH] = {VIRTIO_PCI_COMMON_Q_AVAILHI, 4},
	[F_QUEUE_USED_LOW] = {VIRTIO_PCI_COMMON_Q_USEDLO, 4},
	[F_QUEUE_USED_HIGH] = {VIRTIO_PCI_COMMON_Q_USEDHI, 4},
	[F_STATUS] = {VIRTIO_PCI_COMMON_STATUS, 1},
	[F_ISR] = {0, 1},
	[F_CONFIG_GENERATION] = {VIRTIO_PCI_COMMON_CFGGENERATION, 1},
};

u64 io_read(volatile u8 *p, u32 width)
{
	switch (width) {
	case 1:
		return *p;
	case 2:
		return *(volatile u16 *)p;
	case 4:
		return *(volatile u32 *)p;
	default:
		return *(volatile u64 *)p;
	}
}

void io_write(volatile u8 *p, u32 width, u64 val)
{
	switch (width) {
	case 1:
		*p = val;
		break;
	case 2:
		*(volatile u16 *)p = val;
		break;
	case 4:
		*(volatile u32 *)p = val;
		break;
	default:
		*(volatile u64 *)p = val;
		break;
	}
}

/* 4.1.3.1: "The driver MUST access each field using the "natural" access
 * method". */
static volatile u8 *field_at(const struct dev *d, enum field f)
{
	return d->regs + (f == F_ISR ? d->pci.isr : d->pci.common) +
	       fields[f].off;
}

static u32 get(const struct dev *d, enum field f)
{
	return io_read(field_at(d, f), fields[f].width);
}

static void set(const struct dev *d, enum field f, u32 val)
{
	io_write(field_at(d, f), fields[f].width, val);
}

/*
 * 4.1.4.4: queue n is notified by a 16-bit write of n at notify's offset
 * plus its queue_notify_off times notify_off_multiplier.  An absent queue
 * has no such place: its notify goes just past the last queue's, where
 * no queue is, if that is still in the BAR.
 */
u32 pci_notify_off(const struct dev *d, unsigned int queue)
{
	const struct pci_caps *c = &d->pci;

	if (queue < c->num_queues && queue < PCI_MAX_QUEUES)
		return c->notify + c->noff[queue] * c->mult;
	return c->notify + c->notify_len;
}

static void kick(const struct dev *d, unsigned int queue)
{
	u32 off = pci_notify_off(d, queue);

	if (off + 2 <= d->size)
		*(volatile u16 *)(d->regs + off) = (u16)queue;
}

/* Whatever driver has the function lets it go (virtio-pci, or
 * uio_pci_generic if a case left it there). */
static int unbind(struct dev *d, struct why *why)
{
	char link[160], target[160], path[200];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/driver", d->sysfs);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	snprintf(path, sizeof(path), SYS_PCI "/drivers/%s/unbind",
		 strrchr(target, '/') + 1);
	return sysfs_write(path, d->name, why);
}

/* Where the part after (off) in BAR 0 begins: the end of the part at
 * (off), as far as a driver can tell. */
static u32 next_part(const struct dev *d, u32 off)
{
	const struct pci_caps *c = &d->pci;
	const u32 starts[] = {c->common, c->isr,   c->device,
			      c->notify, c->table, c->pba};
	u32 end = d->size;

	for (unsigned int i = 0; i < ARRAY_SIZE(starts); i++)
		if (starts[i] > off && starts[i] < end)
			end = starts[i];
	return end;
}

/*
 * Taking a function from Linux: unbind its driver, which leaves memory
 * decoding on but bus mastering off (pci_disable_device()); turn both on,
 * as a driver's pci_enable_device() and pci_set_master() would; keep the
 * config header so that restore() can put it back; map BAR 0.
 */
static int take(struct dev *d, struct why *why)
{
	struct pci_caps *c = &d->pci;
	char path[160];
	void *p;
	int fd;

	if (unbind(d, why))
		return -1;
	pci_cfg_write(d, PCI_COMMAND, 2,
		      pci_cfg_read(d, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY |
			      PCI_COMMAND_MASTER);
	if (pread(d->cfg_fd, d->saved, sizeof(d->saved), 0) !=
	    sizeof(d->saved)) {
		fail(why, "%s: config space: %s", d->name, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/resource0", d->sysfs);
	fd = open(path, O_RDWR | O_SYNC);
	p = fd < 0 ? MAP_FAILED
		   : mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			  0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED) {
		fail(why, "%s: mapping BAR 0: %s", path, strerror(errno));
		return -1;
	}
	d->regs = p;
	d->config = c->device_len ? d->regs + c->device : NULL;
	d->config_span =
		c->device_len ? next_part(d, c->device) - c->device : 0;
	c->num_queues =
		*(volatile u16 *)(d->regs + c->common + VIRTIO_PCI_COMMON_NUMQ);
	if (pci_cfg_read(d, PCI_VENDOR_ID, 2) != VIRTIO_PCI_VENDOR ||
	    pci_cfg_read(d, PCI_DEVICE_ID, 2) != 0x1040 + d->device_id ||
	    !c->num_queues) {
		fail(why,
		     "%s: vendor %#x device %#x, %u queues: not the "
		     "device sysfs said",
		     d->name, pci_cfg_read(d, PCI_VENDOR_ID, 2),
		     pci_cfg_read(d, PCI_DEVICE_ID, 2), c->num_queues);
		return -1;
	}
	for (u16 q = 0; q < c->num_queues && q < PCI_MAX_QUEUES; q++) {
		set(d, F_QUEUE_SEL, q);
		c->noff[q] = *(volatile u16 *)(d->regs + c->common +
					       VIRTIO_PCI_COMMON_Q_NOFF);
	}
	set(d, F_QUEUE_SEL, 0);
	return 0;
}

/*
 * After a case, the config header as take() left it: MSI-X off, the BAR
 * where Linux put it (Linux's driver will map it there), the config
 * access window closed, the command register last.  A PCI function has
 * no reset we can ask for here (no FLR, no bridge above it): this is the
 * firmware's part, played by us.
 */
static void restore(struct dev *d)
{
	const u8 *s = d->saved;
	u8 cap = d->pci.cfg_cap;

	pci_cfg_write(d, d->pci.msix_cap + PCI_MSIX_FLAGS, 2,
		      le16(s + d->pci.msix_cap + PCI_MSIX_FLAGS));
	pci_cfg_write(d, PCI_COMMAND, 2, 0);
	pci_cfg_write(d, PCI_BASE_ADDRESS_0, 4, le32(s + PCI_BASE_ADDRESS_0));
	pci_cfg_write(d, PCI_BASE_ADDRESS_1, 4, le32(s + PCI_BASE_ADDRESS_1));
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_BAR, 1,
		      s[cap + VIRTIO_PCI_CAP_BAR]);
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_OFFSET, 4,
		      le32(s + cap + VIRTIO_PCI_CAP_OFFSET));
	pci_cfg_write(d, cap + VIRTIO_PCI_CAP_LENGTH, 4,
		      le32(s + cap + VIRTIO_PCI_CAP_LENGTH));
	pci_cfg_write(d, PCI_CACHE_LINE_SIZE, 2, le16(s + PCI_CACHE_LINE_SIZE));
	pci_cfg_write(d, PCI_INTERRUPT_LINE, 1, s[PCI_INTERRUPT_LINE]);
	pci_cfg_write(d, PCI_COMMAND, 2, le16(s + PCI_COMMAND));
}

static int give(struct dev *d, struct why *why)
{
	char path[160], buf[64];

	if (d->regs) {
		munmap((void *)d->regs, d->size);
		d->regs = NULL;
		d->config = NULL;
	}
	/* A case that gave the function to uio_pci_generic and failed
	 * half-way may have left it there. */
	snprintf(path, sizeof(path), "%s/driver_override", d->sysfs);
	sysfs_read(path, buf, sizeof(buf));
	if (buf[0] && strcmp(buf, "(null)"))
		sysfs_write(path, "\n", why);
	if (unbind(d, why))
		return -1;
	return sysfs_write(SYS_PCI "/drivers/virtio-pci/bind", d->name, why);
}

const struct transport pci_transport = {
	.name = "virtio-pci",
	.mask = T_PCI,
	.get = get,
	.set = set,
	.kick = kick,
	.take = take,
	.restore = restore,
	.give = give,
};

/*
 * ECAM, the whole of bus 0's config space in memory (PCI Express 4.0,
 * 7.2.2): where MCFG says, which /proc/iomem names.  The kernel claims
 * it, so /dev/mem reaches it only with iomem=relaxed.  Mapped once.
 */
volatile u8 *ecam_map(u64 *base, struct why *why)
{
	static volatile u8 *ecam;
	static u64 ecam_base;
	char line[200];
	FILE *f;

	if (ecam) {
		*base = ecam_base;
		return ecam;
	}
	f = fopen("/proc/iomem", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;

		if (strstr(line, "PCI MMCONFIG") &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2) {
			ecam_base = start;
			break;
		}
	}
	if (f)
		fclose(f);
	if (!ecam_base) {
		fail(why, "no PCI MMCONFIG in /proc/iomem");
		return NULL;
	}
	ecam = phys_map(ecam_base, 1 << 20, why);
	if (!ecam) {
		fail(why, "ECAM at %#llx not mapped (iomem=relaxed?)",
		     (unsigned long long)ecam_base);
		return NULL;
	}
	*base = ecam_base;
	return ecam;
}

/* Halfway into the host bridge's window ("PCI Bus 0000:00"), far from
 * the BARs the Launcher places at its start. */
u64 pci_window_free(void)
{
	char line[200];
	u64 addr = 0;
	FILE *f = fopen("/proc/iomem", "r");

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;

		if (strstr(line, "PCI Bus 0000:00") &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2) {
			addr = start + ((end + 1 - start) / 2 & ~0xffffULL);
			break;
		}
	}
	if (f)
		fclose(f);
	return addr;
}
