/* vireo: VireoDomainDef -> XML, written as libvirt's virDomainDefFormat
 * writes it (element and attribute order, 2-space indent, single quotes),
 * so `vireo dumpxml` and `virsh dumpxml` agree on the same definition. */
#include <config.h>
#include <string.h>
#include <libxml/xmlsave.h>
#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"

/* ---- buffer helpers ---------------------------------------------------- */
void
vireo_buf_escape(GString *str, const char *value)
{
    for (const char *p = value; p && *p; p++) {
        switch (*p) {
        case '<': g_string_append(str, "&lt;"); break;
        case '>': g_string_append(str, "&gt;"); break;
        case '&': g_string_append(str, "&amp;"); break;
        case '\'': g_string_append(str, "&apos;"); break;
        case '"': g_string_append(str, "&quot;"); break;
        default: g_string_append_c(str, *p); break;
        }
    }
}

void
vireo_buf_attr(GString *str, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(str, " %s='", name);
    vireo_buf_escape(str, value);
    g_string_append_c(str, '\'');
}

void
vireo_buf_line(VireoBuf *buf, const char *fmt, ...)
{
    va_list ap;
    for (int i = 0; i < buf->indent; i++)
        g_string_append_c(buf->str, ' ');
    va_start(ap, fmt);
    g_string_append_vprintf(buf->str, fmt, ap);
    va_end(ap);
    g_string_append_c(buf->str, '\n');
}

/* <name>escaped text</name> on one line; nothing when text is NULL. */
static void
buf_text_element(VireoBuf *buf, const char *name, const char *attrs, const char *text)
{
    g_autoptr(GString) esc = g_string_new(NULL);
    if (!text)
        return;
    vireo_buf_escape(esc, text);
    vireo_buf_line(buf, "<%s%s>%s</%s>", name, attrs ? attrs : "", esc->str, name);
}

/* <name attrs>text</name>, or <name attrs/> when text is NULL. */
static void
buf_text_or_empty(VireoBuf *buf, const char *name, const char *attrs, const char *text)
{
    if (text)
        buf_text_element(buf, name, attrs, text);
    else
        vireo_buf_line(buf, "<%s%s/>", name, attrs);
}

static const char *
tristate_yesno(VireoTristate t)
{
    return t == VIREO_TRISTATE_YES ? "yes" : t == VIREO_TRISTATE_NO ? "no" : NULL;
}

static const char *
tristate_onoff(VireoTristate t)
{
    return t == VIREO_TRISTATE_YES ? "on" : t == VIREO_TRISTATE_NO ? "off" : NULL;
}

static void
attr_uint(GString *s, const char *name, guint64 v)
{
    g_string_append_printf(s, " %s='%" G_GUINT64_FORMAT "'", name, v);
}

/* ---- general elements -------------------------------------------------- */
static void
format_metadata(VireoBuf *buf, const VireoDomainDef *def)
{
    xmlNode *root = def->metadata ? xmlDocGetRootElement(def->metadata) : NULL;
    xmlBuffer *xb;
    int old_indent = xmlIndentTreeOutput;
    if (!root)
        return;
    /* Like libvirt: libxml2 re-indents the foreign elements, 2 spaces per
     * level, starting at <metadata>'s own depth. */
    xmlIndentTreeOutput = 1;
    xb = xmlBufferCreate();
    xmlNodeDump(xb, def->metadata, root, buf->indent / 2, 1);
    xmlIndentTreeOutput = old_indent;
    for (int i = 0; i < buf->indent; i++)
        g_string_append_c(buf->str, ' ');
    g_string_append(buf->str, (const char *)xmlBufferContent(xb));
    g_string_append_c(buf->str, '\n');
    xmlBufferFree(xb);
}

