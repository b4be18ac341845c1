// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio, version 2 (virtio 1.2, section 4.2.2): where the windows
 * are, how we take one from Linux and give it back, and its registers as
 * struct transport names them.  transport.c's cases use the registers by
 * their own offsets (mmio_read(), mmio_write()).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/virtio_mmio.h>

#include "hostile.h"

#define SYS_MMIO "/sys/bus/platform/drivers/virtio-mmio"

u64 windows_end;

/*
 * The Launcher describes each window in its DSDT as an LNRO0005 device,
 * which Linux lists in /proc/iomem by its platform device name:
 *	d0002000-d0002fff : LNRO0005:02
 */
int mmio_find(struct dev *d, unsigned int max)
{
	char line[200];
	unsigned int n = 0;
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char name[64];

		/* Top-level entries only: the driver's own claim is the
		 * same range again, indented. */
		if (line[0] == ' ' ||
		    sscanf(line, "%llx-%llx : %63[^\n]", &start, &end, name) !=
			    3 ||
		    strncmp(name, "LNRO0005:", 9) || n == max)
			continue;
		memset(&d[n], 0, sizeof(d[n]));
		d[n].tr = &mmio_transport;
		d[n].cfg_fd = -1;
		snprintf(d[n].name, sizeof(d[n].name), "%.31s", name);
		snprintf(d[n].sysfs, sizeof(d[n].sysfs),
			 "/sys/bus/platform/devices/%s", d[n].name);
		d[n].base = start;
		d[n].size = end + 1 - start;
		if (end + 1 > windows_end)
			windows_end = end + 1;
		dev_identify(&d[n]);
		n++;
	}
	fclose(f);
	return n;
}

u32 mmio_read(const struct dev *d, u32 off)
{
	return *(const volatile u32 *)(d->regs + off);
}

void mmio_write(const struct dev *d, u32 off, u32 val)
{
	*(volatile u32 *)(d->regs + off) = val;
}

static const u32 offsets[F_FIELDS] = {
	[F_DEVICE_FEATURES_SEL] = VIRTIO_MMIO_DEVICE_FEATURES_SEL,
	[F_DEVICE_FEATURES] = VIRTIO_MMIO_DEVICE_FEATURES,
	[F_DRIVER_FEATURES_SEL] = VIRTIO_MMIO_DRIVER_FEATURES_SEL,
	[F_DRIVER_FEATURES] = VIRTIO_MMIO_DRIVER_FEATURES,
	[F_QUEUE_SEL] = VIRTIO_MMIO_QUEUE_SEL,
	[F_QUEUE_NUM_MAX] = VIRTIO_MMIO_QUEUE_NUM_MAX,
	[F_QUEUE_NUM] = VIRTIO_MMIO_QUEUE_NUM,
	[F_QUEUE_READY] = VIRTIO_MMIO_QUEUE_READY,
	[F_QUEUE_DESC_LOW] = VIRTIO_MMIO_QUEUE_DESC_LOW,
	[F_QUEUE_DESC_HIGH] = VIRTIO_MMIO_QUEUE_DESC_HIGH,
	[F_QUEUE_AVAIL_LOW] = VIRTIO_MMIO_QUEUE_AVAIL_LOW,
	[F_QUEUE_AVAIL_HIGH] = VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
	[F_QUEUE_USED_LOW] = VIRTIO_MMIO_QUEUE_USED_LOW,
	[F_QUEUE_USED_HIGH] = VIRTIO_MMIO_QUEUE_USED_HIGH,
	[F_STATUS] = VIRTIO_MMIO_STATUS,
	[F_ISR] = VIRTIO_MMIO_INTERRUPT_STATUS,
	[F_CONFIG_GENERATION] = VIRTIO_MMIO_CONFIG_GENERATION,
};

/* 4.2.2.2: "The driver MUST only use 32 bit wide and aligned reads and
 * writes to access the control registers". */
static u32 get(const struct dev *d, enum field f)
{
	return mmio_read(d, offsets[f]);
}

static void set(const struct dev *d, enum field f, u32 val)
{
	mmio_write(d, offsets[f], val);
}

/* One register for every queue: the value says which. */
static void kick(const struct dev *d, unsigned int queue)
{
	mmio_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
}

/*
 * Taking a device from Linux and giving it back.  /dev/mem reaches a
 * window only while no driver claims it, and a driver that claims it
 * again revokes our mapping.  So: unbind, map; unmap, bind.
 */
static int take(struct dev *d, struct why *why)
{
	if (sysfs_write(SYS_MMIO "/unbind", d->name, why))
		return -1;
	d->regs = phys_map(d->base, d->size, why);
	if (!d->regs)
		return -1;
	d->config = d->regs + VIRTIO_MMIO_CONFIG;
	d->config_span = d->size - VIRTIO_MMIO_CONFIG;
	if (mmio_read(d, VIRTIO_MMIO_MAGIC_VALUE) != 0x74726976 ||
	    mmio_read(d, VIRTIO_MMIO_DEVICE_ID) != d->device_id) {
		fail(why, "%s: magic %#x, device %u: not the device sysfs said",
		     d->name, mmio_read(d, VIRTIO_MMIO_MAGIC_VALUE),
		     mmio_read(d, VIRTIO_MMIO_DEVICE_ID));
		return -1;
	}
	return 0;
}

static int give(struct dev *d, struct why *why)
{
	if (d->regs) {
		munmap((void *)d->regs, d->size);
		d->regs = NULL;
		d->config = NULL;
	}
	return sysfs_write(SYS_MMIO "/bind", d->name, why);
}

const struct transport mmio_transport = {
	.name = "virtio-mmio",
	.mask = T_MMIO,
	.get = get,
	.set = set,
	.kick = kick,
	.take = take,
	.give = give,
};
