/* vireo: the device list, with I/O ports, GSIs and PCI slots decided.
 *
 * PCI slots follow libvirt's qemu driver on i440fx: host bridge 00.0, PIIX3
 * 01.0 (IDE 01.1, USB 01.2, PM 01.3), primary video 02.0 (kept free when
 * there is no video), then controllers, NICs, virtio disks, balloon, RNG,
 * watchdog in that order into the first free slot. Addresses written in the
 * XML are reserved first; using one twice is refused with libvirt's words.
 * q35 puts its chipset at 1f.x and the video at 01.0; vireo places the
 * other devices straight on pcie.0 rather than behind root ports. */
#include <config.h>
#include <string.h>
#include "machine/machine-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define PCI_SLOTS 32

typedef struct {
    VireoMachineDesc *desc;
    guint8 used[PCI_SLOTS];         /* bit per function */
    GPtrArray *pending;             /* VireoDeviceDesc* waiting for a slot */
    gboolean q35;
} VireoSlotAllocator;

static VireoDeviceDesc *
dev_new(VireoDeviceKind kind, const char *id, const char *model)
{
    VireoDeviceDesc *d = g_new0(VireoDeviceDesc, 1);
    d->kind = kind;
    d->id = g_strdup(id);
    d->model = g_strdup(model);
    d->gsi = -1;
    return d;
}

static VireoDeviceDesc *
dev_add_isa(VireoMachineDesc *desc, VireoDeviceKind kind, const char *id,
            const char *model, guint16 base, guint16 len, int gsi)
{
    VireoDeviceDesc *d = dev_new(kind, id, model);
    d->io_base = base;
    d->io_len = len;
    d->gsi = gsi;
    g_ptr_array_add(desc->devices, d);
    return d;
}

static gboolean
slot_reserve(VireoSlotAllocator *a, guint bus, guint slot, guint fn, GError **error)
{
    if (bus != 0 || slot >= PCI_SLOTS || fn > 7) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("PCI address 0000:%02x:%02x.%x is not available on this "
                          "machine (bus 0, slots 0-31, functions 0-7)"), bus, slot, fn);
        return FALSE;
    }
    if (a->used[slot] & (1u << fn)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Attempted double use of PCI Address 0000:%02x:%02x.%x"),
                        bus, slot, fn);
        return FALSE;
    }
    a->used[slot] |= 1u << fn;
    return TRUE;
}

/* A PCI device at a fixed address (the chipset's own functions). */
static VireoDeviceDesc *
dev_add_fixed_pci(VireoSlotAllocator *a, VireoDeviceKind kind, const char *id,
                  const char *model, guint slot, guint fn)
{
    VireoDeviceDesc *d = dev_new(kind, id, model);
    d->on_pci = TRUE;
    d->pci_slot = slot;
    d->pci_function = fn;
    a->used[slot] |= 1u << fn;
    g_ptr_array_add(a->desc->devices, d);
    return d;
}

/* A PCI device from the XML: its <address> if it has one, else queued for
 * the first free slot once every written address is reserved. */
static gboolean
dev_add_pci(VireoSlotAllocator *a, VireoDeviceDesc *d, const VireoDeviceAddress *addr,
            GError **error)
{
    d->on_pci = TRUE;
    g_ptr_array_add(a->desc->devices, d);
    if (addr && addr->type == VIREO_ADDRESS_PCI) {
        d->pci_bus = addr->bus;
        d->pci_slot = addr->slot;
        d->pci_function = addr->function;
        d->pci_multifunction = addr->multifunction == VIREO_TRISTATE_YES;
        return slot_reserve(a, addr->bus, addr->slot, addr->function, error);
    }
    d->pci_slot = G_MAXUINT;        /* decided in assign_pending() */
    g_ptr_array_add(a->pending, d);
    return TRUE;
}

