/* vireo: post-parse defaults — what libvirt fills in after parsing, as its
 * test driver (test:///default) does it, so that `vireo dumpxml` shows the
 * same defaults `virsh dumpxml` would. Where vireo deliberately differs
 * (default arch), docs/conf-differences-from-libvirt.md says why. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

static gboolean
bytes_all_zero(const guint8 *b, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        if (b[i])
            return FALSE;
    }
    return TRUE;
}

/* ---- identity, memory, vcpus, os, lifecycle ----------------------------- */
/* The SMBIOS system uuid is the domain's: libvirt takes it when <uuid> is
 * absent and refuses a different one. */
static gboolean
sysinfo_uuid(VireoDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->sysinfo->len; i++) {
        VireoSysinfoDef *si = g_ptr_array_index(def->sysinfo, i);
        for (guint j = 0; si->system && j < si->system->len; j++) {
            VireoSysinfoEntry *e = g_ptr_array_index(si->system, j);
            guint8 u[16];
            if (!g_str_equal(e->name, "uuid"))
                continue;
            if (!vireo_uuid_parse(e->value, u)) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("malformed <sysinfo> uuid element (sysinfo on line %u)"), si->line);
                return FALSE;
            }
            /* libvirt keeps it as a UUID, so it comes back canonical. */
            g_free(e->value);
            e->value = g_malloc(37);
            vireo_uuid_format(u, e->value);
            if (bytes_all_zero(def->uuid, 16)) {
                memcpy(def->uuid, u, 16);
            } else if (memcmp(def->uuid, u, 16) != 0) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("UUID mismatch between <uuid> and <sysinfo> (sysinfo on line %u)"),
                                si->line);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
postparse_identity(VireoDomainDef *def, GError **error)
{
    if (!sysinfo_uuid(def, error))
        return FALSE;
    if (bytes_all_zero(def->uuid, 16))
        vireo_uuid_generate(def->uuid);
    if (def->has_genid && bytes_all_zero(def->genid, 16)) {
        vireo_uuid_generate(def->genid);
        def->genid_generated = TRUE;
    }
    return TRUE;
}

/* <memory> stays as written even with NUMA cells (libvirt writes the
 * total, not the cells' sum); validation compares the two. */
static void
postparse_memory(VireoDomainDef *def)
{
    if (def->current_memory_kib == 0 || def->current_memory_kib > def->memory_kib)
        def->current_memory_kib = def->memory_kib;
}

