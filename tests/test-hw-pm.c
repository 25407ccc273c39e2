/* Unit tests for src/hw/pm.c: ACPI fixed hardware through the bus. */
#include <config.h>
#include "hw/harness.h"
#include "hw/pm.h"

#define EVT 0x600
#define CNT 0x604
#define TMR 0x608
#define SCI 9

static VireoDevice *
create_pm(HwHarness *h)
{
    return hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_PM, "pm", EVT, 12, SCI));
}

static void
test_s5_poweroff(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) pm = NULL;

    h->desc.platform.s5_slp_typ = 5;
    pm = create_pm(h);
    /* ACPI is always enabled: SCI_EN reads 1 from reset. */
    g_assert_cmpuint(hw_inw(h, CNT) & VIREO_PM1_SCI_EN, ==, VIREO_PM1_SCI_EN);
    /* SLP_TYP without SLP_EN does nothing; another type with SLP_EN neither. */
    hw_outw(h, CNT, 5 << 10);
    hw_outw(h, CNT, (3 << 10) | VIREO_PM1_SLP_EN);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_POWEROFF), ==, 0);
    /* SLP_EN is write-only. */
    g_assert_cmpuint(hw_inw(h, CNT) & VIREO_PM1_SLP_EN, ==, 0);
    hw_outw(h, CNT, (5 << 10) | VIREO_PM1_SLP_EN | VIREO_PM1_SCI_EN);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_POWEROFF), ==, 1);
    /* The byte-wide write Linux may also use: high byte holds SLP_EN|TYP. */
    hw_outb(h, CNT + 1, ((5 << 10) | VIREO_PM1_SLP_EN) >> 8);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_POWEROFF), ==, 2);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 0);
}

static void
test_reset_register(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) pm = create_pm(h);

    hw_outb(h, 0xcf9, 0x02);                /* reset type only: no reset */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 0);
    g_assert_cmpuint(hw_inb(h, 0xcf9), ==, 0x02);
    hw_outb(h, 0xcf9, 0x06);                /* the FADT's RESET_VALUE */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 1);
    hw_outb(h, 0xcf9, 0x04);                /* RST_CPU alone (0 -> 1) */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 2);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_POWEROFF), ==, 0);
}

static void
test_power_button(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) pm = create_pm(h);

    /* Not enabled: the status bit latches but no SCI. */
    vireo_pm_power_button(pm);
    g_assert_cmpuint(hw_inw(h, EVT) & VIREO_PM1_PWRBTN, ==, VIREO_PM1_PWRBTN);
    g_assert_false(hw_irq(h, SCI));
    /* The OS enables PWRBTN_EN: the pending status raises the SCI. */
    hw_outw(h, EVT + 2, VIREO_PM1_PWRBTN);
    g_assert_cmpuint(hw_inw(h, EVT + 2), ==, VIREO_PM1_PWRBTN);
    g_assert_true(hw_irq(h, SCI));
    /* Writing 0 does not clear it; writing 1 does, and lowers the SCI. */
    hw_outw(h, EVT, 0);
    g_assert_true(hw_irq(h, SCI));
    hw_outw(h, EVT, VIREO_PM1_PWRBTN);
    g_assert_cmpuint(hw_inw(h, EVT) & VIREO_PM1_PWRBTN, ==, 0);
    g_assert_false(hw_irq(h, SCI));
    /* A second press while enabled raises it at once. */
    vireo_pm_power_button(pm);
    g_assert_true(hw_irq(h, SCI));
    g_assert_cmpuint(hw_raises(h, SCI), ==, 2);
    /* A 32-bit read sees status and enable together. */
    g_assert_cmpuint(hw_inl(h, EVT) & 0x01000100, ==, 0x01000100);
    /* Machine reset clears enable and status, and the line. */
    vireo_device_reset(pm);
    g_assert_false(hw_irq(h, SCI));
    g_assert_cmpuint(hw_inw(h, EVT + 2), ==, 0);
}

static void
test_pm_timer(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) pm = create_pm(h);
    gint64 t0 = g_get_monotonic_time();
    guint32 a = hw_inl(h, TMR), b;
    gint64 elapsed_us;
    guint64 ticks, expect;

    g_usleep(20000);
    b = hw_inl(h, TMR);
    elapsed_us = g_get_monotonic_time() - t0;
    ticks = (guint32)(b - a);
    /* Between the two reads at least 20 ms passed and at most elapsed_us;
     * the counter must agree with 3.579545 MHz over that window. */
    expect = (guint64)20000 * VIREO_PM_TIMER_HZ / 1000000;
    g_assert_cmpuint(ticks, >=, expect - 4);
    g_assert_cmpuint(ticks, <=, (guint64)elapsed_us * VIREO_PM_TIMER_HZ / 1000000 + 4);
    /* Writes are ignored: it is free-running. */
    hw_outl(h, TMR, 0);
    g_assert_cmpuint((guint32)(hw_inl(h, TMR) - b), <, 0x80000000u);
}

