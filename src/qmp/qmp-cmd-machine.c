/* vireo: query-machines and query-cpu-definitions, read from the machine
 * and CPU model types src/machine registers (QEMU reads its QOM classes),
 * through src/machine's own listings so both report the same set. */
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

JsonNode *
vireo_qmp_cmd_query_machines(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    /* src/machine's order (family, version, then name), as `vireo
     * capabilities` lists them; QEMU's order is its hash table's. */
    g_autoptr(GPtrArray) classes = vireo_machine_class_list();
    g_autoptr(JsonArray) ret = json_array_new();
    for (guint i = 0; i < classes->len; i++)
        json_array_add_object_element(ret, machine_info(g_ptr_array_index(classes, i)));
    return json_node_init_array(json_node_alloc(), ret);
}

JsonNode *
vireo_qmp_cmd_query_cpu_definitions(VireoQmpContext *ctx, JsonObject *args,
                                    GError **error)
{
    g_autoptr(GPtrArray) classes = vireo_cpu_model_class_list();
    g_autoptr(JsonArray) ret = json_array_new();
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
