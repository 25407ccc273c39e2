/* Starting application processors the way an OS does: copy a real-mode
 * trampoline below 1 MiB, then INIT, wait 10 ms, SIPI, SIPI (Intel SDM
 * vol. 3, 8.4.4.1). Each AP fills in its report and halts. */
#include "guest.h"

extern const u8 tramp_start[], tramp_end[];
extern const u64 tramp_cr3, tramp_stack, tramp_entry;

#define AP_STACK_SIZE 8192
static u8 ap_stacks[MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16), section(".stacks")));
static unsigned next_stack;
static struct ap_report *volatile current_report;

void idt_load(void);

void cpu_report_fill(struct ap_report *rep)
{
    rep->max_leaf = cpuid(0, 0).eax;
    rep->apic_id_cpuid1 = cpuid(1, 0).ebx >> 24;
    for (u32 i = 0; rep->max_leaf >= 0xb && i < ARRAY_SIZE(rep->leaf_b); i++)
        rep->leaf_b[i] = cpuid(0xb, i);
    for (u32 i = 0; rep->max_leaf >= 0x1f && i < ARRAY_SIZE(rep->leaf_1f); i++)
        rep->leaf_1f[i] = cpuid(0x1f, i);
    for (u32 i = 0; rep->max_leaf >= 4 && i < ARRAY_SIZE(rep->leaf_4); i++)
        rep->leaf_4[i] = cpuid(4, i);
}

static void ap_main(void)
{
    idt_load();
    struct ap_report *rep = current_report;
    cpu_report_fill(rep);
    __atomic_store_n(&rep->started, 1, __ATOMIC_RELEASE);
    halt_forever();
}

static void tramp_patch(const u64 *field, u64 value)
{
    size_t off = (const u8 *)field - tramp_start;
    *(volatile u64 *)(TRAMP_BASE + off) = value;
}

static bool wait_started(struct ap_report *rep, u64 us)
{
    u64 end = rdtsc() + us * tsc_khz / 1000;
    while (rdtsc() < end) {
        if (__atomic_load_n(&rep->started, __ATOMIC_ACQUIRE))
            return true;
        cpu_relax();
    }
    return __atomic_load_n(&rep->started, __ATOMIC_ACQUIRE);
}

bool smp_start_ap(u32 apic_id, struct ap_report *rep, char *why, size_t n)
{
    if (next_stack >= MAX_CPUS) {
        snprintf(why, n, "more than %d CPUs", MAX_CPUS);
        return false;
    }
    memcpy((void *)TRAMP_BASE, tramp_start, tramp_end - tramp_start);
    tramp_patch(&tramp_cr3, read_cr3());
    tramp_patch(&tramp_stack, (u64)(ap_stacks[next_stack++] + AP_STACK_SIZE));
    tramp_patch(&tramp_entry, (u64)ap_main);
    memset(rep, 0, sizeof(*rep));
    current_report = rep;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    if (!lapic_send_ipi(apic_id, 0x4500)) {     /* INIT, level assert */
        snprintf(why, n, "INIT IPI to APIC ID %u never left the ICR", apic_id);
        return false;
    }
    udelay(10000);
    for (int sipi = 0; sipi < 2; sipi++) {
        lapic_send_ipi(apic_id, 0x4600 | (TRAMP_BASE >> 12));   /* STARTUP */
        if (wait_started(rep, 200))
            return true;
    }
    /* Real mode is emulated instruction by instruction on some hosts:
     * give the trampoline a generous while before calling it dead. */
    if (wait_started(rep, 3000000))
        return true;
    snprintf(why, n, "AP with APIC ID %u did not report within 3 s of INIT-SIPI-SIPI", apic_id);
    return false;
}
