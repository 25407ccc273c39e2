/* vireo: the MC146818 CMOS RTC at 0x70/0x71, plus its 128 bytes of CMOS
 * RAM (memory size for firmware). The clock is not a counter we tick: each
 * read computes the guest's wall-clock fields from the host clock, the
 * description's <clock> base and an offset the guest moves by setting the
 * time. Fields are kept as "seconds since the epoch, read as UTC", so
 * localtime and timezone bases are a fixed shift of the host UTC clock. */
#include <config.h>
#include "hw/rtc.h"
#include "hw/devices.h"

#define RTC_SECONDS      0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES      0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS        0x04
#define RTC_HOURS_ALARM  0x05
#define RTC_DAY_OF_WEEK  0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH        0x08
#define RTC_YEAR         0x09
#define RTC_REG_A        0x0a
#define RTC_REG_B        0x0b
#define RTC_REG_C        0x0c
#define RTC_REG_D        0x0d
#define RTC_CENTURY      0x32

#define REG_A_UIP        0x80
#define REG_A_DV_MASK    0x70
#define REG_A_DV_NORMAL  0x20       /* 32.768 kHz time base, running */
#define REG_A_RS_MASK    0x0f
#define REG_B_SET        0x80
#define REG_B_PIE        0x40
#define REG_B_AIE        0x20
#define REG_B_UIE        0x10
#define REG_B_DM_BINARY  0x04
#define REG_B_24H        0x02
#define REG_C_IRQF       0x80
#define REG_C_PF         0x40
#define REG_C_AF         0x20
#define REG_C_UF         0x10
#define REG_D_VRT        0x80

#define RTC_UIP_US       244        /* update cycle: UIP is high this long before it */
#define ALARM_DONT_CARE  0xc0       /* alarm byte 11xxxxxx matches any value */

typedef struct {
    VireoDevice parent;
    GMutex lock;
    guint8 cmos[128];
    guint8 index;
    gboolean nmi_masked;
    gint64 base_shift;              /* zone offset + <clock adjustment>, seconds */
    gint64 guest_offset;            /* moved by the guest setting the time */
    gboolean irq_level;
    GMainContext *ctx;
    GSource *periodic;              /* PIE: register A rate */
    guint periodic_ms;
    GSource *second;                /* UIE/AIE: each second boundary */
    VireoRtcClockFn now_us;         /* host wall clock, microseconds */
    void *now_opaque;
} VireoRtc;

typedef VireoDeviceClass VireoRtcClass;
GType vireo_rtc_get_type(void);
G_DEFINE_TYPE(VireoRtc, vireo_rtc, VIREO_TYPE_DEVICE)
#define VIREO_RTC(o) G_TYPE_CHECK_INSTANCE_CAST((o), vireo_rtc_get_type(), VireoRtc)

/* ---- time base ----------------------------------------------------------- */

/* Seconds the RTC's fields run ahead of UTC for this <clock>. */
static gint64
rtc_base_shift(const VireoClockDesc *clock)
{
    g_autoptr(GTimeZone) tz = NULL;
    g_autoptr(GDateTime) now = NULL;

    switch (clock->offset) {
    case VIREO_CLOCK_OFFSET_LOCALTIME:
        tz = g_time_zone_new_local();
        break;
    case VIREO_CLOCK_OFFSET_TIMEZONE:
        tz = clock->timezone ? g_time_zone_new_identifier(clock->timezone) : NULL;
        break;
    case VIREO_CLOCK_OFFSET_VARIABLE:
        if (clock->basis == VIREO_CLOCK_BASIS_LOCALTIME)
            tz = g_time_zone_new_local();
        break;
    default:
        break;
    }
    if (!tz)
        tz = g_time_zone_new_utc();
    now = g_date_time_new_now(tz);
    return g_date_time_get_utc_offset(now) / G_USEC_PER_SEC +
           (clock->offset == VIREO_CLOCK_OFFSET_VARIABLE ? clock->adjustment : 0);
}

static gint64
rtc_host_us(VireoRtc *rtc)
{
    return rtc->now_us(rtc->now_opaque);
}

/* The guest's wall clock now, as seconds since the epoch read as UTC. */
static gint64
rtc_fields_now(VireoRtc *rtc)
{
    return rtc_host_us(rtc) / G_USEC_PER_SEC + rtc->base_shift + rtc->guest_offset;
}