/* A hugepage nodeset names guest NUMA nodes, which must exist. */
static gboolean
postparse_hugepages(VireoDomainDef *def, GError **error)
{
    guint ncells = def->cpu ? def->cpu->numa->len : 0;
    for (guint i = 0; i < def->mem_backing.pages->len; i++) {
        VireoHugepage *p = g_ptr_array_index(def->mem_backing.pages, i);
        g_auto(GStrv) parts = NULL;
        if (!p->nodeset)
            continue;
        parts = g_strsplit(p->nodeset, ",", -1);
        for (char **r = parts; *r; r++) {
            const char *dash = strchr(*r, '-');
            guint64 hi = g_ascii_strtoull(dash ? dash + 1 : *r, NULL, 10);
            if (hi >= ncells) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("hugepages: node %llu not found (memoryBacking on line %u)"),
                                (unsigned long long)hi, def->mem_backing.line);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static guint
bitmap_count(const char *bitmap)
{
    g_auto(GStrv) parts = bitmap ? g_strsplit(bitmap, ",", -1) : NULL;
    guint n = 0;
    for (char **p = parts; p && *p; p++) {
        const char *dash = strchr(*p, '-');
        guint64 lo = g_ascii_strtoull(*p, NULL, 10);
        n += dash ? (guint)(g_ascii_strtoull(dash + 1, NULL, 10) - lo + 1) : 1;
    }
    return n;
}

/* NUMA cells can only name vCPUs the domain has. When they name more vCPUs
 * than there are, validation reports that (with its own words), so this
 * only catches IDs out of range. */
static gboolean
numa_cpus_in_range(const VireoDomainDef *def, GError **error)
{
    guint total = 0;
    for (guint i = 0; def->cpu && i < def->cpu->numa->len; i++)
        total += bitmap_count(((VireoNumaCell *)g_ptr_array_index(def->cpu->numa, i))->cpus);
    if (total > def->vcpus)
        return TRUE;
    for (guint i = 0; def->cpu && i < def->cpu->numa->len; i++) {
        VireoNumaCell *c = g_ptr_array_index(def->cpu->numa, i);
        const char *last = c->cpus ? strrchr(c->cpus, ',') : NULL;
        const char *range = last ? last + 1 : c->cpus;
        const char *dash;
        if (!range)
            continue;
        dash = strchr(range, '-');
        if (g_ascii_strtoull(dash ? dash + 1 : range, NULL, 10) >= def->vcpus) {
            vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                            _("CPU IDs in <numa> exceed the <vcpu> count (cpu on line %u)"),
                            def->cpu->line);
            return FALSE;
        }
    }
    return TRUE;
}

static void
postparse_vcpus(VireoDomainDef *def)
{
    if (def->vcpus == 0)
        def->vcpus = 1;
    if (def->current_vcpus == 0)
        def->current_vcpus = def->vcpus;
    if (def->placement == VIREO_VCPU_PLACEMENT_DEFAULT)
        def->placement = VIREO_VCPU_PLACEMENT_STATIC;
    if (def->cpu && def->cpu->has_topology && def->cpu->dies == 0)
        def->cpu->dies = 1;
}

static gboolean
has_device_boot_order(const VireoDomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        if (((VireoDiskDef *)g_ptr_array_index(def->disks, i))->boot_order)
            return TRUE;
    }
    for (guint i = 0; i < def->nets->len; i++) {
        if (((VireoNetDef *)g_ptr_array_index(def->nets, i))->boot_order)
            return TRUE;
    }
    return FALSE;
}

/* Mixing <os><boot> with per-device <boot order> is refused by validation
 * (domain_validate.c), which can name the line. */
static void
postparse_os(VireoDomainDef *def)
{
    if (!has_device_boot_order(def) && def->os.nboot == 0) {
        def->os.boot[0] = VIREO_BOOT_DISK;
        def->os.nboot = 1;
    }
    /* A firmware path without type= is a ROM (libvirt's default). */
    if (def->os.loader && def->os.loader_type == VIREO_LOADER_TYPE_NONE)
        def->os.loader_type = VIREO_LOADER_TYPE_ROM;
    /* vireo runs x86_64 guests; libvirt's test driver would say i686. */
    if (!def->os.arch)
        def->os.arch = g_strdup("x86_64");
}

static void
postparse_lifecycle(VireoDomainDef *def)
{
    if (def->on_poweroff == VIREO_LIFECYCLE_UNSET)
        def->on_poweroff = VIREO_LIFECYCLE_DESTROY;
    if (def->on_reboot == VIREO_LIFECYCLE_UNSET)
        def->on_reboot = VIREO_LIFECYCLE_RESTART;
    if (def->on_crash == VIREO_LIFECYCLE_UNSET)
        def->on_crash = VIREO_LIFECYCLE_DESTROY;
}

/* ---- disks and controllers --------------------------------------------- */
/* libvirt's virDomainDiskDefAssignAddress for the buses with drive addresses. */
static gboolean
disk_assign_address(VireoDiskDef *d, GError **error)
{
    int idx = vireo_disk_name_to_index(d->dst);
    VireoDeviceAddress *a = &d->address;
    guint units;
    if (a->type != VIREO_ADDRESS_NONE)
        return TRUE;
    if (idx < 0) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Unknown disk name '%s' and no address specified (disk on line %u)"),
                        d->dst, d->line);
        return FALSE;
    }
    switch (d->bus) {
    case VIREO_DISK_BUS_IDE:
        if ((guint)idx / 4 > VIREO_CONTROLLER_INDEX_MAX) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("disk '%s' on line %u would need controller %u, above vireo's limit of %d"),
                            d->dst, d->line, (guint)idx / 4, VIREO_CONTROLLER_INDEX_MAX);
            return FALSE;
        }
        a->type = VIREO_ADDRESS_DRIVE;
        a->controller = idx / 4;
        a->bus = (idx % 4) / 2;
        a->unit = idx % 2;
        return TRUE;
    case VIREO_DISK_BUS_FDC:
        units = 2;
        break;
    case VIREO_DISK_BUS_SCSI:
        units = 7;
        break;
    case VIREO_DISK_BUS_SATA:
        units = 6;
        break;
    default:
        return TRUE;
    }
    if ((guint)idx / units > VIREO_CONTROLLER_INDEX_MAX) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("disk '%s' on line %u would need controller %u, above vireo's limit of %d"),
                        d->dst, d->line, (guint)idx / units, VIREO_CONTROLLER_INDEX_MAX);
        return FALSE;
    }
    a->type = VIREO_ADDRESS_DRIVE;
    a->controller = idx / units;
    a->bus = 0;
    a->unit = idx % units;
    return TRUE;
}

