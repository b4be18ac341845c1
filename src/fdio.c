// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfds, waits that honour stop, and file I/O that finishes (fdio.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fdio.h"
#include "iov.h"

int efd_open(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int efd_open_blocking(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void efd_signal(int fd)
{
	u64 one = 1;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, and its reader will wake. */
	}
}

void efd_drain(int fd)
{
	u64 count;

	if (read(fd, &count, sizeof(count)) < 0) {
		/* EAGAIN: already empty, which is just as good. */
	}
}

bool efd_pending(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

int fd_wait(int fd, short events, int stop_fd)
{
	struct pollfd p[2] = {
		{.fd = fd, .events = events},
		{.fd = stop_fd, .events = POLLIN},
	};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Stop first: a thread asked to stop must not find one more
		 * thing to do. */
		if (p[1].revents)
			return -ESHUTDOWN;
		if (p[0].revents & events)
			return 0;
		if (p[0].revents)
			return -EPIPE; /* POLLERR, POLLHUP, POLLNVAL */
	}
}

int efd_wait(int fd, int stop_fd)
{
	int err = fd_wait(fd, POLLIN, stop_fd);

	if (!err)
		efd_drain(fd);
	return err;
}

int fd_transfer(int fd, bool to_file, struct iovec *iov, unsigned int n,
		off_t off, size_t *done)
{
	*done = 0;
	for (;;) {
		unsigned int i = iov_first(iov, n);
		int cnt = MIN(n - i, IOV_MAX);
		ssize_t r;

		if (i == n)
			return 0;
		r = to_file ? pwritev(fd, iov + i, cnt, off)
			    : preadv(fd, iov + i, cnt, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		iov_consume(iov + i, n - i, NULL, r);
		*done += r;
		off += r;
	}
}

int fd_pread_all(int fd, void *buf, size_t len, off_t off, size_t *done)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};

	return fd_transfer(fd, false, &iov, 1, off, done);
}

int fd_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	size_t done;

	return fd_transfer(fd, true, &iov, 1, off, &done);
}
