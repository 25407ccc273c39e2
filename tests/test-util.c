/* Unit tests for src/util: enum tables, unit scaling, UUIDs, safe XML. */
#include <config.h>
#include <string.h>
#include "util/vireo-enum.h"
#include "util/vireo-error.h"
#include "util/vireo-xml.h"

typedef enum { COLOR_RED, COLOR_GREEN, COLOR_LAST } Color;
VIREO_ENUM_DECL(color);
VIREO_ENUM_IMPL(color, COLOR_LAST, "red", "green");

static void
test_enum(void)
{
    g_assert_cmpstr(color_to_string(COLOR_GREEN), ==, "green");
    g_assert_cmpint(color_from_string("red"), ==, COLOR_RED);
    g_assert_cmpint(color_from_string("blue"), ==, -1);
    g_assert_null(color_to_string(COLOR_LAST));
}

static void
test_scale(void)
{
    struct { guint64 v; const char *unit; guint64 bytes; } ok[] = {
        { 1, "b", 1 }, { 1, "bytes", 1 }, { 1, "KB", 1000 }, { 1, "k", 1024 },
        { 1, "KiB", 1024 }, { 1, "MB", 1000000 }, { 1, "M", 1048576 },
        { 1, "MiB", 1048576 }, { 2, "GB", 2000000000ULL }, { 1, "G", 1ULL << 30 },
        { 1, "GiB", 1ULL << 30 }, { 1, "TB", 1000000000000ULL },
        { 1, "T", 1ULL << 40 }, { 1, "TiB", 1ULL << 40 }, { 3, NULL, 3072 },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
        guint64 v = ok[i].v;
        g_autoptr(GError) err = NULL;
        g_assert_true(vireo_scale_integer(&v, ok[i].unit, 1024, G_MAXUINT64, &err));
        g_assert_no_error(err);
        g_assert_cmpuint(v, ==, ok[i].bytes);
    }
    {
        guint64 v = G_MAXUINT64 / 2;
        g_autoptr(GError) err = NULL;
        g_assert_false(vireo_scale_integer(&v, "KiB", 1, G_MAXUINT64, &err));
        g_assert_nonnull(err);
    }
    {
        guint64 v = 1;
        g_autoptr(GError) err = NULL;
        g_assert_false(vireo_scale_integer(&v, "furlongs", 1, G_MAXUINT64, &err));
        g_assert_error(err, VIREO_ERROR, VIREO_ERR_INVALID_ARG);
    }
}

static void
test_uuid(void)
{
    guint8 u[16];
    char s[37];
    g_assert_true(vireo_uuid_parse("1f8e6f7e-5a70-4780-89c1-464dc0e7f308", u));
    vireo_uuid_format(u, s);
    g_assert_cmpstr(s, ==, "1f8e6f7e-5a70-4780-89c1-464dc0e7f308");
    g_assert_true(vireo_uuid_parse("1f8e6f7e5a70478089c1464dc0e7f308", u));
    g_assert_false(vireo_uuid_parse("1f8e6f7e-5a70-4780-89c1-464dc0e7f30", u));
    g_assert_false(vireo_uuid_parse("zf8e6f7e-5a70-4780-89c1-464dc0e7f308", u));
    vireo_uuid_generate(u);
    g_assert_cmpint(u[6] >> 4, ==, 4);
}

static void
test_xml_malformed(void)
{
    const char *bad = "<domain>\n  <name>x</name>\n  <memory>1</mem>\n</domain>\n";
    g_autoptr(GError) err = NULL;
    xmlDoc *doc = vireo_xml_parse_string(bad, strlen(bad), "bad.xml", &err);
    g_assert_null(doc);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_assert_nonnull(strstr(err->message, "bad.xml:3:"));
}

static void
test_xml_doctype_refused(void)
{
    const char *lol = "<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY a 'aaaa'>\n"
                      "<!ENTITY b '&a;&a;&a;&a;'>]>\n<domain>&b;</domain>\n";
    g_autoptr(GError) err = NULL;
    xmlDoc *doc = vireo_xml_parse_string(lol, strlen(lol), "lol.xml", &err);
    g_assert_null(doc);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
}

static void
test_xml_props(void)
{
    const char *x = "<d a='12' neg='-1' big='99999999999' yes='yes' on='off' u='x'/>";
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(x, strlen(x), "p.xml", &err);
    xmlNode *n = xmlDocGetRootElement(doc);
    guint v = 0;
    VireoTristate t = VIREO_TRISTATE_ABSENT;
    g_assert_cmpint(vireo_xml_prop_uint(n, "a", 10, 0, &v, &err), ==, 1);
    g_assert_cmpuint(v, ==, 12);
    g_assert_cmpint(vireo_xml_prop_uint(n, "missing", 10, 0, &v, &err), ==, 0);
    g_assert_cmpint(vireo_xml_prop_uint(n, "neg", 10, 0, &v, &err), ==, -1);
    g_assert_nonnull(strstr(err->message, "line 1"));
    g_clear_error(&err);
    g_assert_cmpint(vireo_xml_prop_uint(n, "big", 10, 0, &v, &err), ==, -1);
    g_clear_error(&err);
    g_assert_cmpint(vireo_xml_prop_uint(n, "missing", 10, VIREO_XML_PROP_REQUIRED, &v, &err), ==, -1);
    g_clear_error(&err);
    g_assert_cmpint(vireo_xml_prop_yesno(n, "yes", 0, &t, &err), ==, 1);
    g_assert_cmpint(t, ==, VIREO_TRISTATE_YES);
    g_assert_cmpint(vireo_xml_prop_onoff(n, "on", 0, &t, &err), ==, 1);
    g_assert_cmpint(t, ==, VIREO_TRISTATE_NO);
    g_assert_cmpint(vireo_xml_prop_yesno(n, "u", 0, &t, &err), ==, -1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/enum", test_enum);
    g_test_add_func("/util/scale", test_scale);
    g_test_add_func("/util/uuid", test_uuid);
    g_test_add_func("/util/xml/malformed", test_xml_malformed);
    g_test_add_func("/util/xml/doctype-refused", test_xml_doctype_refused);
    g_test_add_func("/util/xml/props", test_xml_props);
    return g_test_run();
}
