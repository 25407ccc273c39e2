/* vireo: the 82093AA I/O APIC, 24 pins, at the platform's IOAPIC address
 * (0xfec00000). Written from Intel's 82093AA data sheet and the SDM's MSI
 * format (vol. 3, 11.11): IOREGSEL at +0x00, IOWIN at +0x10; registers
 * 0x00 ID, 0x01 version (0x11, 23 = highest entry), 0x02 arbitration ID,
 * 0x10 + 2n / 0x11 + 2n the redirection table.
 *
 * An interrupt leaves as the MSI the entry describes (vireo_ioapic_entry_msi)
 * through hw->signal_msi (KVM_SIGNAL_MSI into the in-kernel LAPICs). Each
 * unmasked entry is also told to hw->set_msi_route, so that KVM knows which
 * vectors are level-triggered and reports their EOI (KVM_EXIT_IOAPIC_EOI ->
 * vireo_ioapic_eoi), which clears the remote IRR and delivers again while
 * the line is still asserted. */
#include <config.h>
#include "hw/ioapic.h"
#include "hw/devices.h"

#define IOAPIC_REG_ID    0x00
#define IOAPIC_REG_VER   0x01
#define IOAPIC_REG_ARB   0x02
#define IOAPIC_REG_TABLE 0x10
#define IOAPIC_VERSION   0x11
#define IOAPIC_IOREGSEL  0x00
#define IOAPIC_IOWIN     0x10

#define RTE_VECTOR       0xffull
#define RTE_DM_SHIFT     8
#define RTE_DM_EXTINT    7
#define RTE_DEST_LOGICAL (1ull << 11)
#define RTE_DELIVS       (1ull << 12)
#define RTE_POLARITY     (1ull << 13)
#define RTE_REMOTE_IRR   (1ull << 14)
#define RTE_LEVEL        (1ull << 15)
#define RTE_MASKED       (1ull << 16)
#define RTE_DEST_SHIFT   56
#define RTE_EXT_DEST_SHIFT 49       /* 55:49: destination bits 14:8 */
/* What a guest may write: all but delivery status and remote IRR, and of
 * the upper half the destination and the extended destination ID that
 * guests use when CPUID offers KVM_FEATURE_MSI_EXT_DEST_ID. */
#define RTE_WRITABLE     (0xfffe000000000000ull | 0x1ffffull)
#define RTE_READ_ONLY    (RTE_DELIVS | RTE_REMOTE_IRR)

#define MSI_ADDR_BASE    0xfee00000ull
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_LOGICAL (1u << 2)
#define MSI_DATA_LEVEL_ASSERT (1u << 14)
#define MSI_DATA_LEVEL   (1u << 15)

struct _VireoIoapic {
    VireoDevice parent;
    GMutex lock;
    guint32 id;                     /* bits 27:24 as the ID register shows them */
    guint32 reset_id;
    guint8 regsel;
    guint64 rte[VIREO_IOAPIC_PINS];
    guint32 lines;                  /* asserted inputs */
    guint64 base;
};

G_DEFINE_TYPE(VireoIoapic, vireo_ioapic, VIREO_TYPE_DEVICE)

void
vireo_ioapic_entry_msi(guint64 rte, guint64 *addr, guint32 *data)
{
    guint dm = (rte >> RTE_DM_SHIFT) & 7;
    guint32 dest = ((rte >> RTE_DEST_SHIFT) & 0xff) |
                   ((rte >> RTE_EXT_DEST_SHIFT) & 0x7f) << 8;
    /* Destination bits 31:8 go where KVM_CAP_X2APIC_API's 32-bit IDs
     * read them: address bits 63:40 (address_hi 31:8). */
    *addr = MSI_ADDR_BASE | (guint64) (dest & 0xff) << MSI_ADDR_DEST_SHIFT |
            (guint64) (dest & ~0xffu) << 32 |
            ((rte & RTE_DEST_LOGICAL) ? MSI_ADDR_LOGICAL : 0);
    *data = (rte & RTE_VECTOR) | dm << 8 |
            ((rte & RTE_LEVEL) ? MSI_DATA_LEVEL | MSI_DATA_LEVEL_ASSERT : 0);
}

