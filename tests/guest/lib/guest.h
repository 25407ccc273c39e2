/* vireo test guests: the freestanding library every guest links.
 * No libc: just what a guest needs to check a VMM's devices through their
 * real register interfaces and report PASS/FAIL lines on COM1. */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include "boot-defs.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- CPU primitives (io.h-style inlines) -------------------------------- */
static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 mmio_read32(u64 a) { return *(volatile u32 *)a; }
static inline void mmio_write32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline void mmio_write8(u64 a, u8 v) { *(volatile u8 *)a = v; }
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }
static inline u64 rdmsr(u32 msr) { u32 lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((u64)hi << 32) | lo; }
static inline void wrmsr(u32 msr, u64 v) { __asm__ volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline u64 read_cr3(void) { u64 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }

struct cpuid_regs { u32 eax, ebx, ecx, edx; };
static inline struct cpuid_regs cpuid(u32 leaf, u32 sub)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(sub));
    return r;
}

/* ---- string / libc subset (string.c) ------------------------------------ */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);
/* Parses decimal, or hex with 0x; returns false on junk or overflow. */
bool parse_u64(const char *s, u64 *out);
u32 crc32(u32 crc, const void *buf, size_t len);   /* zlib's CRC-32 */

/* ---- console (serial.c, printf.c) --------------------------------------- */
#define COM1 0x3f8
void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
void serial_sync(void);             /* after writing THR outside serial.c */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- results (report.c) ------------------------------------------------- */
void pass(const char *name);
void fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* PASS when ok, else FAIL with the formatted reason. */
void check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern unsigned n_pass, n_fail;

/* ---- boot information (bootinfo.c) -------------------------------------- */
#define E820_MAX 128
struct e820_entry { u64 addr, size; u32 type; };
struct boot_info {
    int kind;                       /* BOOT_KIND_LINUX / BOOT_KIND_PVH */
    char cmdline[4096];
    size_t cmdline_len;
    bool cmdline_truncated;
    struct e820_entry e820[E820_MAX];
    unsigned n_e820;
    u64 initrd_addr, initrd_size;   /* size 0: none */
    u64 rsdp;                       /* 0: not given, scan for it */
};
extern struct boot_info boot;
extern u64 boot_info_ptr;
extern u32 boot_kind;
extern u32 bss_dirty_at_entry;  /* entry.S: .bss was not zero at entry */
void bootinfo_init(void);
const char *boot_kind_name(void);

/* Kernel command line: "key=value" words (double quotes group spaces);
 * everything after a lone "--" is the payload, not parsed. */
bool cmdline_get(const char *key, char *val, size_t n);
bool cmdline_get_u64(const char *key, u64 *v);
bool cmdline_has(const char *key);
const char *cmdline_payload(size_t *len);

/* ---- time (timer.c, rtc.c) --------------------------------------------- */
extern u64 tsc_khz;
extern bool tsc_calibrated;         /* false: PIT silent, tsc_khz guessed */
void timer_calibrate(void);             /* TSC against PIT channel 0 */
void timer_ensure(void);                /* calibrate once, on first need */
void udelay(u64 us);
u64 tsc_to_us(u64 tsc);
struct rtc_time { unsigned year, mon, day, hour, min, sec; };
bool rtc_read(struct rtc_time *t);
u64 rtc_to_epoch(const struct rtc_time *t);

/* ---- ACPI (acpi.c) ----------------------------------------------------- */
struct acpi_header {
    char sig[4]; u32 length; u8 revision; u8 checksum;
    char oem_id[6]; char oem_table_id[8]; u32 oem_rev; u32 creator_id; u32 creator_rev;
} __attribute__((packed));
struct acpi_gas { u8 space, bit_width, bit_offset, access_size; u64 addr; } __attribute__((packed));

