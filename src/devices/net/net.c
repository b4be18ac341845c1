// SPDX-License-Identifier: GPL-2.0
/*
 * The network card, virtio-net: virtio 1.2, section 5.1 (the section
 * numbers below are 1.2's).  Two queues, each with its own thread: 0 "rx"
 * (net0/rx), where we put frames from the tap into buffers the driver
 * posted, and 1 "tx" (net0/tx), whose frames we write to the tap.  Every
 * frame, both ways, starts with a 12-byte struct virtio_net_hdr_mrg_rxbuf,
 * which the tap (IFF_VNET_HDR) reads and writes itself: checksum and
 * segmentation offloads pass straight between the guest and the host's
 * network stack, and we never look inside a frame.
 *
 * The tap is new (--tunnet=IPADDR, --tunnet=bridge:BR) or the user's own
 * (--tunnet=tap:NAME); see tap.h for why a new one dies with us.  Here:
 * the card's config, features and life; rx.c and tx.c are its two
 * threads, option.c its option, tap.c the host side.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "devices/net/internal.h"
#include "devices/net/option.h"
#include "devices/net/tap.h"
#include "log.h"

_Static_assert(sizeof(struct virtio_net_hdr_mrg_rxbuf) == NET_HDR_LEN,
	       "the header is 12 bytes");
_Static_assert(sizeof(struct virtio_net_config) <= DEVICE_CONFIG_MAX,
	       "virtio_net_config fits the config window");

/*
 * The queue threads' helpers.
 */

void net_complain(struct virtqueue *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_vwarn(vq->name, NULL, fmt, ap);
	va_end(ap);
}

/*
 * Once per driver, when the first queue thread starts and the features
 * are known: tell the tap what the guest can take.  Without this, the
 * host checksums and segments everything for us, which is merely slow.
 */
void net_set_offload(struct device *dev)
{
	struct net *net = dev->priv;
	unsigned int flags = 0;
	int e;

	if (!net->is_tap || atomic_exchange(&net->offload_set, true))
		return;
	if (device_has_feature(dev, VIRTIO_NET_F_GUEST_CSUM))
		flags |= TUN_F_CSUM;
	if (device_has_feature(dev, VIRTIO_NET_F_GUEST_TSO4))
		flags |= TUN_F_TSO4;
	if (device_has_feature(dev, VIRTIO_NET_F_GUEST_TSO6))
		flags |= TUN_F_TSO6;
	if (device_has_feature(dev, VIRTIO_NET_F_GUEST_ECN))
		flags |= TUN_F_TSO_ECN;
	e = tap_set_offload(net->fd, flags);
	if (e)
		warn("%s: cannot set the tap's offloads: %s", dev->name,
		     strerror(-e));
}

/*
 * Config, features, reset.
 */

static void set_config(struct device *dev, const u8 mac[ETH_ALEN])
{
	struct virtio_net_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, ETH_ALEN);
	cfg.status = htole16(VIRTIO_NET_S_LINK_UP);
	cfg.max_virtqueue_pairs = htole16(1);
	device_config(dev, &cfg, sizeof(cfg));
	dev->features =
		1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
		1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_NET_F_CSUM |
		1ULL << VIRTIO_NET_F_GUEST_CSUM |
		1ULL << VIRTIO_NET_F_HOST_TSO4 |
		1ULL << VIRTIO_NET_F_HOST_TSO6 | 1ULL << VIRTIO_NET_F_HOST_ECN |
		1ULL << VIRTIO_NET_F_GUEST_TSO4 |
		1ULL << VIRTIO_NET_F_GUEST_TSO6 |
		1ULL << VIRTIO_NET_F_GUEST_ECN;
}

/* The chains we held belonged to the old driver's ring. */
static void net_reset(struct device *dev)
{
	struct net *net = dev->priv;

	net->rx.chains = net->rx.iov_used = 0;
	net->rx.room = 0;
	atomic_store(&net->offload_set, false);
}

