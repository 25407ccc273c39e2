/* vireo: the equivalent QEMU command line, as libvirt's qemu driver writes
 * it (the seeds' OpenStack example: -machine pc-i440fx-trusty,accel=kvm,
 * usb=off -cpu SandyBridge,+erms,... -device virtio-blk-pci,scsi=off,...). */
#include <config.h>
#include <string.h>
#include <time.h>
#include "machine/machine-format.h"
#include "machine/cpu-features.h"
#include "machine/cpu-model.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-xml.h"

#define QEMU_BRIDGE_HELPER "/usr/lib/qemu/qemu-bridge-helper"

typedef struct {
    GPtrArray *argv;
    const VireoMachineDesc *desc;
    const VireoDomainDef *def;
} VireoArgv;

static void G_GNUC_PRINTF(3, 4)
arg(VireoArgv *a, const char *opt, const char *fmt, ...)
{
    g_ptr_array_add(a->argv, g_strdup(opt));
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        g_ptr_array_add(a->argv, g_strdup_vprintf(fmt, ap));
        va_end(ap);
    }
}

/* QEMU option values escape ',' by doubling it. */
static char *
qemu_escape(const char *s)
{
    GString *out = g_string_new(NULL);
    for (; s && *s; s++) {
        if (*s == ',')
            g_string_append_c(out, ',');
        g_string_append_c(out, *s);
    }
    return g_string_free(out, FALSE);
}

static const char *
pci_bus(const VireoArgv *a)
{
    return a->desc->family == VIREO_MACHINE_FAMILY_Q35 ? "pcie.0" : "pci.0";
}

static char *
pci_addr(const VireoArgv *a, const VireoDeviceDesc *d)
{
    if (d->pci_function)
        return g_strdup_printf("bus=%s,addr=0x%x.0x%x", pci_bus(a), d->pci_slot,
                               d->pci_function);
    return g_strdup_printf("bus=%s,addr=0x%x", pci_bus(a), d->pci_slot);
}

static void
add_machine(VireoArgv *a)
{
    const VireoMachineDesc *desc = a->desc;
    GString *m = g_string_new(desc->machine_alias ? desc->machine_alias : desc->machine_type);
    g_string_append_printf(m, ",accel=%s,usb=off", desc->accel_kvm ? "kvm" : "tcg");
    if (desc->mem.nosharepages)
        g_string_append(m, ",mem-merge=off");
    if (!desc->platform.acpi)
        g_string_append(m, ",acpi=off");
    g_ptr_array_add(a->argv, g_strdup("-machine"));
    g_ptr_array_add(a->argv, g_string_free(m, FALSE));
}

static const char *
feature_prefix(VireoCpuFeaturePolicy p)
{
    return p == VIREO_CPU_FEATURE_DISABLE || p == VIREO_CPU_FEATURE_FORBID ? "-" : "+";
}

/* Left out of a host-model line: what QEMU's -accel kvm turns on by itself,
 * the CR4 mirrors, and KVM bits QEMU 7.2 has no property for. */
static gboolean
host_model_skip(const char *name)
{
    static const char *const on[] = {
        "kvmclock", "kvmclock2", "kvm-nopiodelay", "kvm-asyncpf", "kvm-steal-time",
        "kvm-pv-eoi", "kvmclock-stable-bit", "x2apic", "hypervisor", "osxsave", "ospke",
        "kvm-asyncpf-vmexit",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(on); i++)
        if (g_str_equal(on[i], name))
            return TRUE;
    return FALSE;
}

/* host-model, expanded like libvirt does: the closest model, then +/- the
 * features in which the host differs from it (CPUID order). */