/* ---- field encoding ---------------------------------------------------- */

static guint8
rtc_encode(VireoRtc *rtc, guint v)
{
    if (rtc->cmos[RTC_REG_B] & REG_B_DM_BINARY)
        return v;
    return ((v / 10) << 4) | (v % 10);
}

static guint
rtc_decode(VireoRtc *rtc, guint8 v)
{
    if (rtc->cmos[RTC_REG_B] & REG_B_DM_BINARY)
        return v;
    return (v >> 4) * 10 + (v & 0x0f);
}

static guint8
rtc_encode_hour(VireoRtc *rtc, guint h)
{
    guint8 pm;
    if (rtc->cmos[RTC_REG_B] & REG_B_24H)
        return rtc_encode(rtc, h);
    /* 12-hour: 1..12 with bit 7 for PM; midnight is 12 AM. */
    pm = h >= 12 ? 0x80 : 0;
    h %= 12;
    return rtc_encode(rtc, h ? h : 12) | pm;
}

static guint
rtc_decode_hour(VireoRtc *rtc, guint8 v)
{
    guint h;
    if (rtc->cmos[RTC_REG_B] & REG_B_24H)
        return rtc_decode(rtc, v);
    h = rtc_decode(rtc, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* Writes the fields of t (seconds, read as UTC) into the time registers. */
static void
rtc_store_fields(VireoRtc *rtc, gint64 t)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
    guint year;

    if (!dt)
        return;
    year = g_date_time_get_year(dt);
    rtc->cmos[RTC_SECONDS] = rtc_encode(rtc, g_date_time_get_second(dt));
    rtc->cmos[RTC_MINUTES] = rtc_encode(rtc, g_date_time_get_minute(dt));
    rtc->cmos[RTC_HOURS] = rtc_encode_hour(rtc, g_date_time_get_hour(dt));
    /* GLib: Monday = 1 .. Sunday = 7; the RTC: Sunday = 1 .. Saturday = 7. */
    rtc->cmos[RTC_DAY_OF_WEEK] = rtc_encode(rtc, g_date_time_get_day_of_week(dt) % 7 + 1);
    rtc->cmos[RTC_DAY_OF_MONTH] = rtc_encode(rtc, g_date_time_get_day_of_month(dt));
    rtc->cmos[RTC_MONTH] = rtc_encode(rtc, g_date_time_get_month(dt));
    rtc->cmos[RTC_YEAR] = rtc_encode(rtc, year % 100);
    rtc->cmos[RTC_CENTURY] = rtc_encode(rtc, year / 100);
}

/* The time the registers hold, or -1 when they are not a valid date. */
static gint64
rtc_load_fields(VireoRtc *rtc)
{
    guint year = rtc_decode(rtc, rtc->cmos[RTC_CENTURY]) * 100 +
                 rtc_decode(rtc, rtc->cmos[RTC_YEAR]);
    g_autoptr(GDateTime) dt = g_date_time_new_utc(year,
        rtc_decode(rtc, rtc->cmos[RTC_MONTH]),
        rtc_decode(rtc, rtc->cmos[RTC_DAY_OF_MONTH]),
        rtc_decode_hour(rtc, rtc->cmos[RTC_HOURS]),
        rtc_decode(rtc, rtc->cmos[RTC_MINUTES]),
        rtc_decode(rtc, rtc->cmos[RTC_SECONDS]));
    return dt ? g_date_time_to_unix(dt) : -1;
}

/* The guest set the clock: keep the new fields running from now on. */
static void
rtc_commit_fields(VireoRtc *rtc)
{
    gint64 t = rtc_load_fields(rtc);
    if (t >= 0)
        rtc->guest_offset = t - (rtc_host_us(rtc) / G_USEC_PER_SEC + rtc->base_shift);
}

static gboolean
rtc_is_time_register(guint idx)
{
    return idx <= RTC_YEAR || idx == RTC_CENTURY;
}

static gboolean
rtc_is_alarm_register(guint idx)
{
    return idx == RTC_SECONDS_ALARM || idx == RTC_MINUTES_ALARM || idx == RTC_HOURS_ALARM;
}

static gboolean
rtc_running(VireoRtc *rtc)
{
    return !(rtc->cmos[RTC_REG_B] & REG_B_SET) &&
           (rtc->cmos[RTC_REG_A] & REG_A_DV_MASK) == REG_A_DV_NORMAL;
}

/* ---- interrupts ----------------------------------------------------------- */

static void
rtc_update_irq(VireoRtc *rtc)
{
    guint8 b = rtc->cmos[RTC_REG_B], c = rtc->cmos[RTC_REG_C] & ~REG_C_IRQF;
    gboolean pending = ((c & REG_C_PF) && (b & REG_B_PIE)) ||
                       ((c & REG_C_AF) && (b & REG_B_AIE)) ||
                       ((c & REG_C_UF) && (b & REG_B_UIE));

    rtc->cmos[RTC_REG_C] = c | (pending ? REG_C_IRQF : 0);
    if (pending == rtc->irq_level)
        return;
    rtc->irq_level = pending;
    vireo_device_set_irq(VIREO_DEVICE(rtc), pending);
}

static gboolean
rtc_alarm_matches(VireoRtc *rtc)
{
    static const guint8 pairs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS }, { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };
    for (guint i = 0; i < 3; i++) {
        guint8 alarm = rtc->cmos[pairs[i][0]];
        if ((alarm & ALARM_DONT_CARE) != ALARM_DONT_CARE && alarm != rtc->cmos[pairs[i][1]])
            return FALSE;
    }
    return TRUE;
}

