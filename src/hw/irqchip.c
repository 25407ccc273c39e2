/* vireo: the user-space half of KVM's split irqchip. The LAPICs stay in
 * the kernel; the 8259 pair (pic.c) and the IOAPIC (ioapic.c) are models
 * here, and this file wires the ISA lines to both, as the PIIX/ICH south
 * bridges do and the MADT describes (IRQ 0 -> GSI 2). */
#include <config.h>
#include "hw/irqchip.h"

#define ISA_IRQS 16

struct _VireoIrqChip {
    VireoDeviceDesc pic_desc, ioapic_desc;
    VireoDevice *pic, *ioapic;
};

VireoIrqChip *
vireo_irqchip_new(const VireoHwContext *hw, GError **error)
{
    g_autoptr(VireoIrqChip) chip = g_new0(VireoIrqChip, 1);
    guint64 addr = hw->desc && hw->desc->platform.ioapic_addr
                   ? hw->desc->platform.ioapic_addr : VIREO_IOAPIC_ADDR;

    chip->pic_desc = (VireoDeviceDesc) {
        .kind = VIREO_DEV_KIND_LAST, .id = (char *) "pic", .model = (char *) "i8259",
        .io_base = VIREO_PIC_MASTER, .io_len = 2, .gsi = -1,
    };
    chip->ioapic_desc = (VireoDeviceDesc) {
        .kind = VIREO_DEV_KIND_LAST, .id = (char *) "ioapic", .model = (char *) "ioapic",
        .gsi = -1, .mmio_base = addr, .mmio_size = 0x1000,
    };
    chip->pic = vireo_device_create_type(VIREO_TYPE_PIC, hw, &chip->pic_desc, error);
    if (!chip->pic)
        return NULL;
    chip->ioapic = vireo_device_create_type(VIREO_TYPE_IOAPIC, hw, &chip->ioapic_desc, error);
    if (!chip->ioapic)
        return NULL;
    return g_steal_pointer(&chip);
}

void
vireo_irqchip_free(VireoIrqChip *chip)
{
    if (!chip)
        return;
    g_clear_object(&chip->ioapic);
    g_clear_object(&chip->pic);
    g_free(chip);
}

void
vireo_irqchip_set_irq(VireoIrqChip *chip, guint gsi, gboolean level)
{
    if (gsi < ISA_IRQS) {
        vireo_pic_set_irq(VIREO_PIC(chip->pic), gsi, level);
        vireo_ioapic_set_irq(VIREO_IOAPIC(chip->ioapic), gsi == 0 ? 2 : gsi, level);
    } else {
        vireo_ioapic_set_irq(VIREO_IOAPIC(chip->ioapic), gsi, level);
    }
}

void
vireo_irqchip_eoi(VireoIrqChip *chip, guint8 vector)
{
    vireo_ioapic_eoi(VIREO_IOAPIC(chip->ioapic), vector);
}

gboolean
vireo_irqchip_has_extint(VireoIrqChip *chip)
{
    return vireo_pic_has_interrupt(VIREO_PIC(chip->pic));
}

guint8
vireo_irqchip_ack_extint(VireoIrqChip *chip)
{
    return vireo_pic_ack(VIREO_PIC(chip->pic));
}

void
vireo_irqchip_reset(VireoIrqChip *chip)
{
    vireo_device_reset(chip->pic);
    vireo_device_reset(chip->ioapic);
}

VireoPic *
vireo_irqchip_get_pic(VireoIrqChip *chip)
{
    return VIREO_PIC(chip->pic);
}

VireoIoapic *
vireo_irqchip_get_ioapic(VireoIrqChip *chip)
{
    return VIREO_IOAPIC(chip->ioapic);
}
