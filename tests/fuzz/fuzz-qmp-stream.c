/* libFuzzer target: bytes as they arrive on a QMP socket, through what
 * vireo-vmm does with them short of running a command (which needs a VM):
 * the streamer fed in chunks, the server's request checks
 * (vireo_qmp_request_check) against the built-in schema in each session
 * state and against a schema with every kind of type, and the reply each
 * message gets, printed. Every input must end in replies, with no crash,
 * leak or undefined behaviour (built with -fsanitize=fuzzer,address,undefined
 * by tests/qmp.mk; run with G_SLICE=always-malloc by tests/fuzz-qmp.sh so
 * that a leaked JsonNode or JsonObject reaches LeakSanitizer), and:
 * - the streamer gives the same messages however the input is split;
 * - a reply is one line of ASCII, and read back it is one message;
 * - a message, printed and read back, is the same (what vireo-vmm echoes
 *   as "id", a client reading it with vireo's parser gets back). */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qmp/qmp-private.h"
#include "qmp/qmp-json.h"
#include "qmp/qmp-schema.h"

/* vireo-vmm allows VIREO_QMP_MAX_MESSAGE (1 MiB) per message; inputs that
 * long would make each run slow, so the limit here is small enough for
 * -max_len to reach the "JSON token size limit exceeded" path. */
#define FUZZ_MAX_MESSAGE 4096

/* Every kind of argument type the checks know: builtins, enums, structs,
 * lists of each, an inline struct, recursion, a type the schema lacks. */
static const char rich_schema_text[] =
    "{\"definitions\": ["
    " {\"enum\": \"Color\", \"data\": [\"red\", \"green\", \"blue\"]},"
    " {\"struct\": \"Point\", \"data\": {\"x\": \"int\", \"y\": \"int\", \"*label\": \"str\"}},"
    " {\"struct\": \"Tree\", \"data\": {\"name\": \"str\", \"*children\": [\"Tree\"],"
    "   \"*color\": \"Color\", \"*extra\": \"any\"}},"
    " {\"command\": \"qmp_capabilities\", \"data\": {\"*enable\": [\"Color\"]}},"
    " {\"command\": \"fuzz-scalars\", \"data\": {\"s\": \"str\", \"i\": \"int\","
    "   \"n\": \"number\", \"b\": \"bool\", \"*z\": \"null\", \"*a\": \"any\"}},"
    " {\"command\": \"fuzz-nested\", \"data\": {\"*p\": \"Point\", \"*pts\": [\"Point\"],"
    "   \"*colors\": [\"Color\"], \"*inline\": {\"k\": \"str\", \"*v\": [\"int\"]},"
    "   \"*tree\": \"Tree\", \"*mystery\": \"NoSuchType\"}},"
    " {\"command\": \"fuzz-empty\"}"
    "]}";

static VireoQmpSchema *rich_schema;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autoptr(GError) err = NULL;
    /* GSlice keeps freed and leaked slices alike in its own magazines:
     * json-glib's nodes and objects are slices, and only with GSlice off
     * does LeakSanitizer see one leaked. It is read before main(). */
    if (g_strcmp0(g_getenv("G_SLICE"), "always-malloc") != 0)
        fprintf(stderr, "fuzz-qmp-stream: G_SLICE=always-malloc is not set: "
                "leaked JSON nodes will not be reported\n");
    g_log_set_default_handler(quiet_log, NULL);
    rich_schema = vireo_qmp_schema_new_lazy(rich_schema_text, -1, &err);
    if (!rich_schema) {
        fprintf(stderr, "fuzz schema: %s\n", err->message);
        abort();
    }
    vireo_qmp_schema_get();     /* loaded once, as in vireo-vmm */
    return 0;
}

/* ---- properties ----------------------------------------------------------- */

/* Doubles the writer prints as QEMU does but no JSON reader takes back as
 * the same value: inf and nan (printed as such), -0 (printed "-0", an
 * integer when read). */
static gboolean
reprintable(JsonNode *node)
{
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT: {
        g_autoptr(GList) members = json_object_get_values(json_node_get_object(node));
        for (GList *l = members; l; l = l->next)
            if (!reprintable(l->data))
                return FALSE;
        return TRUE;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *arr = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(arr); i++)
            if (!reprintable(json_array_get_element(arr, i)))
                return FALSE;
        return TRUE;
    }
    case JSON_NODE_VALUE:
        if (json_node_get_value_type(node) == G_TYPE_DOUBLE) {
            double d = json_node_get_double(node);
            return isfinite(d) && !(d == 0 && signbit(d));
        }
        return TRUE;
    default:
        return TRUE;
    }
}

typedef struct {
    guint count;
    gboolean error;
    JsonNode *last;         /* the last message */
} ReadBack;

static void
read_back_one(JsonNode *msg, const char *error_desc, void *opaque)
{
    ReadBack *rb = opaque;
    rb->count++;
    rb->error |= msg == NULL;
    g_clear_pointer(&rb->last, json_node_unref);
    rb->last = msg ? json_node_ref(msg) : NULL;
}

