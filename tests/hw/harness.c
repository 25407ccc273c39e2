/* vireo tests: the recording VireoHwContext (see harness.h). */
#include <config.h>
#include <string.h>
#include "harness.h"
#include "conf/domain_conf.h"

/* The platform (SCI, PM ports, reset register) is src/machine's, resolved
 * from the smallest ACPI domain, so the device tests follow the machine
 * the runtime really builds instead of a copy of its constants. */
static void
harness_resolve_platform(VireoPlatformDesc *p)
{
    static const char xml[] =
        "<domain type='kvm'><name>harness</name><memory unit='MiB'>128</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<features><acpi/><apic/></features></domain>";
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_string(xml, NULL, VIREO_DOMAIN_PARSE_NONE, &err);
    g_assert_no_error(err);
    g_autoptr(VireoMachineDesc) desc = vireo_machine_resolve(def, NULL, &err);
    g_assert_no_error(err);
    *p = desc->platform;
}

static void
harness_set_irq(void *opaque, guint gsi, gboolean level)
{
    HwHarness *h = opaque;
    g_assert_cmpuint(gsi, <, HW_HARNESS_GSIS);
    g_mutex_lock(&h->lock);
    if (level && !h->irq[gsi])
        h->raises[gsi]++;
    h->irq[gsi] = level;
    g_mutex_unlock(&h->lock);
}

static void
harness_signal_msi(void *opaque, guint64 addr, guint32 data)
{
    HwHarness *h = opaque;
    HwMsi m = { addr, data };
    g_mutex_lock(&h->lock);
    g_array_append_val(h->msis, m);
    g_mutex_unlock(&h->lock);
}

static void
harness_set_msi_route(void *opaque, guint gsi, guint64 addr, guint32 data)
{
    HwHarness *h = opaque;
    g_assert_cmpuint(gsi, <, HW_HARNESS_GSIS);
    g_mutex_lock(&h->lock);
    h->route_addr[gsi] = addr;
    h->route_data[gsi] = data;
    h->route_updates++;
    g_mutex_unlock(&h->lock);
}

static void
harness_extint_notify(void *opaque)
{
    HwHarness *h = opaque;
    g_mutex_lock(&h->lock);
    h->extint_notifies++;
    g_mutex_unlock(&h->lock);
}

static void
harness_request(void *opaque, VireoVmRequest req)
{
    HwHarness *h = opaque;
    g_mutex_lock(&h->lock);
    g_array_append_val(h->requests, req);
    g_mutex_unlock(&h->lock);
}

static guint8 *
harness_gpa_to_hva(void *opaque, guint64 gpa, guint64 len)
{
    HwHarness *h = opaque;
    if (gpa > h->ram_size || len > h->ram_size - gpa)
        return NULL;
    return h->ram + gpa;
}

static void
harness_device_desc_free(gpointer p)
{
    VireoDeviceDesc *d = p;
    g_free(d->id);
    g_free(d->model);
    if (d->chardev) {
        g_free(d->chardev->path);
        g_free(d->chardev->log_file);
        g_free(d->chardev);
    }
    g_free(d);
}

static void
harness_vcpu_free(gpointer p)
{
    VireoVcpuDesc *v = p;
    if (v->cpuid)
        g_array_unref(v->cpuid);
    g_free(v);
}

HwHarness *
hw_harness_new(void)
{
    HwHarness *h = g_new0(HwHarness, 1);
    VireoPlatformDesc *p = &h->desc.platform;

    g_mutex_init(&h->lock);
    h->bus = vireo_bus_new();
    h->ctx = g_main_context_new();
    h->requests = g_array_new(FALSE, FALSE, sizeof(VireoVmRequest));
    h->msis = g_array_new(FALSE, FALSE, sizeof(HwMsi));
    h->desc.name = g_strdup("harness");
    h->desc.devices = g_ptr_array_new_with_free_func(harness_device_desc_free);
    h->desc.cpu.vcpus = g_ptr_array_new_with_free_func(harness_vcpu_free);
    h->desc.mem.ram_bytes = 128 << 20;
    h->desc.mem.below_4g = 128 << 20;
    h->desc.mem.acpi_base = 0x7ff0000;
    h->desc.mem.acpi_size = 0x10000;
    harness_resolve_platform(p);
    h->desc.clock.offset = VIREO_CLOCK_OFFSET_UTC;

    h->hw.bus = h->bus;
    h->hw.desc = &h->desc;
    h->hw.main_context = h->ctx;
    h->hw.set_irq = harness_set_irq;
    h->hw.request = harness_request;
    h->hw.gpa_to_hva = harness_gpa_to_hva;
    h->hw.signal_msi = harness_signal_msi;
    h->hw.set_msi_route = harness_set_msi_route;
    h->hw.extint_notify = harness_extint_notify;
    h->hw.opaque = h;
    hw_harness_set_vcpus(h, 1, 1, (const guint32[]){ 0 });
    return h;
}