static void
ioapic_send(VireoIoapic *io, guint pin)
{
    const VireoHwContext *hw = vireo_device_get_hw(VIREO_DEVICE(io));
    guint64 addr;
    guint32 data;

    /* ExtINT means "the 8259 answers the INTA": the PIC's output reaches
     * vCPU 0 through LINT0 already; an MSI cannot carry it. */
    if (((io->rte[pin] >> RTE_DM_SHIFT) & 7) == RTE_DM_EXTINT)
        return;
    vireo_ioapic_entry_msi(io->rte[pin], &addr, &data);
    if (hw->signal_msi)
        hw->signal_msi(hw->opaque, addr, data);
}

/* A level-triggered pin delivers while asserted and not waiting for its EOI. */
static void
ioapic_service_level(VireoIoapic *io, guint pin)
{
    guint64 *rte = &io->rte[pin];
    if (!(*rte & RTE_LEVEL) || (*rte & (RTE_MASKED | RTE_REMOTE_IRR)) ||
        !(io->lines & (1u << pin)))
        return;
    *rte |= RTE_REMOTE_IRR;
    ioapic_send(io, pin);
}

static void
ioapic_update_route(VireoIoapic *io, guint pin)
{
    const VireoHwContext *hw = vireo_device_get_hw(VIREO_DEVICE(io));
    guint64 addr;
    guint32 data;
    /* A masked entry keeps its last route: a vector delivered before the
     * mask still needs its EOI reported. */
    if ((io->rte[pin] & RTE_MASKED) || !hw->set_msi_route)
        return;
    vireo_ioapic_entry_msi(io->rte[pin], &addr, &data);
    hw->set_msi_route(hw->opaque, pin, addr, data);
}

void
vireo_ioapic_set_irq(VireoIoapic *io, guint pin, gboolean level)
{
    guint32 bit = 1u << pin;
    gboolean rising;

    if (pin >= VIREO_IOAPIC_PINS)
        return;
    g_mutex_lock(&io->lock);
    /* Inputs are taken as "asserted" whatever the polarity bit says: the
     * devices drive ISA lines active high, as the MADT declares them. */
    rising = level && !(io->lines & bit);
    if (level)
        io->lines |= bit;
    else
        io->lines &= ~bit;
    if (io->rte[pin] & RTE_LEVEL)
        ioapic_service_level(io, pin);
    else if (rising && !(io->rte[pin] & RTE_MASKED))
        ioapic_send(io, pin);       /* an edge on a masked pin is lost */
    g_mutex_unlock(&io->lock);
}

void
vireo_ioapic_eoi(VireoIoapic *io, guint8 vector)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&io->lock);
    for (guint pin = 0; pin < VIREO_IOAPIC_PINS; pin++) {
        guint64 *rte = &io->rte[pin];
        if ((*rte & RTE_VECTOR) != vector || !(*rte & RTE_REMOTE_IRR))
            continue;
        *rte &= ~RTE_REMOTE_IRR;
        ioapic_service_level(io, pin);  /* still asserted: again */
    }
}

guint64
vireo_ioapic_get_entry(VireoIoapic *io, guint pin)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&io->lock);
    return pin < VIREO_IOAPIC_PINS ? io->rte[pin] : 0;
}

/* ---- registers ------------------------------------------------------------ */

static guint32
ioapic_read_reg(VireoIoapic *io, guint8 reg)
{
    switch (reg) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return io->id;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION | (VIREO_IOAPIC_PINS - 1) << 16;
    }
    if (reg >= IOAPIC_REG_TABLE && reg < IOAPIC_REG_TABLE + 2 * VIREO_IOAPIC_PINS) {
        guint64 rte = io->rte[(reg - IOAPIC_REG_TABLE) / 2];
        return (reg & 1) ? rte >> 32 : (guint32) rte;
    }
    return 0xffffffff;              /* not a register */
}

