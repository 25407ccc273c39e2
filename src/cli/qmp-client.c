/* vireo: blocking QMP client (see qmp-client.h). */
#include <config.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <gio/gio.h>
#include "cli/qmp-client.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

struct _VireoQmpClient {
    int fd;
    GString *buf;   /* bytes read but not yet a whole line */
};

static int
connect_unix(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("socket path '%s' too long"), path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_OPERATION_FAILED, errno,
                              _("failed to connect to monitor socket '%s'"), path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static gboolean
send_text(VireoQmpClient *client, const char *text, GError **error)
{
    gsize len = strlen(text);
    while (len > 0) {
        ssize_t n = send(client->fd, text, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vireo_error_set_errno(error, VIREO_ERR_OPERATION_FAILED, errno, "%s",
                                  _("cannot send to monitor"));
            return FALSE;
        }
        text += n;
        len -= n;
    }
    return TRUE;
}

/* One '\n'-terminated line from the socket; NULL on EOF/timeout. */
static char *
read_line(VireoQmpClient *client, int timeout_ms, GError **error)
{
    gint64 deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time() + timeout_ms * 1000LL;

    for (;;) {
        char *nl = memchr(client->buf->str, '\n', client->buf->len);
        struct pollfd pfd = { .fd = client->fd, .events = POLLIN };
        char chunk[4096];
        int wait_ms = -1;
        ssize_t n;

        if (nl) {
            char *line = g_strndup(client->buf->str, nl - client->buf->str);
            g_string_erase(client->buf, 0, nl - client->buf->str + 1);
            return line;
        }
        if (deadline >= 0)
            wait_ms = MAX(0, (int)((deadline - g_get_monotonic_time()) / 1000));
        n = poll(&pfd, 1, wait_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) {
            vireo_error_set(error, VIREO_ERR_OPERATION_TIMEOUT, "%s",
                            _("no reply from the monitor"));
            return NULL;
        }
        n = read(client->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "%s",
                        _("End of file while reading data: Input/output error"));
            return NULL;
        }
        g_string_append_len(client->buf, chunk, n);
    }
}

static JsonObject *
parse_object(const char *line, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root;

    if (!json_parser_load_from_data(parser, line, -1, NULL) ||
        !(root = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(root)) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("cannot parse monitor reply '%s'"), line);
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}

JsonObject *
vireo_qmp_client_read(VireoQmpClient *client, int timeout_ms, GError **error)
{
    for (;;) {
        g_autofree char *line = read_line(client, timeout_ms, error);
        if (!line)
            return NULL;
        if (*g_strstrip(line))
            return parse_object(line, error);
    }
}

/* Reads until a reply (not an event) arrives; returns its text. */
static char *
read_reply_line(VireoQmpClient *client, GError **error)
{
    for (;;) {
        g_autofree char *line = read_line(client, 30000, error);
        if (!line)
            return NULL;
        if (!*g_strstrip(line) || strstr(line, "\"event\""))
            continue;
        return g_steal_pointer(&line);
    }
}

char *
vireo_qmp_client_raw(VireoQmpClient *client, const char *text, GError **error)
{
    g_autofree char *msg = g_strconcat(text, "\n", NULL);
    if (!send_text(client, msg, error))
        return NULL;
    return read_reply_line(client, error);
}

JsonNode *
vireo_qmp_client_execute(VireoQmpClient *client, const char *command,
                         JsonObject *arguments, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) req = NULL;
    g_autofree char *text = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(JsonObject) obj = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, command);
    if (arguments) {
        json_builder_set_member_name(b, "arguments");
        json_builder_add_value(b, json_node_init_object(json_node_alloc(), arguments));
    }
    json_builder_end_object(b);
    req = json_builder_get_root(b);
    text = json_to_string(req, FALSE);
    if (!(reply = vireo_qmp_client_raw(client, text, error)) ||
        !(obj = parse_object(reply, error)))
        return NULL;
    if (json_object_has_member(obj, "error")) {
        JsonObject *err = json_object_get_object_member(obj, "error");
        const char *desc = err ? json_object_get_string_member_with_default(err, "desc", "?") : "?";
        vireo_error_set(error, VIREO_ERR_OPERATION_FAILED, "%s", desc);
        return NULL;
    }
    if (!json_object_has_member(obj, "return")) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("cannot parse monitor reply '%s'"), reply);
        return NULL;
    }
    return json_node_copy(json_object_get_member(obj, "return"));
}

VireoQmpClient *
vireo_qmp_client_open(const char *path, int timeout_ms, GError **error)
{
    g_autoptr(VireoQmpClient) client = g_new0(VireoQmpClient, 1);
    g_autoptr(JsonObject) greeting = NULL;

    client->buf = g_string_new(NULL);
    if ((client->fd = connect_unix(path, error)) < 0)
        return NULL;
    if (!(greeting = vireo_qmp_client_read(client, timeout_ms, error)))
        return NULL;
    if (!json_object_has_member(greeting, "QMP")) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR, "%s",
                        _("monitor did not send a QMP greeting"));
        return NULL;
    }
    return g_steal_pointer(&client);
}

gboolean
vireo_qmp_client_negotiate(VireoQmpClient *client, GError **error)
{
    g_autoptr(JsonNode) ret = vireo_qmp_client_execute(client, "qmp_capabilities",
                                                       NULL, error);
    return ret != NULL;
}

VireoQmpClient *
vireo_qmp_client_connect(const char *path, int timeout_ms, GError **error)
{
    g_autoptr(VireoQmpClient) client = vireo_qmp_client_open(path, timeout_ms, error);

    if (!client || !vireo_qmp_client_negotiate(client, error))
        return NULL;
    return g_steal_pointer(&client);
}

int
vireo_qmp_client_fd(VireoQmpClient *client)
{
    return client->fd;
}

void
vireo_qmp_client_free(VireoQmpClient *client)
{
    if (!client)
        return;
    if (client->fd >= 0)
        close(client->fd);
    if (client->buf)
        g_string_free(client->buf, TRUE);
    g_free(client);
}