/* Floppies sit on the floppy controller and nothing else does. */
static gboolean
disk_bus_fits(const VireoDiskDef *d, GError **error)
{
    gboolean floppy = d->device == VIREO_DISK_DEVICE_FLOPPY;
    if (floppy == (d->bus == VIREO_DISK_BUS_FDC))
        return TRUE;
    vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                    floppy ? _("Invalid bus type '%s' for floppy disk (line %u)") :
                             _("Invalid bus type '%s' for disk (line %u)"),
                    vireo_disk_bus_to_string(d->bus), d->line);
    return FALSE;
}

/* The address kinds a disk on each bus can have (libvirt's rules). */
static gboolean
disk_address_fits(const VireoDiskDef *d, GError **error)
{
    VireoAddressType t = d->address.type;
    gboolean drive_bus = d->bus == VIREO_DISK_BUS_IDE || d->bus == VIREO_DISK_BUS_FDC ||
                         d->bus == VIREO_DISK_BUS_SCSI || d->bus == VIREO_DISK_BUS_SATA;
    if (t == VIREO_ADDRESS_NONE || (drive_bus && t == VIREO_ADDRESS_DRIVE) ||
        (!drive_bus && t != VIREO_ADDRESS_DRIVE))
        return TRUE;
    vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                    _("Invalid address type '%s' for the disk '%s' with the bus type '%s' (line %u)"),
                    vireo_address_type_to_string(t), d->dst, vireo_disk_bus_to_string(d->bus),
                    d->line);
    return FALSE;
}

/* Two disks of one bus on the same drive address. */
static gboolean
disk_drive_addresses_unique(const VireoDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->disks->len; i++) {
        VireoDiskDef *a = g_ptr_array_index(def->disks, i);
        if (a->address.type != VIREO_ADDRESS_DRIVE)
            continue;
        for (guint j = i + 1; j < def->disks->len; j++) {
            VireoDiskDef *b = g_ptr_array_index(def->disks, j);
            if (b->address.type != VIREO_ADDRESS_DRIVE || a->bus != b->bus ||
                a->address.controller != b->address.controller ||
                a->address.bus != b->address.bus || a->address.target != b->address.target ||
                a->address.unit != b->address.unit)
                continue;
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("Found duplicate drive address for disk with target name '%s' controller='%u' bus='%u' target='%u' unit='%u' (line %u)"),
                            b->dst, b->address.controller, b->address.bus, b->address.target,
                            b->address.unit, b->line);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
has_controller(const VireoDomainDef *def, VireoControllerType type, int idx)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        VireoControllerDef *c = g_ptr_array_index(def->controllers, i);
        if (c->type == type && c->idx == idx)
            return TRUE;
    }
    return FALSE;
}

static void
maybe_add_controller(VireoDomainDef *def, VireoControllerType type, int idx)
{
    VireoControllerDef *c;
    if (has_controller(def, type, idx))
        return;
    c = g_new0(VireoControllerDef, 1);
    c->type = type;
    c->idx = idx;
    /* libvirt appends implicit controllers; only parsed ones are sorted. */
    g_ptr_array_add(def->controllers, c);
}

static void
add_disk_controllers(VireoDomainDef *def, VireoControllerType type, VireoDiskBus bus)
{
    int max = -1;
    for (guint i = 0; i < def->disks->len; i++) {
        VireoDiskDef *d = g_ptr_array_index(def->disks, i);
        if (d->bus == bus && d->address.type == VIREO_ADDRESS_DRIVE &&
            (int)d->address.controller > max)
            max = (int)d->address.controller;
    }
    for (int i = 0; i <= max; i++)
        maybe_add_controller(def, type, i);
}

