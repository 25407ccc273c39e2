/* The Linux x86 boot protocol (Documentation/arch/x86/boot.rst), 64-bit
 * entry: the protected-mode kernel goes to its preferred address and vCPU 0
 * starts at load address + 0x200 in long mode with RSI = zero page. */
#include <config.h>
#include <string.h>
#include "kvm/boot-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define BZ_DEFAULT_LOAD_ADDR  0x100000
#define BZ_ENTRY64_OFFSET     0x200
#define BZ_HEAP_END           (0xfe00 - 0x200)   /* boot.rst's example value */
#define BZ_PROTOCOL_ENTRY64   0x020c             /* xloadflags since 2.12 */
#define HDR_SYSSIZE           0x1f4              /* u32, 16-byte paragraphs */

static gboolean
bz_check_header(const char *path, const guint8 *img, gsize size,
                gsize *hdr_end, GError **error)
{
    guint version = bp_get(img, HDR_VERSION, 2);
    *hdr_end = 0x202 + img[HDR_JUMP + 1];
    if (*hdr_end > size || *hdr_end < HDR_XLOADFLAGS + 2) {
        vireo_error_set(error, VIREO_ERR_NO_KERNEL,
                        _("bzImage '%s' is truncated: its setup header ends at 0x%zx, the file is %zu bytes"),
                        path, *hdr_end, size);
        return FALSE;
    }
    if (version < BZ_PROTOCOL_ENTRY64 ||
        !(bp_get(img, HDR_XLOADFLAGS, 2) & XLF_KERNEL_64)) {
        vireo_error_set(error, VIREO_ERR_NO_KERNEL,
                        _("bzImage '%s' (boot protocol %u.%02u) has no 64-bit entry point: vireo needs protocol 2.12 with XLF_KERNEL_64"),
                        path, version >> 8, version & 0xff);
        return FALSE;
    }
    if (!(img[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH)) {
        vireo_error_set(error, VIREO_ERR_NO_KERNEL,
                        _("'%s' is a zImage (loaded low), not a bzImage"), path);
        return FALSE;
    }
    return TRUE;
}

/* Where the protected-mode kernel starts in the file, and its length. */
static gboolean
bz_kernel_part(const char *path, const guint8 *img, gsize size,
               gsize *offset, gsize *len, GError **error)
{
    guint setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
    *offset = (gsize) (setup_sects + 1) * 512;
    guint64 syssize = bp_get(img, HDR_SYSSIZE, 4) * 16ULL;
    if (*offset >= size || syssize > size - *offset) {
        vireo_error_set(error, VIREO_ERR_NO_KERNEL,
                        _("bzImage '%s' is truncated: it needs %llu"
                          " bytes after %zu setup bytes, the file is %zu bytes"),
                        path, (unsigned long long) syssize, *offset, size);
        return FALSE;
    }
    *len = size - *offset;
    return TRUE;
}

static void
bz_fill_zero_page(guint8 *zp, const guint8 *img, gsize hdr_end, guint64 load)
{
    memcpy(zp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    bp_put(zp, HDR_VID_MODE, 2, VID_MODE_NORMAL);
    zp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
    zp[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
    bp_put(zp, HDR_HEAP_END_PTR, 2, BZ_HEAP_END);
    bp_put(zp, HDR_CODE32_START, 4, load);
}

gboolean
vireo_boot_load_bzimage(const VireoGuestMemory *gm, const char *path,
                        const guint8 *img, gsize size,
                        VireoBootLayout *layout, VireoBootInfo *info,
                        GError **error)
{
    gsize hdr_end, offset, len;
    if (!bz_check_header(path, img, size, &hdr_end, error) ||
        !bz_kernel_part(path, img, size, &offset, &len, error))
        return FALSE;
    guint version = bp_get(img, HDR_VERSION, 2);
    guint64 pref = version >= 0x020a ? bp_get(img, HDR_PREF_ADDRESS, 8) : 0;
    guint64 load = pref ? pref : BZ_DEFAULT_LOAD_ADDR;
    /* init_size: what the kernel needs from its load address while it
     * decompresses, which is more than the file. */
    guint64 need = MAX((guint64) len, bp_get(img, HDR_INIT_SIZE, 4));
    if (load + need > vireo_boot_lowmem_end(gm->mem) ||
        !gm->gpa_to_hva(gm->opaque, load, need)) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("kernel '%s' needs guest RAM 0x%llx-0x%llx, which the guest does not have"),
                        path, (unsigned long long) load,
                        (unsigned long long) (load + need));
        return FALSE;
    }
    if (!vireo_boot_copy(gm, load, img + offset, len, N_("kernel"), error))
        return FALSE;
    bz_fill_zero_page(layout->zero_page, img, hdr_end, load);
    layout->cmdline_max = bp_get(img, HDR_CMDLINE_SIZE, 4);
    layout->initrd_addr_max = bp_get(img, HDR_INITRD_ADDR_MAX, 4);
    layout->kernel_end = load + need;
    info->format = g_strdup("bzImage");
    info->protocol = version;
    info->kernel_start = load;
    info->kernel_end = load + need;
    info->entry.rip = load + BZ_ENTRY64_OFFSET;
    return TRUE;
}
