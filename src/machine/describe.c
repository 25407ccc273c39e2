/* vireo: `vireo describe` — the resolved description for people and, as
 * JSON (json-glib), for tools and tests. */
#include <config.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "machine/machine-format.h"
#include "util/vireo-i18n.h"
#include "util/vireo-xml.h"

static const char *const family_names[] = { "i440fx", "q35", "microvm" };
static const char *const e820_names[] = { "", "ram", "reserved", "acpi", "nvs", "unusable" };
static const char *const chr_names[] = {
    "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix",
    "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus",
};
static const char *const offset_names[] = { "utc", "localtime", "variable", "timezone" };

static char *
hex64(guint64 v)
{
    return g_strdup_printf("0x%llx", (unsigned long long)v);
}

static void
json_hex(JsonBuilder *b, const char *name, guint64 v)
{
    g_autofree char *s = hex64(v);
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, s);
}

static void
json_int(JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

static void
json_str(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    if (v)
        json_builder_add_string_value(b, v);
    else
        json_builder_add_null_value(b);
}

static void
json_bool(JsonBuilder *b, const char *name, gboolean v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, v);
}

static void
json_strv(JsonBuilder *b, const char *name, GPtrArray *list)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (guint i = 0; list && i < list->len; i++)
        json_builder_add_string_value(b, list->pdata[i]);
    json_builder_end_array(b);
}

