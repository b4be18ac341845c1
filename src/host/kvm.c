// SPDX-License-Identifier: GPL-2.0
/*
 * The Host layer: a thin wrapper over /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "host/kvm.h"
#include "log.h"

#define TESTHOST_HINT                                                          \
	"run lguest inside tools/testhost, which provides one (see README)"

/*
 * Some hosts offer a /dev/kvm that is not backed by VT-x or AMD-V: kvm_pvm
 * runs guest kernel code in a software emulator, where a stock Linux kernel
 * crawls and then dies on an instruction it cannot emulate.  Better to say
 * so in one sentence than to hang for minutes.
 */
const char *kvm_unusable_reason(void)
{
	char line[4096];
	bool vmx_or_svm = false;
	FILE *f;

	if (access("/sys/module/kvm_pvm", F_OK) == 0)
		return "this host's /dev/kvm is kvm_pvm, a software hypervisor "
		       "that cannot run a standard Linux guest; " TESTHOST_HINT;
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) == 0 &&
		    (strstr(line, " vmx") || strstr(line, " svm")))
			vmx_or_svm = true;
	}
	fclose(f);
	if (!vmx_or_svm)
		return "this host's CPU has no hardware virtualization (no vmx "
		       "or svm in /proc/cpuinfo) to run a Linux "
		       "guest; " TESTHOST_HINT;
	return NULL;
}

static void need_cap(struct kvm *kvm, int cap, const char *name)
{
	if (ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, cap) <= 0)
		die("this host's KVM lacks %s, which lguest needs.", name);
}

