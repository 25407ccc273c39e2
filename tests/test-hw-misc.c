/* Unit tests for src/hw: i8042, debugcon/POST, pvpanic, and every model
 * created together from one description, as the builder does. */
#include <config.h>
#include <string.h>
#include <glib/gstdio.h>
#include "hw/harness.h"
#include "hw/debugcon.h"
#include "hw/i8042.h"

#define KBD_GSI 1

static VireoDevice *
create_i8042(HwHarness *h)
{
    return hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_I8042, "i8042", 0x60, 5, KBD_GSI));
}

static void
test_i8042_reset_requests(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) kbd = create_i8042(h);

    hw_outb(h, 0x64, 0xfe);                     /* pulse output bit 0 */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 1);
    hw_outb(h, 0x64, 0xff);                     /* pulses nothing */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 1);
    hw_outb(h, 0x64, 0xd0);                     /* read output port */
    g_assert_cmpuint(hw_inb(h, 0x60) & 0x03, ==, 0x03);   /* not in reset, A20 */
    hw_outb(h, 0x64, 0xd1);                     /* write output port ... */
    hw_outb(h, 0x60, 0x03);                     /* ... reset line high: nothing */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 1);
    hw_outb(h, 0x64, 0xd1);
    hw_outb(h, 0x60, 0x02);                     /* bit 0 clear: reset */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 2);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_POWEROFF), ==, 0);
}

static void
test_i8042_controller(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) kbd = create_i8042(h);
    guint8 ctr;

    g_assert_cmpuint(hw_inb(h, 0x64) & 0x01, ==, 0);      /* nothing to read */
    hw_outb(h, 0x64, 0xaa);
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x0d, ==, 0x0d);   /* OBF, SYS, CMD */
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x55);
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x01, ==, 0);
    hw_outb(h, 0x64, 0xab);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x00);
    /* Command byte: read, change, read back. */
    hw_outb(h, 0x64, 0x20);
    ctr = hw_inb(h, 0x60);
    g_assert_cmpuint(ctr & 0x01, ==, 0x01);               /* keyboard interrupt on */
    hw_outb(h, 0x64, 0x60);
    hw_outb(h, 0x60, 0x74);
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x08, ==, 0);      /* last write was data */
    hw_outb(h, 0x64, 0x20);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x74);
    hw_outb(h, 0x64, 0xae);                               /* enable keyboard */
    hw_outb(h, 0x64, 0x20);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x64);
    hw_outb(h, 0x64, 0xad);                               /* disable keyboard */
    hw_outb(h, 0x64, 0x20);
    g_assert_cmpuint(hw_inb(h, 0x60) & 0x10, ==, 0x10);
    /* No AUX port: the loop comes back as keyboard data, the test fails. */
    hw_outb(h, 0x64, 0xd3);
    hw_outb(h, 0x60, 0x5a);
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x21, ==, 0x01);   /* OBF, not AUX */
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x5a);
    hw_outb(h, 0x64, 0xa9);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x01);
    g_assert_false(hw_irq(h, KBD_GSI));                   /* interrupts were off */
}

static void
test_i8042_keyboard(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) kbd = create_i8042(h);

    /* Keyboard reset: ACK then BAT OK on the data port, each an IRQ 1 edge. */
    hw_outb(h, 0x60, 0xff);
    g_assert_true(hw_irq(h, KBD_GSI));
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfa);
    g_assert_true(hw_irq(h, KBD_GSI));
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xaa);
    g_assert_false(hw_irq(h, KBD_GSI));
    g_assert_cmpuint(hw_raises(h, KBD_GSI), ==, 2);
    /* Identify (translated): FA AB 41. */
    hw_outb(h, 0x60, 0xf2);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfa);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xab);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x41);
    /* LEDs: ACK for the command and for its argument. */
    hw_outb(h, 0x60, 0xed);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfa);
    hw_outb(h, 0x60, 0x07);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfa);
    hw_outb(h, 0x60, 0xee);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xee);
    hw_outb(h, 0x60, 0x01);                     /* nonsense: resend */
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfe);
    /* Machine reset empties the buffer and lowers the line. */
    hw_outb(h, 0x60, 0xff);
    vireo_device_reset(kbd);
    g_assert_false(hw_irq(h, KBD_GSI));
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x01, ==, 0);
}

