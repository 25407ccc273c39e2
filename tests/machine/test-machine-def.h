/* Builds VireoDomainDef structs in C for the machine tests, so they do not
 * depend on the XML parser (the XML fixtures in tests/machine cover that path). */
#pragma once
#include "conf/domain_conf.h"

typedef struct {
    VireoDomainDef def;
    VireoCpuDef cpu;
} TestDef;

static inline void
test_def_free_ptr(gpointer p)
{
    g_free(p);
}

static inline TestDef *
test_def_new(const char *machine, guint vcpus, guint64 mem_mib)
{
    TestDef *t = g_new0(TestDef, 1);
    t->def.virt_type = VIREO_DOMAIN_VIRT_KVM;
    t->def.name = (char *)"test";
    t->def.vcpus = vcpus;
    t->def.current_vcpus = vcpus;
    t->def.memory_kib = mem_mib * 1024;
    t->def.current_memory_kib = mem_mib * 1024;
    t->def.os.type = (char *)"hvm";
    t->def.os.machine = (char *)machine;
    t->def.features.state[VIREO_DOMAIN_FEATURE_ACPI] = VIREO_TRISTATE_YES;
    t->def.features.state[VIREO_DOMAIN_FEATURE_APIC] = VIREO_TRISTATE_YES;
    t->def.disks = g_ptr_array_new();
    t->def.controllers = g_ptr_array_new();
    t->def.nets = g_ptr_array_new();
    t->def.serials = g_ptr_array_new();
    t->def.consoles = g_ptr_array_new();
    t->def.videos = g_ptr_array_new();
    t->def.graphics = g_ptr_array_new();
    t->def.rngs = g_ptr_array_new();
    t->def.watchdogs = g_ptr_array_new();
    t->def.panics = g_ptr_array_new();
    t->cpu.features = g_ptr_array_new_with_free_func(test_def_free_ptr);
    return t;
}

/* Turns on <cpu> (custom mode with model, or NULL for none). */
static inline void
test_def_cpu(TestDef *t, VireoCpuMode mode, const char *model)
{
    t->def.cpu = &t->cpu;
    t->cpu.mode = mode;
    t->cpu.model = (char *)model;
}

static inline void
test_def_topology(TestDef *t, guint sockets, guint dies, guint cores, guint threads)
{
    if (!t->def.cpu)
        test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, NULL);
    t->cpu.has_topology = TRUE;
    t->cpu.sockets = sockets;
    t->cpu.dies = dies;
    t->cpu.clusters = 1;
    t->cpu.cores = cores;
    t->cpu.threads = threads;
}

static inline void
test_def_feature(TestDef *t, const char *name, VireoCpuFeaturePolicy policy)
{
    VireoCpuFeatureDef *f = g_new0(VireoCpuFeatureDef, 1);
    f->name = (char *)name;
    f->policy = policy;
    g_ptr_array_add(t->cpu.features, f);
}

static inline void
test_def_free(TestDef *t)
{
    GPtrArray *lists[] = { t->def.disks, t->def.controllers, t->def.nets,
                           t->def.serials, t->def.consoles, t->def.videos,
                           t->def.graphics, t->def.rngs, t->def.watchdogs,
                           t->def.panics, t->cpu.features };
    for (gsize i = 0; i < G_N_ELEMENTS(lists); i++)
        g_ptr_array_unref(lists[i]);
    g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestDef, test_def_free)
