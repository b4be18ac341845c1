// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci's common configuration used against its rules (virtio 1.2,
 * section 4.1.4.3): queues we do not have, fields that are read-only,
 * selectors out of range, vectors past the MSI-X table, and accesses of
 * every wrong width.  The Launcher may ignore or refuse; the device must
 * go on.  The rest of BAR 0 is bar.c's.
 */
#include <stdio.h>
#include <string.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "hostile.h"

#define NO_VECTOR VIRTIO_MSI_NO_VECTOR

static volatile u8 *common(const struct dev *d, u32 off)
{
	return d->regs + d->pci.common + off;
}

static u32 common_get(const struct dev *d, u32 off, u32 width)
{
	return io_read(common(d, off), width);
}

static void common_set(const struct dev *d, u32 off, u32 width, u32 val)
{
	io_write(common(d, off), width, val);
}

/* The width of the common config field at (off) (4.1.4.3), or 0 where no
 * field begins. */
static u32 natural(u32 off)
{
	switch (off) {
	case VIRTIO_PCI_COMMON_STATUS:
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return 1;
	case VIRTIO_PCI_COMMON_MSIX:
	case VIRTIO_PCI_COMMON_NUMQ:
	case VIRTIO_PCI_COMMON_Q_SELECT:
	case VIRTIO_PCI_COMMON_Q_SIZE:
	case VIRTIO_PCI_COMMON_Q_MSIX:
	case VIRTIO_PCI_COMMON_Q_ENABLE:
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return 2;
	default:
		return off <= VIRTIO_PCI_COMMON_Q_USEDHI && off % 4 == 0 ? 4
									 : 0;
	}
}

/* Every field of the common config, read with its own width: what no
 * stray access may change. */
void common_snapshot(const struct dev *d, u32 *v)
{
	unsigned int n = 0;

	for (u32 off = 0; off <= VIRTIO_PCI_COMMON_Q_USEDHI; off++)
		if (natural(off))
			v[n++] = common_get(d, off, natural(off));
}

int common_same(const struct dev *d, const u32 *before, const char *after,
		struct why *why)
{
	u32 now[COMMON_FIELDS];
	unsigned int n = 0;

	common_snapshot(d, now);
	for (u32 off = 0; off <= VIRTIO_PCI_COMMON_Q_USEDHI; off++) {
		if (!natural(off))
			continue;
		if (now[n] != before[n])
			fail(why, "common config %#x went %#x -> %#x after %s",
			     off, before[n], now[n], after);
		n++;
	}
	return why->text[0] ? -1 : 0;
}

/* The queue fields, as one queue shows them. */
static const u32 queue_fields[] = {
	VIRTIO_PCI_COMMON_Q_SIZE,    VIRTIO_PCI_COMMON_Q_MSIX,
	VIRTIO_PCI_COMMON_Q_ENABLE,  VIRTIO_PCI_COMMON_Q_NOFF,
	VIRTIO_PCI_COMMON_Q_DESCLO,  VIRTIO_PCI_COMMON_Q_DESCHI,
	VIRTIO_PCI_COMMON_Q_AVAILLO, VIRTIO_PCI_COMMON_Q_AVAILHI,
	VIRTIO_PCI_COMMON_Q_USEDLO,  VIRTIO_PCI_COMMON_Q_USEDHI,
};

/*
 * queue_select past the last queue, then every queue field read and
 * written.  4.1.4.3.1: "The device MUST present a 0 in queue_size if the
 * virtqueue corresponding to the current queue_select is unavailable";
 * the rest shows nothing of any queue's either (0, and NO_VECTOR), and
 * what we write there, good rings and an enable among it, reaches no
 * queue: ours reads as reset left it, and then works.
 */
