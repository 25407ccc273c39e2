/* vireo: semantic checks of a domain definition.
 *
 * The schema (schemas/domain.rng) checks shape and spelling; these checks
 * need the whole definition: counts that must agree, names that must be
 * unique, values that are well formed but meaningless. Messages use
 * libvirt's wording where libvirt has the same check, so a user searching
 * for the message finds libvirt's documentation and bug reports.
 *
 * Every check runs and reports, so `vireo validate` can list all problems
 * in one pass; vireo_domain_def_validate() keeps only the first. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_validate.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

typedef struct {
    const VireoDomainDef *def;
    const char *url;
    GPtrArray *problems;    /* GError* */
} Checker;

static void problem(Checker *c, guint line, VireoErrorCode code,
                    const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Records one problem at line (the domain's line when the struct that
 * caused it has none, e.g. it was added by post-parse). */
static void
problem(Checker *c, guint line, VireoErrorCode code, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    GError *err = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vireo_error_set(&err, code, "%s", detail);
    if (!line)
        line = c->def->lines.domain;
    if (c->url && line)
        g_prefix_error(&err, "%s:%u: ", c->url, line);
    else if (c->url)
        g_prefix_error(&err, "%s: ", c->url);
    g_ptr_array_add(c->problems, err);
}

static guint
len_of(const GPtrArray *arr)
{
    return arr ? arr->len : 0;
}

/* ---- enums ------------------------------------------------------------ */

/* The parser only stores known values, but a definition can also be built
 * in code (tests, a future API), and an out-of-range value would index past
 * the enum tables when formatted. */
static void
check_enum(Checker *c, guint line, const char *what, int value, int last)
{
    if (value < 0 || value >= last)
        problem(c, line, VIREO_ERR_INTERNAL_ERROR,
                _("unknown %s value %d"), what, value);
}

/* Unset (not written, and no post-parse default yet) is fine. */
static void
check_lifecycle(Checker *c, guint line, const char *what, VireoLifecycleAction a)
{
    if (a != VIREO_LIFECYCLE_UNSET)
        check_enum(c, line, what, a, VIREO_LIFECYCLE_LAST);
}

static void
check_enums_domain(Checker *c)
{
    const VireoDomainDef *def = c->def;

    check_enum(c, def->lines.domain, "domain type", def->virt_type, VIREO_DOMAIN_VIRT_LAST);
    check_enum(c, def->lines.vcpu, "vcpu placement", def->placement, VIREO_VCPU_PLACEMENT_LAST);
    for (guint i = 0; i < def->os.nboot && i < VIREO_BOOT_LAST; i++)
        check_enum(c, def->os.line, "boot device", def->os.boot[i], VIREO_BOOT_LAST);
    check_enum(c, def->os.line, "loader type", def->os.loader_type, VIREO_LOADER_TYPE_LAST);
    check_enum(c, def->os.line, "smbios mode", def->os.smbios, VIREO_SMBIOS_LAST);
    check_enum(c, def->clock.line, "clock offset", def->clock.offset, VIREO_CLOCK_OFFSET_LAST);
    check_enum(c, def->clock.line, "clock basis", def->clock.basis, VIREO_CLOCK_BASIS_LAST);
    for (guint i = 0; i < len_of(def->clock.timers); i++) {
        const VireoTimerDef *t = g_ptr_array_index(def->clock.timers, i);
        check_enum(c, def->clock.line, "timer name", t->name, VIREO_TIMER_LAST);
        check_enum(c, def->clock.line, "timer tickpolicy", t->tickpolicy, VIREO_TIMER_TICKPOLICY_LAST);
        check_enum(c, def->clock.line, "timer track", t->track, VIREO_TIMER_TRACK_LAST);
    }
    check_lifecycle(c, def->lines.on_poweroff, "on_poweroff action", def->on_poweroff);
    check_lifecycle(c, def->lines.on_reboot, "on_reboot action", def->on_reboot);
    check_lifecycle(c, def->lines.on_crash, "on_crash action", def->on_crash);
    if (def->cpu) {
        check_enum(c, def->cpu->line, "cpu mode", def->cpu->mode, VIREO_CPU_MODE_LAST);
        check_enum(c, def->cpu->line, "cpu match", def->cpu->match, VIREO_CPU_MATCH_LAST);
        check_enum(c, def->cpu->line, "cpu check", def->cpu->check, VIREO_CPU_CHECK_LAST);
        check_enum(c, def->cpu->line, "cpu fallback", def->cpu->fallback, VIREO_CPU_FALLBACK_LAST);
    }
}

static void
check_enums_devices(Checker *c)
{
    const VireoDomainDef *def = c->def;

    for (guint i = 0; i < len_of(def->disks); i++) {
        const VireoDiskDef *d = g_ptr_array_index(def->disks, i);
        check_enum(c, d->line, "disk type", d->type, VIREO_DISK_TYPE_LAST);
        check_enum(c, d->line, "disk device", d->device, VIREO_DISK_DEVICE_LAST);
        check_enum(c, d->line, "disk bus", d->bus, VIREO_DISK_BUS_LAST);
        check_enum(c, d->line, "disk cache", d->cache, VIREO_DISK_CACHE_LAST);
        check_enum(c, d->line, "disk io", d->io, VIREO_DISK_IO_LAST);
        check_enum(c, d->line, "disk discard", d->discard, VIREO_DISK_DISCARD_LAST);
    }
    for (guint i = 0; i < len_of(def->controllers); i++) {
        const VireoControllerDef *ctl = g_ptr_array_index(def->controllers, i);
        check_enum(c, ctl->line, "controller type", ctl->type, VIREO_CONTROLLER_TYPE_LAST);
    }
    for (guint i = 0; i < len_of(def->nets); i++) {
        const VireoNetDef *n = g_ptr_array_index(def->nets, i);
        check_enum(c, n->line, "interface type", n->type, VIREO_NET_TYPE_LAST);
    }
    for (guint i = 0; i < len_of(def->inputs); i++) {
        const VireoInputDef *in = g_ptr_array_index(def->inputs, i);
        check_enum(c, in->line, "input type", in->type, VIREO_INPUT_TYPE_LAST);
        check_enum(c, in->line, "input bus", in->bus, VIREO_INPUT_BUS_LAST);
    }
    for (guint i = 0; i < len_of(def->graphics); i++) {
        const VireoGraphicsDef *g = g_ptr_array_index(def->graphics, i);
        check_enum(c, g->line, "graphics type", g->type, VIREO_GRAPHICS_LAST);
        for (guint j = 0; j < len_of(g->listens); j++) {
            const VireoGraphicsListen *l = g_ptr_array_index(g->listens, j);
            check_enum(c, g->line, "listen type", l->type, VIREO_LISTEN_LAST);
        }
    }
    for (guint i = 0; i < len_of(def->videos); i++) {
        const VireoVideoDef *v = g_ptr_array_index(def->videos, i);
        check_enum(c, v->line, "video model", v->model, VIREO_VIDEO_LAST);
    }
}

static void
check_enums_chr(Checker *c, const GPtrArray *chrs)
{
    for (guint i = 0; i < len_of(chrs); i++) {
        const VireoChrDef *chr = g_ptr_array_index(chrs, i);
        check_enum(c, chr->line, "character device type", chr->type, VIREO_CHR_TYPE_LAST);
    }
}

/* ---- name ------------------------------------------------------------- */

/* The name is a key in the domain store and part of file names (state
 * directory, QMP socket, log), so it must be one valid path component. */
static void
check_name(Checker *c)
{
    const char *name = c->def->name;
    guint line = c->def->lines.name;

    if (!name || !*name) {
        problem(c, line, VIREO_ERR_XML_ERROR, "%s", _("missing name information"));
        return;
    }
    if (strchr(name, '/'))
        problem(c, line, VIREO_ERR_XML_ERROR, _("name %s cannot contain '/'"), name);
    if (name[0] == '.')
        problem(c, line, VIREO_ERR_XML_ERROR, _("name %s cannot start with '.'"), name);
    if (strlen(name) > VIREO_DOMAIN_NAME_MAX)
        problem(c, line, VIREO_ERR_XML_ERROR,
                _("name is %zu bytes long, more than the limit of %d"),
                strlen(name), VIREO_DOMAIN_NAME_MAX);
    for (const char *p = name; *p; p++) {
        if ((guchar)*p < 0x20 || *p == 0x7f) {
            problem(c, line, VIREO_ERR_XML_ERROR, _("invalid char in %s: 0x%02x"),
                    "name", (guint)(guchar)*p);
            break;
        }
    }
}

/* ---- memory ----------------------------------------------------------- */

static void
check_memory(Checker *c)
{
    const VireoDomainDef *def = c->def;

    if (def->memory_kib == 0) {
        problem(c, def->lines.memory, VIREO_ERR_XML_ERROR, "%s",
                _("Memory size must be specified via <memory> or in the <numa> configuration"));
        return;
    }
    if (def->current_memory_kib > def->memory_kib)
        problem(c, def->lines.current_memory, VIREO_ERR_XML_ERROR,
                _("current memory '%lluk' exceeds maximum '%lluk'"),
                (unsigned long long)def->current_memory_kib,
                (unsigned long long)def->memory_kib);
    if (def->max_memory_kib && def->max_memory_kib < def->memory_kib)
        problem(c, def->lines.max_memory, VIREO_ERR_XML_ERROR, "%s",
                _("maximum memory size must be equal or greater than the actual memory size"));
}

/* ---- vcpus and cpu ---------------------------------------------------- */

static void
check_vcpus(Checker *c)
{
    const VireoDomainDef *def = c->def;

    if (def->vcpus == 0) {
        problem(c, def->lines.vcpu, VIREO_ERR_XML_ERROR, "%s",
                _("maximum vcpus count must be an integer"));
        return;
    }
    if (def->current_vcpus > def->vcpus)
        problem(c, def->lines.vcpu, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                _("maximum vCPU count must not be less than current vCPU count"));
}

/* sockets * dies * clusters * cores * threads, with unset (0) levels
 * counting as 1; in 64 bits, where five 32-bit factors cannot wrap past
 * a real count unnoticed (the product is capped first). */
static guint64
topology_cpus(const VireoCpuDef *cpu)
{
    const guint levels[] = { cpu->sockets, cpu->dies, cpu->clusters, cpu->cores, cpu->threads };
    guint64 total = 1;

    for (gsize i = 0; i < G_N_ELEMENTS(levels); i++) {
        total *= levels[i] ? levels[i] : 1;
        if (total > G_MAXUINT32)
            return G_MAXUINT64;
    }
    return total;
}

static void
check_topology(Checker *c)
{
    const VireoCpuDef *cpu = c->def->cpu;

    if (!cpu || !cpu->has_topology)
        return;
    if (cpu->sockets == 0 || cpu->cores == 0 || cpu->threads == 0) {
        problem(c, cpu->line, VIREO_ERR_XML_ERROR, "%s",
                _("Invalid CPU topology"));
        return;
    }
    if (topology_cpus(cpu) != c->def->vcpus)
        problem(c, cpu->line, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                _("CPU topology doesn't match maximum vcpu count"));
}

static void
check_cpu_features(Checker *c)
{
    const VireoCpuDef *cpu = c->def->cpu;
    g_autoptr(GHashTable) seen = NULL;

    if (!cpu || !cpu->features)
        return;
    seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < cpu->features->len; i++) {
        const VireoCpuFeatureDef *f = g_ptr_array_index(cpu->features, i);
        if ((int)f->policy < 0 || f->policy >= VIREO_CPU_FEATURE_LAST)
            problem(c, cpu->line, VIREO_ERR_XML_ERROR, "%s",
                    _("Invalid CPU feature policy"));
        if (!f->name || !*f->name) {
            problem(c, cpu->line, VIREO_ERR_XML_ERROR, "%s",
                    _("Invalid CPU feature name"));
            continue;
        }
        if (!g_hash_table_add(seen, f->name))
            problem(c, cpu->line, VIREO_ERR_XML_ERROR,
                    _("CPU feature '%s' specified more than once"), f->name);
    }
}

