/* tiny: the smallest meaningful guest, for bench/boot. It prints one line on
 * COM1 and powers off through ACPI, nothing else, in as few instructions as
 * is correct: on kvm_pvm every guest instruction at these low addresses
 * goes through KVM's instruction emulator (~1-1.6 us each), and the library's
 * generic start-up (IDT, checksums, printf, a byte-wise DSDT scan) cost
 * ~14,000 of them, hiding the VMMs' own costs (docs/performance.md).
 *
 * So tiny does not link the library (tests/guest/lib): it has its own entry
 * (tiny-entry.S) and does, in order:
 * - COM1 at 0x3f8, polled: 8N1 at 115200, FIFO on; the line goes out in
 *   16-byte bursts (one `rep outsb` after each THRE observation) when IIR
 *   shows a 16550A FIFO, one byte per THRE otherwise;
 * - the RSDP from the boot protocol only (boot_params.acpi_rsdp_addr on
 *   vireo, hvm_start_info.rsdp_paddr under PVH), no BIOS-area scan;
 * - XSDT (RSDP revision >= 2) or RSDT -> FADT, signatures checked but NOT
 *   checksums (the only validation tiny leaves out);
 * - \_S5's SLP_TYPa/b from the DSDT: a walk of the DSDT's top-level AML
 *   objects (skipping scopes, devices and methods by their PkgLength), and a
 *   word-wise scan of the whole DSDT when the walk does not find it;
 * - waits for LSR.TEMT (the line has left the UART), then power-off as the
 *   FADT says: the sleep control register on
 *   hardware-reduced ACPI (QEMU microvm), else PM1a_CNT (and PM1b_CNT);
 * - then reads COM1's LSR until the VMM stops it (each read is an exit to
 *   the VMM, so it needs no signal to kick the vCPU out), and after ~10^6
 *   reads prints a FAIL line and halts.
 * Interrupts stay off throughout, so no IDT. The same ELF boots on vireo
 * (64-bit entry) and QEMU microvm (PVH note). */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* Same numbers as tiny-entry.S. */
#define TINY_BOOT_LINUX 1
#define TINY_BOOT_PVH   2

#define COM1 0x3f8
#define UART_THR 0
#define UART_DLL 0
#define UART_DLM 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define LSR_THRE 0x20
#define LSR_TEMT 0x40                   /* FIFO and shift register empty */
#define FIFO_SIZE 16

/* Linux boot_params (Documentation/arch/x86/zero-page.rst) and PVH's
 * hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h). */
#define BP_ACPI_RSDP_ADDR 0x070
#define HVM_START_MAGIC 0x336ec578
#define HVM_RSDP_PADDR 0x20

/* ACPI (spec 6.5, 5.2): table signatures as little-endian words. */
#define SIG_RSD_PTR 0x2052545020445352ull   /* "RSD PTR " */
#define SIG_XSDT 0x54445358u
#define SIG_RSDT 0x54445352u
#define SIG_FACP 0x50434146u
#define SIG_DSDT 0x54445344u
#define NAME_S5 0x5f35535fu                 /* "_S5_" */
#define ACPI_HDR_LEN 36
#define FADT_F_HW_REDUCED (1u << 20)
#define SLP_EN_PM1 (1u << 13)               /* PM1_CNT: SLP_TYP in 10-12 */
#define SLP_EN_SLEEP_CTL (1u << 5)          /* sleep control: SLP_TYP in 2-4 */
#define GAS_MEMORY 0
#define GAS_IO 1

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
/* ACPI fields are not aligned: memcpy (one mov on x86) says so to the compiler */
static inline u32 rd32(const void *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }
static inline u64 rd64(const void *p) { u64 v; __builtin_memcpy(&v, p, 8); return v; }

static const char hello[] = "Hello from a tiny guest. Powering off.\r\n";

static unsigned tx_burst = 1;          /* .data: nothing zeroes a .bss */

static void serial_init(void)
{
    outb(COM1 + UART_LCR, 0x80);        /* DLAB: divisor 1 = 115200 baud */
    outb(COM1 + UART_DLL, 0x01);
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03);        /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0x07);        /* FIFO on, both cleared */
    tx_burst = (inb(COM1 + UART_IIR) & 0xc0) == 0xc0 ? FIFO_SIZE : 1;
}

/* After each THRE observation the transmitter (and its FIFO) is empty, so
 * tx_burst bytes go out in one `rep outsb`: KVM still exits to the VMM for
 * each byte, but emulates one instruction per byte rather than a loop's
 * four, and the LSR is read once per burst instead of once per byte. */
