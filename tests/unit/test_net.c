// SPDX-License-Identifier: GPL-2.0
/*
 * The network card (virtio 1.2, section 5.1): option parsing and the pure
 * pieces, then each queue's thread against its own simulated driver, with
 * a SOCK_SEQPACKET socket pair standing in for the tap (it keeps packet
 * boundaries, as a tap does) through net_create_fd().
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>

#include "devices/net/net.h"
#include "devices/net/option.h"
#include "devices/net/tap.h"
#include "fake_driver.h"
#include "harness.h"

enum { RX, TX };

static const u8 MAC[ETH_ALEN] = {0x52, 0x54, 0, 1, 2, 3};

static struct device dev;
static struct fake_driver d; /* the driver of the queue under test */
static int peer = -1;	     /* the host's end of the fake tap */
static char err[256];

static void setup_ram(u64 features, u64 ram)
{
	struct fd_config cfg = {.num = 16, .ram_size = ram};
	int sv[2];

	memset(&dev, 0, sizeof(dev));
	dev.type = &net_type;
	snprintf(dev.name, sizeof(dev.name), "net0");
	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	CHECK_EQ(net_create_fd(&dev, sv[0], MAC, err, sizeof(err)), 0);
	peer = sv[1];
	dev.driver_features = features;
	CHECK_EQ(fd_init(&d, &cfg), 0);
	d.vq.dev = &dev;
}

static void setup(u64 features)
{
	setup_ram(features, 0);
}

static void teardown(void)
{
	net_type.destroy(&dev);
	CHECK(dev.priv == NULL);
	close(peer);
	fd_free(&d);
}

static void start(int q)
{
	/* The queue as the device would name it: log lines say which. */
	d.vq.index = q;
	snprintf(d.vq.name, sizeof(d.vq.name), "net0/%s", q ? "tx" : "rx");
	fd_service_start(&d, net_type.service[q]);
}

static bool thread_sleeps(void)
{
	return fd_service_sleeps(&d);
}

/* A buffer in fake RAM holding (len) bytes of (seed)'s pattern. */
static struct fd_buf frame(u32 len, u8 seed)
{
	struct fd_buf b = fd_buf(&d, len);
	u8 *p = fd_ptr(&d, b.addr, len);

	for (u32 i = 0; p && i < len; i++)
		p[i] = (u8)(seed + i);
	return b;
}

static bool is_frame(const u8 *p, size_t len, u8 seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (u8)(seed + i))
			return false;
	return true;
}

/* Read one packet from the fake tap, waiting up to 2 s. */
static ssize_t peer_recv(u8 *buf, size_t len)
{
	for (int ms = 0; ms < 2000; ms++) {
		ssize_t r = recv(peer, buf, len, 0);

		if (r >= 0 || errno != EAGAIN)
			return r;
		usleep(1000);
	}
	return -1;
}

/* Send a packet of (len) bytes of (seed)'s pattern into the fake tap. */
static void peer_send(size_t len, u8 seed)
{
	static u8 buf[2048];

	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)(seed + i);
	CHECK_EQ(send(peer, buf, len, 0), (ssize_t)len);
}

static u8 *ram(struct fd_buf b)
{
	return fd_ptr(&d, b.addr, b.len);
}

static u16 num_buffers(struct fd_buf b)
{
	struct virtio_net_hdr_mrg_rxbuf h;

	memcpy(&h, ram(b), sizeof(h));
	return le16toh(h.num_buffers);
}

/* Post one 1600-byte receive buffer, enough for any untagged frame. */
static struct fd_buf post_buffer(void)
{
	struct fd_buf b = frame(1600, 0);

	fd_add_chain(&d, NULL, 0, &b, 1);
	return b;
}

/* A packet of (len) bytes is waiting in the tap and the thread sleeps
 * for a buffer: post one, kick, and the packet must land in it. */
