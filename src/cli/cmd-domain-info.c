/* vireo: domain queries: list, dominfo, domstate, domid, domname,
 * domuuid, dumpxml, version. Output shapes are virsh's. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "cli/cmd-util.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

static const VireoOptSpec domain_only[] = {
    { "domain", OPT_STRING, TRUE, TRUE },
    { NULL },
};

/* ---- list ---------------------------------------------------------------- */

static gboolean
list_wants(VireoOpts *opts, VireoDom *dom)
{
    gboolean all = vireo_opts_has(opts, "all");
    gboolean inactive = vireo_opts_has(opts, "inactive");

    if (vireo_opts_has(opts, "transient") && dom->persistent)
        return FALSE;
    if (vireo_opts_has(opts, "persistent") && !dom->persistent)
        return FALSE;
    if (vireo_opts_has(opts, "state-running") && dom->state != VIREO_DOM_RUNNING)
        return FALSE;
    if (vireo_opts_has(opts, "state-paused") && dom->state != VIREO_DOM_PAUSED)
        return FALSE;
    if (vireo_opts_has(opts, "state-shutoff") && dom->state != VIREO_DOM_SHUTOFF)
        return FALSE;
    if (all)
        return TRUE;
    return inactive ? !dom->active : dom->active;
}

static void
print_row(const char *const *cells, const int *width, guint n)
{
    printf(" ");
    for (guint c = 0; c < n; c++) {
        int pad = c + 1 < n ? width[c] - (int)g_utf8_strlen(cells[c], -1) : 0;
        printf("%s%*s%s", cells[c], MAX(pad, 0), "", c + 1 < n ? "   " : "\n");
    }
}

/* virsh's vshTable: columns as wide as their widest cell, three spaces
 * apart, a rule as long as the widths plus three per column. */
static void
print_table(GPtrArray *rows, gboolean header)
{
    int width[3] = { 0 };
    int rule = 0;

    /* with -q virsh leaves the header out of the widths too */
    for (guint r = header ? 0 : 1; r < rows->len; r++)
        for (guint c = 0; c < 3; c++)
            width[c] = MAX(width[c], (int)g_utf8_strlen(((char **)rows->pdata[r])[c], -1));
    for (guint c = 0; c < 3; c++)
        rule += width[c] + 3;
    if (header) {
        print_row(rows->pdata[0], width, 3);
        for (int i = 0; i < rule; i++)
            putchar('-');
        putchar('\n');
    }
    for (guint r = 1; r < rows->len; r++)
        print_row(rows->pdata[r], width, 3);
}

int
vireo_cmd_list(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "all", OPT_BOOL }, { "inactive", OPT_BOOL }, { "name", OPT_BOOL },
        { "uuid", OPT_BOOL }, { "transient", OPT_BOOL }, { "persistent", OPT_BOOL },
        { "state-running", OPT_BOOL }, { "state-paused", OPT_BOOL },
        { "state-shutoff", OPT_BOOL }, { "table", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) doms = NULL;
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    gboolean name, uuid;

    if (!vireo_opts_parse(argv[0], spec, argc, argv, &opts) ||
        !(store = vireo_cli_connect(ctx)))
        return vireo_cli_done(ctx, 1);
    doms = vireo_dom_list_all(store, problems);
    for (guint i = 0; i < problems->len; i++)
        vireo_cli_error("%s", (char *)problems->pdata[i]);
    name = vireo_opts_has(&opts, "name");
    uuid = vireo_opts_has(&opts, "uuid");
    if (!vireo_opts_has(&opts, "table") && (name || uuid)) {
        for (guint i = 0; i < doms->len; i++) {
            VireoDom *dom = doms->pdata[i];
            if (!list_wants(&opts, dom))
                continue;
            if (uuid && name)
                printf("%s %s\n", dom->uuid, dom->name);
            else
                printf("%s\n", uuid ? dom->uuid : dom->name);
        }
        return vireo_cli_done(ctx, 0);
    }
    g_ptr_array_add(rows, g_strsplit(_("Id|Name|State"), "|", 3));
    for (guint i = 0; i < doms->len; i++) {
        VireoDom *dom = doms->pdata[i];
        char **row;
        if (!list_wants(&opts, dom))
            continue;
        row = g_new0(char *, 4);
        row[0] = dom->active ? g_strdup_printf("%d", dom->id) : g_strdup("-");
        row[1] = g_strdup(dom->name);
        row[2] = g_strdup(_(vireo_dom_state_name(dom->state)));
        g_ptr_array_add(rows, row);
    }
    print_table(rows, !ctx->quiet);
    return vireo_cli_done(ctx, 0);
}

/* ---- dominfo, domstate, domid, domname, domuuid ------------------------- */

static void
print_field(const char *label, const char *value)
{
    /* virsh pads the translated label with its colon to 15 columns */
    g_autofree char *l = g_strconcat(label, ":", NULL);
    int pad = 15 - (int)g_utf8_strlen(l, -1);
    printf("%s%*s %s\n", l, MAX(pad, 0), "", value);
}

