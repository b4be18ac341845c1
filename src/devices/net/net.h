/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio network card (src/devices/net/): its type, for the device
 * table, and its pure pieces for the unit tests (tests/unit/test_net.c):
 * the transmit chain check and the receive split.  Its option is
 * devices/net/option.h's.
 */
#ifndef LGUEST_DEVICES_NET_NET_H
#define LGUEST_DEVICES_NET_NET_H

#include <stddef.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/if_ether.h>

#include "types.h"
#include "virtio/device.h"

/* --tunnet=IPADDR[/NN][:MAC] | bridge:BRNAME[:MAC] | tap:NAME[:MAC]. */
extern const struct device_type net_type;

/* The header before every frame, both ways: 12 bytes with VERSION_1. */
#define NET_HDR_LEN 12

/* The largest frame: 64 KiB of GSO payload and an Ethernet header. */
#define NET_MAX_FRAME (64 * KiB + ETH_HLEN)

/*
 * Why the transmit chain of readable buffers (iov)[0..(out_num)-1] (guest
 * lengths) cannot go to the tap: NULL if it can, else a few words for the
 * log ("empty chain", ...).  Pure.
 */
const char *net_tx_check(const struct iovec *iov, unsigned int out_num);

/*
 * Share a received packet of (len) bytes, header included, among receive
 * chains of (cap)[0..(n)-1] writable bytes, in order, as readv() filled
 * them: (used)[i] bytes for chain i.  Returns how many chains it took
 * (at least 1 for n > 0); the caller makes sure they hold (len).  Pure.
 */
unsigned int net_rx_fill(const u32 *cap, unsigned int n, size_t len, u32 *used);

/*
 * For tests: create card (dev), as net_type.create() does, but on (fd), any
 * packet fd (a SOCK_SEQPACKET socket, say) standing in for a tap, and with
 * MAC (mac).  The card owns (fd) and closes it in destroy().  No tap ioctls
 * are made on it.  Returns 0, or -1 with one sentence in (err).
 */
int net_create_fd(struct device *dev, int fd, const u8 mac[ETH_ALEN], char *err,
		  size_t errlen);

#endif
