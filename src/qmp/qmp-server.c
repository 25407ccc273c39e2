/* vireo: the QMP socket. One listening unix socket per --qmp option; each
 * client gets the greeting, negotiates, then sends commands that run to
 * completion on the main loop (every vireo command is quick), so a reply
 * always follows the events its command caused, as in QEMU. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <glib-unix.h>
#include "qmp/qmp-private.h"
#include "qmp/qmp-json.h"
#include "qmp/qmp-schema.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-startup.h"

/* A client that stops reading is dropped once this much output is queued. */
#define VIREO_QMP_MAX_OUTPUT (16 * 1024 * 1024)

struct _VireoQmpServer {
    VireoVmm *vmm;
    char *path;
    int listen_fd;
    guint listen_watch;
    gboolean serving;           /* attached: clients' input is read */
    guint event_listener;
    GList *clients;             /* VireoQmpClient* */
    guint reap_idle;
};

struct _VireoQmpClient {
    VireoQmpServer *server;
    int fd;
    guint in_watch, out_watch;
    VireoQmpStreamer *streamer;
    GString *out;
    gboolean negotiated;
    gboolean oob;
    gboolean dead;              /* closed; freed from an idle callback */
};

static GList *servers;          /* main loop thread only */

GList *
vireo_qmp_server_list(void)
{
    return servers;
}

const char *
vireo_qmp_server_path(VireoQmpServer *server)
{
    return server->path;
}

gboolean
vireo_qmp_server_connected(VireoQmpServer *server)
{
    for (GList *l = server->clients; l; l = l->next) {
        if (!((VireoQmpClient *)l->data)->dead)
            return TRUE;
    }
    return FALSE;
}

gboolean
vireo_qmp_client_negotiated(VireoQmpClient *client)
{
    return client->negotiated;
}

void
vireo_qmp_client_set_negotiated(VireoQmpClient *client, gboolean oob)
{
    client->negotiated = TRUE;
    client->oob = oob;
}

/* ---- client lifetime ------------------------------------------------------ */

static void
client_free(VireoQmpClient *c)
{
    if (c->in_watch)
        g_source_remove(c->in_watch);
    if (c->out_watch)
        g_source_remove(c->out_watch);
    if (c->fd >= 0)
        close(c->fd);
    vireo_qmp_streamer_free(c->streamer);
    g_string_free(c->out, TRUE);
    g_free(c);
}

static gboolean
reap_dead_clients(gpointer opaque)
{
    VireoQmpServer *server = opaque;
    GList *l = server->clients;
    server->reap_idle = 0;
    while (l) {
        GList *next = l->next;
        VireoQmpClient *c = l->data;
        if (c->dead) {
            server->clients = g_list_delete_link(server->clients, l);
            client_free(c);
        }
        l = next;
    }
    return G_SOURCE_REMOVE;
}

/* Never frees at once: the client may be inside its own read callback. */
static void
client_kill(VireoQmpClient *c)
{
    VireoQmpServer *server = c->server;
    if (c->dead)
        return;
    c->dead = TRUE;
    if (!server->reap_idle)
        server->reap_idle = g_idle_add(reap_dead_clients, server);
}

/* ---- output --------------------------------------------------------------- */

static gboolean client_flush(VireoQmpClient *c);

static gboolean
client_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    VireoQmpClient *c = opaque;
    if (!client_flush(c)) {
        c->out_watch = 0;
        client_kill(c);
        return G_SOURCE_REMOVE;
    }
    if (c->out->len)
        return G_SOURCE_CONTINUE;
    c->out_watch = 0;
    return G_SOURCE_REMOVE;
}

/* Writes what the socket takes now; FALSE when the peer is gone. */
static gboolean
client_flush(VireoQmpClient *c)
{
    while (c->out->len) {
        ssize_t n = send(c->fd, c->out->str, c->out->len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0)
            return FALSE;
        g_string_erase(c->out, 0, n);
    }
    if (c->out->len && !c->out_watch)
        c->out_watch = g_unix_fd_add(c->fd, G_IO_OUT, client_writable, c);
    return TRUE;
}

static void
client_send(VireoQmpClient *c, JsonNode *msg)
{
    if (c->dead)
        return;
    vireo_qmp_json_append(c->out, msg);
    g_string_append(c->out, "\r\n");
    if (c->out->len > VIREO_QMP_MAX_OUTPUT || !client_flush(c))
        client_kill(c);
}

static void
client_send_error(VireoQmpClient *c, JsonNode *id, VireoQmpErrorClass cls,
                  const char *desc)
{
    g_autoptr(JsonNode) node = vireo_qmp_reply_error_new(id, cls, desc);
    client_send(c, node);
}

static void
client_send_return(VireoQmpClient *c, JsonNode *id, JsonNode *ret)
{
    g_autoptr(JsonNode) node = vireo_qmp_reply_return_new(id, ret);
    client_send(c, node);
}

/* ---- dispatch ------------------------------------------------------------- */

