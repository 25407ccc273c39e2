/* cpuid-dump: a test guest that prints every CPUID leaf and subleaf it can
 * read, one "CPUID leaf.sub eax ebx ecx edx" line each, then powers off.
 * tests/test-machine-cpuid-qemu.sh compares what QEMU gives a named model
 * with the table vireo describes for it. */
#include "guest.h"

static void dump(u32 leaf, u32 sub)
{
    struct cpuid_regs r = cpuid(leaf, sub);
    printf("CPUID %x.%u %08x %08x %08x %08x\n", leaf, sub, r.eax, r.ebx, r.ecx, r.edx);
}

/* Subleaves until the level type (ECX[15:8], or EAX[4:0] for caches) is 0. */
static void dump_levels(u32 leaf, bool cache)
{
    for (u32 s = 0; s < 8; s++) {
        struct cpuid_regs r = cpuid(leaf, s);
        dump(leaf, s);
        if (cache ? (r.eax & 0x1f) == 0 : ((r.ecx >> 8) & 0xff) == 0)
            break;
    }
}

static void dump_leaf(u32 leaf)
{
    switch (leaf) {
    case 4: case 0x8000001d:
        dump_levels(leaf, true);
        break;
    case 0xb: case 0x1f:
        dump_levels(leaf, false);
        break;
    case 7:
        for (u32 s = 0; s <= cpuid(7, 0).eax && s < 4; s++)
            dump(7, s);
        break;
    case 0xd:
        dump(0xd, 0);
        dump(0xd, 1);
        for (u32 s = 2; s < 63; s++)
            if (cpuid(0xd, s).eax)
                dump(0xd, s);
        break;
    default:
        dump(leaf, 0);
    }
}

void guest_main(void)
{
    u32 level = cpuid(0, 0).eax, xlevel = cpuid(0x80000000, 0).eax;
    for (u32 l = 0; l <= level && l < 0x40; l++)
        dump_leaf(l);
    if (cpuid(0x40000000, 0).eax >= 0x40000000)
        for (u32 l = 0x40000000; l <= cpuid(0x40000000, 0).eax && l < 0x40000010; l++)
            dump_leaf(l);
    for (u32 l = 0x80000000; l <= xlevel && l < 0x80000030; l++)
        dump_leaf(l);
    printf("CPUID-END\n");
}