static int common_queue_sel_absent(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	const u16 sels[] = {d->pci.num_queues, d->pci.num_queues + 1, 0x100,
			    0x8000, 0xffff};
	u32 before[COMMON_FIELDS];
	struct page *ring = page_alloc();
	struct vq vq;

	if (dev_features(d, t->features | 1ULL << VIRTIO_F_VERSION_1, NULL,
			 why))
		return -1;
	dev_set(d, F_QUEUE_SEL, t->queue);
	common_snapshot(d, before);
	for (unsigned int i = 0; i < ARRAY_SIZE(sels); i++) {
		dev_set(d, F_QUEUE_SEL, sels[i]);
		for (unsigned int f = 0; f < ARRAY_SIZE(queue_fields); f++) {
			u32 off = queue_fields[f];
			u32 v = common_get(d, off, natural(off));
			u32 want =
				off == VIRTIO_PCI_COMMON_Q_MSIX ? NO_VECTOR : 0;

			if (v != want)
				fail(why, "queue %#x: field %#x reads %#x",
				     sels[i], off, v);
		}
		common_set(d, VIRTIO_PCI_COMMON_Q_SIZE, 2, QSIZE);
		common_set(d, VIRTIO_PCI_COMMON_Q_MSIX, 2, 0);
		common_set(d, VIRTIO_PCI_COMMON_Q_NOFF, 2, 1);
		common_set(d, VIRTIO_PCI_COMMON_Q_DESCLO, 4, (u32)ring->gpa);
		common_set(d, VIRTIO_PCI_COMMON_Q_AVAILLO, 4,
			   (u32)ring->gpa + 256);
		common_set(d, VIRTIO_PCI_COMMON_Q_USEDLO, 4,
			   (u32)ring->gpa + 512);
		common_set(d, VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
		if (common_get(d, VIRTIO_PCI_COMMON_Q_SIZE, 2) ||
		    common_get(d, VIRTIO_PCI_COMMON_Q_ENABLE, 2))
			fail(why, "queue %#x took a size or an enable",
			     sels[i]);
		if (why->text[0])
			return -1;
		t->d->tr->kick(d, sels[i]);
	}
	dev_set(d, F_QUEUE_SEL, t->queue);
	if (common_same(d, before, "writes to absent queues", why))
		return -1;
	if (dev_status(d) & VIRTIO_CONFIG_S_NEEDS_RESET) {
		fail(why, "NEEDS_RESET after writes to absent queues");
		return -1;
	}
	if (vq_prepare(&vq, d, t->queue, why) || vq_ready(&vq, why))
		return -1;
	dev_driver_ok(d);
	return live_after(t, &vq, S_LIVE, "writes to absent queues", why);
}

/* 4.1.4.3.2: "The driver MUST NOT write a 0 to queue_enable."  A live
 * queue stays enabled, and one not yet enabled is not enabled by it. */
static int queue_enable_zero(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	dev_set(d, F_QUEUE_READY, 0);
	if (dev_get(d, F_QUEUE_READY) != 1) {
		fail(why, "queue_enable reads %u after 0 was written",
		     dev_get(d, F_QUEUE_READY));
		return -1;
	}
	dev_set(d, F_QUEUE_SEL, t->queue ^ 1);
	dev_set(d, F_QUEUE_READY, 0);
	if (dev_get(d, F_QUEUE_READY) != 0) {
		fail(why, "queue %u enabled by a write of 0", t->queue ^ 1);
		return -1;
	}
	dev_set(d, F_QUEUE_SEL, t->queue);
	return live_after(t, &vq, S_LIVE, "queue_enable = 0", why);
}

/*
 * Vectors past the MSI-X table, with MSI-X on and off.  4.1.5.1.2: the
 * driver reads back msix_config and queue_msix_vector, and "the device
 * [...] MUST return NO_VECTOR" where it could not map the vector.
 */
static int vector_beyond_table(struct target *t, struct why *why)
{
	struct dev *d = t->d;
	u16 n = d->pci.nvec;
	const u16 bad[] = {n, n + 1, 0x7ff, 0x800, 0x8000, 0xfffe};
	u32 flags = d->pci.msix_cap + PCI_MSIX_FLAGS;
	struct vq vq;

	if (dev_features(d,
			 t->features | 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
			 NULL, why) ||
	    vq_prepare(&vq, d, t->queue, why))
		return -1;
	for (int on = 0; on < 2; on++) {
		pci_cfg_write(d, flags, 2, on ? PCI_MSIX_FLAGS_ENABLE : 0);
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			common_set(d, VIRTIO_PCI_COMMON_MSIX, 2, bad[i]);
			common_set(d, VIRTIO_PCI_COMMON_Q_MSIX, 2, bad[i]);
			if (common_get(d, VIRTIO_PCI_COMMON_MSIX, 2) !=
				    NO_VECTOR ||
			    common_get(d, VIRTIO_PCI_COMMON_Q_MSIX, 2) !=
				    NO_VECTOR)
				fail(why,
				     "vector %#x of %u (MSI-X %s): "
				     "msix_config %#x, queue_msix_vector %#x",
				     bad[i], n, on ? "on" : "off",
				     common_get(d, VIRTIO_PCI_COMMON_MSIX, 2),
				     common_get(d, VIRTIO_PCI_COMMON_Q_MSIX,
						2));
			/* A good one in between reads back as itself. */
			common_set(d, VIRTIO_PCI_COMMON_Q_MSIX, 2, n - 1);
			if (common_get(d, VIRTIO_PCI_COMMON_Q_MSIX, 2) !=
			    n - 1u)
				fail(why,
				     "vector %u, the table's last, refused",
				     n - 1);
		}
	}
	pci_cfg_write(d, flags, 2, 0);
	common_set(d, VIRTIO_PCI_COMMON_Q_MSIX, 2, bad[0]);
	if (why->text[0] || vq_ready(&vq, why))
		return -1;
	dev_driver_ok(d);
	return live_after(t, &vq, S_LIVE, "vectors past the table", why);
}

/*
 * Feature selectors far past the two words of features there are: the
 * device offers nothing there, and what the driver writes there lands
 * nowhere, so that the negotiation that follows goes as it would have.
 */
