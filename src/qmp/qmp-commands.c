/* vireo: the QMP command handlers. Arguments were already checked against
 * schemas/qmp.json; each handler drives the VMM only through vmm.h and
 * builds its reply in the shape schemas/qmp.json declares. */
#include <config.h>
#include "qmp/qmp-private.h"
#include "qmp/qmp-schema.h"
#include "util/vireo-xml.h"

/* Nodes that take the caller's reference: json_node_init_object() and
 * json_node_init_array() add one of their own, and each reply leaked. */
static JsonNode *
node_from_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, obj);
    return node;
}

static JsonNode *
node_from_array(JsonArray *arr)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, arr);
    return node;
}

static JsonNode *
empty_return(void)
{
    return node_from_object(json_object_new());
}

/* ---- negotiation and introspection --------------------------------------- */

static JsonNode *
cmd_qmp_capabilities(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    gboolean oob = FALSE;
    if (vireo_qmp_client_negotiated(ctx->client)) {
        g_set_error_literal(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_COMMAND_NOT_FOUND,
                            "Capabilities negotiation is already complete, command ignored");
        return NULL;
    }
    if (json_object_has_member(args, "enable")) {
        JsonArray *caps = json_object_get_array_member(args, "enable");
        for (guint i = 0; i < json_array_get_length(caps); i++)
            oob |= g_str_equal(json_array_get_string_element(caps, i), "oob");
    }
    vireo_qmp_client_set_negotiated(ctx->client, oob);
    return empty_return();
}

static JsonNode *
cmd_query_version(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    JsonObject *qemu = json_object_new();
    JsonObject *ret = json_object_new();
    json_object_set_int_member(qemu, "major", VIREO_QMP_QEMU_MAJOR);
    json_object_set_int_member(qemu, "minor", VIREO_QMP_QEMU_MINOR);
    json_object_set_int_member(qemu, "micro", VIREO_QMP_QEMU_MICRO);
    json_object_set_object_member(ret, "qemu", qemu);
    json_object_set_string_member(ret, "package", "vireo " PACKAGE_VERSION);
    return node_from_object(ret);
}

static JsonNode *
cmd_query_commands(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    return vireo_qmp_schema_command_list(vireo_qmp_schema_get());
}

static JsonNode *
cmd_query_qmp_schema(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    return vireo_qmp_schema_introspect(vireo_qmp_schema_get());
}

/* ---- identity and state --------------------------------------------------- */

static JsonNode *
cmd_query_name(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(ctx->vmm);
    JsonObject *ret = json_object_new();
    if (desc && desc->name)
        json_object_set_string_member(ret, "name", desc->name);
    return node_from_object(ret);
}

static JsonNode *
cmd_query_uuid(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(ctx->vmm);
    static const guint8 zero[16];
    char uuid[37];
    JsonObject *ret = json_object_new();
    vireo_uuid_format(desc ? desc->uuid : zero, uuid);
    json_object_set_string_member(ret, "UUID", uuid);
    return node_from_object(ret);
}

static JsonNode *
cmd_query_status(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    VireoRunState state = vireo_vmm_get_state(ctx->vmm);
    JsonObject *ret = json_object_new();
    json_object_set_boolean_member(ret, "running", state == VIREO_RUN_STATE_RUNNING);
    json_object_set_boolean_member(ret, "singlestep", FALSE);
    json_object_set_string_member(ret, "status", vireo_run_state_to_string(state));
    return node_from_object(ret);
}

/* ---- lifecycle: the VMM emits the events before these return ------------- */

static JsonNode *
cmd_stop(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    return vireo_vmm_pause(ctx->vmm, error) ? empty_return() : NULL;
}

/* QEMU refuses to resume a VM that ended (shutdown, internal error, guest
 * panic) until it is reset, with this text. */
static JsonNode *
cmd_cont(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    switch (vireo_vmm_get_state(ctx->vmm)) {
    case VIREO_RUN_STATE_SHUTDOWN:
    case VIREO_RUN_STATE_INTERNAL_ERROR:
    case VIREO_RUN_STATE_GUEST_PANICKED:
        g_set_error_literal(error, VIREO_QMP_ERROR, VIREO_QMP_ERROR_GENERIC,
                            "Resetting the Virtual Machine is required");
        return NULL;
    default:
        return vireo_vmm_resume(ctx->vmm, error) ? empty_return() : NULL;
    }
}

static JsonNode *
cmd_system_powerdown(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    vireo_vmm_powerdown(ctx->vmm);
    return empty_return();
}

