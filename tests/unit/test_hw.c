// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy devices, driven as Linux drives them: the 8250 probe and data
 * path, the CMOS clock and its NVRAM, and the ways a guest ends.
 */
#include <fcntl.h>
#include <linux/serial_reg.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "launcher.h"
#include "layout.h"
#include "hw/power.h"
#include "hw/rtc.h"
#include "hw/uart8250.h"

static int irq_level, irq_changes;

static void set_irq(void *ctx, int level)
{
	(void)ctx;
	irq_level = level;
	irq_changes++;
}

static u8 in(struct uart *u, unsigned int reg)
{
	u8 v;

	uart_io(u, reg, &v, false);
	return v;
}

static void out(struct uart *u, unsigned int reg, u8 v)
{
	uart_io(u, reg, &v, true);
}

/* The serial port's output goes through an output buffer, and its
 * writer thread, to a pipe the test reads. */
static int pipe_fds[2];
static struct output output;

static void uart_setup(struct uart *u)
{
	if (!pipe_fds[0]) {
		CHECK_EQ(pipe(pipe_fds), 0);
		output_init(&output, pipe_fds[1]);
		CHECK_EQ(output_start(&output, NULL), 0);
	}
	output_off_room(&output, u); /* an earlier test's UART, same place */
	irq_level = irq_changes = 0;
	uart_init(u, &output, set_irq, NULL);
}

/* The checks of Linux's autoconfig() in 8250_port.c, in its order. */
TEST(uart_probe_as_16550a)
{
	static struct uart u;

	uart_setup(&u);
	/* Scratch register holds what it is given. */
	out(&u, UART_SCR, 0xa5);
	CHECK_EQ(in(&u, UART_SCR), 0xa5);
	/* IER takes the low nibble. */
	out(&u, UART_IER, 0x0f);
	CHECK_EQ(in(&u, UART_IER), 0x0f);
	out(&u, UART_IER, 0);
	/* Loopback: MSR mirrors MCR's outputs (RTS|OUT2 -> CTS|DCD). */
	out(&u, UART_MCR, UART_MCR_LOOP | 0x0a);
	CHECK_EQ(in(&u, UART_MSR) & 0xf0, 0x90);
	out(&u, UART_MCR, 0);
	/* FIFO enabled: IIR bits 7-6 both set means 16550A. */
	out(&u, UART_FCR, UART_FCR_ENABLE_FIFO);
	CHECK_EQ(in(&u, UART_IIR) >> 6, 3);
	/* Divisor latch. */
	out(&u, UART_LCR, UART_LCR_DLAB);
	out(&u, UART_DLL, 1);
	CHECK_EQ(in(&u, UART_DLL), 1);
	out(&u, UART_LCR, UART_LCR_WLEN8);
	CHECK_EQ(in(&u, UART_LCR), UART_LCR_WLEN8);
}

TEST(uart_transmit)
{
	static struct uart u;
	char buf[8] = {0};

	uart_setup(&u);
	CHECK(in(&u, UART_LSR) & UART_LSR_THRE);
	out(&u, UART_TX, 'h');
	out(&u, UART_TX, 'i');
	CHECK_EQ(read(pipe_fds[0], buf, 2), 2);
	CHECK_STR(buf, "hi");
}

TEST(uart_thre_interrupt)
{
	static struct uart u;

	uart_setup(&u);
	/* Enabling THRI with an empty holding register interrupts at once. */
	out(&u, UART_IER, UART_IER_THRI);
	CHECK_EQ(irq_level, 1);
	CHECK_EQ(in(&u, UART_IIR) & 0x0f, UART_IIR_THRI);
	/* Reading IIR acknowledged it. */
	CHECK_EQ(irq_level, 0);
	CHECK_EQ(in(&u, UART_IIR) & 0x0f, UART_IIR_NO_INT);
}

