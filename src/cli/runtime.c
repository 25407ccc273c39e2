/* vireo: domain state and the VMM processes behind it (see runtime.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "cli/runtime.h"
#include "cli/events.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-xml.h"
#include "cli/runtime-priv.h"

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

GKeyFile *
run_info_load(VireoStore *store, const char *name)
{
    g_autofree char *path = vireo_store_run_path(store, name, "run.ini");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return NULL;
    return g_steal_pointer(&kf);
}

gboolean
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

void
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
gboolean
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

/* vireo-vmm's exit statuses (vmm.h, VIREO_VMM_EXIT_*) */
StopHow
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
void
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
    if (store->skip_run_state) {
        dom->state = VIREO_DOM_RUNNING;
        dom->reason = g_key_file_get_string(kf, RUN_GROUP, "reason", NULL);
        if (!dom->reason)
            dom->reason = g_strdup("unknown");
    } else {
        query_state(store, dom, kf);
    }
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

/* ---- destroying ---------------------------------------------------------- */

/* Sleeps in growing steps until the VMM is gone: for kernels without
 * pidfd_open (before 5.3). */
static gboolean
wait_gone_polling(gint64 pid, guint64 start, gint64 deadline)
{
    gulong delay = 100;
    while (vmm_alive(pid, start, NULL)) {
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_usleep(delay);
        delay = MIN(delay * 2, 1000);
    }
    return TRUE;
}

/* A pidfd of the VMM (pid with that start time): opened, then checked
 * against /proc, so it is known to be the VMM's and not a process that
 * reused its pid. -1 with *gone set when the VMM is no longer there; -1
 * with *gone unset when the kernel has no pidfd_open (before 5.3). */
static int
vmm_pidfd(gint64 pid, guint64 start, gboolean *gone)
{
    int fd = pid > 0 ? (int)syscall(SYS_pidfd_open, (pid_t)pid, 0) : -1;

    *gone = FALSE;
    if (fd < 0 && (pid <= 0 || errno == ESRCH)) {
        *gone = TRUE;
        return -1;
    }
    if (fd < 0)
        return -1;
    if (!vmm_alive(pid, start, NULL)) {
        close(fd);
        *gone = TRUE;
        return -1;
    }
    return fd;
}

/* TRUE once the process of pidfd has exited (the pidfd turns readable the
 * moment it does, so the wait ends exactly then), FALSE after timeout_ms. */
static gboolean
pidfd_wait(int fd, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000LL;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = deadline - g_get_monotonic_time();
        int n;

        if (left <= 0)
            return FALSE;
        n = poll(&pfd, 1, (int)MAX(1, (left + 999) / 1000));
        if (n > 0)
            return TRUE;
        if (n < 0 && errno != EINTR)
            return FALSE;
    }
}

/* TRUE once the VMM (pid with that start time) is gone, FALSE after
 * timeout_ms. */
static gboolean
wait_gone(gint64 pid, guint64 start, int timeout_ms)
{
    gboolean gone;
    int fd = vmm_pidfd(pid, start, &gone);

    if (fd < 0)
        return gone || wait_gone_polling(pid, start,
                                         g_get_monotonic_time() + timeout_ms * 1000LL);
    gone = pidfd_wait(fd, timeout_ms);
    close(fd);
    return gone;
}

/* Sends sig to the VMM through its pidfd when there is one, so the signal
 * cannot reach a process that reused the pid since it was checked. */
static void
vmm_signal(int pidfd, gint64 pid, int sig)
{
    if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0)
        return;
    if (pidfd < 0)
        kill((pid_t)pid, sig);
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
    gint64 pid, deadline;
    guint64 start;
    gboolean gone = FALSE;
    int fd;

    if (!kf) {
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID, "%s",
                        _("domain is not running"));
        return FALSE;
    }
    pid = g_key_file_get_int64(kf, RUN_GROUP, "vmm_pid", NULL);
    start = g_key_file_get_uint64(kf, RUN_GROUP, "vmm_start", NULL);
    vireo_store_write_runtime_file(marker, "", 0, NULL);
    fd = vmm_pidfd(pid, start, &gone);
    if (fd < 0 && !gone)
        gone = !vmm_alive(pid, start, NULL);   /* no pidfd_open: /proc */
    if (!gone) {
        /* libvirt's virProcessKillPainfully: SIGTERM, 10 s, then SIGKILL */
        vmm_signal(fd, pid, SIGTERM);
        deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        gone = fd >= 0 ? pidfd_wait(fd, 10000) : wait_gone_polling(pid, start, deadline);
        if (!gone && graceful) {
            if (fd >= 0)
                close(fd);
            g_unlink(marker);
            vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, EBUSY,
                                  _("Failed to terminate process %d with SIGTERM"),
                                  (int)pid);
            return FALSE;
        }
        if (!gone) {
            vmm_signal(fd, pid, SIGKILL);
            deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
            gone = fd >= 0 ? pidfd_wait(fd, 5000) : wait_gone_polling(pid, start, deadline);
        }
        if (fd >= 0)
            close(fd);
        if (!gone) {
            vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, EBUSY,
                                  _("Failed to terminate process %d with SIGKILL"),
                                  (int)pid);
            return FALSE;
        }
    }
    finalize_run(store, dom->name, NULL, STOP_FAILED);
    return TRUE;
}