static int feature_select_huge(struct target *t, struct why *why)
{
	static const u32 sels[] = {2, 3, 0x100, 0x80000000, 0xffffffff};
	struct dev *d = t->d;
	u64 want = t->features | 1ULL << VIRTIO_F_VERSION_1, offered;
	struct vq vq;

	if (dev_reset(d, why))
		return -1;
	dev_set(d, F_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	dev_set(d, F_STATUS,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	for (unsigned int i = 0; i < ARRAY_SIZE(sels); i++) {
		dev_set(d, F_DEVICE_FEATURES_SEL, sels[i]);
		dev_set(d, F_DRIVER_FEATURES_SEL, sels[i]);
		dev_set(d, F_DRIVER_FEATURES, 0xffffffff);
		if (dev_get(d, F_DEVICE_FEATURES) ||
		    dev_get(d, F_DRIVER_FEATURES))
			fail(why,
			     "features word %#x: device %#x, driver %#x, "
			     "not 0 and 0",
			     sels[i], dev_get(d, F_DEVICE_FEATURES),
			     dev_get(d, F_DRIVER_FEATURES));
	}
	if (why->text[0])
		return -1;
	dev_set(d, F_DEVICE_FEATURES_SEL, 1);
	offered = (u64)dev_get(d, F_DEVICE_FEATURES) << 32;
	dev_set(d, F_DEVICE_FEATURES_SEL, 0);
	offered |= dev_get(d, F_DEVICE_FEATURES);
	want &= offered;
	dev_set(d, F_DRIVER_FEATURES_SEL, 0);
	dev_set(d, F_DRIVER_FEATURES, (u32)want);
	dev_set(d, F_DRIVER_FEATURES_SEL, 1);
	dev_set(d, F_DRIVER_FEATURES, (u32)(want >> 32));
	dev_set(d, F_STATUS,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(dev_status(d) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		fail(why, "FEATURES_OK refused for %#llx after huge selectors",
		     (unsigned long long)want);
		return -1;
	}
	if (vq_prepare(&vq, d, t->queue, why) || vq_ready(&vq, why))
		return -1;
	dev_driver_ok(d);
	return live_after(t, &vq, S_LIVE, "huge feature selectors", why);
}

/* device_feature, num_queues, config_generation and queue_notify_off are
 * the device's to say; writes of ones change none of them. */
static int common_read_only(struct target *t, struct why *why)
{
	static const u32 ro[] = {VIRTIO_PCI_COMMON_DF, VIRTIO_PCI_COMMON_NUMQ,
				 VIRTIO_PCI_COMMON_CFGGENERATION,
				 VIRTIO_PCI_COMMON_Q_NOFF};
	struct dev *d = t->d;
	u32 before[COMMON_FIELDS];
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	common_snapshot(d, before);
	for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++)
		common_set(d, ro[i], natural(ro[i]), 0xffffffff);
	dev_set(d, F_DEVICE_FEATURES_SEL, 1);
	common_set(d, VIRTIO_PCI_COMMON_DF, 4, 0);
	dev_set(d, F_DEVICE_FEATURES_SEL, 0);
	if (common_same(d, before, "writes to read-only fields", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "writes to read-only fields", why);
}

/*
 * 4.1.3.1: "The driver MUST access each field using the "natural" access
 * method, i.e. 32-bit accesses for 32-bit fields, 16-bit accesses for
 * 16-bit fields and 8-bit accesses for 8-bit fields."  Every other width
 * at every byte of the common config and a little past it: reads give 0,
 * writes (of 0 and of ones) do nothing; a device_status written 0 that
 * way resets nothing.
 */
static int common_wrong_width(struct target *t, struct why *why)
{
	static const u32 widths[] = {1, 2, 4, 8};
	struct dev *d = t->d;
	u32 end = d->pci.common_len + 8, before[COMMON_FIELDS];
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	common_snapshot(d, before);
	for (u32 off = 0; off < end; off++) {
		for (unsigned int w = 0; w < ARRAY_SIZE(widths); w++) {
			u64 v;

			if (widths[w] == natural(off))
				continue;
			v = io_read(common(d, off), widths[w]);
			if (v)
				fail(why, "%u-byte read at %#x gave %#llx",
				     widths[w], off, (unsigned long long)v);
			io_write(common(d, off), widths[w], 0);
			io_write(common(d, off), widths[w], ~0ULL);
		}
	}
	if (why->text[0] ||
	    common_same(d, before, "accesses of the wrong width", why))
		return -1;
	return live_after(t, &vq, S_LIVE, "accesses of the wrong width", why);
}

const struct hcase pci_cases[] = {
	{"common-queue-sel-absent", common_queue_sel_absent, R_DEVICES, NULL},
	{"queue-enable-zero", queue_enable_zero, R_DEVICES, NULL},
	{"vector-beyond-table", vector_beyond_table, R_DEVICES, NULL},
	{"feature-select-huge", feature_select_huge, R_DEVICES, NULL},
	{"common-read-only", common_read_only, R_DEVICES, NULL},
	{"common-wrong-width", common_wrong_width, R_DEVICES, NULL},
};
const unsigned int pci_ncases = ARRAY_SIZE(pci_cases);
