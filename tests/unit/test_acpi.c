/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables and the AML encoder under them.  We read the tables back
 * the way a guest kernel does: RSDP, then XSDT, then each table by its
 * guest-physical address, with offsets typed in from ACPI 6.4 rather than
 * taken from acpi.c, so a wrong offset there shows up here.
 */
#include <errno.h>
#include <stdlib.h>

#include "boot/acpi.h"
#include "boot/aml.h"
#include "layout.h"
#include "harness.h"

static u8 tables[ACPI_TABLES_SIZE];
static long tables_len;

static u16 get16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 get32(const u8 *p)
{
	return get16(p) | (u32)get16(p + 2) << 16;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

static struct acpi_mmio_dev virtio[256];

/* Build into the static (tables) at ACPI_TABLES_GPA. */
static long build(unsigned int ncpus, unsigned int nvirtio, bool serial,
		  bool pvpanic)
{
	struct acpi_config cfg = {
		.ncpus = ncpus,
		.virtio = virtio,
		.nvirtio = nvirtio,
		.serial = serial,
		.pvpanic = pvpanic,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(virtio); i++) {
		virtio[i].base = VIRTIO_MMIO_GPA + i * VIRTIO_MMIO_SIZE;
		virtio[i].size = VIRTIO_MMIO_SIZE;
		virtio[i].gsi = VIRTIO_IRQ_BASE + i;
	}
	memset(tables, 0xa5, sizeof(tables)); /* catch unwritten fields */
	tables_len = acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg);
	return tables_len;
}

/* A table at guest-physical (gpa), if all of it lies inside what was built:
 * what a guest would find there. */
static const u8 *table_at(u64 gpa)
{
	u64 off = gpa - ACPI_TABLES_GPA;

	if (gpa < ACPI_TABLES_GPA || tables_len < 36 ||
	    off > (u64)tables_len - 36)
		return NULL;
	if (get32(tables + off + 4) > (u64)tables_len - off)
		return NULL;
	return tables + off;
}

/* The XSDT's entry with signature (sig), or NULL. */
static const u8 *find_table(const char *sig)
{
	const u8 *xsdt = table_at(get64(tables + 24));

	if (!xsdt)
		return NULL;
	for (u32 off = 36; off + 8 <= get32(xsdt + 4); off += 8) {
		const u8 *t = table_at(get64(xsdt + off));

		if (t && memcmp(t, sig, 4) == 0)
			return t;
	}
	return NULL;
}

static const u8 *dsdt(void)
{
	const u8 *fadt = find_table("FACP");

	return fadt ? table_at(get64(fadt + 140)) : NULL;
}

/* How many times (needle) occurs in the DSDT. */
static int dsdt_count(const void *needle, size_t n)
{
	const u8 *t = dsdt();
	int count = 0;

	if (!t)
		return -1;
	for (u32 i = 0; i + n <= get32(t + 4); i++)
		count += memcmp(t + i, needle, n) == 0;
	return count;
}

TEST(rsdp_points_at_xsdt)
{
	CHECK(build(1, 1, true, true) > 0);
	CHECK(memcmp(tables, "RSD PTR ", 8) == 0);
	CHECK_EQ(sum(tables, 20), 0);
	CHECK_EQ(tables[15], 2);
	CHECK(memcmp(tables + 9, "LGUEST", 6) == 0);
	CHECK_EQ(get32(tables + 20), 36);
	CHECK_EQ(sum(tables, 36), 0);
	CHECK(table_at(get64(tables + 24)) != NULL);
	CHECK(memcmp(table_at(get64(tables + 24)), "XSDT", 4) == 0);
}

