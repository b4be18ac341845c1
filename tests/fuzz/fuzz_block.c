// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: requests made of fuzz input, against the disk (virtio 1.2,
 * section 5.2; src/devices/block.c) backed by a temporary file, through
 * the simulated driver's ring.  Whatever the requests say, the disk must
 * answer each chain once, within its writable buffers, and never change
 * the file's size (nor, read-only, its contents).  Built with
 * tests/fuzz/replay.c it is a plain program replaying the files it is given
 * (tests/fuzz/run replay).
 *
 * Input: one header byte, then 24-byte requests to the end:
 *	byte 0	bit 0: read-only disk, bit 1: driver took FLUSH, bit 2:
 *		chains behind an indirect descriptor, bit 3: serve with the
 *		service routine (else the handler directly), bit 4: the file
 *		shrinks to half after create() (reads past its end fail)
 *	req 0	readable buffers: (& 7) % 5; writable: (>> 3) % 5
 *	req 1..8  each buffer's length: b < 64 ? b : ((b - 64) >> 1) * 128
 *		+ (b & 1), so whole sectors and a sector plus a status byte
 *	req 9	type: bit 7 set: req 10..13 as is; else one of types[] below
 *	req 14..21  sector: req 14 bit 7 set: as is; else req 15
 *	req 22..23  the discard/write zeroes segment repeated after the
 *		header: sector req 22 % 160, sectors req 23 % 40, flags
 *		req 23 >> 6
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/virtio_blk.h>

#include "devices/block.h"
#include "fake_driver.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define DISK_BYTES (128 * 512)
#define REQ_SIZE   24
#define MAX_BUFS   8

static const u32 types[] = {
	VIRTIO_BLK_T_IN,       VIRTIO_BLK_T_OUT,
	VIRTIO_BLK_T_FLUSH,    VIRTIO_BLK_T_GET_ID,
	VIRTIO_BLK_T_DISCARD,  VIRTIO_BLK_T_WRITE_ZEROES,
	VIRTIO_BLK_T_SCSI_CMD, VIRTIO_BLK_T_SECURE_ERASE,
};

static struct fake_driver d;
static struct device dev;
static int file_fd = -1; /* the disk's file, unlinked; we keep it open */
static u8 image[DISK_BYTES], now[DISK_BYTES];
static struct iovec iov[256];
static bool via_service, indirect;

static u16 arg16(const u8 *a)
{
	return a[0] | a[1] << 8;
}

static u32 arg32(const u8 *a)
{
	return arg16(a) | (u32)arg16(a + 2) << 16;
}

static u64 arg64(const u8 *a)
{
	return arg32(a) | (u64)arg32(a + 4) << 32;
}

/* One temporary file for the whole run, refilled for every input. */
static void fresh_file(void)
{
	/* In memory where there is a tmpfs: a FLUSH then costs nothing. */
	char shm[] = "/dev/shm/lguest-fuzz-blk-XXXXXX";
	char tmp[] = "/tmp/lguest-fuzz-blk-XXXXXX";
	char *path = shm;

	if (file_fd < 0) {
		file_fd = mkstemp(shm);
		if (file_fd < 0) {
			path = tmp;
			file_fd = mkstemp(tmp);
		}
		if (file_fd < 0)
			abort();
		unlink(path);
		for (size_t i = 0; i < sizeof(image); i++)
			image[i] = (u8)(i * 7 + i / 512 + 1);
	}
	if (ftruncate(file_fd, DISK_BYTES) ||
	    pwrite(file_fd, image, DISK_BYTES, 0) != DISK_BYTES)
		abort();
}

static off_t file_size(void)
{
	struct stat st;

	if (fstat(file_fd, &st))
		abort();
	return st.st_size;
}

/* Fill buffers (b)[0..(n)-1] in RAM with the readable stream: the header,
 * then the segment over and over.  A copy at a time, not a byte: this is
 * most of what an execution does, and the fuzzer's instrumentation would
 * count a compare for every byte. */
static void fill_readable(const struct fd_buf *b, unsigned int n, const u8 *req)
{
	struct virtio_blk_outhdr h;
	struct virtio_blk_discard_write_zeroes seg;
	u8 stream[16 + 16];
	size_t pos = 0;

	h.type = htole32(req[9] & 0x80 ? arg32(req + 10)
				       : types[req[9] % ARRAY_SIZE(types)]);
	h.ioprio = 0;
	h.sector = htole64(req[14] & 0x80 ? arg64(req + 14) : req[15]);
	seg.sector = htole64(req[22] % 160);
	seg.num_sectors = htole32(req[23] % 40);
	seg.flags = htole32(req[23] >> 6);
	memcpy(stream, &h, 16);
	memcpy(stream + 16, &seg, 16);
	for (unsigned int k = 0; k < n; k++) {
		u8 *p = fd_ptr(&d, b[k].addr, b[k].len);

		for (u32 i = 0; i < b[k].len;) {
			size_t from = pos < 16 ? pos : 16 + (pos - 16) % 16;
			size_t run = MIN((size_t)(b[k].len - i),
					 (pos < 16 ? 16 : 32) - from);

			memcpy(p + i, stream + from, run);
			i += run;
			pos += run;
		}
	}
}

