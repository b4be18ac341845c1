// SPDX-License-Identifier: GPL-2.0
/*
 * The split virtqueue (virtio 1.2, section 2.7), driven by the simulated
 * driver: normal operation first, then one test per rule a driver can
 * break, named after the spec clause where there is one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "fake_driver.h"
#include "harness.h"

#define MAX_IOV 64

static const u64 INDIRECT = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
static const u64 EVENT_IDX = 1ULL << VIRTIO_RING_F_EVENT_IDX;

/* Each test drives one queue: the driver (d) and the device's pop. */
static struct fake_driver d;
static struct iovec iov[MAX_IOV];
static unsigned int out, in;

static void setup(unsigned int num, u64 features)
{
	struct fd_config cfg = {.num = num, .features = features};

	CHECK_EQ(fd_init(&d, &cfg), 0);
}

static int pop(void)
{
	return vq_pop(&d.vq, iov, MAX_IOV, &out, &in);
}

/* Offer one 4-byte readable buffer; its head. */
static int add1(void)
{
	struct fd_buf b = fd_buf(&d, 4);

	return fd_add_chain(&d, &b, 1, NULL, 0);
}

/* The next pop must break the queue, with one log line naming (what);
 * after that the queue stays broken and silent.  Frees the queue. */
static void expect_broken(const char *what)
{
	int first, second, lines;

	fd_log_start();
	first = pop();
	second = pop();
	lines = fd_log_end();
	CHECK_EQ(first, -EIO);
	CHECK_EQ(second, -EIO);
	CHECK(d.vq.broken);
	CHECK_EQ(d.broken_calls, 1);
	CHECK_EQ(out + in, 0);
	CHECK_EQ(lines, 1);
	CHECK(strncmp(fd_log, "lguest: fake0/q: bad driver: ", 29) == 0);
	CHECK(strstr(fd_log, what) != NULL);
	fd_free(&d);
}

/* One fresh queue, one bad chain, one expected complaint. */
static void bad_chain(unsigned int num, u64 features, enum fd_bad kind,
		      const char *what)
{
	setup(num, features);
	CHECK(fd_add_bad(&d, kind) >= 0);
	expect_broken(what);
}

TEST(single_chain)
{
	setup(16, 0);
	struct fd_buf o[] = {fd_buf(&d, 16), fd_buf(&d, 100)};
	struct fd_buf i[] = {fd_buf(&d, 1)};
	memcpy(fd_ptr(&d, o[0].addr, 5), "hello", 5);
	int head = fd_add_chain(&d, o, 2, i, 1);

	CHECK_EQ(pop(), head);
	CHECK_EQ(out, 2);
	CHECK_EQ(in, 1);
	CHECK(iov[0].iov_base == fd_ptr(&d, o[0].addr, 16));
	CHECK(iov[1].iov_base == fd_ptr(&d, o[1].addr, 100));
	CHECK(iov[2].iov_base == fd_ptr(&d, i[0].addr, 1));
	CHECK_EQ(iov[0].iov_len + iov[1].iov_len + iov[2].iov_len, 117);
	CHECK(memcmp(iov[0].iov_base, "hello", 5) == 0);
	CHECK_EQ(pop(), -EAGAIN);

	add_used(&d.vq, head, 1);
	CHECK_EQ(fd_used_idx(&d), 1);
	CHECK_EQ(fd_used(&d, 0).id, head);
	CHECK_EQ(fd_used(&d, 0).len, 1);
	CHECK_EQ(fd_interrupts(&d), 0);
	trigger_irq(&d.vq);
	CHECK_EQ(fd_interrupts(&d), 1);
	trigger_irq(&d.vq); /* nothing new used: no interrupt */
	CHECK_EQ(fd_interrupts(&d), 1);
	fd_free(&d);
}

/* A full ring (avail idx exactly num ahead) is fine, and a batch of used
 * chains costs one interrupt. */
TEST(many_chains_batched)
{
	int heads[16];

	setup(16, 0);
	for (int k = 0; k < 16; k++)
		heads[k] = add1();
	for (int k = 0; k < 16; k++)
		CHECK_EQ(pop(), heads[k]);
	CHECK_EQ(pop(), -EAGAIN);
	for (int k = 15; k >= 0; k--)
		add_used(&d.vq, heads[k], 0);
	trigger_irq(&d.vq);
	CHECK_EQ(fd_interrupts(&d), 1);
	CHECK_EQ(fd_used_idx(&d), 16);
	CHECK_EQ(fd_used(&d, 0).id, heads[15]);
	CHECK_EQ(fd_used(&d, 15).id, heads[0]);
	CHECK(!d.vq.broken);
	fd_free(&d);
}

