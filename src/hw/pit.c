/* vireo: the 8254 programmable interval timer (VIREO_DEV_PIT) at 0x40-0x43
 * and the system control port B (0x61: channel 2's gate and OUT, the
 * speaker enable, the refresh toggle). Written from the Intel 8254 data
 * sheet: three channels, modes 0-5, binary or BCD, LSB/MSB/both access,
 * counter latch and read-back (count and status).
 *
 * Counters are not ticked: each one keeps the guest time its count was
 * loaded (or its gate triggered) and its value and OUT are computed from the
 * elapsed 1.193182 MHz ticks of the guest clock = CLOCK_MONOTONIC less the
 * time the VM spent paused (set_running). Channel 0's OUT rising edges are
 * IRQ 0 pulses, timed by a timerfd on the hardware context's main loop:
 * armed for the exact guest time of the next edge, so the rate follows the
 * counter. Edges the main loop was late for are delivered afterwards, a
 * quarter period apart, up to PIT_MAX_BACKLOG periods; beyond that the
 * backlog is dropped (counted in vireo_pit_get_stats). A count written
 * while modes 2 and 3 count takes effect at the end of the period. */
#include <config.h>
#include <errno.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <glib-unix.h>
#include "hw/pit.h"
#include "hw/devices.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define PIT_HZ          1193182ll
#define NS_PER_SEC      1000000000ll
#define PIT_PORT_CMD    3           /* offset of the control word port */
#define PORT_B          0x61
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_RW_BITS  0x0f        /* gate, speaker, parity/IOCHK enables */
#define PORT_B_REFRESH  0x10
#define PORT_B_OUT2     0x20
#define REFRESH_NS      15085       /* the refresh request toggles this often */
#define PIT_MAX_BACKLOG 50          /* late channel 0 periods still delivered */

#define RW_LATCH  0
#define RW_LSB    1
#define RW_MSB    2
#define RW_WORD   3

typedef struct {
    guint8 mode, rw;
    gboolean bcd;
    guint32 count;                  /* the loaded count, 1..65536 (10000 BCD) */
    gboolean loaded;                /* a count was written since the control word */
    gboolean waiting_trigger;       /* modes 1, 5: counting starts at a gate edge */
    gint64 start_ns;                /* guest time counting (re)started */
    gint64 suspended_ns;            /* modes 0, 4 with gate low: when it fell; -1 */
    gboolean gate;
    gboolean null_count;
    /* the byte sequences */
    gboolean write_msb_next;
    guint8 write_lsb;
    gboolean read_msb_next;
    gboolean count_latched, latch_msb_next;
    guint16 latch;
    gboolean status_latched;
    guint8 status;
    /* modes 2, 3: a count written while counting waits for the end of the
     * period (next_boundary ticks after start_ns, at next_start_ns) */
    guint32 next_count;             /* 0: none */
    gint64 next_boundary, next_start_ns;
    /* channel 0's interrupt: the tick (from start_ns) of the next OUT
     * rising edge; <= 0 once a new count started at an edge not sent yet */
    gboolean irq_armed;
    gint64 irq_tick;
} PitChannel;

struct _VireoPit {
    VireoDevice parent;
    GMutex lock;
    PitChannel ch[3];
    guint8 port_b;                  /* bits 0-3 as written */
    VireoPitClockFn now_ns;
    void *now_opaque;
    gboolean running;
    gint64 offset_ns;               /* host time not counted (paused) */
    gint64 paused_at;               /* host time of the pause */
    guint16 base;
    GMainContext *ctx;
    int timer_fd;
    GSource *timer;
    guint64 irqs, missed;           /* channel 0 edges sent / dropped */
};

G_DEFINE_TYPE(VireoPit, vireo_pit, VIREO_TYPE_DEVICE)

/* ---- time ---------------------------------------------------------------- */

static gint64
pit_host_now(VireoPit *pit)
{
    return pit->now_ns(pit->now_opaque);
}

static gint64
pit_now(VireoPit *pit)
{
    return (pit->running ? pit_host_now(pit) : pit->paused_at) - pit->offset_ns;
}

static gint64
ns_to_ticks(gint64 ns)
{
    if (ns <= 0)
        return 0;
    return ns / NS_PER_SEC * PIT_HZ + ns % NS_PER_SEC * PIT_HZ / NS_PER_SEC;
}