TEST(every_table_in_bounds_and_checksummed)
{
	static const char *const sigs[] = {"XSDT", "FACP", "APIC", "DSDT"};

	CHECK(build(4, 3, true, true) > 0);
	CHECK(find_table("FACP") && find_table("APIC"));
	CHECK_EQ(get32(table_at(get64(tables + 24)) + 4), 36 + 2 * 8);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		const u8 *t = i == 0   ? table_at(get64(tables + 24))
			      : i == 3 ? dsdt()
				       : find_table(sigs[i]);

		CHECK(t != NULL);
		if (!t)
			continue;
		CHECK(memcmp(t, sigs[i], 4) == 0);
		CHECK_EQ(sum(t, get32(t + 4)), 0);
		CHECK(memcmp(t + 10, "LGUEST", 6) == 0);
		CHECK(memcmp(t + 16, "LGUESTVM", 8) == 0);
		CHECK(memcmp(t + 28, "LGST", 4) == 0);
		CHECK((t - tables) % 16 == 0);
	}
}

TEST(fadt_is_hardware_reduced_with_reset_and_sleep)
{
	const u8 *f;
	u32 flags;
	u16 iapc;

	CHECK(build(2, 2, false, false) > 0);
	f = find_table("FACP");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ(get32(f + 4), 276);
	CHECK_EQ(f[8], 6);
	CHECK_EQ(f[131] & 0xf, 4);
	flags = get32(f + 112);
	CHECK(flags & 1u << 20);    /* HW_REDUCED_ACPI */
	CHECK(!(flags & 1u << 10)); /* RESET_REG_SUP: see acpi.c */
	iapc = get16(f + 109);
	CHECK(iapc & 1 << 2);	 /* VGA Not Present */
	CHECK(!(iapc & 1 << 5)); /* we do have a CMOS RTC */
	CHECK(!(iapc & 1 << 1)); /* no 8042 keyboard controller */
	CHECK(!(iapc & 1 << 0)); /* no legacy devices without COM1 */
	/* RESET_REG: SystemIO, 8 bits at offset 0, byte access. */
	CHECK_EQ(f[116], 1);
	CHECK_EQ(f[117], 8);
	CHECK_EQ(f[118], 0);
	CHECK_EQ(f[119], 1);
	CHECK_EQ(get64(f + 120), PORT_RESET);
	CHECK_EQ(f[128], RESET_VALUE);
	CHECK_EQ(f[244], 1);
	CHECK_EQ(f[245], 8);
	CHECK_EQ(get64(f + 248), PORT_SLEEP_CTL);
	CHECK_EQ(f[256], 1);
	CHECK_EQ(f[257], 8);
	CHECK_EQ(get64(f + 260), PORT_SLEEP_STS);
	CHECK(memcmp(f + 268, "LGUEST\0\0", 8) == 0);
	/* No FACS, no SCI, no PM1 blocks. */
	CHECK_EQ(get32(f + 36), 0);
	CHECK_EQ(get64(f + 132), 0);
	CHECK_EQ(get16(f + 46), 0);
	CHECK_EQ(get32(f + 64), 0);
	/* DSDT and X_DSDT agree and lead to a DSDT. */
	CHECK_EQ(get32(f + 40), get64(f + 140));
	CHECK(dsdt() && memcmp(dsdt(), "DSDT", 4) == 0);

	CHECK(build(1, 0, true, false) > 0);
	f = find_table("FACP");
	CHECK(f && get16(f + 109) & 1 << 0); /* COM1 is a legacy device */
}

/* Entries of (type) in the MADT; -1 if an entry runs off the end. */
static int madt_count(const u8 *m, u8 type)
{
	int n = 0;
	u32 off;

	for (off = 44; off + 2 <= get32(m + 4); off += m[off + 1]) {
		if (m[off + 1] < 2)
			return -1;
		n += m[off] == type;
	}
	return off == get32(m + 4) ? n : -1;
}