/* Counts the CPUs of a cpuset like "0-3,6"; -1 when it does not parse. */
static gint64
cpuset_count(const char *set)
{
    g_auto(GStrv) parts = g_strsplit(set ? set : "", ",", -1);
    gint64 count = 0;

    for (guint i = 0; parts[i]; i++) {
        guint64 lo, hi;
        char *end = NULL;
        lo = g_ascii_strtoull(parts[i], &end, 10);
        if (end == parts[i])
            return -1;
        hi = lo;
        if (*end == '-') {
            char *start = end + 1;
            hi = g_ascii_strtoull(start, &end, 10);
            if (end == start || hi < lo)
                return -1;
        }
        if (*end != '\0' || hi - lo > G_MAXUINT32)
            return -1;
        count += (gint64)(hi - lo + 1);
    }
    return count;
}

static void
check_numa(Checker *c)
{
    const VireoCpuDef *cpu = c->def->cpu;
    gint64 total = 0;

    if (!cpu || len_of(cpu->numa) == 0)
        return;
    for (guint i = 0; i < cpu->numa->len; i++) {
        const VireoNumaCell *cell = g_ptr_array_index(cpu->numa, i);
        gint64 n = cpuset_count(cell->cpus);
        if (n < 0) {
            problem(c, cpu->line, VIREO_ERR_XML_ERROR,
                    _("Invalid 'cpus' attribute in NUMA cell: '%s'"),
                    cell->cpus ? cell->cpus : "");
            return;
        }
        total += n;
    }
    if (total > (gint64)c->def->vcpus)
        problem(c, cpu->line, VIREO_ERR_XML_ERROR, "%s",
                _("Number of CPUs in <numa> exceeds the <vcpu> count"));
}

