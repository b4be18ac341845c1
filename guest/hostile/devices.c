// SPDX-License-Identifier: GPL-2.0
/*
 * What each device takes as a good request, and the abuse only a disk, a
 * network card or an entropy source can be given: requests past the end
 * of the disk, discard and write-zeroes ranges beyond what the disk
 * advertises (finding 4), transmit chains with no room for a header or a
 * header the host's tap refuses, receive buffers too small to hold one.
 * None of these breaks a ring rule: the device answers them (with an
 * error status, or used length 0) and the queue goes on.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "hostile.h"

#define NET_HDR_LEN 12 /* struct virtio_net_hdr_mrg_rxbuf, VERSION_1 */
#define FRAME_LEN   60 /* a minimal Ethernet frame */

/*
 * Good requests.  Each lives in one page of its own: for the disk, the
 * header at 0, the status byte at 16 and one sector of data at 512.
 */
unsigned int good_slots(const struct target *t)
{
	return t->kind == K_BLK ? 3 : 1;
}

/* A broadcast frame of a local experimental EtherType: the host's stack
 * drops it, having proved the transmit path works. */
static void put_frame(u8 *p)
{
	static const u8 src[6] = {0x52, 0x54, 0x00, 0xee, 0xee, 0x01};

	memset(p, 0, NET_HDR_LEN + FRAME_LEN);
	memset(p + NET_HDR_LEN, 0xff, 6);
	memcpy(p + NET_HDR_LEN + 6, src, 6);
	p[NET_HDR_LEN + 12] = 0x88;
	p[NET_HDR_LEN + 13] = 0xb5;
}

unsigned int good_chain(struct target *t, struct vq *vq, unsigned int slot,
			struct page *buf)
{
	struct vring_desc *d = vq->desc;
	struct virtio_blk_outhdr *hdr;
	int n;

	switch (t->kind) {
	case K_BLK:
		hdr = (struct virtio_blk_outhdr *)buf->va;
		hdr->type = VIRTIO_BLK_T_IN;
		hdr->sector = 0;
		buf->va[16] = 0xff; /* the device must overwrite it */
		desc_set(&d[slot], buf->gpa, sizeof(*hdr), VRING_DESC_F_NEXT,
			 slot + 1);
		desc_set(&d[slot + 1], buf->gpa + 512, 512,
			 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, slot + 2);
		desc_set(&d[slot + 2], buf->gpa + 16, 1, VRING_DESC_F_WRITE, 0);
		break;
	case K_RNG:
		desc_set(&d[slot], buf->gpa, 64, VRING_DESC_F_WRITE, 0);
		break;
	case K_CONSOLE:
		/* This line reaches the Launcher's stdout, as the serial
		 * console's lines do: let those finish first, or the two
		 * would be interleaved mid-line. */
		tcdrain(STDOUT_FILENO);
		n = snprintf((char *)buf->va, 200, "hostile-console: %s\n",
			     t->label);
		desc_set(&d[slot], buf->gpa, (u32)n, 0, 0);
		break;
	case K_NET:
		if (t->queue == 0) {
			desc_set(&d[slot], buf->gpa, NET_HDR_LEN + 1514,
				 VRING_DESC_F_WRITE, 0);
		} else {
			put_frame(buf->va);
			desc_set(&d[slot], buf->gpa, NET_HDR_LEN + FRAME_LEN, 0,
				 0);
		}
		break;
	}
	return slot;
}

int good_check(struct target *t, const struct vring_used_elem *e,
	       unsigned int head, struct page *buf, struct why *why)
{
	if (e->id != head) {
		fail(why, "used id %u, not our head %u", e->id, head);
		return -1;
	}
	switch (t->kind) {
	case K_BLK:
		if (e->len != 513 || buf->va[16] != VIRTIO_BLK_S_OK)
			fail(why, "good read: used length %u, status %u",
			     e->len, buf->va[16]);
		break;
	case K_RNG:
		if (e->len == 0 || e->len > 64)
			fail(why, "good rng request: used length %u", e->len);
		break;
	case K_CONSOLE:
	case K_NET:
		if (e->len != 0)
			fail(why, "good transmit: used length %u", e->len);
		break;
	}
	return why->text[0] ? -1 : 0;
}