/* The first nanosecond at which tick t has passed. */
static gint64
ticks_to_ns(gint64 t)
{
    return t / PIT_HZ * NS_PER_SEC + (t % PIT_HZ * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static gboolean
mode_suspends_on_gate(guint8 mode)
{
    return mode == 0 || mode == 4;
}

static gboolean
mode_periodic(guint8 mode)
{
    return mode == 2 || mode == 3;
}

/* Ticks counted so far, or -1 when the channel is not counting. */
static gint64
ch_elapsed(PitChannel *c, gint64 now)
{
    if (!c->loaded || c->waiting_trigger)
        return -1;
    if (mode_periodic(c->mode) && !c->gate)
        return -1;                  /* held until the gate rises again */
    if (c->suspended_ns >= 0)
        now = c->suspended_ns;
    return ns_to_ticks(now - c->start_ns);
}

static guint32
ch_modulus(PitChannel *c)
{
    return c->bcd ? 10000 : 65536;
}

static guint16
ch_value(PitChannel *c, gint64 now)
{
    gint64 d = ch_elapsed(c, now);
    gint64 n = c->count, m = ch_modulus(c), v;
    if (d < 0)
        return (guint16) (n % m);
    switch (c->mode) {
    case 2:
        v = n - d % n;
        break;
    case 3: {
        gint64 half = (n + 1) / 2, p = d % n;
        v = (n - 2 * (p < half ? p : p - half)) & ~1ll;
        break;
    }
    default:                        /* 0, 1, 4, 5: count down, wrap */
        v = ((n - d) % m + m) % m;
    }
    return (guint16) (v % m);
}

static gboolean
ch_out(PitChannel *c, gint64 now)
{
    gint64 d;
    if (!c->loaded)
        return c->mode != 0;        /* mode 0: low from the control word on */
    if (mode_periodic(c->mode) && !c->gate)
        return TRUE;
    d = ch_elapsed(c, now);
    if (d < 0)
        return TRUE;                /* 1, 5 before their trigger */
    switch (c->mode) {
    case 0: case 1:
        return d >= c->count;
    case 2:
        return d % c->count != c->count - 1;
    case 3:
        return d % c->count < (c->count + 1) / 2;
    default:                        /* 4, 5: low for the tick at terminal count */
        return d != c->count;
    }
}

static guint16
to_bcd(guint16 v)
{
    return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
}

static guint16
from_bcd(guint16 v)
{
    return (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 + (v >> 4 & 0xf) * 10 + (v & 0xf);
}

/* A count written during a period of modes 2 and 3 is loaded at the end of
 * that period (8254 data sheet); the channel 0 schedule moves with it. */
static void
ch_apply_pending(PitChannel *c, gint64 now)
{
    if (!c->next_count || now < c->next_start_ns)
        return;
    c->start_ns = c->next_start_ns;
    c->count = c->next_count;
    c->next_count = 0;
    c->null_count = FALSE;
    if (c->irq_armed)
        c->irq_tick -= c->next_boundary;
}

/* ---- channel 0's interrupt ---------------------------------------------- */

/* The tick of channel 0's next OUT rising edge after tick d, 0 for none:
 * each period's start in modes 2 and 3, terminal count once in 0 and 4. */
static gint64
ch0_next_edge(PitChannel *c, gint64 d)
{
    if (!c->loaded || c->waiting_trigger || !c->gate)
        return 0;
    if (mode_periodic(c->mode))
        return (d / c->count + 1) * c->count;
    if ((c->mode == 0 || c->mode == 4) && d < c->count)
        return c->count;
    return 0;
}

static void
pit_arm(VireoPit *pit)
{
    PitChannel *c = &pit->ch[0];
    struct itimerspec its = { { 0, 0 }, { 0, 0 } };

    if (pit->timer_fd < 0)
        return;
    if (pit->running && c->irq_armed) {
        gint64 delay = c->start_ns + ticks_to_ns(c->irq_tick) - pit_now(pit);
        /* Behind (catching up): a quarter period after the last edge. */
        delay = MAX(delay, ticks_to_ns(c->count / 4));
        delay = MAX(delay, 1);      /* 0 would disarm */
        its.it_value.tv_sec = delay / NS_PER_SEC;
        its.it_value.tv_nsec = delay % NS_PER_SEC;
    }
    timerfd_settime(pit->timer_fd, 0, &its, NULL);
}

/* Recomputes channel 0's next edge after a change of its programming. */
static void
pit_reschedule(VireoPit *pit)
{
    PitChannel *c = &pit->ch[0];
    gint64 d = ch_elapsed(c, pit_now(pit));
    c->irq_tick = d < 0 ? 0 : ch0_next_edge(c, d);
    c->irq_armed = c->irq_tick > 0;
    pit_arm(pit);
}

static void
pit_pulse(VireoPit *pit)
{
    pit->irqs++;
    vireo_device_set_irq(VIREO_DEVICE(pit), TRUE);
    vireo_device_set_irq(VIREO_DEVICE(pit), FALSE);
}

static gboolean
pit_on_timer(gint fd, GIOCondition cond, gpointer data)
{
    VireoPit *pit = data;
    PitChannel *c = &pit->ch[0];
    guint64 expirations;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);
    gint64 d;

    if (read(fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
        return G_SOURCE_CONTINUE;
    ch_apply_pending(c, pit_now(pit));
    d = ch_elapsed(c, pit_now(pit));
    if (!pit->running || !c->irq_armed || d < c->irq_tick) {
        pit_arm(pit);               /* early (a fake clock) or stale */
        return G_SOURCE_CONTINUE;
    }
    pit_pulse(pit);
    if (mode_periodic(c->mode)) {
        /* Catch up on late edges (the main loop was busy), spaced by a
         * quarter period so the LAPIC does not merge them; more than
         * PIT_MAX_BACKLOG periods behind, the backlog is dropped. */
        c->irq_tick += c->count;
        if (d - c->irq_tick > PIT_MAX_BACKLOG * (gint64) c->count) {
            gint64 next = ch0_next_edge(c, d);
            pit->missed += (next - c->irq_tick) / c->count;
            c->irq_tick = next;
        }
    } else {
        c->irq_armed = FALSE;       /* one-shot */
    }
    pit_arm(pit);
    return G_SOURCE_CONTINUE;
}

/* ---- programming ----------------------------------------------------------- */

static void
ch_latch_count(PitChannel *c, gint64 now)
{
    if (c->count_latched)
        return;                     /* the first latch holds until read */
    c->latch = ch_value(c, now);
    if (c->bcd)
        c->latch = to_bcd(c->latch);
    c->count_latched = TRUE;
    c->latch_msb_next = FALSE;
}

static void
ch_latch_status(PitChannel *c, gint64 now)
{
    if (c->status_latched)
        return;
    c->status = (ch_out(c, now) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
                c->rw << 4 | c->mode << 1 | (c->bcd ? 1 : 0);
    c->status_latched = TRUE;
}

static void
pit_write_control(VireoPit *pit, guint8 v)
{
    gint64 now = pit_now(pit);
    guint sc = v >> 6;

    if (sc == 3) {
        /* Read-back: bit 5 clear latches counts, bit 4 clear the status,
         * bits 1-3 select channels 0-2. */
        for (guint i = 0; i < 3; i++) {
            if (!(v & (2u << i)))
                continue;
            if (!(v & 0x10))
                ch_latch_status(&pit->ch[i], now);
            if (!(v & 0x20))
                ch_latch_count(&pit->ch[i], now);
        }
        return;
    }
    PitChannel *c = &pit->ch[sc];
    guint rw = (v >> 4) & 3;
    if (rw == RW_LATCH) {
        ch_latch_count(c, now);
        return;
    }
    c->rw = rw;
    c->mode = (v >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;               /* 6, 7 are 2, 3 */
    c->bcd = v & 1;
    c->loaded = FALSE;
    c->next_count = 0;
    c->waiting_trigger = FALSE;
    c->suspended_ns = -1;
    c->null_count = TRUE;
    c->write_msb_next = c->read_msb_next = FALSE;
    c->count_latched = c->status_latched = FALSE;
    if (sc == 0)
        pit_reschedule(pit);
}

static void
ch_load(VireoPit *pit, PitChannel *c, guint16 raw)
{
    gint64 now = pit_now(pit);
    guint32 n = c->bcd ? from_bcd(raw) : raw;
    if (n == 0)
        n = ch_modulus(c);
    if (mode_periodic(c->mode) && n == 1)
        n = 2;                      /* 1 is illegal in modes 2 and 3 */
    if (mode_periodic(c->mode) && c->loaded) {
        gint64 d = ch_elapsed(c, now);
        if (d >= 0) {
            /* Counting: the new count waits for the end of this period. */
            c->next_boundary = (d / c->count + 1) * c->count;
            c->next_start_ns = c->start_ns + ticks_to_ns(c->next_boundary);
            c->next_count = n;
            c->null_count = TRUE;
            return;
        }
    }
    c->next_count = 0;
    c->count = n;
    c->loaded = TRUE;
    c->null_count = FALSE;
    c->start_ns = now;
    c->suspended_ns = mode_suspends_on_gate(c->mode) && !c->gate ? now : -1;
    c->waiting_trigger = c->mode == 1 || c->mode == 5;
}

static void
pit_write_count(VireoPit *pit, guint i, guint8 v)
{
    PitChannel *c = &pit->ch[i];
    switch (c->rw) {
    case RW_LSB:
        ch_load(pit, c, v);
        break;
    case RW_MSB:
        ch_load(pit, c, v << 8);
        break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = v;
            c->write_msb_next = TRUE;
            if (c->mode == 0)
                c->loaded = FALSE;  /* mode 0: the first byte stops the count */
            break;
        }
        c->write_msb_next = FALSE;
        ch_load(pit, c, c->write_lsb | v << 8);
    }
    if (i == 0)
        pit_reschedule(pit);
}

static guint8
pit_read_count(VireoPit *pit, guint i)
{
    PitChannel *c = &pit->ch[i];
    guint16 v;
    gboolean msb;

    if (c->status_latched) {
        c->status_latched = FALSE;
        return c->status;
    }
    if (c->count_latched) {
        v = c->latch;
        if (c->rw == RW_WORD) {
            msb = c->latch_msb_next;
            c->latch_msb_next = !msb;
            if (msb)
                c->count_latched = FALSE;
        } else {
            msb = c->rw == RW_MSB;
            c->count_latched = FALSE;
        }
        return msb ? v >> 8 : v & 0xff;
    }
    v = ch_value(c, pit_now(pit));
    if (c->bcd)
        v = to_bcd(v);
    if (c->rw == RW_WORD) {
        msb = c->read_msb_next;
        c->read_msb_next = !msb;
    } else {
        msb = c->rw == RW_MSB;
    }
    return msb ? v >> 8 : v & 0xff;
}

static void
ch_set_gate(VireoPit *pit, guint i, gboolean gate)
{
    PitChannel *c = &pit->ch[i];
    gint64 now = pit_now(pit);
    if (gate == c->gate)
        return;
    c->gate = gate;
    if (!c->loaded)
        return;
    if (mode_suspends_on_gate(c->mode)) {
        if (!gate) {
            c->suspended_ns = now;
        } else if (c->suspended_ns >= 0) {
            c->start_ns += now - c->suspended_ns;
            c->suspended_ns = -1;
        }
    } else if (gate) {
        /* 1, 5: the trigger; 2, 3: a rising gate reloads the count. */
        if (c->next_count) {
            c->count = c->next_count;
            c->next_count = 0;
            c->null_count = FALSE;
        }
        c->start_ns = now;
        c->waiting_trigger = FALSE;
    }
    if (i == 0)
        pit_reschedule(pit);
}

static void
pit_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoPit *pit = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);

    for (guint i = 0; i < 3; i++)
        ch_apply_pending(&pit->ch[i], pit_now(pit));
    if (port == PORT_B) {
        if (is_write) {
            pit->port_b = data[0] & PORT_B_RW_BITS;
            ch_set_gate(pit, 2, data[0] & PORT_B_GATE2);
        } else {
            gint64 now = pit_now(pit);
            data[0] = pit->port_b |
                      ((now / REFRESH_NS) & 1 ? PORT_B_REFRESH : 0) |
                      (ch_out(&pit->ch[2], now) ? PORT_B_OUT2 : 0);
        }
    } else {
        guint off = port - pit->base;
        if (off == PIT_PORT_CMD) {
            if (is_write)
                pit_write_control(pit, data[0]);
            else
                data[0] = 0xff;     /* the control word is write-only */
        } else if (is_write) {
            pit_write_count(pit, off, data[0]);
        } else {
            data[0] = pit_read_count(pit, off);
        }
    }
    for (guint i = 1; i < size; i++)
        if (!is_write)
            data[i] = 0xff;
}

/* ---- the device -------------------------------------------------------- */

static void
vireo_pit_reset(VireoDevice *dev)
{
    VireoPit *pit = VIREO_PIT(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);
    for (guint i = 0; i < 3; i++) {
        pit->ch[i] = (PitChannel) {
            .rw = RW_WORD, .suspended_ns = -1,
            .gate = i != 2,         /* channel 2's gate is port 0x61 bit 0 */
        };
    }
    pit->port_b = 0;
    pit_reschedule(pit);
}

static void
vireo_pit_set_running(VireoDevice *dev, gboolean running)
{
    VireoPit *pit = VIREO_PIT(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);
    if (running == pit->running)
        return;
    if (running)
        pit->offset_ns += pit_host_now(pit) - pit->paused_at;
    else
        pit->paused_at = pit_host_now(pit);
    pit->running = running;
    pit_arm(pit);
}

static gint64
pit_monotonic_ns(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

void
vireo_pit_set_clock(VireoPit *pit, VireoPitClockFn now_ns, void *opaque)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);
    gint64 before = pit_now(pit);
    pit->now_ns = now_ns ? now_ns : pit_monotonic_ns;
    pit->now_opaque = opaque;
    if (!pit->running)
        pit->paused_at = pit_host_now(pit);
    /* The guest's time does not jump because the clock source changed. */
    pit->offset_ns += pit_now(pit) - before;
    pit_arm(pit);
}

void
vireo_pit_get_stats(VireoPit *pit, guint64 *irqs, guint64 *missed)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);
    if (irqs)
        *irqs = pit->irqs;
    if (missed)
        *missed = pit->missed;
}

