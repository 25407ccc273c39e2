/* vireo: the domain model — enum tables, allocation, and the parser for the
 * general (non-device) elements of libvirt's domain XML. Devices are parsed
 * in domain_conf_devices.c, the whole model is written by domain_format.c,
 * and the parse -> post-parse -> validate pipeline lives in domain_parse.c. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* ---- enum tables (libvirt's strings; "" marks an absent/default slot) --- */
VIREO_ENUM_IMPL(vireo_domain_virt, VIREO_DOMAIN_VIRT_LAST, "qemu", "kvm");
VIREO_ENUM_IMPL(vireo_vcpu_placement, VIREO_VCPU_PLACEMENT_LAST, "", "static", "auto");
VIREO_ENUM_IMPL(vireo_boot_dev, VIREO_BOOT_LAST, "fd", "cdrom", "hd", "network");
VIREO_ENUM_IMPL(vireo_loader_type, VIREO_LOADER_TYPE_LAST, "none", "rom", "pflash");
VIREO_ENUM_IMPL(vireo_smbios_mode, VIREO_SMBIOS_LAST, "none", "emulate", "host", "sysinfo");
VIREO_ENUM_IMPL(vireo_domain_feature, VIREO_DOMAIN_FEATURE_LAST,
                "acpi", "apic", "pae", "hap", "vmport", "pmu", "kvm", "vmcoreinfo");
VIREO_ENUM_IMPL(vireo_cpu_mode, VIREO_CPU_MODE_LAST,
                "custom", "host-model", "host-passthrough", "maximum");
VIREO_ENUM_IMPL(vireo_cpu_match, VIREO_CPU_MATCH_LAST, "", "minimum", "exact", "strict");
VIREO_ENUM_IMPL(vireo_cpu_check, VIREO_CPU_CHECK_LAST, "default", "none", "partial", "full");
VIREO_ENUM_IMPL(vireo_cpu_fallback, VIREO_CPU_FALLBACK_LAST, "", "allow", "forbid");
VIREO_ENUM_IMPL(vireo_cpu_feature_policy, VIREO_CPU_FEATURE_LAST,
                "force", "require", "optional", "disable", "forbid");
VIREO_ENUM_IMPL(vireo_clock_offset, VIREO_CLOCK_OFFSET_LAST,
                "utc", "localtime", "variable", "timezone");
VIREO_ENUM_IMPL(vireo_clock_basis, VIREO_CLOCK_BASIS_LAST, "utc", "localtime");
VIREO_ENUM_IMPL(vireo_timer_name, VIREO_TIMER_LAST,
                "platform", "pit", "rtc", "hpet", "tsc", "kvmclock",
                "hypervclock", "armvtimer");
VIREO_ENUM_IMPL(vireo_timer_tickpolicy, VIREO_TIMER_TICKPOLICY_LAST,
                "", "delay", "catchup", "merge", "discard");
VIREO_ENUM_IMPL(vireo_timer_track, VIREO_TIMER_TRACK_LAST,
                "", "boot", "guest", "wall", "realtime");
VIREO_ENUM_IMPL(vireo_lifecycle_action, VIREO_LIFECYCLE_LAST,
                "destroy", "restart", "rename-restart", "preserve",
                "coredump-destroy", "coredump-restart");
VIREO_ENUM_IMPL(vireo_address_type, VIREO_ADDRESS_LAST,
                "none", "pci", "drive", "virtio-serial", "ccid", "usb", "isa",
                "virtio-mmio");
VIREO_ENUM_IMPL(vireo_disk_type, VIREO_DISK_TYPE_LAST,
                "file", "block", "dir", "network", "volume");
VIREO_ENUM_IMPL(vireo_disk_device, VIREO_DISK_DEVICE_LAST,
                "disk", "cdrom", "floppy", "lun");
VIREO_ENUM_IMPL(vireo_disk_bus, VIREO_DISK_BUS_LAST,
                "", "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd");
VIREO_ENUM_IMPL(vireo_disk_cache, VIREO_DISK_CACHE_LAST,
                "default", "none", "writethrough", "writeback", "directsync", "unsafe");
VIREO_ENUM_IMPL(vireo_disk_io, VIREO_DISK_IO_LAST,
                "default", "native", "threads", "io_uring");
VIREO_ENUM_IMPL(vireo_disk_discard, VIREO_DISK_DISCARD_LAST,
                "default", "unmap", "ignore");
VIREO_ENUM_IMPL(vireo_controller_type, VIREO_CONTROLLER_TYPE_LAST,
                "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb",
                "pci", "xenbus", "isa");
VIREO_ENUM_IMPL(vireo_net_type, VIREO_NET_TYPE_LAST,
                "user", "ethernet", "vhostuser", "server", "client", "mcast",
                "udp", "network", "bridge", "internal", "direct", "hostdev",
                "vdpa", "null", "vds");
VIREO_ENUM_IMPL(vireo_chr_device_type, VIREO_CHR_DEVICE_LAST,
                "serial", "parallel", "console", "channel");
VIREO_ENUM_IMPL(vireo_chr_type, VIREO_CHR_TYPE_LAST,
                "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp",
                "tcp", "unix", "spicevmc", "spiceport", "nmdm", "qemu-vdagent",
                "dbus");
VIREO_ENUM_IMPL(vireo_input_type, VIREO_INPUT_TYPE_LAST,
                "mouse", "tablet", "keyboard", "passthrough", "evdev");
VIREO_ENUM_IMPL(vireo_input_bus, VIREO_INPUT_BUS_LAST,
                "default", "ps2", "usb", "xen", "parallels", "virtio", "none");
VIREO_ENUM_IMPL(vireo_graphics_type, VIREO_GRAPHICS_LAST,
                "vnc", "sdl", "spice", "rdp", "desktop", "egl-headless", "dbus");
VIREO_ENUM_IMPL(vireo_listen_type, VIREO_LISTEN_LAST,
                "none", "address", "network", "socket");
VIREO_ENUM_IMPL(vireo_video_model, VIREO_VIDEO_LAST,
                "default", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl",
                "parallels", "virtio", "gop", "none", "bochs", "ramfb");

/* ---- free functions ---------------------------------------------------- */
void
vireo_hugepage_free(VireoHugepage *p)
{
    if (!p)
        return;
    g_free(p->nodeset);
    g_free(p);
}

void
vireo_cpu_feature_def_free(VireoCpuFeatureDef *f)
{
    if (!f)
        return;
    g_free(f->name);
    g_free(f);
}

void
vireo_numa_cell_free(VireoNumaCell *c)
{
    if (!c)
        return;
    g_free(c->cpus);
    g_free(c->mem_access);
    g_free(c);
}

void
vireo_cpu_def_free(VireoCpuDef *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->model);
    g_free(cpu->vendor_id);
    g_free(cpu->vendor);
    g_clear_pointer(&cpu->features, g_ptr_array_unref);
    g_clear_pointer(&cpu->numa, g_ptr_array_unref);
    g_free(cpu);
}

void
vireo_timer_def_free(VireoTimerDef *t)
{
    if (!t)
        return;
    g_free(t->mode);
    g_free(t);
}

void
vireo_sysinfo_entry_free(VireoSysinfoEntry *e)
{
    if (!e)
        return;
    g_free(e->name);
    g_free(e->value);
    g_free(e);
}

void
vireo_sysinfo_def_free(VireoSysinfoDef *s)
{
    if (!s)
        return;
    g_free(s->type);
    g_clear_pointer(&s->bios, g_ptr_array_unref);
    g_clear_pointer(&s->system, g_ptr_array_unref);
    g_clear_pointer(&s->base_boards, g_ptr_array_unref);
    g_clear_pointer(&s->chassis, g_ptr_array_unref);
    g_clear_pointer(&s->oem_strings, g_ptr_array_unref);
    g_free(s);
}

void
vireo_net_host_free(VireoNetHost *h)
{
    if (!h)
        return;
    g_free(h->name);
    g_free(h->port);
    g_free(h);
}

static void
device_address_clear(VireoDeviceAddress *addr)
{
    g_clear_pointer(&addr->usb_port, g_free);
}

void
vireo_disk_def_free(VireoDiskDef *d)
{
    if (!d)
        return;
    g_free(d->driver_name);
    g_free(d->driver_type);
    g_free(d->src_path);
    g_free(d->src_protocol);
    g_free(d->src_name);
    g_clear_pointer(&d->src_hosts, g_ptr_array_unref);
    g_free(d->src_pool);
    g_free(d->src_volume);
    g_free(d->dst);
    g_free(d->serial);
    g_free(d->auth_username);
    g_free(d->auth_secret_type);
    g_free(d->auth_secret_uuid);
    g_free(d->auth_secret_usage);
    g_free(d->alias);
    device_address_clear(&d->address);
    g_free(d);
}

