/* Internal to the boot loaders: the zero page (struct boot_params) layout
 * from Documentation/arch/x86/zero-page.rst and boot.rst, by offset, so no
 * kernel header is needed. */
#pragma once
#include "kvm/kvm.h"

#define BP_SIZE              0x1000
#define BP_ACPI_RSDP_ADDR    0x070   /* u64, protocol 2.14 */
#define BP_EXT_RAMDISK_IMAGE 0x0c0   /* u32: bits 32..63 */
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES      0x1e8   /* u8 */
#define BP_E820_TABLE        0x2d0   /* 128 x { u64 addr, u64 size, u32 type } */
#define BP_E820_MAX          128

/* setup_header, at the same offsets in the bzImage file and the zero page */
#define HDR_SETUP_SECTS      0x1f1
#define HDR_VID_MODE         0x1fa
#define HDR_BOOT_FLAG        0x1fe   /* 0xaa55 */
#define HDR_JUMP             0x200   /* byte 0x201: header length - 0x202 */
#define HDR_MAGIC            0x202   /* "HdrS" */
#define HDR_VERSION          0x206
#define HDR_TYPE_OF_LOADER   0x210
#define HDR_LOADFLAGS        0x211
#define HDR_CODE32_START     0x214
#define HDR_RAMDISK_IMAGE    0x218
#define HDR_RAMDISK_SIZE     0x21c
#define HDR_HEAP_END_PTR     0x224
#define HDR_CMD_LINE_PTR     0x228
#define HDR_INITRD_ADDR_MAX  0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE      0x234
#define HDR_XLOADFLAGS       0x236
#define HDR_CMDLINE_SIZE     0x238
#define HDR_PREF_ADDRESS     0x258
#define HDR_INIT_SIZE        0x260

#define LOADFLAG_LOADED_HIGH  0x01
#define LOADFLAG_CAN_USE_HEAP 0x80
#define XLF_KERNEL_64         0x01
#define LOADER_TYPE_UNDEFINED 0xff   /* boot loader without an assigned ID */
#define VID_MODE_NORMAL       0xffff

/* Little-endian field access in a byte buffer. */
static inline guint64
bp_get(const guint8 *p, gsize off, guint bytes)
{
    guint64 v = 0;
    for (guint i = 0; i < bytes; i++)
        v |= (guint64) p[off + i] << (8 * i);
    return v;
}

static inline void
bp_put(guint8 *p, gsize off, guint bytes, guint64 v)
{
    for (guint i = 0; i < bytes; i++)
        p[off + i] = (guint8) (v >> (8 * i));
}

/* What a format loader decided, for the common code to finish. */
typedef struct {
    guint8 *zero_page;              /* BP_SIZE bytes, zeroed, header filled */
    guint64 cmdline_max;            /* bytes without the NUL */
    guint64 initrd_addr_max;        /* highest byte address allowed */
    guint64 kernel_end;             /* initrd must start at or above */
} VireoBootLayout;

/* In the two calls below, what is untranslated (N_()) and translated only
 * for an error, so a load that succeeds looks nothing up in the message
 * catalog. */

/* Reads the whole kernel; NULL with an error naming the file. */
GMappedFile *vireo_boot_map_file(const char *path, const char *what,
                                 GError **error);
/* Copies len bytes to guest-physical gpa; error when outside RAM. */
gboolean vireo_boot_copy(const VireoGuestMemory *gm, guint64 gpa,
                         const void *data, gsize len, const char *what,
                         GError **error);
/* Lowest end of RAM below 4 GiB the boot data may use (top of the e820 RAM
 * entry that contains 1 MiB). */
guint64 vireo_boot_lowmem_end(const VireoMemoryDesc *mem);

gboolean vireo_boot_load_bzimage(const VireoGuestMemory *gm, const char *path,
                                 const guint8 *img, gsize size,
                                 VireoBootLayout *layout, VireoBootInfo *info,
                                 GError **error);
gboolean vireo_boot_load_elf(const VireoGuestMemory *gm, const char *path,
                             const guint8 *img, gsize size,
                             VireoBootLayout *layout, VireoBootInfo *info,
                             GError **error);
