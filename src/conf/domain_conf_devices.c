/* vireo: parsers for the <devices> of libvirt's domain XML, one function per
 * device kind, with libvirt's parse-time defaults (disk bus from the target
 * name, cdrom read-only, serial port numbering, input bus). */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define TRY(expr) do { if ((expr) < 0) return FALSE; } while (0)

typedef struct {
    VireoDomainParseFlags flags;
} DevCtx;

/* ---- addresses --------------------------------------------------------- */
static gboolean
parse_pci_address(xmlNode *node, VireoDeviceAddress *a, GError **error)
{
    if (!vireo_conf_check_leaf(node, "type domain bus slot function multifunction", error))
        return FALSE;
    TRY(vireo_xml_prop_uint(node, "domain", 0, 0, &a->domain, error));
    TRY(vireo_xml_prop_uint(node, "bus", 0, 0, &a->bus, error));
    TRY(vireo_xml_prop_uint(node, "slot", 0, 0, &a->slot, error));
    TRY(vireo_xml_prop_uint(node, "function", 0, 0, &a->function, error));
    TRY(vireo_xml_prop_onoff(node, "multifunction", 0, &a->multifunction, error));
    if (a->domain > 0xffff || a->bus > 0xff || a->slot > 0x1f || a->function > 7) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("PCI address out of range on line %u"), vireo_conf_line(node));
        return FALSE;
    }
    return TRUE;
}

/* Every controller an address names gets created, so an absurd index
 * would create millions of them (libvirt has no limit and spends minutes). */
static gboolean
controller_index_ok(xmlNode *node, guint idx, GError **error)
{
    if (idx <= VIREO_CONTROLLER_INDEX_MAX)
        return TRUE;
    vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                    _("controller index %u in the address on line %u is above vireo's limit of %d"),
                    idx, vireo_conf_line(node), VIREO_CONTROLLER_INDEX_MAX);
    return FALSE;
}

/* A USB port is a hub path: up to four dot-separated numbers ("1.2"). */
static gboolean
usb_port_valid(xmlNode *node, const char *port, GError **error)
{
    g_auto(GStrv) parts = NULL;
    gboolean ok;
    if (!port)
        return TRUE;
    parts = g_strsplit(port, ".", -1);
    ok = g_strv_length(parts) >= 1 && g_strv_length(parts) <= 4;
    for (char **p = parts; ok && *p; p++)
        ok = g_ascii_string_to_unsigned(*p, 10, 0, G_MAXUINT, NULL, NULL);
    if (ok)
        return TRUE;
    vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                    _("Cannot parse <address> 'port' attribute '%s' on line %u"),
                    port, vireo_conf_line(node));
    return FALSE;
}

gboolean
vireo_device_address_parse(xmlNode *node, VireoDeviceAddress *a, GError **error)
{
    int type = 0;
    TRY(vireo_xml_prop_enum(node, "type", vireo_address_type_from_string,
                            VIREO_XML_PROP_REQUIRED | VIREO_XML_PROP_NONZERO, &type, error));
    a->type = type;
    switch (a->type) {
    case VIREO_ADDRESS_PCI:
        return parse_pci_address(node, a, error);
    case VIREO_ADDRESS_DRIVE:
        if (!vireo_conf_check_leaf(node, "type controller bus target unit", error))
            return FALSE;
        TRY(vireo_xml_prop_uint(node, "controller", 10, 0, &a->controller, error));
        if (!controller_index_ok(node, a->controller, error))
            return FALSE;
        TRY(vireo_xml_prop_uint(node, "bus", 10, 0, &a->bus, error));
        TRY(vireo_xml_prop_uint(node, "target", 10, 0, &a->target, error));
        TRY(vireo_xml_prop_uint(node, "unit", 10, 0, &a->unit, error));
        return TRUE;
    case VIREO_ADDRESS_VIRTIO_SERIAL: {
        int rc;
        if (!vireo_conf_check_leaf(node, "type controller bus port", error))
            return FALSE;
        TRY(vireo_xml_prop_uint(node, "controller", 10, 0, &a->controller, error));
        if (!controller_index_ok(node, a->controller, error))
            return FALSE;
        TRY(vireo_xml_prop_uint(node, "bus", 10, 0, &a->bus, error));
        rc = vireo_xml_prop_uint(node, "port", 10, 0, &a->port, error);
        TRY(rc);
        a->has_port = rc > 0;
        return TRUE;
    }
    case VIREO_ADDRESS_CCID:
        if (!vireo_conf_check_leaf(node, "type controller slot", error))
            return FALSE;
        TRY(vireo_xml_prop_uint(node, "controller", 10, 0, &a->controller, error));
        TRY(vireo_xml_prop_uint(node, "slot", 10, 0, &a->slot, error));
        return TRUE;
    case VIREO_ADDRESS_USB:
        if (!vireo_conf_check_leaf(node, "type bus port", error))
            return FALSE;
        TRY(vireo_xml_prop_uint(node, "bus", 10, 0, &a->bus, error));
        a->usb_port = vireo_xml_prop_string(node, "port");
        if (!usb_port_valid(node, a->usb_port, error))
            return FALSE;
        /* port '0' is "no port yet" to libvirt */
        if (a->usb_port && strspn(a->usb_port, "0.") == strlen(a->usb_port))
            g_clear_pointer(&a->usb_port, g_free);
        return TRUE;
    case VIREO_ADDRESS_ISA:
        if (!vireo_conf_check_leaf(node, "type iobase irq", error))
            return FALSE;
        /* libvirt reads both in hex, with or without 0x. */
        TRY(vireo_xml_prop_uint(node, "iobase", 16, 0, &a->iobase, error));
        TRY(vireo_xml_prop_uint(node, "irq", 16, 0, &a->irq, error));
        return TRUE;
    default:
        return vireo_conf_check_leaf(node, "type", error);
    }
}

/* <alias> and <address> are common to most devices. */
static gboolean
parse_common_child(xmlNode *c, char **alias, VireoDeviceAddress *addr,
                   GError **error)
{
    if (vireo_conf_node_is(c, "address"))
        return vireo_device_address_parse(c, addr, error);
    if (!vireo_conf_check_leaf(c, "name", error))
        return FALSE;
    g_free(*alias);
    return vireo_xml_prop_string_req(c, "name", alias, error) > 0;
}

static gboolean
parse_boot_order(xmlNode *c, guint *order, GError **error)
{
    if (!vireo_conf_check_leaf(c, "order", error))
        return FALSE;
    return vireo_xml_prop_uint(c, "order", 10, VIREO_XML_PROP_REQUIRED |
                               VIREO_XML_PROP_NONZERO, order, error) > 0;
}

/* ---- disks ------------------------------------------------------------- */
/* libvirt's virStorageFileFormat names a disk <driver type=> may use. */
static const char *const disk_formats[] = {
    "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
    "ploop", "cow", "qcow", "qcow2", "qed", "vmdk", "luks", NULL };

static gboolean
parse_disk_driver(VireoDiskDef *d, xmlNode *c, GError **error)
{
    int cache = 0, io = 0, discard = 0;
    if (!vireo_conf_check_leaf(c, "name type cache io discard", error))
        return FALSE;
    d->driver_name = vireo_xml_prop_string(c, "name");
    d->driver_type = vireo_xml_prop_string(c, "type");
    if (d->driver_type && !g_strv_contains(disk_formats, d->driver_type)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unknown driver format value '%s' on line %u"),
                        d->driver_type, vireo_conf_line(c));
        return FALSE;
    }
    TRY(vireo_xml_prop_enum(c, "cache", vireo_disk_cache_from_string,
                            VIREO_XML_PROP_NONZERO, &cache, error));
    TRY(vireo_xml_prop_enum(c, "io", vireo_disk_io_from_string,
                            VIREO_XML_PROP_NONZERO, &io, error));
    TRY(vireo_xml_prop_enum(c, "discard", vireo_disk_discard_from_string,
                            VIREO_XML_PROP_NONZERO, &discard, error));
    d->cache = cache;
    d->io = io;
    d->discard = discard;
    return TRUE;
}

static const char *const disk_protocols[] = {
    "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps",
    "tftp", "ssh", "vxhs", "nfs", NULL };