void
vireo_controller_def_free(VireoControllerDef *c)
{
    if (!c)
        return;
    g_free(c->model);
    g_free(c->target_chassis_attrs);
    g_free(c->model_name);
    device_address_clear(&c->address);
    g_free(c);
}

void
vireo_net_def_free(VireoNetDef *n)
{
    if (!n)
        return;
    g_free(n->model);
    g_free(n->source_bridge);
    g_free(n->source_network);
    g_free(n->source_portgroup);
    g_free(n->source_dev);
    g_free(n->source_mode);
    g_free(n->target_dev);
    g_free(n->driver_name);
    g_free(n->script_path);
    g_free(n->alias);
    device_address_clear(&n->address);
    g_free(n);
}

void
vireo_chr_def_free(VireoChrDef *c)
{
    if (!c)
        return;
    g_free(c->src_path);
    g_free(c->src_mode);
    g_free(c->src_host);
    g_free(c->src_service);
    g_free(c->connect_host);
    g_free(c->connect_service);
    g_free(c->protocol);
    g_free(c->log_file);
    g_free(c->target_type);
    g_free(c->target_model);
    g_free(c->target_name);
    g_free(c->alias);
    device_address_clear(&c->address);
    g_free(c);
}

VireoChrDef *
vireo_chr_def_copy(const VireoChrDef *c)
{
    VireoChrDef *n = g_new0(VireoChrDef, 1);
    *n = *c;
    n->src_path = g_strdup(c->src_path);
    n->src_mode = g_strdup(c->src_mode);
    n->src_host = g_strdup(c->src_host);
    n->src_service = g_strdup(c->src_service);
    n->connect_host = g_strdup(c->connect_host);
    n->connect_service = g_strdup(c->connect_service);
    n->protocol = g_strdup(c->protocol);
    n->log_file = g_strdup(c->log_file);
    n->target_type = g_strdup(c->target_type);
    n->target_model = g_strdup(c->target_model);
    n->target_name = g_strdup(c->target_name);
    n->alias = g_strdup(c->alias);
    n->address.usb_port = g_strdup(c->address.usb_port);
    return n;
}

void
vireo_input_def_free(VireoInputDef *i)
{
    if (!i)
        return;
    device_address_clear(&i->address);
    g_free(i);
}

void
vireo_graphics_listen_free(VireoGraphicsListen *l)
{
    if (!l)
        return;
    g_free(l->address);
    g_free(l->network);
    g_free(l->socket);
    g_free(l);
}

void
vireo_graphics_def_free(VireoGraphicsDef *g)
{
    if (!g)
        return;
    g_free(g->passwd);
    g_free(g->keymap);
    g_free(g->share_policy);
    g_clear_pointer(&g->listens, g_ptr_array_unref);
    g_free(g);
}

void
vireo_video_def_free(VireoVideoDef *v)
{
    if (!v)
        return;
    g_free(v->alias);
    device_address_clear(&v->address);
    g_free(v);
}

void
vireo_memballoon_def_free(VireoMemballoonDef *m)
{
    if (!m)
        return;
    g_free(m->model);
    g_free(m->alias);
    device_address_clear(&m->address);
    g_free(m);
}

void
vireo_rng_def_free(VireoRngDef *r)
{
    if (!r)
        return;
    g_free(r->model);
    g_free(r->backend_model);
    g_free(r->backend_path);
    g_free(r->alias);
    device_address_clear(&r->address);
    g_free(r);
}

void
vireo_watchdog_def_free(VireoWatchdogDef *w)
{
    if (!w)
        return;
    g_free(w->model);
    g_free(w->action);
    g_free(w->alias);
    device_address_clear(&w->address);
    g_free(w);
}

void
vireo_panic_def_free(VireoPanicDef *p)
{
    if (!p)
        return;
    g_free(p->model);
    device_address_clear(&p->address);
    g_free(p);
}

void
vireo_audio_def_free(VireoAudioDef *a)
{
    if (!a)
        return;
    g_free(a->type);
    g_free(a);
}

void
vireo_seclabel_def_free(VireoSeclabelDef *l)
{
    if (!l)
        return;
    g_free(l->type);
    g_free(l->model);
    g_free(l->baselabel);
    g_free(l);
}

#define PTR_ARRAY(fn) g_ptr_array_new_with_free_func((GDestroyNotify)(fn))

VireoDomainDef *
vireo_domain_def_new(void)
{
    VireoDomainDef *def = g_new0(VireoDomainDef, 1);
    def->id = -1;
    def->mem_backing.pages = PTR_ARRAY(vireo_hugepage_free);
    def->clock.timers = PTR_ARRAY(vireo_timer_def_free);
    def->sysinfo = PTR_ARRAY(vireo_sysinfo_def_free);
    def->disks = PTR_ARRAY(vireo_disk_def_free);
    def->controllers = PTR_ARRAY(vireo_controller_def_free);
    def->nets = PTR_ARRAY(vireo_net_def_free);
    def->serials = PTR_ARRAY(vireo_chr_def_free);
    def->consoles = PTR_ARRAY(vireo_chr_def_free);
    def->channels = PTR_ARRAY(vireo_chr_def_free);
    def->inputs = PTR_ARRAY(vireo_input_def_free);
    def->graphics = PTR_ARRAY(vireo_graphics_def_free);
    def->videos = PTR_ARRAY(vireo_video_def_free);
    def->rngs = PTR_ARRAY(vireo_rng_def_free);
    def->watchdogs = PTR_ARRAY(vireo_watchdog_def_free);
    def->panics = PTR_ARRAY(vireo_panic_def_free);
    def->audios = PTR_ARRAY(vireo_audio_def_free);
    def->seclabels = PTR_ARRAY(vireo_seclabel_def_free);
    return def;
}

void
vireo_domain_def_free(VireoDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_clear_pointer(&def->metadata, xmlFreeDoc);
    g_clear_pointer(&def->mem_backing.pages, g_ptr_array_unref);
    g_free(def->cpuset);
    g_free(def->os.type);
    g_free(def->os.arch);
    g_free(def->os.machine);
    g_free(def->os.kernel);
    g_free(def->os.initrd);
    g_free(def->os.cmdline);
    g_free(def->os.dtb);
    g_free(def->os.loader);
    g_free(def->os.nvram);
    g_free(def->os.nvram_template);
    vireo_cpu_def_free(def->cpu);
    g_free(def->clock.timezone);
    g_clear_pointer(&def->clock.timers, g_ptr_array_unref);
    g_clear_pointer(&def->sysinfo, g_ptr_array_unref);
    g_free(def->emulator);
    g_clear_pointer(&def->disks, g_ptr_array_unref);
    g_clear_pointer(&def->controllers, g_ptr_array_unref);
    g_clear_pointer(&def->nets, g_ptr_array_unref);
    g_clear_pointer(&def->serials, g_ptr_array_unref);
    g_clear_pointer(&def->consoles, g_ptr_array_unref);
    g_clear_pointer(&def->channels, g_ptr_array_unref);
    g_clear_pointer(&def->inputs, g_ptr_array_unref);
    g_clear_pointer(&def->graphics, g_ptr_array_unref);
    g_clear_pointer(&def->videos, g_ptr_array_unref);
    vireo_memballoon_def_free(def->memballoon);
    g_clear_pointer(&def->rngs, g_ptr_array_unref);
    g_clear_pointer(&def->watchdogs, g_ptr_array_unref);
    g_clear_pointer(&def->panics, g_ptr_array_unref);
    g_clear_pointer(&def->audios, g_ptr_array_unref);
    g_clear_pointer(&def->seclabels, g_ptr_array_unref);
    g_free(def->resource_partition);
    g_free(def);
}

/* ---- MAC addresses ----------------------------------------------------- */
void
vireo_mac_format(const guint8 mac[6], char out[18])
{
    g_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
               mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* Accepts libvirt's forms: six hex pairs separated by ':' (one-digit
 * groups allowed, as virMacAddrParse does). */
gboolean
vireo_mac_parse(const char *str, guint8 mac[6])
{
    const char *p = str;
    for (int i = 0; i < 6; i++) {
        int hi, lo;
        if (!p || (hi = g_ascii_xdigit_value(*p)) < 0)
            return FALSE;
        p++;
        lo = g_ascii_xdigit_value(*p);
        if (lo >= 0) {
            mac[i] = (guint8)(hi << 4 | lo);
            p++;
        } else {
            mac[i] = (guint8)hi;
        }
        if (i < 5) {
            if (*p != ':')
                return FALSE;
            p++;
        }
    }
    return *p == '\0';
}

