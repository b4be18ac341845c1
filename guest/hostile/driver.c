// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile driver's plumbing: memory the Launcher can reach, sysfs and
 * /dev/mem, and a virtio driver just good enough to misbehave with
 * (virtio 1.2, section 3.1.1: ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * queues, DRIVER_OK), written once over struct transport's registers
 * (window.c for virtio-mmio, function.c for virtio-pci).  We have no
 * interrupt handler: we poll the used ring and the device status.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/virtio_config.h>

#include "hostile.h"

#define POOL_PAGES 1024

u64 ram_end;

void fail(struct why *why, const char *fmt, ...)
{
	va_list ap;

	if (why->text[0])
		return; /* the first reason is the one that matters */
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof(why->text), fmt, ap);
	va_end(ap);
	/* One line: what a shell command said may have several. */
	for (char *p = why->text; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Memory.  The Launcher sees guest-physical addresses, so every ring and
 * buffer we hand it must be a page whose frame we know.  We take a pool of
 * pages once, locked (no swap here, but also no migration: see main.c,
 * which stops compaction from moving locked pages), and look each up in
 * /proc/self/pagemap, which gives root the frame numbers.  Sorted by
 * address, the pool also yields runs of consecutive frames for indirect
 * tables bigger than a page.
 */
static struct page pool[POOL_PAGES];
static bool pool_used[POOL_PAGES];

static int by_gpa(const void *a, const void *b)
{
	const struct page *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

int pool_init(void)
{
	u8 *mem = mmap(
		NULL, (size_t)POOL_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	int fd;

	/* MADV_DONTFORK: the shells we start must not share these pages,
	 * or our next write to one could copy it to another frame. */
	if (mem == MAP_FAILED || mlock(mem, POOL_PAGES * PAGE_SIZE) < 0 ||
	    madvise(mem, POOL_PAGES * PAGE_SIZE, MADV_DONTFORK) < 0) {
		perror("lguest-hostile: locked memory");
		return -1;
	}
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) {
		perror("lguest-hostile: /proc/self/pagemap");
		return -1;
	}
	for (unsigned int i = 0; i < POOL_PAGES; i++) {
		u8 *va = mem + (size_t)i * PAGE_SIZE;
		u64 entry = 0;

		va[0] = 1; /* a page of our own, not the shared zero page */
		if (pread(fd, &entry, sizeof(entry),
			  (off_t)((uintptr_t)va / PAGE_SIZE) * 8) !=
			    sizeof(entry) ||
		    !(entry >> 63) || !(entry & ((1ULL << 55) - 1))) {
			fprintf(stderr, "lguest-hostile: no frame number for "
					"our page (not root?)\n");
			close(fd);
			return -1;
		}
		pool[i].va = va;
		pool[i].gpa = (entry & ((1ULL << 55) - 1)) * PAGE_SIZE;
	}
	close(fd);
	qsort(pool, POOL_PAGES, sizeof(pool[0]), by_gpa);
	return 0;
}

void pool_reset(void)
{
	memset(pool_used, 0, sizeof(pool_used));
}

struct page *page_alloc(void)
{
	for (unsigned int i = 0; i < POOL_PAGES; i++) {
		if (!pool_used[i]) {
			pool_used[i] = true;
			memset(pool[i].va, 0, PAGE_SIZE);
			return &pool[i];
		}
	}
	return NULL;
}

bool region_alloc(struct region *r, unsigned int pages)
{
	if (pages > ARRAY_SIZE(r->page))
		return false;
	for (unsigned int i = 0; i + pages <= POOL_PAGES; i++) {
		unsigned int k;

		for (k = 0; k < pages; k++)
			if (pool_used[i + k] ||
			    pool[i + k].gpa != pool[i].gpa + k * PAGE_SIZE)
				break;
		if (k < pages)
			continue;
		for (k = 0; k < pages; k++) {
			pool_used[i + k] = true;
			memset(pool[i + k].va, 0, PAGE_SIZE);
			r->page[k] = &pool[i + k];
		}
		r->pages = pages;
		r->gpa = pool[i].gpa;
		return true;
	}
	return false;
}

void *region_at(const struct region *r, size_t off)
{
	return r->page[off / PAGE_SIZE]->va + off % PAGE_SIZE;
}

/*
 * 2 MiB in one piece, for the one table no run of pool pages can hold:
 * a huge page, reserved for us through vm.nr_hugepages.  Made once; NULL
 * if the kernel will not give us one.
 */
u8 *huge_page(u64 *gpa)
{
	static u8 *huge;
	static u64 huge_gpa;
	u64 entry = 0;
	int fd;

	if (huge) {
		*gpa = huge_gpa;
		return huge;
	}
	fd = open("/proc/sys/vm/nr_hugepages", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	huge = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE |
			    MAP_LOCKED,
		    -1, 0);
	if (huge == MAP_FAILED) {
		huge = NULL;
		return NULL;
	}
	madvise(huge, HUGE_SIZE, MADV_DONTFORK);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 ||
	    pread(fd, &entry, sizeof(entry),
		  (off_t)((uintptr_t)huge / PAGE_SIZE) * 8) != sizeof(entry) ||
	    !(entry >> 63)) {
		if (fd >= 0)
			close(fd);
		munmap(huge, HUGE_SIZE);
		huge = NULL;
		return NULL;
	}
	close(fd);
	huge_gpa = (entry & ((1ULL << 55) - 1)) * PAGE_SIZE;
	*gpa = huge_gpa;
	return huge;
}

/*
 * Where RAM ends below the device hole: the top-level "System RAM"
 * entries of /proc/iomem below 4 GiB.
 */
void ram_find(void)
{
	char line[200];
	FILE *f = fopen("/proc/iomem", "r");

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char name[64];

		if (line[0] == ' ' || sscanf(line, "%llx-%llx : %63[^\n]",
					     &start, &end, name) != 3)
			continue;
		if (!strcmp(name, "System RAM") && end + 1 > ram_end &&
		    end < 0xffffffffULL)
			ram_end = end + 1;
	}
	if (f)
		fclose(f);
}