/* ---- os --------------------------------------------------------------- */

/* vireo runs x86 guests in hardware-virtualised ("hvm") mode only. */
static void
check_os(Checker *c)
{
    const VireoDomainOsDef *os = &c->def->os;

    if (os->type && !g_str_equal(os->type, "hvm"))
        problem(c, os->line, VIREO_ERR_CONFIG_UNSUPPORTED,
                _("unknown OS type '%s'"), os->type);
    if (os->arch && !g_str_equal(os->arch, "x86_64") && !g_str_equal(os->arch, "i686"))
        problem(c, os->line, VIREO_ERR_CONFIG_UNSUPPORTED,
                _("Unknown architecture %s"), os->arch);
}

/* ---- boot ------------------------------------------------------------- */

static void
check_boot_order(Checker *c, GHashTable *orders, guint order, guint line)
{
    if (!order)
        return;
    if (!g_hash_table_add(orders, GUINT_TO_POINTER(order)))
        problem(c, line, VIREO_ERR_XML_ERROR,
                _("boot order '%u' used for more than one device"), order);
}

static void
check_boot(Checker *c)
{
    const VireoDomainDef *def = c->def;
    g_autoptr(GHashTable) orders = g_hash_table_new(g_direct_hash, g_direct_equal);
    guint first_device_line = 0;

    if (def->os.has_bootmenu_timeout && def->os.bootmenu_timeout > 65535)
        problem(c, def->os.line, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                _("invalid value for boot menu timeout, must be in range [0,65535]"));
    if (def->os.has_reboot_timeout &&
        (def->os.reboot_timeout < -1 || def->os.reboot_timeout > 65535))
        problem(c, def->os.line, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                _("invalid value for rebootTimeout, must be in range [-1,65535]"));

    for (guint i = 0; i < len_of(def->disks); i++) {
        const VireoDiskDef *d = g_ptr_array_index(def->disks, i);
        check_boot_order(c, orders, d->boot_order, d->line);
        if (d->boot_order && !first_device_line)
            first_device_line = d->line ? d->line : def->lines.devices;
    }
    for (guint i = 0; i < len_of(def->nets); i++) {
        const VireoNetDef *n = g_ptr_array_index(def->nets, i);
        check_boot_order(c, orders, n->boot_order, n->line);
        if (n->boot_order && !first_device_line)
            first_device_line = n->line ? n->line : def->lines.devices;
    }
    if (def->os.nboot && g_hash_table_size(orders))
        problem(c, first_device_line, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                _("per-device boot elements cannot be used together with os/boot elements"));
}

