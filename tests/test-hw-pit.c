/* Unit tests for src/hw/pit.c: the 8254 and port 0x61 through the bus,
 * against a pinned clock (vireo_pit_set_clock), so counts are exact. */
#include <config.h>
#include "hw/harness.h"
#include "hw/pit.h"

#define CH0 0x40
#define CH2 0x42
#define CMD 0x43
#define PORT_B 0x61

typedef struct {
    gint64 ns;
} FakeClock;

static gint64
fake_now(void *opaque)
{
    return ((FakeClock *) opaque)->ns;
}

/* The first nanosecond at which n more ticks of 1.193182 MHz have passed. */
static void
advance_ticks(FakeClock *c, gint64 n)
{
    c->ns += (n * 1000000000ll + 1193181) / 1193182;
}

static VireoDevice *
create_pit(HwHarness *h, FakeClock *clock)
{
    VireoDevice *pit = hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_PIT, "pit",
                                                                CH0, 4, 0));
    clock->ns = 1000000000000ll;
    vireo_pit_set_clock(VIREO_PIT(pit), fake_now, clock);
    return pit;
}

static void
load(HwHarness *h, guint ch, guint8 control, guint16 count)
{
    hw_outb(h, CMD, control);
    hw_outb(h, CH0 + ch, count & 0xff);
    hw_outb(h, CH0 + ch, count >> 8);
}

static guint16
latch_read(HwHarness *h, guint ch)
{
    guint8 lo;
    hw_outb(h, CMD, ch << 6);               /* counter latch */
    lo = hw_inb(h, CH0 + ch);
    return lo | hw_inb(h, CH0 + ch) << 8;
}

static guint8
status(HwHarness *h, guint ch)
{
    hw_outb(h, CMD, 0xe0 | (2u << ch));     /* read-back: status only */
    return hw_inb(h, CH0 + ch);
}

static void
test_mode0(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    FakeClock clock;
    g_autoptr(VireoDevice) pit = create_pit(h, &clock);

    hw_outb(h, CMD, 0x30);                  /* ch0, lo/hi, mode 0 */
    /* Before a count: OUT low, null count. */
    g_assert_cmphex(status(h, 0), ==, 0x40 | 0x30);
    hw_outb(h, CH0, 1000 & 0xff);
    advance_ticks(&clock, 500);             /* the first byte stops the count */
    hw_outb(h, CH0, 1000 >> 8);
    g_assert_cmpuint(latch_read(h, 0), ==, 1000);
    advance_ticks(&clock, 100);
    g_assert_cmpuint(latch_read(h, 0), ==, 900);
    g_assert_cmphex(status(h, 0), ==, 0x30);            /* OUT low, counting */
    advance_ticks(&clock, 900);
    g_assert_cmpuint(latch_read(h, 0), ==, 0);
    g_assert_cmphex(status(h, 0), ==, 0x80 | 0x30);     /* terminal count: OUT high */
    advance_ticks(&clock, 10);              /* keeps counting, wraps */
    g_assert_cmpuint(latch_read(h, 0), ==, 65526);
    g_assert_cmphex(status(h, 0) & 0x80, ==, 0x80);
}

static void
test_mode2_mode3(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    FakeClock clock;
    g_autoptr(VireoDevice) pit = create_pit(h, &clock);

    load(h, 1, 0x74, 100);                  /* ch1, lo/hi, mode 2 */
    advance_ticks(&clock, 250);
    g_assert_cmpuint(latch_read(h, 1), ==, 50);
    g_assert_cmphex(status(h, 1), ==, 0x80 | 0x34);
    advance_ticks(&clock, 49);              /* count 1: OUT low for a tick */
    g_assert_cmpuint(latch_read(h, 1), ==, 1);
    g_assert_cmphex(status(h, 1) & 0x80, ==, 0);
    advance_ticks(&clock, 1);               /* reloaded */
    g_assert_cmpuint(latch_read(h, 1), ==, 100);
    g_assert_cmphex(status(h, 1) & 0x80, ==, 0x80);

    load(h, 1, 0x76, 100);                  /* mode 3: square wave, counts by 2 */
    advance_ticks(&clock, 10);
    g_assert_cmpuint(latch_read(h, 1), ==, 80);
    g_assert_cmphex(status(h, 1), ==, 0x80 | 0x36);
    advance_ticks(&clock, 50);              /* second half: OUT low */
    g_assert_cmpuint(latch_read(h, 1), ==, 80);
    g_assert_cmphex(status(h, 1) & 0x80, ==, 0);
    advance_ticks(&clock, 40);
    g_assert_cmphex(status(h, 1) & 0x80, ==, 0x80);
}

/* A count written while mode 2 counts (no control word) waits for the end
 * of the period, with null count set until then. */
