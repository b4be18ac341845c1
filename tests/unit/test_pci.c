// SPDX-License-Identifier: GPL-2.0
/*
 * PCI and virtio-pci (virtio 1.2, section 4.1) against a tiny echo device,
 * driven as a guest would drive them: configuration space through ECAM
 * on the bus, the BAR through the bridge's window.  No KVM: interrupts
 * are read from the vectors' eventfds, and QueueNotify writes reach the
 * kick eventfd through the transport's own fallback.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>

#include "echo_device.h"
#include "fake_driver.h"
#include "harness.h"
#include "layout.h"
#include "log.h"
#include "virtio/pci.h"

#define SLOT 3
#define BAR  PCI_BAR_GPA(SLOT)

static const struct device_type echo_type = {
	.name = "echo",
	.virtio_id = VIRTIO_ID_NET,
	.num_queues = 2,
	.queue_names = {"a", "b"},
	.queue_size = 16,
	.create = echo_create,
	.service = {echo_service, echo_service},
};

static struct bus bus;
static struct pci_host host;
static struct pci_vdev p;
static struct fake_driver d; /* RAM and a ring layout */

static void setup(void)
{
	struct fd_config cfg = {.num = 16};
	char err[128];

	memset(&bus, 0, sizeof(bus));
	CHECK_EQ(fd_init(&d, &cfg), 0);
	CHECK_EQ(pci_host_init(&host, &bus, PCI_ECAM_GPA, PORT_PCI_CONFIG,
			       PCI_WINDOW_GPA, PCI_WINDOW_SIZE),
		 0);
	CHECK_EQ(pci_vdev_init(&p, &echo_type, 0, NULL, &d.mem, BAR, 7, 40, err,
			       sizeof(err)),
		 0);
	CHECK_EQ(pci_host_add(&host, SLOT, &p.fn), 0);
	CHECK_EQ(device_spawn(&p.dev), 0);
	atomic_store(&echo_served, 0);
}

static void teardown(void)
{
	pci_vdev_destroy(&p);
	fd_free(&d);
}

/* Config space of slot (s), as the guest's ECAM accesses see it. */
static u32 cfg_rd(unsigned int s, u32 off, u32 len)
{
	u32 v = 0;

	bus_access(&bus, BUS_MMIO, PCI_ECAM_GPA + (s << 15) + off, (u8 *)&v,
		   len, false);
	return v;
}

static void cfg_wr(unsigned int s, u32 off, u32 len, u32 v)
{
	bus_access(&bus, BUS_MMIO, PCI_ECAM_GPA + (s << 15) + off, (u8 *)&v,
		   len, true);
}

static u32 bar_rd(u64 off, u32 len)
{
	u32 v = 0;

	bus_access(&bus, BUS_MMIO, BAR + off, (u8 *)&v, len, false);
	return v;
}

static void bar_wr(u64 off, u32 len, u32 v)
{
	bus_access(&bus, BUS_MMIO, BAR + off, (u8 *)&v, len, true);
}

