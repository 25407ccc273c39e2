/* vireo: machine verbs.
 *
 *   capabilities (domcapabilities)  machine types and CPU models this host runs
 *   domxml-to-native qemu-argv FILE the equivalent qemu-system-x86_64 command
 *   describe FILE [--json] [--host] the resolved machine description */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "cli/vireo-cli.h"
#include "conf/domain_conf.h"
#include "kvm/kvm.h"
#include "machine/machine_desc.h"
#include "machine/machine-format.h"
#include "machine/machine-type.h"
#include "machine/cpu-model.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

static gboolean
has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (g_str_equal(argv[i], flag))
            return TRUE;
    return FALSE;
}

/* The first argument that is not an option (or an option's value). */
static const char *
positional(int argc, char **argv, guint nth, const char *const *valued)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
            for (guint v = 0; valued && valued[v]; v++)
                if (g_str_equal(argv[i], valued[v]))
                    i++;
            continue;
        }
        if (nth-- == 0)
            return argv[i];
    }
    return NULL;
}

static gboolean
check_options(int argc, char **argv, const char *const *known)
{
    for (int i = 1; i < argc; i++) {
        gboolean ok = argv[i][0] != '-';
        for (guint k = 0; !ok && known[k]; k++)
            ok = g_str_equal(argv[i], known[k]);
        if (!ok) {
            vireo_cli_error(_("command '%s' doesn't support option %s"), argv[0], argv[i]);
            return FALSE;
        }
    }
    return TRUE;
}

static VireoDomainDef *
parse_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    VireoDomainDef *def = vireo_domain_def_parse_file(path, VIREO_DOMAIN_PARSE_NONE, &err);
    if (!def)
        vireo_cli_error("%s", err->message);
    return def;
}

/* Takes def; on success *def_out owns it (the description borrows it). */
static VireoMachineDesc *
resolve_def(VireoDomainDef *def_in, const VireoHostCaps *host, VireoDomainDef **def_out)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = def_in;
    VireoMachineDesc *desc;
    if (!def)
        return NULL;
    desc = vireo_machine_resolve(def, host, &err);
    if (!desc) {
        vireo_cli_error("%s", err->message);
        return NULL;
    }
    *def_out = g_steal_pointer(&def);
    return desc;
}

static VireoHostCaps *
probe_host(GError **error)
{
    g_autoptr(VireoHostCaps) host = vireo_host_caps_new();
    if (!vireo_kvm_host_caps_probe(host, error))
        return NULL;
    return g_steal_pointer(&host);
}

/* ---- domxml-to-native -------------------------------------------------- */

static int
cmd_domxml_to_native(VireoCliContext *ctx, int argc, char **argv)
{
    static const char *const known[] = { "--format", "--xml", NULL };
    static const char *const valued[] = { "--format", "--xml", NULL };
    const char *format = NULL, *file = NULL;
    g_autoptr(VireoDomainDef) def = NULL;
    g_autoptr(VireoMachineDesc) desc = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) qargv = NULL;
    g_autofree char *line = NULL;
    g_autoptr(VireoHostCaps) host = NULL;
    VireoDomainDef *parsed;

    if (!check_options(argc, argv, known))
        return 1;
    for (int i = 1; i + 1 < argc; i++) {
        if (g_str_equal(argv[i], "--format"))
            format = argv[i + 1];
        else if (g_str_equal(argv[i], "--xml"))
            file = argv[i + 1];
    }
    if (!format)
        format = positional(argc, argv, 0, valued);
    if (!file)
        file = positional(argc, argv, format == positional(argc, argv, 0, valued) ? 1 : 0,
                          valued);
    if (!format || !file)
        return vireo_cli_error(_("command '%s' requires FORMAT and FILE"), argv[0]);
    if (!g_str_equal(format, "qemu-argv"))
        return vireo_cli_error(_("unsupported config type %s"), format);
    /* like libvirt's domxml-to-native: no host CPU check; but host-model
     * is expanded with the host's CPU, as libvirt does before building
     * the command line */
    parsed = parse_file(file);
    if (!parsed)
        return 1;
    if (parsed->cpu && parsed->cpu->mode == VIREO_CPU_MODE_HOST_MODEL) {
        host = probe_host(&err);
        if (!host)
            g_printerr("%s %s\n", _("warning: the host CPU is unknown:"), err->message);
        g_clear_error(&err);
    }
    desc = resolve_def(parsed, host, &def);
    if (!desc)
        return 1;
    qargv = vireo_machine_desc_to_qemu_argv(desc, &err);
    if (!qargv)
        return vireo_cli_error("%s", err->message);
    line = vireo_qemu_argv_to_string((const char *const *)qargv, FALSE);
    fputs(line, stdout);
    return 0;
}

/* ---- describe ---------------------------------------------------------- */


