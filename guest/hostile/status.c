// SPDX-License-Identifier: GPL-2.0
/*
 * The Status register and feature negotiation used against their rules
 * (virtio 1.2, sections 2.1, 2.2 and 3.1; finding 6), and resets by the
 * hundred.  Only a write of 0 resets; any other write may only add bits,
 * NEEDS_RESET is the device's alone, and features are fixed at
 * FEATURES_OK.  The Launcher may refuse or ignore what breaks these
 * rules; it must not go on as if it had been honoured.
 */
#include <stdio.h>
#include <string.h>
#include <linux/virtio_config.h>

#include "hostile.h"

#define S_ACK	   VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV	   VIRTIO_CONFIG_S_DRIVER
#define S_FEAT	   VIRTIO_CONFIG_S_FEATURES_OK
#define S_DRV_OK   VIRTIO_CONFIG_S_DRIVER_OK
#define S_NEEDS_RS VIRTIO_CONFIG_S_NEEDS_RESET

/* Status must read (want); then a good request must still be served. */
int live_after(struct target *t, struct vq *vq, u32 want, const char *after,
	       struct why *why)
{
	u32 status = dev_status(t->d);

	if (status != want) {
		fail(why, "Status %#x after %s, not %#x", status, after, want);
		return -1;
	}
	return good_request(t, vq, 0, why);
}

/*
 * 2.1.1: "The driver MUST NOT clear a device status bit."  Only a write
 * of 0 resets; anything else may only add bits, so a live device stays
 * live however the driver writes to Status.
 */
static int status_clear_bits(struct target *t, struct why *why)
{
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	dev_set(t->d, F_STATUS, S_ACK | S_DRV);
	return live_after(t, &vq, S_LIVE, "writing ACK|DRIVER when live", why);
}

static int status_clear_driver_ok(struct target *t, struct why *why)
{
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	dev_set(t->d, F_STATUS, S_ACK | S_DRV | S_FEAT);
	if (live_after(t, &vq, S_LIVE, "clearing DRIVER_OK", why))
		return -1;
	/* And DRIVER_OK again must not start a second set of threads. */
	dev_driver_ok(t->d);
	return live_after(t, &vq, S_LIVE, "DRIVER_OK twice", why);
}

/* 2.1: DEVICE_NEEDS_RESET "Indicates that the device has experienced an
 * error from which it can't recover": the device's to say, not ours. */
static int status_driver_sets_needs_reset(struct target *t, struct why *why)
{
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	dev_set(t->d, F_STATUS, S_LIVE | S_NEEDS_RS);
	return live_after(t, &vq, S_LIVE, "the driver wrote NEEDS_RESET", why);
}

/* A NEEDS_RESET the device set survives anything but a reset. */
static int status_needs_reset_sticky(struct target *t, struct why *why)
{
	struct page *b;
	struct vq vq;

	if (dev_up(t, &vq, 0, why) || !(b = page_alloc()))
		return -1;
	desc_set(&vq.desc[0], b->gpa, 64, VRING_DESC_F_NEXT, 0);
	vq_push(&vq, 0);
	if (!wait_status(t->d, S_NEEDS_RS, ANSWER_MS)) {
		fail(why, "a descriptor loop did not set NEEDS_RESET");
		return -1;
	}
	dev_set(t->d, F_STATUS, S_LIVE);
	if (!(dev_status(t->d) & S_NEEDS_RS))
		fail(why, "NEEDS_RESET cleared by writing %#x", S_LIVE);
	return why->text[0] ? -1 : 0;
}

/* FAILED is the driver giving up: the device needs a reset, no more. */
static int status_failed(struct target *t, struct why *why)
{
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	dev_set(t->d, F_STATUS, S_LIVE | VIRTIO_CONFIG_S_FAILED);
	return dev_reset(t->d, why);
}

/*
 * 3.1.1: the driver writes its features, sets FEATURES_OK, and "re-read[s]
 * device status to ensure the FEATURES_OK bit is still set": from then on
 * the features are settled, and later writes to DriverFeatures change
 * nothing.  We drop INDIRECT_DESC after FEATURES_OK and then use an
 * indirect table: it must still work.
 */
static int features_after_features_ok(struct target *t, struct why *why)
{
	struct vring_used_elem e;
	struct page *table, *buf;
	struct vq vq, fake;
	unsigned int slots = good_slots(t);
	int r;

	if (dev_features(t->d,
			 t->features | 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
			 NULL, why))
		return -1;
	dev_set(t->d, F_DRIVER_FEATURES_SEL, 0);
	dev_set(t->d, F_DRIVER_FEATURES, 0);
	dev_set(t->d, F_DRIVER_FEATURES_SEL, 1);
	dev_set(t->d, F_DRIVER_FEATURES, 0);
	if (vq_prepare(&vq, t->d, t->queue, why) || vq_ready(&vq, why))
		return -1;
	dev_driver_ok(t->d);
	if (dev_status(t->d) != S_LIVE) {
		fail(why, "Status %#x after late feature writes",
		     dev_status(t->d));
		return -1;
	}
	if (!t->answers)
		return 0;
	/* A good request laid out in a table: good_chain() writes it into
	 * whatever (desc) says. */
	table = page_alloc();
	buf = page_alloc();
	fake = vq;
	fake.desc = (struct vring_desc *)table->va;
	good_chain(t, &fake, 0, buf);
	desc_set(&vq.desc[0], table->gpa, slots * 16, VRING_DESC_F_INDIRECT, 0);
	vq_push(&vq, 0);
	r = vq_wait_used(&vq, ANSWER_MS, &e);
	if (r <= 0) {
		fail(why, "indirect request after late feature writes: %s",
		     r ? "NEEDS_RESET" : "no answer");
		return -1;
	}
	return good_check(t, &e, 0, buf, why);
}