static void rtc_arm_timers(VireoRtc *rtc);

/* Each second boundary: the update-ended and alarm flags. */
static gboolean
rtc_on_second(gpointer data)
{
    VireoRtc *rtc = data;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&rtc->lock);

    g_clear_pointer(&rtc->second, g_source_unref);
    if (rtc_running(rtc)) {
        rtc_store_fields(rtc, rtc_fields_now(rtc));
        rtc->cmos[RTC_REG_C] |= REG_C_UF;
        if (rtc_alarm_matches(rtc))
            rtc->cmos[RTC_REG_C] |= REG_C_AF;
        rtc_update_irq(rtc);
    }
    rtc_arm_timers(rtc);
    return G_SOURCE_REMOVE;
}

static gboolean
rtc_on_periodic(gpointer data)
{
    VireoRtc *rtc = data;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&rtc->lock);
    rtc->cmos[RTC_REG_C] |= REG_C_PF;
    rtc_update_irq(rtc);
    return G_SOURCE_CONTINUE;
}

/* Register A's rate: RS 1 and 2 are 256 and 128 Hz, RS n >= 3 is
 * 65536 >> n Hz (RS 6 = 1024 Hz, 15 = 2 Hz). GLib timers have millisecond
 * granularity, so faster rates run at 1 kHz. */
static guint
rtc_periodic_ms(guint8 rs)
{
    guint64 period_us;
    if (rs == 0)
        return 0;
    if (rs < 3)
        rs += 7;
    period_us = (G_GUINT64_CONSTANT(1000000) << rs) / 65536;
    return MAX(period_us / 1000, 1);
}


static void
rtc_arm_timers(VireoRtc *rtc)
{
    guint8 b = rtc->cmos[RTC_REG_B];
    guint ms = (b & REG_B_PIE) ? rtc_periodic_ms(rtc->cmos[RTC_REG_A] & REG_A_RS_MASK) : 0;

    /* Re-created only when the rate changes, so the period keeps its phase. */
    if (ms != rtc->periodic_ms) {
        vireo_hw_source_drop(&rtc->periodic);
        rtc->periodic_ms = ms;
        if (ms) {
            rtc->periodic = vireo_hw_timeout_new(rtc->ctx, ms, rtc_on_periodic, rtc);
        }
    }
    if ((b & (REG_B_UIE | REG_B_AIE)) && !rtc->second) {
        guint to_next = 1000 - (rtc_host_us(rtc) / 1000) % 1000;
        rtc->second = vireo_hw_timeout_new(rtc->ctx, to_next, rtc_on_second, rtc);
    } else if (!(b & (REG_B_UIE | REG_B_AIE))) {
        vireo_hw_source_drop(&rtc->second);
    }
}

/* ---- register access ----------------------------------------------------- */

