/* vireo: domain state and the VMM processes behind it (see runtime.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "cli/runtime.h"
#include "cli/events.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-xml.h"

#define RUN_GROUP "run"

static const char *const state_names[] = {
    N_("no state"), N_("running"), N_("idle"), N_("paused"),
    N_("in shutdown"), N_("shut off"), N_("crashed"), N_("pmsuspended"),
};

/* The reasons vireo records, for xgettext: domstate --reason prints them
 * translated, as virsh does. */
static const char *const reason_words[] G_GNUC_UNUSED = {
    N_("unknown"), N_("booted"), N_("unpaused"), N_("user"), N_("shutdown"),
    N_("destroyed"), N_("crashed"), N_("failed"), N_("panicked"),
};

const char *
vireo_dom_state_name(VireoDomState state)
{
    if ((guint)state >= G_N_ELEMENTS(state_names))
        return state_names[0];
    return state_names[state];
}

void
vireo_dom_free(VireoDom *dom)
{
    if (!dom)
        return;
    g_free(dom->name);
    g_free(dom->reason);
    vireo_domain_summary_free(dom->sum);
    g_free(dom->config_path);
    g_free(dom);
}

/* ---- run.ini ----------------------------------------------------------- */

static GKeyFile *
run_info_load(VireoStore *store, const char *name)
{
    g_autofree char *path = vireo_store_run_path(store, name, "run.ini");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return NULL;
    return g_steal_pointer(&kf);
}

static gboolean
run_info_save(VireoStore *store, const char *name, GKeyFile *kf, GError **error)
{
    g_autofree char *path = vireo_store_run_path(store, name, "run.ini");
    gsize len = 0;
    g_autofree char *data = g_key_file_to_data(kf, &len, NULL);
    return vireo_store_write_runtime_file(path, data, len, error);
}

static void
run_info_set(VireoStore *store, const char *name, const char *key,
             const char *value)
{
    g_autoptr(GKeyFile) kf = run_info_load(store, name);
    if (!kf)
        return;
    g_key_file_set_string(kf, RUN_GROUP, key, value);
    run_info_save(store, name, kf, NULL);
}

void
vireo_dom_set_reason(VireoStore *store, const char *name, const char *reason)
{
    run_info_set(store, name, "reason", reason);
}

void
vireo_dom_set_transient(VireoStore *store, const char *name, gboolean transient)
{
    run_info_set(store, name, "transient", transient ? "true" : "false");
}

static void
remove_tree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;
    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, ent, NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

/* ---- /proc ------------------------------------------------------------- */

/* Fields of /proc/PID/stat after the command name: state, start time (in
 * clock ticks since boot) and user+system CPU ticks. */
static gboolean
proc_stat(gint64 pid, char *state, guint64 *start, guint64 *cpu)
{
    g_autofree char *path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/stat", pid);
    g_autofree char *data = NULL;
    g_auto(GStrv) f = NULL;
    char *p;

    if (pid <= 0 || !g_file_get_contents(path, &data, NULL, NULL))
        return FALSE;
    if (!(p = strrchr(data, ')')))
        return FALSE;
    f = g_strsplit(p + 2, " ", -1);
    if (g_strv_length(f) < 20)
        return FALSE;
    *state = f[0][0];
    *cpu = g_ascii_strtoull(f[11], NULL, 10) + g_ascii_strtoull(f[12], NULL, 10);
    *start = g_ascii_strtoull(f[19], NULL, 10);
    return TRUE;
}

static gboolean
proc_is_vmm(gint64 pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/cmdline", pid);
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, NULL) || len == 0)
        return FALSE;
    /* argv[0], or argv[1] when an interpreter or wrapper runs it */
    for (gsize off = 0, i = 0; off < len && i < 2; off += strlen(data + off) + 1, i++) {
        g_autofree char *base = g_path_get_basename(data + off);
        if (strstr(base, "vireo-vmm"))
            return TRUE;
    }
    return FALSE;
}

/* A pid is our VMM only if it still runs (a zombie does not), started when
 * we recorded, and is a vireo-vmm: a reused pid fails one of these. */
static gboolean
vmm_alive(gint64 pid, guint64 start, guint64 *cpu)
{
    char state = 0;
    guint64 st = 0, ticks = 0;
    if (!proc_stat(pid, &state, &st, &ticks))
        return FALSE;
    if (state == 'Z' || state == 'X' || st != start || !proc_is_vmm(pid))
        return FALSE;
    if (cpu)
        *cpu = ticks;
    return TRUE;
}