static void
format_memory(VireoBuf *buf, const VireoDomainDef *def)
{
    const VireoMemoryBacking *mb = &def->mem_backing;
    if (def->max_memory_kib) {
        g_autoptr(GString) a = g_string_new(NULL);
        if (def->max_memory_slots)
            attr_uint(a, "slots", def->max_memory_slots);
        vireo_buf_line(buf, "<maxMemory%s unit='KiB'>%" G_GUINT64_FORMAT "</maxMemory>",
                       a->str, def->max_memory_kib);
    }
    vireo_buf_line(buf, "<memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>", def->memory_kib);
    if (def->current_memory_kib)
        vireo_buf_line(buf, "<currentMemory unit='KiB'>%" G_GUINT64_FORMAT "</currentMemory>",
                       def->current_memory_kib);
    if (!mb->hugepages && !mb->nosharepages && !mb->locked)
        return;
    vireo_buf_line(buf, "<memoryBacking>");
    buf->indent += 2;
    if (mb->hugepages && mb->pages->len == 0) {
        vireo_buf_line(buf, "<hugepages/>");
    } else if (mb->hugepages) {
        vireo_buf_line(buf, "<hugepages>");
        buf->indent += 2;
        for (guint i = 0; i < mb->pages->len; i++) {
            VireoHugepage *p = g_ptr_array_index(mb->pages, i);
            g_autoptr(GString) a = g_string_new(NULL);
            attr_uint(a, "size", p->size_kib);
            g_string_append(a, " unit='KiB'");
            vireo_buf_attr(a, "nodeset", p->nodeset);
            vireo_buf_line(buf, "<page%s/>", a->str);
        }
        buf->indent -= 2;
        vireo_buf_line(buf, "</hugepages>");
    }
    if (mb->nosharepages)
        vireo_buf_line(buf, "<nosharepages/>");
    if (mb->locked)
        vireo_buf_line(buf, "<locked/>");
    buf->indent -= 2;
    vireo_buf_line(buf, "</memoryBacking>");
}

static void
format_vcpu(VireoBuf *buf, const VireoDomainDef *def)
{
    g_autoptr(GString) a = g_string_new(NULL);
    if (def->placement != VIREO_VCPU_PLACEMENT_DEFAULT)
        vireo_buf_attr(a, "placement", vireo_vcpu_placement_to_string(def->placement));
    vireo_buf_attr(a, "cpuset", def->cpuset);
    if (def->current_vcpus && def->current_vcpus != def->vcpus)
        attr_uint(a, "current", def->current_vcpus);
    vireo_buf_line(buf, "<vcpu%s>%u</vcpu>", a->str, def->vcpus);
    if (def->iothreads)
        vireo_buf_line(buf, "<iothreads>%u</iothreads>", def->iothreads);
    if (def->has_cputune_shares) {
        vireo_buf_line(buf, "<cputune>");
        vireo_buf_line(buf, "  <shares>%" G_GUINT64_FORMAT "</shares>", def->cputune_shares);
        vireo_buf_line(buf, "</cputune>");
    }
}


/* libvirt stores SMBIOS entries as struct fields, so they come out in a
 * fixed order whatever the input order was. */
static void
format_sysinfo_block(VireoBuf *buf, const char *block, GPtrArray *entries)
{
    const char *const *names = vireo_sysinfo_block_names(block);
    if (!entries || entries->len == 0)
        return;
    vireo_buf_line(buf, "<%s>", block);
    buf->indent += 2;
    for (const char *const *n = names; *n; n++) {
        for (guint i = 0; i < entries->len; i++) {
            VireoSysinfoEntry *e = g_ptr_array_index(entries, i);
            g_autoptr(GString) a = g_string_new(NULL);
            if (!g_str_equal(e->name, *n))
                continue;
            vireo_buf_attr(a, "name", e->name);
            buf_text_element(buf, "entry", a->str, e->value);
        }
    }
    buf->indent -= 2;
    vireo_buf_line(buf, "</%s>", block);
}

