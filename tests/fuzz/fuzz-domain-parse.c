/* libFuzzer target: any bytes through everything `vireo define` runs on a
 * document (well-formedness, schema, parse, post-parse, validation) and,
 * for what is accepted, format and parse again. Every input must end in a
 * clean success or a GError: no crash, no leak, no undefined behaviour
 * (built with -fsanitize=fuzzer,address,undefined by tests/validate.mk). */
#include <config.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_validate.h"
#include "util/vireo-xml.h"

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* The schema from the source tree unless the caller points elsewhere. */
    setenv("VIREO_SCHEMADIR", VIREO_SRC_SCHEMADIR, 0);
    g_log_set_default_handler(quiet_log, NULL);
    return 0;
}

/* Formatting what was accepted must give a document that is accepted
 * again: otherwise `vireo define` followed by `vireo dumpxml | vireo define`
 * would fail. */
static void
round_trip(const VireoDomainDef *def)
{
    g_autofree char *xml = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_SECURE);
    g_autoptr(VireoDomainDef) again = NULL;
    g_autoptr(GError) err = NULL;

    if (!xml)
        abort();
    again = vireo_domain_def_parse_string(xml, "formatted.xml", VIREO_DOMAIN_PARSE_NONE, &err);
    if (!again) {
        fprintf(stderr, "formatted XML refused: %s\n%s\n", err->message, xml);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string((const char *)data, size, "fuzz.xml", &err);
    g_autoptr(VireoDomainDef) def = NULL;

    if (!doc)
        return 0;
    /* Schema problems are reported; the parser must still cope alone. */
    if (!vireo_domain_schema_validate(doc, "fuzz.xml", &err))
        g_clear_error(&err);
    def = vireo_domain_def_parse_node(doc, xmlDocGetRootElement(doc),
                                      VIREO_DOMAIN_PARSE_NONE, &err);
    if (def) {
        g_autoptr(GPtrArray) problems = vireo_domain_def_validate_all(def, "fuzz.xml");
        if (problems->len == 0)
            round_trip(def);
    }
    return 0;
}