int good_request(struct target *t, struct vq *vq, unsigned int slot,
		 struct why *why)
{
	struct page *buf = page_alloc();
	struct vring_used_elem e;
	unsigned int head;
	int r;

	if (!buf) {
		fail(why, "out of pages");
		return -1;
	}
	head = good_chain(t, vq, slot, buf);
	vq_push(vq, head);
	if (!t->answers) {
		/* A receive buffer is held for a packet: all we can see is
		 * that the device did not take it amiss. */
		sleep_ms(QUIET_MS / 4);
		if (dev_status(t->d) & VIRTIO_CONFIG_S_NEEDS_RESET) {
			fail(why, "NEEDS_RESET after a good receive buffer");
			return -1;
		}
		return 0;
	}
	r = vq_wait_used(vq, ANSWER_MS, &e);
	if (r == 0)
		fail(why, "a good request got no answer in %d ms", ANSWER_MS);
	if (r < 0)
		fail(why, "NEEDS_RESET (%#x) after a good request",
		     dev_status(t->d));
	if (r <= 0)
		return -1;
	return good_check(t, &e, head, buf, why);
}

/*
 * The disk.  One request of (type) at (sector), with (data) bytes of
 * buffer (writable for reads), answered within ANSWER_MS with a status in
 * (accept), a bit mask of VIRTIO_BLK_S_* values.  Then a good request, to
 * show the queue went on.
 */
static u32 cfg32(const struct target *t, size_t off)
{
	return config_read32(t->d, (u32)off);
}

static u64 capacity(const struct target *t)
{
	size_t off = offsetof(struct virtio_blk_config, capacity);

	return cfg32(t, off) | (u64)cfg32(t, off + 4) << 32;
}

static int blk_one(struct target *t, struct vq *vq, u32 type, u64 sector,
		   const void *data, u32 len, unsigned int accept,
		   struct why *why)
{
	struct page *hdrp = page_alloc(), *datap[QSIZE - 2];
	struct virtio_blk_outhdr *hdr;
	struct vring_used_elem e;
	bool writable = type == VIRTIO_BLK_T_IN;
	unsigned int n = 0;
	int r;

	if (!hdrp || len > (QSIZE - 2) * PAGE_SIZE) {
		fail(why, "request of %u bytes too big for us", len);
		return -1;
	}
	hdr = (struct virtio_blk_outhdr *)hdrp->va;
	hdr->type = type;
	hdr->sector = sector;
	hdrp->va[16] = 0xff;
	desc_set(&vq->desc[0], hdrp->gpa, sizeof(*hdr), VRING_DESC_F_NEXT, 1);
	/* The data, a page per descriptor: our pages are not contiguous. */
	for (u32 done = 0; done < len; done += PAGE_SIZE, n++) {
		u32 chunk = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;

		datap[n] = page_alloc();
		if (!datap[n]) {
			fail(why, "out of pages");
			return -1;
		}
		if (data)
			memcpy(datap[n]->va, (const u8 *)data + done, chunk);
		desc_set(&vq->desc[1 + n], datap[n]->gpa, chunk,
			 VRING_DESC_F_NEXT |
				 (writable ? VRING_DESC_F_WRITE : 0),
			 2 + n);
	}
	desc_set(&vq->desc[1 + n], hdrp->gpa + 16, 1, VRING_DESC_F_WRITE, 0);
	vq_push(vq, 0);
	r = vq_wait_used(vq, ANSWER_MS, &e);
	if (r < 0) {
		fail(why, "NEEDS_RESET: the device took a well-formed chain "
			  "for a broken ring");
		return -1;
	}
	if (r == 0) {
		fail(why, "no answer in %d ms", ANSWER_MS);
		return -1;
	}
	if (hdrp->va[16] > 31 || !(accept & 1u << hdrp->va[16])) {
		fail(why, "status %u (used length %u)", hdrp->va[16], e.len);
		return -1;
	}
	return good_request(t, vq, 0, why); /* all descriptors free again */
}