/* An empty attribute is an absent one, as libvirt reads it. */
static char *
prop_nonempty(xmlNode *node, const char *name)
{
    char *v = vireo_xml_prop_string(node, name);
    if (v && !*v)
        g_clear_pointer(&v, g_free);
    return v;
}

/* <auth> of a network disk (Ceph/iSCSI credentials, as Nova writes for
 * Cinder RBD volumes): the secret is named by uuid or by usage. */
static gboolean
parse_disk_auth(VireoDiskDef *d, xmlNode *c, gboolean in_source, GError **error)
{
    static const char *const secret_types[] = { "ceph", "iscsi", NULL };
    xmlNode *secret = vireo_xml_child(c, "secret");

    if (d->has_auth) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("an <auth> definition already found for disk source (line %u)"),
                        vireo_conf_line(c));
        return FALSE;
    }
    if (!vireo_conf_check_node(c, "username", "secret", error))
        return FALSE;
    d->auth_username = vireo_xml_prop_string(c, "username");
    if (!d->auth_username || !*d->auth_username) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("missing username for auth on line %u"), vireo_conf_line(c));
        return FALSE;
    }
    if (!secret) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Missing <secret> element in auth on line %u"), vireo_conf_line(c));
        return FALSE;
    }
    if (!vireo_conf_check_leaf(secret, "type uuid usage", error))
        return FALSE;
    TRY(vireo_xml_prop_string_req(secret, "type", &d->auth_secret_type, error));
    if (!g_strv_contains(secret_types, d->auth_secret_type)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid secret type %s on line %u"), d->auth_secret_type,
                        vireo_conf_line(secret));
        return FALSE;
    }
    d->auth_secret_uuid = vireo_xml_prop_string(secret, "uuid");
    d->auth_secret_usage = vireo_xml_prop_string(secret, "usage");
    if (!d->auth_secret_uuid == !d->auth_secret_usage) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("either secret uuid or usage expected on line %u"),
                        vireo_conf_line(secret));
        return FALSE;
    }
    if (d->auth_secret_uuid) {
        guint8 uuid[16];
        if (!vireo_uuid_parse(d->auth_secret_uuid, uuid)) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("malformed secret uuid '%s' on line %u"),
                            d->auth_secret_uuid, vireo_conf_line(secret));
            return FALSE;
        }
    }
    d->has_auth = TRUE;
    d->auth_in_source = in_source;
    return TRUE;
}

static gboolean
parse_disk_source(VireoDiskDef *d, xmlNode *c, GError **error)
{
    switch (d->type) {
    case VIREO_DISK_TYPE_FILE:
    case VIREO_DISK_TYPE_BLOCK:
    case VIREO_DISK_TYPE_DIR: {
        /* one path, named after the disk type */
        const char *attr = d->type == VIREO_DISK_TYPE_FILE ? "file" :
                           d->type == VIREO_DISK_TYPE_BLOCK ? "dev" : "dir";
        if (!vireo_conf_check_leaf(c, attr, error))
            return FALSE;
        d->src_path = prop_nonempty(c, attr);
        return TRUE;
    }
    case VIREO_DISK_TYPE_VOLUME:
        if (!vireo_conf_check_leaf(c, "pool volume", error))
            return FALSE;
        d->src_pool = vireo_xml_prop_string(c, "pool");
        d->src_volume = vireo_xml_prop_string(c, "volume");
        return TRUE;
    default:
        break;
    }
    if (!vireo_conf_check_node(c, "protocol name", "host* auth", error))
        return FALSE;
    TRY(vireo_xml_prop_string_req(c, "protocol", &d->src_protocol, error));
    if (!g_strv_contains(disk_protocols, d->src_protocol)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Unknown protocol '%s' on line %u"), d->src_protocol, vireo_conf_line(c));
        return FALSE;
    }
    d->src_name = vireo_xml_prop_string(c, "name");
    /* Only NBD exports may go unnamed (libvirt 9.0 crashes on an iSCSI
     * source with name='', which the oracle found). */
    if ((!d->src_name || !*d->src_name) && !g_str_equal(d->src_protocol, "nbd")) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("missing name for disk source on line %u"), vireo_conf_line(c));
        return FALSE;
    }
    /* iSCSI names are "target/lun"; libvirt adds LUN 0 when none is given. */
    if (g_str_equal(d->src_protocol, "iscsi") && !strchr(d->src_name, '/')) {
        char *with_lun = g_strdup_printf("%s/0", d->src_name);
        g_free(d->src_name);
        d->src_name = with_lun;
    }
    /* rbd names are "pool/image". */
    if (g_str_equal(d->src_protocol, "rbd") && (!d->src_name || !strchr(d->src_name, '/'))) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("can't split path '%s' into pool name and image name (line %u)"),
                        d->src_name ? d->src_name : "", vireo_conf_line(c));
        return FALSE;
    }
    d->src_hosts = g_ptr_array_new_with_free_func((GDestroyNotify)vireo_net_host_free);
    VIREO_CONF_FOREACH_CHILD(c, h) {
        VireoNetHost *host;
        if (vireo_conf_node_is(h, "auth")) {
            if (!parse_disk_auth(d, h, TRUE, error))
                return FALSE;
            continue;
        }
        if (!vireo_conf_check_leaf(h, "name port", error))
            return FALSE;
        {
            guint port = 0;
            TRY(vireo_xml_prop_uint(h, "port", 10, 0, &port, error));
            if (port > 65535) {
                g_autofree char *v = vireo_xml_prop_string(h, "port");
                vireo_error_set(error, VIREO_ERR_INVALID_ARG,
                                _("failed to parse port number '%s' on line %u"), v,
                                vireo_conf_line(h));
                return FALSE;
            }
        }
        host = g_new0(VireoNetHost, 1);
        host->name = vireo_xml_prop_string(h, "name");
        {
            /* kept as libvirt prints it: a number, none when 0 */
            guint port = 0;
            vireo_xml_prop_uint(h, "port", 10, 0, &port, NULL);
            host->port = port ? g_strdup_printf("%u", port) : NULL;
        }
        g_ptr_array_add(d->src_hosts, host);
    }
    return TRUE;
}

static gboolean
parse_disk_target(VireoDiskDef *d, xmlNode *c, GError **error)
{
    int bus = 0;
    if (!vireo_conf_check_leaf(c, "dev bus removable", error))
        return FALSE;
    TRY(vireo_xml_prop_string_req(c, "dev", &d->dst, error));
    TRY(vireo_xml_prop_enum(c, "bus", vireo_disk_bus_from_string,
                            VIREO_XML_PROP_NONZERO, &bus, error));
    d->bus = bus;
    TRY(vireo_xml_prop_onoff(c, "removable", 0, &d->removable, error));
    return TRUE;
}

/* libvirt derives a missing bus from the device or the target's prefix. */
static VireoDiskBus
disk_default_bus(const VireoDiskDef *d)
{
    static const struct { const char *prefix; VireoDiskBus bus; } map[] = {
        { "hd", VIREO_DISK_BUS_IDE }, { "sd", VIREO_DISK_BUS_SCSI },
        { "vd", VIREO_DISK_BUS_VIRTIO }, { "xvd", VIREO_DISK_BUS_XEN },
        { "ubd", VIREO_DISK_BUS_UML },
    };
    if (d->device == VIREO_DISK_DEVICE_FLOPPY)
        return VIREO_DISK_BUS_FDC;
    for (gsize i = 0; i < G_N_ELEMENTS(map); i++) {
        if (g_str_has_prefix(d->dst, map[i].prefix))
            return map[i].bus;
    }
    return VIREO_DISK_BUS_IDE;
}

static gboolean
parse_disk_child(VireoDiskDef *d, xmlNode *c, GError **error)
{
    const char *n = (const char *)c->name;
    if (g_str_equal(n, "driver"))
        return parse_disk_driver(d, c, error);
    if (g_str_equal(n, "source"))
        return parse_disk_source(d, c, error);
    if (g_str_equal(n, "target"))
        return parse_disk_target(d, c, error);
    if (g_str_equal(n, "serial")) {
        if (!vireo_conf_check_leaf(c, NULL, error))
            return FALSE;
        g_free(d->serial);
        d->serial = vireo_conf_content(c);
        return TRUE;
    }
    if (g_str_equal(n, "readonly") || g_str_equal(n, "shareable")) {
        if (!vireo_conf_check_leaf(c, NULL, error))
            return FALSE;
        *(g_str_equal(n, "readonly") ? &d->readonly : &d->shareable) = TRUE;
        return TRUE;
    }
    if (g_str_equal(n, "boot"))
        return parse_boot_order(c, &d->boot_order, error);
    if (g_str_equal(n, "auth")) {
        if (d->type == VIREO_DISK_TYPE_NETWORK)
            return parse_disk_auth(d, c, FALSE, error);
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("element '%s' on line %u is not supported"), n, vireo_conf_line(c));
        return FALSE;
    }
    return parse_common_child(c, &d->alias, &d->address, error);
}