/* ---- finalising a stopped VMM -------------------------------------------- */

/* How the VMM ended, as far as the one finalising knows. */
typedef enum {
    STOP_UNKNOWN,     /* found dead; the exit file or nothing says why */
    STOP_EXITED_OK,   /* exit status 0: power-off, signal, QMP quit */
    STOP_PANICKED,    /* exit status 2: guest panic with on_crash=destroy */
    STOP_HOST_ERROR,  /* exit status 3: KVM internal error */
    STOP_FAILED,      /* killed by a signal or another status */
} StopHow;

/* vireo-vmm's exit statuses (vmm.h, VIREO_VMM_EXIT_*) */
static StopHow
stop_how(int status)
{
    if (!WIFEXITED(status))
        return STOP_FAILED;
    switch (WEXITSTATUS(status)) {
    case 0: return STOP_EXITED_OK;
    case 2: return STOP_PANICKED;
    case 3: return STOP_HOST_ERROR;
    default: return STOP_FAILED;
    }
}

/* With no monitor to tell, the VMM's last stderr line says why it ended
 * (docs/runtime.md: "vireo-vmm: domain 'NAME' stopped: <why>"). */
static StopHow
stop_how_from_log(VireoStore *store, const char *name, goffset from)
{
    g_autofree char *path = g_strdup_printf("%s/log/%s.log", store->run_dir, name);
    g_autofree char *data = NULL;
    gsize len = 0;
    const char *why;

    if (!g_file_get_contents(path, &data, &len, NULL) || from < 0 || (gsize)from > len)
        return STOP_UNKNOWN;
    why = g_strrstr(data + from, " stopped: ");
    if (!why)
        return STOP_UNKNOWN;
    why += strlen(" stopped: ");
    if (g_str_has_prefix(why, "host error"))
        return STOP_HOST_ERROR;
    if (g_str_has_prefix(why, "guest crashed"))
        return STOP_PANICKED;
    return STOP_EXITED_OK;
}

static void
record_shutoff(VireoStore *store, const char *name, gboolean persistent,
               const char *reason)
{
    g_autofree char *path = vireo_store_path(store, "shutoff", name);
    if (persistent)
        vireo_store_write_runtime_file(path, reason, -1, NULL);
    else
        g_unlink(path);
}

/* Decides the stop reason from what the run left behind: the destroy
 * marker, the SHUTDOWN cause the monitor wrote, the exit status. */
static void
stop_reason(VireoStore *store, const char *name, StopHow how,
            const char **event_detail, const char **reason)
{
    g_autofree char *marker = vireo_store_run_path(store, name, "destroying");
    g_autofree char *exitp = vireo_store_run_path(store, name, "exit");
    g_autofree char *cause = NULL;

    if (g_file_test(marker, G_FILE_TEST_EXISTS)) {
        *event_detail = "Destroyed";
        *reason = "destroyed";
    } else if (how == STOP_PANICKED ||
               (g_file_get_contents(exitp, &cause, NULL, NULL) &&
                g_str_has_prefix(cause, "guest-panic"))) {
        *event_detail = "Crashed";
        *reason = "crashed";
    } else if (how == STOP_HOST_ERROR) {
        *event_detail = "Failed";
        *reason = "failed";
    } else if (cause || how == STOP_EXITED_OK) {
        *event_detail = "Shutdown";
        *reason = "shutdown";
    } else {
        /* libvirt's view of a QEMU that vanished without SHUTDOWN */
        *event_detail = "Failed";
        *reason = "crashed";
    }
}

/* Removes the runtime state of a VMM that is gone, once, whoever notices
 * first (the monitor or any vireo command). token: the run the caller
 * knows about; NULL for whatever run is recorded. */
