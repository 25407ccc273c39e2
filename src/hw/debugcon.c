/* vireo: one model for the two debug ports the description lists as
 * VIREO_DEV_DEBUGCON: at io_base 0x80 it is the POST code port (recorded,
 * otherwise ignored; Linux also uses it as an I/O delay), anywhere else
 * (0x402) the debug console where firmware and test guests print. Debug
 * bytes go to the description's chardev when it has one, else line by line
 * to the log domain "vireo-debugcon" (G_MESSAGES_DEBUG=vireo-debugcon shows
 * it on stderr). */
#include <config.h>
#include "hw/debugcon.h"
#include "hw/chardev.h"
#include "hw/devices.h"

#define POST_PORT      0x80
#define DEBUGCON_PORT  0x402
#define DEBUGCON_READBACK 0xe9      /* what QEMU's debugcon reads as: "present" */
#define LINE_MAX_BYTES 256

typedef struct {
    VireoDevice parent;
    GMutex lock;
    guint16 port;
    guint8 post_code;
    guint64 post_writes;
    VireoChardev *chr;
    GString *line;
} VireoDebugcon;

typedef VireoDeviceClass VireoDebugconClass;
GType vireo_debugcon_get_type(void);
G_DEFINE_TYPE(VireoDebugcon, vireo_debugcon, VIREO_TYPE_DEVICE)
#define VIREO_DEBUGCON(o) G_TYPE_CHECK_INSTANCE_CAST((o), vireo_debugcon_get_type(), VireoDebugcon)

static void
debugcon_flush_line(VireoDebugcon *d)
{
    if (d->line->len)
        g_log("vireo-debugcon", G_LOG_LEVEL_DEBUG, "%s", d->line->str);
    g_string_truncate(d->line, 0);
}

static void
debugcon_put(VireoDebugcon *d, guint8 c)
{
    if (d->chr) {
        vireo_chardev_write(d->chr, &c, 1);
        return;
    }
    if (c == '\n' || d->line->len >= LINE_MAX_BYTES) {
        debugcon_flush_line(d);
        if (c == '\n')
            return;
    }
    if (c != '\r')
        g_string_append_c(d->line, c);
}

static void
debugcon_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoDebugcon *d = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&d->lock);

    if (d->port == POST_PORT) {
        if (is_write) {
            d->post_code = data[0];
            d->post_writes++;
        } else {
            data[0] = d->post_code;
        }
    } else if (is_write) {
        debugcon_put(d, data[0]);
    } else {
        data[0] = DEBUGCON_READBACK;
    }
    for (guint i = 1; i < size; i++)
        if (!is_write)
            data[i] = 0xff;
}

guint8
vireo_debugcon_get_post_code(VireoDevice *dev)
{
    VireoDebugcon *d = VIREO_DEBUGCON(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&d->lock);
    return d->post_code;
}

guint64
vireo_debugcon_get_post_writes(VireoDevice *dev)
{
    VireoDebugcon *d = VIREO_DEBUGCON(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&d->lock);
    return d->post_writes;
}

static gboolean
vireo_debugcon_realize(VireoDevice *dev, const VireoHwContext *hw,
                       const VireoDeviceDesc *desc, GError **error)
{
    VireoDebugcon *d = VIREO_DEBUGCON(dev);

    d->port = desc->io_base ? desc->io_base : DEBUGCON_PORT;
    if (desc->chardev &&
        !(d->chr = vireo_chardev_new(desc->chardev, desc->id, hw->main_context, error)))
        return FALSE;
    return vireo_bus_register_pio(hw->bus, d->port, 1, debugcon_pio, d, desc->id, error);
}

static void
vireo_debugcon_unrealize(VireoDevice *dev)
{
    VireoDebugcon *d = VIREO_DEBUGCON(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&d->lock);
    debugcon_flush_line(d);
    g_clear_pointer(&d->chr, vireo_chardev_free);
}

static void
vireo_debugcon_finalize(GObject *obj)
{
    VireoDebugcon *d = VIREO_DEBUGCON(obj);
    g_clear_pointer(&d->chr, vireo_chardev_free);
    g_string_free(d->line, TRUE);
    g_mutex_clear(&d->lock);
    G_OBJECT_CLASS(vireo_debugcon_parent_class)->finalize(obj);
}

static void
vireo_debugcon_class_init(VireoDebugconClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = vireo_debugcon_finalize;
    klass->kind = VIREO_DEV_DEBUGCON;
    klass->realize = vireo_debugcon_realize;
    klass->unrealize = vireo_debugcon_unrealize;
}

static void
vireo_debugcon_init(VireoDebugcon *d)
{
    g_mutex_init(&d->lock);
    d->line = g_string_new(NULL);
}