TEST(madt_has_each_cpu_and_the_ioapic)
{
	static const unsigned int ncpus[] = {1, 2, 8, 255};

	for (size_t i = 0; i < ARRAY_SIZE(ncpus); i++) {
		const u8 *m, *e;

		CHECK(build(ncpus[i], 1, false, false) > 0);
		m = find_table("APIC");
		CHECK(m != NULL);
		if (!m)
			continue;
		CHECK_EQ(get32(m + 4), 44 + 8 * ncpus[i] + 12 + 10 + 6);
		CHECK_EQ(get32(m + 36), LAPIC_GPA);
		CHECK_EQ(madt_count(m, 0), ncpus[i]);
		CHECK_EQ(madt_count(m, 1), 1);
		CHECK_EQ(madt_count(m, 2), 1);
		CHECK_EQ(madt_count(m, 4), 1);
		for (unsigned int c = 0; c < ncpus[i]; c++) {
			e = m + 44 + 8 * c;
			CHECK_EQ(e[0], 0);
			CHECK_EQ(e[3], c); /* APIC ID */
			CHECK_EQ(get32(e + 4) & 1, 1);
		}
		e = m + 44 + 8 * ncpus[i];
		CHECK_EQ(e[0], 1);
		CHECK_EQ(get32(e + 4), IOAPIC_GPA);
		CHECK_EQ(get32(e + 8), 0);
		e += 12;
		CHECK_EQ(e[3], 0);		   /* IRQ 0 ... */
		CHECK_EQ(get32(e + 4), 2);	   /* ... is GSI 2 */
		CHECK_EQ(get16(e + 8) & 0xc, 0x4); /* edge */
		e += 10;
		CHECK_EQ(e[2], 0xff);
		CHECK_EQ(e[5], 1); /* LINT1 */
	}
}

TEST(dsdt_has_one_lnro0005_per_window)
{
	static const unsigned int n[] = {0, 1, 3, 16, 256};

	for (size_t i = 0; i < ARRAY_SIZE(n); i++) {
		CHECK(build(1, n[i], false, false) > 0);
		CHECK_EQ(dsdt_count("LNRO0005", 8), n[i]);
	}
	CHECK(build(1, 16, false, false) > 0);
	CHECK_EQ(dsdt_count("VR0F", 4), 1);
	CHECK_EQ(dsdt_count("VR10", 4), 0);
}

TEST(dsdt_virtio_resources)
{
	/* Memory32Fixed (ReadWrite, 0xd0001000, 0x1000), then
	 * Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 6 } */
	static const u8 mem[] = {0x86, 0x09, 0x00, 0x01, 0x00, 0x10,
				 0x00, 0xd0, 0x00, 0x10, 0x00, 0x00};
	static const u8 irq[] = {0x89, 0x06, 0x00, 0x03, 0x01,
				 0x06, 0x00, 0x00, 0x00};
	u8 both[sizeof(mem) + sizeof(irq)];

	memcpy(both, mem, sizeof(mem));
	memcpy(both + sizeof(mem), irq, sizeof(irq));
	CHECK(build(1, 2, false, false) > 0);
	CHECK_EQ(dsdt_count(both, sizeof(both)), 1);
}

TEST(dsdt_s5_package)
{
	/* Name (\_S5, Package (0x04) { 0x05, Zero, Zero, Zero }) */
	static const u8 s5[] = {0x08, '\\', '_',  'S',	'5',  '_',  0x12,
				0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};

	CHECK(build(1, 0, false, false) > 0);
	CHECK_EQ(dsdt_count(s5, sizeof(s5)), 1);
	CHECK_EQ(s5[9 + 1], SLEEP_TYPE_S5);
}

TEST(dsdt_serial_and_pvpanic_only_when_asked)
{
	/* Name (_HID, EisaId ("PNP0501")) */
	static const u8 com1[] = {0x08, '_',  'H',  'I',  'D',
				  0x0c, 0x41, 0xd0, 0x05, 0x01};
	/* IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08) */
	static const u8 com1_io[] = {0x47, 0x01, 0xf8, 0x03,
				     0xf8, 0x03, 0x01, 0x08};
	/* IO (Decode16, 0x0505, 0x0505, 0x01, 0x01) */
	static const u8 pv_io[] = {0x47, 0x01, 0x05, 0x05,
				   0x05, 0x05, 0x01, 0x01};

	CHECK(build(1, 1, false, false) > 0);
	CHECK_EQ(dsdt_count(com1, sizeof(com1)), 0);
	CHECK_EQ(dsdt_count("QEMU0001", 8), 0);
	CHECK(build(1, 1, true, true) > 0);
	CHECK_EQ(dsdt_count(com1, sizeof(com1)), 1);
	CHECK_EQ(dsdt_count(com1_io, sizeof(com1_io)), 1);
	CHECK_EQ(dsdt_count("QEMU0001", 8), 1);
	CHECK_EQ(dsdt_count(pv_io, sizeof(pv_io)), 1);
}

