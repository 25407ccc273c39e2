/* vireo tests: a recording VireoHwContext. The device models under test are
 * the real ones; the harness only stands where KVM would be, recording GSI
 * levels and machine requests so a test can assert on them. */
#pragma once
#include "hw/hw.h"

#define HW_HARNESS_GSIS 32

typedef struct {
    VireoBus *bus;
    VireoMachineDesc desc;
    GMainContext *ctx;
    VireoHwContext hw;
    GMutex lock;
    gboolean irq[HW_HARNESS_GSIS];      /* current level of each GSI */
    guint raises[HW_HARNESS_GSIS];      /* low -> high transitions seen */
    GArray *requests;                   /* VireoVmRequest, in order */
    guint8 *ram;
    guint64 ram_size;
    /* split irqchip side: what the PIC/IOAPIC models asked of "KVM" */
    GArray *msis;                       /* HwMsi, in order */
    guint64 route_addr[HW_HARNESS_GSIS];
    guint32 route_data[HW_HARNESS_GSIS];
    guint route_updates;
    guint extint_notifies;
} HwHarness;

typedef struct {
    guint64 addr;
    guint32 data;
} HwMsi;

/* A description with src/machine's platform for an ACPI i440fx domain
 * (PM at 0x600, SCI 9, reset at 0xcf9), no devices and one vCPU. */
HwHarness *hw_harness_new(void);
void hw_harness_free(HwHarness *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HwHarness, hw_harness_free)

/* Adds a device description to h->desc.devices and returns it (owned there). */
VireoDeviceDesc *hw_harness_add_desc(HwHarness *h, VireoDeviceKind kind,
                                     const char *id, guint16 io_base,
                                     guint16 io_len, int gsi);
/* vireo_device_create through the harness's context; asserts success. */
VireoDevice *hw_harness_create(HwHarness *h, const VireoDeviceDesc *desc);

gboolean hw_irq(HwHarness *h, guint gsi);
/* MSIs signalled so far; the i-th one. */
guint hw_msi_count(HwHarness *h);
HwMsi hw_msi(HwHarness *h, guint i);
void hw_mmio_write32(HwHarness *h, guint64 addr, guint32 v);
guint32 hw_mmio_read32(HwHarness *h, guint64 addr);
guint hw_raises(HwHarness *h, guint gsi);
guint hw_request_count(HwHarness *h, VireoVmRequest req);

void hw_outb(HwHarness *h, guint16 port, guint8 v);
guint8 hw_inb(HwHarness *h, guint16 port);
void hw_outw(HwHarness *h, guint16 port, guint16 v);
guint16 hw_inw(HwHarness *h, guint16 port);
void hw_outl(HwHarness *h, guint16 port, guint32 v);
guint32 hw_inl(HwHarness *h, guint16 port);

/* Runs the harness's main context until cond(data) or timeout_ms passes. */
gboolean hw_iterate_until(HwHarness *h, gboolean (*cond)(void *), void *data,
                          guint timeout_ms);

/* A vCPU description list of n vCPUs (first n_present present) with the
 * APIC IDs given, for ACPI tests. */
void hw_harness_set_vcpus(HwHarness *h, guint n, guint n_present,
                          const guint32 *apic_ids);
