/* vireo: the part of json-glib's API that vireo-vmm uses, implemented on
 * GLib alone, linked into vireo-vmm instead of libjson-glib.
 *
 * Why: libjson-glib links GIO, and with it libmount, libblkid, libselinux
 * and libgmodule; loading them (about 1,900 of the 2,850 symbol bindings
 * the dynamic loader does for vireo-vmm, all BIND_NOW) was ~1 ms of every
 * start and ~1.5 MiB of its Rss (docs/design.md, "Start-up"). vireo-vmm
 * uses json-glib only as a data model (JsonNode/JsonObject/JsonArray), a
 * builder, and a parser for its compiled-in QMP schema.
 *
 * The sources of the QMP layer and the VMM still include json-glib's
 * header, and this file does too, so every function here has json-glib's
 * exact prototype; what each does follows json-glib 1.6's documentation.
 * Tests and the vireo command link the real json-glib; tests/qmp/json.sh
 * checks that both give the same results. A json-glib function vireo-vmm
 * comes to need and this file lacks fails vireo-vmm's link: add it here.
 *
 * Written for vireo from json-glib's API reference; no json-glib code. */
#include <config.h>
#include <stdarg.h>
#include <string.h>
#include <json-glib/json-glib.h>

struct _JsonNode {
    JsonNodeType type;
    gint ref_count;
    GType vtype;                /* JSON_NODE_VALUE: G_TYPE_INT64, ... */
    union {
        JsonObject *object;
        JsonArray *array;
        gint64 i;
        double d;
        gboolean b;
        char *s;
    } v;
};

typedef struct {
    char *name;
    JsonNode *node;
} Member;

struct _JsonObject {
    gint ref_count;
    GArray *members;            /* Member, in insertion order */
};

struct _JsonArray {
    gint ref_count;
    GPtrArray *elements;        /* JsonNode*, owned */
};

/* ---- JsonNode ------------------------------------------------------------ */

static void
node_clear(JsonNode *node)
{
    switch (node->type) {
    case JSON_NODE_OBJECT:
        if (node->v.object)
            json_object_unref(node->v.object);
        break;
    case JSON_NODE_ARRAY:
        if (node->v.array)
            json_array_unref(node->v.array);
        break;
    case JSON_NODE_VALUE:
        if (node->vtype == G_TYPE_STRING)
            g_free(node->v.s);
        break;
    case JSON_NODE_NULL:
        break;
    }
    node->vtype = G_TYPE_INVALID;
    memset(&node->v, 0, sizeof(node->v));
}

JsonNode *
json_node_alloc(void)
{
    JsonNode *node = g_new0(JsonNode, 1);
    node->ref_count = 1;
    node->type = JSON_NODE_NULL;
    return node;
}

JsonNode *
json_node_init(JsonNode *node, JsonNodeType type)
{
    g_return_val_if_fail(node != NULL, NULL);
    node_clear(node);
    node->type = type;
    return node;
}

JsonNode *
json_node_new(JsonNodeType type)
{
    return json_node_init(json_node_alloc(), type);
}

JsonNode *
json_node_init_object(JsonNode *node, JsonObject *object)
{
    json_node_init(node, JSON_NODE_OBJECT);
    json_node_set_object(node, object);
    return node;
}

JsonNode *
json_node_init_array(JsonNode *node, JsonArray *array)
{
    json_node_init(node, JSON_NODE_ARRAY);
    json_node_set_array(node, array);
    return node;
}

JsonNode *
json_node_ref(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, NULL);
    g_atomic_int_inc(&node->ref_count);
    return node;
}

void
json_node_unref(JsonNode *node)
{
    g_return_if_fail(node != NULL);
    if (g_atomic_int_dec_and_test(&node->ref_count)) {
        node_clear(node);
        g_free(node);
    }
}

void
json_node_free(JsonNode *node)
{
    if (node)
        json_node_unref(node);
}

/* A new node; an object or array is shared (its reference count grows), as
 * json-glib documents. */
JsonNode *
json_node_copy(JsonNode *node)
{
    JsonNode *copy;
    g_return_val_if_fail(node != NULL, NULL);
    copy = json_node_new(node->type);
    switch (node->type) {
    case JSON_NODE_OBJECT:
        json_node_set_object(copy, node->v.object);
        break;
    case JSON_NODE_ARRAY:
        json_node_set_array(copy, node->v.array);
        break;
    case JSON_NODE_VALUE:
        copy->vtype = node->vtype;
        copy->v = node->v;
        if (node->vtype == G_TYPE_STRING)
            copy->v.s = g_strdup(node->v.s);
        break;
    case JSON_NODE_NULL:
        break;
    }
    return copy;
}