/* The RTC, with its ports and no interrupt: Linux's hardware-reduced boot
 * has no ISA IRQ 8 to give the legacy rtc_cmos device. */
TEST(dsdt_rtc_only_when_asked)
{
	/* Name (_HID, EisaId ("PNP0B00")) */
	static const u8 rtc[] = {0x08, '_',  'H',  'I',	 'D',
				 0x0c, 0x41, 0xd0, 0x0b, 0x00};
	/* IO (Decode16, 0x0070, 0x0070, 0x01, 0x02) */
	static const u8 rtc_io[] = {0x47, 0x01, 0x70, 0x00,
				    0x70, 0x00, 0x01, 0x02};
	struct acpi_config cfg = {.ncpus = 1, .rtc = true};

	CHECK(build(1, 0, true, true) > 0);
	CHECK_EQ(dsdt_count(rtc, sizeof(rtc)), 0);
	tables_len = acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg);
	CHECK(tables_len > 0);
	CHECK_EQ(dsdt_count(rtc, sizeof(rtc)), 1);
	CHECK_EQ(dsdt_count(rtc_io, sizeof(rtc_io)), 1);
}

static void check_pkglen(u32 len, const u8 *want, size_t n)
{
	u8 out[4];

	CHECK_EQ(aml_pkglen_encode(out, len), n);
	CHECK(memcmp(out, want, n) == 0);
}

TEST(aml_pkglen_boundaries)
{
	check_pkglen(0, (const u8[]){0x00}, 1);
	check_pkglen(63, (const u8[]){0x3f}, 1);
	check_pkglen(64, (const u8[]){0x40, 0x04}, 2);
	check_pkglen(4095, (const u8[]){0x4f, 0xff}, 2);
	check_pkglen(4096, (const u8[]){0x80, 0x00, 0x01}, 3);
	check_pkglen(0xfffff, (const u8[]){0x8f, 0xff, 0xff}, 3);
	check_pkglen(0x100000, (const u8[]){0xc0, 0x00, 0x00, 0x01}, 4);
	check_pkglen(0xfffffff, (const u8[]){0xcf, 0xff, 0xff, 0xff}, 4);
	CHECK_EQ(aml_pkglen_encode((u8[4]){0}, 0x10000000), 0);
}

/* A Scope around (body) bytes of filler: the PkgLength counts itself, so
 * bodies of 62/63 and 4093/4094 bytes sit either side of a size step. */
static void check_scope_body(size_t body, const u8 *want, size_t n)
{
	static u8 buf[8192], filler[8192];
	struct aml a;
	size_t s;

	aml_init(&a, buf, sizeof(buf));
	s = aml_scope_begin(&a, "");
	aml_bytes(&a, filler, body - 1); /* NullName is one byte */
	aml_end(&a, s);
	CHECK(!a.nospace);
	CHECK_EQ(a.len, 1 + n + body);
	CHECK_EQ(buf[0], 0x10);
	CHECK(memcmp(buf + 1, want, n) == 0);
}

TEST(aml_pkglen_of_nested_bodies)
{
	check_scope_body(62, (const u8[]){0x3f}, 1);
	check_scope_body(63, (const u8[]){0x41, 0x04}, 2);
	check_scope_body(4093, (const u8[]){0x4f, 0xff}, 2);
	check_scope_body(4094, (const u8[]){0x81, 0x00, 0x01}, 3);
}

