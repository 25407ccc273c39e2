/* vireo: the machine's interrupt controllers in user space (irqchip.c):
 * the 8259 pair and the IOAPIC, with the ISA wiring between devices and
 * them. The VMM owns one, points VireoHwContext.set_irq of every device at
 * vireo_irqchip_set_irq, and connects the other side (signal_msi,
 * set_msi_route, extint_notify of the context given here) to KVM. */
#pragma once
#include "hw/hw.h"
#include "hw/pic.h"
#include "hw/ioapic.h"

typedef struct _VireoIrqChip VireoIrqChip;

/* Creates and realizes the PIC (0x20, 0xa0, 0x4d0) and the IOAPIC (the
 * platform's address) on hw->bus. */
VireoIrqChip *vireo_irqchip_new(const VireoHwContext *hw, GError **error);
void vireo_irqchip_free(VireoIrqChip *chip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoIrqChip, vireo_irqchip_free)

/* A line: gsi < 16 is ISA IRQ gsi, wired to 8259 input gsi and to IOAPIC
 * pin gsi, except IRQ 0 on pin 2 (the MADT's interrupt source override);
 * 16-23 are IOAPIC pins only. Safe from any thread. */
void vireo_irqchip_set_irq(VireoIrqChip *chip, guint gsi, gboolean level);
/* KVM_EXIT_IOAPIC_EOI: a LAPIC EOI'd a level-triggered vector. */
void vireo_irqchip_eoi(VireoIrqChip *chip, guint8 vector);
/* vCPU 0's ExtINT: is the 8259 asking, and its INTA (the vector). */
gboolean vireo_irqchip_has_extint(VireoIrqChip *chip);
guint8 vireo_irqchip_ack_extint(VireoIrqChip *chip);
/* Machine reset of both controllers (line levels are kept). */
void vireo_irqchip_reset(VireoIrqChip *chip);
VireoPic *vireo_irqchip_get_pic(VireoIrqChip *chip);
VireoIoapic *vireo_irqchip_get_ioapic(VireoIrqChip *chip);