static void
finalize_run(VireoStore *store, const char *name, const char *token,
             StopHow how)
{
    g_autoptr(GKeyFile) kf = NULL;
    g_autofree char *rundir = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *run_token = NULL;
    const char *detail = NULL, *reason = NULL;
    gboolean transient;

    if (!vireo_store_lock(store, name, NULL))
        return;
    kf = run_info_load(store, name);
    if (!kf) {
        vireo_store_unlock(store, name);
        return;
    }
    run_token = g_key_file_get_string(kf, RUN_GROUP, "token", NULL);
    if (token && g_strcmp0(token, run_token) != 0) {
        vireo_store_unlock(store, name);   /* a newer run: not ours */
        return;
    }
    if (how == STOP_UNKNOWN &&
        vmm_alive(g_key_file_get_int64(kf, RUN_GROUP, "vmm_pid", NULL),
                  g_key_file_get_uint64(kf, RUN_GROUP, "vmm_start", NULL), NULL)) {
        vireo_store_unlock(store, name);
        return;
    }
    uuid = g_key_file_get_string(kf, RUN_GROUP, "uuid", NULL);
    transient = g_key_file_get_boolean(kf, RUN_GROUP, "transient", NULL);
    if (how == STOP_UNKNOWN)
        how = stop_how_from_log(store, name,
                                g_key_file_get_int64(kf, RUN_GROUP, "log_offset", NULL));
    stop_reason(store, name, how, &detail, &reason);
    if (g_str_equal(detail, "Crashed"))
        vireo_event_emit(store, name, uuid ? uuid : "", "Crashed", "Panicked");
    vireo_event_emit(store, name, uuid ? uuid : "", "Stopped", detail);
    record_shutoff(store, name, !transient, reason);
    rundir = g_build_filename(store->dom_run_dir, name, NULL);
    remove_tree(rundir);
    vireo_store_unlock(store, name);
}

/* ---- loading ----------------------------------------------------------- */

/* query-status's answer as libvirt's state. */
static void
query_state(VireoStore *store, VireoDom *dom, GKeyFile *kf)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoQmpClient) qmp = vireo_dom_qmp(store, dom, &err);
    g_autoptr(JsonNode) ret = NULL;
    const char *status = NULL;
    g_autofree char *reason = g_key_file_get_string(kf, RUN_GROUP, "reason", NULL);

    dom->state = VIREO_DOM_RUNNING;
    dom->reason = g_strdup(reason ? reason : "unknown");
    if (!qmp || !(ret = vireo_qmp_client_execute(qmp, "query-status", NULL, &err)) ||
        !JSON_NODE_HOLDS_OBJECT(ret))
        return;
    status = json_object_get_string_member_with_default(json_node_get_object(ret),
                                                        "status", "running");
    g_clear_pointer(&dom->reason, g_free);
    if (g_str_equal(status, "paused") || g_str_equal(status, "prelaunch")) {
        dom->state = VIREO_DOM_PAUSED;
        dom->reason = g_strdup(reason && g_str_equal(reason, "user") ? "user" : "unknown");
    } else if (g_str_equal(status, "shutdown")) {
        dom->state = VIREO_DOM_SHUTDOWN;
        dom->reason = g_strdup("unknown");
    } else if (g_str_equal(status, "guest-panicked")) {
        dom->state = VIREO_DOM_CRASHED;
        dom->reason = g_strdup("panicked");
    } else if (g_str_equal(status, "internal-error")) {
        dom->state = VIREO_DOM_PAUSED;
        dom->reason = g_strdup("unknown");
    } else {
        dom->reason = g_strdup(reason && !g_str_equal(reason, "user") ? reason : "unknown");
    }
}

/* Fills dom from a runtime directory; FALSE when the VMM is gone. */
static gboolean
load_active(VireoStore *store, VireoDom *dom, GError **error)
{
    g_autoptr(GKeyFile) kf = run_info_load(store, dom->name);
    g_autofree char *live = NULL;
    g_autofree char *uuid = NULL;
    gint64 pid;
    guint64 start, ticks = 0;

    if (!kf)
        return FALSE;
    pid = g_key_file_get_int64(kf, RUN_GROUP, "vmm_pid", NULL);
    start = g_key_file_get_uint64(kf, RUN_GROUP, "vmm_start", NULL);
    if (pid == 0) {
        /* a start in progress holds the domain lock: wait for it */
        if (!vireo_store_lock(store, dom->name, error))
            return FALSE;
        vireo_store_unlock(store, dom->name);
        g_key_file_unref(g_steal_pointer(&kf));
        if (!(kf = run_info_load(store, dom->name)))
            return FALSE;
        pid = g_key_file_get_int64(kf, RUN_GROUP, "vmm_pid", NULL);
        start = g_key_file_get_uint64(kf, RUN_GROUP, "vmm_start", NULL);
    }
    if (!vmm_alive(pid, start, &ticks)) {
        finalize_run(store, dom->name, NULL, STOP_UNKNOWN);
        return FALSE;
    }
    live = vireo_store_run_path(store, dom->name, "live.xml");
    if (!(dom->sum = vireo_domain_summary_read(live, error)))
        return FALSE;
    dom->active = TRUE;
    dom->vmm_pid = pid;
    dom->cpu_time_ns = ticks * (G_USEC_PER_SEC * 1000ULL / sysconf(_SC_CLK_TCK));
    dom->id = g_key_file_get_integer(kf, RUN_GROUP, "id", NULL);
    dom->persistent = !g_key_file_get_boolean(kf, RUN_GROUP, "transient", NULL);
    query_state(store, dom, kf);
    return TRUE;
}