int
vireo_cmd_dominfo(VireoCliContext *ctx, int argc, char **argv)
{
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = vireo_cli_domain_verb(ctx, domain_only, argc, argv, &opts, &store, TRUE);
    g_autofree char *id = NULL, *cpus = NULL, *maxmem = NULL, *used = NULL;

    if (!dom)
        return vireo_cli_done(ctx, 1);
    id = dom->active ? g_strdup_printf("%d", dom->id) : g_strdup("-");
    cpus = g_strdup_printf("%u", dom->sum->vcpus);
    maxmem = g_strdup_printf("%" G_GUINT64_FORMAT " KiB", dom->sum->memory_kib);
    used = g_strdup_printf("%" G_GUINT64_FORMAT " KiB",
                           dom->active ? dom->sum->current_memory_kib
                                       : dom->sum->current_memory_kib);
    print_field(_("Id"), id);
    print_field(_("Name"), dom->name);
    print_field(_("UUID"), dom->uuid);
    print_field(_("OS Type"), dom->sum->os_type);
    print_field(_("State"), _(vireo_dom_state_name(dom->state)));
    print_field(_("CPU(s)"), cpus);
    if (dom->cpu_time_ns) {
        g_autofree char *t = g_strdup_printf("%.1lfs", dom->cpu_time_ns / 1e9);
        print_field(_("CPU time"), t);
    }
    print_field(_("Max memory"), maxmem);
    print_field(_("Used memory"), used);
    print_field(_("Persistent"), dom->persistent ? _("yes") : _("no"));
    print_field(_("Autostart"), _("disable"));
    print_field(_("Managed save"), _("no"));
    print_field(_("Security model"), "none");
    print_field(_("Security DOI"), "0");
    return vireo_cli_done(ctx, 0);
}

int
vireo_cmd_domstate(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "reason", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE);

    if (!dom)
        return vireo_cli_done(ctx, 1);
    if (vireo_opts_has(&opts, "reason"))
        printf("%s (%s)\n", _(vireo_dom_state_name(dom->state)), _(dom->reason));
    else
        printf("%s\n", _(vireo_dom_state_name(dom->state)));
    return vireo_cli_done(ctx, 0);
}

/* domid, domname, domuuid: one line about the domain; none needs its run
 * state, so none asks the VMM. */
typedef enum { DOM_FIELD_ID, DOM_FIELD_NAME, DOM_FIELD_UUID } DomField;

static int
print_dom_field(VireoCliContext *ctx, int argc, char **argv, DomField field)
{
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = vireo_cli_domain_verb(ctx, domain_only, argc, argv, &opts, &store, FALSE);

    if (!dom)
        return vireo_cli_done(ctx, 1);
    if (field == DOM_FIELD_ID && dom->active)
        printf("%d\n", dom->id);
    else if (field == DOM_FIELD_ID)
        printf("-\n");
    else
        printf("%s\n", field == DOM_FIELD_NAME ? dom->name : dom->uuid);
    return vireo_cli_done(ctx, 0);
}

int
vireo_cmd_domid(VireoCliContext *ctx, int argc, char **argv)
{
    return print_dom_field(ctx, argc, argv, DOM_FIELD_ID);
}

int
vireo_cmd_domname(VireoCliContext *ctx, int argc, char **argv)
{
    return print_dom_field(ctx, argc, argv, DOM_FIELD_NAME);
}

int
vireo_cmd_domuuid(VireoCliContext *ctx, int argc, char **argv)
{
    return print_dom_field(ctx, argc, argv, DOM_FIELD_UUID);
}

/* ---- dumpxml, version ------------------------------------------------------ */

int
vireo_cmd_dumpxml(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "inactive", OPT_BOOL },
        { "security-info", OPT_BOOL },
        { "update-cpu", OPT_BOOL },
        { "migratable", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE);
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;

    if (!dom)
        return vireo_cli_done(ctx, 1);
    if (!dom->active)
        path = g_strdup(dom->config_path);
    else if (vireo_opts_has(&opts, "inactive"))
        path = dom->config_path ? g_strdup(dom->config_path)
                                : vireo_store_run_path(store, dom->name, "domain.xml");
    else
        path = vireo_store_run_path(store, dom->name, "live.xml");
    if (!path || !g_file_get_contents(path, &xml, NULL, &err))
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("failed to get domain '%s'"), dom->name));
    fputs(xml, stdout);
    return vireo_cli_done(ctx, 0);
}

int
vireo_cmd_version(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = { { "daemon", OPT_BOOL }, { NULL } };
    g_auto(VireoOpts) opts = { 0 };

    if (!vireo_opts_parse(argv[0], spec, argc, argv, &opts))
        return vireo_cli_done(ctx, 1);
    printf(_("Compiled against library: %s %s\n"), "vireo", PACKAGE_VERSION);
    printf(_("Using library: %s %s\n"), "vireo", PACKAGE_VERSION);
    printf(_("Using API: %s %s\n"), "vireo", PACKAGE_VERSION);
    printf(_("Running hypervisor: %s %s\n"), "vireo-vmm", PACKAGE_VERSION);
    return vireo_cli_done(ctx, 0);
}
