/* vireo: domain XML against schemas/domain.rng.
 *
 * The schema is parsed once per process and kept: parsing it costs far more
 * than validating a document against it (see bench/xml). Each problem
 * libxml2 reports becomes one "FILE:LINE: message" line, so a user (or an
 * editor) can jump to every offending element, not only the first. */
#include <config.h>
#include <string.h>
#include <libxml/relaxng.h>
#include <glib/gstdio.h>
#include "conf/domain_conf.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define VIREO_DOMAIN_SCHEMA_FILE "domain.rng"

/* Documents with more problems than this get a truncated list: past this,
 * the rest is almost always the echo of an earlier one. */
#define VIREO_SCHEMA_MAX_PROBLEMS 100

static GMutex schema_lock;
static xmlRelaxNGPtr schema_cached;
static char *schema_cached_path;

/* $VIREO_SCHEMADIR wins (tests, uninstalled runs); then the installed
 * copy; then the source tree, so a fresh build works before `make install`. */
static char *
schema_path(void)
{
    const char *env = g_getenv("VIREO_SCHEMADIR");
    char *path;

    if (env && *env)
        return g_build_filename(env, VIREO_DOMAIN_SCHEMA_FILE, NULL);
    path = g_build_filename(VIREO_SCHEMADIR, VIREO_DOMAIN_SCHEMA_FILE, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return path;
    g_free(path);
    return g_build_filename(VIREO_SRC_SCHEMADIR, VIREO_DOMAIN_SCHEMA_FILE, NULL);
}

typedef struct {
    const char *url;
    GString *lines;
    GHashTable *seen;     /* identical lines reported once */
    guint count;
    char *pending;        /* a message libxml2 gave without a node */
} SchemaProblems;

/* 0 when libxml2 did not say where. */
static long
problem_line(const xmlError *err)
{
    xmlNode *node = err->node;

    if (node && (node->type == XML_ELEMENT_NODE || node->type == XML_TEXT_NODE ||
                 node->type == XML_ATTRIBUTE_NODE)) {
        long line = xmlGetLineNo(node->type == XML_ATTRIBUTE_NODE ? node->parent : node);
        if (line > 0)
            return line;
    }
    return err->line > 0 ? err->line : 0;
}

static void
schema_add_line(SchemaProblems *p, long line, const char *msg)
{
    char *text = g_strdup_printf("%s:%ld: %s: %s", p->url, line,
                                 vireo_error_prefix(VIREO_ERR_XML_INVALID_SCHEMA), msg);

    if (!g_hash_table_add(p->seen, text))
        return;
    if (++p->count > VIREO_SCHEMA_MAX_PROBLEMS)
        return;
    if (p->lines->len)
        g_string_append_c(p->lines, '\n');
    g_string_append(p->lines, text);
}

/* libxml2's interleave code says what was wrong ("Extra element cpu in
 * interleave") without a node, then where ("Element domain failed to
 * validate content") with one: the first gets the second's line. */
static void
schema_problem(void *opaque, xmlErrorPtr err)
{
    SchemaProblems *p = opaque;
    g_autofree char *msg = NULL;
    long line;

    if (!err || err->level < XML_ERR_ERROR)
        return;
    msg = g_strstrip(g_strdup(err->message ? err->message : "?"));
    line = problem_line(err);
    if (!line) {
        if (p->pending)
            schema_add_line(p, 1, p->pending);
        g_free(p->pending);
        p->pending = g_steal_pointer(&msg);
        return;
    }
    if (p->pending) {
        schema_add_line(p, line, p->pending);
        g_clear_pointer(&p->pending, g_free);
    }
    schema_add_line(p, line, msg);
}

static void
schema_parse_problem(void *opaque, xmlErrorPtr err)
{
    GString *out = opaque;
    if (!err || err->level < XML_ERR_ERROR || out->len)
        return;
    g_string_append(out, err->message ? err->message : "?");
    g_strstrip(out->str);
    out->len = strlen(out->str);
}

/* Called with schema_lock held. */
static xmlRelaxNGPtr
schema_load(GError **error)
{
    g_autofree char *path = schema_path();
    g_autoptr(GString) why = g_string_new(NULL);
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr rng;

    if (schema_cached && g_str_equal(path, schema_cached_path))
        return schema_cached;
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("cannot find the domain schema '%s'"), path);
        return NULL;
    }
    pctxt = xmlRelaxNGNewParserCtxt(path);
    if (!pctxt) {
        vireo_error_set(error, VIREO_ERR_NO_MEMORY, "%s",
                        _("cannot allocate the RelaxNG parser"));
        return NULL;
    }
    xmlRelaxNGSetParserStructuredErrors(pctxt, schema_parse_problem, why);
    rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!rng) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("cannot parse the domain schema '%s': %s"), path,
                        why->len ? why->str : _("unknown error"));
        return NULL;
    }
    if (schema_cached)
        xmlRelaxNGFree(schema_cached);
    g_free(schema_cached_path);
    schema_cached = rng;
    schema_cached_path = g_steal_pointer(&path);
    return rng;
}

static gboolean
schema_run(xmlRelaxNGPtr rng, xmlDoc *doc, const char *url, GError **error)
{
    SchemaProblems p = {
        .url = url,
        .lines = g_string_new(NULL),
        .seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
    };
    xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(rng);
    int rc;

    if (!vctxt) {
        g_string_free(p.lines, TRUE);
        g_hash_table_unref(p.seen);
        vireo_error_set(error, VIREO_ERR_NO_MEMORY, "%s",
                        _("cannot allocate the RelaxNG validator"));
        return FALSE;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, schema_problem, &p);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    if (p.pending) {
        xmlNode *root = xmlDocGetRootElement(doc);
        schema_add_line(&p, root ? xmlGetLineNo(root) : 1, p.pending);
        g_free(p.pending);
    }
    if (rc != 0) {
        if (p.lines->len == 0)
            g_string_printf(p.lines, "%s:1: %s", url,
                            vireo_error_prefix(VIREO_ERR_XML_INVALID_SCHEMA));
        if (p.count > VIREO_SCHEMA_MAX_PROBLEMS)
            g_string_append_printf(p.lines, "\n%s:1: %s", url,
                                   _("too many problems, the rest are not shown"));
        /* Not vireo_error_set(): each line already names its file and line. */
        g_set_error_literal(error, VIREO_ERROR, VIREO_ERR_XML_INVALID_SCHEMA,
                            p.lines->str);
    }
    g_string_free(p.lines, TRUE);
    g_hash_table_unref(p.seen);
    return rc == 0;
}

gboolean
vireo_domain_schema_validate(xmlDoc *doc, const char *url, GError **error)
{
    xmlRelaxNGPtr rng;
    gboolean ok;

    if (!url)
        url = doc && doc->URL ? (const char *)doc->URL : "(string)";
    g_mutex_lock(&schema_lock);
    rng = schema_load(error);
    g_mutex_unlock(&schema_lock);
    if (!rng)
        return FALSE;
    /* A cached schema is only read while validating, so several threads may
     * share it; the lock only guards loading and replacing it. Replacing
     * happens only when $VIREO_SCHEMADIR changes, which tests do serially. */
    ok = schema_run(rng, doc, url, error);
    return ok;
}
