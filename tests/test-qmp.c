/* Unit tests for src/qmp: QEMU's print order and escapes, the streamer's
 * framing and limits, schema argument checks, introspection, the --qmp
 * spec, and a server round trip and every command's reply with the real
 * VMM running the ticker guest (tests/qmp/ticker.xml), paused as
 * `vireo-vmm --paused` leaves it. */
#include <config.h>
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "qmp/qmp-private.h"
#include "qmp/qmp-json.h"
#include "qmp/qmp-schema.h"
#include "util/vireo-error.h"
#include "conf/domain_conf.h"
#include "machine/machine_desc.h"
#include "kvm/kvm.h"
#include "vmm/vmm.h"

/* The real VMM on tests/qmp/ticker.xml with the given vCPU count, or NULL
 * after g_test_skip() saying why it cannot run here. */
static VireoVmm *
real_vmm_new_with_progress(guint vcpus, VireoVmmBuildProgress progress,
                           gpointer data)
{
    g_autofree char *xml_path = g_test_build_filename(G_TEST_DIST, "qmp", "ticker.xml", NULL);
    g_autofree char *kernel = g_test_build_filename(G_TEST_BUILT, "qmp", "ticker.elf", NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    if (access("/dev/kvm", R_OK | W_OK) != 0 || !g_file_test(kernel, G_FILE_TEST_EXISTS)) {
        g_test_skip("needs a usable /dev/kvm and tests/qmp/ticker.elf built");
        return NULL;
    }
    g_assert_true(g_file_get_contents(xml_path, &xml, NULL, NULL));
    g_autoptr(GString) text = g_string_new(xml);
    g_autofree char *vcpu = g_strdup_printf("<vcpu>%u</vcpu>", vcpus);
    g_string_replace(text, "@KERNEL@", kernel, 0);
    g_string_replace(text, "<vcpu>1</vcpu>", vcpu, 1);
    vireo_types_init();
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_string(text->str, NULL, VIREO_DOMAIN_PARSE_NONE, &err);
    g_assert_no_error(err);
    g_autoptr(VireoHostCaps) caps = vireo_host_caps_new();
    g_assert_true(vireo_kvm_host_caps_probe(caps, &err));
    VireoMachineDesc *desc = vireo_machine_resolve(def, caps, &err);
    g_assert_no_error(err);
    VireoVmm *vmm = vireo_vmm_new_with_progress(desc, progress, data, &err);
    g_assert_no_error(err);
    return vmm;
}

static VireoVmm *
real_vmm_new(guint vcpus)
{
    return real_vmm_new_with_progress(vcpus, NULL, NULL);
}

static JsonNode *
parse(const char *text)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, text, -1, NULL));
    return json_node_copy(json_parser_get_root(p));
}

static void
assert_prints(const char *in, const char *out)
{
    g_autoptr(JsonNode) n = parse(in);
    g_autofree char *s = vireo_qmp_json_to_string(n);
    g_assert_cmpstr(s, ==, out);
}

/* Strings taken from QEMU 7.2's own output. */
static void
test_writer(void)
{
    assert_prints("{\"running\": false, \"singlestep\": false, \"status\": \"prelaunch\"}",
                  "{\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}");
    assert_prints("{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}",
                  "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}");
    assert_prints("{\"return\": {}, \"id\": [1, 2.5, null, true]}",
                  "{\"return\": {}, \"id\": [1, 2.5, null, true]}");
    assert_prints("{\"error\": {\"class\": \"A\", \"desc\": \"B\"}, \"id\": 1}",
                  "{\"id\": 1, \"error\": {\"class\": \"A\", \"desc\": \"B\"}}");
    assert_prints("{\"major\": 7, \"minor\": 2, \"micro\": 0}",
                  "{\"micro\": 0, \"minor\": 2, \"major\": 7}");
    assert_prints("\"h\\u00e9\\u20ac\\ud83d\\ude00 \\t\\u0001/\\\"\\\\\"",
                  "\"h\\u00E9\\u20AC\\uD83D\\uDE00 \\t\\u0001/\\\"\\\\\"");
    assert_prints("[1.0, 0.1, 1e400]", "[1, 0.10000000000000001, inf]");
}

typedef struct {
    GPtrArray *msgs;        /* printed messages, or "ERR: desc" */
} Collected;

static void
collect(JsonNode *msg, const char *error_desc, void *opaque)
{
    Collected *c = opaque;
    g_ptr_array_add(c->msgs, msg ? vireo_qmp_json_to_string(msg)
                    : g_strdup_printf("ERR: %s", error_desc));
}

static void
test_streamer_framing(void)
{
    Collected c = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(VireoQmpStreamer) s = vireo_qmp_streamer_new(1 << 20, collect, &c);
    const char *in = "{\"a\": [1, {\"b\": \"}]\\\"\"}]}  {'x': -1.5e3}\n[]\n";
    /* One byte at a time gives the same messages as one write. */
    for (const char *p = in; *p; p++)
        vireo_qmp_streamer_feed(s, p, 1);
    g_assert_cmpuint(c.msgs->len, ==, 3);
    g_assert_cmpstr(c.msgs->pdata[0], ==, "{\"a\": [1, {\"b\": \"}]\\\"\"}]}");
    g_assert_cmpstr(c.msgs->pdata[1], ==, "{\"x\": -1500}");
    g_assert_cmpstr(c.msgs->pdata[2], ==, "[]");
    vireo_qmp_streamer_feed(s, "{\"a\"", 4);
    g_assert_cmpuint(c.msgs->len, ==, 3);           /* still waiting */
    vireo_qmp_streamer_flush(s);
    g_assert_cmpuint(c.msgs->len, ==, 4);
    g_assert_true(g_str_has_prefix(c.msgs->pdata[3], "ERR: JSON parse error, "));
    g_ptr_array_unref(c.msgs);
}

