/* vireo: QMP's wire format. QEMU's QMP frames messages with its own JSON
 * lexer and streamer (brace/bracket depth counted outside strings) and prints
 * replies in a fixed style; clients compare against that, so vireo frames and
 * prints the same way. json-glib's JsonNode is the data model. */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

/* Appends node as QEMU prints it: ", " and ": " separators, object members
 * in QEMU's QDict order, non-ASCII and control characters as \uXXXX. */
void vireo_qmp_json_append(GString *out, JsonNode *node);
char *vireo_qmp_json_to_string(JsonNode *node);

/* One complete top-level JSON value, or the error QEMU reports for it
 * (desc already in QEMU's words, e.g. "JSON parse error, expecting value"). */
typedef void (*VireoQmpMessageFn)(JsonNode *msg, const char *error_desc,
                                  void *opaque);

typedef struct _VireoQmpStreamer VireoQmpStreamer;

/* max_size: bytes of tokens one message may hold before it is cut off with
 * "JSON token size limit exceeded". */
VireoQmpStreamer *vireo_qmp_streamer_new(gsize max_size, VireoQmpMessageFn fn,
                                         void *opaque);
void vireo_qmp_streamer_free(VireoQmpStreamer *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoQmpStreamer, vireo_qmp_streamer_free)
void vireo_qmp_streamer_feed(VireoQmpStreamer *s, const char *buf, gsize len);
/* End of input: a pending token or unfinished message is reported. */
void vireo_qmp_streamer_flush(VireoQmpStreamer *s);

/* TRUE once a message outgrew max_size: where it ends is unknown, so the
 * rest of the stream cannot be trusted. */
gboolean vireo_qmp_streamer_overflowed(VireoQmpStreamer *s);

/* QEMU's message limits (json-streamer.c): nesting depth and token count. */
#define VIREO_QMP_MAX_NESTING 1024
#define VIREO_QMP_MAX_TOKENS (2 * 1024 * 1024)

/* obj's member names in the order QEMU walks a QDict (the order it prints
 * and checks them in). Free with g_ptr_array_unref; names are borrowed. */
GPtrArray *vireo_qmp_json_keys(JsonObject *obj);