#define S_ERR	(1u << VIRTIO_BLK_S_IOERR | 1u << VIRTIO_BLK_S_UNSUPP)
#define S_IOERR (1u << VIRTIO_BLK_S_IOERR)

/* The device up, then blk_one(). */
static int blk_case(struct target *t, u32 type, u64 sector, const void *data,
		    u32 len, unsigned int accept, struct why *why)
{
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	return blk_one(t, &vq, type, sector, data, len, accept, why);
}

static int blk_read_past_end(struct target *t, struct why *why)
{
	return blk_case(t, VIRTIO_BLK_T_IN, capacity(t), NULL, 512, S_IOERR,
			why);
}

static int blk_read_across_end(struct target *t, struct why *why)
{
	return blk_case(t, VIRTIO_BLK_T_IN, capacity(t) - 1, NULL, 1024,
			S_IOERR, why);
}

static int blk_write_past_end(struct target *t, struct why *why)
{
	static const u8 junk[512] = "hostile: this must not land";

	return blk_case(t, VIRTIO_BLK_T_OUT, capacity(t), junk, 512, S_IOERR,
			why);
}

/* Sectors whose byte offset wraps a u64, or that are merely absurd. */
static int blk_sector_overflow(struct target *t, struct why *why)
{
	static const u64 sectors[] = {~0ULL, 1ULL << 55, (~0ULL >> 9) + 1};

	for (unsigned int i = 0; i < ARRAY_SIZE(sectors); i++) {
		pool_reset();
		if (blk_case(t, VIRTIO_BLK_T_IN, sectors[i], NULL, 512, S_IOERR,
			     why))
			return -1;
	}
	return 0;
}

static int blk_unknown_type(struct target *t, struct why *why)
{
	return blk_case(t, 0x7fff1234, 0, NULL, 512, 1u << VIRTIO_BLK_S_UNSUPP,
			why);
}

/* A read of 100 bytes: not whole sectors (5.2.6.1). */
static int blk_partial_sector(struct target *t, struct why *why)
{
	return blk_case(t, VIRTIO_BLK_T_IN, 0, NULL, 100, S_IOERR, why);
}

/* Readable buffers only: nowhere for a status byte.  The chain comes back
 * with used length 0 and the queue goes on. */
static int blk_no_status(struct target *t, struct why *why)
{
	struct page *p = page_alloc();
	struct vring_used_elem e;
	struct vq vq;
	int r;

	if (dev_up(t, &vq, 0, why))
		return -1;
	((struct virtio_blk_outhdr *)p->va)->type = VIRTIO_BLK_T_IN;
	desc_set(&vq.desc[0], p->gpa, 16, VRING_DESC_F_NEXT, 1);
	desc_set(&vq.desc[1], p->gpa + 512, 512, 0, 0);
	vq_push(&vq, 0);
	r = vq_wait_used(&vq, ANSWER_MS, &e);
	if (r != 1 || e.len != 0) {
		fail(why, "%s",
		     r < 0    ? "NEEDS_RESET for a well-formed chain"
		     : r == 0 ? "no answer"
			      : "used length not 0");
		return -1;
	}
	return good_request(t, &vq, 0, why);
}

/* A header of 8 bytes, then the status byte. */
static int blk_short_header(struct target *t, struct why *why)
{
	struct page *p = page_alloc();
	struct vring_used_elem e;
	struct vq vq;
	int r;

	if (dev_up(t, &vq, 0, why))
		return -1;
	p->va[16] = 0xff;
	desc_set(&vq.desc[0], p->gpa, 8, VRING_DESC_F_NEXT, 1);
	desc_set(&vq.desc[1], p->gpa + 16, 1, VRING_DESC_F_WRITE, 0);
	vq_push(&vq, 0);
	r = vq_wait_used(&vq, ANSWER_MS, &e);
	if (r != 1 || p->va[16] != VIRTIO_BLK_S_IOERR) {
		fail(why, "answer %d, status %u", r, p->va[16]);
		return -1;
	}
	return good_request(t, &vq, 0, why);
}

