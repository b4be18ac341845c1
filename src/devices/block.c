// SPDX-License-Identifier: GPL-2.0
/*
 * The disk, virtio-blk: virtio 1.2, section 5.2 (the section numbers below
 * are 1.2's).  One queue, 0 "req", served by its own thread (blk0/req):
 * the driver puts requests there and we answer them one after another,
 * moving data straight between its buffers and the file with preadv() and
 * pwritev().  The file, --block=FILE[,ro], is a disk image or a block
 * device; a flock() on it keeps two Launchers from writing one disk.
 *
 * We offer FLUSH, SEG_MAX, SIZE_MAX and BLK_SIZE, RO for ",ro" disks, and
 * DISCARD and WRITE_ZEROES for writable image files, done with
 * fallocate().  Block devices get neither: they would want BLKDISCARD and
 * BLKZEROOUT, which we have no way to test here.  A discard or write
 * zeroes request is held to the limits we advertise in the config space:
 * one request must never turn into work the guest can make unbounded.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "devices/block.h"
#include "fdio.h"
#include "iov.h"
#include "log.h"

#define SECTOR_SIZE	 512ULL
#define BLK_QUEUE_SIZE	 256
#define BLK_MAX_IOV	 BLK_QUEUE_SIZE /* header + data + status */
#define BLK_SIZE_MAX	 (1 * MiB)	/* one buffer: merely a hint */
#define BLK_DISCARD_SEGS 32		/* segments in a discard */
#define BLK_ZEROES_SEGS	 1		/* segments in a write zeroes */
#define BLK_RANGE_MAX	 (1u << 21)	/* sectors in a segment: 1 GiB */
#define BLK_ZEROS_CHUNK	 (64 * KiB)	/* zeros written between stop checks */

_Static_assert(sizeof(struct virtio_blk_config) <= DEVICE_CONFIG_MAX,
	       "virtio_blk_config fits the config window");

struct block {
	struct device *dev;
	int fd;
	u64 capacity; /* in 512-byte sectors, fixed at create() */
	bool ro;      /* VIRTIO_BLK_F_RO: the file is open read-only */
	bool ranges;  /* VIRTIO_BLK_F_DISCARD and _WRITE_ZEROES offered */
	char id[VIRTIO_BLK_ID_BYTES]; /* the serial: see make_id() */
};

/*
 * Pure request handling: the buffers in, a status byte out, and nothing
 * touched but the buffers and the file.
 */