JsonNodeType
json_node_get_node_type(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, JSON_NODE_NULL);
    return node->type;
}

GType
json_node_get_value_type(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, G_TYPE_INVALID);
    return node->type == JSON_NODE_VALUE ? node->vtype : G_TYPE_INVALID;
}

gboolean
json_node_is_null(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, TRUE);
    return node->type == JSON_NODE_NULL;
}

void
json_node_set_object(JsonNode *node, JsonObject *object)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_OBJECT);
    if (object)
        json_object_ref(object);
    if (node->v.object)
        json_object_unref(node->v.object);
    node->v.object = object;
}

void
json_node_take_object(JsonNode *node, JsonObject *object)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_OBJECT);
    if (node->v.object)
        json_object_unref(node->v.object);
    node->v.object = object;
}

void
json_node_set_array(JsonNode *node, JsonArray *array)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_ARRAY);
    if (array)
        json_array_ref(array);
    if (node->v.array)
        json_array_unref(node->v.array);
    node->v.array = array;
}

void
json_node_take_array(JsonNode *node, JsonArray *array)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_ARRAY);
    if (node->v.array)
        json_array_unref(node->v.array);
    node->v.array = array;
}

JsonObject *
json_node_get_object(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, NULL);
    return node->type == JSON_NODE_OBJECT ? node->v.object : NULL;
}

JsonArray *
json_node_get_array(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, NULL);
    return node->type == JSON_NODE_ARRAY ? node->v.array : NULL;
}

/* The setters turn the node into a value of that type. */
static void
node_set_value(JsonNode *node, GType vtype)
{
    node_clear(node);
    node->type = JSON_NODE_VALUE;
    node->vtype = vtype;
}

void
json_node_set_string(JsonNode *node, const char *value)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_VALUE);
    char *copy = g_strdup(value);     /* value may be the node's own string */
    node_set_value(node, G_TYPE_STRING);
    node->v.s = copy;
}

void
json_node_set_int(JsonNode *node, gint64 value)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_VALUE);
    node_set_value(node, G_TYPE_INT64);
    node->v.i = value;
}

void
json_node_set_double(JsonNode *node, double value)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_VALUE);
    node_set_value(node, G_TYPE_DOUBLE);
    node->v.d = value;
}

void
json_node_set_boolean(JsonNode *node, gboolean value)
{
    g_return_if_fail(node != NULL && node->type == JSON_NODE_VALUE);
    node_set_value(node, G_TYPE_BOOLEAN);
    node->v.b = value != FALSE;
}

/* The getters convert between the numeric types as json-glib does; a
 * string is only a string. */
const char *
json_node_get_string(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, NULL);
    return node->type == JSON_NODE_VALUE && node->vtype == G_TYPE_STRING
        ? node->v.s : NULL;
}

char *
json_node_dup_string(JsonNode *node)
{
    return g_strdup(json_node_get_string(node));
}

gint64
json_node_get_int(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, 0);
    if (node->type != JSON_NODE_VALUE)
        return 0;
    if (node->vtype == G_TYPE_INT64)
        return node->v.i;
    if (node->vtype == G_TYPE_DOUBLE)
        return (gint64) node->v.d;
    if (node->vtype == G_TYPE_BOOLEAN)
        return node->v.b;
    return 0;
}

double
json_node_get_double(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, 0.0);
    if (node->type != JSON_NODE_VALUE)
        return 0.0;
    if (node->vtype == G_TYPE_DOUBLE)
        return node->v.d;
    if (node->vtype == G_TYPE_INT64)
        return (double) node->v.i;
    if (node->vtype == G_TYPE_BOOLEAN)
        return node->v.b;
    return 0.0;
}

gboolean
json_node_get_boolean(JsonNode *node)
{
    g_return_val_if_fail(node != NULL, FALSE);
    if (node->type != JSON_NODE_VALUE)
        return FALSE;
    if (node->vtype == G_TYPE_BOOLEAN)
        return node->v.b;
    if (node->vtype == G_TYPE_INT64)
        return node->v.i != 0;
    if (node->vtype == G_TYPE_DOUBLE)
        return node->v.d != 0.0;
    return FALSE;
}

