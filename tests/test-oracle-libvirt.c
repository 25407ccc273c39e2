/* The libvirt oracle: every valid tests/xml2xml/in/NAME.xml (one with an
 * expected out/NAME.xml) is defined in libvirt's test driver
 * (test:///default) through the C API, read back with
 * virDomainGetXMLDesc(INACTIVE | SECURE), and must equal what vireo's
 * pipeline writes for it. Only the deliberate differences listed in
 * docs/conf-differences-from-libvirt.md are normalised, plus generated
 * values (uuid, genid, MACs) the input does not fix. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include "conf/domain_conf.h"
#include "test-conf-common.h"

#ifdef HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static virConnectPtr conn;
static unsigned long libvirt_version;

static char *
regex_replace(const char *text, const char *pattern, const char *replacement)
{
    g_autoptr(GRegex) re = g_regex_new(pattern, G_REGEX_MULTILINE, 0, NULL);
    g_assert_nonnull(re);
    return g_regex_replace(re, text, -1, 0, replacement, 0, NULL);
}

/* libvirt's side of the deliberate differences. */
static char *
normalise_libvirt(const char *input, const char *xml)
{
    /* The test driver names every NIC testnetN; vireo invents no name. */
    g_autofree char *a = regex_replace(xml, "^ *<target dev='testnet[0-9]+'/>\n", "");
    /* The test driver's default arch is i686; vireo runs x86_64 guests. */
    if (!strstr(input, "arch="))
        return regex_replace(a, "<type arch='i686'", "<type arch='x86_64'");
    return g_steal_pointer(&a);
}

/* vireo's side: what the libvirt under test is too old to know. */
static char *
normalise_vireo(const char *xml)
{
    /* clusters= exists from libvirt 10.1; older versions drop it. */
    if (libvirt_version < 10001000)
        return regex_replace(xml, " clusters='[0-9]+'", "");
    return g_strdup(xml);
}

static char *
libvirt_format(const char *input, GError **error)
{
    virDomainPtr dom = virDomainDefineXML(conn, input);
    char *xml;
    char *ret;
    if (!dom) {
        const virError *e = virGetLastError();
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "libvirt refused: %s",
                    e && e->message ? e->message : "?");
        return NULL;
    }
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    virDomainUndefine(dom);
    virDomainFree(dom);
    ret = g_strdup(xml);
    free(xml);
    return ret;
}

static char *
vireo_format(const char *path, GError **error)
{
    g_autoptr(VireoDomainDef) def = vireo_domain_def_parse_file(path, VIREO_DOMAIN_PARSE_NONE, error);
    if (!def)
        return NULL;
    return vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE | VIREO_DOMAIN_FORMAT_SECURE);
}

static void
test_oracle(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in_path = conf_test_data_path("in", name);
    g_autofree char *input = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *theirs = NULL;
    g_autofree char *ours = NULL;
    g_autofree char *theirs_n = NULL;
    g_autofree char *ours_n = NULL;
    g_autofree char *theirs_m = NULL;
    g_autofree char *ours_m = NULL;

    g_assert_true(g_file_get_contents(in_path, &input, NULL, NULL));
    theirs = libvirt_format(input, &err);
    if (!theirs) {
        g_test_message("%s: %s", name, err->message);
        g_test_fail();
        return;
    }
    ours = vireo_format(in_path, &err);
    if (!ours) {
        g_test_message("%s: vireo refused: %s", name, err->message);
        g_test_fail();
        return;
    }
    theirs_n = normalise_libvirt(input, theirs);
    ours_n = normalise_vireo(ours);
    theirs_m = conf_test_mask_generated(input, theirs_n);
    ours_m = conf_test_mask_generated(input, ours_n);
    if (g_strcmp0(ours_m, theirs_m) != 0 && g_getenv("VIREO_ORACLE_DUMPDIR")) {
        /* For a human to diff: DIR/NAME.vireo.xml and DIR/NAME.libvirt.xml. */
        const char *dir = g_getenv("VIREO_ORACLE_DUMPDIR");
        g_autofree char *a = g_strdup_printf("%s/%s.vireo.xml", dir, name);
        g_autofree char *b = g_strdup_printf("%s/%s.libvirt.xml", dir, name);
        g_file_set_contents(a, ours_m, -1, NULL);
        g_file_set_contents(b, theirs_m, -1, NULL);
    }
    g_assert_cmpstr(ours_m, ==, theirs_m);
}

static gboolean
same_output(const char *input, const char *theirs, const char *ours)
{
    g_autofree char *theirs_n = normalise_libvirt(input, theirs);
    g_autofree char *ours_n = normalise_vireo(ours);
    g_autofree char *theirs_m = conf_test_mask_generated(input, theirs_n);
    g_autofree char *ours_m = conf_test_mask_generated(input, ours_n);
    return g_str_equal(theirs_m, ours_m);
}

#define MUTANTS_PER_FILE 200

/* Seeded mutants of a valid input go to both. vireo may refuse more than
 * libvirt (it refuses what it does not model, see the differences doc),
 * but must never accept what libvirt refuses, and when both accept, both
 * must write the same XML. */