static void enable_memory(void)
{
	cfg_wr(SLOT, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* Has vector (v)'s eventfd fired since we last looked?  Empties it. */
static bool fired(unsigned int v)
{
	struct pollfd pfd = {.fd = p.irq_fd[v], .events = POLLIN};
	u64 n;

	if (poll(&pfd, 1, 1000) != 1)
		return false;
	return read(p.irq_fd[v], &n, sizeof(n)) == sizeof(n);
}

TEST(config_header)
{
	setup();
	CHECK_EQ(cfg_rd(SLOT, PCI_VENDOR_ID, 2), 0x1af4);
	CHECK_EQ(cfg_rd(SLOT, PCI_DEVICE_ID, 2), 0x1040 + VIRTIO_ID_NET);
	CHECK(cfg_rd(SLOT, PCI_REVISION_ID, 1) >= 1); /* 4.1.2.1 */
	CHECK_EQ(cfg_rd(SLOT, PCI_CLASS_DEVICE, 2), 0x0200);
	CHECK_EQ(cfg_rd(SLOT, PCI_HEADER_TYPE, 1), 0);
	CHECK_EQ(cfg_rd(SLOT, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
	CHECK(cfg_rd(SLOT, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	CHECK_EQ(cfg_rd(SLOT, PCI_INTERRUPT_PIN, 1), 1);
	/* The bridge at 00.0; nothing at an empty slot or function 1. */
	CHECK_EQ(cfg_rd(0, PCI_CLASS_DEVICE, 2), 0x0600);
	CHECK_EQ(cfg_rd(9, PCI_VENDOR_ID, 4), 0xffffffff);
	CHECK_EQ(cfg_rd(SLOT, (1 << 12) + PCI_VENDOR_ID, 4), 0xffffffff);
	/* Read-only fields stay so. */
	cfg_wr(SLOT, PCI_VENDOR_ID, 4, 0x12345678);
	CHECK_EQ(cfg_rd(SLOT, PCI_VENDOR_ID, 2), 0x1af4);
	/* Misaligned accesses reach nothing. */
	CHECK_EQ(cfg_rd(SLOT, PCI_VENDOR_ID + 1, 2), 0xffff);
	teardown();
}

/* The capability list, walked as Linux's virtio_pci_modern does: every
 * part found once, inside BAR 0, and the list ends. */
/*
 * pci_add_cap() until it says there is no room: each capability inside
 * the 256 bytes the one-byte list pointers reach, and the header
 * untouched.  Its next offset was 8 bits wide and wrapped to 0 at the
 * end, so the next capability landed on the vendor ID.
 */
TEST(capabilities_never_wrap_onto_the_header)
{
	static const struct pci_id id = {.vendor = 0x1af4, .device = 0x1041};
	struct pci_function f;
	u8 body[16] = {0}, off;
	unsigned int n = 0;

	pci_function_init(&f, &id, NULL, NULL);
	while (n < 64 &&
	       (off = pci_add_cap(&f, PCI_CAP_ID_VNDR, body, sizeof(body)))) {
		CHECK(off >= 0x40 && off + sizeof(body) <= 0x100);
		n++;
	}
	CHECK_EQ(n, (0x100 - 0x40) / sizeof(body));
	CHECK_EQ(pci_add_cap(&f, PCI_CAP_ID_VNDR, body, 4), 0);
	CHECK_EQ(pci_get16(&f, PCI_VENDOR_ID), 0x1af4);
	CHECK_EQ(pci_get16(&f, PCI_DEVICE_ID), 0x1041);
}

TEST(spec_4_1_4_capability_walk)
{
	bool seen[6] = {false};
	unsigned int steps = 0, msix = 0;
	u8 at;

	setup();
	for (at = cfg_rd(SLOT, PCI_CAPABILITY_LIST, 1); at && steps < 48;
	     at = cfg_rd(SLOT, at + 1, 1), steps++) {
		u8 id = cfg_rd(SLOT, at, 1);
		u8 type = cfg_rd(SLOT, at + VIRTIO_PCI_CAP_CFG_TYPE, 1);
		u32 off = cfg_rd(SLOT, at + VIRTIO_PCI_CAP_OFFSET, 4);
		u32 len = cfg_rd(SLOT, at + VIRTIO_PCI_CAP_LENGTH, 4);

		CHECK(at >= 0x40 && at % 4 == 0);
		if (id == PCI_CAP_ID_MSIX) {
			msix = at;
			continue;
		}
		CHECK_EQ(id, PCI_CAP_ID_VNDR);
		CHECK(type >= VIRTIO_PCI_CAP_COMMON_CFG &&
		      type <= VIRTIO_PCI_CAP_PCI_CFG);
		if (type > VIRTIO_PCI_CAP_PCI_CFG)
			continue;
		CHECK(!seen[type]);
		seen[type] = true;
		CHECK_EQ(cfg_rd(SLOT, at + VIRTIO_PCI_CAP_BAR, 1), 0);
		CHECK(off + (u64)len <= VPCI_BAR_SIZE);
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			CHECK_EQ(cfg_rd(SLOT, at + VIRTIO_PCI_NOTIFY_CAP_MULT,
					4),
				 VPCI_NOTIFY_MULT);
		if (type == VIRTIO_PCI_CAP_COMMON_CFG)
			CHECK(len >= sizeof(struct virtio_pci_common_cfg));
	}
	CHECK(steps < 48); /* no loop */
	for (int t = VIRTIO_PCI_CAP_COMMON_CFG; t <= VIRTIO_PCI_CAP_PCI_CFG;
	     t++)
		CHECK(seen[t]);
	CHECK(msix);
	/* Table size: one vector per queue and one for config changes. */
	CHECK_EQ((cfg_rd(SLOT, msix + PCI_MSIX_FLAGS, 2) &
		  PCI_MSIX_FLAGS_QSIZE) +
			 1,
		 3);
	CHECK_EQ(cfg_rd(SLOT, msix + PCI_MSIX_TABLE, 4), VPCI_MSIX_TABLE);
	CHECK_EQ(cfg_rd(SLOT, msix + PCI_MSIX_PBA, 4), VPCI_MSIX_PBA);
	teardown();
}

/* A BAR is sized by writing all ones, and decodes only with memory space
 * enabled, where it says, inside the bridge's window. */
TEST(bar_sizing_and_decoding)
{
	u64 moved = PCI_WINDOW_GPA + 0x800000;
	u32 lo;

	setup();
	CHECK_EQ(cfg_rd(SLOT, PCI_BASE_ADDRESS_0, 4),
		 (u32)BAR | PCI_BASE_ADDRESS_MEM_TYPE_64);
	/* Not decoding yet: nothing answers at the BAR. */
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_1, 4, 0xffffffff);
	lo = cfg_rd(SLOT, PCI_BASE_ADDRESS_0, 4);
	CHECK_EQ(lo & PCI_BASE_ADDRESS_MEM_MASK, (u32) ~(VPCI_BAR_SIZE - 1));
	CHECK_EQ(lo & ~PCI_BASE_ADDRESS_MEM_MASK, PCI_BASE_ADDRESS_MEM_TYPE_64);
	CHECK_EQ(cfg_rd(SLOT, PCI_BASE_ADDRESS_1, 4), 0xffffffff);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0, 4, (u32)BAR);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_1, 4, 0);
	enable_memory();
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_NUMQ, 2), 2);
	/* Moved: the old place is empty, the new one answers. */
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0, 4, (u32)moved);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	CHECK_EQ(p.fn.bar_addr[0], moved);
	/* Outside the window: decodes nowhere. */
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0, 4, 0x10000000);
	CHECK_EQ(p.fn.bar_addr[0], 0);
	teardown();
}