static void
ioapic_write_entry(VireoIoapic *io, guint pin, gboolean high, guint32 v)
{
    guint64 *rte = &io->rte[pin];
    guint64 old = *rte;
    guint64 val = high ? ((guint64) v << 32) | (old & 0xffffffffull)
                       : (old & 0xffffffff00000000ull) | v;

    *rte = (val & RTE_WRITABLE & ~RTE_READ_ONLY) | (old & RTE_READ_ONLY);
    if (!(*rte & RTE_LEVEL))
        *rte &= ~RTE_REMOTE_IRR;    /* edge entries wait for no EOI */
    if (*rte != old)
        ioapic_update_route(io, pin);
    /* Unmasking (or turning level) a pin whose line is up delivers now. */
    ioapic_service_level(io, pin);
}

static void
ioapic_write_reg(VireoIoapic *io, guint8 reg, guint32 v)
{
    if (reg == IOAPIC_REG_ID) {
        io->id = v & 0x0f000000;
        return;
    }
    if (reg >= IOAPIC_REG_TABLE && reg < IOAPIC_REG_TABLE + 2 * VIREO_IOAPIC_PINS)
        ioapic_write_entry(io, (reg - IOAPIC_REG_TABLE) / 2, reg & 1, v);
    /* version and arbitration are read-only */
}

static void
ioapic_mmio(void *opaque, guint64 addr, guint8 *data, guint size, gboolean is_write)
{
    VireoIoapic *io = opaque;
    guint64 off = addr - io->base;
    guint32 v = 0;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&io->lock);

    for (guint i = 0; i < size && i < 4; i++)
        v |= (guint32) data[i] << (8 * i);
    if (off == IOAPIC_IOREGSEL) {
        if (is_write)
            io->regsel = v & 0xff;
        else
            v = io->regsel;
    } else if (off == IOAPIC_IOWIN && (size == 4 || size == 8)) {
        if (is_write)
            ioapic_write_reg(io, io->regsel, v);
        else
            v = ioapic_read_reg(io, io->regsel);
    } else if (!is_write) {
        v = 0xffffffff;             /* nothing else decodes; IOWIN is 32-bit */
    }
    if (!is_write)
        for (guint i = 0; i < size; i++)
            data[i] = i < 4 ? v >> (8 * i) : 0;
}

/* ---- the device -------------------------------------------------------- */

static void
vireo_ioapic_reset(VireoDevice *dev)
{
    VireoIoapic *io = VIREO_IOAPIC(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&io->lock);
    io->id = io->reset_id;
    io->regsel = 0;
    for (guint pin = 0; pin < VIREO_IOAPIC_PINS; pin++)
        io->rte[pin] = RTE_MASKED;
    /* The lines keep their levels: the devices drive them. */
}

static gboolean
vireo_ioapic_realize(VireoDevice *dev, const VireoHwContext *hw,
                     const VireoDeviceDesc *desc, GError **error)
{
    VireoIoapic *io = VIREO_IOAPIC(dev);
    guint n = hw->desc && hw->desc->cpu.vcpus ? hw->desc->cpu.vcpus->len : 0;

    /* The ID the MADT gives it (acpi.c: after the CPUs', 0 past 254). */
    io->reset_id = (guint32) (n < 0xff ? n & 0x0f : 0) << 24;
    io->base = desc->mmio_base ? desc->mmio_base : VIREO_IOAPIC_ADDR;
    if (!vireo_bus_register_mmio(hw->bus, io->base, 0x1000, ioapic_mmio, io,
                                 desc->id ? desc->id : "ioapic", error))
        return FALSE;
    vireo_ioapic_reset(dev);
    return TRUE;
}

static void
vireo_ioapic_finalize(GObject *obj)
{
    g_mutex_clear(&VIREO_IOAPIC(obj)->lock);
    G_OBJECT_CLASS(vireo_ioapic_parent_class)->finalize(obj);
}

static void
vireo_ioapic_class_init(VireoIoapicClass *klass)
{
    VireoDeviceClass *dc = VIREO_DEVICE_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = vireo_ioapic_finalize;
    /* No kind: the description does not list it, VireoIrqChip creates it. */
    dc->realize = vireo_ioapic_realize;
    dc->reset = vireo_ioapic_reset;
}

static void
vireo_ioapic_init(VireoIoapic *io)
{
    g_mutex_init(&io->lock);
}