static gboolean
parse_disk(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoDiskDef) d = g_new0(VireoDiskDef, 1);
    int type = VIREO_DISK_TYPE_FILE, device = VIREO_DISK_DEVICE_DISK;

    if (!vireo_conf_check_node(node, "type device",
                               "driver auth source target serial readonly shareable "
                               "boot address alias", error))
        return FALSE;
    d->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_enum(node, "type", vireo_disk_type_from_string, 0, &type, error));
    TRY(vireo_xml_prop_enum(node, "device", vireo_disk_device_from_string, 0, &device, error));
    d->type = type;
    d->device = device;
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!parse_disk_child(d, c, error))
            return FALSE;
    }
    if (!d->dst) {
        vireo_error_set(error, VIREO_ERR_NO_SOURCE,
                        _("missing disk target (disk on line %u)"), d->line);
        return FALSE;
    }
    if ((d->device == VIREO_DISK_DEVICE_FLOPPY) != g_str_has_prefix(d->dst, "fd")) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        d->device == VIREO_DISK_DEVICE_FLOPPY ?
                        _("Invalid floppy device name: %s (disk on line %u)") :
                        _("Invalid harddisk device name: %s (disk on line %u)"),
                        d->dst, d->line);
        return FALSE;
    }
    if (vireo_disk_name_to_index(d->dst) < 0) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("Invalid harddisk device name: %s (disk on line %u)"), d->dst, d->line);
        return FALSE;
    }
    /* Only removable media may be empty. */
    if (!d->src_path && !d->src_protocol && !d->src_pool &&
        d->device != VIREO_DISK_DEVICE_CDROM && d->device != VIREO_DISK_DEVICE_FLOPPY) {
        vireo_error_set(error, VIREO_ERR_NO_SOURCE,
                        _("missing source information for device %s (disk on line %u)"),
                        d->dst, d->line);
        return FALSE;
    }
    /* A CD-ROM is read-only media in libvirt's model. */
    if (d->device == VIREO_DISK_DEVICE_CDROM)
        d->readonly = TRUE;
    /* Removable media without any <source> is an empty drive, which
     * libvirt writes as type='file' whatever was given. */
    if (!vireo_xml_child(node, "source") &&
        (d->device == VIREO_DISK_DEVICE_CDROM || d->device == VIREO_DISK_DEVICE_FLOPPY))
        d->type = VIREO_DISK_TYPE_FILE;
    /* libvirt sorts while the bus is still unknown and derives missing
     * buses only after all disks are in (vireo_domain_devices_finish). */
    vireo_domain_disk_insert(def, g_steal_pointer(&d));
    return TRUE;
}

/* libvirt keeps disks of one bus together, sorted by target index. */
void
vireo_domain_disk_insert(VireoDomainDef *def, VireoDiskDef *disk)
{
    int insert_at = -1;
    int new_idx = vireo_disk_name_to_index(disk->dst);
    for (int i = (int)def->disks->len - 1; i >= 0; i--) {
        VireoDiskDef *cur = g_ptr_array_index(def->disks, i);
        if (cur->bus != disk->bus)
            continue;
        if (vireo_disk_name_to_index(cur->dst) > new_idx)
            insert_at = i;
        else if (insert_at == -1)
            insert_at = i + 1;
    }
    if (insert_at == -1 || insert_at >= (int)def->disks->len)
        g_ptr_array_add(def->disks, disk);
    else
        g_ptr_array_insert(def->disks, insert_at, disk);
}

/* ---- controllers ------------------------------------------------------- */
/* libvirt's model names per controller type. */
static gboolean
controller_model_known(VireoControllerType type, const char *model)
{
    static const char *const pci[] = {
        "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
        "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",
        "pcie-expander-bus", "pcie-to-pci-bridge", NULL };
    static const char *const usb[] = {
        "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
        "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2",
        "qemu-xhci", "none", NULL };
    static const char *const scsi[] = {
        "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi", "virtio-scsi",
        "lsisas1078", "virtio-transitional", "virtio-non-transitional", "ncr53c90",
        "am53c974", "dc390", NULL };
    static const char *const ide[] = { "piix3", "piix4", "ich6", NULL };
    static const char *const vserial[] = {
        "virtio", "virtio-transitional", "virtio-non-transitional", NULL };
    switch (type) {
    case VIREO_CONTROLLER_TYPE_PCI:
        return g_strv_contains(pci, model);
    case VIREO_CONTROLLER_TYPE_USB:
        return g_strv_contains(usb, model);
    case VIREO_CONTROLLER_TYPE_SCSI:
        return g_strv_contains(scsi, model);
    case VIREO_CONTROLLER_TYPE_IDE:
        return g_strv_contains(ide, model);
    case VIREO_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return g_strv_contains(vserial, model);
    default:
        return FALSE;
    }
}

/* <master>, <model> and <target> belong to one controller type each; on
 * another type they are reported like any unmodelled element. */
static gboolean
controller_child_is_own(const VireoControllerDef *c, xmlNode *ch)
{
    const char *n = (const char *)ch->name;
    if (c->type == VIREO_CONTROLLER_TYPE_USB)
        return g_str_equal(n, "master");
    if (c->type == VIREO_CONTROLLER_TYPE_PCI)
        return g_str_equal(n, "model") || g_str_equal(n, "target");
    return FALSE;
}

/* libvirt's names for the device that implements a PCI controller. */
static const char *const pci_model_names[] = {
    "pci-bridge", "i82801b11-bridge", "ioh3420", "pcie-root-port", "x3130-upstream",
    "xio3130-downstream", "pxb", "pxb-pcie", "pcie-pci-bridge", "spapr-pci-host-bridge",
    NULL };

/* libvirt's ranges for a PCI controller's <target> numbers. */
static gboolean
pci_target_in_range(xmlNode *t, const char *attr, gboolean has, guint value,
                    guint min, guint max, GError **error)
{
    g_autofree char *text = NULL;
    if (!has || (value >= min && value <= max))
        return TRUE;
    text = vireo_xml_prop_string(t, attr);
    vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                    _("PCI controller %s '%s' out of range - must be %u-%u (line %u)"),
                    attr, text, min, max, vireo_conf_line(t));
    return FALSE;
}

static gboolean
parse_pci_target(VireoControllerDef *c, xmlNode *t, GError **error)
{
    int rc;
    if (!vireo_conf_check_leaf(t, "chassisNr chassis port busNr hotplug", error))
        return FALSE;
    TRY(rc = vireo_xml_prop_uint(t, "chassisNr", 10, 0, &c->target_chassis_nr, error));
    c->has_chassis_nr = rc > 0;
    TRY(rc = vireo_xml_prop_uint(t, "chassis", 10, 0, &c->target_chassis, error));
    c->has_chassis = rc > 0;
    /* libvirt writes the port in hex and reads it in any base. */
    TRY(rc = vireo_xml_prop_uint(t, "port", 0, 0, &c->target_port, error));
    c->has_port = rc > 0;
    TRY(rc = vireo_xml_prop_uint(t, "busNr", 10, 0, &c->target_bus_nr, error));
    c->has_bus_nr = rc > 0;
    TRY(vireo_xml_prop_onoff(t, "hotplug", 0, &c->target_hotplug, error));
    return pci_target_in_range(t, "chassisNr", c->has_chassis_nr, c->target_chassis_nr, 1, 255, error) &&
           pci_target_in_range(t, "chassis", c->has_chassis, c->target_chassis, 0, 255, error) &&
           pci_target_in_range(t, "port", c->has_port, c->target_port, 0, 255, error) &&
           pci_target_in_range(t, "busNr", c->has_bus_nr, c->target_bus_nr, 1, 254, error);
}