/* ---- devices ---------------------------------------------------------- */

static const char *
disk_source_name(const VireoDiskDef *d)
{
    if (d->src_path)
        return d->src_path;
    if (d->src_name)
        return d->src_name;
    if (d->src_volume)
        return d->src_volume;
    return "<null>";
}

static void
check_disks(Checker *c)
{
    const GPtrArray *disks = c->def->disks;

    for (guint i = 0; i < len_of(disks); i++) {
        const VireoDiskDef *a = g_ptr_array_index(disks, i);
        if (!a->dst || !*a->dst) {
            problem(c, a->line, VIREO_ERR_XML_ERROR,
                    _("missing target information for device %s"),
                    disk_source_name(a));
            continue;
        }
        /* libvirt's QEMU driver refuses it (its test driver does not):
         * only a USB disk has a removable flag to give the guest. */
        if (a->removable != VIREO_TRISTATE_ABSENT && a->bus != VIREO_DISK_BUS_USB)
            problem(c, a->line, VIREO_ERR_XML_ERROR, "%s",
                    _("removable is only valid for usb disks"));
        for (guint j = 0; j < i; j++) {
            const VireoDiskDef *b = g_ptr_array_index(disks, j);
            if (b->dst && g_str_equal(a->dst, b->dst)) {
                /* Report at the later of the two, where the user added it. */
                const VireoDiskDef *first = b->line <= a->line ? b : a;
                const VireoDiskDef *second = first == a ? b : a;
                problem(c, second->line, VIREO_ERR_XML_ERROR,
                        _("target '%s' duplicated for disk sources '%s' and '%s'"),
                        a->dst, disk_source_name(first), disk_source_name(second));
                break;
            }
        }
    }
}