static void post_and_expect(u32 len)
{
	post_buffer();
	fd_kick(&d);
	CHECK(fd_wait_used(&d, 1));
	CHECK_EQ(fd_used(&d, 0).len, len);
}

/*
 * Options and pure pieces.
 */

TEST(parse_forms)
{
	struct net_opts o;
	char ip[16];

	CHECK_EQ(net_parse_option("192.168.19.1", &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mode, NET_IP);
	CHECK_EQ(o.prefix, 24);
	CHECK_STR(inet_ntop(AF_INET, &o.addr, ip, sizeof(ip)), "192.168.19.1");
	CHECK_EQ(net_parse_option("10.1.0.1/16:02:00:00:aa:bb:cc", &o, err,
				  sizeof(err)),
		 0);
	CHECK_EQ(o.prefix, 16);
	CHECK(o.mac[0] == 2 && o.mac[4] == 0xbb && o.mac[5] == 0xcc);
	CHECK_EQ(net_parse_option("bridge:br0", &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mode, NET_BRIDGE);
	CHECK_STR(o.name, "br0");
	CHECK_EQ(net_parse_option("bridge:br0:52:54:00:ab:cd:ef", &o, err,
				  sizeof(err)),
		 0);
	CHECK(o.mac[3] == 0xab && o.mac[5] == 0xef);
	CHECK_EQ(net_parse_option("tap:tap7", &o, err, sizeof(err)), 0);
	CHECK_EQ(o.mode, NET_TAP);
	CHECK_STR(o.name, "tap7");
	CHECK_EQ(net_parse_option("tap:tap7:52:54:00:00:00:01", &o, err,
				  sizeof(err)),
		 0);
	CHECK_EQ(o.mac[5], 1);
}

TEST(parse_errors)
{
	static const char *const bad[] = {
		"",
		"10.0.0.1/33",
		"10.0.0.1/0",
		"10.0.0.1/",
		"10.0.0.1/x",
		"300.1.1.1",
		"eth0",
		"10.0.0.1:52:54:00:00:00",
		"bridge:",
		"tap:",
		"tap:a-name-far-too-long",
		"tap:t0:zz:54:00:00:00:00",
		"tap:t0:01:00:5e:00:00:01", /* multicast */
		"tap:t0:52:54:00:00:00:00:00",
	};
	struct net_opts o;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		CHECK_EQ(net_parse_option(bad[i], &o, err, sizeof(err)), -1);
		CHECK(strncmp(err, "--tunnet", 8) == 0);
		CHECK(!strchr(err, '\n'));
	}
	CHECK_EQ(net_parse_option(NULL, &o, err, sizeof(err)), -1);
}

TEST(derived_mac_is_stable_local_unicast)
{
	struct net_opts a, b;

	CHECK_EQ(net_parse_option("tap:tap0", &a, err, sizeof(err)), 0);
	CHECK_EQ(net_parse_option("tap:tap0", &b, err, sizeof(err)), 0);
	CHECK(!memcmp(a.mac, b.mac, ETH_ALEN));
	CHECK(a.mac[0] == 0x52 && a.mac[1] == 0x54);
	CHECK((a.mac[0] & 1) == 0 && (a.mac[0] & 2) == 2);
	CHECK_EQ(net_parse_option("tap:tap1", &b, err, sizeof(err)), 0);
	CHECK(memcmp(a.mac, b.mac, ETH_ALEN) != 0);
	/* The kernel names IPADDR and bridge taps: the option is the seed. */
	CHECK_EQ(net_parse_option("10.0.0.1", &a, err, sizeof(err)), 0);
	CHECK_EQ(net_parse_option("10.0.0.2", &b, err, sizeof(err)), 0);
	CHECK(memcmp(a.mac, b.mac, ETH_ALEN) != 0);
	net_derive_mac("10.0.0.1", b.mac);
	CHECK(!memcmp(a.mac, b.mac, ETH_ALEN));
}

TEST(tx_check)
{
	static u8 buf[NET_HDR_LEN + NET_MAX_FRAME + 1];
	struct iovec iov[2] = {{buf, 6}, {buf, 6}};

	CHECK(net_tx_check(iov, 0) != NULL);
	CHECK(net_tx_check(iov, 1) != NULL);
	CHECK(net_tx_check(iov, 2) == NULL);
	iov[1].iov_len = NET_MAX_FRAME + NET_HDR_LEN - 6;
	CHECK(net_tx_check(iov, 2) == NULL);
	iov[1].iov_len++;
	CHECK(net_tx_check(iov, 2) != NULL);
}

TEST(rx_fill)
{
	u32 cap[3] = {100, 100, 100}, used[3] = {0};

	CHECK_EQ(net_rx_fill(cap, 3, 250, used), 3);
	CHECK(used[0] == 100 && used[1] == 100 && used[2] == 50);
	CHECK_EQ(net_rx_fill(cap, 3, 100, used), 1);
	CHECK_EQ(used[0], 100);
	CHECK_EQ(net_rx_fill(cap, 1, 250, used), 1); /* all it has */
	CHECK_EQ(used[0], 100);
}

TEST(config_and_features)
{
	struct virtio_net_config cfg;

	setup(0);
	CHECK_EQ(dev.config_size, sizeof(cfg));
	memcpy(&cfg, dev.config, sizeof(cfg));
	CHECK(!memcmp(cfg.mac, MAC, ETH_ALEN));
	CHECK_EQ(le16toh(cfg.status), VIRTIO_NET_S_LINK_UP);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_MAC);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_STATUS);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_MRG_RXBUF);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_GUEST_TSO4);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_HOST_TSO6);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_CSUM);
	CHECK(dev.features & 1ULL << VIRTIO_NET_F_GUEST_CSUM);
	CHECK(!(dev.features & 1ULL << VIRTIO_NET_F_MQ));
	teardown();
}

