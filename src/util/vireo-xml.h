/* vireo: safe XML parsing and typed attribute readers.
 *
 * Readers follow libvirt's virXMLProp* contract: return 1 when the attribute
 * was present and parsed, 0 when absent (and not required), -1 on error with
 * *error set to a message naming the element, the attribute and the line. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
typedef xmlChar VireoXmlChar;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoXmlChar, xmlFree)

typedef enum {
    VIREO_XML_PROP_NONE = 0,
    VIREO_XML_PROP_REQUIRED = 1 << 0,  /* absent is an error */
    VIREO_XML_PROP_NONZERO = 1 << 1,   /* 0 / the enum's first value is an error */
} VireoXmlPropFlags;

typedef enum {
    VIREO_TRISTATE_ABSENT = 0,
    VIREO_TRISTATE_YES,   /* "yes" or "on" */
    VIREO_TRISTATE_NO,    /* "no" or "off" */
} VireoTristate;

/* Largest document vireo reads (bytes); larger input is refused unread. */
#define VIREO_XML_MAX_BYTES (10 * 1024 * 1024)

/* Parses without network, DTD loading or entity substitution. Malformed
 * input fails with "FILE:LINE:COLUMN: message" in a VIREO_ERR_XML_ERROR. */
xmlDoc *vireo_xml_parse_file(const char *path, GError **error);
xmlDoc *vireo_xml_parse_string(const char *xml, gsize len, const char *url,
                               GError **error);

/* "<elem> on line N" phrasing used by every message about a node. */
char *vireo_xml_node_where(xmlNode *node);

char *vireo_xml_prop_string(xmlNode *node, const char *name);
int vireo_xml_prop_string_req(xmlNode *node, const char *name, char **result,
                              GError **error);
int vireo_xml_prop_enum(xmlNode *node, const char *name,
                        int (*from_string)(const char *),
                        VireoXmlPropFlags flags, int *result, GError **error);
int vireo_xml_prop_uint(xmlNode *node, const char *name, int base,
                        VireoXmlPropFlags flags, guint *result, GError **error);
int vireo_xml_prop_int(xmlNode *node, const char *name, int base,
                       VireoXmlPropFlags flags, int *result, GError **error);
int vireo_xml_prop_ulonglong(xmlNode *node, const char *name, int base,
                             VireoXmlPropFlags flags, guint64 *result,
                             GError **error);
int vireo_xml_prop_longlong(xmlNode *node, const char *name, int base,
                            VireoXmlPropFlags flags, gint64 *result,
                            GError **error);
/* yes/no */
int vireo_xml_prop_yesno(xmlNode *node, const char *name,
                         VireoXmlPropFlags flags, VireoTristate *result,
                         GError **error);
/* on/off */
int vireo_xml_prop_onoff(xmlNode *node, const char *name,
                         VireoXmlPropFlags flags, VireoTristate *result,
                         GError **error);
/* 36-character or 32-hex-digit UUID into 16 bytes. */
int vireo_xml_prop_uuid(xmlNode *node, const char *name,
                        VireoXmlPropFlags flags, guint8 result[16],
                        GError **error);

/* Scales value by unit (libvirt's virScaleInteger: b, bytes, KB, k, KiB,
 * MB, M, MiB, GB, G, GiB, TB, T, TiB; default_unit when unit is NULL) into
 * bytes, then checks against max bytes. Overflow is an error. */
gboolean vireo_scale_integer(guint64 *value, const char *unit,
                             guint64 default_scale, guint64 max,
                             GError **error);

/* Reads an element like <memory unit='MiB'>2048</memory> into KiB
 * (rounded up), as libvirt's virDomainParseMemory does. */
int vireo_xml_element_memory_kib(xmlNode *node, VireoXmlPropFlags flags,
                                 guint64 *kib, GError **error);

/* Children helpers. */
xmlNode *vireo_xml_child(xmlNode *node, const char *name);
char *vireo_xml_child_content(xmlNode *node, const char *name);

/* UUID helpers. */
gboolean vireo_uuid_parse(const char *str, guint8 uuid[16]);
void vireo_uuid_format(const guint8 uuid[16], char out[37]);
void vireo_uuid_generate(guint8 uuid[16]);
