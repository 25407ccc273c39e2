/* vireo: starting a domain: the run directory, the monitor process and
 * the vireo-vmm it runs (see runtime.h for why there is a monitor). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "cli/runtime.h"
#include "cli/runtime-priv.h"
#include "cli/events.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

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
redirect_stdio_null(void)
{
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2)
        close(null);
}

static gboolean
write_line(int fd, const char *text)
{
    if (vireo_write_all(fd, text, strlen(text)))
        return TRUE;
    g_debug("cannot report to the starting vireo: %s", g_strerror(errno));
    return FALSE;
}

/* An inotify watch for files created in (or renamed into) the run
 * directory, -1 if none. Set up before the VMM starts, so no event is
 * missed. */
static int
watch_run_dir(const char *mon)
{
    g_autofree char *dir = g_path_get_dirname(mon);
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd >= 0 && inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Starts vireo-vmm with stdin on /dev/null and stdout/stderr appended to
 * the log. posix_spawn (a vfork in glibc) does not copy the monitor's
 * page tables as fork would, and reports a failed exec as its result;
 * that failure goes into the log as the VMM's own start-up errors do. */
static pid_t
spawn_vmm(char **argv, const char *logfile)
{
    posix_spawn_file_actions_t fa;
    pid_t pid = -1;
    int rc;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, logfile,
                                     O_WRONLY | O_APPEND | O_CREAT, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        g_autofree char *msg = g_strdup_printf(_("cannot execute %s: %s\n"),
                                               argv[0], g_strerror(rc));
        int log = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (log >= 0) {
            vireo_write_all(log, msg, strlen(msg));
            close(log);
        }
        return -1;
    }
    return pid;
}

/* Sleeps until something is created in the run directory or the VMM
 * exits (its pidfd turns readable), at most wait_ms. */
static void
wait_for_change(int ino, int pidfd, int wait_ms)
{
    struct pollfd p[2] = { { .fd = ino, .events = POLLIN },
                           { .fd = pidfd, .events = POLLIN } };
    char buf[4096];

    if (poll(p, 2, wait_ms) > 0 && (p[0].revents & POLLIN))
        while (read(ino, buf, sizeof(buf)) > 0)
            ;
}

/* Waits until the VMM greets on its monitor socket, or exits. Instead of
 * retrying connect() after sleeps, it wakes when a file appears in the
 * run directory (inotify: the socket, then the pidfile, which vireo-vmm
 * writes once both sockets listen) or the VMM exits (pidfd). Between bind() and listen() connect is refused, so while
 * the socket file exists it retries every millisecond. The 50 ms cap
 * covers a missing inotify or pidfd. The caller then negotiates
 * (monitor_negotiate) before it reports the VMM ready. */
static VireoQmpClient *
monitor_wait_ready(const char *mon, int ino, pid_t vmm, int *status)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    int pidfd = (int)syscall(SYS_pidfd_open, vmm, 0);
    VireoQmpClient *qmp = NULL;
    gboolean exited = FALSE;

    while (g_get_monotonic_time() < deadline) {
        if ((exited = waitpid(vmm, status, WNOHANG) == vmm))
            break;
        if ((qmp = vireo_qmp_client_open(mon, 10000, NULL)))
            break;
        wait_for_change(ino, pidfd, g_file_test(mon, G_FILE_TEST_EXISTS) ? 1 : 50);
    }
    if (pidfd >= 0)
        close(pidfd);
    if (!qmp && !exited) {
        kill(vmm, SIGKILL);
        waitpid(vmm, status, 0);
    }
    return qmp;
}

/* vireo-vmm greets while the VM is still being built, as QEMU does, and
 * answers qmp_capabilities once it is built. start promises a built VM, so
 * the report waits for that reply: a build that fails after the greeting
 * (the connection closes; the VMM exits with its error in the log) is a
 * failed start, and so is a VMM that does not answer in 30 s (killed). */
static gboolean
monitor_negotiate(VireoQmpClient *qmp, pid_t vmm, int *status)
{
    if (vireo_qmp_client_negotiate(qmp, NULL))
        return TRUE;
    for (int ms = 0; ms < 5000; ms++) {
        if (waitpid(vmm, status, WNOHANG) == vmm)
            return FALSE;
        g_usleep(1000);
    }
    kill(vmm, SIGKILL);
    while (waitpid(vmm, status, 0) < 0 && errno == EINTR)
        ;
    return FALSE;
}

/* Takes the domain lock if the recorded run is still the monitor's own
 * (run.ini names its token): whatever the monitor writes into the run
 * directory is then written before a destroy or any finaliser has
 * removed it, or not at all. */