/* 2.7.13.3: "idx always increments, and wraps naturally at 65536". */
TEST(indices_wrap_past_65535)
{
	unsigned int wrong = 0;

	setup(4, 0);
	for (unsigned int k = 0; k < 70000; k++) {
		int head = add1();

		wrong += pop() != head;
		add_used_and_trigger(&d.vq, head, k);
		wrong += fd_used_idx(&d) != (u16)(k + 1);
		wrong += fd_used(&d, k).id != (u32)head;
		wrong += fd_used(&d, k).len != k;
	}
	CHECK_EQ(wrong, 0);
	CHECK_EQ(fd_interrupts(&d), 70000);
	CHECK(!d.vq.broken);
	fd_free(&d);
}

TEST(indirect_chain)
{
	struct fd_buf o[12], i[8];
	int head;

	/* 20 buffers behind one descriptor of an 8-entry queue: Linux makes
	 * tables bigger than the queue, so we take them. */
	setup(8, INDIRECT);
	for (int k = 0; k < 12; k++)
		o[k] = fd_buf(&d, 32);
	for (int k = 0; k < 8; k++)
		i[k] = fd_buf(&d, 32);
	head = fd_add_indirect(&d, o, 12, i, 8);
	CHECK_EQ(pop(), head);
	CHECK_EQ(out, 12);
	CHECK_EQ(in, 8);
	CHECK(iov[0].iov_base == fd_ptr(&d, o[0].addr, 32));
	CHECK(iov[19].iov_base == fd_ptr(&d, i[7].addr, 32));
	fd_free(&d);
}

/* 2.7.5.3.2: "The device MUST handle the case of zero or more normal
 * chained descriptors followed by a single descriptor with
 * flags&VIRTQ_DESC_F_INDIRECT", and "MUST ignore the write-only flag" of
 * the descriptor that refers to the table.  The spec leaves the table
 * unaligned; UBSan watches how we read it. */
TEST(spec_2_7_5_3_2_chain_then_indirect)
{
	struct vring_desc t[2] = {{0x9100, 8, VRING_DESC_F_NEXT, 1},
				  {0x9200, 4, VRING_DESC_F_WRITE, 0}};
	u64 table;

	setup(8, INDIRECT);
	table = fd_alloc(&d, sizeof(t) + 16) + 3;
	memcpy(fd_ptr(&d, table, sizeof(t)), t, sizeof(t));
	fd_set_desc(&d, 0, 0x9000, 16, VRING_DESC_F_NEXT, 5);
	fd_set_desc(&d, 5, table, sizeof(t),
		    VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0);
	fd_push_head(&d, 0);
	CHECK_EQ(pop(), 0);
	CHECK_EQ(out, 2);
	CHECK_EQ(in, 1);
	CHECK(iov[1].iov_base == fd_ptr(&d, 0x9100, 8));
	CHECK(!d.vq.broken);
	fd_free(&d);
}

/* Pop one chain and return it used, with (trigger) or without deciding
 * on an interrupt. */
static void use1(bool trigger)
{
	int head = add1();

	CHECK_EQ(pop(), head);
	add_used(&d.vq, head, 0);
	if (trigger)
		trigger_irq(&d.vq);
}

/* 2.7.7.2, with event idx: interrupt when used idx passes used_event,
 * and "MUST ignore the lower bit of flags". */
TEST(spec_2_7_7_2_used_event)
{
	unsigned int seen[5];

	setup(8, EVENT_IDX);
	fd_set_used_event(&d, 2); /* "tell me when entry 2 is used" */
	fd_set_avail_flags(&d, VRING_AVAIL_F_NO_INTERRUPT);
	for (int k = 0; k < 5; k++) {
		use1(true);
		seen[k] = fd_interrupts(&d);
	}
	CHECK_EQ(seen[0], 0);
	CHECK_EQ(seen[1], 0);
	CHECK_EQ(seen[2], 1); /* used idx went 2 -> 3: entry 2 written */
	CHECK_EQ(seen[4], 1);

	/* A batch that jumps over used_event still interrupts, once. */
	fd_set_used_event(&d, 6);
	for (int k = 0; k < 3; k++)
		use1(false);
	trigger_irq(&d.vq);
	CHECK_EQ(fd_interrupts(&d), 2);
	fd_free(&d);
}

