// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the network card's two queues (src/devices/net/rx.c and
 * tx.c, virtio 1.2 section 5.1.6) against a driver made of fuzz input,
 * with a SOCK_SEQPACKET socket pair for the tap (net_create_fd(), as in
 * tests/unit/test_net.c).  The driver is a good one (fuzz_queue.c plays
 * the bad ones): it never reuses a descriptor or a buffer the device
 * holds.  What it fuzzes is the shape of things: transmit chains of any
 * length and cut, few buffers or hundreds, indirect or not; receive chains
 * of any layout; packets of any size; with and without MRG_RXBUF.  The
 * service routines run in this thread with their stop eventfd signalled:
 * each runs until it would sleep, and returns, so a run is deterministic.
 *
 * What we check: every chain is used once, within its writable buffers
 * (transmit: 0), and nothing is written outside them; every frame the
 * driver sends reaches the tap whole and in order, unless it is no frame
 * (under the header, over 64 KiB, or more buffers than the device takes);
 * every packet from the tap reaches the driver whole, in order, in full
 * chains but the last, num_buffers saying how many; or is dropped and
 * counted; or, with MRG_RXBUF, a stop caught it waiting for buffers (at
 * most one each time a routine returns: with a thread, that is a reset).
 * Without MRG_RXBUF each packet goes where 5.1.6.4 says: into the next
 * chain that holds a header, or dropped if it does not fit there.
 * Built with tests/fuzz/replay.c it is a plain program replaying the files
 * it is given (tests/fuzz/run replay).
 *
 * Input: two header bytes, then 8-byte steps to the end:
 *	byte 0	bit 0: MRG_RXBUF, bit 1: GUEST_TSO4 (receive chains held for
 *		64 KiB), bit 2: EVENT_IDX
 *	byte 1	queue sizes: receive 1 << ((b & 15) % 9), transmit 1 <<
 *		((b >> 4) % 9)
 *	step	(op)[0] % OP_COUNT one of enum op below.
 * After the last step both queues run until neither moves.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/virtio_net.h>

#include "devices/net/internal.h"
#include "fake_driver.h"
#include "fdio.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define MAX_PACKET (NET_HDR_LEN + NET_MAX_FRAME) /* a tap gives no more */
#define GUARD	   16 /* canary bytes after every buffer */
#define MAX_CHAINS 1024
#define MAX_BUFS   16384
#define MAX_PKTS   1024
#define TX_FRAMES  8	       /* in the socket at once: under its queue */
#define TX_BYTES   (160 * KiB) /* length limit and its send buffer */
#define FEW_BUFS   16	       /* the receive side takes at least this many */

enum op {
	OP_RX_POST, /* post receive chains: see rx_post() */
	OP_TX_POST, /* post transmit chains: see tx_post() */
	OP_SEND,    /* the tap has packets: see send_packets() */
	OP_RUN,	    /* run a queue (transmit if (op)[1] & 2), kicked if & 1 */
	OP_HINTS,   /* set a queue's hints: see hints() */
	OP_COUNT
};

/* A chain the driver posted, and what it knows of it. */
struct chain {
	u16 head;
	u16 ndesc;	  /* descriptors it took in the ring */
	u32 first, nbufs; /* its buffers: bufs[first..first + nbufs) */
	u32 n_out;	  /* the readable ones come first */
	u64 out_len, in_len;
	bool used, frame; /* transmit: a frame that must reach the tap */
	u8 *base;	  /* where the first buffer is in our RAM */
};

/* One queue as the driver keeps it. */
struct queue {
	struct fake_driver d;
	struct chain chain[MAX_CHAINS];
	unsigned int nchains, oldest; /* oldest: the first not used yet */
	/* What chains [oldest, nchains) hold, kept as they come and go:
	 * descriptors, and (transmit) frames and their bytes. */
	unsigned int held_desc, held_frames;
	u64 held_bytes;
	u16 by_head[NET_QUEUE_SIZE]; /* 1 + the chain not used yet at a head */
	u16 used_seen;
	unsigned int calls; /* service routine runs */
};

static struct device dev;
static struct queue rx, tx;
static int peer = -1; /* the host's end of the fake tap */
static bool mrg, hinted;
static struct fd_buf bufs[MAX_BUFS];
static unsigned int nbufs;
static u32 pkt_size[MAX_PKTS];
static int pkt_chain[MAX_PKTS]; /* receive chain it went to, or -1 */
static unsigned int sent, delivered, refused, frame_left, frame_k;
static u8 frame[MAX_PACKET + 8];
static u32 frame_len;
static unsigned int tx_next_frame; /* the chain whose frame comes next */