/* Parses ch when it is one of c's own children; TRUE otherwise too. */
static gboolean
parse_controller_child(VireoControllerDef *c, xmlNode *ch, GError **error)
{
    const char *n = (const char *)ch->name;
    if (!controller_child_is_own(c, ch))
        return TRUE;
    if (g_str_equal(n, "master")) {
        /* an ich9-uhci companion of the EHCI controller with its index */
        if (!vireo_conf_check_leaf(ch, "startport", error))
            return FALSE;
        TRY(vireo_xml_prop_uint(ch, "startport", 10, VIREO_XML_PROP_REQUIRED,
                                &c->master_startport, error));
        c->has_master = TRUE;
        return TRUE;
    }
    if (g_str_equal(n, "target"))
        return parse_pci_target(c, ch, error);
    if (!vireo_conf_check_leaf(ch, "name", error))
        return FALSE;
    g_free(c->model_name);
    c->model_name = vireo_xml_prop_string(ch, "name");
    if (c->model_name && !g_strv_contains(pci_model_names, c->model_name)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Unknown PCI controller model name '%s' on line %u"),
                        c->model_name, vireo_conf_line(ch));
        return FALSE;
    }
    return TRUE;
}

/* The ICH9 UHCI controllers are companions of the EHCI one whatever is
 * written: libvirt gives them ports 0, 2 and 4 when <master> is absent
 * (before placing them, so the EHCI controller sorts first). */
static void
usb_companion_default_master(VireoControllerDef *c)
{
    static const char *const uhci[] = { "ich9-uhci1", "ich9-uhci2", "ich9-uhci3", NULL };
    if (c->type != VIREO_CONTROLLER_TYPE_USB || c->has_master || !c->model)
        return;
    for (guint i = 0; uhci[i]; i++) {
        if (g_str_equal(c->model, uhci[i])) {
            c->has_master = TRUE;
            c->master_startport = 2 * i;
        }
    }
}

static gboolean
parse_controller(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoControllerDef) c = g_new0(VireoControllerDef, 1);
    int type = 0, rc;

    if (!vireo_conf_check_node(node, "type index model ports vectors",
                               "address alias master model target", error))
        return FALSE;
    c->line = vireo_conf_line(node);
    c->idx = -1;
    TRY(vireo_xml_prop_enum(node, "type", vireo_controller_type_from_string,
                            VIREO_XML_PROP_REQUIRED, &type, error));
    c->type = type;
    TRY(vireo_xml_prop_int(node, "index", 10, 0, &c->idx, error));
    /* -1 is the parser's "absent"; written, an index is never negative. */
    if (c->idx < -1 || (c->idx == -1 && xmlHasProp(node, (const xmlChar *)"index"))) {
        g_autofree char *v = vireo_xml_prop_string(node, "index");
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' for attribute 'index' in controller on line %u"),
                        v, c->line);
        return FALSE;
    }
    if (c->idx > VIREO_CONTROLLER_INDEX_MAX && c->type != VIREO_CONTROLLER_TYPE_PCI) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("controller index %u in the address on line %u is above vireo's limit of %d"),
                        (guint)c->idx, c->line, VIREO_CONTROLLER_INDEX_MAX);
        return FALSE;
    }
    if (c->type == VIREO_CONTROLLER_TYPE_PCI && c->idx > 255) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("PCI controller index %d too high, maximum is 255 (line %u)"),
                        c->idx, c->line);
        return FALSE;
    }
    c->model = vireo_xml_prop_string(node, "model");
    if (c->model && !controller_model_known(c->type, c->model)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Unknown model type '%s' (controller on line %u)"), c->model, c->line);
        return FALSE;
    }
    /* libvirt reads ports/vectors of virtio-serial only. */
    if (c->type != VIREO_CONTROLLER_TYPE_VIRTIO_SERIAL &&
        !vireo_conf_check_node(node, "type index model", "address alias master model target", error))
        return FALSE;
    rc = vireo_xml_prop_uint(node, "ports", 10, 0, &c->ports, error);
    TRY(rc);
    c->has_ports = rc > 0;
    rc = vireo_xml_prop_uint(node, "vectors", 10, 0, &c->vectors, error);
    TRY(rc);
    c->has_vectors = rc > 0;
    VIREO_CONF_FOREACH_CHILD(node, ch) {
        g_autofree char *alias = NULL;
        if (!parse_controller_child(c, ch, error))
            return FALSE;
        if (controller_child_is_own(c, ch))
            continue;
        if (!parse_common_child(ch, &alias, &c->address, error))
            return FALSE;
    }
    usb_companion_default_master(c);
    vireo_domain_controller_insert(def, g_steal_pointer(&c));
    return TRUE;
}

/* libvirt keeps controllers of one type sorted by index. */
void
vireo_domain_controller_insert(VireoDomainDef *def, VireoControllerDef *ctrl)
{
    int insert_at = -1;
    for (int i = (int)def->controllers->len - 1; i >= 0; i--) {
        VireoControllerDef *cur = g_ptr_array_index(def->controllers, i);
        if (cur->type != ctrl->type)
            continue;
        if (ctrl->idx == -1) {
            insert_at = i + 1;
            break;
        }
        if (cur->idx > ctrl->idx)
            insert_at = i;
        else if (!ctrl->has_master && cur->has_master && cur->idx == ctrl->idx)
            insert_at = i;      /* a USB master goes before its companions */
        else if (insert_at == -1)
            insert_at = i + 1;  /* just after the last one not after it */
    }
    if (insert_at == -1 || insert_at >= (int)def->controllers->len)
        g_ptr_array_add(def->controllers, ctrl);
    else
        g_ptr_array_insert(def->controllers, insert_at, ctrl);
}

/* ---- interfaces -------------------------------------------------------- */
static gboolean
parse_net_source(VireoNetDef *n, xmlNode *c, GError **error)
{
    switch (n->type) {
    case VIREO_NET_TYPE_BRIDGE:
        if (!vireo_conf_check_leaf(c, "bridge", error))
            return FALSE;
        n->source_bridge = vireo_xml_prop_string(c, "bridge");
        return TRUE;
    case VIREO_NET_TYPE_NETWORK:
        if (!vireo_conf_check_leaf(c, "network portgroup", error))
            return FALSE;
        n->source_network = vireo_xml_prop_string(c, "network");
        n->source_portgroup = vireo_xml_prop_string(c, "portgroup");
        return TRUE;
    case VIREO_NET_TYPE_DIRECT:
        if (!vireo_conf_check_leaf(c, "dev mode", error))
            return FALSE;
        n->source_dev = vireo_xml_prop_string(c, "dev");
        n->source_mode = vireo_xml_prop_string(c, "mode");
        return TRUE;
    default:
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("element 'source' on line %u is not supported for interface type '%s'"),
                        vireo_conf_line(c), vireo_net_type_to_string(n->type));
        return FALSE;
    }
}

static gboolean
parse_net_child(VireoNetDef *n, xmlNode *c, GError **error)
{
    const char *name = (const char *)c->name;
    if (g_str_equal(name, "mac")) {
        g_autofree char *mac = NULL;
        if (!vireo_conf_check_leaf(c, "address", error))
            return FALSE;
        TRY(vireo_xml_prop_string_req(c, "address", &mac, error));
        if (!vireo_mac_parse(mac, n->mac)) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("unable to parse mac address '%s' (line %u)"), mac,
                            vireo_conf_line(c));
            return FALSE;
        }
        if (n->mac[0] & 1) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("expected unicast mac address, found multicast '%s' (line %u)"),
                            mac, vireo_conf_line(c));
            return FALSE;
        }
        n->mac_generated = FALSE;
        return TRUE;
    }
    if (g_str_equal(name, "source"))
        return parse_net_source(n, c, error);
    if (g_str_equal(name, "target") || g_str_equal(name, "model") ||
        g_str_equal(name, "script")) {
        const char *attr = name[0] == 't' ? "dev" : name[0] == 'm' ? "type" : "path";
        char **slot = name[0] == 't' ? &n->target_dev : name[0] == 'm' ? &n->model :
                      &n->script_path;
        if (!vireo_conf_check_leaf(c, attr, error))
            return FALSE;
        g_free(*slot);
        if (vireo_xml_prop_string_req(c, attr, slot, error) < 0)
            return FALSE;
        /* <script path=''/> is no script, as libvirt reads it. */
        if (slot == &n->script_path && !**slot)
            g_clear_pointer(slot, g_free);
        return TRUE;
    }
    if (g_str_equal(name, "driver")) {
        if (!vireo_conf_check_leaf(c, "name queues", error))
            return FALSE;
        n->driver_name = vireo_xml_prop_string(c, "name");
        return vireo_xml_prop_uint(c, "queues", 10, 0, &n->driver_queues, error) >= 0;
    }
    if (g_str_equal(name, "mtu")) {
        if (!vireo_conf_check_leaf(c, "size", error))
            return FALSE;
        return vireo_xml_prop_uint(c, "size", 10, VIREO_XML_PROP_REQUIRED |
                                   VIREO_XML_PROP_NONZERO, &n->mtu, error) > 0;
    }
    if (g_str_equal(name, "boot"))
        return parse_boot_order(c, &n->boot_order, error);
    return parse_common_child(c, &n->alias, &n->address, error);
}