static void
test_i8042_host_keys(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) kbd = create_i8042(h);
    static const guint8 a_key[2] = { 0x1e, 0x9e };     /* 'a' make, break (set 1) */

    g_assert_cmpuint(vireo_i8042_send_scancodes(kbd, a_key, 2), ==, 2);
    g_assert_true(hw_irq(h, KBD_GSI));
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x1e);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0x9e);
    g_assert_false(hw_irq(h, KBD_GSI));
    g_assert_cmpuint(hw_raises(h, KBD_GSI), ==, 2);
    /* Scanning disabled by the guest (0xF5): keys are dropped. */
    hw_outb(h, 0x60, 0xf5);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfa);
    g_assert_cmpuint(vireo_i8042_send_scancodes(kbd, a_key, 2), ==, 0);
    hw_outb(h, 0x60, 0xf4);
    g_assert_cmpuint(hw_inb(h, 0x60), ==, 0xfa);
    /* Keyboard clock disabled at the controller (0xAD): dropped too. */
    hw_outb(h, 0x64, 0xad);
    g_assert_cmpuint(vireo_i8042_send_scancodes(kbd, a_key, 2), ==, 0);
    hw_outb(h, 0x64, 0xae);
    /* A guest that never reads: the buffer bounds what is kept. */
    for (guint i = 0; i < 20; i++)
        vireo_i8042_send_scancodes(kbd, a_key, 2);
    for (guint i = 0; i < 16; i++)
        g_assert_cmpuint(hw_inb(h, 0x60), ==, a_key[i % 2]);
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x01, ==, 0);
}

static GString *captured;

static void
capture_log(const char *domain, GLogLevelFlags level, const char *msg, gpointer data)
{
    g_string_append_printf(captured, "%s|", msg);
}

static void
test_debugcon(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) post = hw_harness_create(h,
        hw_harness_add_desc(h, VIREO_DEV_DEBUGCON, "post", 0x80, 1, -1));
    g_autoptr(VireoDevice) dev = hw_harness_create(h,
        hw_harness_add_desc(h, VIREO_DEV_DEBUGCON, "debugcon", 0x402, 1, -1));
    guint id;

    captured = g_string_new(NULL);
    id = g_log_set_handler("vireo-debugcon", G_LOG_LEVEL_DEBUG, capture_log, NULL);
    hw_outb(h, 0x80, 0x12);
    hw_outb(h, 0x80, 0x34);
    g_assert_cmpuint(vireo_debugcon_get_post_code(post), ==, 0x34);
    g_assert_cmpuint(vireo_debugcon_get_post_writes(post), ==, 2);
    g_assert_cmpuint(vireo_debugcon_get_post_writes(dev), ==, 0);
    g_assert_cmpuint(hw_inb(h, 0x80), ==, 0x34);
    g_assert_cmpuint(hw_inb(h, 0x402), ==, 0xe9);
    for (const char *p = "PASS rtc\r\nPASS"; *p; p++)
        hw_outb(h, 0x402, *p);
    g_assert_cmpstr(captured->str, ==, "PASS rtc|");      /* POST bytes are not text */
    g_clear_object(&dev);                       /* flushes the partial line */
    g_assert_cmpstr(captured->str, ==, "PASS rtc|PASS|");
    g_log_remove_handler("vireo-debugcon", id);
    g_string_free(captured, TRUE);
}

static void
test_debugcon_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-debugcon-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "debug.log", NULL);
    g_autofree char *text = NULL;
    g_autoptr(HwHarness) h = hw_harness_new();
    VireoDeviceDesc *d = hw_harness_add_desc(h, VIREO_DEV_DEBUGCON, "debugcon", 0x402, 1, -1);
    VireoDevice *dev;

    d->chardev = g_new0(VireoChardevDesc, 1);
    d->chardev->type = VIREO_CHR_TYPE_FILE;
    d->chardev->path = g_strdup(path);
    dev = hw_harness_create(h, d);
    for (const char *p = "SeaBIOS\n"; *p; p++)
        hw_outb(h, 0x402, *p);
    g_object_unref(dev);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "SeaBIOS\n");
    g_unlink(path);
    g_rmdir(dir);
}

static void
test_pvpanic(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoDevice) dev = hw_harness_create(h,
        hw_harness_add_desc(h, VIREO_DEV_PANIC, "panic", 0x505, 1, -1));

    g_assert_cmpuint(hw_inb(h, 0x505), ==, 0x03);         /* PANICKED | CRASH_LOADED */
    hw_outb(h, 0x505, 0x02);                              /* kdump loaded: no panic */
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_PANIC), ==, 0);
    hw_outb(h, 0x505, 0x01);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_PANIC), ==, 1);
    g_assert_cmpuint(hw_request_count(h, VIREO_VM_REQUEST_RESET), ==, 0);
}