static u16 arg16(const u8 *a)
{
	return a[0] | a[1] << 8;
}

/* The bytes of transmit frame or tap packet number (seq): a run of noise
 * that starts somewhere of its own, so filling and checking a buffer is a
 * memcpy() and a memcmp(). */
static const u8 *pattern(u32 seq)
{
	static u8 noise[65537 + 192 * KiB];
	static bool made;
	u32 x = 1;

	for (size_t i = 0; !made && i < sizeof(noise); i++)
		noise[i] = (x = x * 1103515245 + 12345) >> 16;
	made = true;
	return noise + seq * 7919u % 65537;
}

/* We only post buffers inside RAM. */
static u8 *ram(struct queue *q, u64 gpa, u64 len)
{
	u8 *p = fd_ptr(&q->d, gpa, len);

	return p ? p : (abort(), NULL);
}

/* Where buffer (b) of chain (c) is: a chain's buffers are one stretch of
 * RAM, so one look-up serves them all (chains have hundreds). */
static u8 *buf_ptr(const struct chain *c, struct fd_buf b)
{
	return c->base + (b.addr - bufs[c->first].addr);
}

/* GUARD bytes of 0xcc at (p)?  Two loads, not a memcmp() call. */
static bool guarded(const u8 *p)
{
	u64 a, b;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	return a == 0xccccccccccccccccULL && b == 0xccccccccccccccccULL;
}

/*
 * Post a chain of (n_out) readable and (n_in) writable buffers of (len)[]
 * bytes, each followed by GUARD canary bytes; readable ones hold (seq)'s
 * pattern (transmit) or 0x5a, writable ones 0xee.  Returns it, or NULL if
 * the driver has no room left for it (ring, RAM or our tables): a good
 * driver waits then, and so do we.
 */
static struct chain *post(struct queue *q, unsigned int n_out,
			  unsigned int n_in, const u32 *len, bool indirect,
			  u32 seq)
{
	unsigned int n = n_out + n_in, ndesc = indirect ? 1 : n;
	struct fd_buf b[512];
	struct chain *c = &q->chain[q->nchains];
	u64 need = indirect ? 16ULL * n + 16 : 0, pos = 0, at;
	int head;

	/* Descriptors go round in turn: those from the oldest chain not yet
	 * used on may still be the device's.  So the heads of those chains
	 * differ too. */
	ndesc += q->held_desc;
	for (unsigned int k = 0; k < n; k++)
		need += len[k] + GUARD + 16;
	if (!n || n > ARRAY_SIZE(b) || q->nchains == MAX_CHAINS ||
	    nbufs + n > MAX_BUFS || ndesc > q->d.num ||
	    need > q->d.mem.low_size - q->d.data_next)
		return NULL;
	*c = (struct chain){.first = nbufs, .nbufs = n, .n_out = n_out};
	/* The buffers where fd_alloc() would put them one by one, 16-byte
	 * aligned, taken from it at once. */
	at = ALIGN_UP(q->d.data_next, 16);
	for (unsigned int k = 0; k < n; k++) {
		b[k] = (struct fd_buf){at, len[k]};
		at = ALIGN_UP(at + len[k] + GUARD, 16);
	}
	at = b[n - 1].addr + len[n - 1] + GUARD - b[0].addr;
	if (fd_alloc(&q->d, at) != b[0].addr)
		abort(); /* we made room for it */
	c->base = ram(q, b[0].addr, at);
	memcpy(bufs + nbufs, b, n * sizeof(b[0]));
	nbufs += n;
	for (unsigned int k = 0; k < n_out; k++) {
		u8 *p = buf_ptr(c, b[k]);

		if (q == &rx)
			memset(p, 0x5a, len[k]);
		else
			memcpy(p, pattern(seq) + pos, len[k]);
		memset(p + len[k], 0xcc, GUARD);
		pos += len[k];
	}
	for (unsigned int k = n_out; k < n; k++) {
		u8 *p = buf_ptr(c, b[k]);

		memset(p, 0xee, len[k]);
		memset(p + len[k], 0xcc, GUARD);
		c->in_len += len[k];
	}
	c->out_len = pos;
	head = indirect ? fd_add_indirect(&q->d, b, n_out, b + n_out, n_in)
			: fd_add_chain(&q->d, b, n_out, b + n_out, n_in);
	if (head < 0)
		abort(); /* we made room for it */
	c->head = head;
	c->ndesc = indirect ? 1 : n;
	q->by_head[head] = ++q->nchains;
	q->held_desc += c->ndesc;
	return c;
}

