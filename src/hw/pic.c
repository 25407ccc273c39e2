/* vireo: two cascaded 8259A programmable interrupt controllers, as on every
 * PC: the master at 0x20/0x21, the slave at 0xa0/0xa1 on the master's IR2,
 * and the edge/level control registers (ELCR) at 0x4d0/0x4d1. Written from
 * the Intel 8259A data sheet (ICW1-4, OCW1-3, priority rotation, special
 * mask, poll, auto-EOI) and the PIIX/ICH ELCR description.
 *
 * The master's INT output goes to vCPU 0's LAPIC LINT0 as an ExtINT: the
 * VMM asks vireo_pic_has_interrupt() before entering the guest and runs the
 * INTA cycle (vireo_pic_ack) when KVM says the vCPU can take one; when the
 * output rises, hw->extint_notify kicks vCPU 0 out of KVM_RUN. */
#include <config.h>
#include "hw/pic.h"
#include "hw/devices.h"

#define ICW1_IC4      0x01          /* ICW4 follows */
#define ICW1_SNGL     0x02          /* single PIC, no ICW3 */
#define ICW1_INIT     0x10
#define ICW4_AEOI     0x02
#define ICW4_SFNM     0x10
#define OCW3_SEL      0x08          /* bit 3 set, bit 4 clear: OCW3 */
#define OCW3_POLL     0x04
#define OCW3_RR       0x02
#define OCW3_RIS      0x01
#define OCW3_ESMM     0x40
#define OCW3_SMM      0x20

typedef struct {
    guint8 irr, isr, imr;
    guint8 lines;                   /* input levels as the devices drive them */
    guint8 elcr, elcr_mask;         /* level-triggered inputs; which may be */
    guint8 vector_base;             /* ICW2 & 0xf8 */
    guint8 lowest;                  /* the input with the lowest priority (7 after init) */
    guint8 init_step;               /* 0: running; 2, 3, 4: next byte is that ICW */
    gboolean icw4_needed, single;
    gboolean auto_eoi, rotate_on_aeoi, sfnm;
    gboolean read_isr, poll, special_mask;
} PicChip;

struct _VireoPic {
    VireoDevice parent;
    GMutex lock;
    PicChip chip[2];                /* 0: master, 1: slave on master IR2 */
    gboolean output;                /* the master's INT, last computed */
};

G_DEFINE_TYPE(VireoPic, vireo_pic, VIREO_TYPE_DEVICE)

#define CASCADE_IRQ 2

/* ---- priority ------------------------------------------------------------ */

/* Inputs in priority order start after the lowest one (OCW2 rotation). */
static int
chip_highest(const PicChip *c, guint8 bits)
{
    for (guint i = 1; i <= 8; i++) {
        guint irq = (c->lowest + i) & 7;
        if (bits & (1u << irq))
            return irq;
    }
    return -1;
}

static guint
chip_rank(const PicChip *c, guint irq)
{
    return (irq - c->lowest - 1) & 7;   /* 0 = highest priority */
}

/* The input the chip would present on INT, or -1: the highest requested
 * unmasked input that outranks every in-service one. Special mask mode
 * ignores in-service inputs that are masked; special fully nested mode
 * (master only) lets the cascade input interrupt its own service. */
static int
chip_pending(const PicChip *c, gboolean is_master)
{
    int req = chip_highest(c, c->irr & ~c->imr);
    guint8 isr = c->isr;
    int svc;

    if (req < 0)
        return -1;
    if (c->special_mask)
        isr &= ~c->imr;
    if (is_master && c->sfnm)
        isr &= ~(1u << CASCADE_IRQ);
    svc = chip_highest(c, isr);
    if (svc >= 0 && chip_rank(c, svc) <= chip_rank(c, req))
        return -1;
    return req;
}

static void
chip_set_input(PicChip *c, guint irq, gboolean level)
{
    guint8 bit = 1u << irq;
    if (c->elcr & bit) {
        /* Level: the request follows the line. */
        if (level)
            c->irr |= bit;
        else
            c->irr &= ~bit;
    } else if (level && !(c->lines & bit)) {
        c->irr |= bit;              /* edge: latched on the rising edge */
    }
    if (level)
        c->lines |= bit;
    else
        c->lines &= ~bit;
}

/* The slave's INT is the master's IR2 request, followed as a level (the
 * slave holds it while it has something to present); then the master's
 * INT. */