static gboolean
monitor_lock_run(VireoStore *store, const char *name, const char *token)
{
    g_autoptr(GKeyFile) kf = NULL;
    g_autofree char *run_token = NULL;

    if (!vireo_store_lock(store, name, NULL))
        return FALSE;
    kf = run_info_load(store, name);
    run_token = kf ? g_key_file_get_string(kf, RUN_GROUP, "token", NULL) : NULL;
    if (g_strcmp0(run_token, token) != 0) {
        vireo_store_unlock(store, name);
        return FALSE;
    }
    return TRUE;
}

/* Records the SHUTDOWN cause so whoever finalises knows why it stopped.
 * Under the domain lock: a destroy holds it from its marker until it has
 * finalised, so a SHUTDOWN it caused is never taken for the guest's or
 * the host's own (and is dropped once the run is finalised). */
static void
monitor_event(VireoStore *store, const char *name, const char *uuid,
              const char *token, JsonObject *msg)
{
    const char *ev = json_object_get_string_member_with_default(msg, "event", "");
    JsonObject *data = json_object_has_member(msg, "data")
        ? json_object_get_object_member(msg, "data") : NULL;
    const char *reason = data ? json_object_get_string_member_with_default(data, "reason", "") : "";
    g_autofree char *exitp = vireo_store_run_path(store, name, "exit");

    if (!g_str_equal(ev, "SHUTDOWN") && !g_str_equal(ev, "GUEST_PANICKED"))
        return;
    if (!monitor_lock_run(store, name, token))
        return;
    if (g_str_equal(ev, "SHUTDOWN")) {
        g_autofree char *marker = vireo_store_run_path(store, name, "destroying");
        gboolean guest = data && json_object_get_boolean_member_with_default(data, "guest", FALSE);
        vireo_store_write_runtime_file(exitp, reason, -1, NULL);
        /* libvirt reports a destroy as "Stopped Destroyed" alone */
        if (!g_file_test(marker, G_FILE_TEST_EXISTS))
            vireo_event_emit(store, name, uuid, "Shutdown",
                         guest ? "Finished after guest request" : "Finished after host request");
    } else {
        vireo_store_write_runtime_file(exitp, "guest-panic", -1, NULL);
    }
    vireo_store_unlock(store, name);
}

/* Keeps the serial console's pty path with the run (run/domains/NAME/pty). */
static void
monitor_record_pty(VireoStore *store, const char *name, const char *token,
                   VireoQmpClient *qmp)
{
    g_autoptr(JsonNode) ret = vireo_qmp_client_execute(qmp, "query-chardev", NULL, NULL);
    JsonArray *arr = ret && JSON_NODE_HOLDS_ARRAY(ret) ? json_node_get_array(ret) : NULL;
    g_autofree char *path = vireo_store_run_path(store, name, "pty");

    for (guint i = 0; arr && i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);
        const char *file = o ? json_object_get_string_member_with_default(o, "filename", "") : "";
        if (g_str_has_prefix(file, "pty:")) {
            if (monitor_lock_run(store, name, token)) {
                vireo_store_write_runtime_file(path, file + 4, -1, NULL);
                vireo_store_unlock(store, name);
            }
            return;
        }
    }
}

/* Releasing an inotify instance that had a watch waits for an SRCU grace
 * period (8-20 ms here, in D state). A thread of its own waits for it, so
 * neither start (which waits for the report) nor the monitor's events do. */
static gpointer
close_in_background(gpointer data)
{
    close(GPOINTER_TO_INT(data));
    return NULL;
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
    int status = 127 << 8;
    int ino;
    pid_t vmm;

    redirect_stdio_null();
    ino = watch_run_dir(mon);
    vmm = spawn_vmm(argv, logfile);
    /* after the spawn, which would pass an ignored SIGPIPE on: a starting
     * vireo that died makes the report fail rather than kill the monitor */
    signal(SIGPIPE, SIG_IGN);
    if (vmm < 0 || !(qmp = monitor_wait_ready(mon, ino, vmm, &status)) ||
        !monitor_negotiate(qmp, vmm, &status)) {
        g_autofree char *msg = g_strdup_printf("FAIL %d\n", status);
        write_line(ready_fd, msg);
        _exit(1);
    }
    proc_stat(vmm, &state, &start, &cpu);
    {
        g_autofree char *msg = g_strdup_printf("OK %d %" G_GUINT64_FORMAT " %d\n",
                                               (int)vmm, start, (int)getpid());
        if (!write_line(ready_fd, msg)) {
            /* nobody will record this run, so nobody could find or stop
             * its VMM: stop it (the next start removes the directory) */
            kill(vmm, SIGKILL);
            while (waitpid(vmm, &status, 0) < 0 && errno == EINTR)
                ;
            _exit(1);
        }
        close(ready_fd);
    }
    if (ino >= 0) {
        GThread *closer = g_thread_try_new("close", close_in_background,
                                           GINT_TO_POINTER(ino), NULL);
        if (closer)
            g_thread_unref(closer);
        else
            close(ino);
    }
    /* After the report, so start does not wait for this round trip: the
     * VM is built, which is what start promises. A console attached
     * before the pty file exists asks the VMM itself. */
    monitor_record_pty(store, name, token, qmp);
    for (;;) {
        g_autoptr(JsonObject) msg = qmp ? vireo_qmp_client_read(qmp, -1, NULL) : NULL;
        if (!msg)
            break;
        if (json_object_has_member(msg, "event"))
            monitor_event(store, name, uuid, token, msg);
    }
    while (waitpid(vmm, &status, 0) < 0 && errno == EINTR)
        ;
    finalize_run(store, name, token, stop_how(status));
    _exit(0);
}

