/* vireo: the two cascaded 8259A PICs (pic.c). Created by VireoIrqChip,
 * not from the machine description. */
#pragma once
#include "hw/hw.h"

#define VIREO_PIC_MASTER 0x20
#define VIREO_PIC_SLAVE  0xa0
#define VIREO_PIC_ELCR   0x4d0

#define VIREO_TYPE_PIC (vireo_pic_get_type())
G_DECLARE_FINAL_TYPE(VireoPic, vireo_pic, VIREO, PIC, VireoDevice)

/* ISA IRQ 0-15 input level (IRQ 2 is the cascade and is ignored). */
void vireo_pic_set_irq(VireoPic *pic, guint irq, gboolean level);
/* The master's INT output. */
gboolean vireo_pic_has_interrupt(VireoPic *pic);
/* The INTA cycle: the vector of the highest pending request, marked in
 * service (unless auto-EOI); IR7's vector of the chip asked (spurious)
 * when no request is left. */
guint8 vireo_pic_ack(VireoPic *pic);
