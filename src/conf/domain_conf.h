/* vireo: the domain model (libvirt's virDomainDef, for what vireo runs).
 *
 * Parse (domain_conf.c) -> post-parse defaults (domain_postparse.c) ->
 * validate (domain_validate.c). Format (domain_conf.c) writes the same XML
 * libvirt's test driver writes for the same input. Pure data: nothing here
 * knows about KVM.
 *
 * Conventions: sizes in KiB; "unset" numeric values are 0 unless a has_*
 * flag says otherwise; strings are g_malloc'd and NULL when absent; lists are
 * GPtrArray with free functions set. Enum value 0 is "absent/default" where
 * the attribute is optional (libvirt's *_DEFAULT / *_NONE convention). */
#pragma once
#include <glib.h>
#include <libxml/tree.h>
#include "util/vireo-enum.h"
#include "util/vireo-xml.h"

typedef enum {
    VIREO_DOMAIN_VIRT_QEMU,
    VIREO_DOMAIN_VIRT_KVM,
    VIREO_DOMAIN_VIRT_LAST
} VireoDomainVirtType;
VIREO_ENUM_DECL(vireo_domain_virt);

/* ---- memory ------------------------------------------------------------ */
typedef struct {
    guint64 size_kib;
    char *nodeset;           /* NULL when absent */
} VireoHugepage;