TEST(uart_receive)
{
	static struct uart u;
	u8 many[100];

	uart_setup(&u);
	out(&u, UART_IER, UART_IER_RDI);
	CHECK_EQ(irq_level, 0);
	CHECK_EQ(uart_receive(&u, (const u8 *)"ok", 2), 2);
	CHECK_EQ(irq_level, 1);
	CHECK_EQ(in(&u, UART_IIR) & 0x0f, UART_IIR_RDI);
	CHECK(in(&u, UART_LSR) & UART_LSR_DR);
	CHECK_EQ(in(&u, UART_RX), 'o');
	CHECK_EQ(in(&u, UART_RX), 'k');
	CHECK_EQ(in(&u, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(irq_level, 0);
	/* The FIFO holds 64; the rest waits with the sender. */
	memset(many, 'x', sizeof(many));
	CHECK_EQ(uart_receive(&u, many, sizeof(many)), UART_FIFO_SIZE);
	CHECK_EQ(uart_rx_room(&u), 0);
	CHECK_EQ(uart_receive(&u, many, 1), 0);
	in(&u, UART_RX);
	CHECK_EQ(uart_rx_room(&u), 1);
	/* Reading an empty receiver gives 0, not stale data. */
	uart_reset(&u);
	CHECK_EQ(in(&u, UART_RX), 0);
}

/*
 * Finding: the UART wrote to stdout under its lock, so a stdout that does
 * not drain stopped the vCPU, and every thread that then wanted the lock.
 * Now a full output buffer makes the transmitter busy, as a slow line
 * would, and the vCPU never waits; when stdout drains, the transmitter
 * is empty again and says so with its interrupt.
 */
TEST(uart_never_waits_for_a_full_stdout)
{
	static struct output stuck;
	static u8 junk[OUTPUT_SIZE + 4096];
	int fds[2];
	static struct uart u;
	size_t sent = 0;

	CHECK_EQ(pipe(fds), 0);
	/* A pipe nobody reads, full to the brim: the writer will block. */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (write(fds[1], junk, sizeof(junk)) > 0)
		;
	output_init(&stuck, fds[1]);
	CHECK_EQ(output_start(&stuck, NULL), 0);
	irq_level = 0;
	uart_init(&u, &stuck, set_irq, NULL);
	out(&u, UART_IER, UART_IER_THRI);
	in(&u, UART_IIR); /* acknowledge the first THRE */
	/* A guest that keeps writing while the line is free: every write
	 * returns (this test would hang otherwise) until the buffer is
	 * full and the transmitter says busy. */
	while ((in(&u, UART_LSR) & UART_LSR_THRE) && sent < sizeof(junk)) {
		out(&u, UART_TX, 'x');
		sent++;
	}
	CHECK(sent > OUTPUT_SIZE - 2 * UART_TX_FIFO_SIZE);
	CHECK(sent <= OUTPUT_SIZE);
	CHECK_EQ(in(&u, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), 0);
	CHECK_EQ(irq_level, 0);
	/* Now the user reads: room again, and the THRE interrupt. */
	while (read(fds[0], junk, sizeof(junk)) > 0 &&
	       !(in(&u, UART_LSR) & UART_LSR_THRE))
		;
	for (int ms = 0; ms < 2000 && !irq_level; ms++)
		usleep(1000);
	CHECK(in(&u, UART_LSR) & UART_LSR_THRE);
	CHECK_EQ(irq_level, 1);
	CHECK_EQ(in(&u, UART_IIR) & 0x0f, UART_IIR_THRI);
}

TEST(uart_loopback_does_not_leak_out)
{
	static struct uart u;

	uart_setup(&u);
	out(&u, UART_MCR, UART_MCR_LOOP);
	out(&u, UART_TX, 'z');
	CHECK_EQ(in(&u, UART_RX), 'z');
	out(&u, UART_MCR, 0);
}

static u8 cmos_read(struct rtc *r, u8 reg)
{
	u8 v = reg;

	rtc_io(r, RTC_INDEX, &v, true);
	rtc_io(r, RTC_DATA, &v, false);
	return v;
}

static void cmos_write(struct rtc *r, u8 reg, u8 val)
{
	rtc_io(r, RTC_INDEX, &reg, true);
	rtc_io(r, RTC_DATA, &val, true);
}

static int bcd(u8 v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

TEST(rtc_time_is_host_time)
{
	struct rtc r;
	struct tm tm;
	time_t now = time(NULL);

	rtc_init(&r);
	gmtime_r(&now, &tm);
	/* Never "update in progress": the polling loop ends at once. */
	CHECK_EQ(cmos_read(&r, 0x0a) & 0x80, 0);
	CHECK_EQ(bcd(cmos_read(&r, 0x09)), tm.tm_year % 100);
	CHECK_EQ(bcd(cmos_read(&r, 0x32)), (tm.tm_year + 1900) / 100);
	CHECK_EQ(bcd(cmos_read(&r, 0x08)), tm.tm_mon + 1);
	CHECK(bcd(cmos_read(&r, 0x04)) < 24);
	/* Binary mode on request. */
	cmos_write(&r, 0x0b, 0x06);
	CHECK_EQ(cmos_read(&r, 0x09), tm.tm_year % 100);
	CHECK_EQ(cmos_read(&r, 0x0d), 0x80);
}

TEST(rtc_nvram)
{
	struct rtc r;

	rtc_init(&r);
	cmos_write(&r, 0x50, 0xa5);
	CHECK_EQ(cmos_read(&r, 0x50), 0xa5);
	/* Index bit 7 is the NMI mask, not part of the address. */
	cmos_write(&r, 0x80 | 0x51, 0x3c);
	CHECK_EQ(cmos_read(&r, 0x51), 0x3c);
	/* Status D is read-only. */
	cmos_write(&r, 0x0d, 0);
	CHECK_EQ(cmos_read(&r, 0x0d), 0x80);
}

TEST(power_off_and_reset)
{
	u8 v;

	/* Linux's S5: SLP_TYP 5 << 2 | SLP_EN. */
	v = (5 << 2) | (1 << 5);
	CHECK_EQ(power_io(PORT_SLEEP_CTL, &v, true), POWER_OFF);
	/* SLP_EN without S5, or S5 without SLP_EN: nothing. */
	v = (3 << 2) | (1 << 5);
	CHECK_EQ(power_io(PORT_SLEEP_CTL, &v, true), POWER_NONE);
	v = 5 << 2;
	CHECK_EQ(power_io(PORT_SLEEP_CTL, &v, true), POWER_NONE);
	v = RESET_VALUE;
	CHECK_EQ(power_io(PORT_RESET, &v, true), POWER_RESET);
	v = 0xfe;
	CHECK_EQ(i8042_io(PORT_I8042_CMD, &v, true), POWER_RESET);
	v = 0xfe;
	CHECK_EQ(i8042_io(PORT_I8042_DATA, &v, true), POWER_NONE);
	v = 0xff;
	CHECK_EQ(i8042_io(PORT_I8042_CMD, &v, false), POWER_NONE);
	CHECK_EQ(v, 0);
}

TEST(pvpanic)
{
	u8 v = 0;

	CHECK_EQ(power_io(PORT_PVPANIC, &v, false), POWER_NONE);
	CHECK(v & PVPANIC_PANICKED);
	v = PVPANIC_PANICKED;
	CHECK_EQ(power_io(PORT_PVPANIC, &v, true), POWER_PANIC);
	v = PVPANIC_CRASH_LOADED;
	CHECK_EQ(power_io(PORT_PVPANIC, &v, true), POWER_NONE);
}

TEST(exit_statuses)
{
	CHECK_EQ(launcher_exit_status(GUEST_POWEROFF), 0);
	CHECK_EQ(launcher_exit_status(GUEST_PANIC), 2);
	CHECK_EQ(launcher_exit_status(GUEST_CRASH), 3);
	CHECK_EQ(launcher_exit_status(GUEST_REBOOT), 4);
	CHECK_EQ(launcher_exit_status(GUEST_STOPPED), 130);
}

int main(void)
{
	static const struct test tests[] = {
		T(uart_probe_as_16550a),
		T(uart_transmit),
		T(uart_thre_interrupt),
		T(uart_receive),
		T(uart_never_waits_for_a_full_stdout),
		T(uart_loopback_does_not_leak_out),
		T(rtc_time_is_host_time),
		T(rtc_nvram),
		T(power_off_and_reset),
		T(pvpanic),
		T(exit_statuses),
	};

	return harness_main("hw", tests, ARRAY_SIZE(tests));
}
