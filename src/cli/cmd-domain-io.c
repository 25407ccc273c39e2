/* vireo: verbs that talk to a running domain or follow it: console,
 * event, qemu-monitor-command, domdisplay, edit. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "cli/cmd-util.h"
#include "cli/console.h"
#include "cli/events.h"
#include "conf/domain_conf.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* ---- console --------------------------------------------------------------- */

/* The pty of the first serial port, from query-chardev. */
static char *
console_pty(VireoQmpClient *qmp, GError **error)
{
    g_autoptr(JsonNode) ret = vireo_qmp_client_execute(qmp, "query-chardev", NULL, error);
    JsonArray *arr;

    if (!ret)
        return NULL;
    arr = JSON_NODE_HOLDS_ARRAY(ret) ? json_node_get_array(ret) : NULL;
    for (guint i = 0; arr && i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);
        const char *file = o ? json_object_get_string_member_with_default(o, "filename", "") : "";
        if (g_str_has_prefix(file, "pty:"))
            return g_strdup(file + 4);
    }
    vireo_error_set(error, VIREO_ERR_OPERATION_FAILED, "%s",
                    _("cannot find character device <null>"));
    return NULL;
}

int
vireo_cli_attach_console(VireoStore *store, VireoDom *dom, gboolean resume)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoQmpClient) qmp = vireo_dom_qmp(store, dom, &err);
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *pty = NULL;
    g_autofree char *recorded = vireo_store_run_path(store, dom->name, "pty");
    int fd;

    /* the pty the monitor recorded at start, else ask the VMM */
    if (!g_file_get_contents(recorded, &pty, NULL, NULL) && qmp)
        pty = console_pty(qmp, &err);
    if (!qmp || !pty ||
        (fd = vireo_console_open(pty, &err)) < 0) {
        /* start --console held the guest paused for us: let it run anyway */
        if (resume && qmp)
            ret = vireo_qmp_client_execute(qmp, "cont", NULL, NULL);
        return vireo_cli_fail(err, "%s", _("Failed to get console"));
    }
    if (resume && !(ret = vireo_qmp_client_execute(qmp, "cont", NULL, &err))) {
        close(fd);
        return vireo_cli_fail(err, _("Failed to resume domain '%s'"), dom->name);
    }
    g_clear_pointer(&qmp, vireo_qmp_client_free);
    /* when the guest powered off, the pty closes before the VMM is gone:
     * wait for it, so the next command sees the domain shut off */
    if (vireo_console_relay(fd, dom->name))
        vireo_dom_wait_stopped(store, dom, 5000);
    return 0;
}

int
vireo_cmd_console(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "devname", OPT_STRING },
        { "force", OPT_BOOL },
        { "safe", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE)))
        return vireo_cli_done(ctx, 1);
    if (!dom->active)
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("The domain is not running")));
    return vireo_cli_attach_console(store, dom, FALSE);
}

/* ---- event ----------------------------------------------------------------- */

static volatile gboolean event_stop;

static void
on_sigint(int sig)
{
    event_stop = TRUE;
}

typedef struct {
    const char *domain;     /* filter: name or uuid; NULL = all */
    gboolean loop;
    gboolean timestamp;
    int count;
} EventWatch;

static void
print_timestamp(gint64 us)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(us / G_USEC_PER_SEC);
    g_autofree char *s = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    g_autofree char *z = g_date_time_format(dt, "%z");
    printf("%s.%03d%s: ", s, (int)(us / 1000 % 1000), z);
}

static gboolean
on_event(const VireoEvent *ev, void *opaque)
{
    EventWatch *w = opaque;

    if (w->domain && !g_str_equal(w->domain, ev->name) && !g_str_equal(w->domain, ev->uuid))
        return TRUE;
    if (w->timestamp)
        print_timestamp(ev->time_us);
    printf(_("event 'lifecycle' for domain '%s': %s %s\n"), ev->name,
           _(ev->event), _(ev->detail));
    fflush(stdout);
    w->count++;
    return w->loop;
}