/* Chain (id) was used with (len): find it, check that the device left it
 * as it must (each buffer's guard intact, the readable bytes as posted,
 * and on the transmit side the writable ones too), and mark it. */
static struct chain *use(struct queue *q, u32 id, u32 len)
{
	static u8 ee[64 * KiB], five_a[64 * KiB];
	struct chain *c = NULL;
	u64 pos = 0;

	if (!ee[0]) {
		memset(ee, 0xee, sizeof(ee));
		memset(five_a, 0x5a, sizeof(five_a));
	}
	if (id < ARRAY_SIZE(q->by_head) && q->by_head[id])
		c = &q->chain[q->by_head[id] - 1];
	if (!c || len > c->in_len)
		abort(); /* not ours to use, or longer than its buffers */
	q->by_head[id] = 0;
	/* Written past a buffer, or where we only read? */
	for (u32 k = 0; k < c->n_out; k++) {
		struct fd_buf b = bufs[c->first + k];
		const u8 *p = buf_ptr(c, b);
		const u8 *want =
			q == &rx ? five_a : pattern(c - tx.chain) + pos;

		if (!guarded(p + b.len) || memcmp(p, want, b.len))
			abort();
		pos += b.len;
	}
	for (u32 k = c->n_out; k < c->nbufs; k++) {
		struct fd_buf b = bufs[c->first + k];
		const u8 *p = buf_ptr(c, b);

		if (!guarded(p + b.len) || (q == &tx && memcmp(p, ee, b.len)))
			abort();
	}
	c->used = true;
	for (; q->oldest < q->nchains && q->chain[q->oldest].used;
	     q->oldest++) {
		const struct chain *o = &q->chain[q->oldest];

		q->held_desc -= o->ndesc;
		q->held_frames -= o->frame;
		q->held_bytes -= o->frame ? o->out_len : 0;
	}
	return c;
}

/*
 * Transmit chains: (op)[1] % 5 readable buffers, (op)[2] % 3 writable;
 * the first readable one (op)[3] % 32 bytes (the header, whole or cut
 * anywhere), the k-th after it (op)[4..5] >> (k - 1) bytes; behind an
 * indirect descriptor if (op)[6] & 1; if (op)[6] & 2, instead (op)[3] +
 * 200 readable buffers of (op)[4] % 64 bytes (over 256: too many for the
 * device).  (op)[7] % 4 + 1 such chains.
 */
static void tx_post(const u8 *op)
{
	bool many = op[6] & 2;
	unsigned int n_out = many ? op[3] + 200u : op[1] % 5u;
	unsigned int n_in = many ? 0 : op[2] % 3u;
	u32 len[512];
	u64 out = 0;

	for (unsigned int k = 0; k < n_out + n_in; k++) {
		len[k] = many ? op[4] % 64u
			 : k  ? (u32)arg16(op + 4) >> (k - 1)
			      : op[3] % 32u;
		out += k < n_out ? len[k] : 0;
	}
	for (unsigned int r = 0; r <= op[7] % 4u; r++) {
		bool is_frame = n_out + n_in <= NET_MAX_IOV &&
				out >= NET_HDR_LEN && out <= MAX_PACKET;
		struct chain *c;

		/* Never more in flight than the socket takes at once, so
		 * the device never waits on it. */
		if (is_frame && (tx.held_frames == TX_FRAMES ||
				 tx.held_bytes + out > TX_BYTES))
			return;
		c = post(&tx, n_out, n_in, len, op[6] & 1, tx.nchains);
		if (!c)
			return;
		c->frame = is_frame;
		tx.held_frames += is_frame;
		tx.held_bytes += is_frame ? out : 0;
	}
}

/*
 * Receive chains: (op)[1] % 3 readable buffers (which the device skips),
 * (op)[2] % 5 writable ones, the k-th (op)[3..4] >> k bytes; indirect if
 * (op)[5] & 1; if (op)[5] & 2, instead (op)[3] + 17 writable buffers of
 * (op)[4] % 64 + 1 bytes each.  (op)[6] % 8 + 1 such chains.  A chain too
 * short for the header has few buffers, so that the device's reason to
 * give it back unused is plain (see rx_collect()).
 */