static gboolean
mac_is_zero(const guint8 mac[6])
{
    static const guint8 zero[6];
    return memcmp(mac, zero, 6) == 0;
}

static void
check_nets(Checker *c)
{
    const GPtrArray *nets = c->def->nets;

    for (guint i = 0; i < len_of(nets); i++) {
        const VireoNetDef *a = g_ptr_array_index(nets, i);
        char mac[18];

        /* All zero: not assigned yet (post-parse generates one). */
        if (mac_is_zero(a->mac))
            continue;
        g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
                   a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
        /* Bit 0 of the first octet marks group addresses: a NIC with one
         * would receive every frame sent to that group and send none. */
        if (a->mac[0] & 0x01)
            problem(c, a->line, VIREO_ERR_XML_ERROR,
                    _("expected unicast mac address, found multicast '%s'"), mac);
        for (guint j = 0; j < i; j++) {
            const VireoNetDef *b = g_ptr_array_index(nets, j);
            if (memcmp(a->mac, b->mac, 6) == 0) {
                problem(c, MAX(a->line, b->line), VIREO_ERR_XML_ERROR,
                        _("MAC address '%s' is used by more than one interface"), mac);
                break;
            }
        }
    }
}

/* The EHCI controller a USB companion belongs to: same index, no master. */
static const VireoControllerDef *
usb_master_of(const GPtrArray *ctls, const VireoControllerDef *companion)
{
    for (guint i = 0; i < len_of(ctls); i++) {
        const VireoControllerDef *m = g_ptr_array_index(ctls, i);
        if (m->type == VIREO_CONTROLLER_TYPE_USB && !m->has_master &&
            m->idx == companion->idx)
            return m;
    }
    return NULL;
}

