/* vireo: ACPI fixed hardware. The FADT declares SMI_CMD 0, so ACPI mode is
 * always on: SCI_EN reads 1 from reset and the OS never hands over. The SCI
 * is a level interrupt on the platform's sci_irq, high while an enabled
 * status bit is set. TMR_STS is derived from the counter, so while the
 * guest has TMR_EN set a timer source on the hardware context waits for the
 * next bit-31 edge of the counter (every 2^31 ticks, 10 min) to raise it. */
#include <config.h>
#include <time.h>
#include "hw/pm.h"
#include "hw/devices.h"

#define PM1_STS_WRITABLE (VIREO_PM1_TMR | VIREO_PM1_PWRBTN)
#define PM1_EN_WRITABLE  (VIREO_PM1_TMR | VIREO_PM1_PWRBTN)
#define RCR_SYS_RST 0x02            /* PIIX3 reset control: hard reset type */
#define RCR_RST_CPU 0x04            /* 0 -> 1 starts the reset */

struct _VireoPm {
    VireoDevice parent;
    GMutex lock;
    VireoPlatformDesc plat;         /* a copy of the ports and values */
    gint64 start_ns;                /* PM timer epoch */
    guint16 sts, en, cnt;
    guint32 tmr_half;               /* timer bit 31 when TMR_STS was cleared */
    guint8 rcr;                     /* last value written to the reset port */
    gboolean sci_level;
    VireoPmClockFn now_ns;          /* host monotonic clock (tests swap it) */
    void *now_opaque;
    GMainContext *ctx;              /* where the overflow source runs */
    GSource *overflow;              /* armed while TMR_EN waits for an edge */
};

G_DEFINE_FINAL_TYPE(VireoPm, vireo_pm, VIREO_TYPE_DEVICE)

static gint64
pm_host_ns(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * G_GINT64_CONSTANT(1000000000) + ts.tv_nsec;
}

static gint64
pm_now_ns(VireoPm *pm)
{
    return pm->now_ns(pm->now_opaque);
}

/* 3.579545 MHz ticks since the device started, without 64-bit overflow. */
static guint64
pm_timer_ticks(VireoPm *pm)
{
    guint64 ns = pm_now_ns(pm) - pm->start_ns;
    return (ns / G_GUINT64_CONSTANT(1000000000)) * VIREO_PM_TIMER_HZ +
           (ns % G_GUINT64_CONSTANT(1000000000)) * VIREO_PM_TIMER_HZ /
           G_GUINT64_CONSTANT(1000000000);
}

/* TMR_STS is computed on read: bit 31 of the counter changed since clear. */
static guint16
pm_status(VireoPm *pm)
{
    guint32 half = (pm_timer_ticks(pm) >> 31) & 1;
    return pm->sts | (half != pm->tmr_half ? VIREO_PM1_TMR : 0);
}

static void pm_update_sci(VireoPm *pm);

static gboolean
pm_on_overflow(gpointer opaque)
{
    VireoPm *pm = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    /* Forget this source first: pm_update_sci re-arms when the edge has
     * not been reached yet (the millisecond timeout rounds). */
    g_clear_pointer(&pm->overflow, g_source_unref);
    pm_update_sci(pm);
    return G_SOURCE_REMOVE;
}

/* Waits for the counter's next bit-31 edge while only TMR_STS is missing
 * for the SCI; otherwise nothing is armed. */
static void
pm_arm_overflow(VireoPm *pm, guint16 status)
{
    vireo_hw_source_drop(&pm->overflow);
    if (!pm->ctx || !(pm->cnt & VIREO_PM1_SCI_EN) || !(pm->en & VIREO_PM1_TMR) ||
        (status & VIREO_PM1_TMR))
        return;
    guint64 to_go = (G_GUINT64_CONSTANT(1) << 31) -
                    (pm_timer_ticks(pm) & ((G_GUINT64_CONSTANT(1) << 31) - 1));
    guint64 ms = to_go * 1000 / VIREO_PM_TIMER_HZ + 1;
    pm->overflow = vireo_hw_timeout_new(pm->ctx, (guint)ms, pm_on_overflow, pm);
}

static void
pm_update_sci(VireoPm *pm)
{
    const VireoHwContext *hw = vireo_device_get_hw(VIREO_DEVICE(pm));
    guint16 status = pm_status(pm);
    gboolean level = (pm->cnt & VIREO_PM1_SCI_EN) && (status & pm->en);
    pm_arm_overflow(pm, status);
    if (level == pm->sci_level)
        return;
    pm->sci_level = level;
    if (hw->set_irq)
        hw->set_irq(hw->opaque, pm->plat.sci_irq, level);
}

static void
pm_write_cnt(VireoPm *pm, guint16 v)
{
    guint typ = (v >> VIREO_PM1_SLP_TYP_SHIFT) & 7;
    /* SLP_EN is write-only and starts the transition; only S5 is offered. */
    pm->cnt = (v & ~VIREO_PM1_SLP_EN) | VIREO_PM1_SCI_EN;
    if ((v & VIREO_PM1_SLP_EN) && typ == pm->plat.s5_slp_typ)
        vireo_device_request(VIREO_DEVICE(pm), VIREO_VM_REQUEST_POWEROFF);
}

static void
pm_write_sts(VireoPm *pm, guint16 v)
{
    pm->sts &= ~(v & PM1_STS_WRITABLE);
    if (v & VIREO_PM1_TMR)
        pm->tmr_half = (pm_timer_ticks(pm) >> 31) & 1;
}

static guint32
pm_get(const guint8 *data, guint size)
{
    guint32 v = 0;
    for (guint i = 0; i < size && i < 4; i++)
        v |= (guint32)data[i] << (8 * i);
    return v;
}

