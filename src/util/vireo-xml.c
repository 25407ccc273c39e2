#include <config.h>
#include <errno.h>
#include <string.h>
#include <libxml/parser.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include "util/vireo-xml.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

typedef struct {
    char *message;
    int line;
    int column;
} XmlFirstError;

static void
vireo_xml_capture_error(void *opaque, xmlErrorPtr err)
{
    XmlFirstError *first = opaque;
    if (first->message || !err || err->level < XML_ERR_ERROR)
        return;
    first->message = g_strstrip(g_strdup(err->message ? err->message : ""));
    first->line = err->line;
    first->column = err->int2;
}

xmlDoc *
vireo_xml_parse_string(const char *xml, gsize len, const char *url,
                       GError **error)
{
    XmlFirstError first = { 0 };
    xmlParserCtxtPtr ctxt;
    xmlDoc *doc;

    if (len > VIREO_XML_MAX_BYTES) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("%s: document is %llu bytes, more than the limit of %d"),
                        url ? url : "(string)", (unsigned long long)len, VIREO_XML_MAX_BYTES);
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        vireo_error_set(error, VIREO_ERR_NO_MEMORY, "%s", _("cannot allocate XML parser"));
        return NULL;
    }
    xmlSetStructuredErrorFunc(&first, vireo_xml_capture_error);
    /* No NOENT (entity substitution), no DTDLOAD/DTDATTR, no network. */
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING |
                            XML_PARSE_NOERROR | XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc && (!ctxt->wellFormed || first.message)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc && doc->intSubset) {
        /* libvirt documents never need a DTD; refusing one closes the door
         * on entity expansion attacks. */
        long line = xmlGetLineNo(xmlDocGetRootElement(doc) ? (xmlNode *)doc->intSubset : NULL);
        xmlFreeDoc(doc);
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("%s:%ld: a document type declaration (DOCTYPE) is not allowed"),
                        url ? url : "(string)", line > 0 ? line : 1L);
        g_free(first.message);
        return NULL;
    }
    if (!doc) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s:%d:%d: %s",
                        url ? url : "(string)", first.line, first.column,
                        first.message ? first.message : _("document is not well formed"));
        g_free(first.message);
        return NULL;
    }
    g_free(first.message);
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        vireo_error_set(error, VIREO_ERR_XML_ERROR, _("%s: document is empty"),
                        url ? url : "(string)");
        return NULL;
    }
    return doc;
}

xmlDoc *
vireo_xml_parse_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    struct stat st;
    g_autoptr(GError) local = NULL;

    if (g_stat(path, &st) == 0 && st.st_size > VIREO_XML_MAX_BYTES) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("%s: document is %llu bytes, more than the limit of %d"),
                        path, (unsigned long long)st.st_size, VIREO_XML_MAX_BYTES);
        return NULL;
    }
    if (!g_file_get_contents(path, &data, &len, &local)) {
        vireo_error_set(error, VIREO_ERR_READ_FAILED, "%s", local->message);
        return NULL;
    }
    return vireo_xml_parse_string(data, len, path, error);
}

char *
vireo_xml_node_where(xmlNode *node)
{
    return g_strdup_printf(_("element '%s' on line %ld"),
                           node && node->name ? (const char *)node->name : "?",
                           node ? xmlGetLineNo(node) : 0L);
}

char *
vireo_xml_prop_string(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    char *ret;
    if (!v)
        return NULL;
    ret = g_strdup((const char *)v);
    xmlFree(v);
    return ret;
}

static int
prop_missing(xmlNode *node, const char *name, VireoXmlPropFlags flags,
             GError **error)
{
    g_autofree char *where = NULL;
    if (!(flags & VIREO_XML_PROP_REQUIRED))
        return 0;
    where = vireo_xml_node_where(node);
    vireo_error_set(error, VIREO_ERR_XML_ERROR,
                    _("missing required attribute '%s' in %s"), name, where);
    return -1;
}

static int
prop_invalid(xmlNode *node, const char *name, const char *value,
             GError **error)
{
    g_autofree char *where = vireo_xml_node_where(node);
    vireo_error_set(error, VIREO_ERR_XML_ERROR,
                    _("invalid value '%s' for attribute '%s' in %s"),
                    value, name, where);
    return -1;
}

int
vireo_xml_prop_string_req(xmlNode *node, const char *name, char **result,
                          GError **error)
{
    char *v = vireo_xml_prop_string(node, name);
    if (!v)
        return prop_missing(node, name, VIREO_XML_PROP_REQUIRED, error);
    *result = v;
    return 1;
}

int
vireo_xml_prop_enum(xmlNode *node, const char *name,
                    int (*from_string)(const char *),
                    VireoXmlPropFlags flags, int *result, GError **error)
{
    g_autofree char *v = vireo_xml_prop_string(node, name);
    int val;
    if (!v)
        return prop_missing(node, name, flags, error);
    val = from_string(v);
    if (val < 0 || ((flags & VIREO_XML_PROP_NONZERO) && val == 0))
        return prop_invalid(node, name, v, error);
    *result = val;
    return 1;
}

