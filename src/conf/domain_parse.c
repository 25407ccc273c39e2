/* vireo: the domain pipeline — read the document, check it against the
 * schema when asked, parse, fill defaults, validate. Kept apart from the
 * parser so tools that only parse and format need not link validation. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_validate.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* "FILE:LINE: message", the line taken from the message's own "line N"
 * (every parser message names the line of the node it is about). */
static void
prefix_location(GError **error, const char *url)
{
    g_autoptr(GRegex) re = NULL;
    g_autoptr(GMatchInfo) mi = NULL;
    g_autofree char *line = NULL;
    if (!error || !*error)
        return;
    re = g_regex_new("line ([0-9]+)", 0, 0, NULL);
    if (g_regex_match(re, (*error)->message, 0, &mi))
        line = g_match_info_fetch(mi, 1);
    if (line)
        g_prefix_error(error, "%s:%s: ", url, line);
    else
        g_prefix_error(error, "%s: ", url);
}

VireoDomainDef *
vireo_domain_def_parse_node(xmlDoc *doc, xmlNode *root,
                            VireoDomainParseFlags flags, GError **error)
{
    g_autoptr(VireoDomainDef) def = NULL;
    const char *url = doc && doc->URL ? (const char *)doc->URL : "(string)";

    if ((flags & VIREO_DOMAIN_PARSE_VALIDATE_SCHEMA) &&
        !vireo_domain_schema_validate(doc, url, error))
        return NULL;
    def = vireo_domain_def_parse_xml(doc, root, flags, error);
    if (!def) {
        prefix_location(error, url);
        return NULL;
    }
    if (flags & VIREO_DOMAIN_PARSE_SKIP_POSTPARSE)
        return g_steal_pointer(&def);
    if (!vireo_domain_def_postparse(def, error)) {
        prefix_location(error, url);
        return NULL;
    }
    /* Validation names FILE:LINE itself, from the lines the parser kept. */
    if (!vireo_domain_def_validate_at(def, url, error))
        return NULL;
    return g_steal_pointer(&def);
}

VireoDomainDef *
vireo_domain_def_parse_string(const char *xml, const char *url,
                              VireoDomainParseFlags flags, GError **error)
{
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(xml, strlen(xml), url, error);
    if (!doc)
        return NULL;
    return vireo_domain_def_parse_node(doc, NULL, flags, error);
}

VireoDomainDef *
vireo_domain_def_parse_file(const char *path, VireoDomainParseFlags flags,
                            GError **error)
{
    g_autoptr(xmlDoc) doc = vireo_xml_parse_file(path, error);
    if (!doc)
        return NULL;
    return vireo_domain_def_parse_node(doc, NULL, flags, error);
}
