/* vireo-vmm: runs one domain on /dev/kvm until the guest powers off or the
 * process is told to stop (qemu-system-x86_64's place in vireo).
 *
 *   vireo-vmm --domain FILE.xml [--qmp unix:PATH[,server=on,wait=off]]...
 *             [--pidfile PATH] [--daemonize] [--paused]
 *
 * The last line on stderr says why it ended; the exit status says the same
 * (docs/runtime.md). */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <glib-unix.h>
#include "conf/domain_conf.h"
#include "machine/machine_desc.h"
#include "kvm/kvm.h"
#include "vmm/vmm.h"
#include "qmp/qmp.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-startup.h"

static char *opt_domain;
static char **opt_qmp;
static char *opt_pidfile;
static gboolean opt_daemonize;
static gboolean opt_paused;

static const GOptionEntry options[] = {
    { "domain", 'd', 0, G_OPTION_ARG_FILENAME, &opt_domain,
      N_("Domain XML to run (libvirt format)"), N_("FILE") },
    { "qmp", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_qmp,
      N_("Serve QMP on a unix socket; may be repeated"),
      N_("unix:PATH[,server=on,wait=off]") },
    { "pidfile", 0, 0, G_OPTION_ARG_FILENAME, &opt_pidfile,
      N_("Write the process id to PATH (atomically)"), N_("PATH") },
    { "daemonize", 0, 0, G_OPTION_ARG_NONE, &opt_daemonize,
      N_("Detach once the VM is built and the QMP sockets exist"), NULL },
    { "paused", 'S', 0, G_OPTION_ARG_NONE, &opt_paused,
      N_("Do not start the vCPUs (state prelaunch) until QMP 'cont'"), NULL },
    { NULL }
};

/* Write end of the pipe the --daemonize parent waits on; -1 otherwise. */
static int ready_fd = -1;

static gboolean
parse_options(int *argc, char ***argv, GError **error)
{
    /* GOption translates the parameter string itself, for --help only. */
    g_autoptr(GOptionContext) ctx =
        g_option_context_new(N_("- run a libvirt domain on KVM"));
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, options, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, argc, argv, error))
        return FALSE;
    if (*argc > 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    _("unexpected argument '%s'"), (*argv)[1]);
        return FALSE;
    }
    if (!opt_domain) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s",
                    _("--domain FILE is required"));
        return FALSE;
    }
    return TRUE;
}

/* ---- signals --------------------------------------------------------- */
/* SIGTERM, SIGINT and SIGHUP end the VM cleanly. They are blocked from
 * the first line of main(), so every thread inherits the mask and none
 * takes them, and read from a signalfd in the main loop once the VM runs: one
 * that comes during the start stays pending and ends the VM then, instead
 * of killing the process half made. g_unix_signal_add() would start GLib's
 * worker thread for them, a thread creation before the greeting. */
static const int quit_signals[] = { SIGTERM, SIGINT, SIGHUP };

static void
quit_signal_set(sigset_t *set)
{
    sigemptyset(set);
    for (guint i = 0; i < G_N_ELEMENTS(quit_signals); i++)
        sigaddset(set, quit_signals[i]);
}

/* how: SIG_BLOCK or SIG_UNBLOCK */
static void
mask_quit_signals(int how)
{
    sigset_t set;
    quit_signal_set(&set);
    pthread_sigmask(how, &set, NULL);
}

static gboolean
on_signalfd(int fd, GIOCondition cond, gpointer opaque)
{
    struct signalfd_siginfo si;
    while (read(fd, &si, sizeof(si)) == (ssize_t) sizeof(si))
        vireo_vmm_quit_on_signal(opaque, (int) si.ssi_signo);
    return G_SOURCE_CONTINUE;
}

typedef struct {
    VireoVmm *vmm;
    int signum;
    guint source;               /* its g_unix_signal_add() watch */
} SignalWatch;

static gboolean
on_signal(gpointer opaque)
{
    SignalWatch *w = opaque;
    vireo_vmm_quit_on_signal(w->vmm, w->signum);
    return G_SOURCE_CONTINUE;
}

typedef struct {
    int fd;                     /* the signalfd, or -1 */
    guint source;               /* its watch */
    SignalWatch watches[G_N_ELEMENTS(quit_signals)];   /* without one */
} SignalWatches;