static void
test_reload_at_period_end(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    FakeClock clock;
    g_autoptr(VireoDevice) pit = create_pit(h, &clock);

    load(h, 1, 0x74, 100);
    advance_ticks(&clock, 230);
    hw_outb(h, CH0 + 1, 50);
    hw_outb(h, CH0 + 1, 0);
    advance_ticks(&clock, 40);
    g_assert_cmpuint(latch_read(h, 1), ==, 30);           /* the old period */
    g_assert_cmphex(status(h, 1) & 0x40, ==, 0x40);       /* null count */
    advance_ticks(&clock, 30);                            /* its end: 50 starts */
    g_assert_cmpuint(latch_read(h, 1), ==, 50);
    g_assert_cmphex(status(h, 1) & 0x40, ==, 0);
    advance_ticks(&clock, 10);
    g_assert_cmpuint(latch_read(h, 1), ==, 40);
    advance_ticks(&clock, 40);
    g_assert_cmpuint(latch_read(h, 1), ==, 50);           /* reloaded with 50 */
}

static void
test_latch_readback_access(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    FakeClock clock;
    g_autoptr(VireoDevice) pit = create_pit(h, &clock);
    guint8 lo, hi;

    load(h, 0, 0x34, 10000);
    advance_ticks(&clock, 1000);
    /* A latch holds the count while the counter runs on; a second latch
     * before the read changes nothing. */
    hw_outb(h, CMD, 0x00);
    advance_ticks(&clock, 500);
    hw_outb(h, CMD, 0x00);
    lo = hw_inb(h, CH0);
    hi = hw_inb(h, CH0);
    g_assert_cmpuint(lo | hi << 8, ==, 9000);
    /* Unlatched, lo then hi of the live count. */
    lo = hw_inb(h, CH0);
    hi = hw_inb(h, CH0);
    g_assert_cmpuint(lo | hi << 8, ==, 8500);
    /* Read-back of count and status (0xc2): status first, then the count. */
    hw_outb(h, CMD, 0xc2);
    advance_ticks(&clock, 100);
    g_assert_cmphex(hw_inb(h, CH0), ==, 0x80 | 0x34);
    lo = hw_inb(h, CH0);
    hi = hw_inb(h, CH0);
    g_assert_cmpuint(lo | hi << 8, ==, 8500);
    /* LSB-only and MSB-only access. */
    hw_outb(h, CMD, 0x10);                  /* ch0, LSB only, mode 0 */
    hw_outb(h, CH0, 0x80);
    advance_ticks(&clock, 0x10);
    g_assert_cmphex(hw_inb(h, CH0), ==, 0x70);
    g_assert_cmphex(hw_inb(h, CH0), ==, 0x70);
    hw_outb(h, CMD, 0x20);                  /* MSB only */
    hw_outb(h, CH0, 0x12);
    g_assert_cmphex(hw_inb(h, CH0), ==, 0x12);
    advance_ticks(&clock, 0x100);
    g_assert_cmphex(hw_inb(h, CH0), ==, 0x11);
    /* BCD: 1234 counts as decimal. */
    load(h, 0, 0x31, 0x1234);
    advance_ticks(&clock, 34);
    g_assert_cmphex(latch_read(h, 0), ==, 0x1200);
    g_assert_cmphex(status(h, 0), ==, 0x31);
    /* The control port is write-only. */
    g_assert_cmphex(hw_inb(h, CMD), ==, 0xff);
}

/* Linux's pit_calibrate_tsc / quick_pit_calibrate: channel 2 in mode 0,
 * gated by port 0x61 bit 0, OUT2 polled in bit 5. */
static void
test_port61_channel2(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    FakeClock clock;
    g_autoptr(VireoDevice) pit = create_pit(h, &clock);
    guint8 b;

    g_assert_cmphex(hw_inb(h, PORT_B) & 0x0f, ==, 0);
    hw_outb(h, PORT_B, (hw_inb(h, PORT_B) & ~0x02) | 0x01);
    load(h, 2, 0xb0, 11932);                /* 10 ms */
    g_assert_cmphex(hw_inb(h, PORT_B) & 0x23, ==, 0x01);
    advance_ticks(&clock, 11931);
    g_assert_cmphex(hw_inb(h, PORT_B) & 0x20, ==, 0);
    advance_ticks(&clock, 1);
    g_assert_cmphex(hw_inb(h, PORT_B) & 0x20, ==, 0x20);
    /* The refresh bit toggles every 15 us. */
    b = hw_inb(h, PORT_B) & 0x10;
    clock.ns += 15085;
    g_assert_cmphex(hw_inb(h, PORT_B) & 0x10, !=, b);
    /* Gate low suspends a mode 0 count; high resumes it. */
    load(h, 2, 0xb0, 1000);
    advance_ticks(&clock, 100);
    hw_outb(h, PORT_B, 0x00);
    advance_ticks(&clock, 5000);
    g_assert_cmpuint(latch_read(h, 2), ==, 900);
    hw_outb(h, PORT_B, 0x01);
    advance_ticks(&clock, 100);
    g_assert_cmpuint(latch_read(h, 2), ==, 800);
    /* Mode 2 with the gate low holds OUT high and reloads on the rise. */
    hw_outb(h, PORT_B, 0x00);
    load(h, 2, 0xb4, 100);
    advance_ticks(&clock, 30);
    g_assert_cmpuint(latch_read(h, 2), ==, 100);
    hw_outb(h, PORT_B, 0x03);
    advance_ticks(&clock, 30);
    g_assert_cmpuint(latch_read(h, 2), ==, 70);
    g_assert_cmphex(hw_inb(h, PORT_B) & 0x0f, ==, 0x03);
}