static int
cmd_describe(VireoCliContext *ctx, int argc, char **argv)
{
    static const char *const known[] = { "--json", "--host", NULL };
    const char *file = positional(argc, argv, 0, NULL);
    g_autoptr(VireoHostCaps) host = NULL;
    g_autoptr(VireoDomainDef) def = NULL;
    g_autoptr(VireoMachineDesc) desc = NULL;
    g_autofree char *out = NULL;
    VireoDomainDef *parsed;

    if (!check_options(argc, argv, known))
        return 1;
    if (!file)
        return vireo_cli_error(_("command '%s' requires FILE"), argv[0]);
    parsed = parse_file(file);
    if (!parsed)
        return 1;
    if (has_flag(argc, argv, "--host")) {
        g_autoptr(GError) err = NULL;
        host = probe_host(&err);
        if (!host) {
            vireo_domain_def_free(parsed);
            return vireo_cli_error("%s", err->message);
        }
    } else if (parsed->cpu && parsed->cpu->mode != VIREO_CPU_MODE_CUSTOM) {
        /* a host CPU mode means nothing without the host: read it, and
         * fall back to the default model's table (with a warning) */
        g_autoptr(GError) err = NULL;
        host = probe_host(&err);
        if (!host)
            g_printerr("%s %s\n", _("warning: the host CPU is unknown:"), err->message);
    }
    desc = resolve_def(parsed, host, &def);
    if (!desc)
        return 1;
    out = has_flag(argc, argv, "--json") ? vireo_machine_desc_to_json(desc, TRUE)
                                          : vireo_machine_desc_describe(desc);
    puts(out);
    return 0;
}

/* ---- capabilities ------------------------------------------------------ */

static void
print_machines(void)
{
    g_autoptr(GPtrArray) list = vireo_machine_class_list();
    printf("%s\n", _("Machine types:"));
    for (guint i = 0; i < list->len; i++) {
        VireoMachineClass *k = list->pdata[i];
        g_autofree char *name = NULL;
        if (k->canonical != k->name)
            name = g_strdup_printf("%s -> %s", k->name, k->canonical);
        else if (k->alias)
            name = g_strdup_printf("%s (alias %s%s)", k->name, k->alias,
                                   k->is_default ? _(", default") : "");
        else
            name = g_strdup(k->name);
        printf("  %-36s %s\n", name, k->description);
    }
}

static void
print_cpu_models(const VireoHostCaps *host, const char *why_not)
{
    g_autoptr(GPtrArray) models = vireo_cpu_model_class_list();
    printf("\n%s\n", _("CPU models:"));
    if (host) {
        guint added, removed;
        VireoCpuModelClass *hm = vireo_cpu_model_host_model(host->supported_cpuid,
                                                            host->host_vendor,
                                                            &added, &removed);
        printf("  %s %s\n", _("host-passthrough, maximum: usable; host vendor"), host->host_vendor);
        printf("  %s ", _("host-model:"));
        printf(_("%s, with %u features the host adds and %u it lacks"),
               hm->info->name, added, removed);
        printf("\n");
    } else
        printf("  %s %s\n", _("host CPU unknown:"), why_not);
    for (guint i = 0; i < models->len; i++) {
        VireoCpuModelClass *k = models->pdata[i];
        g_autoptr(GPtrArray) blockers = NULL;
        if (!host) {
            printf("  %-20s %-14s %s\n", k->info->name, k->info->vendor, k->info->model_id);
            continue;
        }
        blockers = vireo_cpu_model_blockers(k, host->supported_cpuid);
        if (!blockers->len) {
            printf("  %-20s %-14s %s\n", k->info->name, k->info->vendor, _("usable"));
        } else {
            g_autofree char *list = NULL;
            g_ptr_array_add(blockers, NULL);
            list = g_strjoinv(" ", (char **)blockers->pdata);
            printf("  %-20s %-14s %s %s\n", k->info->name, k->info->vendor,
                   _("blocked by:"), list);
        }
    }
}

static int
cmd_capabilities(VireoCliContext *ctx, int argc, char **argv)
{
    static const char *const known[] = { NULL };
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoHostCaps) host = NULL;

    if (!check_options(argc, argv, known))
        return 1;
    vireo_types_init();
    host = probe_host(&err);
    print_machines();
    print_cpu_models(host, err ? err->message : NULL);
    return 0;
}

const VireoCliCommand vireo_cli_machine_cmds[] = {
    { "capabilities",
      N_("machine types (aliases, default) and CPU models, with the features "
         "that keep this host from running a model"),
      "capabilities", cmd_capabilities },
    { "domcapabilities", N_("same as capabilities"), "domcapabilities",
      cmd_capabilities },
    { "domxml-to-native",
      N_("print the qemu-system-x86_64 command line equivalent to a domain XML"),
      "domxml-to-native qemu-argv FILE", cmd_domxml_to_native },
    { "describe",
      N_("print the resolved machine description of a domain XML (vCPUs and "
         "APIC IDs, CPUID, memory map, devices)"),
      "describe FILE [--json] [--host]", cmd_describe },
    { NULL, NULL, NULL, NULL },
};
