/* vireo: domain verbs (virsh's names, options, messages). This file holds
 * the verb table and the verbs that change a domain's life: define,
 * undefine, create, start, destroy, shutdown, reboot, reset, suspend,
 * resume. Queries live in cmd-domain-info.c, console/events/monitor/edit
 * in cmd-domain-io.c. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include "cli/cmd-util.h"
#include "cli/events.h"
#include "conf/domain_conf.h"
#include "machine/machine-type.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* ---- define / undefine ---------------------------------------------------- */

/* The name that holds uuid in the store (a config or a running domain),
 * read without finalising anything: the caller holds the store lock. */
static char *
uuid_owner(VireoStore *store, const char *uuid)
{
    g_autoptr(GPtrArray) conf = vireo_store_config_names(store);
    g_autoptr(GPtrArray) run = vireo_store_run_names(store);

    for (guint i = 0; i < conf->len; i++) {
        g_autofree char *path = vireo_store_config_path(store, conf->pdata[i]);
        g_autoptr(VireoDomainSummary) sum = vireo_domain_summary_read(path, NULL);
        if (sum && g_str_equal(sum->uuidstr, uuid))
            return g_strdup(conf->pdata[i]);
    }
    for (guint i = 0; i < run->len; i++) {
        g_autofree char *path = vireo_store_run_path(store, run->pdata[i], "domain.xml");
        g_autoptr(VireoDomainSummary) sum = vireo_domain_summary_read(path, NULL);
        if (sum && g_str_equal(sum->uuidstr, uuid))
            return g_strdup(run->pdata[i]);
    }
    return NULL;
}

/* The store for a verb that changes a domain's life: it only needs to
 * know whether a domain runs, not its run state (see skip_run_state). */
static VireoStore *
connect_lifecycle(VireoCliContext *ctx)
{
    VireoStore *store = vireo_cli_connect(ctx);
    if (store)
        store->skip_run_state = TRUE;
    return store;
}

/* libvirt's QEMU driver refuses at define time a machine type its emulator
 * does not offer; vireo asks the machine stage, so a config it could never
 * run is not stored, and a stored one edited by hand fails before launch. */
static gboolean
check_machine(const VireoDomainSummary *sum, GError **error)
{
    vireo_types_init();
    return vireo_machine_select(sum->machine, error) != NULL;
}

/* libvirt's virDomainObjListAdd checks: one name per uuid, one uuid per name. */
static gboolean
check_identity(VireoStore *store, const VireoDomainSummary *sum,
               VireoDom *existing, GError **error)
{
    g_autofree char *owner = NULL;

    if (existing && !g_str_equal(existing->uuid, sum->uuidstr)) {
        vireo_error_set(error, VIREO_ERR_DOM_EXIST,
                        _("domain '%s' already exists with uuid %s"),
                        sum->name, existing->uuid);
        return FALSE;
    }
    if (!vireo_store_lock(store, NULL, error))
        return FALSE;
    owner = uuid_owner(store, sum->uuidstr);
    vireo_store_unlock(store, NULL);
    if (owner && !g_str_equal(owner, sum->name)) {
        vireo_error_set(error, VIREO_ERR_DOM_EXIST,
                        _("domain '%s' is already defined with uuid %s"),
                        owner, sum->uuidstr);
        return FALSE;
    }
    return TRUE;
}

/* Parses FILE with the full conf pipeline and returns libvirt's inactive
 * XML for it (what the store keeps). */
static char *
parse_to_xml(const char *file, gboolean validate, GError **error)
{
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_file(file, validate ? VIREO_DOMAIN_PARSE_VALIDATE_SCHEMA
                                                   : VIREO_DOMAIN_PARSE_NONE, error);
    if (!def)
        return NULL;
    return vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE |
                                        VIREO_DOMAIN_FORMAT_SECURE);
}