static guint8
rtc_read_reg_a(VireoRtc *rtc)
{
    guint8 a = rtc->cmos[RTC_REG_A] & ~REG_A_UIP;
    /* UIP is high for the last 244 us before the seconds roll over. */
    if (rtc_running(rtc) &&
        rtc_host_us(rtc) % G_USEC_PER_SEC >= G_USEC_PER_SEC - RTC_UIP_US)
        a |= REG_A_UIP;
    return a;
}

static guint8
rtc_read(VireoRtc *rtc, guint idx)
{
    guint8 v;
    if (rtc_is_time_register(idx) && rtc_running(rtc))
        rtc_store_fields(rtc, rtc_fields_now(rtc));
    switch (idx) {
    case RTC_REG_A:
        return rtc_read_reg_a(rtc);
    case RTC_REG_C:
        v = rtc->cmos[RTC_REG_C];
        rtc->cmos[RTC_REG_C] = 0;   /* reading acknowledges everything */
        rtc_update_irq(rtc);
        return v;
    case RTC_REG_D:
        return REG_D_VRT;
    default:
        return rtc->cmos[idx];
    }
}

static void
rtc_write_reg_b(VireoRtc *rtc, guint8 v)
{
    guint8 old = rtc->cmos[RTC_REG_B];
    /* Freezing: capture the running time so the guest edits it in place. */
    if ((v & REG_B_SET) && !(old & REG_B_SET) && rtc_running(rtc))
        rtc_store_fields(rtc, rtc_fields_now(rtc));
    if ((v & REG_B_SET))
        v &= ~REG_B_UIE;            /* SET clears UIE on the real part */
    /* Changing DM or 12/24 while running re-encodes on the next read; while
     * frozen the guest rewrites the fields itself. */
    rtc->cmos[RTC_REG_B] = v;
    if (!(v & REG_B_SET) && (old & REG_B_SET))
        rtc_commit_fields(rtc);
    rtc_update_irq(rtc);
    rtc_arm_timers(rtc);
}

static void
rtc_write(VireoRtc *rtc, guint idx, guint8 v)
{
    switch (idx) {
    case RTC_REG_A:
        rtc->cmos[RTC_REG_A] = v & ~REG_A_UIP;
        rtc_arm_timers(rtc);
        return;
    case RTC_REG_B:
        rtc_write_reg_b(rtc, v);
        return;
    case RTC_REG_C:
    case RTC_REG_D:
        return;                     /* read-only */
    }
    if (rtc_is_time_register(idx) && !rtc_is_alarm_register(idx) && rtc_running(rtc)) {
        /* A write while running changes the clock from here on. */
        rtc_store_fields(rtc, rtc_fields_now(rtc));
        rtc->cmos[idx] = v;
        rtc_commit_fields(rtc);
        return;
    }
    rtc->cmos[idx] = v;
}

static void
rtc_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoRtc *rtc = opaque;
    const VireoDeviceDesc *desc = vireo_device_get_desc(VIREO_DEVICE(rtc));
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&rtc->lock);
    guint off = port - desc->io_base;

    if (off == 0) {
        if (is_write) {
            rtc->index = data[0] & 0x7f;
            rtc->nmi_masked = data[0] & 0x80;   /* recorded; NMIs are KVM's */
        } else {
            data[0] = 0xff;         /* the index port is write-only */
        }
    } else if (is_write) {
        rtc_write(rtc, rtc->index, data[0]);
    } else {
        data[0] = rtc_read(rtc, rtc->index);
    }
    for (guint i = 1; i < size; i++)
        if (!is_write)
            data[i] = 0xff;
}

/* ---- CMOS RAM as firmware reads it --------------------------------------- */