static gboolean
assign_pending(VireoSlotAllocator *a, GError **error)
{
    /* libvirt keeps the slot after the chipset for the primary video, so
     * other devices start one further even when there is no video. */
    guint video_slot = a->q35 ? 1 : 2;
    guint next = video_slot + 1;
    for (guint i = 0; i < a->pending->len; i++) {
        VireoDeviceDesc *d = a->pending->pdata[i];
        gboolean video = d->kind == VIREO_DEV_VIDEO;
        guint slot = video && !a->used[video_slot] ? video_slot : next;
        while (slot < PCI_SLOTS && a->used[slot])
            slot++;
        if (slot >= PCI_SLOTS) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("No more available PCI slots for device '%s'"), d->id);
            return FALSE;
        }
        a->used[slot] = 1;
        d->pci_slot = slot;
        if (slot >= next)
            next = slot + 1;
    }
    return TRUE;
}

/* ---- chipset and legacy devices ----------------------------------------- */

static void
add_chipset(VireoSlotAllocator *a)
{
    VireoMachineDesc *desc = a->desc;
    VireoDeviceDesc *d;
    if (a->q35) {
        d = dev_add_fixed_pci(a, VIREO_DEV_PCI_HOST, "pcie.0", "q35-pcihost", 0, 0);
        d->io_base = 0xcf8; d->io_len = 8;
        d->mmio_base = desc->mem.ecam_base; d->mmio_size = desc->mem.ecam_size;
        d = dev_add_fixed_pci(a, VIREO_DEV_ISA_BRIDGE, "lpc", "ICH9-LPC", 0x1f, 0);
        d->pci_multifunction = TRUE;
        dev_add_fixed_pci(a, VIREO_DEV_SATA_CONTROLLER, "sata0", "ich9-ahci", 0x1f, 2);
        /* 1f.3 is the ICH9 SMBus function (not modelled); the PM block is
         * part of the LPC bridge at the same 0x600 base as on i440fx */
        a->used[0x1f] |= 1u << 3;
        d = dev_add_isa(desc, VIREO_DEV_PM, "pm", "ICH9-PM", 0, 0, -1);
    } else {
        d = dev_add_fixed_pci(a, VIREO_DEV_PCI_HOST, "pci.0", "i440FX", 0, 0);
        d->io_base = 0xcf8; d->io_len = 8;
        d = dev_add_fixed_pci(a, VIREO_DEV_ISA_BRIDGE, "isa", "PIIX3", 1, 0);
        d->pci_multifunction = TRUE;
        dev_add_fixed_pci(a, VIREO_DEV_IDE_CONTROLLER, "ide", "piix3-ide", 1, 1);
        d = dev_add_fixed_pci(a, VIREO_DEV_PM, "pm", "PIIX4_PM", 1, 3);
        /* 01.2 belongs to the PIIX3 USB function, used or not */
        a->used[1] |= 1u << 2;
    }
    d->io_base = desc->platform.pm1a_evt_port;
    d->io_len = 12;                 /* PM1a event, control, timer */
    d->gsi = desc->platform.sci_irq;
}

static void
add_legacy(VireoMachineDesc *desc)
{
    dev_add_isa(desc, VIREO_DEV_PIT, "pit", "i8254", 0x40, 4, 0);
    dev_add_isa(desc, VIREO_DEV_RTC, "rtc", "mc146818", 0x70, 2, 8);
    /* i8042: data 0x60, command/status 0x64; keyboard IRQ 1 (mouse IRQ 12) */
    dev_add_isa(desc, VIREO_DEV_I8042, "i8042", "i8042", 0x60, 5, 1);
    dev_add_isa(desc, VIREO_DEV_DEBUGCON, "post", "port80", 0x80, 1, -1);
    dev_add_isa(desc, VIREO_DEV_DEBUGCON, "debugcon", "isa-debugcon", 0x402, 1, -1);
}

/* ---- serial ports ----------------------------------------------------- */

static const struct { guint16 port; int irq; } com_ports[] = {
    { 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 },
};