static void rx_post(const u8 *op)
{
	bool many = op[5] & 2;
	unsigned int n_out = many ? 0 : op[1] % 3u;
	unsigned int n_in = many ? op[3] + 17u : op[2] % 5u;
	u32 len[512];

	for (unsigned int k = 0; k < n_out + n_in; k++)
		len[k] = many ? op[4] % 64u + 1 : (u32)arg16(op + 3) >> k;
	for (unsigned int r = 0; r <= op[6] % 8u; r++)
		if (!post(&rx, n_out, n_in, len, op[5] & 1, 0))
			return;
}

/* The tap has (op)[3] % 4 + 1 packets of (op)[1..2] + ((op)[4] & 1) *
 * 64 KiB, % MAX_PACKET, + 1 bytes (a packet of 0 would read as the tap
 * closing).  One the socket will not take now is not sent. */
static void send_packets(const u8 *op)
{
	static u8 buf[MAX_PACKET];
	u32 len = (arg16(op + 1) + (op[4] & 1) * 64 * KiB) % MAX_PACKET + 1;

	for (unsigned int r = 0; r <= op[3] % 4u && sent < MAX_PKTS; r++) {
		memcpy(buf, pattern(sent), len);
		memcpy(buf, &sent, MIN(len, 4)); /* which packet it is */
		if (send(peer, buf, len, 0) != (ssize_t)len)
			return;
		pkt_chain[sent] = -1;
		pkt_size[sent++] = len;
	}
}

/* A whole frame arrived in (frame_k) chains: it is packet number (bytes
 * 0..3), whole, after the last one. */
static void check_frame(int chain)
{
	static unsigned int last;
	u32 seq;
	u16 num;

	memcpy(&seq, frame, 4);
	memcpy(&num, frame + 10, 2);
	if (seq >= sent || (delivered && seq <= last) ||
	    frame_len != pkt_size[seq] || le16toh(num) != frame_k ||
	    memcmp(frame + 4, pattern(seq) + 4, 6) ||
	    memcmp(frame + 12, pattern(seq) + 12, frame_len - 12))
		abort();
	last = seq;
	pkt_chain[seq] = chain;
	delivered++;
}

/* The receive queue's new used entries: chains given back empty, or the
 * pieces of whole frames. */
static void rx_collect(void)
{
	while (rx.used_seen != fd_used_idx(&rx.d)) {
		struct vring_used_elem e = fd_used(&rx.d, rx.used_seen++);
		struct chain *c = use(&rx, e.id, e.len);
		u32 n = e.len;
		u8 *to;

		if (!e.len) {
			/* No room for the header, or (only when holding
			 * others) more buffers than the device takes. */
			if (frame_left ||
			    (c->in_len >= NET_HDR_LEN && c->nbufs <= FEW_BUFS))
				abort();
			refused += c->in_len < NET_HDR_LEN;
			continue;
		}
		if (!frame_left)
			frame_len = 0; /* a frame's first chain: the header */
		if ((!frame_left && e.len < NET_HDR_LEN) ||
		    e.len > MAX_PACKET - frame_len)
			abort();
		to = frame + frame_len;
		for (u32 k = c->n_out; k < c->nbufs && n; k++) {
			struct fd_buf b = bufs[c->first + k];
			u32 m = MIN(n, b.len);

			memcpy(to, buf_ptr(c, b), m);
			to += m;
			n -= m;
		}
		if (!frame_left) {
			u16 num;

			/* 5.1.6.4: num_buffers says how many chains it took. */
			memcpy(&num, frame + 10, 2);
			frame_k = frame_left = le16toh(num);
			if (!frame_k || (!mrg && frame_k != 1))
				abort();
		}
		frame_len += e.len;
		/* Every chain but a frame's last is filled. */
		if (--frame_left && e.len != c->in_len)
			abort();
		if (!frame_left)
			check_frame(c - rx.chain);
	}
	if (frame_left)
		abort(); /* a frame's chains are used together */
}

/* The transmit queue's new used entries, in the order posted, and the
 * frames on the tap, in the same order. */
