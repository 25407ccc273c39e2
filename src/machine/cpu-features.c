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
    static gsize count;
    if (g_once_init_enter(&count)) {
        gsize n = 0;
        while (vireo_cpu_feature_table[n].name)
            n++;
        g_assert(n <= VIREO_CPU_FEATURE_MAX);
        g_once_init_leave(&count, n);
    }
    return count;
}

const VireoCpuFeatureInfo *
vireo_cpu_feature_get(guint idx)
{
    g_return_val_if_fail(idx < vireo_cpu_feature_count(), NULL);
    return &vireo_cpu_feature_table[idx];
}

/* QEMU accepts "sse4.1", "sse4-1" and "sse4_1" for the same property:
 * names are compared with '_' and '.' read as '-'. */
static inline char
fold_name_char(char c)
{
    return c == '_' || c == '.' ? '-' : c;
}

static guint
feature_name_hash(gconstpointer key)
{
    guint h = 5381;                 /* g_str_hash's, over folded characters */
    for (const char *p = key; *p; p++)
        h = (h << 5) + h + (guchar) fold_name_char(*p);
    return h;
}

static gboolean
feature_name_equal(gconstpointer a, gconstpointer b)
{
    const char *x = a, *y = b;
    for (; *x && *y; x++, y++)
        if (fold_name_char(*x) != fold_name_char(*y))
            return FALSE;
    return *x == *y;
}

/* Every spelling -> its index, in an open-addressed table of the table's
 * own strings (no copies), built once: lookups run for every feature of
 * every model and vCPU table. A GHashTable took ~95k instructions to fill
 * on every vireo-vmm start. The size is a power of two over twice the
 * spellings (checked when built). */
#define NAME_SLOTS 512
static const char *slot_name[NAME_SLOTS];
static guint16 slot_index[NAME_SLOTS];

/* The slot holding name, or the empty one where it would go. */
static guint
name_slot(const char *name)
{
    guint h = feature_name_hash(name) & (NAME_SLOTS - 1);
    while (slot_name[h] && !feature_name_equal(slot_name[h], name))
        h = (h + 1) & (NAME_SLOTS - 1);
    return h;
}

static gpointer
build_name_index(gpointer data)
{
    guint n = vireo_cpu_feature_count(), used = 0;
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = &vireo_cpu_feature_table[i];
        guint h = name_slot(f->name);
        used += !slot_name[h];
        slot_name[h] = f->name;         /* a canonical name wins */
        slot_index[h] = (guint16) i;
        for (guint a = 0; a < G_N_ELEMENTS(f->aliases) && f->aliases[a]; a++) {
            h = name_slot(f->aliases[a]);
            if (slot_name[h])
                continue;               /* an earlier spelling wins */
            slot_name[h] = f->aliases[a];
            slot_index[h] = (guint16) i;
            used++;
        }
        g_assert(used * 2 <= NAME_SLOTS);
    }
    return slot_name;
}

int
vireo_cpu_feature_index(const char *name)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, build_name_index, NULL);
    if (!name)
        return -1;
    guint h = name_slot(name);
    return slot_name[h] ? slot_index[h] : -1;
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
    /* A feature is set when any entry for its leaf and subleaf has its bit:
     * the registers of those entries OR-ed, looked for again only when the
     * leaf or subleaf changes (the table keeps a leaf's features together),
     * not for every feature. */
    VireoCpuidEntry regs = { 0 };
    gboolean have = FALSE;
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = &vireo_cpu_feature_table[i];
        if (!have || regs.function != f->leaf || regs.index != f->subleaf) {
            regs = (VireoCpuidEntry) { .function = f->leaf, .index = f->subleaf };
            have = TRUE;
            for (guint k = 0; k < cpuid->len; k++) {
                const VireoCpuidEntry *e = &g_array_index(cpuid, VireoCpuidEntry, k);
                if (e->function != f->leaf ||
                    ((e->flags & VIREO_CPUID_FLAG_SIGNIFICANT_INDEX) && e->index != f->subleaf))
                    continue;
                regs.eax |= e->eax;
                regs.ebx |= e->ebx;
                regs.ecx |= e->ecx;
                regs.edx |= e->edx;
            }
        }
        if ((entry_reg(&regs, f->reg) >> f->bit) & 1)
            vireo_feature_set_add(set, i);
    }
}