static void
add_host_model_features(VireoArgv *a, GString *s)
{
    VireoCpuModelClass *k = vireo_cpu_model_class_find(a->desc->cpu.model);
    VireoFeatureSet enabled = { { 0 } };
    guint n = vireo_cpu_feature_count();
    if (!k)
        return;                     /* no host to expand with: -cpu host */
    for (guint i = 0; i < a->desc->cpu.enabled_features->len; i++)
        vireo_feature_set_add_name(&enabled, a->desc->cpu.enabled_features->pdata[i]);
    for (guint i = 0; i < n; i++) {
        const char *name = vireo_cpu_feature_get(i)->name;
        gboolean on = vireo_feature_set_has(&enabled, i);
        if (on == vireo_feature_set_has(&k->features, i) || host_model_skip(name))
            continue;
        g_string_append_printf(s, ",%s%s", on ? "+" : "-", name);
    }
}

/* The model and the features the XML names, in its order and spelling
 * (QEMU accepts libvirt's spellings such as ds_cpl). */
static void
add_cpu(VireoArgv *a)
{
    const VireoCpuDef *c = a->def->cpu;
    GString *s = g_string_new(a->desc->cpu.model);
    if (c && c->mode == VIREO_CPU_MODE_HOST_MODEL)
        add_host_model_features(a, s);
    for (guint i = 0; c && c->features && i < c->features->len; i++) {
        const VireoCpuFeatureDef *f = c->features->pdata[i];
        /* CR4 mirrors the CPU sets itself: QEMU (>= 2.x) has no property */
        if (vireo_cpu_feature_index(f->name) == vireo_cpu_feature_index("osxsave") ||
            vireo_cpu_feature_index(f->name) == vireo_cpu_feature_index("ospke"))
            continue;
        if (f->policy == VIREO_CPU_FEATURE_OPTIONAL &&
            !g_ptr_array_find_with_equal_func(a->desc->cpu.enabled_features,
                                              vireo_cpu_feature_get(vireo_cpu_feature_index(f->name))->name,
                                              g_str_equal, NULL))
            continue;
        g_string_append_printf(s, ",%s%s", feature_prefix(f->policy), f->name);
    }
    g_ptr_array_add(a->argv, g_strdup("-cpu"));
    g_ptr_array_add(a->argv, g_string_free(s, FALSE));
}

static void
add_memory_smp(VireoArgv *a)
{
    const VireoCpuDesc *c = &a->desc->cpu;
    guint64 kib = a->desc->mem.ram_bytes / 1024;
    GString *smp = g_string_new(NULL);
    if (kib % 1024 == 0)
        arg(a, "-m", "%llu", (unsigned long long)(kib / 1024));
    else
        arg(a, "-m", "size=%lluk", (unsigned long long)kib);
    if (a->desc->mem.hugepage_size) {
        arg(a, "-mem-prealloc", NULL);
        arg(a, "-mem-path", "/dev/hugepages");
    }
    g_string_append_printf(smp, "%u", c->current_vcpus);
    if (c->current_vcpus != c->max_vcpus)
        g_string_append_printf(smp, ",maxcpus=%u", c->max_vcpus);
    g_string_append_printf(smp, ",sockets=%u", c->sockets);
    if (c->dies > 1)
        g_string_append_printf(smp, ",dies=%u", c->dies);
    if (c->clusters > 1)
        g_string_append_printf(smp, ",clusters=%u", c->clusters);
    g_string_append_printf(smp, ",cores=%u,threads=%u", c->cores, c->threads);
    g_ptr_array_add(a->argv, g_strdup("-smp"));
    g_ptr_array_add(a->argv, g_string_free(smp, FALSE));
}

static void
add_identity(VireoArgv *a)
{
    char uuid[37];
    g_autofree char *name = qemu_escape(a->desc->name);
    arg(a, "-name", "%s", name);
    add_machine(a);
    add_cpu(a);
    add_memory_smp(a);
    vireo_uuid_format(a->desc->uuid, uuid);
    arg(a, "-uuid", "%s", uuid);
}

