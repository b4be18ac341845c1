// SPDX-License-Identifier: GPL-2.0
/*
 * The core without KVM: the port and MMIO bus a vCPU's exits go to, and
 * the vCPU's exit handling itself, fed made-up kvm_run records (as
 * Firecracker tests its handle_kvm_exit).  Then the legacy devices as the
 * bus sees them: byte registers, nested ranges, absent hardware.
 */
#include <linux/kvm.h>

#include "harness.h"
#include "host/vcpu.h"
#include "hw/power.h"
#include "hw/rtc.h"
#include "layout.h"

/* A device that records its accesses, and answers reads with (answer)
 * plus the offset. */
struct recorder {
	unsigned int calls;
	u64 last_off;
	u32 last_len;
	bool last_write;
	u8 last_data[8];
	u8 answer;
};

static void record(void *ctx, u64 off, u8 *data, u32 len, bool write)
{
	struct recorder *r = ctx;

	r->calls++;
	r->last_off = off;
	r->last_len = len;
	r->last_write = write;
	if (write)
		memcpy(r->last_data, data, len);
	else
		for (u32 i = 0; i < len; i++)
			data[i] = r->answer + off + i;
}

static struct bus bus;
static struct recorder dev_a, dev_b;

static void setup(void)
{
	memset(&bus, 0, sizeof(bus));
	memset(&dev_a, 0, sizeof(dev_a));
	memset(&dev_b, 0, sizeof(dev_b));
	dev_a.answer = 0x10;
	dev_b.answer = 0x80;
}

TEST(dispatch_by_range_with_offsets)
{
	u8 data[4] = {1, 2, 3, 4};

	setup();
	CHECK_EQ(bus_register(&bus, BUS_MMIO, 0xd0000000, 0x1000, record,
			      &dev_a, "a", false),
		 0);
	CHECK_EQ(bus_register(&bus, BUS_MMIO, 0xd0001000, 0x1000, record,
			      &dev_b, "b", false),
		 0);
	bus_access(&bus, BUS_MMIO, 0xd0001070, data, 4, true);
	CHECK_EQ(dev_b.calls, 1);
	CHECK_EQ(dev_b.last_off, 0x70);
	CHECK_EQ(dev_b.last_len, 4);
	CHECK(dev_b.last_write && dev_b.last_data[3] == 4);
	CHECK_EQ(dev_a.calls, 0);
	/* The same address in the other space is somebody else's. */
	bus_access(&bus, BUS_PIO, 0x1070, data, 4, false);
	CHECK_EQ(dev_b.calls, 1);
}

/* An access that runs off the end of a device's range is nobody's: the
 * virtio-mmio windows sit side by side, and one may not reach into the
 * next. */
TEST(straddling_access_is_unclaimed)
{
	u8 data[8];

	setup();
	bus_register(&bus, BUS_MMIO, 0xd0000000, 0x1000, record, &dev_a, "a",
		     false);
	bus_register(&bus, BUS_MMIO, 0xd0001000, 0x1000, record, &dev_b, "b",
		     false);
	memset(data, 0, sizeof(data));
	bus_access(&bus, BUS_MMIO, 0xd0000ffc, data, 8, false);
	CHECK_EQ(dev_a.calls + dev_b.calls, 0);
	CHECK(data[0] == 0xff && data[7] == 0xff);
}

TEST(overlaps_refused_nesting_allowed)
{
	setup();
	CHECK_EQ(bus_register(&bus, BUS_PIO, 0xcf8, 8, record, &dev_a, "pci",
			      false),
		 0);
	/* Partly over it: a bug in the layout. */
	CHECK(bus_register(&bus, BUS_PIO, 0xcfc, 8, record, &dev_b, "x",
			   false) < 0);
	CHECK(bus_register(&bus, BUS_PIO, 0xcf8, 8, record, &dev_b, "x",
			   false) < 0);
	/* Wholly inside: the more particular device. */
	CHECK_EQ(bus_register(&bus, BUS_PIO, 0xcf9, 1, record, &dev_b, "reset",
			      true),
		 0);
}

/* The PIIX's reset register is one byte inside the PCI configuration
 * ports: a byte access reaches it, a dword access the PCI ports. */
