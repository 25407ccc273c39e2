/* ACPI as an OS sees it: RSDP -> XSDT/RSDT -> FADT (+DSDT) and MADT,
 * parsed just far enough to power off, reset and count processors. */
#include "guest.h"

struct acpi_info acpi;

struct rsdp {
    char sig[8]; u8 checksum; char oem[6]; u8 revision; u32 rsdt;
    u32 length; u64 xsdt; u8 ext_checksum; u8 reserved[3];
} __attribute__((packed));

static u8 sum_bytes(const void *p, size_t n)
{
    const u8 *b = p;
    u8 s = 0;
    while (n--)
        s += *b++;
    return s;
}

static const struct rsdp *rsdp_at(u64 addr)
{
    const struct rsdp *r = (const void *)addr;
    if (memcmp(r->sig, "RSD PTR ", 8) || sum_bytes(r, 20))
        return NULL;
    if (r->revision >= 2 && sum_bytes(r, r->length < 36 ? 36 : r->length))
        return NULL;
    return r;
}

/* Where a BIOS leaves it: first KiB of the EBDA, then 0xE0000-0xFFFFF. */
static const struct rsdp *rsdp_scan(void)
{
    /* The BDA word at 0x40e; the asm hides the constant address from
     * GCC's array-bounds analysis, which assumes page 0 is never valid. */
    const volatile u16 *bda = (const volatile u16 *)0x40e;
    __asm__("" : "+r"(bda));
    u64 ebda = (u64)*bda << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        for (u64 a = ebda; a < ebda + 1024; a += 16)
            if (rsdp_at(a))
                return rsdp_at(a);
    for (u64 a = 0xe0000; a < 0x100000; a += 16)
        if (rsdp_at(a))
            return rsdp_at(a);
    return NULL;
}

static const struct acpi_header *sdt_entry(const struct acpi_header *sdt, unsigned i)
{
    const u8 *base = (const u8 *)sdt + sizeof(*sdt);
    if (acpi.use_xsdt)
        return (const void *)*(const u64 *)(base + 8 * i);
    return (const void *)(u64)*(const u32 *)(base + 4 * i);
}

static const struct acpi_header *root_table(void)
{
    const struct rsdp *r = (const void *)acpi.rsdp_addr;
    return acpi.use_xsdt ? (const void *)r->xsdt : (const void *)(u64)r->rsdt;
}

const struct acpi_header *acpi_find(const char *sig)
{
    const struct acpi_header *root = root_table();
    for (unsigned i = 0; i < acpi.n_tables; i++) {
        const struct acpi_header *t = sdt_entry(root, i);
        if (t && !memcmp(t->sig, sig, 4))
            return t;
    }
    return NULL;
}

static void note_checksum(const struct acpi_header *t)
{
    if (t && sum_bytes(t, t->length) && acpi.checksums_ok) {
        acpi.checksums_ok = false;
        memcpy(acpi.bad_table, t->sig, 4);
    }
}

/* "_S5_" Package: the first element is SLP_TYPa (ACPI 7.4.2). */
static void parse_s5(const struct acpi_header *dsdt)
{
    const u8 *p = (const u8 *)dsdt + sizeof(*dsdt);
    const u8 *end = (const u8 *)dsdt + dsdt->length;
    for (; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
            continue;
        const u8 *q = p + 5;
        q += 1 + (*q >> 6);             /* PkgLength */
        q++;                            /* NumElements */
        switch (*q) {
        case 0x0a: acpi.s5_typ_a = q[1]; break;     /* BytePrefix */
        case 0x00: acpi.s5_typ_a = 0; break;        /* ZeroOp */
        case 0x01: acpi.s5_typ_a = 1; break;        /* OneOp */
        default: acpi.s5_typ_a = *q; break;
        }
        acpi.has_s5 = true;
        return;
    }
}

static void parse_fadt(const struct acpi_header *f)
{
    const u8 *b = (const u8 *)f;
    acpi.sci_irq = *(const u16 *)(b + 46);
    acpi.pm1a_evt = *(const u32 *)(b + 56);
    acpi.pm1a_cnt = *(const u32 *)(b + 64);
    acpi.flags = f->length >= 116 ? *(const u32 *)(b + 112) : 0;
    acpi.hw_reduced = acpi.flags & (1u << 20);
    if (f->length >= 129 && (acpi.flags & (1u << 10))) {
        memcpy(&acpi.reset_reg, b + 116, sizeof(acpi.reset_reg));
        acpi.reset_value = b[128];
        acpi.has_reset_reg = acpi.reset_reg.addr != 0;
    }
    if (f->length >= 256) {
        memcpy(&acpi.sleep_ctl, b + 244, sizeof(acpi.sleep_ctl));
        acpi.has_sleep_ctl = acpi.sleep_ctl.addr != 0;
    }
    if (f->length >= 184 && !acpi.pm1a_cnt) {
        const struct acpi_gas *x = (const void *)(b + 172);
        if (x->space == 1)
            acpi.pm1a_cnt = (u32)x->addr;
    }
    u64 dsdt = *(const u32 *)(b + 40);
    if (f->length >= 148 && *(const u64 *)(b + 140))
        dsdt = *(const u64 *)(b + 140);
    acpi.dsdt = (const void *)dsdt;
    if (acpi.dsdt && !memcmp(acpi.dsdt->sig, "DSDT", 4)) {
        note_checksum(acpi.dsdt);
        parse_s5(acpi.dsdt);
    } else {
        acpi.dsdt = NULL;
    }
}

