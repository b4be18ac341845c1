/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking a request laid out across a few buffers: the original Launcher's
 * iov_consume() and iov_empty(), minus its errx() on a short chain.  A
 * virtio driver may split a header over two descriptors, or put a status
 * byte at the end of the data's last one; these let a device read such a
 * request as the one stream of bytes the spec describes.
 *
 * The buffers are usually guest memory (already bounds-checked by vq_pop())
 * with guest-chosen lengths, so nothing here trusts a length: every
 * function stops where the buffers do.  All pure, any thread.
 */
#ifndef LGUEST_IOV_H
#define LGUEST_IOV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/* The bytes in (iov)[0..(num)-1] in all.  The sum cannot overflow for
 * buffers that exist in our address space. */
size_t iov_len(const struct iovec *iov, unsigned int num);

/* True if (iov)[0..(num)-1] holds no bytes at all. */
bool iov_empty(const struct iovec *iov, unsigned int num);

/*
 * Take up to (len) bytes off the front of (iov)[0..(num)-1], copying them
 * to (dst) unless it is NULL, and advance the buffers past them (emptied
 * buffers stay in the array, with length 0).  Returns how many bytes were
 * taken: fewer than (len) only when the buffers ran out.
 */
size_t iov_consume(struct iovec *iov, unsigned int num, void *dst, size_t len);

/* As iov_consume(), but copying (len) bytes from (src) into the buffers:
 * returns how many fitted. */
size_t iov_fill(struct iovec *iov, unsigned int num, const void *src,
		size_t len);

/*
 * Take the last (len) bytes off the end of (iov)[0..(num)-1]: the buffer
 * holding them is shortened, and their address returned.  NULL, with the
 * buffers untouched, if the last non-empty buffer holds fewer than (len)
 * bytes (they would not be contiguous) or there is none; (len) > 0.  A virtio
 * device's status byte lives there.
 */
void *iov_take_tail(struct iovec *iov, unsigned int num, size_t len);

/* The index of the first non-empty buffer of (iov)[0..(num)-1], or (num)
 * if there is none: where a readv() of what is left should start. */
unsigned int iov_first(const struct iovec *iov, unsigned int num);

#endif