/* 3.1.1 through the common configuration, then a queue served. */
static void negotiate_and_start(void)
{
	enable_memory();
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1,
	       VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	bar_wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_DF, 4), 1); /* VERSION_1 */
	bar_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_GF, 4, 1 << 3);
	bar_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	bar_wr(VIRTIO_PCI_COMMON_GF, 4, 1);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1,
	       VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		       VIRTIO_CONFIG_S_FEATURES_OK);
	CHECK(bar_rd(VIRTIO_PCI_COMMON_STATUS, 1) &
	      VIRTIO_CONFIG_S_FEATURES_OK);
	/* As Linux does: the config vector, then each queue's with it. */
	bar_wr(VIRTIO_PCI_COMMON_MSIX, 2, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, 1);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), 1);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 16);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_Q_NOFF, 2), 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_DESCLO, 4, (u32)d.desc);
	bar_wr(VIRTIO_PCI_COMMON_Q_DESCHI, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, 4, (u32)d.avail);
	bar_wr(VIRTIO_PCI_COMMON_Q_AVAILHI, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_USEDLO, 4, (u32)d.used);
	bar_wr(VIRTIO_PCI_COMMON_Q_USEDHI, 4, 0);
	bar_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1,
	       VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		       VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static bool wait_served(int n)
{
	for (int ms = 0; ms < 5000 && atomic_load(&echo_served) < n; ms++)
		usleep(1000);
	return atomic_load(&echo_served) == n;
}

/* The table entry of vector (v): an address and data, and its mask. */
static void program_vector(unsigned int v, bool masked)
{
	u64 e = VPCI_MSIX_TABLE + v * PCI_MSIX_ENTRY_SIZE;

	bar_wr(e + PCI_MSIX_ENTRY_LOWER_ADDR, 4, 0xfee00000);
	bar_wr(e + PCI_MSIX_ENTRY_UPPER_ADDR, 4, 0);
	bar_wr(e + PCI_MSIX_ENTRY_DATA, 4, 0x40 + v);
	bar_wr(e + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, masked);
}

static u8 msix_cap(void)
{
	return p.msix_cap;
}

/* The whole path: MSI-X on, queue 0 on vector 1, a notify, the echo, and
 * the interrupt on vector 1's eventfd, with no register read. */