static gboolean
load_inactive(VireoStore *store, VireoDom *dom, GError **error)
{
    g_autofree char *path = vireo_store_config_path(store, dom->name);
    g_autofree char *shutoff = vireo_store_path(store, "shutoff", dom->name);
    g_autofree char *reason = NULL;
    g_autoptr(GError) local = NULL;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return FALSE;
    if (!(dom->sum = vireo_domain_summary_read(path, &local))) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("Failed to load config for domain '%s': %s"),
                        dom->name, local->message);
        return FALSE;
    }
    if (!g_str_equal(dom->sum->name, dom->name)) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("Failed to load config for domain '%s': %s"),
                        dom->name, _("the name in the file differs from the file name"));
        return FALSE;
    }
    dom->persistent = TRUE;
    dom->state = VIREO_DOM_SHUTOFF;
    g_file_get_contents(shutoff, &reason, NULL, NULL);
    dom->reason = g_strdup(reason ? g_strstrip(reason) : "unknown");
    return TRUE;
}

VireoDom *
vireo_dom_load(VireoStore *store, const char *name, GError **error)
{
    g_autoptr(VireoDom) dom = g_new0(VireoDom, 1);
    g_autofree char *config = NULL;

    if (!vireo_store_check_name(name, NULL))
        return NULL;
    dom->name = g_strdup(name);
    dom->id = -1;
    if (!load_active(store, dom, error)) {
        if (error && *error)
            return NULL;
        vireo_domain_summary_free(g_steal_pointer(&dom->sum));
        if (!load_inactive(store, dom, error))
            return NULL;
    }
    config = vireo_store_config_path(store, name);
    if (g_file_test(config, G_FILE_TEST_EXISTS))
        dom->config_path = g_steal_pointer(&config);
    memcpy(dom->uuid, dom->sum->uuidstr, sizeof(dom->uuid));
    return g_steal_pointer(&dom);
}

static void
add_names(GHashTable *seen, GPtrArray *names, GPtrArray *all)
{
    for (guint i = 0; i < names->len; i++) {
        if (g_hash_table_add(seen, g_strdup(names->pdata[i])))
            g_ptr_array_add(all, g_strdup(names->pdata[i]));
    }
}

static GPtrArray *
all_names(VireoStore *store)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) run = vireo_store_run_names(store);
    g_autoptr(GPtrArray) conf = vireo_store_config_names(store);
    GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
    add_names(seen, run, all);
    add_names(seen, conf, all);
    return all;
}

static gint
compare_doms(gconstpointer a, gconstpointer b)
{
    const VireoDom *x = *(VireoDom *const *)a, *y = *(VireoDom *const *)b;
    if (x->active != y->active)
        return x->active ? -1 : 1;
    if (x->active)
        return x->id - y->id;
    return g_strcmp0(x->name, y->name);
}

GPtrArray *
vireo_dom_list_all(VireoStore *store, GPtrArray *problems)
{
    g_autoptr(GPtrArray) names = all_names(store);
    GPtrArray *doms = g_ptr_array_new_with_free_func((GDestroyNotify)vireo_dom_free);

    for (guint i = 0; i < names->len; i++) {
        g_autoptr(GError) err = NULL;
        VireoDom *dom = vireo_dom_load(store, names->pdata[i], &err);
        if (dom)
            g_ptr_array_add(doms, dom);
        else if (err && problems)
            g_ptr_array_add(problems, g_strdup(err->message));
    }
    g_ptr_array_sort(doms, compare_doms);
    return doms;
}

