/* Interrupts the way an OS takes them: an IDT, the local APIC (xAPIC MMIO,
 * or x2APIC MSRs when the loader left x2APIC on), the IOAPIC routed by the
 * MADT, and the 8259 PICs remapped and masked so only the IOAPIC speaks. */
#include "guest.h"

struct idt_gate {
    u16 off_lo, sel;
    u8 ist, type;
    u16 off_mid;
    u32 off_hi, zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_fn handlers[256];
extern const u64 isr_table[48];
extern const u64 isr_spurious_stub;

static void set_gate(unsigned v, u64 fn)
{
    idt[v] = (struct idt_gate){
        .off_lo = fn & 0xffff, .sel = GDT_CODE64, .type = 0x8e,
        .off_mid = (fn >> 16) & 0xffff, .off_hi = fn >> 32,
    };
}

void idt_load(void);
void idt_load(void)
{
    struct { u16 limit; u64 base; } __attribute__((packed)) d = { sizeof(idt) - 1, (u64)idt };
    __asm__ volatile("lidt %0" :: "m"(d));
}

void idt_init(void)
{
    for (unsigned v = 0; v < 48; v++)
        set_gate(v, isr_table[v]);
    set_gate(0xff, isr_spurious_stub);
    idt_load();
}

void irq_set_handler(unsigned vector, irq_handler_fn fn)
{
    handlers[vector & 0xff] = fn;
}

void isr_dispatch(struct irq_frame *f);
void isr_dispatch(struct irq_frame *f)
{
    if (f->vector < 32) {
        printf("FAIL exception: vector %lu at rip 0x%lx, error code 0x%lx\n",
               f->vector, f->rip, f->error);
        halt_forever();
    }
    if (handlers[f->vector])
        handlers[f->vector](f);
    else if (f->vector != 0xff)
        lapic_eoi();                    /* spurious needs no EOI */
}

/* ---- local APIC -------------------------------------------------------- */
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310

static u64 lapic_mmio;
static bool x2apic;

static u32 lapic_read(u32 reg)
{
    return x2apic ? (u32)rdmsr(0x800 + (reg >> 4)) : mmio_read32(lapic_mmio + reg);
}

static void lapic_write(u32 reg, u32 v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        mmio_write32(lapic_mmio + reg, v);
}

bool lapic_init(void)
{
    u64 base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_EN))
        wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
    x2apic = base & APIC_BASE_EXTD;
    lapic_mmio = acpi.lapic_addr ? acpi.lapic_addr : (base & ~0xfffull);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_SVR, 0x100 | 0xff);   /* software enable, spurious 0xff */
    return true;
}

u32 lapic_lvt0(void)
{
    return lapic_read(0x350);
}

void lapic_set_lvt0(u32 v)
{
    lapic_write(0x350, v);
}

u32 lapic_id(void)
{
    u32 id = lapic_read(LAPIC_ID);
    return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

bool lapic_send_ipi(u32 apic_id, u32 icr_low)
{
    if (x2apic) {
        wrmsr(0x830, (u64)apic_id << 32 | icr_low);
        return true;
    }
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, icr_low);
    for (unsigned i = 0; i < 100000; i++) {
        if (!(lapic_read(LAPIC_ICR_LO) & (1u << 12)))   /* delivery status idle */
            return true;
        cpu_relax();
    }
    return false;
}

/* ---- IOAPIC ------------------------------------------------------------ */
static u32 ioapic_read(u32 reg)
{
    mmio_write32(acpi.ioapic_addr, reg);
    return mmio_read32(acpi.ioapic_addr + 0x10);
}

static void ioapic_write(u32 reg, u32 v)
{
    mmio_write32(acpi.ioapic_addr, reg);
    mmio_write32(acpi.ioapic_addr + 0x10, v);
}

bool ioapic_route_isa(unsigned irq, unsigned vector, char *why, size_t n)
{
    if (!acpi.has_ioapic) {
        snprintf(why, n, "the MADT lists no IOAPIC");
        return false;
    }
    u32 gsi = acpi.irq_to_gsi[irq];
    u32 pin = gsi - acpi.ioapic_gsi_base;
    u32 max_pin = (ioapic_read(1) >> 16) & 0xff;
    if (gsi < acpi.ioapic_gsi_base || pin > max_pin) {
        snprintf(why, n, "IRQ %u maps to GSI %u, outside the IOAPIC's pins", irq, gsi);
        return false;
    }
    u16 fl = acpi.irq_flags[irq];
    u32 lo = vector;
    if ((fl & 3) == 3)
        lo |= 1u << 13;                 /* active low */
    if (((fl >> 2) & 3) == 3)
        lo |= 1u << 15;                 /* level triggered */
    ioapic_write(0x11 + 2 * pin, lapic_id() << 24);
    ioapic_write(0x10 + 2 * pin, lo);
    return true;
}

bool ioapic_route_isa_level(unsigned irq, unsigned vector, char *why, size_t n)
{
    if (!ioapic_route_isa(irq, vector, why, n))
        return false;
    u32 pin = acpi.irq_to_gsi[irq] - acpi.ioapic_gsi_base;
    ioapic_write(0x10 + 2 * pin, (ioapic_read(0x10 + 2 * pin) & ~(1u << 13)) | (1u << 15));
    return true;
}

u32 ioapic_rte_isa(unsigned irq)
{
    if (!acpi.has_ioapic)
        return 0;
    return ioapic_read(0x10 + 2 * (acpi.irq_to_gsi[irq] - acpi.ioapic_gsi_base));
}

void ioapic_mask_isa(unsigned irq)
{
    if (!acpi.has_ioapic)
        return;
    u32 pin = acpi.irq_to_gsi[irq] - acpi.ioapic_gsi_base;
    ioapic_write(0x10 + 2 * pin, ioapic_read(0x10 + 2 * pin) | (1u << 16));
}

/* ---- 8259 -------------------------------------------------------------- */
void pic_disable(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);     /* ICW1: init, ICW4 follows */
    outb(0x21, 0x20); outb(0xa1, 0x28);     /* vectors 0x20-0x2f, off the exceptions */
    outb(0x21, 0x04); outb(0xa1, 0x02);     /* cascade on IRQ2 */
    outb(0x21, 0x01); outb(0xa1, 0x01);     /* 8086 mode */
    outb(0x21, 0xff); outb(0xa1, 0xff);     /* mask everything */
}
