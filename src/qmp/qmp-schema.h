/* vireo: schemas/qmp.json at run time: argument checking for the dispatcher
 * and the data of query-commands / query-qmp-schema. */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct _VireoQmpSchema VireoQmpSchema;

/* The schema compiled into the binary; loaded once, never freed. */
const VireoQmpSchema *vireo_qmp_schema_get(void);
/* Parses a schema document (tests feed their own). */
VireoQmpSchema *vireo_qmp_schema_new_from_data(const char *data, gsize len,
                                               GError **error);
/* The same, but each definition is parsed when first looked up (the
 * built-in schema is made this way); a document whose definitions do not
 * each start with their kind ("command": NAME, ...) is parsed whole. */
VireoQmpSchema *vireo_qmp_schema_new_lazy(const char *data, gsize len,
                                          GError **error);
/* The definition of a command, event, struct or enum, or NULL. */
JsonObject *vireo_qmp_schema_lookup(const VireoQmpSchema *schema,
                                    const char *name);
void vireo_qmp_schema_free(VireoQmpSchema *schema);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoQmpSchema, vireo_qmp_schema_free)

gboolean vireo_qmp_schema_has_command(const VireoQmpSchema *schema,
                                      const char *name);
gboolean vireo_qmp_schema_has_event(const VireoQmpSchema *schema,
                                    const char *name);
/* NULL when args fit the command's "data"; otherwise QEMU's GenericError
 * text ("Parameter 'x' is unexpected", ...). */
char *vireo_qmp_schema_check_args(const VireoQmpSchema *schema,
                                  const char *command, JsonObject *args);
/* NULL when ret has the shape the command's "returns" declares (an empty
 * object when it declares none); otherwise what is wrong, in the words of
 * the argument checks ("Parameter 'return[0].x' is missing"). */
char *vireo_qmp_schema_check_return(const VireoQmpSchema *schema,
                                    const char *command, JsonNode *ret);
/* [{"name": ...}] for query-commands. */
JsonNode *vireo_qmp_schema_command_list(const VireoQmpSchema *schema);
/* QEMU's SchemaInfo list for query-qmp-schema. */
JsonNode *vireo_qmp_schema_introspect(const VireoQmpSchema *schema);
/* The parsed document ({"definitions": [...]}), for introspection. */
JsonNode *vireo_qmp_schema_root(const VireoQmpSchema *schema);