static void tx_collect(void)
{
	static u8 buf[MAX_PACKET + 1];
	ssize_t r;

	while (tx.used_seen != fd_used_idx(&tx.d)) {
		struct vring_used_elem e = fd_used(&tx.d, tx.used_seen++);

		if (e.len)
			abort(); /* 5.1.6.2.1: the device writes nothing */
		use(&tx, e.id, 0);
	}
	while ((r = recv(peer, buf, sizeof(buf), 0)) >= 0) {
		const struct chain *c;

		while (tx_next_frame < tx.nchains &&
		       !tx.chain[tx_next_frame].frame)
			tx_next_frame++;
		if (tx_next_frame == tx.nchains)
			abort(); /* a frame nobody sent */
		c = &tx.chain[tx_next_frame];
		if (!c->used || (u64)r != c->out_len ||
		    memcmp(buf, pattern(tx_next_frame), r))
			abort();
		tx_next_frame++;
	}
}

/* Run (q)'s service routine until it would sleep. */
static void serve(struct queue *q, bool kick)
{
	if (kick)
		fd_kick(&q->d);
	efd_signal(q->d.vq.stop_fd);
	net_type.service[q == &tx](&q->d.vq);
	efd_drain(q->d.vq.stop_fd);
	q->calls++;
	if (q == &rx)
		rx_collect();
	else
		tx_collect();
}

/* The driver's hints on the receive queue (the transmit one if (op)[1] &
 * 1): used_event (op)[2..3], NO_INTERRUPT if (op)[4] & 1. */
static void hints(const u8 *op)
{
	struct queue *q = op[1] & 1 ? &tx : &rx;

	fd_set_used_event(&q->d, arg16(op + 2));
	fd_set_avail_flags(&q->d, op[4] & 1);
	hinted = true;
}

static void run(const u8 *op)
{
	serve(op[1] & 2 ? &tx : &rx, op[1] & 1);
}

static void (*const step[OP_COUNT])(const u8 *op) = {
	[OP_RX_POST] = rx_post,	  [OP_TX_POST] = tx_post,
	[OP_SEND] = send_packets, [OP_RUN] = run,
	[OP_HINTS] = hints,
};

/* Run both queues until neither moves, twice in a row: a routine may
 * return early once a ring's worth of chains went by without a sleep
 * (wait_for_vq_desc() looks at stop then), and go on the next time. */
static void run_dry(void)
{
	struct net *net = dev.priv;
	unsigned int still = 0;

	for (int i = 0; i < 1000 && still < 2; i++) {
		u16 r = rx.used_seen, t = tx.used_seen;
		u64 dropped = net->rx.dropped;
		int queued = -1, now = -1;

		ioctl(net->fd, FIONREAD, &queued);
		serve(&tx, false);
		serve(&rx, false);
		ioctl(net->fd, FIONREAD, &now);
		if (r == rx.used_seen && t == tx.used_seen &&
		    dropped == net->rx.dropped && queued == now)
			still++;
		else
			still = 0;
	}
	if (still < 2)
		abort(); /* a queue that never settles */
}

/* Without MRG_RXBUF the fate of every packet is plain (5.1.6.3-4): the
 * next receive chain with room for a header takes it if it fits, and it
 * is dropped if it does not; with no such chain, it waits in the tap.
 * Returns how many it drops. */
static unsigned int check_plain(unsigned int consumed)
{
	unsigned int ci = 0, drops = 0;

	for (unsigned int seq = 0; seq < consumed; seq++) {
		const struct chain *c;

		while (ci < rx.nchains && (rx.chain[ci].in_len < NET_HDR_LEN ||
					   rx.chain[ci].nbufs > NET_MAX_IOV))
			ci++;
		if (ci == rx.nchains)
			abort(); /* taken from the tap with nowhere to go */
		c = &rx.chain[ci];
		if (pkt_size[seq] < NET_HDR_LEN || pkt_size[seq] > c->in_len) {
			if (pkt_chain[seq] != -1)
				abort();
			drops++;
		} else if (pkt_chain[seq] != (int)ci++) {
			abort();
		}
	}
	return drops;
}

/* The end of an input: every transmit chain used and its frame sent;
 * every packet from the tap delivered, dropped and counted, still in the
 * tap, or (MRG_RXBUF) caught by a stop. */