static void
add_smbios(VireoArgv *a)
{
    const VireoDomainDef *def = a->def;
    if (def->os.smbios != VIREO_SMBIOS_SYSINFO || !def->sysinfo)
        return;
    for (guint i = 0; i < def->sysinfo->len; i++) {
        const VireoSysinfoDef *si = def->sysinfo->pdata[i];
        GString *s;
        if (!si->system || !si->system->len)
            continue;
        s = g_string_new("type=1");
        for (guint k = 0; k < si->system->len; k++) {
            const VireoSysinfoEntry *e = si->system->pdata[k];
            g_autofree char *v = qemu_escape(e->value);
            g_string_append_printf(s, ",%s=%s", e->name, v);
        }
        g_ptr_array_add(a->argv, g_strdup("-smbios"));
        g_ptr_array_add(a->argv, g_string_free(s, FALSE));
    }
}

static void
add_clock(VireoArgv *a)
{
    const VireoClockDesc *c = &a->desc->clock;
    g_autofree char *base = NULL;
    switch (c->offset) {
    case VIREO_CLOCK_OFFSET_VARIABLE: {
        g_autoptr(GDateTime) now = c->basis == VIREO_CLOCK_BASIS_LOCALTIME ?
                                   g_date_time_new_now_local() : g_date_time_new_now_utc();
        g_autoptr(GDateTime) t = g_date_time_add_seconds(now, c->adjustment);
        base = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
        break;
    }
    case VIREO_CLOCK_OFFSET_LOCALTIME:
    case VIREO_CLOCK_OFFSET_TIMEZONE:       /* with TZ= in the environment */
        base = g_strdup("localtime");
        break;
    default:
        base = g_strdup("utc");
    }
    arg(a, "-rtc", "base=%s%s", base, c->rtc_catchup ? ",driftfix=slew" : "");
    if (!c->hpet && a->desc->family != VIREO_MACHINE_FAMILY_MICROVM)
        arg(a, "-no-hpet", NULL);
}

static void
add_boot(VireoArgv *a)
{
    const VireoBootDesc *b = &a->desc->boot;
    if (b->loader)
        arg(a, "-bios", "%s", b->loader);
    if (b->kernel)
        arg(a, "-kernel", "%s", b->kernel);
    if (b->initrd)
        arg(a, "-initrd", "%s", b->initrd);
    if (b->kernel && b->cmdline && *b->cmdline)
        arg(a, "-append", "%s", b->cmdline);
}

/* ---- disks ------------------------------------------------------------- */

static const char *
cache_mode(VireoDiskCache c)
{
    const char *names[] = { NULL, "none", "writethrough", "writeback", "directsync", "unsafe" };
    return c < G_N_ELEMENTS(names) ? names[c] : NULL;
}

static gboolean
drive_option(VireoArgv *a, const VireoDiskDef *disk, const char *id, GError **error)
{
    GString *s = g_string_new(NULL);
    if (disk->type == VIREO_DISK_TYPE_NETWORK || disk->type == VIREO_DISK_TYPE_VOLUME) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("disk '%s': only file and block sources have a native form"),
                        disk->dst ? disk->dst : "?");
        g_string_free(s, TRUE);
        return FALSE;
    }
    if (disk->src_path) {
        g_autofree char *p = qemu_escape(disk->src_path);
        g_string_append_printf(s, "file=%s,", p);
    }
    g_string_append_printf(s, "if=none,id=%s", id);
    if (disk->readonly || disk->device == VIREO_DISK_DEVICE_CDROM)
        g_string_append(s, ",readonly=on");
    if (disk->src_path)
        g_string_append_printf(s, ",format=%s", disk->driver_type ? disk->driver_type : "raw");
    if (cache_mode(disk->cache))
        g_string_append_printf(s, ",cache=%s", cache_mode(disk->cache));
    if (disk->io == VIREO_DISK_IO_NATIVE)
        g_string_append(s, ",aio=native");
    else if (disk->io == VIREO_DISK_IO_THREADS)
        g_string_append(s, ",aio=threads");
    if (disk->discard == VIREO_DISK_DISCARD_UNMAP)
        g_string_append(s, ",discard=unmap");
    if (disk->serial)
        g_string_append_printf(s, ",serial=%s", disk->serial);
    g_ptr_array_add(a->argv, g_strdup("-drive"));
    g_ptr_array_add(a->argv, g_string_free(s, FALSE));
    return TRUE;
}

