// SPDX-License-Identifier: GPL-2.0
/*
 * The entropy device (virtio 1.2, section 5.4): rng_fill() on plain
 * buffers, then the rng0/req thread against the simulated driver.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "fake_driver.h"
#include "harness.h"
#include "virtio/device.h"

/* rng.c has no header (nothing else calls it): its declaration, repeated. */
#include "devices/rng.h"

static bool all_zero(const u8 *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* How many of (len) bytes still hold (byte). */
static size_t count_byte(const u8 *p, size_t len, u8 byte)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] == byte;
	return n;
}

TEST(fill_fills_every_buffer)
{
	static u8 a[64], b[1], c[300];
	struct iovec iov[] = {{a, sizeof(a)}, {b, sizeof(b)}, {c, sizeof(c)}};
	size_t leftover_b = 0;

	CHECK_EQ(rng_fill(iov, 3), sizeof(a) + sizeof(b) + sizeof(c));
	CHECK(!all_zero(a, sizeof(a)));
	CHECK(!all_zero(c, sizeof(c)));
	/* One byte is zero once in 256 tries; seven tries all zero are a
	 * bug, not luck. */
	for (int k = 0; k < 7; k++) {
		b[0] = 0;
		rng_fill(iov + 1, 1);
		leftover_b += b[0] == 0;
	}
	CHECK(leftover_b < 7);
}

TEST(fill_zero_length_buffers)
{
	static u8 a[32];
	struct iovec iov[] = {{NULL, 0}, {a, sizeof(a)}, {NULL, 0}};

	CHECK_EQ(rng_fill(iov, 0), 0);
	CHECK_EQ(rng_fill(iov, 1), 0);
	CHECK_EQ(rng_fill(iov, 3), sizeof(a));
	CHECK(!all_zero(a, sizeof(a)));
}

/* 5.4.6.2: the device "MAY use less than the entire buffer length": we
 * stop at 64 KiB and say so. */
TEST(spec_5_4_6_2_fill_caps_a_request)
{
	static u8 big[100 * 1024];
	struct iovec iov[] = {{big, 40 * 1024}, {big + 40 * 1024, 60 * 1024}};

	memset(big, 0, sizeof(big));
	CHECK_EQ(rng_fill(iov, 2), 64 * 1024);
	CHECK(!all_zero(big + 64 * 1024 - 64, 64));
	CHECK(all_zero(big + 64 * 1024, 36 * 1024));
}

/* The thread side: one driver (d), one device (dev), one thread. */
static struct fake_driver d;
static struct device dev;
static void setup(void)
{
	struct fd_config cfg = {.num = 16};
	char err[128];

	memset(&dev, 0, sizeof(dev));
	dev.type = &rng_type;
	CHECK_EQ(fd_init(&d, &cfg), 0);
	CHECK_EQ(rng_type.create(&dev, NULL, err, sizeof(err)), 0);
	d.vq.dev = &dev;
}

static void thread_start(void)
{
	fd_service_start(&d, rng_type.service[0]);
}

static bool wait_used(u16 n)
{
	return fd_wait_used(&d, n);
}

/* Wait up to 2 s for the driver to have had (n) interrupts. */
static bool wait_interrupts(unsigned int n)
{
	for (int ms = 0; ms < 2000; ms++) {
		if (fd_interrupts(&d) >= n)
			break;
		usleep(1000);
	}
	usleep(10000); /* and no more */
	return fd_interrupts(&d) == n;
}

static bool thread_stop(void)
{
	return fd_service_stop(&d);
}

static void teardown(void)
{
	if (rng_type.destroy)
		rng_type.destroy(&dev);
	fd_free(&d);
}

