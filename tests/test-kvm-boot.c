/* Boot loaders (src/kvm/boot*.c) on a plain buffer standing in for guest
 * RAM: crafted bzImages and ELF images, the zero page they produce, and
 * every malformed input failing before anything runs. Needs no /dev/kvm. */
#include <config.h>
#include <elf.h>
#include <string.h>
#include <glib/gstdio.h>
#include "kvm/kvm.h"
#include "util/vireo-error.h"

#define RAM_SIZE (64ULL << 20)
#define PREF_ADDR 0x1000000ULL
#define PAYLOAD 8192

typedef struct {
    guint8 *ram;
    guint64 size;
    VireoMemoryDesc mem;
    VireoGuestMemory gm;
    char *dir;
} Guest;

static guint8 *
buf_gpa_to_hva(void *opaque, guint64 gpa, guint64 len)
{
    Guest *g = opaque;
    if (gpa > g->size || len > g->size - gpa)
        return NULL;
    return g->ram + gpa;
}

static void
add_e820(Guest *g, guint64 addr, guint64 size, VireoE820Type type)
{
    VireoE820Entry e = { addr, size, type };
    g_array_append_val(g->mem.e820, e);
}

static void
guest_init(Guest *g, guint64 size)
{
    memset(g, 0, sizeof(*g));
    g->size = size;
    g->ram = g_malloc0(size);
    g->mem.ram_bytes = g->mem.below_4g = size;
    g->mem.regions = g_array_new(FALSE, TRUE, sizeof(VireoRamRegion));
    VireoRamRegion r = { 0, size, 0 };
    g_array_append_val(g->mem.regions, r);
    g->mem.e820 = g_array_new(FALSE, TRUE, sizeof(VireoE820Entry));
    add_e820(g, 0, 0x9fc00, VIREO_E820_RAM);
    add_e820(g, 0x9fc00, 0x400, VIREO_E820_RESERVED);
    add_e820(g, 0xf0000, 0x10000, VIREO_E820_RESERVED);
    add_e820(g, 0x100000, size - 0x100000, VIREO_E820_RAM);
    g->gm.gpa_to_hva = buf_gpa_to_hva;
    g->gm.opaque = g;
    g->gm.mem = &g->mem;
    g->dir = g_dir_make_tmp("vireo-boot-XXXXXX", NULL);
    g_assert_nonnull(g->dir);
}

static void
guest_clear(Guest *g)
{
    g_autoptr(GDir) d = g_dir_open(g->dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(g->dir, name, NULL);
        g_unlink(p);
    }
    g_rmdir(g->dir);
    g_free(g->dir);
    g_array_unref(g->mem.regions);
    g_array_unref(g->mem.e820);
    g_free(g->ram);
}