/* ---- JsonObject ---------------------------------------------------------- */

static void
member_clear(gpointer p)
{
    Member *m = p;
    g_free(m->name);
    json_node_unref(m->node);
}

JsonObject *
json_object_new(void)
{
    JsonObject *object = g_new0(JsonObject, 1);
    object->ref_count = 1;
    object->members = g_array_new(FALSE, FALSE, sizeof(Member));
    g_array_set_clear_func(object->members, member_clear);
    return object;
}

JsonObject *
json_object_ref(JsonObject *object)
{
    g_return_val_if_fail(object != NULL, NULL);
    g_atomic_int_inc(&object->ref_count);
    return object;
}

void
json_object_unref(JsonObject *object)
{
    g_return_if_fail(object != NULL);
    if (g_atomic_int_dec_and_test(&object->ref_count)) {
        g_array_unref(object->members);
        g_free(object);
    }
}

static Member *
object_find(JsonObject *object, const char *name)
{
    for (guint i = 0; i < object->members->len; i++) {
        Member *m = &g_array_index(object->members, Member, i);
        if (g_str_equal(m->name, name))
            return m;
    }
    return NULL;
}

/* Takes node; an existing member keeps its place and gets the new value. */
void
json_object_set_member(JsonObject *object, const char *member_name, JsonNode *node)
{
    g_return_if_fail(object != NULL && member_name != NULL && node != NULL);
    Member *m = object_find(object, member_name);
    if (m) {
        if (m->node != node) {
            json_node_unref(m->node);
            m->node = node;
        }
        return;
    }
    Member add = { g_strdup(member_name), node };
    g_array_append_val(object->members, add);
}

void
json_object_add_member(JsonObject *object, const char *member_name, JsonNode *node)
{
    json_object_set_member(object, member_name, node);
}

static JsonNode *
value_node(GType vtype)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);
    node->vtype = vtype;
    return node;
}

void
json_object_set_int_member(JsonObject *object, const char *member_name, gint64 value)
{
    JsonNode *node = value_node(G_TYPE_INT64);
    node->v.i = value;
    json_object_set_member(object, member_name, node);
}

void
json_object_set_double_member(JsonObject *object, const char *member_name, double value)
{
    JsonNode *node = value_node(G_TYPE_DOUBLE);
    node->v.d = value;
    json_object_set_member(object, member_name, node);
}

void
json_object_set_boolean_member(JsonObject *object, const char *member_name, gboolean value)
{
    JsonNode *node = value_node(G_TYPE_BOOLEAN);
    node->v.b = value != FALSE;
    json_object_set_member(object, member_name, node);
}

