// SPDX-License-Identifier: GPL-2.0
/*
 * The console (virtio 1.2, section 5.3): its type and config, the pure
 * halves, then each queue's thread against its own simulated driver.  The
 * two queues never meet, so each test drives one of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_console.h>

#include "devices/console.h"
#include "fake_driver.h"
#include "harness.h"

enum { RX, TX };

static struct device dev;
static struct fake_driver d; /* the driver of the queue under test */

static void setup(void)
{
	struct fd_config cfg = {.num = 16};
	char err[128];

	memset(&dev, 0, sizeof(dev));
	dev.type = &console_type;
	CHECK_EQ(console_type.create(&dev, NULL, err, sizeof(err)), 0);
	CHECK_EQ(fd_init(&d, &cfg), 0);
	d.vq.dev = &dev;
}

static void teardown(void)
{
	console_type.destroy(&dev);
	CHECK(dev.priv == NULL);
	fd_free(&d);
}

/* Start queue (q)'s thread; for rx, wait until it says it listens. */
static void thread_start(int q)
{
	fd_service_start(&d, console_type.service[q]);
	for (int ms = 0; q == RX && ms < 2000; ms++) {
		if (console_input_live(&dev))
			break;
		usleep(1000);
	}
}

static bool thread_stop(void)
{
	return fd_service_stop(&d);
}

static bool thread_sleeps(void)
{
	return fd_service_sleeps(&d);
}

static bool wait_used(u16 n)
{
	return fd_wait_used(&d, n);
}

/* Wait up to 2 s for (n) interrupts, then a little for any extra. */
static bool wait_interrupts(unsigned int n)
{
	for (int ms = 0; ms < 2000 && fd_interrupts(&d) < n; ms++)
		usleep(1000);
	usleep(10000);
	return fd_interrupts(&d) == n;
}

/* Wait up to 2 s for console_input_room() to be (n). */
static bool room_is(size_t n)
{
	for (int ms = 0; ms < 2000 && console_input_room(&dev) != n; ms++)
		usleep(1000);
	return console_input_room(&dev) == n;
}

static int pipe_fds[2];
static struct output *output; /* this test's, on pipe_fds[1] */

/* A pipe for output whose read end does not block, and an output buffer
 * with its writer thread in front of it, as the Launcher has on stdout.
 * The writer lives on after the test (nobody joins it), so each test
 * gets a buffer of its own that is never freed. */
static void open_pipe(void)
{
	CHECK_EQ(pipe(pipe_fds), 0);
	CHECK_EQ(fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK), 0);
	output = calloc(1, sizeof(*output));
	output_init(output, pipe_fds[1]);
	CHECK_EQ(output_start(output, NULL), 0);
}

/* What reached the pipe, as a string, once (len) bytes have (or 2 s
 * passed): the writer thread is not ours to wait for otherwise. */
static const char *pipe_text(size_t len)
{
	static char buf[1024];
	size_t got = 0;

	for (int ms = 0; ms < 2000 && got < len; ms++) {
		ssize_t n = read(pipe_fds[0], buf + got, sizeof(buf) - 1 - got);

		if (n > 0)
			got += n;
		else
			usleep(1000);
	}
	buf[got] = '\0';
	return buf;
}

static void close_pipe(void)
{
	for (int i = 0; i < 2; i++)
		if (pipe_fds[i] >= 0)
			close(pipe_fds[i]);
}

/* A buffer in fake RAM holding (s), without its NUL. */
static struct fd_buf text_buf(const char *s)
{
	struct fd_buf b = fd_buf(&d, strlen(s));

	memcpy(fd_ptr(&d, b.addr, b.len), s, b.len);
	return b;
}

static const char *ram(struct fd_buf b)
{
	return fd_ptr(&d, b.addr, b.len);
}

/*
 * The type, features and config.
 */

TEST(device_type)
{
	char err[128];

	CHECK_STR(console_type.name, "cons");
	CHECK(console_type.option == NULL);  /* the Launcher makes it */
	CHECK_EQ(console_type.virtio_id, 3); /* 5.3.1: "3" */
	CHECK_EQ(console_type.num_queues, 2);
	CHECK_STR(console_type.queue_names[RX], "rx");
	CHECK_STR(console_type.queue_names[TX], "tx");
	CHECK(console_type.service[RX] && console_type.service[TX]);
	memset(&dev, 0, sizeof(dev));
	CHECK_EQ(console_type.create(&dev, "x", err, sizeof(err)), -1);
	CHECK(strstr(err, "no option value") != NULL);
	CHECK(dev.priv == NULL);
}

