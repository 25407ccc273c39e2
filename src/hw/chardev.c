/* vireo: character device backends (see chardev.h for the threading rules). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>
#include "hw/chardev.h"
#include "hw/devices.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* Enough for a boot log burst while nobody reads; more is dropped. */
#define VIREO_CHARDEV_OUT_MAX (64 * 1024)
/* A write of at most PIPE_BUF after POLLOUT cannot block on a pipe or tty. */
#define VIREO_CHARDEV_CHUNK PIPE_BUF

struct _VireoChardev {
    char *id;
    const char *kind;
    GMainContext *ctx;

    int in_fd;                      /* -1: no input */
    gboolean close_in, close_out;   /* stdio's 0/1 are not ours to close */
    int listen_fd;                  /* unix: the server socket */
    char *unix_path;
    int pty_slave_fd;               /* held open so the master never sees HUP */
    char *pty_path;
    gboolean stdin_raw;
    struct termios stdin_saved;

    /* Main loop only. */
    GSource *in_source, *out_source, *listen_source, *kick_source;
    VireoChardevCanReadFn can_read;
    VireoChardevReadFn read;
    void *frontend;

    gint throttled;                 /* input paused because the frontend was full */

    GMutex lock;                    /* the output side, from vCPU threads */
    int out_fd;                     /* -1: output dropped (null, no client) */
    gboolean out_poll;              /* not O_NONBLOCK: poll before writing */
    int log_fd;
    GByteArray *outbuf;
    guint64 dropped;
};

static void vireo_chardev_watch_input(VireoChardev *chr);

static gboolean
vireo_chardev_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

static GSource *
vireo_chardev_add_fd_watch(VireoChardev *chr, int fd, GIOCondition cond,
                           GUnixFDSourceFunc fn)
{
    GSource *src = g_unix_fd_source_new(fd, cond);
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))fn, chr, NULL);
    g_source_attach(src, chr->ctx);
    return src;
}

/* ---- output ------------------------------------------------------------ */

/* Writes what the fd takes without blocking; returns bytes written. */
static gsize
vireo_chardev_try_write_locked(VireoChardev *chr, const guint8 *buf, gsize len)
{
    gsize done = 0;
    while (done < len) {
        gsize n = len - done;
        ssize_t r;
        if (chr->out_poll) {
            struct pollfd p = { .fd = chr->out_fd, .events = POLLOUT };
            if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT))
                break;
            n = MIN(n, VIREO_CHARDEV_CHUNK);
        }
        r = write(chr->out_fd, buf + done, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        done += r;
    }
    return done;
}

static gboolean
vireo_chardev_on_writable(int fd, GIOCondition cond, gpointer data)
{
    VireoChardev *chr = data;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&chr->lock);
    gsize n = 0;

    if (chr->out_fd >= 0 && !(cond & (G_IO_ERR | G_IO_NVAL)))
        n = vireo_chardev_try_write_locked(chr, chr->outbuf->data, chr->outbuf->len);
    else
        n = chr->outbuf->len;       /* the peer is gone: nobody will read it */
    g_byte_array_remove_range(chr->outbuf, 0, n);
    if (chr->outbuf->len > 0)
        return G_SOURCE_CONTINUE;
    g_source_unref(chr->out_source);
    chr->out_source = NULL;
    return G_SOURCE_REMOVE;
}

gsize
vireo_chardev_write(VireoChardev *chr, const guint8 *buf, gsize len)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&chr->lock);
    gsize done = 0, room;

    if (chr->log_fd >= 0 && write(chr->log_fd, buf, len) < 0) {
        /* A full disk must not stop the guest; the copy is best effort. */
    }
    if (chr->out_fd < 0)
        return len;                 /* null backend, or no client: like QEMU */
    if (chr->outbuf->len == 0)
        done = vireo_chardev_try_write_locked(chr, buf, len);
    if (done == len)
        return len;
    room = VIREO_CHARDEV_OUT_MAX - MIN(chr->outbuf->len, VIREO_CHARDEV_OUT_MAX);
    room = MIN(room, len - done);
    g_byte_array_append(chr->outbuf, buf + done, room);
    chr->dropped += len - done - room;
    /* The main loop adds the POLLOUT watch; sources belong to its thread. */
    g_source_set_ready_time(chr->kick_source, 0);
    return done + room;
}

/* ---- input ------------------------------------------------------------- */