static gboolean
define_locked(VireoStore *store, const VireoDomainSummary *sum, const char *xml,
              GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(VireoDom) existing = vireo_dom_load(store, sum->name, &local);
    g_autofree char *path = vireo_store_config_path(store, sum->name);
    gboolean updated = existing && existing->persistent;

    /* a config that cannot be read is replaced, not an obstacle */
    if (!check_identity(store, sum, existing, error) ||
        !vireo_store_write_file(path, xml, -1, error))
        return FALSE;
    if (existing && existing->active)
        vireo_dom_set_transient(store, sum->name, FALSE);
    vireo_event_emit(store, sum->name, sum->uuidstr, "Defined",
                     updated ? "Updated" : "Added");
    return TRUE;
}

gboolean
vireo_cli_define_xml(VireoStore *store, const char *xml, char **name_out,
                     GError **error)
{
    g_autoptr(VireoDomainSummary) sum = vireo_domain_summary_parse(xml, NULL, error);
    gboolean ok;

    if (!sum || !check_machine(sum, error) ||
        !vireo_store_lock(store, sum->name, error))
        return FALSE;
    ok = define_locked(store, sum, xml, error);
    vireo_store_unlock(store, sum->name);
    if (ok && name_out)
        *name_out = g_strdup(sum->name);
    return ok;
}

static int
cmd_define(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "file", OPT_STRING, TRUE, TRUE },
        { "validate", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *name = NULL;
    const char *file;

    if (!vireo_opts_parse(argv[0], spec, argc, argv, &opts) ||
        !(store = connect_lifecycle(ctx)))
        return vireo_cli_done(ctx, 1);
    file = vireo_opts_get(&opts, "file");
    if (!(xml = parse_to_xml(file, vireo_opts_has(&opts, "validate"), &err)) ||
        !vireo_cli_define_xml(store, xml, &name, &err))
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("Failed to define domain from %s"), file));
    vireo_cli_extra(ctx, _("Domain '%s' defined from %s\n"), name, file);
    return vireo_cli_done(ctx, 0);
}

static gboolean
remove_nvram(VireoDom *dom, gboolean nvram, GError **error)
{
    g_autoptr(VireoDomainDef) def = NULL;

    if (!dom->config_path)
        return TRUE;
    def = vireo_domain_def_parse_file(dom->config_path, VIREO_DOMAIN_PARSE_NONE, NULL);
    if (!def || !def->os.nvram || !g_file_test(def->os.nvram, G_FILE_TEST_EXISTS))
        return TRUE;
    if (!nvram) {
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID, "%s",
                        _("cannot undefine domain with nvram"));
        return FALSE;
    }
    if (g_unlink(def->os.nvram) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("failed to remove nvram: %s"), def->os.nvram);
        return FALSE;
    }
    return TRUE;
}

static gboolean
undefine_locked(VireoStore *store, const char *name, gboolean nvram, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(VireoDom) dom = vireo_dom_load(store, name, &local);
    g_autofree char *path = vireo_store_config_path(store, name);
    g_autofree char *shutoff = vireo_store_path(store, "shutoff", name);

    if (!dom && g_file_test(path, G_FILE_TEST_EXISTS)) {
        /* an unreadable config can still be removed */
        g_unlink(path);
        return TRUE;
    }
    if (!dom || !dom->persistent) {
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID, "%s",
                        _("cannot undefine transient domain"));
        return FALSE;
    }
    if (!remove_nvram(dom, nvram, error))
        return FALSE;
    if (g_unlink(path) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot remove config %s"), path);
        return FALSE;
    }
    g_unlink(shutoff);
    if (dom->active)
        vireo_dom_set_transient(store, name, TRUE);
    vireo_event_emit(store, name, dom->uuid, "Undefined", "Removed");
    return TRUE;
}

