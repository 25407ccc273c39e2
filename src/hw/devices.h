/* vireo: private to src/hw — GSource helpers shared by the models, and the
 * GType of every concrete device model, so vireo_hw_types_init() can
 * register them all. Add one line per model. */
#pragma once
#include <glib-object.h>

/* Device timers run on the hardware context's GMainContext. A timeout
 * source calling fn(data) once after ms, attached to ctx; the caller keeps
 * the returned reference and ends it with vireo_hw_source_drop(). */
GSource *vireo_hw_timeout_new(GMainContext *ctx, guint ms, GSourceFunc fn, void *data);
/* Destroys *src, if any, drops the caller's reference and clears it. */
void vireo_hw_source_drop(GSource **src);

GType vireo_serial_get_type(void);
GType vireo_pm_get_type(void);
GType vireo_rtc_get_type(void);
GType vireo_i8042_get_type(void);
GType vireo_debugcon_get_type(void);
GType vireo_panic_get_type(void);
GType vireo_pic_get_type(void);
GType vireo_ioapic_get_type(void);
GType vireo_pit_get_type(void);

#define VIREO_HW_DEVICE_TYPES \
    vireo_device_get_type, \
    vireo_serial_get_type, \
    vireo_pm_get_type, \
    vireo_rtc_get_type, \
    vireo_i8042_get_type, \
    vireo_debugcon_get_type, \
    vireo_panic_get_type, \
    vireo_pic_get_type, \
    vireo_ioapic_get_type, \
    vireo_pit_get_type,
