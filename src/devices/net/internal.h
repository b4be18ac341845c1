/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the network card (src/devices/net/): the state its two threads
 * keep, each in a struct of its own, and the little they share.  The rx
 * thread owns struct net_rx, the tx thread struct net_tx; the tap's fd and
 * the offload flag are set up once and only read after.
 */
#ifndef LGUEST_DEVICES_NET_INTERNAL_H
#define LGUEST_DEVICES_NET_INTERNAL_H

#include "devices/net/net.h"

#define NET_QUEUE_SIZE	 256
#define NET_MAX_IOV	 NET_QUEUE_SIZE
#define NET_RX_CHAINS	 64 /* chains we hold for one packet */
#define NET_RX_IOV_SLACK 16 /* iovecs left for one more chain */

/* A receive chain we popped and hold until a packet comes. */
struct rx_chain {
	unsigned int head;
	unsigned int iov_start, iov_num; /* its writable buffers in iov[] */
	u32 cap;			 /* their bytes */
};

/* The receive thread's: the chains it holds, in ring order, and their
 * buffers in iov[], with one slot to spare for the spill buffer. */
struct net_rx {
	struct rx_chain chain[NET_RX_CHAINS];
	unsigned int chains, iov_used;
	size_t room; /* bytes in all of them */
	struct iovec iov[NET_MAX_IOV + 1];
	/* Where the part of a packet that did not fit the chains lands. */
	u8 spill[NET_HDR_LEN + NET_MAX_FRAME];
	u64 dropped;
};

/* The transmit thread's. */
struct net_tx {
	u64 dropped;
};

struct net {
	int fd;			 /* the tap: fixed at create() */
	bool is_tap;		 /* false for net_create_fd()'s stand-in */
	atomic_bool offload_set; /* since reset: see net_set_offload() */
	struct net_rx rx;
	struct net_tx tx;
};

/* The queues' service routines (rx.c, tx.c). */
void net_rx(struct virtqueue *vq);
void net_tx(struct virtqueue *vq);

/* Once per driver, from whichever queue thread starts first: tell the tap
 * which offloads the guest takes.  Queue threads. */
void net_set_offload(struct device *dev);

/* A frame dropped, or a buffer refused: one line in the guest's log
 * budget, "lguest: net0/rx: <what>".  Queue threads. */
void net_complain(struct virtqueue *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