/*
 * Transmit.
 */

TEST(tx_frames_arrive_whole_in_order)
{
	struct fd_buf a, c, split[2];
	static u8 buf[2048];

	setup(0);
	a = frame(60, 1);
	split[0] = frame(NET_HDR_LEN, 2);
	split[1] = frame(1000, 3);
	c = frame(1514, 4);
	start(TX);
	fd_add_chain(&d, &a, 1, NULL, 0);
	fd_add_chain(&d, split, 2, NULL, 0);
	fd_add_chain(&d, &c, 1, NULL, 0);
	fd_kick(&d);
	CHECK(fd_wait_used(&d, 3));
	CHECK_EQ(peer_recv(buf, sizeof(buf)), 60);
	CHECK(is_frame(buf, 60, 1));
	CHECK_EQ(peer_recv(buf, sizeof(buf)), NET_HDR_LEN + 1000);
	CHECK(is_frame(buf, NET_HDR_LEN, 2));
	CHECK(is_frame(buf + NET_HDR_LEN, 1000, 3));
	CHECK_EQ(peer_recv(buf, sizeof(buf)), 1514);
	CHECK(is_frame(buf, 1514, 4));
	CHECK_EQ(fd_used(&d, 0).len, 0);
	CHECK(fd_service_stop(&d));
	teardown();
}

