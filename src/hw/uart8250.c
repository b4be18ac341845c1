// SPDX-License-Identifier: GPL-2.0
/*
 * The 8250/16550A UART.  Linux probes it thoroughly (scratch register,
 * loopback, FIFO bits in IIR) before it calls it a 16550A, so we emulate
 * those corners too; baud rates, parity and line status errors we can
 * ignore, since our "wire" never loses a bit.
 */
#include <linux/serial_reg.h>
#include <string.h>

#include "hw/uart8250.h"

/* The output made room: a transmitter that was full is empty again. */
static void output_room_cb(void *ctx);

void uart_init(struct uart *u, struct output *out,
	       void (*set_irq)(void *ctx, int level), void *ctx)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->out = out;
	output_on_room(out, output_room_cb, u);
	u->set_irq = set_irq;
	u->ctx = ctx;
	uart_reset(u);
}

void uart_reset(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
	u->dll = 0x0c; /* 9600 baud, as a BIOS leaves it */
	u->dlm = 0;
	u->lsr = UART_LSR_TEMT | UART_LSR_THRE;
	u->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	u->thr_ipending = u->tx_full = false;
	u->rx_head = u->rx_count = 0;
	u->irq_level = 0;
	pthread_mutex_unlock(&u->lock);
}

/* Which interrupt, if any, the guest should see in IIR right now, in the
 * 16550's priority order: received data before transmitter empty. */
static u8 pending_iir(const struct uart *u)
{
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

/* The IRQ line follows IIR: a level, like the real chip's INTR pin.  We only
 * tell KVM about changes.  Called with the lock held. */
static void update_irq(struct uart *u)
{
	int level = pending_iir(u) != UART_IIR_NO_INT;

	/* In loopback mode the chip's interrupt output is cut off; OUT2
	 * gates it to the PIC on a PC (and Linux sets OUT2). */
	if (u->mcr & UART_MCR_LOOP)
		level = 0;
	if (level != u->irq_level) {
		u->irq_level = level;
		u->set_irq(u->ctx, level);
	}
}

/*L:300
 * The serial port is where a Linux kernel speaks first, long before any
 * virtio driver loads, so we emulate the real chip, a 16550A, well enough
 * for Linux's careful probe.  A guest writes a byte to the transmit
 * register and reads the line status register to learn when it may write
 * the next.  That is flow control, and we use it: when the user's stdout
 * stops draining, the output buffer fills, the transmitter reads as busy,
 * and the guest waits for it, as for a slow line.  No vCPU ever sleeps on
 * the user's terminal. :*/
static void transmit(struct uart *u, u8 byte)
{
	if (u->mcr & UART_MCR_LOOP) {
		/* Loopback: what we send comes straight back in. */
		if (u->rx_count < UART_FIFO_SIZE) {
			u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] =
				byte;
			u->rx_count++;
		}
		u->thr_ipending = true;
		return;
	}
	/* Writing the holding register takes back its "empty" interrupt;
	 * it comes again once the byte is on its way. */
	u->thr_ipending = false;
	/*
	 * The byte goes to the output buffer, never straight to stdout: we
	 * hold the lock, and a vCPU must not wait on the user's terminal.
	 * A driver that ignored a busy transmitter loses the byte, as it
	 * would on the chip.  While the buffer has room for a FIFO's worth
	 * the transmitter is empty at once; otherwise it stays busy until
	 * the output makes room (output_room_cb).
	 */
	output_write(u->out, &byte, 1);
	if (output_room(u->out) >= UART_TX_FIFO_SIZE)
		u->thr_ipending = true;
	else
		u->tx_full = true;
}

static void output_room_cb(void *ctx)
{
	struct uart *u = ctx;

	pthread_mutex_lock(&u->lock);
	if (u->tx_full && output_room(u->out) >= UART_TX_FIFO_SIZE) {
		u->tx_full = false;
		u->thr_ipending = true;
		update_irq(u);
	}
	pthread_mutex_unlock(&u->lock);
}

/* In loopback the modem inputs are wired to the modem outputs: DSR from
 * DTR, CTS from RTS, RI from OUT1, DCD from OUT2.  Linux's probe checks. */
static u8 read_msr(const struct uart *u)
{
	if (u->mcr & UART_MCR_LOOP) {
		u8 msr = 0;

		if (u->mcr & UART_MCR_DTR)
			msr |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_RTS)
			msr |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_OUT1)
			msr |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			msr |= UART_MSR_DCD;
		return msr;
	}
	return u->msr;
}

static u8 read_reg(struct uart *u, unsigned int offset)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 val;

	switch (offset) {
	case UART_RX:
		if (dlab)
			return u->dll;
		if (!u->rx_count)
			return 0;
		val = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
		u->rx_count--;
		return val;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		val = pending_iir(u);
		/* Reading IIR acknowledges a transmitter-empty interrupt. */
		if (val == UART_IIR_THRI)
			u->thr_ipending = false;
		/* Bits 7-6 set: "FIFOs enabled", which makes it a 16550A. */
		if (u->fcr & UART_FCR_ENABLE_FIFO)
			val |= 0xc0;
		return val;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		val = u->lsr;
		if (u->tx_full)
			val &= ~(UART_LSR_THRE | UART_LSR_TEMT);
		if (u->rx_count)
			val |= UART_LSR_DR;
		return val;
	case UART_MSR:
		return read_msr(u);
	default: /* UART_SCR */
		return u->scr;
	}
}

static void write_reg(struct uart *u, unsigned int offset, u8 val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_TX:
		if (dlab) {
			u->dll = val;
			return;
		}
		transmit(u, val);
		return;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			return;
		}
		/* Turning the THRE interrupt on when the holding register is
		 * already empty raises it at once: drivers rely on this to
		 * start transmitting. */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI) &&
		    !u->tx_full)
			u->thr_ipending = true;
		u->ier = val & 0x0f;
		return;
	case UART_FCR:
		if (val & UART_FCR_CLEAR_RCVR)
			u->rx_head = u->rx_count = 0;
		u->fcr = val & (UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK);
		return;
	case UART_LCR:
		u->lcr = val;
		return;
	case UART_MCR:
		u->mcr = val & 0x1f;
		return;
	case UART_LSR:
	case UART_MSR:
		/* Read-only status: writes are ignored, as on the chip. */
		return;
	default: /* UART_SCR */
		u->scr = val;
		return;
	}
}

void uart_io(struct uart *u, unsigned int offset, u8 *val, bool write)
{
	pthread_mutex_lock(&u->lock);
	if (write)
		write_reg(u, offset & 7, *val);
	else
		*val = read_reg(u, offset & 7);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

size_t uart_rx_room(struct uart *u)
{
	size_t room;

	pthread_mutex_lock(&u->lock);
	room = UART_FIFO_SIZE - u->rx_count;
	pthread_mutex_unlock(&u->lock);
	return room;
}

size_t uart_receive(struct uart *u, const u8 *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	while (n < len && u->rx_count < UART_FIFO_SIZE) {
		u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = buf[n++];
		u->rx_count++;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

static void uart_bus(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	(void)len; /* one byte: the registers are bytewise */
	uart_io(ctx, off, data, write);
}

int uart_attach(struct uart *u, struct bus *bus, u16 port)
{
	return bus_register(bus, BUS_PIO, port, 8, uart_bus, u, "uart", true);
}