static void complain(struct block *blk, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A request went wrong: the guest hears it from the status byte, the user
 * from one log line, within the guest's budget (log.h). */
static void complain(struct block *blk, const char *fmt, ...)
{
	char who[24];
	va_list ap;

	snprintf(who, sizeof(who), "%s/req", blk->dev->name);
	va_start(ap, fmt);
	guest_vwarn(who, NULL, fmt, ap);
	va_end(ap);
}

/* Do (sectors) sectors from (sector) lie on the disk?  Both are the
 * guest's, so we never compute sector + sectors: it may wrap. */
static bool on_disk(const struct block *blk, u64 sector, u64 sectors)
{
	return sector <= blk->capacity && sectors <= blk->capacity - sector;
}

/* FLUSH: everything written so far, on the disk. */
static int flush(struct block *blk, const char *what)
{
	while (fdatasync(blk->fd) < 0) {
		if (errno != EINTR) {
			complain(blk, "%s: %s", what, strerror(errno));
			return VIRTIO_BLK_S_IOERR;
		}
	}
	return VIRTIO_BLK_S_OK;
}

/*
 * 5.2.6.2: "If the device is backed by persistent storage, the device MUST
 * ensure that stable writes are committed to it, before reporting
 * completion of the write".  A write is stable on completion when
 * "neither VIRTIO_BLK_F_CONFIG_WCE nor VIRTIO_BLK_F_FLUSH feature were
 * negotiated, but VIRTIO_BLK_F_FLUSH was offered by the device": a driver
 * that will never flush gets a write-through disk.
 */
static int settle(struct block *blk)
{
	if (device_has_feature(blk->dev, VIRTIO_BLK_F_FLUSH))
		return VIRTIO_BLK_S_OK;
	return flush(blk, "write-through sync");
}

/* IN and OUT: whole sectors on the disk, between the data buffers and
 * the file; (*written) is what reached the guest's buffers. */
static int read_write(struct block *blk, bool to_file, u64 sector,
		      struct iovec *iov, unsigned int n, u32 *written)
{
	const char *what = to_file ? "write" : "read";
	size_t len = iov_len(iov, n), done;
	int err;

	/* 5.2.6.1: "The length of data MUST be a multiple of 512 bytes for
	 * VIRTIO_BLK_T_IN and VIRTIO_BLK_T_OUT requests." */
	if (len % SECTOR_SIZE) {
		complain(blk, "%s of %zu bytes: not whole sectors", what, len);
		return VIRTIO_BLK_S_IOERR;
	}
	if (!on_disk(blk, sector, len / SECTOR_SIZE)) {
		complain(blk, "%s of %llu sectors at %llu: past the end (%llu)",
			 what, (unsigned long long)(len / SECTOR_SIZE),
			 (unsigned long long)sector,
			 (unsigned long long)blk->capacity);
		return VIRTIO_BLK_S_IOERR;
	}
	err = fd_transfer(blk->fd, to_file, iov, n, sector * SECTOR_SIZE,
			  &done);
	if (!to_file)
		*written = done; /* under the chain's 4 GiB */
	if (err) {
		complain(blk, "%s at sector %llu: %s", what,
			 (unsigned long long)sector, strerror(-err));
		return VIRTIO_BLK_S_IOERR;
	}
	return to_file ? settle(blk) : VIRTIO_BLK_S_OK;
}

/* Zeros the slow way, for file systems fallocate() cannot zero on: a
 * gigabyte at most (BLK_RANGE_MAX), and a reset need not wait for it. */
static int write_zeros(struct block *blk, off_t off, off_t len)
{
	static const u8 zeros[BLK_ZEROS_CHUNK];

	while (len > 0) {
		off_t n = MIN(len, (off_t)sizeof(zeros));
		int err;

		if (efd_pending(blk->dev->stop_fd))
			return -ESHUTDOWN;
		err = fd_pwrite_all(blk->fd, zeros, n, off);
		if (err)
			return err;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * 5.2.6.2: "For discard commands, the device MAY deallocate the specified
 * range of sectors", but "After a write zeroes command is completed, reads
 * of the specified ranges of sectors MUST return zeroes."  So a discard
 * the file system cannot do is done, while write zeroes tries a hole (if
 * the driver allows unmapping), then zeroing in place, then writing zeros.
 * KEEP_SIZE: nothing we do here may change the file's size.
 */
static int clear(struct block *blk, bool discard, bool unmap, off_t off,
		 off_t len)
{
	int modes[2], n = 0;

	if (discard || unmap)
		modes[n++] = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	if (!discard)
		modes[n++] = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	for (int i = 0; i < n;) {
		if (fallocate(blk->fd, modes[i], off, len) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EOPNOTSUPP)
			return -errno;
		i++;
	}
	return discard ? 0 : write_zeros(blk, off, len);
}

/* DISCARD and WRITE_ZEROES: a list of ranges in the readable data. */
static int clear_ranges(struct block *blk, u32 type, struct iovec *iov,
			unsigned int n)
{
	struct virtio_blk_discard_write_zeroes seg[BLK_DISCARD_SEGS];
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	const char *what = discard ? "discard" : "write zeroes";
	size_t len = iov_len(iov, n), count = len / sizeof(seg[0]);
	size_t max = discard ? BLK_DISCARD_SEGS : BLK_ZEROES_SEGS;

	/* 5.2.6.1: "The length of data MUST be a multiple of the size of
	 * struct virtio_blk_discard_write_zeroes", and 5.2.6.2 lets us
	 * refuse more than the max_discard_seg or max_write_zeroes_seg we
	 * advertised, as QEMU does, with "unsupported". */
	if (!len || len % sizeof(seg[0])) {
		complain(blk, "%s of %zu bytes: not whole ranges", what, len);
		return VIRTIO_BLK_S_IOERR;
	}
	if (count > max) {
		complain(blk, "%s of %zu ranges: more than the %zu we offer",
			 what, count, max);
		return VIRTIO_BLK_S_UNSUPP;
	}
	iov_consume(iov, n, seg, len);
	for (size_t i = 0; i < count; i++) {
		u32 flags = le32toh(seg[i].flags);

		/*
		 * 5.2.6.2: "The device MUST set the status byte to
		 * VIRTIO_BLK_S_UNSUPP for discard, secure erase and write
		 * zeroes commands if any unknown flag is set.  Furthermore,
		 * the device MUST set the status byte to VIRTIO_BLK_S_UNSUPP
		 * for discard commands if the unmap flag is set."
		 */
		if ((flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) ||
		    (discard && flags))
			return VIRTIO_BLK_S_UNSUPP;
		/* Past max_discard_sectors or max_write_zeroes_sectors: the
		 * driver asked for more than we said one request may do. */
		if (le32toh(seg[i].num_sectors) > BLK_RANGE_MAX) {
			complain(blk,
				 "%s of %u sectors: more than the %u we "
				 "offer",
				 what, le32toh(seg[i].num_sectors),
				 BLK_RANGE_MAX);
			return VIRTIO_BLK_S_IOERR;
		}
		if (!on_disk(blk, le64toh(seg[i].sector),
			     le32toh(seg[i].num_sectors))) {
			complain(blk, "%s of %u sectors at %llu: past the end",
				 what, le32toh(seg[i].num_sectors),
				 (unsigned long long)le64toh(seg[i].sector));
			return VIRTIO_BLK_S_IOERR;
		}
	}
	for (size_t i = 0; i < count; i++) {
		u64 sector = le64toh(seg[i].sector);
		u32 num = le32toh(seg[i].num_sectors);
		bool unmap = le32toh(seg[i].flags);
		int err;

		if (!num)
			continue;
		err = clear(blk, discard, unmap, sector * SECTOR_SIZE,
			    num * SECTOR_SIZE);
		if (err) {
			complain(blk, "%s at sector %llu: %s", what,
				 (unsigned long long)sector, strerror(-err));
			return VIRTIO_BLK_S_IOERR;
		}
	}
	return settle(blk);
}

/* One request whose header we have: its status; (*written) counts the
 * data bytes we put in the guest's buffers. */
static int serve(struct block *blk, const struct virtio_blk_outhdr *hdr,
		 struct iovec *out, unsigned int out_num, struct iovec *in,
		 unsigned int in_num, u32 *written)
{
	u32 type = le32toh(hdr->type);
	u64 sector = le64toh(hdr->sector);
	bool writes = type == VIRTIO_BLK_T_OUT ||
		      type == VIRTIO_BLK_T_DISCARD ||
		      type == VIRTIO_BLK_T_WRITE_ZEROES;

	/* 5.2.6.2: "A device MUST set the status byte to VIRTIO_BLK_S_IOERR
	 * for a write request if the VIRTIO_BLK_F_RO feature if offered, and
	 * MUST NOT write any data." */
	if (writes && blk->ro) {
		complain(blk, "write (type %u) to a read-only disk", type);
		return VIRTIO_BLK_S_IOERR;
	}
	switch (type) {
	case VIRTIO_BLK_T_IN:
		return read_write(blk, false, sector, in, in_num, written);
	case VIRTIO_BLK_T_OUT:
		return read_write(blk, true, sector, out, out_num, written);
	case VIRTIO_BLK_T_FLUSH:
		return flush(blk, "flush");
	case VIRTIO_BLK_T_GET_ID:
		/* 5.2.6: "The device ID string is a NUL-padded ASCII string
		 * up to 20 bytes long." */
		*written = iov_fill(in, in_num, blk->id, sizeof(blk->id));
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (!blk->ranges)
			return VIRTIO_BLK_S_UNSUPP;
		return clear_ranges(blk, type, out, out_num);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

struct block_reply block_handle_request(struct device *dev, struct iovec *iov,
					unsigned int out_num,
					unsigned int in_num)
{
	struct block *blk = dev->priv;
	struct iovec *in = iov + out_num;
	struct virtio_blk_outhdr hdr;
	struct block_reply reply = {.status = -1, .len = 0};
	u32 written = 0;
	u8 *status;

	blk->dev = dev; /* for complain() and settle(), wherever it lives */
	/*
	 * 5.2.6: struct virtio_blk_req is a header, the data and "u8
	 * status" last.  Without a writable byte at the end we have nowhere
	 * to answer: the chain goes back as it came, used length 0.  And
	 * 2.7.4.1: "The device MUST NOT make assumptions about the particular
	 * arrangement of descriptors": the header may be in pieces, the
	 * status byte at the end of the data's last buffer.
	 */
	status = iov_take_tail(in, in_num, 1);
	if (!status) {
		complain(blk, "request with no status byte: returned unread");
		return reply;
	}
	if (iov_consume(iov, out_num, &hdr, sizeof(hdr)) < sizeof(hdr)) {
		complain(blk, "request with no 16-byte header");
		reply.status = VIRTIO_BLK_S_IOERR;
	} else {
		reply.status =
			serve(blk, &hdr, iov, out_num, in, in_num, &written);
	}
	*status = reply.status;
	reply.len = written + 1;
	return reply;
}

/*
 * The queue's service routine.
 */

/*L:500
 * The disk is the simplest of the devices to serve, and the busiest.  Each
 * request the Guest makes is a chain of buffers: a 16-byte header saying
 * what to do and where, the data, and one byte at the very end for our
 * answer.  block_handle_request() does the work; all this thread does is
 * hand it chains.
 *
 * The data moves straight between the Guest's buffers and the file: we
 * give preadv() and pwritev() the host addresses vq_pop() checked for us,
 * so there is no bounce buffer and no copy but the kernel's.
 *
 * What we don't do is interrupt the Guest after every request.  add_used()
 * only publishes the answer; when the ring runs dry, wait_for_vq_desc()
 * sends one interrupt for the whole batch just before we go to sleep.  A
 * Guest with many requests in flight hears about them all at once. :*/
static void blk_req(struct virtqueue *vq)
{
	struct iovec iov[BLK_MAX_IOV];
	unsigned int out, in;

	for (;;) {
		int head = wait_for_vq_desc(vq, iov, BLK_MAX_IOV, &out, &in);
		struct block_reply r;

		if (head < 0)
			return; /* stopped, or the Guest broke the queue */
		r = block_handle_request(vq->dev, iov, out, in);
		add_used(vq, head, r.len);
	}
}

/*
 * Config, features, reset.
 */

static void set_config(struct device *dev, const struct block *blk, u32 align)
{
	struct virtio_blk_config cfg;

	/* 5.2.5.2: "The device MUST initialize padding bytes unused0 and
	 * unused1 to 0": every field we do not fill is 0. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = htole64(blk->capacity);
	cfg.size_max = htole32(BLK_SIZE_MAX);
	cfg.seg_max = htole32(BLK_MAX_IOV - 2); /* header and status too */
	cfg.blk_size = htole32(SECTOR_SIZE);
	/* 5.2.5.2: "Devices SHOULD always offer VIRTIO_BLK_F_FLUSH". */
	dev->features =
		1ULL << VIRTIO_BLK_F_FLUSH | 1ULL << VIRTIO_BLK_F_SEG_MAX |
		1ULL << VIRTIO_BLK_F_SIZE_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE;
	if (blk->ro)
		dev->features |= 1ULL << VIRTIO_BLK_F_RO;
	if (blk->ranges) {
		dev->features |= 1ULL << VIRTIO_BLK_F_DISCARD |
				 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
		cfg.max_discard_sectors = htole32(BLK_RANGE_MAX);
		cfg.max_discard_seg = htole32(BLK_DISCARD_SEGS);
		cfg.discard_sector_alignment = htole32(align);
		cfg.max_write_zeroes_sectors = htole32(BLK_RANGE_MAX);
		cfg.max_write_zeroes_seg = htole32(BLK_ZEROES_SEGS);
		cfg.write_zeroes_may_unmap = 1; /* we punch holes for it */
	}
	device_config(dev, &cfg, sizeof(cfg));
}

static void blk_destroy(struct device *dev)
{
	struct block *blk = dev->priv;

	if (!blk)
		return;
	close(blk->fd); /* and the lock goes with it */
	free(blk);
	dev->priv = NULL;
}

/*
 * Option parsing and usage.
 */

/*
 * The serial (GET_ID): "lg", then the file's device and inode in hex, or
 * the block device's number, so the same disk has the same serial every
 * boot (the guest's /dev/disk/by-id/virtio-lg...).  Exactly 20 bytes.
 */
static void make_id(struct block *blk, const struct stat *st)
{
	bool bdev = S_ISBLK(st->st_mode);
	unsigned long long dev = bdev ? st->st_rdev : st->st_dev;
	unsigned long long ino = bdev ? 0 : st->st_ino;
	char id[32];

	snprintf(id, sizeof(id), "lg%06llx%012llx", dev & 0xffffff,
		 ino & 0xffffffffffffULL);
	memcpy(blk->id, id, sizeof(blk->id));
}

/* Open, lock and measure (path): 0, or -1 with one sentence in (err). */
static int open_disk(struct block *blk, const char *path, struct stat *st,
		     char *err, size_t errlen)
{
	u64 bytes;

	blk->fd = open(path, (blk->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (blk->fd < 0) {
		snprintf(err, errlen, "cannot open %s%s: %s", path,
			 blk->ro ? "" : " for writing", strerror(errno));
		return -1;
	}
	/* Two writers of one disk corrupt it; readers may share. */
	if (flock(blk->fd, (blk->ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen,
				 "%s is in use by another lguest (locked)",
				 path);
		else
			snprintf(err, errlen, "cannot lock %s: %s", path,
				 strerror(errno));
		return -1;
	}
	if (fstat(blk->fd, st) < 0) {
		snprintf(err, errlen, "cannot stat %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (S_ISREG(st->st_mode)) {
		bytes = st->st_size;
	} else if (S_ISBLK(st->st_mode)) {
		if (ioctl(blk->fd, BLKGETSIZE64, &bytes) < 0) {
			snprintf(err, errlen, "cannot size %s: %s", path,
				 strerror(errno));
			return -1;
		}
	} else {
		snprintf(err, errlen,
			 "%s is neither a regular file nor a block device",
			 path);
		return -1;
	}
	if (bytes % SECTOR_SIZE) {
		snprintf(err, errlen,
			 "%s is %llu bytes, not a whole number of 512-byte "
			 "sectors",
			 path, (unsigned long long)bytes);
		return -1;
	}
	blk->capacity = bytes / SECTOR_SIZE;
	return 0;
}

/* --block=FILE or --block=FILE,ro. */
static int blk_create(struct device *dev, const char *opt, char *err,
		      size_t errlen)
{
	size_t len = opt ? strlen(opt) : 0;
	struct block *blk = NULL;
	char *path = NULL;
	struct stat st;
	u32 align;

	if (len == 0 || (len == 3 && strcmp(opt, ",ro") == 0)) {
		snprintf(err, errlen,
			 "--block needs a file: --block=FILE[,ro]");
		return -1;
	}
	blk = calloc(1, sizeof(*blk));
	if (!blk)
		goto nomem;
	blk->fd = -1;
	blk->dev = dev;
	if (len > 3 && strcmp(opt + len - 3, ",ro") == 0) {
		blk->ro = true;
		len -= 3;
	}
	path = strndup(opt, len);
	if (!path)
		goto nomem;
	if (open_disk(blk, path, &st, err, errlen) < 0)
		goto fail;
	blk->ranges = !blk->ro && S_ISREG(st.st_mode);
	make_id(blk, &st);
	/* Discards line up with the file system's blocks (4 KiB, mostly). */
	align = st.st_blksize >= (blksize_t)SECTOR_SIZE
			? st.st_blksize / SECTOR_SIZE
			: 1;
	dev->priv = blk;
	set_config(dev, blk, align);
	free(path);
	return 0;

nomem:
	snprintf(err, errlen, "out of memory for --block=%s", opt);
fail:
	if (blk && blk->fd >= 0)
		close(blk->fd);
	free(blk);
	free(path);
	return -1;
}

/*
 * The type.
 */

/* What the request thread does to the file, beyond what every thread
 * may: read, write, sync and punch holes. */
static const struct sandbox_call blk_calls[] = {
	SANDBOX_ANY(SYS_preadv),    SANDBOX_ANY(SYS_pwritev),
	SANDBOX_ANY(SYS_pwrite64),  SANDBOX_ANY(SYS_fdatasync),
	SANDBOX_ANY(SYS_fallocate),
};
static const struct sandbox_rules blk_rules =
	SANDBOX_RULES("blk/req", blk_calls);

const struct device_type block_type = {
	.name = "blk",
	.option = "block",
	.option_has_value = true,
	.repeatable = true,
	.virtio_id = VIRTIO_ID_BLOCK,
	.num_queues = 1,
	.queue_names = {"req"},
	.queue_size = BLK_QUEUE_SIZE,
	.create = blk_create,
	.service = {blk_req},
	.sandbox = {&blk_rules},
	.destroy = blk_destroy,
	.usage = "  --block=FILE[,ro]   a virtio disk: an image file or a "
		 "block device",
};
