// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport (virtio 1.2, section 4.2.2) against a tiny
 * echo device: the driver's side is played through the register window,
 * as a guest's vCPU would, with the rings laid out by the simulated driver.
 * No KVM: QueueNotify writes reach the kick eventfd through the transport's
 * own fallback, and interrupts are read from its irq eventfd.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include "echo_device.h"
#include "fake_driver.h"
#include "harness.h"
#include "log.h"
#include "virtio/mmio.h"

#define BASE 0xd0000000ULL
static const struct device_type echo_type = {
	.name = "echo",
	.virtio_id = VIRTIO_ID_RNG,
	.num_queues = 1,
	.queue_names = {"q"},
	.queue_size = 16,
	.create = echo_create,
	.service = {echo_service},
	.reset = echo_reset,
};

static struct mmio_dev m;
static struct fake_driver d; /* its RAM and ring layout; its vq unused */

static u32 rd(u32 off)
{
	u32 v;

	mmio_dev_access(&m, off, (u8 *)&v, 4, false);
	return v;
}

static void wr(u32 off, u32 v)
{
	mmio_dev_access(&m, off, (u8 *)&v, 4, true);
}

static void setup(void)
{
	struct fd_config cfg = {.num = 16};
	char err[128];

	CHECK_EQ(fd_init(&d, &cfg), 0);
	CHECK_EQ(mmio_dev_init(&m, &echo_type, 0, NULL, &d.mem, BASE, 5, err,
			       sizeof(err)),
		 0);
	CHECK_EQ(device_spawn(&m.dev), 0);
	atomic_store(&echo_served, 0);
	atomic_store(&echo_resets, 0);
}

static void teardown(void)
{
	mmio_dev_destroy(&m);
	fd_free(&d);
}

/* 3.1.1 steps 1-4: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. */
static u32 negotiate(u64 features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				       VIRTIO_CONFIG_S_DRIVER |
				       VIRTIO_CONFIG_S_FEATURES_OK);
	return rd(VIRTIO_MMIO_STATUS);
}

static const u64 VERSION_1 = 1ULL << VIRTIO_F_VERSION_1;

/* Queue 0 on the fake driver's rings, then QueueReady. */
static void setup_queue(u64 desc)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, d.num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, desc >> 32);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (u32)d.avail);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (u32)d.used);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS,
	   rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* A pulse on the interrupt line within (ms), consumed. */
static bool interrupted(int ms)
{
	struct pollfd p = {.fd = m.irq_fd, .events = POLLIN};
	u64 n;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(m.irq_fd, &n, sizeof(n)) == sizeof(n);
}

static bool wait_served(int n)
{
	for (int i = 0; i < 2000 && atomic_load(&echo_served) < n; i++)
		usleep(1000);
	return atomic_load(&echo_served) >= n;
}

TEST(identity_registers)
{
	setup();
	CHECK_EQ(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	CHECK_EQ(rd(VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_FEATURES) & (1u << ECHO_F_X),
		 1u << ECHO_F_X);
	CHECK(rd(VIRTIO_MMIO_DEVICE_FEATURES) &
	      (1u << VIRTIO_RING_F_EVENT_IDX));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 is bit 32 */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	/* 4.2.2.1: QueueNumMax 0 for a queue that does not exist. */
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* No shared memory regions: length all ones. */
	CHECK_EQ(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	teardown();
}

TEST(config_space_bounds)
{
	u8 b[8];

	setup();
	mmio_dev_access(&m, VIRTIO_MMIO_CONFIG + 2, b, 2, false);
	CHECK(b[0] == 3 && b[1] == 4);
	mmio_dev_access(&m, VIRTIO_MMIO_CONFIG, b, 8, false);
	CHECK(b[7] == 8);
	fd_log_start();
	memset(b, 0xaa, sizeof(b));
	mmio_dev_access(&m, VIRTIO_MMIO_CONFIG + 6, b, 4, false);
	CHECK_EQ(fd_log_end(), 1);
	CHECK(b[0] == 0 && b[3] == 0); /* outside: zeros, not other memory */
	CHECK(strstr(fd_log, "echo0: bad driver: config access"));
	teardown();
}

TEST(spec_4_2_2_2_narrow_register_access_ignored)
{
	u8 b[2] = {0xaa, 0xaa};

	setup();
	fd_log_start();
	mmio_dev_access(&m, VIRTIO_MMIO_MAGIC_VALUE, b, 2, false);
	CHECK(b[0] == 0 && b[1] == 0);
	mmio_dev_access(&m, VIRTIO_MMIO_STATUS, b, 2, true);
	CHECK_EQ(fd_log_end(), 2);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), 0);
	teardown();
}