static VireoChardevDesc *
chardev_from_def(const VireoChrDef *chr)
{
    VireoChardevDesc *c = g_new0(VireoChardevDesc, 1);
    c->type = chr->type;
    c->path = g_strdup(chr->src_path);
    c->append = chr->src_append == VIREO_TRISTATE_YES;
    c->log_file = g_strdup(chr->log_file);
    c->log_append = chr->log_append == VIREO_TRISTATE_YES;
    return c;
}

static gboolean
add_serial(VireoMachineDesc *desc, const VireoChrDef *chr, guint nth, GError **error)
{
    guint port = chr->has_target_port ? chr->target_port : nth;
    g_autofree char *id = NULL;
    VireoDeviceDesc *d;
    if (port >= G_N_ELEMENTS(com_ports)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("serial port %u is not available (isa-serial has ports 0-3)"),
                        port);
        return FALSE;
    }
    for (guint i = 0; i < desc->devices->len; i++) {
        VireoDeviceDesc *o = desc->devices->pdata[i];
        if (o->kind == VIREO_DEV_SERIAL && o->io_base == com_ports[port].port) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("serial port %u is used twice"), port);
            return FALSE;
        }
    }
    id = g_strdup_printf("serial%u", port);
    d = dev_add_isa(desc, VIREO_DEV_SERIAL, id, "16550a", com_ports[port].port, 8,
                    com_ports[port].irq);
    d->chardev = chardev_from_def(chr);
    return TRUE;
}

static gboolean
console_is_serial(const VireoChrDef *con)
{
    return !con->target_type || g_str_equal(con->target_type, "serial");
}

/* <console type=serial> mirrors serial0 (libvirt writes both); it only
 * creates a port when there is no <serial> at all. */
static gboolean
add_serials(VireoMachineDesc *desc, const VireoDomainDef *def, GError **error)
{
    guint n = def->serials ? def->serials->len : 0;
    for (guint i = 0; i < n; i++)
        if (!add_serial(desc, def->serials->pdata[i], i, error))
            return FALSE;
    if (n == 0 && def->consoles && def->consoles->len &&
        console_is_serial(def->consoles->pdata[0]))
        return add_serial(desc, def->consoles->pdata[0], 0, error);
    return TRUE;
}

/* ---- PCI devices from the XML ------------------------------------------ */

static const char *
video_model(VireoVideoModel m)
{
    switch (m) {
    case VIREO_VIDEO_VGA: return "VGA";
    case VIREO_VIDEO_QXL: return "qxl-vga";
    case VIREO_VIDEO_VIRTIO: return "virtio-vga";
    case VIREO_VIDEO_BOCHS: return "bochs-display";
    case VIREO_VIDEO_VMVGA: return "vmware-svga";
    case VIREO_VIDEO_DEFAULT:
    case VIREO_VIDEO_CIRRUS: return "cirrus-vga";
    default: return NULL;
    }
}

static gboolean
add_videos(VireoSlotAllocator *a, const VireoDomainDef *def, GError **error)
{
    for (guint i = 0; def->videos && i < def->videos->len; i++) {
        const VireoVideoDef *v = def->videos->pdata[i];
        g_autofree char *id = g_strdup_printf("video%u", i);
        const char *model = video_model(v->model);
        if (v->model == VIREO_VIDEO_NONE)
            continue;
        if (!model) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("video model %d is not supported"), (int)v->model);
            return FALSE;
        }
        if (!dev_add_pci(a, dev_new(VIREO_DEV_VIDEO, id, model), &v->address, error))
            return FALSE;
    }
    return TRUE;
}

static const char *
controller_device(const VireoControllerDef *c, VireoDeviceKind *kind)
{
    switch (c->type) {
    case VIREO_CONTROLLER_TYPE_USB:
        *kind = VIREO_DEV_USB_CONTROLLER;
        if (!c->model || g_str_equal(c->model, "piix3-uhci"))
            return "piix3-usb-uhci";
        if (g_str_equal(c->model, "none"))
            return NULL;
        return c->model;            /* qemu-xhci, nec-xhci, ich9-ehci1 ... */
    case VIREO_CONTROLLER_TYPE_SCSI:
        *kind = VIREO_DEV_SCSI_CONTROLLER;
        return c->model && !g_str_equal(c->model, "virtio-scsi") ? c->model : "virtio-scsi-pci";
    case VIREO_CONTROLLER_TYPE_VIRTIO_SERIAL:
        *kind = VIREO_DEV_VIRTIO_SERIAL;
        return "virtio-serial-pci";
    default:
        return NULL;                /* pci-root, ide, sata, fdc: part of the chipset */
    }
}