/* What each interface type cannot do without, as libvirt checks it. */
static gboolean
net_source_complete(const VireoNetDef *n, GError **error)
{
    static const char *const direct_modes[] = { "vepa", "private", "bridge", "passthrough", NULL };
    if (n->type == VIREO_NET_TYPE_DIRECT && !n->source_dev) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("interface type='direct' requires a 'source' element with a 'dev' attribute (line %u)"),
                        n->line);
        return FALSE;
    }
    if (n->type == VIREO_NET_TYPE_DIRECT && n->source_mode &&
        !g_strv_contains(direct_modes, n->source_mode)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' for attribute 'mode' in element 'source' on line %u"),
                        n->source_mode, n->line);
        return FALSE;
    }
    if (n->type == VIREO_NET_TYPE_BRIDGE && !n->source_bridge) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("interface type='bridge' requires a 'source' element with a 'bridge' attribute (line %u)"),
                        n->line);
        return FALSE;
    }
    if (n->driver_name && !g_str_equal(n->driver_name, "qemu") &&
        !g_str_equal(n->driver_name, "vhost")) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' for attribute 'name' in element 'driver' (interface on line %u)"),
                        n->driver_name, n->line);
        return FALSE;
    }
    if (n->type == VIREO_NET_TYPE_NETWORK && !n->source_network) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("No <source> 'network' attribute specified with <interface type='network'/> (line %u)"),
                        n->line);
        return FALSE;
    }
    return TRUE;
}

/* The interface types vireo models (each has its <source> handled). */
static const char *const net_types_supported[] = {
    "user", "ethernet", "network", "bridge", "direct", NULL };

/* libvirt's virDomainNetModel names. */
static const char *const net_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", "e1000", "e1000e",
    "rtl8139", "netfront", "usb-net", "spapr-vlan", "lan9118", "scm91c111", "vlance",
    "vmxnet", "vmxnet2", "vmxnet3", "Am79C970A", "Am79C973", "82540EM", "82545EM",
    "82543GC", NULL };

static gboolean
parse_interface(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoNetDef) n = g_new0(VireoNetDef, 1);
    int type = 0;

    if (!vireo_conf_check_node(node, "type", "mac source target model driver script "
                               "mtu boot address alias", error))
        return FALSE;
    n->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_enum(node, "type", vireo_net_type_from_string,
                            VIREO_XML_PROP_REQUIRED, &type, error));
    n->type = type;
    if (!g_strv_contains(net_types_supported, vireo_net_type_to_string(type))) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("interface type '%s' on line %u is not supported"),
                        vireo_net_type_to_string(type), n->line);
        return FALSE;
    }
    n->mac_generated = TRUE;  /* until a <mac> says otherwise */
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!parse_net_child(n, c, error))
            return FALSE;
    }
    if (!net_source_complete(n, error))
        return FALSE;
    if (n->model && !g_strv_contains(net_models, n->model)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Unknown model type '%s' (interface on line %u)"), n->model, n->line);
        return FALSE;
    }
    g_ptr_array_add(def->nets, g_steal_pointer(&n));
    return TRUE;
}

/* ---- character devices ------------------------------------------------- */
/* Only udp has two <source> elements, one per direction. */
static gboolean
source_twice(xmlNode *c, GError **error)
{
    vireo_error_set(error, VIREO_ERR_XML_ERROR,
                    _("element '%s' on line %u may appear only once in '%s'"),
                    (const char *)c->name, vireo_conf_line(c), (const char *)c->parent->name);
    return FALSE;
}

static gboolean
parse_chr_source(VireoChrDef *chr, xmlNode *c, GError **error)
{
    g_autofree char *mode = NULL;
    if (!vireo_conf_check_leaf(c, "path mode host service append", error))
        return FALSE;
    mode = vireo_xml_prop_string(c, "mode");
    if (chr->type == VIREO_CHR_TYPE_UDP && (!mode || g_str_equal(mode, "connect"))) {
        if (chr->connect_host || chr->connect_service)
            return source_twice(c, error);
        /* udp has two sources: the local (bind) and remote (connect) end. */
        chr->connect_host = vireo_xml_prop_string(c, "host");
        chr->connect_service = vireo_xml_prop_string(c, "service");
        return TRUE;
    }
    if (mode && !g_str_equal(mode, "bind") && !g_str_equal(mode, "connect")) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' for attribute 'mode' in element 'source' on line %u"),
                        mode, vireo_conf_line(c));
        return FALSE;
    }
    if (chr->src_mode || chr->src_path || chr->src_host)
        return source_twice(c, error);
    chr->src_mode = g_steal_pointer(&mode);
    chr->src_path = vireo_xml_prop_string(c, "path");
    chr->src_host = vireo_xml_prop_string(c, "host");
    chr->src_service = vireo_xml_prop_string(c, "service");
    return vireo_xml_prop_onoff(c, "append", 0, &chr->src_append, error) >= 0;
}

static gboolean
parse_chr_target(VireoChrDef *chr, xmlNode *c, GError **error)
{
    int rc;
    if (!vireo_conf_check_node(c, "type port name", "model", error))
        return FALSE;
    chr->target_type = vireo_xml_prop_string(c, "type");
    rc = vireo_xml_prop_uint(c, "port", 10, 0, &chr->target_port, error);
    TRY(rc);
    chr->has_target_port = rc > 0;
    chr->target_name = vireo_xml_prop_string(c, "name");
    VIREO_CONF_FOREACH_CHILD(c, m) {
        if (!vireo_conf_check_leaf(m, "name", error))
            return FALSE;
        TRY(vireo_xml_prop_string_req(m, "name", &chr->target_model, error));
    }
    return TRUE;
}

static gboolean
parse_chr_child(VireoChrDef *chr, xmlNode *c, GError **error)
{
    const char *n = (const char *)c->name;
    if (g_str_equal(n, "source"))
        return parse_chr_source(chr, c, error);
    if (g_str_equal(n, "target"))
        return parse_chr_target(chr, c, error);
    if (g_str_equal(n, "protocol")) {
        if (!vireo_conf_check_leaf(c, "type", error))
            return FALSE;
        g_free(chr->protocol);
        chr->protocol = vireo_xml_prop_string(c, "type");
        return TRUE;
    }
    if (g_str_equal(n, "log")) {
        if (!vireo_conf_check_leaf(c, "file append", error))
            return FALSE;
        TRY(vireo_xml_prop_string_req(c, "file", &chr->log_file, error));
        return vireo_xml_prop_onoff(c, "append", 0, &chr->log_append, error) >= 0;
    }
    return parse_common_child(c, &chr->alias, &chr->address, error);
}

/* libvirt's target types per kind of character device. */
static gboolean
chr_target_type_known(VireoChrDeviceType device, const char *type)
{
    static const char *const serial[] = {
        "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial", "system-serial",
        "sclp-serial", "isa-debug", NULL };
    static const char *const console[] = {
        "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm", NULL };
    static const char *const channel[] = { "guestfwd", "virtio", "xen", NULL };
    if (!type)
        return TRUE;
    return g_strv_contains(device == VIREO_CHR_DEVICE_SERIAL ? serial :
                           device == VIREO_CHR_DEVICE_CONSOLE ? console : channel, type);
}