static void
format_sysinfo(VireoBuf *buf, const VireoSysinfoDef *si)
{
    g_autoptr(GString) a = g_string_new(NULL);
    gboolean empty = TRUE;
    vireo_buf_attr(a, "type", si->type);
    empty &= !si->bios || si->bios->len == 0;
    empty &= !si->system || si->system->len == 0;
    empty &= !si->chassis || si->chassis->len == 0;
    empty &= !si->oem_strings || si->oem_strings->len == 0;
    for (guint i = 0; si->base_boards && i < si->base_boards->len; i++)
        empty &= ((GPtrArray *)g_ptr_array_index(si->base_boards, i))->len == 0;
    if (empty) {
        vireo_buf_line(buf, "<sysinfo%s/>", a->str);
        return;
    }
    vireo_buf_line(buf, "<sysinfo%s>", a->str);
    buf->indent += 2;
    format_sysinfo_block(buf, "bios", si->bios);
    format_sysinfo_block(buf, "system", si->system);
    for (guint i = 0; si->base_boards && i < si->base_boards->len; i++)
        format_sysinfo_block(buf, "baseBoard", g_ptr_array_index(si->base_boards, i));
    format_sysinfo_block(buf, "chassis", si->chassis);
    if (si->oem_strings && si->oem_strings->len) {
        vireo_buf_line(buf, "<oemStrings>");
        buf->indent += 2;
        for (guint i = 0; i < si->oem_strings->len; i++)
            buf_text_element(buf, "entry", NULL, g_ptr_array_index(si->oem_strings, i));
        buf->indent -= 2;
        vireo_buf_line(buf, "</oemStrings>");
    }
    buf->indent -= 2;
    vireo_buf_line(buf, "</sysinfo>");
}

static void
format_os_loader(VireoBuf *buf, const VireoDomainOsDef *os)
{
    g_autoptr(GString) a = g_string_new(NULL);
    if (os->loader || os->loader_readonly || os->loader_secure || os->loader_type) {
        vireo_buf_attr(a, "readonly", tristate_yesno(os->loader_readonly));
        vireo_buf_attr(a, "secure", tristate_yesno(os->loader_secure));
        if (os->loader_type)
            vireo_buf_attr(a, "type", vireo_loader_type_to_string(os->loader_type));
        buf_text_or_empty(buf, "loader", a->str, os->loader);
    }
    if (os->nvram || os->nvram_template) {
        g_autoptr(GString) n = g_string_new(NULL);
        vireo_buf_attr(n, "template", os->nvram_template);
        buf_text_or_empty(buf, "nvram", n->str, os->nvram);
    }
}

static void
format_os(VireoBuf *buf, const VireoDomainOsDef *os)
{
    g_autoptr(GString) a = g_string_new(NULL);
    vireo_buf_line(buf, "<os>");
    buf->indent += 2;
    vireo_buf_attr(a, "arch", os->arch);
    vireo_buf_attr(a, "machine", os->machine);
    buf_text_element(buf, "type", a->str, os->type);
    format_os_loader(buf, os);
    buf_text_element(buf, "kernel", NULL, os->kernel);
    buf_text_element(buf, "initrd", NULL, os->initrd);
    buf_text_element(buf, "cmdline", NULL, os->cmdline);
    buf_text_element(buf, "dtb", NULL, os->dtb);
    for (guint i = 0; i < os->nboot; i++)
        vireo_buf_line(buf, "<boot dev='%s'/>", vireo_boot_dev_to_string(os->boot[i]));
    if (os->bootmenu) {
        g_autoptr(GString) b = g_string_new(NULL);
        vireo_buf_attr(b, "enable", tristate_yesno(os->bootmenu));
        if (os->has_bootmenu_timeout)
            attr_uint(b, "timeout", os->bootmenu_timeout);
        vireo_buf_line(buf, "<bootmenu%s/>", b->str);
    }
    if (os->bios_useserial || os->has_reboot_timeout) {
        g_autoptr(GString) b = g_string_new(NULL);
        vireo_buf_attr(b, "useserial", tristate_yesno(os->bios_useserial));
        if (os->has_reboot_timeout)
            g_string_append_printf(b, " rebootTimeout='%d'", os->reboot_timeout);
        vireo_buf_line(buf, "<bios%s/>", b->str);
    }
    if (os->smbios)
        vireo_buf_line(buf, "<smbios mode='%s'/>", vireo_smbios_mode_to_string(os->smbios));
    buf->indent -= 2;
    vireo_buf_line(buf, "</os>");
}

