/* vireo: query-qmp-schema. Turns schemas/qmp.json into QEMU's SchemaInfo
 * list: commands and events by name, every other type by a masked name
 * ("0", "1", ... in order of first use; "0" is the empty object), builtins
 * by their own names, arrays as "[T]". */
#include <config.h>
#include "qmp/qmp-schema.h"

typedef struct {
    JsonObject *types;          /* the schema's named types, by name */
    GHashTable *names;          /* type key -> masked name */
    JsonArray *out;
    guint next;
} Introspect;

static const struct { const char *name, *json_type; } builtins[] = {
    { "str", "string" }, { "int", "int" }, { "bool", "boolean" },
    { "number", "number" }, { "any", "value" }, { "null", "null" },
};

static const char *type_name(Introspect *in, JsonNode *type);

static const char *
builtin_json_type(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(builtins); i++) {
        if (g_str_equal(builtins[i].name, name))
            return builtins[i].json_type;
    }
    return NULL;
}

static const char *
remember(Introspect *in, const char *key, const char *name)
{
    g_hash_table_insert(in->names, g_strdup(key), g_strdup(name));
    return g_hash_table_lookup(in->names, key);
}

/* A SchemaInfo entry, appended to the output now so that entries come in
 * order of first use; the caller adds the meta-type's own members. */
static JsonObject *
add_info(Introspect *in, const char *name, const char *meta_type)
{
    JsonObject *info = json_object_new();
    json_object_set_string_member(info, "name", name);
    json_object_set_string_member(info, "meta-type", meta_type);
    json_array_add_object_element(in->out, info);
    return info;
}

static JsonArray *
members_info(Introspect *in, JsonObject *members)
{
    JsonArray *arr = json_array_new();
    g_autoptr(GList) names = members ? json_object_get_members(members) : NULL;
    for (GList *l = names; l; l = l->next) {
        const char *decl = l->data;
        JsonObject *m = json_object_new();
        json_object_set_string_member(m, "name", decl[0] == '*' ? decl + 1 : decl);
        if (decl[0] == '*')
            json_object_set_null_member(m, "default");
        json_object_set_string_member(m, "type",
                                      type_name(in, json_object_get_member(members, decl)));
        json_array_add_object_element(arr, m);
    }
    return arr;
}

static const char *
object_type(Introspect *in, const char *key, JsonObject *members)
{
    g_autofree char *masked = g_strdup_printf("%u", in->next++);
    const char *name = remember(in, key, masked);
    JsonObject *info = add_info(in, name, "object");
    /* Members after registering, so self-references terminate. */
    json_object_set_array_member(info, "members", members_info(in, members));
    return name;
}

static const char *
enum_type(Introspect *in, const char *key, JsonArray *values)
{
    g_autofree char *masked = g_strdup_printf("%u", in->next++);
    const char *name = remember(in, key, masked);
    JsonObject *info = add_info(in, name, "enum");
    JsonArray *members = json_array_new();
    for (guint i = 0; i < json_array_get_length(values); i++) {
        JsonObject *m = json_object_new();
        json_object_set_string_member(m, "name", json_array_get_string_element(values, i));
        json_array_add_object_element(members, m);
    }
    json_object_set_array_member(info, "members", members);
    json_object_set_array_member(info, "values", json_array_ref(values));
    return name;
}

static const char *
array_type(Introspect *in, JsonNode *elem)
{
    const char *e = type_name(in, elem);
    g_autofree char *name = g_strdup_printf("[%s]", e);
    const char *known = g_hash_table_lookup(in->names, name);
    if (known)
        return known;
    json_object_set_string_member(add_info(in, name, "array"), "element-type", e);
    return remember(in, name, name);
}

static const char *
named_type(Introspect *in, const char *tname)
{
    const char *known = g_hash_table_lookup(in->names, tname);
    const char *json_type = builtin_json_type(tname);
    if (known)
        return known;
    if (json_type) {
        json_object_set_string_member(add_info(in, tname, "builtin"), "json-type", json_type);
        return remember(in, tname, tname);
    }
    JsonObject *def = json_object_get_object_member(in->types, tname);
    if (json_object_has_member(def, "enum"))
        return enum_type(in, tname, json_object_get_array_member(def, "data"));
    return object_type(in, tname, json_object_get_object_member(def, "data"));
}

static const char *
type_name(Introspect *in, JsonNode *type)
{
    if (!type || JSON_NODE_HOLDS_OBJECT(type)) {     /* inline members */
        JsonObject *members = type ? json_node_get_object(type) : NULL;
        if (!members || json_object_get_size(members) == 0) {
            const char *empty = g_hash_table_lookup(in->names, "{}");
            return empty ? empty : object_type(in, "{}", NULL);
        }
        g_autofree char *key = g_strdup_printf("{anon %u}", in->next);
        return object_type(in, key, members);
    }
    if (JSON_NODE_HOLDS_ARRAY(type))
        return array_type(in, json_array_get_element(json_node_get_array(type), 0));
    return named_type(in, json_node_get_string(type));
}

static void
entity_info(Introspect *in, JsonObject *def)
{
    const char *meta = json_object_has_member(def, "command") ? "command" : "event";
    gboolean is_command = meta[0] == 'c';
    JsonObject *info = add_info(in, json_object_get_string_member(def, meta), meta);
    JsonNode *data = json_object_get_member(def, "data");
    json_object_set_string_member(info, "arg-type", type_name(in, data));
    if (is_command)
        json_object_set_string_member(info, "ret-type",
                                      type_name(in, json_object_get_member(def, "returns")));
}

JsonNode *
vireo_qmp_schema_introspect(const VireoQmpSchema *schema)
{
    Introspect in = { 0 };
    g_autoptr(JsonObject) types = json_object_new();
    JsonNode *root = vireo_qmp_schema_root(schema);
    JsonArray *defs = json_object_get_array_member(json_node_get_object(root), "definitions");
    for (guint i = 0; i < json_array_get_length(defs); i++) {
        JsonObject *def = json_array_get_object_element(defs, i);
        const char *n = json_object_get_string_member_with_default(def, "struct", NULL);
        if (!n)
            n = json_object_get_string_member_with_default(def, "enum", NULL);
        if (n)
            json_object_set_object_member(types, n, json_object_ref(def));
    }
    in.types = types;
    in.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    in.out = json_array_new();
    type_name(&in, NULL);                   /* "0": the empty object, as in QEMU */
    for (guint i = 0; i < json_array_get_length(defs); i++) {
        JsonObject *def = json_array_get_object_element(defs, i);
        if (json_object_has_member(def, "command") || json_object_has_member(def, "event"))
            entity_info(&in, def);
    }
    g_hash_table_unref(in.names);
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, in.out);     /* json_node_init_array() would add a reference */
    return node;
}