static void
vireo_chardev_client_gone(VireoChardev *chr)
{
    vireo_hw_source_drop(&chr->in_source);
    chr->in_fd = -1;
    if (chr->listen_fd < 0)
        return;                     /* stdin at EOF: output still flows */
    g_mutex_lock(&chr->lock);
    vireo_hw_source_drop(&chr->out_source);
    g_byte_array_set_size(chr->outbuf, 0);
    close(chr->out_fd);
    chr->out_fd = -1;
    g_mutex_unlock(&chr->lock);
    vireo_chardev_watch_input(chr);     /* back to accepting */
}

static gboolean
vireo_chardev_on_readable(int fd, GIOCondition cond, gpointer data)
{
    VireoChardev *chr = data;
    guint8 buf[256];
    gsize room;
    ssize_t r;

    /* Flag first, so an accept_input racing with the check re-arms us. */
    g_atomic_int_set(&chr->throttled, 1);
    room = chr->can_read(chr->frontend);
    if (room == 0) {
        g_source_unref(chr->in_source);
        chr->in_source = NULL;
        return G_SOURCE_REMOVE;
    }
    g_atomic_int_set(&chr->throttled, 0);
    r = read(fd, buf, MIN(room, sizeof(buf)));
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    if (r <= 0) {
        /* EOF or error: stdin closed, or the socket client left. */
        vireo_chardev_client_gone(chr);
        return G_SOURCE_REMOVE;
    }
    chr->read(chr->frontend, buf, r);
    return G_SOURCE_CONTINUE;
}

static gboolean
vireo_chardev_on_accept(int fd, GIOCondition cond, gpointer data)
{
    VireoChardev *chr = data;
    int client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (client < 0)
        return G_SOURCE_CONTINUE;
    g_mutex_lock(&chr->lock);
    chr->out_fd = client;
    g_mutex_unlock(&chr->lock);
    chr->in_fd = client;
    /* One client at a time, as QEMU's socket chardev. */
    g_source_unref(chr->listen_source);
    chr->listen_source = NULL;
    vireo_chardev_watch_input(chr);
    return G_SOURCE_REMOVE;
}

static void
vireo_chardev_watch_input(VireoChardev *chr)
{
    if (chr->listen_fd >= 0 && chr->in_fd < 0 && !chr->listen_source) {
        chr->listen_source = vireo_chardev_add_fd_watch(chr, chr->listen_fd, G_IO_IN,
                                                        vireo_chardev_on_accept);
        return;
    }
    if (chr->in_fd < 0 || chr->in_source || !chr->read)
        return;
    chr->in_source = vireo_chardev_add_fd_watch(chr, chr->in_fd,
                                                G_IO_IN | G_IO_HUP | G_IO_ERR,
                                                vireo_chardev_on_readable);
}

/* Main loop: re-arm input after throttling, start draining buffered output. */
static gboolean
vireo_chardev_on_kick(gpointer data)
{
    VireoChardev *chr = data;
    gboolean pending;

    vireo_chardev_watch_input(chr);     /* no-op unless input was paused */
    g_mutex_lock(&chr->lock);
    pending = chr->outbuf->len > 0 && chr->out_fd >= 0;
    if (pending && !chr->out_source)
        chr->out_source = vireo_chardev_add_fd_watch(chr, chr->out_fd, G_IO_OUT,
                                                     vireo_chardev_on_writable);
    g_mutex_unlock(&chr->lock);
    return G_SOURCE_CONTINUE;
}

static gboolean
vireo_chardev_kick_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    g_source_set_ready_time(src, -1);
    return cb(data);
}

static GSourceFuncs vireo_chardev_kick_funcs = {
    .dispatch = vireo_chardev_kick_dispatch,
};

void
vireo_chardev_accept_input(VireoChardev *chr)
{
    if (g_atomic_int_get(&chr->throttled))
        g_source_set_ready_time(chr->kick_source, 0);
}

void
vireo_chardev_set_frontend(VireoChardev *chr, VireoChardevCanReadFn can_read,
                           VireoChardevReadFn read, void *opaque)
{
    chr->can_read = can_read;
    chr->read = read;
    chr->frontend = opaque;
    vireo_chardev_watch_input(chr);
}

/* ---- opening backends -------------------------------------------------- */

