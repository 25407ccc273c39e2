/* vireo: lookups over the generated feature table. */
#include <config.h>
#include <string.h>
#include "machine/cpu-features.h"
#include "machine/machine_desc.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

guint
vireo_cpu_feature_count(void)
{
    static guint count;
    if (!count) {
        while (vireo_cpu_feature_table[count].name)
            count++;
        g_assert(count <= VIREO_CPU_FEATURE_MAX);
    }
    return count;
}

const VireoCpuFeatureInfo *
vireo_cpu_feature_get(guint idx)
{
    g_return_val_if_fail(idx < vireo_cpu_feature_count(), NULL);
    return &vireo_cpu_feature_table[idx];
}

/* QEMU accepts "sse4.1", "sse4-1" and "sse4_1" for the same property. */
static gboolean
feature_name_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        gboolean sa = (*a == '-' || *a == '_' || *a == '.');
        gboolean sb = (*b == '-' || *b == '_' || *b == '.');
        if (sa != sb || (!sa && *a != *b))
            return FALSE;
    }
    return *a == *b;
}

int
vireo_cpu_feature_index(const char *name)
{
    guint n = vireo_cpu_feature_count();
    if (!name)
        return -1;
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = &vireo_cpu_feature_table[i];
        if (feature_name_equal(f->name, name))
            return i;
        for (guint a = 0; a < G_N_ELEMENTS(f->aliases) && f->aliases[a]; a++)
            if (feature_name_equal(f->aliases[a], name))
                return i;
    }
    return -1;
}

void
vireo_feature_set_add(VireoFeatureSet *set, guint idx)
{
    set->bits[idx / 32] |= 1u << (idx % 32);
}

void
vireo_feature_set_remove(VireoFeatureSet *set, guint idx)
{
    set->bits[idx / 32] &= ~(1u << (idx % 32));
}

gboolean
vireo_feature_set_has(const VireoFeatureSet *set, guint idx)
{
    return (set->bits[idx / 32] >> (idx % 32)) & 1;
}

gboolean
vireo_feature_set_has_name(const VireoFeatureSet *set, const char *name)
{
    int idx = vireo_cpu_feature_index(name);
    g_return_val_if_fail(idx >= 0, FALSE);
    return vireo_feature_set_has(set, idx);
}

void
vireo_feature_set_add_name(VireoFeatureSet *set, const char *name)
{
    int idx = vireo_cpu_feature_index(name);
    g_return_if_fail(idx >= 0);
    vireo_feature_set_add(set, idx);
}

void
vireo_feature_set_remove_name(VireoFeatureSet *set, const char *name)
{
    int idx = vireo_cpu_feature_index(name);
    g_return_if_fail(idx >= 0);
    vireo_feature_set_remove(set, idx);
}

gboolean
vireo_feature_set_parse(VireoFeatureSet *set, const char *list, GError **error)
{
    g_auto(GStrv) names = g_strsplit(list, " ", -1);
    for (char **n = names; *n; n++) {
        int idx;
        if (!**n)
            continue;
        idx = vireo_cpu_feature_index(*n);
        if (idx < 0) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("unknown CPU feature '%s'"), *n);
            return FALSE;
        }
        vireo_feature_set_add(set, idx);
    }
    return TRUE;
}

static guint32
entry_reg(const VireoCpuidEntry *e, VireoCpuidReg reg)
{
    switch (reg) {
    case VIREO_CPUID_REG_EAX: return e->eax;
    case VIREO_CPUID_REG_EBX: return e->ebx;
    case VIREO_CPUID_REG_ECX: return e->ecx;
    case VIREO_CPUID_REG_EDX: return e->edx;
    }
    return 0;
}

void
vireo_feature_set_from_cpuid(VireoFeatureSet *set, const GArray *cpuid)
{
    guint n = vireo_cpu_feature_count();
    memset(set, 0, sizeof(*set));
    if (!cpuid)
        return;
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = &vireo_cpu_feature_table[i];
        for (guint k = 0; k < cpuid->len; k++) {
            const VireoCpuidEntry *e = &g_array_index(cpuid, VireoCpuidEntry, k);
            if (e->function != f->leaf)
                continue;
            if ((e->flags & VIREO_CPUID_FLAG_SIGNIFICANT_INDEX) && e->index != f->subleaf)
                continue;
            if ((entry_reg(e, f->reg) >> f->bit) & 1)
                vireo_feature_set_add(set, i);
        }
    }
}
