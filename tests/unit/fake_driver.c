// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated driver: what Linux's virtio_ring.c does to a split ring,
 * done by hand in fake guest RAM, plus the things it never does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fake_driver.h"

/* The fake driver around its queue (the kernel's container_of()). */
static struct fake_driver *driver_of(struct virtqueue *vq)
{
	return (struct fake_driver *)((char *)vq -
				      offsetof(struct fake_driver, vq));
}

static void on_interrupt(struct virtqueue *vq)
{
	driver_of(vq)->interrupts++;
}

static void on_broken(struct virtqueue *vq)
{
	driver_of(vq)->broken_calls++;
}

int fd_init(struct fake_driver *d, const struct fd_config *cfg)
{
	unsigned int num = cfg->num ? cfg->num : 16;
	u64 ram = cfg->ram_size ? cfg->ram_size : 1 * MiB;
	u64 end;
	void *base;

	memset(d, 0, sizeof(*d));
	vq_init(&d->vq, "fake0/q", 0,
		cfg->num_max ? cfg->num_max : VQ_NUM_LIMIT, &d->mem);
	d->ram_lent = cfg->ram;
	base = cfg->ram ? cfg->ram
			: mmap(NULL, ram, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);
	if (base == MAP_FAILED)
		return -errno;
	d->mem.base = base;
	d->mem.map_size = ram;
	guest_mem_layout(&d->mem, ram);

	/* The rings packed one after another, as Linux's vring_init() does
	 * but without the legacy page alignment. */
	d->num = num;
	d->desc = cfg->desc ? cfg->desc : 0x1000;
	d->avail = cfg->avail ? cfg->avail : d->desc + 16ULL * num;
	d->used =
		cfg->used ? cfg->used : ALIGN_UP(d->avail + 6 + 2ULL * num, 4);
	end = MAX(d->desc + 16ULL * num, d->avail + 6 + 2ULL * num);
	end = MAX(end, d->used + 6 + 8ULL * num);
	d->data_start = d->data_next = d->data_high = ALIGN_UP(end, 4096);
	if (d->data_start >= d->mem.low_size)
		return -EINVAL;

	d->vq.interrupt = on_interrupt;
	d->vq.broken_cb = on_broken;
	d->vq.kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	d->vq.stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->vq.kick_fd < 0 || d->vq.stop_fd < 0)
		return -errno;
	vq_set_num(&d->vq, num);
	vq_set_addr(&d->vq, VQ_DESC, d->desc);
	vq_set_addr(&d->vq, VQ_AVAIL, d->avail);
	vq_set_addr(&d->vq, VQ_USED, d->used);
	vq_set_features(&d->vq, cfg->features);
	return vq_enable(&d->vq);
}

void fd_free(struct fake_driver *d)
{
	if (d->vq.kick_fd >= 0)
		close(d->vq.kick_fd);
	if (d->vq.stop_fd >= 0)
		close(d->vq.stop_fd);
	if (d->mem.base && !d->ram_lent)
		munmap(d->mem.base, d->mem.map_size);
	memset(d, 0, sizeof(*d));
	d->vq.kick_fd = d->vq.stop_fd = -1;
}

void fd_view(struct fake_driver *d, const struct guest_mem *mem,
	     unsigned int num, u64 desc, u64 avail, u64 used, u64 data)
{
	memset(d, 0, sizeof(*d));
	d->vq.kick_fd = d->vq.stop_fd = -1;
	d->mem = *mem;
	d->num = num;
	d->desc = desc;
	d->avail = avail;
	d->used = used;
	d->data_start = d->data_next = d->data_high = data;
}

void *fd_ptr(struct fake_driver *d, u64 gpa, u64 len)
{
	return guest_ptr(&d->mem, gpa, len);
}

