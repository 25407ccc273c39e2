/* The 64-bit entry: vCPU 0 starts in long mode, as Linux's 64-bit boot
 * protocol and Firecracker do, so no real-mode code runs under emulation. */
#include <config.h>
#include <string.h>
#include "kvm/kvm-priv.h"
#include "kvm/boot-priv.h"
#include "util/vireo-i18n.h"

#define X86_CR0_PE (1ULL << 0)
#define X86_CR0_ET (1ULL << 4)
#define X86_CR0_NE (1ULL << 5)
#define X86_CR0_WP (1ULL << 16)
#define X86_CR0_PG (1ULL << 31)
#define X86_CR4_PAE (1ULL << 5)
#define X86_EFER_LME (1ULL << 8)
#define X86_EFER_LMA (1ULL << 10)

#define PTE_PRESENT (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

/* GDT descriptors: base 0, limit 4 GiB. flags:access as in the SDM. */
#define GDT_ENTRY(flags, base, limit) \
    ((((guint64) (base) & 0xff000000ULL) << 32) | \
     (((guint64) (flags) & 0x0000f0ffULL) << 40) | \
     (((guint64) (limit) & 0x000f0000ULL) << 32) | \
     (((guint64) (base) & 0x00ffffffULL) << 16) | \
     ((guint64) (limit) & 0x0000ffffULL))

static const guint64 boot_gdt[] = {
    [0] = 0,
    [1] = 0,
    [VIREO_BOOT_CS >> 3] = GDT_ENTRY(0xa09b, 0, 0xfffff),  /* code, L=1 */
    [VIREO_BOOT_DS >> 3] = GDT_ENTRY(0xc093, 0, 0xfffff),  /* data, D/B=1 */
    [VIREO_BOOT_TSS >> 3] = GDT_ENTRY(0x808b, 0, 0xfffff), /* busy TSS */
};

gboolean
vireo_longmode_write_tables(const VireoGuestMemory *gm, GError **error)
{
    /* One PML4 entry -> one PDPT with 4 entries -> 4 PDs of 2 MiB pages:
     * identity map of the first 4 GiB, enough for the kernel, zero page,
     * command line and initrd, which all live below 4 GiB. 2 MiB pages need
     * no CPUID bit (1 GiB pages need pdpe1gb). */
    guint64 pml4[512] = { VIREO_BOOT_PDPT_ADDR | PTE_PRESENT | PTE_RW };
    guint64 pdpt[512] = { 0 };
    g_autofree guint64 *pd = g_new0(guint64, 4 * 512);
    guint64 idt = 0;

    for (guint i = 0; i < 4; i++)
        pdpt[i] = (VIREO_BOOT_PD_ADDR + i * 0x1000) | PTE_PRESENT | PTE_RW;
    for (guint i = 0; i < 4 * 512; i++)
        pd[i] = ((guint64) i << 21) | PTE_PRESENT | PTE_RW | PTE_PS;

    return vireo_boot_copy(gm, VIREO_BOOT_GDT_ADDR, boot_gdt, sizeof(boot_gdt),
                           "GDT", error) &&
           vireo_boot_copy(gm, VIREO_BOOT_IDT_ADDR, &idt, sizeof(idt), "IDT", error) &&
           vireo_boot_copy(gm, VIREO_BOOT_PML4_ADDR, pml4, sizeof(pml4), "PML4", error) &&
           vireo_boot_copy(gm, VIREO_BOOT_PDPT_ADDR, pdpt, sizeof(pdpt), "PDPT", error) &&
           vireo_boot_copy(gm, VIREO_BOOT_PD_ADDR, pd, 4 * 512 * sizeof(guint64),
                           N_("page tables"), error);
}

/* kvm_segment from a GDT descriptor, as the CPU would load it. */
static void
segment_from_gdt(struct kvm_segment *seg, guint16 selector)
{
    guint64 d = boot_gdt[selector >> 3];
    guint32 limit = (guint32) ((d & 0xffff) | ((d >> 32) & 0xf0000));
    memset(seg, 0, sizeof(*seg));
    seg->selector = selector;
    seg->base = 0;
    seg->type = (d >> 40) & 0xf;
    seg->s = (d >> 44) & 1;
    seg->dpl = (d >> 45) & 3;
    seg->present = (d >> 47) & 1;
    seg->avl = (d >> 52) & 1;
    seg->l = (d >> 53) & 1;
    seg->db = (d >> 54) & 1;
    seg->g = (d >> 55) & 1;
    seg->limit = seg->g ? (limit << 12) | 0xfff : limit;
}

void
vireo_longmode_sregs(struct kvm_sregs *sregs)
{
    struct kvm_segment data;
    segment_from_gdt(&sregs->cs, VIREO_BOOT_CS);
    segment_from_gdt(&data, VIREO_BOOT_DS);
    sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
    segment_from_gdt(&sregs->tr, VIREO_BOOT_TSS);
    sregs->gdt.base = VIREO_BOOT_GDT_ADDR;
    sregs->gdt.limit = sizeof(boot_gdt) - 1;
    sregs->idt.base = VIREO_BOOT_IDT_ADDR;
    sregs->idt.limit = 7;
    sregs->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
    sregs->cr3 = VIREO_BOOT_PML4_ADDR;
    sregs->cr4 = X86_CR4_PAE;
    sregs->efer = X86_EFER_LME | X86_EFER_LMA;
}
