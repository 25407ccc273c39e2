/* vireo: the KVM runtime (src/kvm). A VireoKvmVm owns /dev/kvm's VM fd,
 * the guest RAM mapping, the in-kernel LAPICs (split irqchip: the PIC,
 * IOAPIC and PIT are src/hw models) and the vCPUs. It knows
 * nothing of XML or devices: I/O exits go to a VireoBus (src/hw) and every
 * event a vCPU thread sees is handed to the owner through callbacks. */
#pragma once
#include <glib.h>
#include "machine/machine_desc.h"

/* Path of the KVM device: $VIREO_KVM_DEVICE (tests simulate a missing
 * /dev/kvm with it) or "/dev/kvm". */
const char *vireo_kvm_device_path(void);

/* Opens the KVM device O_RDWR|O_CLOEXEC with a clear error when it is
 * missing or not accessible, and checks KVM_GET_API_VERSION == 12. */
int vireo_kvm_open_device(GError **error);

/* Fills caps from the host's KVM: supported CPUID, vendor (leaf 0),
 * KVM_CAP_MAX_VCPUS, KVM_CAP_X2APIC_API, 2 MiB hugepages. caps must come
 * from vireo_host_caps_new() or be zeroed; supported_cpuid is (re)created. */
gboolean vireo_kvm_host_caps_probe(VireoHostCaps *caps, GError **error);

/* ---- guest memory as the loaders see it -------------------------------- */
/* The loaders only need "host pointer for this guest range" and the memory
 * map, so unit tests can hand them a plain buffer instead of a VM. */
typedef struct {
    guint8 *(*gpa_to_hva)(void *opaque, guint64 gpa, guint64 len);
    /* Optional: TRUE when [gpa, gpa+len) is known to read as zero (RAM
     * nothing wrote since it was mapped, other than the loader itself in
     * this load), so a loader may skip zeroing it. NULL: never known. */
    gboolean (*is_zero)(void *opaque, guint64 gpa, guint64 len);
    void *opaque;
    const VireoMemoryDesc *mem;
} VireoGuestMemory;

/* ---- the VM ------------------------------------------------------------ */
typedef struct _VireoKvmVm VireoKvmVm;

/* IOAPIC pins reserved for user-space routing (KVM_CAP_SPLIT_IRQCHIP). */
#define VIREO_KVM_IOAPIC_PINS 24

/* What a vCPU thread reports to the VM's owner. Called ON THE vCPU THREAD:
 * the owner must hand the work to its main loop. After TRIPLE_FAULT,
 * INTERNAL_ERROR and FAIL_ENTRY the vCPU parks itself until
 * vireo_kvm_vm_reset() or the VM is destroyed (re-entering would only fail
 * again). */
typedef enum {
    VIREO_KVM_EVENT_TRIPLE_FAULT,     /* KVM_EXIT_SHUTDOWN: reset */
    VIREO_KVM_EVENT_SYSTEM_SHUTDOWN,  /* KVM_SYSTEM_EVENT_SHUTDOWN */
    VIREO_KVM_EVENT_SYSTEM_RESET,     /* KVM_SYSTEM_EVENT_RESET */
    VIREO_KVM_EVENT_SYSTEM_CRASH,     /* KVM_SYSTEM_EVENT_CRASH */
    VIREO_KVM_EVENT_INTERNAL_ERROR,   /* internal error, failed entry, unknown exit */
} VireoKvmEvent;

typedef struct {
    /* Port and MMIO accesses; FALSE when nothing answers (reads: all-ones). */
    gboolean (*pio)(void *opaque, guint16 port, guint8 *data, guint size,
                    gboolean is_write);
    gboolean (*mmio)(void *opaque, guint64 addr, guint8 *data, guint size,
                     gboolean is_write);
    /* detail: a one-line report (exit reason, suberror, registers) for
     * INTERNAL_ERROR, NULL otherwise. */
    void (*event)(void *opaque, guint vcpu, VireoKvmEvent ev,
                  const char *detail);
    /* Split irqchip, all optional. Before each KVM_RUN of vCPU 0: does the
     * 8259 present an interrupt (ExtINT), and its INTA (the vector), run
     * when KVM says the vCPU can take one (KVM_INTERRUPT). */
    gboolean (*extint_pending)(void *opaque);
    guint8 (*extint_ack)(void *opaque);
    /* KVM_EXIT_IOAPIC_EOI: the guest EOI'd a level-triggered vector. */
    void (*ioapic_eoi)(void *opaque, guint8 vector);
    void *opaque;
} VireoKvmExitOps;

/* KVM_CREATE_VM, TSS and identity-map addresses, guest RAM (one anonymous
 * mapping, one memory slot per region), the split irqchip
 * (KVM_CAP_SPLIT_IRQCHIP with VIREO_KVM_IOAPIC_PINS routes: LAPICs in the
 * kernel, no in-kernel PIC, IOAPIC or PIT). */
VireoKvmVm *vireo_kvm_vm_new(const VireoMemoryDesc *mem, GError **error);
/* Stops and joins the vCPU threads, then releases everything. */
void vireo_kvm_vm_free(VireoKvmVm *vm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoKvmVm, vireo_kvm_vm_free)

/* NULL when [gpa, gpa+len) is not inside one RAM region. */
guint8 *vireo_kvm_vm_gpa_to_hva(VireoKvmVm *vm, guint64 gpa, guint64 len);
/* The VMM wrote (or may write) guest RAM [gpa, gpa+len) outside the
 * VireoGuestMemory loaders, e.g. the ACPI tables: until the vCPUs first
 * run, the VM keeps track of which RAM still reads as zero (a fresh
 * anonymous mapping), so the first kernel load need not zero its BSS.
 * Safe from any thread; a no-op once the vCPUs were resumed. */
