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

static void
model_register_one(const VireoCpuModelInfo *info)
{
    g_autofree char *tname = model_type_name(info->name);
    GTypeInfo ti = {
        .class_size = sizeof(VireoCpuModelClass),
        .class_init = model_subclass_init,
        .class_data = info,
        .instance_size = sizeof(VireoCpuModel),
    };
    if (g_type_from_name(tname))
        return;
    g_type_register_static(VIREO_TYPE_CPU_MODEL, tname, &ti, 0);
}

void
vireo_cpu_models_register(void)
{
    for (const VireoCpuModelInfo *m = vireo_cpu_model_table; m->name; m++)
        model_register_one(m);
    for (const VireoCpuModelInfo *m = vireo_cpu_model_extra_table; m->name; m++)
        model_register_one(m);
}

GPtrArray *
vireo_cpu_model_class_list(void)
{
    GPtrArray *list = g_ptr_array_new();
    guint n = 0;
    g_autofree GType *children = g_type_children(VIREO_TYPE_CPU_MODEL, &n);
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(list, g_type_class_ref(children[i]));
    return list;
}

VireoCpuModelClass *
vireo_cpu_model_class_find(const char *name)
{
    g_autofree char *tname = NULL;
    GType t;
    if (!name)
        return NULL;
    tname = model_type_name(name);
    t = g_type_from_name(tname);
    if (!t || !g_type_is_a(t, VIREO_TYPE_CPU_MODEL))
        return NULL;
    /* Type names fold '.' etc.; make sure the real name matches. */
    {
        VireoCpuModelClass *klass = g_type_class_ref(t);
        return g_str_equal(klass->info->name, name) ? klass : NULL;
    }
}