static void
format_features(VireoBuf *buf, const VireoDomainFeatures *f)
{
    /* libvirt's virDomainFeature order, not vireo's enum order. */
    static const VireoDomainFeature order[] = {
        VIREO_DOMAIN_FEATURE_ACPI, VIREO_DOMAIN_FEATURE_APIC, VIREO_DOMAIN_FEATURE_PAE,
        VIREO_DOMAIN_FEATURE_HAP, VIREO_DOMAIN_FEATURE_KVM, VIREO_DOMAIN_FEATURE_PMU,
        VIREO_DOMAIN_FEATURE_VMPORT, VIREO_DOMAIN_FEATURE_VMCOREINFO,
    };
    gboolean any = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(order); i++)
        any |= f->state[order[i]] != VIREO_TRISTATE_ABSENT;
    if (!any)
        return;
    vireo_buf_line(buf, "<features>");
    buf->indent += 2;
    for (gsize i = 0; i < G_N_ELEMENTS(order); i++) {
        VireoDomainFeature feat = order[i];
        const char *name = vireo_domain_feature_to_string(feat);
        if (f->state[feat] == VIREO_TRISTATE_ABSENT)
            continue;
        switch (feat) {
        case VIREO_DOMAIN_FEATURE_ACPI:
        case VIREO_DOMAIN_FEATURE_PAE:
            vireo_buf_line(buf, "<%s/>", name);
            break;
        case VIREO_DOMAIN_FEATURE_APIC: {
            g_autoptr(GString) a = g_string_new(NULL);
            vireo_buf_attr(a, "eoi", tristate_onoff(f->apic_eoi));
            vireo_buf_line(buf, "<apic%s/>", a->str);
            break;
        }
        case VIREO_DOMAIN_FEATURE_KVM:
            /* libvirt writes an empty <kvm> as an open/close pair. */
            vireo_buf_line(buf, "<kvm>");
            if (f->kvm_hidden)
                vireo_buf_line(buf, "  <hidden state='%s'/>", tristate_onoff(f->kvm_hidden));
            vireo_buf_line(buf, "</kvm>");
            break;
        default:
            vireo_buf_line(buf, "<%s state='%s'/>", name, tristate_onoff(f->state[feat]));
            break;
        }
    }
    buf->indent -= 2;
    vireo_buf_line(buf, "</features>");
}

/* ---- cpu --------------------------------------------------------------- */
static void
format_cpu_model(VireoBuf *buf, const VireoCpuDef *cpu)
{
    g_autoptr(GString) a = g_string_new(NULL);
    if (!cpu->model && !cpu->vendor_id)
        return;
    if (cpu->model && (cpu->mode == VIREO_CPU_MODE_CUSTOM || cpu->fallback))
        vireo_buf_attr(a, "fallback", vireo_cpu_fallback_to_string(
                           cpu->fallback ? cpu->fallback : VIREO_CPU_FALLBACK_ALLOW));
    vireo_buf_attr(a, "vendor_id", cpu->vendor_id);
    buf_text_or_empty(buf, "model", a->str, cpu->model);
}

static void
format_cpu_body(VireoBuf *buf, const VireoCpuDef *cpu)
{
    format_cpu_model(buf, cpu);
    buf_text_element(buf, "vendor", NULL, cpu->vendor);
    if (cpu->has_topology) {
        g_autoptr(GString) t = g_string_new(NULL);
        attr_uint(t, "sockets", cpu->sockets);
        if (cpu->dies)
            attr_uint(t, "dies", cpu->dies);
        if (cpu->has_clusters)
            attr_uint(t, "clusters", cpu->clusters);
        attr_uint(t, "cores", cpu->cores);
        attr_uint(t, "threads", cpu->threads);
        vireo_buf_line(buf, "<topology%s/>", t->str);
    }
    for (guint i = 0; i < cpu->features->len; i++) {
        VireoCpuFeatureDef *f = g_ptr_array_index(cpu->features, i);
        g_autoptr(GString) a = g_string_new(NULL);
        vireo_buf_attr(a, "policy", vireo_cpu_feature_policy_to_string(f->policy));
        vireo_buf_attr(a, "name", f->name);
        vireo_buf_line(buf, "<feature%s/>", a->str);
    }
    if (cpu->numa->len == 0)
        return;
    vireo_buf_line(buf, "<numa>");
    buf->indent += 2;
    for (guint i = 0; i < cpu->numa->len; i++) {
        VireoNumaCell *c = g_ptr_array_index(cpu->numa, i);
        g_autoptr(GString) a = g_string_new(NULL);
        attr_uint(a, "id", c->id);
        vireo_buf_attr(a, "cpus", c->cpus);
        attr_uint(a, "memory", c->memory_kib);
        g_string_append(a, " unit='KiB'");
        vireo_buf_attr(a, "memAccess", c->mem_access);
        vireo_buf_line(buf, "<cell%s/>", a->str);
    }
    buf->indent -= 2;
    vireo_buf_line(buf, "</numa>");
}

