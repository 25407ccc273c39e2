/* Unit tests for src/hw: the I/O bus and the VireoDevice base type. */
#include <config.h>
#include <string.h>
#include "hw/harness.h"
#include "util/vireo-error.h"

typedef struct {
    guint hits;
    guint16 last_port;
    guint last_size;
    guint8 last_value;
} Recorder;

static void
record_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    Recorder *r = opaque;
    r->hits++;
    r->last_port = port;
    r->last_size = size;
    if (is_write)
        r->last_value = data[0];
    else
        memset(data, port & 0xff, size);
}

static void
record_mmio(void *opaque, guint64 addr, guint8 *data, guint size, gboolean is_write)
{
    Recorder *r = opaque;
    r->hits++;
    if (!is_write)
        memset(data, 0x5a, size);
}

static void
test_bus_dispatch(void)
{
    g_autoptr(VireoBus) bus = vireo_bus_new();
    Recorder a = { 0 }, b = { 0 };
    guint8 v = 0;

    g_assert_true(vireo_bus_register_pio(bus, 0x3f8, 8, record_pio, &a, "serial0", NULL));
    g_assert_true(vireo_bus_register_pio(bus, 0x2f8, 8, record_pio, &b, "serial1", NULL));
    v = 0x41;
    g_assert_true(vireo_bus_pio(bus, 0x3f8, &v, 1, TRUE));
    g_assert_cmpuint(a.hits, ==, 1);
    g_assert_cmpuint(a.last_port, ==, 0x3f8);   /* absolute, not an offset */
    g_assert_cmpuint(a.last_value, ==, 0x41);
    g_assert_true(vireo_bus_pio(bus, 0x2ff, &v, 1, FALSE));
    g_assert_cmpuint(b.hits, ==, 1);
    g_assert_cmpuint(v, ==, 0xff);
    g_assert_true(vireo_bus_pio(bus, 0x2fd, &v, 1, FALSE));
    g_assert_cmpuint(v, ==, 0xfd);
    /* Just past both ranges and just before: nothing mapped, all-ones. */
    v = 0;
    g_assert_false(vireo_bus_pio(bus, 0x400, &v, 1, FALSE));
    g_assert_cmpuint(v, ==, 0xff);
    g_assert_false(vireo_bus_pio(bus, 0x2f7, &v, 1, FALSE));
    g_assert_cmpuint(a.hits + b.hits, ==, 3);
    g_assert_cmpstr(vireo_bus_pio_owner(bus, 0x3fa), ==, "serial0");
    g_assert_null(vireo_bus_pio_owner(bus, 0x3f7));
}

static void
test_bus_overlap(void)
{
    g_autoptr(VireoBus) bus = vireo_bus_new();
    g_autoptr(GError) err = NULL;
    Recorder r = { 0 };

    g_assert_true(vireo_bus_register_pio(bus, 0x70, 2, record_pio, &r, "rtc", NULL));
    g_assert_false(vireo_bus_register_pio(bus, 0x71, 4, record_pio, &r, "intruder", &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "'rtc'"));
    g_assert_nonnull(strstr(err->message, "'intruder'"));
    g_clear_error(&err);
    g_assert_false(vireo_bus_register_pio(bus, 0x6f, 2, record_pio, &r, "before", &err));
    g_assert_nonnull(strstr(err->message, "'rtc'"));
    g_clear_error(&err);
    /* Touching ranges on both sides are fine. */
    g_assert_true(vireo_bus_register_pio(bus, 0x6e, 2, record_pio, &r, "left", NULL));
    g_assert_true(vireo_bus_register_pio(bus, 0x72, 1, record_pio, &r, "right", NULL));
    g_assert_false(vireo_bus_register_pio(bus, 0xfff0, 0x20, record_pio, &r, "wrap", &err));
    g_clear_error(&err);
    g_assert_true(vireo_bus_register_mmio(bus, 0xfec00000, 0x1000, record_mmio, &r, "ioapic", NULL));
    g_assert_false(vireo_bus_register_mmio(bus, 0xfebff000, 0x2000, record_mmio, &r, "bar", &err));
    g_assert_nonnull(strstr(err->message, "'ioapic'"));
}

