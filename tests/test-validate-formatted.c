/* Everything vireo formats must validate against vireo's schema AND
 * libvirt's installed one: the formatted form of each domains/NAME.xml, and the
 * conf engineer's expected outputs tests/xml2xml/out/NAME.xml. Otherwise
 * `vireo dumpxml | virsh define` (or the reverse) would break. */
#include <config.h>
#include <string.h>
#include <libxml/relaxng.h>
#include "conf/domain_conf.h"
#include "util/vireo-error.h"
#include "util/vireo-xml.h"

static xmlRelaxNGPtr libvirt_rng;
static gboolean libvirt_has_clusters;

static char *
srcdir_path(const char *rel)
{
    const char *top = g_getenv("abs_top_srcdir");
    return g_build_filename(top ? top : VIREO_SRC_SCHEMADIR "/..", rel, NULL);
}

static void
collect_error(void *opaque, xmlErrorPtr err)
{
    GString *out = opaque;
    if (err && err->level >= XML_ERR_ERROR && err->message)
        g_string_append_printf(out, "%d: %s", err->line, err->message);
}

static void
load_libvirt_schema(void)
{
    const char *path = g_getenv("VIREO_LIBVIRT_SCHEMA");
    g_autofree char *text = NULL;
    xmlRelaxNGParserCtxtPtr ctxt;

    if (!path)
        path = "/usr/share/libvirt/schemas/domain.rng";
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return;
    ctxt = xmlRelaxNGNewParserCtxt(path);
    libvirt_rng = xmlRelaxNGParse(ctxt);
    xmlRelaxNGFreeParserCtxt(ctxt);
    /* clusters= arrived in libvirt 10.1; older schemas refuse it. */
    if (g_file_get_contents("/usr/share/libvirt/schemas/domaincommon.rng", &text, NULL, NULL))
        libvirt_has_clusters = strstr(text, "\"clusters\"") != NULL;
}

/* NULL when valid, else libvirt's complaint. */
static char *
libvirt_check(xmlDoc *doc)
{
    GString *why = g_string_new(NULL);
    xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(libvirt_rng);
    int rc;

    xmlRelaxNGSetValidStructuredErrors(v, collect_error, why);
    rc = xmlRelaxNGValidateDoc(v, doc);
    xmlRelaxNGFreeValidCtxt(v);
    if (rc == 0) {
        g_string_free(why, TRUE);
        return NULL;
    }
    return g_string_free(why, FALSE);
}

/* Checks one formatted document against both schemas. */
static void
check_both(const char *name, const char *xml)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(xml, strlen(xml), name, &err);
    g_autofree char *why = NULL;

    g_assert_no_error(err);
    if (!vireo_domain_schema_validate(doc, name, &err))
        g_test_message("%s\n%s", err->message, xml);
    g_assert_no_error(err);
    if (!libvirt_rng)
        return;
    if (!libvirt_has_clusters && strstr(xml, " clusters='")) {
        g_test_message("%s: not checked against libvirt: its schema predates clusters=", name);
        return;
    }
    why = libvirt_check(doc);
    if (why)
        g_test_message("%s: libvirt's schema refuses it: %s\n%s", name, why, xml);
    g_assert_null(why);
}

static guint
for_each_xml(const char *reldir, void (*fn)(const char *path, const char *name))
{
    g_autofree char *dir = srcdir_path(reldir);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint n = 0;

    if (!d)
        return 0;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(dir, name, NULL);
        fn(path, name);
        n++;
    }
    return n;
}

static void
check_domain_formatted(const char *path, const char *name)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = vireo_domain_def_parse_file(path, VIREO_DOMAIN_PARSE_VALIDATE_SCHEMA, &err);
    g_autofree char *xml = NULL;

    g_assert_no_error(err);
    xml = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE);
    g_assert_nonnull(xml);
    check_both(name, xml);
}

static void
check_file(const char *path, const char *name)
{
    g_autofree char *xml = NULL;
    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    check_both(name, xml);
}

static void
test_domains(void)
{
    if (!libvirt_rng)
        g_test_message("libvirt's schema is not installed: vireo's schema only");
    g_assert_cmpuint(for_each_xml("domains", check_domain_formatted), >=, 5);
}

static void
test_xml2xml_out(void)
{
    guint n = for_each_xml("tests/xml2xml/out", check_file);
    if (n == 0)
        g_test_skip("tests/xml2xml/out has no documents yet");
}

/* Says (as a skip, with the reason) when the libvirt half did not run. */
static void
test_libvirt_schema_loaded(void)
{
    if (!libvirt_rng) {
        g_test_skip("libvirt's domain.rng is not installed (libvirt-daemon / libvirt-dev): "
                    "formatted XML checked against vireo's schema only");
        return;
    }
    g_assert_nonnull(libvirt_rng);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    load_libvirt_schema();
    g_test_add_func("/validate/formatted/libvirt-schema", test_libvirt_schema_loaded);
    g_test_add_func("/validate/formatted/domains", test_domains);
    g_test_add_func("/validate/formatted/xml2xml-out", test_xml2xml_out);
    return g_test_run();
}