static gboolean
raises_reached(void *data)
{
    gpointer *d = data;
    return hw_raises(d[0], 0) >= GPOINTER_TO_UINT(d[1]);
}

static void
wait_raises(HwHarness *h, guint n)
{
    gpointer d[2] = { h, GUINT_TO_POINTER(n) };
    g_assert_true(hw_iterate_until(h, raises_reached, d, 5000));
}

static void
test_irq0(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    FakeClock clock;
    g_autoptr(VireoDevice) pit = create_pit(h, &clock);
    guint64 irqs, missed;

    /* Mode 2 on channel 0: one IRQ 0 edge per period. */
    load(h, 0, 0x34, 1193);
    g_main_context_iteration(h->ctx, FALSE);
    g_assert_cmpuint(hw_raises(h, 0), ==, 0);
    advance_ticks(&clock, 1193);
    wait_raises(h, 1);
    advance_ticks(&clock, 3 * 1193);        /* three periods late: caught up */
    wait_raises(h, 4);
    g_assert_false(hw_irq(h, 0));           /* pulses: the line is low again */
    vireo_pit_get_stats(VIREO_PIT(pit), &irqs, &missed);
    g_assert_cmpuint(irqs, ==, 4);
    g_assert_cmpuint(missed, ==, 0);
    /* Far behind: the backlog is dropped, not replayed. */
    advance_ticks(&clock, 1000 * 1193);
    wait_raises(h, 5);
    vireo_pit_get_stats(VIREO_PIT(pit), &irqs, &missed);
    g_assert_cmpuint(missed, >, 900);

    /* Paused, guest time stands still: counts and interrupts. */
    vireo_device_set_running(pit, FALSE);
    guint16 before = latch_read(h, 0);
    guint raises = hw_raises(h, 0);
    advance_ticks(&clock, 10 * 1193);
    g_assert_cmpuint(latch_read(h, 0), ==, before);
    for (guint i = 0; i < 20; i++)
        g_main_context_iteration(h->ctx, FALSE);
    g_assert_cmpuint(hw_raises(h, 0), ==, raises);
    vireo_device_set_running(pit, TRUE);
    g_assert_cmpuint(latch_read(h, 0), ==, before);
    advance_ticks(&clock, 1193);
    wait_raises(h, raises + 1);

    /* A new count without a control word: the edge at the end of the
     * current period, then the new period. */
    load(h, 0, 0x34, 1193);
    raises = hw_raises(h, 0);
    advance_ticks(&clock, 1193 / 2);
    hw_outb(h, CH0, 2386 & 0xff);
    hw_outb(h, CH0, 2386 >> 8);
    advance_ticks(&clock, 1193 - 1193 / 2);
    wait_raises(h, raises + 1);
    advance_ticks(&clock, 1193);
    for (guint i = 0; i < 20; i++) {
        g_usleep(200);
        g_main_context_iteration(h->ctx, FALSE);
    }
    g_assert_cmpuint(hw_raises(h, 0), ==, raises + 1);
    advance_ticks(&clock, 1193);
    wait_raises(h, raises + 2);

    /* Mode 0: one edge at terminal count, then none. */
    load(h, 0, 0x30, 500);
    raises = hw_raises(h, 0);
    advance_ticks(&clock, 500);
    wait_raises(h, raises + 1);
    advance_ticks(&clock, 100000);
    for (guint i = 0; i < 20; i++)
        g_main_context_iteration(h->ctx, FALSE);
    g_assert_cmpuint(hw_raises(h, 0), ==, raises + 1);
    /* A reset stops channel 0. */
    vireo_device_reset(pit);
    advance_ticks(&clock, 100000);
    for (guint i = 0; i < 20; i++)
        g_main_context_iteration(h->ctx, FALSE);
    g_assert_cmpuint(hw_raises(h, 0), ==, raises + 1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_hw_types_init();
    g_test_add_func("/hw/pit/mode0", test_mode0);
    g_test_add_func("/hw/pit/mode2-mode3", test_mode2_mode3);
    g_test_add_func("/hw/pit/reload-at-period-end", test_reload_at_period_end);
    g_test_add_func("/hw/pit/latch-readback-access", test_latch_readback_access);
    g_test_add_func("/hw/pit/port61-channel2", test_port61_channel2);
    g_test_add_func("/hw/pit/irq0", test_irq0);
    return g_test_run();
}