static void
test_oracle_mutants(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in_path = conf_test_data_path("in", name);
    g_autofree char *input = NULL;
    /* VIREO_ORACLE_SEED=N draws other mutants than the default ones. */
    const char *seed_env = g_getenv("VIREO_ORACLE_SEED");
    g_autoptr(GRand) rng = g_rand_new_with_seed(g_str_hash(name) ^
                                                (seed_env ? (guint32)atoi(seed_env) : 0x5eed));
    guint both = 0, vireo_stricter = 0;

    /* VIREO_ORACLE_MUTANTS=N explores further than make check does. */
    const char *env = g_getenv("VIREO_ORACLE_MUTANTS");
    int count = env ? atoi(env) : MUTANTS_PER_FILE;

    g_assert_true(g_file_get_contents(in_path, &input, NULL, NULL));
    for (int i = 0; i < count; i++) {
        g_autofree char *mutant = conf_test_mutate(rng, input);
        g_autoptr(GError) lerr = NULL;
        g_autoptr(GError) verr = NULL;
        g_autoptr(VireoDomainDef) def =
            vireo_domain_def_parse_string(mutant, "mutant.xml", VIREO_DOMAIN_PARSE_NONE, &verr);
        g_autofree char *theirs = NULL;
        g_autofree char *ours = NULL;

        /* What vireo refuses is not given to libvirt at all: some of it
         * (drive controller 9999999) keeps libvirt busy for minutes. */
        if (!def) {
            vireo_stricter++;
            continue;
        }
        theirs = libvirt_format(mutant, &lerr);
        if (!theirs) {
            g_test_message("%s mutant %d: vireo accepts what libvirt refuses (%s):\n%s",
                           name, i, lerr->message, mutant);
            g_test_fail();
            continue;
        }
        both++;
        ours = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE | VIREO_DOMAIN_FORMAT_SECURE);
        if (!same_output(mutant, theirs, ours) && g_getenv("VIREO_ORACLE_DUMPDIR")) {
            const char *dir = g_getenv("VIREO_ORACLE_DUMPDIR");
            g_autofree char *stem = g_strdup_printf("%s/%s-m%d", dir, name, i);
            g_autofree char *a = g_strdup_printf("%s.input.xml", stem);
            g_autofree char *b = g_strdup_printf("%s.vireo.xml", stem);
            g_autofree char *c = g_strdup_printf("%s.libvirt.xml", stem);
            g_autofree char *on = normalise_vireo(ours);
            g_autofree char *tn = normalise_libvirt(mutant, theirs);
            g_autofree char *om = conf_test_mask_generated(mutant, on);
            g_autofree char *tm = conf_test_mask_generated(mutant, tn);
            g_file_set_contents(a, mutant, -1, NULL);
            g_file_set_contents(b, om, -1, NULL);
            g_file_set_contents(c, tm, -1, NULL);
        }
        if (!same_output(mutant, theirs, ours)) {
            g_test_message("%s mutant %d: outputs differ:\n%s\n--- libvirt:\n%s\n--- vireo:\n%s",
                           name, i, mutant, theirs, ours);
            g_test_fail();
        }
    }
    g_test_message("%s: %u mutants accepted by both, %u refused by vireo",
                   name, both, vireo_stricter);
}

static void
silence_libvirt(void *opaque, virErrorPtr err)
{
}

/* Valid cases are the ones with an expected output file. */
static GPtrArray *
valid_cases(void)
{
    g_autofree char *probe = conf_test_data_path("in", "x");
    g_autofree char *in_dir = g_path_get_dirname(probe);
    g_autoptr(GDir) dir = g_dir_open(in_dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *f;
    g_assert_nonnull(dir);
    while ((f = g_dir_read_name(dir))) {
        g_autofree char *name = NULL;
        g_autofree char *out = NULL;
        if (!g_str_has_suffix(f, ".xml"))
            continue;
        name = g_strndup(f, strlen(f) - 4);
        out = conf_test_data_path("out", name);
        if (g_file_test(out, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_steal_pointer(&name));
    }
    return names;
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) names = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    virSetErrorFunc(NULL, silence_libvirt);
    conn = virConnectOpen("test:///default");
    if (!conn || virConnectGetLibVersion(conn, &libvirt_version) < 0) {
        printf("1..0 # SKIP cannot open libvirt's test:///default driver\n");
        return 0;
    }
    names = valid_cases();
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("/oracle-libvirt/%s",
                                                (char *)g_ptr_array_index(names, i));
        g_test_add_data_func(path, g_ptr_array_index(names, i), test_oracle);
    }
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("/oracle-libvirt-mutants/%s",
                                                (char *)g_ptr_array_index(names, i));
        g_test_add_data_func(path, g_ptr_array_index(names, i), test_oracle_mutants);
    }
    rc = g_test_run();
    virConnectClose(conn);
    return rc;
}

#else /* !HAVE_LIBVIRT */
int
main(void)
{
    printf("1..0 # SKIP libvirt development files were not found at configure time\n");
    return 0;
}
#endif