int
vireo_disk_name_to_index(const char *name)
{
    static const char *const prefixes[] = { "fd", "hd", "vd", "sd", "xvd", "ubd" };
    const char *p = NULL;
    gint64 idx = 0;
    int i;

    if (!name)
        return -1;
    for (gsize k = 0; k < G_N_ELEMENTS(prefixes); k++) {
        if (g_str_has_prefix(name, prefixes[k])) {
            p = name + strlen(prefixes[k]);
            break;
        }
    }
    if (!p)
        return -1;
    /* Letters count base 26 like spreadsheet columns: a=0, z=25, aa=26. */
    for (i = 0; *p && g_ascii_islower(*p) && i < 7; i++, p++)
        idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
    if (i == 0)
        return -1;
    for (; *p; p++) {
        if (!g_ascii_isdigit(*p))
            return -1;
    }
    return idx > G_MAXINT ? -1 : (int)idx;
}

/* ---- helpers shared by the parsers ------------------------------------ */
guint
vireo_conf_line(xmlNode *node)
{
    long line = node ? xmlGetLineNo(node) : 0;
    return line > 0 ? (guint)line : 0;
}

gboolean
vireo_conf_node_is(xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && !node->ns &&
           xmlStrEqual(node->name, (const xmlChar *)name);
}

/* Looks word up in a space-separated list; *repeatable tells whether it
 * was written "word*" (may appear more than once). */
static gboolean
word_in_list(const char *list, const char *word, gboolean *repeatable)
{
    gsize len = strlen(word);
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ' ');
        gsize n = end ? (gsize)(end - p) : strlen(p);
        gboolean star = n > 0 && p[n - 1] == '*';
        if ((star ? n - 1 : n) == len && strncmp(p, word, len) == 0) {
            if (repeatable)
                *repeatable = star;
            return TRUE;
        }
        p = end ? end + 1 : NULL;
    }
    return FALSE;
}

static gboolean
child_seen_before(xmlNode *parent, xmlNode *child)
{
    for (xmlNode *p = parent->children; p && p != child; p = p->next) {
        if (p->type == XML_ELEMENT_NODE && !p->ns && xmlStrEqual(p->name, child->name))
            return TRUE;
    }
    return FALSE;
}

gboolean
vireo_conf_check_node(xmlNode *node, const char *attrs, const char *children,
                      GError **error)
{
    for (xmlAttr *a = node->properties; a; a = a->next) {
        if (a->ns || !word_in_list(attrs, (const char *)a->name, NULL)) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("attribute '%s' of element '%s' on line %u is not supported"),
                            (const char *)a->name, (const char *)node->name,
                            vireo_conf_line(node));
            return FALSE;
        }
    }
    VIREO_CONF_FOREACH_CHILD(node, c) {
        gboolean repeatable = FALSE;
        if (c->ns || !word_in_list(children, (const char *)c->name, &repeatable)) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("element '%s' on line %u is not supported"),
                            (const char *)c->name, vireo_conf_line(c));
            return FALSE;
        }
        /* libvirt reads the first of a repeated single element and ignores
         * the rest; vireo refuses rather than guess which was meant. */
        if (!repeatable && child_seen_before(node, c)) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("element '%s' on line %u may appear only once in '%s'"),
                            (const char *)c->name, vireo_conf_line(c),
                            (const char *)node->name);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
vireo_conf_check_leaf(xmlNode *node, const char *attrs, GError **error)
{
    return vireo_conf_check_node(node, attrs, NULL, error);
}

char *
vireo_conf_content(xmlNode *node)
{
    xmlChar *v;
    char *ret;
    if (!node)
        return NULL;
    v = xmlNodeGetContent(node);
    ret = g_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return ret;
}

static gboolean
content_invalid(xmlNode *node, const char *text, GError **error)
{
    g_autofree char *where = vireo_xml_node_where(node);
    vireo_error_set(error, VIREO_ERR_XML_ERROR, _("invalid value '%s' in %s"),
                    text, where);
    return FALSE;
}

gboolean
vireo_conf_content_ulonglong(xmlNode *node, guint64 *out, GError **error)
{
    g_autofree char *text = vireo_conf_content(node);
    g_autofree char *stripped = g_strstrip(g_strdup(text));
    guint64 v = 0;
    if (!*stripped || stripped[0] == '-' || stripped[0] == '+' ||
        !g_ascii_string_to_unsigned(stripped, 10, 0, G_MAXUINT64, &v, NULL))
        return content_invalid(node, text, error);
    *out = v;
    return TRUE;
}

gboolean
vireo_conf_content_uint(xmlNode *node, guint *out, GError **error)
{
    guint64 v = 0;
    if (!vireo_conf_content_ulonglong(node, &v, error))
        return FALSE;
    if (v > G_MAXUINT) {
        g_autofree char *text = vireo_conf_content(node);
        return content_invalid(node, text, error);
    }
    *out = (guint)v;
    return TRUE;
}

gboolean
vireo_conf_content_enum(xmlNode *node, int (*from_string)(const char *),
                        int *out, GError **error)
{
    g_autofree char *text = vireo_conf_content(node);
    g_autofree char *stripped = g_strstrip(g_strdup(text));
    int v = from_string(stripped);
    if (v < 0 || !*stripped)
        return content_invalid(node, text, error);
    *out = v;
    return TRUE;
}

/* Reads attribute name as a libvirt bitmap ("0-3,^2,8") and keeps it in
 * libvirt's canonical form ("0-1,3,8"), as virBitmapParse + virBitmapFormat
 * do. Returns 1 when present, 0 when absent, -1 on error. */
#define VIREO_BITMAP_MAX 8192
int
vireo_conf_prop_bitmap(xmlNode *node, const char *name, char **out, GError **error)
{
    g_autofree char *v = vireo_xml_prop_string(node, name);
    g_autofree gboolean *bits = NULL;
    g_auto(GStrv) parts = NULL;
    GString *res;
    if (!v)
        return 0;
    if (!*v) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Failed to parse bitmap '%s' in attribute '%s' on line %u"),
                        v, name, vireo_conf_line(node));
        return -1;
    }
    bits = g_new0(gboolean, VIREO_BITMAP_MAX);
    parts = g_strsplit(v, ",", -1);
    for (char **p = parts; *p; p++) {
        char *s = g_strstrip(*p);
        gboolean neg = *s == '^';
        guint64 lo = 0, hi = 0;
        char *dash;
        if (neg)
            s++;
        dash = strchr(s, '-');
        if (dash)
            *dash = '\0';
        if (!g_ascii_string_to_unsigned(s, 10, 0, VIREO_BITMAP_MAX - 1, &lo, NULL) ||
            (dash && (neg || !g_ascii_string_to_unsigned(dash + 1, 10, lo, VIREO_BITMAP_MAX - 1,
                                                         &hi, NULL)))) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("Failed to parse bitmap '%s' in attribute '%s' on line %u"),
                            v, name, vireo_conf_line(node));
            return -1;
        }
        if (!dash)
            hi = lo;
        for (guint64 i = lo; i <= hi; i++)
            bits[i] = !neg;
    }
    res = g_string_new(NULL);
    for (guint i = 0; i < VIREO_BITMAP_MAX; i++) {
        guint j = i;
        if (!bits[i])
            continue;
        while (j + 1 < VIREO_BITMAP_MAX && bits[j + 1])
            j++;
        if (res->len)
            g_string_append_c(res, ',');
        if (j > i)
            g_string_append_printf(res, "%u-%u", i, j);
        else
            g_string_append_printf(res, "%u", i);
        i = j;
    }
    /* An empty set ("^1") is no set at all; libvirt writes nothing. */
    if (res->len == 0) {
        g_string_free(res, TRUE);
        return 0;
    }
    *out = g_string_free(res, FALSE);
    return 1;
}

/* Reads one of the readers' results: -1 is an error already set. */
#define TRY(expr) do { if ((expr) < 0) return FALSE; } while (0)

/* ---- general elements -------------------------------------------------- */
static gboolean
parse_uuid_element(xmlNode *node, guint8 uuid[16], GError **error)
{
    g_autofree char *text = vireo_conf_content(node);
    if (!vireo_conf_check_leaf(node, NULL, error))
        return FALSE;
    if (!vireo_uuid_parse(text, uuid)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("malformed uuid element on line %u"), vireo_conf_line(node));
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_genid(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *text = vireo_conf_content(node);
    if (!vireo_conf_check_leaf(node, NULL, error))
        return FALSE;
    def->has_genid = TRUE;
    g_strstrip(text);
    if (!*text) {
        /* <genid/>: libvirt generates one, and so does post-parse. */
        def->genid_generated = TRUE;
        return TRUE;
    }
    if (!vireo_uuid_parse(text, def->genid)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("malformed genid element on line %u"), vireo_conf_line(node));
        return FALSE;
    }
    return TRUE;
}

