/* Tests for schemas/domain.rng and vireo_domain_schema_validate(), and for
 * what reaches the schema at all: hostile documents (entities, DTDs,
 * oversized input, overflowing numbers) must be refused with a location,
 * never read a file or the network, never crash. */
#include <config.h>
#include <string.h>
#include <glib/gstdio.h>
#include "conf/domain_conf.h"
#include "util/vireo-error.h"
#include "util/vireo-xml.h"

static char *
srcdir_path(const char *rel)
{
    const char *top = g_getenv("abs_top_srcdir");
    return g_build_filename(top ? top : VIREO_SRC_SCHEMADIR "/..", rel, NULL);
}

/* Parses path and checks it against the schema; returns the error (NULL
 * when the document is valid). */
static GError *
schema_check_file(const char *path)
{
    GError *err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_file(path, &err);
    if (!doc)
        return err;
    vireo_domain_schema_validate(doc, path, &err);
    return err;
}

static GError *
schema_check_string(const char *xml)
{
    GError *err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(xml, strlen(xml), "t.xml", &err);
    if (!doc)
        return err;
    vireo_domain_schema_validate(doc, "t.xml", &err);
    return err;
}

static void
test_domains_validate(void)
{
    g_autofree char *dir = srcdir_path("domains");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint n = 0;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autoptr(GError) err = NULL;
        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(dir, name, NULL);
        err = schema_check_file(path);
        if (err)
            g_test_message("%s: %s", name, err->message);
        g_assert_no_error(err);
        n++;
    }
    /* minimal, instance-00000024, nova-metadata, smp-2x2x2, devices */
    g_assert_cmpuint(n, >=, 5);
}

#define DOMAIN_HEAD "<domain type='kvm'>\n  <name>t</name>\n" \
    "  <memory unit='MiB'>64</memory>\n"
#define DOMAIN_OS "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"

static void
test_minimal_string(void)
{
    g_autoptr(GError) err = schema_check_string(DOMAIN_HEAD DOMAIN_OS "</domain>\n");
    g_assert_no_error(err);
}

/* Each problem is its own "FILE:LINE: message" line, with the element's
 * line. (libxml2 gives up on an <interleave> at its first bad child, so
 * the later <hostdev> is not reported: the CLI adds the parser's view.) */
static void
test_lines_and_all_problems(void)
{
    const char *xml = DOMAIN_HEAD
        "  <vcpu>99999999999</vcpu>\n"                    /* line 4 */
        DOMAIN_OS                                          /* 5-7 */
        "  <devices>\n"                                    /* 8 */
        "    <hostdev mode='subsystem' type='pci'/>\n"     /* 9 */
        "  </devices>\n"
        "</domain>\n";
    g_autoptr(GError) err = schema_check_string(xml);
    g_auto(GStrv) lines = NULL;

    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_INVALID_SCHEMA);
    lines = g_strsplit(err->message, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), >=, 2);
    for (guint i = 0; lines[i]; i++)
        g_assert_true(g_regex_match_simple("^t\\.xml:[0-9]+: ", lines[i], 0, 0));
    g_assert_nonnull(strstr(err->message, "t.xml:4: "));
    g_assert_nonnull(strstr(err->message, "vcpu"));
}