static void
test_streamer_errors(void)
{
    Collected c = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(VireoQmpStreamer) s = vireo_qmp_streamer_new(1 << 20, collect, &c);
    const char *in = "@ {\"x\": tru}\n}\n{\"a\\q\": 1}\n{\"a\": 1}\n";
    vireo_qmp_streamer_feed(s, in, strlen(in));
    g_assert_cmpuint(c.msgs->len, ==, 5);
    g_assert_cmpstr(c.msgs->pdata[0], ==, "ERR: JSON parse error, stray '@'");
    g_assert_cmpstr(c.msgs->pdata[1], ==, "ERR: JSON parse error, invalid keyword 'tru'");
    g_assert_cmpstr(c.msgs->pdata[2], ==, "ERR: JSON parse error, expecting value");
    g_assert_cmpstr(c.msgs->pdata[3], ==, "ERR: JSON parse error, invalid escape sequence in string");
    g_assert_cmpstr(c.msgs->pdata[4], ==, "{\"a\": 1}");
    g_ptr_array_unref(c.msgs);
}

/* A noncharacter written out in UTF-8 is refused as QEMU 7.2 refuses it
 * (and as the parser refuses it escaped); vireo took it and echoed
 * "\uFFFE", which neither parser reads back. Other characters pass. */
static void
test_streamer_noncharacters(void)
{
    static const char *const refused[] = {
        "\xef\xbf\xbe", "\xef\xbf\xbf", "\xef\xb7\x90", "\xef\xb7\xaf",
        "\xf0\x9f\xbf\xbe", "\xf4\x8f\xbf\xbf",
    };
    static const char *const taken[] = {
        "\xef\xbf\xbd", "\xef\xb7\x8f", "\xef\xb7\xb0", "\xf4\x8f\xbf\xbd",
    };
    Collected c = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(VireoQmpStreamer) s = vireo_qmp_streamer_new(1 << 20, collect, &c);
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autofree char *in = g_strdup_printf("{\"id\": \"%s\"}", refused[i]);
        vireo_qmp_streamer_feed(s, in, strlen(in));
        g_assert_cmpuint(c.msgs->len, ==, i + 1);
        g_assert_cmpstr(c.msgs->pdata[i], ==,
                        "ERR: JSON parse error, invalid UTF-8 sequence in string");
    }
    g_ptr_array_set_size(c.msgs, 0);
    for (guint i = 0; i < G_N_ELEMENTS(taken); i++) {
        g_autofree char *in = g_strdup_printf("{\"id\": \"%s\"}", taken[i]);
        vireo_qmp_streamer_feed(s, in, strlen(in));
        g_assert_cmpuint(c.msgs->len, ==, i + 1);
        g_assert_true(g_str_has_prefix(c.msgs->pdata[i], "{\"id\": \"\\u"));
    }
    g_ptr_array_unref(c.msgs);
}

static void
test_streamer_limits(void)
{
    Collected c = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(VireoQmpStreamer) deep = vireo_qmp_streamer_new(1 << 20, collect, &c);
    g_autoptr(VireoQmpStreamer) big = vireo_qmp_streamer_new(64, collect, &c);
    g_autofree char *brackets = g_strnfill(VIREO_QMP_MAX_NESTING + 1, '[');
    g_autofree char *x = g_strnfill(100, 'x');
    vireo_qmp_streamer_feed(deep, brackets, strlen(brackets));
    g_assert_cmpuint(c.msgs->len, ==, 1);
    g_assert_cmpstr(c.msgs->pdata[0], ==, "ERR: JSON nesting depth limit exceeded");
    g_assert_false(vireo_qmp_streamer_overflowed(deep));
    vireo_qmp_streamer_feed(big, "{\"id\": \"", 8);
    vireo_qmp_streamer_feed(big, x, strlen(x));
    g_assert_cmpuint(c.msgs->len, ==, 2);
    g_assert_cmpstr(c.msgs->pdata[1], ==, "ERR: JSON token size limit exceeded");
    g_assert_true(vireo_qmp_streamer_overflowed(big));
    g_ptr_array_unref(c.msgs);
}

static void
count_message(JsonNode *msg, const char *error_desc, void *opaque)
{
    g_autofree char *printed = msg ? vireo_qmp_json_to_string(msg) : NULL;
    g_assert_true(msg ? printed != NULL : error_desc != NULL);
    g_assert_true(!printed || g_utf8_validate(printed, -1, NULL));
    (*(guint *)opaque)++;
}

/* Random bytes biased towards JSON's own characters, in random chunks:
 * every message or error is reported, nothing crashes, output is UTF-8. */
