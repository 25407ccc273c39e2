/* vireo: guest RAM layout and the e820 table the guest sees.
 *
 * RAM is split around the PCI hole exactly where QEMU splits it for the
 * same machine type and size (machine class lowmem()); the e820 table is
 * the one SeaBIOS would hand to Linux, plus a reserved ACPI area at the top
 * of low RAM where vireo writes its tables. */
#include <config.h>
#include <string.h>
#include "machine/machine-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define FOUR_GIB (4 * GiB)
#define EBDA_START 0x9fc00ULL
#define HIGH_MEM_START 0x100000ULL
#define ACPI_AREA_SIZE (128 * 1024ULL)
#define IOAPIC_BASE 0xfec00000ULL
#define LAPIC_BASE 0xfee00000ULL
#define BIOS_HIGH_BASE 0xfffc0000ULL
#define Q35_ECAM_BASE 0xb0000000ULL
#define Q35_ECAM_SIZE (256 * MiB)
#define DEFAULT_RAM (128 * MiB)

static void
e820_add(GArray *e820, guint64 addr, guint64 size, VireoE820Type type)
{
    VireoE820Entry e = { addr, size, type };
    if (size)
        g_array_append_val(e820, e);
}

static int
e820_compare(gconstpointer a, gconstpointer b)
{
    const VireoE820Entry *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void
region_add(GArray *regions, guint64 gpa, guint64 size, guint64 offset)
{
    VireoRamRegion r = { gpa, size, offset };
    if (size)
        g_array_append_val(regions, r);
}

static gboolean
resolve_hugepages(const VireoDomainDef *def, const VireoHostCaps *host,
                  VireoMemoryDesc *mem, GError **error)
{
    const VireoMemoryBacking *mb = &def->mem_backing;
    mem->nosharepages = mb->nosharepages;
    if (!mb->hugepages)
        return TRUE;
    mem->hugepage_size = 2 * MiB;
    if (mb->pages && mb->pages->len) {
        const VireoHugepage *p = mb->pages->pdata[0];
        if (p->size_kib)
            mem->hugepage_size = p->size_kib * 1024;
    }
    if (mem->hugepage_size != 2 * MiB && mem->hugepage_size != GiB) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("hugepage size %llu KiB is not supported (2048 or 1048576)"),
                        (unsigned long long)(mem->hugepage_size / 1024));
        return FALSE;
    }
    if (host && !host->has_hugepages) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("hugepages are requested but the host has none available"));
        return FALSE;
    }
    return TRUE;
}

gboolean
vireo_memory_resolve(const VireoDomainDef *def, const VireoHostCaps *host,
                     VireoMachineClass *mc, VireoMemoryDesc *mem, GError **error)
{
    guint64 ram = def->memory_kib ? def->memory_kib * 1024 : DEFAULT_RAM;
    gboolean q35 = mc->family == VIREO_MACHINE_FAMILY_Q35;

    if (ram < 16 * MiB) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("memory size %llu KiB is too small (at least 16 MiB)"),
                        (unsigned long long)(ram / 1024));
        return FALSE;
    }
    mem->ram_bytes = ram;
    mem->below_4g = mc->lowmem(mc, ram);
    mem->above_4g = ram - mem->below_4g;
    mem->ecam_base = q35 ? Q35_ECAM_BASE : 0;
    mem->ecam_size = q35 ? Q35_ECAM_SIZE : 0;
    /* 32-bit PCI BARs go above low RAM, and on q35 above the ECAM window. */
    mem->pci_hole_start = q35 ? MAX(mem->below_4g, Q35_ECAM_BASE + Q35_ECAM_SIZE)
                              : mem->below_4g;
    mem->pci_hole_end = IOAPIC_BASE;
    mem->acpi_size = ACPI_AREA_SIZE;
    mem->acpi_base = mem->below_4g - ACPI_AREA_SIZE;
    if (!resolve_hugepages(def, host, mem, error))
        return FALSE;

    mem->regions = g_array_new(FALSE, TRUE, sizeof(VireoRamRegion));
    region_add(mem->regions, 0, mem->below_4g, 0);
    region_add(mem->regions, FOUR_GIB, mem->above_4g, mem->below_4g);

    mem->e820 = g_array_new(FALSE, TRUE, sizeof(VireoE820Entry));
    e820_add(mem->e820, 0, EBDA_START, VIREO_E820_RAM);
    e820_add(mem->e820, EBDA_START, HIGH_MEM_START - EBDA_START, VIREO_E820_RESERVED);
    e820_add(mem->e820, HIGH_MEM_START, mem->acpi_base - HIGH_MEM_START, VIREO_E820_RAM);
    e820_add(mem->e820, mem->acpi_base, mem->acpi_size, VIREO_E820_ACPI);
    if (q35)
        e820_add(mem->e820, mem->ecam_base, mem->ecam_size, VIREO_E820_RESERVED);
    e820_add(mem->e820, IOAPIC_BASE, 0x1000, VIREO_E820_RESERVED);
    e820_add(mem->e820, LAPIC_BASE, 0x1000, VIREO_E820_RESERVED);
    e820_add(mem->e820, BIOS_HIGH_BASE, FOUR_GIB - BIOS_HIGH_BASE, VIREO_E820_RESERVED);
    e820_add(mem->e820, FOUR_GIB, mem->above_4g, VIREO_E820_RAM);
    g_array_sort(mem->e820, e820_compare);
    return TRUE;
}

void
vireo_memory_desc_clear(VireoMemoryDesc *mem)
{
    if (mem->regions)
        g_array_unref(mem->regions);
    if (mem->e820)
        g_array_unref(mem->e820);
    memset(mem, 0, sizeof(*mem));
}