/* 5.3.3, 5.3.4: with stdout a terminal of 100x40 we offer
 * VIRTIO_CONSOLE_F_SIZE and its cols and rows; otherwise no features. */
/* Create (dev) with (fd) as stdout, as if the Launcher ran with it. */
static void create_with_stdout(int fd)
{
	char err[128];
	int saved;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	memset(&dev, 0xff, sizeof(dev));
	CHECK_EQ(console_type.create(&dev, NULL, err, sizeof(err)), 0);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

TEST(spec_5_3_4_size_from_terminal)
{
	struct winsize ws = {.ws_row = 40, .ws_col = 100};
	const struct virtio_console_config *cfg = (void *)dev.config;
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;

	CHECK(master >= 0);
	CHECK_EQ(grantpt(master) | unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	CHECK_EQ(ioctl(slave, TIOCSWINSZ, &ws), 0);
	create_with_stdout(slave);
	CHECK_EQ(dev.features, 1ULL << VIRTIO_CONSOLE_F_SIZE);
	CHECK_EQ(dev.config_size, sizeof(struct virtio_console_config));
	CHECK_EQ(cfg->cols, 100);
	CHECK_EQ(cfg->rows, 40);
	console_type.destroy(&dev);
	close(slave);
	close(master);

	/* A pipe has no size. */
	open_pipe();
	create_with_stdout(pipe_fds[1]);
	CHECK_EQ(dev.features, 0);
	CHECK_EQ(cfg->cols, 0);
	CHECK_EQ(cfg->rows, 0);
	console_type.destroy(&dev);
	close_pipe();
}

/*
 * Output.
 */

TEST(send_all_buffers_in_order)
{
	struct iovec iov[] = {{"abc", 3}, {"", 0}, {"defgh", 5}, {"\n", 1}};

	setup();
	open_pipe();
	console_set_output(&dev, output);
	CHECK_EQ(console_send(&dev, iov, 4, d.vq.stop_fd), 0);
	CHECK_STR(pipe_text(9), "abcdefgh\n");
	CHECK_EQ(console_send(&dev, iov, 0, d.vq.stop_fd), 0);
	close_pipe();
	teardown();
}

/* A reader of the pipe, slower than we write. */
static void *reader_main(void *arg)
{
	u8 *buf = arg;
	size_t got = 0;

	while (got < 256 * KiB) {
		ssize_t n = read(pipe_fds[0], buf + got, 4096);

		if (n <= 0)
			break;
		got += n;
		usleep(100);
	}
	return (void *)got;
}

/* More than the output buffer holds, to a stdout that takes a little at a
 * time (a non-blocking pipe: short writes, then EAGAIN): we wait for
 * room, and every byte gets there, in order. */
TEST(send_waits_for_a_slow_stdout)
{
	static u8 out[256 * KiB], seen[256 * KiB];
	struct iovec iov[] = {{out, 100 * KiB}, {out + 100 * KiB, 156 * KiB}};
	pthread_t reader;
	void *got;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i ^ (i >> 9));
	setup();
	open_pipe();
	console_set_output(&dev, output);
	CHECK_EQ(fcntl(pipe_fds[0], F_SETFL, 0), 0);
	CHECK_EQ(fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK), 0);
	CHECK_EQ(pthread_create(&reader, NULL, reader_main, seen), 0);
	CHECK_EQ(console_send(&dev, iov, 2, d.vq.stop_fd), 0);
	pthread_join(reader, &got);
	CHECK_EQ((size_t)got, sizeof(out));
	CHECK(memcmp(seen, out, sizeof(out)) == 0);
	close_pipe();
	teardown();
}

/* Output to a closed pipe (SIGPIPE ignored, as the Launcher does) or to
 * no output at all is dropped, without a word. */
TEST(send_to_closed_output)
{
	struct iovec iov[] = {{"lost", 4}};

	setup();
	open_pipe();
	close(pipe_fds[0]);
	pipe_fds[0] = -1;
	fd_log_start();
	CHECK_EQ(console_send(&dev, iov, 1, d.vq.stop_fd), 0);
	console_set_output(&dev, output);
	CHECK_EQ(console_send(&dev, iov, 1, d.vq.stop_fd), 0);
	CHECK_EQ(fd_log_end(), 0);
	close_pipe();
	teardown();
}

/*
 * Finding: the transmit thread blocked in write() on a stdout that did
 * not drain, deaf to stop, so a reset, a reboot, ^C^C^C or SIGTERM waited
 * for ever on it.  Now it waits for room in the output buffer, and stop
 * ends that wait.
 */