TEST(aml_nested_package_lengths)
{
	u8 buf[256];
	struct aml a;
	size_t outer, inner;

	/* Package (2) { Package (1) { 0x1234 }, One } */
	aml_init(&a, buf, sizeof(buf));
	outer = aml_package_begin(&a, 2);
	inner = aml_package_begin(&a, 1);
	aml_integer(&a, 0x1234);
	aml_end(&a, inner);
	aml_integer(&a, 1);
	aml_end(&a, outer);
	CHECK_EQ(a.len, 10);
	CHECK(memcmp(buf,
		     (const u8[]){0x12, 0x09, 0x02, 0x12, 0x05, 0x01, 0x0b,
				  0x34, 0x12, 0x01},
		     10) == 0);
}

TEST(aml_eisaid_pnp0501)
{
	CHECK_EQ(aml_eisaid("PNP0501"), 0x0105D041);
	CHECK_EQ(aml_eisaid("PNP0A03"), 0x030AD041);
	CHECK_EQ(aml_eisaid("PNP050"), 0);
	CHECK_EQ(aml_eisaid("pnp0501"), 0);
	CHECK_EQ(aml_eisaid("PNP05G1"), 0);
}

static void check_bytes(void (*emit)(struct aml *), const u8 *want, size_t n)
{
	u8 buf[64];
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	emit(&a);
	CHECK_EQ(a.len, n);
	CHECK(memcmp(buf, want, n) == 0);
}

static void int0(struct aml *a)
{
	aml_integer(a, 0);
}
static void int1(struct aml *a)
{
	aml_integer(a, 1);
}
static void int_byte(struct aml *a)
{
	aml_integer(a, 0xff);
}
static void int_word(struct aml *a)
{
	aml_integer(a, 0x100);
}
static void int_dword(struct aml *a)
{
	aml_integer(a, 0x12345678);
}
static void int_qword(struct aml *a)
{
	aml_integer(a, 0x100000000ULL);
}
static void name_short(struct aml *a)
{
	aml_name(a, "\\_S5");
}
static void name_dual(struct aml *a)
{
	aml_name(a, "\\_SB.VR00");
}
static void name_multi(struct aml *a)
{
	aml_name(a, "^A.B.C");
}
static void string(struct aml *a)
{
	aml_string(a, "LNRO0005");
}

