/* vireo: the VireoDevice base type. Each device model is a GObject subclass
 * whose class_init names the VireoDeviceKind it realizes; the builder finds
 * the class for a description by walking the subclasses (QOM's
 * object_class_get_list), so the core never lists devices. */
#include <config.h>
#include "hw/hw.h"
#include "hw/devices.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

typedef struct {
    VireoHwContext hw;              /* a copy: the caller's may be on its stack */
    const VireoDeviceDesc *desc;    /* borrowed from the machine description */
    gboolean realized;
} VireoDevicePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(VireoDevice, vireo_device, G_TYPE_OBJECT)

static void
vireo_device_dispose(GObject *obj)
{
    VireoDevice *dev = VIREO_DEVICE(obj);
    VireoDevicePrivate *priv = vireo_device_get_instance_private(dev);
    VireoDeviceClass *klass = VIREO_DEVICE_GET_CLASS(dev);

    if (priv->realized) {
        priv->realized = FALSE;
        if (klass->unrealize)
            klass->unrealize(dev);
        /* Whatever the model forgot, no handler may outlive the device. */
        if (priv->hw.bus)
            vireo_bus_unregister(priv->hw.bus, dev);
    }
    G_OBJECT_CLASS(vireo_device_parent_class)->dispose(obj);
}

static void
vireo_device_class_init(VireoDeviceClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = vireo_device_dispose;
    /* Subclasses inherit this copy: a class that forgets to name its kind
     * matches nothing rather than VIREO_DEV_SERIAL (0). */
    klass->kind = VIREO_DEV_KIND_LAST;
}

static void
vireo_device_init(VireoDevice *dev)
{
}

static GType
vireo_device_type_search(GType parent, VireoDeviceKind kind)
{
    guint n = 0;
    g_autofree GType *children = g_type_children(parent, &n);

    for (guint i = 0; i < n; i++) {
        GType found;
        if (!G_TYPE_IS_ABSTRACT(children[i])) {
            g_autoptr(GTypeClass) klass = g_type_class_ref(children[i]);
            if (VIREO_DEVICE_CLASS(klass)->kind == kind)
                return children[i];
        }
        found = vireo_device_type_search(children[i], kind);
        if (found != G_TYPE_INVALID)
            return found;
    }
    return G_TYPE_INVALID;
}

GType
vireo_device_type_for_kind(VireoDeviceKind kind)
{
    /* KIND_LAST is what classes that name no kind carry. */
    if ((guint)kind >= VIREO_DEV_KIND_LAST)
        return G_TYPE_INVALID;
    return vireo_device_type_search(VIREO_TYPE_DEVICE, kind);
}

VireoDevice *
vireo_device_create(const VireoHwContext *hw, const VireoDeviceDesc *desc,
                    GError **error)
{
    GType type = vireo_device_type_for_kind(desc->kind);

    if (type == G_TYPE_INVALID) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("no device model for device '%s' (model '%s')"),
                        desc->id ? desc->id : "?",
                        desc->model ? desc->model : "?");
        return NULL;
    }
    return vireo_device_create_type(type, hw, desc, error);
}

VireoDevice *
vireo_device_create_type(GType type, const VireoHwContext *hw,
                         const VireoDeviceDesc *desc, GError **error)
{
    g_autoptr(VireoDevice) dev = NULL;
    VireoDevicePrivate *priv;
    VireoDeviceClass *klass;

    g_return_val_if_fail(g_type_is_a(type, VIREO_TYPE_DEVICE) &&
                         !G_TYPE_IS_ABSTRACT(type), NULL);
    dev = g_object_new(type, NULL);
    priv = vireo_device_get_instance_private(dev);
    priv->hw = *hw;
    priv->desc = desc;
    klass = VIREO_DEVICE_GET_CLASS(dev);
    if (klass->realize && !klass->realize(dev, &priv->hw, desc, error)) {
        /* A failed realize may have mapped some ports already. */
        if (hw->bus)
            vireo_bus_unregister(hw->bus, dev);
        return NULL;
    }
    priv->realized = TRUE;
    return g_steal_pointer(&dev);
}

void
vireo_device_reset(VireoDevice *dev)
{
    VireoDeviceClass *klass = VIREO_DEVICE_GET_CLASS(dev);
    if (klass->reset)
        klass->reset(dev);
}

void
vireo_device_set_running(VireoDevice *dev, gboolean running)
{
    VireoDeviceClass *klass = VIREO_DEVICE_GET_CLASS(dev);
    if (klass->set_running)
        klass->set_running(dev, running);
}

const VireoDeviceDesc *
vireo_device_get_desc(VireoDevice *dev)
{
    VireoDevicePrivate *priv = vireo_device_get_instance_private(dev);
    return priv->desc;
}

const VireoHwContext *
vireo_device_get_hw(VireoDevice *dev)
{
    VireoDevicePrivate *priv = vireo_device_get_instance_private(dev);
    return &priv->hw;
}

/* Raise or lower the device's GSI from its description; no-op without one. */
void
vireo_device_set_irq(VireoDevice *dev, gboolean level)
{
    VireoDevicePrivate *priv = vireo_device_get_instance_private(dev);
    if (priv->desc && priv->desc->gsi >= 0 && priv->hw.set_irq)
        priv->hw.set_irq(priv->hw.opaque, priv->desc->gsi, level);
}

void
vireo_device_request(VireoDevice *dev, VireoVmRequest req)
{
    VireoDevicePrivate *priv = vireo_device_get_instance_private(dev);
    if (priv->hw.request)
        priv->hw.request(priv->hw.opaque, req);
}

/* Every concrete model, so vireo_device_type_for_kind sees them all (the
 * seeds' type_init); one line per device file. */
static GType (*const vireo_hw_type_getters[])(void) = {
    VIREO_HW_DEVICE_TYPES
};

void
vireo_hw_types_init(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(vireo_hw_type_getters); i++)
        g_type_ensure(vireo_hw_type_getters[i]());
}

GSource *
vireo_hw_timeout_new(GMainContext *ctx, guint ms, GSourceFunc fn, void *data)
{
    GSource *src = g_timeout_source_new(ms);
    g_source_set_callback(src, fn, data, NULL);
    g_source_attach(src, ctx);
    return src;
}

void
vireo_hw_source_drop(GSource **src)
{
    if (*src) {
        g_source_destroy(*src);
        g_clear_pointer(src, g_source_unref);
    }
}