static void
test_unknown_things_fail(void)
{
    const char *bad[] = {
        /* element vireo does not model */
        DOMAIN_HEAD DOMAIN_OS "  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>\n</domain>\n",
        /* attribute vireo does not model */
        DOMAIN_HEAD "  <vcpu cpuset='0' colour='red'>1</vcpu>\n" DOMAIN_OS "</domain>\n",
        /* unknown enum values */
        DOMAIN_HEAD DOMAIN_OS "  <on_crash>explode</on_crash>\n</domain>\n",
        DOMAIN_HEAD DOMAIN_OS "  <clock offset='mars'/>\n</domain>\n",
        DOMAIN_HEAD DOMAIN_OS "  <cpu><feature policy='sometimes' name='vmx'/></cpu>\n</domain>\n",
        DOMAIN_HEAD DOMAIN_OS "  <devices><interface type='pigeon'/></devices>\n</domain>\n",
        DOMAIN_HEAD DOMAIN_OS "  <devices><disk><target dev='vda' bus='pigeon'/></disk></devices>\n</domain>\n",
        /* invalid UUID, MAC */
        DOMAIN_HEAD "  <uuid>1f8e6f7e-5a70-4780-89c1-464dc0e7f30g</uuid>\n" DOMAIN_OS "</domain>\n",
        DOMAIN_HEAD DOMAIN_OS "  <devices><interface type='user'><mac address='52:54:00:zz:00:01'/></interface></devices>\n</domain>\n",
        /* numbers that overflow the model's types */
        DOMAIN_HEAD "  <vcpu>4294967296</vcpu>\n" DOMAIN_OS "</domain>\n",
        "<domain type='kvm'><name>t</name><memory>18446744073709551616</memory>" DOMAIN_OS "</domain>",
        DOMAIN_HEAD DOMAIN_OS "  <cpu><topology sockets='1' cores='-1' threads='1'/></cpu>\n</domain>\n",
        DOMAIN_HEAD DOMAIN_OS "  <devices><graphics type='vnc' port='65536'/></devices>\n</domain>\n",
        /* wrong root, missing required parts */
        "<domainx type='kvm'/>",
        "<domain type='kvm'><name>t</name>" DOMAIN_OS "</domain>",
        "<domain type='xen'><name>t</name><memory>1</memory>" DOMAIN_OS "</domain>",
        /* metadata must be namespaced */
        DOMAIN_HEAD DOMAIN_OS "  <metadata><instance/></metadata>\n</domain>\n",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = schema_check_string(bad[i]);
        if (!err)
            g_test_message("accepted: %s", bad[i]);
        g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_INVALID_SCHEMA);
    }
}

static void
test_metadata_namespaced_ok(void)
{
    g_autoptr(GError) err = schema_check_string(
        DOMAIN_HEAD DOMAIN_OS
        "  <metadata><nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'>"
        "<nova:name>x</nova:name><nova:owner><nova:user uuid='1'>u</nova:user></nova:owner>"
        "</nova:instance></metadata>\n</domain>\n");
    g_assert_no_error(err);
}

/* A missing schema is a clear error, not a crash or a silent pass; a
 * later call with the real directory loads it again. */
static void
test_schemadir_env(void)
{
    g_autofree char *saved = g_strdup(g_getenv("VIREO_SCHEMADIR"));
    g_autofree char *real = srcdir_path("schemas");
    g_autoptr(GError) err = NULL;

    g_setenv("VIREO_SCHEMADIR", "/nonexistent-vireo-schemas", TRUE);
    err = schema_check_string(DOMAIN_HEAD DOMAIN_OS "</domain>\n");
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "/nonexistent-vireo-schemas/domain.rng"));
    g_clear_error(&err);
    g_setenv("VIREO_SCHEMADIR", real, TRUE);
    err = schema_check_string(DOMAIN_HEAD DOMAIN_OS "</domain>\n");
    g_assert_no_error(err);
    if (saved)
        g_setenv("VIREO_SCHEMADIR", saved, TRUE);
}

/* ---- hostile input ---------------------------------------------------- */

static void
test_malformed_line_column(void)
{
    const char *xml = "<domain type='kvm'>\n  <name>t</name>\n  <vcpu>1</vcpu\n  <os/>\n</domain>\n";
    g_autoptr(GError) err = schema_check_string(xml);

    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    /* FILE:LINE:COLUMN */
    g_assert_true(g_regex_match_simple("t\\.xml:[34]:[0-9]+: ", err->message, 0, 0));
}