/* Negotiation refused: FEATURES_OK must not read back. */
static int refused(struct target *t, u32 low, u32 high, struct why *why)
{
	dev_reset(t->d, why);
	dev_set(t->d, F_STATUS, S_ACK);
	dev_set(t->d, F_STATUS, S_ACK | S_DRV);
	dev_set(t->d, F_DRIVER_FEATURES_SEL, 0);
	dev_set(t->d, F_DRIVER_FEATURES, low);
	dev_set(t->d, F_DRIVER_FEATURES_SEL, 1);
	dev_set(t->d, F_DRIVER_FEATURES, high);
	dev_set(t->d, F_STATUS, S_ACK | S_DRV | S_FEAT);
	if (dev_status(t->d) & S_FEAT) {
		fail(why, "FEATURES_OK accepted for features %#x%08x", high,
		     low);
		return -1;
	}
	return 0;
}

static int features_not_offered(struct target *t, struct why *why)
{
	/* VERSION_1 (bit 32) and bit 63, which nobody offers. */
	return refused(t, 0, 1u | 1u << 31, why);
}

static int features_legacy(struct target *t, struct why *why)
{
	return refused(t, 0, 0, why);
}

/* 3.1.1: DRIVER_OK comes after FEATURES_OK, and 2.1.2: "The device MUST
 * NOT consume buffers or send any used buffer notifications to the driver
 * before DRIVER_OK." */
static int driver_ok_before_features_ok(struct target *t, struct why *why)
{
	struct page *buf;
	struct vq vq;

	dev_reset(t->d, why);
	dev_set(t->d, F_STATUS, S_ACK);
	dev_set(t->d, F_STATUS, S_ACK | S_DRV);
	dev_set(t->d, F_DRIVER_FEATURES_SEL, 1);
	dev_set(t->d, F_DRIVER_FEATURES, 1);
	if (vq_prepare(&vq, t->d, t->queue, why) || vq_ready(&vq, why))
		return -1;
	dev_set(t->d, F_STATUS, S_ACK | S_DRV | S_DRV_OK);
	if (dev_status(t->d) & S_DRV_OK)
		fail(why, "DRIVER_OK accepted without FEATURES_OK");
	buf = page_alloc();
	vq_push(&vq, (u16)good_chain(t, &vq, 0, buf));
	sleep_ms(QUIET_MS);
	if (*(volatile u16 *)&vq.used->idx != 0)
		fail(why, "a queue ran without FEATURES_OK");
	return why->text[0] ? -1 : 0;
}

/*
 * Resets, many and fast: each with requests in flight, and then in a row.
 * After a reset returns, the device may not write to our rings again.
 */
static int reset_storm(struct target *t, struct why *why)
{
	unsigned int per = good_slots(t), n = QSIZE / per;
	struct vq vq;

	for (int round = 0; round < 50; round++) {
		pool_reset();
		if (dev_up(t, &vq, 0, why))
			return -1;
		for (unsigned int i = 0; i < n; i++)
			vq_push_quiet(&vq, (u16)good_chain(t, &vq, i * per,
							   page_alloc()));
		vq_kick(&vq);
		if (dev_reset(t->d, why))
			return -1;
	}
	for (int i = 0; i < 500; i++)
		dev_set(t->d, F_STATUS, 0);
	/* The last rings: poison the used ring and see it stay so. */
	memset(vq.used, 0xa5, 4 + 8 * QSIZE);
	sleep_ms(QUIET_MS);
	for (unsigned int i = 0; i < 4 + 8 * QSIZE; i++)
		if (((u8 *)vq.used)[i] != 0xa5) {
			fail(why, "the device wrote to the used ring after "
				  "a reset");
			return -1;
		}
	pool_reset();
	if (dev_up(t, &vq, 0, why))
		return -1;
	return good_request(t, &vq, 0, why);
}

const struct hcase status_cases[] = {
	{"status-clear-bits", status_clear_bits, R_DEVICES, "6"},
	{"status-clear-driver-ok", status_clear_driver_ok, R_DEVICES, "6"},
	{"status-driver-sets-needs-reset", status_driver_sets_needs_reset,
	 R_DEVICES, "6"},
	{"features-after-features-ok", features_after_features_ok, R_DEVICES,
	 "6"},
	{"status-needs-reset-sticky", status_needs_reset_sticky, R_DEVICES,
	 NULL},
	{"status-failed", status_failed, R_DEVICES, NULL},
	{"features-not-offered", features_not_offered, R_DEVICES, NULL},
	{"features-without-version-1", features_legacy, R_DEVICES, NULL},
	{"driver-ok-before-features-ok", driver_ok_before_features_ok,
	 R_DEVICES, NULL},
	{"reset-storm", reset_storm, R_DEVICES, NULL},
};
const unsigned int status_ncases = ARRAY_SIZE(status_cases);
