/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio disk (src/devices/block.c): its type, for the device table,
 * and its request handler without a queue, for the unit tests and the
 * fuzzer (tests/unit/test_block.c, tests/fuzz/fuzz_block.c).
 */
#ifndef LGUEST_DEVICES_BLOCK_H
#define LGUEST_DEVICES_BLOCK_H

#include <sys/uio.h>

#include "types.h"
#include "virtio/device.h"

/* --block=FILE[,ro]: one disk per option, as often as given. */
extern const struct device_type block_type;

/* What one request came to. */
struct block_reply {
	int status; /* VIRTIO_BLK_S_OK, _IOERR or _UNSUPP, as written into
		       the request's status byte; -1 if it had none */
	u32 len;    /* the used length: bytes written into the writable
		       buffers, data and status byte (0 with no status) */
};

/*
 * Serve one request of disk (dev), made by block_type.create(): the
 * chain's (out_num) readable buffers then (in_num) writable ones, in
 * (iov), as vq_pop() left them (consumed in place).  Everything in the
 * buffers, and their lengths, is guest-controlled; whatever they hold we
 * answer with a status, never touch the file outside the disk and never
 * change its size.  Blocks on file I/O.  The queue's service thread (or a
 * test); one caller at a time per disk.
 */
struct block_reply block_handle_request(struct device *dev, struct iovec *iov,
					unsigned int out_num,
					unsigned int in_num);

#endif