TEST(features_ok_refuses_unoffered_and_legacy)
{
	setup();
	fd_log_start();
	/* 2.2.1: a feature we never offered. */
	CHECK_EQ(negotiate(VERSION_1 | (1ULL << 20)) &
			 VIRTIO_CONFIG_S_FEATURES_OK,
		 0);
	/* A legacy driver: no VERSION_1. */
	CHECK_EQ(negotiate(1ULL << ECHO_F_X) & VIRTIO_CONFIG_S_FEATURES_OK, 0);
	fd_log_end();
	CHECK(negotiate(VERSION_1 | (1ULL << ECHO_F_X)) &
	      VIRTIO_CONFIG_S_FEATURES_OK);
	CHECK(device_has_feature(&m.dev, ECHO_F_X));
	/* Features are chosen before FEATURES_OK, not after. */
	fd_log_start();
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	fd_log_end();
	CHECK(device_has_feature(&m.dev, ECHO_F_X));
	teardown();
}

TEST(driver_ok_without_features_ok_ignored)
{
	setup();
	fd_log_start();
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	setup_queue(d.desc);
	driver_ok();
	CHECK_EQ(fd_log_end(), 1);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK, 0);
	CHECK(!worker_running(&m.dev.threads[0]));
	teardown();
}

/* The whole life of a queue: set up, DRIVER_OK starts its thread, a
 * notify wakes it, it interrupts, the driver acknowledges. */