/* Closing the fd is what removes a tap we created: we never made it
 * persistent (tap.h). */
static void net_destroy(struct device *dev)
{
	struct net *net = dev->priv;

	if (!net)
		return;
	if (net->tx.dropped || net->rx.dropped)
		verbose("%s: dropped %llu frames from the guest, %llu to it",
			dev->name, (unsigned long long)net->tx.dropped,
			(unsigned long long)net->rx.dropped);
	close(net->fd);
	free(net);
	dev->priv = NULL;
}

static int setup(struct device *dev, int fd, bool is_tap,
		 const u8 mac[ETH_ALEN], char *err, size_t errlen)
{
	struct net *net = calloc(1, sizeof(*net));

	if (!net) {
		snprintf(err, errlen, "no memory for the network card");
		return -1;
	}
	net->fd = fd;
	net->is_tap = is_tap;
	atomic_init(&net->offload_set, false);
	set_config(dev, mac);
	dev->priv = net;
	return 0;
}

int net_create_fd(struct device *dev, int fd, const u8 mac[ETH_ALEN], char *err,
		  size_t errlen)
{
	return setup(dev, fd, false, mac, err, errlen);
}

static int net_create(struct device *dev, const char *opt, char *err,
		      size_t errlen)
{
	struct net_opts o;
	char name[IFNAMSIZ];
	int fd;

	if (net_parse_option(opt, &o, err, errlen))
		return -1;
	fd = tap_open(o.mode == NET_TAP ? o.name : NULL, name, err, errlen);
	if (fd < 0)
		return -1;
	/* The tap's name is unique on this host while it lives, and the
	 * same from run to run ("lguest0" for the first): the MAC too. */
	if (!o.mac_given)
		net_derive_mac(name, o.mac);
	if (o.mode == NET_IP &&
	    (tap_configure_ip(name, o.addr, o.prefix, err, errlen) ||
	     tap_up(name, err, errlen)))
		goto fail;
	if (o.mode == NET_BRIDGE &&
	    (tap_add_to_bridge(name, o.name, err, errlen) ||
	     tap_up(name, err, errlen)))
		goto fail;
	if (setup(dev, fd, true, o.mac, err, errlen))
		goto fail;
	verbose("%s: tap %s", dev->name, name);
	return 0;
fail:
	close(fd); /* and a tap we made goes with it */
	return -1;
}

/*
 * The type.
 */

/* Beyond what every thread may: frames to and from the tap, and telling
 * the tap which offloads the guest takes. */
static const struct sandbox_call net_rx_calls[] = {
	SANDBOX_ANY(SYS_readv),
	SANDBOX_ARG(SYS_ioctl, 1, TUNSETOFFLOAD),
};
static const struct sandbox_call net_tx_calls[] = {
	SANDBOX_ANY(SYS_writev),
	SANDBOX_ARG(SYS_ioctl, 1, TUNSETOFFLOAD),
};
static const struct sandbox_rules net_rx_rules =
	SANDBOX_RULES("net/rx", net_rx_calls);
static const struct sandbox_rules net_tx_rules =
	SANDBOX_RULES("net/tx", net_tx_calls);

const struct device_type net_type = {
	.name = "net",
	.option = "tunnet",
	.option_has_value = true,
	.repeatable = true,
	.virtio_id = VIRTIO_ID_NET,
	.num_queues = 2,
	.queue_names = {"rx", "tx"},
	.queue_size = NET_QUEUE_SIZE,
	.create = net_create,
	.service = {net_rx, net_tx},
	.sandbox = {&net_rx_rules, &net_tx_rules},
	.reset = net_reset,
	.destroy = net_destroy,
	.usage = "  --tunnet=IPADDR[/NN][:MAC] | bridge:BR[:MAC] | "
		 "tap:NAME[:MAC]   a virtio network card on a tap",
};