static void check_end(void)
{
	struct net *net = dev.priv;
	unsigned int remaining = 0, consumed, dropped;
	static u8 buf[MAX_PACKET + 1];
	static u32 left[MAX_PKTS];
	ssize_t r;

	run_dry();
	if (tx.oldest != tx.nchains)
		abort();
	while (tx_next_frame < tx.nchains && !tx.chain[tx_next_frame].frame)
		tx_next_frame++;
	if (tx_next_frame != tx.nchains)
		abort(); /* a frame that never came */
	/* What is left in the tap is the last of what was sent. */
	while ((r = recv(net->fd, buf, sizeof(buf), 0)) >= 0) {
		if (remaining == sent)
			abort();
		left[remaining++] = r;
	}
	consumed = sent - remaining;
	for (unsigned int k = 0; k < remaining; k++)
		if (left[k] != pkt_size[consumed + k])
			abort();
	for (unsigned int seq = consumed; seq < sent; seq++)
		if (pkt_chain[seq] != -1)
			abort();
	if (net->rx.dropped < refused)
		abort();
	dropped = net->rx.dropped - refused;
	if (delivered + dropped > consumed)
		abort();
	if (!mrg && dropped != check_plain(consumed))
		abort();
	if (consumed - delivered - dropped > (mrg ? rx.calls : 0))
		abort(); /* lost, and not to a stop */
	if (!hinted && ((rx.used_seen && !rx.d.interrupts) ||
			(tx.used_seen && !tx.d.interrupts)))
		abort(); /* used, and the driver never heard */
}

/* (q)'s fake RAM, (size) bytes: one zeroed block for all inputs, which
 * queue_free() leaves zeroed again. */
static void *queue_ram(struct queue *q, size_t size)
{
	static void *ram[2];
	void **r = &ram[q == &tx];

	if (!*r && !(*r = calloc(1, size)))
		abort();
	return *r;
}

/* (q) as a driver starts it, on a ring as (cfg) says. */
static void queue_init(struct queue *q, struct fd_config *cfg)
{
	cfg->ram = queue_ram(q, cfg->ram_size);
	if (fd_init(&q->d, cfg))
		abort();
	q->d.vq.dev = &dev;
	q->nchains = q->oldest = q->held_desc = q->held_frames = 0;
	q->held_bytes = 0;
	memset(q->by_head, 0, sizeof(q->by_head));
	q->used_seen = 0;
	q->calls = 0;
}

/* (q)'s RAM back to all zeros for the next input: the rings, and all that
 * fd_alloc() handed out, which post() never lets wrap round.  Nothing
 * else writes to it: the device writes to the used ring and the buffers,
 * and what it must not write there the guards and checks catch. */
static void queue_free(struct queue *q)
{
	memset(q->d.mem.base, 0, MIN(q->d.data_high, q->d.mem.map_size));
	fd_free(&q->d);
}

static void setup(const u8 *hdr)
{
	static const u8 mac[ETH_ALEN] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	u64 ring = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	struct fd_config rc = {.ram_size = 2 * MiB, .num_max = NET_QUEUE_SIZE};
	struct fd_config tc = {.ram_size = 1 * MiB, .num_max = NET_QUEUE_SIZE};
	int sv[2], big = 2 * TX_BYTES;
	char err[128];

	mrg = hdr[0] & 1;
	memset(&dev, 0, sizeof(dev));
	dev.type = &net_type;
	snprintf(dev.name, sizeof(dev.name), "net0");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) ||
	    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)) ||
	    net_create_fd(&dev, sv[0], mac, err, sizeof(err)))
		abort();
	peer = sv[1];
	dev.driver_features = 1ULL << VIRTIO_F_VERSION_1;
	if (mrg)
		dev.driver_features |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (hdr[0] & 2)
		dev.driver_features |= 1ULL << VIRTIO_NET_F_GUEST_TSO4;
	if (hdr[0] & 4)
		ring |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	rc.num = 1u << ((hdr[1] & 15) % 9);
	tc.num = 1u << ((hdr[1] >> 4) % 9);
	rc.features = tc.features = ring;
	queue_init(&rx, &rc);
	queue_init(&tx, &tc);
	snprintf(rx.d.vq.name, sizeof(rx.d.vq.name), "net0/rx");
	snprintf(tx.d.vq.name, sizeof(tx.d.vq.name), "net0/tx");
	tx.d.vq.index = 1;
	hinted = false;
	nbufs = sent = delivered = refused = frame_left = tx_next_frame = 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	if (size < 2)
		return 0;
	setup(data);
	for (size_t off = 2; off + 8 <= size; off += 8)
		step[data[off] % OP_COUNT](data + off);
	check_end();
	net_type.destroy(&dev);
	close(peer);
	queue_free(&rx);
	queue_free(&tx);
	return 0;
}
