/* vireo: query-machines and query-cpu-definitions, read from the machine
 * and CPU model types src/machine registers (QEMU reads its QOM classes).
 * The types are found by name through GType, so this file needs only the
 * class layouts, and sees whatever the VMM registered at start-up. */
#include <config.h>
#include "qmp/qmp-private.h"
#include "machine/machine-type.h"
#include "machine/cpu-model.h"

static JsonObject *
machine_info(VireoMachineClass *klass)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "name", klass->name);
    if (klass->alias)
        json_object_set_string_member(o, "alias", klass->alias);
    if (klass->is_default)
        json_object_set_boolean_member(o, "is-default", TRUE);
    json_object_set_int_member(o, "cpu-max", klass->max_cpus);
    /* vireo cannot hot-plug vCPUs or place RAM on NUMA nodes (yet). */
    json_object_set_boolean_member(o, "hotpluggable-cpus", FALSE);
    json_object_set_boolean_member(o, "numa-mem-supported", FALSE);
    json_object_set_boolean_member(o, "deprecated", FALSE);
    if (klass->default_cpu_model) {
        g_autofree char *cpu = g_strdup_printf("%s-x86_64-cpu", klass->default_cpu_model);
        json_object_set_string_member(o, "default-cpu-type", cpu);
    }
    json_object_set_string_member(o, "default-ram-id", "pc.ram");
    return o;
}

/* Every concrete subclass of the type named root, depth first. */
static void
collect_concrete(GType type, GPtrArray *out)
{
    guint n = 0;
    g_autofree GType *children = g_type_children(type, &n);
    if (!G_TYPE_IS_ABSTRACT(type))
        g_ptr_array_add(out, g_type_class_ref(type));
    for (guint i = 0; i < n; i++)
        collect_concrete(children[i], out);
}

static GPtrArray *
concrete_classes(const char *root)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_type_class_unref);
    GType type = g_type_from_name(root);
    if (type)
        collect_concrete(type, out);
    return out;
}

static int
machine_cmp(gconstpointer a, gconstpointer b)
{
    VireoMachineClass *x = *(VireoMachineClass *const *)a;
    VireoMachineClass *y = *(VireoMachineClass *const *)b;
    return g_strcmp0(x->name, y->name);
}

JsonNode *
vireo_qmp_cmd_query_machines(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    g_autoptr(GPtrArray) classes = concrete_classes("VireoMachine");
    JsonArray *ret = json_array_new();
    g_ptr_array_sort(classes, machine_cmp);
    for (guint i = 0; i < classes->len; i++)
        json_array_add_object_element(ret, machine_info(g_ptr_array_index(classes, i)));
    return json_node_init_array(json_node_alloc(), ret);
}

JsonNode *
vireo_qmp_cmd_query_cpu_definitions(VireoQmpContext *ctx, JsonObject *args,
                                    GError **error)
{
    g_autoptr(GPtrArray) classes = concrete_classes("VireoCpuModel");
    JsonArray *ret = json_array_new();
    for (guint i = 0; i < classes->len; i++) {
        VireoCpuModelClass *klass = g_ptr_array_index(classes, i);
        JsonObject *o = json_object_new();
        g_autofree char *type = g_strdup_printf("%s-x86_64-cpu", klass->info->name);
        /* CpuDefinitionInfo's declaration order. Named models are fixed
         * feature sets: migration-safe, not static (as in QEMU). */
        json_object_set_string_member(o, "name", klass->info->name);
        json_object_set_boolean_member(o, "migration-safe", TRUE);
        json_object_set_boolean_member(o, "static", FALSE);
        json_object_set_string_member(o, "typename", type);
        json_object_set_boolean_member(o, "deprecated", FALSE);
        json_array_add_object_element(ret, o);
    }
    return json_node_init_array(json_node_alloc(), ret);
}