static gboolean
add_virtio_disk(VireoArgv *a, const VireoDeviceDesc *d, GError **error)
{
    g_autofree char *drive = g_strdup_printf("drive-%s", d->id);
    g_autofree char *addr = pci_addr(a, d);
    GString *s;
    if (!drive_option(a, d->disk, drive, error))
        return FALSE;
    s = g_string_new(NULL);
    g_string_append_printf(s, "virtio-blk-pci,scsi=off,%s,drive=%s,id=%s", addr, drive, d->id);
    if (d->boot_index)
        g_string_append_printf(s, ",bootindex=%u", d->boot_index);
    g_ptr_array_add(a->argv, g_strdup("-device"));
    g_ptr_array_add(a->argv, g_string_free(s, FALSE));
    return TRUE;
}

/* IDE on i440fx (hda = ide0-0-0 ... hdd = ide0-1-1), SATA on q35's AHCI. */
static gboolean
add_ide_disk(VireoArgv *a, const VireoDiskDef *disk, guint boot_index, GError **error)
{
    guint n = disk->dst && strlen(disk->dst) >= 3 ? (guint)(disk->dst[2] - 'a') : 0;
    gboolean sata = disk->bus == VIREO_DISK_BUS_SATA;
    g_autofree char *id = sata ? g_strdup_printf("sata0-0-%u", n)
                               : g_strdup_printf("ide0-%u-%u", n / 2, n % 2);
    g_autofree char *drive = g_strdup_printf("drive-%s", id);
    const char *model = disk->device == VIREO_DISK_DEVICE_CDROM ? "ide-cd" : "ide-hd";
    GString *s;
    if (!drive_option(a, disk, drive, error))
        return FALSE;
    s = g_string_new(model);
    if (sata)
        g_string_append_printf(s, ",bus=ide.%u", n);
    else
        g_string_append_printf(s, ",bus=ide.%u,unit=%u", n / 2, n % 2);
    g_string_append_printf(s, ",drive=%s,id=%s", drive, id);
    if (boot_index)
        g_string_append_printf(s, ",bootindex=%u", boot_index);
    g_ptr_array_add(a->argv, g_strdup("-device"));
    g_ptr_array_add(a->argv, g_string_free(s, FALSE));
    return TRUE;
}

/* ---- network ----------------------------------------------------------- */

static char *
netdev_backend(VireoArgv *a, const VireoNetDef *n, GError **error)
{
    GString *s = g_string_new(NULL);
    const char *bridge = n->source_bridge;
    switch (n->type) {
    case VIREO_NET_TYPE_USER:
        g_string_append(s, "user");
        return g_string_free(s, FALSE);
    case VIREO_NET_TYPE_NETWORK:
        bridge = "virbr0";          /* libvirt's "default" network bridge */
        G_GNUC_FALLTHROUGH;
    case VIREO_NET_TYPE_BRIDGE:
        /* QEMU's bridge helper creates the tap and plugs it into the bridge */
        g_string_append_printf(s, "tap,br=%s,helper=%s", bridge ? bridge : "virbr0",
                               QEMU_BRIDGE_HELPER);
        break;
    case VIREO_NET_TYPE_ETHERNET:
        g_string_append(s, "tap");
        if (n->target_dev)
            g_string_append_printf(s, ",ifname=%s", n->target_dev);
        if (n->script_path)
            g_string_append_printf(s, ",script=%s,downscript=no", n->script_path);
        else
            g_string_append(s, ",script=no,downscript=no");
        break;
    default:
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("interface type %d has no native form"), (int)n->type);
        g_string_free(s, TRUE);
        return NULL;
    }
    if (n->driver_queues > 1)
        g_string_append_printf(s, ",queues=%u", n->driver_queues);
    if (a->desc->accel_kvm && !(n->driver_name && g_str_equal(n->driver_name, "qemu")))
        g_string_append(s, ",vhost=on");
    return g_string_free(s, FALSE);
}