/* 2.7.7.2, without event idx: "If flags is 1, the device SHOULD NOT send
 * a notification."  "If flags is 0, the device MUST send a notification." */
TEST(spec_2_7_7_2_no_interrupt_flag)
{
	setup(8, 0);
	fd_set_used_event(&d, 0); /* ignored without event idx */
	fd_set_avail_flags(&d, VRING_AVAIL_F_NO_INTERRUPT);
	use1(true);
	CHECK_EQ(fd_interrupts(&d), 0);
	CHECK_EQ(fd_used_idx(&d), 1);
	fd_set_avail_flags(&d, 0);
	use1(true);
	CHECK_EQ(fd_interrupts(&d), 1);
	fd_free(&d);
}

/* 2.7.10.2: without event idx we set used->flags 1 while busy and 0 when
 * we want kicks; with it, "The device MUST set flags to 0" and we ask
 * with avail_event.  Either way we look again after asking. */
TEST(spec_2_7_10_2_kick_suppression)
{
	setup(8, 0);
	vq_disable_notify(&d.vq);
	CHECK_EQ(fd_used_flags(&d), VRING_USED_F_NO_NOTIFY);
	CHECK(!vq_enable_notify(&d.vq));
	CHECK_EQ(fd_used_flags(&d), 0);
	add1();
	CHECK(vq_enable_notify(&d.vq)); /* arrived: don't sleep */
	fd_free(&d);

	setup(8, EVENT_IDX);
	for (int k = 0; k < 3; k++)
		add1();
	vq_disable_notify(&d.vq);
	while (pop() >= 0)
		;
	CHECK_EQ(fd_avail_event(&d), 0);
	CHECK(!vq_enable_notify(&d.vq));
	CHECK_EQ(fd_avail_event(&d), 3);
	CHECK_EQ(fd_used_flags(&d), 0);
	add1();
	CHECK(vq_enable_notify(&d.vq));
	fd_free(&d);
}

/* Signal the stop fd: from the start, a wait_for_vq_desc() that should
 * not sleep then fails its test with -ESHUTDOWN rather than hanging. */
static void stop(void)
{
	u64 one = 1;

	CHECK_EQ(write(d.vq.stop_fd, &one, sizeof(one)), 8);
}

static int wait(unsigned int max_iov)
{
	return wait_for_vq_desc(&d.vq, iov, max_iov, &out, &in);
}

/* A service thread for the blocking tests. */
static pthread_t waiter;
static int waiter_head;
static atomic_bool waiter_done;

static void *waiter_main(void *unused)
{
	(void)unused;
	waiter_head = wait(4);
	atomic_store(&waiter_done, true);
	return NULL;
}

static void waiter_start(void)
{
	atomic_store(&waiter_done, false);
	CHECK_EQ(pthread_create(&waiter, NULL, waiter_main, NULL), 0);
	usleep(50000);
	CHECK(!atomic_load(&waiter_done)); /* asleep */
}

/* True if it finished within 2 s.  If not, the stop fd ends it; if even
 * that fails, we leave it asleep, so that a broken wait fails its test
 * rather than hanging the suite. */
static bool waiter_finish(void)
{
	struct timespec t;
	bool done;

	for (int ms = 0; ms < 2000 && !atomic_load(&waiter_done); ms++)
		usleep(1000);
	done = atomic_load(&waiter_done);
	if (!done)
		stop();
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 2;
	if (pthread_timedjoin_np(waiter, NULL, &t)) {
		pthread_detach(waiter);
		return false;
	}
	return done;
}

TEST(wait_sleeps_until_kicked)
{
	int head;

	setup(8, 0);
	vq_disable_notify(&d.vq);
	waiter_start();
	CHECK_EQ(fd_used_flags(&d), 0); /* asleep: kicks wanted */
	head = add1();
	fd_kick(&d);
	CHECK(waiter_finish());
	CHECK_EQ(waiter_head, head);
	CHECK_EQ(fd_used_flags(&d), VRING_USED_F_NO_NOTIFY); /* busy again */
	fd_free(&d);
}