TEST(aml_integers_names_strings)
{
	check_bytes(int0, (const u8[]){0x00}, 1);
	check_bytes(int1, (const u8[]){0x01}, 1);
	check_bytes(int_byte, (const u8[]){0x0a, 0xff}, 2);
	check_bytes(int_word, (const u8[]){0x0b, 0x00, 0x01}, 3);
	check_bytes(int_dword, (const u8[]){0x0c, 0x78, 0x56, 0x34, 0x12}, 5);
	check_bytes(int_qword, (const u8[]){0x0e, 0, 0, 0, 0, 1, 0, 0, 0}, 9);
	check_bytes(name_short, (const u8[]){'\\', '_', 'S', '5', '_'}, 5);
	check_bytes(name_dual,
		    (const u8[]){'\\', 0x2e, '_', 'S', 'B', '_', 'V', 'R', '0',
				 '0'},
		    10);
	check_bytes(name_multi,
		    (const u8[]){'^', 0x2f, 3, 'A', '_', '_', '_', 'B', '_',
				 '_', '_', 'C', '_', '_', '_'},
		    15);
	check_bytes(
		string,
		(const u8[]){0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5', 0},
		10);
}

TEST(aml_resource_template_checksum)
{
	u8 buf[64];
	struct aml a;
	size_t r;

	/* Buffer (0x0b) { IO (...), EndTag }: BufferOp, PkgLength, size. */
	aml_init(&a, buf, sizeof(buf));
	r = aml_resources_begin(&a);
	aml_io(&a, 0x3f8, 1, 8);
	aml_resources_end(&a, r);
	CHECK_EQ(a.len, 1 + 1 + 2 + 10);
	CHECK_EQ(buf[0], 0x11);
	CHECK_EQ(buf[1], 13);
	CHECK_EQ(buf[2], 0x0a);
	CHECK_EQ(buf[3], 10);
	CHECK_EQ(buf[12], 0x79);
	CHECK_EQ(sum(buf + 4, 10), 0);
}

TEST(aml_runs_out_of_room_safely)
{
	u8 *buf = malloc(5);
	struct aml a;
	size_t d;

	aml_init(&a, buf, 5);
	d = aml_device_begin(&a, "VR00");
	aml_name_decl(&a, "_HID");
	aml_string(&a, "LNRO0005");
	aml_end(&a, d);
	CHECK(a.nospace);
	CHECK(a.len <= 5);
	free(buf);
}

TEST(too_small_is_enospc_without_overrun)
{
	struct acpi_config cfg = {.ncpus = 2,
				  .virtio = virtio,
				  .nvirtio = 4,
				  .serial = true,
				  .pvpanic = true};
	long need = build(2, 4, true, true);

	CHECK(need > 0);
	/* Each buffer is exactly (size) bytes of heap, so ASan reports any
	 * write past it. */
	for (long size = 0; size < need; size++) {
		u8 *buf = malloc(size ? size : 1);

		CHECK_EQ(acpi_build(buf, size, ACPI_TABLES_GPA, &cfg), -ENOSPC);
		free(buf);
	}
	{
		u8 *buf = malloc(need);

		CHECK_EQ(acpi_build(buf, need, ACPI_TABLES_GPA, &cfg), need);
		CHECK(memcmp(buf, tables, need) == 0);
		free(buf);
	}
}

TEST(bad_config_is_einval)
{
	struct acpi_config cfg = {.ncpus = 1};
	struct acpi_mmio_dev high = {.base = 0xfffff000, .size = 0x2000};

	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA + 8, &cfg),
		 -EINVAL);
	cfg.ncpus = 0;
	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
	cfg.ncpus = 256;
	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
	cfg.ncpus = 1;
	cfg.nvirtio = 1;
	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
	cfg.virtio = &high;
	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
	cfg.nvirtio = 257;
	cfg.virtio = virtio;
	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
}

TEST(fits_for_64_cpus_and_16_devices)
{
	long len = build(64, 16, true, true);

	CHECK(len > 0);
	CHECK(len <= (long)ACPI_TABLES_SIZE);
	printf("  64 CPUs, 16 virtio, COM1, pvpanic: %ld bytes\n", len);
}

/* The tables with a PCI host bridge of (nslots) slots, and no virtio-mmio
 * windows, as --transport=pci builds them. */
static long build_pci(unsigned int nslots)
{
	static struct acpi_pci_slot slots[31];
	static struct acpi_pci pci;
	struct acpi_config cfg = {.ncpus = 1, .serial = true, .pci = &pci};

	for (unsigned int i = 0; i < ARRAY_SIZE(slots); i++)
		slots[i] = (struct acpi_pci_slot){.slot = i + 1,
						  .gsi = VIRTIO_IRQ_BASE + i};
	pci = (struct acpi_pci){
		.ecam = PCI_ECAM_GPA,
		.window_base = PCI_WINDOW_GPA,
		.window_size = PCI_WINDOW_SIZE,
		.slots = slots,
		.nslots = nslots,
	};
	memset(tables, 0xa5, sizeof(tables));
	tables_len = acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg);
	return tables_len;
}

/* PCI Firmware 3.0, 4.1.2: MCFG's one allocation, bus 0 of segment 0 at
 * the ECAM window; and the XSDT lists it. */
