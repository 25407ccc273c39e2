/* Unit tests for src/hw/rtc.c (MC146818 CMOS RTC) through ports 0x70/0x71. */
#include <config.h>
#include "hw/harness.h"
#include "hw/rtc.h"

#define GSI 8

static guint8
cmos_read(HwHarness *h, guint8 idx)
{
    hw_outb(h, 0x70, idx);
    return hw_inb(h, 0x71);
}

static void
cmos_write(HwHarness *h, guint8 idx, guint8 v)
{
    hw_outb(h, 0x70, idx);
    hw_outb(h, 0x71, v);
}

static VireoDevice *
create_rtc(HwHarness *h)
{
    return hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_RTC, "rtc", 0x70, 2, GSI));
}

static guint
from_bcd(guint8 v)
{
    g_assert_cmpuint(v & 0x0f, <=, 9);
    g_assert_cmpuint(v >> 4, <=, 9);
    return (v >> 4) * 10 + (v & 0x0f);
}

/* The RTC's time as Linux reads it: wait out UIP, read the fields, and
 * return them as seconds since the epoch read as UTC. */
static gint64
rtc_time(HwHarness *h)
{
    guint8 b = cmos_read(h, 0x0b);
    gboolean bin = b & 0x04, h24 = b & 0x02;
    guint f[7];
    static const guint8 idx[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
    guint hour;
    g_autoptr(GDateTime) dt = NULL;

    while (cmos_read(h, 0x0a) & 0x80)
        ;
    for (guint i = 0; i < 7; i++) {
        guint8 v = cmos_read(h, idx[i]);
        if (i == 2)
            v &= 0x7f;                      /* the PM bit */
        f[i] = bin ? v : from_bcd(v);
    }
    hour = f[2];
    if (!h24) {
        g_assert_cmpuint(hour, >=, 1);
        g_assert_cmpuint(hour, <=, 12);
        hour = hour % 12 + ((cmos_read(h, 0x04) & 0x80) ? 12 : 0);
    }
    dt = g_date_time_new_utc(f[6] * 100 + f[5], f[4], f[3], hour, f[1], f[0]);
    g_assert_nonnull(dt);
    return g_date_time_to_unix(dt);
}

static gint64
now_utc(void)
{
    return g_get_real_time() / G_USEC_PER_SEC;
}

static void
test_bcd_and_binary(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = create_rtc(h);
    gint64 before, t, after;

    g_assert_cmpuint(cmos_read(h, 0x0b), ==, 0x02);     /* BCD, 24 h */
    g_assert_cmpuint(cmos_read(h, 0x0d), ==, 0x80);     /* VRT */
    before = now_utc();
    t = rtc_time(h);                                    /* from_bcd checks nibbles */
    after = now_utc();
    g_assert_cmpint(t, >=, before - 1);
    g_assert_cmpint(t, <=, after + 1);

    cmos_write(h, 0x0b, 0x06);                          /* binary, 24 h */
    before = now_utc();
    t = rtc_time(h);
    after = now_utc();
    g_assert_cmpint(t, >=, before - 1);
    g_assert_cmpint(t, <=, after + 1);
    /* Day of week: Sunday = 1. */
    {
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(rtc_time(h));
        guint8 dow = cmos_read(h, 0x06);
        if (cmos_read(h, 0x00) != 59)               /* not across midnight */
            g_assert_cmpuint(dow, ==, g_date_time_get_day_of_week(dt) % 7 + 1);
    }
}

/* Sets the clock the way a guest does: SET, write fields, clear SET. */
static void
set_time(HwHarness *h, guint8 regb, guint8 year, guint8 mon, guint8 day,
         guint8 hour, guint8 min, guint8 sec)
{
    cmos_write(h, 0x0b, regb | 0x80);
    cmos_write(h, 0x00, sec);
    cmos_write(h, 0x02, min);
    cmos_write(h, 0x04, hour);
    cmos_write(h, 0x07, day);
    cmos_write(h, 0x08, mon);
    cmos_write(h, 0x09, year);
    cmos_write(h, 0x32, regb & 0x04 ? 20 : 0x20);
    cmos_write(h, 0x0b, regb);
}

static void
test_12_24_hour(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = create_rtc(h);
    g_autoptr(GDateTime) want = g_date_time_new_utc(2001, 2, 3, 15, 30, 0);

    set_time(h, 0x02, 0x01, 0x02, 0x03, 0x15, 0x30, 0x00);
    g_assert_cmpint(rtc_time(h) - g_date_time_to_unix(want), >=, 0);
    g_assert_cmpint(rtc_time(h) - g_date_time_to_unix(want), <=, 2);
    g_assert_cmpuint(cmos_read(h, 0x04), ==, 0x15);
    g_assert_cmpuint(cmos_read(h, 0x32), ==, 0x20);
    g_assert_cmpuint(cmos_read(h, 0x09), ==, 0x01);
    g_assert_cmpuint(cmos_read(h, 0x06), ==, 0x07);    /* a Saturday */
    /* 12-hour BCD: 3 PM reads 0x83. */
    cmos_write(h, 0x0b, 0x00);
    g_assert_cmpuint(cmos_read(h, 0x04), ==, 0x83);
    g_assert_cmpint(rtc_time(h) - g_date_time_to_unix(want), <=, 2);
    /* 12-hour binary: 0x80 | 3. */
    cmos_write(h, 0x0b, 0x04);
    g_assert_cmpuint(cmos_read(h, 0x04), ==, 0x83);
    /* Midnight is 12 AM; 12:xx noon is 12 PM. */
    set_time(h, 0x00, 0x01, 0x02, 0x03, 0x12, 0x10, 0x00);   /* 12 AM */
    cmos_write(h, 0x0b, 0x02);
    g_assert_cmpuint(cmos_read(h, 0x04), ==, 0x00);
    set_time(h, 0x00, 0x01, 0x02, 0x03, 0x92, 0x10, 0x00);   /* 12 PM */
    cmos_write(h, 0x0b, 0x02);
    g_assert_cmpuint(cmos_read(h, 0x04), ==, 0x12);
    /* 24-hour binary: 23 h reads 23. */
    set_time(h, 0x06, 1, 2, 3, 23, 59, 0);
    g_assert_cmpuint(cmos_read(h, 0x04), ==, 23);
    g_assert_cmpuint(cmos_read(h, 0x32), ==, 20);
}

static void
test_set_freezes(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = create_rtc(h);

    cmos_write(h, 0x0b, 0x82);                          /* SET */
    cmos_write(h, 0x00, 0x42);
    /* Frozen: the guest reads back what it wrote, however long it takes. */
    g_usleep(1100 * 1000);
    g_assert_cmpuint(cmos_read(h, 0x00), ==, 0x42);
    g_assert_cmpuint(cmos_read(h, 0x0a) & 0x80, ==, 0);
    cmos_write(h, 0x0b, 0x02);
}

static gint64
fake_clock(void *opaque)
{
    return *(gint64 *)opaque;
}

static void
test_uip(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = create_rtc(h);
    /* A pinned host clock: polling for a 244 us window on a busy machine
     * would test the scheduler, not the RTC. */
    gint64 now = G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC + 500000;
    guint sec;

    vireo_rtc_set_clock(rtc, fake_clock, &now);
    sec = from_bcd(cmos_read(h, 0x00));
    now += 500000 - 300;                                /* 300 us before the update */
    g_assert_cmpuint(cmos_read(h, 0x0a) & 0x80, ==, 0);
    now += 100;                                         /* 200 us before: in the cycle */
    g_assert_cmpuint(cmos_read(h, 0x0a), ==, 0xa6);     /* UIP | DV normal | 1024 Hz */
    g_assert_cmpuint(from_bcd(cmos_read(h, 0x00)), ==, sec);
    now += 199;                                         /* the last microsecond */
    g_assert_cmpuint(cmos_read(h, 0x0a) & 0x80, ==, 0x80);
    now += 1;                                           /* updated: UIP low, next second */
    g_assert_cmpuint(cmos_read(h, 0x0a) & 0x80, ==, 0);
    g_assert_cmpuint(from_bcd(cmos_read(h, 0x00)), ==, (sec + 1) % 60);
    /* SET stops the update cycle: no UIP even inside the window. */
    now += 999800;
    cmos_write(h, 0x0b, 0x82);
    g_assert_cmpuint(cmos_read(h, 0x0a) & 0x80, ==, 0);
    cmos_write(h, 0x0b, 0x02);
    g_assert_cmpuint(cmos_read(h, 0x0a) & 0x80, ==, 0x80);
    /* So does the divider held in reset. */
    cmos_write(h, 0x0a, 0x70);
    g_assert_cmpuint(cmos_read(h, 0x0a), ==, 0x70);
    /* Back to the host clock: the guest's time does not jump. */
    cmos_write(h, 0x0a, 0x26);
    now += 200;
    {
        gint64 before = rtc_time(h);
        vireo_rtc_set_clock(rtc, NULL, NULL);
        g_assert_cmpint(rtc_time(h) - before, >=, 0);
        g_assert_cmpint(rtc_time(h) - before, <=, 2);
    }
}

static gint64
time_with(VireoClockOffset offset, gint64 adjustment, VireoClockBasis basis,
          const char *tz)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = NULL;
    h->desc.clock.offset = offset;
    h->desc.clock.adjustment = adjustment;
    h->desc.clock.basis = basis;
    h->desc.clock.timezone = g_strdup(tz);
    rtc = create_rtc(h);
    return rtc_time(h) - now_utc();
}

