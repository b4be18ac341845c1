// SPDX-License-Identifier: GPL-2.0
/*
 * The network card's transmit side (virtio 1.2, section 5.1.6.2): frames
 * the driver puts on queue 1 go to the tap, whole, in its own thread
 * (net0/tx).  The thread owns struct net_tx.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "devices/net/internal.h"
#include "fdio.h"
#include "iov.h"

const char *net_tx_check(const struct iovec *iov, unsigned int out_num)
{
	size_t len = iov_len(iov, out_num);

	/* 5.1.6.2: the driver sends "the header and packet", so anything
	 * shorter than the header is not a packet at all. */
	if (len == 0)
		return "empty chain";
	if (len < NET_HDR_LEN)
		return "chain shorter than the 12-byte header";
	if (len > NET_HDR_LEN + NET_MAX_FRAME)
		return "frame longer than 64 KiB";
	return NULL;
}

/* Write one frame, header and all; -ESHUTDOWN if stopped meanwhile. */
static int tx_send(struct net *net, struct virtqueue *vq,
		   const struct iovec *iov, unsigned int out)
{
	for (;;) {
		ssize_t w = writev(net->fd, iov, out);
		int e;

		if (w >= 0)
			return 0;
		e = errno;
		if (e == EINTR && efd_pending(vq->stop_fd))
			return -ESHUTDOWN;
		if (e == EINTR)
			continue;
		if (e == EAGAIN) {
			e = fd_wait(net->fd, POLLOUT, vq->stop_fd);
			if (e == -ESHUTDOWN)
				return e;
			if (!e)
				continue;
			e = -e;
		}
		net->tx.dropped++;
		net_complain(vq, "tap write failed: %s", strerror(e));
		return 0;
	}
}

/*
 * Queue service routines.
 */

/*L:535
 * Transmitting is the easy half: each chain the guest offers is one frame,
 * header first, and the tap takes it whole with one writev().  The tap
 * reads the virtio-net header itself, so checksum and segmentation
 * offloads go straight to the host's network stack.  A tap that is full
 * makes us wait (watching stop); a chain that cannot be a frame is
 * dropped and handed back. :*/
void net_tx(struct virtqueue *vq)
{
	struct net *net = vq->dev->priv;
	struct iovec iov[NET_MAX_IOV];
	unsigned int out, in;
	const char *why;
	int head;

	net_set_offload(vq->dev);
	while ((head = wait_for_vq_desc(vq, iov, NET_MAX_IOV, &out, &in)) >=
	       0) {
		why = net_tx_check(iov, out);
		if (why) {
			net->tx.dropped++;
			net_complain(vq, "dropped: %s", why);
		} else if (tx_send(net, vq, iov, out) == -ESHUTDOWN) {
			return;
		}
		/* 5.1.6.2.1: the device reads; it writes nothing back. */
		add_used(vq, head, 0);
	}
}