static const char *const chr_tcp_protocols[] = { "raw", "telnet", "telnets", "tls", NULL };

static const char *const chr_target_models[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon", NULL };

/* The source attributes each backend cannot do without (libvirt's
 * virDomainChrSourceDefValidate). */
static gboolean
chr_source_complete(const VireoChrDef *chr, GError **error)
{
    const char *missing = NULL;
    switch (chr->type) {
    case VIREO_CHR_TYPE_FILE:
    case VIREO_CHR_TYPE_PIPE:
    case VIREO_CHR_TYPE_DEV:
        if (!chr->src_path)
            missing = "path";
        break;
    case VIREO_CHR_TYPE_UNIX:
        /* A virtio (or xen) channel's socket is named at start time, so
         * the guest agent channel virt-install and Nova write has none. */
        if (!chr->src_path &&
            !(chr->device == VIREO_CHR_DEVICE_CHANNEL &&
              (g_strcmp0(chr->target_type, "virtio") == 0 ||
               g_strcmp0(chr->target_type, "xen") == 0)))
            missing = "path";
        break;
    case VIREO_CHR_TYPE_TCP:
        if (!chr->src_host)
            missing = "host";
        else if (!chr->src_service)
            missing = "service";
        break;
    case VIREO_CHR_TYPE_UDP:
        if (!chr->connect_service)
            missing = "service";
        break;
    default:
        break;
    }
    if (!missing)
        return TRUE;
    vireo_error_set(error, VIREO_ERR_XML_ERROR,
                    _("Missing source %s attribute for char device on line %u"),
                    missing, chr->line);
    return FALSE;
}

static VireoChrDef *
parse_chr(xmlNode *node, VireoChrDeviceType device, GError **error)
{
    g_autoptr(VireoChrDef) chr = g_new0(VireoChrDef, 1);
    int type = VIREO_CHR_TYPE_PTY;

    if (!vireo_conf_check_node(node, "type tty", "source* target protocol log address alias", error))
        return NULL;
    chr->line = vireo_conf_line(node);
    chr->device = device;
    if (vireo_xml_prop_enum(node, "type", vireo_chr_type_from_string, 0, &type, error) < 0)
        return NULL;
    chr->type = type;
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!parse_chr_child(chr, c, error))
            return NULL;
    }
    /* Live XML repeats a pty's path as tty= on the console. */
    if (chr->type == VIREO_CHR_TYPE_PTY && !chr->src_path)
        chr->src_path = vireo_xml_prop_string(node, "tty");
    if (!chr_target_type_known(device, chr->target_type)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unknown target type '%s' specified for character device on line %u"),
                        chr->target_type, chr->line);
        return NULL;
    }
    if (chr->target_model && !g_strv_contains(chr_target_models, chr->target_model)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unknown target model '%s' specified for character device on line %u"),
                        chr->target_model, chr->line);
        return NULL;
    }
    if (!chr_source_complete(chr, error))
        return NULL;
    if (chr->protocol && !g_strv_contains(chr_tcp_protocols, chr->protocol)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Unknown protocol '%s' on line %u"), chr->protocol, chr->line);
        return NULL;
    }
    if (device == VIREO_CHR_DEVICE_CHANNEL && !chr->target_type) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("target type must be specified for channel device (line %u)"), chr->line);
        return NULL;
    }
    return g_steal_pointer(&chr);
}

/* After all devices are read: missing disk buses, then serial ports.
 * A serial port without port= takes the next number after the highest
 * one of all serial ports (libvirt looks at the whole list, also at ports
 * written further down). */
/* Only other ISA serial ports count here, as in libvirt. */
static gboolean
isa_serial_port_used(GPtrArray *serials, guint port)
{
    for (guint i = 0; i < serials->len; i++) {
        VireoChrDef *o = g_ptr_array_index(serials, i);
        if (o->has_target_port && o->target_port == port &&
            g_strcmp0(o->target_type, "isa-serial") == 0)
            return TRUE;
    }
    return FALSE;
}

void
vireo_domain_devices_finish(VireoDomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        VireoDiskDef *disk = g_ptr_array_index(def->disks, i);
        if (disk->bus == VIREO_DISK_BUS_NONE)
            disk->bus = disk_default_bus(disk);
    }
    /* ISA serial ports first take the lowest free numbers (COM1..) */
    for (guint i = 0; i < def->serials->len; i++) {
        VireoChrDef *chr = g_ptr_array_index(def->serials, i);
        guint port = 0;
        if (chr->has_target_port || g_strcmp0(chr->target_type, "isa-serial") != 0)
            continue;
        while (isa_serial_port_used(def->serials, port))
            port++;
        chr->target_port = port;
        chr->has_target_port = TRUE;
    }
    for (guint i = 0; i < def->serials->len; i++) {
        VireoChrDef *chr = g_ptr_array_index(def->serials, i);
        int maxport = -1;
        if (chr->has_target_port)
            continue;
        for (guint j = 0; j < def->serials->len; j++) {
            VireoChrDef *o = g_ptr_array_index(def->serials, j);
            if (o->has_target_port && (int)o->target_port > maxport)
                maxport = (int)o->target_port;
        }
        chr->target_port = (guint)(maxport + 1);
        chr->has_target_port = TRUE;
    }
}

static gboolean
parse_chr_device(VireoDomainDef *def, xmlNode *node, GError **error)
{
    const char *n = (const char *)node->name;
    VireoChrDeviceType kind = g_str_equal(n, "serial") ? VIREO_CHR_DEVICE_SERIAL :
                              g_str_equal(n, "console") ? VIREO_CHR_DEVICE_CONSOLE :
                              VIREO_CHR_DEVICE_CHANNEL;
    VireoChrDef *chr = parse_chr(node, kind, error);
    if (!chr)
        return FALSE;
    if (kind == VIREO_CHR_DEVICE_SERIAL) {
        g_ptr_array_add(def->serials, chr);
    } else if (kind == VIREO_CHR_DEVICE_CONSOLE) {
        g_ptr_array_add(def->consoles, chr);
    } else {
        g_ptr_array_add(def->channels, chr);
    }
    return TRUE;
}

/* ---- input, graphics, video -------------------------------------------- */
static gboolean
parse_input(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoInputDef) in = g_new0(VireoInputDef, 1);
    int type = 0, bus = VIREO_INPUT_BUS_DEFAULT;

    if (!vireo_conf_check_node(node, "type bus", "address alias", error))
        return FALSE;
    in->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_enum(node, "type", vireo_input_type_from_string,
                            VIREO_XML_PROP_REQUIRED, &type, error));
    TRY(vireo_xml_prop_enum(node, "bus", vireo_input_bus_from_string,
                            VIREO_XML_PROP_NONZERO, &bus, error));
    in->type = type;
    in->bus = bus;
    VIREO_CONF_FOREACH_CHILD(node, c) {
        g_autofree char *alias = NULL;
        if (!parse_common_child(c, &alias, &in->address, error))
            return FALSE;
    }
    /* libvirt on x86: mouse and keyboard default to PS/2, a tablet to USB. */
    if (in->bus == VIREO_INPUT_BUS_DEFAULT)
        in->bus = in->type == VIREO_INPUT_TYPE_TABLET ? VIREO_INPUT_BUS_USB :
                  VIREO_INPUT_BUS_PS2;
    g_ptr_array_add(def->inputs, g_steal_pointer(&in));
    return TRUE;
}

static gboolean
parse_graphics_listen(VireoGraphicsDef *g, xmlNode *c, GError **error)
{
    VireoGraphicsListen *l;
    int type = 0;
    if (!vireo_conf_check_leaf(c, "type address network socket", error))
        return FALSE;
    TRY(vireo_xml_prop_enum(c, "type", vireo_listen_type_from_string,
                            VIREO_XML_PROP_REQUIRED | VIREO_XML_PROP_NONZERO, &type, error));
    l = g_new0(VireoGraphicsListen, 1);
    l->type = type;
    l->address = vireo_xml_prop_string(c, "address");
    l->network = vireo_xml_prop_string(c, "network");
    l->socket = vireo_xml_prop_string(c, "socket");
    g_ptr_array_add(g->listens, l);
    return TRUE;
}

/* listen= is a shorthand of the first <listen type='address'>; libvirt
 * accepts both only when they agree. */
