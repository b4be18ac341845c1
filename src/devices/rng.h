/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio entropy device (--rng).
 */
#ifndef LGUEST_DEVICES_RNG_H
#define LGUEST_DEVICES_RNG_H

#include <sys/uio.h>

#include "virtio/device.h"

extern const struct device_type rng_type;

/* Fill the (n) writable buffers (iov) with random bytes, 64 KiB at most;
 * returns how many were written (the used length).  The buffers are guest
 * memory, already checked.  Pure but for getrandom(); rng thread or
 * tests. */
size_t rng_fill(const struct iovec *iov, unsigned int n);

#endif