static void
test_streamer_random(void)
{
    static const char alphabet[] = "{}[]\":,'\\ \n\tu0aeflnrstx19-.eE+\x80\xc3\xa9\xff";
    guint count = 0;
    g_autoptr(VireoQmpStreamer) s = vireo_qmp_streamer_new(4096, count_message, &count);
    g_autofree char *buf = g_malloc(1 << 16);
    for (guint round = 0; round < 64; round++) {
        for (guint i = 0; i < (1 << 16); i++)
            buf[i] = g_test_rand_int_range(0, 8) ? alphabet[g_test_rand_int_range(0, sizeof(alphabet) - 1)]
                                                 : (char)g_test_rand_int_range(0, 256);
        for (guint off = 0; off < (1 << 16);) {
            guint want = g_test_rand_int_range(1, 300);  /* MIN evaluates twice */
            guint n = MIN(want, (1u << 16) - off);
            vireo_qmp_streamer_feed(s, buf + off, n);
            off += n;
        }
    }
    vireo_qmp_streamer_flush(s);
    g_assert_cmpuint(count, >, 1000);
}

static const char test_schema[] =
    "{\"definitions\": ["
    " {\"enum\": \"Color\", \"data\": [\"red\", \"blue\"]},"
    " {\"struct\": \"Box\", \"data\": {\"w\": \"int\", \"*c\": \"Color\"}},"
    " {\"command\": \"paint\", \"data\": {\"box\": \"Box\", \"*colors\": [\"Color\"],"
    "   \"*n\": \"number\", \"*ok\": \"bool\", \"*any\": \"any\"}, \"returns\": \"Box\"}"
    "]}";

static void
assert_args(const VireoQmpSchema *schema, const char *args, const char *error)
{
    g_autoptr(JsonNode) n = parse(args);
    g_autofree char *got = vireo_qmp_schema_check_args(schema, "paint",
                                                       json_node_get_object(n));
    g_assert_cmpstr(got, ==, error);
}

static void
test_schema_args(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoQmpSchema) s = vireo_qmp_schema_new_from_data(test_schema, -1, &err);
    g_assert_no_error(err);
    assert_args(s, "{\"box\": {\"w\": 1}}", NULL);
    assert_args(s, "{\"box\": {\"w\": 1, \"c\": \"red\"}, \"colors\": [], \"n\": 1, "
                "\"ok\": true, \"any\": [null]}", NULL);
    assert_args(s, "{}", "Parameter 'box' is missing");
    assert_args(s, "{\"box\": {}}", "Parameter 'box.w' is missing");
    assert_args(s, "{\"box\": {\"w\": \"1\"}}",
                "Invalid parameter type for 'box.w', expected: integer");
    assert_args(s, "{\"box\": {\"w\": 1.5}}",
                "Invalid parameter type for 'box.w', expected: integer");
    assert_args(s, "{\"box\": {\"w\": 1, \"c\": \"green\"}}",
                "Parameter 'box.c' does not accept value 'green'");
    assert_args(s, "{\"box\": {\"w\": 1}, \"colors\": [\"red\", \"x\"]}",
                "Parameter 'null' does not accept value 'x'");
    assert_args(s, "{\"box\": {\"w\": 1}, \"colors\": [\"red\", 2]}",
                "Invalid parameter type for 'colors[1]', expected: string");
    assert_args(s, "{\"box\": {\"w\": 1}, \"n\": \"x\"}",
                "Invalid parameter type for 'n', expected: number");
    assert_args(s, "{\"box\": {\"w\": 1}, \"ok\": 1}",
                "Invalid parameter type for 'ok', expected: boolean");
    assert_args(s, "{\"box\": 3}", "Invalid parameter type for 'box', expected: object");
    assert_args(s, "{\"box\": {\"w\": 1, \"h\": 2}}", "Parameter 'box.h' is unexpected");
    assert_args(s, "{\"box\": {\"w\": 1}, \"zz\": 2}", "Parameter 'zz' is unexpected");
}

/* The server's checks on one message and the reply it writes for it. */
static void
assert_request(const char *msg, gboolean negotiated, gboolean oob, const char *reply)
{
    g_autoptr(JsonNode) n = parse(msg);
    g_auto(VireoQmpRequest) req = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) r = NULL;
    if (vireo_qmp_request_check(vireo_qmp_schema_get(), n, negotiated, oob, &req, &err)) {
        g_assert_no_error(err);
        g_assert_nonnull(req.args);
        r = vireo_qmp_reply_return_new(req.id, NULL);
    } else {
        g_assert_true(err && err->domain == VIREO_QMP_ERROR);
        r = vireo_qmp_reply_error_new(req.id, err->code, err->message);
    }
    g_autofree char *got = vireo_qmp_json_to_string(r);
    g_assert_cmpstr(got, ==, reply);
}