/* Forks the monitor in its own session (so a terminal hang-up does not
 * reach the VMM). One fork, not the classic two: the starting vireo exits
 * right after the report, and the monitor is then re-parented to init (or
 * the nearest subreaper), which reaps it. Only a vireo that stays (start
 * --console) is its parent for longer, and the monitor ends with the VMM,
 * when that console ends too. */
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
        monitor_main(store, name, uuid, token, argv, fds[1]);
    }
    close(fds[1]);
    if (child < 0) {
        close(fds[0]);
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno, "%s",
                              _("cannot fork"));
        return -1;
    }
    return fds[0];
}

/* The monitor's one line ("OK ..." or "FAIL ..."); empty if it died. */
static char *
read_report(int fd)
{
    GString *s = g_string_new(NULL);
    char buf[128];
    ssize_t n;

    while (!memchr(s->str, '\n', s->len) &&
           ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            g_string_append_len(s, buf, n);
    close(fd);
    if (memchr(s->str, '\n', s->len))
        g_string_truncate(s, (char *)memchr(s->str, '\n', s->len) - s->str);
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

/* Writes the run's XML files and returns its run.ini, which the caller
 * saves once the VMM is up (see vireo_dom_launch). */
static GKeyFile *
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
        return NULL;
    }
    if (!(live = vireo_dom_live_xml(xml, id, error)) ||
        !vireo_store_write_runtime_file(domxml, xml, -1, error) ||
        !vireo_store_write_runtime_file(livexml, live, -1, error))
        return NULL;
    g_key_file_set_integer(kf, RUN_GROUP, "id", id);
    g_key_file_set_string(kf, RUN_GROUP, "uuid", sum->uuidstr);
    g_key_file_set_boolean(kf, RUN_GROUP, "transient", transient);
    g_key_file_set_string(kf, RUN_GROUP, "token", token);
    g_key_file_set_string(kf, RUN_GROUP, "reason", paused ? "user" : "booted");
    g_key_file_set_int64(kf, RUN_GROUP, "log_offset", logpos);
    return g_steal_pointer(&kf);
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

/* Completes run.ini with the monitor's report and saves it: the run
 * becomes visible to other vireo commands only now, whole. */
static gboolean
record_vmm(VireoStore *store, const char *name, GKeyFile *kf, const char *report,
           GError **error)
{
    int pid = 0, mon = 0;
    guint64 start = 0;

    if (sscanf(report, "OK %d %" G_GUINT64_FORMAT " %d", &pid, &start, &mon) != 3) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR, "%s",
                        _("lost the runtime state of the domain while starting it"));
        return FALSE;
    }
    g_key_file_set_int64(kf, RUN_GROUP, "vmm_pid", pid);
    g_key_file_set_uint64(kf, RUN_GROUP, "vmm_start", start);
    g_key_file_set_int64(kf, RUN_GROUP, "monitor_pid", mon);
    if (run_info_save(store, name, kf, error))
        return TRUE;
    /* nobody could find or stop this VMM: stop it now */
    if (pid > 0)
        kill(pid, SIGKILL);
    return FALSE;
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
    g_autoptr(GKeyFile) kf = NULL;
    g_autofree char *rundir = g_build_filename(store->dom_run_dir, name, NULL);
    int id, fd;

    if (!sum || (id = allocate_id(store, error)) < 0)
        return FALSE;
    token = g_strdup_printf("%d-%" G_GINT64_FORMAT, id, g_get_real_time());
    if (!(kf = write_run_files(store, name, xml, sum, id, transient, paused, token,
                               logpos, error)))
        return FALSE;
    argv = vmm_argv(store, name, paused);
    if ((fd = spawn_monitor(store, name, sum->uuidstr, token, argv, error)) < 0)
        return FALSE;
    report = read_report(fd);
    if (!g_str_has_prefix(report, "OK ")) {
        g_autofree char *tail = log_tail(store, name, logpos);
        remove_tree(rundir);
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("process exited while connecting to monitor: %s"), tail);
        return FALSE;
    }
    if (!record_vmm(store, name, kf, report, error)) {
        remove_tree(rundir);
        return FALSE;
    }
    g_unlink(shutoff);
    return TRUE;
}

