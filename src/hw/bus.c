/* vireo: the I/O bus. Port I/O and MMIO ranges are kept sorted by base so a
 * vCPU exit finds its handler by binary search. Registration happens while
 * the machine is built, dispatch on vCPU threads; a reader-writer lock keeps
 * a late registration (hotplug) from racing a dispatch without making the
 * common path take an exclusive lock. */
#include <config.h>
#include <string.h>
#include "hw/hw.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

typedef struct {
    guint64 base;
    guint64 len;
    VireoPioFn pio;
    VireoMmioFn mmio;
    void *opaque;
    char *owner;
} VireoBusRange;

struct _VireoBus {
    GRWLock lock;
    GArray *pio;                    /* VireoBusRange, sorted by base */
    GArray *mmio;                   /* VireoBusRange, sorted by base */
};

static void
vireo_bus_range_clear(gpointer p)
{
    VireoBusRange *r = p;
    g_free(r->owner);
}

static GArray *
vireo_bus_ranges_new(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(VireoBusRange));
    g_array_set_clear_func(a, vireo_bus_range_clear);
    return a;
}

VireoBus *
vireo_bus_new(void)
{
    VireoBus *bus = g_new0(VireoBus, 1);
    g_rw_lock_init(&bus->lock);
    bus->pio = vireo_bus_ranges_new();
    bus->mmio = vireo_bus_ranges_new();
    return bus;
}

void
vireo_bus_free(VireoBus *bus)
{
    if (!bus)
        return;
    g_array_unref(bus->pio);
    g_array_unref(bus->mmio);
    g_rw_lock_clear(&bus->lock);
    g_free(bus);
}

/* Index of the first range whose base is greater than addr. */
static guint
vireo_bus_upper_bound(GArray *ranges, guint64 addr)
{
    guint lo = 0, hi = ranges->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(ranges, VireoBusRange, mid).base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const VireoBusRange *
vireo_bus_find(GArray *ranges, guint64 addr)
{
    guint i = vireo_bus_upper_bound(ranges, addr);
    const VireoBusRange *r;
    if (i == 0)
        return NULL;
    r = &g_array_index(ranges, VireoBusRange, i - 1);
    return addr - r->base < r->len ? r : NULL;
}

static gboolean
vireo_bus_overlaps(const VireoBusRange *a, guint64 base, guint64 len)
{
    return base < a->base + a->len && a->base < base + len;
}

static gboolean
vireo_bus_insert(VireoBus *bus, GArray *ranges, VireoBusRange *range,
                 const char *space_untranslated, GError **error)
{
    g_autoptr(GRWLockWriterLocker) locker = g_rw_lock_writer_locker_new(&bus->lock);
    guint i = vireo_bus_upper_bound(ranges, range->base);
    /* Sorted and disjoint: only the neighbours can overlap the new range. */
    for (guint j = i > 0 ? i - 1 : 0; j < MIN(i + 1, ranges->len); j++) {
        const VireoBusRange *r = &g_array_index(ranges, VireoBusRange, j);
        if (vireo_bus_overlaps(r, range->base, range->len)) {
            vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                            _("%s range 0x%llx-0x%llx of '%s' overlaps 0x%llx-0x%llx of '%s'"),
                            _(space_untranslated), (unsigned long long)range->base,
                            (unsigned long long)(range->base + range->len - 1),
                            range->owner, (unsigned long long)r->base,
                            (unsigned long long)(r->base + r->len - 1), r->owner);
            g_free(range->owner);
            return FALSE;
        }
    }
    g_array_insert_val(ranges, i, *range);
    return TRUE;
}

gboolean
vireo_bus_register_pio(VireoBus *bus, guint16 base, guint16 len,
                       VireoPioFn fn, void *opaque,
                       const char *owner, GError **error)
{
    VireoBusRange r = { base, len, fn, NULL, opaque, g_strdup(owner) };
    if (len == 0 || (guint32)base + len > 0x10000) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("invalid I/O port range 0x%x+%u for '%s'"),
                        base, len, owner);
        g_free(r.owner);
        return FALSE;
    }
    /* Translated only for an error: no catalog lookup on the way to a
     * VMM's greeting (docs/design.md, "Fifth pass"). */
    return vireo_bus_insert(bus, bus->pio, &r, N_("I/O port"), error);
}

gboolean
vireo_bus_register_mmio(VireoBus *bus, guint64 base, guint64 len,
                        VireoMmioFn fn, void *opaque,
                        const char *owner, GError **error)
{
    VireoBusRange r = { base, len, NULL, fn, opaque, g_strdup(owner) };
    if (len == 0 || base + len < base) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("invalid MMIO range 0x%llx+0x%llx for '%s'"),
                        (unsigned long long)base, (unsigned long long)len, owner);
        g_free(r.owner);
        return FALSE;
    }
    return vireo_bus_insert(bus, bus->mmio, &r, N_("MMIO"), error);
}

static guint
vireo_bus_remove_from(GArray *ranges, void *opaque)
{
    guint removed = 0;
    for (guint i = ranges->len; i-- > 0;) {
        if (g_array_index(ranges, VireoBusRange, i).opaque == opaque) {
            g_array_remove_index(ranges, i);
            removed++;
        }
    }
    return removed;
}

guint
vireo_bus_unregister(VireoBus *bus, void *opaque)
{
    g_autoptr(GRWLockWriterLocker) locker = g_rw_lock_writer_locker_new(&bus->lock);
    return vireo_bus_remove_from(bus->pio, opaque) +
           vireo_bus_remove_from(bus->mmio, opaque);
}

gboolean
vireo_bus_pio(VireoBus *bus, guint16 port, guint8 *data, guint size,
              gboolean is_write)
{
    g_autoptr(GRWLockReaderLocker) locker = g_rw_lock_reader_locker_new(&bus->lock);
    const VireoBusRange *r = vireo_bus_find(bus->pio, port);
    if (!r) {
        if (!is_write)
            memset(data, 0xff, size);
        return FALSE;
    }
    r->pio(r->opaque, port, data, size, is_write);
    return TRUE;
}

gboolean
vireo_bus_mmio(VireoBus *bus, guint64 addr, guint8 *data, guint size,
               gboolean is_write)
{
    g_autoptr(GRWLockReaderLocker) locker = g_rw_lock_reader_locker_new(&bus->lock);
    const VireoBusRange *r = vireo_bus_find(bus->mmio, addr);
    if (!r) {
        if (!is_write)
            memset(data, 0xff, size);
        return FALSE;
    }
    r->mmio(r->opaque, addr, data, size, is_write);
    return TRUE;
}

const char *
vireo_bus_pio_owner(VireoBus *bus, guint16 port)
{
    g_autoptr(GRWLockReaderLocker) locker = g_rw_lock_reader_locker_new(&bus->lock);
    const VireoBusRange *r = vireo_bus_find(bus->pio, port);
    return r ? r->owner : NULL;
}