static gboolean
graphics_merge_listen_attr(VireoGraphicsDef *g, xmlNode *node, GError **error)
{
    g_autofree char *attr = vireo_xml_prop_string(node, "listen");
    VireoGraphicsListen *first;
    if (!attr)
        return TRUE;
    if (g->listens->len == 0 && !*attr)
        return TRUE;
    if (g->listens->len == 0) {
        VireoGraphicsListen *l = g_new0(VireoGraphicsListen, 1);
        l->type = VIREO_LISTEN_ADDRESS;
        l->address = g_steal_pointer(&attr);
        g_ptr_array_add(g->listens, l);
        return TRUE;
    }
    first = g_ptr_array_index(g->listens, 0);
    if (first->type == VIREO_LISTEN_ADDRESS && !first->address) {
        if (*attr)
            first->address = g_steal_pointer(&attr);
        return TRUE;
    }
    if (first->type != VIREO_LISTEN_ADDRESS || g_strcmp0(first->address, attr) != 0) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("graphics 'listen' attribute '%s' must match 'address' attribute of first listen element (found '%s') on line %u"),
                        attr, first->address ? first->address : "", g->line);
        return FALSE;
    }
    return TRUE;
}

static const char *const share_policies[] = { "allow-exclusive", "force-shared", "ignore", NULL };

/* A TCP port, or -1 for "pick one"; libvirt takes any int and fails only
 * when QEMU cannot listen, vireo refuses it up front (as the schema does). */
static gboolean
tcp_port_or_auto(xmlNode *node, const char *attr, int port, GError **error)
{
    g_autofree char *where = NULL;
    g_autofree char *value = NULL;
    if (port >= -1 && port <= 65535)
        return TRUE;
    where = vireo_xml_node_where(node);
    value = vireo_xml_prop_string(node, attr);
    vireo_error_set(error, VIREO_ERR_XML_ERROR,
                    _("invalid value '%s' for attribute '%s' in %s"), value, attr, where);
    return FALSE;
}

static gboolean
parse_graphics(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoGraphicsDef) g = g_new0(VireoGraphicsDef, 1);
    int type = 0, rc;

    g->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_enum(node, "type", vireo_graphics_type_from_string,
                            VIREO_XML_PROP_REQUIRED, &type, error));
    g->type = type;
    if (g->type != VIREO_GRAPHICS_VNC) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("graphics type '%s' on line %u is not supported"),
                        vireo_graphics_type_to_string(type), g->line);
        return FALSE;
    }
    if (!vireo_conf_check_node(node, "type port autoport websocket listen passwd "
                               "keymap sharePolicy", "listen*", error))
        return FALSE;
    g->listens = g_ptr_array_new_with_free_func((GDestroyNotify)vireo_graphics_listen_free);
    rc = vireo_xml_prop_int(node, "port", 10, 0, &g->port, error);
    TRY(rc);
    g->has_port = rc > 0;
    if (g->has_port && !tcp_port_or_auto(node, "port", g->port, error))
        return FALSE;
    TRY(vireo_xml_prop_yesno(node, "autoport", 0, &g->autoport, error));
    rc = vireo_xml_prop_int(node, "websocket", 10, 0, &g->websocket, error);
    TRY(rc);
    g->has_websocket = rc > 0;
    if (g->has_websocket && !tcp_port_or_auto(node, "websocket", g->websocket, error))
        return FALSE;
    g->passwd = vireo_xml_prop_string(node, "passwd");
    g->keymap = vireo_xml_prop_string(node, "keymap");
    g->share_policy = vireo_xml_prop_string(node, "sharePolicy");
    if (g->share_policy && !g_strv_contains(share_policies, g->share_policy)) {
        g_autofree char *where = vireo_xml_node_where(node);
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("invalid value '%s' for attribute '%s' in %s"),
                        g->share_policy, "sharePolicy", where);
        return FALSE;
    }
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!parse_graphics_listen(g, c, error))
            return FALSE;
    }
    if (!graphics_merge_listen_attr(g, node, error))
        return FALSE;
    /* address='' is no address, as libvirt reads it. */
    for (guint i = 0; i < g->listens->len; i++) {
        VireoGraphicsListen *l = g_ptr_array_index(g->listens, i);
        if (l->address && !*l->address)
            g_clear_pointer(&l->address, g_free);
    }
    g_ptr_array_add(def->graphics, g_steal_pointer(&g));
    return TRUE;
}

/* libvirt rounds video memory (vram, and qxl's ram) up to a power of two;
 * values past 2^31 have none in a guint and are kept as written. */
static guint
round_up_pow2(guint kib)
{
    if (!kib || !(kib & (kib - 1)) || g_bit_storage(kib) >= 32)
        return kib;
    return 1u << g_bit_storage(kib);
}

static gboolean
parse_video_model(VireoVideoDef *v, xmlNode *c, GError **error)
{
    int model = VIREO_VIDEO_DEFAULT, rc;
    if (!vireo_conf_check_leaf(c, "type vram heads primary ram vgamem", error))
        return FALSE;
    TRY(vireo_xml_prop_enum(c, "type", vireo_video_model_from_string,
                            VIREO_XML_PROP_NONZERO, &model, error));
    v->model = model;
    TRY(vireo_xml_prop_uint(c, "vram", 10, 0, &v->vram, error));
    v->vram = round_up_pow2(v->vram);
    TRY(vireo_xml_prop_uint(c, "ram", 10, 0, &v->ram, error));
    v->ram = round_up_pow2(v->ram);
    TRY(vireo_xml_prop_uint(c, "vgamem", 10, 0, &v->vgamem, error));
    rc = vireo_xml_prop_uint(c, "heads", 10, 0, &v->heads, error);
    TRY(rc);
    v->has_heads = rc > 0;
    TRY(vireo_xml_prop_yesno(c, "primary", 0, &v->primary, error));
    return TRUE;
}

static gboolean
parse_video(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoVideoDef) v = g_new0(VireoVideoDef, 1);
    if (!vireo_conf_check_node(node, NULL, "model address alias", error))
        return FALSE;
    v->line = vireo_conf_line(node);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        gboolean ok = vireo_conf_node_is(c, "model") ? parse_video_model(v, c, error) :
                      parse_common_child(c, &v->alias, &v->address, error);
        if (!ok)
            return FALSE;
    }
    /* The primary video card always comes first, as in libvirt. */
    if (v->primary == VIREO_TRISTATE_YES) {
        for (guint i = 0; i < def->videos->len; i++) {
            VireoVideoDef *o = g_ptr_array_index(def->videos, i);
            if (o->primary == VIREO_TRISTATE_YES) {
                vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                                _("Only one primary video device is supported"));
                return FALSE;
            }
        }
        g_ptr_array_insert(def->videos, 0, g_steal_pointer(&v));
    } else {
        g_ptr_array_add(def->videos, g_steal_pointer(&v));
    }
    return TRUE;
}

/* ---- memballoon, rng, watchdog, panic ---------------------------------- */
/* libvirt's virDomainMemballoonModel names. */
static const char *const memballoon_models[] = {
    "virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional", NULL };

static gboolean
invalid_model(xmlNode *node, const char *model, GError **error)
{
    vireo_error_set(error, VIREO_ERR_XML_ERROR,
                    _("invalid value '%s' for attribute 'model' in element '%s' on line %u"),
                    model, (const char *)node->name, vireo_conf_line(node));
    return FALSE;
}

static gboolean
parse_memballoon(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoMemballoonDef) m = g_new0(VireoMemballoonDef, 1);
    if (!vireo_conf_check_node(node, "model autodeflate", "stats address alias", error))
        return FALSE;
    m->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_string_req(node, "model", &m->model, error));
    if (!g_strv_contains(memballoon_models, m->model))
        return invalid_model(node, m->model, error);
    TRY(vireo_xml_prop_onoff(node, "autodeflate", 0, &m->autodeflate, error));
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (vireo_conf_node_is(c, "stats")) {
            int rc;
            if (!vireo_conf_check_leaf(c, "period", error))
                return FALSE;
            rc = vireo_xml_prop_uint(c, "period", 10, 0, &m->stats_period, error);
            TRY(rc);
            m->has_stats_period = rc > 0;
        } else if (!parse_common_child(c, &m->alias, &m->address, error)) {
            return FALSE;
        }
    }
    if (def->memballoon) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("only a single memory balloon device is supported (line %u)"),
                        m->line);
        return FALSE;
    }
    def->memballoon = g_steal_pointer(&m);
    return TRUE;
}