/* A NULL string is a JSON null, as in json-glib. */
void
json_object_set_string_member(JsonObject *object, const char *member_name, const char *value)
{
    JsonNode *node;
    if (value) {
        node = value_node(G_TYPE_STRING);
        node->v.s = g_strdup(value);
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    json_object_set_member(object, member_name, node);
}

void
json_object_set_null_member(JsonObject *object, const char *member_name)
{
    json_object_set_member(object, member_name, json_node_new(JSON_NODE_NULL));
}

/* Takes value (NULL: a JSON null). */
void
json_object_set_object_member(JsonObject *object, const char *member_name, JsonObject *value)
{
    JsonNode *node;
    if (value) {
        node = json_node_new(JSON_NODE_OBJECT);
        node->v.object = value;
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    json_object_set_member(object, member_name, node);
}

void
json_object_set_array_member(JsonObject *object, const char *member_name, JsonArray *value)
{
    JsonNode *node;
    if (value) {
        node = json_node_new(JSON_NODE_ARRAY);
        node->v.array = value;
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    json_object_set_member(object, member_name, node);
}

JsonNode *
json_object_get_member(JsonObject *object, const char *member_name)
{
    g_return_val_if_fail(object != NULL && member_name != NULL, NULL);
    Member *m = object_find(object, member_name);
    return m ? m->node : NULL;
}

gboolean
json_object_has_member(JsonObject *object, const char *member_name)
{
    return json_object_get_member(object, member_name) != NULL;
}

guint
json_object_get_size(JsonObject *object)
{
    g_return_val_if_fail(object != NULL, 0);
    return object->members->len;
}

/* Names in insertion order, owned by the object; free the list only. */
GList *
json_object_get_members(JsonObject *object)
{
    GList *list = NULL;
    g_return_val_if_fail(object != NULL, NULL);
    for (guint i = object->members->len; i > 0; i--)
        list = g_list_prepend(list, g_array_index(object->members, Member, i - 1).name);
    return list;
}

void
json_object_remove_member(JsonObject *object, const char *member_name)
{
    g_return_if_fail(object != NULL && member_name != NULL);
    for (guint i = 0; i < object->members->len; i++) {
        if (g_str_equal(g_array_index(object->members, Member, i).name, member_name)) {
            g_array_remove_index(object->members, i);
            return;
        }
    }
}

/* Missing members are programming errors in json-glib (a critical). */
static JsonNode *
member_or_warn(JsonObject *object, const char *member_name)
{
    JsonNode *node;
    g_return_val_if_fail(object != NULL && member_name != NULL, NULL);
    node = json_object_get_member(object, member_name);
    if (!node)
        g_critical("JsonObject has no member '%s'", member_name);
    return node;
}

const char *
json_object_get_string_member(JsonObject *object, const char *member_name)
{
    JsonNode *node = member_or_warn(object, member_name);
    return node ? json_node_get_string(node) : NULL;
}

gint64
json_object_get_int_member(JsonObject *object, const char *member_name)
{
    JsonNode *node = member_or_warn(object, member_name);
    return node ? json_node_get_int(node) : 0;
}

gboolean
json_object_get_boolean_member(JsonObject *object, const char *member_name)
{
    JsonNode *node = member_or_warn(object, member_name);
    return node ? json_node_get_boolean(node) : FALSE;
}

JsonObject *
json_object_get_object_member(JsonObject *object, const char *member_name)
{
    JsonNode *node = member_or_warn(object, member_name);
    return node ? json_node_get_object(node) : NULL;
}

JsonArray *
json_object_get_array_member(JsonObject *object, const char *member_name)
{
    JsonNode *node = member_or_warn(object, member_name);
    return node ? json_node_get_array(node) : NULL;
}

/* The default for a missing member, a null, or an object or array. */
const char *
json_object_get_string_member_with_default(JsonObject *object, const char *member_name,
                                           const char *default_value)
{
    g_return_val_if_fail(object != NULL && member_name != NULL, default_value);
    JsonNode *node = json_object_get_member(object, member_name);
    if (!node || node->type != JSON_NODE_VALUE)
        return default_value;
    return json_node_get_string(node);
}

gint64
json_object_get_int_member_with_default(JsonObject *object, const char *member_name,
                                        gint64 default_value)
{
    g_return_val_if_fail(object != NULL && member_name != NULL, default_value);
    JsonNode *node = json_object_get_member(object, member_name);
    if (!node || node->type != JSON_NODE_VALUE)
        return default_value;
    return json_node_get_int(node);
}

gboolean
json_object_get_boolean_member_with_default(JsonObject *object, const char *member_name,
                                            gboolean default_value)
{
    g_return_val_if_fail(object != NULL && member_name != NULL, default_value);
    JsonNode *node = json_object_get_member(object, member_name);
    if (!node || node->type != JSON_NODE_VALUE)
        return default_value;
    return json_node_get_boolean(node);
}

/* ---- JsonArray ----------------------------------------------------------- */

JsonArray *
json_array_new(void)
{
    JsonArray *array = g_new0(JsonArray, 1);
    array->ref_count = 1;
    array->elements = g_ptr_array_new_with_free_func((GDestroyNotify) json_node_unref);
    return array;
}

JsonArray *
json_array_ref(JsonArray *array)
{
    g_return_val_if_fail(array != NULL, NULL);
    g_atomic_int_inc(&array->ref_count);
    return array;
}

void
json_array_unref(JsonArray *array)
{
    g_return_if_fail(array != NULL);
    if (g_atomic_int_dec_and_test(&array->ref_count)) {
        g_ptr_array_unref(array->elements);
        g_free(array);
    }
}

guint
json_array_get_length(JsonArray *array)
{
    g_return_val_if_fail(array != NULL, 0);
    return array->elements->len;
}

JsonNode *
json_array_get_element(JsonArray *array, guint index_)
{
    g_return_val_if_fail(array != NULL && index_ < array->elements->len, NULL);
    return g_ptr_array_index(array->elements, index_);
}

/* Takes node. */
void
json_array_add_element(JsonArray *array, JsonNode *node)
{
    g_return_if_fail(array != NULL && node != NULL);
    g_ptr_array_add(array->elements, node);
}

void
json_array_add_string_element(JsonArray *array, const char *value)
{
    JsonNode *node;
    if (value) {
        node = value_node(G_TYPE_STRING);
        node->v.s = g_strdup(value);
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    json_array_add_element(array, node);
}

void
json_array_add_int_element(JsonArray *array, gint64 value)
{
    JsonNode *node = value_node(G_TYPE_INT64);
    node->v.i = value;
    json_array_add_element(array, node);
}

void
json_array_add_boolean_element(JsonArray *array, gboolean value)
{
    JsonNode *node = value_node(G_TYPE_BOOLEAN);
    node->v.b = value != FALSE;
    json_array_add_element(array, node);
}

/* Takes value (NULL: a JSON null). */
void
json_array_add_object_element(JsonArray *array, JsonObject *value)
{
    JsonNode *node;
    if (value) {
        node = json_node_new(JSON_NODE_OBJECT);
        node->v.object = value;
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    json_array_add_element(array, node);
}

void
json_array_add_array_element(JsonArray *array, JsonArray *value)
{
    JsonNode *node;
    if (value) {
        node = json_node_new(JSON_NODE_ARRAY);
        node->v.array = value;
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    json_array_add_element(array, node);
}

JsonObject *
json_array_get_object_element(JsonArray *array, guint index_)
{
    JsonNode *node = json_array_get_element(array, index_);
    return node ? json_node_get_object(node) : NULL;
}

JsonArray *
json_array_get_array_element(JsonArray *array, guint index_)
{
    JsonNode *node = json_array_get_element(array, index_);
    return node ? json_node_get_array(node) : NULL;
}

const char *
json_array_get_string_element(JsonArray *array, guint index_)
{
    JsonNode *node = json_array_get_element(array, index_);
    return node ? json_node_get_string(node) : NULL;
}

gint64
json_array_get_int_element(JsonArray *array, guint index_)
{
    JsonNode *node = json_array_get_element(array, index_);
    return node ? json_node_get_int(node) : 0;
}

/* ---- JsonBuilder ---------------------------------------------------------- */

typedef struct {
    JsonNode *node;             /* the open object or array (not owned) */
    char *member_name;          /* objects: the name of the next value */
} BuilderFrame;

struct _JsonBuilderPrivate {
    JsonNode *root;
    GArray *stack;              /* BuilderFrame, innermost last */
};

G_DEFINE_TYPE_WITH_PRIVATE(JsonBuilder, json_builder, G_TYPE_OBJECT)

static void
frame_clear(gpointer p)
{
    g_free(((BuilderFrame *) p)->member_name);
}

static void
json_builder_reset_state(JsonBuilderPrivate *priv)
{
    g_array_set_size(priv->stack, 0);
    g_clear_pointer(&priv->root, json_node_unref);
}

static void
json_builder_finalize(GObject *obj)
{
    JsonBuilderPrivate *priv = JSON_BUILDER(obj)->priv;
    json_builder_reset_state(priv);
    g_array_unref(priv->stack);
    G_OBJECT_CLASS(json_builder_parent_class)->finalize(obj);
}

static void
json_builder_class_init(JsonBuilderClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = json_builder_finalize;
}

static void
json_builder_init(JsonBuilder *self)
{
    self->priv = json_builder_get_instance_private(self);
    self->priv->stack = g_array_new(FALSE, FALSE, sizeof(BuilderFrame));
    g_array_set_clear_func(self->priv->stack, frame_clear);
}

JsonBuilder *
json_builder_new(void)
{
    return g_object_new(JSON_TYPE_BUILDER, NULL);
}

void
json_builder_reset(JsonBuilder *builder)
{
    g_return_if_fail(JSON_IS_BUILDER(builder));
    json_builder_reset_state(builder->priv);
}

static BuilderFrame *
builder_top(JsonBuilder *builder)
{
    GArray *stack = builder->priv->stack;
    return stack->len ? &g_array_index(stack, BuilderFrame, stack->len - 1) : NULL;
}

/* Takes node; FALSE (and drops it) where no value may go now. */
static gboolean
builder_add(JsonBuilder *builder, JsonNode *node)
{
    JsonBuilderPrivate *priv = builder->priv;
    BuilderFrame *top = builder_top(builder);
    if (!top) {
        if (priv->root) {
            json_node_unref(node);
            g_return_val_if_reached(FALSE);
        }
        priv->root = node;
        return TRUE;
    }
    if (top->node->type == JSON_NODE_OBJECT) {
        if (!top->member_name) {
            json_node_unref(node);
            g_return_val_if_reached(FALSE);
        }
        json_object_set_member(top->node->v.object, top->member_name, node);
        g_clear_pointer(&top->member_name, g_free);
        return TRUE;
    }
    json_array_add_element(top->node->v.array, node);
    return TRUE;
}

static JsonBuilder *
builder_begin(JsonBuilder *builder, JsonNode *node)
{
    if (!builder_add(builder, node))
        return NULL;
    BuilderFrame frame = { node, NULL };
    g_array_append_val(builder->priv->stack, frame);
    return builder;
}

static JsonBuilder *
builder_end(JsonBuilder *builder, JsonNodeType type)
{
    BuilderFrame *top = builder_top(builder);
    g_return_val_if_fail(top && top->node->type == type && !top->member_name, NULL);
    g_array_set_size(builder->priv->stack, builder->priv->stack->len - 1);
    return builder;
}

JsonBuilder *
json_builder_begin_object(JsonBuilder *builder)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder), NULL);
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    node->v.object = json_object_new();
    return builder_begin(builder, node);
}

JsonBuilder *
json_builder_end_object(JsonBuilder *builder)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder), NULL);
    return builder_end(builder, JSON_NODE_OBJECT);
}