/* QEMU 7.2's replies to the same messages (docs/qmp.md, "Protocol"). */
static void
test_request_checks(void)
{
#define GENERIC(desc) "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" desc "\"}}"
#define NOT_FOUND(desc) "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"" desc "\"}}"
    assert_request("[]", TRUE, FALSE, GENERIC("QMP input must be a JSON object"));
    assert_request("{\"id\": 1}", TRUE, FALSE,
                   "{\"id\": 1, \"error\": {\"class\": \"GenericError\", "
                   "\"desc\": \"QMP input lacks member 'execute'\"}}");
    assert_request("{\"execute\": 1}", TRUE, FALSE,
                   GENERIC("QMP input member 'execute' must be a string"));
    assert_request("{\"execute\": \"stop\", \"arguments\": []}", TRUE, FALSE,
                   GENERIC("QMP input member 'arguments' must be an object"));
    assert_request("{\"execute\": \"stop\", \"foo\": 1}", TRUE, FALSE,
                   GENERIC("QMP input member 'foo' is unexpected"));
    assert_request("{\"exec-oob\": \"stop\"}", TRUE, FALSE,
                   GENERIC("QMP input member 'exec-oob' is unexpected"));
    assert_request("{\"exec-oob\": \"stop\"}", TRUE, TRUE,
                   GENERIC("The command stop does not support OOB"));
    assert_request("{\"execute\": \"stop\", \"exec-oob\": \"stop\"}", TRUE, TRUE,
                   GENERIC("QMP input member 'execute' clashes with 'exec-oob'"));
    assert_request("{\"execute\": \"stop\"}", FALSE, FALSE,
                   NOT_FOUND("Expecting capabilities negotiation with 'qmp_capabilities'"));
    assert_request("{\"execute\": \"nope\"}", TRUE, FALSE,
                   NOT_FOUND("The command nope has not been found"));
    assert_request("{\"execute\": \"stop\", \"arguments\": {\"x\": 1}}", TRUE, FALSE,
                   GENERIC("Parameter 'x' is unexpected"));
    assert_request("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"x\"]}}",
                   FALSE, FALSE, GENERIC("Parameter 'null' does not accept value 'x'"));
    assert_request("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]},"
                   " \"id\": {\"a\": [2]}}", FALSE, FALSE,
                   "{\"return\": {}, \"id\": {\"a\": [2]}}");
    assert_request("{\"execute\": \"query-status\", \"id\": \"s\"}", TRUE, TRUE,
                   "{\"return\": {}, \"id\": \"s\"}");
#undef GENERIC
#undef NOT_FOUND
}

/* The built-in schema is split and its definitions parsed on demand: each
 * one the same as in the whole document parsed with JsonParser, every name
 * and the command order the same; and the split's edges. */
static void
test_schema_lazy(void)
{
    const char *dir = g_getenv("VIREO_SCHEMADIR");
    g_autofree char *path = g_build_filename(dir ? dir : "schemas", "qmp.json", NULL);
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;
    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    g_autoptr(VireoQmpSchema) whole = vireo_qmp_schema_new_from_data(text, len, &err);
    g_assert_no_error(err);
    g_autoptr(VireoQmpSchema) lazy = vireo_qmp_schema_new_lazy(text, len, &err);
    g_assert_no_error(err);
    JsonArray *defs = json_object_get_array_member(
        json_node_get_object(vireo_qmp_schema_root(whole)), "definitions");
    static const char *const kinds[] = { "command", "event", "struct", "enum" };
    guint checked = 0;
    for (guint i = 0; i < json_array_get_length(defs); i++) {
        JsonObject *def = json_array_get_object_element(defs, i);
        for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
            const char *name = json_object_get_string_member_with_default(def, kinds[k], NULL);
            if (!name)
                continue;
            g_autoptr(JsonNode) want = json_node_init_object(json_node_alloc(), def);
            JsonObject *got_obj = vireo_qmp_schema_lookup(lazy, name);
            g_assert_nonnull(got_obj);
            g_autoptr(JsonNode) got = json_node_init_object(json_node_alloc(), got_obj);
            g_assert_true(json_node_equal(got, want));
            g_assert_cmpint(vireo_qmp_schema_has_command(lazy, name), ==,
                            vireo_qmp_schema_has_command(whole, name));
            g_assert_cmpint(vireo_qmp_schema_has_event(lazy, name), ==,
                            vireo_qmp_schema_has_event(whole, name));
            checked++;
        }
    }
    g_assert_cmpuint(checked, >, 40);
    g_autoptr(JsonNode) lw = vireo_qmp_schema_command_list(whole);
    g_autoptr(JsonNode) ll = vireo_qmp_schema_command_list(lazy);
    g_assert_true(json_node_equal(lw, ll));
    g_assert_true(json_node_equal(vireo_qmp_schema_root(whole), vireo_qmp_schema_root(lazy)));
    g_autoptr(JsonNode) iw = vireo_qmp_schema_introspect(whole);
    g_autoptr(JsonNode) il = vireo_qmp_schema_introspect(lazy);
    g_assert_true(json_node_equal(iw, il));

    /* Split, then parsed on demand: names, escapes in strings, scalars. */
    const char *doc =
        "{ \"x\": 1, \"definitions\": [ {\"enum\": \"E\", \"data\": [\"a\\\"}\", \"b\"]},\n"
        "  {\"command\": \"c\", \"data\": {\"*n\": \"int\", \"e\": \"E\"}} ], \"y\": [true, null] }";
    g_autoptr(VireoQmpSchema) small = vireo_qmp_schema_new_lazy(doc, -1, &err);
    g_assert_no_error(err);
    g_assert_true(vireo_qmp_schema_has_command(small, "c"));
    g_autoptr(JsonNode) args = parse("{\"e\": \"a\\\"}\"}");
    g_autofree char *ok = vireo_qmp_schema_check_args(small, "c", json_node_get_object(args));
    g_assert_null(ok);
    g_autoptr(JsonNode) bad = parse("{\"e\": \"z\"}");
    g_autofree char *no = vireo_qmp_schema_check_args(small, "c", json_node_get_object(bad));
    g_assert_cmpstr(no, ==, "Parameter 'e' does not accept value 'z'");
    /* A definition whose kind is not its first member: parsed whole. */
    g_autoptr(VireoQmpSchema) other = vireo_qmp_schema_new_lazy(
        "{\"definitions\": [{\"data\": {}, \"command\": \"d\"}]}", -1, &err);
    g_assert_no_error(err);
    g_assert_true(vireo_qmp_schema_has_command(other, "d"));
    g_assert_nonnull(vireo_qmp_schema_lookup(other, "d"));
    /* Not a schema: the error of the whole parse. */
    g_assert_null(vireo_qmp_schema_new_lazy("{\"definitions\": [", -1, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_null(vireo_qmp_schema_new_lazy("[]", -1, &err));
    g_assert_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* Every command the schema declares has a handler, and no handler hides
 * outside the schema (query-commands would not show it). */
static void
test_commands_match_schema(void)
{
    const VireoQmpSchema *schema = vireo_qmp_schema_get();
    g_autoptr(JsonNode) list = vireo_qmp_schema_command_list(schema);
    JsonArray *arr = json_node_get_array(list);
    guint n = 0;
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        const char *name = json_object_get_string_member(
            json_array_get_object_element(arr, i), "name");
        g_autoptr(JsonObject) none = json_object_new();
        g_autofree char *bad = vireo_qmp_schema_check_args(schema, name, none);
        g_assert_nonnull(vireo_qmp_command_lookup(name));
        g_assert_null(bad);     /* no vireo command has a required argument */
    }
    for (const VireoQmpCommand *c = vireo_qmp_commands; c->name; c++, n++)
        g_assert_true(vireo_qmp_schema_has_command(schema, c->name));
    g_assert_cmpuint(n, ==, json_array_get_length(arr));
    g_assert_cmpuint(n, >=, 20);
    g_assert_true(vireo_qmp_schema_has_event(schema, "SHUTDOWN"));
}

static void
test_introspect(void)
{
    g_autoptr(JsonNode) info = vireo_qmp_schema_introspect(vireo_qmp_schema_get());
    JsonArray *arr = json_node_get_array(info);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < json_array_get_length(arr); i++)
        g_hash_table_add(names, (char *)json_object_get_string_member(
                             json_array_get_object_element(arr, i), "name"));
    g_assert_true(g_hash_table_contains(names, "0"));
    g_assert_true(g_hash_table_contains(names, "query-status"));
    g_assert_true(g_hash_table_contains(names, "RESET"));
    /* Every referenced type is itself described. */
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *e = json_array_get_object_element(arr, i);
        const char *keys[] = { "arg-type", "ret-type", "element-type" };
        for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
            if (json_object_has_member(e, keys[k]))
                g_assert_true(g_hash_table_contains(
                    names, json_object_get_string_member(e, keys[k])));
        }
    }
}

