/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio network card (src/devices/net.c): its type, for the device
 * table, and its pure pieces for the unit tests (tests/unit/test_net.c):
 * option parsing, the transmit chain check and the receive split.
 */
#ifndef LGUEST_DEVICES_NET_H
#define LGUEST_DEVICES_NET_H

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

enum net_mode {
	NET_IP,	    /* a new tap with this host address */
	NET_BRIDGE, /* a new tap, made a port of bridge (name) */
	NET_TAP,    /* the existing tap (name) */
};

struct net_opts {
	enum net_mode mode;
	char name[IFNAMSIZ]; /* the bridge or tap; "" for NET_IP */
	struct in_addr addr; /* NET_IP: network byte order */
	unsigned int prefix; /* NET_IP: 1..32, default 24 */
	u8 mac[ETH_ALEN];    /* given, or net_derive_mac()'s */
	bool mac_given;	     /* :MAC was in the option */
};

/*
 * Parse --tunnet's value (opt) into (*o).  Without a MAC we derive one
 * from the tap's name for tap:NAME, from (opt) itself otherwise; creating
 * the device derives it again from the name the kernel gave the new tap,
 * so two lguests on one bridge do not share a MAC.  Returns 0, or -1 with one sentence in (err)
 * of (errlen) bytes.  Pure.
 */
int net_parse_option(const char *opt, struct net_opts *o, char *err,
		     size_t errlen);

/* A stable, locally administered unicast MAC, 52:54:xx:xx:xx:xx, hashed
 * from (seed) into (mac).  Pure. */
void net_derive_mac(const char *seed, u8 mac[ETH_ALEN]);

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
