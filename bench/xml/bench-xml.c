/* bench/xml: documents per second through "define + dumpxml", vireo
 * against libvirt's test driver, on the same documents in the same run.
 *
 * vireo:   parse + schemas/domain.rng + post-parse + semantic checks
 *          (vireo_domain_def_parse_node with VALIDATE_SCHEMA) + format.
 * libvirt: virDomainDefineXMLFlags(VIR_DOMAIN_DEFINE_VALIDATE) +
 *          virDomainGetXMLDesc + virDomainUndefine on test:///default,
 *          libvirt's own parse, schema, post-parse, validate and format.
 *
 * Rounds alternate between the two so a noisy neighbour hurts both; the
 * best round of each is reported (the least disturbed one).
 * Usage: bench-xml [--rounds N] [--seconds S] FILE.xml... */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "conf/domain_conf.h"
#include "util/vireo-xml.h"

typedef struct {
    char *path;
    char *xml;
    gsize len;
} Doc;

static gboolean
vireo_one(const Doc *d)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(d->xml, d->len, d->path, &err);
    g_autoptr(VireoDomainDef) def = NULL;
    g_autofree char *out = NULL;

    if (doc)
        def = vireo_domain_def_parse_node(doc, NULL, VIREO_DOMAIN_PARSE_VALIDATE_SCHEMA, &err);
    if (!def) {
        fprintf(stderr, "vireo: %s\n", err->message);
        return FALSE;
    }
    out = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE);
    return out != NULL;
}

static gboolean
libvirt_one(virConnectPtr conn, const Doc *d)
{
    virDomainPtr dom = virDomainDefineXMLFlags(conn, d->xml, VIR_DOMAIN_DEFINE_VALIDATE);
    char *out;
    gboolean ok;

    if (!dom) {
        fprintf(stderr, "libvirt: %s: %s\n", d->path, virGetLastErrorMessage());
        return FALSE;
    }
    out = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    ok = out != NULL && virDomainUndefine(dom) == 0;
    free(out);
    virDomainFree(dom);
    return ok;
}

/* Runs whole passes over docs for about `seconds`; documents per second. */
static double
round_rate(virConnectPtr conn, GPtrArray *docs, double seconds)
{
    gint64 start = g_get_monotonic_time();
    gint64 end = start + (gint64)(seconds * G_USEC_PER_SEC);
    guint64 done = 0;

    do {
        for (guint i = 0; i < docs->len; i++) {
            const Doc *d = g_ptr_array_index(docs, i);
            if (!(conn ? libvirt_one(conn, d) : vireo_one(d)))
                exit(1);
            done++;
        }
    } while (g_get_monotonic_time() < end);
    return done / ((g_get_monotonic_time() - start) / (double)G_USEC_PER_SEC);
}

static void
quiet_libvirt(void *opaque, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    int rounds = 5;
    double seconds = 1.0;
    g_autoptr(GPtrArray) docs = g_ptr_array_new();
    virConnectPtr conn;
    double best_vireo = 0, best_libvirt = 0;
    int i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (g_str_equal(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (g_str_equal(argv[i], "--seconds") && i + 1 < argc)
            seconds = g_ascii_strtod(argv[++i], NULL);
        else {
            fprintf(stderr, "usage: %s [--rounds N] [--seconds S] FILE.xml...\n", argv[0]);
            return 2;
        }
    }
    for (; i < argc; i++) {
        Doc *d = g_new0(Doc, 1);
        d->path = argv[i];
        if (!g_file_get_contents(argv[i], &d->xml, &d->len, NULL)) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
        g_ptr_array_add(docs, d);
    }
    if (docs->len == 0 || rounds < 1)
        return 2;
    virSetErrorFunc(NULL, quiet_libvirt);
    conn = virConnectOpen("test:///default");
    if (!conn) {
        fprintf(stderr, "cannot open test:///default\n");
        return 1;
    }
    /* Warm-up: first use loads and caches both schemas. */
    round_rate(NULL, docs, 0.05);
    round_rate(conn, docs, 0.05);
    for (int r = 0; r < rounds; r++) {
        double v = round_rate(NULL, docs, seconds);
        double l = round_rate(conn, docs, seconds);
        printf("round %d: vireo %.0f docs/s, libvirt %.0f docs/s\n", r + 1, v, l);
        best_vireo = MAX(best_vireo, v);
        best_libvirt = MAX(best_libvirt, l);
    }
    printf("documents: %u (%s ... )\n", docs->len, ((Doc *)docs->pdata[0])->path);
    printf("vireo   parse+schema+postparse+validate+format: %.0f docs/s\n", best_vireo);
    printf("libvirt test driver define(VALIDATE)+dumpxml+undefine: %.0f docs/s\n", best_libvirt);
    printf("ratio vireo/libvirt: %.2fx (target >= 2x)\n", best_vireo / best_libvirt);
    virConnectClose(conn);
    return 0;
}