static void
assert_bad_spec(const char *spec, const char *needle)
{
    g_autoptr(GError) err = NULL;
    g_assert_null(vireo_qmp_server_new(NULL, spec, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, needle));
}

static void
test_spec(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-qmp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    g_autoptr(GError) err = NULL;
    struct stat st;
    assert_bad_spec("tcp:localhost:4444", "tcp:localhost:4444");
    assert_bad_spec("unix:", "unix:PATH");
    assert_bad_spec("unix:/tmp/x.sock,wait=on", "wait=on");
    assert_bad_spec("unix:/tmp/x.sock,server=off", "server=off");
    assert_bad_spec("unix:/tmp/x.sock,reconnect=1", "reconnect=1");
    VireoQmpServer *s = vireo_qmp_server_new(NULL, spec, &err);
    g_assert_no_error(err);
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_true(S_ISSOCK(st.st_mode));
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    vireo_qmp_server_free(s);
    g_assert_cmpint(stat(path, &st), ==, -1);       /* removed at exit */
    rmdir(dir);
}

/* ---- a round trip through a real socket, on this thread's main loop ---- */

static int
connect_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    return fd;
}

/* Runs the main loop until fd has a whole line; returns it without CRLF,
 * or NULL once the connection is closed or after 5 s. */
static char *
read_line(int fd, GString *buf)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    char *nl;
    while (!(nl = strstr(buf->str, "\r\n"))) {
        char tmp[4096];
        ssize_t n = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT);
        if (n > 0)
            g_string_append_len(buf, tmp, n);
        else if (n == 0 || (errno != EAGAIN && errno != EINTR)   /* closed, reset */
                 || g_get_monotonic_time() > deadline)
            return NULL;
        else
            g_main_context_iteration(NULL, FALSE);
    }
    char *line = g_strndup(buf->str, nl - buf->str);
    g_string_erase(buf, 0, nl - buf->str + 2);
    return line;
}

static void
send_str(int fd, const char *s)
{
    g_assert_cmpint(send(fd, s, strlen(s), MSG_NOSIGNAL), ==, (ssize_t)strlen(s));
}

/* A QMP server for vmm (NULL: not attached yet) on s.sock in a new
 * temporary directory; *dir and *path are the caller's to free. */
static VireoQmpServer *
server_in_tmp(VireoVmm *vmm, char **dir, char **path)
{
    g_autoptr(GError) err = NULL;
    *dir = g_dir_make_tmp("vireo-qmp-XXXXXX", NULL);
    *path = g_build_filename(*dir, "s.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s", *path);
    VireoQmpServer *server = vireo_qmp_server_new(vmm, spec, &err);
    g_assert_no_error(err);
    return server;
}

/* A real VMM, its QMP server on a fresh socket and two clients that have
 * read the greeting; FALSE, with the test marked skipped by
 * real_vmm_new(), without a usable /dev/kvm. */
