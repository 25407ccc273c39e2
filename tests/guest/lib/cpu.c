/* CPUID decoding: vendor, brand string, and the feature names libvirt's
 * <feature name=...> uses (cpu_map), for the ones the tests may ask. */
#include "guest.h"

void cpu_vendor(char out[13])
{
    struct cpuid_regs r = cpuid(0, 0);
    memcpy(out, &r.ebx, 4);
    memcpy(out + 4, &r.edx, 4);
    memcpy(out + 8, &r.ecx, 4);
    out[12] = 0;
}

void cpu_brand(char out[49])
{
    out[0] = 0;
    if (cpuid(0x80000000, 0).eax < 0x80000004)
        return;
    for (u32 i = 0; i < 3; i++) {
        struct cpuid_regs r = cpuid(0x80000002 + i, 0);
        memcpy(out + 16 * i, &r, 16);
    }
    out[48] = 0;
    /* QEMU and real CPUs may pad with leading spaces; compare the text. */
    size_t lead = 0;
    while (out[lead] == ' ')
        lead++;
    memmove(out, out + lead, 49 - lead);
}

enum reg { EAX, EBX, ECX, EDX };
struct feature { const char *name; u32 leaf, sub; enum reg reg; u8 bit; };

static const struct feature features[] = {
    { "sse3", 1, 0, ECX, 0 }, { "pclmuldq", 1, 0, ECX, 1 }, { "ssse3", 1, 0, ECX, 9 },
    { "fma", 1, 0, ECX, 12 }, { "cx16", 1, 0, ECX, 13 }, { "pcid", 1, 0, ECX, 17 },
    { "sse4.1", 1, 0, ECX, 19 }, { "sse4.2", 1, 0, ECX, 20 }, { "x2apic", 1, 0, ECX, 21 },
    { "movbe", 1, 0, ECX, 22 }, { "popcnt", 1, 0, ECX, 23 }, { "tsc-deadline", 1, 0, ECX, 24 },
    { "aes", 1, 0, ECX, 25 }, { "xsave", 1, 0, ECX, 26 }, { "avx", 1, 0, ECX, 28 },
    { "f16c", 1, 0, ECX, 29 }, { "rdrand", 1, 0, ECX, 30 }, { "hypervisor", 1, 0, ECX, 31 },
    { "fpu", 1, 0, EDX, 0 }, { "vme", 1, 0, EDX, 1 }, { "pse", 1, 0, EDX, 3 },
    { "tsc", 1, 0, EDX, 4 }, { "msr", 1, 0, EDX, 5 }, { "pae", 1, 0, EDX, 6 },
    { "mce", 1, 0, EDX, 7 }, { "cx8", 1, 0, EDX, 8 }, { "apic", 1, 0, EDX, 9 },
    { "sep", 1, 0, EDX, 11 }, { "mtrr", 1, 0, EDX, 12 }, { "pge", 1, 0, EDX, 13 },
    { "mca", 1, 0, EDX, 14 }, { "cmov", 1, 0, EDX, 15 }, { "pat", 1, 0, EDX, 16 },
    { "pse36", 1, 0, EDX, 17 }, { "clflush", 1, 0, EDX, 19 }, { "mmx", 1, 0, EDX, 23 },
    { "fxsr", 1, 0, EDX, 24 }, { "sse", 1, 0, EDX, 25 }, { "sse2", 1, 0, EDX, 26 },
    { "ss", 1, 0, EDX, 27 }, { "ht", 1, 0, EDX, 28 },
    { "fsgsbase", 7, 0, EBX, 0 }, { "bmi1", 7, 0, EBX, 3 }, { "hle", 7, 0, EBX, 4 },
    { "avx2", 7, 0, EBX, 5 }, { "smep", 7, 0, EBX, 7 }, { "bmi2", 7, 0, EBX, 8 },
    { "erms", 7, 0, EBX, 9 }, { "invpcid", 7, 0, EBX, 10 }, { "rtm", 7, 0, EBX, 11 },
    { "avx512f", 7, 0, EBX, 16 }, { "rdseed", 7, 0, EBX, 18 }, { "adx", 7, 0, EBX, 19 },
    { "smap", 7, 0, EBX, 20 }, { "clflushopt", 7, 0, EBX, 23 }, { "clwb", 7, 0, EBX, 24 },
    { "sha-ni", 7, 0, EBX, 29 }, { "umip", 7, 0, ECX, 2 }, { "pku", 7, 0, ECX, 3 },
    { "la57", 7, 0, ECX, 16 }, { "rdpid", 7, 0, ECX, 22 }, { "md-clear", 7, 0, EDX, 10 },
    { "spec-ctrl", 7, 0, EDX, 26 }, { "arch-capabilities", 7, 0, EDX, 29 },
    { "ssbd", 7, 0, EDX, 31 },
    { "lahf_lm", 0x80000001, 0, ECX, 0 }, { "abm", 0x80000001, 0, ECX, 5 },
    { "sse4a", 0x80000001, 0, ECX, 6 }, { "3dnowprefetch", 0x80000001, 0, ECX, 8 },
    { "syscall", 0x80000001, 0, EDX, 11 }, { "nx", 0x80000001, 0, EDX, 20 },
    { "pdpe1gb", 0x80000001, 0, EDX, 26 }, { "rdtscp", 0x80000001, 0, EDX, 27 },
    { "lm", 0x80000001, 0, EDX, 29 },
};

int cpu_has_feature(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
        const struct feature *f = &features[i];
        if (strcmp(f->name, name))
            continue;
        u32 max = cpuid(f->leaf & 0x80000000, 0).eax;
        if (f->leaf > max)
            return 0;
        struct cpuid_regs r = cpuid(f->leaf, f->sub);
        u32 v = f->reg == EAX ? r.eax : f->reg == EBX ? r.ebx : f->reg == ECX ? r.ecx : r.edx;
        return (v >> f->bit) & 1;
    }
    return -1;
}