/* Keeps a copy of <metadata> whose children are foreign-namespace elements
 * (nova:instance ...); blank text is dropped so the formatter can indent. */
static void
strip_blank_nodes(xmlNode *node)
{
    xmlNode *c = node->children;
    while (c) {
        xmlNode *next = c->next;
        /* libxml2's "no blanks" keeps the whitespace of an element that
         * has nothing else in it, and so does libvirt. */
        gboolean only_child = c == node->children && !c->next && node->parent &&
                              node->parent->type == XML_ELEMENT_NODE;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c) && !only_child) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            strip_blank_nodes(c);
        }
        c = next;
    }
}

static gboolean
parse_metadata(VireoDomainDef *def, xmlNode *node, GError **error)
{
    xmlDoc *doc;
    xmlNode *copy;

    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!c->ns || !c->ns->href) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("element '%s' on line %u in metadata needs a namespace"),
                            (const char *)c->name, vireo_conf_line(c));
            return FALSE;
        }
        /* libvirt keeps one element per namespace and drops the others
         * silently; vireo says so instead. */
        for (xmlNode *p = node->children; p != c; p = p->next) {
            if (p->type == XML_ELEMENT_NODE && p->ns && xmlStrEqual(p->ns->href, c->ns->href)) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("metadata element '%s' on line %u uses namespace '%s' of an earlier metadata element"),
                                (const char *)c->name, vireo_conf_line(c),
                                (const char *)c->ns->href);
                return FALSE;
            }
        }
    }
    doc = xmlNewDoc((const xmlChar *)"1.0");
    copy = xmlDocCopyNode(node, doc, 1);
    xmlDocSetRootElement(doc, copy);
    strip_blank_nodes(copy);
    g_clear_pointer(&def->metadata, xmlFreeDoc);
    def->metadata = doc;
    return TRUE;
}

static gboolean
parse_max_memory(VireoDomainDef *def, xmlNode *node, GError **error)
{
    if (!vireo_conf_check_leaf(node, "unit slots", error))
        return FALSE;
    TRY(vireo_xml_element_memory_kib(node, 0, &def->max_memory_kib, error));
    TRY(vireo_xml_prop_uint(node, "slots", 10, 0, &def->max_memory_slots, error));
    if (!def->max_memory_kib || !def->max_memory_slots) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("both maximum memory size and memory slot count must be specified (line %u)"),
                        vireo_conf_line(node));
        return FALSE;
    }
    return TRUE;
}

/* Whether two canonical bitmaps ("0-1,3") share a bit. */
static gboolean
bitmaps_intersect(const char *a, const char *b)
{
    g_auto(GStrv) pa = g_strsplit(a, ",", -1);
    g_auto(GStrv) pb = g_strsplit(b, ",", -1);
    for (char **x = pa; *x; x++) {
        guint64 alo = g_ascii_strtoull(*x, NULL, 10);
        const char *ad = strchr(*x, '-');
        guint64 ahi = ad ? g_ascii_strtoull(ad + 1, NULL, 10) : alo;
        for (char **y = pb; *y; y++) {
            guint64 blo = g_ascii_strtoull(*y, NULL, 10);
            const char *bd = strchr(*y, '-');
            guint64 bhi = bd ? g_ascii_strtoull(bd + 1, NULL, 10) : blo;
            if (alo <= bhi && blo <= ahi)
                return TRUE;
        }
    }
    return FALSE;
}

/* libvirt: one page size per NUMA node, and one default size. */
static gboolean
hugepages_check(GPtrArray *pages, guint line, GError **error)
{
    for (guint i = 0; i < pages->len; i++) {
        VireoHugepage *a = g_ptr_array_index(pages, i);
        for (guint j = i + 1; j < pages->len; j++) {
            VireoHugepage *b = g_ptr_array_index(pages, j);
            if (!a->nodeset && !b->nodeset) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("two master hugepages detected: %llu and %llu (line %u)"),
                                (unsigned long long)a->size_kib,
                                (unsigned long long)b->size_kib, line);
                return FALSE;
            }
            if (a->nodeset && b->nodeset && bitmaps_intersect(a->nodeset, b->nodeset)) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("nodeset attribute of hugepages of sizes %llu and %llu intersect (line %u)"),
                                (unsigned long long)a->size_kib,
                                (unsigned long long)b->size_kib, line);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
parse_memory_backing(VireoDomainDef *def, xmlNode *node, GError **error)
{
    VireoMemoryBacking *mb = &def->mem_backing;
    if (!vireo_conf_check_node(node, NULL, "hugepages nosharepages locked", error))
        return FALSE;
    mb->line = vireo_conf_line(node);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (vireo_conf_node_is(c, "nosharepages")) {
            if (!vireo_conf_check_leaf(c, NULL, error))
                return FALSE;
            mb->nosharepages = TRUE;
        } else if (vireo_conf_node_is(c, "locked")) {
            if (!vireo_conf_check_leaf(c, NULL, error))
                return FALSE;
            mb->locked = TRUE;
        } else {
            if (!vireo_conf_check_node(c, NULL, "page*", error))
                return FALSE;
            mb->hugepages = TRUE;
            VIREO_CONF_FOREACH_CHILD(c, pg) {
                g_autoptr(GError) local = NULL;
                g_autofree char *unit = vireo_xml_prop_string(pg, "unit");
                VireoHugepage *hp;
                guint64 bytes = 0;
                if (!vireo_conf_check_leaf(pg, "size unit nodeset", error))
                    return FALSE;
                TRY(vireo_xml_prop_ulonglong(pg, "size", 10, VIREO_XML_PROP_REQUIRED |
                                             VIREO_XML_PROP_NONZERO, &bytes, error));
                if (!vireo_scale_integer(&bytes, unit, 1024, G_MAXUINT64, error)) {
                    g_autofree char *where = vireo_xml_node_where(pg);
                    g_prefix_error(error, "%s: ", where);
                    return FALSE;
                }
                hp = g_new0(VireoHugepage, 1);
                hp->size_kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
                if (vireo_conf_prop_bitmap(pg, "nodeset", &hp->nodeset, error) < 0) {
                    vireo_hugepage_free(hp);
                    return FALSE;
                }
                if (!hp->nodeset && xmlHasProp(pg, (const xmlChar *)"nodeset")) {
                    g_autofree char *v = vireo_xml_prop_string(pg, "nodeset");
                    vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                                    _("Invalid value of 'nodeset': %s (line %u)"), v,
                                    vireo_conf_line(pg));
                    vireo_hugepage_free(hp);
                    return FALSE;
                }
                g_ptr_array_add(mb->pages, hp);
            }
            if (!hugepages_check(mb->pages, vireo_conf_line(c), error))
                return FALSE;
        }
    }
    return TRUE;
}

static gboolean
parse_vcpu(VireoDomainDef *def, xmlNode *node, GError **error)
{
    int placement = VIREO_VCPU_PLACEMENT_DEFAULT;
    if (!vireo_conf_check_leaf(node, "placement cpuset current", error))
        return FALSE;
    if (!vireo_conf_content_uint(node, &def->vcpus, error))
        return FALSE;
    TRY(vireo_xml_prop_enum(node, "placement", vireo_vcpu_placement_from_string,
                            VIREO_XML_PROP_NONZERO, &placement, error));
    def->placement = placement;
    /* 'auto' asks numad for a placement, which vireo has no use for. */
    if (def->placement == VIREO_VCPU_PLACEMENT_AUTO) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("vcpu placement 'auto' on line %u is not supported"),
                        vireo_conf_line(node));
        return FALSE;
    }
    TRY(vireo_conf_prop_bitmap(node, "cpuset", &def->cpuset, error));
    if (!def->cpuset && xmlHasProp(node, (const xmlChar *)"cpuset")) {
        g_autofree char *v = vireo_xml_prop_string(node, "cpuset");
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Invalid value of 'cpuset': %s (line %u)"), v, vireo_conf_line(node));
        return FALSE;
    }
    /* current='0' would leave no vCPU online. */
    TRY(vireo_xml_prop_uint(node, "current", 10, VIREO_XML_PROP_NONZERO, &def->current_vcpus, error));
    return TRUE;
}

static gboolean
parse_cputune(VireoDomainDef *def, xmlNode *node, GError **error)
{
    xmlNode *shares = vireo_xml_child(node, "shares");
    if (!vireo_conf_check_node(node, NULL, "shares", error))
        return FALSE;
    if (shares) {
        if (!vireo_conf_check_leaf(shares, NULL, error) ||
            !vireo_conf_content_ulonglong(shares, &def->cputune_shares, error))
            return FALSE;
        def->has_cputune_shares = TRUE;
    }
    return TRUE;
}

/* ---- sysinfo ----------------------------------------------------------- */
/* libvirt keeps each SMBIOS block as a struct with fixed fields, so only
 * these entry names exist (in this order). */