u64 fd_alloc(struct fake_driver *d, u64 len)
{
	u64 addr = ALIGN_UP(d->data_next, 16);

	if (len > d->mem.low_size - addr)
		addr = d->data_start;
	d->data_next = addr + len;
	d->data_high = MAX(d->data_high, d->data_next);
	return addr;
}

struct fd_buf fd_buf(struct fake_driver *d, u32 len)
{
	struct fd_buf b = {fd_alloc(d, len), len};

	return b;
}

/* A descriptor anywhere in RAM: in the ring's table or an indirect one. */
static void put_desc(struct fake_driver *d, u64 gpa, u64 addr, u32 len,
		     u16 flags, u16 next)
{
	struct vring_desc desc = {addr, len, flags, next};
	void *p = fd_ptr(d, gpa, sizeof(desc));

	if (p)
		memcpy(p, &desc, sizeof(desc));
}

void fd_set_desc(struct fake_driver *d, u16 i, u64 addr, u32 len, u16 flags,
		 u16 next)
{
	put_desc(d, d->desc + 16ULL * (i % d->num), addr, len, flags, next);
}

/* avail->idx = our count, after the entries it exposes (2.7.13.3.1). */
static void publish(struct fake_driver *d)
{
	atomic_thread_fence(memory_order_release);
	*(volatile u16 *)fd_ptr(d, d->avail + 2, 2) = d->avail_idx;
}

void fd_push_head(struct fake_driver *d, u16 head)
{
	u16 *slot = fd_ptr(d, d->avail + 4 + 2ULL * (d->avail_idx % d->num), 2);

	*slot = head;
	d->avail_idx++;
	publish(d);
}

/* Buffers (out) then (in) as descriptors (first)..(first + n - 1), mod
 * (slots), of the table at (table), linked by next.  A table all in RAM
 * is looked up once, not once a descriptor: fuzzers lay chains of
 * hundreds. */
static void lay_chain(struct fake_driver *d, u64 table, unsigned int first,
		      unsigned int slots, const struct fd_buf *out,
		      unsigned int n_out, const struct fd_buf *in,
		      unsigned int n_in)
{
	u8 *t = fd_ptr(d, table, 16ULL * slots);
	unsigned int n = n_out + n_in;

	for (unsigned int k = 0; k < n; k++) {
		const struct fd_buf *b = k < n_out ? &out[k] : &in[k - n_out];
		u16 flags = (k < n_out ? 0 : VRING_DESC_F_WRITE) |
			    (k + 1 < n ? VRING_DESC_F_NEXT : 0);
		unsigned int slot = (first + k) % slots;
		struct vring_desc desc = {b->addr, b->len, flags,
					  (first + k + 1) % slots};

		if (t)
			memcpy(t + 16ULL * slot, &desc, sizeof(desc));
		else
			put_desc(d, table + 16ULL * slot, desc.addr, desc.len,
				 desc.flags, desc.next);
	}
}

int fd_add_chain(struct fake_driver *d, const struct fd_buf *out,
		 unsigned int n_out, const struct fd_buf *in, unsigned int n_in)
{
	unsigned int n = n_out + n_in, head = d->next_desc;

	if (n == 0 || n > d->num)
		return -1;
	lay_chain(d, d->desc, head, d->num, out, n_out, in, n_in);
	d->next_desc = (head + n) % d->num;
	fd_push_head(d, head);
	return head;
}

int fd_add_indirect(struct fake_driver *d, const struct fd_buf *out,
		    unsigned int n_out, const struct fd_buf *in,
		    unsigned int n_in)
{
	unsigned int n = n_out + n_in, head = d->next_desc;
	u64 table;

	if (n == 0 || n > 0xffff)
		return -1;
	table = fd_alloc(d, 16ULL * n);
	lay_chain(d, table, 0, n, out, n_out, in, n_in);
	fd_set_desc(d, head, table, 16 * n, VRING_DESC_F_INDIRECT, 0);
	d->next_desc = (head + 1) % d->num;
	fd_push_head(d, head);
	return head;
}

