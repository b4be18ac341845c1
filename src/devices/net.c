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
 * (--tunnet=tap:NAME); see tap.h for why a new one dies with us.
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

#include "devices/net.h"
#include "devices/tap.h"
#include "fdio.h"
#include "iov.h"
#include "log.h"

#define NET_QUEUE_SIZE	 256
#define NET_MAX_IOV	 NET_QUEUE_SIZE
#define NET_RX_CHAINS	 64 /* chains we hold for one packet */
#define NET_RX_IOV_SLACK 16 /* iovecs left for one more chain */
#define NET_RX_BATCH	 8  /* packets between interrupt decisions */

_Static_assert(sizeof(struct virtio_net_hdr_mrg_rxbuf) == NET_HDR_LEN,
	       "the header is 12 bytes");
_Static_assert(sizeof(struct virtio_net_config) <= DEVICE_CONFIG_MAX,
	       "virtio_net_config fits the config window");

/* A receive chain we popped and hold until a packet comes. */
struct rx_chain {
	unsigned int head;
	unsigned int iov_start, iov_num; /* its writable buffers in iov[] */
	u32 cap;			 /* their bytes */
};

struct net {
	int fd;			 /* the tap */
	bool is_tap;		 /* false for net_create_fd()'s stand-in */
	atomic_bool offload_set; /* since reset: see set_offload() */
	u64 tx_dropped, rx_dropped;

	/* The receive thread's chains, in ring order, and their buffers in
	 * iov[], with one slot to spare for the spill buffer. */
	struct rx_chain chain[NET_RX_CHAINS];
	unsigned int chains, iov_used;
	size_t room; /* bytes in all of them */
	struct iovec iov[NET_MAX_IOV + 1];
	/* Where the part of a packet that did not fit the chains lands. */
	u8 spill[NET_HDR_LEN + NET_MAX_FRAME];
};

/*
 * Pure pieces.
 */

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

/*
 * The queue threads' helpers.
 */

static void complain(struct virtqueue *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A packet dropped: one line, within the guest's budget (log.h). */
static void complain(struct virtqueue *vq, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	guest_warn("%s: %s", vq->name, what);
}

/*
 * Once per driver, when the first queue thread starts and the features
 * are known: tell the tap what the guest can take.  Without this, the
 * host checksums and segments everything for us, which is merely slow.
 */
static void set_offload(struct device *dev)
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
		net->tx_dropped++;
		complain(vq, "tap write failed: %s", strerror(e));
		return 0;
	}
}

/*
 * Queue service routines.
 */

static void net_tx(struct virtqueue *vq)
{
	struct net *net = vq->dev->priv;
	struct iovec iov[NET_MAX_IOV];
	unsigned int out, in;
	const char *why;
	int head;

	set_offload(vq->dev);
	while ((head = wait_for_vq_desc(vq, iov, NET_MAX_IOV, &out, &in)) >=
	       0) {
		why = net_tx_check(iov, out);
		if (why) {
			net->tx_dropped++;
			complain(vq, "dropped: %s", why);
		} else if (tx_send(net, vq, iov, out) == -ESHUTDOWN) {
			return;
		}
		/* 5.1.6.2.1: the device reads; it writes nothing back. */
		add_used(vq, head, 0);
	}
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
	struct iovec *iov = net->iov + net->iov_used;
	unsigned int max = NET_MAX_IOV - net->iov_used;
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
			net->chain[net->chains++] = (struct rx_chain){
				.head = head,
				.iov_start = net->iov_used,
				.iov_num = in,
				.cap = cap > UINT32_MAX ? UINT32_MAX : (u32)cap,
			};
			net->iov_used += in;
			net->room += cap;
			return 1;
		}
		net->rx_dropped++;
		complain(vq,
			 "receive buffer of %zu bytes: no room for the header",
			 cap);
		add_used(vq, head, 0);
	}
}

/* Room in our arrays for one more chain? */
static bool rx_can_hold(const struct net *net)
{
	return net->chains < NET_RX_CHAINS &&
	       net->iov_used + NET_RX_IOV_SLACK <= NET_MAX_IOV;
}

/*
 * Hold at least one chain, sleeping for it if need be, and with
 * MRG_RXBUF as many as the biggest packet could fill, if the ring has
 * them.  Returns 0, or negative to stop.
 */