typedef struct {
    char *dir;
    VireoVmm *vmm;
    VireoQmpServer *server;
    int a, b;
    GString *ba, *bb;
} TwoClients;

static gboolean
two_clients_open(TwoClients *t, guint vcpus)
{
    g_autofree char *path = NULL;
    *t = (TwoClients) { .a = -1, .b = -1 };
    if (!(t->vmm = real_vmm_new(vcpus)))
        return FALSE;
    t->server = server_in_tmp(t->vmm, &t->dir, &path);
    t->ba = g_string_new(NULL);
    t->bb = g_string_new(NULL);
    t->a = connect_unix(path);
    t->b = connect_unix(path);
    g_free(read_line(t->a, t->ba));
    g_free(read_line(t->b, t->bb));
    return TRUE;
}

static void
two_clients_close(TwoClients *t)
{
    if (t->a >= 0)
        close(t->a);
    if (t->b >= 0)
        close(t->b);
    g_clear_pointer(&t->server, vireo_qmp_server_free);     /* removes the socket */
    g_clear_pointer(&t->vmm, vireo_vmm_free);
    if (t->dir)
        rmdir(t->dir);
    g_clear_pointer(&t->dir, g_free);
    if (t->ba)
        g_string_free(t->ba, TRUE);
    if (t->bb)
        g_string_free(t->bb, TRUE);
}

static void
test_round_trip(void)
{
    TwoClients t;
    if (!two_clients_open(&t, 2))
        return;
    int a = t.a, b = t.b;
    GString *ba = t.ba, *bb = t.bb;
    VireoVmm *vmm = t.vmm;
    send_str(a, "{\"execute\": \"qmp_capabilities\"}");
    g_autofree char *r1 = read_line(a, ba);
    g_assert_cmpstr(r1, ==, "{\"return\": {}}");
    send_str(a, "{\"execute\": \"cont\", \"id\": 1}\n");
    g_autofree char *ev = read_line(a, ba);
    g_autofree char *r2 = read_line(a, ba);
    g_assert_true(g_str_has_suffix(ev, "\"event\": \"RESUME\"}"));
    g_assert_cmpstr(r2, ==, "{\"return\": {}, \"id\": 1}");
    g_assert_cmpint(vireo_vmm_get_state(vmm), ==, VIREO_RUN_STATE_RUNNING);
    /* b never negotiated: no RESUME for it, only the reply to its command. */
    send_str(b, "{\"execute\": \"query-cpus-fast\"}\n");
    g_autofree char *r3 = read_line(b, bb);
    g_assert_cmpstr(r3, ==, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                    "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}");
    close(b);
    t.b = -1;
    send_str(a, "{\"execute\": \"query-cpus-fast\"}\n");
    g_autofree char *r4 = read_line(a, ba);
    g_assert_nonnull(strstr(r4, "\"qom-path\": \"/machine/unattached/device[1]\""));
    send_str(a, "{\"execute\": \"quit\"}\n");
    g_autofree char *r5 = read_line(a, ba);
    g_autofree char *r6 = read_line(a, ba);
    g_assert_nonnull(strstr(r5, "\"event\": \"SHUTDOWN\""));
    g_assert_cmpstr(r6, ==, "{\"return\": {}}");
    two_clients_close(&t);
}

/* Once quit has ended the VMM, nothing more is answered, as in QEMU 7.2
 * (its main loop is left before the next request is read): commands
 * written after quit in the same write, or by another client, get no
 * reply rather than "succeeding" on a VM that is going away. vireo used
 * to run them (found by tests/qmp/stress.py and checked against QEMU). */
static void
test_nothing_after_quit(void)
{
    TwoClients t;
    if (!two_clients_open(&t, 1))
        return;
    int a = t.a, b = t.b;
    GString *ba = t.ba, *bb = t.bb;
    VireoVmm *vmm = t.vmm;
    send_str(a, "{\"execute\": \"qmp_capabilities\"}");
    g_free(read_line(a, ba));
    send_str(b, "{\"execute\": \"qmp_capabilities\"}");
    g_free(read_line(b, bb));
    /* One write: quit, then three more. */
    send_str(a, "{\"execute\": \"quit\", \"id\": 1}{\"execute\": \"query-status\", \"id\": 2}"
             "{\"execute\": \"system_reset\", \"id\": 3}{\"execute\": \"cont\", \"id\": 4}\n");
    g_autofree char *ev = read_line(a, ba);
    g_autofree char *r1 = read_line(a, ba);
    g_assert_nonnull(strstr(ev, "\"event\": \"SHUTDOWN\""));
    g_assert_cmpstr(r1, ==, "{\"return\": {}, \"id\": 1}");
    /* b still gets SHUTDOWN; its command after the end gets nothing. */
    g_autofree char *evb = read_line(b, bb);
    g_assert_nonnull(strstr(evb, "\"event\": \"SHUTDOWN\""));
    send_str(b, "{\"execute\": \"query-status\", \"id\": 5}\n");
    /* The server answers (or not) in the callback that reads the input:
     * once the loop is idle, whatever it wrote is there to read. */
    for (int i = 0; i < 100; i++)
        g_main_context_iteration(NULL, FALSE);
    char extra[256];
    g_assert_cmpstr(ba->str, ==, "");
    g_assert_cmpstr(bb->str, ==, "");
    g_assert_cmpint(recv(a, extra, sizeof(extra), MSG_DONTWAIT), ==, -1);
    g_assert_cmpint(recv(b, extra, sizeof(extra), MSG_DONTWAIT), ==, -1);
    g_assert_cmpint(vireo_vmm_get_state(vmm), ==, VIREO_RUN_STATE_SHUTDOWN);
    two_clients_close(&t);
}