static gboolean
add_net(VireoArgv *a, const VireoDeviceDesc *d, guint nth, GError **error)
{
    const VireoNetDef *n = d->net;
    g_autofree char *backend = netdev_backend(a, n, error);
    g_autofree char *addr = pci_addr(a, d);
    GString *s;
    if (!backend)
        return FALSE;
    {
        /* "tap,id=hostnet0,..." as libvirt writes it */
        const char *comma = strchr(backend, ',');
        g_autofree char *type = g_strndup(backend, comma ? (gsize)(comma - backend) : strlen(backend));
        arg(a, "-netdev", "%s,id=hostnet%u%s", type, nth, comma ? comma : "");
    }
    s = g_string_new("virtio-net-pci");
    if (n->driver_queues > 1)
        g_string_append_printf(s, ",mq=on,vectors=%u", 2 * n->driver_queues + 2);
    if (n->mtu)
        g_string_append_printf(s, ",host_mtu=%u", n->mtu);
    g_string_append_printf(s, ",netdev=hostnet%u,id=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x,%s",
                           nth, d->id, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
                           n->mac[4], n->mac[5], addr);
    if (d->boot_index)
        g_string_append_printf(s, ",bootindex=%u", d->boot_index);
    g_ptr_array_add(a->argv, g_strdup("-device"));
    g_ptr_array_add(a->argv, g_string_free(s, FALSE));
    return TRUE;
}

/* ---- character devices ------------------------------------------------- */

/* "TYPE,id=ID[,options]": libvirt's order, id right after the backend. */
static char *
chardev_option(const VireoChardevDesc *c, const char *id)
{
    g_autofree char *path = qemu_escape(c->path);
    switch (c->type) {
    case VIREO_CHR_TYPE_FILE:
        return g_strdup_printf("file,id=%s,path=%s%s", id, path, c->append ? ",append=on" : "");
    case VIREO_CHR_TYPE_PTY: return g_strdup_printf("pty,id=%s", id);
    case VIREO_CHR_TYPE_STDIO: return g_strdup_printf("stdio,id=%s", id);
    case VIREO_CHR_TYPE_VC: return g_strdup_printf("vc,id=%s", id);
    case VIREO_CHR_TYPE_DEV: return g_strdup_printf("tty,id=%s,path=%s", id, path);
    case VIREO_CHR_TYPE_PIPE: return g_strdup_printf("pipe,id=%s,path=%s", id, path);
    case VIREO_CHR_TYPE_UNIX:
        return g_strdup_printf("socket,id=%s,path=%s,server=on,wait=off", id, path);
    default:
        return g_strdup_printf("null,id=%s", id);
    }
}

static void
add_serial(VireoArgv *a, const VireoDeviceDesc *d)
{
    guint port = (guint)g_ascii_strtoull(d->id + strlen("serial"), NULL, 10);
    g_autofree char *cid = g_strdup_printf("char%s", d->id);
    g_autofree char *backend = chardev_option(d->chardev, cid);
    GString *c = g_string_new(backend);
    if (d->chardev->log_file) {
        g_autofree char *log = qemu_escape(d->chardev->log_file);
        g_string_append_printf(c, ",logfile=%s,logappend=%s", log,
                               d->chardev->log_append ? "on" : "off");
    }
    g_ptr_array_add(a->argv, g_strdup("-chardev"));
    g_ptr_array_add(a->argv, g_string_free(c, FALSE));
    if (port)
        arg(a, "-device", "isa-serial,chardev=char%s,id=%s,index=%u", d->id, d->id, port);
    else
        arg(a, "-device", "isa-serial,chardev=char%s,id=%s", d->id, d->id);
}