JsonBuilder *
json_builder_begin_array(JsonBuilder *builder)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder), NULL);
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    node->v.array = json_array_new();
    return builder_begin(builder, node);
}

JsonBuilder *
json_builder_end_array(JsonBuilder *builder)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder), NULL);
    return builder_end(builder, JSON_NODE_ARRAY);
}

JsonBuilder *
json_builder_set_member_name(JsonBuilder *builder, const char *member_name)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder) && member_name, NULL);
    BuilderFrame *top = builder_top(builder);
    g_return_val_if_fail(top && top->node->type == JSON_NODE_OBJECT && !top->member_name,
                         NULL);
    top->member_name = g_strdup(member_name);
    return builder;
}

JsonBuilder *
json_builder_add_value(JsonBuilder *builder, JsonNode *node)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder) && node, NULL);
    return builder_add(builder, node) ? builder : NULL;
}

JsonBuilder *
json_builder_add_int_value(JsonBuilder *builder, gint64 value)
{
    JsonNode *node = value_node(G_TYPE_INT64);
    node->v.i = value;
    return json_builder_add_value(builder, node);
}

JsonBuilder *
json_builder_add_double_value(JsonBuilder *builder, double value)
{
    JsonNode *node = value_node(G_TYPE_DOUBLE);
    node->v.d = value;
    return json_builder_add_value(builder, node);
}

