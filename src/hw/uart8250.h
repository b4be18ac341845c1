/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART, the PC's serial port, at COM1 (0x3f8, IRQ 4).  It is the
 * guest's console from the first kernel message on (console=ttyS0): output
 * goes to our stdout, and what the user types goes to the guest.
 */
#ifndef LGUEST_HW_UART8250_H
#define LGUEST_HW_UART8250_H

#include <pthread.h>

#include "bus.h"
#include "output.h"
#include "types.h"

#define UART_FIFO_SIZE	  64
#define UART_TX_FIFO_SIZE 16 /* what Linux writes after one THRE */

struct uart {
	pthread_mutex_t lock; /* vCPU threads and the input pump share us */
	struct output *out;   /* where the guest's output goes */
	void (*set_irq)(void *ctx, int level); /* drive the IRQ line */
	void *ctx;

	/* The registers, as the guest sees them. */
	u8 ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
	bool thr_ipending; /* "transmitter empty" interrupt owed */
	bool tx_full;	   /* (out) had no room: THRE clear until it has */
	int irq_level;	   /* what we last told set_irq */

	/* Received bytes the guest has not read yet. */
	u8 rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
};

/* Set (u) up in its power-on state, writing output to (out) and raising
 * its interrupt through (set_irq)(ctx, level).  When (out) is full the
 * transmitter reads as busy, and the guest waits, as it would for a slow
 * line.  Main thread. */
void uart_init(struct uart *u, struct output *out,
	       void (*set_irq)(void *ctx, int level), void *ctx);

/* Claim the eight ports from (port) on (bus).  0 or -errno.  Main thread,
 * during set-up. */
int uart_attach(struct uart *u, struct bus *bus, u16 port);

/* Back to the power-on state, as on a guest reboot; keeps the callbacks and
 * drops unread input.  Main thread, vCPUs stopped. */
void uart_reset(struct uart *u);

/* A guest access to register (offset) 0..7: (write) of (*val), or a read
 * into (*val).  Both are guest-controlled and any value is fine.  vCPU
 * threads. */
void uart_io(struct uart *u, unsigned int offset, u8 *val, bool write);

/* Queue up to (len) bytes of input from the user; returns how many fit
 * (0 if the guest has not drained the FIFO yet).  Input thread. */
size_t uart_receive(struct uart *u, const u8 *buf, size_t len);

/* How many more bytes uart_receive() would take now.  Any thread. */
size_t uart_rx_room(struct uart *u);

#endif