int
vireo_cmd_event(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE },
        { "event", OPT_STRING },
        { "all", OPT_BOOL },
        { "loop", OPT_BOOL },
        { "timeout", OPT_STRING },
        { "timestamp", OPT_BOOL },
        { "list", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(GError) err = NULL;
    EventWatch w = { 0 };
    const char *ev, *timeout;
    int timeout_ms = -1;
    gboolean in_time;

    if (!vireo_opts_parse(argv[0], spec, argc, argv, &opts))
        return vireo_cli_done(ctx, 1);
    if (vireo_opts_has(&opts, "list")) {
        printf("lifecycle\n");
        return vireo_cli_done(ctx, 0);
    }
    ev = vireo_opts_get(&opts, "event");
    if (ev && !g_str_equal(ev, "lifecycle"))
        return vireo_cli_done(ctx, vireo_cli_error(_("unknown event type %s"), ev));
    if (!ev && !vireo_opts_has(&opts, "all"))
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("one of --list, --all, or --event <type> is required")));
    if ((timeout = vireo_opts_get(&opts, "timeout"))) {
        char *end = NULL;
        gint64 t = g_ascii_strtoll(timeout, &end, 10);
        if (!end || *end || t < 1 || t > G_MAXINT / 1000)
            return vireo_cli_done(ctx, vireo_cli_error("%s", _("invalid timeout")));
        timeout_ms = (int)t * 1000;
    }
    if (!(store = vireo_cli_connect(ctx)))
        return vireo_cli_done(ctx, 1);
    w.domain = vireo_opts_get(&opts, "domain");
    if (w.domain) {
        g_autoptr(VireoDom) dom = vireo_cli_domain(store, &opts);
        if (!dom)
            return vireo_cli_done(ctx, 1);
        w.domain = g_intern_string(dom->name);
    }
    w.loop = vireo_opts_has(&opts, "loop");
    w.timestamp = vireo_opts_has(&opts, "timestamp");
    signal(SIGINT, on_sigint);
    signal(SIGTERM, on_sigint);
    in_time = vireo_event_follow(store, timeout_ms, &event_stop, on_event, &w, &err);
    if (err)
        return vireo_cli_done(ctx, vireo_cli_fail(err, "%s", _("failed to follow events")));
    if (!in_time)
        printf("%s\n", _("event loop timed out"));
    printf(_("events received: %d\n"), w.count);
    return vireo_cli_done(ctx, 0);
}

/* ---- qemu-monitor-command ------------------------------------------------- */

/* libvirt's pretty JSON: two-space indent and "key": value (json-glib's
 * generator writes "key" : value). */
static void
pretty_json(GString *out, JsonNode *node, int depth)
{
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        JsonObject *o = json_node_get_object(node);
        g_autoptr(GList) members = json_object_get_members(o);
        if (!members) {
            g_string_append(out, "{}");
            return;
        }
        g_string_append(out, "{\n");
        for (GList *m = members; m; m = m->next) {
            g_autofree char *key = NULL;
            JsonNode *k = json_node_init_string(json_node_alloc(), m->data);
            key = json_to_string(k, FALSE);
            json_node_unref(k);
            g_string_append_printf(out, "%*s%s: ", (depth + 1) * 2, "", key);
            pretty_json(out, json_object_get_member(o, m->data), depth + 1);
            g_string_append(out, m->next ? ",\n" : "\n");
        }
        g_string_append_printf(out, "%*s}", depth * 2, "");
    } else if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *a = json_node_get_array(node);
        guint n = json_array_get_length(a);
        if (n == 0) {
            g_string_append(out, "[]");
            return;
        }
        g_string_append(out, "[\n");
        for (guint i = 0; i < n; i++) {
            g_string_append_printf(out, "%*s", (depth + 1) * 2, "");
            pretty_json(out, json_array_get_element(a, i), depth + 1);
            g_string_append(out, i + 1 < n ? ",\n" : "\n");
        }
        g_string_append_printf(out, "%*s]", depth * 2, "");
    } else {
        g_autofree char *text = json_to_string(node, FALSE);
        g_string_append(out, text);
    }
}

int
vireo_cmd_monitor(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "cmd", OPT_STRING, TRUE, TRUE },
        { "pretty", OPT_BOOL },
        { "hmp", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(VireoQmpClient) qmp = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *reply = NULL;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE)))
        return vireo_cli_done(ctx, 1);
    if (vireo_opts_has(&opts, "hmp"))
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("Operation not supported: HMP passthrough")));
    if (!dom->active)
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("Requested operation is not valid: domain is not running")));
    if (!(qmp = vireo_dom_qmp(store, dom, &err)) ||
        !(reply = vireo_qmp_client_raw(qmp, vireo_opts_get(&opts, "cmd"), &err)))
        return vireo_cli_done(ctx, vireo_cli_fail(err, "%s", _("Failed to run monitor command")));
    if (vireo_opts_has(&opts, "pretty")) {
        g_autoptr(JsonParser) parser = json_parser_new();
        if (json_parser_load_from_data(parser, reply, -1, NULL)) {
            GString *pretty = g_string_new(NULL);
            pretty_json(pretty, json_parser_get_root(parser), 0);
            g_free(reply);
            reply = g_string_free(pretty, FALSE);
        }
    }
    printf("%s\n", reply);
    return vireo_cli_done(ctx, 0);
}

/* ---- domdisplay ------------------------------------------------------------- */

