/* vireo: the machine description — everything the runtime needs, decided.
 *
 * src/machine resolves a VireoDomainDef into a VireoMachineDesc (pure
 * computation; the only host input is a VireoHostCaps passed in). src/kvm,
 * src/hw and src/vmm build the VM from this and never look at the XML.
 * Nothing here includes <linux/kvm.h>: CPUID entries use our own struct with
 * the same fields as struct kvm_cpuid_entry2. */
#pragma once
#include <glib.h>
#include "conf/domain_conf.h"

typedef enum {
    VIREO_MACHINE_FAMILY_I440FX,
    VIREO_MACHINE_FAMILY_Q35,
    VIREO_MACHINE_FAMILY_MICROVM,
    VIREO_MACHINE_FAMILY_LAST
} VireoMachineFamily;

/* ---- CPUID ------------------------------------------------------------- */
#define VIREO_CPUID_FLAG_SIGNIFICANT_INDEX (1u << 0)  /* = KVM_CPUID_FLAG_SIGNIFCANT_INDEX */

typedef struct {
    guint32 function;
    guint32 index;
    guint32 flags;
    guint32 eax, ebx, ecx, edx;
} VireoCpuidEntry;

/* What the host KVM offers (KVM_GET_SUPPORTED_CPUID), passed in so tests can
 * give a fake host. src/kvm fills it from /dev/kvm. */
typedef struct {
    GArray *supported_cpuid;        /* VireoCpuidEntry */
    char host_vendor[13];           /* "GenuineIntel" */
    guint max_vcpus;                /* KVM_CAP_MAX_VCPUS */
    gboolean has_x2apic_api;
    gboolean has_hugepages;         /* 2 MiB pages available */
    /* The host CPU's brand string, read with the cpuid instruction by
     * vireo_host_caps_new() (QEMU's -cpu host does the same): KVM may
     * report leaves 0x80000002..4 empty (kvm_pvm does). "" when unknown. */
    char host_model_id[49];
} VireoHostCaps;

VireoHostCaps *vireo_host_caps_new(void);
void vireo_host_caps_free(VireoHostCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoHostCaps, vireo_host_caps_free)

/* ---- vCPUs ------------------------------------------------------------- */
typedef struct {
    guint index;                    /* cpu-index */
    guint32 apic_id;
    guint socket_id, die_id, cluster_id, core_id, thread_id;
    gboolean present;               /* index < <vcpu current=> */
    GArray *cpuid;                  /* VireoCpuidEntry: complete table for this vCPU */
} VireoVcpuDesc;

typedef struct {
    char *model;                    /* "SandyBridge", "host", "max" */
    char *vendor;                   /* "GenuineIntel" */
    char *model_id;                 /* brand string, leaves 0x80000002..4 */
    guint family, model_number, stepping;
    guint sockets, dies, clusters, cores, threads;
    guint max_vcpus, current_vcpus;
    GPtrArray *vcpus;               /* VireoVcpuDesc*, max_vcpus of them */
    GPtrArray *enabled_features;    /* char*: feature names in the final table */
    GPtrArray *disabled_features;   /* char*: model features turned off */
} VireoCpuDesc;

/* ---- memory ------------------------------------------------------------ */
typedef enum {
    VIREO_E820_RAM = 1,
    VIREO_E820_RESERVED = 2,
    VIREO_E820_ACPI = 3,
    VIREO_E820_NVS = 4,
    VIREO_E820_UNUSABLE = 5,
} VireoE820Type;

typedef struct {
    guint64 addr;
    guint64 size;
    VireoE820Type type;
} VireoE820Entry;

typedef struct {
    guint64 gpa;                    /* guest physical start */
    guint64 size;                   /* bytes */
    guint64 offset;                 /* offset in the one RAM mapping */
} VireoRamRegion;

typedef struct {
    guint64 ram_bytes;              /* total guest RAM = <memory> (current) */
    guint64 below_4g, above_4g;     /* split around the PCI hole */
    guint64 pci_hole_start;         /* 0xe0000000 (i440fx) / 0x80000000 (q35 < 2 GiB...) */
    guint64 pci_hole_end;           /* 0xfec00000 */
    guint64 ecam_base, ecam_size;   /* q35 MMCONFIG; 0 for i440fx */
    guint64 hugepage_size;          /* bytes; 0: normal pages */
    gboolean nosharepages;          /* MADV_UNMERGEABLE */
    GArray *regions;                /* VireoRamRegion */
    GArray *e820;                   /* VireoE820Entry, sorted, what the guest sees */
    /* Fixed guest-physical layout the boot code and ACPI agree on. */
    guint64 acpi_base, acpi_size;   /* where ACPI tables are written (e820 ACPI) */
} VireoMemoryDesc;