/* ---- display ----------------------------------------------------------- */

static void
add_vnc(VireoArgv *a, const VireoGraphicsDef *g)
{
    const char *listen = "127.0.0.1";
    GString *s;
    for (guint i = 0; g->listens && i < g->listens->len; i++) {
        const VireoGraphicsListen *l = g->listens->pdata[i];
        if (l->type == VIREO_LISTEN_SOCKET && l->socket) {
            arg(a, "-vnc", "unix:%s", l->socket);
            return;
        }
        if (l->type == VIREO_LISTEN_ADDRESS && l->address)
            listen = l->address;
    }
    /* autoport: libvirt picks the first free port from 5900 when starting */
    s = g_string_new(NULL);
    g_string_append_printf(s, "%s:%d", listen, g->port >= 5900 ? g->port - 5900 : 0);
    if (g->passwd)
        g_string_append(s, ",password=on");
    g_ptr_array_add(a->argv, g_strdup("-vnc"));
    g_ptr_array_add(a->argv, g_string_free(s, FALSE));
    if (g->keymap)
        arg(a, "-k", "%s", g->keymap);
}

static void
add_pci_simple(VireoArgv *a, const VireoDeviceDesc *d, const char *extra)
{
    g_autofree char *addr = pci_addr(a, d);
    arg(a, "-device", "%s,id=%s%s%s,%s", d->model, d->id, extra ? "," : "",
        extra ? extra : "", addr);
}

static void
add_rng(VireoArgv *a, const VireoDeviceDesc *d, guint nth)
{
    const VireoRngDef *r = a->def->rngs->pdata[nth];
    g_autofree char *addr = pci_addr(a, d);
    arg(a, "-object", "rng-random,id=obj%s,filename=%s", d->id,
        r->backend_path ? r->backend_path : "/dev/urandom");
    arg(a, "-device", "virtio-rng-pci,rng=obj%s,id=%s,%s", d->id, d->id, addr);
}

static void
add_inputs(VireoArgv *a, gboolean have_usb)
{
    guint n = 0;
    for (guint i = 0; a->def->inputs && i < a->def->inputs->len; i++) {
        const VireoInputDef *in = a->def->inputs->pdata[i];
        if (in->bus != VIREO_INPUT_BUS_USB || !have_usb)
            continue;               /* PS/2 devices are the i8042's */
        arg(a, "-device", "usb-%s,id=input%u,bus=usb.0,port=%u",
            in->type == VIREO_INPUT_TYPE_TABLET ? "tablet" :
            in->type == VIREO_INPUT_TYPE_KBD ? "kbd" : "mouse", i, ++n);
    }
}

static gboolean
add_device(VireoArgv *a, const VireoDeviceDesc *d, guint *nets, guint *rngs,
           gboolean *usb, GError **error)
{
    switch (d->kind) {
    case VIREO_DEV_SERIAL:
        add_serial(a, d);
        break;
    case VIREO_DEV_VIDEO:
        add_pci_simple(a, d, NULL);
        break;
    case VIREO_DEV_VIRTIO_BLK:
        return add_virtio_disk(a, d, error);
    case VIREO_DEV_VIRTIO_NET:
        return add_net(a, d, (*nets)++, error);
    case VIREO_DEV_VIRTIO_BALLOON:
    case VIREO_DEV_VIRTIO_SERIAL:
    case VIREO_DEV_SCSI_CONTROLLER:
        add_pci_simple(a, d, NULL);
        break;
    case VIREO_DEV_USB_CONTROLLER:
        add_pci_simple(a, d, NULL);
        *usb = TRUE;
        break;
    case VIREO_DEV_VIRTIO_RNG:
        add_rng(a, d, (*rngs)++);
        break;
    case VIREO_DEV_WATCHDOG:
        if (d->on_pci)
            add_pci_simple(a, d, NULL);
        else
            arg(a, "-device", "%s,id=%s", d->model, d->id);
        break;
    case VIREO_DEV_PANIC:
        arg(a, "-device", "pvpanic,ioport=%u", d->io_base);
        break;
    case VIREO_DEV_VNC:
        add_vnc(a, d->graphics);
        break;
    default:
        break;                      /* chipset and legacy: part of -machine */
    }
    return TRUE;
}