VireoDom *
vireo_dom_lookup(VireoStore *store, const char *key, GError **error)
{
    g_autoptr(GPtrArray) doms = NULL;
    guint8 uuid[16];
    char uuidstr[37];
    char *end = NULL;
    gint64 id = g_ascii_strtoll(key, &end, 10);
    gboolean is_id = end && end != key && *end == '\0' && id >= 0;
    gboolean is_uuid = vireo_uuid_parse(key, uuid);
    VireoDom *dom;

    if (is_uuid)
        vireo_uuid_format(uuid, uuidstr);
    if (is_id || is_uuid) {
        doms = vireo_dom_list_all(store, NULL);
        for (guint i = 0; is_id && i < doms->len; i++) {
            dom = doms->pdata[i];
            if (dom->active && dom->id == id)
                return g_ptr_array_steal_index(doms, i);
        }
        for (guint i = 0; is_uuid && i < doms->len; i++) {
            dom = doms->pdata[i];
            if (g_str_equal(dom->uuid, uuidstr))
                return g_ptr_array_steal_index(doms, i);
        }
    }
    if ((dom = vireo_dom_load(store, key, NULL)))
        return dom;
    vireo_error_set(error, VIREO_ERR_NO_DOMAIN, _("no domain with matching name '%s'"), key);
    return NULL;
}

/* ---- QMP --------------------------------------------------------------- */

VireoQmpClient *
vireo_dom_qmp(VireoStore *store, VireoDom *dom, GError **error)
{
    g_autofree char *sock = vireo_store_run_path(store, dom->name, "qmp.sock");
    return vireo_qmp_client_connect(sock, 10000, error);
}

/* ---- launching ----------------------------------------------------------- */

char *
vireo_vmm_path(void)
{
    const char *env = g_getenv("VIREO_VMM");
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = self ? g_path_get_dirname(self) : NULL;
    g_autofree char *next = dir ? g_build_filename(dir, "vireo-vmm", NULL) : NULL;

    if (env && *env)
        return g_strdup(env);
    if (next && g_file_test(next, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer(&next);
    return g_build_filename(VIREO_BINDIR, "vireo-vmm", NULL);
}

char *
vireo_dom_live_xml(const char *xml, int id, GError **error)
{
    const char *root = strstr(xml, "<domain");
    const char *end = root ? strchr(root, '>') : NULL;
    const char *type = root ? strstr(root, " type=") : NULL;
    const char *at;

    if (!end) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                        _("expected root element 'domain'"));
        return NULL;
    }
    /* libvirt writes id right after type: <domain type='kvm' id='1'> */
    at = end;
    if (type && type < end) {
        char q = type[6];
        const char *close = strchr(type + 7, q);
        if (close && close < end)
            at = close + 1;
    }
    if (at > root && at[-1] == '/')
        at--;
    return g_strdup_printf("%.*s id='%d'%s", (int)(at - xml), xml, id, at);
}

static char **
vmm_argv(VireoStore *store, const char *name, gboolean paused)
{
    GPtrArray *argv = g_ptr_array_new();
    g_autofree char *xml = vireo_store_run_path(store, name, "domain.xml");
    g_autofree char *qmp = vireo_store_run_path(store, name, "qmp.sock");
    g_autofree char *mon = vireo_store_run_path(store, name, "mon.sock");
    g_autofree char *pid = vireo_store_run_path(store, name, "vmm.pid");

    g_ptr_array_add(argv, vireo_vmm_path());
    g_ptr_array_add(argv, g_strdup("--domain"));
    g_ptr_array_add(argv, g_strdup(xml));
    g_ptr_array_add(argv, g_strdup("--qmp"));
    g_ptr_array_add(argv, g_strconcat("unix:", qmp, NULL));
    g_ptr_array_add(argv, g_strdup("--qmp"));
    g_ptr_array_add(argv, g_strconcat("unix:", mon, NULL));
    g_ptr_array_add(argv, g_strdup("--pidfile"));
    g_ptr_array_add(argv, g_strdup(pid));
    if (paused)
        g_ptr_array_add(argv, g_strdup("--paused"));
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}

static void
redirect_stdio(const char *log)
{
    int null = open("/dev/null", O_RDWR);
    int out = log ? open(log, O_WRONLY | O_APPEND | O_CREAT, 0600) : null;
    dup2(null, 0);
    dup2(out, 1);
    dup2(out, 2);
}