static void
watch_signals(VireoVmm *vmm, SignalWatches *sw)
{
    sigset_t set;
    quit_signal_set(&set);
    /* A closed QMP or console peer must not kill the VMM. */
    signal(SIGPIPE, SIG_IGN);
    sw->fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sw->fd >= 0) {
        sw->source = g_unix_fd_add(sw->fd, G_IO_IN, on_signalfd, vmm);
        return;
    }
    /* No signalfd (a seccomp filter, say): GLib's handlers, and the
     * signals let through again. */
    g_debug("signalfd: %s", g_strerror(errno));
    for (guint i = 0; i < G_N_ELEMENTS(quit_signals); i++) {
        sw->watches[i] = (SignalWatch) { vmm, quit_signals[i], 0 };
        sw->watches[i].source = g_unix_signal_add(quit_signals[i], on_signal,
                                                  &sw->watches[i]);
    }
    mask_quit_signals(SIG_UNBLOCK);
}

/* The watches point into sw, which goes when run_domain() returns. */
static void
unwatch_signals(SignalWatches *sw)
{
    for (guint i = 0; i < G_N_ELEMENTS(sw->watches); i++)
        if (sw->watches[i].source)
            g_source_remove(sw->watches[i].source);
    if (sw->fd < 0)
        return;
    g_source_remove(sw->source);
    close(sw->fd);
}

/* ---- --daemonize ------------------------------------------------------- */
/* KVM ties a VM to the process that created it, so the fork comes before
 * the VM exists; the parent waits until the child says it is ready (a zero
 * byte) or why it failed (the message), and exits accordingly. */
static int
daemonize_wait_child(int fd)
{
    GString *msg = g_string_new(NULL);
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            g_string_append_len(msg, buf, n);
    close(fd);
    int status = msg->len > 0 && msg->str[0] == '\0' ? VIREO_VMM_EXIT_OK
                                                     : VIREO_VMM_EXIT_FAILURE;
    if (status != VIREO_VMM_EXIT_OK)
        fprintf(stderr, "%s", msg->len ? msg->str
                                       : _("vireo-vmm: the daemon exited before the VM was ready\n"));
    g_string_free(msg, TRUE);
    return status;
}

static gboolean
daemonize_fork(GError **error)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno, "%s",
                              _("cannot create the --daemonize pipe"));
        return FALSE;
    }
    pid_t pid = fork();
    if (pid < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno, "%s",
                              _("cannot fork for --daemonize"));
        return FALSE;
    }
    if (pid > 0) {
        close(fds[1]);
        mask_quit_signals(SIG_UNBLOCK);     /* the parent may be killed */
        exit(daemonize_wait_child(fds[0]));
    }
    close(fds[0]);
    ready_fd = fds[1];
    setsid();
    return TRUE;
}

/* The child is ready: tell the parent, and leave the terminal. */
static void
daemonize_ready(void)
{
    if (ready_fd < 0)
        return;
    char zero = 0;
    if (write(ready_fd, &zero, 1) < 0)
        g_debug("--daemonize parent is gone");
    close(ready_fd);
    ready_fd = -1;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
}

/* Start-up failed: the message goes to stderr, and to the waiting parent. */
static int
startup_failed(const char *name, const GError *err)
{
    g_autofree char *line = name
        ? g_strdup_printf(_("vireo-vmm: domain '%s' failed to start: %s\n"), name, err->message)
        : g_strdup_printf(_("vireo-vmm: %s\n"), err->message);
    if (ready_fd >= 0) {
        if (write(ready_fd, line, strlen(line)) < 0)
            g_debug("--daemonize parent is gone");
        close(ready_fd);
    } else {
        fputs(line, stderr);
    }
    return VIREO_VMM_EXIT_FAILURE;
}

/* ---- running ----------------------------------------------------------- */
static gboolean
write_pidfile(GError **error)
{
    if (!opt_pidfile)
        return TRUE;
    g_autofree char *pid = g_strdup_printf("%d\n", (int) getpid());
    /* g_file_set_contents writes a temporary file and renames it. */
    return g_file_set_contents(opt_pidfile, pid, -1, error);
}

/* The QMP sockets listen before the VM is built, as QEMU's monitor does:
 * a client that connects meanwhile is greeted between the build's steps
 * (greet_waiting) and answered once the VM exists (run_domain attaches
 * the servers). */
