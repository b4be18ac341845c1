/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lguest-hostile: a root process in the default guest that takes each
 * virtio-mmio device away from Linux and drives it itself, badly on
 * purpose, to show that the Launcher survives whatever a guest writes.
 * This header is shared by its seven files:
 *
 *	driver.c	finding the windows, /dev/mem, pages whose guest-physical
 *			addresses we know, and a minimal virtio-mmio driver
 *	ring.c		the malformed-chain table of src/virtio/queue.c
 *	status.c	the Status register, feature negotiation, reset storms
 *	transport.c	queue set-up, registers, widths, notifies, config
 *	devices.c	good requests per device; disk and network abuse
 *	net.c		the network card's receive queue, with frames in it
 *	main.c		the case list, the checks after each case, the output
 */
#ifndef LGUEST_HOSTILE_H
#define LGUEST_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

#define PAGE_SIZE     4096u
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The queue size we use on every device: each ring part fits one page. */
#define QSIZE 16

/*
 * How long we wait for the Launcher.  A queue thread answers a kick within
 * microseconds on hardware and within milliseconds under nested emulation;
 * ANSWER_MS is for "it must happen", QUIET_MS for "it must not".
 */
#define ANSWER_MS 3000
#define QUIET_MS  200

/* Why a case failed: one line, filled by whoever noticed first. */
struct why {
	char text[200];
};