static void madt_processor(u32 apic_id, u32 flags)
{
    /* Enabled, or (ACPI 6.3) online capable: both are CPUs that exist. */
    if (!(flags & 3) || acpi.n_cpus >= MAX_CPUS)
        return;
    acpi.apic_ids[acpi.n_cpus++] = apic_id;
}

static void parse_madt(const struct acpi_header *m)
{
    const u8 *b = (const u8 *)m;
    acpi.lapic_addr = *(const u32 *)(b + 36);
    for (unsigned i = 0; i < 16; i++)
        acpi.irq_to_gsi[i] = i;
    for (u32 off = 44; off + 2 <= m->length; ) {
        const u8 *e = b + off;
        if (e[1] < 2)
            break;
        switch (e[0]) {
        case 0: madt_processor(e[3], *(const u32 *)(e + 4)); break;
        case 1:
            if (!acpi.has_ioapic) {
                acpi.ioapic_addr = *(const u32 *)(e + 4);
                acpi.ioapic_gsi_base = *(const u32 *)(e + 8);
                acpi.has_ioapic = true;
            }
            break;
        case 2:
            if (e[3] < 16) {
                acpi.irq_to_gsi[e[3]] = *(const u32 *)(e + 4);
                acpi.irq_flags[e[3]] = *(const u16 *)(e + 8);
            }
            break;
        case 9: madt_processor(*(const u32 *)(e + 4), *(const u32 *)(e + 8)); break;
        }
        off += e[1];
    }
}

bool acpi_init(char *why, size_t n)
{
    const struct rsdp *r = boot.rsdp ? rsdp_at(boot.rsdp) : NULL;
    if (boot.rsdp && !r) {
        snprintf(why, n, "no valid RSDP at the boot info's address 0x%lx", boot.rsdp);
        return false;
    }
    if (!r)
        r = rsdp_scan();
    if (!r) {
        snprintf(why, n, "no RSDP given by the loader nor found in the BIOS area");
        return false;
    }
    acpi.rsdp_addr = (u64)(uintptr_t)r;
    acpi.rsdp_revision = r->revision;
    acpi.use_xsdt = r->revision >= 2 && r->xsdt;
    acpi.checksums_ok = true;
    const struct acpi_header *root = root_table();
    if (memcmp(root->sig, acpi.use_xsdt ? "XSDT" : "RSDT", 4)) {
        snprintf(why, n, "root table at 0x%lx has signature %.4s", (u64)(uintptr_t)root, root->sig);
        return false;
    }
    note_checksum(root);
    acpi.n_tables = (root->length - sizeof(*root)) / (acpi.use_xsdt ? 8 : 4);
    for (unsigned i = 0; i < acpi.n_tables; i++)
        note_checksum(sdt_entry(root, i));
    acpi.fadt = acpi_find("FACP");
    acpi.madt = acpi_find("APIC");
    if (acpi.fadt)
        parse_fadt(acpi.fadt);
    if (acpi.madt)
        parse_madt(acpi.madt);
    return true;
}

static void gas_write8(const struct acpi_gas *g, u8 v)
{
    if (g->space == 1)
        outb((u16)g->addr, v);
    else if (g->space == 0)
        mmio_write8(g->addr, v);
}

/* Waits for the VMM to act on a power-off/reset request. Each iteration
 * reads COM1's LSR, an exit to the VMM's userspace in every VMM: a VMM
 * that stops its vCPU at the next exit then needs no signal to kick it
 * out of guest mode (which took ~20 ms on kvm_pvm). */
static void wait_for_vmm(u64 us)
{
    /* No calibration here: it would spin on in-kernel PIT ports, which
     * never exit to userspace. An uncalibrated bound is good enough. */
    u64 end = rdtsc() + us * tsc_khz / 1000;
    while (rdtsc() < end)
        (void)inb(COM1 + 5);
}

void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void acpi_poweroff(void)
{
    irq_disable();
    if (acpi.hw_reduced && acpi.has_sleep_ctl) {
        /* HW-reduced ACPI (QEMU microvm): SLP_TYP in bits 2-4, SLP_EN bit 5. */
        gas_write8(&acpi.sleep_ctl, (u8)(((acpi.s5_typ_a & 7) << 2) | (1 << 5)));
    } else if (acpi.pm1a_cnt) {
        outw((u16)acpi.pm1a_cnt, (u16)(((acpi.s5_typ_a & 7) << 10) | (1 << 13)));
    }
    /* Generous: a loaded host may take a while to stop a VM. */
    wait_for_vmm(5000000);
    printf("FAIL poweroff: still running 5 s after the ACPI S5 request (PM1a_CNT 0x%x, SLP_TYP %u)\n",
           acpi.pm1a_cnt, acpi.s5_typ_a);
    halt_forever();
}

void reset_cf9(void)
{
    irq_disable();
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);                  /* hard reset, as the FADT advertises */
    wait_for_vmm(5000000);
    printf("FAIL reset: still running 5 s after writing 6 to port 0xcf9\n");
    halt_forever();
}

void acpi_reset(void)
{
    irq_disable();
    if (acpi.has_reset_reg) {
        gas_write8(&acpi.reset_reg, acpi.reset_value);
        wait_for_vmm(5000000);
        printf("FAIL reset: still running 5 s after the FADT RESET_REG write\n");
        halt_forever();
    }
    reset_cf9();
}

void triple_fault(void)
{
    /* An empty IDT turns the first exception into #DF and then a shutdown. */
    static const struct { u16 limit; u64 base; } __attribute__((packed)) empty = { 0, 0 };
    irq_disable();
    __asm__ volatile("lidt %0; ud2" :: "m"(empty));
    halt_forever();
}
