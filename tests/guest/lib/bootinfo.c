/* One view of what the loader handed us, whichever way we came in:
 * Linux boot_params (vireo) or PVH hvm_start_info (QEMU). Everything is
 * copied into `boot` at start, so later code (and the AP trampoline,
 * which lives in low memory) never depends on the loader's pages. */
#include "guest.h"

struct boot_info boot;

/* Linux boot_params ("zero page") offsets, Documentation/arch/x86/zero-page.rst */
#define BP_ACPI_RSDP_ADDR    0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES      0x1e8
#define BP_RAMDISK_IMAGE     0x218
#define BP_RAMDISK_SIZE      0x21c
#define BP_CMD_LINE_PTR      0x228
#define BP_E820_TABLE        0x2d0
#define BP_E820_MAX          128

/* PVH, xen/include/public/arch-x86/hvm/start_info.h */
#define HVM_START_MAGIC 0x336ec578
struct hvm_start_info {
    u32 magic, version, flags, nr_modules;
    u64 modlist_paddr, cmdline_paddr, rsdp_paddr;
    u64 memmap_paddr;               /* version >= 1 */
    u32 memmap_entries, reserved;
};
struct hvm_modlist_entry { u64 paddr, size, cmdline_paddr, reserved; };
struct hvm_memmap_entry { u64 addr, size; u32 type, reserved; };

static void copy_cmdline(const char *src)
{
    size_t n = 0;
    if (src) {
        while (src[n] && n < sizeof(boot.cmdline) - 1)
            n++;
        memcpy(boot.cmdline, src, n);
        boot.cmdline_truncated = src[n] != 0;
    }
    boot.cmdline[n] = 0;
    boot.cmdline_len = n;
}

static u32 rd32(const u8 *bp, unsigned off) { return *(const u32 *)(bp + off); }

static void init_linux(const u8 *bp)
{
    u64 cmd = rd32(bp, BP_CMD_LINE_PTR) | (u64)rd32(bp, BP_EXT_CMD_LINE_PTR) << 32;
    copy_cmdline(cmd ? (const char *)cmd : NULL);
    unsigned n = bp[BP_E820_ENTRIES];
    if (n > BP_E820_MAX)
        n = BP_E820_MAX;
    for (unsigned i = 0; i < n; i++) {
        const u8 *e = bp + BP_E820_TABLE + 20 * i;
        boot.e820[i].addr = *(const u64 *)e;
        boot.e820[i].size = *(const u64 *)(e + 8);
        boot.e820[i].type = *(const u32 *)(e + 16);
    }
    boot.n_e820 = n;
    boot.initrd_addr = rd32(bp, BP_RAMDISK_IMAGE) | (u64)rd32(bp, BP_EXT_RAMDISK_IMAGE) << 32;
    boot.initrd_size = rd32(bp, BP_RAMDISK_SIZE) | (u64)rd32(bp, BP_EXT_RAMDISK_SIZE) << 32;
    boot.rsdp = *(const u64 *)(bp + BP_ACPI_RSDP_ADDR);
}

static void init_pvh(const struct hvm_start_info *si)
{
    if (si->magic != HVM_START_MAGIC)
        return;
    copy_cmdline(si->cmdline_paddr ? (const char *)si->cmdline_paddr : NULL);
    if (si->version >= 1 && si->memmap_paddr) {
        const struct hvm_memmap_entry *m = (const void *)si->memmap_paddr;
        unsigned n = si->memmap_entries < E820_MAX ? si->memmap_entries : E820_MAX;
        for (unsigned i = 0; i < n; i++) {
            boot.e820[i].addr = m[i].addr;
            boot.e820[i].size = m[i].size;
            boot.e820[i].type = m[i].type;
        }
        boot.n_e820 = n;
    }
    if (si->nr_modules && si->modlist_paddr) {
        const struct hvm_modlist_entry *mod = (const void *)si->modlist_paddr;
        boot.initrd_addr = mod[0].paddr;
        boot.initrd_size = mod[0].size;
    }
    boot.rsdp = si->rsdp_paddr;
}

void bootinfo_init(void)
{
    boot.kind = boot_kind;
    if (!boot_info_ptr)
        return;
    if (boot_kind == BOOT_KIND_LINUX)
        init_linux((const u8 *)boot_info_ptr);
    else if (boot_kind == BOOT_KIND_PVH)
        init_pvh((const struct hvm_start_info *)boot_info_ptr);
}

const char *boot_kind_name(void)
{
    switch (boot.kind) {
    case BOOT_KIND_LINUX: return "linux-boot-params";
    case BOOT_KIND_PVH: return "pvh";
    default: return "unknown";
    }
}