#define MAX_CPUS 64
struct acpi_info {
    u64 rsdp_addr;
    u8 rsdp_revision;
    bool use_xsdt;
    const struct acpi_header *fadt, *dsdt, *madt;
    unsigned n_tables;
    bool checksums_ok;
    char bad_table[5];
    /* FADT */
    u32 flags;
    bool hw_reduced;
    u32 pm1a_evt, pm1a_cnt;
    struct acpi_gas reset_reg; u8 reset_value; bool has_reset_reg;
    struct acpi_gas sleep_ctl; bool has_sleep_ctl;
    u16 sci_irq;
    /* DSDT */
    bool has_s5; u8 s5_typ_a;
    /* MADT */
    u32 lapic_addr;
    unsigned n_cpus;
    u32 apic_ids[MAX_CPUS];         /* enabled processors, MADT order */
    u64 ioapic_addr; u32 ioapic_gsi_base; bool has_ioapic;
    u32 irq_to_gsi[16]; u16 irq_flags[16];
};
extern struct acpi_info acpi;
bool acpi_init(char *why, size_t n);    /* false: no usable RSDP */
const struct acpi_header *acpi_find(const char *sig);
void acpi_poweroff(void) __attribute__((noreturn));
void acpi_reset(void) __attribute__((noreturn));
void reset_cf9(void) __attribute__((noreturn));
void triple_fault(void) __attribute__((noreturn));
void halt_forever(void) __attribute__((noreturn));

/* ---- interrupts (irq.c) ------------------------------------------------- */
struct irq_frame {
    u64 r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax, rbx;
    u64 vector, error;
    u64 rip, cs, rflags, rsp, ss;
};
typedef void (*irq_handler_fn)(struct irq_frame *f);
void idt_init(void);
void irq_set_handler(unsigned vector, irq_handler_fn fn);
bool lapic_init(void);                  /* xAPIC, MMIO at the MADT's address */
u32 lapic_id(void);
u32 lapic_lvt0(void);                   /* LVT LINT0: ExtINT 0x700 for the 8259 */
void lapic_set_lvt0(u32 v);
void lapic_eoi(void);
bool lapic_send_ipi(u32 apic_id, u32 icr_low);
/* Routes an ISA IRQ (through the MADT's overrides) to vector on this CPU. */
bool ioapic_route_isa(unsigned irq, unsigned vector, char *why, size_t n);
void ioapic_mask_isa(unsigned irq);
/* The same route, level-triggered whatever the MADT says (active high). */
bool ioapic_route_isa_level(unsigned irq, unsigned vector, char *why, size_t n);
/* The low half of IRQ irq's redirection entry (bit 14: remote IRR). */
u32 ioapic_rte_isa(unsigned irq);
#define IOAPIC_RTE_REMOTE_IRR (1u << 14)
void pic_disable(void);

/* ---- SMP (smp.c) ------------------------------------------------------- */
struct ap_report {
    volatile u32 started;
    u32 apic_id_cpuid1;             /* CPUID.1 EBX[31:24] */
    struct cpuid_regs leaf_b[4];
    struct cpuid_regs leaf_1f[5];
    struct cpuid_regs leaf_4[8];
    u32 max_leaf;
};
/* Starts the AP with this APIC ID by INIT-SIPI-SIPI and waits for it to
 * fill rep. */
bool smp_start_ap(u32 apic_id, struct ap_report *rep, char *why, size_t n);
void cpu_report_fill(struct ap_report *rep);   /* on the calling CPU */

/* ---- CPUID helpers (cpu.c) ---------------------------------------------- */
void cpu_vendor(char out[13]);
void cpu_brand(char out[49]);
/* 1 present, 0 absent, -1 unknown name. */
int cpu_has_feature(const char *name);

/* Every guest provides this; called once the console and boot info are up. */
void guest_main(void);

/* Set by the start-up code before guest_main(). */
extern bool acpi_ok;
extern u64 boot_tsc;                /* TSC when guest_start() began */
extern char acpi_error[160];