int sysfs_write(const char *path, const char *val, struct why *why)
{
	int fd = open(path, O_WRONLY);
	ssize_t r = -1;

	if (fd >= 0) {
		r = write(fd, val, strlen(val));
		close(fd);
	}
	if (r < 0) {
		fail(why, "%s %s: %s", path, val, strerror(errno));
		return -1;
	}
	return 0;
}

void sysfs_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * /dev/mem.  The kernels run with STRICT_DEVMEM and IO_STRICT_DEVMEM: it
 * reaches device memory only where no driver claims it, unless the kernel
 * was booted with iomem=relaxed.
 */
volatile u8 *phys_map(u64 addr, size_t len, struct why *why)
{
	void *p;
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (fd < 0) {
		fail(why, "/dev/mem: %s", strerror(errno));
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)addr);
	close(fd);
	if (p == MAP_FAILED) {
		fail(why, "mmap of /dev/mem at %#llx: %s",
		     (unsigned long long)addr, strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * While a driver has a device, sysfs says what it is: virtioN/device holds
 * the device ID, and a disk has virtioN/block/vdX.
 */
void dev_identify(struct dev *d)
{
	char pattern[160], buf[32];
	glob_t dev, disk;

	snprintf(pattern, sizeof(pattern), "%s/virtio*", d->sysfs);
	if (glob(pattern, 0, NULL, &dev))
		return;
	snprintf(pattern, sizeof(pattern), "%s/device", dev.gl_pathv[0]);
	sysfs_read(pattern, buf, sizeof(buf));
	if (buf[0])
		d->device_id = strtoul(buf, NULL, 0);
	snprintf(pattern, sizeof(pattern), "%s/block/*", dev.gl_pathv[0]);
	if (!glob(pattern, 0, NULL, &disk)) {
		snprintf(d->disk, sizeof(d->disk), "%s",
			 strrchr(disk.gl_pathv[0], '/') + 1);
		globfree(&disk);
	}
	globfree(&dev);
}

u32 dev_status(const struct dev *d)
{
	return dev_get(d, F_STATUS);
}

u32 config_read32(const struct dev *d, u32 off)
{
	return *(const volatile u32 *)(d->config + off);
}

/*
 * The driver side of device initialisation, 3.1.1.  A reset is done when
 * the write returns: the Launcher joins the queue threads while it holds
 * the exit, so nothing of the old driver's is touched after this.
 */
int dev_reset(struct dev *d, struct why *why)
{
	dev_set(d, F_STATUS, 0);
	if (dev_status(d) != 0) {
		fail(why, "Status reads %#x after a reset", dev_status(d));
		return -1;
	}
	return 0;
}

int dev_features(struct dev *d, u64 want, u64 *got, struct why *why)
{
	u64 offered, accept;

	if (dev_reset(d, why))
		return -1;
	dev_set(d, F_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	dev_set(d, F_STATUS,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	dev_set(d, F_DEVICE_FEATURES_SEL, 1);
	offered = (u64)dev_get(d, F_DEVICE_FEATURES) << 32;
	dev_set(d, F_DEVICE_FEATURES_SEL, 0);
	offered |= dev_get(d, F_DEVICE_FEATURES);
	accept = offered & want;
	dev_set(d, F_DRIVER_FEATURES_SEL, 0);
	dev_set(d, F_DRIVER_FEATURES, (u32)accept);
	dev_set(d, F_DRIVER_FEATURES_SEL, 1);
	dev_set(d, F_DRIVER_FEATURES, (u32)(accept >> 32));
	dev_set(d, F_STATUS,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(dev_status(d) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		fail(why, "FEATURES_OK refused for features %#llx",
		     (unsigned long long)accept);
		return -1;
	}
	if (got)
		*got = accept;
	return 0;
}

/*
 * Our rings, all in one page for QSIZE 16: the descriptor table (256
 * bytes) at 0, the available ring (38) at 256, the used ring (134) at 512.
 */
int vq_prepare(struct vq *vq, struct dev *d, unsigned int index,
	       struct why *why)
{
	u32 max;

	memset(vq, 0, sizeof(*vq));
	vq->d = d;
	vq->index = index;
	vq->num = QSIZE;
	vq->ring = page_alloc();
	if (!vq->ring) {
		fail(why, "out of pages");
		return -1;
	}
	vq->desc = (struct vring_desc *)vq->ring->va;
	vq->avail = (struct vring_avail *)(vq->ring->va + 256);
	vq->used = (struct vring_used *)(vq->ring->va + 512);
	vq->desc_gpa = vq->ring->gpa;
	vq->avail_gpa = vq->ring->gpa + 256;
	vq->used_gpa = vq->ring->gpa + 512;

	dev_set(d, F_QUEUE_SEL, index);
	max = dev_get(d, F_QUEUE_NUM_MAX);
	if (max < QSIZE) {
		fail(why, "queue %u: QueueNumMax %u", index, max);
		return -1;
	}
	dev_set(d, F_QUEUE_NUM, QSIZE);
	dev_set(d, F_QUEUE_DESC_LOW, (u32)vq->desc_gpa);
	dev_set(d, F_QUEUE_DESC_HIGH, (u32)(vq->desc_gpa >> 32));
	dev_set(d, F_QUEUE_AVAIL_LOW, (u32)vq->avail_gpa);
	dev_set(d, F_QUEUE_AVAIL_HIGH, (u32)(vq->avail_gpa >> 32));
	dev_set(d, F_QUEUE_USED_LOW, (u32)vq->used_gpa);
	dev_set(d, F_QUEUE_USED_HIGH, (u32)(vq->used_gpa >> 32));
	return 0;
}

int vq_ready(struct vq *vq, struct why *why)
{
	dev_set(vq->d, F_QUEUE_SEL, vq->index);
	dev_set(vq->d, F_QUEUE_READY, 1);
	if (dev_get(vq->d, F_QUEUE_READY) != 1) {
		fail(why, "queue %u: QueueReady reads %u", vq->index,
		     dev_get(vq->d, F_QUEUE_READY));
		return -1;
	}
	return 0;
}

void dev_driver_ok(struct dev *d)
{
	dev_set(d, F_STATUS,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK);
}

int dev_up(struct target *t, struct vq *vq, u64 drop, struct why *why)
{
	u64 want = (t->features | 1ULL << VIRTIO_F_VERSION_1 |
		    1ULL << VIRTIO_RING_F_INDIRECT_DESC |
		    1ULL << VIRTIO_RING_F_EVENT_IDX) &
		   ~drop;

	if (dev_features(t->d, want, NULL, why) ||
	    vq_prepare(vq, t->d, t->queue, why) || vq_ready(vq, why))
		return -1;
	dev_driver_ok(t->d);
	return 0;
}

void desc_set(struct vring_desc *d, u64 addr, u32 len, u16 flags, u16 next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* The ring entry and the chain before the index that exposes them, as
 * Linux's virtio_wmb() has it; x86 keeps stores in order, the compiler
 * must too. */
void vq_push_quiet(struct vq *vq, u16 head)
{
	vq->avail->ring[vq->avail_idx % vq->num] = head;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->avail_idx++;
	*(volatile u16 *)&vq->avail->idx = vq->avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void vq_kick(struct vq *vq)
{
	vq->d->tr->kick(vq->d, vq->index);
}

void vq_push(struct vq *vq, u16 head)
{
	vq_push_quiet(vq, head);
	vq_kick(vq);
}

static int wait_used(struct vq *vq, int ms, struct vring_used_elem *e,
		     bool status)
{
	long end = now_ms() + ms;

	for (;;) {
		u16 idx = *(volatile u16 *)&vq->used->idx;

		if (idx != vq->used_idx) {
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			*e = vq->used->ring[vq->used_idx % vq->num];
			vq->used_idx++;
			return 1;
		}
		if (status && dev_status(vq->d) & VIRTIO_CONFIG_S_NEEDS_RESET)
			return -1;
		if (now_ms() >= end)
			return 0;
		sleep_ms(1);
	}
}

int vq_wait_used(struct vq *vq, int ms, struct vring_used_elem *e)
{
	return wait_used(vq, ms, e, true);
}

int vq_wait_ring(struct vq *vq, int ms, struct vring_used_elem *e)
{
	return wait_used(vq, ms, e, false);
}

bool wait_status(struct dev *d, u32 bits, int ms)
{
	long end = now_ms() + ms;

	while ((dev_status(d) & bits) != bits) {
		if (now_ms() >= end)
			return false;
		sleep_ms(1);
	}
	return true;
}

bool vq_has_used(const struct vq *vq)
{
	return *(volatile u16 *)&vq->used->idx != vq->used_idx;
}

bool vq_quiet(const struct vq *vq, int ms)
{
	long end = now_ms() + ms;

	while (!vq_has_used(vq)) {
		if (now_ms() >= end)
			return true;
		sleep_ms(1);
	}
	return false;
}

u32 isr_wait(struct dev *d, u32 bits, int ms)
{
	long end = now_ms() + ms;
	u32 isr = 0;

	while (!((isr |= dev_get(d, F_ISR)) & bits) && now_ms() < end)
		sleep_ms(1);
	return isr;
}