/* text through a fresh streamer of vireo-vmm's size; free rb.last. */
static ReadBack
read_back(const char *text)
{
    ReadBack rb = { 0 };
    g_autoptr(VireoQmpStreamer) s = vireo_qmp_streamer_new(VIREO_QMP_MAX_MESSAGE,
                                                           read_back_one, &rb);
    vireo_qmp_streamer_feed(s, text, strlen(text));
    vireo_qmp_streamer_flush(s);
    return rb;
}

static void G_GNUC_NORETURN
fail(const char *what, const char *text)
{
    fprintf(stderr, "fuzz-qmp-stream: %s: %s\n", what, text);
    abort();
}

/* ---- the server's path ---------------------------------------------------- */

typedef struct {
    GString *transcript;    /* replies, as vireo-vmm would write them */
    guint replies;
    gboolean reprintable;   /* no reply holds a number that prints oddly */
    GString *messages;      /* what the streamer delivered, printed */
    gboolean dropped;       /* vireo-vmm would have dropped the client */
    VireoQmpStreamer *streamer;
} Session;

/* What vireo-vmm writes for one reply: ASCII only (the writer escapes the
 * rest); the transcript is read back as a whole at the end. */
static void
check_reply(Session *s, JsonNode *reply)
{
    g_autofree char *text = vireo_qmp_json_to_string(reply);
    for (const char *p = text; *p; p++)
        if ((guchar)*p < 0x20 || (guchar)*p >= 0x7F)
            fail("reply is not printable ASCII", text);
    s->reprintable &= reprintable(reply);
    s->replies++;
    g_string_append(s->transcript, text);
    g_string_append(s->transcript, "\r\n");
}

/* Each reply is one message to a reader. The "desc" of an error may quote
 * input the parser refused, so only the framing is checked. */
static void
check_transcript(Session *s)
{
    if (!s->reprintable)
        return;
    ReadBack rb = read_back(s->transcript->str);
    g_clear_pointer(&rb.last, json_node_unref);
    if (rb.count != s->replies)
        fail("the replies do not read back one message each", s->transcript->str);
}

/* b is a read back as what a printed: the same tree, members in any order
 * (QEMU's print order depends on the order members were added in), a
 * double with an integral value may come back as the integer it printed
 * as, nothing else changes type. */
static gboolean
same_tree(JsonNode *a, JsonNode *b)
{
    if (JSON_NODE_TYPE(a) != JSON_NODE_TYPE(b))
        return FALSE;
    if (JSON_NODE_HOLDS_OBJECT(a)) {
        JsonObject *oa = json_node_get_object(a), *ob = json_node_get_object(b);
        g_autoptr(GList) names = json_object_get_members(oa);
        if (json_object_get_size(oa) != json_object_get_size(ob))
            return FALSE;
        for (GList *l = names; l; l = l->next) {
            JsonNode *mb = json_object_get_member(ob, l->data);
            if (!mb || !same_tree(json_object_get_member(oa, l->data), mb))
                return FALSE;
        }
        return TRUE;
    }
    if (JSON_NODE_HOLDS_ARRAY(a)) {
        JsonArray *aa = json_node_get_array(a), *ab = json_node_get_array(b);
        if (json_array_get_length(aa) != json_array_get_length(ab))
            return FALSE;
        for (guint i = 0; i < json_array_get_length(aa); i++)
            if (!same_tree(json_array_get_element(aa, i), json_array_get_element(ab, i)))
                return FALSE;
        return TRUE;
    }
    if (JSON_NODE_HOLDS_NULL(a))
        return TRUE;
    GType ta = json_node_get_value_type(a), tb = json_node_get_value_type(b);
    if (ta == G_TYPE_DOUBLE && tb == G_TYPE_INT64)
        return json_node_get_double(a) == (double)json_node_get_int(b);
    if (ta != tb)
        return FALSE;
    if (ta == G_TYPE_INT64)
        return json_node_get_int(a) == json_node_get_int(b);
    if (ta == G_TYPE_DOUBLE)
        return json_node_get_double(a) == json_node_get_double(b);
    if (ta == G_TYPE_BOOLEAN)
        return json_node_get_boolean(a) == json_node_get_boolean(b);
    return g_str_equal(json_node_get_string(a), json_node_get_string(b));
}

/* A message the parser accepted, printed and parsed again, is the same
 * (what vireo-vmm echoes as "id" is what the client sent). */
static void
check_message(JsonNode *msg)
{
    if (!reprintable(msg))
        return;
    g_autofree char *text = vireo_qmp_json_to_string(msg);
    ReadBack rb = read_back(text);
    g_autoptr(JsonNode) back = rb.last;
    if (rb.count != 1 || rb.error)
        fail("message does not read back", text);
    if (!same_tree(msg, back)) {
        g_autofree char *again = vireo_qmp_json_to_string(back);
        fail("message reads back as another", again);
    }
}