static void
write_line(int fd, const char *text)
{
    if (write(fd, text, strlen(text)) < 0)
        g_debug("cannot report to the starting vireo: %s", g_strerror(errno));
}

/* Waits until the VMM serves its monitor socket, or exits. */
static VireoQmpClient *
monitor_wait_ready(const char *mon, pid_t vmm, int *status)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    gulong delay = 200;

    while (g_get_monotonic_time() < deadline) {
        VireoQmpClient *qmp;
        if (waitpid(vmm, status, WNOHANG) == vmm)
            return NULL;
        if ((qmp = vireo_qmp_client_connect(mon, 10000, NULL)))
            return qmp;
        g_usleep(delay);
        delay = MIN(delay * 2, 1000);
    }
    kill(vmm, SIGKILL);
    waitpid(vmm, status, 0);
    return NULL;
}

/* Records the SHUTDOWN cause so whoever finalises knows why it stopped. */
static void
monitor_event(VireoStore *store, const char *name, const char *uuid,
              JsonObject *msg)
{
    const char *ev = json_object_get_string_member_with_default(msg, "event", "");
    JsonObject *data = json_object_has_member(msg, "data")
        ? json_object_get_object_member(msg, "data") : NULL;
    const char *reason = data ? json_object_get_string_member_with_default(data, "reason", "") : "";
    g_autofree char *exitp = vireo_store_run_path(store, name, "exit");

    if (g_str_equal(ev, "SHUTDOWN")) {
        g_autofree char *marker = vireo_store_run_path(store, name, "destroying");
        gboolean guest = data && json_object_get_boolean_member_with_default(data, "guest", FALSE);
        g_file_set_contents(exitp, reason, -1, NULL);
        /* libvirt reports a destroy as "Stopped Destroyed" alone */
        if (!g_file_test(marker, G_FILE_TEST_EXISTS))
            vireo_event_emit(store, name, uuid, "Shutdown",
                         guest ? "Finished after guest request" : "Finished after host request");
    } else if (g_str_equal(ev, "GUEST_PANICKED")) {
        g_file_set_contents(exitp, "guest-panic", -1, NULL);
    }
}

/* Keeps the serial console's pty path with the run (run/domains/NAME/pty). */
static void
monitor_record_pty(VireoStore *store, const char *name, VireoQmpClient *qmp)
{
    g_autoptr(JsonNode) ret = vireo_qmp_client_execute(qmp, "query-chardev", NULL, NULL);
    JsonArray *arr = ret && JSON_NODE_HOLDS_ARRAY(ret) ? json_node_get_array(ret) : NULL;
    g_autofree char *path = vireo_store_run_path(store, name, "pty");

    for (guint i = 0; arr && i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);
        const char *file = o ? json_object_get_string_member_with_default(o, "filename", "") : "";
        if (g_str_has_prefix(file, "pty:")) {
            vireo_store_write_runtime_file(path, file + 4, -1, NULL);
            return;
        }
    }
}

/* The monitor: parent of the VMM for the VMM's whole life. */
static void G_GNUC_NORETURN
monitor_main(VireoStore *store, const char *name, const char *uuid,
             const char *token, char **argv, int ready_fd)
{
    g_autofree char *log = vireo_store_path(store, "log", NULL);
    g_autofree char *logfile = g_strdup_printf("%s/%s.log", log, name);
    g_autofree char *mon = vireo_store_run_path(store, name, "mon.sock");
    g_autoptr(VireoQmpClient) qmp = NULL;
    char state;
    guint64 start = 0, cpu;
    int status = 0;
    pid_t vmm;

    redirect_stdio(NULL);
    vmm = fork();
    if (vmm == 0) {
        redirect_stdio(logfile);
        execv(argv[0], argv);
        fprintf(stderr, "cannot execute %s: %s\n", argv[0], g_strerror(errno));
        _exit(127);
    }
    if (vmm < 0 || !(qmp = monitor_wait_ready(mon, vmm, &status))) {
        g_autofree char *msg = g_strdup_printf("FAIL %d\n", status);
        write_line(ready_fd, msg);
        _exit(1);
    }
    proc_stat(vmm, &state, &start, &cpu);
    monitor_record_pty(store, name, qmp);
    {
        g_autofree char *msg = g_strdup_printf("OK %d %" G_GUINT64_FORMAT " %d\n",
                                               (int)vmm, start, (int)getpid());
        write_line(ready_fd, msg);
        close(ready_fd);
    }
    for (;;) {
        g_autoptr(JsonObject) msg = vireo_qmp_client_read(qmp, -1, NULL);
        if (!msg)
            break;
        if (json_object_has_member(msg, "event"))
            monitor_event(store, name, uuid, msg);
    }
    while (waitpid(vmm, &status, 0) < 0 && errno == EINTR)
        ;
    finalize_run(store, name, token, stop_how(status));
    _exit(0);
}