void kvm_open(struct kvm *kvm)
{
	const char *why;
	int version;

	kvm->vm_fd = -1;
	pthread_mutex_init(&kvm->routes_lock, NULL);
	kvm->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm->sys_fd < 0) {
		if (errno == ENOENT)
			die("there is no /dev/kvm on this host; load the kvm "
			    "module, or on a machine without "
			    "VT-x/AMD-V " TESTHOST_HINT ".");
		if (errno == EACCES || errno == EPERM)
			die("no permission to open /dev/kvm; add yourself to "
			    "its group (usually \"kvm\") or run as root.");
		die_errno("cannot open /dev/kvm");
	}
	why = kvm_unusable_reason();
	if (why)
		die("%s.", why);

	version = ioctl(kvm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		die("/dev/kvm speaks KVM API %d; lguest needs %d.", version,
		    KVM_API_VERSION);
	need_cap(kvm, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY");
	need_cap(kvm, KVM_CAP_IRQCHIP, "an in-kernel interrupt controller");
	need_cap(kvm, KVM_CAP_PIT2, "an in-kernel PIT");
	need_cap(kvm, KVM_CAP_IOEVENTFD, "ioeventfd");
	need_cap(kvm, KVM_CAP_IRQFD, "irqfd");
	need_cap(kvm, KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID");
	need_cap(kvm, KVM_CAP_IMMEDIATE_EXIT, "immediate_exit");
	need_cap(kvm, KVM_CAP_IRQ_ROUTING, "interrupt routing");
	need_cap(kvm, KVM_CAP_SIGNAL_MSI, "MSI injection");

	kvm->vcpu_mmap_size = ioctl(kvm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (kvm->vcpu_mmap_size < (int)sizeof(struct kvm_run))
		die_errno("KVM_GET_VCPU_MMAP_SIZE failed");
}

static void set_slot(struct kvm *kvm, u32 slot, u64 gpa, u64 size, void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(kvm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_errno("KVM refused guest memory at %#llx (%llu MiB)",
			  (unsigned long long)gpa,
			  (unsigned long long)(size / MiB));
}

/* The routes KVM starts a VM with (its default_routing[]): GSIs 0-15 to
 * the PIC and the IOAPIC's pin of the same number, 16-23 to the IOAPIC.
 * KVM_SET_GSI_ROUTING replaces the table, so ours begins with them. */
static void default_routes(struct kvm *kvm)
{
	u32 n = 0;

	for (u32 gsi = 0; gsi < 24; gsi++) {
		kvm->routes.e[n++] = (struct kvm_irq_routing_entry){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = {KVM_IRQCHIP_IOAPIC, gsi},
		};
		if (gsi < 16)
			kvm->routes.e[n++] = (struct kvm_irq_routing_entry){
				.gsi = gsi,
				.type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = {gsi < 8 ? KVM_IRQCHIP_PIC_MASTER
						      : KVM_IRQCHIP_PIC_SLAVE,
					      gsi % 8},
			};
	}
	kvm->routes.hdr.nr = n;
}

/*L:130
 * The original Launcher began a Guest by writing LHREQ_INITIALIZE to
 * /dev/lguest: here is its memory, here is where to start.  With KVM it
 * takes a few more words.  We create a VM; give it our mapping of the
 * guest's RAM as its physical memory (one slot below the 32-bit device
 * hole, one above 4 GiB for the rest); and ask for the PC's interrupt
 * controllers and timer inside the kernel, so that a timer tick or an
 * interrupt never has to come out to us. :*/
void kvm_vm_create(struct kvm *kvm, const struct guest_mem *mem)
{
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};

	kvm->vm_fd = ioctl(kvm->sys_fd, KVM_CREATE_VM, 0);
	if (kvm->vm_fd < 0)
		die_errno("KVM_CREATE_VM failed");

	/*
	 * Intel's VMX needs three pages of guest-physical space for its real
	 * mode TSS and identity map; we put them just below the IOAPIC, in
	 * the device hole where no RAM is.  AMD ignores them.
	 */
	if (ioctl(kvm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
		die_errno("KVM_SET_TSS_ADDR failed");
	u64 ident = 0xfffbc000ULL;
	if (ioctl(kvm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0)
		die_errno("KVM_SET_IDENTITY_MAP_ADDR failed");

	/* The PIC, IOAPIC and local APICs live in the kernel, as does the
	 * PIT: interrupts never need a trip through us. */
	if (ioctl(kvm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		die_errno("KVM_CREATE_IRQCHIP failed");
	if (ioctl(kvm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		die_errno("KVM_CREATE_PIT2 failed");

	default_routes(kvm);

	set_slot(kvm, 0, 0, mem->low_size, mem->base);
	if (mem->high_size)
		set_slot(kvm, 1, GUEST_HIGH_START, mem->high_size,
			 mem->base + mem->low_size);
}

int kvm_msi_route(struct kvm *kvm, u32 gsi, u64 addr, u32 data)
{
	struct kvm_irq_routing_entry *e = NULL;
	int err = 0;

	pthread_mutex_lock(&kvm->routes_lock);
	for (u32 i = 0; i < kvm->routes.hdr.nr && !e; i++)
		if (kvm->routes.e[i].gsi == gsi &&
		    kvm->routes.e[i].type == KVM_IRQ_ROUTING_MSI)
			e = &kvm->routes.e[i];
	if (!e && kvm->routes.hdr.nr < KVM_ROUTES_MAX)
		e = &kvm->routes.e[kvm->routes.hdr.nr++];
	if (!e) {
		err = -ENOSPC;
	} else {
		*e = (struct kvm_irq_routing_entry){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_MSI,
			.u.msi = {.address_lo = (u32)addr,
				  .address_hi = addr >> 32,
				  .data = data},
		};
		if (ioctl(kvm->vm_fd, KVM_SET_GSI_ROUTING, &kvm->routes) < 0)
			err = -errno;
	}
	pthread_mutex_unlock(&kvm->routes_lock);
	return err;
}

int kvm_ioeventfd_any(struct kvm *kvm, u64 addr, u32 len, int fd, bool assign)
{
	struct kvm_ioeventfd io = {
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	return ioctl(kvm->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

void kvm_vm_destroy(struct kvm *kvm)
{
	if (kvm->vm_fd >= 0)
		close(kvm->vm_fd);
	kvm->vm_fd = -1;
}

void kvm_irq_line(struct kvm *kvm, u32 gsi, int level)
{
	struct kvm_irq_level irq = {.irq = gsi, .level = level};

	/* Can only fail if the VM is gone or gsi is not wired: a bug. */
	if (ioctl(kvm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		warn("KVM_IRQ_LINE %u failed: %s", gsi, strerror(errno));
}

void kvm_ioeventfd(struct kvm *kvm, u64 addr, u32 len, u64 datamatch, int fd)
{
	struct kvm_ioeventfd io = {
		.addr = addr,
		.len = len,
		.datamatch = datamatch,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (ioctl(kvm->vm_fd, KVM_IOEVENTFD, &io) < 0)
		die_errno("KVM_IOEVENTFD at %#llx failed",
			  (unsigned long long)addr);
}

void kvm_irqfd(struct kvm *kvm, u32 gsi, int fd)
{
	struct kvm_irqfd irq = {.fd = fd, .gsi = gsi};

	if (ioctl(kvm->vm_fd, KVM_IRQFD, &irq) < 0)
		die_errno("KVM_IRQFD for interrupt %u failed", gsi);
}

struct kvm_cpuid2 *kvm_supported_cpuid(struct kvm *kvm)
{
	/* KVM says E2BIG until the buffer is big enough: grow and retry. */
	for (u32 n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *cpuid = calloc(
			1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));

		if (!cpuid)
			die("out of memory.");
		cpuid->nent = n;
		if (ioctl(kvm->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		free(cpuid);
		if (errno != E2BIG)
			break;
	}
	die_errno("KVM_GET_SUPPORTED_CPUID failed");
}
