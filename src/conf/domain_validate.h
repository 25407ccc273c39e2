/* vireo: semantic checks of a parsed domain (domain_validate.c).
 *
 * vireo_domain_def_validate() (domain_conf.h) stops at the first problem;
 * the functions here know the file the definition came from, so each
 * problem reads "FILE:LINE: message" with the line the parser recorded in
 * the model's line fields (the domain's own line where a struct has none). */
#pragma once
#include <glib.h>
#include "conf/domain_conf.h"

/* Every problem, in document order of the checks, each a GError in
 * VIREO_ERROR whose message starts with "URL:LINE: " (no location when url
 * is NULL). An empty array means the definition is valid. */
GPtrArray *vireo_domain_def_validate_all(const VireoDomainDef *def,
                                         const char *url);

/* The first problem of vireo_domain_def_validate_all() as *error. */
gboolean vireo_domain_def_validate_at(const VireoDomainDef *def,
                                      const char *url, GError **error);

/* Domain names become file names (state directory, sockets, logs). */
#define VIREO_DOMAIN_NAME_MAX 255