void vireo_kvm_vm_note_ram_write(VireoKvmVm *vm, guint64 gpa, guint64 len);
/* From now on nothing in guest RAM is known to be zero (after the first
 * kernel load; vireo_kvm_vm_resume() does it too). */
void vireo_kvm_vm_forget_ram_zero(VireoKvmVm *vm);
/* A VireoGuestMemory view on the VM's RAM (is_zero as above). */
void vireo_kvm_vm_guest_memory(VireoKvmVm *vm, VireoGuestMemory *gm);
/* Split irqchip; safe from any thread. An MSI into the LAPICs
 * (KVM_SIGNAL_MSI); FALSE when KVM refused it (warned once). */
gboolean vireo_kvm_vm_signal_msi(VireoKvmVm *vm, guint64 addr, guint32 data);
/* The MSI IOAPIC pin gsi (< VIREO_KVM_IOAPIC_PINS) sends: the GSI routing
 * KVM scans for level-triggered vectors, whose EOI then exits with
 * KVM_EXIT_IOAPIC_EOI. Only a change costs a KVM_SET_GSI_ROUTING. */
void vireo_kvm_vm_set_msi_route(VireoKvmVm *vm, guint gsi, guint64 addr,
                                guint32 data);
/* Makes vCPU index leave KVM_RUN (e.g. to take an ExtINT); a no-op from
 * its own thread or while it is parked. */
void vireo_kvm_vm_kick_vcpu(VireoKvmVm *vm, guint index);

/* Where vCPU 0 starts: 64-bit mode at rip with rsi (zero page). */
typedef struct {
    guint64 rip;
    guint64 rsi;
} VireoKvmEntry;

/* Creates one vCPU per present VireoVcpuDesc (KVM_SET_CPUID2 with its
 * table, reset MSRs); vCPU 0 is put in long mode at entry, the others wait
 * for INIT/SIPI. Threads are started parked: call vireo_kvm_vm_resume(). */
gboolean vireo_kvm_vm_create_vcpus(VireoKvmVm *vm, const VireoCpuDesc *cpu,
                                   const VireoKvmEntry *entry,
                                   const VireoKvmExitOps *ops,
                                   GError **error);
guint vireo_kvm_vm_n_vcpus(VireoKvmVm *vm);
/* Host thread id of vCPU i; waits for a thread just created to start
 * (0 only for a vCPU without a thread). */
int vireo_kvm_vm_vcpu_tid(VireoKvmVm *vm, guint i);

/* Kicks every vCPU out of KVM_RUN and waits until all are parked. */
void vireo_kvm_vm_pause(VireoKvmVm *vm);
void vireo_kvm_vm_resume(VireoKvmVm *vm);
/* With the vCPUs paused: back to power-on state (GSI routes, LAPICs,
 * registers, MSRs), vCPU 0 in long mode at entry. Clears parked-on-error
 * vCPUs. */
gboolean vireo_kvm_vm_reset(VireoKvmVm *vm, const VireoKvmEntry *entry,
                            GError **error);

/* ---- long mode (longmode.c) -------------------------------------------- */
/* Fixed low-memory layout vireo uses for the 64-bit entry (as Firecracker). */
#define VIREO_BOOT_GDT_ADDR       0x500
#define VIREO_BOOT_IDT_ADDR       0x520
#define VIREO_BOOT_ZERO_PAGE_ADDR 0x7000
#define VIREO_BOOT_STACK_TOP      0x8ff0
#define VIREO_BOOT_PML4_ADDR      0x9000
#define VIREO_BOOT_PDPT_ADDR      0xa000
#define VIREO_BOOT_PD_ADDR        0xb000   /* 4 pages: 4 GiB in 2 MiB pages */
#define VIREO_BOOT_CMDLINE_ADDR   0x20000
#define VIREO_BOOT_CMDLINE_MAX    0x10000
/* Linux's boot GDT selectors (boot protocol, 64-bit entry). */
#define VIREO_BOOT_CS 0x10
#define VIREO_BOOT_DS 0x18
#define VIREO_BOOT_TSS 0x20

/* Writes the GDT, an empty IDT and identity page tables covering 4 GiB. */
gboolean vireo_longmode_write_tables(const VireoGuestMemory *gm,
                                     GError **error);

/* ---- boot loaders (boot.c, boot-bzimage.c, boot-elf.c) ------------------ */
typedef struct {
    VireoKvmEntry entry;
    char *format;                   /* "bzImage" / "ELF64" */
    guint16 protocol;               /* bzImage: 0x020f; ELF: 0 */
    guint64 kernel_start, kernel_end;
    guint64 initrd_addr, initrd_size;
    gboolean has_pvh_entry;         /* ELF with XEN_ELFNOTE_PHYS32_ENTRY */
    guint32 pvh_entry;
} VireoBootInfo;
void vireo_boot_info_clear(VireoBootInfo *info);

/* Loads boot->kernel (bzImage or ELF64), boot->initrd and boot->cmdline
 * into guest memory and writes the zero page (e820 from gm->mem, RSDP
 * address rsdp_addr when non-zero, also copied where a legacy scan finds
 * it) and the long-mode tables. Every malformed input fails here, before
 * any vCPU runs. */
gboolean vireo_boot_load(const VireoGuestMemory *gm, const VireoBootDesc *boot,
                         guint64 rsdp_addr, VireoBootInfo *info,
                         GError **error);