static void
add_virtio_serial_for(VireoDomainDef *def, GPtrArray *chrs)
{
    for (guint i = 0; i < chrs->len; i++) {
        VireoChrDef *c = g_ptr_array_index(chrs, i);
        if (g_strcmp0(c->target_type, "virtio") != 0)
            continue;
        maybe_add_controller(def, VIREO_CONTROLLER_TYPE_VIRTIO_SERIAL,
                             c->address.type == VIREO_ADDRESS_VIRTIO_SERIAL ?
                             (int)c->address.controller : 0);
    }
}

/* A controller without index= takes the lowest free one of its type. */
static void
assign_controller_indexes(VireoDomainDef *def)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        VireoControllerDef *c = g_ptr_array_index(def->controllers, i);
        int idx = 0;
        if (c->idx != -1)
            continue;
        while (has_controller(def, c->type, idx))
            idx++;
        c->idx = idx;
    }
}

static gboolean
postparse_controllers(VireoDomainDef *def, GError **error)
{
    for (guint i = 0; i < def->disks->len; i++) {
        if (!disk_bus_fits(g_ptr_array_index(def->disks, i), error) ||
            !disk_address_fits(g_ptr_array_index(def->disks, i), error) ||
            !disk_assign_address(g_ptr_array_index(def->disks, i), error))
            return FALSE;
    }
    if (!disk_drive_addresses_unique(def, error))
        return FALSE;
    assign_controller_indexes(def);
    /* Same order as libvirt's virDomainDefAddImplicitControllers. */
    add_disk_controllers(def, VIREO_CONTROLLER_TYPE_SCSI, VIREO_DISK_BUS_SCSI);
    add_disk_controllers(def, VIREO_CONTROLLER_TYPE_FDC, VIREO_DISK_BUS_FDC);
    add_disk_controllers(def, VIREO_CONTROLLER_TYPE_IDE, VIREO_DISK_BUS_IDE);
    add_disk_controllers(def, VIREO_CONTROLLER_TYPE_SATA, VIREO_DISK_BUS_SATA);
    add_virtio_serial_for(def, def->channels);
    add_virtio_serial_for(def, def->consoles);
    return TRUE;
}

/* libvirt fills a network disk host's missing port with the protocol's
 * well-known one (virStorageSourceNetworkDefaultPort). */
static void
postparse_disk_ports(VireoDomainDef *def)
{
    static const struct { const char *protocol; const char *port; } defaults[] = {
        { "http", "80" }, { "https", "443" }, { "ftp", "21" }, { "ftps", "990" },
        { "tftp", "69" }, { "sheepdog", "7000" }, { "nbd", "10809" }, { "ssh", "22" },
        { "iscsi", "3260" }, { "gluster", "24007" }, { "vxhs", "9999" },
    };
    for (guint i = 0; i < def->disks->len; i++) {
        VireoDiskDef *d = g_ptr_array_index(def->disks, i);
        for (guint h = 0; d->src_hosts && h < d->src_hosts->len; h++) {
            VireoNetHost *host = g_ptr_array_index(d->src_hosts, h);
            for (gsize k = 0; !host->port && k < G_N_ELEMENTS(defaults); k++) {
                if (g_strcmp0(d->src_protocol, defaults[k].protocol) == 0)
                    host->port = g_strdup(defaults[k].port);
            }
        }
    }
}

