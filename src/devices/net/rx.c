// SPDX-License-Identifier: GPL-2.0
/*
 * The network card's receive side (virtio 1.2, section 5.1.6.3-4): frames
 * from the tap into the buffers the driver posted on queue 0, in its own
 * thread (net0/rx).  The thread owns struct net_rx.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_net.h>

#include "devices/net/internal.h"
#include "fdio.h"
#include "iov.h"
#include "log.h"

unsigned int net_rx_fill(const u32 *cap, unsigned int n, size_t len, u32 *used)
{
	unsigned int i = 0;

	do {
		if (i == n)
			break;
		used[i] = MIN(len, cap[i]);
		len -= used[i++];
	} while (len);
	return i;
}

/* How many bytes of chains to hold for a packet: the largest the tap may
 * hand us, given the offloads. */
static size_t rx_target(const struct device *dev)
{
	if (device_has_feature(dev, VIRTIO_NET_F_GUEST_TSO4) ||
	    device_has_feature(dev, VIRTIO_NET_F_GUEST_TSO6))
		return NET_HDR_LEN + NET_MAX_FRAME;
	return NET_HDR_LEN + ETH_FRAME_LEN + 4; /* a VLAN tag too */
}

/*
 * Take one more receive chain from the ring, sleeping for it if (wait).
 * Returns 1 if we hold one more, 0 if the ring had none (or only one too
 * long for us, handed back), negative to stop.
 */
static int rx_hold(struct net *net, struct virtqueue *vq, bool wait)
{
	struct net_rx *rx = &net->rx;
	struct iovec *iov = rx->iov + rx->iov_used;
	unsigned int max = NET_MAX_IOV - rx->iov_used;
	unsigned int out, in;
	size_t cap;

	for (;;) {
		int head = wait ? wait_for_vq_desc(vq, iov, max, &out, &in)
				: vq_pop(vq, iov, max, &out, &in);

		if (head == -EAGAIN || head == -E2BIG)
			return 0;
		if (head < 0)
			return head;
		/* 5.1.6.3.1: the driver "MUST add the receive buffers as
		 * device-writable"; readable ones we skip. */
		cap = iov_len(iov + out, in);
		if (cap >= NET_HDR_LEN) {
			memmove(iov, iov + out, in * sizeof(*iov));
			rx->chain[rx->chains++] = (struct rx_chain){
				.head = head,
				.iov_start = rx->iov_used,
				.iov_num = in,
				.cap = cap > UINT32_MAX ? UINT32_MAX : (u32)cap,
			};
			rx->iov_used += in;
			rx->room += cap;
			return 1;
		}
		rx->dropped++;
		net_complain(
			vq,
			"receive buffer of %zu bytes: no room for the header",
			cap);
		add_used(vq, head, 0);
	}
}

/* Room in our arrays for one more chain? */
static bool rx_can_hold(const struct net_rx *rx)
{
	return rx->chains < NET_RX_CHAINS &&
	       rx->iov_used + NET_RX_IOV_SLACK <= NET_MAX_IOV;
}

/*
 * Hold at least one chain, sleeping for it if need be, and with
 * MRG_RXBUF as many as the biggest packet could fill, if the ring has
 * them.  Returns 0, or negative to stop.
 */
static int rx_gather(struct net *net, struct virtqueue *vq)
{
	struct net_rx *rx = &net->rx;
	bool mrg = device_has_feature(vq->dev, VIRTIO_NET_F_MRG_RXBUF);
	int r;

	while (!rx->chains) {
		r = rx_hold(net, vq, true);
		if (r < 0)
			return r;
	}
	while (mrg && rx->room < rx_target(vq->dev) && rx_can_hold(rx)) {
		r = rx_hold(net, vq, false);
		if (r <= 0)
			return r; /* 0: none, but we have one; that will do */
	}
	return 0;
}

/*
 * A packet of (len) bytes filled every chain we held, (have) bytes, and
 * the rest went to the spill buffer.  With MRG_RXBUF more chains can take
 * it: wait for the Guest to post them, and copy the rest in.  Returns 0
 * when the packet is whole in the chains, -ENOBUFS when it cannot be
 * (no MRG_RXBUF, or more chains than we hold at once), or negative to
 * stop.
 */
static int rx_unspill(struct net *net, struct virtqueue *vq, size_t have,
		      size_t len)
{
	struct net_rx *rx = &net->rx;
	unsigned int from = rx->iov_used;
	int r;

	if (!device_has_feature(vq->dev, VIRTIO_NET_F_MRG_RXBUF))
		return -ENOBUFS;
	while (rx->room < len) {
		if (!rx_can_hold(rx))
			return -ENOBUFS;
		r = rx_hold(net, vq, true);
		if (r < 0)
			return r;
	}
	iov_fill(rx->iov + from, rx->iov_used - from, rx->spill, len - have);
	return 0;
}

/* Forget the first (k) chains, used. */
static void rx_forget(struct net_rx *rx, unsigned int k)
{
	unsigned int shift =
		k < rx->chains ? rx->chain[k].iov_start : rx->iov_used;

	for (unsigned int i = 0; i < k; i++)
		rx->room -= rx->chain[i].cap;
	rx->chains -= k;
	memmove(rx->chain, rx->chain + k, rx->chains * sizeof(rx->chain[0]));
	for (unsigned int i = 0; i < rx->chains; i++)
		rx->chain[i].iov_start -= shift;
	rx->iov_used -= shift;
	memmove(rx->iov, rx->iov + shift, rx->iov_used * sizeof(rx->iov[0]));
}