/* Descriptors a -> a+1 -> ... (n of them) of (len) bytes at gpa 0. */
static int add_long(struct fake_driver *d, unsigned int n, u32 len)
{
	unsigned int a = d->next_desc;

	if (n > d->num)
		return -1;
	for (unsigned int k = 0; k < n; k++)
		fd_set_desc(d, a + k, 0, len, k + 1 < n ? VRING_DESC_F_NEXT : 0,
			    (a + k + 1) % d->num);
	d->next_desc = (a + n) % d->num;
	fd_push_head(d, a);
	return a;
}

int fd_add_bad(struct fake_driver *d, enum fd_bad kind)
{
	const u16 NEXT = VRING_DESC_F_NEXT, WRITE = VRING_DESC_F_WRITE;
	const u16 INDIRECT = VRING_DESC_F_INDIRECT;
	u16 a = d->next_desc, b = (a + 1) % d->num;
	struct fd_buf buf = fd_buf(d, 64);
	u64 end = d->mem.low_size, table = fd_alloc(d, 32);
	u32 big = (u32)MIN(end, UINT32_MAX);

	/* The second descriptor is written first, so that with num == 1
	 * (a == b) the first one wins and the chain is still bad. */
	switch (kind) {
	case FD_BAD_LOOP:
		fd_set_desc(d, b, buf.addr, buf.len, NEXT, a);
		fd_set_desc(d, a, buf.addr, buf.len, NEXT, b);
		break;
	case FD_BAD_HEAD:
		fd_push_head(d, d->num);
		return d->num;
	case FD_BAD_NEXT:
		fd_set_desc(d, a, buf.addr, buf.len, NEXT, d->num);
		break;
	case FD_BAD_ADDR:
		fd_set_desc(d, a, end - 8, 16, 0, 0);
		break;
	case FD_BAD_LEN_WRAP:
		fd_set_desc(d, a, ~0ULL - 0xfff, 0x2000, 0, 0);
		break;
	case FD_BAD_TOTAL:
		/* Whole-RAM buffers, until they add up to 2^32 or more. */
		return add_long(d, UINT32_MAX / big + 1, big);
	case FD_BAD_WRITE_READ:
		fd_set_desc(d, b, buf.addr, buf.len, 0, 0);
		fd_set_desc(d, a, buf.addr, buf.len, WRITE | NEXT, b);
		break;
	case FD_BAD_AVAIL_JUMP:
		d->avail_idx += d->num + 1;
		publish(d);
		return d->avail_idx;
	case FD_BAD_NESTED:
		put_desc(d, table, buf.addr, buf.len, NEXT, 1);
		put_desc(d, table + 16, table, 32, INDIRECT, 0);
		fd_set_desc(d, a, table, 32, INDIRECT, 0);
		break;
	case FD_BAD_INDIRECT_NEXT:
		put_desc(d, table, buf.addr, buf.len, 0, 0);
		fd_set_desc(d, b, buf.addr, buf.len, 0, 0);
		fd_set_desc(d, a, table, 16, INDIRECT | NEXT, b);
		break;
	case FD_BAD_TABLE_LEN:
		put_desc(d, table, buf.addr, buf.len, 0, 0);
		fd_set_desc(d, a, table, 24, INDIRECT, 0);
		break;
	case FD_BAD_TABLE_EMPTY:
		fd_set_desc(d, a, table, 0, INDIRECT, 0);
		break;
	case FD_BAD_TABLE_ADDR:
		fd_set_desc(d, a, end - 16, 32, INDIRECT, 0);
		break;
	case FD_BAD_TABLE_LOOP:
		put_desc(d, table, buf.addr, buf.len, NEXT, 1);
		put_desc(d, table + 16, buf.addr, buf.len, NEXT, 0);
		fd_set_desc(d, a, table, 32, INDIRECT, 0);
		break;
	default:
		return -1;
	}
	d->next_desc = (a + 2) % d->num;
	fd_push_head(d, a);
	return a;
}

