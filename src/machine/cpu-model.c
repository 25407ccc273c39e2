/* vireo: CPU model type registry. */
#include <config.h>
#include <string.h>
#include "machine/cpu-model.h"
#include "machine/machine-type.h"

G_DEFINE_ABSTRACT_TYPE(VireoCpuModel, vireo_cpu_model, G_TYPE_OBJECT)

static void
vireo_cpu_model_class_init(VireoCpuModelClass *klass)
{
}

static void
vireo_cpu_model_init(VireoCpuModel *self)
{
}

static const VireoCpuModelInfo *
model_info_find(const char *name)
{
    const VireoCpuModelInfo *tables[] = { vireo_cpu_model_table,
                                          vireo_cpu_model_extra_table };
    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++)
        for (const VireoCpuModelInfo *m = tables[t]; m->name; m++)
            if (g_str_equal(m->name, name))
                return m;
    return NULL;
}

/* Parses "@Other f1 f2": @Other copies another model's list first. The
 * tables are ours, so a bad name is a programming error. */
static void
model_features_parse(VireoFeatureSet *set, const char *list)
{
    g_auto(GStrv) words = g_strsplit(list, " ", -1);
    for (char **w = words; *w; w++) {
        if (**w == '@') {
            const VireoCpuModelInfo *base = model_info_find(*w + 1);
            g_assert(base);
            model_features_parse(set, base->features);
        } else if (**w) {
            int idx = vireo_cpu_feature_index(*w);
            if (idx < 0)
                g_error("CPU model table names unknown feature '%s'", *w);
            vireo_feature_set_add(set, idx);
        }
    }
}

/* class_data is the model's table row: the TypeInfo -> class_init step. */
static void
model_subclass_init(gpointer g_class, gpointer class_data)
{
    VireoCpuModelClass *klass = g_class;
    klass->info = class_data;
    memset(&klass->features, 0, sizeof(klass->features));
    model_features_parse(&klass->features, klass->info->features);
}

static char *
model_type_name(const char *model)
{
    return vireo_gtype_name_for("VireoCpuModel", model);
}

/* The table row registered as that type (first in table order wins, as
 * when every model is registered), or an existing type. */
static GType
model_register_one(const VireoCpuModelInfo *info)
{
    g_autofree char *tname = model_type_name(info->name);
    GTypeInfo ti = {
        .class_size = sizeof(VireoCpuModelClass),
        .class_init = model_subclass_init,
        .class_data = info,
        .instance_size = sizeof(VireoCpuModel),
    };
    GType t = g_type_from_name(tname);
    return t ? t : g_type_register_static(VIREO_TYPE_CPU_MODEL, tname, &ti, 0);
}

void
vireo_cpu_models_register(void)
{
    for (const VireoCpuModelInfo *m = vireo_cpu_model_table; m->name; m++)
        model_register_one(m);
    for (const VireoCpuModelInfo *m = vireo_cpu_model_extra_table; m->name; m++)
        model_register_one(m);
}

/* Whether two model names give the same GType name (vireo_gtype_name_for
 * folds every character outside [A-Za-z0-9-_+] to '_'). */
static gboolean
same_type_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = g_ascii_isalnum(*a) || strchr("-_+", *a) ? *a : '_';
        char y = g_ascii_isalnum(*b) || strchr("-_+", *b) ? *b : '_';
        if (!*a || !*b)
            return !*a && !*b;
        if (x != y)
            return FALSE;
    }
}

/* Every model in table order; registers the ones not registered yet. */
GPtrArray *
vireo_cpu_model_class_list(void)
{
    GPtrArray *list = g_ptr_array_new();
    vireo_cpu_models_register();
    const VireoCpuModelInfo *tables[] = { vireo_cpu_model_table,
                                          vireo_cpu_model_extra_table };
    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
        for (const VireoCpuModelInfo *m = tables[t]; m->name; m++) {
            VireoCpuModelClass *klass = g_type_class_ref(model_register_one(m));
            /* a row whose type name an earlier row took has no class */
            if (klass->info == m)
                g_ptr_array_add(list, klass);
        }
    }
    return list;
}

/* Registers only the model asked for (and not the 100-odd others: a
 * vireo-vmm start needs one), so finding a model costs one class_init. */
VireoCpuModelClass *
vireo_cpu_model_class_find(const char *name)
{
    const VireoCpuModelInfo *tables[] = { vireo_cpu_model_table,
                                          vireo_cpu_model_extra_table };
    if (!name)
        return NULL;
    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
        for (const VireoCpuModelInfo *m = tables[t]; m->name; m++) {
            if (same_type_name(m->name, name)) {
                VireoCpuModelClass *klass = g_type_class_ref(model_register_one(m));
                /* Type names fold '.' etc.; make sure the real name matches. */
                return g_str_equal(klass->info->name, name) ? klass : NULL;
            }
        }
    }
    return NULL;
}