static VireoChardev *
vireo_chardev_alloc(const char *id, const char *kind, GMainContext *ctx)
{
    VireoChardev *chr = g_new0(VireoChardev, 1);
    chr->id = g_strdup(id);
    chr->kind = kind;
    chr->ctx = ctx ? g_main_context_ref(ctx) : g_main_context_ref(g_main_context_default());
    chr->in_fd = chr->out_fd = chr->listen_fd = chr->pty_slave_fd = chr->log_fd = -1;
    chr->close_in = chr->close_out = TRUE;
    g_mutex_init(&chr->lock);
    chr->outbuf = g_byte_array_new();
    chr->kick_source = g_source_new(&vireo_chardev_kick_funcs, sizeof(GSource));
    g_source_set_callback(chr->kick_source, vireo_chardev_on_kick, chr, NULL);
    g_source_attach(chr->kick_source, chr->ctx);
    return chr;
}

static gboolean
vireo_chardev_open_pty(VireoChardev *chr, GError **error)
{
    struct termios tio;
    char name[PATH_MAX];
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
        ptsname_r(master, name, sizeof(name)) != 0) {
        vireo_error_set_errno(error, VIREO_ERR_OPERATION_FAILED, errno,
                              _("cannot allocate a pty for '%s'"), chr->id);
        if (master >= 0)
            close(master);
        return FALSE;
    }
    chr->in_fd = chr->out_fd = master;
    chr->close_in = FALSE;          /* closed once, as out_fd */
    vireo_chardev_set_nonblock(master);
    chr->pty_path = g_strdup(name);
    chr->pty_slave_fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (chr->pty_slave_fd < 0 || tcgetattr(chr->pty_slave_fd, &tio) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_OPERATION_FAILED, errno,
                              _("cannot open pty '%s' for '%s'"), name, chr->id);
        return FALSE;
    }
    /* Raw: the guest's bytes reach the console client unchanged. */
    cfmakeraw(&tio);
    tcsetattr(chr->pty_slave_fd, TCSANOW, &tio);
    return TRUE;
}

static int
vireo_chardev_open_output_file(const char *path, gboolean append, const char *id,
                               GError **error)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
                  0644);
    if (fd < 0)
        vireo_error_set_errno(error, VIREO_ERR_OPEN_FAILED, errno,
                              _("cannot open '%s' for '%s'"), path, id);
    return fd;
}

static gboolean
vireo_chardev_open_stdio(VireoChardev *chr)
{
    chr->in_fd = STDIN_FILENO;
    chr->out_fd = STDOUT_FILENO;
    chr->close_in = chr->close_out = FALSE;
    /* stdout's file description is shared with our parent: never flip it to
     * non-blocking; poll before each write instead. */
    chr->out_poll = TRUE;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &chr->stdin_saved) == 0) {
        struct termios tio = chr->stdin_saved;
        cfmakeraw(&tio);
        tio.c_lflag |= ISIG;        /* Ctrl-C still stops the VMM */
        if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
            chr->stdin_raw = TRUE;
    }
    return TRUE;
}

static gboolean
vireo_chardev_open_unix(VireoChardev *chr, const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (!path || strlen(path) >= sizeof(addr.sun_path)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unix socket path for '%s' is missing or too long"), chr->id);
        return FALSE;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    unlink(path);                   /* a stale socket from an earlier run */
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_OPERATION_FAILED, errno,
                              _("cannot listen on '%s' for '%s'"), path, chr->id);
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    chr->listen_fd = fd;
    chr->unix_path = g_strdup(path);
    return TRUE;
}

static gboolean
vireo_chardev_open_backend(VireoChardev *chr, const VireoChardevDesc *desc,
                           GError **error)
{
    switch (desc->type) {
    case VIREO_CHR_TYPE_NULL:
    case VIREO_CHR_TYPE_VC:         /* no graphical console here: discard */
        return TRUE;
    case VIREO_CHR_TYPE_PTY:
        return vireo_chardev_open_pty(chr, error);
    case VIREO_CHR_TYPE_FILE:
        if (!desc->path) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("file backend for '%s' has no path"), chr->id);
            return FALSE;
        }
        chr->out_fd = vireo_chardev_open_output_file(desc->path, desc->append,
                                                     chr->id, error);
        return chr->out_fd >= 0;
    case VIREO_CHR_TYPE_STDIO:
        return vireo_chardev_open_stdio(chr);
    case VIREO_CHR_TYPE_UNIX:
        return vireo_chardev_open_unix(chr, desc->path, error);
    default:
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("the character device backend of '%s' is not supported"),
                        chr->id);
        return FALSE;
    }
}

static const char *
vireo_chardev_kind_name(VireoChrType type)
{
    switch (type) {
    case VIREO_CHR_TYPE_PTY: return "pty";
    case VIREO_CHR_TYPE_FILE: return "file";
    case VIREO_CHR_TYPE_STDIO: return "stdio";
    case VIREO_CHR_TYPE_UNIX: return "unix";
    case VIREO_CHR_TYPE_VC: return "vc";
    default: return "null";
    }
}