static int
cmd_undefine(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "nvram", OPT_BOOL },
        { "keep-nvram", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(GError) err = NULL;
    const char *key;
    g_autofree char *name = NULL;
    gboolean ok;

    if (!vireo_opts_parse(argv[0], spec, argc, argv, &opts) ||
        !(store = connect_lifecycle(ctx)))
        return vireo_cli_done(ctx, 1);
    key = vireo_opts_get(&opts, "domain");
    dom = vireo_dom_lookup(store, key, NULL);
    name = g_strdup(dom ? dom->name : key);
    if (!dom) {
        g_autofree char *path = vireo_store_config_path(store, key);
        if (!vireo_store_check_name(key, NULL) || !g_file_test(path, G_FILE_TEST_EXISTS))
            return vireo_cli_done(ctx, vireo_cli_error(_("failed to get domain '%s'"), key));
    }
    if (!vireo_store_lock(store, name, &err))
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("Failed to undefine domain '%s'"), name));
    ok = undefine_locked(store, name, vireo_opts_has(&opts, "nvram"), &err);
    vireo_store_unlock(store, name);
    if (!ok)
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("Failed to undefine domain '%s'"), name));
    vireo_cli_extra(ctx, _("Domain '%s' has been undefined\n"), name);
    return vireo_cli_done(ctx, 0);
}

/* ---- start / create -------------------------------------------------------- */

/* hold: the VMM starts paused for start --console, which resumes it once
 * the console is attached; only a user's --paused is announced. stored:
 * xml is the domain's stored config, whose identity define checked (so
 * the store's other configs are not all parsed again), else a new XML
 * (create). */
static gboolean
start_locked(VireoStore *store, const char *name, const char *xml,
             gboolean stored, gboolean transient, gboolean paused,
             gboolean hold, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(VireoDom) dom = vireo_dom_load(store, name, &local);
    g_autoptr(VireoDomainSummary) sum = NULL;

    if (dom && dom->active) {
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID, "%s",
                        _("domain is already running"));
        return FALSE;
    }
    if (!dom && !xml) {
        vireo_error_set(error, VIREO_ERR_NO_DOMAIN,
                        _("no domain with matching name '%s'"), name);
        return FALSE;
    }
    if (!xml && local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (!(sum = vireo_domain_summary_parse(xml, NULL, error)))
        return FALSE;
    if (!check_machine(sum, error) ||
        (!stored && !check_identity(store, sum, dom, error)))
        return FALSE;
    if (dom && dom->persistent)
        transient = FALSE;
    if (!vireo_dom_launch(store, name, xml, transient, paused || hold, error))
        return FALSE;
    /* the uuid as started: the new XML's for create, else the config's */
    vireo_event_emit(store, name, sum ? sum->uuidstr : dom->uuid, "Started", "Booted");
    if (paused)
        vireo_event_emit(store, name, sum ? sum->uuidstr : dom->uuid, "Suspended", "Paused");
    return TRUE;
}

/* Starts name with xml (NULL: the stored config) under the domain lock. */
static gboolean
start_domain(VireoStore *store, const char *name, const char *xml,
             gboolean transient, gboolean paused, gboolean hold, GError **error)
{
    g_autofree char *config = NULL;
    gboolean ok;

    if (!vireo_store_lock(store, name, error))
        return FALSE;
    if (!xml) {
        g_autofree char *path = vireo_store_config_path(store, name);
        if (!g_file_get_contents(path, &config, NULL, NULL)) {
            vireo_store_unlock(store, name);
            vireo_error_set(error, VIREO_ERR_NO_DOMAIN,
                            _("no domain with matching name '%s'"), name);
            return FALSE;
        }
    }
    ok = start_locked(store, name, xml ? xml : config, !xml, transient, paused,
                      hold, error);
    vireo_store_unlock(store, name);
    return ok;
}

static int
after_start(VireoCliContext *ctx, VireoStore *store, const char *name,
            gboolean console, gboolean paused)
{
    g_autoptr(VireoDom) dom = NULL;
    int rc;

    if (!console)
        return vireo_cli_done(ctx, 0);
    /* the VMM was held paused for the console only: it is a plain boot */
    if (!paused)
        vireo_dom_set_reason(store, name, "booted");
    if (!(dom = vireo_dom_load(store, name, NULL)) || !dom->active)
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("domain is not running")));
    rc = vireo_cli_attach_console(store, dom, !paused);
    return rc ? vireo_cli_done(ctx, rc) : rc;
}