static gboolean
listen_qmp(GPtrArray *servers, GError **error)
{
    for (guint i = 0; opt_qmp && opt_qmp[i]; i++) {
        VireoQmpServer *server = vireo_qmp_server_new(NULL, opt_qmp[i], error);
        if (!server)
            return FALSE;
        g_ptr_array_add(servers, server);
    }
    return TRUE;
}

/* As QEMU does, so people and scripts find the console. */
static void
log_ptys(VireoVmm *vmm)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(vmm);
    for (guint i = 0; i < desc->devices->len; i++) {
        const VireoDeviceDesc *dev = g_ptr_array_index(desc->devices, i);
        const char *pty = dev->id ? vireo_vmm_chardev_pty(vmm, dev->id) : NULL;
        if (pty)
            fprintf(stderr, _("vireo-vmm: char device redirected to %s (label %s)\n"),
                    pty, dev->id);
    }
}

static VireoMachineDesc *
resolve_domain(const VireoDomainDef *def, GError **error)
{
    g_autoptr(VireoHostCaps) caps = vireo_host_caps_new();
    if (!vireo_kvm_host_caps_probe(caps, error))
        return NULL;
    vireo_startup_mark("host-probed");
    return vireo_machine_resolve(def, caps, error);
}

/* Between the steps of the VM build: clients that connected meanwhile are
 * greeted now, as QEMU's monitor thread greets them while its machine is
 * built; they are answered once the VM exists (vireo_qmp_server_attach). */
static void
greet_waiting(gpointer opaque)
{
    GPtrArray *servers = opaque;
    for (guint i = 0; i < servers->len; i++)
        vireo_qmp_server_greet_waiting(g_ptr_array_index(servers, i));
}

static int
run_domain(const VireoDomainDef *def, VireoMachineDesc *desc)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) servers =
        g_ptr_array_new_with_free_func((GDestroyNotify) vireo_qmp_server_free);
    SignalWatches signal_watches = { .fd = -1 };
    if (!listen_qmp(servers, &err)) {
        vireo_machine_desc_free(desc);
        return startup_failed(def->name, err);
    }
    vireo_startup_mark("qmp-listening");
    g_autoptr(VireoVmm) vmm = vireo_vmm_new_with_progress(desc, greet_waiting,
                                                          servers, &err);
    if (!vmm)
        return startup_failed(def->name, err);
    vireo_startup_mark("vmm-built");
    for (guint i = 0; i < servers->len; i++)
        vireo_qmp_server_attach(g_ptr_array_index(servers, i), vmm);
    if (!write_pidfile(&err) || (!opt_paused && !vireo_vmm_start(vmm, &err))) {
        g_ptr_array_set_size(servers, 0);       /* before the VMM they point to */
        return startup_failed(def->name, err);
    }
    watch_signals(vmm, &signal_watches);
    log_ptys(vmm);
    daemonize_ready();
    vireo_startup_mark("main-loop");
    int status = vireo_vmm_run(vmm);
    fprintf(stderr, _("vireo-vmm: domain '%s' stopped: %s\n"), def->name,
            vireo_vmm_get_end_reason(vmm));
    /* QMP servers go before the VMM they point to. */
    g_ptr_array_set_size(servers, 0);
    if (opt_pidfile)
        unlink(opt_pidfile);
    unwatch_signals(&signal_watches);
    return status;
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    vireo_startup_mark("main");
    mask_quit_signals(SIG_BLOCK);   /* before any thread: see watch_signals() */
    vireo_i18n_init_messages();
    vireo_startup_mark("i18n");
    if (!parse_options(&argc, &argv, &err))
        return startup_failed(NULL, err);
    vireo_startup_mark("options");
    vireo_types_init();
    vireo_startup_mark("types");
    /* The domain and its description are pure computation: done before a
     * --daemonize fork, so their errors reach the terminal directly. */
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_file(opt_domain, VIREO_DOMAIN_PARSE_NONE, &err);
    if (!def)
        return startup_failed(NULL, err);
    vireo_startup_mark("domain-parsed");
    g_autoptr(VireoMachineDesc) desc = resolve_domain(def, &err);
    if (!desc)
        return startup_failed(def->name, err);
    vireo_startup_mark("resolved");
    if (opt_daemonize && !daemonize_fork(&err))
        return startup_failed(def->name, err);
    /* The VMM owns the description from here on. */
    return run_domain(def, g_steal_pointer(&desc));
}
