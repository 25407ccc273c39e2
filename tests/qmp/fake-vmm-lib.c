/* A stand-in VMM for the QMP tests: implements the control half of vmm.h
 * with QEMU's run-state rules and event semantics but runs no vCPU, so the
 * QMP layer can be tested on its own (the conformance test also runs the
 * real vireo-vmm when it can start). */
#include <config.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "fake-vmm.h"
#include "util/vireo-xml.h"


const char *
vireo_run_state_to_string(int state)
{
    static const char *const names[] = {
        "prelaunch", "running", "paused", "shutdown", "internal-error", "guest-panicked",
    };
    return state >= 0 && state < VIREO_RUN_STATE_LAST ? names[state] : NULL;
}

const char *
vireo_shutdown_cause_to_string(int cause)
{
    static const char *const names[] = {
        "none", "host-error", "host-qmp-quit", "host-qmp-system-reset", "host-signal",
        "host-ui", "guest-shutdown", "guest-reset", "guest-panic", "subsystem-reset",
    };
    return cause >= 0 && cause < VIREO_SHUTDOWN_CAUSE_LAST ? names[cause] : NULL;
}

static void
emit(VireoVmm *vmm, const char *event, JsonObject *data)
{
    for (guint i = 0; i < vmm->listeners->len; i++) {
        FakeListener *l = &g_array_index(vmm->listeners, FakeListener, i);
        l->fn(vmm, event, data, l->opaque);
    }
}

static void
emit_cause(VireoVmm *vmm, const char *event, VireoShutdownCause cause)
{
    g_autoptr(JsonObject) data = json_object_new();
    json_object_set_boolean_member(data, "guest", cause >= VIREO_SHUTDOWN_CAUSE_GUEST_SHUTDOWN
                                   && cause <= VIREO_SHUTDOWN_CAUSE_GUEST_PANIC);
    json_object_set_string_member(data, "reason", vireo_shutdown_cause_to_string(cause));
    emit(vmm, event, data);
}

VireoRunState
vireo_vmm_get_state(VireoVmm *vmm)
{
    return vmm->state;
}

const VireoMachineDesc *
vireo_vmm_get_desc(VireoVmm *vmm)
{
    return vmm->desc;
}

/* QEMU: stop only acts (and says STOP) when the vCPUs run. */
gboolean
vireo_vmm_pause(VireoVmm *vmm, GError **error)
{
    if (vmm->state != VIREO_RUN_STATE_RUNNING)
        return TRUE;
    vmm->state = VIREO_RUN_STATE_PAUSED;
    emit(vmm, "STOP", NULL);
    return TRUE;
}

gboolean
vireo_vmm_resume(VireoVmm *vmm, GError **error)
{
    if (vmm->state == VIREO_RUN_STATE_RUNNING)
        return TRUE;
    vmm->state = VIREO_RUN_STATE_RUNNING;
    emit(vmm, "RESUME", NULL);
    return TRUE;
}

void
vireo_vmm_powerdown(VireoVmm *vmm)
{
    emit(vmm, "POWERDOWN", NULL);
}

/* QEMU: a machine reset while the vCPUs are stopped leaves it in prelaunch. */
void
vireo_vmm_reset(VireoVmm *vmm, VireoShutdownCause cause)
{
    emit_cause(vmm, "RESET", cause);
    if (vmm->state != VIREO_RUN_STATE_RUNNING)
        vmm->state = VIREO_RUN_STATE_PRELAUNCH;
}

void
vireo_vmm_quit(VireoVmm *vmm, VireoShutdownCause cause)
{
    vmm->state = VIREO_RUN_STATE_SHUTDOWN;
    emit_cause(vmm, "SHUTDOWN", cause);
    g_main_loop_quit(vmm->loop);
}

int
vireo_vmm_vcpu_thread_id(VireoVmm *vmm, guint index)
{
    return (int)syscall(SYS_gettid) + (int)index;
}

const char *
vireo_vmm_chardev_pty(VireoVmm *vmm, const char *id)
{
    return NULL;
}

guint
vireo_vmm_add_event_listener(VireoVmm *vmm, VireoVmmEventFn fn, void *opaque)
{
    FakeListener l = { ++vmm->next_listener, fn, opaque };
    g_array_append_val(vmm->listeners, l);
    return l.id;
}

void
vireo_vmm_remove_event_listener(VireoVmm *vmm, guint id)
{
    for (guint i = 0; i < vmm->listeners->len; i++) {
        if (g_array_index(vmm->listeners, FakeListener, i).id == id) {
            g_array_remove_index(vmm->listeners, i);
            return;
        }
    }
}

VireoMachineDesc *
fake_vmm_desc_new(const char *name, const char *uuid, guint64 mib, guint vcpus)
{
    VireoMachineDesc *desc = g_new0(VireoMachineDesc, 1);
    desc->name = g_strdup(name);
    vireo_uuid_parse(uuid, desc->uuid);
    desc->accel_kvm = TRUE;
    desc->mem.ram_bytes = mib << 20;
    desc->cpu.sockets = vcpus;
    desc->cpu.dies = desc->cpu.cores = desc->cpu.threads = 1;
    desc->cpu.vcpus = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < vcpus; i++) {
        VireoVcpuDesc *v = g_new0(VireoVcpuDesc, 1);
        v->index = v->socket_id = i;
        v->present = TRUE;
        g_ptr_array_add(desc->cpu.vcpus, v);
    }
    desc->devices = g_ptr_array_new();
    return desc;
}


void
fake_vmm_desc_free(VireoMachineDesc *desc)
{
    g_free(desc->name);
    g_ptr_array_unref(desc->cpu.vcpus);
    g_ptr_array_unref(desc->devices);
    g_free(desc);
}

void
fake_vmm_clear(VireoVmm *vmm)
{
    g_clear_pointer(&vmm->desc, fake_vmm_desc_free);
    g_clear_pointer(&vmm->listeners, g_array_unref);
    g_clear_pointer(&vmm->loop, g_main_loop_unref);
}