TEST(queue_interrupts_through_its_vector)
{
	struct fd_buf b;

	setup();
	enable_memory();
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	program_vector(0, false);
	program_vector(1, false);
	negotiate_and_start();
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_MSIX, 2), 0);
	/* 4.1.5.1.2: a vector we do not have reads back as NO_VECTOR. */
	bar_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 1);
	bar_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, 7);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	b = fd_buf(&d, 4);
	fd_add_chain(&d, NULL, 0, &b, 1);
	bar_wr(VPCI_NOTIFY + 0 * VPCI_NOTIFY_MULT, 2, 0);
	CHECK(wait_served(1));
	CHECK(fired(1));
	CHECK(!fired(0));
	teardown();
}

/* A masked vector keeps its event pending (PCI 3.0, 6.8.2.9), in the PBA,
 * and sends it the moment it is unmasked; so does the function mask. */
TEST(msix_masking_and_pending)
{
	setup();
	enable_memory();
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	program_vector(0, true);
	bar_wr(VIRTIO_PCI_COMMON_MSIX, 2, 0);
	device_config_changed(&p.dev);
	CHECK(!fired(0));
	CHECK_EQ(bar_rd(VPCI_MSIX_PBA, 4), 1);
	bar_wr(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, 0);
	CHECK(fired(0));
	CHECK_EQ(bar_rd(VPCI_MSIX_PBA, 4), 0);
	/* The function mask holds it back too. */
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2,
	       PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	device_config_changed(&p.dev);
	CHECK(!fired(0));
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	CHECK(fired(0));
	/* The table reads back what was written; the PBA ignores writes. */
	CHECK_EQ(bar_rd(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_DATA, 4), 0x40);
	bar_wr(VPCI_MSIX_PBA, 4, 0xffffffff);
	CHECK_EQ(bar_rd(VPCI_MSIX_PBA, 4), 0);
	/* Past the table: nothing. */
	CHECK_EQ(bar_rd(VPCI_MSIX_TABLE + 3 * PCI_MSIX_ENTRY_SIZE, 4),
		 0xffffffff);
	teardown();
}

/*
 * On x86 an MSI is a write to the local APICs' window, 0xfee00000-
 * 0xfeefffff; anywhere else it is a memory write that interrupts no CPU.
 * KVM would take any address for the APIC's, so a guest could send
 * itself any vector, NMI or INIT through a device: vector 0 to address 0
 * reached CPU 0 (lguest-hostile's msix-bad-message).  Such a message is
 * dropped, not left pending; the same vector to the APIC goes out.
 */
TEST(msix_message_outside_apic_window_is_no_interrupt)
{
	static const u32 bad[][2] = {
		{0x00000000, 0},
		{0x12345000, 0},
		{0xfed00000, 0},
		{0xfee00000, 1}, /* above 4 GiB */
	};
	u64 e = VPCI_MSIX_TABLE;

	setup();
	enable_memory();
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	bar_wr(VIRTIO_PCI_COMMON_MSIX, 2, 0);
	fd_log_start();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		bar_wr(e + PCI_MSIX_ENTRY_LOWER_ADDR, 4, bad[i][0]);
		bar_wr(e + PCI_MSIX_ENTRY_UPPER_ADDR, 4, bad[i][1]);
		bar_wr(e + PCI_MSIX_ENTRY_DATA, 4, 0x40);
		bar_wr(e + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, 0);
		device_config_changed(&p.dev);
		CHECK(!fired(0));
		CHECK_EQ(bar_rd(VPCI_MSIX_PBA, 4), 0);
	}
	fd_log_end();
	program_vector(0, false);
	device_config_changed(&p.dev);
	CHECK(fired(0));
	teardown();
}

/*
 * PCI 3.0, 6.2.3: the status register's Interrupt Status bit "reflects
 * the state of the interrupt in the device/function", and INTx Disable
 * "has no effect on the state of this bit".  A driver that shares the
 * line (uio_pci_generic, vfio-pci: Linux's pci_check_and_mask_intx())
 * takes an interrupt as its own only when the bit says so; without it,
 * the level line nobody takes is a storm (lguest-hostile's intx).
 */
