/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lguest-hostile: a root process in the default guest that takes each
 * virtio device away from Linux and drives it itself, badly on purpose,
 * to show that the Launcher survives whatever a guest writes.  It speaks
 * both of the Launcher's transports, virtio-mmio and virtio-pci, through
 * one small table of operations (struct transport), so that the cases
 * about rings, status and devices are written once.  Its files:
 *
 *	driver.c	memory the Launcher can see, sysfs, and a minimal
 *			virtio driver over either transport
 *	window.c	virtio-mmio: the windows, /dev/mem, the registers
 *	function.c	virtio-pci: the functions, config space, capabilities,
 *			BAR 0, ECAM
 *	ring.c		the malformed-chain table of src/virtio/queue.c
 *	status.c	the device status, feature negotiation, reset storms
 *	setup.c		queue set-up, notifies, device config: any transport
 *	transport.c	the virtio-mmio registers: widths, reserved, odd
 *			instructions, unclaimed addresses
 *	pci.c		virtio-pci: the common config
 *	bar.c		virtio-pci: the rest of BAR 0, notify, ISR, the
 *			config access window
 *	ecam.c		PCI config space, the BAR moved, decoding, ECAM
 *	msix.c		MSI-X, and INTx through uio_pci_generic
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

/* The guest's RAM below the device hole ends here (from /proc/iomem). */
extern u64 ram_end;
void ram_find(void);

/* (len) bytes of guest-physical (addr) through /dev/mem, or NULL. */
volatile u8 *phys_map(u64 addr, size_t len, struct why *why);
/* Write (val) to the sysfs file (path): 0, or -1 with why. */
int sysfs_write(const char *path, const char *val, struct why *why);
/* The first line of (path), or "" if there is none. */
void sysfs_read(const char *path, char *buf, size_t len);
void sleep_ms(int ms);
long now_ms(void);

/*
 * The registers every transport has, by what they mean: virtio-mmio's
 * (virtio 1.2, 4.2.2) and virtio-pci's common configuration and ISR
 * (4.1.4.3, 4.1.4.5).  Each transport maps them to its own offsets and
 * widths; a value too wide for a field is cut to its width.
 */
enum field {
	F_DEVICE_FEATURES_SEL,
	F_DEVICE_FEATURES,
	F_DRIVER_FEATURES_SEL,
	F_DRIVER_FEATURES,
	F_QUEUE_SEL,
	F_QUEUE_NUM_MAX, /* virtio-pci: queue_size, until the driver sets it */
	F_QUEUE_NUM,
	F_QUEUE_READY,
	F_QUEUE_DESC_LOW,
	F_QUEUE_DESC_HIGH,
	F_QUEUE_AVAIL_LOW,
	F_QUEUE_AVAIL_HIGH,
	F_QUEUE_USED_LOW,
	F_QUEUE_USED_HIGH,
	F_STATUS,
	F_ISR, /* virtio-pci: reading it clears it */
	F_CONFIG_GENERATION,
	F_FIELDS
};

/* InterruptStatus and the ISR agree on these two bits. */
#define ISR_QUEUE  0x1
#define ISR_CONFIG 0x2

/* Which transport a device is on, and which a table of cases is for. */
#define T_MMIO (1u << 0)
#define T_PCI  (1u << 1)

struct dev;

struct transport {
	const char *name;  /* "virtio-mmio", "virtio-pci" */
	unsigned int mask; /* T_MMIO or T_PCI */
	u32 (*get)(const struct dev *d, enum field f);
	void (*set)(const struct dev *d, enum field f, u32 val);
	/* Notify queue (queue), as a driver does; an absent queue's notify
	 * goes where it would be, or just past the last one. */
	void (*kick)(const struct dev *d, unsigned int queue);
	/* Take (d) from Linux's driver and map its registers: 0, or -1 with
	 * why. */
	int (*take)(struct dev *d, struct why *why);
	/* After a case: the bus side as take() left it (virtio-pci: the
	 * config header, BAR and all).  NULL for nothing to do. */
	void (*restore)(struct dev *d);
	/* Unmap, and give (d) back to Linux's driver: 0, or -1 with why. */
	int (*give)(struct dev *d, struct why *why);
};