/* Forks the monitor twice removed (so it is nobody's zombie) in its own
 * session (so a terminal hang-up does not reach the VMM). */
static int
spawn_monitor(VireoStore *store, const char *name, const char *uuid,
              const char *token, char **argv, GError **error)
{
    int fds[2];
    pid_t child;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno, "%s",
                              _("cannot create pipe"));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    child = fork();
    if (child == 0) {
        close(fds[0]);
        vireo_store_forget_locks(store);
        setsid();
        if (fork() != 0)
            _exit(0);
        monitor_main(store, name, uuid, token, argv, fds[1]);
    }
    close(fds[1]);
    if (child < 0) {
        close(fds[0]);
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno, "%s",
                              _("cannot fork"));
        return -1;
    }
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
        ;
    return fds[0];
}

static char *
read_report(int fd)
{
    GString *s = g_string_new(NULL);
    char c;
    ssize_t n;
    while ((n = read(fd, &c, 1)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0 && c == '\n')
            break;
        if (n > 0)
            g_string_append_c(s, c);
    }
    close(fd);
    return g_string_free(s, FALSE);
}

static char *
log_tail(VireoStore *store, const char *name, goffset from)
{
    g_autofree char *path = g_strdup_printf("%s/log/%s.log", store->run_dir, name);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL) || (gsize)from >= len)
        return g_strdup("");
    return g_strstrip(g_strdup(data + from));
}

static goffset
log_size(VireoStore *store, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/log/%s.log", store->run_dir, name);
    GStatBuf st;
    return g_stat(path, &st) == 0 ? st.st_size : 0;
}

static gboolean
write_run_files(VireoStore *store, const char *name, const char *xml,
                const VireoDomainSummary *sum, int id, gboolean transient,
                gboolean paused, const char *token, goffset logpos, GError **error)
{
    g_autofree char *rundir = g_build_filename(store->dom_run_dir, name, NULL);
    g_autofree char *domxml = vireo_store_run_path(store, name, "domain.xml");
    g_autofree char *livexml = vireo_store_run_path(store, name, "live.xml");
    g_autofree char *live = NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();

    remove_tree(rundir);   /* leftovers of a run nobody finalised */
    if (g_mkdir_with_parents(rundir, 0700) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot create directory '%s'"), rundir);
        return FALSE;
    }
    if (!(live = vireo_dom_live_xml(xml, id, error)) ||
        !vireo_store_write_runtime_file(domxml, xml, -1, error) ||
        !vireo_store_write_runtime_file(livexml, live, -1, error))
        return FALSE;
    g_key_file_set_integer(kf, RUN_GROUP, "id", id);
    g_key_file_set_string(kf, RUN_GROUP, "uuid", sum->uuidstr);
    g_key_file_set_boolean(kf, RUN_GROUP, "transient", transient);
    g_key_file_set_string(kf, RUN_GROUP, "token", token);
    g_key_file_set_string(kf, RUN_GROUP, "reason", paused ? "user" : "booted");
    g_key_file_set_int64(kf, RUN_GROUP, "vmm_pid", 0);
    g_key_file_set_int64(kf, RUN_GROUP, "log_offset", logpos);
    return run_info_save(store, name, kf, error);
}

static int
allocate_id(VireoStore *store, GError **error)
{
    int id;
    if (!vireo_store_lock(store, NULL, error))
        return -1;
    id = vireo_store_next_id(store, error);
    vireo_store_unlock(store, NULL);
    return id;
}

