// SPDX-License-Identifier: GPL-2.0
/*
 * The network card's receive queue, with real frames in it.
 * tests/e2e/hostile pings our address all through the boot, so while the
 * card is ours the host's pings and ARP requests land in our buffers.
 * The receive side is where the Launcher does most for the driver
 * (virtio 1.2, 5.1.6.3 and 5.1.6.4): with VIRTIO_NET_F_MRG_RXBUF it holds
 * many buffers, spreads a frame across them, keeps what did not fit in a
 * spill buffer of its own until the driver posts more, and writes
 * num_buffers into the first.  We post buffers that are small, too few,
 * or readable in the middle of the rest.
 */
#include <stdio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "hostile.h"

#define NET_HDR_LEN   12   /* struct virtio_net_hdr_mrg_rxbuf */
#define MIN_FRAME     42   /* an ARP request, the smallest we will see */
#define FRAME_WAIT_MS 8000 /* pings every 0.1 s, or ARP every second */
#define SMALL	      16   /* a buffer with room for a header and 4 bytes */

#define MRG_FEATURES                                                           \
	(1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_NET_F_GUEST_CSUM |    \
	 1ULL << VIRTIO_NET_F_GUEST_TSO4)

/* The receive queue up, with (extra) features as well as the usual. */
static int rx_up(struct target *t, struct vq *vq, u64 extra, struct why *why)
{
	u64 saved = t->features;
	int r;

	t->features |= extra;
	r = dev_up(t, vq, 0, why);
	t->features = saved;
	return r;
}

/* Receive chains (first)..(first)+(n)-1 of (len) bytes each, one page
 * each, published and kicked. */
static void post(struct vq *vq, struct page **pages, unsigned int first,
		 unsigned int n, u32 len, u16 flags)
{
	for (unsigned int i = first; i < first + n; i++) {
		pages[i] = page_alloc();
		desc_set(&vq->desc[i], pages[i]->gpa, len, flags, 0);
		vq_push_quiet(vq, (u16)i);
	}
	vq_kick(vq);
}

/* The next used entry, within FRAME_WAIT_MS: 0, or -1 with why. */
static int next_used(struct vq *vq, struct vring_used_elem *e, struct why *why)
{
	int r = vq_wait_used(vq, FRAME_WAIT_MS, e);

	if (r < 0)
		fail(why, "NEEDS_RESET for well-formed receive buffers");
	if (r == 0)
		fail(why, "no frame within %d ms (is the host pinging us?)",
		     FRAME_WAIT_MS);
	return r == 1 ? 0 : -1;
}

/*
 * One frame spread over merged buffers: the first used entry's header
 * says how many buffers it took (num_buffers), the next ones are those,
 * in the order we posted them, each no fuller than (cap), and together a
 * header and a frame.  (skip) is a chain we expect handed back unused
 * (length 0) first, or -1.
 */
static int merged_frame(struct vq *vq, struct page **pages, u32 cap, int skip,
			struct why *why)
{
	struct virtio_net_hdr_mrg_rxbuf *h;
	struct vring_used_elem e;
	u32 total = 0, n;

	if (next_used(vq, &e, why))
		return -1;
	if (skip >= 0) {
		if (e.id != (u32)skip || e.len != 0) {
			fail(why,
			     "used id %u length %u, not the readable "
			     "chain %d handed back",
			     e.id, e.len, skip);
			return -1;
		}
		if (next_used(vq, &e, why))
			return -1;
	}
	h = (struct virtio_net_hdr_mrg_rxbuf *)pages[e.id]->va;
	n = h->num_buffers;
	if (n == 0 || n > QSIZE) {
		fail(why, "num_buffers %u in the first buffer", n);
		return -1;
	}
	for (u32 i = 0;; i++) {
		if (e.len > cap) {
			fail(why, "used length %u in a buffer of %u", e.len,
			     cap);
			return -1;
		}
		total += e.len;
		if (i + 1 == n)
			break;
		if (next_used(vq, &e, why))
			return -1;
	}
	if (total < NET_HDR_LEN + MIN_FRAME) {
		fail(why, "a frame of %u bytes over %u buffers", total, n);
		return -1;
	}
	return 0;
}

/* Plain buffers, no merging: a frame arrives whole in one. */
static int rx_frames(struct target *t, struct why *why)
{
	struct page *pages[QSIZE];
	struct vring_used_elem e;
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	post(&vq, pages, 0, 8, NET_HDR_LEN + 1514, VRING_DESC_F_WRITE);
	if (next_used(&vq, &e, why))
		return -1;
	if (e.id >= 8 || e.len < NET_HDR_LEN + MIN_FRAME ||
	    e.len > NET_HDR_LEN + 1514)
		fail(why, "used id %u length %u", e.id, e.len);
	return why->text[0] ? -1 : 0;
}

/* Merged buffers of 16 bytes: every frame spans several. */
static int rx_mergeable_small(struct target *t, struct why *why)
{
	struct page *pages[QSIZE];
	struct vq vq;

	if (rx_up(t, &vq, MRG_FEATURES, why))
		return -1;
	post(&vq, pages, 0, QSIZE - 1, SMALL, VRING_DESC_F_WRITE);
	return merged_frame(&vq, pages, SMALL, -1, why);
}

/*
 * Two buffers, too few for any frame: it waits in the Launcher's spill
 * buffer, and only when we post more does it come, whole.
 */
static int rx_mergeable_spill(struct target *t, struct why *why)
{
	struct page *pages[QSIZE];
	struct vring_used_elem e;
	struct vq vq;

	if (rx_up(t, &vq, MRG_FEATURES, why))
		return -1;
	post(&vq, pages, 0, 2, SMALL, VRING_DESC_F_WRITE);
	if (vq_wait_used(&vq, 2000, &e) != 0) {
		fail(why,
		     "two %u-byte buffers used (or the queue broke) "
		     "before more came",
		     SMALL);
		return -1;
	}
	post(&vq, pages, 2, QSIZE - 3, SMALL, VRING_DESC_F_WRITE);
	return merged_frame(&vq, pages, SMALL, -1, why);
}

/* 5.1.6.3.1: the driver "MUST add the receive buffers as device-writable";
 * a readable one among them is handed back unused, and the frame goes to
 * the others. */
static int rx_mergeable_readable(struct target *t, struct why *why)
{
	struct page *pages[QSIZE];
	struct vq vq;

	if (rx_up(t, &vq, MRG_FEATURES, why))
		return -1;
	post(&vq, pages, 0, 1, SMALL, VRING_DESC_F_WRITE);
	post(&vq, pages, 1, 1, SMALL, 0);
	post(&vq, pages, 2, QSIZE - 3, SMALL, VRING_DESC_F_WRITE);
	return merged_frame(&vq, pages, SMALL, 1, why);
}

const struct hcase net_cases[] = {
	{"rx-frames", rx_frames, R_NET_RX, NULL},
	{"rx-mergeable-small", rx_mergeable_small, R_NET_RX, NULL},
	{"rx-mergeable-spill", rx_mergeable_spill, R_NET_RX, NULL},
	{"rx-mergeable-readable", rx_mergeable_readable, R_NET_RX, NULL},
};
const unsigned int net_ncases = ARRAY_SIZE(net_cases);
