// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X vectors, masks and pending bits (msix.h).
 */
#include <linux/pci_regs.h>
#include <string.h>

#include "hw/msix.h"

void msix_init(struct msix *m, unsigned int nvec,
	       void (*route)(void *, unsigned int, u64, u32),
	       void (*deliver)(void *, unsigned int), void *ctx)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->nvec = MIN(MAX(nvec, 1u), MSIX_MAX_VECTORS);
	m->route = route;
	m->deliver = deliver;
	m->ctx = ctx;
	msix_reset(m);
}

void msix_reset(struct msix *m)
{
	pthread_mutex_lock(&m->lock);
	/* PCI 3.0, 6.8.2.9: "the mask bit for each entry [...] is set" at
	 * reset, and the rest of the entry is undefined: zero, here. */
	for (unsigned int v = 0; v < MSIX_MAX_VECTORS; v++)
		m->table[v] = (struct msix_entry){
			.ctrl = PCI_MSIX_ENTRY_CTRL_MASKBIT};
	m->pending = 0;
	atomic_store(&m->enabled, false);
	m->mask_all = false;
	for (unsigned int v = 0; v < MSIX_MAX_VECTORS; v++)
		atomic_store(&m->live[v], false);
	memset(m->routed, 0, sizeof(m->routed));
	pthread_mutex_unlock(&m->lock);
}

static bool masked(const struct msix *m, unsigned int v)
{
	return !m->enabled || m->mask_all ||
	       (m->table[v].ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

/*
 * Vector (v)'s route and, if it just came unmasked with an event waiting,
 * the event.  Called with (lock).
 *
 * A message to anywhere but the local APICs' window is, on a real
 * machine, a memory write like any other, and interrupts no CPU.  KVM
 * would take any address for the APIC's and read a destination out of
 * it: a guest could send itself any vector, an NMI or an INIT through
 * its own device, with the message to address 0.  So such a vector is
 * never live: its events are dropped, as the writes we do not make.
 */
static void refresh(struct msix *m, unsigned int v)
{
	const struct msix_entry *e = &m->table[v];
	u64 addr = (u64)e->addr_hi << 32 | e->addr_lo;
	bool on = !masked(m, v);
	bool live = on && msix_to_apic(addr);

	if (on && (!m->routed[v].set || m->routed[v].addr != addr ||
		   m->routed[v].data != e->data)) {
		m->routed[v].set = true;
		m->routed[v].addr = addr;
		m->routed[v].data = e->data;
		m->route(m->ctx, v, addr, e->data);
	}
	/* Live only once routed: an event may now skip the lock. */
	atomic_store(&m->live[v], live);
	/* 6.8.2.9: "If a masked vector has its Pending bit set, and the
	 * associated underlying interrupt events are somehow satisfied
	 * [...]".  Ours never are: the event is sent on unmask. */
	if (on && (m->pending & (1ULL << v))) {
		m->pending &= ~(1ULL << v);
		if (live)
			m->deliver(m->ctx, v);
	}
}

void msix_table_access(struct msix *m, u64 off, u8 *data, u32 len, bool write)
{
	unsigned int v = off / PCI_MSIX_ENTRY_SIZE;
	u32 field = off % PCI_MSIX_ENTRY_SIZE;
	u32 *words;

	/* 6.8.2: software accesses the table with aligned DWORDs or
	 * QWORDs; other accesses are undefined, so we ignore them. */
	if (v >= m->nvec || (len != 4 && len != 8) || (field & (len - 1))) {
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&m->lock);
	words = &m->table[v].addr_lo;
	if (!write) {
		memcpy(data, (u8 *)words + field, len);
	} else {
		memcpy((u8 *)words + field, data, len);
		/* Only the mask bit of Vector Control is ours to keep. */
		m->table[v].ctrl &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
		refresh(m, v);
	}
	pthread_mutex_unlock(&m->lock);
}

void msix_pba_access(struct msix *m, u64 off, u8 *data, u32 len, bool write)
{
	u64 pending;

	if (write || off >= 8 || len > 8 - off) {
		if (!write)
			memset(data, 0, len);
		return; /* "read-only": writes are ignored */
	}
	pthread_mutex_lock(&m->lock);
	pending = m->pending;
	pthread_mutex_unlock(&m->lock);
	memcpy(data, (u8 *)&pending + off, len);
}

void msix_control(struct msix *m, bool enabled, bool mask_all)
{
	pthread_mutex_lock(&m->lock);
	if (enabled != m->enabled || mask_all != m->mask_all) {
		m->enabled = enabled;
		m->mask_all = mask_all;
		for (unsigned int v = 0; v < m->nvec; v++)
			refresh(m, v);
	}
	pthread_mutex_unlock(&m->lock);
}

bool msix_notify(struct msix *m, unsigned int v)
{
	bool sent = false;

	if (v >= m->nvec)
		return false;
	/* The common case, with no lock.  A driver that masks the vector
	 * this very moment may still see this one event, as it may from
	 * real hardware whose message was already on its way. */
	if (atomic_load(&m->live[v])) {
		m->deliver(m->ctx, v);
		return true;
	}
	pthread_mutex_lock(&m->lock);
	if (m->enabled) {
		const struct msix_entry *e = &m->table[v];

		if (masked(m, v))
			m->pending |= 1ULL << v;
		else if (msix_to_apic((u64)e->addr_hi << 32 | e->addr_lo))
			m->deliver(m->ctx, v);
		sent = true;
	}
	pthread_mutex_unlock(&m->lock);
	return sent;
}