void
hw_harness_free(HwHarness *h)
{
    g_ptr_array_unref(h->desc.devices);
    g_ptr_array_unref(h->desc.cpu.vcpus);
    g_free(h->desc.name);
    g_free(h->desc.clock.timezone);
    g_array_unref(h->requests);
    g_array_unref(h->msis);
    vireo_bus_free(h->bus);
    g_main_context_unref(h->ctx);
    g_free(h->ram);
    g_mutex_clear(&h->lock);
    g_free(h);
}

void
hw_harness_set_vcpus(HwHarness *h, guint n, guint n_present,
                     const guint32 *apic_ids)
{
    g_ptr_array_set_size(h->desc.cpu.vcpus, 0);
    for (guint i = 0; i < n; i++) {
        VireoVcpuDesc *v = g_new0(VireoVcpuDesc, 1);
        v->index = i;
        v->apic_id = apic_ids[i];
        v->present = i < n_present;
        g_ptr_array_add(h->desc.cpu.vcpus, v);
    }
    h->desc.cpu.max_vcpus = n;
    h->desc.cpu.current_vcpus = n_present;
}

VireoDeviceDesc *
hw_harness_add_desc(HwHarness *h, VireoDeviceKind kind, const char *id,
                    guint16 io_base, guint16 io_len, int gsi)
{
    VireoDeviceDesc *d = g_new0(VireoDeviceDesc, 1);
    d->kind = kind;
    d->id = g_strdup(id);
    d->io_base = io_base;
    d->io_len = io_len;
    d->gsi = gsi;
    g_ptr_array_add(h->desc.devices, d);
    return d;
}

VireoDevice *
hw_harness_create(HwHarness *h, const VireoDeviceDesc *desc)
{
    g_autoptr(GError) err = NULL;
    VireoDevice *dev = vireo_device_create(&h->hw, desc, &err);
    g_assert_no_error(err);
    g_assert_nonnull(dev);
    return dev;
}

gboolean
hw_irq(HwHarness *h, guint gsi)
{
    gboolean v;
    g_mutex_lock(&h->lock);
    v = h->irq[gsi];
    g_mutex_unlock(&h->lock);
    return v;
}

guint
hw_msi_count(HwHarness *h)
{
    guint n;
    g_mutex_lock(&h->lock);
    n = h->msis->len;
    g_mutex_unlock(&h->lock);
    return n;
}

HwMsi
hw_msi(HwHarness *h, guint i)
{
    HwMsi m;
    g_mutex_lock(&h->lock);
    g_assert_cmpuint(i, <, h->msis->len);
    m = g_array_index(h->msis, HwMsi, i);
    g_mutex_unlock(&h->lock);
    return m;
}

void
hw_mmio_write32(HwHarness *h, guint64 addr, guint32 v)
{
    guint8 b[4] = { v, v >> 8, v >> 16, v >> 24 };
    g_assert_true(vireo_bus_mmio(h->bus, addr, b, 4, TRUE));
}

guint32
hw_mmio_read32(HwHarness *h, guint64 addr)
{
    guint8 b[4] = { 0 };
    g_assert_true(vireo_bus_mmio(h->bus, addr, b, 4, FALSE));
    return b[0] | b[1] << 8 | b[2] << 16 | (guint32) b[3] << 24;
}

guint
hw_raises(HwHarness *h, guint gsi)
{
    guint v;
    g_mutex_lock(&h->lock);
    v = h->raises[gsi];
    g_mutex_unlock(&h->lock);
    return v;
}

guint
hw_request_count(HwHarness *h, VireoVmRequest req)
{
    guint n = 0;
    g_mutex_lock(&h->lock);
    for (guint i = 0; i < h->requests->len; i++)
        n += g_array_index(h->requests, VireoVmRequest, i) == req;
    g_mutex_unlock(&h->lock);
    return n;
}

static guint32
hw_in(HwHarness *h, guint16 port, guint size)
{
    guint8 b[4] = { 0 };
    vireo_bus_pio(h->bus, port, b, size, FALSE);
    return b[0] | b[1] << 8 | b[2] << 16 | (guint32)b[3] << 24;
}

static void
hw_out(HwHarness *h, guint16 port, guint32 v, guint size)
{
    guint8 b[4] = { v, v >> 8, v >> 16, v >> 24 };
    vireo_bus_pio(h->bus, port, b, size, TRUE);
}

void hw_outb(HwHarness *h, guint16 port, guint8 v) { hw_out(h, port, v, 1); }
guint8 hw_inb(HwHarness *h, guint16 port) { return hw_in(h, port, 1); }
void hw_outw(HwHarness *h, guint16 port, guint16 v) { hw_out(h, port, v, 2); }
guint16 hw_inw(HwHarness *h, guint16 port) { return hw_in(h, port, 2); }
void hw_outl(HwHarness *h, guint16 port, guint32 v) { hw_out(h, port, v, 4); }
guint32 hw_inl(HwHarness *h, guint16 port) { return hw_in(h, port, 4); }

gboolean
hw_iterate_until(HwHarness *h, gboolean (*cond)(void *), void *data,
                 guint timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (!cond(data)) {
        if (g_get_monotonic_time() > end)
            return FALSE;
        /* Non-blocking so the deadline is honoured even with no sources. */
        if (!g_main_context_iteration(h->ctx, FALSE))
            g_usleep(1000);
    }
    return TRUE;
}
