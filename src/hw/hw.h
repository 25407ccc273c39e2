/* vireo: the device model. One device, one file under src/hw, one GObject
 * subclass of VireoDevice whose class_init names the VireoDeviceKind it
 * implements; the builder creates a device for each VireoDeviceDesc by kind
 * (vireo_device_type_for_kind) and never lists devices itself.
 *
 * Threads: pio/mmio handlers run on vCPU threads (several at once); a device
 * protects its state with its own lock. Work for the main loop (chardev
 * input, timers) runs in the GMainContext given at realize. */
#pragma once
#include <glib-object.h>
#include "machine/machine_desc.h"

/* ---- I/O dispatch ------------------------------------------------------ */
/* data holds size bytes (1, 2, 4 or 8), little-endian. For reads the handler
 * fills data; unhandled reads return all-ones. */
typedef void (*VireoPioFn)(void *opaque, guint16 port, guint8 *data,
                           guint size, gboolean is_write);
typedef void (*VireoMmioFn)(void *opaque, guint64 addr, guint8 *data,
                            guint size, gboolean is_write);

typedef struct _VireoBus VireoBus;

VireoBus *vireo_bus_new(void);
void vireo_bus_free(VireoBus *bus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoBus, vireo_bus_free)

/* Overlapping ranges are refused with an error naming both owners. */
gboolean vireo_bus_register_pio(VireoBus *bus, guint16 base, guint16 len,
                                VireoPioFn fn, void *opaque,
                                const char *owner, GError **error);
gboolean vireo_bus_register_mmio(VireoBus *bus, guint64 base, guint64 len,
                                 VireoMmioFn fn, void *opaque,
                                 const char *owner, GError **error);
/* Returns FALSE when nothing is mapped there (reads are then all-ones). */
gboolean vireo_bus_pio(VireoBus *bus, guint16 port, guint8 *data, guint size,
                       gboolean is_write);
gboolean vireo_bus_mmio(VireoBus *bus, guint64 addr, guint8 *data, guint size,
                        gboolean is_write);
/* Handlers receive the absolute port/address, not an offset; an access is
 * routed by its first byte. Dispatch takes a reader lock only.
 *
 * Removes every range registered with opaque (unrealize); returns how many. */
guint vireo_bus_unregister(VireoBus *bus, void *opaque);
/* The owner name of the range holding port, NULL when unmapped (diagnostics). */
const char *vireo_bus_pio_owner(VireoBus *bus, guint16 port);

/* ---- what a device may ask of the machine ------------------------------ */
typedef enum {
    VIREO_VM_REQUEST_POWEROFF,      /* ACPI S5, guest-initiated */
    VIREO_VM_REQUEST_RESET,         /* reset register, 0xCF9, i8042 0xFE */
    VIREO_VM_REQUEST_PANIC,         /* pvpanic / panic port */
} VireoVmRequest;

typedef struct {
    VireoBus *bus;
    const VireoMachineDesc *desc;
    GMainContext *main_context;
    /* Raise/lower an interrupt line. Below 16 an ISA IRQ (8259 input and
     * IOAPIC pin, IRQ0 on pin 2 as the MADT says), else an IOAPIC pin; the
     * VMM feeds it to its VireoIrqChip (irqchip.h). Safe from any thread. */
    void (*set_irq)(void *opaque, guint gsi, gboolean level);
    /* Guest-initiated power-off/reset/panic; safe from vCPU threads. */
    void (*request)(void *opaque, VireoVmRequest req);
    /* Host pointer for guest-physical [gpa, gpa+len), NULL when outside RAM. */
    guint8 *(*gpa_to_hva)(void *opaque, guint64 gpa, guint64 len);
    /* Split irqchip: the LAPICs are KVM's, the 8259 and IOAPIC models
     * src/hw's. The interrupt controllers call these; NULL is allowed.
     * Deliver an MSI (address, data) to the LAPICs (KVM_SIGNAL_MSI). */
    void (*signal_msi)(void *opaque, guint64 addr, guint32 data);
    /* IOAPIC pin gsi now sends this MSI (KVM_SET_GSI_ROUTING): KVM learns
     * which vectors are level-triggered and exits on their EOI. */
    void (*set_msi_route)(void *opaque, guint gsi, guint64 addr, guint32 data);
    /* The 8259's INT output went high: vCPU 0 should take the ExtINT. */
    void (*extint_notify)(void *opaque);
    void *opaque;                   /* passed to every callback */
} VireoHwContext;

/* ---- the device base type --------------------------------------------- */
#define VIREO_TYPE_DEVICE (vireo_device_get_type())
G_DECLARE_DERIVABLE_TYPE(VireoDevice, vireo_device, VIREO, DEVICE, GObject)

struct _VireoDeviceClass {
    GObjectClass parent_class;
    VireoDeviceKind kind;           /* which descriptions this class realizes */
    /* Wire ports/MMIO/IRQs and open backends; fail cleanly with *error.
     * Register bus ranges with opaque = the device: the base type removes
     * them after unrealize, and after a realize that failed half-way. */
    gboolean (*realize)(VireoDevice *dev, const VireoHwContext *hw,
                        const VireoDeviceDesc *desc, GError **error);
    void (*reset)(VireoDevice *dev);    /* machine reset */
    void (*unrealize)(VireoDevice *dev);
    /* The VM stops (QMP stop) or runs again: devices keeping guest time
     * (the PIT) freeze it. Devices start running. */
    void (*set_running)(VireoDevice *dev, gboolean running);
};

/* The GType registered for kind, or G_TYPE_INVALID. Walks the subclasses
 * of VireoDevice (g_type_children), as QOM's object_class_get_list does.
 * Kinds with no model (VNC, PCI devices for now) give
 * G_TYPE_INVALID: the builder skips them. */
GType vireo_device_type_for_kind(VireoDeviceKind kind);

/* g_object_new + realize; NULL with *error on failure. */
VireoDevice *vireo_device_create(const VireoHwContext *hw,
                                 const VireoDeviceDesc *desc, GError **error);
/* The same for a given type: models the description does not list (the
 * 8259 and IOAPIC, created by VireoIrqChip). desc must outlive the device. */
VireoDevice *vireo_device_create_type(GType type, const VireoHwContext *hw,
                                      const VireoDeviceDesc *desc, GError **error);
const VireoDeviceDesc *vireo_device_get_desc(VireoDevice *dev);
const VireoHwContext *vireo_device_get_hw(VireoDevice *dev);
/* Machine reset of one device (class->reset). */
void vireo_device_reset(VireoDevice *dev);
/* QMP stop/cont of the VM (class->set_running). */
void vireo_device_set_running(VireoDevice *dev, gboolean running);
/* For models: drive the description's GSI (nothing when gsi < 0), and ask
 * the machine for a power-off/reset/panic. Safe from vCPU threads. */
void vireo_device_set_irq(VireoDevice *dev, gboolean level);
void vireo_device_request(VireoDevice *dev, VireoVmRequest req);

/* Registers every device type (called from vireo_types_init). */
void vireo_hw_types_init(void);