static void
check_controllers(Checker *c)
{
    const GPtrArray *ctls = c->def->controllers;

    for (guint i = 0; i < len_of(ctls); i++) {
        const VireoControllerDef *a = g_ptr_array_index(ctls, i);
        if (a->has_master && !usb_master_of(ctls, a))
            problem(c, a->line, VIREO_ERR_XML_ERROR, "%s",
                    _("No master USB controller specified"));
        for (guint j = 0; j < i; j++) {
            const VireoControllerDef *b = g_ptr_array_index(ctls, j);
            /* USB companions (<master startport/>) share their EHCI
             * controller's index. */
            if (a->has_master || b->has_master)
                continue;
            if (a->type == b->type && a->idx == b->idx) {
                problem(c, MAX(a->line, b->line), VIREO_ERR_XML_ERROR,
                        _("Multiple '%s' controllers with index '%d'"),
                        vireo_controller_type_to_string(a->type) ?
                        vireo_controller_type_to_string(a->type) : "?",
                        a->idx);
                break;
            }
        }
    }
}

static void
check_videos(Checker *c)
{
    const GPtrArray *videos = c->def->videos;
    gboolean have_primary = FALSE;

    for (guint i = 0; i < len_of(videos); i++) {
        const VireoVideoDef *v = g_ptr_array_index(videos, i);
        if (v->ram && v->model != VIREO_VIDEO_QXL)
            problem(c, v->line, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                    _("ram attribute only supported for video type qxl"));
        if (v->vgamem && v->model != VIREO_VIDEO_QXL)
            problem(c, v->line, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                    _("vgamem attribute only supported for video type qxl"));
        if (v->primary != VIREO_TRISTATE_YES)
            continue;
        if (have_primary)
            problem(c, v->line, VIREO_ERR_XML_ERROR, "%s",
                    _("Only one primary video device is supported"));
        have_primary = TRUE;
    }
}

/* ---- entry points ----------------------------------------------------- */

GPtrArray *
vireo_domain_def_validate_all(const VireoDomainDef *def, const char *url)
{
    Checker c = {
        .def = def,
        .url = url,
        .problems = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free),
    };

    check_name(&c);
    check_memory(&c);
    check_vcpus(&c);
    check_topology(&c);
    check_cpu_features(&c);
    check_numa(&c);
    check_os(&c);
    check_boot(&c);
    check_enums_domain(&c);
    check_enums_devices(&c);
    check_enums_chr(&c, def->serials);
    check_enums_chr(&c, def->consoles);
    check_enums_chr(&c, def->channels);
    check_disks(&c);
    check_nets(&c);
    check_controllers(&c);
    check_videos(&c);
    return c.problems;
}

gboolean
vireo_domain_def_validate_at(const VireoDomainDef *def, const char *url,
                             GError **error)
{
    g_autoptr(GPtrArray) problems = vireo_domain_def_validate_all(def, url);

    if (problems->len == 0)
        return TRUE;
    if (error)
        *error = g_ptr_array_steal_index(problems, 0);
    return FALSE;
}

gboolean
vireo_domain_def_validate(const VireoDomainDef *def, GError **error)
{
    return vireo_domain_def_validate_at(def, NULL, error);
}