/*
 * Discard and write zeroes (finding 4).  The device advertises how many
 * segments a request may carry and how many sectors each may cover; a
 * request beyond either must be refused, at once, and not done.
 */
static int ranges(struct target *t, u32 type, bool too_many_segs,
		  struct why *why)
{
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	size_t off_sectors = discard ? offsetof(struct virtio_blk_config,
						max_discard_sectors)
				     : offsetof(struct virtio_blk_config,
						max_write_zeroes_sectors);
	size_t off_seg =
		discard ? offsetof(struct virtio_blk_config, max_discard_seg)
			: offsetof(struct virtio_blk_config,
				   max_write_zeroes_seg);
	static struct virtio_blk_discard_write_zeroes
		seg[(QSIZE - 2) * PAGE_SIZE / 16];
	u32 max_sectors, max_seg, count, over;
	u64 start = 2048; /* clear of the first MiB, which we read back */
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	max_sectors = cfg32(t, off_sectors);
	max_seg = cfg32(t, off_seg);
	/* One alignment unit too many, so that the range is wrong in that
	 * one way only. */
	over = cfg32(t, offsetof(struct virtio_blk_config,
				 discard_sector_alignment));
	over = max_sectors + (over ? over : 1);
	if (!max_sectors || !max_seg) {
		fail(why, "the disk advertises no %s limits",
		     discard ? "discard" : "write-zeroes");
		return -1;
	}
	count = too_many_segs ? max_seg + 1 : 1;
	if (count > ARRAY_SIZE(seg)) {
		fail(why, "max segments %u: more than we can send", max_seg);
		return -1;
	}
	if (!too_many_segs && capacity(t) < start + over) {
		fail(why, "disk of %llu sectors: too small to exceed %u",
		     (unsigned long long)capacity(t), max_sectors);
		return -1;
	}
	for (u32 i = 0; i < count; i++) {
		seg[i].sector = start + i * 8;
		seg[i].num_sectors = too_many_segs ? 8 : over;
		seg[i].flags = 0;
	}
	return blk_one(t, &vq, type, 0, seg, count * sizeof(seg[0]), S_ERR,
		       why);
}

static int discard_segs(struct target *t, struct why *why)
{
	return ranges(t, VIRTIO_BLK_T_DISCARD, true, why);
}

static int discard_sectors(struct target *t, struct why *why)
{
	return ranges(t, VIRTIO_BLK_T_DISCARD, false, why);
}

static int zeroes_segs(struct target *t, struct why *why)
{
	return ranges(t, VIRTIO_BLK_T_WRITE_ZEROES, true, why);
}

static int zeroes_sectors(struct target *t, struct why *why)
{
	return ranges(t, VIRTIO_BLK_T_WRITE_ZEROES, false, why);
}

static int discard_past_end(struct target *t, struct why *why)
{
	struct virtio_blk_discard_write_zeroes s = {0};
	struct vq vq;

	if (dev_up(t, &vq, 0, why))
		return -1;
	s.sector = capacity(t) - 8;
	s.num_sectors = 16;
	return blk_one(t, &vq, VIRTIO_BLK_T_DISCARD, 0, &s, sizeof(s), S_IOERR,
		       why);
}

/*
 * The network card and the rng: chains the device drops or hands back
 * unused (used length 0), after which the queue goes on.
 */
static int dropped(struct target *t, u64 addr, u32 len, u16 flags,
		   struct why *why)
{
	struct vring_used_elem e;
	struct vq vq;
	int r;