TEST(wait_returns_eshutdown_on_stop)
{
	setup(8, 0);
	waiter_start();
	stop();
	CHECK(waiter_finish());
	CHECK_EQ(waiter_head, -ESHUTDOWN);
	fd_free(&d);
}

/* The driver adds a buffer while kicks are off, just as we run dry: it
 * will never kick for it, so we must see it when we look again. */
static void add_quietly(struct virtqueue *vq)
{
	(void)vq;
	add1();
	d.interrupts++;
}

TEST(wait_rechecks_after_enabling_kicks)
{
	int head;

	setup(8, 0);
	head = add1();
	vq_disable_notify(&d.vq);
	CHECK_EQ(wait(4), head);
	add_used(&d.vq, head, 0);
	/* trigger_irq() before sleeping runs our driver, which adds one. */
	d.vq.interrupt = add_quietly;
	stop(); /* without the recheck, we would stop instead */
	CHECK_EQ(wait(4), head + 1);
	CHECK_EQ(d.interrupts, 1);
	fd_free(&d);
}

/* A driver that refills the ring as fast as we empty it never lets the
 * thread sleep; a stop request must still get through. */
TEST(wait_stops_even_when_ring_stays_full)
{
	int head = 0, calls = 0;

	setup(16, 0);
	for (int i = 0; i < 16; i++)
		add1();
	stop();
	while (calls < 100) {
		head = wait(4);
		calls++;
		if (head < 0)
			break;
		add_used(&d.vq, head, 0);
		add1();
	}
	CHECK_EQ(head, -ESHUTDOWN);
	CHECK(calls <= 17);
	fd_free(&d);
}

/*
 * 2.7.6.1: "A driver MUST NOT decrement the available idx".  Here the
 * used ring's flags lie over the avail ring's index, so our own kick
 * suppression moves it back and forth (a hang the fuzzer found): the
 * queue must break, not chase it.
 */
TEST(spec_2_7_6_1_avail_idx_going_back_breaks_queue)
{
	struct fd_config cfg = {.num = 16, .avail = 0x1102, .used = 0x1104};
	int head;

	CHECK_EQ(fd_init(&d, &cfg), 0);
	add1();
	stop();
	head = wait(4);
	CHECK(head >= 0);
	add_used(&d.vq, head, 0);
	fd_log_start();
	head = wait(4);
	fd_log_end();
	CHECK_EQ(head, -EIO);
	CHECK(strstr(fd_log, "available index went back"));
	fd_free(&d);
}

TEST(wait_returns_eio_when_broken)
{
	setup(8, 0);
	fd_add_bad(&d, FD_BAD_LOOP);
	stop();
	fd_log_start();
	CHECK_EQ(wait(4), -EIO);
	CHECK_EQ(fd_log_end(), 1);
	fd_free(&d);
}

/* 2.7.4.1: "The device MAY have a reasonable limit of descriptors it will
 * allow in a chain."  Past ours, the chain comes back unused, not the
 * queue broken; one log line however often it happens. */
TEST(spec_2_7_4_1_chain_over_device_limit)
{
	struct fd_buf b[3];
	int big, big2, small;

	setup(16, 0);
	for (int k = 0; k < 3; k++)
		b[k] = fd_buf(&d, 4);
	big = fd_add_chain(&d, b, 3, NULL, 0);
	big2 = fd_add_chain(&d, b, 1, b, 2);
	small = fd_add_chain(&d, b, 2, NULL, 0);
	stop();
	fd_log_start();
	iov[2].iov_base = NULL;
	CHECK_EQ(vq_pop(&d.vq, iov, 2, &out, &in), -E2BIG);
	CHECK_EQ(out + in, 0);
	CHECK(iov[2].iov_base == NULL); /* nothing past max_iov */
	CHECK_EQ(wait(2), small);
	CHECK_EQ(fd_log_end(), 2); /* one line per chain given back */
	CHECK(strstr(fd_log, "fake0/q: chain") != NULL);
	CHECK(!d.vq.broken);
	CHECK_EQ(fd_used_idx(&d), 2);
	CHECK_EQ(fd_used(&d, 0).id, big);
	CHECK_EQ(fd_used(&d, 0).len, 0);
	CHECK_EQ(fd_used(&d, 1).id, big2);
	fd_free(&d);
}

/* Registers written after QueueReady are ignored: the rings cannot move
 * under a running device. */
