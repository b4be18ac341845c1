/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --tunnet's value, the original Launcher's three forms and a MAC:
 *
 *	--tunnet=IPADDR[/NN][:MAC]	a new tap, host side at IPADDR
 *	--tunnet=bridge:BR[:MAC]	a new tap, a port of bridge BR
 *	--tunnet=tap:NAME[:MAC]		the user's own tap NAME
 *
 * Parsing is pure, so the unit tests can feed it every typo.
 */
#ifndef LGUEST_DEVICES_NET_OPTION_H
#define LGUEST_DEVICES_NET_OPTION_H

#include <stddef.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/if_ether.h>

#include "types.h"

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

#endif
