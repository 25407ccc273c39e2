/* Direct kernel boot: what every format shares (command line, initrd,
 * e820, RSDP, zero page, long-mode tables). The format loaders only place
 * the kernel and fill the setup header. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kvm/boot-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define RSDP_LEGACY_ADDR 0xe0000      /* in the 0xE0000-0xFFFFF scan window */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define PAGE_SIZE 4096ULL
#define FOUR_GIB (1ULL << 32)

void
vireo_boot_info_clear(VireoBootInfo *info)
{
    g_clear_pointer(&info->format, g_free);
    memset(info, 0, sizeof(*info));
}

GMappedFile *
vireo_boot_map_file(const char *path, const char *what, GError **error)
{
    g_autoptr(GError) local = NULL;
    GMappedFile *file = g_mapped_file_new(path, FALSE, &local);
    if (!file) {
        vireo_error_set(error, VIREO_ERR_NO_KERNEL, _("cannot read %s '%s': %s"),
                        _(what), path, local->message);
        return NULL;
    }
    return file;
}

gboolean
vireo_boot_copy(const VireoGuestMemory *gm, guint64 gpa, const void *data,
                gsize len, const char *what, GError **error)
{
    guint8 *hva = gm->gpa_to_hva(gm->opaque, gpa, len);
    if (!hva) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("%s at 0x%llx-0x%llx does not fit in guest RAM"),
                        _(what), (unsigned long long) gpa,
                        (unsigned long long) (gpa + len));
        return FALSE;
    }
    memcpy(hva, data, len);
    return TRUE;
}

guint64
vireo_boot_lowmem_end(const VireoMemoryDesc *mem)
{
    const guint64 one_mib = 1 << 20;
    for (guint i = 0; mem->e820 && i < mem->e820->len; i++) {
        const VireoE820Entry *e = &g_array_index(mem->e820, VireoE820Entry, i);
        if (e->type == VIREO_E820_RAM && e->addr <= one_mib &&
            e->addr + e->size > one_mib)
            return MIN(e->addr + e->size, FOUR_GIB);
    }
    return MIN(mem->below_4g, FOUR_GIB);
}

static gboolean
boot_write_cmdline(const VireoGuestMemory *gm, const VireoBootDesc *boot,
                   VireoBootLayout *layout, GError **error)
{
    const char *cmdline = boot->cmdline ? boot->cmdline : "";
    gsize len = strlen(cmdline);
    guint64 max = MIN(layout->cmdline_max, (guint64) VIREO_BOOT_CMDLINE_MAX - 1);
    if (len > max) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("kernel command line is %zu bytes long, the kernel accepts at most %llu"),
                        len, (unsigned long long) max);
        return FALSE;
    }
    if (!vireo_boot_copy(gm, VIREO_BOOT_CMDLINE_ADDR, cmdline, len + 1,
                         N_("kernel command line"), error))
        return FALSE;
    bp_put(layout->zero_page, HDR_CMD_LINE_PTR, 4, VIREO_BOOT_CMDLINE_ADDR);
    bp_put(layout->zero_page, BP_EXT_CMD_LINE_PTR, 4, 0);
    return TRUE;
}

static gboolean
boot_read_initrd(int fd, const char *path, guint8 *dst, gsize size,
                 GError **error)
{
    gsize done = 0;
    while (done < size) {
        ssize_t n = pread(fd, dst + done, size - done, done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vireo_error_set_errno(error, VIREO_ERR_READ_FAILED,
                                  n < 0 ? errno : EIO,
                                  _("cannot read initrd '%s'"), path);
            return FALSE;
        }
        done += n;
    }
    return TRUE;
}

/* The boot protocol: as high as possible, page aligned, below
 * initrd_addr_max and the end of low RAM, above the kernel. */
static gboolean
boot_load_initrd(const VireoGuestMemory *gm, const char *path,
                 VireoBootLayout *layout, VireoBootInfo *info, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_NO_KERNEL, errno,
                              _("cannot open initrd '%s'"), path);
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    guint64 size = st.st_size;
    guint64 top = MIN(layout->initrd_addr_max + 1, vireo_boot_lowmem_end(gm->mem));
    guint64 addr = size <= top ? (top - size) & ~(PAGE_SIZE - 1) : 0;
    if (size > top || addr < layout->kernel_end) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("initrd '%s' (%llu bytes) does not fit in guest RAM between the kernel end 0x%llx and 0x%llx"),
                        path, (unsigned long long) size,
                        (unsigned long long) layout->kernel_end,
                        (unsigned long long) top);
        close(fd);
        return FALSE;
    }
    guint8 *dst = gm->gpa_to_hva(gm->opaque, addr, size);
    gboolean ok = dst && boot_read_initrd(fd, path, dst, size, error);
    close(fd);
    if (!dst)
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("initrd '%s' does not fit in guest RAM"), path);
    if (!ok)
        return FALSE;
    bp_put(layout->zero_page, HDR_RAMDISK_IMAGE, 4, addr & 0xffffffff);
    bp_put(layout->zero_page, HDR_RAMDISK_SIZE, 4, size & 0xffffffff);
    bp_put(layout->zero_page, BP_EXT_RAMDISK_IMAGE, 4, addr >> 32);
    bp_put(layout->zero_page, BP_EXT_RAMDISK_SIZE, 4, size >> 32);
    info->initrd_addr = addr;
    info->initrd_size = size;
    return TRUE;
}