TEST(pci_6_2_3_interrupt_status_follows_the_isr)
{
	setup();
	enable_memory();
	CHECK_EQ(cfg_rd(SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	device_config_changed(&p.dev);
	CHECK(cfg_rd(SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	CHECK(p.intx_high);
	/* INTx Disable lowers the line, not the bit. */
	cfg_wr(SLOT, PCI_COMMAND, 2,
	       PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	CHECK(!p.intx_high);
	CHECK(cfg_rd(SLOT, PCI_COMMAND, 4) >> 16 & PCI_STATUS_INTERRUPT);
	enable_memory();
	CHECK(p.intx_high);
	/* Reading the ISR clears both. */
	CHECK_EQ(bar_rd(VPCI_ISR, 1), VIRTIO_PCI_ISR_CONFIG);
	CHECK(!p.intx_high);
	CHECK_EQ(cfg_rd(SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	teardown();
}

/*
 * PCI 3.0, 6.8.2: with MSI-X enabled "the function is prohibited from
 * using its INTx# pin".  A line up when the driver turns MSI-X on comes
 * down, and stays down, whatever INTx Disable says; with MSI-X off again
 * and the ISR still set, it goes back up.
 */
TEST(pci_6_8_2_msix_enable_silences_intx)
{
	setup();
	enable_memory();
	device_config_changed(&p.dev);
	CHECK(p.intx_high);
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	CHECK(!p.intx_high);
	CHECK_EQ(cfg_rd(SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	cfg_wr(SLOT, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	device_config_changed(&p.dev);
	CHECK(!p.intx_high);
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, 0);
	CHECK(p.intx_high);
	CHECK(bar_rd(VPCI_ISR, 1) & VIRTIO_PCI_ISR_CONFIG);
	CHECK(!p.intx_high);
	teardown();
}

/* Without MSI-X: the ISR says why, and reading it clears it (4.1.4.5). */
TEST(spec_4_1_4_5_isr_read_clears)
{
	setup();
	enable_memory();
	device_config_changed(&p.dev);
	CHECK_EQ(bar_rd(VPCI_ISR, 1), VIRTIO_PCI_ISR_CONFIG);
	CHECK_EQ(bar_rd(VPCI_ISR, 1), 0);
	teardown();
}

/* 4.1.3.1: fields are accessed with their own width; others are refused
 * with a word, and read as zeros. */
TEST(spec_4_1_3_1_natural_width)
{
	setup();
	enable_memory();
	fd_log_start();
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_NUMQ, 4), 0);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 2, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	CHECK_EQ(fd_log_end(), 2);
	CHECK(strstr(fd_log, "echo0: bad driver: 4-byte access"));
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_STATUS, 1), 0);
	/* Device config: any width inside it, nothing outside. */
	CHECK_EQ(bar_rd(VPCI_DEVICE + 2, 2), 0x0403);
	fd_log_start();
	CHECK_EQ(bar_rd(VPCI_DEVICE + 6, 4), 0);
	fd_log_end();
	teardown();
}

/* 4.1.4.9: the config access window reaches the BAR's registers. */
TEST(spec_4_1_4_9_pci_cfg_window)
{
	u32 data = p.cfg_cap + sizeof(struct virtio_pci_cap);

	setup();
	data = p.cfg_cap + sizeof(struct virtio_pci_cap);
	cfg_wr(SLOT, p.cfg_cap + VIRTIO_PCI_CAP_BAR, 1, 0);
	cfg_wr(SLOT, p.cfg_cap + VIRTIO_PCI_CAP_OFFSET, 4,
	       VPCI_COMMON + VIRTIO_PCI_COMMON_NUMQ);
	cfg_wr(SLOT, p.cfg_cap + VIRTIO_PCI_CAP_LENGTH, 4, 2);
	CHECK_EQ(cfg_rd(SLOT, data, 2), 2);
	/* A write through it: device status. */
	cfg_wr(SLOT, p.cfg_cap + VIRTIO_PCI_CAP_OFFSET, 4,
	       VPCI_COMMON + VIRTIO_PCI_COMMON_STATUS);
	cfg_wr(SLOT, p.cfg_cap + VIRTIO_PCI_CAP_LENGTH, 4, 1);
	cfg_wr(SLOT, data, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	CHECK_EQ(atomic_load(&p.dev.status), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	/* A window that is no window: ignored. */
	cfg_wr(SLOT, p.cfg_cap + VIRTIO_PCI_CAP_LENGTH, 4, 3);
	cfg_wr(SLOT, data, 1, 0);
	CHECK_EQ(atomic_load(&p.dev.status), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	teardown();
}

/* A status write of 0 resets the device and forgets the vectors; a guest
 * reboot puts the whole function back as it was at power-on. */
TEST(reset_and_power_on)
{
	setup();
	negotiate_and_start();
	bar_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_STATUS, 1), 0);
	CHECK_EQ(bar_rd(VIRTIO_PCI_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	CHECK(!worker_running(&p.dev.threads[0]));
	cfg_wr(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	pci_vdev_reset(&p);
	CHECK_EQ(cfg_rd(SLOT, PCI_COMMAND, 2), 0);
	CHECK_EQ(cfg_rd(SLOT, msix_cap() + PCI_MSIX_FLAGS, 2) &
			 PCI_MSIX_FLAGS_ENABLE,
		 0);
	CHECK_EQ(p.fn.bar_addr[0], 0);
	teardown();
}

static u32 port_rd(u16 port, u32 len)
{
	u32 v = 0;

	bus_access(&bus, BUS_PIO, port, (u8 *)&v, len, false);
	return v;
}

static void port_wr(u16 port, u32 len, u32 v)
{
	bus_access(&bus, BUS_PIO, port, (u8 *)&v, len, true);
}

/* A byte register nested in the configuration ports, as the PC's reset
 * control register at 0xcf9 is: what it was last written. */
static u8 reset_reg;

static void reset_access(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	(void)ctx;
	(void)off;
	(void)len;
	if (write)
		reset_reg = data[0];
	else
		data[0] = reset_reg;
}

/* Configuration mechanism #1 (ports 0xcf8/0xcfc): Linux's first probe,
 * and the same config space as ECAM's. */
TEST(type1_config_ports)
{
	u32 slot_addr = 0x80000000 | SLOT << 11;

	setup();
	CHECK_EQ(bus_register(&bus, BUS_PIO, PORT_RESET, 1, reset_access, NULL,
			      "reset", true),
		 0);
	/* Linux's pci_check_type1(): the address register keeps a dword. */
	port_wr(PORT_PCI_CONFIG, 4, 0x80000000);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG, 4), 0x80000000);
	/* The host bridge at 00.0, then our function, a dword and a byte
	 * at a time, as ECAM shows them. */
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 4, 4), cfg_rd(0, 0, 4));
	port_wr(PORT_PCI_CONFIG, 4, slot_addr);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 4, 4), 0x10411af4);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 6, 2), 0x1041);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 7, 1), 0x10);
	port_wr(PORT_PCI_CONFIG, 4, slot_addr | PCI_COMMAND);
	port_wr(PORT_PCI_CONFIG + 4, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(cfg_rd(SLOT, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	/* Nothing answers: a function but 0, another bus, the enable bit
	 * clear, a data access that runs past the port. */
	port_wr(PORT_PCI_CONFIG, 4, slot_addr | 1 << 8);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 4, 4), 0xffffffff);
	port_wr(PORT_PCI_CONFIG, 4, slot_addr | 1 << 16);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 4, 4), 0xffffffff);
	port_wr(PORT_PCI_CONFIG, 4, SLOT << 11);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 4, 4), 0xffffffff);
	port_wr(PORT_PCI_CONFIG, 4, slot_addr);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG + 6, 4), 0xffffffff);
	/* Narrower accesses to the address register are not it; a byte at
	 * 0xcf9 is the reset register's, and leaves the address alone. */
	port_wr(PORT_PCI_CONFIG, 2, 0);
	port_wr(PORT_PCI_CONFIG + 1, 1, RESET_VALUE);
	CHECK_EQ(reset_reg, RESET_VALUE);
	CHECK_EQ(port_rd(PORT_PCI_CONFIG, 4), slot_addr);
	teardown();
}

int main(void)
{
	static const struct test tests[] = {
		T(config_header),
		T(capabilities_never_wrap_onto_the_header),
		T(spec_4_1_4_capability_walk),
		T(bar_sizing_and_decoding),
		T(queue_interrupts_through_its_vector),
		T(msix_masking_and_pending),
		T(msix_message_outside_apic_window_is_no_interrupt),
		T(pci_6_2_3_interrupt_status_follows_the_isr),
		T(pci_6_8_2_msix_enable_silences_intx),
		T(spec_4_1_4_5_isr_read_clears),
		T(spec_4_1_3_1_natural_width),
		T(spec_4_1_4_9_pci_cfg_window),
		T(reset_and_power_on),
		T(type1_config_ports),
	};

	return harness_main("pci", tests, ARRAY_SIZE(tests));
}
