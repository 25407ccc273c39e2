/* vireo tests: machine descriptions the ACPI tests build tables for. */
#pragma once
#include "hw/harness.h"

typedef struct {
    const char *name;
    guint n_vcpus, n_present;
    guint32 apic_ids[16];
    gboolean pci_host, q35, i8042, panic;
} AcpiConfig;

/* 1, 4 and 8 vCPUs (8 = 2 sockets x 2 cores x 2 threads), a topology with
 * gaps in the APIC IDs (3 cores in a 2-bit field), hot-pluggable vCPUs,
 * x2APIC IDs, and a q35 machine with a PCI host, i8042 and pvpanic. */
static const AcpiConfig acpi_configs[] = {
    { "cpu1", 1, 1, { 0 }, FALSE, FALSE, FALSE, FALSE },
    { "cpu4", 4, 4, { 0, 1, 2, 3 }, FALSE, FALSE, TRUE, FALSE },
    { "cpu8", 8, 8, { 0, 1, 2, 3, 4, 5, 6, 7 }, TRUE, FALSE, TRUE, FALSE },
    { "gaps", 6, 6, { 0, 1, 2, 4, 5, 6 }, FALSE, FALSE, FALSE, FALSE },
    { "hotplug", 4, 2, { 0, 1, 2, 3 }, FALSE, FALSE, FALSE, FALSE },
    { "x2apic", 3, 3, { 0, 1, 300 }, FALSE, FALSE, FALSE, FALSE },
    { "q35", 2, 2, { 0, 1 }, TRUE, TRUE, TRUE, TRUE },
};

static inline void
acpi_config_apply(HwHarness *h, const AcpiConfig *c)
{
    hw_harness_set_vcpus(h, c->n_vcpus, c->n_present, c->apic_ids);
    if (c->pci_host) {
        hw_harness_add_desc(h, VIREO_DEV_PCI_HOST, "pci.0", 0xcf8, 8, -1);
        h->desc.mem.pci_hole_start = c->q35 ? 0x80000000 : 0xe0000000;
        h->desc.mem.pci_hole_end = 0xfec00000;
    }
    if (c->q35) {
        h->desc.family = VIREO_MACHINE_FAMILY_Q35;
        h->desc.mem.ecam_base = 0xb0000000;
        h->desc.mem.ecam_size = 0x10000000;
    }
    if (c->i8042)
        hw_harness_add_desc(h, VIREO_DEV_I8042, "i8042", 0x60, 5, 1);
    /* Every configuration has the legacy ISA devices a PC machine lists. */
    hw_harness_add_desc(h, VIREO_DEV_SERIAL, "serial0", 0x3f8, 8, 4);
    hw_harness_add_desc(h, VIREO_DEV_RTC, "rtc", 0x70, 2, 8);
    if (c->panic)
        hw_harness_add_desc(h, VIREO_DEV_PANIC, "panic", 0x505, 1, -1);
}
