/* vireo: the 82093AA I/O APIC (ioapic.c). Created by VireoIrqChip, not
 * from the machine description. */
#pragma once
#include "hw/hw.h"

#define VIREO_IOAPIC_PINS 24
#define VIREO_IOAPIC_ADDR 0xfec00000ull

#define VIREO_TYPE_IOAPIC (vireo_ioapic_get_type())
G_DECLARE_FINAL_TYPE(VireoIoapic, vireo_ioapic, VIREO, IOAPIC, VireoDevice)

/* Input level of a pin (asserted = TRUE). */
void vireo_ioapic_set_irq(VireoIoapic *io, guint pin, gboolean level);
/* A LAPIC EOI of a level-triggered vector (KVM_EXIT_IOAPIC_EOI): clears
 * the remote IRR of the pins using it and re-delivers those still asserted. */
void vireo_ioapic_eoi(VireoIoapic *io, guint8 vector);
/* The redirection entry of pin (diagnostics, tests). */
guint64 vireo_ioapic_get_entry(VireoIoapic *io, guint pin);
/* The MSI address/data a redirection entry sends (SDM vol. 3, 11.11):
 * destination in address bits 19:12, logical mode bit 2; vector, delivery
 * mode bits 10:8, level-triggered = bits 15 (trigger) and 14 (assert).
 * An extended destination ID (entry bits 55:49, destination bits 14:8)
 * goes to address bits 63:40, as KVM_X2APIC_API_USE_32BIT_IDS reads it. */
void vireo_ioapic_entry_msi(guint64 rte, guint64 *addr, guint32 *data);