static void
json_cpuid(JsonBuilder *b, const GArray *cpuid)
{
    json_builder_set_member_name(b, "cpuid");
    json_builder_begin_array(b);
    for (guint i = 0; i < cpuid->len; i++) {
        const VireoCpuidEntry *e = &g_array_index(cpuid, VireoCpuidEntry, i);
        json_builder_begin_object(b);
        json_hex(b, "function", e->function);
        json_int(b, "index", e->index);
        json_hex(b, "eax", e->eax);
        json_hex(b, "ebx", e->ebx);
        json_hex(b, "ecx", e->ecx);
        json_hex(b, "edx", e->edx);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
json_cpu(JsonBuilder *b, const VireoCpuDesc *c)
{
    json_builder_set_member_name(b, "cpu");
    json_builder_begin_object(b);
    json_str(b, "model", c->model);
    json_str(b, "vendor", c->vendor);
    json_str(b, "model-id", c->model_id);
    json_int(b, "family", c->family);
    json_int(b, "model-number", c->model_number);
    json_int(b, "stepping", c->stepping);
    json_int(b, "sockets", c->sockets);
    json_int(b, "dies", c->dies);
    json_int(b, "clusters", c->clusters);
    json_int(b, "cores", c->cores);
    json_int(b, "threads", c->threads);
    json_int(b, "max-vcpus", c->max_vcpus);
    json_int(b, "current-vcpus", c->current_vcpus);
    json_strv(b, "features", c->enabled_features);
    json_strv(b, "disabled-features", c->disabled_features);
    json_builder_set_member_name(b, "vcpus");
    json_builder_begin_array(b);
    for (guint i = 0; i < c->vcpus->len; i++) {
        const VireoVcpuDesc *v = c->vcpus->pdata[i];
        json_builder_begin_object(b);
        json_int(b, "index", v->index);
        json_int(b, "apic-id", v->apic_id);
        json_int(b, "socket-id", v->socket_id);
        json_int(b, "die-id", v->die_id);
        json_int(b, "cluster-id", v->cluster_id);
        json_int(b, "core-id", v->core_id);
        json_int(b, "thread-id", v->thread_id);
        json_bool(b, "present", v->present);
        json_cpuid(b, v->cpuid);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static void
json_memory(JsonBuilder *b, const VireoMemoryDesc *m)
{
    json_builder_set_member_name(b, "memory");
    json_builder_begin_object(b);
    json_int(b, "ram-bytes", m->ram_bytes);
    json_hex(b, "below-4g", m->below_4g);
    json_hex(b, "above-4g", m->above_4g);
    json_hex(b, "pci-hole-start", m->pci_hole_start);
    json_hex(b, "pci-hole-end", m->pci_hole_end);
    json_hex(b, "ecam-base", m->ecam_base);
    json_hex(b, "ecam-size", m->ecam_size);
    json_hex(b, "acpi-base", m->acpi_base);
    json_hex(b, "acpi-size", m->acpi_size);
    json_int(b, "hugepage-size", m->hugepage_size);
    json_builder_set_member_name(b, "e820");
    json_builder_begin_array(b);
    for (guint i = 0; i < m->e820->len; i++) {
        const VireoE820Entry *e = &g_array_index(m->e820, VireoE820Entry, i);
        json_builder_begin_object(b);
        json_hex(b, "addr", e->addr);
        json_hex(b, "size", e->size);
        json_str(b, "type", e820_names[e->type]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static void
json_device(JsonBuilder *b, const VireoDeviceDesc *d)
{
    json_builder_begin_object(b);
    json_str(b, "kind", vireo_device_kind_to_string(d->kind));
    json_str(b, "id", d->id);
    json_str(b, "model", d->model);
    if (d->io_len) {
        json_hex(b, "io-base", d->io_base);
        json_int(b, "io-len", d->io_len);
    }
    if (d->gsi >= 0)
        json_int(b, "gsi", d->gsi);
    if (d->on_pci) {
        g_autofree char *addr = g_strdup_printf("%04x:%02x:%02x.%x", 0, d->pci_bus,
                                                d->pci_slot, d->pci_function);
        json_str(b, "pci-address", addr);
    }
    if (d->mmio_size) {
        json_hex(b, "mmio-base", d->mmio_base);
        json_hex(b, "mmio-size", d->mmio_size);
    }
    if (d->chardev) {
        json_str(b, "chardev", chr_names[d->chardev->type]);
        if (d->chardev->path)
            json_str(b, "path", d->chardev->path);
        if (d->chardev->log_file)
            json_str(b, "log", d->chardev->log_file);
    }
    if (d->boot_index)
        json_int(b, "bootindex", d->boot_index);
    json_builder_end_object(b);
}

char *
vireo_machine_desc_to_json(const VireoMachineDesc *desc, gboolean pretty)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    char uuid[37];
    vireo_uuid_format(desc->uuid, uuid);
    json_builder_begin_object(b);
    json_str(b, "name", desc->name);
    json_str(b, "uuid", uuid);
    json_str(b, "machine", desc->machine_type);
    json_str(b, "machine-alias", desc->machine_alias);
    json_str(b, "family", family_names[desc->family]);
    json_bool(b, "kvm", desc->accel_kvm);
    json_cpu(b, &desc->cpu);
    json_memory(b, &desc->mem);
    json_builder_set_member_name(b, "clock");
    json_builder_begin_object(b);
    json_str(b, "offset", offset_names[desc->clock.offset]);
    json_int(b, "adjustment", desc->clock.adjustment);
    json_bool(b, "rtc-catchup", desc->clock.rtc_catchup);
    json_bool(b, "hpet", desc->clock.hpet);
    json_bool(b, "kvmclock", desc->clock.kvmclock);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (guint i = 0; i < desc->devices->len; i++)
        json_device(b, desc->devices->pdata[i]);
    json_builder_end_array(b);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, pretty);
    return json_generator_to_data(gen, NULL);
}

/* ---- for people ---------------------------------------------------------- */

static void
describe_cpu(GString *s, const VireoCpuDesc *c)
{
    g_string_append_printf(s, _("CPU:          %s (%s, family %u model %u stepping %u)\n"),
                           c->model, c->vendor, c->family, c->model_number, c->stepping);
    g_string_append_printf(s, _("Model ID:     %s\n"), c->model_id);
    g_string_append_printf(s, _("Topology:     %u sockets, %u dies, %u clusters, %u cores, %u threads\n"),
                           c->sockets, c->dies, c->clusters, c->cores, c->threads);
    g_string_append_printf(s, _("vCPUs:        %u present of %u\n"), c->current_vcpus, c->max_vcpus);
    for (guint i = 0; i < c->vcpus->len; i++) {
        const VireoVcpuDesc *v = c->vcpus->pdata[i];
        g_string_append_printf(s, _("  vCPU %-3u    APIC ID %-3u socket %u die %u core %u thread %u%s\n"),
                               v->index, v->apic_id, v->socket_id, v->die_id,
                               v->core_id, v->thread_id, v->present ? "" : _(" (hot-pluggable)"));
    }
    g_string_append(s, _("Features:    "));
    for (guint i = 0; i < c->enabled_features->len; i++)
        g_string_append_printf(s, " %s", (char *)c->enabled_features->pdata[i]);
    g_string_append_c(s, '\n');
    if (c->disabled_features->len) {
        g_string_append(s, _("Disabled:    "));
        for (guint i = 0; i < c->disabled_features->len; i++)
            g_string_append_printf(s, " %s", (char *)c->disabled_features->pdata[i]);
        g_string_append_c(s, '\n');
    }
}

static void
describe_cpuid(GString *s, const GArray *cpuid)
{
    g_string_append(s, _("CPUID (vCPU 0):\n"));
    for (guint i = 0; i < cpuid->len; i++) {
        const VireoCpuidEntry *e = &g_array_index(cpuid, VireoCpuidEntry, i);
        g_string_append_printf(s, "  %08x.%-2u  eax=%08x ebx=%08x ecx=%08x edx=%08x\n",
                               e->function, e->index, e->eax, e->ebx, e->ecx, e->edx);
    }
}

static void
describe_memory(GString *s, const VireoMemoryDesc *m)
{
    g_string_append_printf(s, _("Memory:       %llu MiB (%llu MiB below 4 GiB, %llu MiB above)\n"),
                           (unsigned long long)(m->ram_bytes >> 20),
                           (unsigned long long)(m->below_4g >> 20),
                           (unsigned long long)(m->above_4g >> 20));
    g_string_append(s, _("e820:\n"));
    for (guint i = 0; i < m->e820->len; i++) {
        const VireoE820Entry *e = &g_array_index(m->e820, VireoE820Entry, i);
        g_string_append_printf(s, "  %016llx-%016llx %s\n", (unsigned long long)e->addr,
                               (unsigned long long)(e->addr + e->size - 1), e820_names[e->type]);
    }
}

static void
describe_devices(GString *s, const GPtrArray *devices)
{
    g_string_append(s, _("Devices:\n"));
    for (guint i = 0; i < devices->len; i++) {
        const VireoDeviceDesc *d = devices->pdata[i];
        g_string_append_printf(s, "  %-16s %-16s %-16s", vireo_device_kind_to_string(d->kind),
                               d->id, d->model);
        if (d->on_pci)
            g_string_append_printf(s, " pci 00:%02x.%x", d->pci_slot, d->pci_function);
        if (d->io_len)
            g_string_append_printf(s, " io 0x%x-0x%x", d->io_base, d->io_base + d->io_len - 1);
        if (d->gsi >= 0)
            g_string_append_printf(s, " irq %d", d->gsi);
        if (d->chardev)
            g_string_append_printf(s, " %s%s%s", chr_names[d->chardev->type],
                                   d->chardev->path ? ":" : "",
                                   d->chardev->path ? d->chardev->path : "");
        if (d->boot_index)
            g_string_append_printf(s, " bootindex=%u", d->boot_index);
        g_string_append_c(s, '\n');
    }
}

char *
vireo_machine_desc_describe(const VireoMachineDesc *desc)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, _("Name:         %s\n"), desc->name);
    g_string_append_printf(s, _("Machine:      %s%s%s%s (%s)\n"), desc->machine_type,
                           desc->machine_alias ? " [" : "",
                           desc->machine_alias ? desc->machine_alias : "",
                           desc->machine_alias ? "]" : "", family_names[desc->family]);
    describe_cpu(s, &desc->cpu);
    describe_memory(s, &desc->mem);
    describe_devices(s, desc->devices);
    describe_cpuid(s, ((const VireoVcpuDesc *)desc->cpu.vcpus->pdata[0])->cpuid);
    return g_string_free(s, FALSE);
}