static gboolean
pic_update(VireoPic *pic)
{
    gboolean was = pic->output;
    if (chip_pending(&pic->chip[1], FALSE) >= 0)
        pic->chip[0].irr |= 1u << CASCADE_IRQ;
    else
        pic->chip[0].irr &= ~(1u << CASCADE_IRQ);
    pic->output = chip_pending(&pic->chip[0], TRUE) >= 0;
    return pic->output && !was;
}

static void
pic_notify(VireoPic *pic)
{
    const VireoHwContext *hw = vireo_device_get_hw(VIREO_DEVICE(pic));
    if (hw->extint_notify)
        hw->extint_notify(hw->opaque);
}

/* ---- EOI and acknowledge --------------------------------------------- */

static void
chip_eoi(PicChip *c, int irq, gboolean rotate)
{
    if (irq < 0)
        return;
    c->isr &= ~(1u << irq);
    if (rotate)
        c->lowest = irq;
}

/* INTA on one chip: the vector of its highest pending input, or IR7's
 * vector without setting any in-service bit when the request went away
 * (the 8259's spurious interrupt). */
static guint8
chip_ack(PicChip *c, gboolean is_master, int *irq_out)
{
    int irq = chip_pending(c, is_master);
    *irq_out = irq;
    if (irq < 0)
        return c->vector_base | 7;
    if (!(c->elcr & (1u << irq)))
        c->irr &= ~(1u << irq);     /* edge: the request is consumed */
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->lowest = irq;
    } else {
        c->isr |= 1u << irq;
    }
    return c->vector_base | irq;
}

static guint8
pic_ack_locked(VireoPic *pic)
{
    int irq;
    guint8 vector = chip_ack(&pic->chip[0], TRUE, &irq);
    if (irq == CASCADE_IRQ) {
        int sirq;
        vector = chip_ack(&pic->chip[1], FALSE, &sirq);
    }
    return vector;
}

/* ---- register access ------------------------------------------------- */

static void
chip_reset(PicChip *c)
{
    guint8 lines = c->lines, elcr = c->elcr, mask = c->elcr_mask;
    *c = (PicChip) { .lines = lines, .elcr = elcr, .elcr_mask = mask, .lowest = 7 };
    c->irr = lines & elcr;          /* asserted level inputs stay requested */
}

static void
chip_write_command(PicChip *c, guint8 v)
{
    if (v & ICW1_INIT) {
        /* ICW1: IMR and ISR cleared, IR7 lowest, reads give the IRR, the
         * edge sense reset (an input already high must fall and rise). */
        chip_reset(c);
        c->icw4_needed = v & ICW1_IC4;
        c->single = v & ICW1_SNGL;
        c->init_step = 2;
        return;
    }
    if (v & OCW3_SEL) {
        if (v & OCW3_RR)
            c->read_isr = v & OCW3_RIS;
        c->poll = v & OCW3_POLL;
        if (v & OCW3_ESMM)
            c->special_mask = v & OCW3_SMM;
        return;
    }
    /* OCW2: R SL EOI L2 L1 L0 */
    switch (v >> 5) {
    case 0: c->rotate_on_aeoi = FALSE; break;           /* rotate in AEOI clear */
    case 4: c->rotate_on_aeoi = TRUE; break;            /* rotate in AEOI set */
    case 1: chip_eoi(c, chip_highest(c, c->isr), FALSE); break;   /* non-specific */
    case 5: chip_eoi(c, chip_highest(c, c->isr), TRUE); break;    /* + rotate */
    case 3: chip_eoi(c, v & 7, FALSE); break;           /* specific */
    case 7: chip_eoi(c, v & 7, TRUE); break;            /* specific + rotate */
    case 6: c->lowest = v & 7; break;                   /* set priority */
    default: break;                                     /* 2: no operation */
    }
}

static void
chip_write_data(PicChip *c, guint8 v)
{
    switch (c->init_step) {
    case 2:
        c->vector_base = v & 0xf8;
        c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
        return;
    case 3:                         /* cascade wiring is fixed: IR2 / ID 2 */
        c->init_step = c->icw4_needed ? 4 : 0;
        return;
    case 4:
        c->auto_eoi = v & ICW4_AEOI;
        c->sfnm = v & ICW4_SFNM;
        c->init_step = 0;
        return;
    default:
        c->imr = v;                 /* OCW1 */
    }
}

static guint8
pic_read_command(VireoPic *pic, guint n)
{
    PicChip *c = &pic->chip[n];
    if (c->poll) {
        /* Poll: the next read acknowledges like an INTA cycle. */
        int irq;
        c->poll = FALSE;
        if (n == 0 && chip_pending(c, TRUE) == CASCADE_IRQ) {
            chip_ack(c, TRUE, &irq);
            return 0x80 | CASCADE_IRQ;
        }
        chip_ack(c, n == 0, &irq);
        return irq >= 0 ? 0x80 | irq : 0;
    }
    return c->read_isr ? c->isr : c->irr;
}