VireoChardev *
vireo_chardev_new(const VireoChardevDesc *desc, const char *id,
                  GMainContext *ctx, GError **error)
{
    VireoChrType type = desc ? desc->type : VIREO_CHR_TYPE_NULL;
    g_autoptr(VireoChardev) chr = vireo_chardev_alloc(id, vireo_chardev_kind_name(type), ctx);

    if (desc && !vireo_chardev_open_backend(chr, desc, error))
        return NULL;
    if (desc && desc->log_file) {
        chr->log_fd = vireo_chardev_open_output_file(desc->log_file, desc->log_append,
                                                     id, error);
        if (chr->log_fd < 0)
            return NULL;
    }
    vireo_chardev_watch_input(chr);     /* unix: start accepting now */
    return g_steal_pointer(&chr);
}

VireoChardev *
vireo_chardev_new_fds(int in_fd, int out_fd, const char *id, GMainContext *ctx)
{
    VireoChardev *chr = vireo_chardev_alloc(id, "fd", ctx);
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->close_in = in_fd != out_fd;
    if (in_fd >= 0)
        vireo_chardev_set_nonblock(in_fd);
    if (out_fd >= 0)
        vireo_chardev_set_nonblock(out_fd);
    return chr;
}

/* How long closing may wait for the last output to reach its reader. */
#define VIREO_CHARDEV_DRAIN_MAX_US (500 * G_TIME_SPAN_MILLISECOND)
/* A pty queue that has not shrunk for this long has no reader. */
#define VIREO_CHARDEV_STALL_US (20 * G_TIME_SPAN_MILLISECOND)

void
vireo_chardev_drain(VireoChardev *chr)
{
    gint64 deadline = g_get_monotonic_time() + VIREO_CHARDEV_DRAIN_MAX_US;
    gint64 stalled_since;
    int last = -1;

    g_mutex_lock(&chr->lock);
    while (chr->outbuf->len && chr->out_fd >= 0 &&
           g_get_monotonic_time() < deadline) {
        struct pollfd p = { .fd = chr->out_fd, .events = POLLOUT };
        gsize n = vireo_chardev_try_write_locked(chr, chr->outbuf->data,
                                                 chr->outbuf->len);
        g_byte_array_remove_range(chr->outbuf, 0, n);
        if (n == 0 && poll(&p, 1, 10) <= 0)
            break;
    }
    g_mutex_unlock(&chr->lock);
    if (chr->pty_slave_fd < 0)
        return;
    stalled_since = g_get_monotonic_time();
    for (;;) {
        int queued = 0;
        gint64 now = g_get_monotonic_time();
        if (ioctl(chr->pty_slave_fd, FIONREAD, &queued) < 0 || queued == 0 ||
            now >= deadline)
            return;
        if (queued != last) {
            last = queued;
            stalled_since = now;
        } else if (now - stalled_since >= VIREO_CHARDEV_STALL_US) {
            return;
        }
        g_usleep(1000);
    }
}

void
vireo_chardev_free(VireoChardev *chr)
{
    if (!chr)
        return;
    vireo_hw_source_drop(&chr->in_source);
    vireo_hw_source_drop(&chr->out_source);
    vireo_hw_source_drop(&chr->listen_source);
    vireo_hw_source_drop(&chr->kick_source);
    if (chr->stdin_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &chr->stdin_saved);
    if (chr->close_in && chr->in_fd >= 0 && chr->in_fd != chr->out_fd)
        close(chr->in_fd);
    if (chr->close_out && chr->out_fd >= 0)
        close(chr->out_fd);
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        unlink(chr->unix_path);
    }
    if (chr->pty_slave_fd >= 0)
        close(chr->pty_slave_fd);
    if (chr->log_fd >= 0)
        close(chr->log_fd);
    g_byte_array_unref(chr->outbuf);
    g_mutex_clear(&chr->lock);
    g_main_context_unref(chr->ctx);
    g_free(chr->unix_path);
    g_free(chr->pty_path);
    g_free(chr->id);
    g_free(chr);
}

const char *
vireo_chardev_get_pty_path(VireoChardev *chr)
{
    return chr ? chr->pty_path : NULL;
}

const char *
vireo_chardev_get_kind(VireoChardev *chr)
{
    return chr->kind;
}

guint64
vireo_chardev_get_dropped(VireoChardev *chr)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&chr->lock);
    return chr->dropped;
}
