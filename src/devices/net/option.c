// SPDX-License-Identifier: GPL-2.0
/*
 * --tunnet's value and the card's MAC (option.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "devices/net/option.h"

void net_derive_mac(const char *seed, u8 mac[ETH_ALEN])
{
	u32 h = 2166136261u; /* FNV-1a */

	for (const char *p = seed; *p; p++)
		h = (h ^ (u8)*p) * 16777619u;
	/* 0x52: locally administered (bit 1), unicast (bit 0 clear). */
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = h >> 24;
	mac[3] = h >> 16;
	mac[4] = h >> 8;
	mac[5] = h;
}

static int parse_mac(const char *s, u8 mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	int end = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != ETH_ALEN ||
	    end != 17 || s[end])
		return -1;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return mac[0] & 1 ? -1 : 0; /* a multicast MAC is no card's */
}

/* The ":MAC" that may end any form, at (colon) (or NULL): 1 if there is
 * one, 0 if not, -1 with a sentence if it is not a unicast MAC. */
static int mac_suffix(const char *colon, struct net_opts *o, char *err,
		      size_t errlen)
{
	if (!colon)
		return 0;
	if (parse_mac(colon + 1, o->mac)) {
		snprintf(err, errlen,
			 "--tunnet: '%s' is not a unicast MAC "
			 "like 52:54:00:12:34:56",
			 colon + 1);
		return -1;
	}
	return 1;
}

/* "NAME[:MAC]" after "bridge:" or "tap:". */
static int parse_named(const char *s, struct net_opts *o, char *err,
		       size_t errlen)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);

	if (len == 0 || len >= IFNAMSIZ) {
		snprintf(err, errlen,
			 "--tunnet: interface name must be 1 to "
			 "%d characters",
			 IFNAMSIZ - 1);
		return -1;
	}
	memcpy(o->name, s, len);
	o->name[len] = '\0';
	return mac_suffix(colon, o, err, errlen);
}

static int parse_ip(const char *opt, struct net_opts *o, char *err,
		    size_t errlen)
{
	char ip[INET_ADDRSTRLEN + 4];
	const char *colon = strchr(opt, ':');
	size_t len = colon ? (size_t)(colon - opt) : strlen(opt);
	char *slash, *end;
	unsigned long prefix = 24;

	if (len >= sizeof(ip))
		len = sizeof(ip) - 1; /* too long: inet_pton refuses it */
	memcpy(ip, opt, len);
	ip[len] = '\0';
	slash = strchr(ip, '/');
	if (slash) {
		*slash++ = '\0';
		errno = 0;
		prefix = strtoul(slash, &end, 10);
		if (!*slash || *end || prefix < 1 || prefix > 32) {
			snprintf(err, errlen,
				 "--tunnet: '/%s' is not a prefix "
				 "length from 1 to 32",
				 slash);
			return -1;
		}
	}
	if (inet_pton(AF_INET, ip, &o->addr) != 1) {
		snprintf(err, errlen,
			 "--tunnet: '%s' is not an IPv4 address, "
			 "bridge:NAME or tap:NAME",
			 ip);
		return -1;
	}
	o->prefix = prefix;
	return mac_suffix(colon, o, err, errlen);
}

int net_parse_option(const char *opt, struct net_opts *o, char *err,
		     size_t errlen)
{
	int has_mac;

	memset(o, 0, sizeof(*o));
	if (!opt || !*opt) {
		snprintf(err, errlen,
			 "--tunnet needs IPADDR[/NN], "
			 "bridge:NAME or tap:NAME");
		return -1;
	}
	if (!strncmp(opt, "bridge:", 7)) {
		o->mode = NET_BRIDGE;
		has_mac = parse_named(opt + 7, o, err, errlen);
	} else if (!strncmp(opt, "tap:", 4)) {
		o->mode = NET_TAP;
		has_mac = parse_named(opt + 4, o, err, errlen);
	} else {
		o->mode = NET_IP;
		has_mac = parse_ip(opt, o, err, errlen);
	}
	if (has_mac < 0)
		return -1;
	o->mac_given = has_mac;
	if (!has_mac)
		net_derive_mac(o->mode == NET_TAP ? o->name : opt, o->mac);
	return 0;
}