/* The message passed vireo_qmp_request_check(): its handler runs. */
static void
client_run_command(VireoQmpClient *c, const VireoQmpRequest *req)
{
    const VireoQmpCommand *cmd = vireo_qmp_command_lookup(req->command);
    /* Cannot happen: every schema command has a handler (/qmp/schema/commands). */
    if (!cmd) {
        g_autofree char *desc = g_strdup_printf("The command %s has not been found",
                                                req->command);
        client_send_error(c, req->id, VIREO_QMP_ERROR_COMMAND_NOT_FOUND, desc);
        return;
    }
    VireoQmpContext ctx = { c->server->vmm, c->server, c };
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = cmd->fn(&ctx, req->args, &err);
    if (err)
        client_send_error(c, req->id, err->domain == VIREO_QMP_ERROR ? err->code
                          : VIREO_QMP_ERROR_GENERIC, err->message);
    else
        client_send_return(c, req->id, ret);
}

static void
client_handle_message(JsonNode *msg, const char *error_desc, void *opaque)
{
    VireoQmpClient *c = opaque;
    if (c->dead)
        return;
    /* Once the VM has ended (quit, guest power-off) nothing more is
     * answered, as in QEMU, which leaves its main loop before it reads the
     * next request: a reply now would come from a VM that is going away
     * (a system_reset "done", a query-status "shutdown"). */
    if (c->server->vmm && vireo_vmm_has_ended(c->server->vmm))
        return;
    if (!msg) {
        client_send_error(c, NULL, VIREO_QMP_ERROR_GENERIC, error_desc);
        /* Over 1 MiB: the message's end cannot be found, so the client is
         * dropped after the error rather than fed errors for its tail. */
        if (vireo_qmp_streamer_overflowed(c->streamer))
            client_kill(c);
        return;
    }
    g_auto(VireoQmpRequest) req = { 0 };
    g_autoptr(GError) err = NULL;
    if (!vireo_qmp_request_check(vireo_qmp_schema_get(), msg, c->negotiated, c->oob,
                                 &req, &err)) {
        client_send_error(c, req.id, err->code, err->message);
        return;
    }
    client_run_command(c, &req);
}

/* ---- input ---------------------------------------------------------------- */

static gboolean
client_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    VireoQmpClient *c = opaque;
    char buf[65536];
    /* Killed (an oversized message, a failed write): stop watching. A
     * watch left on an fd that stays readable (the peer still sending, or
     * at EOF) is dispatched at every iteration, and the reaper, an idle
     * source, never ran: the VMM spun and never closed the connection. */
    if (c->dead) {
        c->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        /* End of input: a half-finished message still gets QEMU's error
         * (the peer may have only shut down its writing side). */
        if (n == 0)
            vireo_qmp_streamer_flush(c->streamer);
        c->in_watch = 0;
        client_kill(c);
        return G_SOURCE_REMOVE;
    }
    vireo_qmp_streamer_feed(c->streamer, buf, n);
    if (c->dead) {
        c->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void
client_watch_input(VireoQmpClient *c)
{
    c->in_watch = g_unix_fd_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                client_readable, c);
}

/* QEMU's greeting as its JSON printer writes it (QDict order: micro, minor,
 * major). It never changes, so it is text here rather than a JsonBuilder
 * tree printed at every connection: that took ~0.1 ms of the first
 * connection (first calls into json-glib). tests/qmp/conformance.py and
 * socat.sh compare it with QEMU's. */
#define QMP_GREETING \
    "{\"QMP\": {\"version\": {\"qemu\": {" \
    "\"micro\": " G_STRINGIFY(VIREO_QMP_QEMU_MICRO) ", " \
    "\"minor\": " G_STRINGIFY(VIREO_QMP_QEMU_MINOR) ", " \
    "\"major\": " G_STRINGIFY(VIREO_QMP_QEMU_MAJOR) "}, " \
    "\"package\": \"vireo " PACKAGE_VERSION "\"}, " \
    "\"capabilities\": [\"oob\"]}}\r\n"

/* Takes one client from the backlog and greets it; FALSE when none waits.
 * Its input is watched only once the server serves a VMM: a client greeted
 * while the VM is still being built waits for its replies until then. */
static gboolean
server_accept_one(VireoQmpServer *server)
{
    int cfd = accept4(server->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return FALSE;           /* EAGAIN, or the client already left */
    vireo_startup_mark("accepted");
    VireoQmpClient *c = g_new0(VireoQmpClient, 1);
    c->server = server;
    c->fd = cfd;
    c->out = g_string_new(NULL);
    c->streamer = vireo_qmp_streamer_new(VIREO_QMP_MAX_MESSAGE,
                                         client_handle_message, c);
    if (server->serving)
        client_watch_input(c);
    server->clients = g_list_append(server->clients, c);
    g_string_append(c->out, QMP_GREETING);
    if (!client_flush(c))
        client_kill(c);
    vireo_startup_mark("greeted");
    return TRUE;
}

static gboolean
server_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    server_accept_one(opaque);
    return G_SOURCE_CONTINUE;
}

void
vireo_qmp_server_greet_waiting(VireoQmpServer *server)
{
    while (server_accept_one(server))
        ;
}

/* ---- events --------------------------------------------------------------- */

