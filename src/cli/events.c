/* vireo: the lifecycle event log (see events.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "cli/events.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* The words vireo writes to the log, for xgettext: `event` prints them
 * translated, as virsh does. */
static const char *const event_words[] G_GNUC_UNUSED = {
    N_("Defined"), N_("Added"), N_("Updated"), N_("Undefined"), N_("Removed"),
    N_("Started"), N_("Booted"), N_("Suspended"), N_("Paused"), N_("Resumed"),
    N_("Unpaused"), N_("Stopped"), N_("Shutdown"), N_("Destroyed"), N_("Failed"),
    N_("Crashed"), N_("Panicked"), N_("Finished after guest request"),
    N_("Finished after host request"),
};

static char *
events_path(VireoStore *store)
{
    return g_build_filename(store->run_dir, "events.log", NULL);
}

void
vireo_event_emit(VireoStore *store, const char *name, const char *uuid,
                 const char *event, const char *detail)
{
    g_autofree char *path = events_path(store);
    g_autofree char *line = g_strdup_printf("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\n",
                                            g_get_real_time(), name, uuid,
                                            event, detail);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

    /* Losing an event must not fail the operation that caused it. */
    if (fd < 0)
        return;
    if (write(fd, line, strlen(line)) < 0)
        g_debug("cannot append to %s: %s", path, g_strerror(errno));
    close(fd);
}

static gboolean
parse_line(char *line, VireoEvent *ev)
{
    g_auto(GStrv) f = g_strsplit(line, "\t", 5);
    if (g_strv_length(f) != 5)
        return FALSE;
    ev->time_us = g_ascii_strtoll(f[0], NULL, 10);
    ev->name = g_strdup(f[1]);
    ev->uuid = g_strdup(f[2]);
    ev->event = g_strdup(f[3]);
    ev->detail = g_strdup(f[4]);
    return TRUE;
}

static void
clear_event(VireoEvent *ev)
{
    g_free(ev->name);
    g_free(ev->uuid);
    g_free(ev->event);
    g_free(ev->detail);
}

/* Hands every complete line in buf to fn; FALSE when fn asked to stop. */
static gboolean
dispatch_lines(GString *buf, gboolean (*fn)(const VireoEvent *, void *),
               void *opaque)
{
    char *nl;
    while ((nl = memchr(buf->str, '\n', buf->len))) {
        g_autofree char *line = g_strndup(buf->str, nl - buf->str);
        VireoEvent ev = { 0 };
        gboolean more = TRUE;
        g_string_erase(buf, 0, nl - buf->str + 1);
        if (parse_line(line, &ev))
            more = fn(&ev, opaque);
        clear_event(&ev);
        if (!more)
            return FALSE;
    }
    return TRUE;
}

static gboolean
read_more(int fd, GString *buf)
{
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        g_string_append_len(buf, chunk, n);
    return TRUE;
}

gboolean
vireo_event_follow(VireoStore *store, int timeout_ms, volatile gboolean *stop,
                   gboolean (*fn)(const VireoEvent *ev, void *opaque),
                   void *opaque, GError **error)
{
    g_autofree char *path = events_path(store);
    g_autoptr(GString) buf = g_string_new(NULL);
    gint64 deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time() + timeout_ms * 1000LL;
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    gboolean ret = TRUE;

    if (fd < 0 || ino < 0 ||
        inotify_add_watch(ino, path, IN_MODIFY) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot follow events in '%s'"), path);
        if (fd >= 0)
            close(fd);
        if (ino >= 0)
            close(ino);
        return FALSE;
    }
    lseek(fd, 0, SEEK_END);   /* only what happens from now on */
    while (!*stop) {
        struct pollfd pfd = { .fd = ino, .events = POLLIN };
        char evbuf[4096];
        int wait_ms = -1;
        if (deadline >= 0) {
            wait_ms = (int)((deadline - g_get_monotonic_time()) / 1000);
            if (wait_ms <= 0) {
                ret = FALSE;
                break;
            }
        }
        if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
            break;
        while (read(ino, evbuf, sizeof(evbuf)) > 0)
            ;
        read_more(fd, buf);
        if (!dispatch_lines(buf, fn, opaque))
            break;
    }
    close(ino);
    close(fd);
    return ret;
}
