/* vireo tests: writes the ACPI tables of one test configuration to a
 * directory, one SIG.dat per table (what `iasl -d` reads), plus
 * expected-apic-ids listing the APIC IDs the MADT must hold.
 * Usage: acpi-dump CONFIG OUTDIR; acpi-dump --list prints the configs. */
#include <config.h>
#include <string.h>
#include "hw/acpi.h"
#include "acpi-configs.h"

static int
dump(const AcpiConfig *c, const char *dir)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoAcpiTables) t = NULL;
    g_autoptr(GString) ids = g_string_new(NULL);

    acpi_config_apply(h, c);
    t = vireo_acpi_build(&h->desc, h->desc.mem.acpi_base, &err);
    if (!t) {
        g_printerr("%s\n", err->message);
        return 1;
    }
    for (guint i = 0; i < t->tables->len; i++) {
        const VireoAcpiTableInfo *info = &g_array_index(t->tables, VireoAcpiTableInfo, i);
        g_autofree char *name = g_strdup_printf("%s/%s.dat", dir, info->signature);
        if (!g_file_set_contents(name, (const char *)t->blob->data + info->offset,
                                 info->length, &err)) {
            g_printerr("%s\n", err->message);
            return 1;
        }
    }
    for (guint i = 0; i < c->n_vcpus; i++)
        g_string_append_printf(ids, "%u\n", c->apic_ids[i]);
    {
        g_autofree char *name = g_strdup_printf("%s/expected-apic-ids", dir);
        if (!g_file_set_contents(name, ids->str, ids->len, &err)) {
            g_printerr("%s\n", err->message);
            return 1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (gsize i = 0; i < G_N_ELEMENTS(acpi_configs); i++)
            g_print("%s\n", acpi_configs[i].name);
        return 0;
    }
    if (argc != 3) {
        g_printerr("usage: acpi-dump CONFIG OUTDIR | --list\n");
        return 2;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(acpi_configs); i++)
        if (strcmp(acpi_configs[i].name, argv[1]) == 0)
            return dump(&acpi_configs[i], argv[2]);
    g_printerr("unknown configuration '%s'\n", argv[1]);
    return 2;
}