static const char *const sysinfo_bios_names[] = { "vendor", "version", "date", "release", NULL };
static const char *const sysinfo_system_names[] = {
    "manufacturer", "product", "version", "serial", "uuid", "sku", "family", NULL };
static const char *const sysinfo_board_names[] = {
    "manufacturer", "product", "version", "serial", "asset", "location", NULL };
static const char *const sysinfo_chassis_names[] = {
    "manufacturer", "version", "serial", "asset", "sku", NULL };

const char *const *
vireo_sysinfo_block_names(const char *block)
{
    if (g_str_equal(block, "bios"))
        return sysinfo_bios_names;
    if (g_str_equal(block, "system"))
        return sysinfo_system_names;
    if (g_str_equal(block, "baseBoard"))
        return sysinfo_board_names;
    return sysinfo_chassis_names;
}

static gboolean
parse_sysinfo_entries(xmlNode *block, GPtrArray *out, GError **error)
{
    const char *const *names = vireo_sysinfo_block_names((const char *)block->name);
    if (!vireo_conf_check_node(block, NULL, "entry*", error))
        return FALSE;
    VIREO_CONF_FOREACH_CHILD(block, e) {
        g_autofree char *name = NULL;
        VireoSysinfoEntry *entry;
        if (!vireo_conf_check_leaf(e, "name", error))
            return FALSE;
        TRY(vireo_xml_prop_string_req(e, "name", &name, error));
        if (!g_strv_contains(names, name)) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("sysinfo entry '%s' of '%s' on line %u is not supported"),
                            name, (const char *)block->name, vireo_conf_line(e));
            return FALSE;
        }
        for (guint i = 0; i < out->len; i++) {
            if (g_str_equal(((VireoSysinfoEntry *)g_ptr_array_index(out, i))->name, name)) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR,
                                _("sysinfo entry '%s' on line %u may appear only once in '%s'"),
                                name, vireo_conf_line(e), (const char *)block->name);
                return FALSE;
            }
        }
        entry = g_new0(VireoSysinfoEntry, 1);
        entry->name = g_steal_pointer(&name);
        entry->value = vireo_conf_content(e);
        g_ptr_array_add(out, entry);
    }
    return TRUE;
}

static gboolean
parse_sysinfo(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoSysinfoDef) si = g_new0(VireoSysinfoDef, 1);
    if (!vireo_conf_check_node(node, "type", "bios system baseBoard* chassis oemStrings", error))
        return FALSE;
    TRY(vireo_xml_prop_string_req(node, "type", &si->type, error));
    if (!g_str_equal(si->type, "smbios")) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("sysinfo type '%s' on line %u is not supported"),
                        si->type, vireo_conf_line(node));
        return FALSE;
    }
    si->line = vireo_conf_line(node);
    si->bios = PTR_ARRAY(vireo_sysinfo_entry_free);
    si->system = PTR_ARRAY(vireo_sysinfo_entry_free);
    si->base_boards = PTR_ARRAY(g_ptr_array_unref);
    si->chassis = PTR_ARRAY(vireo_sysinfo_entry_free);
    si->oem_strings = g_ptr_array_new_with_free_func(g_free);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        const char *n = (const char *)c->name;
        if (g_str_equal(n, "oemStrings")) {
            if (!vireo_conf_check_node(c, NULL, "entry*", error))
                return FALSE;
            VIREO_CONF_FOREACH_CHILD(c, e) {
                if (!vireo_conf_check_leaf(e, NULL, error))
                    return FALSE;
                g_ptr_array_add(si->oem_strings, vireo_conf_content(e));
            }
        } else if (g_str_equal(n, "baseBoard")) {
            GPtrArray *board = PTR_ARRAY(vireo_sysinfo_entry_free);
            g_ptr_array_add(si->base_boards, board);
            if (!parse_sysinfo_entries(c, board, error))
                return FALSE;
        } else if (!parse_sysinfo_entries(c, g_str_equal(n, "bios") ? si->bios :
                                          g_str_equal(n, "system") ? si->system :
                                          si->chassis, error)) {
            return FALSE;
        }
    }
    g_ptr_array_add(def->sysinfo, g_steal_pointer(&si));
    return TRUE;
}

/* ---- os ---------------------------------------------------------------- */
static gboolean
parse_os_type(VireoDomainOsDef *os, xmlNode *node, GError **error)
{
    if (!vireo_conf_check_leaf(node, "arch machine", error))
        return FALSE;
    os->type = g_strstrip(vireo_conf_content(node));
    os->arch = vireo_xml_prop_string(node, "arch");
    os->machine = vireo_xml_prop_string(node, "machine");
    /* An empty machine= means "the default machine", as in libvirt. */
    if (os->machine && !*os->machine)
        g_clear_pointer(&os->machine, g_free);
    if (os->arch && !g_str_equal(os->arch, "x86_64") && !g_str_equal(os->arch, "i686")) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("architecture '%s' on line %u is not supported"),
                        os->arch, vireo_conf_line(node));
        return FALSE;
    }
    if (!g_str_equal(os->type, "hvm")) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("os type '%s' on line %u is not supported"),
                        os->type, vireo_conf_line(node));
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_os_boot(VireoDomainOsDef *os, xmlNode *node, GError **error)
{
    int dev = 0;
    if (!vireo_conf_check_leaf(node, "dev", error))
        return FALSE;
    TRY(vireo_xml_prop_enum(node, "dev", vireo_boot_dev_from_string,
                            VIREO_XML_PROP_REQUIRED, &dev, error));
    /* libvirt keeps at most one entry per device type. */
    if (os->nboot >= VIREO_BOOT_LAST) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("too many boot elements, the last one is on line %u"),
                        vireo_conf_line(node));
        return FALSE;
    }
    os->boot[os->nboot++] = dev;
    return TRUE;
}

static gboolean
parse_os_loader(VireoDomainOsDef *os, xmlNode *node, GError **error)
{
    int type = VIREO_LOADER_TYPE_NONE;
    if (!vireo_conf_check_leaf(node, "readonly secure type", error))
        return FALSE;
    TRY(vireo_xml_prop_yesno(node, "readonly", 0, &os->loader_readonly, error));
    TRY(vireo_xml_prop_yesno(node, "secure", 0, &os->loader_secure, error));
    TRY(vireo_xml_prop_enum(node, "type", vireo_loader_type_from_string,
                            VIREO_XML_PROP_NONZERO, &type, error));
    os->loader_type = type;
    os->loader = g_strstrip(vireo_conf_content(node));
    if (!*os->loader) {
        /* vireo has no firmware auto-selection to fill it in. */
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("no loader path specified on line %u"), vireo_conf_line(node));
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_os_misc(VireoDomainOsDef *os, xmlNode *c, GError **error)
{
    const char *n = (const char *)c->name;
    if (g_str_equal(n, "bootmenu")) {
        if (!vireo_conf_check_leaf(c, "enable timeout", error))
            return FALSE;
        TRY(vireo_xml_prop_yesno(c, "enable", VIREO_XML_PROP_REQUIRED, &os->bootmenu, error));
        int rc = vireo_xml_prop_uint(c, "timeout", 10, 0, &os->bootmenu_timeout, error);
        TRY(rc);
        os->has_bootmenu_timeout = rc > 0;
    } else if (g_str_equal(n, "bios")) {
        if (!vireo_conf_check_leaf(c, "useserial rebootTimeout", error))
            return FALSE;
        TRY(vireo_xml_prop_yesno(c, "useserial", 0, &os->bios_useserial, error));
        int rc = vireo_xml_prop_int(c, "rebootTimeout", 10, 0, &os->reboot_timeout, error);
        TRY(rc);
        os->has_reboot_timeout = rc > 0;
    } else if (g_str_equal(n, "smbios")) {
        int mode = 0;
        if (!vireo_conf_check_leaf(c, "mode", error))
            return FALSE;
        TRY(vireo_xml_prop_enum(c, "mode", vireo_smbios_mode_from_string,
                                VIREO_XML_PROP_REQUIRED | VIREO_XML_PROP_NONZERO, &mode, error));
        os->smbios = mode;
    } else if (g_str_equal(n, "nvram")) {
        if (!vireo_conf_check_leaf(c, "template", error))
            return FALSE;
        os->nvram_template = vireo_xml_prop_string(c, "template");
        os->nvram = g_strstrip(vireo_conf_content(c));
        if (!*os->nvram)
            g_clear_pointer(&os->nvram, g_free);
    } else {
        char **slot = g_str_equal(n, "kernel") ? &os->kernel :
                      g_str_equal(n, "initrd") ? &os->initrd :
                      g_str_equal(n, "cmdline") ? &os->cmdline : &os->dtb;
        if (!vireo_conf_check_leaf(c, NULL, error))
            return FALSE;
        g_free(*slot);
        *slot = vireo_conf_content(c);
    }
    return TRUE;
}

static gboolean
parse_os(VireoDomainDef *def, xmlNode *node, GError **error)
{
    VireoDomainOsDef *os = &def->os;
    if (!vireo_conf_check_node(node, NULL,
                               "type boot* bootmenu bios smbios loader nvram "
                               "kernel initrd cmdline dtb", error))
        return FALSE;
    os->line = vireo_conf_line(node);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        gboolean ok;
        if (vireo_conf_node_is(c, "type"))
            ok = parse_os_type(os, c, error);
        else if (vireo_conf_node_is(c, "boot"))
            ok = parse_os_boot(os, c, error);
        else if (vireo_conf_node_is(c, "loader"))
            ok = parse_os_loader(os, c, error);
        else
            ok = parse_os_misc(os, c, error);
        if (!ok)
            return FALSE;
    }
    if (!os->type) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("an os <type> must be specified (os on line %u)"), os->line);
        return FALSE;
    }
    if ((os->nvram || os->nvram_template) && !os->loader) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("no loader path specified on line %u"), os->line);
        return FALSE;
    }
    return TRUE;
}