/* ---- devices ----------------------------------------------------------- */
typedef enum {
    VIREO_DEV_SERIAL,               /* 16550A */
    VIREO_DEV_RTC,                  /* MC146818 CMOS */
    VIREO_DEV_I8042,
    VIREO_DEV_DEBUGCON,             /* port 0x80 POST / 0x402 debug */
    VIREO_DEV_PM,                   /* ACPI PM1a blocks, reset register, 0xCF9 */
    VIREO_DEV_PIT,                  /* 8254 + port 0x61 (src/hw/pit.c) */
    VIREO_DEV_PCI_HOST,             /* i440fx / q35 host bridge, 0xCF8/0xCFC */
    VIREO_DEV_ISA_BRIDGE,           /* PIIX3 / ICH9 LPC */
    VIREO_DEV_VIDEO,
    VIREO_DEV_VIRTIO_BLK,
    VIREO_DEV_VIRTIO_NET,
    VIREO_DEV_VIRTIO_BALLOON,
    VIREO_DEV_VIRTIO_RNG,
    VIREO_DEV_VIRTIO_SERIAL,
    VIREO_DEV_USB_CONTROLLER,
    VIREO_DEV_IDE_CONTROLLER,
    VIREO_DEV_SATA_CONTROLLER,
    VIREO_DEV_SCSI_CONTROLLER,
    VIREO_DEV_WATCHDOG,
    VIREO_DEV_PANIC,                /* pvpanic / isa panic port 0x505 */
    VIREO_DEV_VNC,                  /* display server, not a guest device */
    VIREO_DEV_KIND_LAST
} VireoDeviceKind;
const char *vireo_device_kind_to_string(int kind);

/* Where a character device's bytes go, resolved from <serial>/<console>. */
typedef struct {
    VireoChrType type;              /* pty, file, stdio, null, unix, ... */
    char *path;                     /* file / unix path; NULL for pty (allocated at run time) */
    gboolean append;
    char *log_file;                 /* <log file> copy of the output */
    gboolean log_append;
} VireoChardevDesc;

typedef struct {
    VireoDeviceKind kind;
    char *id;                       /* QEMU-style id: "serial0", "virtio-disk0", "net0", "video0" */
    char *model;                    /* "16550a", "cirrus-vga", "virtio-blk-pci", ... */
    /* legacy I/O */
    guint16 io_base, io_len;        /* 0 when none */
    int gsi;                        /* -1 when none */
    /* PCI */
    gboolean on_pci;
    guint pci_bus, pci_slot, pci_function;
    gboolean pci_multifunction;
    /* MMIO */
    guint64 mmio_base, mmio_size;
    /* kind-specific */
    VireoChardevDesc *chardev;      /* serial / console */
    const VireoDiskDef *disk;       /* virtio-blk / ide: borrowed from the def */
    const VireoNetDef *net;         /* virtio-net: borrowed from the def */
    const VireoGraphicsDef *graphics; /* vnc: borrowed */
    guint boot_index;               /* 0: none */
} VireoDeviceDesc;

/* ---- clock ------------------------------------------------------------- */
typedef struct {
    VireoClockOffset offset;        /* utc / localtime / variable / timezone */
    gint64 adjustment;              /* seconds added to the base (variable) */
    VireoClockBasis basis;          /* variable: adjustment relative to utc or localtime */
    char *timezone;
    gboolean rtc_catchup;           /* rtc tickpolicy catchup (driftfix=slew) */
    gboolean hpet;                  /* present? */
    gboolean kvmclock;              /* present? */
} VireoClockDesc;

/* ---- boot -------------------------------------------------------------- */
typedef struct {
    char *kernel;                   /* NULL: no direct kernel boot */
    char *initrd;
    char *cmdline;                  /* "" when absent */
    char *loader;                   /* firmware path, NULL */
} VireoBootDesc;

/* ---- ACPI / platform --------------------------------------------------- */
typedef struct {
    gboolean acpi;                  /* <features><acpi/> */
    gboolean apic;
    guint64 ioapic_addr;            /* 0xfec00000 */
    guint64 lapic_addr;             /* 0xfee00000 */
    guint sci_irq;                  /* 9 */
    guint16 pm1a_evt_port;          /* 0x600 (i440fx-style PM base used by vireo) */
    guint16 pm1a_cnt_port;          /* pm1a_evt_port + 4 */
    guint16 pm_tmr_port;            /* pm1a_evt_port + 8 */
    guint16 reset_port;             /* 0xcf9 */
    guint8 reset_value;             /* 0x06 */
    guint8 s5_slp_typ;              /* SLP_TYP for \_S5 */
} VireoPlatformDesc;

/* ---- the whole description -------------------------------------------- */
typedef struct {
    char *name;                     /* domain name */
    guint8 uuid[16];
    char *machine_type;             /* canonical type: "pc-i440fx-2.0" */
    char *machine_alias;            /* as written when it was an alias: "pc-i440fx-trusty" */
    VireoMachineFamily family;
    gboolean accel_kvm;             /* domain type='kvm' */
    VireoCpuDesc cpu;
    VireoMemoryDesc mem;
    VireoBootDesc boot;
    VireoClockDesc clock;
    VireoPlatformDesc platform;
    GPtrArray *devices;             /* VireoDeviceDesc*, in creation order */
    VireoLifecycleAction on_poweroff, on_reboot, on_crash;
    const VireoDomainDef *def;      /* borrowed: the def this came from */
} VireoMachineDesc;

void vireo_machine_desc_free(VireoMachineDesc *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoMachineDesc, vireo_machine_desc_free)

/* Registers every machine type and CPU model GType (the seeds' type_init).
 * Device types are registered by vireo_hw_types_init() (src/hw), which the
 * runtime calls; conf and machine never depend on hw. */
void vireo_types_init(void);

/* def must outlive the description (devices borrow from it). */
VireoMachineDesc *vireo_machine_resolve(const VireoDomainDef *def,
                                        const VireoHostCaps *host,
                                        GError **error);

/* Lookup helpers for the runtime. */
const VireoDeviceDesc *vireo_machine_desc_find_device(const VireoMachineDesc *desc,
                                                      VireoDeviceKind kind,
                                                      guint nth);