static void
reply_to_request(Session *s, const VireoQmpSchema *schema, JsonNode *msg,
                 gboolean negotiated, gboolean oob)
{
    g_auto(VireoQmpRequest) req = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) reply = NULL;
    if (vireo_qmp_request_check(schema, msg, negotiated, oob, &req, &err)) {
        if (!req.command || !req.args)
            fail("accepted request without a command or arguments", "");
        /* What a command that returns nothing gets; running it needs a VM. */
        reply = vireo_qmp_reply_return_new(req.id, NULL);
    } else {
        if (!err || err->domain != VIREO_QMP_ERROR)
            fail("refused request without a QMP error", "");
        reply = vireo_qmp_reply_error_new(req.id, err->code, err->message);
    }
    check_reply(s, reply);
}

static void
on_message(JsonNode *msg, const char *error_desc, void *opaque)
{
    Session *s = opaque;
    if (s->dropped)         /* vireo-vmm reads no further from this client */
        return;
    if (!msg) {
        g_autoptr(JsonNode) reply = vireo_qmp_reply_error_new(NULL, VIREO_QMP_ERROR_GENERIC,
                                                              error_desc);
        g_string_append_printf(s->messages, "error: %s\n", error_desc);
        check_reply(s, reply);
        s->dropped = vireo_qmp_streamer_overflowed(s->streamer);
        return;
    }
    g_autofree char *printed = vireo_qmp_json_to_string(msg);
    g_string_append_printf(s->messages, "%s\n", printed);
    check_message(msg);
    /* Before negotiation, after it, after it with "oob" enabled. */
    reply_to_request(s, vireo_qmp_schema_get(), msg, FALSE, FALSE);
    reply_to_request(s, vireo_qmp_schema_get(), msg, TRUE, FALSE);
    reply_to_request(s, vireo_qmp_schema_get(), msg, TRUE, TRUE);
    reply_to_request(s, rich_schema, msg, TRUE, FALSE);
}

/* Only what the streamer delivers, for the comparison of splits. */
static void
on_message_only(JsonNode *msg, const char *error_desc, void *opaque)
{
    Session *s = opaque;
    if (s->dropped)
        return;
    if (!msg) {
        g_string_append_printf(s->messages, "error: %s\n", error_desc);
        s->dropped = vireo_qmp_streamer_overflowed(s->streamer);
        return;
    }
    g_autofree char *printed = vireo_qmp_json_to_string(msg);
    g_string_append_printf(s->messages, "%s\n", printed);
}

/* Chunk lengths from a hash of the whole input (xorshift64 seeded with
 * FNV-1a): an input always splits the same way and any change moves the
 * cuts, so over a run messages, lines and tokens are cut everywhere.
 * Mostly 1 to 8 bytes, a quarter up to 512. */
static guint64
input_hash(const uint8_t *data, size_t size)
{
    guint64 h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 0x100000001b3ull;
    return h | 1;
}

static size_t
next_chunk(guint64 *state, size_t left)
{
    guint64 x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    size_t n = (x & 3) == 0 ? 1 + (x >> 8) % 512 : 1 + (x >> 8) % 8;
    return MIN(n, left);
}

static void
session_init(Session *s, VireoQmpMessageFn fn)
{
    s->transcript = g_string_new(NULL);
    s->replies = 0;
    s->reprintable = TRUE;
    s->messages = g_string_new(NULL);
    s->dropped = FALSE;
    s->streamer = vireo_qmp_streamer_new(FUZZ_MAX_MESSAGE, fn, s);
}

static void
session_clear(Session *s)
{
    vireo_qmp_streamer_free(s->streamer);
    g_string_free(s->transcript, TRUE);
    g_string_free(s->messages, TRUE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Session chunked, whole;
    guint64 state = input_hash(data, size);

    /* The streamer goes on past an oversized message (the rest of that
     * read is still lexed) but nothing more is handled, as in vireo-vmm;
     * it is fed everything here so its recovery is exercised too. */
    session_init(&chunked, on_message);
    for (size_t off = 0; off < size;) {
        size_t n = next_chunk(&state, size - off);
        vireo_qmp_streamer_feed(chunked.streamer, (const char *)data + off, n);
        off += n;
    }
    vireo_qmp_streamer_flush(chunked.streamer);
    check_transcript(&chunked);

    session_init(&whole, on_message_only);
    vireo_qmp_streamer_feed(whole.streamer, (const char *)data, size);
    vireo_qmp_streamer_flush(whole.streamer);
    if (!g_str_equal(chunked.messages->str, whole.messages->str)) {
        fprintf(stderr, "in chunks:\n%s\nat once:\n%s\n", chunked.messages->str,
                whole.messages->str);
        fail("the messages depend on how the input was split", "");
    }
    session_clear(&chunked);
    session_clear(&whole);
    return 0;
}