JsonBuilder *
json_builder_add_boolean_value(JsonBuilder *builder, gboolean value)
{
    JsonNode *node = value_node(G_TYPE_BOOLEAN);
    node->v.b = value != FALSE;
    return json_builder_add_value(builder, node);
}

JsonBuilder *
json_builder_add_string_value(JsonBuilder *builder, const char *value)
{
    JsonNode *node;
    if (value) {
        node = value_node(G_TYPE_STRING);
        node->v.s = g_strdup(value);
    } else {
        node = json_node_new(JSON_NODE_NULL);
    }
    return json_builder_add_value(builder, node);
}

JsonBuilder *
json_builder_add_null_value(JsonBuilder *builder)
{
    return json_builder_add_value(builder, json_node_new(JSON_NODE_NULL));
}

/* NULL until every object and array begun has ended. */
JsonNode *
json_builder_get_root(JsonBuilder *builder)
{
    g_return_val_if_fail(JSON_IS_BUILDER(builder), NULL);
    JsonBuilderPrivate *priv = builder->priv;
    if (!priv->root || priv->stack->len)
        return NULL;
    return json_node_copy(priv->root);
}

/* ---- JsonParser ----------------------------------------------------------- */

struct _JsonParserPrivate {
    JsonNode *root;
};

G_DEFINE_TYPE_WITH_PRIVATE(JsonParser, json_parser, G_TYPE_OBJECT)
G_DEFINE_QUARK(json-parser-error-quark, json_parser_error)