/* The builder's view: one description, every legacy model by kind. */
static void
test_whole_machine(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func(g_object_unref);
    static const struct { VireoDeviceKind kind; const char *id; guint16 base, len; int gsi; } list[] = {
        { VIREO_DEV_SERIAL, "serial0", 0x3f8, 8, 4 },
        { VIREO_DEV_SERIAL, "serial1", 0x2f8, 8, 3 },
        { VIREO_DEV_RTC, "rtc", 0x70, 2, 8 },
        { VIREO_DEV_I8042, "i8042", 0x60, 5, 1 },
        { VIREO_DEV_DEBUGCON, "post", 0x80, 1, -1 },
        { VIREO_DEV_DEBUGCON, "debugcon", 0x402, 1, -1 },
        { VIREO_DEV_PM, "pm", 0x600, 12, 9 },
        { VIREO_DEV_PANIC, "panic", 0x505, 1, -1 },
        { VIREO_DEV_PIT, "pit", 0x40, 4, 0 },
    };
    static const guint16 ports[] = { 0x3f8, 0x2f8, 0x70, 0x60, 0x64, 0x80, 0x402,
                                     0x600, 0x604, 0x608, 0xcf9, 0x505, 0x40, 0x43,
                                     0x61 };

    for (gsize i = 0; i < G_N_ELEMENTS(list); i++) {
        g_assert_true(vireo_device_type_for_kind(list[i].kind) != G_TYPE_INVALID);
        g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h,
            list[i].kind, list[i].id, list[i].base, list[i].len, list[i].gsi)));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(ports); i++)
        g_assert_nonnull(vireo_bus_pio_owner(h->bus, ports[i]));
    /* Port B (0x61) sits between the i8042's 0x60 and 0x64 and is the
     * PIT's (gate and OUT of channel 2), not the keyboard controller's. */
    g_assert_cmpstr(vireo_bus_pio_owner(h->bus, 0x61), ==, "port61");
    /* Machine reset of everything leaves every line low. */
    for (guint i = 0; i < devs->len; i++)
        vireo_device_reset(g_ptr_array_index(devs, i));
    for (guint gsi = 0; gsi < HW_HARNESS_GSIS; gsi++)
        g_assert_false(hw_irq(h, gsi));
    g_ptr_array_set_size(devs, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(ports); i++)
        g_assert_null(vireo_bus_pio_owner(h->bus, ports[i]));
}

/* Random port traffic of every width over the whole legacy set must neither
 * crash nor wedge a model: unmapped ports read as all-ones, and a machine
 * reset brings every model back to its documented idle state. */
static void
test_random_traffic(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func(g_object_unref);
    g_autoptr(GRand) rand = g_rand_new_with_seed(20261121);
    static const guint16 hot[] = { 0x3f8, 0x70, 0x60, 0x64, 0x80, 0x402, 0x600, 0x604,
                                   0x608, 0xcf9, 0x505 };
    static const guint sizes[] = { 1, 2, 4 };

    g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_SERIAL, "serial0", 0x3f8, 8, 4)));
    g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_RTC, "rtc", 0x70, 2, 8)));
    g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_I8042, "i8042", 0x60, 5, 1)));
    g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_DEBUGCON, "post", 0x80, 1, -1)));
    g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_PM, "pm", 0x600, 12, 9)));
    g_ptr_array_add(devs, hw_harness_create(h, hw_harness_add_desc(h, VIREO_DEV_PANIC, "panic", 0x505, 1, -1)));
    for (guint i = 0; i < 200000; i++) {
        guint16 port = hot[g_rand_int_range(rand, 0, G_N_ELEMENTS(hot))] +
                       g_rand_int_range(rand, 0, 8);
        guint size = sizes[g_rand_int_range(rand, 0, 3)];
        guint8 data[4];
        gboolean write = g_rand_boolean(rand);
        for (guint b = 0; b < 4; b++)
            data[b] = g_rand_int_range(rand, 0, 256);
        if (!vireo_bus_pio(h->bus, port, data, size, write) && !write)
            for (guint b = 0; b < size; b++)
                g_assert_cmpuint(data[b], ==, 0xff);
    }
    for (guint i = 0; i < devs->len; i++)
        vireo_device_reset(g_ptr_array_index(devs, i));
    for (guint gsi = 0; gsi < HW_HARNESS_GSIS; gsi++)
        g_assert_false(hw_irq(h, gsi));
    g_assert_cmpuint(hw_inb(h, 0x3fa), ==, 0x01);       /* UART: no interrupt */
    g_assert_cmpuint(hw_inb(h, 0x3fd), ==, 0x60);       /* empty, THR empty */
    g_assert_cmpuint(hw_inb(h, 0x64) & 0x01, ==, 0);    /* i8042: nothing to read */
    hw_outb(h, 0x70, 0x0b);
    g_assert_cmpuint(hw_inb(h, 0x71), ==, 0x02);        /* RTC: BCD, 24 h */
    g_assert_cmpuint(hw_inw(h, 0x602), ==, 0);          /* PM: nothing enabled */
    g_assert_cmpuint(hw_inw(h, 0x604) & 1, ==, 1);      /* SCI_EN */
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_hw_types_init();
    g_test_add_func("/hw/i8042/reset-requests", test_i8042_reset_requests);
    g_test_add_func("/hw/i8042/controller", test_i8042_controller);
    g_test_add_func("/hw/i8042/keyboard", test_i8042_keyboard);
    g_test_add_func("/hw/i8042/host-keys", test_i8042_host_keys);
    g_test_add_func("/hw/debugcon/log", test_debugcon);
    g_test_add_func("/hw/debugcon/file", test_debugcon_file);
    g_test_add_func("/hw/panic/pvpanic", test_pvpanic);
    g_test_add_func("/hw/machine/all-legacy-devices", test_whole_machine);
    g_test_add_func("/hw/machine/random-traffic", test_random_traffic);
    return g_test_run();
}
