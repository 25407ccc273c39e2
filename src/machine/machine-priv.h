/* vireo: what the resolve steps share inside src/machine. */
#pragma once
#include "machine/machine_desc.h"
#include "machine/machine-type.h"
#include "machine/cpu-features.h"
#include "machine/topology.h"

/* The CPU every vCPU is, before per-vCPU APIC fields are filled in. */
typedef struct {
    const char *vendor;             /* 12 characters */
    guint family, model, stepping;
    const char *model_id;
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
