/* The parser and schemas/domain.rng must agree: `vireo define` checks the
 * schema first, so a document the parser would model but the schema
 * refuses is a libvirt file vireo turns away for nothing, and a document
 * the schema passes with an element or attribute the parser does not know
 * makes `vireo validate` report "validates" for something define refuses.
 *
 * Every tests/xml2xml/in/NAME.xml and domains/NAME.xml, and seeded mutants
 * of every valid one, go through both:
 *  - parser accepts  => schema accepts (always);
 *  - parser says "not supported" (an unmodelled element or attribute) =>
 *    schema refuses too. Other parser refusals are semantic (duplicates,
 *    out-of-range counts) which a RelaxNG schema cannot express, so the
 *    schema may pass those.
 * VIREO_AGREE_MUTANTS=N explores further (default 200 per case). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "util/vireo-error.h"
#include "util/vireo-xml.h"
#include "test-conf-common.h"

#define MUTANTS_PER_FILE 200

typedef struct {
    gboolean parsed;
    gboolean schema_ok;
    gboolean unsupported;   /* the parser's refusal names an unmodelled node */
    char *parser_error;
    char *schema_error;
} Verdict;

static void
verdict_clear(Verdict *v)
{
    g_free(v->parser_error);
    g_free(v->schema_error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Verdict, verdict_clear)

/* The parser's "element 'X' on line N is not supported" and "attribute
 * 'X' of element 'Y' on line N is not supported" (see
 * docs/conf-differences-from-libvirt.md). */
static gboolean
is_unmodelled(const GError *err)
{
    return g_error_matches(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED) &&
           strstr(err->message, " is not supported") &&
           (strstr(err->message, "element '") || strstr(err->message, "attribute '"));
}

/* FALSE when the text is not well-formed (nothing to compare then). */
static gboolean
judge(const char *xml, Verdict *v)
{
    g_autoptr(GError) perr = NULL;
    g_autoptr(GError) serr = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(xml, strlen(xml), "t.xml", &serr);
    g_autoptr(VireoDomainDef) def = NULL;

    if (!doc)
        return FALSE;
    v->schema_ok = vireo_domain_schema_validate(doc, "t.xml", &serr);
    if (serr)
        v->schema_error = g_strdup(serr->message);
    def = vireo_domain_def_parse_string(xml, "t.xml", VIREO_DOMAIN_PARSE_NONE, &perr);
    v->parsed = def != NULL;
    if (perr) {
        v->unsupported = is_unmodelled(perr);
        v->parser_error = g_strdup(perr->message);
    }
    return TRUE;
}

/* NULL when they agree, else why not. */
static char *
disagreement(const Verdict *v)
{
    if (v->parsed && !v->schema_ok)
        return g_strdup_printf("the parser accepts it, the schema refuses: %s", v->schema_error);
    if (v->unsupported && v->schema_ok)
        return g_strdup_printf("the schema accepts it, the parser does not model: %s",
                               v->parser_error);
    return NULL;
}

static void
test_file(gconstpointer data)
{
    const char *path = data;
    g_autofree char *input = NULL;
    g_auto(Verdict) v = { 0 };
    g_autofree char *why = NULL;

    g_assert_true(g_file_get_contents(path, &input, NULL, NULL));
    if (!judge(input, &v))
        return;     /* not well-formed: the XML reader refuses it for both */
    why = disagreement(&v);
    if (why) {
        g_test_message("%s: %s", path, why);
        g_test_fail();
    }
}

static void
test_mutants(gconstpointer data)
{
    const char *path = data;
    g_autofree char *input = NULL;
    g_autoptr(GRand) rng = g_rand_new_with_seed(g_str_hash(path) ^ 0x5c4e3a);
    g_auto(Verdict) orig = { 0 };
    guint accepted = 0, compared = 0, bad = 0;
    const char *env = g_getenv("VIREO_AGREE_MUTANTS");
    int count = env ? atoi(env) : MUTANTS_PER_FILE;

    g_assert_true(g_file_get_contents(path, &input, NULL, NULL));
    if (!judge(input, &orig) || !orig.parsed)
        return;     /* mutants of refused cases say nothing new */
    for (int i = 0; i < count; i++) {
        g_autofree char *mutant = conf_test_mutate(rng, input);
        g_auto(Verdict) v = { 0 };
        g_autofree char *why = NULL;

        if (!judge(mutant, &v))
            continue;
        compared++;
        accepted += v.parsed;
        why = disagreement(&v);
        if (why && bad++ < 3)
            g_test_message("%s mutant %d: %s\n%s", path, i, why, mutant);
    }
    g_test_message("%s: %u mutants compared, %u accepted by the parser, %u disagreements",
                   path, compared, accepted, bad);
    if (bad)
        g_test_fail();
    g_assert_cmpuint(compared, >, 0);
}

static GPtrArray *test_paths;

static void
add_dir(const char *rel, gboolean mutants)
{
    const char *top = g_getenv("abs_top_srcdir");
    g_autofree char *dir_path = g_build_filename(top ? top : VIREO_SRC_SCHEMADIR "/..", rel, NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    g_assert_nonnull(dir);
    while ((f = g_dir_read_name(dir)))
        if (g_str_has_suffix(f, ".xml"))
            g_ptr_array_add(names, g_strdup(f));
    g_ptr_array_sort(names, conf_test_compare_strings);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        /* Paths live as long as the tests: freed after g_test_run(). */
        char *path = g_build_filename(dir_path, name, NULL);
        g_ptr_array_add(test_paths, path);
        g_autofree char *tp = g_strdup_printf("/schema-agree/%s/%s", rel, name);
        g_test_add_data_func(tp, path, test_file);
        if (mutants) {
            g_autofree char *mp = g_strdup_printf("/schema-agree-mutants/%s/%s", rel, name);
            g_test_add_data_func(mp, path, test_mutants);
        }
    }
}

int
main(int argc, char **argv)
{
    int rc;
    g_test_init(&argc, &argv, NULL);
    test_paths = g_ptr_array_new_with_free_func(g_free);
    add_dir("tests/xml2xml/in", TRUE);
    add_dir("tests/validate", FALSE);
    add_dir("domains", FALSE);
    rc = g_test_run();
    g_ptr_array_unref(test_paths);
    return rc;
}