static void
test_bus_many_ranges(void)
{
    g_autoptr(VireoBus) bus = vireo_bus_new();
    Recorder r[64] = { { 0 } };
    g_autoptr(GRand) rand = g_rand_new_with_seed(42);
    guint order[64];

    /* Register in a shuffled order; dispatch must still find each owner. */
    for (guint i = 0; i < 64; i++)
        order[i] = i;
    for (guint i = 63; i > 0; i--) {
        guint j = g_rand_int_range(rand, 0, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (guint i = 0; i < 64; i++) {
        g_autofree char *name = g_strdup_printf("dev%u", order[i]);
        g_assert_true(vireo_bus_register_pio(bus, 0x1000 + order[i] * 16, 4,
                                             record_pio, &r[order[i]], name, NULL));
    }
    for (guint port = 0x1000; port < 0x1000 + 64 * 16; port++) {
        guint8 v;
        gboolean mapped = vireo_bus_pio(bus, port, &v, 1, FALSE);
        g_assert_cmpint(mapped, ==, (port & 15) < 4);
    }
    for (guint i = 0; i < 64; i++) {
        g_assert_cmpuint(r[i].hits, ==, 4);
        g_assert_cmpuint(r[i].last_port, ==, 0x1000 + i * 16 + 3);
    }
    g_assert_cmpuint(vireo_bus_unregister(bus, &r[5]), ==, 1);
    g_assert_null(vireo_bus_pio_owner(bus, 0x1000 + 5 * 16));
    g_assert_cmpstr(vireo_bus_pio_owner(bus, 0x1000 + 6 * 16), ==, "dev6");
}

static void
test_bus_mmio(void)
{
    g_autoptr(VireoBus) bus = vireo_bus_new();
    Recorder r = { 0 };
    guint8 d[8] = { 0 };

    g_assert_true(vireo_bus_register_mmio(bus, 0xfe000000, 0x1000, record_mmio, &r, "m", NULL));
    g_assert_true(vireo_bus_mmio(bus, 0xfe000ff8, d, 8, FALSE));
    g_assert_cmpuint(d[7], ==, 0x5a);
    g_assert_false(vireo_bus_mmio(bus, 0xfe001000, d, 4, FALSE));
    g_assert_cmpuint(d[0], ==, 0xff);
    g_assert_cmpuint(r.hits, ==, 1);
}

typedef struct {
    VireoBus *bus;
    guint errors;
} ThreadArg;

static void
count_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    g_atomic_int_inc((gint *)opaque);
}

static gpointer
hammer_bus(gpointer p)
{
    ThreadArg *a = p;
    for (guint i = 0; i < 20000; i++) {
        guint8 v = 0;
        if (!vireo_bus_pio(a->bus, 0x80 + (i & 1), &v, 1, TRUE))
            a->errors++;
    }
    return NULL;
}

static void
test_bus_threads(void)
{
    g_autoptr(VireoBus) bus = vireo_bus_new();
    gint count = 0;
    ThreadArg args[4];
    GThread *threads[4];

    g_assert_true(vireo_bus_register_pio(bus, 0x80, 2, count_pio, &count, "post", NULL));
    for (guint i = 0; i < 4; i++) {
        args[i] = (ThreadArg){ bus, 0 };
        threads[i] = g_thread_new("vcpu", hammer_bus, &args[i]);
    }
    /* A late registration elsewhere must not disturb running dispatch. */
    for (guint i = 0; i < 100; i++)
        g_assert_true(vireo_bus_register_pio(bus, 0x1000 + i, 1, count_pio, &count, "late", NULL));
    for (guint i = 0; i < 4; i++) {
        g_thread_join(threads[i]);
        g_assert_cmpuint(args[i].errors, ==, 0);
    }
    g_assert_cmpint(count, ==, 4 * 20000);
}

/* ---- the device base type, with test-only models ---------------------- */
typedef struct { VireoDevice parent; Recorder rec; gboolean unrealized; } TestDev;
typedef VireoDeviceClass TestDevClass;
static GType test_dev_get_type(void);
G_DEFINE_TYPE(TestDev, test_dev, VIREO_TYPE_DEVICE)

static void
test_dev_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    record_pio(&((TestDev *)opaque)->rec, port, data, size, is_write);
}

static gboolean
test_dev_realize(VireoDevice *dev, const VireoHwContext *hw,
                 const VireoDeviceDesc *desc, GError **error)
{
    TestDev *t = (TestDev *)dev;
    if (!vireo_bus_register_pio(hw->bus, desc->io_base, desc->io_len,
                                test_dev_pio, t, desc->id, error))
        return FALSE;
    /* Fails after mapping, so the test sees the base type clean up. */
    if (desc->io_base == 0x666) {
        g_set_error_literal(error, VIREO_ERROR, VIREO_ERR_INTERNAL_ERROR, "refused");
        return FALSE;
    }
    return TRUE;
}

static gboolean *test_dev_unrealized_flag;

static void
test_dev_unrealize(VireoDevice *dev)
{
    if (test_dev_unrealized_flag)
        *test_dev_unrealized_flag = TRUE;
}

