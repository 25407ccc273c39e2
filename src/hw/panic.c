/* vireo: the ISA pvpanic port (0x505 by default). Reading it tells the
 * guest which events the host understands; writing PANICKED asks the
 * machine to handle a guest panic (<on_crash>). The DSDT describes it as
 * QEMU0001 so Linux's pvpanic driver finds it. */
#include <config.h>
#include "hw/hw.h"
#include "hw/devices.h"

#define PANIC_PORT           0x505
#define PVPANIC_PANICKED     0x01
#define PVPANIC_CRASH_LOADED 0x02   /* a kdump kernel took over: informational */

/* No state at all, hence no lock. */
typedef struct {
    VireoDevice parent;
} VireoPanic;

typedef VireoDeviceClass VireoPanicClass;
GType vireo_panic_get_type(void);
G_DEFINE_TYPE(VireoPanic, vireo_panic, VIREO_TYPE_DEVICE)

static void
panic_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPanic *p = opaque;

    /* CRASH_LOADED (a kdump kernel took over) needs nothing from us. */
    if (!is_write) {
        data[0] = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
        for (guint i = 1; i < size; i++)
            data[i] = 0;
        return;
    }
    if (data[0] & PVPANIC_PANICKED)
        vireo_device_request(VIREO_DEVICE(p), VIREO_VM_REQUEST_PANIC);
}

static gboolean
vireo_panic_realize(VireoDevice *dev, const VireoHwContext *hw,
                    const VireoDeviceDesc *desc, GError **error)
{
    return vireo_bus_register_pio(hw->bus, desc->io_base ? desc->io_base : PANIC_PORT, 1,
                                  panic_pio, dev, desc->id, error);
}

static void
vireo_panic_class_init(VireoPanicClass *klass)
{
    klass->kind = VIREO_DEV_PANIC;
    klass->realize = vireo_panic_realize;
}

static void
vireo_panic_init(VireoPanic *p)
{
}