static int rx_gather(struct net *net, struct virtqueue *vq)
{
	bool mrg = device_has_feature(vq->dev, VIRTIO_NET_F_MRG_RXBUF);
	int r;

	while (!net->chains) {
		r = rx_hold(net, vq, true);
		if (r < 0)
			return r;
	}
	while (mrg && net->room < rx_target(vq->dev) && rx_can_hold(net)) {
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
	unsigned int from = net->iov_used;
	int r;

	if (!device_has_feature(vq->dev, VIRTIO_NET_F_MRG_RXBUF))
		return -ENOBUFS;
	while (net->room < len) {
		if (!rx_can_hold(net))
			return -ENOBUFS;
		r = rx_hold(net, vq, true);
		if (r < 0)
			return r;
	}
	iov_fill(net->iov + from, net->iov_used - from, net->spill, len - have);
	return 0;
}

/* Forget the first (k) chains, used. */
static void rx_forget(struct net *net, unsigned int k)
{
	unsigned int shift =
		k < net->chains ? net->chain[k].iov_start : net->iov_used;

	for (unsigned int i = 0; i < k; i++)
		net->room -= net->chain[i].cap;
	net->chains -= k;
	memmove(net->chain, net->chain + k,
		net->chains * sizeof(net->chain[0]));
	for (unsigned int i = 0; i < net->chains; i++)
		net->chain[i].iov_start -= shift;
	net->iov_used -= shift;
	memmove(net->iov, net->iov + shift,
		net->iov_used * sizeof(net->iov[0]));
}

/* 5.1.6.4: "the device MUST set num_buffers" to the chains used. */
static void set_num_buffers(struct net *net, unsigned int k)
{
	struct iovec iov[NET_MAX_IOV];
	unsigned int n = net->chain[0].iov_num;
	__le16 num = htole16(k);

	memcpy(iov, net->iov, n * sizeof(iov[0]));
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
	bool mrg = device_has_feature(vq->dev, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int n = mrg ? net->chains : 1, k;
	unsigned int niov = mrg ? net->iov_used : net->chain[0].iov_num;
	size_t have = mrg ? net->room : net->chain[0].cap;
	u32 cap[NET_RX_CHAINS], used[NET_RX_CHAINS];
	ssize_t r;
	int e;

	/* Past the chains, the spill buffer: a packet bigger than what the
	 * Guest gave us is not cut short where we cannot tell. */
	net->iov[niov] = (struct iovec){net->spill, sizeof(net->spill)};
	do
		r = readv(net->fd, net->iov, niov + 1);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r <= 0) {
		warn("%s/rx: %s: receiving stops until reset", vq->dev->name,
		     r ? strerror(errno) : "the tap closed");
		return -EPIPE;
	}
	if (r < NET_HDR_LEN) {
		net->rx_dropped++;
		complain(vq, "dropped: %zd-byte packet", r);
		return 1;
	}
	if ((size_t)r > have) {
		e = rx_unspill(net, vq, have, r);
		if (e == -ENOBUFS) {
			net->rx_dropped++;
			complain(vq,
				 "dropped: %zd-byte packet, %zu bytes of "
				 "buffers",
				 r, mrg ? net->room : have);
			return 1;
		}
		if (e < 0)
			return e;
		n = net->chains;
	}
	for (unsigned int i = 0; i < n; i++)
		cap[i] = net->chain[i].cap;
	k = net_rx_fill(cap, n, r, used);
	set_num_buffers(net, k);
	for (unsigned int i = 0; i < k; i++)
		add_used(vq, net->chain[i].head, used[i]);
	rx_forget(net, k);
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
 * We interrupt the Guest every few frames and whenever the tap runs dry;
 * with event idx the Guest says itself when it wants to hear. :*/
static void net_rx(struct virtqueue *vq)
{
	struct net *net = vq->dev->priv;
	unsigned int since_irq = 0;
	int r;

	set_offload(vq->dev);
	for (;;) {
		if (rx_gather(net, vq) < 0)
			return;
		r = rx_receive(net, vq);
		if (r == -EPIPE)
			break;
		if (r < 0)
			return;
		if (r > 0 && ++since_irq < NET_RX_BATCH)
			continue;
		trigger_irq(vq);
		since_irq = 0;
		if (!r && fd_wait(net->fd, POLLIN, vq->stop_fd) < 0)
			return;
	}
	/* The tap failed: wait for the reset, without spinning. */
	trigger_irq(vq);
	while (fd_wait(vq->stop_fd, POLLIN, vq->stop_fd) != -ESHUTDOWN)
		;
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

	net->chains = net->iov_used = 0;
	net->room = 0;
	atomic_store(&net->offload_set, false);
}

/* Closing the fd is what removes a tap we created: we never made it
 * persistent (tap.h). */
static void net_destroy(struct device *dev)
{
	struct net *net = dev->priv;

	if (!net)
		return;
	if (net->tx_dropped || net->rx_dropped)
		verbose("%s: dropped %llu frames from the guest, %llu to it",
			dev->name, (unsigned long long)net->tx_dropped,
			(unsigned long long)net->rx_dropped);
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

/*
 * Option parsing and usage.
 */

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

static int net_create(struct device *dev, const char *opt, char *err,
		      size_t errlen)
{
	struct net_opts o;
	char name[IFNAMSIZ];
	int fd;

	if (net_parse_option(opt, &o, err, errlen))
		return -1;
	/* Attaching to a missing tap would quietly create it (as root). */
	if (o.mode == NET_TAP && !if_nametoindex(o.name)) {
		snprintf(err, errlen,
			 "there is no tap %s (make one with 'ip "
			 "tuntap add %s mode tap user $USER')",
			 o.name, o.name);
		return -1;
	}
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
static const struct sandbox_rules net_rx_rules = {
	.kind = "net/rx",
	.calls = net_rx_calls,
	.ncalls = ARRAY_SIZE(net_rx_calls),
};
static const struct sandbox_rules net_tx_rules = {
	.kind = "net/tx",
	.calls = net_tx_calls,
	.ncalls = ARRAY_SIZE(net_tx_calls),
};

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