typedef struct {
    gboolean hugepages;      /* <hugepages/> present */
    GPtrArray *pages;        /* VireoHugepage* (explicit <page> children) */
    gboolean nosharepages;
    gboolean locked;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoMemoryBacking;

/* ---- vcpus ------------------------------------------------------------- */
typedef enum {
    VIREO_VCPU_PLACEMENT_DEFAULT,
    VIREO_VCPU_PLACEMENT_STATIC,
    VIREO_VCPU_PLACEMENT_AUTO,
    VIREO_VCPU_PLACEMENT_LAST
} VireoVcpuPlacement;
VIREO_ENUM_DECL(vireo_vcpu_placement);

/* ---- os ---------------------------------------------------------------- */
typedef enum {
    VIREO_BOOT_FLOPPY,
    VIREO_BOOT_CDROM,
    VIREO_BOOT_DISK,
    VIREO_BOOT_NET,
    VIREO_BOOT_LAST
} VireoBootDev;
VIREO_ENUM_DECL(vireo_boot_dev);  /* "fd", "cdrom", "hd", "network" */

typedef enum {
    VIREO_LOADER_TYPE_NONE,
    VIREO_LOADER_TYPE_ROM,
    VIREO_LOADER_TYPE_PFLASH,
    VIREO_LOADER_TYPE_LAST
} VireoLoaderType;
VIREO_ENUM_DECL(vireo_loader_type);

typedef enum {
    VIREO_SMBIOS_NONE,
    VIREO_SMBIOS_EMULATE,
    VIREO_SMBIOS_HOST,
    VIREO_SMBIOS_SYSINFO,
    VIREO_SMBIOS_LAST
} VireoSmbiosMode;
VIREO_ENUM_DECL(vireo_smbios_mode);

typedef struct {
    char *type;              /* "hvm" */
    char *arch;              /* "x86_64", "i686" */
    char *machine;           /* as written: "pc-i440fx-trusty", "q35", ... */
    VireoBootDev boot[VIREO_BOOT_LAST];
    guint nboot;
    VireoTristate bootmenu;
    gboolean has_bootmenu_timeout;
    guint bootmenu_timeout;  /* ms */
    VireoTristate bios_useserial;
    gboolean has_reboot_timeout;
    int reboot_timeout;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *dtb;
    char *loader;            /* path */
    VireoTristate loader_readonly;
    VireoLoaderType loader_type;
    VireoTristate loader_secure;
    char *nvram;             /* path */
    char *nvram_template;
    VireoSmbiosMode smbios;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoDomainOsDef;

/* ---- features ---------------------------------------------------------- */
typedef enum {
    VIREO_DOMAIN_FEATURE_ACPI,
    VIREO_DOMAIN_FEATURE_APIC,
    VIREO_DOMAIN_FEATURE_PAE,
    VIREO_DOMAIN_FEATURE_HAP,
    VIREO_DOMAIN_FEATURE_VMPORT,
    VIREO_DOMAIN_FEATURE_PMU,
    VIREO_DOMAIN_FEATURE_KVM,     /* <kvm><hidden state=.../></kvm> */
    VIREO_DOMAIN_FEATURE_VMCOREINFO, /* <vmcoreinfo state=/>: kdump's fw_cfg note */
    VIREO_DOMAIN_FEATURE_LAST
} VireoDomainFeature;
VIREO_ENUM_DECL(vireo_domain_feature);

typedef struct {
    /* YES: present / state='on'; NO: state='off'; ABSENT: not written. */
    VireoTristate state[VIREO_DOMAIN_FEATURE_LAST];
    VireoTristate apic_eoi;       /* <apic eoi='on|off'/> */
    VireoTristate kvm_hidden;     /* <kvm><hidden state/></kvm> */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoDomainFeatures;

/* ---- cpu --------------------------------------------------------------- */
typedef enum {
    VIREO_CPU_MODE_CUSTOM,
    VIREO_CPU_MODE_HOST_MODEL,
    VIREO_CPU_MODE_HOST_PASSTHROUGH,
    VIREO_CPU_MODE_MAXIMUM,
    VIREO_CPU_MODE_LAST
} VireoCpuMode;
VIREO_ENUM_DECL(vireo_cpu_mode);

typedef enum {
    VIREO_CPU_MATCH_DEFAULT,
    VIREO_CPU_MATCH_MINIMUM,
    VIREO_CPU_MATCH_EXACT,
    VIREO_CPU_MATCH_STRICT,
    VIREO_CPU_MATCH_LAST
} VireoCpuMatch;
VIREO_ENUM_DECL(vireo_cpu_match);

typedef enum {
    VIREO_CPU_CHECK_DEFAULT,
    VIREO_CPU_CHECK_NONE,
    VIREO_CPU_CHECK_PARTIAL,
    VIREO_CPU_CHECK_FULL,
    VIREO_CPU_CHECK_LAST
} VireoCpuCheck;
VIREO_ENUM_DECL(vireo_cpu_check);

typedef enum {
    VIREO_CPU_FALLBACK_DEFAULT,
    VIREO_CPU_FALLBACK_ALLOW,
    VIREO_CPU_FALLBACK_FORBID,
    VIREO_CPU_FALLBACK_LAST
} VireoCpuFallback;
VIREO_ENUM_DECL(vireo_cpu_fallback);

typedef enum {
    VIREO_CPU_FEATURE_FORCE,
    VIREO_CPU_FEATURE_REQUIRE,
    VIREO_CPU_FEATURE_OPTIONAL,
    VIREO_CPU_FEATURE_DISABLE,
    VIREO_CPU_FEATURE_FORBID,
    VIREO_CPU_FEATURE_LAST
} VireoCpuFeaturePolicy;
VIREO_ENUM_DECL(vireo_cpu_feature_policy);

typedef struct {
    char *name;                     /* QEMU/libvirt feature name: "erms" */
    VireoCpuFeaturePolicy policy;   /* default "require" */
} VireoCpuFeatureDef;

typedef struct {
    guint id;
    char *cpus;                     /* "0-3" */
    guint64 memory_kib;
    char *mem_access;               /* "shared" / "private" / NULL */
} VireoNumaCell;

typedef struct {
    VireoCpuMode mode;
    VireoCpuMatch match;
    VireoCpuCheck check;
    VireoTristate migratable;       /* host-passthrough/maximum only */
    char *model;                    /* NULL when absent */
    VireoCpuFallback fallback;
    char *vendor_id;                /* <model vendor_id='...'> (12 chars) */
    char *vendor;                   /* <vendor>Intel</vendor> */
    gboolean has_topology;
    guint sockets, dies, clusters, cores, threads;
    gboolean has_clusters;          /* clusters= written (libvirt >= 10.1) */
    GPtrArray *features;            /* VireoCpuFeatureDef* */
    GPtrArray *numa;                /* VireoNumaCell* */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoCpuDef;

/* ---- clock ------------------------------------------------------------- */
typedef enum {
    VIREO_CLOCK_OFFSET_UTC,
    VIREO_CLOCK_OFFSET_LOCALTIME,
    VIREO_CLOCK_OFFSET_VARIABLE,
    VIREO_CLOCK_OFFSET_TIMEZONE,
    VIREO_CLOCK_OFFSET_LAST
} VireoClockOffset;
VIREO_ENUM_DECL(vireo_clock_offset);

typedef enum {
    VIREO_CLOCK_BASIS_UTC,
    VIREO_CLOCK_BASIS_LOCALTIME,
    VIREO_CLOCK_BASIS_LAST
} VireoClockBasis;
VIREO_ENUM_DECL(vireo_clock_basis);

typedef enum {
    VIREO_TIMER_PLATFORM,
    VIREO_TIMER_PIT,
    VIREO_TIMER_RTC,
    VIREO_TIMER_HPET,
    VIREO_TIMER_TSC,
    VIREO_TIMER_KVMCLOCK,
    VIREO_TIMER_HYPERVCLOCK,
    VIREO_TIMER_ARMVTIMER,
    VIREO_TIMER_LAST
} VireoTimerName;
VIREO_ENUM_DECL(vireo_timer_name);

typedef enum {
    VIREO_TIMER_TICKPOLICY_NONE,
    VIREO_TIMER_TICKPOLICY_DELAY,
    VIREO_TIMER_TICKPOLICY_CATCHUP,
    VIREO_TIMER_TICKPOLICY_MERGE,
    VIREO_TIMER_TICKPOLICY_DISCARD,
    VIREO_TIMER_TICKPOLICY_LAST
} VireoTimerTickpolicy;
VIREO_ENUM_DECL(vireo_timer_tickpolicy);  /* index 0 is "" (absent) */

typedef enum {
    VIREO_TIMER_TRACK_NONE,
    VIREO_TIMER_TRACK_BOOT,
    VIREO_TIMER_TRACK_GUEST,
    VIREO_TIMER_TRACK_WALL,
    VIREO_TIMER_TRACK_REALTIME,
    VIREO_TIMER_TRACK_LAST
} VireoTimerTrack;
VIREO_ENUM_DECL(vireo_timer_track);

typedef struct {
    VireoTimerName name;
    VireoTristate present;
    VireoTimerTickpolicy tickpolicy;
    VireoTimerTrack track;
    guint64 frequency;              /* tsc only; 0 when absent */
    char *mode;                     /* tsc mode: auto/native/emulate/paravirt */
} VireoTimerDef;

typedef struct {
    VireoClockOffset offset;
    gint64 adjustment;              /* seconds, offset='variable' */
    gboolean has_adjustment;
    VireoClockBasis basis;          /* offset='variable' */
    char *timezone;                 /* offset='timezone' */
    GPtrArray *timers;              /* VireoTimerDef* */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoClockDef;

/* ---- lifecycle & pm ---------------------------------------------------- */
typedef enum {
    VIREO_LIFECYCLE_DESTROY,
    VIREO_LIFECYCLE_RESTART,
    VIREO_LIFECYCLE_RESTART_RENAME,
    VIREO_LIFECYCLE_PRESERVE,
    VIREO_LIFECYCLE_COREDUMP_DESTROY,
    VIREO_LIFECYCLE_COREDUMP_RESTART,
    VIREO_LIFECYCLE_LAST
} VireoLifecycleAction;
VIREO_ENUM_DECL(vireo_lifecycle_action);
/* What the parser leaves in on_poweroff/on_reboot/on_crash when the element
 * is absent; post-parse replaces it with libvirt's default. */
#define VIREO_LIFECYCLE_UNSET ((VireoLifecycleAction)-1)

typedef struct {
    VireoTristate suspend_to_mem;
    VireoTristate suspend_to_disk;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoPmDef;

/* ---- sysinfo ----------------------------------------------------------- */
typedef struct {
    char *name;                     /* "vendor", "serial", ... */
    char *value;
} VireoSysinfoEntry;

typedef struct {
    char *type;                     /* "smbios" */
    GPtrArray *bios;                /* VireoSysinfoEntry* */
    GPtrArray *system;
    GPtrArray *base_boards;         /* GPtrArray* of VireoSysinfoEntry* (one per <baseBoard>) */
    GPtrArray *chassis;
    GPtrArray *oem_strings;         /* char* */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoSysinfoDef;

/* ---- device addresses -------------------------------------------------- */
typedef enum {
    VIREO_ADDRESS_NONE,
    VIREO_ADDRESS_PCI,
    VIREO_ADDRESS_DRIVE,
    VIREO_ADDRESS_VIRTIO_SERIAL,
    VIREO_ADDRESS_CCID,
    VIREO_ADDRESS_USB,
    VIREO_ADDRESS_ISA,
    VIREO_ADDRESS_VIRTIO_MMIO,
    VIREO_ADDRESS_LAST
} VireoAddressType;
VIREO_ENUM_DECL(vireo_address_type);  /* index 0 is "none" */

typedef struct {
    VireoAddressType type;
    /* pci */
    guint domain, bus, slot, function;
    VireoTristate multifunction;
    /* drive / virtio-serial / ccid: controller, bus, target, unit / port */
    guint controller, target, unit, port;
    gboolean has_port;
    /* usb */
    char *usb_port;
    /* isa */
    guint iobase, irq;
} VireoDeviceAddress;

/* ---- disks ------------------------------------------------------------- */
typedef enum {
    VIREO_DISK_TYPE_FILE,
    VIREO_DISK_TYPE_BLOCK,
    VIREO_DISK_TYPE_DIR,
    VIREO_DISK_TYPE_NETWORK,
    VIREO_DISK_TYPE_VOLUME,
    VIREO_DISK_TYPE_LAST
} VireoDiskType;
VIREO_ENUM_DECL(vireo_disk_type);

typedef enum {
    VIREO_DISK_DEVICE_DISK,
    VIREO_DISK_DEVICE_CDROM,
    VIREO_DISK_DEVICE_FLOPPY,
    VIREO_DISK_DEVICE_LUN,
    VIREO_DISK_DEVICE_LAST
} VireoDiskDevice;
VIREO_ENUM_DECL(vireo_disk_device);

typedef enum {
    VIREO_DISK_BUS_NONE,
    VIREO_DISK_BUS_IDE,
    VIREO_DISK_BUS_FDC,
    VIREO_DISK_BUS_SCSI,
    VIREO_DISK_BUS_VIRTIO,
    VIREO_DISK_BUS_XEN,
    VIREO_DISK_BUS_USB,
    VIREO_DISK_BUS_UML,
    VIREO_DISK_BUS_SATA,
    VIREO_DISK_BUS_SD,
    VIREO_DISK_BUS_LAST
} VireoDiskBus;
VIREO_ENUM_DECL(vireo_disk_bus);

typedef enum {
    VIREO_DISK_CACHE_DEFAULT,
    VIREO_DISK_CACHE_NONE,
    VIREO_DISK_CACHE_WRITETHRU,
    VIREO_DISK_CACHE_WRITEBACK,
    VIREO_DISK_CACHE_DIRECTSYNC,
    VIREO_DISK_CACHE_UNSAFE,
    VIREO_DISK_CACHE_LAST
} VireoDiskCache;
VIREO_ENUM_DECL(vireo_disk_cache);

typedef enum {
    VIREO_DISK_IO_DEFAULT,
    VIREO_DISK_IO_NATIVE,
    VIREO_DISK_IO_THREADS,
    VIREO_DISK_IO_URING,
    VIREO_DISK_IO_LAST
} VireoDiskIo;
VIREO_ENUM_DECL(vireo_disk_io);

typedef enum {
    VIREO_DISK_DISCARD_DEFAULT,
    VIREO_DISK_DISCARD_UNMAP,
    VIREO_DISK_DISCARD_IGNORE,
    VIREO_DISK_DISCARD_LAST
} VireoDiskDiscard;
VIREO_ENUM_DECL(vireo_disk_discard);

typedef struct {
    char *name;                     /* host name */
    char *port;                     /* NULL when absent; post-parse fills the
                                     * protocol's well-known port (nbd 10809) */
} VireoNetHost;

typedef struct {
    VireoDiskType type;
    VireoDiskDevice device;
    /* <driver> */
    char *driver_name;              /* "qemu" */
    char *driver_type;              /* "raw", "qcow2", ... (format) */
    VireoDiskCache cache;
    VireoDiskIo io;
    VireoDiskDiscard discard;
    /* <source>: file= / dev= / dir= / protocol+name+hosts / pool+volume */
    char *src_path;
    char *src_protocol;             /* network: "rbd", "nbd", "iscsi", ... */
    char *src_name;                 /* network: image name */
    GPtrArray *src_hosts;           /* VireoNetHost* */
    char *src_pool, *src_volume;
    /* network: <auth username><secret type uuid|usage/></auth>, written
     * where it was read (disk level or inside <source>) as libvirt does */
    gboolean has_auth, auth_in_source;
    char *auth_username, *auth_secret_type, *auth_secret_uuid, *auth_secret_usage;
    /* <target> */
    char *dst;                      /* "vda" */
    VireoDiskBus bus;
    VireoTristate removable;
    char *serial;
    gboolean readonly;
    gboolean shareable;
    guint boot_order;               /* 0: none */
    char *alias;                    /* <alias name=...> (live XML only) */
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoDiskDef;

/* ---- controllers ------------------------------------------------------- */
typedef enum {
    VIREO_CONTROLLER_TYPE_IDE,
    VIREO_CONTROLLER_TYPE_FDC,
    VIREO_CONTROLLER_TYPE_SCSI,
    VIREO_CONTROLLER_TYPE_SATA,
    VIREO_CONTROLLER_TYPE_VIRTIO_SERIAL,
    VIREO_CONTROLLER_TYPE_CCID,
    VIREO_CONTROLLER_TYPE_USB,
    VIREO_CONTROLLER_TYPE_PCI,
    VIREO_CONTROLLER_TYPE_XENBUS,
    VIREO_CONTROLLER_TYPE_ISA,
    VIREO_CONTROLLER_TYPE_LAST
} VireoControllerType;
VIREO_ENUM_DECL(vireo_controller_type);

typedef struct {
    VireoControllerType type;
    int idx;                        /* index= */
    char *model;                    /* "pci-root", "piix3-uhci", "virtio-scsi", ... */
    gboolean has_ports;
    guint ports;                    /* virtio-serial */
    gboolean has_vectors;
    guint vectors;
    char *target_chassis_attrs;     /* reserved for <target> of pci controllers */
    gboolean has_master;            /* usb companion: <master startport=/> */
    guint master_startport;
    char *model_name;               /* pci: <model name='pcie-root-port'/>; NULL */
    /* pci: <target chassisNr= chassis= port= busNr= hotplug=/> */
    gboolean has_chassis_nr, has_chassis, has_port, has_bus_nr;
    guint target_chassis_nr, target_chassis, target_port, target_bus_nr;
    VireoTristate target_hotplug;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoControllerDef;

/* ---- network interfaces ------------------------------------------------ */
typedef enum {
    VIREO_NET_TYPE_USER,
    VIREO_NET_TYPE_ETHERNET,
    VIREO_NET_TYPE_VHOSTUSER,
    VIREO_NET_TYPE_SERVER,
    VIREO_NET_TYPE_CLIENT,
    VIREO_NET_TYPE_MCAST,
    VIREO_NET_TYPE_UDP,
    VIREO_NET_TYPE_NETWORK,
    VIREO_NET_TYPE_BRIDGE,
    VIREO_NET_TYPE_INTERNAL,
    VIREO_NET_TYPE_DIRECT,
    VIREO_NET_TYPE_HOSTDEV,
    VIREO_NET_TYPE_VDPA,
    VIREO_NET_TYPE_NULL,
    VIREO_NET_TYPE_VDS,
    VIREO_NET_TYPE_LAST
} VireoNetType;
VIREO_ENUM_DECL(vireo_net_type);

typedef struct {
    VireoNetType type;
    guint8 mac[6];
    gboolean mac_generated;         /* set by post-parse; formatted all the same */
    char *model;                    /* "virtio", "e1000", "rtl8139", NULL */
    char *source_bridge;
    char *source_network;
    char *source_portgroup;
    char *source_dev;               /* direct */
    char *source_mode;              /* direct: "vepa", "bridge", ... */
    char *target_dev;               /* "tap0" */
    char *driver_name;              /* "vhost" / "qemu" */
    guint driver_queues;
    char *script_path;
    guint mtu;
    guint boot_order;
    char *alias;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoNetDef;

/* ---- character devices: serial / console / channel --------------------- */
typedef enum {
    VIREO_CHR_DEVICE_SERIAL,
    VIREO_CHR_DEVICE_PARALLEL,
    VIREO_CHR_DEVICE_CONSOLE,
    VIREO_CHR_DEVICE_CHANNEL,
    VIREO_CHR_DEVICE_LAST
} VireoChrDeviceType;
VIREO_ENUM_DECL(vireo_chr_device_type);

typedef enum {
    VIREO_CHR_TYPE_NULL,
    VIREO_CHR_TYPE_VC,
    VIREO_CHR_TYPE_PTY,
    VIREO_CHR_TYPE_DEV,
    VIREO_CHR_TYPE_FILE,
    VIREO_CHR_TYPE_PIPE,
    VIREO_CHR_TYPE_STDIO,
    VIREO_CHR_TYPE_UDP,
    VIREO_CHR_TYPE_TCP,
    VIREO_CHR_TYPE_UNIX,
    VIREO_CHR_TYPE_SPICEVMC,
    VIREO_CHR_TYPE_SPICEPORT,
    VIREO_CHR_TYPE_NMDM,
    VIREO_CHR_TYPE_QEMU_VDAGENT,
    VIREO_CHR_TYPE_DBUS,
    VIREO_CHR_TYPE_LAST
} VireoChrType;
VIREO_ENUM_DECL(vireo_chr_type);

typedef struct {
    VireoChrDeviceType device;      /* which element it came from */
    VireoChrType type;
    char *src_path;                 /* pty/file/dev/pipe/unix path */
    char *src_mode;                 /* unix/tcp: "bind"/"connect" */
    VireoTristate src_append;       /* file */
    char *src_host, *src_service;   /* tcp/udp */
    char *connect_host, *connect_service; /* udp: <source mode='connect'> */
    char *protocol;                 /* tcp: "raw"/"telnet" */
    char *log_file;                 /* <log file=... append=...> */
    VireoTristate log_append;
    char *target_type;              /* serial: "isa-serial"; console: "serial"/"virtio"; channel: "virtio" */
    char *target_model;             /* serial <target><model name=.../></target> */
    gboolean has_target_port;
    guint target_port;
    char *target_name;              /* channel: "org.qemu.guest_agent.0" */
    char *alias;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoChrDef;

/* ---- input, graphics, video ------------------------------------------- */
typedef enum {
    VIREO_INPUT_TYPE_MOUSE,
    VIREO_INPUT_TYPE_TABLET,
    VIREO_INPUT_TYPE_KBD,
    VIREO_INPUT_TYPE_PASSTHROUGH,
    VIREO_INPUT_TYPE_EVDEV,
    VIREO_INPUT_TYPE_LAST
} VireoInputType;
VIREO_ENUM_DECL(vireo_input_type);

typedef enum {
    VIREO_INPUT_BUS_DEFAULT,
    VIREO_INPUT_BUS_PS2,
    VIREO_INPUT_BUS_USB,
    VIREO_INPUT_BUS_XEN,
    VIREO_INPUT_BUS_PARALLELS,
    VIREO_INPUT_BUS_VIRTIO,
    VIREO_INPUT_BUS_NONE,
    VIREO_INPUT_BUS_LAST
} VireoInputBus;
VIREO_ENUM_DECL(vireo_input_bus);

typedef struct {
    VireoInputType type;
    VireoInputBus bus;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoInputDef;

typedef enum {
    VIREO_GRAPHICS_VNC,
    VIREO_GRAPHICS_SDL,
    VIREO_GRAPHICS_SPICE,
    VIREO_GRAPHICS_RDP,
    VIREO_GRAPHICS_DESKTOP,
    VIREO_GRAPHICS_EGL_HEADLESS,
    VIREO_GRAPHICS_DBUS,
    VIREO_GRAPHICS_LAST
} VireoGraphicsType;
VIREO_ENUM_DECL(vireo_graphics_type);

typedef enum {
    VIREO_LISTEN_NONE,
    VIREO_LISTEN_ADDRESS,
    VIREO_LISTEN_NETWORK,
    VIREO_LISTEN_SOCKET,
    VIREO_LISTEN_LAST
} VireoListenType;
VIREO_ENUM_DECL(vireo_listen_type);

typedef struct {
    VireoListenType type;
    char *address;
    char *network;
    char *socket;
} VireoGraphicsListen;

typedef struct {
    VireoGraphicsType type;
    int port;                       /* -1: autoport */
    gboolean has_port;
    VireoTristate autoport;         /* after post-parse YES (port -1) or NO */
    int websocket;                  /* 0: none; -1: auto */
    gboolean has_websocket;
    char *passwd;
    char *keymap;
    char *share_policy;
    GPtrArray *listens;             /* VireoGraphicsListen* */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoGraphicsDef;

typedef enum {
    VIREO_VIDEO_DEFAULT,
    VIREO_VIDEO_VGA,
    VIREO_VIDEO_CIRRUS,
    VIREO_VIDEO_VMVGA,
    VIREO_VIDEO_XEN,
    VIREO_VIDEO_VBOX,
    VIREO_VIDEO_QXL,
    VIREO_VIDEO_PARALLELS,
    VIREO_VIDEO_VIRTIO,
    VIREO_VIDEO_GOP,
    VIREO_VIDEO_NONE,
    VIREO_VIDEO_BOCHS,
    VIREO_VIDEO_RAMFB,
    VIREO_VIDEO_LAST
} VireoVideoModel;
VIREO_ENUM_DECL(vireo_video_model);

typedef struct {
    VireoVideoModel model;
    guint vram;                     /* KiB; 0 when absent */
    guint ram;                      /* KiB, qxl only; 0 when absent */
    guint vgamem;                   /* KiB, qxl only; 0 when absent */
    guint heads;                    /* 0 when absent */
    gboolean has_heads;             /* heads= written (heads='0' is kept) */
    VireoTristate primary;
    char *alias;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoVideoDef;

/* ---- memballoon, rng, watchdog, panic ---------------------------------- */
typedef struct {
    char *model;                    /* "virtio", "none" */
    guint stats_period;
    gboolean has_stats_period;
    VireoTristate autodeflate;
    char *alias;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoMemballoonDef;

typedef struct {
    char *model;                    /* "virtio" */
    char *backend_model;            /* "random", "egd", "builtin" */
    char *backend_path;             /* random: "/dev/urandom" */
    guint rate_bytes, rate_period;
    char *alias;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoRngDef;

typedef struct {
    char *model;                    /* "i6300esb", "ib700", "itco" */
    char *action;                   /* "reset", "poweroff", ... */
    char *alias;
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoWatchdogDef;

typedef struct {
    char *model;                    /* "isa", "hyperv", "pvpanic" ...; NULL */
    VireoDeviceAddress address;
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoPanicDef;

/* <audio id='N' type='none'/>: libvirt's QEMU driver adds one for VNC
 * guests. vireo has no sound device, so only the silent backend. */
typedef struct {
    guint id;                       /* >= 1 */
    char *type;                     /* "none" */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoAudioDef;

/* <seclabel>: vireo applies no security labels; dynamic and none are kept
 * for round trips (their labels are generated at start time), static ones
 * are refused. */
typedef struct {
    char *type;                     /* "dynamic", "none" */
    char *model;                    /* "dac", "selinux", "apparmor", ...; NULL */
    VireoTristate relabel;
    char *baselabel;                /* dynamic only */
    guint line;                     /* source line of the element (0: added by vireo) */
} VireoSeclabelDef;

/* ---- the domain -------------------------------------------------------- */
/* Source lines of top-level elements, so semantic validation can print
 * FILE:LINE. 0 means absent (or added by post-parse). */
typedef struct {
    guint domain, name, uuid, genid, title, description, metadata;
    guint memory, current_memory, max_memory, vcpu, iothreads, cputune;
    guint on_poweroff, on_reboot, on_crash, devices, emulator;
    guint resource;
} VireoDomainLines;

typedef struct {
    VireoDomainVirtType virt_type;
    int id;                         /* -1 when not running */
    char *name;
    guint8 uuid[16];
    gboolean has_genid;
    gboolean genid_generated;       /* <genid/> without a value */
    guint8 genid[16];
    char *title;
    char *description;
    xmlDoc *metadata;               /* root = copy of <metadata>; NULL */

    guint64 memory_kib;             /* <memory> (max balloon) */
    guint64 current_memory_kib;     /* <currentMemory> */
    guint64 max_memory_kib;         /* <maxMemory>; 0 when absent */
    guint max_memory_slots;
    VireoMemoryBacking mem_backing;

    guint vcpus;                    /* <vcpu> value (max) */
    guint current_vcpus;            /* current=; equals vcpus when absent */
    VireoVcpuPlacement placement;
    char *cpuset;
    gboolean has_cputune_shares;
    guint64 cputune_shares;
    guint iothreads;
    char *resource_partition;       /* <resource><partition>; NULL */

    VireoDomainOsDef os;
    VireoDomainFeatures features;
    VireoCpuDef *cpu;               /* NULL when no <cpu> */
    VireoClockDef clock;
    VireoLifecycleAction on_poweroff, on_reboot, on_crash;
    VireoPmDef pm;
    GPtrArray *sysinfo;             /* VireoSysinfoDef* */

    char *emulator;
    GPtrArray *disks;               /* VireoDiskDef* */
    GPtrArray *controllers;         /* VireoControllerDef* */
    GPtrArray *nets;                /* VireoNetDef* */
    GPtrArray *serials;             /* VireoChrDef* */
    GPtrArray *consoles;            /* VireoChrDef* */
    GPtrArray *channels;            /* VireoChrDef* */
    GPtrArray *inputs;              /* VireoInputDef* */
    GPtrArray *graphics;            /* VireoGraphicsDef* */
    GPtrArray *videos;              /* VireoVideoDef* */
    VireoMemballoonDef *memballoon; /* NULL when absent */
    GPtrArray *rngs;                /* VireoRngDef* */
    GPtrArray *watchdogs;           /* VireoWatchdogDef* */
    GPtrArray *panics;              /* VireoPanicDef* */
    GPtrArray *audios;              /* VireoAudioDef* */
    GPtrArray *seclabels;           /* VireoSeclabelDef* */
    VireoDomainLines lines;         /* where top-level elements were */
} VireoDomainDef;

VireoDomainDef *vireo_domain_def_new(void);
void vireo_domain_def_free(VireoDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoDomainDef, vireo_domain_def_free)

typedef enum {
    VIREO_DOMAIN_PARSE_NONE = 0,
    /* Check the document against schemas/domain.rng before parsing. */
    VIREO_DOMAIN_PARSE_VALIDATE_SCHEMA = 1 << 0,
    /* Skip post-parse defaults and semantic validation (tests only). */
    VIREO_DOMAIN_PARSE_SKIP_POSTPARSE = 1 << 1,
    /* Accept <alias> and id= (live XML from the runtime). */
    VIREO_DOMAIN_PARSE_LIVE = 1 << 2,
} VireoDomainParseFlags;

/* Full pipeline: parse -> post-parse -> validate. Errors name the file and
 * line ("FILE:LINE: message") where they come from a node. Elements vireo
 * does not model fail with VIREO_ERR_CONFIG_UNSUPPORTED naming the element
 * and its line. */
VireoDomainDef *vireo_domain_def_parse_file(const char *path,
                                            VireoDomainParseFlags flags,
                                            GError **error);
VireoDomainDef *vireo_domain_def_parse_string(const char *xml,
                                              const char *url,
                                              VireoDomainParseFlags flags,
                                              GError **error);
VireoDomainDef *vireo_domain_def_parse_node(xmlDoc *doc, xmlNode *root,
                                            VireoDomainParseFlags flags,
                                            GError **error);

typedef enum {
    VIREO_DOMAIN_FORMAT_NONE = 0,
    VIREO_DOMAIN_FORMAT_INACTIVE = 1 << 0,  /* no id=, no <alias> */
    VIREO_DOMAIN_FORMAT_SECURE = 1 << 1,    /* include VNC passwd */
} VireoDomainFormatFlags;

/* The XML libvirt would write for this definition (virsh dumpxml). */
char *vireo_domain_def_format(const VireoDomainDef *def,
                              VireoDomainFormatFlags flags);

/* domain_postparse.c: fill libvirt's defaults (uuid, macs, currentMemory,
 * current vcpus, topology dies=1, console for serial, vnc port=-1, ...). */
gboolean vireo_domain_def_postparse(VireoDomainDef *def, GError **error);

/* domain_validate.c: semantic checks with libvirt-like messages. */
gboolean vireo_domain_def_validate(const VireoDomainDef *def, GError **error);

/* schema validation against VIREO_SCHEMADIR/domain.rng (or $VIREO_SCHEMADIR).
 * Every problem is one "FILE:LINE: message" line in the error message. */
gboolean vireo_domain_schema_validate(xmlDoc *doc, const char *url,
                                      GError **error);

/* helpers other stages use */
void vireo_mac_format(const guint8 mac[6], char out[18]);
gboolean vireo_mac_parse(const char *str, guint8 mac[6]);

/* Free functions of every sub-struct (GPtrArray free funcs use them). */
void vireo_hugepage_free(VireoHugepage *p);
void vireo_cpu_feature_def_free(VireoCpuFeatureDef *f);
void vireo_numa_cell_free(VireoNumaCell *c);
void vireo_cpu_def_free(VireoCpuDef *cpu);
void vireo_timer_def_free(VireoTimerDef *t);
void vireo_sysinfo_entry_free(VireoSysinfoEntry *e);
void vireo_sysinfo_def_free(VireoSysinfoDef *s);
void vireo_net_host_free(VireoNetHost *h);
void vireo_disk_def_free(VireoDiskDef *d);
void vireo_controller_def_free(VireoControllerDef *c);
void vireo_net_def_free(VireoNetDef *n);
void vireo_chr_def_free(VireoChrDef *c);
VireoChrDef *vireo_chr_def_copy(const VireoChrDef *c);
void vireo_input_def_free(VireoInputDef *i);
void vireo_graphics_listen_free(VireoGraphicsListen *l);
void vireo_graphics_def_free(VireoGraphicsDef *g);
void vireo_video_def_free(VireoVideoDef *v);
void vireo_memballoon_def_free(VireoMemballoonDef *m);
void vireo_rng_def_free(VireoRngDef *r);
void vireo_watchdog_def_free(VireoWatchdogDef *w);
void vireo_panic_def_free(VireoPanicDef *p);
void vireo_audio_def_free(VireoAudioDef *a);
void vireo_seclabel_def_free(VireoSeclabelDef *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoCpuDef, vireo_cpu_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoCpuFeatureDef, vireo_cpu_feature_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoDiskDef, vireo_disk_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoControllerDef, vireo_controller_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoNetDef, vireo_net_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoChrDef, vireo_chr_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoInputDef, vireo_input_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoGraphicsDef, vireo_graphics_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoVideoDef, vireo_video_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoMemballoonDef, vireo_memballoon_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoRngDef, vireo_rng_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoWatchdogDef, vireo_watchdog_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoPanicDef, vireo_panic_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoAudioDef, vireo_audio_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoSeclabelDef, vireo_seclabel_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoSysinfoDef, vireo_sysinfo_def_free)

/* The parser alone, without schema, post-parse or validation: what
 * vireo_domain_def_parse_node runs first. Tests and tools that want the
 * document exactly as written use it. */
VireoDomainDef *vireo_domain_def_parse_xml(xmlDoc *doc, xmlNode *root,
                                           VireoDomainParseFlags flags,
                                           GError **error);

/* libvirt's virDiskNameToIndex: "vda" -> 0, "hdc" -> 2, "sdaa" -> 26;
 * -1 when the name has no known prefix or letters. */
int vireo_disk_name_to_index(const char *name);