static void
test_billion_laughs(void)
{
    GString *xml = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE domain [\n<!ENTITY l0 'lol'>\n");
    g_autoptr(GError) err = NULL;

    for (int i = 1; i < 10; i++) {
        g_string_append_printf(xml, "<!ENTITY l%d '", i);
        for (int j = 0; j < 10; j++)
            g_string_append_printf(xml, "&l%d;", i - 1);
        g_string_append(xml, "'>\n");
    }
    g_string_append(xml, "]>\n<domain type='kvm'><name>&l9;</name></domain>\n");
    err = schema_check_string(xml->str);
    g_string_free(xml, TRUE);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_test_message("%s", err->message);
}

/* An external entity must not be read: the secret must not appear in
 * anything vireo returns. */
static void
test_external_entity_not_read(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-xxe-XXXXXX", NULL);
    g_autofree char *secret = g_build_filename(dir, "secret", NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    xmlDoc *doc;

    g_assert_true(g_file_set_contents(secret, "TOPSECRET-4711", -1, NULL));
    xml = g_strdup_printf("<?xml version='1.0'?>\n<!DOCTYPE domain [\n"
                          "<!ENTITY s SYSTEM 'file://%s'>\n]>\n"
                          "<domain type='kvm'><name>&s;</name></domain>\n", secret);
    doc = vireo_xml_parse_string(xml, strlen(xml), "xxe.xml", &err);
    g_assert_null(doc);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_assert_null(strstr(err->message, "TOPSECRET"));
    g_unlink(secret);
    g_rmdir(dir);
}

static void
test_external_dtd_refused(void)
{
    /* 192.0.2.0/24 is TEST-NET-1: never routed, so a fetch would hang or
     * fail; the document must be refused before any attempt. */
    g_autoptr(GError) err = schema_check_string(
        "<?xml version='1.0'?>\n<!DOCTYPE domain SYSTEM 'http://192.0.2.1/d.dtd'>\n"
        "<domain type='kvm'><name>t</name></domain>\n");
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
}

/* 100 MB is refused by size before it is parsed (no 100 MB tree). */
static void
test_huge_string_refused(void)
{
    gsize len = 100 * 1024 * 1024;
    g_autofree char *xml = g_malloc(len + 1);
    g_autoptr(GError) err = NULL;
    xmlDoc *doc;

    memset(xml, ' ', len);
    memcpy(xml, "<domain type='kvm'><name>", 25);
    memcpy(xml + len - 18, "</name></domain>\n", 17);
    xml[len] = '\0';
    doc = vireo_xml_parse_string(xml, len, "huge.xml", &err);
    g_assert_null(doc);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_assert_nonnull(strstr(err->message, "huge.xml"));
}

/* Random truncations and byte flips of a real domain: every outcome is a
 * clean success or a GError, never a crash (ASan/valgrind catch the rest;
 * tests/fuzz goes much further). */
static void
test_mutations_never_crash(void)
{
    g_autofree char *path = srcdir_path("domains/devices.xml");
    g_autofree char *orig = NULL;
    gsize len = 0;
    GRand *rand = g_rand_new_with_seed(4711);

    g_assert_true(g_file_get_contents(path, &orig, &len, NULL));
    for (int i = 0; i < 300; i++) {
        g_autofree char *m = g_memdup2(orig, len + 1);
        gsize cut = g_rand_int_range(rand, 1, (gint32)len);
        g_autoptr(GError) err = NULL;
        xmlDoc *doc;
        for (int k = 0; k < 4; k++)
            m[g_rand_int_range(rand, 0, (gint32)cut)] = (char)g_rand_int_range(rand, 1, 256);
        doc = vireo_xml_parse_string(m, i % 2 ? cut : len, "m.xml", &err);
        if (doc) {
            if (!vireo_domain_schema_validate(doc, "m.xml", &err))
                g_assert_nonnull(err);
            xmlFreeDoc(doc);
        } else {
            g_assert_nonnull(err);
        }
    }
    g_rand_free(rand);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/validate/schema/domains", test_domains_validate);
    g_test_add_func("/validate/schema/minimal-string", test_minimal_string);
    g_test_add_func("/validate/schema/lines-and-all-problems", test_lines_and_all_problems);
    g_test_add_func("/validate/schema/unknown-things-fail", test_unknown_things_fail);
    g_test_add_func("/validate/schema/metadata-namespaced", test_metadata_namespaced_ok);
    g_test_add_func("/validate/schema/schemadir-env", test_schemadir_env);
    g_test_add_func("/validate/hostile/malformed-line-column", test_malformed_line_column);
    g_test_add_func("/validate/hostile/billion-laughs", test_billion_laughs);
    g_test_add_func("/validate/hostile/external-entity-not-read", test_external_entity_not_read);
    g_test_add_func("/validate/hostile/external-dtd-refused", test_external_dtd_refused);
    g_test_add_func("/validate/hostile/huge-string-refused", test_huge_string_refused);
    g_test_add_func("/validate/hostile/mutations-never-crash", test_mutations_never_crash);
    return g_test_run();
}