static void
rtc_set_memory_size(VireoRtc *rtc, const VireoMachineDesc *desc)
{
    guint64 below = desc->mem.below_4g ? desc->mem.below_4g : desc->mem.ram_bytes;
    guint64 ext_kib = below > (1 << 20) ? (below - (1 << 20)) >> 10 : 0;
    guint64 over16 = below > (16 << 20) ? (below - (16 << 20)) >> 16 : 0;
    guint64 over4g = desc->mem.above_4g >> 16;
    guint vcpus = desc->cpu.current_vcpus;

    rtc->cmos[0x15] = 640 & 0xff;               /* base memory, KiB */
    rtc->cmos[0x16] = 640 >> 8;
    ext_kib = MIN(ext_kib, 0xffff);             /* 1 MiB .. 64 MiB, KiB */
    rtc->cmos[0x17] = rtc->cmos[0x30] = ext_kib & 0xff;
    rtc->cmos[0x18] = rtc->cmos[0x31] = ext_kib >> 8;
    over16 = MIN(over16, 0xffff);               /* 16 MiB .. 4 GiB, 64 KiB units */
    rtc->cmos[0x34] = over16 & 0xff;
    rtc->cmos[0x35] = over16 >> 8;
    rtc->cmos[0x5b] = over4g & 0xff;            /* above 4 GiB, 64 KiB units */
    rtc->cmos[0x5c] = (over4g >> 8) & 0xff;
    rtc->cmos[0x5d] = (over4g >> 16) & 0xff;
    rtc->cmos[0x5f] = vcpus ? vcpus - 1 : 0;    /* SeaBIOS: CPUs - 1 */
}

/* ---- the device -------------------------------------------------------- */

static void
vireo_rtc_reset(VireoDevice *dev)
{
    VireoRtc *rtc = VIREO_RTC(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&rtc->lock);

    rtc->cmos[RTC_REG_A] = REG_A_DV_NORMAL | 0x06;  /* 32.768 kHz, 1024 Hz */
    rtc->cmos[RTC_REG_B] = REG_B_24H;               /* BCD, 24 h, no interrupts */
    rtc->cmos[RTC_REG_C] = 0;
    rtc->cmos[RTC_REG_D] = REG_D_VRT;
    rtc_update_irq(rtc);
    rtc_arm_timers(rtc);
}

static gboolean
vireo_rtc_realize(VireoDevice *dev, const VireoHwContext *hw,
                  const VireoDeviceDesc *desc, GError **error)
{
    VireoRtc *rtc = VIREO_RTC(dev);

    rtc->ctx = g_main_context_ref(hw->main_context ? hw->main_context
                                                   : g_main_context_default());
    rtc->base_shift = rtc_base_shift(&hw->desc->clock);
    rtc_set_memory_size(rtc, hw->desc);
    if (!vireo_bus_register_pio(hw->bus, desc->io_base, MAX(desc->io_len, 2), rtc_pio,
                                rtc, desc->id, error))
        return FALSE;
    vireo_rtc_reset(dev);
    return TRUE;
}

static void
vireo_rtc_unrealize(VireoDevice *dev)
{
    VireoRtc *rtc = VIREO_RTC(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&rtc->lock);
    rtc->periodic_ms = 0;
    vireo_hw_source_drop(&rtc->periodic);
    vireo_hw_source_drop(&rtc->second);
}

static void
vireo_rtc_finalize(GObject *obj)
{
    VireoRtc *rtc = VIREO_RTC(obj);
    vireo_hw_source_drop(&rtc->periodic);
    vireo_hw_source_drop(&rtc->second);
    if (rtc->ctx)
        g_main_context_unref(rtc->ctx);
    g_mutex_clear(&rtc->lock);
    G_OBJECT_CLASS(vireo_rtc_parent_class)->finalize(obj);
}

static void
vireo_rtc_class_init(VireoRtcClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = vireo_rtc_finalize;
    klass->kind = VIREO_DEV_RTC;
    klass->realize = vireo_rtc_realize;
    klass->reset = vireo_rtc_reset;
    klass->unrealize = vireo_rtc_unrealize;
}

static gint64
rtc_real_time(void *opaque)
{
    return g_get_real_time();
}

void
vireo_rtc_set_clock(VireoDevice *dev, VireoRtcClockFn now_us, void *opaque)
{
    VireoRtc *rtc = VIREO_RTC(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&rtc->lock);
    gint64 before = rtc_fields_now(rtc);

    rtc->now_us = now_us ? now_us : rtc_real_time;
    rtc->now_opaque = opaque;
    /* The guest's time does not jump because the host clock source changed. */
    rtc->guest_offset += before - rtc_fields_now(rtc);
}

static void
vireo_rtc_init(VireoRtc *rtc)
{
    g_mutex_init(&rtc->lock);
    rtc->now_us = rtc_real_time;
}