TEST(tx_stops_while_stdout_is_stuck)
{
	static u8 big[OUTPUT_SIZE];
	struct fd_buf b[4];

	setup();
	open_pipe();
	/* A full pipe nobody reads. */
	CHECK_EQ(fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK), 0);
	while (write(pipe_fds[1], big, sizeof(big)) > 0)
		;
	console_set_output(&dev, output);
	for (int i = 0; i < 4; i++) {
		b[i] = fd_buf(&d, 32 * KiB);
		fd_add_chain(&d, &b[i], 1, NULL, 0);
	}
	thread_start(TX);
	fd_kick(&d);
	usleep(50000);
	/* 128 KiB of output into a 64 KiB buffer: the thread waits. */
	CHECK(fd_used_idx(&d) < 4);
	CHECK(thread_sleeps());
	CHECK(thread_stop());
	/* The writer thread still waits on this pipe: leave it open, so its
	 * number is not handed to the next test's pipe. */
	teardown();
}

/* Several chains, one of several buffers, one with writable buffers we
 * must ignore: the bytes land in order, each chain comes back with used
 * length 0, and the whole burst costs one interrupt. */
TEST(tx_service_writes_chains_in_order)
{
	struct fd_buf a, multi[3], o, in[2];
	int heads[3];

	setup();
	open_pipe();
	console_set_output(&dev, output);
	thread_start(TX);
	usleep(20000); /* asleep on an empty ring */

	a = text_buf("hello, ");
	heads[0] = fd_add_chain(&d, &a, 1, NULL, 0);
	multi[0] = text_buf("multi");
	multi[1] = text_buf("-buffer");
	multi[2] = text_buf(" chain");
	heads[1] = fd_add_chain(&d, multi, 3, NULL, 0);
	o = text_buf("!\n");
	in[0] = text_buf("WRITABLE");
	in[1] = text_buf("ALSO");
	heads[2] = fd_add_chain(&d, &o, 1, in, 2);
	fd_kick(&d);

	CHECK(wait_used(3));
	for (int k = 0; k < 3; k++) {
		CHECK_EQ(fd_used(&d, k).id, heads[k]);
		CHECK_EQ(fd_used(&d, k).len, 0);
	}
	CHECK_STR(pipe_text(27), "hello, multi-buffer chain!\n");
	CHECK(memcmp(ram(in[0]), "WRITABLE", 8) == 0);
	CHECK(wait_interrupts(1));
	CHECK(thread_sleeps());
	CHECK(thread_stop());
	close_pipe();
	teardown();
}

/* The console has "spoken" once the guest wrote to it, and not again
 * until a reset: the Launcher sends keys to hvc0 only then. */
TEST(tx_spoken_after_output_until_reset)
{
	struct fd_buf a;

	setup();
	open_pipe();
	console_set_output(&dev, output);
	CHECK(!console_spoken(&dev));
	thread_start(TX);
	usleep(20000);
	CHECK(!console_spoken(&dev));
	a = text_buf("$ ");
	fd_add_chain(&d, &a, 1, NULL, 0);
	fd_kick(&d);
	CHECK(wait_used(1));
	CHECK(console_spoken(&dev));
	CHECK(thread_stop());
	console_type.reset(&dev);
	CHECK(!console_spoken(&dev));
	close_pipe();
	teardown();
}

/* Output the user no longer reads is dropped, the chains still come
 * back, and the thread goes on until stopped. */
TEST(tx_service_survives_closed_output)
{
	struct fd_buf a, b;

	setup();
	open_pipe();
	close(pipe_fds[0]);
	pipe_fds[0] = -1;
	console_set_output(&dev, output);
	a = text_buf("nobody ");
	b = text_buf("listens");
	fd_add_chain(&d, &a, 1, NULL, 0);
	fd_add_chain(&d, &b, 1, NULL, 0);
	fd_log_start();
	thread_start(TX);
	CHECK(wait_used(2));
	CHECK(thread_sleeps());
	CHECK(thread_stop());
	CHECK_EQ(fd_log_end(), 0);
	CHECK_EQ(fd_used(&d, 1).len, 0);
	close_pipe();
	teardown();
}

/*
 * Input.
 */

/* Not live until the rx thread runs, nor after it stopped: input is then
 * refused, for the serial port to take. */