/* A server made before its VMM (vireo-vmm listens before the build):
 * vireo_qmp_server_greet_waiting() greets clients in the backlog at once,
 * without the main loop, as vireo-vmm does between the build's steps;
 * what they send is read and answered only once the server is attached to
 * the VMM. */
typedef struct {
    VireoQmpServer *server;
    int late;                   /* a client that connects during the build */
    const char *path;
    guint steps;
} Building;

static void
building_progress(gpointer opaque)
{
    Building *b = opaque;
    if (b->steps++ == 0)
        b->late = connect_unix(b->path);
    vireo_qmp_server_greet_waiting(b->server);
}

static void
test_greet_before_attach(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GString) ba = g_string_new(NULL);
    g_autoptr(GString) bl = g_string_new(NULL);
    Building b = { .late = -1 };
    b.server = server_in_tmp(NULL, &dir, &path);
    b.path = path;
    int a = connect_unix(path);
    vireo_qmp_server_greet_waiting(b.server);
    /* Written already: no main loop ran. */
    char buf[512];
    ssize_t n = recv(a, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    g_assert_cmpint(n, >, 0);
    buf[n] = 0;
    g_assert_true(g_str_has_prefix(buf, "{\"QMP\": {\"version\": {\"qemu\": {"));
    g_assert_true(g_str_has_suffix(buf, "\"capabilities\": [\"oob\"]}}\r\n"));
    /* Not read before there is a VMM to answer for. */
    send_str(a, "{\"execute\": \"qmp_capabilities\"}{\"execute\": \"query-status\"}");
    for (int i = 0; i < 100; i++)
        g_main_context_iteration(NULL, FALSE);
    g_assert_cmpint(recv(a, buf, sizeof(buf), MSG_DONTWAIT), ==, -1);
    VireoVmm *vmm = real_vmm_new_with_progress(1, building_progress, &b);
    if (!vmm) {
        close(a);
        vireo_qmp_server_free(b.server);
        rmdir(dir);
        return;
    }
    /* Called after each of the six steps; the client that connected in
     * the first call, while the VM was being built, was greeted by it. */
    g_assert_cmpuint(b.steps, ==, 6);
    n = recv(b.late, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    g_assert_cmpint(n, >, 0);
    buf[n] = 0;
    g_assert_true(g_str_has_prefix(buf, "{\"QMP\": "));
    g_assert_cmpint(recv(a, buf, sizeof(buf), MSG_DONTWAIT), ==, -1);
    vireo_qmp_server_attach(b.server, vmm);
    g_autofree char *r1 = read_line(a, ba);
    g_autofree char *r2 = read_line(a, ba);
    g_assert_cmpstr(r1, ==, "{\"return\": {}}");
    g_assert_cmpstr(r2, ==, "{\"return\": {\"status\": \"prelaunch\", "
                    "\"singlestep\": false, \"running\": false}}");
    send_str(b.late, "{\"execute\": \"query-name\"}");
    g_autofree char *r3 = read_line(b.late, bl);
    g_assert_cmpstr(r3, ==, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                    "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}");
    close(a);
    close(b.late);
    vireo_qmp_server_free(b.server);
    vireo_vmm_free(vmm);
    rmdir(dir);
}

/* The build failed after a client was greeted: vireo-vmm frees the server
 * unattached; the client reads the end of the connection, and the socket
 * is gone. */
static void
test_greeted_then_build_failed(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GString) ba = g_string_new(NULL);
    VireoQmpServer *server = server_in_tmp(NULL, &dir, &path);
    int a = connect_unix(path);
    vireo_qmp_server_greet_waiting(server);
    send_str(a, "{\"execute\": \"qmp_capabilities\"}");
    g_autofree char *greeting = read_line(a, ba);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    vireo_qmp_server_free(server);
    g_assert_null(read_line(a, ba));        /* closed, nothing more */
    g_assert_cmpstr(ba->str, ==, "");
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    close(a);
    rmdir(dir);
}

/* query-machines / query-cpu-definitions read src/machine's registered
 * GObject types: the default i440fx with alias "pc", and qemu64. */
static void
test_machine_queries(void)
{
    VireoQmpContext ctx = { 0 };
    g_autoptr(JsonObject) none = json_object_new();
    vireo_types_init();
    g_autoptr(JsonNode) m = vireo_qmp_cmd_query_machines(&ctx, none, NULL);
    g_autoptr(JsonNode) c = vireo_qmp_cmd_query_cpu_definitions(&ctx, none, NULL);
    g_autofree char *ms = vireo_qmp_json_to_string(m);
    g_autofree char *cs = vireo_qmp_json_to_string(c);
    JsonArray *machines = json_node_get_array(m);
    guint defaults = 0;
    gboolean pc = FALSE;
    g_assert_cmpuint(json_array_get_length(machines), >, 2);
    for (guint i = 0; i < json_array_get_length(machines); i++) {
        JsonObject *o = json_array_get_object_element(machines, i);
        g_assert_true(json_object_has_member(o, "cpu-max"));
        defaults += json_object_get_boolean_member_with_default(o, "is-default", FALSE);
        pc |= g_strcmp0(json_object_get_string_member_with_default(o, "alias", NULL), "pc") == 0;
    }
    g_assert_cmpuint(defaults, ==, 1);
    g_assert_true(pc);
    g_assert_nonnull(strstr(cs, "{\"name\": \"qemu64\", "));
    g_assert_nonnull(strstr(cs, "\"typename\": \"qemu64-x86_64-cpu\""));
    g_assert_null(strstr(ms, "\"name\": \"VireoMachine"));     /* no abstract families */
}

