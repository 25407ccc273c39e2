/* vireo: helpers shared by the files of src/conf that parse and format the
 * domain model; not part of the contract other stages use. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>
#include "conf/domain_conf.h"

/* Fails with VIREO_ERR_CONFIG_UNSUPPORTED when node carries an attribute not
 * in attrs or a child element not in children (space-separated lists, NULL
 * for none), so nothing vireo does not model is dropped silently. */
gboolean vireo_conf_check_node(xmlNode *node, const char *attrs,
                               const char *children, GError **error);

/* Fails when node has a child element (for elements that are leaves). */
gboolean vireo_conf_check_leaf(xmlNode *node, const char *attrs,
                               GError **error);

guint vireo_conf_line(xmlNode *node);

/* Highest controller index vireo accepts (PCI's own limit is 255 too). */
#define VIREO_CONTROLLER_INDEX_MAX 255

/* A libvirt bitmap attribute ("0-3,^2") in canonical form ("0-1,3"). */
int vireo_conf_prop_bitmap(xmlNode *node, const char *name, char **out,
                           GError **error);

/* libvirt's fixed SMBIOS field names of a sysinfo block ("bios",
 * "system", "baseBoard", "chassis"), NULL-terminated, in output order. */
const char *const *vireo_sysinfo_block_names(const char *block);

/* After all devices are read: libvirt's numbering of serial ports. */
void vireo_domain_devices_finish(VireoDomainDef *def);

/* The text of node as an unsigned number (element content, e.g. <vcpu>4</vcpu>). */
gboolean vireo_conf_content_ulonglong(xmlNode *node, guint64 *out,
                                      GError **error);
gboolean vireo_conf_content_uint(xmlNode *node, guint *out, GError **error);
/* The text of node as an enum value; NULL text or unknown value is an error. */
gboolean vireo_conf_content_enum(xmlNode *node, int (*from_string)(const char *),
                                 int *out, GError **error);
char *vireo_conf_content(xmlNode *node);

/* Iterate element children. */
#define VIREO_CONF_FOREACH_CHILD(parent, child) \
    for (xmlNode *child = (parent) ? (parent)->children : NULL; child; child = child->next) \
        if (child->type == XML_ELEMENT_NODE)

gboolean vireo_conf_node_is(xmlNode *node, const char *name);

/* Device parsers (domain_conf_devices.c). */
gboolean vireo_domain_devices_parse(VireoDomainDef *def, xmlNode *devices,
                                    VireoDomainParseFlags flags, GError **error);
gboolean vireo_device_address_parse(xmlNode *node, VireoDeviceAddress *addr,
                                    GError **error);

/* libvirt's virDomainDiskInsertPreAlloced / virDomainControllerInsertPreAlloced
 * orderings. */
void vireo_domain_disk_insert(VireoDomainDef *def, VireoDiskDef *disk);
void vireo_domain_controller_insert(VireoDomainDef *def, VireoControllerDef *ctrl);

/* Formatting (domain_format.c): a GString with libvirt's 2-space indent. */
typedef struct {
    GString *str;
    int indent;
} VireoBuf;

void vireo_buf_line(VireoBuf *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Appends the escaped value (', ", <, >, & as entities). */
void vireo_buf_escape(GString *str, const char *value);
/* " name='value'" with escaping; nothing when value is NULL. */
void vireo_buf_attr(GString *str, const char *name, const char *value);

void vireo_domain_devices_format(VireoBuf *buf, const VireoDomainDef *def,
                                 VireoDomainFormatFlags flags);
void vireo_device_address_format(VireoBuf *buf, const VireoDeviceAddress *addr);
