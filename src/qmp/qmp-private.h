/* vireo: what the QMP server, its command handlers and its tests share. */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>
#include "qmp/qmp.h"
#include "qmp/qmp-schema.h"

/* QMP's error classes (QEMU's QapiErrorClass); the code picks "class". */
#define VIREO_QMP_ERROR (vireo_qmp_error_quark())
GQuark vireo_qmp_error_quark(void);
typedef enum {
    VIREO_QMP_ERROR_GENERIC,            /* "GenericError" */
    VIREO_QMP_ERROR_COMMAND_NOT_FOUND,  /* "CommandNotFound" */
    VIREO_QMP_ERROR_DEVICE_NOT_ACTIVE,  /* "DeviceNotActive" */
    VIREO_QMP_ERROR_DEVICE_NOT_FOUND,   /* "DeviceNotFound" */
    VIREO_QMP_ERROR_KVM_MISSING_CAP,    /* "KVMMissingCap" */
    VIREO_QMP_ERROR_LAST
} VireoQmpErrorClass;
const char *vireo_qmp_error_class_to_string(int cls);

/* A message as the server's checks read it: what to run, with what. */
typedef struct {
    JsonNode *id;               /* the message's "id" (borrowed), or NULL */
    const char *command;        /* "execute" or "exec-oob" (borrowed) */
    gboolean oob;               /* it came as "exec-oob" */
    JsonObject *args;           /* "arguments", or {} (a reference) */
} VireoQmpRequest;
void vireo_qmp_request_clear(VireoQmpRequest *req);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VireoQmpRequest, vireo_qmp_request_clear)

/* QEMU's checks on a parsed message before its command runs, in QEMU's
 * order: a JSON object, its members ("execute", "exec-oob" when oob is
 * enabled, "arguments", "id"), capabilities negotiated, the command in
 * schema, not out of band, its arguments as schema declares them. FALSE
 * with a VIREO_QMP_ERROR whose code is the reply's class; req->id is set
 * from an object message whatever the outcome, as replies echo it. */
gboolean vireo_qmp_request_check(const VireoQmpSchema *schema, JsonNode *msg,
                                 gboolean negotiated, gboolean oob,
                                 VireoQmpRequest *req, GError **error);

/* {"error": {"class", "desc"}, "id"?} and {"return": ret or {}, "id"?};
 * id is copied. */
JsonNode *vireo_qmp_reply_error_new(JsonNode *id, VireoQmpErrorClass cls,
                                    const char *desc);
JsonNode *vireo_qmp_reply_return_new(JsonNode *id, JsonNode *ret);

/* The QEMU version vireo's QMP claims to be (the reference it is tested
 * against); "package" says vireo. */
#define VIREO_QMP_QEMU_MAJOR 7
#define VIREO_QMP_QEMU_MINOR 2
#define VIREO_QMP_QEMU_MICRO 0

/* QEMU allows 64 MiB per message; vireo caps a message at 1 MiB (no QMP
 * command of vireo takes more than a few hundred bytes). */
#define VIREO_QMP_MAX_MESSAGE (1024 * 1024)

typedef struct _VireoQmpClient VireoQmpClient;

/* The per-command view a handler gets. */
typedef struct {
    VireoVmm *vmm;
    VireoQmpServer *server;
    VireoQmpClient *client;
} VireoQmpContext;

/* Returns the "return" value (an empty object when NULL with no error). */
typedef JsonNode *(*VireoQmpCommandFn)(VireoQmpContext *ctx, JsonObject *args,
                                       GError **error);
typedef struct {
    const char *name;
    VireoQmpCommandFn fn;
} VireoQmpCommand;

/* The handler table (qmp-commands.c); ends with { NULL, NULL }. */
extern const VireoQmpCommand vireo_qmp_commands[];
const VireoQmpCommand *vireo_qmp_command_lookup(const char *name);

/* query-machines and query-cpu-definitions (qmp-cmd-machine.c). */
JsonNode *vireo_qmp_cmd_query_machines(VireoQmpContext *ctx, JsonObject *args,
                                       GError **error);
JsonNode *vireo_qmp_cmd_query_cpu_definitions(VireoQmpContext *ctx,
                                              JsonObject *args, GError **error);

/* Client state the negotiation commands change. */
gboolean vireo_qmp_client_negotiated(VireoQmpClient *client);
void vireo_qmp_client_set_negotiated(VireoQmpClient *client, gboolean oob);

/* Every QMP server of this process, oldest first, for query-chardev
 * (QEMU lists its monitors' chardevs as "compat_monitorN"). */
GList *vireo_qmp_server_list(void);
const char *vireo_qmp_server_path(VireoQmpServer *server);
/* Whether a client is connected (QEMU's "disconnected:" filename prefix). */
gboolean vireo_qmp_server_connected(VireoQmpServer *server);

/* {"event", "data"?, "timestamp"} in QEMU's shape, timestamped now. */
JsonNode *vireo_qmp_event_new(const char *event, JsonObject *data);