TEST(tx_bad_chains_dropped_and_queue_goes_on)
{
	struct fd_buf empty, shrt, big, good;
	static u8 buf[2048];

	setup_ram(0, 4 * MiB);
	empty = frame(0, 0);
	shrt = frame(NET_HDR_LEN - 1, 0);
	big = frame(NET_HDR_LEN + NET_MAX_FRAME + 1, 0);
	good = frame(100, 9);
	fd_add_chain(&d, &empty, 1, NULL, 0);
	fd_add_chain(&d, &shrt, 1, NULL, 0);
	fd_add_chain(&d, &big, 1, NULL, 0);
	fd_add_chain(&d, &good, 1, NULL, 0);
	fd_log_start();
	start(TX);
	fd_kick(&d);
	CHECK(fd_wait_used(&d, 4));
	CHECK(fd_service_stop(&d));
	CHECK_EQ(fd_log_end(), 3);
	CHECK(strstr(fd_log, "lguest: net0/tx: dropped: empty chain"));
	CHECK(strstr(fd_log, "shorter than"));
	CHECK(strstr(fd_log, "longer than"));
	CHECK_EQ(peer_recv(buf, sizeof(buf)), 100);
	CHECK(is_frame(buf, 100, 9));
	CHECK_EQ(recv(peer, buf, sizeof(buf), 0), -1); /* nothing else */
	teardown();
}

/* A tap that takes nothing more holds the thread in poll(), not a spin,
 * and a stop still gets through. */
TEST(tx_full_tap_waits_and_stops)
{
	struct fd_buf f;
	int small = 4096;

	setup_ram(0, 4 * MiB);
	CHECK_EQ(setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)),
		 0);
	f = frame(32 * KiB, 0);
	for (int i = 0; i < 15; i++)
		fd_add_chain(&d, &f, 1, NULL, 0);
	start(TX);
	fd_kick(&d);
	usleep(50000);
	CHECK(fd_used_idx(&d) < 15);
	CHECK(thread_sleeps());
	CHECK(fd_service_stop(&d));
	teardown();
}

/*
 * Receive.
 */

TEST(rx_packet_lands_in_buffer)
{
	struct fd_buf b;

	setup(0);
	b = frame(1600, 0xaa);
	fd_add_chain(&d, NULL, 0, &b, 1);
	start(RX);
	usleep(20000);
	peer_send(NET_HDR_LEN + 80, 5);
	CHECK(fd_wait_used(&d, 1));
	CHECK_EQ(fd_used(&d, 0).len, NET_HDR_LEN + 80);
	CHECK_EQ(num_buffers(b), 1);
	CHECK(is_frame(ram(b) + NET_HDR_LEN, 80, 5 + NET_HDR_LEN));
	CHECK(fd_interrupts(&d) >= 1);
	CHECK(fd_service_stop(&d));
	teardown();
}

TEST(rx_packet_before_buffers_delivered_after_kick)
{
	setup(0);
	peer_send(NET_HDR_LEN + 40, 7);
	start(RX);
	CHECK(thread_sleeps()); /* on the kick fd */
	CHECK_EQ(fd_used_idx(&d), 0);
	post_and_expect(NET_HDR_LEN + 40);
	CHECK(fd_service_stop(&d));
	teardown();
}

/* Buffers but no packets: we hold a buffer and sleep on the tap. */
TEST(rx_buffers_without_packets_sleeps)
{
	setup(0);
	post_buffer();
	post_buffer();
	start(RX);
	CHECK(thread_sleeps());
	CHECK_EQ(fd_used_idx(&d), 0);
	CHECK(fd_service_stop(&d));
	teardown();
}

TEST(rx_mrg_rxbuf_spans_chains)
{
	struct fd_buf b[4];

	setup(1ULL << VIRTIO_NET_F_MRG_RXBUF);
	for (int i = 0; i < 4; i++) {
		b[i] = frame(100, 0);
		fd_add_chain(&d, NULL, 0, &b[i], 1);
	}
	start(RX);
	usleep(20000);
	peer_send(250, 1);
	CHECK(fd_wait_used(&d, 3));
	CHECK_EQ(fd_used(&d, 0).len, 100);
	CHECK_EQ(fd_used(&d, 1).len, 100);
	CHECK_EQ(fd_used(&d, 2).len, 50);
	CHECK_EQ(num_buffers(b[0]), 3);
	CHECK(is_frame(ram(b[1]), 100, 101));
	CHECK(is_frame(ram(b[2]), 50, 201));
	/* The fourth chain, held back, takes the next packet. */
	peer_send(NET_HDR_LEN + 8, 3);
	CHECK(fd_wait_used(&d, 4));
	CHECK_EQ(fd_used(&d, 3).len, NET_HDR_LEN + 8);
	CHECK_EQ(fd_used(&d, 3).id, 3);
	CHECK_EQ(num_buffers(b[3]), 1);
	CHECK(fd_service_stop(&d));
	teardown();
}