static gboolean
parse_u64(const char *s, int base, guint64 *out)
{
    char *end = NULL;
    guint64 v;
    while (g_ascii_isspace(*s))
        s++;
    if (*s == '-' || *s == '+' || *s == '\0')
        return FALSE;
    /* Overflow is G_MAXUINT64 with ERANGE. errno alone says nothing: a
     * call that succeeds may leave it changed (g_ascii_strtoull's first
     * call sets up a C locale under a GOnce, whose futex wait sets EAGAIN
     * when another thread holds it). */
    errno = 0;
    v = g_ascii_strtoull(s, &end, base);
    if ((v == G_MAXUINT64 && errno == ERANGE) || end == s || *end != '\0')
        return FALSE;
    *out = v;
    return TRUE;
}

static gboolean
parse_i64(const char *s, int base, gint64 *out)
{
    char *end = NULL;
    gint64 v;
    while (g_ascii_isspace(*s))
        s++;
    if (*s == '\0')
        return FALSE;
    errno = 0;                      /* as parse_u64 */
    v = g_ascii_strtoll(s, &end, base);
    if (((v == G_MAXINT64 || v == G_MININT64) && errno == ERANGE) ||
        end == s || *end != '\0')
        return FALSE;
    *out = v;
    return TRUE;
}

int
vireo_xml_prop_ulonglong(xmlNode *node, const char *name, int base,
                         VireoXmlPropFlags flags, guint64 *result,
                         GError **error)
{
    g_autofree char *v = vireo_xml_prop_string(node, name);
    guint64 val;
    if (!v)
        return prop_missing(node, name, flags, error);
    if (!parse_u64(v, base, &val) ||
        ((flags & VIREO_XML_PROP_NONZERO) && val == 0))
        return prop_invalid(node, name, v, error);
    *result = val;
    return 1;
}

int
vireo_xml_prop_uint(xmlNode *node, const char *name, int base,
                    VireoXmlPropFlags flags, guint *result, GError **error)
{
    guint64 val = 0;
    int rc = vireo_xml_prop_ulonglong(node, name, base, flags, &val, error);
    if (rc <= 0)
        return rc;
    if (val > G_MAXUINT) {
        g_autofree char *v = vireo_xml_prop_string(node, name);
        return prop_invalid(node, name, v, error);
    }
    *result = (guint)val;
    return 1;
}

int
vireo_xml_prop_longlong(xmlNode *node, const char *name, int base,
                        VireoXmlPropFlags flags, gint64 *result,
                        GError **error)
{
    g_autofree char *v = vireo_xml_prop_string(node, name);
    gint64 val;
    if (!v)
        return prop_missing(node, name, flags, error);
    if (!parse_i64(v, base, &val) ||
        ((flags & VIREO_XML_PROP_NONZERO) && val == 0))
        return prop_invalid(node, name, v, error);
    *result = val;
    return 1;
}

int
vireo_xml_prop_int(xmlNode *node, const char *name, int base,
                   VireoXmlPropFlags flags, int *result, GError **error)
{
    gint64 val = 0;
    int rc = vireo_xml_prop_longlong(node, name, base, flags, &val, error);
    if (rc <= 0)
        return rc;
    if (val > G_MAXINT || val < G_MININT) {
        g_autofree char *v = vireo_xml_prop_string(node, name);
        return prop_invalid(node, name, v, error);
    }
    *result = (int)val;
    return 1;
}

static int
prop_tristate(xmlNode *node, const char *name, const char *yes,
              const char *no, VireoXmlPropFlags flags, VireoTristate *result,
              GError **error)
{
    g_autofree char *v = vireo_xml_prop_string(node, name);
    if (!v)
        return prop_missing(node, name, flags, error);
    if (g_str_equal(v, yes))
        *result = VIREO_TRISTATE_YES;
    else if (g_str_equal(v, no))
        *result = VIREO_TRISTATE_NO;
    else
        return prop_invalid(node, name, v, error);
    return 1;
}

int
vireo_xml_prop_yesno(xmlNode *node, const char *name, VireoXmlPropFlags flags,
                     VireoTristate *result, GError **error)
{
    return prop_tristate(node, name, "yes", "no", flags, result, error);
}

int
vireo_xml_prop_onoff(xmlNode *node, const char *name, VireoXmlPropFlags flags,
                     VireoTristate *result, GError **error)
{
    return prop_tristate(node, name, "on", "off", flags, result, error);
}

