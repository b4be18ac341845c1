/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host end of the network card (src/devices/net/tap.c): a tap from
 * /dev/net/tun, carrying whole Ethernet frames behind a 12-byte virtio-net
 * header, and the few ioctls that give it an address or a bridge.  Not a
 * device itself; net.c is.  Main thread, at set-up, except where noted.
 */
#ifndef LGUEST_DEVICES_NET_TAP_H
#define LGUEST_DEVICES_NET_TAP_H

#include <stddef.h>
#include <netinet/in.h>
#include <net/if.h>

/*
 * Attach to the user's persistent tap (name), never making one (a tap of
 * that name that is missing, or not persistent, is refused), or create a
 * fresh one ("lguest%d") when (name) is NULL; with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a header of
 * sizeof(struct virtio_net_hdr_mrg_rxbuf).  The fd blocks (the receive
 * thread sleeps in readv() on it) and is close-on-exec.  The interface's name goes in (actual) (IFNAMSIZ bytes).
 * Returns the fd, or -1 with one sentence in (err) of (errlen) bytes.
 *
 * We never TUNSETPERSIST: a tap we created vanishes when its fd closes,
 * so it cannot outlive the Launcher, however the Launcher ends.
 */
int tap_open(const char *name, char actual[IFNAMSIZ], char *err, size_t errlen);

/* Tell the tap which offloads (TUN_F_CSUM, TUN_F_TSO4, ...) the reader,
 * our guest, takes: (flags).  Returns 0 or -errno.  Any thread. */
int tap_set_offload(int fd, unsigned int flags);

/* Give interface (name) address (addr), network byte order, with a
 * (prefix)-bit netmask.  Returns 0, or -1 with one sentence in (err). */
int tap_configure_ip(const char *name, struct in_addr addr, unsigned int prefix,
		     char *err, size_t errlen);

/* Bring interface (name) up.  Returns 0, or -1 with one sentence in (err). */
int tap_up(const char *name, char *err, size_t errlen);

/* Make interface (name) a port of bridge (bridge).  Returns 0, or -1 with
 * one sentence in (err). */
int tap_add_to_bridge(const char *name, const char *bridge, char *err,
		      size_t errlen);

#endif
