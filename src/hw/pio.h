/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a vCPU's I/O port and MMIO exits go: the table of our legacy
 * devices.  Everything the guest reaches here is guest-controlled.
 */
#ifndef LGUEST_HW_PIO_H
#define LGUEST_HW_PIO_H

#include "types.h"

struct launcher;

/* A guest access of (size) bytes at I/O (port): (write) (data), or read
 * into (data).  Unclaimed ports read as all ones, as on a PC bus with
 * nothing there.  vCPU threads. */
void hw_pio(struct launcher *l, u16 port, u8 *data, u32 size, bool write);

/* The same for a guest-physical (addr) no device claims in the kernel. */
void hw_mmio(struct launcher *l, u64 addr, u8 *data, u32 size, bool write);

#endif
