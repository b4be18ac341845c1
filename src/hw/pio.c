// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O port map of our PC.  KVM handles the PIC, PIT and IOAPIC itself;
 * what reaches us is the serial port, the RTC, the ways a guest ends, the
 * boot timer, and whatever Linux probes for and should find absent.
 */
#include <string.h>

#include "hw/pio.h"
#include "hw/ports.h"
#include "launcher.h"
#include "log.h"

#define PORT_POST	0x80  /* POST codes, and Linux's I/O delay */
#define PORT_PCI_CONFIG 0xcf8 /* 0xcf8-0xcff: PCI configuration */

/* Tell --verbose about each unclaimed port once, not on every probe. */
static void unclaimed(struct launcher *l, u16 port, bool write)
{
	u64 bit = 1ULL << (port % 64);
	_Atomic u64 *word = &l->pio_seen[port / 64];

	if (!(atomic_fetch_or(word, bit) & bit))
		verbose("guest %s unclaimed I/O port %#x (logged once)",
			write ? "writes" : "reads", port);
}

static void boot_timer(struct launcher *l, u8 val)
{
	if (l->cfg->boot_timer || log_verbose)
		warn("boot-timer: guest wrote %u at %.1f ms", val,
		     log_uptime_ms());
}

void hw_pio(struct launcher *l, u16 port, u8 *data, u32 size, bool write)
{
	enum guest_end end = GUEST_RUNNING;

	if (port >= PORT_COM1 && port < PORT_COM1 + 8) {
		/* The UART's registers are bytes; a wider access reaches the
		 * first and reads zeros above it. */
		if (!write)
			memset(data, 0, size);
		uart_io(&l->uart, port - PORT_COM1, data, write);
		return;
	}
	switch (port) {
	case PORT_RTC_INDEX:
	case PORT_RTC_DATA:
		rtc_io(&l->rtc, port, data, write);
		return;
	case PORT_I8042_DATA:
	case PORT_I8042_CMD:
		end = i8042_io(port, data, write);
		break;
	case PORT_SLEEP_CTL:
	case PORT_SLEEP_STS:
	case PORT_PVPANIC:
		end = power_io(port, data, write);
		break;
	case PORT_RESET:
		/* 0xcf9 is a byte register inside the PCI window. */
		if (size == 1) {
			end = power_io(port, data, write);
			break;
		}
		goto absent;
	case PORT_BOOT_TIMER:
		if (write)
			boot_timer(l, data[0]);
		else
			data[0] = 0;
		return;
	case PORT_POST:
		return;
	default:
		goto absent;
	}
	if (end == GUEST_POWEROFF)
		launcher_end(l, end, "guest powered off");
	else if (end == GUEST_REBOOT)
		launcher_end(l, end, "guest asked for a reset (port %#x)",
			     port);
	else if (end == GUEST_PANIC)
		launcher_end(l, end, "guest kernel panicked");
	return;

absent:
	/* Nothing here: another UART, a PCI bus, a floppy.  All-ones reads
	 * are how a PC says so, and Linux takes the hint. */
	if (!write)
		memset(data, 0xff, size);
	if (port < PORT_PCI_CONFIG || port >= PORT_PCI_CONFIG + 8)
		unclaimed(l, port, write);
}

void hw_mmio(struct launcher *l, u64 addr, u8 *data, u32 size, bool write)
{
	u64 window = (addr - VIRTIO_MMIO_GPA) / VIRTIO_MMIO_SIZE;

	/* The virtio-mmio windows sit side by side from VIRTIO_MMIO_GPA. */
	if (addr >= VIRTIO_MMIO_GPA && window < l->nvirtio && size <= 8 &&
	    (addr + size - 1 - VIRTIO_MMIO_GPA) / VIRTIO_MMIO_SIZE == window) {
		mmio_dev_access(&l->virtio[window], addr, data, size, write);
		return;
	}
	if (!write)
		memset(data, 0xff, size);
	verbose("guest %s unclaimed MMIO address %#llx (%u bytes)",
		write ? "writes" : "reads", (unsigned long long)addr, size);
}
