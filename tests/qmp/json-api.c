/* tests/qmp/json-api: exercises the json-glib API that vireo-vmm uses and
 * prints what it sees. Built twice (tests/qmp.mk): against json-glib, and
 * against src/util/vireo-json.c, json-glib's API as vireo-vmm links it;
 * tests/qmp/json.sh requires the two transcripts to be identical.
 *
 *   json-api FILE...   each FILE parsed and printed, then the API cases */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

static void
print_node(GString *out, JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE: {
        GType t = json_node_get_value_type(node);
        if (t == G_TYPE_STRING)
            g_string_append_printf(out, "s'%s'", json_node_get_string(node));
        else if (t == G_TYPE_INT64)
            g_string_append_printf(out, "i%" G_GINT64_FORMAT, json_node_get_int(node));
        else if (t == G_TYPE_DOUBLE)
            g_string_append_printf(out, "d%.17g", json_node_get_double(node));
        else if (t == G_TYPE_BOOLEAN)
            g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
        else
            g_string_append(out, "?value");
        break;
    }
    case JSON_NODE_OBJECT: {
        JsonObject *o = json_node_get_object(node);
        GList *names = json_object_get_members(o);
        g_string_append_printf(out, "{%u:", json_object_get_size(o));
        for (GList *l = names; l; l = l->next) {
            g_string_append_printf(out, "%s=", (char *)l->data);
            print_node(out, json_object_get_member(o, l->data));
            g_string_append(out, l->next ? "," : "");
        }
        g_list_free(names);
        g_string_append(out, "}");
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);
        g_string_append_printf(out, "[%u:", json_array_get_length(a));
        for (guint i = 0; i < json_array_get_length(a); i++) {
            print_node(out, json_array_get_element(a, i));
            g_string_append(out, i + 1 < json_array_get_length(a) ? "," : "");
        }
        g_string_append(out, "]");
        break;
    }
    }
}

static void
show(const char *label, JsonNode *node)
{
    g_autoptr(GString) out = g_string_new(NULL);
    if (node)
        print_node(out, node);
    else
        g_string_append(out, "(no node)");
    printf("%s: %s\n", label, out->str);
}

static void
parse_text(const char *label, const char *text)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) err = NULL;
    if (json_parser_load_from_data(p, text, -1, &err))
        show(label, json_parser_get_root(p));
    else
        printf("%s: error (domain is JSON_PARSER_ERROR: %d)\n", label,
               err && err->domain == JSON_PARSER_ERROR);
}

static void
conversions(void)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);
    json_node_set_double(n, 2.75);
    printf("double 2.75: int %" G_GINT64_FORMAT " boolean %d string %s\n",
           json_node_get_int(n), json_node_get_boolean(n),
           json_node_get_string(n) ? "set" : "NULL");
    json_node_set_int(n, -3);
    printf("int -3: double %g boolean %d\n", json_node_get_double(n), json_node_get_boolean(n));
    json_node_set_boolean(n, TRUE);
    printf("true: int %" G_GINT64_FORMAT " double %g\n", json_node_get_int(n),
           json_node_get_double(n));
    json_node_set_string(n, "x");
    printf("string: int %" G_GINT64_FORMAT " boolean %d object %s array %s\n",
           json_node_get_int(n), json_node_get_boolean(n),
           json_node_get_object(n) ? "set" : "NULL", json_node_get_array(n) ? "set" : "NULL");
    json_node_unref(n);
}

static void
objects(void)
{
    g_autoptr(JsonObject) o = json_object_new();
    json_object_set_int_member(o, "b", 1);
    json_object_set_string_member(o, "a", "first");
    json_object_set_null_member(o, "n");
    json_object_set_boolean_member(o, "t", TRUE);
    json_object_set_string_member(o, "s", NULL);
    JsonObject *inner = json_object_new();
    json_object_set_int_member(inner, "x", 7);
    json_object_set_object_member(o, "obj", inner);
    JsonArray *arr = json_array_new();
    json_array_add_element(arr, json_node_init_object(json_node_alloc(), json_object_new()));
    json_array_add_object_element(arr, json_object_ref(inner));
    json_array_add_object_element(arr, NULL);
    json_object_set_array_member(o, "arr", arr);
    /* replacing a member keeps its place */
    json_object_set_string_member(o, "b", "replaced");
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), o);
    show("object", node);
    printf("has a %d has zz %d size %u\n", json_object_has_member(o, "a"),
           json_object_has_member(o, "zz"), json_object_get_size(o));
    printf("with_default: a=%s zz=%s n=%s obj=%s b=%s t=%s\n",
           json_object_get_string_member_with_default(o, "a", "D"),
           json_object_get_string_member_with_default(o, "zz", "D"),
           json_object_get_string_member_with_default(o, "n", "D") ?: "NULL",
           json_object_get_string_member_with_default(o, "obj", "D") ?: "NULL",
           json_object_get_string_member_with_default(o, "b", "D"),
           json_object_get_string_member_with_default(o, "t", "D") ?: "NULL");
    printf("get_string_member a=%s; object x=%" G_GINT64_FORMAT "; array length %u,"
           " element 1 object %s, element 2 object %s, string element %s\n",
           json_object_get_string_member(o, "a"),
           json_node_get_int(json_object_get_member(json_object_get_object_member(o, "obj"), "x")),
           json_array_get_length(json_object_get_array_member(o, "arr")),
           json_array_get_object_element(arr, 1) == inner ? "shared" : "other",
           json_array_get_object_element(arr, 2) ? "set" : "NULL",
           json_array_get_string_element(arr, 2) ? "set" : "NULL");
    /* a copied node shares its object */
    g_autoptr(JsonNode) copy = json_node_copy(node);
    json_object_set_int_member(json_node_get_object(copy), "late", 1);
    printf("copy shares the object: %d\n", json_object_has_member(o, "late"));
    g_autoptr(JsonNode) ref = json_node_ref(node);
    printf("ref is the node: %d\n", ref == node);
}

static void
builder(void)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "z");
    json_builder_add_string_value(b, "last");
    json_builder_set_member_name(b, "list");
    json_builder_begin_array(b);
    json_builder_add_string_value(b, "one");
    json_builder_begin_object(b);
    json_builder_end_object(b);
    json_builder_begin_array(b);
    json_builder_end_array(b);
    json_builder_end_array(b);
    printf("unfinished root: %s\n", json_builder_get_root(b) ? "set" : "NULL");
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    show("builder", root);
}

int
main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        g_autofree char *text = NULL;
        g_autoptr(GError) err = NULL;
        if (!g_file_get_contents(argv[i], &text, NULL, &err)) {
            fprintf(stderr, "%s\n", err->message);
            return 1;
        }
        parse_text(strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i], text);
    }
    parse_text("scalars", " [0, -1, 9223372036854775807, 1.5, -2.5e3, 1E2, true, false, null,"
               " \"\", \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\\ud83d\\ude00\"] ");
    parse_text("nested", "{\"a\": {\"b\": [[], {}, [{\"c\": null}]]}, \"d\": \"caf\xc3\xa9\"}");
    parse_text("duplicate member", "{\"k\": 1, \"j\": 2, \"k\": 3}");
    parse_text("unfinished object", "{\"a\": 1");
    parse_text("unfinished array", "[1, 2");
    parse_text("missing colon", "{\"a\" 1}");
    parse_text("bad keyword", "[tru]");
    parse_text("bad escape", "[\"\\x\"]");
    parse_text("unfinished string", "[\"abc");
    conversions();
    objects();
    builder();
    return 0;
}