/* 5.1.6.4: "the device MUST set num_buffers" to the chains used. */
static void set_num_buffers(struct net_rx *rx, unsigned int k)
{
	struct iovec iov[NET_MAX_IOV];
	unsigned int n = rx->chain[0].iov_num;
	__le16 num = htole16(k);

	memcpy(iov, rx->iov, n * sizeof(iov[0]));
	iov_consume(iov, n, NULL,
		    offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers));
	iov_fill(iov, n, &num, sizeof(num));
}

/*
 * Read one packet from the tap straight into the chains we hold.  Returns
 * 1 for a packet (delivered or dropped), 0 when the tap has none,
 * -EPIPE when the tap is gone for good, or another negative to stop.
 */
static int rx_receive(struct net *net, struct virtqueue *vq)
{
	struct net_rx *rx = &net->rx;
	bool mrg = device_has_feature(vq->dev, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int n = mrg ? rx->chains : 1, k;
	unsigned int niov = mrg ? rx->iov_used : rx->chain[0].iov_num;
	size_t have = mrg ? rx->room : rx->chain[0].cap;
	u32 cap[NET_RX_CHAINS], used[NET_RX_CHAINS];
	ssize_t r;
	int e;

	/* Past the chains, the spill buffer: a packet bigger than what the
	 * Guest gave us is not cut short where we cannot tell. */
	rx->iov[niov] = (struct iovec){rx->spill, sizeof(rx->spill)};
	/* The tap blocks: we sleep in readv() itself, one system call a
	 * frame, and a reset wakes us with a signal (worker.h). */
	while ((r = readv(net->fd, rx->iov, niov + 1)) < 0 && errno == EINTR)
		if (efd_pending(vq->stop_fd))
			return -ESHUTDOWN;
	if (r < 0 && errno == EAGAIN)
		return 0; /* a tap that does not block (the unit tests') */
	if (r <= 0) {
		warn("%s/rx: %s: receiving stops until reset", vq->dev->name,
		     r ? strerror(errno) : "the tap closed");
		return -EPIPE;
	}
	if (r < NET_HDR_LEN) {
		rx->dropped++;
		net_complain(vq, "dropped: %zd-byte packet", r);
		return 1;
	}
	if ((size_t)r > have) {
		e = rx_unspill(net, vq, have, r);
		if (e == -ENOBUFS) {
			rx->dropped++;
			net_complain(vq,
				     "dropped: %zd-byte packet, %zu bytes of "
				     "buffers",
				     r, mrg ? rx->room : have);
			return 1;
		}
		if (e < 0)
			return e;
		n = rx->chains;
	}
	for (unsigned int i = 0; i < n; i++)
		cap[i] = rx->chain[i].cap;
	k = net_rx_fill(cap, n, r, used);
	set_num_buffers(rx, k);
	for (unsigned int i = 0; i < k; i++)
		add_used(vq, rx->chain[i].head, used[i]);
	rx_forget(rx, k);
	return 1;
}

/*L:530
 * The network card's receive side is where two things must meet, as on
 * the console: a frame from the tap and a buffer from the Guest, and
 * neither thread may spin while it waits for the other.  So we take the
 * Guest's buffer first, sleeping on its kicks inside wait_for_vq_desc()
 * while there is none, and only then look at the tap: if it has nothing
 * we keep the buffer and sleep on the tap instead.  When a frame comes,
 * readv() puts it straight into the Guest's buffer.
 *
 * With VIRTIO_NET_F_MRG_RXBUF the Guest posts small buffers, a page or
 * so, but a segmentation offload can hand it 64 KiB at once.  So we hold
 * as many buffers as the biggest frame could fill, read across all of
 * them, and tell the Guest in the header's num_buffers how many the frame
 * took.  The ones it did not take wait for the next frame: a popped
 * buffer cannot be pushed back.  If the ring ran short, what did not fit
 * lands in a spill buffer of ours, and we wait for the Guest to post
 * more: a frame is delivered whole or dropped and counted, never cut.
 *
 * We sleep in readv() on the tap itself, so a frame costs one system call
 * to receive and, if the Guest wants to hear of it, one to interrupt.  We
 * ask after every frame: with event idx, a Guest busy polling its ring
 * (Linux's NAPI) says it does not, and the question costs nothing. :*/
void net_rx(struct virtqueue *vq)
{
	struct net *net = vq->dev->priv;
	int r;

	net_set_offload(vq->dev);
	for (;;) {
		if (rx_gather(net, vq) < 0)
			return;
		r = rx_receive(net, vq);
		if (r == -EPIPE)
			break;
		if (r < 0)
			return;
		trigger_irq(vq);
		if (!r && fd_wait(net->fd, POLLIN, vq->stop_fd) < 0)
			return;
	}
	/* The tap failed: wait for the reset, without spinning. */
	trigger_irq(vq);
	while (fd_wait(vq->stop_fd, POLLIN, vq->stop_fd) != -ESHUTDOWN)
		;
}