TEST(rx_live_only_while_thread_runs)
{
	setup();
	CHECK(!console_input_live(&dev));
	CHECK_EQ(console_input_room(&dev), 0);
	CHECK_EQ(console_input(&dev, (const u8 *)"x", 1), 0);

	thread_start(RX);
	CHECK(console_input_live(&dev));
	CHECK_EQ(console_input_room(&dev), CONSOLE_INPUT_SIZE);
	CHECK(thread_stop());

	CHECK(!console_input_live(&dev));
	CHECK_EQ(console_input_room(&dev), 0);
	CHECK_EQ(console_input(&dev, (const u8 *)"x", 1), 0);
	teardown();
}

/* A queue the driver never made ready gets no thread worth the name. */
TEST(rx_not_live_without_ready_queue)
{
	setup();
	vq_reset(&d.vq);
	thread_start(RX);
	for (int ms = 0; ms < 2000 && !fd_service_done(&d); ms++)
		usleep(1000);
	CHECK(fd_service_done(&d));
	CHECK(!console_input_live(&dev));
	CHECK(thread_stop());
	teardown();
}

/* Input first: the thread sleeps (no spinning, nothing used) until the
 * driver posts a buffer and kicks, then delivers. */
TEST(rx_input_waits_for_buffer)
{
	struct fd_buf b;
	int head;

	setup();
	thread_start(RX);
	CHECK_EQ(console_input(&dev, (const u8 *)"hello", 5), 5);
	CHECK(thread_sleeps());
	CHECK_EQ(fd_used_idx(&d), 0);
	CHECK_EQ(console_input_room(&dev), CONSOLE_INPUT_SIZE - 5);

	b = fd_buf(&d, 16);
	head = fd_add_chain(&d, NULL, 0, &b, 1);
	fd_kick(&d);
	CHECK(wait_used(1));
	CHECK_EQ(fd_used(&d, 0).id, head);
	CHECK_EQ(fd_used(&d, 0).len, 5);
	CHECK(memcmp(ram(b), "hello", 5) == 0);
	CHECK(wait_interrupts(1));
	CHECK(room_is(CONSOLE_INPUT_SIZE));
	CHECK(thread_sleeps());
	CHECK(thread_stop());
	teardown();
}

/* Buffers first: the thread sleeps until there is input. */
TEST(rx_buffers_wait_for_input)
{
	struct fd_buf b[2];

	setup();
	b[0] = fd_buf(&d, 16);
	b[1] = fd_buf(&d, 16);
	fd_add_chain(&d, NULL, 0, &b[0], 1);
	fd_add_chain(&d, NULL, 0, &b[1], 1);
	thread_start(RX);
	fd_kick(&d);
	CHECK(thread_sleeps());
	CHECK_EQ(fd_used_idx(&d), 0);

	CHECK_EQ(console_input(&dev, (const u8 *)"ls\n", 3), 3);
	CHECK(wait_used(1));
	CHECK_EQ(fd_used(&d, 0).len, 3);
	CHECK(memcmp(ram(b[0]), "ls\n", 3) == 0);
	CHECK(wait_interrupts(1));
	CHECK(thread_sleeps());
	CHECK_EQ(fd_used_idx(&d), 1); /* the second buffer waits */
	CHECK(thread_stop());
	teardown();
}

/* Input larger than a buffer spreads over the writable buffers of one
 * chain and then the next; readable buffers are left alone; what does
 * not fit waits for the next buffer. */
TEST(rx_input_split_across_buffers)
{
	struct fd_buf a, o, in[2], c;

	setup();
	a = fd_buf(&d, 4);
	fd_add_chain(&d, NULL, 0, &a, 1);
	o = text_buf("readonly");
	in[0] = fd_buf(&d, 2);
	in[1] = fd_buf(&d, 3);
	fd_add_chain(&d, &o, 1, in, 2);
	thread_start(RX);

	CHECK_EQ(console_input(&dev, (const u8 *)"0123456789ab", 12), 12);
	CHECK(wait_used(2));
	CHECK_EQ(fd_used(&d, 0).len, 4);
	CHECK_EQ(fd_used(&d, 1).len, 5);
	CHECK(memcmp(ram(a), "0123", 4) == 0);
	CHECK(memcmp(ram(in[0]), "45", 2) == 0);
	CHECK(memcmp(ram(in[1]), "678", 3) == 0);
	CHECK(memcmp(ram(o), "readonly", 8) == 0);
	CHECK(wait_interrupts(1)); /* two chains, one interrupt */
	CHECK(room_is(CONSOLE_INPUT_SIZE - 3));

	c = fd_buf(&d, 16);
	fd_add_chain(&d, NULL, 0, &c, 1);
	fd_kick(&d);
	CHECK(wait_used(3));
	CHECK_EQ(fd_used(&d, 2).len, 3);
	CHECK(memcmp(ram(c), "9ab", 3) == 0);
	CHECK(thread_stop());
	teardown();
}