static void
json_parser_finalize(GObject *obj)
{
    g_clear_pointer(&JSON_PARSER(obj)->priv->root, json_node_unref);
    G_OBJECT_CLASS(json_parser_parent_class)->finalize(obj);
}

static void
json_parser_class_init(JsonParserClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = json_parser_finalize;
}

static void
json_parser_init(JsonParser *self)
{
    self->priv = json_parser_get_instance_private(self);
}

JsonParser *
json_parser_new(void)
{
    return g_object_new(JSON_TYPE_PARSER, NULL);
}

JsonNode *
json_parser_get_root(JsonParser *parser)
{
    g_return_val_if_fail(JSON_IS_PARSER(parser), NULL);
    return parser->priv->root;
}

/* RFC 8259 by recursive descent; positions for messages are counted from
 * the start when an error is reported. */
typedef struct {
    const char *start, *p, *end;
    guint depth;
    GError **error;
} Scan;

#define JSON_MAX_DEPTH 1024

static gboolean G_GNUC_PRINTF(2, 3)
scan_fail(Scan *s, const char *fmt, ...)
{
    guint line = 1, col = 1;
    for (const char *q = s->start; q < s->p && q < s->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(s->error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                "<data>:%u:%u: Parse error: %s", line, col, msg);
    return FALSE;
}

static void
scan_space(Scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int
hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *
scan_string(Scan *s)
{
    GString *out = g_string_new(NULL);
    s->p++;                                 /* the opening quote */
    while (s->p < s->end && *s->p != '"') {
        unsigned char c = *s->p;
        if (c < 0x20) {
            scan_fail(s, "control character in a string");
            goto fail;
        }
        if (c != '\\') {
            g_string_append_c(out, c);
            s->p++;
            continue;
        }
        if (s->end - s->p < 2) {
            scan_fail(s, "unfinished escape");
            goto fail;
        }
        char e = s->p[1];
        s->p += 2;
        switch (e) {
        case '"': g_string_append_c(out, '"'); break;
        case '\\': g_string_append_c(out, '\\'); break;
        case '/': g_string_append_c(out, '/'); break;
        case 'b': g_string_append_c(out, '\b'); break;
        case 'f': g_string_append_c(out, '\f'); break;
        case 'n': g_string_append_c(out, '\n'); break;
        case 'r': g_string_append_c(out, '\r'); break;
        case 't': g_string_append_c(out, '\t'); break;
        case 'u': {
            int u = s->end - s->p >= 4 ? hex4(s->p) : -1;
            if (u < 0) {
                scan_fail(s, "invalid \\u escape");
                goto fail;
            }
            s->p += 4;
            gunichar ch = u;
            if (u >= 0xd800 && u < 0xdc00) {    /* a surrogate pair */
                int lo = s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u'
                    ? hex4(s->p + 2) : -1;
                if (lo < 0xdc00 || lo >= 0xe000) {
                    scan_fail(s, "invalid surrogate pair");
                    goto fail;
                }
                s->p += 6;
                ch = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            } else if (u >= 0xdc00 && u < 0xe000) {
                scan_fail(s, "invalid surrogate pair");
                goto fail;
            }
            g_string_append_unichar(out, ch);
            break;
        }
        default:                /* json-glib keeps the character */
            g_string_append_c(out, e);
            break;
        }
    }
    if (s->p >= s->end) {
        scan_fail(s, "unfinished string");
        goto fail;
    }
    s->p++;                                 /* the closing quote */
    if (!g_utf8_validate(out->str, out->len, NULL)) {
        scan_fail(s, "invalid UTF-8 in a string");
        goto fail;
    }
    return g_string_free(out, FALSE);
fail:
    g_string_free(out, TRUE);
    return NULL;
}

static JsonNode *scan_value(Scan *s);

static JsonNode *
scan_number(Scan *s)
{
    const char *b = s->p;
    gboolean is_int = TRUE;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p >= s->end || !g_ascii_isdigit(*s->p))
        return scan_fail(s, "invalid number"), NULL;
    if (*s->p == '0')
        s->p++;
    else
        while (s->p < s->end && g_ascii_isdigit(*s->p))
            s->p++;
    if (s->p < s->end && *s->p == '.') {
        is_int = FALSE;
        s->p++;
        if (s->p >= s->end || !g_ascii_isdigit(*s->p))
            return scan_fail(s, "invalid number"), NULL;
        while (s->p < s->end && g_ascii_isdigit(*s->p))
            s->p++;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        is_int = FALSE;
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (s->p >= s->end || !g_ascii_isdigit(*s->p))
            return scan_fail(s, "invalid number"), NULL;
        while (s->p < s->end && g_ascii_isdigit(*s->p))
            s->p++;
    }
    g_autofree char *text = g_strndup(b, s->p - b);
    JsonNode *node;
    if (is_int) {
        node = value_node(G_TYPE_INT64);
        node->v.i = g_ascii_strtoll(text, NULL, 10);
    } else {
        node = value_node(G_TYPE_DOUBLE);
        node->v.d = g_ascii_strtod(text, NULL);
    }
    return node;
}

static JsonNode *
scan_object(Scan *s)
{
    JsonObject *object = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    node->v.object = object;
    s->p++;
    scan_space(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return node;
    }
    for (;;) {
        scan_space(s);
        if (s->p >= s->end || *s->p != '"') {
            scan_fail(s, "expected a member name");
            goto fail;
        }
        g_autofree char *name = scan_string(s);
        if (!name)
            goto fail;
        scan_space(s);
        if (s->p >= s->end || *s->p != ':') {
            scan_fail(s, "expected ':'");
            goto fail;
        }
        s->p++;
        JsonNode *value = scan_value(s);
        if (!value)
            goto fail;
        json_object_set_member(object, name, value);
        scan_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return node;
        }
        scan_fail(s, "expected ',' or '}'");
        goto fail;
    }
fail:
    json_node_unref(node);
    return NULL;
}