static int
cmd_start(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "paused", OPT_BOOL },
        { "console", OPT_BOOL },
        { "autodestroy", OPT_BOOL },
        { "bypass-cache", OPT_BOOL },
        { "force-boot", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(GError) err = NULL;
    gboolean console, paused;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, FALSE)))
        return vireo_cli_done(ctx, 1);
    if (dom->active)
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("Domain is already active")));
    if (vireo_opts_has(&opts, "autodestroy"))
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("argument unsupported: --autodestroy needs a daemon")));
    console = vireo_opts_has(&opts, "console");
    paused = vireo_opts_has(&opts, "paused");
    /* with --console the VMM starts paused until the console is attached,
     * so the guest's first bytes are not written to nobody */
    if (!start_domain(store, dom->name, NULL, FALSE, paused, console, &err))
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("Failed to start domain '%s'"), dom->name));
    vireo_cli_extra(ctx, _("Domain '%s' started\n"), dom->name);
    return after_start(ctx, store, dom->name, console, paused);
}

static int
cmd_create(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "file", OPT_STRING, TRUE, TRUE },
        { "paused", OPT_BOOL },
        { "console", OPT_BOOL },
        { "validate", OPT_BOOL },
        { "autodestroy", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainSummary) sum = NULL;
    g_autofree char *xml = NULL;
    const char *file;
    gboolean console, paused;

    if (!vireo_opts_parse(argv[0], spec, argc, argv, &opts) ||
        !(store = connect_lifecycle(ctx)))
        return vireo_cli_done(ctx, 1);
    file = vireo_opts_get(&opts, "file");
    if (vireo_opts_has(&opts, "autodestroy"))
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("argument unsupported: --autodestroy needs a daemon")));
    console = vireo_opts_has(&opts, "console");
    paused = vireo_opts_has(&opts, "paused");
    if (!(xml = parse_to_xml(file, vireo_opts_has(&opts, "validate"), &err)) ||
        !(sum = vireo_domain_summary_parse(xml, file, &err)) ||
        !start_domain(store, sum->name, xml, TRUE, paused, console, &err))
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("Failed to create domain from %s"), file));
    vireo_cli_extra(ctx, _("Domain '%s' created from %s\n"), sum->name, file);
    return after_start(ctx, store, sum->name, console, paused);
}

/* ---- destroy and QMP-driven verbs ---------------------------------------- */

static int
cmd_destroy(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "graceful", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(VireoDom) locked = NULL;
    g_autoptr(GError) err = NULL;
    gboolean ok = FALSE;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, FALSE)))
        return vireo_cli_done(ctx, 1);
    if (vireo_store_lock(store, dom->name, &err)) {
        locked = vireo_dom_load(store, dom->name, NULL);
        if (!locked || !locked->active)
            vireo_error_set(&err, VIREO_ERR_OPERATION_INVALID, "%s",
                            _("domain is not running"));
        else
            ok = vireo_dom_destroy(store, locked, vireo_opts_has(&opts, "graceful"), &err);
        vireo_store_unlock(store, dom->name);
    }
    if (!ok)
        return vireo_cli_done(ctx, vireo_cli_fail(err, _("Failed to destroy domain '%s'"), dom->name));
    vireo_cli_extra(ctx, _("Domain '%s' destroyed\n"), dom->name);
    return vireo_cli_done(ctx, 0);
}

typedef struct {
    const char *qmp;           /* QMP command */
    gboolean wait_stop;        /* --timeout S waits for the domain to stop */
    const char *fail;          /* N_("Failed to ... domain '%s'") */
    const char *done;          /* N_("Domain '%s' ...\n") */
    const char *event;         /* lifecycle event written on success, or NULL */
    const char *detail;
    const char *reason;        /* run.ini reason on success, or NULL */
} QmpVerb;