static void serial_write(const char *s, size_t n)
{
    while (n) {
        /* Bounded: a VMM whose LSR never shows THRE must not hang us. */
        for (unsigned i = 0; i < 1000000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
            __asm__ volatile("pause");
        size_t k = n < tx_burst ? n : tx_burst;
        n -= k;
        __asm__ volatile("rep outsb" : "+S"(s), "+c"(k) : "d"((u16)(COM1 + UART_THR)) : "memory");
    }
}

#define SAY(lit) serial_write(lit, sizeof(lit) - 1)

static __attribute__((noreturn)) void halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

static __attribute__((noreturn)) void fail(const char *why, size_t n)
{
    SAY("FAIL tiny: ");
    serial_write(why, n);
    SAY("\r\n");
    halt();
}
#define FAIL(lit) fail(lit, sizeof(lit) - 1)

/* AML (ACPI 6.5, 20.2.4): PkgLength. *p is at its lead byte; returns the
 * length (which counts the PkgLength bytes themselves) and leaves *p after. */
static u32 pkg_length(const u8 **p)
{
    const u8 *b = *p;
    unsigned extra = b[0] >> 6;
    u32 len = extra ? b[0] & 0x0f : b[0] & 0x3f;
    for (unsigned i = 1; i <= extra; i++)
        len |= (u32)b[i] << (4 + 8 * (i - 1));
    *p = b + 1 + extra;
    return len;
}

/* Skips a NameString (20.2.2); sets *is_s5 when it names \_S5 from the
 * root scope ("_S5_" relative to the root, or "\_S5_"). NULL: not a name. */
static const u8 *name_string(const u8 *p, bool *is_s5)
{
    *is_s5 = false;
    if (*p == '\\')
        p++;
    else if (*p == '^')
        return NULL;                    /* parent prefix at the root: malformed */
    switch (*p) {
    case 0x00: return p + 1;                            /* NullName */
    case 0x2e: return p + 9;                            /* DualNamePrefix */
    case 0x2f: return p + 2 + 4 * p[1];                 /* MultiNamePrefix */
    default:
        if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
            return NULL;
        *is_s5 = rd32(p) == NAME_S5;
        return p + 4;
    }
}

/* Skips the DataRefObject of a Name(); NULL for one tiny does not know. */
static const u8 *skip_data(const u8 *p)
{
    switch (*p) {
    case 0x00: case 0x01: case 0xff: return p + 1;      /* Zero, One, Ones */
    case 0x0a: return p + 2;                            /* BytePrefix */
    case 0x0b: return p + 3;                            /* WordPrefix */
    case 0x0c: return p + 5;                            /* DWordPrefix */
    case 0x0e: return p + 9;                            /* QWordPrefix */
    case 0x0d:                                          /* StringPrefix */
        for (p++; *p; p++)
            ;
        return p + 1;
    case 0x11: case 0x12: case 0x13: {                  /* Buffer, (Var)Package */
        const u8 *q = p + 1;
        return p + 1 + pkg_length(&q);
    }
    default: return NULL;
    }
}

/* Walks a TermList in the root scope: the DSDT's top level and the bodies
 * of Scope(\). Returns the PackageOp of Name(_S5, Package...), or NULL when
 * this walk cannot find it (not at the root, or an object it cannot skip):
 * the caller then scans the whole table. */
static const u8 *s5_walk(const u8 *p, const u8 *end, unsigned depth)
{
    while (p < end) {
        const u8 *q = p + 1, *r;
        bool is_s5;
        switch (*p) {
        case 0x10: {                                    /* ScopeOp */
            const u8 *body_end = p + 1 + pkg_length(&q);
            if (q[0] == '\\' && q[1] == 0x00 && depth < 4 &&
                (r = s5_walk(q + 2, body_end, depth + 1)))
                return r;
            p = body_end;
            break;
        }
        case 0x08:                                      /* NameOp */
            if (!(q = name_string(q, &is_s5)))
                return NULL;
            if (is_s5 && *q == 0x12)
                return q;
            if (!(p = skip_data(q)))
                return NULL;
            break;
        case 0x14: case 0xa0: case 0xa1: case 0xa2:     /* Method, If, Else, While */
            p = p + 1 + pkg_length(&q);
            break;
        case 0x5b:                                      /* ExtOpPrefix */
            switch (p[1]) {
            case 0x81: case 0x82: case 0x83: case 0x84: /* Field, Device, Processor, PowerRes */
            case 0x85: case 0x86: case 0x87:            /* ThermalZone, IndexField, BankField */
                q = p + 2;
                p = p + 2 + pkg_length(&q);
                break;
            default:
                return NULL;
            }
            break;
        default:
            return NULL;
        }
    }
    return NULL;
}

/* The fallback: "_S5_" followed by PackageOp anywhere in the table, read a
 * word at each byte offset (the last resort, ~5 instructions a byte). */
static const u8 *s5_scan(const u8 *p, const u8 *end)
{
    for (; p + 5 < end; p++)
        if (rd32(p) == NAME_S5 && p[4] == 0x12)
            return p + 4;
    return NULL;
}

/* A package element that is an integer (Zero, One, Ones, Byte/Word/DWord/
 * QWordConst): its value, and *p moved past it. */
static bool aml_integer(const u8 **p, u64 *v)
{
    const u8 *b = *p;
    switch (b[0]) {
    case 0x00: *v = 0; *p = b + 1; return true;
    case 0x01: *v = 1; *p = b + 1; return true;
    case 0xff: *v = ~0ull; *p = b + 1; return true;
    case 0x0a: *v = b[1]; *p = b + 2; return true;
    case 0x0b: *v = (u64)b[1] | (u64)b[2] << 8; *p = b + 3; return true;
    case 0x0c: *v = rd32(b + 1); *p = b + 5; return true;
    case 0x0e: *v = rd64(b + 1); *p = b + 9; return true;
    default: return false;
    }
}

static void gas_write8(const u8 *gas, u8 v)
{
    u64 addr = rd64(gas + 4);
    if (gas[0] == GAS_IO)
        outb((u16)addr, v);
    else
        *(volatile u8 *)addr = v;
}

static const u8 *find_rsdp(const u8 *info, int kind)
{
    if (!info)
        return NULL;
    if (kind == TINY_BOOT_LINUX)
        return (const u8 *)rd64(info + BP_ACPI_RSDP_ADDR);
    if (rd32(info) == HVM_START_MAGIC)
        return (const u8 *)rd64(info + HVM_RSDP_PADDR);
    return NULL;
}

void tiny_main(const u8 *info, int kind);
void tiny_main(const u8 *info, int kind)
{
    serial_init();
    SAY(hello);

    const u8 *rsdp = find_rsdp(info, kind);
    if (!rsdp || (u64)rsdp >= (4ull << 30) || rd64(rsdp) != SIG_RSD_PTR)
        FAIL("no RSDP from the boot protocol");
    const u8 *root;
    unsigned esz;
    if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
        root = (const u8 *)rd64(rsdp + 24);
        esz = 8;
    } else {
        root = (const u8 *)(u64)rd32(rsdp + 16);
        esz = 4;
    }
    if ((u64)root >= (4ull << 30) || rd32(root) != (esz == 8 ? SIG_XSDT : SIG_RSDT))
        FAIL("no XSDT/RSDT where the RSDP says");

    const u8 *fadt = NULL;
    for (const u8 *e = root + ACPI_HDR_LEN; e + esz <= root + rd32(root + 4); e += esz) {
        const u8 *t = (const u8 *)(esz == 8 ? rd64(e) : rd32(e));
        if ((u64)t < (4ull << 30) && rd32(t) == SIG_FACP) {
            fadt = t;
            break;
        }
    }
    if (!fadt)
        FAIL("no FADT");
    u32 flen = rd32(fadt + 4);
    u32 flags = flen >= 116 ? rd32(fadt + 112) : 0;

    const u8 *dsdt = (const u8 *)(u64)rd32(fadt + 40);
    if (flen >= 148 && rd64(fadt + 140))
        dsdt = (const u8 *)rd64(fadt + 140);        /* X_DSDT */
    if ((u64)dsdt >= (4ull << 30) || rd32(dsdt) != SIG_DSDT)
        FAIL("no DSDT where the FADT says");
    const u8 *dsdt_end = dsdt + rd32(dsdt + 4);
    const u8 *pkg = s5_walk(dsdt + ACPI_HDR_LEN, dsdt_end, 0);
    if (!pkg)
        pkg = s5_scan(dsdt + ACPI_HDR_LEN, dsdt_end);
    if (!pkg)
        FAIL("no \\_S5 package in the DSDT");
    const u8 *el = pkg + 1;
    pkg_length(&el);
    u8 n_el = *el++;
    u64 typ_a, typ_b = 0;
    if (!n_el || !aml_integer(&el, &typ_a) || (n_el >= 2 && !aml_integer(&el, &typ_b)))
        FAIL("\\_S5 does not start with integers");

    /* The line must leave the UART before the machine goes away. */
    for (unsigned i = 0; i < 1000000 && !(inb(COM1 + UART_LSR) & LSR_TEMT); i++)
        __asm__ volatile("pause");

    if (flags & FADT_F_HW_REDUCED) {
        /* Sleep control register (FADT 244, a GAS): SLP_TYP in bits 2-4. */
        if (flen < 256 || !rd64(fadt + 244 + 4) || rd64(fadt + 244 + 4) >= (4ull << 30))
            FAIL("hardware-reduced ACPI without a sleep control register");
        gas_write8(fadt + 244, (u8)(((typ_a & 7) << 2) | SLP_EN_SLEEP_CTL));
    } else {
        /* PM1a_CNT_BLK (FADT 64), or X_PM1a_CNT_BLK (172) in I/O space. */
        u32 pm1a = rd32(fadt + 64), pm1b = rd32(fadt + 68);
        if (flen >= 184 && fadt[172] == GAS_IO && rd64(fadt + 176))
            pm1a = (u32)rd64(fadt + 176);
        if (flen >= 196 && fadt[184] == GAS_IO && rd64(fadt + 188))
            pm1b = (u32)rd64(fadt + 188);
        if (!pm1a)
            FAIL("no PM1a_CNT_BLK in the FADT");
        if (pm1b)
            outw((u16)pm1b, (u16)(((typ_b & 7) << 10) | SLP_EN_PM1));
        outw((u16)pm1a, (u16)(((typ_a & 7) << 10) | SLP_EN_PM1));
    }

    /* Wait for the VMM: every LSR read is an exit, where it can stop us. */
    for (unsigned i = 0; i < 1000000; i++)
        (void)inb(COM1 + UART_LSR);
    FAIL("still running after the ACPI S5 request");
}