static void
test_clock_offsets(void)
{
    gint64 utc = time_with(VIREO_CLOCK_OFFSET_UTC, 0, VIREO_CLOCK_BASIS_UTC, NULL);
    gint64 var = time_with(VIREO_CLOCK_OFFSET_VARIABLE, 3600, VIREO_CLOCK_BASIS_UTC, NULL);
    gint64 neg = time_with(VIREO_CLOCK_OFFSET_VARIABLE, -86400, VIREO_CLOCK_BASIS_UTC, NULL);
    gint64 local = time_with(VIREO_CLOCK_OFFSET_LOCALTIME, 0, VIREO_CLOCK_BASIS_UTC, NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    gint64 local_shift = g_date_time_get_utc_offset(now) / G_USEC_PER_SEC;

    g_assert_cmpint(utc, >=, -1);
    g_assert_cmpint(utc, <=, 1);
    /* <clock offset='variable' adjustment='3600'/>: one hour ahead. */
    g_assert_cmpint(var - utc, >=, 3600 - 1);
    g_assert_cmpint(var - utc, <=, 3600 + 1);
    g_assert_cmpint(neg - utc, >=, -86400 - 1);
    g_assert_cmpint(neg - utc, <=, -86400 + 1);
    g_assert_cmpint(local - utc, >=, local_shift - 1);
    g_assert_cmpint(local - utc, <=, local_shift + 1);
}

static void
test_timezone(void)
{
    gint64 utc, tokyo;
    if (!g_file_test("/usr/share/zoneinfo/Asia/Tokyo", G_FILE_TEST_EXISTS)) {
        g_test_skip("tzdata has no Asia/Tokyo");
        return;
    }
    utc = time_with(VIREO_CLOCK_OFFSET_UTC, 0, VIREO_CLOCK_BASIS_UTC, NULL);
    tokyo = time_with(VIREO_CLOCK_OFFSET_TIMEZONE, 0, VIREO_CLOCK_BASIS_UTC, "Asia/Tokyo");
    /* Japan has no daylight saving time: always UTC+9. */
    g_assert_cmpint(tokyo - utc, >=, 9 * 3600 - 1);
    g_assert_cmpint(tokyo - utc, <=, 9 * 3600 + 1);
}

static gboolean
irq_high(void *p)
{
    return hw_irq(p, GSI);
}

static void
test_update_interrupt(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = create_rtc(h);
    guint8 c;

    g_assert_cmpuint(cmos_read(h, 0x0c), ==, 0);
    cmos_write(h, 0x0b, 0x12);                          /* UIE */
    g_assert_true(hw_iterate_until(h, irq_high, h, 3000));
    c = cmos_read(h, 0x0c);
    g_assert_cmpuint(c & 0x90, ==, 0x90);               /* IRQF | UF */
    g_assert_false(hw_irq(h, GSI));                     /* reading C lowers it */
    g_assert_cmpuint(cmos_read(h, 0x0c), ==, 0);
    cmos_write(h, 0x0b, 0x02);

    /* Alarm with every field "don't care" fires at the next second. */
    cmos_write(h, 0x01, 0xc0);
    cmos_write(h, 0x03, 0xc0);
    cmos_write(h, 0x05, 0xc0);
    cmos_write(h, 0x0b, 0x22);                          /* AIE */
    g_assert_true(hw_iterate_until(h, irq_high, h, 3000));
    g_assert_cmpuint(cmos_read(h, 0x0c) & 0xa0, ==, 0xa0);
    cmos_write(h, 0x0b, 0x02);
}

static void
test_periodic_interrupt(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = create_rtc(h);

    cmos_write(h, 0x0a, 0x2f);                          /* 2 Hz */
    cmos_write(h, 0x0b, 0x42);                          /* PIE */
    for (guint i = 0; i < 2; i++) {
        g_assert_true(hw_iterate_until(h, irq_high, h, 3000));
        g_assert_cmpuint(cmos_read(h, 0x0c) & 0xc0, ==, 0xc0);   /* IRQF | PF */
        g_assert_false(hw_irq(h, GSI));
    }
    g_assert_cmpuint(hw_raises(h, GSI), ==, 2);
    /* PF is still set without PIE, but no interrupt. */
    cmos_write(h, 0x0b, 0x02);
    g_assert_false(hw_irq(h, GSI));
}

static void
test_cmos_ram(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) rtc = NULL;

    h->desc.mem.below_4g = 3u << 30;                    /* 3 GiB below 4 GiB */
    h->desc.mem.above_4g = 2ull << 30;                  /* 2 GiB above */
    h->desc.cpu.current_vcpus = 4;
    rtc = create_rtc(h);
    /* (3 GiB - 16 MiB) / 64 KiB = 0xbf00 */
    g_assert_cmpuint(cmos_read(h, 0x34), ==, 0x00);
    g_assert_cmpuint(cmos_read(h, 0x35), ==, 0xbf);
    /* 2 GiB / 64 KiB = 0x8000 */
    g_assert_cmpuint(cmos_read(h, 0x5b), ==, 0x00);
    g_assert_cmpuint(cmos_read(h, 0x5c), ==, 0x80);
    g_assert_cmpuint(cmos_read(h, 0x5d), ==, 0x00);
    g_assert_cmpuint(cmos_read(h, 0x30) | cmos_read(h, 0x31) << 8, ==, 0xffff);
    g_assert_cmpuint(cmos_read(h, 0x5f), ==, 3);
    /* Plain RAM elsewhere; the NMI-mask bit of the index is not an address bit. */
    cmos_write(h, 0x40, 0x5a);
    hw_outb(h, 0x70, 0x80 | 0x40);
    g_assert_cmpuint(hw_inb(h, 0x71), ==, 0x5a);
    hw_outb(h, 0x70, 0x80 | 0x0b);
    g_assert_cmpuint(hw_inb(h, 0x71), ==, 0x02);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_hw_types_init();
    g_test_add_func("/hw/rtc/bcd-and-binary", test_bcd_and_binary);
    g_test_add_func("/hw/rtc/12-24-hour", test_12_24_hour);
    g_test_add_func("/hw/rtc/set-freezes", test_set_freezes);
    g_test_add_func("/hw/rtc/uip", test_uip);
    g_test_add_func("/hw/rtc/clock-offsets", test_clock_offsets);
    g_test_add_func("/hw/rtc/timezone", test_timezone);
    g_test_add_func("/hw/rtc/update-interrupt", test_update_interrupt);
    g_test_add_func("/hw/rtc/periodic-interrupt", test_periodic_interrupt);
    g_test_add_func("/hw/rtc/cmos-ram", test_cmos_ram);
    return g_test_run();
}