	if (dev_up(t, &vq, 0, why))
		return -1;
	desc_set(&vq.desc[0], addr, len, flags, 0);
	vq_push(&vq, 0);
	r = vq_wait_used(&vq, ANSWER_MS, &e);
	if (r != 1 || e.id != 0 || e.len != 0) {
		fail(why, "%s",
		     r < 0    ? "NEEDS_RESET for a well-formed chain"
		     : r == 0 ? "not handed back"
			      : "handed back with a used length");
		return -1;
	}
	return good_request(t, &vq, 0, why);
}

static int net_tx_empty(struct target *t, struct why *why)
{
	struct page *p = page_alloc();

	return dropped(t, p->gpa, 0, 0, why);
}

static int net_tx_short(struct target *t, struct why *why)
{
	struct page *p = page_alloc();

	return dropped(t, p->gpa, NET_HDR_LEN - 4, 0, why);
}

/* A header and 65 KiB of frame, past the 64 KiB an Ethernet frame with
 * segmentation offload may be: read from our page and whatever follows
 * it in RAM (or from 1 MiB on), and only if the device failed to drop
 * it. */
static int net_tx_long(struct target *t, struct why *why)
{
	struct page *p = page_alloc();
	u32 len = NET_HDR_LEN + 65 * 1024 + 1;

	/* Inside RAM, or it would break the ring instead. */
	return dropped(t, p->gpa + len <= ram_end ? p->gpa : 1 << 20, len, 0,
		       why);
}

/* A header the tap must refuse: checksum offsets past the frame, TCP
 * segmentation with a segment size of 0 and a header longer than the
 * packet. */
static int net_tx_bad_header(struct target *t, struct why *why)
{
	struct page *p = page_alloc();
	struct virtio_net_hdr *h = (struct virtio_net_hdr *)p->va;

	put_frame(p->va);
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	h->hdr_len = 0xffff;
	h->gso_size = 0;
	h->csum_start = 0xfff0;
	h->csum_offset = 0xfff0;
	return dropped(t, p->gpa, NET_HDR_LEN + FRAME_LEN, 0, why);
}

static int net_rx_tiny(struct target *t, struct why *why)
{
	struct page *p = page_alloc();

	return dropped(t, p->gpa, 4, VRING_DESC_F_WRITE, why);
}

static int net_rx_readable(struct target *t, struct why *why)
{
	struct page *p = page_alloc();

	return dropped(t, p->gpa, 1526, 0, why);
}

static int rng_readable(struct target *t, struct why *why)
{
	struct page *p = page_alloc();

	return dropped(t, p->gpa, 64, 0, why);
}

const struct hcase device_cases[] = {
	{"read-past-end", blk_read_past_end, R_VDA, NULL},
	{"read-across-end", blk_read_across_end, R_VDA, NULL},
	{"write-past-end", blk_write_past_end, R_VDA, NULL},
	{"sector-overflow", blk_sector_overflow, R_VDA, NULL},
	{"unknown-type", blk_unknown_type, R_VDA, NULL},
	{"partial-sector", blk_partial_sector, R_VDA, NULL},
	{"no-status-byte", blk_no_status, R_VDA, NULL},
	{"short-header", blk_short_header, R_VDA, NULL},
	{"discard-past-end", discard_past_end, R_VDA, NULL},
	{"discard-too-many-segments", discard_segs, R_VDA, "4"},
	{"discard-too-many-sectors", discard_sectors, R_VDA, "4"},
	{"write-zeroes-too-many-segments", zeroes_segs, R_VDA, "4"},
	{"write-zeroes-too-many-sectors", zeroes_sectors, R_VDA, "4"},
	{"tx-empty", net_tx_empty, R_NET, NULL},
	{"tx-short", net_tx_short, R_NET, NULL},
	{"tx-too-long", net_tx_long, R_NET, NULL},
	{"tx-bad-header", net_tx_bad_header, R_NET, NULL},
	{"rx-tiny-buffer", net_rx_tiny, R_NET_RX, NULL},
	{"rx-readable-buffer", net_rx_readable, R_NET_RX, NULL},
	{"readable-buffer", rng_readable, R_RNG, NULL},
};
const unsigned int device_ncases = ARRAY_SIZE(device_cases);
