/* vireo: what the resolve steps share inside src/machine. */
#pragma once
#include "machine/machine_desc.h"
#include "machine/machine-type.h"
#include "machine/cpu-features.h"
#include "machine/topology.h"

/* One cache as leaf 4 / 0x8000001D describe it. */
typedef struct {
    guint type;                     /* 1 data, 2 instruction, 3 unified */
    guint level;
    guint size_kib, ways;           /* 64-byte lines */
    gboolean per_core;              /* shared by a core's threads, else by a die */
    gboolean self_init;             /* EAX bit 8 */
    guint32 edx;                    /* 1 no-INVD-sharing, 2 inclusive, 4 complex indexing */
} VireoCacheInfo;

/* cpu-caches.c: the caches a model reports, and their legacy encodings. */
typedef struct {
    const char *name;               /* model; NULL: QEMU's legacy caches */
    VireoCacheInfo cache[4];        /* L1d, L1i, L2, L3 */
    guint32 leaf2_ecx, leaf2_edx;   /* one-byte descriptors */
    guint32 l1d_80000005, l1i_80000005, l2_80000006, l3_80000006;
} VireoCpuCaches;
const VireoCpuCaches *vireo_cpu_caches_find(const char *model);

/* The CPU every vCPU is, before per-vCPU APIC fields are filled in. */
typedef struct {
    const char *vendor;             /* 12 characters */
    guint family, model, stepping;
    const char *model_id;
    const VireoCpuCaches *caches;   /* never NULL once planned */
    guint32 level, xlevel;
    VireoFeatureSet features;
    VireoTopology topo;
    gboolean kvm_leaves;            /* 0x40000000.. KVM signature + PV features */
    /* host-passthrough / maximum: KVM_GET_SUPPORTED_CPUID, the base of every
     * leaf vireo does not compute itself (NULL for a named model). */
    const GArray *host_table;
} VireoCpuPlan;

/* cpuid.c: the complete table vCPU index sees. Features whose leaf is not
 * part of the table (above level/xlevel) are dropped from plan->features
 * by vireo_cpuid_prune_features() first, so the lists agree. */
void vireo_cpuid_prune_features(VireoCpuPlan *plan);
GArray *vireo_cpuid_build(const VireoCpuPlan *plan, guint index);
const VireoCpuidEntry *vireo_cpuid_find(const GArray *table, guint32 function,
                                        guint32 index);
/* Family/model/stepping from a leaf 1 EAX (extended fields folded in). */
void vireo_cpuid_decode_signature(guint32 eax, guint *family, guint *model,
                                  guint *stepping);
/* The brand string of leaves 0x80000002..4, stripped; "" when absent. */
void vireo_cpuid_read_brand(const GArray *table, char brand[49]);

/* cpu-resolve.c */
gboolean vireo_cpu_resolve(const VireoDomainDef *def, const VireoHostCaps *host,
                           VireoMachineClass *mc, gboolean kvm,
                           VireoCpuDesc *cpu, GError **error);
void vireo_cpu_desc_clear(VireoCpuDesc *cpu);

/* memmap.c */
gboolean vireo_memory_resolve(const VireoDomainDef *def, const VireoHostCaps *host,
                              VireoMachineClass *mc, VireoMemoryDesc *mem,
                              GError **error);
void vireo_memory_desc_clear(VireoMemoryDesc *mem);

/* devices.c */
gboolean vireo_devices_resolve(const VireoDomainDef *def, VireoMachineDesc *desc,
                               GError **error);
void vireo_device_desc_free(VireoDeviceDesc *dev);
