/* vireo: the caches a CPU model reports (leaves 2, 4, 0x80000005/6 and
 * 0x8000001D), as QEMU 7.2 defines them: its "legacy" caches for every
 * model without cache facts of its own (all Intel models in 7.2, qemu64,
 * host-passthrough), and the EPYC family's own. Values were read from a
 * guest under QEMU 7.2 (tests/machine/cpuid-dump.c); the one-byte leaf 2
 * descriptors are the SDM's (0xFF: "no descriptor, read leaf 4"). */
#include <config.h>
#include "machine/machine-priv.h"

#define KIB 1
#define MIB 1024

/* The caches the tables share: 64-byte lines; L1 and L2 per core, L3 per die. */
#define L1D_32K_8WAY { 1, 1, 32 * KIB, 8, TRUE, TRUE, 0x1 }
#define L1I_32K_8WAY { 2, 1, 32 * KIB, 8, TRUE, TRUE, 0x1 }
#define EPYC_L2 { 3, 2, 512 * KIB, 8, TRUE, FALSE, 0x0 }   /* no self-init */
#define L3_16WAY(mib) { 3, 3, (mib) * MIB, 16, FALSE, TRUE, 0x6 }

static const VireoCpuCaches legacy = {
    .name = NULL,
    .cache = {
        L1D_32K_8WAY, L1I_32K_8WAY,
        { 3, 2, 4 * MIB, 16, TRUE, TRUE, 0x1 },
        L3_16WAY(16),
    },
    .leaf2_ecx = 0x4d, .leaf2_edx = 0x002c307d,   /* L3 16M; L1d, L1i 32K; L2 2M */
    .l1d_80000005 = 0x40020140, .l1i_80000005 = 0x40020140,
    .l2_80000006 = 0x02008140, .l3_80000006 = 0x00808140,
};

static const VireoCpuCaches epyc_caches[] = {
    {
        .name = "EPYC",
        .cache = {
            L1D_32K_8WAY,
            { 2, 1, 64 * KIB, 4, TRUE, TRUE, 0x1 },
            EPYC_L2, L3_16WAY(8),
        },
        .leaf2_ecx = 0x4b, .leaf2_edx = 0x002cff80,
        .l1d_80000005 = 0x20080140, .l1i_80000005 = 0x40040140,
        .l2_80000006 = 0x02006140, .l3_80000006 = 0x00408140,
    },
    {
        .name = "EPYC-Rome",
        .cache = { L1D_32K_8WAY, L1I_32K_8WAY, EPYC_L2, L3_16WAY(16) },
        .leaf2_ecx = 0x4d, .leaf2_edx = 0x002c3080,
        .l1d_80000005 = 0x20080140, .l1i_80000005 = 0x20080140,
        .l2_80000006 = 0x02006140, .l3_80000006 = 0x00808140,
    },
    {
        .name = "EPYC-Milan",
        .cache = { L1D_32K_8WAY, L1I_32K_8WAY, EPYC_L2, L3_16WAY(32) },
        .leaf2_ecx = 0xff, .leaf2_edx = 0x002c3080,
        .l1d_80000005 = 0x20080140, .l1i_80000005 = 0x20080140,
        .l2_80000006 = 0x02006140, .l3_80000006 = 0x01008140,
    },
};

const VireoCpuCaches *
vireo_cpu_caches_find(const char *model)
{
    for (gsize i = 0; model && i < G_N_ELEMENTS(epyc_caches); i++)
        if (g_str_equal(epyc_caches[i].name, model))
            return &epyc_caches[i];
    return &legacy;
}