static char *
guest_file(Guest *g, const char *name, const void *data, gsize len)
{
    char *path = g_build_filename(g->dir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

static guint64
rd(const guint8 *p, gsize off, guint n)
{
    guint64 v = 0;
    for (guint i = 0; i < n; i++)
        v |= (guint64) p[off + i] << (8 * i);
    return v;
}

static void
wr(guint8 *p, gsize off, guint n, guint64 v)
{
    for (guint i = 0; i < n; i++)
        p[off + i] = v >> (8 * i);
}

/* A bzImage as a 2.15 kernel's header describes itself: 1 setup sector
 * after the boot sector, then PAYLOAD bytes of "kernel". */
static GByteArray *
make_bzimage(guint version, gboolean kernel64)
{
    GByteArray *img = g_byte_array_sized_new(1024 + PAYLOAD);
    g_byte_array_set_size(img, 1024 + PAYLOAD);
    guint8 *p = img->data;
    memset(p, 0, img->len);
    p[0x1f1] = 1;                               /* setup_sects */
    wr(p, 0x1f4, 4, PAYLOAD / 16);              /* syssize */
    wr(p, 0x1fe, 2, 0xaa55);
    p[0x200] = 0xeb;
    p[0x201] = 0x66;                            /* header ends at 0x268 */
    memcpy(p + 0x202, "HdrS", 4);
    wr(p, 0x206, 2, version);
    p[0x211] = 0x01;                            /* LOADED_HIGH */
    wr(p, 0x22c, 4, 0x7fffffff);                /* initrd_addr_max */
    wr(p, 0x230, 4, 0x200000);                  /* kernel_alignment */
    p[0x234] = 1;                               /* relocatable */
    wr(p, 0x236, 2, kernel64 ? 0x1 : 0);        /* xloadflags */
    wr(p, 0x238, 4, 2047);                      /* cmdline_size */
    wr(p, 0x258, 8, PREF_ADDR);                 /* pref_address */
    wr(p, 0x260, 4, 0x400000);                  /* init_size */
    for (guint i = 0; i < PAYLOAD; i++)
        p[1024 + i] = (guint8) (i * 7 + 1);
    return img;
}

static gboolean
load(Guest *g, const char *kernel, const char *initrd, const char *cmdline,
     guint64 rsdp, VireoBootInfo *info, GError **error)
{
    VireoBootDesc boot = { .kernel = (char *) kernel, .initrd = (char *) initrd,
                           .cmdline = (char *) cmdline };
    return vireo_boot_load(&g->gm, &boot, rsdp, info, error);
}

static void
write_rsdp(Guest *g, guint64 addr)
{
    guint8 *r = g->ram + addr;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "VIREO ", 6);
    r[15] = 2;                                  /* ACPI 2.0+: 36 bytes */
    wr(r, 20, 4, 36);
    r[35] = 0x5a;                               /* last byte, to check the copy */
}

static void
test_bzimage(void)
{
    Guest g;
    guest_init(&g, RAM_SIZE);
    g_autoptr(GByteArray) img = make_bzimage(0x020f, TRUE);
    g_autofree char *kernel = guest_file(&g, "bzImage", img->data, img->len);
    guint8 initrd_data[10000];
    for (guint i = 0; i < sizeof(initrd_data); i++)
        initrd_data[i] = (guint8) (i ^ 0x5a);
    g_autofree char *initrd = guest_file(&g, "initrd", initrd_data, sizeof(initrd_data));
    guint64 rsdp = RAM_SIZE - 0x10000;
    write_rsdp(&g, rsdp);
    VireoBootInfo info = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_true(load(&g, kernel, initrd, "console=ttyS0 quiet", rsdp, &info, &err));
    g_assert_no_error(err);

    g_assert_cmpstr(info.format, ==, "bzImage");
    g_assert_cmphex(info.protocol, ==, 0x020f);
    g_assert_cmphex(info.entry.rip, ==, PREF_ADDR + 0x200);
    g_assert_cmphex(info.entry.rsi, ==, VIREO_BOOT_ZERO_PAGE_ADDR);
    g_assert_cmpmem(g.ram + PREF_ADDR, PAYLOAD, img->data + 1024, PAYLOAD);

    const guint8 *zp = g.ram + VIREO_BOOT_ZERO_PAGE_ADDR;
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    g_assert_cmphex(rd(zp, 0x206, 2), ==, 0x020f);
    g_assert_cmphex(zp[0x210], ==, 0xff);                 /* type_of_loader */
    g_assert_cmphex(zp[0x211] & 0x81, ==, 0x81);          /* LOADED_HIGH|CAN_USE_HEAP */
    g_assert_cmphex(rd(zp, 0x224, 2), ==, 0xfe00 - 0x200);
    g_assert_cmphex(rd(zp, 0x1fa, 2), ==, 0xffff);        /* vid_mode */
    g_assert_cmphex(rd(zp, 0x228, 4), ==, VIREO_BOOT_CMDLINE_ADDR);
    g_assert_cmpstr((const char *) g.ram + VIREO_BOOT_CMDLINE_ADDR, ==, "console=ttyS0 quiet");

    /* initrd: highest page-aligned address below the end of RAM. */
    guint64 initrd_addr = (RAM_SIZE - sizeof(initrd_data)) & ~0xfffULL;
    g_assert_cmphex(rd(zp, 0x218, 4), ==, initrd_addr);
    g_assert_cmpuint(rd(zp, 0x21c, 4), ==, sizeof(initrd_data));
    g_assert_cmpmem(g.ram + initrd_addr, sizeof(initrd_data), initrd_data, sizeof(initrd_data));
    g_assert_cmphex(info.initrd_addr, ==, initrd_addr);

    /* e820 exactly as described */
    g_assert_cmpuint(zp[0x1e8], ==, g.mem.e820->len);
    for (guint i = 0; i < g.mem.e820->len; i++) {
        VireoE820Entry *e = &g_array_index(g.mem.e820, VireoE820Entry, i);
        g_assert_cmphex(rd(zp, 0x2d0 + 20 * i, 8), ==, e->addr);
        g_assert_cmphex(rd(zp, 0x2d0 + 20 * i + 8, 8), ==, e->size);
        g_assert_cmpuint(rd(zp, 0x2d0 + 20 * i + 16, 4), ==, e->type);
    }
    /* RSDP: pointer in the zero page and a copy for the legacy scan */
    g_assert_cmphex(rd(zp, 0x070, 8), ==, rsdp);
    g_assert_cmpmem(g.ram + 0xe0000, 36, g.ram + rsdp, 36);

    /* long-mode tables: PML4[0] -> PDPT, first PD maps 0 as a 2 MiB page */
    g_assert_cmphex(rd(g.ram, VIREO_BOOT_PML4_ADDR, 8), ==, VIREO_BOOT_PDPT_ADDR | 3);
    g_assert_cmphex(rd(g.ram, VIREO_BOOT_PD_ADDR, 8), ==, 0x83);
    g_assert_cmphex(rd(g.ram, VIREO_BOOT_PD_ADDR + 8 * 2047, 8), ==, (2047ULL << 21) | 0x83);
    vireo_boot_info_clear(&info);
    guest_clear(&g);
}

/* Every bad image fails with an error that says what is wrong. */
static void
expect_failure(Guest *g, const char *kernel, const char *initrd,
               const char *cmdline, int code, const char *needle)
{
    VireoBootInfo info = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_false(load(g, kernel, initrd, cmdline, 0, &info, &err));
    g_assert_nonnull(err);
    g_test_message("%s", err->message);
    g_assert_error(err, VIREO_ERROR, code);
    g_assert_nonnull(strstr(err->message, needle));
    vireo_boot_info_clear(&info);
}

static void
test_bzimage_errors(void)
{
    Guest g;
    guest_init(&g, RAM_SIZE);
    g_autoptr(GByteArray) good = make_bzimage(0x020f, TRUE);
    g_autofree char *kernel = guest_file(&g, "good", good->data, good->len);

    g_autofree char *missing = g_build_filename(g.dir, "missing", NULL);
    expect_failure(&g, missing, NULL, "", VIREO_ERR_NO_KERNEL, "cannot read kernel");
    expect_failure(&g, kernel, missing, "", VIREO_ERR_NO_KERNEL, "cannot open initrd");

    g_autoptr(GByteArray) magic = make_bzimage(0x020f, TRUE);
    memcpy(magic->data + 0x202, "HdrX", 4);
    g_autofree char *bad_magic = guest_file(&g, "magic", magic->data, magic->len);
    expect_failure(&g, bad_magic, NULL, "", VIREO_ERR_NO_KERNEL, "neither a bzImage");

    g_autofree char *truncated = guest_file(&g, "truncated", good->data, good->len - 100);
    expect_failure(&g, truncated, NULL, "", VIREO_ERR_NO_KERNEL, "truncated");
    g_autofree char *header_only = guest_file(&g, "header", good->data, 0x230);
    expect_failure(&g, header_only, NULL, "", VIREO_ERR_NO_KERNEL, "truncated");

    g_autoptr(GByteArray) old = make_bzimage(0x0206, FALSE);
    g_autofree char *old_kernel = guest_file(&g, "old", old->data, old->len);
    expect_failure(&g, old_kernel, NULL, "", VIREO_ERR_NO_KERNEL, "2.06");

    g_autofree char *long_cmdline = g_strnfill(3000, 'x');
    expect_failure(&g, kernel, NULL, long_cmdline, VIREO_ERR_CONFIG_UNSUPPORTED, "2047");

    /* 60 MiB initrd cannot sit above a kernel at 16 MiB + 4 MiB in 64 MiB. */
    g_autofree guint8 *big = g_malloc0(60 << 20);
    g_autofree char *big_initrd = guest_file(&g, "big", big, 60 << 20);
    expect_failure(&g, kernel, big_initrd, "", VIREO_ERR_CONFIG_UNSUPPORTED, "does not fit");
    guest_clear(&g);

    /* 16 MiB of RAM: the kernel's preferred address is past the end. */
    guest_init(&g, 16 << 20);
    g_autofree char *k2 = guest_file(&g, "good", good->data, good->len);
    expect_failure(&g, k2, NULL, "", VIREO_ERR_CONFIG_UNSUPPORTED, "guest RAM");
    VireoBootDesc none = { 0 };
    VireoBootInfo info = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_false(vireo_boot_load(&g.gm, &none, 0, &info, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_NO_KERNEL);
    guest_clear(&g);
}

/* An ELF64 executable: one text segment with file bytes, one bss-only
 * segment, and optionally a PT_NOTE with Xen's PHYS32_ENTRY. */
typedef struct {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[3];
    struct { Elf64_Nhdr nh; char name[4]; guint32 entry; } note;
    guint8 text[256];
} TestElf;

static void
make_elf(TestElf *e, gboolean pvh_note)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
    e->eh.e_ident[EI_CLASS] = ELFCLASS64;
    e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e->eh.e_ident[EI_VERSION] = EV_CURRENT;
    e->eh.e_type = ET_EXEC;
    e->eh.e_machine = EM_X86_64;
    e->eh.e_version = EV_CURRENT;
    e->eh.e_entry = 0x100010;
    e->eh.e_phoff = offsetof(TestElf, ph);
    e->eh.e_ehsize = sizeof(Elf64_Ehdr);
    e->eh.e_phentsize = sizeof(Elf64_Phdr);
    e->eh.e_phnum = pvh_note ? 3 : 2;
    e->ph[0] = (Elf64_Phdr) { .p_type = PT_LOAD, .p_offset = offsetof(TestElf, text),
                              .p_paddr = 0x100000, .p_vaddr = 0x100000,
                              .p_filesz = sizeof(e->text), .p_memsz = sizeof(e->text) };
    e->ph[1] = (Elf64_Phdr) { .p_type = PT_LOAD, .p_paddr = 0x200000,
                              .p_vaddr = 0x200000, .p_memsz = 0x3000 };
    e->ph[2] = (Elf64_Phdr) { .p_type = PT_NOTE, .p_offset = offsetof(TestElf, note),
                              .p_filesz = sizeof(e->note) };
    e->note.nh = (Elf64_Nhdr) { .n_namesz = 4, .n_descsz = 4, .n_type = 18 };
    memcpy(e->note.name, "Xen", 4);
    e->note.entry = 0x100040;
    for (guint i = 0; i < sizeof(e->text); i++)
        e->text[i] = (guint8) (0x90 + i);
}

static void
test_elf(void)
{
    Guest g;
    guest_init(&g, RAM_SIZE);
    TestElf e;
    make_elf(&e, TRUE);
    g_autofree char *kernel = guest_file(&g, "guest.elf", &e, sizeof(e));
    memset(g.ram + 0x200000, 0xcc, 0x3000);   /* bss must come back zeroed */
    VireoBootInfo info = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_true(load(&g, kernel, NULL, "vireo.test=1", 0, &info, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(info.format, ==, "ELF64");
    g_assert_cmphex(info.entry.rip, ==, 0x100010);
    g_assert_cmphex(info.entry.rsi, ==, VIREO_BOOT_ZERO_PAGE_ADDR);
    g_assert_true(info.has_pvh_entry);
    g_assert_cmphex(info.pvh_entry, ==, 0x100040);
    g_assert_cmpmem(g.ram + 0x100000, sizeof(e.text), e.text, sizeof(e.text));
    for (guint i = 0; i < 0x3000; i++)
        g_assert_cmpuint(g.ram[0x200000 + i], ==, 0);
    const guint8 *zp = g.ram + VIREO_BOOT_ZERO_PAGE_ADDR;
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    g_assert_cmphex(rd(zp, 0x228, 4), ==, VIREO_BOOT_CMDLINE_ADDR);
    g_assert_cmpstr((const char *) g.ram + VIREO_BOOT_CMDLINE_ADDR, ==, "vireo.test=1");
    g_assert_cmpuint(zp[0x1e8], ==, 4);
    g_assert_cmphex(rd(zp, 0x070, 8), ==, 0);             /* no ACPI given */
    vireo_boot_info_clear(&info);

    make_elf(&e, FALSE);
    g_autofree char *plain = guest_file(&g, "plain.elf", &e, sizeof(e));
    g_assert_true(load(&g, plain, NULL, NULL, 0, &info, &err));
    g_assert_false(info.has_pvh_entry);
    vireo_boot_info_clear(&info);
    guest_clear(&g);
}

/* A loader may skip zeroing a BSS that gm->is_zero vouches for, and only
 * that: a poisoned range stays as it was when is_zero says "zero" (proof
 * the memset was skipped), is zeroed when is_zero is absent or says no,
 * and is zeroed when an earlier segment of the same image overlaps it. */
static gboolean bss_claim_zero;

static gboolean
buf_is_zero(void *opaque, guint64 gpa, guint64 len)
{
    (void) opaque; (void) gpa; (void) len;
    return bss_claim_zero;
}

static gboolean
bss_poisoned_after_load(Guest *g, TestElf *e, gboolean have_is_zero, gboolean claim)
{
    g->gm.is_zero = have_is_zero ? buf_is_zero : NULL;
    bss_claim_zero = claim;
    g_autofree char *kernel = guest_file(g, "bss.elf", e, sizeof(*e));
    memset(g->ram + 0x200000, 0xaa, 0x3000);
    VireoBootInfo info = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_true(load(g, kernel, NULL, NULL, 0, &info, &err));
    g_assert_no_error(err);
    vireo_boot_info_clear(&info);
    gboolean poisoned = TRUE, zero = TRUE;
    for (guint i = 0; i < 0x3000; i++) {
        poisoned = poisoned && g->ram[0x200000 + i] == 0xaa;
        zero = zero && g->ram[0x200000 + i] == 0;
    }
    g_assert_true(poisoned || zero);
    return poisoned;
}

static void
test_elf_bss_known_zero(void)
{
    Guest g;
    guest_init(&g, RAM_SIZE);
    TestElf e;
    make_elf(&e, FALSE);
    g_assert_true(bss_poisoned_after_load(&g, &e, TRUE, TRUE));     /* skipped */
    g_assert_false(bss_poisoned_after_load(&g, &e, TRUE, FALSE));   /* zeroed */
    g_assert_false(bss_poisoned_after_load(&g, &e, FALSE, FALSE));  /* zeroed */
    /* The text segment now also covers the BSS's first page: what it
     * wrote there is not "fresh", so the BSS is zeroed even though
     * is_zero says otherwise. */
    e.ph[0].p_memsz = 0x101000 + sizeof(e.text);
    g_assert_false(bss_poisoned_after_load(&g, &e, TRUE, TRUE));
    guest_clear(&g);
}

static void
test_elf_errors(void)
{
    Guest g;
    guest_init(&g, RAM_SIZE);
    TestElf e;

    make_elf(&e, FALSE);
    e.eh.e_ident[EI_CLASS] = ELFCLASS32;
    g_autofree char *elf32 = guest_file(&g, "elf32", &e, sizeof(e));
    expect_failure(&g, elf32, NULL, "", VIREO_ERR_NO_KERNEL, "32-bit ELF");

    make_elf(&e, FALSE);
    e.eh.e_machine = EM_AARCH64;
    g_autofree char *arm = guest_file(&g, "arm", &e, sizeof(e));
    expect_failure(&g, arm, NULL, "", VIREO_ERR_NO_KERNEL, "not an x86-64");

    make_elf(&e, FALSE);
    g_autofree char *cut = guest_file(&g, "cut", &e, offsetof(TestElf, text) + 16);
    expect_failure(&g, cut, NULL, "", VIREO_ERR_NO_KERNEL, "truncated");
    g_autofree char *no_phdrs = guest_file(&g, "nophdrs", &e, sizeof(Elf64_Ehdr) + 8);
    expect_failure(&g, no_phdrs, NULL, "", VIREO_ERR_NO_KERNEL, "program headers");

    make_elf(&e, FALSE);
    e.ph[1].p_paddr = RAM_SIZE - 0x1000;                  /* bss runs past RAM */
    g_autofree char *outside = guest_file(&g, "outside", &e, sizeof(e));
    expect_failure(&g, outside, NULL, "", VIREO_ERR_CONFIG_UNSUPPORTED, "outside the guest RAM");

    make_elf(&e, FALSE);
    e.ph[0].p_paddr = 0x8000;                             /* over the page tables */
    g_autofree char *low = guest_file(&g, "low", &e, sizeof(e));
    expect_failure(&g, low, NULL, "", VIREO_ERR_CONFIG_UNSUPPORTED, "outside the guest RAM");

    make_elf(&e, FALSE);
    e.eh.e_entry = 0x5000000;
    g_autofree char *entry = guest_file(&g, "entry", &e, sizeof(e));
    expect_failure(&g, entry, NULL, "", VIREO_ERR_NO_KERNEL, "entry point");
    guest_clear(&g);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/boot/bzimage", test_bzimage);
    g_test_add_func("/kvm/boot/bzimage-errors", test_bzimage_errors);
    g_test_add_func("/kvm/boot/elf", test_elf);
    g_test_add_func("/kvm/boot/elf-errors", test_elf_errors);
    g_test_add_func("/kvm/boot/elf-bss-known-zero", test_elf_bss_known_zero);
    return g_test_run();
}