/* Bytes in use on the heap (GSlice takes its slabs from it, so a leaked
 * JsonObject shows here whether or not G_SLICE=always-malloc). */
static gsize
heap_in_use(void)
{
    return mallinfo2().uordblks;
}

/* A reply built and freed gives back everything: json_node_init_object()
 * and json_node_init_array() take a reference of their own, and the
 * handlers' and the server's own reference to the reply's object leaked
 * (a few hundred bytes per command, for as long as vireo-vmm runs). */
static void
test_replies_no_leak(void)
{
    static const char *const names[] = {
        "query-version", "query-block", "query-vnc", "query-machines",
        "query-cpu-definitions", "query-qmp-schema",
    };
    VireoQmpContext ctx = { 0 };
    g_autoptr(JsonObject) none = json_object_new();
    gsize before = 0;
    vireo_types_init();
    for (guint round = 0; round < 51; round++) {
        if (round == 1)             /* after the first: caches, the schema */
            before = heap_in_use();
        for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
            g_autoptr(GError) err = NULL;
            g_autoptr(JsonNode) ret = vireo_qmp_command_lookup(names[i])->fn(&ctx, none, &err);
            g_assert_no_error(err);
            g_autoptr(JsonNode) reply = vireo_qmp_reply_return_new(NULL, ret);
            g_autoptr(JsonNode) empty = vireo_qmp_reply_return_new(NULL, NULL);
        }
    }
    gsize after = heap_in_use();
    /* Leaking, 50 rounds took about 17 MB. */
    g_assert_cmpuint(after, <, before + 256 * 1024);
}

/* Every command's real reply has the shape schemas/qmp.json declares, and
 * every example in the schema is a well-formed exchange for its command. */
static void
test_replies_match_schema(void)
{
    const VireoQmpSchema *schema = vireo_qmp_schema_get();
    g_autoptr(VireoVmm) vmm = real_vmm_new(4);
    if (!vmm)
        return;
    VireoQmpContext ctx = { vmm, NULL, NULL };
    JsonArray *defs = json_object_get_array_member(
        json_node_get_object(vireo_qmp_schema_root(schema)), "definitions");
    guint checked = 0;
    vireo_types_init();
    for (guint i = 0; i < json_array_get_length(defs); i++) {
        JsonObject *def = json_array_get_object_element(defs, i);
        const char *name = json_object_get_string_member_with_default(def, "command", NULL);
        if (!name)
            continue;
        JsonArray *ex = json_object_get_array_member(def, "example");
        JsonObject *req = json_object_get_object_member(json_array_get_object_element(ex, 0), "->");
        JsonObject *rsp = json_object_get_object_member(
            json_array_get_object_element(ex, json_array_get_length(ex) - 1), "<-");
        g_autofree char *bad_ex = vireo_qmp_schema_check_return(
            schema, name, json_object_get_member(rsp, "return"));
        g_assert_cmpstr(json_object_get_string_member(req, "execute"), ==, name);
        g_assert_cmpstr(bad_ex, ==, NULL);
        if (g_str_equal(name, "qmp_capabilities") || g_str_equal(name, "quit"))
            continue;       /* need a client / end the loop */
        g_autoptr(JsonObject) none = json_object_new();
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) ret = vireo_qmp_command_lookup(name)->fn(&ctx, none, &err);
        g_assert_no_error(err);
        g_autofree char *bad = vireo_qmp_schema_check_return(schema, name, ret);
        if (bad)
            g_error("%s: %s", name, bad);
        checked++;
    }
    g_assert_cmpuint(checked, >=, 18);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/writer", test_writer);
    g_test_add_func("/qmp/streamer/framing", test_streamer_framing);
    g_test_add_func("/qmp/streamer/errors", test_streamer_errors);
    g_test_add_func("/qmp/streamer/limits", test_streamer_limits);
    g_test_add_func("/qmp/streamer/noncharacters", test_streamer_noncharacters);
    g_test_add_func("/qmp/streamer/random", test_streamer_random);
    g_test_add_func("/qmp/schema/args", test_schema_args);
    g_test_add_func("/qmp/schema/lazy", test_schema_lazy);
    g_test_add_func("/qmp/schema/commands", test_commands_match_schema);
    g_test_add_func("/qmp/schema/introspect", test_introspect);
    g_test_add_func("/qmp/request/checks", test_request_checks);
    g_test_add_func("/qmp/server/spec", test_spec);
    g_test_add_func("/qmp/server/round-trip", test_round_trip);
    g_test_add_func("/qmp/server/nothing-after-quit", test_nothing_after_quit);
    g_test_add_func("/qmp/server/greet-before-attach", test_greet_before_attach);
    g_test_add_func("/qmp/server/greeted-then-build-failed", test_greeted_then_build_failed);
    g_test_add_func("/qmp/commands/machines", test_machine_queries);
    g_test_add_func("/qmp/commands/replies", test_replies_match_schema);
    g_test_add_func("/qmp/commands/no-leak", test_replies_no_leak);
    return g_test_run();
}