TEST(device_type)
{
	char err[128];

	CHECK_STR(rng_type.name, "rng");
	CHECK_STR(rng_type.option, "rng");
	CHECK(!rng_type.option_has_value);
	CHECK(!rng_type.repeatable);
	CHECK_EQ(rng_type.virtio_id, 4); /* 5.4.1: "4" */
	CHECK_EQ(rng_type.num_queues, 1);
	CHECK_STR(rng_type.queue_names[0], "req");
	CHECK(rng_type.queue_size &&
	      !(rng_type.queue_size & (rng_type.queue_size - 1)));
	memset(&dev, 0xff, sizeof(dev));
	CHECK_EQ(rng_type.create(&dev, NULL, err, sizeof(err)), 0);
	CHECK_EQ(dev.features, 0);    /* 5.4.3: "None currently defined" */
	CHECK_EQ(dev.config_size, 0); /* 5.4.4: "None currently defined" */
}

/* One request of several writable buffers, behind a readable one which
 * we must leave alone and not count. */
TEST(service_fills_chain_ignores_readable)
{
	struct fd_buf o, in[3];
	int head;

	setup();
	o = fd_buf(&d, 16);
	memset(fd_ptr(&d, o.addr, 16), 0xa5, 16);
	in[0] = fd_buf(&d, 64);
	in[1] = fd_buf(&d, 0);
	in[2] = fd_buf(&d, 200);
	head = fd_add_chain(&d, &o, 1, in, 3);
	CHECK(head >= 0);
	thread_start();
	CHECK(wait_used(1));
	CHECK_EQ(fd_used(&d, 0).id, head);
	CHECK_EQ(fd_used(&d, 0).len, 264);
	CHECK_EQ(count_byte(fd_ptr(&d, o.addr, 16), 16, 0xa5), 16);
	CHECK(!all_zero(fd_ptr(&d, in[0].addr, 64), 64));
	CHECK(!all_zero(fd_ptr(&d, in[2].addr, 200), 200));
	CHECK(wait_interrupts(1));
	CHECK(thread_stop());
	teardown();
}

/* A batch offered together and kicked once: every chain filled, in
 * order, and one interrupt for the lot; then the thread sleeps until the
 * next kick, and stops when told. */
TEST(service_batch_then_stop)
{
	int heads[8];
	struct fd_buf b[8];
	u16 used;

	setup();
	thread_start();
	usleep(20000); /* asleep on an empty ring */
	CHECK(!fd_service_done(&d));
	for (int k = 0; k < 8; k++) {
		b[k] = fd_buf(&d, 32 + k);
		memset(fd_ptr(&d, b[k].addr, b[k].len), 0, b[k].len);
		heads[k] = fd_add_chain(&d, NULL, 0, &b[k], 1);
	}
	fd_kick(&d);
	CHECK(wait_used(8));
	for (int k = 0; k < 8; k++) {
		CHECK_EQ(fd_used(&d, k).id, heads[k]);
		CHECK_EQ(fd_used(&d, k).len, 32 + k);
		CHECK(!all_zero(fd_ptr(&d, b[k].addr, b[k].len), b[k].len));
	}
	CHECK(wait_interrupts(1));

	/* Offered with no kick, and kicks were wanted: the thread sleeps. */
	used = fd_used_idx(&d);
	b[0] = fd_buf(&d, 8);
	fd_add_chain(&d, NULL, 0, &b[0], 1);
	usleep(50000);
	CHECK_EQ(fd_used_idx(&d), used);
	fd_kick(&d);
	CHECK(wait_used(used + 1));
	CHECK(thread_stop());
	teardown();
}

/* A driver that breaks its ring ends the thread, not the Launcher. */
TEST(service_returns_on_broken_queue)
{
	setup();
	CHECK(fd_add_bad(&d, FD_BAD_LOOP) >= 0);
	fd_log_start();
	thread_start();
	for (int ms = 0; ms < 2000 && !fd_service_done(&d); ms++)
		usleep(1000);
	fd_log_end();
	CHECK(fd_service_done(&d));
	CHECK(d.vq.broken);
	CHECK(thread_stop());
	teardown();
}

int main(void)
{
	static const struct test tests[] = {
		T(fill_fills_every_buffer),
		T(fill_zero_length_buffers),
		T(spec_5_4_6_2_fill_caps_a_request),
		T(device_type),
		T(service_fills_chain_ignores_readable),
		T(service_batch_then_stop),
		T(service_returns_on_broken_queue),
	};

	return harness_main("rng", tests, ARRAY_SIZE(tests));
}