TEST(mcfg_points_at_ecam)
{
	const u8 *m;

	CHECK(build_pci(4) > 0);
	CHECK_EQ(get32(table_at(get64(tables + 24)) + 4), 36 + 3 * 8);
	m = find_table("MCFG");
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ(get32(m + 4), 36 + 8 + 16);
	CHECK_EQ(sum(m, get32(m + 4)), 0);
	CHECK_EQ(get64(m + 44), PCI_ECAM_GPA);
	CHECK_EQ(get16(m + 52), 0); /* segment */
	CHECK_EQ(m[54], 0);	    /* first bus */
	CHECK_EQ(m[55], 0);	    /* last bus */
	/* Without PCI, no MCFG. */
	CHECK(build(1, 1, false, false) > 0);
	CHECK(find_table("MCFG") == NULL);
}

/* The bridge (PNP0A08, compatible PNP0A03), the ECAM window reserved as a
 * motherboard resource (PNP0C02), one link (PNP0C0F) per slot, and a _PRT
 * entry per slot; no LNRO0005 windows. */
TEST(dsdt_pci_host_bridge)
{
	u32 pnp0a08 = aml_eisaid("PNP0A08"), pnp0a03 = aml_eisaid("PNP0A03");
	u32 pnp0c02 = aml_eisaid("PNP0C02"), pnp0c0f = aml_eisaid("PNP0C0F");
	/* WordBusNumber 0-0 and DWordMemory over the window. */
	static const u8 bus[] = {0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00,
				 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				 0x00, 0x00, 0x01, 0x00};
	u8 mem[4];

	CHECK(build_pci(5) > 0);
	CHECK_EQ(dsdt_count(&pnp0a08, 4), 1);
	CHECK_EQ(dsdt_count(&pnp0a03, 4), 1);
	CHECK_EQ(dsdt_count(&pnp0c02, 4), 1);
	CHECK_EQ(dsdt_count(&pnp0c0f, 4), 5);
	CHECK_EQ(dsdt_count("LNRO0005", 8), 0);
	CHECK_EQ(dsdt_count("_PRT", 4), 1);
	CHECK_EQ(dsdt_count("_SRS", 4), 5);
	CHECK_EQ(dsdt_count(bus, sizeof(bus)), 1);
	memcpy(mem, (u32[]){PCI_WINDOW_GPA + PCI_WINDOW_SIZE - 1}, 4);
	CHECK_EQ(dsdt_count(mem, 4), 1);    /* the window's last byte */
	CHECK_EQ(dsdt_count("LK05", 4), 2); /* device and _PRT source */
}

TEST(pci_config_checked)
{
	static struct acpi_pci pci = {.window_base = 0xfff00000,
				      .window_size = 0x200000};
	struct acpi_config cfg = {.ncpus = 1, .pci = &pci};

	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
	pci.window_base = 0xc0000000;
	pci.nslots = 32;
	CHECK_EQ(acpi_build(tables, sizeof(tables), ACPI_TABLES_GPA, &cfg),
		 -EINVAL);
}

static const struct test tests[] = {
	T(mcfg_points_at_ecam),
	T(dsdt_pci_host_bridge),
	T(pci_config_checked),
	T(rsdp_points_at_xsdt),
	T(every_table_in_bounds_and_checksummed),
	T(fadt_is_hardware_reduced_with_reset_and_sleep),
	T(madt_has_each_cpu_and_the_ioapic),
	T(dsdt_has_one_lnro0005_per_window),
	T(dsdt_virtio_resources),
	T(dsdt_s5_package),
	T(dsdt_serial_and_pvpanic_only_when_asked),
	T(dsdt_rtc_only_when_asked),
	T(aml_pkglen_boundaries),
	T(aml_pkglen_of_nested_bodies),
	T(aml_nested_package_lengths),
	T(aml_eisaid_pnp0501),
	T(aml_integers_names_strings),
	T(aml_resource_template_checksum),
	T(aml_runs_out_of_room_safely),
	T(too_small_is_enospc_without_overrun),
	T(bad_config_is_einval),
	T(fits_for_64_cpus_and_16_devices),
};

int main(void)
{
	return harness_main("acpi", tests, ARRAY_SIZE(tests));
}
