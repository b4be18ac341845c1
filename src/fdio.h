/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File descriptors, the few ways we use them.  Eventfds are how our
 * threads wake each other (and how KVM wakes them: ioeventfd, irqfd);
 * every sleep of a worker thread watches a "stop" eventfd too, so a reset
 * or an exit never waits on the guest or on the user's stdout; and file
 * I/O rides out signals and short transfers in one place.
 */
#ifndef LGUEST_FDIO_H
#define LGUEST_FDIO_H

#include <sys/types.h>
#include <sys/uio.h>

#include "types.h"

/* A new non-blocking, close-on-exec eventfd, or -errno.  Any thread. */
int efd_open(void);

/* The same, but blocking: its reader sleeps in read() itself, one system
 * call per wake-up (a queue's kick eventfd).  Any thread. */
int efd_open_blocking(void);

/* Add one to eventfd (fd): "look again".  A counter that is already
 * full (2^64 - 2) still wakes its reader, so this cannot fail in a way
 * that matters.  Any thread. */
void efd_signal(int fd);

/* Empty eventfd (fd)'s counter without sleeping.  Any thread. */
void efd_drain(int fd);

/* Is eventfd (fd) signalled right now?  A look, not a wait.  Any
 * thread. */
bool efd_pending(int fd);

/*
 * The one sleep of every worker thread: wait until (fd) has (events)
 * (POLLIN, POLLOUT) and return 0, or return -ESHUTDOWN as soon as eventfd
 * (stop_fd) is signalled (which is left signalled for its owner to clear),
 * or -EPIPE if (fd) reports an error or hang-up with none of (events).
 * (stop_fd) may be -1 for "never".  Any thread.
 */
int fd_wait(int fd, short events, int stop_fd);

/* As fd_wait() on an eventfd, then empty it: the wake-up is consumed. */
int efd_wait(int fd, int stop_fd);

/*
 * Move every byte of (iov)[0..(n)-1] between the buffers and file (fd) at
 * offset (off): pwritev() if (to_file), else preadv(), again and again
 * until done, whatever signals and short transfers do.  Consumes (iov).
 * Returns 0, or -errno; -EIO for a file that ends early.  (*done) is the
 * bytes moved either way.  For files and block devices (which never say
 * EAGAIN).  Any thread.
 */
int fd_transfer(int fd, bool to_file, struct iovec *iov, unsigned int n,
		off_t off, size_t *done);

/* fd_transfer() of one buffer: (len) bytes at (buf) from or to (off). */
int fd_pread_all(int fd, void *buf, size_t len, off_t off, size_t *done);
int fd_pwrite_all(int fd, const void *buf, size_t len, off_t off);

#endif