static void
test_dev_class_init(TestDevClass *klass)
{
    klass->kind = VIREO_DEV_WATCHDOG;
    klass->realize = test_dev_realize;
    klass->unrealize = test_dev_unrealize;
}

static void test_dev_init(TestDev *t) { }

/* An abstract intermediate class and a concrete grandchild: the lookup
 * must recurse, and a class that sets no kind must match nothing. */
typedef struct { VireoDevice parent; } TestMid;
typedef VireoDeviceClass TestMidClass;
static GType test_mid_get_type(void);
G_DEFINE_ABSTRACT_TYPE(TestMid, test_mid, VIREO_TYPE_DEVICE)
static void test_mid_class_init(TestMidClass *klass) { }
static void test_mid_init(TestMid *t) { }

typedef struct { TestMid parent; } TestLeaf;
typedef TestMidClass TestLeafClass;
static GType test_leaf_get_type(void);
G_DEFINE_TYPE(TestLeaf, test_leaf, test_mid_get_type())
static void test_leaf_class_init(TestLeafClass *klass) { klass->kind = VIREO_DEV_VIRTIO_RNG; }
static void test_leaf_init(TestLeaf *t) { }

typedef struct { VireoDevice parent; } TestKindless;
typedef VireoDeviceClass TestKindlessClass;
static GType test_kindless_get_type(void);
G_DEFINE_TYPE(TestKindless, test_kindless, VIREO_TYPE_DEVICE)
static void test_kindless_class_init(TestKindlessClass *klass) { }
static void test_kindless_init(TestKindless *t) { }

static void
test_device_lookup(void)
{
    g_type_ensure(test_dev_get_type());
    g_type_ensure(test_leaf_get_type());
    g_type_ensure(test_kindless_get_type());
    g_assert_true(vireo_device_type_for_kind(VIREO_DEV_WATCHDOG) == test_dev_get_type());
    g_assert_true(vireo_device_type_for_kind(VIREO_DEV_VIRTIO_RNG) == test_leaf_get_type());
    g_assert_true(vireo_device_type_for_kind(VIREO_DEV_USB_CONTROLLER) == G_TYPE_INVALID);
    g_assert_true(vireo_device_type_for_kind(VIREO_DEV_KIND_LAST) == G_TYPE_INVALID);
}

static void
test_device_create(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    VireoDeviceDesc *ok = hw_harness_add_desc(h, VIREO_DEV_WATCHDOG, "wd0", 0x500, 4, -1);
    VireoDeviceDesc *bad = hw_harness_add_desc(h, VIREO_DEV_WATCHDOG, "wd1", 0x666, 2, -1);
    VireoDeviceDesc *none = hw_harness_add_desc(h, VIREO_DEV_USB_CONTROLLER, "usb0", 0, 0, -1);
    g_autoptr(GError) err = NULL;
    gboolean unrealized = FALSE;
    VireoDevice *dev;

    g_type_ensure(test_dev_get_type());
    dev = hw_harness_create(h, ok);
    g_assert_true(vireo_device_get_desc(dev) == ok);
    g_assert_true(vireo_device_get_hw(dev)->bus == h->bus);
    hw_outb(h, 0x503, 7);
    g_assert_cmpuint(((TestDev *)dev)->rec.last_value, ==, 7);

    g_assert_null(vireo_device_create(&h->hw, bad, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_INTERNAL_ERROR);
    g_assert_null(vireo_bus_pio_owner(h->bus, 0x666));   /* cleaned up */
    g_clear_error(&err);

    g_assert_null(vireo_device_create(&h->hw, none, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "usb0"));

    test_dev_unrealized_flag = &unrealized;
    g_object_unref(dev);
    test_dev_unrealized_flag = NULL;
    g_assert_true(unrealized);
    g_assert_null(vireo_bus_pio_owner(h->bus, 0x500));
}

static void
test_types_init(void)
{
    /* Registering twice is harmless and the base type is abstract. */
    vireo_hw_types_init();
    vireo_hw_types_init();
    g_assert_true(G_TYPE_IS_ABSTRACT(VIREO_TYPE_DEVICE));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/bus/dispatch", test_bus_dispatch);
    g_test_add_func("/hw/bus/overlap", test_bus_overlap);
    g_test_add_func("/hw/bus/many-ranges", test_bus_many_ranges);
    g_test_add_func("/hw/bus/mmio", test_bus_mmio);
    g_test_add_func("/hw/bus/threads", test_bus_threads);
    g_test_add_func("/hw/device/lookup", test_device_lookup);
    g_test_add_func("/hw/device/create", test_device_create);
    g_test_add_func("/hw/device/types-init", test_types_init);
    return g_test_run();
}
