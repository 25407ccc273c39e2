/* vireo: private to src/hw — the GType of every concrete device model, so
 * vireo_hw_types_init() can register them all. Add one line per model. */
#pragma once
#include <glib-object.h>

GType vireo_serial_get_type(void);
GType vireo_pm_get_type(void);
GType vireo_rtc_get_type(void);
GType vireo_i8042_get_type(void);
GType vireo_debugcon_get_type(void);
GType vireo_panic_get_type(void);

#define VIREO_HW_DEVICE_TYPES \
    vireo_device_get_type, \
    vireo_serial_get_type, \
    vireo_pm_get_type, \
    vireo_rtc_get_type, \
    vireo_i8042_get_type, \
    vireo_debugcon_get_type, \
    vireo_panic_get_type,