/* ---- features ---------------------------------------------------------- */
static gboolean
parse_feature_state(xmlNode *c, VireoTristate *state, GError **error)
{
    int rc;
    if (!vireo_conf_check_leaf(c, "state", error))
        return FALSE;
    rc = vireo_xml_prop_onoff(c, "state", 0, state, error);
    TRY(rc);
    if (rc == 0)
        *state = VIREO_TRISTATE_YES;  /* <hap/> means on */
    return TRUE;
}

static gboolean
parse_features(VireoDomainDef *def, xmlNode *node, GError **error)
{
    VireoDomainFeatures *f = &def->features;
    if (!vireo_conf_check_node(node, NULL, "acpi apic pae hap vmport pmu kvm vmcoreinfo", error))
        return FALSE;
    f->line = vireo_conf_line(node);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        int feat = vireo_domain_feature_from_string((const char *)c->name);
        switch ((VireoDomainFeature)feat) {
        case VIREO_DOMAIN_FEATURE_ACPI:
        case VIREO_DOMAIN_FEATURE_PAE:
            if (!vireo_conf_check_leaf(c, NULL, error))
                return FALSE;
            f->state[feat] = VIREO_TRISTATE_YES;
            break;
        case VIREO_DOMAIN_FEATURE_APIC:
            if (!vireo_conf_check_leaf(c, "eoi", error))
                return FALSE;
            TRY(vireo_xml_prop_onoff(c, "eoi", 0, &f->apic_eoi, error));
            f->state[feat] = VIREO_TRISTATE_YES;
            break;
        case VIREO_DOMAIN_FEATURE_KVM: {
            xmlNode *hidden = vireo_xml_child(c, "hidden");
            if (!vireo_conf_check_node(c, NULL, "hidden", error))
                return FALSE;
            f->state[feat] = VIREO_TRISTATE_YES;
            if (hidden) {
                if (!vireo_conf_check_leaf(hidden, "state", error))
                    return FALSE;
                TRY(vireo_xml_prop_onoff(hidden, "state", VIREO_XML_PROP_REQUIRED,
                                         &f->kvm_hidden, error));
            }
            break;
        }
        default:
            if (!parse_feature_state(c, &f->state[feat], error))
                return FALSE;
            break;
        }
    }
    return TRUE;
}

/* ---- cpu --------------------------------------------------------------- */
static gboolean
parse_cpu_model(VireoCpuDef *cpu, xmlNode *node, GError **error)
{
    int fallback = VIREO_CPU_FALLBACK_DEFAULT;
    if (!vireo_conf_check_leaf(node, "fallback vendor_id", error))
        return FALSE;
    TRY(vireo_xml_prop_enum(node, "fallback", vireo_cpu_fallback_from_string,
                            VIREO_XML_PROP_NONZERO, &fallback, error));
    cpu->fallback = fallback;
    cpu->vendor_id = vireo_xml_prop_string(node, "vendor_id");
    if (cpu->vendor_id && strlen(cpu->vendor_id) != 12) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("vendor_id must be exactly 12 characters long (line %u)"),
                        vireo_conf_line(node));
        return FALSE;
    }
    cpu->model = g_strstrip(vireo_conf_content(node));
    if (!*cpu->model)
        g_clear_pointer(&cpu->model, g_free);
    return TRUE;
}

static gboolean
parse_cpu_topology(VireoCpuDef *cpu, xmlNode *node, GError **error)
{
    const VireoXmlPropFlags req = VIREO_XML_PROP_REQUIRED | VIREO_XML_PROP_NONZERO;
    int rc;
    if (!vireo_conf_check_leaf(node, "sockets dies clusters cores threads", error))
        return FALSE;
    TRY(vireo_xml_prop_uint(node, "sockets", 10, req, &cpu->sockets, error));
    TRY(vireo_xml_prop_uint(node, "dies", 10, VIREO_XML_PROP_NONZERO, &cpu->dies, error));
    rc = vireo_xml_prop_uint(node, "clusters", 10, VIREO_XML_PROP_NONZERO, &cpu->clusters, error);
    TRY(rc);
    cpu->has_clusters = rc > 0;
    TRY(vireo_xml_prop_uint(node, "cores", 10, req, &cpu->cores, error));
    TRY(vireo_xml_prop_uint(node, "threads", 10, req, &cpu->threads, error));
    cpu->has_topology = TRUE;
    return TRUE;
}

static gboolean
parse_cpu_feature(VireoCpuDef *cpu, xmlNode *node, GError **error)
{
    g_autoptr(VireoCpuFeatureDef) f = g_new0(VireoCpuFeatureDef, 1);
    int policy = VIREO_CPU_FEATURE_REQUIRE;
    if (!vireo_conf_check_leaf(node, "name policy", error))
        return FALSE;
    TRY(vireo_xml_prop_string_req(node, "name", &f->name, error));
    TRY(vireo_xml_prop_enum(node, "policy", vireo_cpu_feature_policy_from_string,
                            0, &policy, error));
    f->policy = policy;
    for (guint i = 0; i < cpu->features->len; i++) {
        VireoCpuFeatureDef *o = g_ptr_array_index(cpu->features, i);
        if (g_str_equal(o->name, f->name)) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("CPU feature '%s' specified more than once (line %u)"),
                            f->name, vireo_conf_line(node));
            return FALSE;
        }
    }
    g_ptr_array_add(cpu->features, g_steal_pointer(&f));
    return TRUE;
}

static gboolean
parse_cpu_numa(VireoCpuDef *cpu, xmlNode *node, GError **error)
{
    if (!vireo_conf_check_node(node, NULL, "cell*", error))
        return FALSE;
    if (!vireo_xml_child(node, "cell")) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("NUMA topology defined without NUMA cells (line %u)"),
                        vireo_conf_line(node));
        return FALSE;
    }
    VIREO_CONF_FOREACH_CHILD(node, c) {
        VireoNumaCell *cell;
        g_autofree char *unit = NULL;
        guint64 bytes = 0;
        guint id = cpu->numa->len;
        if (!vireo_conf_check_leaf(c, "id cpus memory unit memAccess", error))
            return FALSE;
        TRY(vireo_xml_prop_uint(c, "id", 10, 0, &id, error));
        TRY(vireo_xml_prop_ulonglong(c, "memory", 10, VIREO_XML_PROP_REQUIRED, &bytes, error));
        unit = vireo_xml_prop_string(c, "unit");
        if (!vireo_scale_integer(&bytes, unit, 1024, G_MAXINT64, error)) {
            g_autofree char *where = vireo_xml_node_where(c);
            g_prefix_error(error, "%s: ", where);
            return FALSE;
        }
        /* libvirt numbers cells 0, 1, 2... in document order. */
        if (id != cpu->numa->len) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("NUMA cell id %u on line %u is not %u: cells are numbered from 0 in order"),
                            id, vireo_conf_line(c), cpu->numa->len);
            return FALSE;
        }
        cell = g_new0(VireoNumaCell, 1);
        cell->id = id;
        if (vireo_conf_prop_bitmap(c, "cpus", &cell->cpus, error) < 0) {
            vireo_numa_cell_free(cell);
            return FALSE;
        }
        for (guint i = 0; cell->cpus && i < cpu->numa->len; i++) {
            VireoNumaCell *o = g_ptr_array_index(cpu->numa, i);
            if (o->cpus && bitmaps_intersect(o->cpus, cell->cpus)) {
                vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                                _("NUMA cells %u and %u have overlapping vCPU ids (line %u)"),
                                cell->id, o->id, vireo_conf_line(c));
                vireo_numa_cell_free(cell);
                return FALSE;
            }
        }
        cell->memory_kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
        cell->mem_access = vireo_xml_prop_string(c, "memAccess");
        if (cell->mem_access && !g_str_equal(cell->mem_access, "shared") &&
            !g_str_equal(cell->mem_access, "private")) {
            g_autofree char *where = vireo_xml_node_where(c);
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("invalid value '%s' for attribute '%s' in %s"),
                            cell->mem_access, "memAccess", where);
            vireo_numa_cell_free(cell);
            return FALSE;
        }
        g_ptr_array_add(cpu->numa, cell);
    }
    return TRUE;
}

