// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer-walking helpers (see iov.h): a request as one stream of bytes,
 * wherever the driver chose to cut it.
 */
#include <string.h>

#include "iov.h"

size_t iov_len(const struct iovec *iov, unsigned int num)
{
	size_t len = 0;

	for (unsigned int i = 0; i < num; i++)
		len += iov[i].iov_len;
	return len;
}

bool iov_empty(const struct iovec *iov, unsigned int num)
{
	for (unsigned int i = 0; i < num; i++)
		if (iov[i].iov_len)
			return false;
	return true;
}

/* The one walk both directions share: (dst) or (src) or neither. */
static size_t walk(struct iovec *iov, unsigned int num, void *dst,
		   const void *src, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < num && done < len; i++) {
		size_t n = iov[i].iov_len < len - done ? iov[i].iov_len
						       : len - done;

		if (!n)
			continue;
		if (dst)
			memcpy((char *)dst + done, iov[i].iov_base, n);
		if (src)
			memcpy(iov[i].iov_base, (const char *)src + done, n);
		iov[i].iov_base = (char *)iov[i].iov_base + n;
		iov[i].iov_len -= n;
		done += n;
	}
	return done;
}

size_t iov_consume(struct iovec *iov, unsigned int num, void *dst, size_t len)
{
	return walk(iov, num, dst, NULL, len);
}

size_t iov_fill(struct iovec *iov, unsigned int num, const void *src,
		size_t len)
{
	return walk(iov, num, NULL, src, len);
}

void *iov_take_tail(struct iovec *iov, unsigned int num, size_t len)
{
	for (unsigned int i = num; i-- > 0;) {
		if (!iov[i].iov_len)
			continue;
		if (iov[i].iov_len < len)
			return NULL;
		iov[i].iov_len -= len;
		return (char *)iov[i].iov_base + iov[i].iov_len;
	}
	return NULL;
}

unsigned int iov_first(const struct iovec *iov, unsigned int num)
{
	unsigned int i = 0;

	while (i < num && !iov[i].iov_len)
		i++;
	return i;
}