static const char *const rng_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", NULL };

static gboolean
parse_rng(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoRngDef) r = g_new0(VireoRngDef, 1);
    if (!vireo_conf_check_node(node, "model", "backend rate address alias", error))
        return FALSE;
    r->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_string_req(node, "model", &r->model, error));
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (vireo_conf_node_is(c, "backend")) {
            if (!vireo_conf_check_leaf(c, "model", error))
                return FALSE;
            TRY(vireo_xml_prop_string_req(c, "model", &r->backend_model, error));
            r->backend_path = g_strstrip(vireo_conf_content(c));
            if (!*r->backend_path)
                g_clear_pointer(&r->backend_path, g_free);
        } else if (vireo_conf_node_is(c, "rate")) {
            if (!vireo_conf_check_leaf(c, "bytes period", error))
                return FALSE;
            TRY(vireo_xml_prop_uint(c, "bytes", 10, VIREO_XML_PROP_REQUIRED,
                                    &r->rate_bytes, error));
            TRY(vireo_xml_prop_uint(c, "period", 10, 0, &r->rate_period, error));
        } else if (!parse_common_child(c, &r->alias, &r->address, error)) {
            return FALSE;
        }
    }
    if (!g_strv_contains(rng_models, r->model))
        return invalid_model(node, r->model, error);
    if (r->backend_model && !g_str_equal(r->backend_model, "random") &&
        !g_str_equal(r->backend_model, "builtin")) {
        /* egd needs a character device backend vireo does not model. */
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("RNG backend model '%s' on line %u is not supported"),
                        r->backend_model, r->line);
        return FALSE;
    }
    if (!r->backend_model) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("missing RNG device backend (rng on line %u)"), r->line);
        return FALSE;
    }
    g_ptr_array_add(def->rngs, g_steal_pointer(&r));
    return TRUE;
}

/* libvirt 9.0's watchdog models and actions. */
static const char *const watchdog_models[] = { "i6300esb", "ib700", "diag288", NULL };
static const char *const watchdog_actions[] = {
    "reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi", NULL };

static gboolean
parse_watchdog(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoWatchdogDef) w = g_new0(VireoWatchdogDef, 1);
    if (!vireo_conf_check_node(node, "model action", "address alias", error))
        return FALSE;
    w->line = vireo_conf_line(node);
    TRY(vireo_xml_prop_string_req(node, "model", &w->model, error));
    w->action = vireo_xml_prop_string(node, "action");
    if (!g_strv_contains(watchdog_models, w->model))
        return invalid_model(node, w->model, error);
    if (w->action && !g_strv_contains(watchdog_actions, w->action)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unknown watchdog action '%s' on line %u"), w->action, w->line);
        return FALSE;
    }
    if (def->watchdogs->len > 0) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("only a single watchdog device is supported (line %u)"), w->line);
        return FALSE;
    }
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!parse_common_child(c, &w->alias, &w->address, error))
            return FALSE;
    }
    g_ptr_array_add(def->watchdogs, g_steal_pointer(&w));
    return TRUE;
}

/* libvirt 9.0's virDomainPanicModel names. */
static const char *const panic_models[] = { "default", "isa", "pseries", "hyperv", "s390", NULL };

static gboolean
parse_panic(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoPanicDef) p = g_new0(VireoPanicDef, 1);
    if (!vireo_conf_check_node(node, "model", "address", error))
        return FALSE;
    p->line = vireo_conf_line(node);
    p->model = vireo_xml_prop_string(node, "model");
    if (p->model && !g_strv_contains(panic_models, p->model))
        return invalid_model(node, p->model, error);
    VIREO_CONF_FOREACH_CHILD(node, c) {
        if (!vireo_device_address_parse(c, &p->address, error))
            return FALSE;
    }
    for (guint i = 0; i < def->panics->len; i++) {
        VireoPanicDef *o = g_ptr_array_index(def->panics, i);
        if (g_strcmp0(o->model, p->model) == 0) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("Multiple panic devices with model '%s' (line %u)"),
                            p->model ? p->model : "default", p->line);
            return FALSE;
        }
    }
    g_ptr_array_add(def->panics, g_steal_pointer(&p));
    return TRUE;
}

/* libvirt 9.0's virDomainAudioType names; vireo plays no sound, so only
 * 'none' (what libvirt's QEMU driver adds for VNC guests) is modelled. */
static const char *const audio_types[] = {
    "none", "alsa", "coreaudio", "jack", "oss", "pulseaudio", "sdl", "spice",
    "file", "dbus", NULL };

static gboolean
parse_audio(VireoDomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(VireoAudioDef) a = g_new0(VireoAudioDef, 1);
    int rc;

    if (!vireo_conf_check_leaf(node, "id type", error))
        return FALSE;
    a->line = vireo_conf_line(node);
    rc = vireo_xml_prop_uint(node, "id", 10, VIREO_XML_PROP_REQUIRED, &a->id, error);
    TRY(rc);
    if (a->id == 0) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Invalid value for attribute 'id' in element 'audio' on line %u: Zero is not permitted"),
                        a->line);
        return FALSE;
    }
    a->type = vireo_xml_prop_string(node, "type");
    if (!a->type || !g_strv_contains(audio_types, a->type)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("Invalid value for attribute 'type' in element 'audio' on line %u: '%s'"),
                        a->line, a->type ? a->type : "");
        return FALSE;
    }
    if (!g_str_equal(a->type, "none")) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("element 'audio' with type '%s' on line %u is not supported: vireo has no sound device"),
                        a->type, a->line);
        return FALSE;
    }
    for (guint i = 0; i < def->audios->len; i++) {
        VireoAudioDef *o = g_ptr_array_index(def->audios, i);
        if (o->id == a->id) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("audio ID %u is used multiple times"), a->id);
            return FALSE;
        }
    }
    g_ptr_array_add(def->audios, g_steal_pointer(&a));
    return TRUE;
}

/* ---- <devices> --------------------------------------------------------- */
#define DEVICES_CHILDREN \
    "emulator disk* controller* interface* serial* console* channel* input* " \
    "graphics* audio* video* memballoon rng* watchdog* panic*"

static gboolean
parse_device(VireoDomainDef *def, xmlNode *c, GError **error)
{
    const char *n = (const char *)c->name;
    if (g_str_equal(n, "emulator")) {
        if (!vireo_conf_check_leaf(c, NULL, error))
            return FALSE;
        g_free(def->emulator);
        def->emulator = g_strstrip(vireo_conf_content(c));
        def->lines.emulator = vireo_conf_line(c);
        return TRUE;
    }
    if (g_str_equal(n, "disk"))
        return parse_disk(def, c, error);
    if (g_str_equal(n, "controller"))
        return parse_controller(def, c, error);
    if (g_str_equal(n, "interface"))
        return parse_interface(def, c, error);
    if (g_str_equal(n, "serial") || g_str_equal(n, "console") || g_str_equal(n, "channel"))
        return parse_chr_device(def, c, error);
    if (g_str_equal(n, "input"))
        return parse_input(def, c, error);
    if (g_str_equal(n, "graphics"))
        return parse_graphics(def, c, error);
    if (g_str_equal(n, "video"))
        return parse_video(def, c, error);
    if (g_str_equal(n, "memballoon"))
        return parse_memballoon(def, c, error);
    if (g_str_equal(n, "rng"))
        return parse_rng(def, c, error);
    if (g_str_equal(n, "watchdog"))
        return parse_watchdog(def, c, error);
    if (g_str_equal(n, "audio"))
        return parse_audio(def, c, error);
    return parse_panic(def, c, error);
}

gboolean
vireo_domain_devices_parse(VireoDomainDef *def, xmlNode *devices,
                           VireoDomainParseFlags flags, GError **error)
{
    if (!vireo_conf_check_node(devices, NULL, DEVICES_CHILDREN, error))
        return FALSE;
    VIREO_CONF_FOREACH_CHILD(devices, c) {
        if (!parse_device(def, c, error))
            return FALSE;
    }
    vireo_domain_devices_finish(def);
    return TRUE;
}