static gboolean
add_chipset_disks(VireoArgv *a, GError **error)
{
    for (guint i = 0; a->def->disks && i < a->def->disks->len; i++) {
        const VireoDiskDef *disk = a->def->disks->pdata[i];
        if (disk->bus != VIREO_DISK_BUS_IDE && disk->bus != VIREO_DISK_BUS_SATA)
            continue;
        if (!add_ide_disk(a, disk, disk->boot_order, error))
            return FALSE;
    }
    return TRUE;
}

/* libvirt's command-line order: controllers, disks, NICs, serial ports,
 * inputs, graphics, video, balloon, RNG, watchdog, panic. */
static const VireoDeviceKind argv_order[] = {
    VIREO_DEV_USB_CONTROLLER, VIREO_DEV_SCSI_CONTROLLER, VIREO_DEV_VIRTIO_SERIAL,
    VIREO_DEV_VIRTIO_BLK, VIREO_DEV_IDE_CONTROLLER, VIREO_DEV_VIRTIO_NET,
    VIREO_DEV_SERIAL, VIREO_DEV_I8042, VIREO_DEV_VNC, VIREO_DEV_VIDEO,
    VIREO_DEV_VIRTIO_BALLOON, VIREO_DEV_VIRTIO_RNG, VIREO_DEV_WATCHDOG, VIREO_DEV_PANIC,
};

static gboolean
add_devices(VireoArgv *a, GError **error)
{
    guint nets = 0, rngs = 0;
    gboolean usb = FALSE, display = FALSE;
    for (gsize k = 0; k < G_N_ELEMENTS(argv_order); k++) {
        if (argv_order[k] == VIREO_DEV_IDE_CONTROLLER) {
            if (!add_chipset_disks(a, error))
                return FALSE;
            continue;
        }
        if (argv_order[k] == VIREO_DEV_I8042) {
            add_inputs(a, usb);
            continue;
        }
        for (guint i = 0; i < a->desc->devices->len; i++) {
            const VireoDeviceDesc *d = a->desc->devices->pdata[i];
            if (d->kind != argv_order[k])
                continue;
            display |= d->kind == VIREO_DEV_VNC;
            if (!add_device(a, d, &nets, &rngs, &usb, error))
                return FALSE;
        }
    }
    if (!display)
        arg(a, "-display", "none");
    return TRUE;
}

GStrv
vireo_machine_desc_to_qemu_argv(const VireoMachineDesc *desc, GError **error)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    VireoArgv a = { argv, desc, desc->def };
    g_ptr_array_add(argv, g_strdup("qemu-system-x86_64"));
    add_identity(&a);
    arg(&a, "-no-user-config", NULL);
    arg(&a, "-nodefaults", NULL);
    add_smbios(&a);
    add_clock(&a);
    add_boot(&a);
    if (!add_devices(&a, error))
        return NULL;
    g_ptr_array_add(argv, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}

char *
vireo_qemu_argv_to_string(const char *const *argv, gboolean multiline)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; argv[i]; i++) {
        g_autofree char *q = strpbrk(argv[i], " '\"$\\;&|<>()*?") ?
                             g_shell_quote(argv[i]) : g_strdup(argv[i]);
        if (i)
            g_string_append(s, multiline && argv[i][0] == '-' ? " \\\n" : " ");
        g_string_append(s, q);
    }
    g_string_append_c(s, '\n');
    return g_string_free(s, FALSE);
}