static void
boot_write_e820(const VireoMemoryDesc *mem, guint8 *zp)
{
    guint n = mem->e820 ? MIN(mem->e820->len, BP_E820_MAX) : 0;
    for (guint i = 0; i < n; i++) {
        const VireoE820Entry *e = &g_array_index(mem->e820, VireoE820Entry, i);
        gsize off = BP_E820_TABLE + i * 20;
        bp_put(zp, off, 8, e->addr);
        bp_put(zp, off + 8, 8, e->size);
        bp_put(zp, off + 16, 4, e->type);
    }
    zp[BP_E820_ENTRIES] = n;
}

/* acpi_rsdp_addr (protocol 2.14) for kernels that read it, and a copy in
 * the BIOS area for the ones (and other OSes) that scan 0xE0000-0xFFFFF. */
static gboolean
boot_publish_rsdp(const VireoGuestMemory *gm, guint64 rsdp_addr, guint8 *zp,
                  GError **error)
{
    if (!rsdp_addr)
        return TRUE;
    bp_put(zp, BP_ACPI_RSDP_ADDR, 8, rsdp_addr);
    if (rsdp_addr >= 0xe0000 && rsdp_addr < 0x100000)
        return TRUE;
    const guint8 *rsdp = gm->gpa_to_hva(gm->opaque, rsdp_addr, RSDP_V1_LEN);
    if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) != 0) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("no ACPI RSDP at 0x%llx"),
                        (unsigned long long) rsdp_addr);
        return FALSE;
    }
    gsize len = rsdp[15] >= 2 ? RSDP_V2_LEN : RSDP_V1_LEN;   /* revision */
    guint8 copy[RSDP_V2_LEN];
    memcpy(copy, gm->gpa_to_hva(gm->opaque, rsdp_addr, len), len);
    return vireo_boot_copy(gm, RSDP_LEGACY_ADDR, copy, len, "ACPI RSDP", error);
}

static gboolean
boot_load_kernel(const VireoGuestMemory *gm, const char *path,
                 VireoBootLayout *layout, VireoBootInfo *info, GError **error)
{
    g_autoptr(GMappedFile) file = vireo_boot_map_file(path, N_("kernel"), error);
    if (!file)
        return FALSE;
    const guint8 *img = (const guint8 *) g_mapped_file_get_contents(file);
    gsize size = g_mapped_file_get_length(file);
    if (size >= 4 && memcmp(img, "\177ELF", 4) == 0)
        return vireo_boot_load_elf(gm, path, img, size, layout, info, error);
    if (size >= HDR_MAGIC + 4 && memcmp(img + HDR_MAGIC, "HdrS", 4) == 0)
        return vireo_boot_load_bzimage(gm, path, img, size, layout, info, error);
    vireo_error_set(error, VIREO_ERR_NO_KERNEL,
                    _("kernel '%s' is neither a bzImage (no \"HdrS\" at 0x202) nor an ELF image"),
                    path);
    return FALSE;
}

gboolean
vireo_boot_load(const VireoGuestMemory *gm, const VireoBootDesc *boot,
                guint64 rsdp_addr, VireoBootInfo *info, GError **error)
{
    g_autofree guint8 *zero_page = g_malloc0(BP_SIZE);
    VireoBootLayout layout = { .zero_page = zero_page };
    vireo_boot_info_clear(info);
    if (!boot->kernel) {
        vireo_error_set(error, VIREO_ERR_NO_KERNEL, "%s",
                        _("vireo boots only a kernel given in <os><kernel>, and there is none"));
        return FALSE;
    }
    if (!boot_load_kernel(gm, boot->kernel, &layout, info, error) ||
        !boot_write_cmdline(gm, boot, &layout, error) ||
        (boot->initrd && !boot_load_initrd(gm, boot->initrd, &layout, info, error)) ||
        !boot_publish_rsdp(gm, rsdp_addr, zero_page, error))
        return FALSE;
    boot_write_e820(gm->mem, zero_page);
    info->entry.rsi = VIREO_BOOT_ZERO_PAGE_ADDR;
    return vireo_boot_copy(gm, VIREO_BOOT_ZERO_PAGE_ADDR, zero_page, BP_SIZE,
                           N_("zero page"), error) &&
           vireo_longmode_write_tables(gm, error);
}