/* Two serial ports on one port number; at most four ISA ports (COM1-4). */
static gboolean
serial_ports_unique(const VireoDomainDef *def, GError **error)
{
    guint isa = 0;
    for (guint i = 0; i < def->serials->len; i++) {
        VireoChrDef *c = g_ptr_array_index(def->serials, i);
        if (g_strcmp0(c->target_type, "isa-serial") == 0 && (++isa > 4 || c->target_port > 3)) {
            vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                            _("Maximum supported number of ISA serial ports is '4' (serial on line %u)"),
                            c->line);
            return FALSE;
        }
    }
    for (guint i = 0; i < def->serials->len; i++) {
        VireoChrDef *a = g_ptr_array_index(def->serials, i);
        for (guint j = i + 1; j < def->serials->len; j++) {
            VireoChrDef *b = g_ptr_array_index(def->serials, j);
            if (a->target_port != b->target_port)
                continue;
            vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                            _("target port '%u' already allocated (serial on line %u)"),
                            b->target_port, b->line);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- interfaces -------------------------------------------------------- */
static void
postparse_nets(VireoDomainDef *def)
{
    for (guint i = 0; i < def->nets->len; i++) {
        VireoNetDef *n = g_ptr_array_index(def->nets, i);
        if (!n->mac_generated || !bytes_all_zero(n->mac, 6))
            continue;
        /* QEMU/KVM's OUI, as libvirt's virDomainNetGenerateMAC uses. */
        n->mac[0] = 0x52;
        n->mac[1] = 0x54;
        n->mac[2] = 0x00;
        for (int b = 3; b < 6; b++)
            n->mac[b] = (guint8)g_random_int_range(0, 256);
    }
}

/* ---- consoles ---------------------------------------------------------- */
/* The first <console> of an x86 guest is the first serial port seen from
 * the other side (libvirt's virDomainDefAddConsoleCompat): it is made to
 * mirror serials[0], and a serial port is made for a lone console. */
static VireoChrDef *
console_from_serial(const VireoChrDef *serial)
{
    VireoChrDef *c = vireo_chr_def_copy(serial);
    c->device = VIREO_CHR_DEVICE_CONSOLE;
    g_free(c->target_type);
    c->target_type = g_strdup("serial");
    g_clear_pointer(&c->target_model, g_free);
    c->line = 0;
    /* libvirt formats the console as a copy of the whole serial, its
     * address included. */
    g_clear_pointer(&c->alias, g_free);
    return c;
}

static gboolean
postparse_consoles(VireoDomainDef *def, GError **error)
{
    VireoChrDef *first = def->consoles->len ? g_ptr_array_index(def->consoles, 0) : NULL;
    /* A console without a target type is a serial console on x86. */
    for (guint i = 0; i < def->consoles->len; i++) {
        VireoChrDef *c = g_ptr_array_index(def->consoles, i);
        if (!c->target_type)
            c->target_type = g_strdup("serial");
    }
    for (guint i = 1; i < def->consoles->len; i++) {
        VireoChrDef *c = g_ptr_array_index(def->consoles, i);
        if (g_strcmp0(c->target_type, "serial") == 0) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                            _("Only the first console can be a serial port"));
            return FALSE;
        }
    }
    /* libvirt numbers consoles by position. */
    for (guint i = 0; i < def->consoles->len; i++) {
        VireoChrDef *c = g_ptr_array_index(def->consoles, i);
        c->target_port = i;
        c->has_target_port = TRUE;
    }
    if (first && (!first->target_type || g_str_equal(first->target_type, "serial"))) {
        if (def->serials->len == 0) {
            VireoChrDef *s = vireo_chr_def_copy(first);
            s->device = VIREO_CHR_DEVICE_SERIAL;
            g_clear_pointer(&s->target_type, g_free);
            s->target_port = 0;
            s->has_target_port = TRUE;
            g_ptr_array_add(def->serials, s);
        }
        /* Whether or not its source matched, libvirt writes the console
         * as a copy of serials[0]. */
        VireoChrDef *mirror = console_from_serial(g_ptr_array_index(def->serials, 0));
        mirror->line = first->line;
        g_ptr_array_index(def->consoles, 0) = mirror;
        vireo_chr_def_free(first);
    } else if (def->serials->len > 0) {
        g_ptr_array_insert(def->consoles, 0,
                           console_from_serial(g_ptr_array_index(def->serials, 0)));
    }
    return TRUE;
}