TEST(queue_serves_and_interrupts)
{
	struct fd_buf b;

	setup();
	negotiate(VERSION_1);
	setup_queue(d.desc);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	CHECK(!worker_running(&m.dev.threads[0])); /* not before DRIVER_OK */
	driver_ok();
	CHECK(worker_running(&m.dev.threads[0]));

	b = fd_buf(&d, 4);
	fd_add_chain(&d, NULL, 0, &b, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(wait_served(1));
	CHECK(interrupted(2000));
	CHECK_EQ(fd_used_idx(&d), 1);
	CHECK_EQ(fd_used(&d, 0).len, 1);
	CHECK_EQ(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);

	/* A notify for a queue we do not have is ignored. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 9);
	teardown();
}

/* While the driver has not acknowledged an interrupt, more used buffers
 * need no new pulse: its handler will see them. */
TEST(no_second_pulse_before_ack)
{
	struct fd_buf b;

	setup();
	negotiate(VERSION_1);
	setup_queue(d.desc);
	driver_ok();
	b = fd_buf(&d, 4);
	fd_add_chain(&d, NULL, 0, &b, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(wait_served(1));
	CHECK(interrupted(2000));
	fd_add_chain(&d, NULL, 0, &b, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(wait_served(2));
	CHECK(!interrupted(100));
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	fd_add_chain(&d, NULL, 0, &b, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(wait_served(3));
	CHECK(interrupted(2000));
	teardown();
}

/* Once ready, the queue's size and rings are frozen (Firecracker's lesson:
 * rings moved under a running device). */
TEST(queue_registers_frozen_while_ready)
{
	setup();
	negotiate(VERSION_1);
	setup_queue(d.desc);
	fd_log_start();
	wr(VIRTIO_MMIO_QUEUE_NUM, 4);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x2000);
	CHECK_EQ(fd_log_end(), 2);
	CHECK_EQ(m.dev.vqs[0].num, d.num);
	CHECK_EQ(m.dev.vqs[0].desc_gpa, d.desc);
	/* QueueReady = 0 cannot take a live queue away either. */
	fd_log_start();
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	fd_log_end();
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	teardown();
}

/* Rings outside RAM at QueueReady: the queue stays off and the device
 * asks for a reset; the Launcher goes on. */
TEST(spec_2_1_1_bad_rings_need_reset)
{
	setup();
	negotiate(VERSION_1);
	fd_log_start();
	setup_queue(0x7ffffff000ULL);
	CHECK_EQ(fd_log_end(), 1);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	teardown();
}

/* A chain that breaks the ring's rules after DRIVER_OK: NEEDS_RESET and a
 * configuration change interrupt (2.1.1), and a reset mends it. */
TEST(spec_2_1_1_broken_queue_sends_config_interrupt)
{
	struct fd_buf b;

	setup();
	negotiate(VERSION_1);
	setup_queue(d.desc);
	driver_ok();
	fd_log_start();
	fd_add_bad(&d, FD_BAD_HEAD);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(interrupted(2000));
	fd_log_end();
	CHECK(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CHECK(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	CHECK(strstr(fd_log, "echo0/q: bad driver: head index"));

	/* Reset: the thread is joined, the queue forgotten. */
	atomic_store(&echo_resets, 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	CHECK(!worker_running(&m.dev.threads[0]));
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), 0);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	CHECK_EQ(atomic_load(&echo_resets), 1);

	/* And the device works again on fresh rings. */
	fd_free(&d);
	{
		struct fd_config cfg = {.num = 16};

		CHECK_EQ(fd_init(&d, &cfg), 0);
	}
	negotiate(VERSION_1);
	setup_queue(d.desc);
	driver_ok();
	b = fd_buf(&d, 4);
	fd_add_chain(&d, NULL, 0, &b, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(wait_served(1));
	teardown();
}

/* Reset with the queue thread asleep, over and over: each start is
 * joined, nothing is left running. */
TEST(reset_joins_threads_repeatedly)
{
	setup();
	for (int i = 0; i < 20; i++) {
		negotiate(VERSION_1);
		setup_queue(d.desc);
		driver_ok();
		CHECK(worker_running(&m.dev.threads[0]));
		wr(VIRTIO_MMIO_STATUS, 0);
		CHECK(!worker_running(&m.dev.threads[0]));
	}
	teardown();
}

/*
 * Finding: writing ACKNOWLEDGE | DRIVER after DRIVER_OK cleared
 * FEATURES_OK and DRIVER_OK under running queue threads, and made the
 * features writable again.  2.1.2: "The driver MUST NOT clear a device
 * status bit"; only a write of 0 resets.  Nor may it set NEEDS_RESET.
 */
TEST(spec_2_1_2_status_bits_only_go_up)
{
	u32 live;

	setup();
	negotiate(VERSION_1 | (1ULL << ECHO_F_X));
	setup_queue(d.desc);
	driver_ok();
	live = rd(VIRTIO_MMIO_STATUS);
	CHECK(live & VIRTIO_CONFIG_S_DRIVER_OK);
	fd_log_start();
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), live);
	CHECK(worker_running(&m.dev.threads[0]));
	/* The features stay as negotiated: no rewriting them now. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(VIRTIO_MMIO_STATUS, live | VIRTIO_CONFIG_S_FEATURES_OK);
	CHECK(device_has_feature(&m.dev, ECHO_F_X));
	CHECK(device_has_feature(&m.dev, VIRTIO_F_VERSION_1));
	/* NEEDS_RESET is the device's to set. */
	wr(VIRTIO_MMIO_STATUS, live | VIRTIO_CONFIG_S_NEEDS_RESET);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	/* FAILED may be added, and is shown. */
	wr(VIRTIO_MMIO_STATUS, live | VIRTIO_CONFIG_S_FAILED);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), live | VIRTIO_CONFIG_S_FAILED);
	CHECK(fd_log_end() >= 3);
	CHECK(strstr(fd_log, "without a reset"));
	CHECK(strstr(fd_log, "after FEATURES_OK"));
	/* 0 still resets. */
	wr(VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), 0);
	CHECK(!worker_running(&m.dev.threads[0]));
	teardown();
}

/*
 * Finding: complaints were "once until reset", and a guest may reset at
 * will: 1,000 rounds of {reset; write a reserved register} printed 1,000
 * lines.  Now the guest's messages share one budget (log.h): without
 * --verbose, LOG_GUEST_LINES in all, and one summary line at exit.
 */
TEST(reset_storm_cannot_flood_the_log)
{
	int lines;

	setup();
	fd_log_start();
	for (int i = 0; i < 1000; i++) {
		wr(VIRTIO_MMIO_STATUS, 0);
		wr(0x0fc, 1); /* reserved */
	}
	lines = fd_log_end();
	CHECK_EQ(lines, LOG_GUEST_LINES);
	fd_log_start();
	log_guest_summary();
	CHECK_EQ(fd_log_end(), 1);
	CHECK(strstr(fd_log, "990 more messages about the guest were not "
			     "shown; --verbose shows them"));
	teardown();
}

TEST(config_change_interrupt)
{
	setup();
	negotiate(VERSION_1);
	CHECK_EQ(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	device_config_changed(&m.dev);
	CHECK(interrupted(100));
	CHECK_EQ(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	CHECK(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	teardown();
}

int main(void)
{
	static const struct test tests[] = {
		T(identity_registers),
		T(config_space_bounds),
		T(spec_4_2_2_2_narrow_register_access_ignored),
		T(features_ok_refuses_unoffered_and_legacy),
		T(driver_ok_without_features_ok_ignored),
		T(queue_serves_and_interrupts),
		T(no_second_pulse_before_ack),
		T(queue_registers_frozen_while_ready),
		T(spec_2_1_1_bad_rings_need_reset),
		T(spec_2_1_1_broken_queue_sends_config_interrupt),
		T(reset_joins_threads_repeatedly),
		T(spec_2_1_2_status_bits_only_go_up),
		T(reset_storm_cannot_flood_the_log),
		T(config_change_interrupt),
	};

	return harness_main("mmio", tests, ARRAY_SIZE(tests));
}