gboolean
vireo_uuid_parse(const char *str, guint8 uuid[16])
{
    guint n = 0;
    const char *p = str;
    while (g_ascii_isspace(*p))
        p++;
    while (*p && n < 32) {
        int hi;
        if (*p == '-') {
            p++;
            continue;
        }
        hi = g_ascii_xdigit_value(*p);
        if (hi < 0)
            return FALSE;
        if (n % 2 == 0)
            uuid[n / 2] = (guint8)(hi << 4);
        else
            uuid[n / 2] |= (guint8)hi;
        n++;
        p++;
    }
    while (g_ascii_isspace(*p))
        p++;
    return n == 32 && *p == '\0';
}

void
vireo_uuid_format(const guint8 uuid[16], char out[37])
{
    g_snprintf(out, 37,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6],
               uuid[7], uuid[8], uuid[9], uuid[10], uuid[11], uuid[12],
               uuid[13], uuid[14], uuid[15]);
}

void
vireo_uuid_generate(guint8 uuid[16])
{
    for (int i = 0; i < 16; i += 4) {
        guint32 r = g_random_int();
        memcpy(uuid + i, &r, 4);
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40;  /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80;  /* RFC 4122 variant */
}

int
vireo_xml_prop_uuid(xmlNode *node, const char *name, VireoXmlPropFlags flags,
                    guint8 result[16], GError **error)
{
    g_autofree char *v = vireo_xml_prop_string(node, name);
    if (!v)
        return prop_missing(node, name, flags, error);
    if (!vireo_uuid_parse(v, result))
        return prop_invalid(node, name, v, error);
    return 1;
}

gboolean
vireo_scale_integer(guint64 *value, const char *unit, guint64 default_scale,
                    guint64 max, GError **error)
{
    guint64 scale = default_scale;
    if (unit && *unit) {
        gsize len = strlen(unit);
        int base;
        int power = 0;
        switch (g_ascii_tolower(unit[0])) {
        case 'b': power = 0; break;
        case 'k': power = 1; break;
        case 'm': power = 2; break;
        case 'g': power = 3; break;
        case 't': power = 4; break;
        case 'p': power = 5; break;
        case 'e': power = 6; break;
        default: power = -1; break;
        }
        if (power == 0) {
            if (!g_str_equal(unit, "b") && !g_str_equal(unit, "bytes"))
                power = -1;
            base = 1024;
        } else if (len == 1 || (len == 3 && unit[1] == 'i' && unit[2] == 'B')) {
            base = 1024;
        } else if (len == 2 && unit[1] == 'B') {
            base = 1000;
        } else {
            power = -1;
            base = 1024;
        }
        if (power < 0) {
            vireo_error_set(error, VIREO_ERR_INVALID_ARG,
                            _("unknown suffix '%s'"), unit);
            return FALSE;
        }
        scale = 1;
        for (int i = 0; i < power; i++)
            scale *= (guint64)base;
    }
    if (*value && *value > max / scale) {
        vireo_error_set(error, VIREO_ERR_OPERATION_FAILED,
                        _("value too large: %llu%s"),
                        (unsigned long long)*value, unit ? unit : "");
        return FALSE;
    }
    *value *= scale;
    return TRUE;
}

int
vireo_xml_element_memory_kib(xmlNode *node, VireoXmlPropFlags flags,
                             guint64 *kib, GError **error)
{
    g_autofree char *unit = NULL;
    g_autoptr(VireoXmlChar) text = NULL;
    guint64 bytes;
    /* libvirt caps memory at ULLONG_MAX KiB in bytes-compatible form. */
    const guint64 max = G_MAXUINT64 / 1024 > 0 ? (guint64)G_MAXINT64 : 0;

    if (!node)
        return (flags & VIREO_XML_PROP_REQUIRED) ? -1 : 0;
    text = xmlNodeGetContent(node);
    unit = vireo_xml_prop_string(node, "unit");
    if (!text || !parse_u64((const char *)text, 10, &bytes)) {
        g_autofree char *where = vireo_xml_node_where(node);
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' in %s"),
                        text ? (const char *)text : "", where);
        return -1;
    }
    if (!vireo_scale_integer(&bytes, unit, 1024, max, error)) {
        g_autofree char *where = vireo_xml_node_where(node);
        g_prefix_error(error, "%s: ", where);
        return -1;
    }
    *kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    if ((flags & VIREO_XML_PROP_NONZERO) && *kib == 0) {
        g_autofree char *where = vireo_xml_node_where(node);
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("memory size must be greater than zero in %s"), where);
        return -1;
    }
    return 1;
}

xmlNode *
vireo_xml_child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)name))
            return c;
    }
    return NULL;
}

char *
vireo_xml_child_content(xmlNode *node, const char *name)
{
    xmlNode *c = vireo_xml_child(node, name);
    xmlChar *v;
    char *ret;
    if (!c)
        return NULL;
    v = xmlNodeGetContent(c);
    ret = g_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return ret;
}