static void
pic_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPic *pic = opaque;
    gboolean rose;

    g_mutex_lock(&pic->lock);
    if (port == VIREO_PIC_ELCR || port == VIREO_PIC_ELCR + 1) {
        PicChip *c = &pic->chip[port - VIREO_PIC_ELCR];
        if (is_write) {
            c->elcr = data[0] & c->elcr_mask;
            c->irr = (c->irr & ~c->elcr) | (c->lines & c->elcr);
        } else {
            data[0] = c->elcr;
        }
    } else {
        guint n = port >= VIREO_PIC_SLAVE;
        PicChip *c = &pic->chip[n];
        if (!(port & 1)) {
            if (is_write)
                chip_write_command(c, data[0]);
            else
                data[0] = pic_read_command(pic, n);
        } else if (is_write) {
            chip_write_data(c, data[0]);
        } else {
            data[0] = c->imr;
        }
    }
    for (guint i = 1; i < size; i++)
        if (!is_write)
            data[i] = 0xff;
    rose = pic_update(pic);
    g_mutex_unlock(&pic->lock);
    if (rose)
        pic_notify(pic);
}

/* ---- for the interrupt router and vCPU 0 -------------------------------- */

void
vireo_pic_set_irq(VireoPic *pic, guint irq, gboolean level)
{
    gboolean rose;
    if (irq >= 16 || irq == CASCADE_IRQ)
        return;                     /* IR2 is the slave's, not an ISA line */
    g_mutex_lock(&pic->lock);
    chip_set_input(&pic->chip[irq >> 3], irq & 7, level);
    rose = pic_update(pic);
    g_mutex_unlock(&pic->lock);
    if (rose)
        pic_notify(pic);
}

gboolean
vireo_pic_has_interrupt(VireoPic *pic)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pic->lock);
    return pic->output;
}

guint8
vireo_pic_ack(VireoPic *pic)
{
    gboolean rose;
    guint8 vector;
    g_mutex_lock(&pic->lock);
    /* Always a full INTA cycle: a request that went away since the caller
     * saw INT high gives the spurious IR7 vector, as on the chip. */
    vector = pic_ack_locked(pic);
    rose = pic_update(pic);
    g_mutex_unlock(&pic->lock);
    if (rose)
        pic_notify(pic);
    return vector;
}

/* ---- the device -------------------------------------------------------- */

static void
vireo_pic_reset(VireoDevice *dev)
{
    VireoPic *pic = VIREO_PIC(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pic->lock);
    for (guint i = 0; i < 2; i++) {
        pic->chip[i].elcr = 0;
        chip_reset(&pic->chip[i]);
    }
    pic->output = FALSE;
    pic_update(pic);
}

static gboolean
vireo_pic_realize(VireoDevice *dev, const VireoHwContext *hw,
                  const VireoDeviceDesc *desc, GError **error)
{
    VireoPic *pic = VIREO_PIC(dev);
    /* PIIX/ICH: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
    pic->chip[0].elcr_mask = 0xf8;
    pic->chip[1].elcr_mask = 0xde;
    if (!vireo_bus_register_pio(hw->bus, VIREO_PIC_MASTER, 2, pic_pio, pic,
                                "pic-master", error) ||
        !vireo_bus_register_pio(hw->bus, VIREO_PIC_SLAVE, 2, pic_pio, pic,
                                "pic-slave", error) ||
        !vireo_bus_register_pio(hw->bus, VIREO_PIC_ELCR, 2, pic_pio, pic,
                                "pic-elcr", error))
        return FALSE;
    vireo_pic_reset(dev);
    return TRUE;
}

static void
vireo_pic_finalize(GObject *obj)
{
    g_mutex_clear(&VIREO_PIC(obj)->lock);
    G_OBJECT_CLASS(vireo_pic_parent_class)->finalize(obj);
}

static void
vireo_pic_class_init(VireoPicClass *klass)
{
    VireoDeviceClass *dc = VIREO_DEVICE_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = vireo_pic_finalize;
    /* No kind: the description does not list it, VireoIrqChip creates it. */
    dc->realize = vireo_pic_realize;
    dc->reset = vireo_pic_reset;
}

static void
vireo_pic_init(VireoPic *pic)
{
    g_mutex_init(&pic->lock);
}