static gboolean
run_qmp_verb(VireoStore *store, const char *name, const QmpVerb *v,
             GError **error)
{
    g_autoptr(VireoDom) dom = vireo_dom_load(store, name, NULL);
    g_autoptr(VireoQmpClient) qmp = NULL;
    g_autoptr(JsonNode) ret = NULL;

    if (!dom || !dom->active) {
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID, "%s",
                        _("domain is not running"));
        return FALSE;
    }
    if (!(qmp = vireo_dom_qmp(store, dom, error)))
        return FALSE;
    /* As libvirt: suspending a paused domain or resuming a running one
     * succeeds without doing anything, so no lifecycle event either. */
    if (g_str_equal(v->qmp, "stop") || g_str_equal(v->qmp, "cont")) {
        g_autoptr(JsonNode) st = vireo_qmp_client_execute(qmp, "query-status", NULL, error);
        JsonObject *o = st && JSON_NODE_HOLDS_OBJECT(st) ? json_node_get_object(st) : NULL;
        if (!o)
            return FALSE;
        if (json_object_get_boolean_member_with_default(o, "running", FALSE) ==
            g_str_equal(v->qmp, "cont"))
            return TRUE;
    }
    if (!(ret = vireo_qmp_client_execute(qmp, v->qmp, NULL, error)))
        return FALSE;
    if (v->reason)
        vireo_dom_set_reason(store, name, v->reason);
    if (v->event)
        vireo_event_emit(store, name, dom->uuid, v->event, v->detail);
    return TRUE;
}

/* shutdown --timeout S: virsh returns at once; vireo can wait for the
 * guest to power off, and fails when it did not in time. */
static int
wait_stopped(VireoStore *store, VireoDom *dom, const char *timeout)
{
    char *end = NULL;
    gint64 secs = g_ascii_strtoll(timeout, &end, 10);

    if (!end || *end || secs < 0 || secs > G_MAXINT / 1000)
        return vireo_cli_error(_("invalid timeout '%s'"), timeout);
    if (!vireo_dom_wait_stopped(store, dom, (int)secs * 1000))
        return vireo_cli_error(_("Timed out during operation: domain '%s' is still running after %s seconds"),
                               dom->name, timeout);
    return 0;
}

static int
qmp_verb(VireoCliContext *ctx, int argc, char **argv, const QmpVerb *v)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "mode", OPT_STRING },
        { "timeout", OPT_STRING },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(GError) err = NULL;
    gboolean ok = FALSE;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE)))
        return vireo_cli_done(ctx, 1);
    if (vireo_store_lock(store, dom->name, &err)) {
        ok = run_qmp_verb(store, dom->name, v, &err);
        vireo_store_unlock(store, dom->name);
    }
    /* the formats come from the N_() table above, each with one %s */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    if (!ok)
        return vireo_cli_done(ctx, vireo_cli_fail(err, _(v->fail), dom->name));
    vireo_cli_extra(ctx, _(v->done), dom->name);
#pragma GCC diagnostic pop
    if (v->wait_stop && vireo_opts_has(&opts, "timeout"))
        return vireo_cli_done(ctx, wait_stopped(store, dom, vireo_opts_get(&opts, "timeout")));
    return vireo_cli_done(ctx, 0);
}

static int
cmd_shutdown(VireoCliContext *ctx, int argc, char **argv)
{
    static const QmpVerb v = { "system_powerdown", TRUE, N_("Failed to shutdown domain '%s'"),
                               N_("Domain '%s' is being shutdown\n"), NULL, NULL, NULL };
    return qmp_verb(ctx, argc, argv, &v);
}

static int
cmd_reboot(VireoCliContext *ctx, int argc, char **argv)
{
    static const QmpVerb v = { "system_reset", FALSE, N_("Failed to reboot domain '%s'"),
                               N_("Domain '%s' is being rebooted\n"), NULL, NULL, NULL };
    return qmp_verb(ctx, argc, argv, &v);
}