void fd_kick(struct fake_driver *d)
{
	u64 one = 1;

	if (write(d->vq.kick_fd, &one, sizeof(one)) < 0) {
		/* A full counter still reads as a kick. */
	}
}

struct vring_used_elem fd_used(struct fake_driver *d, u16 i)
{
	struct vring_used_elem e;

	memcpy(&e, fd_ptr(d, d->used + 4 + 8ULL * (i % d->num), 8), 8);
	return e;
}

static u16 get16(struct fake_driver *d, u64 gpa)
{
	return read_once16(fd_ptr(d, gpa, 2));
}

static void set16(struct fake_driver *d, u64 gpa, u16 v)
{
	*(volatile u16 *)fd_ptr(d, gpa, 2) = v;
}

u16 fd_used_idx(struct fake_driver *d)
{
	return get16(d, d->used + 2);
}

u16 fd_used_flags(struct fake_driver *d)
{
	return get16(d, d->used);
}

u16 fd_avail_event(struct fake_driver *d)
{
	return get16(d, d->used + 4 + 8ULL * d->num);
}

void fd_set_avail_flags(struct fake_driver *d, u16 flags)
{
	set16(d, d->avail, flags);
}

void fd_set_used_event(struct fake_driver *d, u16 event)
{
	set16(d, d->avail + 4 + 2ULL * d->num, event);
}

unsigned int fd_interrupts(const struct fake_driver *d)
{
	return d->interrupts;
}

char fd_log[4096];
static FILE *log_file;
static int saved_stderr = -1;

void fd_log_start(void)
{
	fflush(stderr);
	log_file = tmpfile();
	saved_stderr = dup(STDERR_FILENO);
	if (log_file)
		dup2(fileno(log_file), STDERR_FILENO);
}

int fd_log_end(void)
{
	size_t n = 0;
	int lines = 0;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	if (log_file) {
		rewind(log_file);
		n = fread(fd_log, 1, sizeof(fd_log) - 1, log_file);
		fclose(log_file);
	}
	fd_log[n] = '\0';
	for (size_t i = 0; i < n; i++)
		lines += fd_log[i] == '\n';
	return lines;
}

static void *service_main(void *arg)
{
	struct fake_driver *d = arg;

	d->service(&d->vq);
	atomic_store(&d->service_done, true);
	return NULL;
}

void fd_service_start(struct fake_driver *d,
		      void (*service)(struct virtqueue *vq))
{
	d->service = service;
	atomic_store(&d->service_done, false);
	if (pthread_create(&d->service_thread, NULL, service_main, d))
		atomic_store(&d->service_done, true);
}

bool fd_service_stop(struct fake_driver *d)
{
	struct timespec t;
	u64 one = 1;

	if (write(d->vq.stop_fd, &one, sizeof(one)) != sizeof(one))
		return false;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 5;
	if (pthread_timedjoin_np(d->service_thread, NULL, &t)) {
		pthread_detach(d->service_thread);
		return false;
	}
	if (read(d->vq.stop_fd, &one, sizeof(one)) != sizeof(one))
		return false;
	return atomic_load(&d->service_done);
}

bool fd_service_done(struct fake_driver *d)
{
	return atomic_load(&d->service_done);
}

bool fd_service_sleeps(struct fake_driver *d)
{
	struct timespec t0, t1;
	clockid_t id;
	double ms;

	if (pthread_getcpuclockid(d->service_thread, &id) ||
	    clock_gettime(id, &t0))
		return false;
	usleep(100000);
	clock_gettime(id, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	return ms < 20 && !fd_service_done(d);
}

bool fd_wait_used(struct fake_driver *d, u16 idx)
{
	for (int ms = 0; ms < 5000; ms++) {
		if (fd_used_idx(d) == idx)
			return true;
		usleep(1000);
	}
	return false;
}