static void
format_cpu(VireoBuf *buf, const VireoCpuDef *cpu)
{
    g_autoptr(GString) a = g_string_new(NULL);
    gboolean empty = !cpu->model && !cpu->vendor_id && !cpu->vendor &&
                     !cpu->has_topology && cpu->features->len == 0 &&
                     cpu->numa->len == 0;
    if (cpu->mode != VIREO_CPU_MODE_CUSTOM || cpu->model)
        vireo_buf_attr(a, "mode", vireo_cpu_mode_to_string(cpu->mode));
    if (cpu->model && cpu->mode == VIREO_CPU_MODE_CUSTOM && cpu->match)
        vireo_buf_attr(a, "match", vireo_cpu_match_to_string(cpu->match));
    if (cpu->check)
        vireo_buf_attr(a, "check", vireo_cpu_check_to_string(cpu->check));
    if (cpu->mode == VIREO_CPU_MODE_HOST_PASSTHROUGH || cpu->mode == VIREO_CPU_MODE_MAXIMUM)
        vireo_buf_attr(a, "migratable", tristate_onoff(cpu->migratable));
    if (empty) {
        if (a->len)
            vireo_buf_line(buf, "<cpu%s/>", a->str);
        return;
    }
    vireo_buf_line(buf, "<cpu%s>", a->str);
    buf->indent += 2;
    format_cpu_body(buf, cpu);
    buf->indent -= 2;
    vireo_buf_line(buf, "</cpu>");
}

/* ---- clock, lifecycle, pm ---------------------------------------------- */
static void
format_timer(VireoBuf *buf, const VireoTimerDef *t)
{
    g_autoptr(GString) a = g_string_new(NULL);
    vireo_buf_attr(a, "name", vireo_timer_name_to_string(t->name));
    vireo_buf_attr(a, "present", tristate_yesno(t->present));
    if (t->tickpolicy)
        vireo_buf_attr(a, "tickpolicy", vireo_timer_tickpolicy_to_string(t->tickpolicy));
    if (t->track)
        vireo_buf_attr(a, "track", vireo_timer_track_to_string(t->track));
    if (t->frequency)
        attr_uint(a, "frequency", t->frequency);
    vireo_buf_attr(a, "mode", t->mode);
    vireo_buf_line(buf, "<timer%s/>", a->str);
}

static void
format_clock(VireoBuf *buf, const VireoClockDef *clock)
{
    g_autoptr(GString) a = g_string_new(NULL);
    vireo_buf_attr(a, "offset", vireo_clock_offset_to_string(clock->offset));
    if (clock->offset == VIREO_CLOCK_OFFSET_VARIABLE) {
        g_string_append_printf(a, " adjustment='%" G_GINT64_FORMAT "'", clock->adjustment);
        vireo_buf_attr(a, "basis", vireo_clock_basis_to_string(clock->basis));
    } else if (clock->offset == VIREO_CLOCK_OFFSET_TIMEZONE) {
        vireo_buf_attr(a, "timezone", clock->timezone);
    }
    if (!clock->timers || clock->timers->len == 0) {
        vireo_buf_line(buf, "<clock%s/>", a->str);
        return;
    }
    vireo_buf_line(buf, "<clock%s>", a->str);
    buf->indent += 2;
    for (guint i = 0; i < clock->timers->len; i++)
        format_timer(buf, g_ptr_array_index(clock->timers, i));
    buf->indent -= 2;
    vireo_buf_line(buf, "</clock>");
}

static void
format_lifecycle(VireoBuf *buf, const char *name, VireoLifecycleAction a)
{
    if ((int)a < 0 || a >= VIREO_LIFECYCLE_LAST)
        return;
    vireo_buf_line(buf, "<%s>%s</%s>", name, vireo_lifecycle_action_to_string(a), name);
}

static void
format_pm(VireoBuf *buf, const VireoPmDef *pm)
{
    if (!pm->suspend_to_mem && !pm->suspend_to_disk)
        return;
    vireo_buf_line(buf, "<pm>");
    if (pm->suspend_to_mem)
        vireo_buf_line(buf, "  <suspend-to-mem enabled='%s'/>", tristate_yesno(pm->suspend_to_mem));
    if (pm->suspend_to_disk)
        vireo_buf_line(buf, "  <suspend-to-disk enabled='%s'/>", tristate_yesno(pm->suspend_to_disk));
    vireo_buf_line(buf, "</pm>");
}