TEST(smallest_range_wins)
{
	u8 data[4] = {6, 0, 0, 0};

	setup();
	bus_register(&bus, BUS_PIO, 0xcf8, 8, record, &dev_a, "pci", false);
	bus_register(&bus, BUS_PIO, 0xcf9, 1, record, &dev_b, "reset", true);
	bus_access(&bus, BUS_PIO, 0xcf9, data, 1, true);
	CHECK_EQ(dev_b.calls, 1);
	CHECK_EQ(dev_a.calls, 0);
	bus_access(&bus, BUS_PIO, 0xcf8, data, 4, true);
	CHECK_EQ(dev_a.calls, 1);
	CHECK_EQ(dev_a.last_len, 4);
	CHECK_EQ(dev_b.calls, 1);
}

/*
 * Finding: 2- and 4-byte reads of byte-wide ports filled only the first
 * byte; the rest was whatever the kvm_run page held.  On a PC such an
 * access is one byte access per port, and so it is here.
 */
TEST(wide_access_to_byte_registers_is_split)
{
	u8 data[4] = {0xaa, 0xaa, 0xaa, 0xaa};

	setup();
	bus_register(&bus, BUS_PIO, 0x70, 2, record, &dev_a, "rtc", true);
	bus_access(&bus, BUS_PIO, 0x70, data, 4, false);
	/* 0x70 and 0x71 each answer for themselves; 0x72, 0x73 are absent. */
	CHECK_EQ(dev_a.calls, 2);
	CHECK_EQ(dev_a.last_len, 1);
	CHECK_EQ(data[0], 0x10);
	CHECK_EQ(data[1], 0x11);
	CHECK_EQ(data[2], 0xff);
	CHECK_EQ(data[3], 0xff);
	/* A word written to the index port: index, then data. */
	data[0] = 0x50;
	data[1] = 0xa5;
	bus_access(&bus, BUS_PIO, 0x70, data, 2, true);
	CHECK_EQ(dev_a.calls, 4);
	CHECK_EQ(dev_a.last_off, 1);
	CHECK_EQ(dev_a.last_data[0], 0xa5);
}

/* The real RTC behind the bus: a 16-bit read of 0x70 is the index port's
 * byte (it reads 0xff) and the data port's. */
TEST(rtc_word_read_fills_both_bytes)
{
	struct rtc rtc;
	u8 data[2] = {0, 0};

	setup();
	rtc_init(&rtc);
	CHECK_EQ(rtc_attach(&rtc, &bus, PORT_RTC_INDEX), 0);
	data[0] = 0x0d; /* select status register D */
	bus_access(&bus, BUS_PIO, PORT_RTC_INDEX, data, 1, true);
	bus_access(&bus, BUS_PIO, PORT_RTC_INDEX, data, 2, false);
	CHECK_EQ(data[0], 0xff);
	CHECK_EQ(data[1], 0x80); /* "valid RAM and time" */
}

TEST(absent_ranges_read_ones_quietly)
{
	u8 data[4] = {0};

	setup();
	bus_register(&bus, BUS_PIO, 0x80, 1, NULL, NULL, "post", true);
	bus_access(&bus, BUS_PIO, 0x80, data, 1, false);
	CHECK_EQ(data[0], 0xff);
	bus_access(&bus, BUS_PIO, 0x80, data, 1, true); /* and ignores */
	memset(data, 0, sizeof(data));
	bus_access(&bus, BUS_MMIO, 0xfe000000, data, 4, false);
	CHECK(data[0] == 0xff && data[3] == 0xff);
}

/* Power events reach whoever listens, with the port. */
static enum power_event last_event;
static u16 last_port;

static void on_event(void *ctx, enum power_event ev, u16 port)
{
	(void)ctx;
	last_event = ev;
	last_port = port;
}

TEST(power_ports_report_events)
{
	struct power p = {.event = on_event};
	u8 v;

	setup();
	CHECK_EQ(power_attach(&p, &bus), 0);
	last_event = POWER_NONE;
	v = (5 << 2) | (1 << 5); /* S5 | SLP_EN */
	bus_access(&bus, BUS_PIO, PORT_SLEEP_CTL, &v, 1, true);
	CHECK_EQ(last_event, POWER_OFF);
	v = 0xfe;
	bus_access(&bus, BUS_PIO, PORT_I8042_CMD, &v, 1, true);
	CHECK_EQ(last_event, POWER_RESET);
	CHECK_EQ(last_port, PORT_I8042_CMD);
	v = 1;
	bus_access(&bus, BUS_PIO, PORT_PVPANIC, &v, 1, true);
	CHECK_EQ(last_event, POWER_PANIC);
}

/*
 * The vCPU's exit handling.  A kvm_run page, as KVM fills it.
 */