TEST(registers_frozen_while_ready)
{
	int head;

	setup(8, 0);
	fd_log_start();
	CHECK(!vq_set_num(&d.vq, 16));
	CHECK(!vq_set_addr(&d.vq, VQ_DESC, 0x100000 - 16));
	CHECK(!vq_set_addr(&d.vq, VQ_AVAIL, 0));
	CHECK(!vq_set_addr(&d.vq, VQ_USED, 0));
	CHECK(!vq_set_features(&d.vq, INDIRECT));
	CHECK_EQ(fd_log_end(), 5);
	CHECK(strstr(fd_log, "written while ready") != NULL);
	CHECK_EQ(d.vq.num, 8);
	CHECK_EQ(d.vq.desc_gpa, d.desc);
	CHECK_EQ(d.vq.avail_gpa, d.avail);
	CHECK_EQ(d.vq.used_gpa, d.used);
	CHECK(!d.vq.indirect);
	head = add1();
	CHECK_EQ(pop(), head);
	fd_free(&d);
}

/* Set the queue up from scratch, as a driver does after reset. */
static int try_enable(u32 num, u64 desc, u64 avail, u64 used)
{
	vq_reset(&d.vq);
	vq_set_num(&d.vq, num);
	vq_set_addr(&d.vq, VQ_DESC, desc);
	vq_set_addr(&d.vq, VQ_AVAIL, avail);
	vq_set_addr(&d.vq, VQ_USED, used);
	return vq_enable(&d.vq);
}

TEST(reset_forgets_everything)
{
	setup(8, INDIRECT | EVENT_IDX);
	add1();
	add_used(&d.vq, pop(), 0);
	fd_add_bad(&d, FD_BAD_LOOP);
	fd_log_start();
	CHECK_EQ(pop(), -EIO);
	fd_log_end();

	vq_reset(&d.vq);
	CHECK(!d.vq.ready && !d.vq.broken);
	CHECK(!d.vq.event_idx && !d.vq.indirect);
	CHECK_EQ(d.vq.num, d.vq.num_max);
	CHECK_EQ(d.vq.desc_gpa + d.vq.avail_gpa + d.vq.used_gpa, 0);
	CHECK_EQ(d.vq.last_avail_idx + d.vq.used_idx, 0);
	CHECK(d.vq.vring.desc == NULL && d.vq.vring.used == NULL);
	CHECK_EQ(pop(), -EIO); /* not ready */

	/* The driver starts over with zeroed rings. */
	memset(fd_ptr(&d, d.desc, d.data_start - d.desc), 0,
	       d.data_start - d.desc);
	d.avail_idx = d.next_desc = 0;
	CHECK_EQ(try_enable(8, d.desc, d.avail, d.used), 0);
	CHECK_EQ(add1(), 0);
	CHECK_EQ(pop(), 0);
	fd_add_bad(&d, FD_BAD_LOOP);
	d.broken_calls = 0;
	expect_broken("descriptor loop"); /* logs afresh */
}

/* vq_enable() refuses what a driver got wrong, with one log line each
 * time (try_enable() resets), and the queue stays off: sizes that are not
 * a power of two <= num_max (2.7: "Queue Size value is always a power of
 * 2"), rings a little too long for RAM, or wrapping 2^64. */
TEST(enable_checks_size_and_rings)
{
	struct fd_config cfg = {.num = 8, .num_max = 256};
	u64 end;

	CHECK_EQ(fd_init(&d, &cfg), 0);
	end = d.mem.low_size;
	fd_log_start();
	CHECK_EQ(try_enable(0, d.desc, d.avail, d.used), -EINVAL);
	CHECK_EQ(try_enable(6, d.desc, d.avail, d.used), -EINVAL);
	CHECK_EQ(try_enable(512, d.desc, d.avail, d.used), -EINVAL);
	CHECK_EQ(try_enable(65536 + 8, d.desc, d.avail, d.used), -EINVAL);
	CHECK_EQ(try_enable(8, end - 112, d.avail, d.used), -EINVAL);
	CHECK_EQ(try_enable(8, d.desc, end - 20, d.used), -EINVAL);
	CHECK_EQ(try_enable(8, d.desc, d.avail, end - 68), -EINVAL);
	CHECK_EQ(try_enable(8, -64ULL, d.avail, d.used), -EINVAL);
	CHECK_EQ(fd_log_end(), 8);
	CHECK(strstr(fd_log, "bad driver: queue size 6:") != NULL);
	CHECK(strstr(fd_log, "used ring 0xfffbc+70 outside RAM") != NULL);
	CHECK(!d.vq.ready);
	/* The sizes exactly: 16 * 8, 6 + 2 * 8 and 6 + 8 * 8 bytes. */
	CHECK_EQ(try_enable(8, end - 128, end - 128 - 22, end - 256 - 72), 0);
	CHECK(d.vq.ready);
	fd_free(&d);
}