extern const struct transport mmio_transport, pci_transport;

/* virtio-mmio (window.c): a register of the window, 32 bits at (off), and
 * where the last window ends. */
u32 mmio_read(const struct dev *d, u32 off);
void mmio_write(const struct dev *d, u32 off, u32 val);
extern u64 windows_end;

/* What a virtio-pci function's capabilities say (virtio 1.2, 4.1.4):
 * where each part lives in BAR 0, which is where the Launcher puts them
 * all; and its MSI-X table (PCI 3.0, 6.8.2). */
#define PCI_MAX_QUEUES 8
struct pci_caps {
	u32 common, common_len;
	u32 isr, isr_len;
	u32 device, device_len; /* 0, 0: no device-specific config */
	u32 notify, notify_len, mult;
	u8 cfg_cap;  /* VIRTIO_PCI_CAP_PCI_CFG, in config space */
	u8 msix_cap; /* the MSI-X capability, in config space */
	u16 nvec;    /* MSI-X table size */
	u32 table, pba;
	u16 num_queues;
	u16 noff[PCI_MAX_QUEUES]; /* each queue's queue_notify_off */
};

/* One virtio device and what Linux knows about it. */
struct dev {
	const struct transport *tr;
	char name[32];	   /* "LNRO0005:02" or "0000:00:03.0" */
	char sysfs[96];	   /* its directory in /sys/bus/.../devices */
	u64 base, size;	   /* its registers: the window, or BAR 0 */
	u32 device_id;	   /* VIRTIO_ID_*, from sysfs while bound */
	char disk[16];	   /* "vda" for a disk, else "" */
	volatile u8 *regs; /* mapped while we own the device, else NULL */
	/* The device-specific config inside (regs), or NULL, and how many
	 * bytes from there on are its (the rest of its window or part). */
	volatile u8 *config;
	u32 config_span;
	/* virtio-pci only */
	unsigned int slot; /* device number on bus 0 */
	int cfg_fd;	   /* config space, through sysfs */
	struct pci_caps pci;
	u8 saved[256]; /* the config header as take() left it */
};

/* Find the devices of one transport, up to (max): how many, or -1. */
int mmio_find(struct dev *d, unsigned int max);
int pci_find(struct dev *d, unsigned int max);
/* The device ID and disk name, from (d)->sysfs while Linux has it. */
void dev_identify(struct dev *d);

/* The generic register access, and device status. */
static inline u32 dev_get(const struct dev *d, enum field f)
{
	return d->tr->get(d, f);
}

static inline void dev_set(const struct dev *d, enum field f, u32 val)
{
	d->tr->set(d, f, val);
}

u32 dev_status(const struct dev *d);
/* 32 bits of device-specific config at (off). */
u32 config_read32(const struct dev *d, u32 off);