int
vireo_cmd_domdisplay(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "include-password", OPT_BOOL },
        { "type", OPT_STRING },
        { "all", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(VireoQmpClient) qmp = NULL;
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *vnc;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE)))
        return vireo_cli_done(ctx, 1);
    if (!dom->active)
        return vireo_cli_done(ctx, vireo_cli_error("%s", _("Domain is not running")));
    /* a VMM without VNC answers query-vnc with an error or enabled=false */
    if ((qmp = vireo_dom_qmp(store, dom, NULL)) &&
        (ret = vireo_qmp_client_execute(qmp, "query-vnc", NULL, NULL)) &&
        JSON_NODE_HOLDS_OBJECT(ret) && (vnc = json_node_get_object(ret)) &&
        json_object_get_boolean_member_with_default(vnc, "enabled", FALSE)) {
        const char *host = json_object_get_string_member_with_default(vnc, "host", "127.0.0.1");
        const char *svc = json_object_get_string_member_with_default(vnc, "service", "5900");
        int port = atoi(svc);
        if (g_str_equal(host, "0.0.0.0") || g_str_equal(host, "::"))
            host = "localhost";
        printf("vnc://%s:%d\n", host, port >= 5900 ? port - 5900 : port);
        return vireo_cli_done(ctx, 0);
    }
    return vireo_cli_done(ctx, vireo_cli_error("%s", _("No graphical display found")));
}

/* ---- edit ------------------------------------------------------------------- */

static gboolean
run_editor(const char *path)
{
    const char *editor = g_getenv("VISUAL");
    g_autofree char *quoted = g_shell_quote(path);
    g_autofree char *cmd = NULL;
    int status;

    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    cmd = g_strdup_printf("%s %s", editor, quoted);
    status = system(cmd);
    if (status != 0) {
        vireo_cli_error(_("%s: command exited with non-zero status"), cmd);
        return FALSE;
    }
    return TRUE;
}

/* virsh's "Failed. Try again? [y,n,i,f,?]:" */
static char
ask_again(void)
{
    char line[64];
    for (;;) {
        printf("%s", _("Failed. Try again? [y,n,i,f,?]:"));
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin))
            return 'n';
        switch (line[0]) {
        case 'y': case 'n': case 'i': case 'f':
            return line[0];
        default:
            printf("%s", _("y - yes, start editor again\n"
                           "n - no, throw away my changes\n"
                           "i - turn off validation and try to redefine again\n"
                           "f - force, try to redefine again\n"
                           "? - print this help\n"));
        }
    }
}

static gboolean
redefine(VireoStore *store, const char *path, gboolean validate, char **name,
         GError **error)
{
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_file(path, validate ? VIREO_DOMAIN_PARSE_VALIDATE_SCHEMA
                                                   : VIREO_DOMAIN_PARSE_NONE, error);
    g_autofree char *xml = NULL;
    if (!def)
        return FALSE;
    xml = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE | VIREO_DOMAIN_FORMAT_SECURE);
    return vireo_cli_define_xml(store, xml, name, error);
}

static int
edit_loop(VireoCliContext *ctx, VireoStore *store, VireoDom *dom,
          const char *tmp, const char *orig)
{
    gboolean validate = TRUE;
    gboolean edit = TRUE;

    for (;;) {
        g_autofree char *now = NULL;
        g_autofree char *name = NULL;
        g_autoptr(GError) err = NULL;
        char answer;

        if (edit && !run_editor(tmp))
            return 1;
        if (!g_file_get_contents(tmp, &now, NULL, NULL))
            return 1;
        if (g_str_equal(now, orig)) {
            vireo_cli_extra(ctx, _("Domain '%s' XML configuration not changed.\n"), dom->name);
            return 0;
        }
        if (redefine(store, tmp, validate, &name, &err)) {
            vireo_cli_extra(ctx, _("Domain '%s' XML configuration edited.\n"), name);
            return 0;
        }
        vireo_cli_error("%s", err->message);
        answer = ask_again();
        if (answer == 'n')
            return 1;
        edit = answer == 'y';
        if (answer == 'i')
            validate = FALSE;
    }
}

int
vireo_cmd_edit(VireoCliContext *ctx, int argc, char **argv)
{
    static const VireoOptSpec spec[] = {
        { "domain", OPT_STRING, TRUE, TRUE },
        { "skip-validate", OPT_BOOL },
        { NULL },
    };
    g_auto(VireoOpts) opts = { 0 };
    g_autoptr(VireoStore) store = NULL;
    g_autoptr(VireoDom) dom = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *orig = NULL;
    g_autofree char *tmp = NULL;
    int fd, rc;

    if (!(dom = vireo_cli_domain_verb(ctx, spec, argc, argv, &opts, &store, TRUE)))
        return vireo_cli_done(ctx, 1);
    if (!dom->config_path || !g_file_get_contents(dom->config_path, &orig, NULL, &err))
        return vireo_cli_done(ctx, vireo_cli_fail(err, "%s",
                                                  _("Requested operation is not valid: cannot edit a transient domain")));
    if ((fd = g_file_open_tmp("vireoXXXXXX.xml", &tmp, &err)) < 0 ||
        !g_file_set_contents(tmp, orig, -1, &err)) {
        if (fd >= 0)
            close(fd);
        return vireo_cli_done(ctx, vireo_cli_fail(err, "%s", _("cannot create temporary file")));
    }
    close(fd);
    rc = edit_loop(ctx, store, dom, tmp, orig);
    g_unlink(tmp);
    return vireo_cli_done(ctx, rc);
}