void fail(struct why *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Memory the Launcher can see: pages of our own, locked, whose guest-physical
 * address (gpa) we read from /proc/self/pagemap.
 */
struct page {
	u8 *va;
	u64 gpa;
};

/* A run of physically contiguous pages, for tables larger than a page. */
struct region {
	struct page *page[8];
	unsigned int pages;
	u64 gpa;
};

int pool_init(void);
void pool_reset(void);	       /* every page free again */
struct page *page_alloc(void); /* zeroed; NULL if none */
bool region_alloc(struct region *r, unsigned int pages); /* zeroed */
void *region_at(const struct region *r, size_t off);	 /* off's bytes */

/* 2 MiB physically contiguous, zeroed by whoever uses it; NULL if the
 * kernel has no huge page for us.  (*gpa) is its guest-physical start. */
#define HUGE_SIZE (2u << 20)
u8 *huge_page(u64 *gpa);

/* The guest's RAM below the device hole ends here, and the last
 * virtio-mmio window there (from /proc/iomem). */
extern u64 ram_end, windows_end;

/* One virtio-mmio register window and what Linux knows about it. */
struct window {
	char name[32];	   /* "LNRO0005:02", the platform device */
	u64 base, size;	   /* from /proc/iomem */
	u32 device_id;	   /* VIRTIO_ID_*, from sysfs while bound */
	char disk[16];	   /* "vda" for a disk, else "" */
	volatile u8 *regs; /* mapped while we own the device, else NULL */
};

int windows_find(struct window *w, unsigned int max);
/* (len) bytes of guest-physical (addr) through /dev/mem, or NULL. */
volatile u8 *phys_map(u64 addr, size_t len, struct why *why);
int window_unbind(struct window *w, struct why *why);
int window_bind(struct window *w, struct why *why);

/* 32-bit register access, the only width the spec allows. */
u32 reg_read(const struct window *w, u32 off);
void reg_write(const struct window *w, u32 off, u32 val);

/* One of our queues on a device: rings in one page, QSIZE entries. */
struct vq {
	struct window *w;
	unsigned int index, num;
	struct page *ring;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	u64 desc_gpa, avail_gpa, used_gpa;
	u16 avail_idx; /* the index we publish next */
	u16 used_idx;  /* the used entries we have consumed */
};

/* Status = 0, read back as 0: 0, or -1 with why. */
int dev_reset(struct window *w, struct why *why);
/* Reset, ACKNOWLEDGE, DRIVER, then accept (want) & offered, FEATURES_OK.
 * (*got) is what was accepted (may be NULL). */
int dev_features(struct window *w, u64 want, u64 *got, struct why *why);
/* Lay out rings for queue (index) in a fresh page and write the queue
 * registers, up to but not including QueueReady. */
int vq_prepare(struct vq *vq, struct window *w, unsigned int index,
	       struct why *why);
/* QueueReady = 1, and check it reads back 1. */
int vq_ready(struct vq *vq, struct why *why);
void dev_driver_ok(struct window *w);
u32 dev_status(const struct window *w);

void desc_set(struct vring_desc *d, u64 addr, u32 len, u16 flags, u16 next);
/* Publish (head) in the available ring, and kick. */
void vq_push(struct vq *vq, u16 head);
void vq_push_quiet(struct vq *vq, u16 head); /* publish, no kick */
void vq_kick(struct vq *vq);
/*
 * Wait up to (ms) for the next used entry: 1 with (*e) filled, 0 if none
 * came, -1 if the device set NEEDS_RESET instead.
 */
int vq_wait_used(struct vq *vq, int ms, struct vring_used_elem *e);
/* Wait up to (ms) for (bits) in Status. */
bool wait_status(struct window *w, u32 bits, int ms);
void sleep_ms(int ms);

/*
 * The device under attack: one queue of one window.  (answers) is false
 * where a good chain is held rather than used at once (a receive queue
 * waiting for a packet).
 */
enum kind { K_CONSOLE, K_BLK, K_RNG, K_NET };

/* Which targets a case is for: a mask of these. */
#define R_CONSOLE (1u << 0) /* the console's transmit queue */
#define R_VDA	  (1u << 1)
#define R_RNG	  (1u << 2)
#define R_NET	  (1u << 3) /* the network card's transmit queue */
#define R_NET_RX  (1u << 4) /* its receive queue */
#define R_ALL	  (R_CONSOLE | R_VDA | R_RNG | R_NET | R_NET_RX)
#define R_DEVICES (R_ALL & ~R_NET_RX) /* one target per window */

struct target {
	const char *name;  /* "console", "vda", "rng", "net", "net-rx" */
	unsigned int role; /* R_* */
	enum kind kind;
	struct window *w;
	unsigned int queue;
	bool answers;
	u64 features;	   /* what we accept, besides VERSION_1 */
	const char *label; /* the case being run, for console output */
};

/* Reset, negotiate t->features, VERSION_1, INDIRECT_DESC and EVENT_IDX
 * (as Linux does), less (drop); set up the target's queue, DRIVER_OK. */
int dev_up(struct target *t, struct vq *vq, u64 drop, struct why *why);

/* devices.c: one good request at descriptor (slot) using page (buf); its
 * head.  good_check() judges its used entry. */
unsigned int good_chain(struct target *t, struct vq *vq, unsigned int slot,
			struct page *buf);
unsigned int good_slots(const struct target *t); /* descriptors it takes */
int good_check(struct target *t, const struct vring_used_elem *e,
	       unsigned int head, struct page *buf, struct why *why);
/* A good request pushed and answered (or, without answers, accepted). */
int good_request(struct target *t, struct vq *vq, unsigned int slot,
		 struct why *why);

/* Status must read (want) (after (what) was done); then a good request at
 * descriptor 0 must be served. */
int live_after(struct target *t, struct vq *vq, u32 want, const char *what,
	       struct why *why);

/* What Status reads on a device its driver has set up. */
#define S_LIVE                                                                 \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |                \
	 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

/*
 * After a ring rule is broken: NEEDS_RESET, a configuration interrupt,
 * nothing used, and the queue stays stopped for a good chain at (slot).
 */
int expect_broken(struct target *t, struct vq *vq, unsigned int slot,
		  struct why *why);

/* A case: 0 OK, or -1 FAIL with why. */
struct hcase {
	const char *name;
	int (*run)(struct target *t, struct why *why);
	unsigned int roles;  /* R_*: the targets it is for */
	const char *finding; /* "4", "6": a known Launcher finding */
};

extern const struct hcase ring_cases[];
extern const unsigned int ring_ncases;
extern const struct hcase status_cases[];
extern const unsigned int status_ncases;
extern const struct hcase transport_cases[];
extern const unsigned int transport_ncases;
extern const struct hcase device_cases[];
extern const unsigned int device_ncases;
extern const struct hcase net_cases[];
extern const unsigned int net_ncases;

#endif