static gboolean
add_controllers(VireoSlotAllocator *a, const VireoDomainDef *def, GError **error)
{
    for (guint i = 0; def->controllers && i < def->controllers->len; i++) {
        const VireoControllerDef *c = def->controllers->pdata[i];
        VireoDeviceKind kind = VIREO_DEV_KIND_LAST;
        const char *model = controller_device(c, &kind);
        g_autofree char *id = NULL;
        VireoDeviceDesc *d;
        if (!model)
            continue;
        id = kind == VIREO_DEV_USB_CONTROLLER ? g_strdup("usb") :
             g_strdup_printf("%s%d", kind == VIREO_DEV_SCSI_CONTROLLER ? "scsi" :
                             "virtio-serial", c->idx);
        d = dev_new(kind, id, model);
        /* PIIX3's own UHCI lives at 01.2 unless the XML says otherwise */
        if (!a->q35 && kind == VIREO_DEV_USB_CONTROLLER &&
            g_str_equal(model, "piix3-usb-uhci") &&
            (c->address.type != VIREO_ADDRESS_PCI ||
             (c->address.bus == 0 && c->address.slot == 1 && c->address.function == 2))) {
            d->on_pci = TRUE;
            d->pci_slot = 1;
            d->pci_function = 2;
            g_ptr_array_add(a->desc->devices, d);
            continue;
        }
        if (!dev_add_pci(a, d, &c->address, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
add_nets(VireoSlotAllocator *a, const VireoDomainDef *def, GError **error)
{
    for (guint i = 0; def->nets && i < def->nets->len; i++) {
        const VireoNetDef *n = def->nets->pdata[i];
        g_autofree char *id = g_strdup_printf("net%u", i);
        VireoDeviceDesc *d;
        if (n->model && !g_str_equal(n->model, "virtio")) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("network interface model '%s' is not supported "
                              "(vireo provides virtio)"), n->model);
            return FALSE;
        }
        d = dev_new(VIREO_DEV_VIRTIO_NET, id, "virtio-net-pci");
        d->net = n;
        d->boot_index = n->boot_order;
        if (!dev_add_pci(a, d, &n->address, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
add_disks(VireoSlotAllocator *a, const VireoDomainDef *def, GError **error)
{
    for (guint i = 0; def->disks && i < def->disks->len; i++) {
        const VireoDiskDef *disk = def->disks->pdata[i];
        g_autofree char *id = NULL;
        VireoDeviceDesc *d;
        if (disk->bus != VIREO_DISK_BUS_VIRTIO)
            continue;               /* IDE/SATA disks hang off the chipset */
        id = g_strdup_printf("virtio-disk%u", disk->dst && strlen(disk->dst) >= 3 ?
                             (guint)(disk->dst[2] - 'a') : i);
        d = dev_new(VIREO_DEV_VIRTIO_BLK, id, "virtio-blk-pci");
        d->disk = disk;
        d->boot_index = disk->boot_order;
        if (!dev_add_pci(a, d, &disk->address, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
add_misc(VireoSlotAllocator *a, const VireoDomainDef *def, GError **error)
{
    const VireoMemballoonDef *b = def->memballoon;
    if (b && (!b->model || g_str_equal(b->model, "virtio")) &&
        !dev_add_pci(a, dev_new(VIREO_DEV_VIRTIO_BALLOON, "balloon0", "virtio-balloon-pci"),
                     &b->address, error))
        return FALSE;
    for (guint i = 0; def->rngs && i < def->rngs->len; i++) {
        const VireoRngDef *r = def->rngs->pdata[i];
        g_autofree char *id = g_strdup_printf("rng%u", i);
        if (!dev_add_pci(a, dev_new(VIREO_DEV_VIRTIO_RNG, id, "virtio-rng-pci"),
                         &r->address, error))
            return FALSE;
    }
    for (guint i = 0; def->watchdogs && i < def->watchdogs->len; i++) {
        const VireoWatchdogDef *w = def->watchdogs->pdata[i];
        g_autofree char *id = g_strdup_printf("watchdog%u", i);
        if (w->model && g_str_equal(w->model, "ib700"))
            dev_add_isa(a->desc, VIREO_DEV_WATCHDOG, id, "ib700", 0x443, 1, -1);
        else if (!dev_add_pci(a, dev_new(VIREO_DEV_WATCHDOG, id, "i6300esb"),
                              &w->address, error))
            return FALSE;
    }
    for (guint i = 0; def->panics && i < def->panics->len; i++)
        dev_add_isa(a->desc, VIREO_DEV_PANIC, "panic", "pvpanic", 0x505, 1, -1);
    return TRUE;
}

static void
add_graphics(VireoMachineDesc *desc, const VireoDomainDef *def)
{
    for (guint i = 0; def->graphics && i < def->graphics->len; i++) {
        const VireoGraphicsDef *g = def->graphics->pdata[i];
        VireoDeviceDesc *d;
        if (g->type != VIREO_GRAPHICS_VNC)
            continue;
        d = dev_new(VIREO_DEV_VNC, "vnc0", "vnc");
        d->graphics = g;
        g_ptr_array_add(desc->devices, d);
    }
}

/* libvirt turns <os><boot dev=.../> into bootindex on the first device of
 * each kind when no device carries its own <boot order>. */
static void
assign_boot_order(VireoMachineDesc *desc, const VireoDomainDef *def)
{
    guint next = 1;
    for (guint i = 0; i < desc->devices->len; i++)
        if (((VireoDeviceDesc *)desc->devices->pdata[i])->boot_index)
            return;
    for (guint b = 0; b < def->os.nboot; b++) {
        VireoDeviceKind want = def->os.boot[b] == VIREO_BOOT_DISK ? VIREO_DEV_VIRTIO_BLK :
                               def->os.boot[b] == VIREO_BOOT_NET ? VIREO_DEV_VIRTIO_NET :
                               VIREO_DEV_KIND_LAST;
        for (guint i = 0; i < desc->devices->len; i++) {
            VireoDeviceDesc *d = desc->devices->pdata[i];
            if (d->kind != want)
                continue;
            if (want == VIREO_DEV_VIRTIO_BLK && d->disk->device != VIREO_DISK_DEVICE_DISK)
                continue;
            d->boot_index = next++;
            break;
        }
    }
}

gboolean
vireo_devices_resolve(const VireoDomainDef *def, VireoMachineDesc *desc, GError **error)
{
    g_autoptr(GPtrArray) pending = g_ptr_array_new();
    VireoSlotAllocator a = { .desc = desc, .pending = pending,
                             .q35 = desc->family == VIREO_MACHINE_FAMILY_Q35 };
    add_chipset(&a);
    add_legacy(desc);
    if (!add_serials(desc, def, error))
        return FALSE;
    if (!add_videos(&a, def, error) || !add_controllers(&a, def, error) ||
        !add_nets(&a, def, error) || !add_disks(&a, def, error) ||
        !add_misc(&a, def, error))
        return FALSE;
    if (!assign_pending(&a, error))
        return FALSE;
    add_graphics(desc, def);
    assign_boot_order(desc, def);
    return TRUE;
}

void
vireo_device_desc_free(VireoDeviceDesc *dev)
{
    if (!dev)
        return;
    if (dev->chardev) {
        g_free(dev->chardev->path);
        g_free(dev->chardev->log_file);
        g_free(dev->chardev);
    }
    g_free(dev->id);
    g_free(dev->model);
    g_free(dev);
}