/* One of our queues on a device: rings in one page, QSIZE entries. */
struct vq {
	struct dev *d;
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
int dev_reset(struct dev *d, struct why *why);
/* Reset, ACKNOWLEDGE, DRIVER, then accept (want) & offered, FEATURES_OK.
 * (*got) is what was accepted (may be NULL). */
int dev_features(struct dev *d, u64 want, u64 *got, struct why *why);
/* Lay out rings for queue (index) in a fresh page and write the queue
 * registers, up to but not including QueueReady. */
int vq_prepare(struct vq *vq, struct dev *d, unsigned int index,
	       struct why *why);
/* QueueReady = 1, and check it reads back 1. */
int vq_ready(struct vq *vq, struct why *why);
void dev_driver_ok(struct dev *d);

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
/* The same by the used ring alone (1 or 0), for when the device's
 * registers cannot be read: its BAR moved, or not decoding, where a read
 * of all ones would look like NEEDS_RESET. */
int vq_wait_ring(struct vq *vq, int ms, struct vring_used_elem *e);
/* Has the device used anything we have not consumed? */
bool vq_has_used(const struct vq *vq);
/* Nothing used for (ms), by the used ring alone, as vq_wait_ring(). */
bool vq_quiet(const struct vq *vq, int ms);
/* Wait up to (ms) for (bits) in Status. */
bool wait_status(struct dev *d, u32 bits, int ms);
/* Wait up to (ms) for one of (bits) in InterruptStatus or the ISR: what
 * it read, all reads or'ed (a virtio-pci ISR clears as it is read, and
 * the device may set it just after it shows the reason). */
u32 isr_wait(struct dev *d, u32 bits, int ms);

/*
 * The device under attack: one queue of one device.  (answers) is false
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
#define R_DEVICES (R_ALL & ~R_NET_RX) /* one target per device */

struct target {
	const char *name;  /* "console", "vda", "rng", "net", "net-rx" */
	unsigned int role; /* R_* */
	enum kind kind;
	struct dev *d;
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

/* odd.c: where instructions no driver uses land in a register block:
 * a 16-byte load at its start and a 64-byte string move from it, 16 zero
 * bytes stored at (store), an exchange with the queue index at (exchange)
 * and a locked or of 0 at (or_zero), each of its width, and 16 bytes of
 * (config) read and written back (unless NULL).  Then the device must
 * work. */
struct odd_map {
	volatile u8 *regs;
	u32 store, exchange, exchange_width, or_zero, or_zero_width;
	volatile u8 *config;
};
int odd_accesses(struct target *t, const struct odd_map *m, struct why *why);

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

/* A case: 0 OK, or -1 FAIL with why.  main.c says which transports each
 * table of cases is for. */
struct hcase {
	const char *name;
	int (*run)(struct target *t, struct why *why);
	unsigned int roles;  /* R_*: the targets it is for; C_CONFIG */
	const char *finding; /* "4", "6": a known Launcher finding */
};

/* In (roles): only where the device has device-specific config (a
 * virtio-pci rng has none). */
#define C_CONFIG (1u << 8)

extern const struct hcase ring_cases[];
extern const unsigned int ring_ncases;
extern const struct hcase status_cases[];
extern const unsigned int status_ncases;
extern const struct hcase setup_cases[];
extern const unsigned int setup_ncases;
extern const struct hcase transport_cases[];
extern const unsigned int transport_ncases;
extern const struct hcase pci_cases[];
extern const unsigned int pci_ncases;
extern const struct hcase bar_cases[];
extern const unsigned int bar_ncases;
extern const struct hcase ecam_cases[];
extern const unsigned int ecam_ncases;
extern const struct hcase msix_cases[];
extern const unsigned int msix_ncases;
extern const struct hcase device_cases[];
extern const unsigned int device_ncases;
extern const struct hcase net_cases[];
extern const unsigned int net_ncases;

/*
 * virtio-pci (function.c), for the PCI cases.  Config space goes through
 * sysfs, with the width asked for (1, 2 or 4); ECAM through /dev/mem,
 * which needs the kernel's iomem=relaxed (the kernel claims the window).
 */
u32 pci_cfg_read(const struct dev *d, u32 off, u32 len);
void pci_cfg_write(const struct dev *d, u32 off, u32 len, u32 val);
/* Where a driver notifies queue (queue) in BAR 0 (an absent queue: just
 * past the last one's). */
u32 pci_notify_off(const struct dev *d, unsigned int queue);
/* ECAM, mapped once (1 MiB, bus 0), and its guest-physical (*base). */
volatile u8 *ecam_map(u64 *base, struct why *why);
u64 pci_window_free(void); /* an address in the PCI window no BAR uses */
extern u64 control_bar;	   /* the control disk's BAR 0, or 0 */

/* A register of (width) 1, 2, 4 or 8 bytes at (p). */
u64 io_read(volatile u8 *p, u32 width);
void io_write(volatile u8 *p, u32 width, u64 val);

/* pci.c: every field of the common config, read with its own width, into
 * (v) of COMMON_FIELDS; and whether they read the same now as (before),
 * or -1 with why, naming what was done in between, (after). */
#define COMMON_FIELDS 21
void common_snapshot(const struct dev *d, u32 *v);
int common_same(const struct dev *d, const u32 *before, const char *after,
		struct why *why);

#endif