static JsonNode *
scan_array(Scan *s)
{
    JsonArray *array = json_array_new();
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    node->v.array = array;
    s->p++;
    scan_space(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return node;
    }
    for (;;) {
        JsonNode *value = scan_value(s);
        if (!value)
            goto fail;
        json_array_add_element(array, value);
        scan_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return node;
        }
        scan_fail(s, "expected ',' or ']'");
        goto fail;
    }
fail:
    json_node_unref(node);
    return NULL;
}

static gboolean
scan_word(Scan *s, const char *word)
{
    gsize n = strlen(word);
    if ((gsize) (s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return FALSE;
    s->p += n;
    return TRUE;
}

static JsonNode *
scan_value(Scan *s)
{
    JsonNode *node = NULL;
    scan_space(s);
    if (s->p >= s->end)
        return scan_fail(s, "unexpected end of data"), NULL;
    if (++s->depth > JSON_MAX_DEPTH) {
        scan_fail(s, "nested too deeply");
        s->depth--;
        return NULL;
    }
    switch (*s->p) {
    case '{':
        node = scan_object(s);
        break;
    case '[':
        node = scan_array(s);
        break;
    case '"': {
        char *str = scan_string(s);
        if (str) {
            node = value_node(G_TYPE_STRING);
            node->v.s = str;
        }
        break;
    }
    default:
        if (scan_word(s, "true") || scan_word(s, "false")) {
            node = value_node(G_TYPE_BOOLEAN);
            node->v.b = s->p[-1] == 'e' && s->p[-2] == 'u';
        } else if (scan_word(s, "null")) {
            node = json_node_new(JSON_NODE_NULL);
        } else if (*s->p == '-' || g_ascii_isdigit(*s->p)) {
            node = scan_number(s);
        } else {
            scan_fail(s, "unexpected character '%c'", *s->p);
        }
        break;
    }
    s->depth--;
    return node;
}

gboolean
json_parser_load_from_data(JsonParser *parser, const char *data, gssize length,
                           GError **error)
{
    g_return_val_if_fail(JSON_IS_PARSER(parser) && data, FALSE);
    Scan s = { data, data, data + (length < 0 ? (gssize) strlen(data) : length), 0, error };
    g_clear_pointer(&parser->priv->root, json_node_unref);
    JsonNode *root = scan_value(&s);
    if (!root)
        return FALSE;
    scan_space(&s);
    if (s.p < s.end) {
        json_node_unref(root);
        return scan_fail(&s, "data after the value");
    }
    parser->priv->root = root;
    return TRUE;
}
