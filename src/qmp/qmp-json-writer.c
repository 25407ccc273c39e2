/* vireo: prints JSON exactly as QEMU's QMP does, so a transcript taken from
 * QEMU and one taken from vireo compare byte for byte (timestamps aside). */
#include <config.h>
#include <string.h>
#include "qmp/qmp-json.h"

/* QEMU keeps objects in a 512-bucket hash table (the tdb hash) and prints
 * them bucket by bucket, newest member first inside a bucket. Clients never
 * rely on the order, but transcripts and humans diffing them do. */
#define QDICT_BUCKETS 512

static guint
qdict_bucket(const char *key)
{
    guint32 value = 0x238F13AFu * (guint32)strlen(key);
    for (guint i = 0; key[i]; i++)
        value += (guint32)(guint8)key[i] << (i * 5 % 24);
    return (1103515243u * value + 12345u) % QDICT_BUCKETS;
}

typedef struct {
    const char *key;
    guint bucket;
    guint position;
} MemberOrder;

static int
member_order_cmp(gconstpointer a, gconstpointer b)
{
    const MemberOrder *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->position > y->position ? -1 : 1;
}

static void
append_char(GString *out, gunichar c)
{
    switch (c) {
    case '"': g_string_append(out, "\\\""); break;
    case '\\': g_string_append(out, "\\\\"); break;
    case '\b': g_string_append(out, "\\b"); break;
    case '\f': g_string_append(out, "\\f"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\r': g_string_append(out, "\\r"); break;
    case '\t': g_string_append(out, "\\t"); break;
    default:
        if (c > 0xFFFF) {
            c -= 0x10000;
            g_string_append_printf(out, "\\u%04X\\u%04X",
                                   0xD800 | (c >> 10), 0xDC00 | (c & 0x3FF));
        } else if (c < 0x20 || c >= 0x7F) {
            g_string_append_printf(out, "\\u%04X", c);
        } else {
            g_string_append_c(out, (char)c);
        }
    }
}

/* Modified UTF-8's C0 80 is U+0000; a byte that starts no valid sequence
 * prints as U+FFFD, as in QEMU. */
static void
append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const char *p = s; *p;) {
        gunichar c;
        if ((guchar)p[0] == 0xC0 && (guchar)p[1] == 0x80) {
            append_char(out, 0);
            p += 2;
            continue;
        }
        c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            append_char(out, 0xFFFD);
            p++;
            continue;
        }
        append_char(out, c);
        p = g_utf8_next_char(p);
    }
    g_string_append_c(out, '"');
}

GPtrArray *
vireo_qmp_json_keys(JsonObject *obj)
{
    g_autoptr(GList) members = json_object_get_members(obj);
    g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(MemberOrder));
    GPtrArray *keys = g_ptr_array_new();
    guint pos = 0;
    for (GList *l = members; l; l = l->next) {
        MemberOrder m = { l->data, qdict_bucket(l->data), pos++ };
        g_array_append_val(order, m);
    }
    g_array_sort(order, member_order_cmp);
    for (guint i = 0; i < order->len; i++)
        g_ptr_array_add(keys, (char *)g_array_index(order, MemberOrder, i).key);
    return keys;
}

static void
append_object(GString *out, JsonObject *obj)
{
    g_autoptr(GPtrArray) keys = vireo_qmp_json_keys(obj);
    g_string_append_c(out, '{');
    for (guint i = 0; i < keys->len; i++) {
        const char *key = g_ptr_array_index(keys, i);
        if (i)
            g_string_append(out, ", ");
        append_string(out, key);
        g_string_append(out, ": ");
        vireo_qmp_json_append(out, json_object_get_member(obj, key));
    }
    g_string_append_c(out, '}');
}

static void
append_array(GString *out, JsonArray *arr)
{
    g_string_append_c(out, '[');
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        if (i)
            g_string_append(out, ", ");
        vireo_qmp_json_append(out, json_array_get_element(arr, i));
    }
    g_string_append_c(out, ']');
}

static void
append_value(GString *out, JsonNode *node)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    switch (json_node_get_value_type(node)) {
    case G_TYPE_INT64:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(node));
        break;
    case G_TYPE_DOUBLE:
        /* QEMU prints numbers with %.17g: 1.0 reads back as 1, 1e400 as inf. */
        g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g",
                                             json_node_get_double(node)));
        break;
    case G_TYPE_BOOLEAN:
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
        break;
    case G_TYPE_STRING:
        append_string(out, json_node_get_string(node));
        break;
    default:
        g_string_append(out, "null");
    }
}

void
vireo_qmp_json_append(GString *out, JsonNode *node)
{
    if (!node) {
        g_string_append(out, "null");
        return;
    }
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT: append_object(out, json_node_get_object(node)); break;
    case JSON_NODE_ARRAY: append_array(out, json_node_get_array(node)); break;
    case JSON_NODE_VALUE: append_value(out, node); break;
    case JSON_NODE_NULL: g_string_append(out, "null"); break;
    }
}

char *
vireo_qmp_json_to_string(JsonNode *node)
{
    GString *out = g_string_new(NULL);
    vireo_qmp_json_append(out, node);
    return g_string_free(out, FALSE);
}