/* 2.7.1: "The driver MUST ensure that the physical address of the first
 * byte of each virtqueue part is a multiple of the specified alignment
 * value in the above table." */
TEST(spec_2_7_1_ring_alignment)
{
	setup(8, 0);
	fd_log_start();
	CHECK_EQ(try_enable(8, d.desc + 8, d.avail, d.used), -EINVAL);
	CHECK_EQ(try_enable(8, d.desc, d.avail + 1, d.used), -EINVAL);
	CHECK_EQ(try_enable(8, d.desc, d.avail, d.used + 2), -EINVAL);
	CHECK_EQ(fd_log_end(), 3);
	CHECK(strstr(fd_log, "used ring at 0x") != NULL);
	CHECK_EQ(try_enable(8, d.desc + 16, d.avail + 2, d.used + 4), 0);
	fd_free(&d);
}

/* 2.7.6.1: "A driver MUST NOT decrement the available idx" (nor offer
 * more than num at once: the original's "Guest moved used index"). */
TEST(spec_2_7_6_1_avail_idx_jump)
{
	bad_chain(16, 0, FD_BAD_AVAIL_JUMP, "available index jumped from 0");
}

TEST(index_out_of_range)
{
	bad_chain(16, 0, FD_BAD_HEAD, "head index 16 >= 16");
	bad_chain(16, 0, FD_BAD_NEXT, "next index 16 >= 16");
}

/* 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes
 * in total; this implies that loops in the descriptor chain are
 * forbidden!" */
TEST(spec_2_7_5_2_descriptor_loop)
{
	bad_chain(16, 0, FD_BAD_LOOP, "descriptor loop");
	bad_chain(1, 0, FD_BAD_LOOP, "descriptor loop");
}

TEST(spec_2_7_5_2_chain_of_4_gib)
{
	struct fd_config cfg = {.num = 8, .ram_size = 1 * GiB};

	/* 4 GiB less one byte is the most we take. */
	CHECK_EQ(fd_init(&d, &cfg), 0);
	for (int k = 0; k < 4; k++)
		fd_set_desc(&d, k, 0, k < 3 ? GiB : GiB - 1,
			    k < 3 ? VRING_DESC_F_NEXT : 0, k + 1);
	fd_push_head(&d, 0);
	d.next_desc = 4;
	CHECK_EQ(pop(), 0);
	CHECK_EQ(out, 4);
	CHECK(fd_add_bad(&d, FD_BAD_TOTAL) == 4);
	expect_broken("chain of 4 GiB");
}

TEST(buffer_outside_ram)
{
	bad_chain(16, 0, FD_BAD_ADDR, "outside RAM");
	bad_chain(16, 0, FD_BAD_LEN_WRAP, "buffer 0xfffffffffffff000+8192");
}

/* 2.7.4.2: "The driver MUST place any device-writable descriptor elements
 * after any device-readable descriptor elements." */
TEST(spec_2_7_4_2_readable_after_writable)
{
	struct vring_desc t = {0x9100, 4, 0, 0};
	u64 table;

	bad_chain(16, 0, FD_BAD_WRITE_READ, "readable descriptor after");

	/* Also across the step into an indirect table. */
	setup(8, INDIRECT);
	table = fd_alloc(&d, sizeof(t));
	memcpy(fd_ptr(&d, table, sizeof(t)), &t, sizeof(t));
	fd_set_desc(&d, 0, 0x9000, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
		    1);
	fd_set_desc(&d, 1, table, sizeof(t), VRING_DESC_F_INDIRECT, 0);
	fd_push_head(&d, 0);
	expect_broken("readable descriptor after");
}

/* 2.7.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag
 * unless the VIRTIO_F_INDIRECT_DESC feature was negotiated." */
TEST(spec_2_7_5_3_1_indirect_not_negotiated)
{
	struct fd_buf b;

	setup(8, 0);
	b = fd_buf(&d, 4);
	fd_add_indirect(&d, &b, 1, NULL, 0);
	expect_broken("indirect descriptor not negotiated");
}