JsonNode *
vireo_qmp_event_new(const char *event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    g_autoptr(JsonObject) ts = json_object_new();
    g_autoptr(JsonObject) obj = json_object_new();
    json_object_set_string_member(obj, "event", event);
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(obj, "timestamp", json_object_ref(ts));
    if (data)
        json_object_set_object_member(obj, "data", json_object_ref(data));
    return json_node_init_object(json_node_alloc(), obj);
}

/* Events go only to clients that left negotiation mode, as in QEMU. */
static void
server_on_event(VireoVmm *vmm, const VireoVmmEvent *event, void *opaque)
{
    VireoQmpServer *server = opaque;
    g_autoptr(JsonObject) data = NULL;
    if (event->reason || event->action) {
        data = json_object_new();
        if (event->reason) {
            json_object_set_boolean_member(data, "guest", event->guest);
            json_object_set_string_member(data, "reason", event->reason);
        }
        if (event->action)
            json_object_set_string_member(data, "action", event->action);
    }
    g_autoptr(JsonNode) msg = vireo_qmp_event_new(event->name, data);
    for (GList *l = server->clients; l; l = l->next) {
        VireoQmpClient *c = l->data;
        if (c->negotiated)
            client_send(c, msg);
    }
}

/* ---- socket setup --------------------------------------------------------- */

/* "unix:PATH[,server=on][,wait=off]" (also QEMU's "server" and "nowait"). */
static char *
parse_spec(const char *spec, GError **error)
{
    if (!g_str_has_prefix(spec, "unix:") || !spec[5] || spec[5] == ',') {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("QMP socket '%s' must be 'unix:PATH[,server=on,wait=off]'"),
                        spec);
        return NULL;
    }
    g_auto(GStrv) parts = g_strsplit(spec + 5, ",", -1);
    for (guint i = 1; parts[i]; i++) {
        const char *o = parts[i];
        if (g_str_equal(o, "server") || g_str_equal(o, "server=on")
            || g_str_equal(o, "nowait") || g_str_equal(o, "wait=off"))
            continue;
        if (g_str_equal(o, "server=off") || g_str_equal(o, "wait=on")
            || g_str_equal(o, "wait")) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("QMP socket option '%s' is not supported: vireo-vmm only listens and never waits for a client"),
                            o);
            return NULL;
        }
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unknown QMP socket option '%s' in '%s'"), o, spec);
        return NULL;
    }
    return g_strdup(parts[0]);
}

static int
listen_unix(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(addr.sun_path)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("QMP socket path '%s' is too long"), path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot create QMP socket '%s'"), path);
        return -1;
    }
    unlink(path);                       /* a stale socket of an earlier run */
    /* The umask makes the socket 0600 from its first moment. */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    int saved = errno;
    umask(old);
    if (rc < 0 || listen(fd, 16) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, rc < 0 ? saved : errno,
                              _("cannot listen on QMP socket '%s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

VireoQmpServer *
vireo_qmp_server_new(VireoVmm *vmm, const char *spec, GError **error)
{
    g_autofree char *path = parse_spec(spec, error);
    if (!path)
        return NULL;
    int fd = listen_unix(path, error);
    if (fd < 0)
        return NULL;
    VireoQmpServer *server = g_new0(VireoQmpServer, 1);
    server->path = g_steal_pointer(&path);
    server->listen_fd = fd;
    servers = g_list_append(servers, server);
    if (vmm)
        vireo_qmp_server_attach(server, vmm);
    return server;
}

void
vireo_qmp_server_attach(VireoQmpServer *server, VireoVmm *vmm)
{
    g_return_if_fail(server->vmm == NULL && server->listen_watch == 0);
    server->vmm = vmm;
    server->serving = TRUE;
    for (GList *l = server->clients; l; l = l->next) {
        VireoQmpClient *c = l->data;
        if (!c->dead)
            client_watch_input(c);
    }
    server->listen_watch = g_unix_fd_add(server->listen_fd, G_IO_IN, server_accept, server);
    if (vmm)
        server->event_listener = vireo_vmm_add_event_listener(vmm, server_on_event, server);
}

/* Replies still queued (the one to "quit") are written before closing. */
static void
client_drain(VireoQmpClient *c)
{
    if (c->dead || !c->out->len)
        return;
    /* Blocking, but bounded: a client that never reads cannot hold up exit. */
    struct timeval tv = { .tv_sec = 1 };
    int flags = fcntl(c->fd, F_GETFL);
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
    client_flush(c);
}

void
vireo_qmp_server_free(VireoQmpServer *server)
{
    if (!server)
        return;
    servers = g_list_remove(servers, server);
    if (server->event_listener)
        vireo_vmm_remove_event_listener(server->vmm, server->event_listener);
    if (server->reap_idle)
        g_source_remove(server->reap_idle);
    for (GList *l = server->clients; l; l = l->next) {
        client_drain(l->data);
        client_free(l->data);
    }
    g_list_free(server->clients);
    if (server->listen_watch)
        g_source_remove(server->listen_watch);
    close(server->listen_fd);
    unlink(server->path);
    g_free(server->path);
    g_free(server);
}