static gboolean
parse_cpu(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoCpuDef) cpu = g_new0(VireoCpuDef, 1);
    int mode = VIREO_CPU_MODE_CUSTOM, match = 0, check = 0;

    if (!vireo_conf_check_node(node, "mode match check migratable",
                               "model vendor topology feature* numa", error))
        return FALSE;
    cpu->line = vireo_conf_line(node);
    cpu->features = PTR_ARRAY(vireo_cpu_feature_def_free);
    cpu->numa = PTR_ARRAY(vireo_numa_cell_free);
    TRY(vireo_xml_prop_enum(node, "mode", vireo_cpu_mode_from_string, 0, &mode, error));
    TRY(vireo_xml_prop_enum(node, "match", vireo_cpu_match_from_string,
                            VIREO_XML_PROP_NONZERO, &match, error));
    TRY(vireo_xml_prop_enum(node, "check", vireo_cpu_check_from_string,
                            VIREO_XML_PROP_NONZERO, &check, error));
    TRY(vireo_xml_prop_onoff(node, "migratable", 0, &cpu->migratable, error));
    cpu->mode = mode;
    cpu->match = match;
    cpu->check = check;
    VIREO_CONF_FOREACH_CHILD(node, c) {
        gboolean ok = TRUE;
        if (vireo_conf_node_is(c, "model"))
            ok = parse_cpu_model(cpu, c, error);
        else if (vireo_conf_node_is(c, "vendor")) {
            ok = vireo_conf_check_leaf(c, NULL, error);
            g_free(cpu->vendor);
            cpu->vendor = g_strstrip(vireo_conf_content(c));
        } else if (vireo_conf_node_is(c, "topology"))
            ok = parse_cpu_topology(cpu, c, error);
        else if (vireo_conf_node_is(c, "feature"))
            ok = parse_cpu_feature(cpu, c, error);
        else
            ok = parse_cpu_numa(cpu, c, error);
        if (!ok)
            return FALSE;
    }
    if (cpu->vendor && !cpu->model) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("CPU vendor specified without CPU model (cpu on line %u)"), cpu->line);
        return FALSE;
    }
    if (cpu->mode == VIREO_CPU_MODE_CUSTOM && !cpu->model && cpu->features->len > 0) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Non-empty feature list specified without CPU model (cpu on line %u)"),
                        cpu->line);
        return FALSE;
    }
    /* libvirt: a custom CPU with a model matches 'exact' unless told. */
    if (cpu->model && cpu->mode == VIREO_CPU_MODE_CUSTOM && !cpu->match)
        cpu->match = VIREO_CPU_MATCH_EXACT;
    vireo_cpu_def_free(def->cpu);
    def->cpu = g_steal_pointer(&cpu);
    return TRUE;
}

/* ---- clock ------------------------------------------------------------- */
static const char *const tsc_modes[] = { "auto", "native", "emulate", "paravirt", "smpsafe", NULL };

static gboolean
parse_timer(VireoClockDef *clock, xmlNode *node, GError **error)
{
    VireoTimerDef *t;
    int name = 0, tick = 0, track = 0;
    VireoTristate present = VIREO_TRISTATE_ABSENT;
    guint64 freq = 0;

    if (!vireo_conf_check_leaf(node, "name present tickpolicy track frequency mode", error))
        return FALSE;
    TRY(vireo_xml_prop_enum(node, "name", vireo_timer_name_from_string,
                            VIREO_XML_PROP_REQUIRED, &name, error));
    TRY(vireo_xml_prop_yesno(node, "present", 0, &present, error));
    TRY(vireo_xml_prop_enum(node, "tickpolicy", vireo_timer_tickpolicy_from_string,
                            VIREO_XML_PROP_NONZERO, &tick, error));
    TRY(vireo_xml_prop_enum(node, "track", vireo_timer_track_from_string,
                            VIREO_XML_PROP_NONZERO, &track, error));
    TRY(vireo_xml_prop_ulonglong(node, "frequency", 10, 0, &freq, error));
    t = g_new0(VireoTimerDef, 1);
    t->name = name;
    t->present = present;
    t->tickpolicy = tick;
    t->track = track;
    t->frequency = freq;
    t->mode = vireo_xml_prop_string(node, "mode");
    if (t->mode && !g_strv_contains(tsc_modes, t->mode)) {
        g_autofree char *where = vireo_xml_node_where(node);
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' for attribute '%s' in %s"), t->mode, "mode", where);
        vireo_timer_def_free(t);
        return FALSE;
    }
    g_ptr_array_add(clock->timers, t);
    return TRUE;
}

static gboolean
parse_clock(VireoDomainDef *def, xmlNode *node, GError **error)
{
    VireoClockDef *clock = &def->clock;
    int offset = VIREO_CLOCK_OFFSET_UTC, basis = VIREO_CLOCK_BASIS_UTC;
    int rc;

    if (!vireo_conf_check_node(node, "offset adjustment basis timezone", "timer*", error))
        return FALSE;
    clock->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_enum(node, "offset", vireo_clock_offset_from_string, 0, &offset, error));
    clock->offset = offset;
    rc = vireo_xml_prop_longlong(node, "adjustment", 10, 0, &clock->adjustment, error);
    TRY(rc);
    clock->has_adjustment = rc > 0;
    TRY(vireo_xml_prop_enum(node, "basis", vireo_clock_basis_from_string, 0, &basis, error));
    clock->basis = basis;
    clock->timezone = vireo_xml_prop_string(node, "timezone");
    if (clock->timezone && !*clock->timezone)
        g_clear_pointer(&clock->timezone, g_free);
    if (clock->offset == VIREO_CLOCK_OFFSET_TIMEZONE && !clock->timezone) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("missing 'timezone' attribute for clock with offset='timezone' (line %u)"),
                        clock->line);
        return FALSE;
    }
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!parse_timer(clock, c, error))
            return FALSE;
    }
    return TRUE;
}

/* ---- pm, lifecycle ----------------------------------------------------- */
static gboolean
parse_pm(VireoDomainDef *def, xmlNode *node, GError **error)
{
    if (!vireo_conf_check_node(node, NULL, "suspend-to-mem suspend-to-disk", error))
        return FALSE;
    def->pm.line = vireo_conf_line(node);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        VireoTristate *slot = vireo_conf_node_is(c, "suspend-to-mem") ?
                              &def->pm.suspend_to_mem : &def->pm.suspend_to_disk;
        if (!vireo_conf_check_leaf(c, "enabled", error))
            return FALSE;
        TRY(vireo_xml_prop_yesno(c, "enabled", 0, slot, error));
    }
    return TRUE;
}

static gboolean
parse_lifecycle(xmlNode *node, VireoLifecycleAction *action, guint *line,
                GError **error)
{
    int v = 0;
    if (!vireo_conf_check_leaf(node, NULL, error) ||
        !vireo_conf_content_enum(node, vireo_lifecycle_action_from_string, &v, error))
        return FALSE;
    *action = v;
    *line = vireo_conf_line(node);
    return TRUE;
}

/* ---- the domain -------------------------------------------------------- */
static gboolean
parse_memory(VireoDomainDef *def, xmlNode *c, gboolean current, GError **error)
{
    if (!vireo_conf_check_leaf(c, "unit", error))
        return FALSE;
    if (current) {
        def->lines.current_memory = vireo_conf_line(c);
        return vireo_xml_element_memory_kib(c, 0, &def->current_memory_kib, error) >= 0;
    }
    def->lines.memory = vireo_conf_line(c);
    return vireo_xml_element_memory_kib(c, 0, &def->memory_kib, error) >= 0;
}

static gboolean
parse_text_element(xmlNode *c, char **slot, guint *line, GError **error)
{
    if (!vireo_conf_check_leaf(c, NULL, error))
        return FALSE;
    g_free(*slot);
    *slot = vireo_conf_content(c);
    *line = vireo_conf_line(c);
    return TRUE;
}

/* ---- resource, seclabel ----------------------------------------------- */
/* <resource><partition>/machine</partition></resource>: the cgroup
 * partition libvirt's QEMU driver writes for every guest. vireo keeps it
 * for round trips; it places guests in no cgroup of its own. */