/* The ring holds CONSOLE_INPUT_SIZE bytes: room shrinks as it fills,
 * input past that is refused, and bytes come out in order when both the
 * input and the taking wrap round the ring's end. */
TEST(rx_room_shrinks_when_full)
{
	static u8 in[2 * CONSOLE_INPUT_SIZE];
	struct fd_buf b;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (u8)(i * 7 + i / 251);
	setup();
	thread_start(RX);
	CHECK_EQ(console_input(&dev, in, 3000), 3000);
	CHECK_EQ(console_input_room(&dev), CONSOLE_INPUT_SIZE - 3000);

	/* Take 2000, so the next input wraps round the ring's end. */
	b = fd_buf(&d, 2000);
	fd_add_chain(&d, NULL, 0, &b, 1);
	fd_kick(&d);
	CHECK(wait_used(1));
	CHECK(memcmp(ram(b), in, 2000) == 0);
	CHECK(room_is(CONSOLE_INPUT_SIZE - 1000));
	CHECK_EQ(console_input(&dev, in + 3000, 3000), 3000);
	CHECK_EQ(console_input_room(&dev), CONSOLE_INPUT_SIZE - 4000);
	CHECK_EQ(console_input(&dev, in + 6000, 200),
		 CONSOLE_INPUT_SIZE - 4000);
	CHECK_EQ(console_input_room(&dev), 0);
	CHECK_EQ(console_input(&dev, in, 1), 0);

	b = fd_buf(&d, 2 * CONSOLE_INPUT_SIZE);
	fd_add_chain(&d, NULL, 0, &b, 1);
	fd_kick(&d);
	CHECK(wait_used(2));
	CHECK_EQ(fd_used(&d, 1).len, CONSOLE_INPUT_SIZE);
	CHECK(memcmp(ram(b), in + 2000, CONSOLE_INPUT_SIZE) == 0);
	CHECK(room_is(CONSOLE_INPUT_SIZE));
	CHECK(thread_stop());
	teardown();
}

/* The old driver's unread input is not for the new one. */
TEST(rx_reset_drops_pending_input)
{
	setup();
	thread_start(RX);
	CHECK_EQ(console_input(&dev, (const u8 *)"stale", 5), 5);
	CHECK(thread_stop()); /* stops while waiting for a buffer */
	console_type.reset(&dev);
	thread_start(RX);
	CHECK_EQ(console_input_room(&dev), CONSOLE_INPUT_SIZE);
	CHECK(thread_stop());
	teardown();
}

/* A driver that breaks its receive queue ends the thread, and with it
 * the console's claim on input. */
TEST(rx_returns_on_broken_queue)
{
	setup();
	thread_start(RX);
	CHECK(fd_add_bad(&d, FD_BAD_LOOP) >= 0);
	fd_kick(&d);
	fd_log_start();
	CHECK_EQ(console_input(&dev, (const u8 *)"x", 1), 1);
	for (int ms = 0; ms < 2000 && !fd_service_done(&d); ms++)
		usleep(1000);
	CHECK_EQ(fd_log_end(), 1);
	CHECK(strstr(fd_log, "bad driver: descriptor loop") != NULL);
	CHECK(fd_service_done(&d));
	CHECK(!console_input_live(&dev));
	CHECK(thread_stop());
	teardown();
}

int main(void)
{
	static const struct test tests[] = {
		T(device_type),
		T(spec_5_3_4_size_from_terminal),
		T(send_all_buffers_in_order),
		T(send_waits_for_a_slow_stdout),
		T(send_to_closed_output),
		T(tx_stops_while_stdout_is_stuck),
		T(tx_service_writes_chains_in_order),
		T(tx_spoken_after_output_until_reset),
		T(tx_service_survives_closed_output),
		T(rx_live_only_while_thread_runs),
		T(rx_not_live_without_ready_queue),
		T(rx_input_waits_for_buffer),
		T(rx_buffers_wait_for_input),
		T(rx_input_split_across_buffers),
		T(rx_room_shrinks_when_full),
		T(rx_reset_drops_pending_input),
		T(rx_returns_on_broken_queue),
	};

	/* As the Launcher does: a closed output is an error, not a death. */
	signal(SIGPIPE, SIG_IGN);
	return harness_main("console", tests, ARRAY_SIZE(tests));
}