/* ---- the domain -------------------------------------------------------- */
static void
format_identity(VireoBuf *buf, const VireoDomainDef *def)
{
    char uuid[37];
    buf_text_element(buf, "name", NULL, def->name);
    vireo_uuid_format(def->uuid, uuid);
    vireo_buf_line(buf, "<uuid>%s</uuid>", uuid);
    if (def->has_genid && def->genid_generated &&
        !memcmp(def->genid, (guint8[16]){ 0 }, 16)) {
        vireo_buf_line(buf, "<genid/>");
    } else if (def->has_genid) {
        vireo_uuid_format(def->genid, uuid);
        vireo_buf_line(buf, "<genid>%s</genid>", uuid);
    }
    buf_text_element(buf, "title", NULL, def->title);
    buf_text_element(buf, "description", NULL, def->description);
    format_metadata(buf, def);
}

static void
format_resource(VireoBuf *buf, const VireoDomainDef *def)
{
    g_autoptr(GString) esc = g_string_new(NULL);
    if (!def->resource_partition)
        return;
    vireo_buf_escape(esc, def->resource_partition);
    vireo_buf_line(buf, "<resource>");
    vireo_buf_line(buf, "  <partition>%s</partition>", esc->str);
    vireo_buf_line(buf, "</resource>");
}

/* libvirt's virSecurityLabelDefFormat for inactive XML: relabel is
 * written except for type 'none', baselabel only for dynamic labels. */
static void
format_seclabel(VireoBuf *buf, const VireoSeclabelDef *l)
{
    g_autoptr(GString) a = g_string_new(NULL);
    gboolean none = g_str_equal(l->type, "none");
    vireo_buf_attr(a, "type", l->type);
    vireo_buf_attr(a, "model", l->model);
    if (!none)
        vireo_buf_attr(a, "relabel", l->relabel == VIREO_TRISTATE_NO ? "no" : "yes");
    if (none || !l->baselabel) {
        vireo_buf_line(buf, "<seclabel%s/>", a->str);
        return;
    }
    vireo_buf_line(buf, "<seclabel%s>", a->str);
    {
        g_autoptr(GString) esc = g_string_new(NULL);
        vireo_buf_escape(esc, l->baselabel);
        vireo_buf_line(buf, "  <baselabel>%s</baselabel>", esc->str);
    }
    vireo_buf_line(buf, "</seclabel>");
}

char *
vireo_domain_def_format(const VireoDomainDef *def, VireoDomainFormatFlags flags)
{
    VireoBuf buf = { g_string_new(NULL), 0 };
    g_autoptr(GString) root = g_string_new(NULL);

    vireo_buf_attr(root, "type", vireo_domain_virt_to_string(def->virt_type));
    if (!(flags & VIREO_DOMAIN_FORMAT_INACTIVE) && def->id >= 0)
        g_string_append_printf(root, " id='%d'", def->id);
    vireo_buf_line(&buf, "<domain%s>", root->str);
    buf.indent = 2;
    format_identity(&buf, def);
    format_memory(&buf, def);
    format_vcpu(&buf, def);
    format_resource(&buf, def);
    for (guint i = 0; def->sysinfo && i < def->sysinfo->len; i++)
        format_sysinfo(&buf, g_ptr_array_index(def->sysinfo, i));
    format_os(&buf, &def->os);
    format_features(&buf, &def->features);
    if (def->cpu)
        format_cpu(&buf, def->cpu);
    format_clock(&buf, &def->clock);
    format_lifecycle(&buf, "on_poweroff", def->on_poweroff);
    format_lifecycle(&buf, "on_reboot", def->on_reboot);
    format_lifecycle(&buf, "on_crash", def->on_crash);
    format_pm(&buf, &def->pm);
    vireo_domain_devices_format(&buf, def, flags);
    for (guint i = 0; i < def->seclabels->len; i++)
        format_seclabel(&buf, g_ptr_array_index(def->seclabels, i));
    buf.indent = 0;
    vireo_buf_line(&buf, "</domain>");
    return g_string_free(buf.str, FALSE);
}