static union {
	struct kvm_run run;
	u8 page[4096];
} page;

static char why[160];

static enum vcpu_exit exit_with(u32 reason)
{
	page.run.exit_reason = reason;
	why[0] = '\0';
	return vcpu_handle_exit(&page.run, &bus, why, sizeof(why));
}

TEST(vcpu_io_exit_goes_to_the_bus)
{
	u8 *data = page.page + 1024;

	setup();
	bus_register(&bus, BUS_PIO, 0x3f8, 8, record, &dev_a, "uart", true);
	memset(&page, 0, sizeof(page));
	page.run.io.direction = KVM_EXIT_IO_OUT;
	page.run.io.size = 1;
	page.run.io.port = 0x3f8;
	page.run.io.count = 3; /* "rep outsb": three bytes, one exit */
	page.run.io.data_offset = 1024;
	memcpy(data, "abc", 3);
	CHECK_EQ(exit_with(KVM_EXIT_IO), VCPU_RUN_ON);
	CHECK_EQ(dev_a.calls, 3);
	CHECK_EQ(dev_a.last_data[0], 'c');
	/* In, two bytes wide: split over two byte registers. */
	page.run.io.direction = KVM_EXIT_IO_IN;
	page.run.io.size = 2;
	page.run.io.port = 0x3fa;
	page.run.io.count = 1;
	CHECK_EQ(exit_with(KVM_EXIT_IO), VCPU_RUN_ON);
	CHECK_EQ(data[0], 0x12);
	CHECK_EQ(data[1], 0x13);
}

TEST(vcpu_mmio_exit_goes_to_the_bus)
{
	setup();
	bus_register(&bus, BUS_MMIO, 0xd0000000, 0x1000, record, &dev_a, "v",
		     false);
	memset(&page, 0, sizeof(page));
	page.run.mmio.phys_addr = 0xd0000070;
	page.run.mmio.len = 4;
	page.run.mmio.is_write = 0;
	CHECK_EQ(exit_with(KVM_EXIT_MMIO), VCPU_RUN_ON);
	CHECK_EQ(dev_a.last_off, 0x70);
	CHECK_EQ(page.run.mmio.data[0], 0x80);
	/* A length past the data field is held to it, never beyond. */
	page.run.mmio.len = 64;
	CHECK_EQ(exit_with(KVM_EXIT_MMIO), VCPU_RUN_ON);
	CHECK_EQ(dev_a.last_len, 8);
}

TEST(vcpu_ends)
{
	setup();
	memset(&page, 0, sizeof(page));
	CHECK_EQ(exit_with(KVM_EXIT_HLT), VCPU_RUN_ON);
	CHECK_EQ(exit_with(KVM_EXIT_SHUTDOWN), VCPU_CRASH);
	CHECK(strstr(why, "triple fault"));
	page.run.system_event.type = KVM_SYSTEM_EVENT_RESET;
	CHECK_EQ(exit_with(KVM_EXIT_SYSTEM_EVENT), VCPU_RESET);
	page.run.system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
	CHECK_EQ(exit_with(KVM_EXIT_SYSTEM_EVENT), VCPU_POWEROFF);
	page.run.system_event.type = 99;
	CHECK_EQ(exit_with(KVM_EXIT_SYSTEM_EVENT), VCPU_CRASH);
	page.run.fail_entry.hardware_entry_failure_reason = 0x21;
	CHECK_EQ(exit_with(KVM_EXIT_FAIL_ENTRY), VCPU_CRASH);
	CHECK(strstr(why, "entry failure (0x21)"));
	CHECK_EQ(exit_with(KVM_EXIT_INTERNAL_ERROR), VCPU_CRASH);
	CHECK_EQ(exit_with(0xbeef), VCPU_CRASH);
	CHECK(strstr(why, "unexpected KVM exit (0xbeef)"));
}

int main(void)
{
	static const struct test tests[] = {
		T(dispatch_by_range_with_offsets),
		T(straddling_access_is_unclaimed),
		T(overlaps_refused_nesting_allowed),
		T(smallest_range_wins),
		T(wide_access_to_byte_registers_is_split),
		T(rtc_word_read_fills_both_bytes),
		T(absent_ranges_read_ones_quietly),
		T(power_ports_report_events),
		T(vcpu_io_exit_goes_to_the_bus),
		T(vcpu_mmio_exit_goes_to_the_bus),
		T(vcpu_ends),
	};

	return harness_main("bus", tests, ARRAY_SIZE(tests));
}