/* With MRG_RXBUF, a packet bigger than the chains we hold waits for the
 * driver to post more, and arrives whole. */
TEST(rx_mrg_short_ring_waits_for_more)
{
	struct fd_buf b[4];

	setup(1ULL << VIRTIO_NET_F_MRG_RXBUF);
	for (int i = 0; i < 4; i++)
		b[i] = frame(100, 0);
	fd_add_chain(&d, NULL, 0, &b[0], 1);
	fd_add_chain(&d, NULL, 0, &b[1], 1);
	start(RX);
	usleep(20000);
	peer_send(350, 9);
	CHECK(thread_sleeps()); /* on the kick fd, holding 200 bytes */
	CHECK_EQ(fd_used_idx(&d), 0);
	fd_add_chain(&d, NULL, 0, &b[2], 1);
	fd_add_chain(&d, NULL, 0, &b[3], 1);
	fd_kick(&d);
	CHECK(fd_wait_used(&d, 4));
	CHECK_EQ(num_buffers(b[0]), 4);
	CHECK_EQ(fd_used(&d, 2).len, 100);
	CHECK_EQ(fd_used(&d, 3).len, 50);
	CHECK(is_frame(ram(b[1]), 100, 109));
	CHECK(is_frame(ram(b[2]), 100, 209));
	CHECK(is_frame(ram(b[3]), 50, (u8)309));
	CHECK(fd_service_stop(&d));
	teardown();
}

/* Without MRG_RXBUF a packet must fit one chain: a bigger one is dropped
 * and counted, not cut short, and the chain takes the next packet. */
TEST(rx_packet_too_big_dropped)
{
	struct fd_buf b;

	setup(0);
	b = frame(100, 0);
	fd_add_chain(&d, NULL, 0, &b, 1);
	fd_log_start();
	start(RX);
	usleep(20000);
	peer_send(300, 0);
	peer_send(NET_HDR_LEN + 30, 4);
	CHECK(fd_wait_used(&d, 1));
	CHECK(fd_service_stop(&d));
	CHECK_EQ(fd_log_end(), 1);
	CHECK(strstr(fd_log, "net0/rx: dropped: 300-byte packet, 100 bytes"));
	CHECK_EQ(fd_used(&d, 0).len, NET_HDR_LEN + 30);
	CHECK(is_frame(ram(b) + NET_HDR_LEN, 30, 4 + NET_HDR_LEN));
	teardown();
}

TEST(rx_buffer_smaller_than_header_dropped)
{
	struct fd_buf tiny, b;

	setup(0);
	tiny = frame(NET_HDR_LEN - 1, 0);
	b = frame(1600, 0);
	fd_add_chain(&d, NULL, 0, &tiny, 1);
	fd_add_chain(&d, NULL, 0, &b, 1);
	fd_log_start();
	start(RX);
	usleep(20000);
	peer_send(NET_HDR_LEN + 10, 0);
	CHECK(fd_wait_used(&d, 2));
	CHECK(fd_service_stop(&d));
	CHECK_EQ(fd_log_end(), 1);
	CHECK(strstr(fd_log, "lguest: net0/rx: receive buffer of 11 bytes"));
	CHECK_EQ(fd_used(&d, 0).len, 0);
	CHECK_EQ(fd_used(&d, 1).len, NET_HDR_LEN + 10);
	teardown();
}

/* After a reset the chains we held are forgotten: the new driver's
 * first buffer takes the next packet. */