static void
pm_put(guint8 *data, guint size, guint32 v)
{
    for (guint i = 0; i < size; i++)
        data[i] = i < 4 ? v >> (8 * i) : 0;
}

/* PM1a_EVT: status at +0 (2 bytes), enable at +2 (2 bytes); a 4-byte access
 * covers both. Byte accesses to each half work too. */
static void
pm_evt_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPm *pm = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    guint shift = 8 * (port - pm->plat.pm1a_evt_port);
    guint32 mask = (size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1) << shift;

    if (is_write) {
        guint32 v = (pm_get(data, size) << shift) & mask;
        pm_write_sts(pm, v & 0xffff);
        if (mask & 0xffff0000u)
            pm->en = (pm->en & ~(mask >> 16)) | ((v >> 16) & PM1_EN_WRITABLE);
        pm_update_sci(pm);
    } else {
        guint32 all = pm_status(pm) | (guint32)pm->en << 16;
        pm_put(data, size, (all & mask) >> shift);
    }
}

static void
pm_cnt_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPm *pm = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    guint shift = 8 * (port - pm->plat.pm1a_cnt_port);

    if (is_write) {
        guint32 mask = (size >= 2 ? 0xffff : 0xff) << shift;
        guint32 v = ((pm_get(data, size) << shift) & mask) | (pm->cnt & ~mask);
        pm_write_cnt(pm, v);
        pm_update_sci(pm);
    } else {
        pm_put(data, size, pm->cnt >> shift);
    }
}

static void
pm_tmr_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPm *pm = opaque;
    guint shift = 8 * (port - pm->plat.pm_tmr_port);
    if (!is_write)
        pm_put(data, size, (guint32)pm_timer_ticks(pm) >> shift);
}

static void
pm_reset_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPm *pm = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    guint8 v = data[0];

    if (!is_write) {
        pm_put(data, size, pm->rcr);
        return;
    }
    /* The FADT's RESET_VALUE, or the PIIX3 way: RST_CPU going 0 -> 1. */
    if (v == pm->plat.reset_value ||
        ((v & RCR_RST_CPU) && !(pm->rcr & RCR_RST_CPU)))
        vireo_device_request(VIREO_DEVICE(pm), VIREO_VM_REQUEST_RESET);
    pm->rcr = v & RCR_SYS_RST;      /* RST_CPU does not stick */
}

void
vireo_pm_power_button(VireoDevice *dev)
{
    VireoPm *pm = VIREO_PM(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    pm->sts |= VIREO_PM1_PWRBTN;
    pm_update_sci(pm);
}

static void
vireo_pm_reset(VireoDevice *dev)
{
    VireoPm *pm = VIREO_PM(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    pm->sts = pm->en = 0;
    pm->cnt = VIREO_PM1_SCI_EN;
    pm->rcr = 0;
    pm->tmr_half = (pm_timer_ticks(pm) >> 31) & 1;
    pm_update_sci(pm);
}

static gboolean
vireo_pm_realize(VireoDevice *dev, const VireoHwContext *hw,
                 const VireoDeviceDesc *desc, GError **error)
{
    VireoPm *pm = VIREO_PM(dev);
    VireoBus *bus = hw->bus;

    pm->plat = hw->desc->platform;
    pm->start_ns = pm_now_ns(pm);
    pm->ctx = g_main_context_ref(hw->main_context ? hw->main_context
                                                 : g_main_context_default());
    if (!vireo_bus_register_pio(bus, pm->plat.pm1a_evt_port, 4, pm_evt_pio, pm,
                                "acpi-pm1a-evt", error) ||
        !vireo_bus_register_pio(bus, pm->plat.pm1a_cnt_port, 2, pm_cnt_pio, pm,
                                "acpi-pm1a-cnt", error) ||
        !vireo_bus_register_pio(bus, pm->plat.pm_tmr_port, 4, pm_tmr_pio, pm,
                                "acpi-pm-tmr", error) ||
        !vireo_bus_register_pio(bus, pm->plat.reset_port, 1, pm_reset_pio, pm,
                                "reset-control", error))
        return FALSE;
    vireo_pm_reset(dev);
    return TRUE;
}

static void
vireo_pm_unrealize(VireoDevice *dev)
{
    VireoPm *pm = VIREO_PM(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    vireo_hw_source_drop(&pm->overflow);
}

void
vireo_pm_set_clock(VireoDevice *dev, VireoPmClockFn now_ns, void *opaque)
{
    VireoPm *pm = VIREO_PM(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pm->lock);
    gint64 before = pm_now_ns(pm);

    pm->now_ns = now_ns ? now_ns : pm_host_ns;
    pm->now_opaque = opaque;
    /* The counter does not jump because its clock source changed. */
    pm->start_ns += pm_now_ns(pm) - before;
    if (pm->ctx)                    /* realized */
        pm_update_sci(pm);
}

static void
vireo_pm_finalize(GObject *obj)
{
    VireoPm *pm = VIREO_PM(obj);
    vireo_hw_source_drop(&pm->overflow);
    if (pm->ctx)
        g_main_context_unref(pm->ctx);
    g_mutex_clear(&pm->lock);
    G_OBJECT_CLASS(vireo_pm_parent_class)->finalize(obj);
}

static void
vireo_pm_class_init(VireoPmClass *klass)
{
    VireoDeviceClass *dc = VIREO_DEVICE_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = vireo_pm_finalize;
    dc->kind = VIREO_DEV_PM;
    dc->realize = vireo_pm_realize;
    dc->reset = vireo_pm_reset;
    dc->unrealize = vireo_pm_unrealize;
}

static void
vireo_pm_init(VireoPm *pm)
{
    g_mutex_init(&pm->lock);
    pm->now_ns = pm_host_ns;
}