static JsonNode *
cmd_system_reset(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    vireo_vmm_reset(ctx->vmm, VIREO_SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return empty_return();
}

/* SHUTDOWN goes out first, then the reply, then the VMM ends (QEMU 7.2). */
static JsonNode *
cmd_quit(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    vireo_vmm_quit(ctx->vmm, VIREO_SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return empty_return();
}

/* ---- hardware views ------------------------------------------------------- */

static JsonObject *
cpu_props(const VireoCpuDesc *cpu, const VireoVcpuDesc *v)
{
    JsonObject *props = json_object_new();
    /* QEMU's x86 CPUs report die-id only when there is more than one die. */
    json_object_set_int_member(props, "socket-id", v->socket_id);
    if (cpu->dies > 1)
        json_object_set_int_member(props, "die-id", v->die_id);
    json_object_set_int_member(props, "core-id", v->core_id);
    json_object_set_int_member(props, "thread-id", v->thread_id);
    return props;
}

static JsonNode *
cmd_query_cpus_fast(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(ctx->vmm);
    JsonArray *ret = json_array_new();
    for (guint i = 0; desc && desc->cpu.vcpus && i < desc->cpu.vcpus->len; i++) {
        const VireoVcpuDesc *v = g_ptr_array_index(desc->cpu.vcpus, i);
        if (!v->present)
            continue;
        JsonObject *o = json_object_new();
        g_autofree char *qom = g_strdup_printf("/machine/unattached/device[%u]", v->index);
        json_object_set_int_member(o, "cpu-index", v->index);
        json_object_set_string_member(o, "qom-path", qom);
        json_object_set_int_member(o, "thread-id", vireo_vmm_vcpu_thread_id(ctx->vmm, v->index));
        json_object_set_object_member(o, "props", cpu_props(&desc->cpu, v));
        json_object_set_string_member(o, "target", "x86_64");
        json_array_add_object_element(ret, o);
    }
    return node_from_array(ret);
}

static JsonNode *
cmd_query_kvm(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(ctx->vmm);
    JsonObject *ret = json_object_new();
    /* "present": KVM support is built in (always, for vireo), as in QEMU. */
    json_object_set_boolean_member(ret, "enabled", desc ? desc->accel_kvm : TRUE);
    json_object_set_boolean_member(ret, "present", TRUE);
    return node_from_object(ret);
}

static JsonNode *
chardev_info(const char *label, const char *filename)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "label", label);
    json_object_set_string_member(o, "filename", filename);
    json_object_set_boolean_member(o, "frontend-open", TRUE);
    return node_from_object(o);
}

/* QEMU 7.2's ChardevInfo "filename" for a backend: "pty:/dev/pts/3",
 * "file" (no path, as QEMU says), "unix:/p,server=on", "null", "stdio". */
static char *
chardev_filename(VireoVmm *vmm, const VireoDeviceDesc *dev)
{
    const VireoChardevDesc *chr = dev->chardev;
    const char *pty;
    switch (chr->type) {
    case VIREO_CHR_TYPE_PTY:
        pty = vireo_vmm_chardev_pty(vmm, dev->id);
        return g_strdup_printf("pty:%s", pty ? pty : "");
    case VIREO_CHR_TYPE_FILE: return g_strdup("file");
    case VIREO_CHR_TYPE_UNIX: return g_strdup_printf("unix:%s,server=on", chr->path);
    case VIREO_CHR_TYPE_DEV: return g_strdup_printf("%s", chr->path);
    case VIREO_CHR_TYPE_STDIO: return g_strdup("stdio");
    default: return g_strdup("null");
    }
}

static JsonNode *
cmd_query_chardev(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(ctx->vmm);
    JsonArray *ret = json_array_new();
    guint n = 0;
    for (guint i = 0; desc && desc->devices && i < desc->devices->len; i++) {
        const VireoDeviceDesc *dev = g_ptr_array_index(desc->devices, i);
        if (!dev->chardev)
            continue;
        g_autofree char *label = g_strdup_printf("char%s", dev->id);
        g_autofree char *filename = chardev_filename(ctx->vmm, dev);
        json_array_add_element(ret, chardev_info(label, filename));
    }
    /* The monitors themselves, named as QEMU names -qmp chardevs. */
    for (GList *l = vireo_qmp_server_list(); l; l = l->next, n++) {
        g_autofree char *label = g_strdup_printf("compat_monitor%u", n);
        g_autofree char *filename = g_strdup_printf(
            "%sunix:%s,server=on", vireo_qmp_server_connected(l->data) ? "" : "disconnected:",
            vireo_qmp_server_path(l->data));
        json_array_add_element(ret, chardev_info(label, filename));
    }
    return node_from_array(ret);
}

static JsonNode *
cmd_query_block(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    /* No block backends exist in vireo-vmm yet. */
    return node_from_array(json_array_new());
}

static JsonNode *
cmd_query_vnc(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    JsonObject *ret = json_object_new();
    /* No VNC server exists in vireo-vmm yet. */
    json_object_set_boolean_member(ret, "enabled", FALSE);
    return node_from_object(ret);
}

static JsonNode *
cmd_query_memory_size_summary(VireoQmpContext *ctx, JsonObject *args, GError **error)
{
    const VireoMachineDesc *desc = vireo_vmm_get_desc(ctx->vmm);
    JsonObject *ret = json_object_new();
    json_object_set_int_member(ret, "base-memory", desc ? desc->mem.ram_bytes : 0);
    json_object_set_int_member(ret, "plugged-memory", 0);
    return node_from_object(ret);
}

const VireoQmpCommand vireo_qmp_commands[] = {
    { "qmp_capabilities", cmd_qmp_capabilities },
    { "query-version", cmd_query_version },
    { "query-commands", cmd_query_commands },
    { "query-qmp-schema", cmd_query_qmp_schema },
    { "query-name", cmd_query_name },
    { "query-uuid", cmd_query_uuid },
    { "query-status", cmd_query_status },
    { "stop", cmd_stop },
    { "cont", cmd_cont },
    { "system_powerdown", cmd_system_powerdown },
    { "system_reset", cmd_system_reset },
    { "quit", cmd_quit },
    { "query-cpus-fast", cmd_query_cpus_fast },
    { "query-kvm", cmd_query_kvm },
    { "query-machines", vireo_qmp_cmd_query_machines },
    { "query-cpu-definitions", vireo_qmp_cmd_query_cpu_definitions },
    { "query-chardev", cmd_query_chardev },
    { "query-block", cmd_query_block },
    { "query-vnc", cmd_query_vnc },
    { "query-memory-size-summary", cmd_query_memory_size_summary },
    { NULL, NULL },
};

const VireoQmpCommand *
vireo_qmp_command_lookup(const char *name)
{
    for (const VireoQmpCommand *c = vireo_qmp_commands; c->name; c++) {
        if (g_str_equal(c->name, name))
            return c;
    }
    return NULL;
}