static gboolean
vireo_pit_realize(VireoDevice *dev, const VireoHwContext *hw,
                  const VireoDeviceDesc *desc, GError **error)
{
    VireoPit *pit = VIREO_PIT(dev);

    pit->base = desc->io_base ? desc->io_base : 0x40;
    pit->ctx = g_main_context_ref(hw->main_context ? hw->main_context
                                                   : g_main_context_default());
    if (!vireo_bus_register_pio(hw->bus, pit->base, 4, pit_pio, pit,
                                desc->id ? desc->id : "pit", error) ||
        !vireo_bus_register_pio(hw->bus, PORT_B, 1, pit_pio, pit, "port61", error))
        return FALSE;
    pit->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (pit->timer_fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno, "%s",
                              _("cannot create the PIT's timer"));
        return FALSE;
    }
    pit->timer = g_unix_fd_source_new(pit->timer_fd, G_IO_IN);
    g_source_set_callback(pit->timer, (GSourceFunc) (void (*)(void)) pit_on_timer,
                          pit, NULL);
    g_source_attach(pit->timer, pit->ctx);
    vireo_pit_reset(dev);
    return TRUE;
}

static void
vireo_pit_unrealize(VireoDevice *dev)
{
    VireoPit *pit = VIREO_PIT(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pit->lock);
    if (pit->irqs)
        g_debug("PIT: %" G_GUINT64_FORMAT " IRQ 0 edges sent, %" G_GUINT64_FORMAT " dropped",
                pit->irqs, pit->missed);
    vireo_hw_source_drop(&pit->timer);
}

static void
vireo_pit_finalize(GObject *obj)
{
    VireoPit *pit = VIREO_PIT(obj);
    vireo_hw_source_drop(&pit->timer);
    if (pit->timer_fd >= 0)
        close(pit->timer_fd);
    if (pit->ctx)
        g_main_context_unref(pit->ctx);
    g_mutex_clear(&pit->lock);
    G_OBJECT_CLASS(vireo_pit_parent_class)->finalize(obj);
}

static void
vireo_pit_class_init(VireoPitClass *klass)
{
    VireoDeviceClass *dc = VIREO_DEVICE_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = vireo_pit_finalize;
    dc->kind = VIREO_DEV_PIT;
    dc->realize = vireo_pit_realize;
    dc->reset = vireo_pit_reset;
    dc->unrealize = vireo_pit_unrealize;
    dc->set_running = vireo_pit_set_running;
}

static void
vireo_pit_init(VireoPit *pit)
{
    g_mutex_init(&pit->lock);
    pit->now_ns = pit_monotonic_ns;
    pit->running = TRUE;
    pit->timer_fd = -1;
}