/* ---- TMR_STS and the SCI ---------------------------------------------- */

typedef struct {
    HwHarness *h;
    gint64 offset;                  /* ns added to the host clock */
} Clock;

static gint64
shifted_ns(void *opaque)
{
    Clock *c = opaque;
    return g_get_monotonic_time() * 1000 + c->offset;
}

/* Moves the PM timer's clock so the counter's next bit-31 edge is ms away,
 * and re-arms the device against it. */
static void
jump_before_edge(Clock *c, VireoDevice *pm, guint ms)
{
    guint64 to_go = 0x80000000u - (hw_inl(c->h, TMR) & 0x7fffffffu);
    guint64 want = (guint64)ms * VIREO_PM_TIMER_HZ / 1000;
    if (to_go < want)
        to_go += 0x80000000u;
    c->offset += (gint64)((to_go - want) * G_GUINT64_CONSTANT(1000000000) / VIREO_PM_TIMER_HZ);
    vireo_pm_set_clock(pm, shifted_ns, c);
}

static gboolean
tmr_sts_set(void *opaque)
{
    Clock *c = opaque;
    return (hw_inw(c->h, EVT) & VIREO_PM1_TMR) != 0;
}

static gboolean
sci_high(void *opaque)
{
    Clock *c = opaque;
    return hw_irq(c->h, SCI);
}

static void
test_timer_overflow_sci(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) pm = create_pm(h);
    Clock c = { h, 0 };

    vireo_pm_set_clock(pm, shifted_ns, &c);
    /* TMR_EN clear: the edge sets TMR_STS but raises nothing. */
    g_assert_cmpuint(hw_inw(h, EVT) & VIREO_PM1_TMR, ==, 0);
    jump_before_edge(&c, pm, 5);
    g_assert_true(hw_iterate_until(h, tmr_sts_set, &c, 2000));
    g_assert_false(hw_irq(h, SCI));
    /* Enabling it with the status already set raises the SCI at once. */
    hw_outw(h, EVT + 2, VIREO_PM1_TMR);
    g_assert_true(hw_irq(h, SCI));
    /* Clearing the status lowers it; nothing until the next edge. */
    hw_outw(h, EVT, VIREO_PM1_TMR);
    g_assert_cmpuint(hw_inw(h, EVT) & VIREO_PM1_TMR, ==, 0);
    g_assert_false(hw_irq(h, SCI));
    /* The next edge raises it by itself, from the hardware context. */
    jump_before_edge(&c, pm, 20);
    g_assert_false(hw_irq(h, SCI));
    g_assert_true(hw_iterate_until(h, sci_high, &c, 2000));
    g_assert_cmpuint(hw_inw(h, EVT) & VIREO_PM1_TMR, ==, VIREO_PM1_TMR);
    g_assert_cmpuint(hw_raises(h, SCI), ==, 2);
    /* TMR_EN cleared again: later edges stay silent. */
    hw_outw(h, EVT + 2, 0);
    g_assert_false(hw_irq(h, SCI));
    hw_outw(h, EVT, VIREO_PM1_TMR);
    jump_before_edge(&c, pm, 5);
    g_assert_true(hw_iterate_until(h, tmr_sts_set, &c, 2000));
    g_assert_false(hw_irq(h, SCI));
    g_assert_cmpuint(hw_raises(h, SCI), ==, 2);
}

static void
test_ports_owned(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) pm = create_pm(h);
    g_autoptr(GError) err = NULL;
    VireoDeviceDesc *second = hw_harness_add_desc(h, VIREO_DEV_PM, "pm2", EVT, 12, SCI);

    g_assert_cmpstr(vireo_bus_pio_owner(h->bus, EVT), ==, "acpi-pm1a-evt");
    g_assert_cmpstr(vireo_bus_pio_owner(h->bus, CNT + 1), ==, "acpi-pm1a-cnt");
    g_assert_cmpstr(vireo_bus_pio_owner(h->bus, TMR + 3), ==, "acpi-pm-tmr");
    g_assert_cmpstr(vireo_bus_pio_owner(h->bus, 0xcf9), ==, "reset-control");
    /* A second PM device collides and fails cleanly. */
    g_assert_null(vireo_device_create(&h->hw, second, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(vireo_bus_pio_owner(h->bus, EVT), ==, "acpi-pm1a-evt");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_hw_types_init();
    g_test_add_func("/hw/pm/s5-poweroff", test_s5_poweroff);
    g_test_add_func("/hw/pm/reset-register", test_reset_register);
    g_test_add_func("/hw/pm/power-button", test_power_button);
    g_test_add_func("/hw/pm/timer", test_pm_timer);
    g_test_add_func("/hw/pm/timer-overflow-sci", test_timer_overflow_sci);
    g_test_add_func("/hw/pm/ports", test_ports_owned);
    return g_test_run();
}