static gboolean
parse_resource(VireoDomainDef *def, xmlNode *node, GError **error)
{
    xmlNode *p = vireo_xml_child(node, "partition");
    if (!vireo_conf_check_node(node, NULL, "partition", error))
        return FALSE;
    if (!p) {
        /* libvirt refuses it too (without saying why) */
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("missing element partition in resource on line %u"),
                        vireo_conf_line(node));
        return FALSE;
    }
    if (!vireo_conf_check_leaf(p, NULL, error))
        return FALSE;
    g_free(def->resource_partition);
    def->resource_partition = g_strstrip(vireo_conf_content(p));
    if (def->resource_partition[0] != '/') {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("resource partition '%s' must start with '/'"),
                        def->resource_partition);
        return FALSE;
    }
    return TRUE;
}

/* libvirt's virSecurityLabelDefParseXML, inactive: a dynamic label's
 * <label>/<imagelabel> are what the driver generated at start time and
 * are dropped; <baselabel> is kept. */
static gboolean
parse_seclabel_children(VireoSeclabelDef *l, xmlNode *node, GError **error)
{
    if (!vireo_conf_check_node(node, "type model relabel", "label imagelabel baselabel", error))
        return FALSE;
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!vireo_conf_check_leaf(c, NULL, error))
            return FALSE;
        if (g_str_equal((const char *)c->name, "baselabel") &&
            g_str_equal(l->type, "dynamic")) {
            g_free(l->baselabel);
            l->baselabel = vireo_conf_content(c);
        }
    }
    return TRUE;
}

static gboolean
parse_seclabel(VireoDomainDef *def, xmlNode *node, GError **error)
{
    static const char *const types[] = { "dynamic", "static", "none", NULL };
    g_autoptr(VireoSeclabelDef) l = g_new0(VireoSeclabelDef, 1);

    l->line = vireo_conf_line(node);
    l->type = vireo_xml_prop_string(node, "type");
    if (!l->type || !g_strv_contains(types, l->type)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Invalid value for attribute 'type' in element 'seclabel' on line %u: '%s'"),
                        l->line, l->type ? l->type : "");
        return FALSE;
    }
    if (g_str_equal(l->type, "static")) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("element 'seclabel' with type 'static' on line %u is not supported: vireo applies no security labels"),
                        l->line);
        return FALSE;
    }
    l->model = vireo_xml_prop_string(node, "model");
    TRY(vireo_xml_prop_yesno(node, "relabel", 0, &l->relabel, error));
    if (!parse_seclabel_children(l, node, error))
        return FALSE;
    if (g_str_equal(l->type, "dynamic") && l->relabel == VIREO_TRISTATE_NO) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("dynamic label type must use resource relabeling"));
        return FALSE;
    }
    if (g_str_equal(l->type, "none") && l->relabel == VIREO_TRISTATE_YES) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("resource relabeling is not compatible with 'none' label type"));
        return FALSE;
    }
    for (guint i = 0; l->model && i < def->seclabels->len; i++) {
        VireoSeclabelDef *o = g_ptr_array_index(def->seclabels, i);
        if (g_strcmp0(o->model, l->model) == 0) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("seclabel for model %s is already provided"), l->model);
            return FALSE;
        }
    }
    g_ptr_array_add(def->seclabels, g_steal_pointer(&l));
    return TRUE;
}

static gboolean
parse_top_child(VireoDomainDef *def, xmlNode *c, VireoDomainParseFlags flags,
                GError **error)
{
    const char *n = (const char *)c->name;
    VireoDomainLines *l = &def->lines;

    if (g_str_equal(n, "name")) {
        gboolean ok = parse_text_element(c, &def->name, &l->name, error);
        if (ok)
            g_strstrip(def->name);
        return ok;
    }
    if (g_str_equal(n, "uuid")) {
        l->uuid = vireo_conf_line(c);
        return parse_uuid_element(c, def->uuid, error);
    }
    if (g_str_equal(n, "genid")) {
        l->genid = vireo_conf_line(c);
        return parse_genid(def, c, error);
    }
    if (g_str_equal(n, "title"))
        return parse_text_element(c, &def->title, &l->title, error);
    if (g_str_equal(n, "description"))
        return parse_text_element(c, &def->description, &l->description, error);
    if (g_str_equal(n, "metadata")) {
        l->metadata = vireo_conf_line(c);
        return parse_metadata(def, c, error);
    }
    if (g_str_equal(n, "memory") || g_str_equal(n, "currentMemory"))
        return parse_memory(def, c, g_str_equal(n, "currentMemory"), error);
    if (g_str_equal(n, "maxMemory")) {
        l->max_memory = vireo_conf_line(c);
        return parse_max_memory(def, c, error);
    }
    if (g_str_equal(n, "memoryBacking"))
        return parse_memory_backing(def, c, error);
    if (g_str_equal(n, "vcpu")) {
        l->vcpu = vireo_conf_line(c);
        return parse_vcpu(def, c, error);
    }
    if (g_str_equal(n, "iothreads")) {
        l->iothreads = vireo_conf_line(c);
        return vireo_conf_check_leaf(c, NULL, error) &&
               vireo_conf_content_uint(c, &def->iothreads, error);
    }
    if (g_str_equal(n, "cputune")) {
        l->cputune = vireo_conf_line(c);
        return parse_cputune(def, c, error);
    }
    if (g_str_equal(n, "sysinfo"))
        return parse_sysinfo(def, c, error);
    if (g_str_equal(n, "os"))
        return parse_os(def, c, error);
    if (g_str_equal(n, "features"))
        return parse_features(def, c, error);
    if (g_str_equal(n, "cpu"))
        return parse_cpu(def, c, error);
    if (g_str_equal(n, "clock"))
        return parse_clock(def, c, error);
    if (g_str_equal(n, "on_poweroff"))
        return parse_lifecycle(c, &def->on_poweroff, &l->on_poweroff, error);
    if (g_str_equal(n, "on_reboot"))
        return parse_lifecycle(c, &def->on_reboot, &l->on_reboot, error);
    if (g_str_equal(n, "on_crash"))
        return parse_lifecycle(c, &def->on_crash, &l->on_crash, error);
    if (g_str_equal(n, "pm"))
        return parse_pm(def, c, error);
    if (g_str_equal(n, "resource")) {
        l->resource = vireo_conf_line(c);
        return parse_resource(def, c, error);
    }
    if (g_str_equal(n, "seclabel"))
        return parse_seclabel(def, c, error);
    l->devices = vireo_conf_line(c);
    return vireo_domain_devices_parse(def, c, flags, error);
}

/* Elements vireo reads below <domain>; anything else is refused. */
#define DOMAIN_CHILDREN \
    "name uuid genid title description metadata maxMemory memory currentMemory " \
    "memoryBacking vcpu iothreads cputune sysinfo* os features cpu clock " \
    "on_poweroff on_reboot on_crash pm resource devices seclabel*"

VireoDomainDef *
vireo_domain_def_parse_xml(xmlDoc *doc, xmlNode *root,
                           VireoDomainParseFlags flags, GError **error)
{
    g_autoptr(VireoDomainDef) def = vireo_domain_def_new();
    int virt = 0;
    const char *root_attrs = (flags & VIREO_DOMAIN_PARSE_LIVE) ? "type id" : "type";

    if (!root)
        root = xmlDocGetRootElement(doc);
    if (!vireo_conf_node_is(root, "domain")) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("unexpected root element <%s>, expecting <domain>"),
                        root ? (const char *)root->name : "");
        return NULL;
    }
    if (!vireo_conf_check_node(root, root_attrs, DOMAIN_CHILDREN, error))
        return NULL;
    def->lines.domain = vireo_conf_line(root);
    if (vireo_xml_prop_enum(root, "type", vireo_domain_virt_from_string,
                            VIREO_XML_PROP_REQUIRED, &virt, error) < 0)
        return NULL;
    def->virt_type = virt;
    if ((flags & VIREO_DOMAIN_PARSE_LIVE) &&
        vireo_xml_prop_int(root, "id", 10, 0, &def->id, error) < 0)
        return NULL;
    def->on_poweroff = def->on_reboot = def->on_crash = VIREO_LIFECYCLE_UNSET;

    VIREO_CONF_FOREACH_CHILD(root, c) {
        if (!parse_top_child(def, c, flags, error))
            return NULL;
    }
    if (!def->name || !*def->name) {
        vireo_error_set(error, VIREO_ERR_NO_DOMAIN, "%s",
                        _("missing domain name information"));
        return NULL;
    }
    if (!def->lines.memory) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                        _("missing element memory"));
        return NULL;
    }
    if (!def->os.type) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                        _("an os <type> must be specified"));
        return NULL;
    }
    return g_steal_pointer(&def);
}
