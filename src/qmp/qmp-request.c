/* vireo: what the QMP server checks in a message before a command runs, and
 * the replies it writes. None of it needs a connection or a VM, so the unit
 * tests and tests/fuzz/fuzz-qmp-stream.c drive the server's own checks. */
#include <config.h>
#include "qmp/qmp-private.h"
#include "qmp/qmp-json.h"

G_DEFINE_QUARK(vireo-qmp-error-quark, vireo_qmp_error)

const char *
vireo_qmp_error_class_to_string(int cls)
{
    static const char *const names[] = {
        "GenericError", "CommandNotFound", "DeviceNotActive",
        "DeviceNotFound", "KVMMissingCap",
    };
    G_STATIC_ASSERT(G_N_ELEMENTS(names) == VIREO_QMP_ERROR_LAST);
    return cls >= 0 && cls < VIREO_QMP_ERROR_LAST ? names[cls] : names[0];
}

/* QEMU's checks on the request object itself, walked in QDict order so the
 * member reported first is the one QEMU reports. */
static char *
check_members(JsonObject *req, gboolean oob)
{
    g_autoptr(GPtrArray) keys = vireo_qmp_json_keys(req);
    for (guint i = 0; i < keys->len; i++) {
        const char *key = g_ptr_array_index(keys, i);
        JsonNode *v = json_object_get_member(req, key);
        if (g_str_equal(key, "execute") || (oob && g_str_equal(key, "exec-oob"))) {
            if (!JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_STRING)
                return g_strdup_printf("QMP input member '%s' must be a string", key);
        } else if (g_str_equal(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(v))
                return g_strdup("QMP input member 'arguments' must be an object");
        } else if (!g_str_equal(key, "id")) {
            return g_strdup_printf("QMP input member '%s' is unexpected", key);
        }
    }
    if (json_object_has_member(req, "execute") && json_object_has_member(req, "exec-oob"))
        return g_strdup("QMP input member 'execute' clashes with 'exec-oob'");
    if (!json_object_has_member(req, "execute") && !json_object_has_member(req, "exec-oob"))
        return g_strdup("QMP input lacks member 'execute'");
    return NULL;
}

/* The command's place in the session and its arguments, in QEMU's order. */
static gboolean
check_command(const VireoQmpSchema *schema, const VireoQmpRequest *req,
              gboolean negotiated, GError **error)
{
    if (!negotiated && !g_str_equal(req->command, "qmp_capabilities")) {
        g_set_error_literal(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_COMMAND_NOT_FOUND,
                            "Expecting capabilities negotiation with 'qmp_capabilities'");
        return FALSE;
    }
    if (!vireo_qmp_schema_has_command(schema, req->command)) {
        g_set_error(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_COMMAND_NOT_FOUND,
                    "The command %s has not been found", req->command);
        return FALSE;
    }
    if (req->oob) {     /* no vireo command is allowed out of band, as in QEMU */
        g_set_error(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_GENERIC,
                    "The command %s does not support OOB", req->command);
        return FALSE;
    }
    g_autofree char *bad = vireo_qmp_schema_check_args(schema, req->command, req->args);
    if (bad) {
        g_set_error_literal(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_GENERIC, bad);
        return FALSE;
    }
    return TRUE;
}

gboolean
vireo_qmp_request_check(const VireoQmpSchema *schema, JsonNode *msg,
                        gboolean negotiated, gboolean oob, VireoQmpRequest *req,
                        GError **error)
{
    if (!JSON_NODE_HOLDS_OBJECT(msg)) {
        g_set_error_literal(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_GENERIC,
                            "QMP input must be a JSON object");
        return FALSE;
    }
    JsonObject *obj = json_node_get_object(msg);
    req->id = json_object_get_member(obj, "id");
    g_autofree char *bad = check_members(obj, oob);
    if (bad) {
        g_set_error_literal(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_GENERIC, bad);
        return FALSE;
    }
    req->oob = json_object_has_member(obj, "exec-oob");
    req->command = json_object_get_string_member(obj, req->oob ? "exec-oob" : "execute");
    req->args = json_object_has_member(obj, "arguments")
        ? json_object_ref(json_object_get_object_member(obj, "arguments"))
        : json_object_new();
    return check_command(schema, req, negotiated, error);
}

void
vireo_qmp_request_clear(VireoQmpRequest *req)
{
    g_clear_pointer(&req->args, json_object_unref);
}

JsonNode *
vireo_qmp_reply_error_new(JsonNode *id, VireoQmpErrorClass cls, const char *desc)
{
    g_autoptr(JsonObject) err = json_object_new();
    g_autoptr(JsonObject) rsp = json_object_new();
    json_object_set_string_member(err, "class", vireo_qmp_error_class_to_string(cls));
    json_object_set_string_member(err, "desc", desc);
    json_object_set_object_member(rsp, "error", json_object_ref(err));
    if (id)
        json_object_set_member(rsp, "id", json_node_copy(id));
    return json_node_init_object(json_node_alloc(), rsp);
}

JsonNode *
vireo_qmp_reply_return_new(JsonNode *id, JsonNode *ret)
{
    g_autoptr(JsonObject) rsp = json_object_new();
    if (ret)
        json_object_set_member(rsp, "return", json_node_ref(ret));
    else        /* takes the new object, unlike json_node_init_object() */
        json_object_set_object_member(rsp, "return", json_object_new());
    if (id)
        json_object_set_member(rsp, "id", json_node_copy(id));
    return json_node_init_object(json_node_alloc(), rsp);
}