/* Offer one request; false if it makes no chain. */
static bool offer(const u8 *req, u64 *writable)
{
	unsigned int n_out = (req[0] & 7) % 5, n_in = (req[0] >> 3) % 5;
	struct fd_buf b[MAX_BUFS];

	*writable = 0;
	if (n_out + n_in == 0)
		return false;
	for (unsigned int k = 0; k < n_out + n_in; k++) {
		u8 l = req[1 + k];

		b[k] = fd_buf(&d, l < 64 ? l : ((l - 64) >> 1) * 128 + (l & 1));
		if (k >= n_out) {
			memset(fd_ptr(&d, b[k].addr, b[k].len), 0xa5, b[k].len);
			*writable += b[k].len;
		}
	}
	fill_readable(b, n_out, req);
	if (indirect)
		return fd_add_indirect(&d, b, n_out, b + n_out, n_in) >= 0;
	return fd_add_chain(&d, b, n_out, b + n_out, n_in) >= 0;
}

/* Serve it, either way, and check the answer. */
static void serve(u64 writable)
{
	u16 idx = fd_used_idx(&d);
	unsigned int out, in;

	if (via_service) {
		u64 one = 1;

		if (write(d.vq.stop_fd, &one, sizeof(one)) != sizeof(one))
			abort();
		/* A fresh run of the thread each time: wait_for_vq_desc()
		 * looks for a stop after a ring's worth of chains without a
		 * sleep, and would find ours before this chain. */
		d.vq.busy_pops = 0;
		block_type.service[0](&d.vq);
		if (read(d.vq.stop_fd, &one, sizeof(one)) != sizeof(one))
			abort();
	} else {
		int head = vq_pop(&d.vq, iov, ARRAY_SIZE(iov), &out, &in);
		struct block_reply r;

		if (head < 0)
			abort(); /* our own chains are always good */
		r = block_handle_request(&dev, iov, out, in);
		if (r.status < -1 || r.status > VIRTIO_BLK_S_UNSUPP)
			abort();
		if ((r.status < 0) != (r.len == 0))
			abort();
		add_used(&d.vq, head, r.len);
	}
	/* Every chain answered once, within its writable buffers. */
	if (fd_used_idx(&d) != (u16)(idx + 1))
		abort();
	if (fd_used(&d, idx).len > writable)
		abort();
	if (file_size() > DISK_BYTES)
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fd_config cfg = {
		.num = 16, .features = 1ULL << VIRTIO_RING_F_INDIRECT_DESC};
	char opt[64], err[256];
	bool ro, shrink;

	if (size < 1)
		return 0;
	ro = data[0] & 1;
	indirect = data[0] & 4;
	via_service = data[0] & 8;
	shrink = data[0] & 16;
	fresh_file();
	snprintf(opt, sizeof(opt), "/proc/self/fd/%d%s", file_fd,
		 ro ? ",ro" : "");
	memset(&dev, 0, sizeof(dev));
	dev.stop_fd = -1; /* no reset waits on these requests */
	snprintf(dev.name, sizeof(dev.name), "blk0");
	if (block_type.create(&dev, opt, err, sizeof(err)))
		abort();
	dev.driver_features = dev.features;
	if (!(data[0] & 2))
		dev.driver_features &= ~(1ULL << VIRTIO_BLK_F_FLUSH);
	if (shrink && ftruncate(file_fd, DISK_BYTES / 2))
		abort();
	if (fd_init(&d, &cfg))
		abort();
	d.vq.dev = &dev;

	for (size_t off = 1; off + REQ_SIZE <= size; off += REQ_SIZE) {
		u64 writable;

		if (offer(data + off, &writable))
			serve(writable);
	}

	if (!shrink && file_size() != DISK_BYTES)
		abort();
	if (ro && !shrink) {
		if (pread(file_fd, now, DISK_BYTES, 0) != DISK_BYTES ||
		    memcmp(now, image, DISK_BYTES))
			abort();
	}
	block_type.destroy(&dev);
	fd_free(&d);
	return 0;
}