/* ---- graphics and video ------------------------------------------------ */
static void
postparse_graphics(VireoDomainDef *def)
{
    for (guint i = 0; i < def->graphics->len; i++) {
        VireoGraphicsDef *g = g_ptr_array_index(def->graphics, i);
        if (g->type != VIREO_GRAPHICS_VNC)
            continue;
        /* libvirt: no port or port='-1' means autoport unless autoport=
         * says otherwise; a port of -1 without autoport is no port. */
        if (g->autoport == VIREO_TRISTATE_ABSENT)
            g->autoport = (!g->has_port || g->port == -1) ? VIREO_TRISTATE_YES :
                                                           VIREO_TRISTATE_NO;
        if (!g->has_port || g->port == -1) {
            g->port = g->autoport == VIREO_TRISTATE_YES ? -1 : 0;
            g->has_port = g->autoport == VIREO_TRISTATE_YES;
        }
        if (g->listens->len == 0) {
            VireoGraphicsListen *l = g_new0(VireoGraphicsListen, 1);
            l->type = VIREO_LISTEN_ADDRESS;
            g_ptr_array_add(g->listens, l);
        }
    }
}

/* libvirt's virDomainVideoDefaultRAM for a KVM guest. */
static guint
video_default_vram(VireoVideoModel model)
{
    switch (model) {
    case VIREO_VIDEO_VGA:
    case VIREO_VIDEO_CIRRUS:
    case VIREO_VIDEO_VMVGA:
    case VIREO_VIDEO_BOCHS:
        return 16 * 1024;
    case VIREO_VIDEO_XEN:
        return 4 * 1024;
    case VIREO_VIDEO_QXL:
        return 64 * 1024;
    default:
        return 0;
    }
}

static gboolean
postparse_videos(VireoDomainDef *def, GError **error)
{
    gboolean any_primary = FALSE;
    for (guint i = 0; def->videos->len > 1 && i < def->videos->len; i++) {
        VireoVideoDef *v = g_ptr_array_index(def->videos, i);
        if (v->model == VIREO_VIDEO_NONE) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("a 'none' video type must be the only video device defined for the domain (video on line %u)"),
                            v->line);
            return FALSE;
        }
    }
    if (def->videos->len == 0 && def->graphics->len > 0) {
        VireoVideoDef *v = g_new0(VireoVideoDef, 1);
        g_ptr_array_add(def->videos, v);
    }
    for (guint i = 0; i < def->videos->len; i++) {
        VireoVideoDef *v = g_ptr_array_index(def->videos, i);
        if (v->model == VIREO_VIDEO_DEFAULT)
            v->model = VIREO_VIDEO_CIRRUS;
        if (!v->vram)
            v->vram = video_default_vram(v->model);
        if (v->model == VIREO_VIDEO_QXL && !v->ram)
            v->ram = 64 * 1024;
        if (!v->has_heads && v->model != VIREO_VIDEO_NONE) {
            v->heads = 1;
            v->has_heads = TRUE;
        }
        any_primary |= v->primary == VIREO_TRISTATE_YES;
    }
    /* A "none" video is a placeholder, never the primary card. */
    if (def->videos->len > 0 && !any_primary &&
        ((VireoVideoDef *)g_ptr_array_index(def->videos, 0))->model != VIREO_VIDEO_NONE)
        ((VireoVideoDef *)g_ptr_array_index(def->videos, 0))->primary = VIREO_TRISTATE_YES;
    return TRUE;
}

static void
postparse_misc_devices(VireoDomainDef *def)
{
    for (guint i = 0; i < def->watchdogs->len; i++) {
        VireoWatchdogDef *w = g_ptr_array_index(def->watchdogs, i);
        if (!w->action)
            w->action = g_strdup("reset");
    }
}

gboolean
vireo_domain_def_postparse(VireoDomainDef *def, GError **error)
{
    if (!postparse_identity(def, error))
        return FALSE;
    postparse_memory(def);
    if (!postparse_hugepages(def, error))
        return FALSE;
    postparse_vcpus(def);
    if (!numa_cpus_in_range(def, error))
        return FALSE;
    postparse_os(def);
    postparse_lifecycle(def);
    if (!postparse_controllers(def, error))
        return FALSE;
    postparse_disk_ports(def);
    postparse_nets(def);
    if (!serial_ports_unique(def, error))
        return FALSE;
    if (!postparse_consoles(def, error))
        return FALSE;
    postparse_graphics(def);
    if (!postparse_videos(def, error))
        return FALSE;
    postparse_misc_devices(def);
    return TRUE;
}