TEST(rx_reset_forgets_held_chains)
{
	setup(0);
	post_buffer();
	start(RX);
	usleep(20000);
	CHECK(fd_service_stop(&d)); /* holding chain 0 */
	net_type.reset(&dev);
	fd_free(&d);
	{
		struct fd_config cfg = {.num = 16};

		CHECK_EQ(fd_init(&d, &cfg), 0);
		d.vq.dev = &dev;
	}
	peer_send(NET_HDR_LEN + 20, 0);
	start(RX);
	CHECK(thread_sleeps()); /* no buffer yet: nothing is used */
	CHECK_EQ(fd_used_idx(&d), 0);
	post_and_expect(NET_HDR_LEN + 20);
	CHECK(fd_service_stop(&d));
	teardown();
}

/* A tap that closes stops receiving, without a spin, until stopped. */
TEST(rx_closed_tap_waits_for_stop)
{
	setup(0);
	post_buffer();
	fd_log_start();
	start(RX);
	close(peer);
	peer = -1;
	usleep(20000);
	CHECK(thread_sleeps());
	CHECK(fd_service_stop(&d));
	CHECK_EQ(fd_log_end(), 1);
	CHECK(strstr(fd_log, "net0/rx: the tap closed"));
	teardown();
}

TEST(create_refuses_bad_option)
{
	struct device dv;

	memset(&dv, 0, sizeof(dv));
	snprintf(dv.name, sizeof(dv.name), "net0");
	CHECK_EQ(net_type.create(&dv, "tap:x:00", err, sizeof(err)), -1);
	CHECK(dv.priv == NULL);
	CHECK_EQ(net_type.create(&dv, "tap:lguest-none0", err, sizeof(err)),
		 -1);
	CHECK(strstr(err, "there is no tap lguest-none0"));
	CHECK(net_type.usage && strstr(net_type.usage, "--tunnet="));
}

/*
 * Finding 7 of the hardening review: lguest looked for the user's tap and
 * then attached to it in a second step, and a tap that vanished in
 * between was created anew, by root.  The attach step alone is that race
 * lost: tap_open() of a name that does not exist must refuse, and leave
 * no tap of that name behind.  Needs what creating a tap needs.
 */
TEST(tap_open_never_creates_the_users_tap)
{
	const char *name = "lgvanished0";
	char actual[IFNAMSIZ], path[64];
	int fd;

	if (access("/dev/net/tun", R_OK | W_OK) || geteuid() != 0)
		SKIP("needs root and /dev/net/tun");
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	if (access(path, F_OK) == 0)
		SKIP("a link named lgvanished0 exists on this host");
	fd = tap_open(name, actual, err, sizeof(err));
	CHECK_EQ(fd, -1);
	CHECK(strstr(err, "there is no tap lgvanished0"));
	if (fd >= 0)
		close(fd);
	CHECK(access(path, F_OK) != 0);
}

int main(void)
{
	static const struct test tests[] = {
		T(parse_forms),
		T(parse_errors),
		T(derived_mac_is_stable_local_unicast),
		T(tx_check),
		T(rx_fill),
		T(config_and_features),
		T(tx_frames_arrive_whole_in_order),
		T(tx_bad_chains_dropped_and_queue_goes_on),
		T(tx_full_tap_waits_and_stops),
		T(rx_packet_lands_in_buffer),
		T(rx_packet_before_buffers_delivered_after_kick),
		T(rx_buffers_without_packets_sleeps),
		T(rx_mrg_rxbuf_spans_chains),
		T(rx_mrg_short_ring_waits_for_more),
		T(rx_packet_too_big_dropped),
		T(rx_buffer_smaller_than_header_dropped),
		T(rx_reset_forgets_held_chains),
		T(rx_closed_tap_waits_for_stop),
		T(create_refuses_bad_option),
		T(tap_open_never_creates_the_users_tap),
	};

	return harness_main("net", tests, ARRAY_SIZE(tests));
}