/* 2.7.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag
 * within an indirect descriptor (ie. only one table per descriptor)." */
TEST(spec_2_7_5_3_1_nested_indirect)
{
	bad_chain(8, INDIRECT, FD_BAD_NESTED,
		  "indirect descriptor in indirect");
}

/* 2.7.5.3.1: "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and
 * VIRTQ_DESC_F_NEXT in flags." */
TEST(spec_2_7_5_3_1_indirect_with_next)
{
	bad_chain(8, INDIRECT, FD_BAD_INDIRECT_NEXT,
		  "indirect descriptor with NEXT");
}

/* 2.7.5.3.1: "A driver MUST NOT create a descriptor chain longer than the
 * Queue Size of the device."  In a table: longer than the table. */
TEST(spec_2_7_5_3_1_loop_in_indirect_table)
{
	bad_chain(8, INDIRECT, FD_BAD_TABLE_LOOP, "loop in indirect table");
}

/* A table may be longer than the queue, but its chain no longer than the
 * largest queue there is: 32768 descriptors pass, 32769 do not. */
TEST(spec_2_7_5_3_1_indirect_chain_over_32768)
{
	for (unsigned int n = VQ_NUM_LIMIT; n <= VQ_NUM_LIMIT + 1; n++) {
		struct vring_desc *t;
		u64 table;

		setup(8, INDIRECT);
		table = fd_alloc(&d, 16ULL * n);
		t = fd_ptr(&d, table, 16ULL * n);
		for (unsigned int k = 0; k < n; k++)
			t[k] = (struct vring_desc){
				0x9000, 1, k + 1 < n ? VRING_DESC_F_NEXT : 0,
				k + 1};
		fd_set_desc(&d, 0, table, 16 * n, VRING_DESC_F_INDIRECT, 0);
		fd_push_head(&d, 0);
		if (n > VQ_NUM_LIMIT) {
			expect_broken("descriptor loop in indirect table");
			continue;
		}
		fd_log_start();
		CHECK_EQ(vq_pop(&d.vq, iov, 4, &out, &in), -E2BIG);
		fd_log_end();
		CHECK(!d.vq.broken);
		fd_free(&d);
	}
}

TEST(indirect_table_bounds)
{
	bad_chain(8, INDIRECT, FD_BAD_TABLE_LEN, "indirect table length 24");
	bad_chain(8, INDIRECT, FD_BAD_TABLE_EMPTY, "indirect table length 0");
	bad_chain(8, INDIRECT, FD_BAD_TABLE_ADDR, "indirect table 0xffff0+32");
}

int main(void)
{
	static const struct test tests[] = {
		T(single_chain),
		T(many_chains_batched),
		T(indices_wrap_past_65535),
		T(indirect_chain),
		T(spec_2_7_5_3_2_chain_then_indirect),
		T(spec_2_7_7_2_used_event),
		T(spec_2_7_7_2_no_interrupt_flag),
		T(spec_2_7_10_2_kick_suppression),
		T(wait_sleeps_until_kicked),
		T(wait_returns_eshutdown_on_stop),
		T(wait_rechecks_after_enabling_kicks),
		T(wait_stops_even_when_ring_stays_full),
		T(spec_2_7_6_1_avail_idx_going_back_breaks_queue),
		T(wait_returns_eio_when_broken),
		T(spec_2_7_4_1_chain_over_device_limit),
		T(registers_frozen_while_ready),
		T(reset_forgets_everything),
		T(enable_checks_size_and_rings),
		T(spec_2_7_1_ring_alignment),
		T(spec_2_7_6_1_avail_idx_jump),
		T(index_out_of_range),
		T(spec_2_7_5_2_descriptor_loop),
		T(spec_2_7_5_2_chain_of_4_gib),
		T(buffer_outside_ram),
		T(spec_2_7_4_2_readable_after_writable),
		T(spec_2_7_5_3_1_indirect_not_negotiated),
		T(spec_2_7_5_3_1_nested_indirect),
		T(spec_2_7_5_3_1_indirect_with_next),
		T(spec_2_7_5_3_1_loop_in_indirect_table),
		T(spec_2_7_5_3_1_indirect_chain_over_32768),
		T(indirect_table_bounds),
	};

	return harness_main("queue", tests, ARRAY_SIZE(tests));
}