static int
cmd_reset(VireoCliContext *ctx, int argc, char **argv)
{
    static const QmpVerb v = { "system_reset", FALSE, N_("Failed to reset domain '%s'"),
                               N_("Domain '%s' was reset\n"), NULL, NULL, NULL };
    return qmp_verb(ctx, argc, argv, &v);
}

static int
cmd_suspend(VireoCliContext *ctx, int argc, char **argv)
{
    static const QmpVerb v = { "stop", FALSE, N_("Failed to suspend domain '%s'"),
                               N_("Domain '%s' suspended\n"), "Suspended", "Paused", "user" };
    return qmp_verb(ctx, argc, argv, &v);
}

static int
cmd_resume(VireoCliContext *ctx, int argc, char **argv)
{
    static const QmpVerb v = { "cont", FALSE, N_("Failed to resume domain '%s'"),
                               N_("Domain '%s' resumed\n"), "Resumed", "Unpaused", "unpaused" };
    return qmp_verb(ctx, argc, argv, &v);
}

const VireoCliCommand vireo_cli_domain_cmds[] = {
    { "define", N_("define (but don't start) a domain from an XML file"),
      "define <file> [--validate]", cmd_define },
    { "undefine", N_("undefine a domain"), "undefine <domain> [--nvram]", cmd_undefine },
    { "create", N_("create a domain from an XML file"),
      "create <file> [--paused] [--console] [--validate]", cmd_create },
    { "start", N_("start a (previously defined) inactive domain"),
      "start <domain> [--paused] [--console]", cmd_start },
    { "destroy", N_("destroy (stop) a domain"), "destroy <domain> [--graceful]", cmd_destroy },
    { "shutdown", N_("gracefully shutdown a domain"), "shutdown <domain> [--timeout <seconds>]", cmd_shutdown },
    { "reboot", N_("reboot a domain"), "reboot <domain>", cmd_reboot },
    { "reset", N_("reset a domain"), "reset <domain>", cmd_reset },
    { "suspend", N_("suspend a domain"), "suspend <domain>", cmd_suspend },
    { "resume", N_("resume a domain"), "resume <domain>", cmd_resume },
    { "list", N_("list domains"),
      "list [--all] [--inactive] [--name] [--uuid] [--transient] [--persistent]", vireo_cmd_list },
    { "dominfo", N_("domain information"), "dominfo <domain>", vireo_cmd_dominfo },
    { "domstate", N_("domain state"), "domstate <domain> [--reason]", vireo_cmd_domstate },
    { "domid", N_("convert a domain name or UUID to domain id"), "domid <domain>", vireo_cmd_domid },
    { "domname", N_("convert a domain id or UUID to domain name"), "domname <domain>", vireo_cmd_domname },
    { "domuuid", N_("convert a domain name or id to domain UUID"), "domuuid <domain>", vireo_cmd_domuuid },
    { "dumpxml", N_("domain information in XML"), "dumpxml <domain> [--inactive] [--security-info]",
      vireo_cmd_dumpxml },
    { "edit", N_("edit XML configuration for a domain"), "edit <domain>", vireo_cmd_edit },
    { "console", N_("connect to the guest console"), "console <domain> [--force]", vireo_cmd_console },
    { "domdisplay", N_("domain display connection URI"), "domdisplay <domain>", vireo_cmd_domdisplay },
    { "event", N_("Domain Events"),
      "event [<domain>] [--event lifecycle] [--all] [--loop] [--timeout <seconds>] [--timestamp]",
      vireo_cmd_event },
    { "qemu-monitor-command", N_("QEMU Monitor Command"),
      "qemu-monitor-command <domain> [--pretty] <cmd>", vireo_cmd_monitor },
    { "version", N_("show version"), "version", vireo_cmd_version },
    { NULL, NULL, NULL, NULL },
};
