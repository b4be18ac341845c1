// SPDX-License-Identifier: GPL-2.0
/*
 * Tap devices for the network card: open /dev/net/tun, and the classic
 * SIOCSIF* ioctls on an AF_INET socket for an address, a netmask, the up
 * flag and a bridge port, as the original Launcher's setup_tun_net() did.
 * Every failure is one sentence for the user: these are set-up errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>

#include "devices/net/tap.h"

static void set_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

/* A hint for the errors the user can do something about. */
static const char *hint(int e)
{
	if (e == EPERM || e == EACCES)
		return " (this needs CAP_NET_ADMIN: run as root, or use "
		       "--tunnet=tap:NAME with a tap made by 'ip tuntap add "
		       "NAME mode tap user $USER')";
	return "";
}

/*L:540
 * The other end of the wire is a tap: a network interface on the host
 * whose frames we read and write through a file descriptor.  The original
 * Launcher made one per --tunnet and gave it an address; we do too, or
 * add it to a bridge, or attach to one the user made.  A tap we make is
 * never persistent, so it dies with our file descriptor, however we end.
 :*/
int tap_open(const char *name, char actual[IFNAMSIZ], char *err, size_t errlen)
{
	int hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	struct ifreq ifr;
	int fd, e;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open /dev/net/tun: %s%s",
			 strerror(e),
			 e == ENOENT ? " (is tun loaded?)" : hint(e));
		return -1;
	}
	/* No IFF_MULTI_QUEUE, and above all no TUNSETPERSIST: see tap.h. */
	set_name(&ifr, name ? name : "lguest%d");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		if (name && e == EBUSY)
			snprintf(err, errlen, "tap %s is already in use", name);
		else if (name && e == EINVAL)
			snprintf(err, errlen, "%s is not a tap device", name);
		else
			snprintf(err, errlen, "cannot %s tap %s: %s%s",
				 name ? "attach to" : "create",
				 name ? name : "lguest%d", strerror(e),
				 hint(e));
		goto fail;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
		snprintf(err, errlen, "cannot set %s's vnet header size: %s",
			 ifr.ifr_name, strerror(errno));
		goto fail;
	}
	/*
	 * Attaching by name makes the tap if there is none, and we may be
	 * root: asked for the user's tap, we must not quietly make one of our
	 * own, nor use one that appeared in its place since the user looked.
	 * Looking first and attaching after leaves a gap; so we attach, then
	 * ask what we got.  A tap made with "ip tuntap add" is persistent, and
	 * the one TUNSETIFF just made is not: that one goes with the fd.
	 */
	if (name && (ioctl(fd, TUNGETIFF, &ifr) < 0 ||
		     !(ifr.ifr_flags & IFF_PERSIST))) {
		snprintf(err, errlen,
			 "there is no tap %s (make one with 'ip tuntap add %s "
			 "mode tap user $USER')",
			 name, name);
		goto fail;
	}
	snprintf(actual, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
fail:
	close(fd);
	return -1;
}

int tap_set_offload(int fd, unsigned int flags)
{
	return ioctl(fd, TUNSETOFFLOAD, (unsigned long)flags) < 0 ? -errno : 0;
}

/* One SIOC* ioctl on a throwaway AF_INET socket: 0 or -errno. */
static int inet_ioctl(unsigned long req, struct ifreq *ifr)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (sock < 0)
		return -errno;
	if (ioctl(sock, req, ifr) < 0)
		r = -errno;
	close(sock);
	return r;
}

static void set_addr(struct ifreq *ifr, const char *name, struct in_addr a)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = a};

	set_name(ifr, name);
	memcpy(&ifr->ifr_addr, &sin, sizeof(sin));
}

int tap_configure_ip(const char *name, struct in_addr addr, unsigned int prefix,
		     char *err, size_t errlen)
{
	struct in_addr mask = {htonl(prefix ? ~0U << (32 - prefix) : 0)};
	char text[INET_ADDRSTRLEN];
	struct ifreq ifr;
	int e;

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	set_addr(&ifr, name, addr);
	e = inet_ioctl(SIOCSIFADDR, &ifr);
	if (!e) {
		set_addr(&ifr, name, mask);
		e = inet_ioctl(SIOCSIFNETMASK, &ifr);
	}
	if (e) {
		snprintf(err, errlen, "cannot give %s the address %s/%u: %s%s",
			 name, text, prefix, strerror(-e),
			 e == -EEXIST || e == -EADDRINUSE
				 ? " (is it in use on another interface?)"
				 : hint(-e));
		return -1;
	}
	return 0;
}

int tap_up(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int e;

	set_name(&ifr, name);
	e = inet_ioctl(SIOCGIFFLAGS, &ifr);
	if (!e) {
		ifr.ifr_flags |= IFF_UP;
		e = inet_ioctl(SIOCSIFFLAGS, &ifr);
	}
	if (e) {
		snprintf(err, errlen, "cannot bring %s up: %s%s", name,
			 strerror(-e), hint(-e));
		return -1;
	}
	return 0;
}

int tap_add_to_bridge(const char *name, const char *bridge, char *err,
		      size_t errlen)
{
	unsigned int index = if_nametoindex(name);
	struct ifreq ifr;
	int e;

	if (!index) {
		snprintf(err, errlen, "tap %s vanished: %s", name,
			 strerror(errno));
		return -1;
	}
	set_name(&ifr, bridge);
	ifr.ifr_ifindex = index;
	e = inet_ioctl(SIOCBRADDIF, &ifr);
	if (e == -ENODEV)
		snprintf(err, errlen, "there is no bridge %s", bridge);
	else if (e == -EOPNOTSUPP || e == -EINVAL)
		snprintf(err, errlen, "%s is not a bridge", bridge);
	else if (e)
		snprintf(err, errlen, "cannot add %s to bridge %s: %s%s", name,
			 bridge, strerror(-e), hint(-e));
	return e ? -1 : 0;
}