static gboolean
record_vmm(VireoStore *store, const char *name, const char *report,
           GError **error)
{
    g_autoptr(GKeyFile) kf = run_info_load(store, name);
    int pid = 0, mon = 0;
    guint64 start = 0;

    if (!kf || sscanf(report, "OK %d %" G_GUINT64_FORMAT " %d", &pid, &start, &mon) != 3) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR, "%s",
                        _("lost the runtime state of the domain while starting it"));
        return FALSE;
    }
    g_key_file_set_int64(kf, RUN_GROUP, "vmm_pid", pid);
    g_key_file_set_uint64(kf, RUN_GROUP, "vmm_start", start);
    g_key_file_set_int64(kf, RUN_GROUP, "monitor_pid", mon);
    return run_info_save(store, name, kf, error);
}

gboolean
vireo_dom_launch(VireoStore *store, const char *name, const char *xml,
                 gboolean transient, gboolean paused, GError **error)
{
    g_autoptr(VireoDomainSummary) sum = vireo_domain_summary_parse(xml, name, error);
    g_autofree char *token = NULL;
    g_autofree char *report = NULL;
    g_autofree char *shutoff = vireo_store_path(store, "shutoff", name);
    g_auto(GStrv) argv = NULL;
    goffset logpos = log_size(store, name);
    int id, fd;

    if (!sum || (id = allocate_id(store, error)) < 0)
        return FALSE;
    token = g_strdup_printf("%d-%" G_GINT64_FORMAT, id, g_get_real_time());
    if (!write_run_files(store, name, xml, sum, id, transient, paused, token, logpos, error))
        return FALSE;
    argv = vmm_argv(store, name, paused);
    if ((fd = spawn_monitor(store, name, sum->uuidstr, token, argv, error)) < 0)
        return FALSE;
    report = read_report(fd);
    if (!g_str_has_prefix(report, "OK ")) {
        g_autofree char *rundir = g_build_filename(store->dom_run_dir, name, NULL);
        g_autofree char *tail = log_tail(store, name, logpos);
        remove_tree(rundir);
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("process exited while connecting to monitor: %s"), tail);
        return FALSE;
    }
    if (!record_vmm(store, name, report, error))
        return FALSE;
    g_unlink(shutoff);
    return TRUE;
}

/* ---- destroying ---------------------------------------------------------- */

static gboolean
wait_gone(gint64 pid, guint64 start, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000LL;
    gulong delay = 100;
    while (vmm_alive(pid, start, NULL)) {
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_usleep(delay);
        delay = MIN(delay * 2, 1000);
    }
    return TRUE;
}

gboolean
vireo_dom_wait_stopped(VireoStore *store, VireoDom *dom, int timeout_ms)
{
    g_autoptr(GKeyFile) kf = run_info_load(store, dom->name);
    g_autoptr(VireoDom) now = NULL;

    if (kf && !wait_gone(g_key_file_get_int64(kf, RUN_GROUP, "vmm_pid", NULL),
                         g_key_file_get_uint64(kf, RUN_GROUP, "vmm_start", NULL),
                         timeout_ms))
        return FALSE;
    /* loading a domain whose VMM is gone records why it stopped */
    now = vireo_dom_load(store, dom->name, NULL);
    return !now || !now->active;
}

gboolean
vireo_dom_destroy(VireoStore *store, VireoDom *dom, gboolean graceful,
                  GError **error)
{
    g_autoptr(GKeyFile) kf = run_info_load(store, dom->name);
    g_autofree char *marker = vireo_store_run_path(store, dom->name, "destroying");
    gint64 pid;
    guint64 start;

    if (!kf) {
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID, "%s",
                        _("domain is not running"));
        return FALSE;
    }
    pid = g_key_file_get_int64(kf, RUN_GROUP, "vmm_pid", NULL);
    start = g_key_file_get_uint64(kf, RUN_GROUP, "vmm_start", NULL);
    g_file_set_contents(marker, "", 0, NULL);
    if (vmm_alive(pid, start, NULL)) {
        /* libvirt's virProcessKillPainfully: SIGTERM, 10 s, then SIGKILL */
        kill(pid, SIGTERM);
        if (!wait_gone(pid, start, 10000)) {
            if (graceful) {
                g_unlink(marker);
                vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, EBUSY,
                                      _("Failed to terminate process %d with SIGTERM"),
                                      (int)pid);
                return FALSE;
            }
            kill(pid, SIGKILL);
            if (!wait_gone(pid, start, 5000)) {
                vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, EBUSY,
                                      _("Failed to terminate process %d with SIGKILL"),
                                      (int)pid);
                return FALSE;
            }
        }
    }
    finalize_run(store, dom->name, NULL, STOP_FAILED);
    return TRUE;
}
