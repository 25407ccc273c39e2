/* The run-state machine of one VM (QEMU's RunState), its lifecycle events
 * and the guest's power-off/reset/panic requests, all on the main loop.
 * vCPU threads and devices never call in directly: their requests are
 * handed over to the main loop as idle sources. */
#include <config.h>
#include <signal.h>
#include <string.h>
#include "vmm/vmm-priv.h"
#include "hw/serial.h"
#include "util/vireo-enum.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

VIREO_ENUM_IMPL(vireo_run_state, VIREO_RUN_STATE_LAST,
                "prelaunch", "running", "paused", "shutdown",
                "internal-error", "guest-panicked");

VIREO_ENUM_IMPL(vireo_shutdown_cause, VIREO_SHUTDOWN_CAUSE_LAST,
                "none", "host-error", "host-qmp-quit", "host-qmp-system-reset",
                "host-signal", "host-ui", "guest-shutdown", "guest-reset",
                "guest-panic", "subsystem-reset");

/* ---- events ------------------------------------------------------------ */
static void
vmm_emit_event(VireoVmm *vmm, const VireoVmmEvent *event)
{
    /* A copy: a listener may remove itself. */
    g_autoptr(GArray) listeners = g_array_copy(vmm->listeners);
    for (guint i = 0; i < listeners->len; i++) {
        VireoVmmListener *l = &g_array_index(listeners, VireoVmmListener, i);
        l->fn(vmm, event, l->opaque);
    }
}

static void
vmm_emit(VireoVmm *vmm, const char *name)
{
    vmm_emit_event(vmm, &(VireoVmmEvent) { .name = name });
}

/* SHUTDOWN and RESET carry who caused them and why. */
static void
vmm_emit_cause(VireoVmm *vmm, const char *name, VireoShutdownCause cause)
{
    vmm_emit_event(vmm, &(VireoVmmEvent) {
        .name = name,
        .reason = vireo_shutdown_cause_to_string(cause),
        .guest = cause >= VIREO_SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
                 cause <= VIREO_SHUTDOWN_CAUSE_GUEST_PANIC,
    });
}

static void
vmm_emit_panic(VireoVmm *vmm, const char *action)
{
    vmm_emit_event(vmm, &(VireoVmmEvent) { .name = "GUEST_PANICKED", .action = action });
}

guint
vireo_vmm_add_event_listener(VireoVmm *vmm, VireoVmmEventFn fn, void *opaque)
{
    VireoVmmListener l = { ++vmm->next_listener_id, fn, opaque };
    g_array_append_val(vmm->listeners, l);
    return l.id;
}

void
vireo_vmm_remove_event_listener(VireoVmm *vmm, guint id)
{
    for (guint i = 0; i < vmm->listeners->len; i++)
        if (g_array_index(vmm->listeners, VireoVmmListener, i).id == id) {
            g_array_remove_index(vmm->listeners, i);
            return;
        }
}

/* ---- accessors --------------------------------------------------------- */
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

int
vireo_vmm_vcpu_thread_id(VireoVmm *vmm, guint index)
{
    return vmm->vm ? vireo_kvm_vm_vcpu_tid(vmm->vm, index) : 0;
}

const char *
vireo_vmm_chardev_pty(VireoVmm *vmm, const char *id)
{
    for (guint i = 0; vmm->devices && i < vmm->devices->len; i++) {
        VireoDevice *dev = g_ptr_array_index(vmm->devices, i);
        const VireoDeviceDesc *desc = vireo_device_get_desc(dev);
        if (VIREO_IS_SERIAL(dev) && g_strcmp0(desc->id, id) == 0) {
            VireoChardev *chr = vireo_serial_get_chardev(VIREO_SERIAL(dev));
            return chr ? vireo_chardev_get_pty_path(chr) : NULL;
        }
    }
    return NULL;
}

gboolean
vireo_vmm_has_ended(VireoVmm *vmm)
{
    return vmm->ended;
}

const char *
vireo_vmm_get_end_reason(VireoVmm *vmm)
{
    return vmm->end_reason;
}

int
vireo_vmm_get_exit_status(VireoVmm *vmm)
{
    return vmm->exit_status;
}

/* ---- running, pausing -------------------------------------------------- */
static gboolean
vmm_quit_loop(gpointer opaque)
{
    VireoVmm *vmm = opaque;
    if (vmm->loop)
        g_main_loop_quit(vmm->loop);
    return G_SOURCE_REMOVE;
}

/* Runs fn on the VMM's main context at default priority; safe from any
 * thread (g_source_attach takes the context's lock). */
static void
vmm_add_idle(VireoVmm *vmm, GSourceFunc fn, gpointer data, GDestroyNotify notify)
{
    GSource *idle = g_idle_source_new();
    g_source_set_priority(idle, G_PRIORITY_DEFAULT);
    g_source_set_callback(idle, fn, data, notify);
    g_source_attach(idle, vmm->ctx);
    g_source_unref(idle);
}

/* The one way the VMM ends: vCPUs stop, SHUTDOWN is sent, the loop quits
 * once pending output (QMP events) had a chance to go out. */
static void
vmm_end(VireoVmm *vmm, VireoShutdownCause cause, int status, const char *reason)
{
    if (vmm->ended)
        return;
    vmm->ended = TRUE;
    vmm->end_cause = cause;
    vmm->end_reason = g_strdup(reason);
    vmm->exit_status = status;
    if (vmm->vm)
        vireo_kvm_vm_pause(vmm->vm);
    if (vmm->state != VIREO_RUN_STATE_INTERNAL_ERROR &&
        vmm->state != VIREO_RUN_STATE_GUEST_PANICKED)
        vmm->state = VIREO_RUN_STATE_SHUTDOWN;
    vmm_emit_cause(vmm, "SHUTDOWN", cause);
    /* Default priority, not low: a low-priority idle never runs while any
     * default-priority source stays ready (a peer that keeps an fd readable),
     * and the VMM would ignore SIGTERM. Sources ready in the same iteration
     * (QMP output carrying the SHUTDOWN event) are still dispatched first. */
    vmm_add_idle(vmm, vmm_quit_loop, vmm, NULL);
}

gboolean
vireo_vmm_start(VireoVmm *vmm, GError **error)
{
    return vireo_vmm_resume(vmm, error);
}

/* Guest time (the PIT's counters and IRQ 0) stops with the vCPUs. */
static void
vmm_devices_set_running(VireoVmm *vmm, gboolean running)
{
    for (guint i = 0; vmm->devices && i < vmm->devices->len; i++)
        vireo_device_set_running(g_ptr_array_index(vmm->devices, i), running);
}

gboolean
vireo_vmm_pause(VireoVmm *vmm, GError **error)
{
    if (vmm->state != VIREO_RUN_STATE_RUNNING)
        return TRUE;        /* QMP stop is idempotent */
    vireo_kvm_vm_pause(vmm->vm);
    vmm_devices_set_running(vmm, FALSE);
    vmm->state = VIREO_RUN_STATE_PAUSED;
    vmm_emit(vmm, "STOP");
    return TRUE;
}

gboolean
vireo_vmm_resume(VireoVmm *vmm, GError **error)
{
    switch (vmm->state) {
    case VIREO_RUN_STATE_RUNNING:
        return TRUE;
    case VIREO_RUN_STATE_PRELAUNCH:
    case VIREO_RUN_STATE_PAUSED:
        break;
    default:
        vireo_error_set(error, VIREO_ERR_OPERATION_INVALID,
                        _("cannot resume a domain in state '%s'"),
                        vireo_run_state_to_string(vmm->state));
        return FALSE;
    }
    vmm->state = VIREO_RUN_STATE_RUNNING;
    vmm_devices_set_running(vmm, TRUE);
    vireo_kvm_vm_resume(vmm->vm);
    vmm_emit(vmm, "RESUME");
    return TRUE;
}

void
vireo_vmm_quit(VireoVmm *vmm, VireoShutdownCause cause)
{
    const char *reason = cause == VIREO_SHUTDOWN_CAUSE_HOST_QMP_QUIT
                         ? _("quit requested over QMP") : _("quit requested");
    vmm_end(vmm, cause, VIREO_VMM_EXIT_OK, reason);
}

void
vireo_vmm_quit_on_signal(VireoVmm *vmm, int signum)
{
    g_autofree char *reason =
        g_strdup_printf(_("killed by signal %s"), signum == SIGINT ? "SIGINT" :
                        signum == SIGHUP ? "SIGHUP" : "SIGTERM");
    vmm_end(vmm, VIREO_SHUTDOWN_CAUSE_HOST_SIGNAL, VIREO_VMM_EXIT_OK, reason);
}

static void
vmm_drain_serial_ports(VireoVmm *vmm)
{
    for (guint i = 0; vmm->devices && i < vmm->devices->len; i++) {
        VireoDevice *dev = g_ptr_array_index(vmm->devices, i);
        if (VIREO_IS_SERIAL(dev) && vireo_serial_get_chardev(VIREO_SERIAL(dev)))
            vireo_chardev_drain(vireo_serial_get_chardev(VIREO_SERIAL(dev)));
    }
}

int
vireo_vmm_run(VireoVmm *vmm)
{
    if (!vmm->ended) {
        vmm->loop = g_main_loop_new(vmm->ctx, FALSE);
        g_main_loop_run(vmm->loop);
        g_clear_pointer(&vmm->loop, g_main_loop_unref);
    }
    /* A guest that ended itself gets its last output delivered (a console
     * shows "Powering off."); a destroyed one is cut off, as in QEMU. */
    if (vmm->end_cause == VIREO_SHUTDOWN_CAUSE_GUEST_SHUTDOWN ||
        vmm->end_cause == VIREO_SHUTDOWN_CAUSE_GUEST_RESET ||
        vmm->end_cause == VIREO_SHUTDOWN_CAUSE_GUEST_PANIC)
        vmm_drain_serial_ports(vmm);
    return vmm->exit_status;
}

/* ---- reset ------------------------------------------------------------- */
static void
vmm_host_error(VireoVmm *vmm, const char *detail)
{
    g_autofree char *reason = g_strdup_printf(_("host error: %s"), detail);
    if (vmm->vm)
        vireo_kvm_vm_pause(vmm->vm);
    if (vmm->state == VIREO_RUN_STATE_RUNNING)
        vmm_emit(vmm, "STOP");
    vmm->state = VIREO_RUN_STATE_INTERNAL_ERROR;
    vmm_end(vmm, VIREO_SHUTDOWN_CAUSE_HOST_ERROR, VIREO_VMM_EXIT_HOST_ERROR, reason);
}

/* Power-on state again: devices, guest memory, vCPU 0 at the entry. */
static gboolean
vmm_do_reset(VireoVmm *vmm, GError **error)
{
    vireo_kvm_vm_pause(vmm->vm);
    /* Controllers first: the devices' resets drive their lines again. */
    if (vmm->irqchip)
        vireo_irqchip_reset(vmm->irqchip);
    for (guint i = 0; i < vmm->devices->len; i++)
        vireo_device_reset(g_ptr_array_index(vmm->devices, i));
    if (!vireo_vmm_reload(vmm, error) ||
        !vireo_kvm_vm_reset(vmm->vm, &vmm->boot.entry, error))
        return FALSE;
    if (vmm->state == VIREO_RUN_STATE_RUNNING)
        vireo_kvm_vm_resume(vmm->vm);
    return TRUE;
}

void
vireo_vmm_reset(VireoVmm *vmm, VireoShutdownCause cause)
{
    if (vmm->ended)
        return;
    /* QEMU's -no-reboot: a reset request ends the VM instead. */
    if (vmm->desc->on_reboot == VIREO_LIFECYCLE_DESTROY ||
        vmm->desc->on_reboot == VIREO_LIFECYCLE_COREDUMP_DESTROY) {
        vmm_end(vmm, cause, VIREO_VMM_EXIT_OK,
                cause == VIREO_SHUTDOWN_CAUSE_GUEST_RESET
                ? _("guest reset with on_reboot=destroy")
                : _("reset requested with on_reboot=destroy"));
        return;
    }
    g_autoptr(GError) err = NULL;
    if (!vmm_do_reset(vmm, &err)) {
        vmm_host_error(vmm, err->message);
        return;
    }
    /* As QEMU's main loop: a reset of a VM that is not running (paused,
     * guest-panicked) leaves it in prelaunch, from which cont starts it. */
    if (vmm->state != VIREO_RUN_STATE_RUNNING)
        vmm->state = VIREO_RUN_STATE_PRELAUNCH;
    vmm_emit_cause(vmm, "RESET", cause);
}

void
vireo_vmm_powerdown(VireoVmm *vmm)
{
    if (vmm->ended)
        return;
    vmm_emit(vmm, "POWERDOWN");
    vireo_vmm_press_power_button(vmm);
}

/* ---- what the guest asks for ------------------------------------------- */
static void
vmm_guest_poweroff(VireoVmm *vmm)
{
    switch (vmm->desc->on_poweroff) {
    case VIREO_LIFECYCLE_RESTART:
    case VIREO_LIFECYCLE_RESTART_RENAME:
    case VIREO_LIFECYCLE_COREDUMP_RESTART:
        vireo_vmm_reset(vmm, VIREO_SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        break;
    default:
        vmm_end(vmm, VIREO_SHUTDOWN_CAUSE_GUEST_SHUTDOWN, VIREO_VMM_EXIT_OK,
                _("guest poweroff"));
    }
}

static void
vmm_guest_panic(VireoVmm *vmm)
{
    switch (vmm->desc->on_crash) {
    case VIREO_LIFECYCLE_RESTART:
    case VIREO_LIFECYCLE_RESTART_RENAME:
    case VIREO_LIFECYCLE_COREDUMP_RESTART:
        vmm_emit_panic(vmm, "run");
        vireo_vmm_reset(vmm, VIREO_SHUTDOWN_CAUSE_GUEST_PANIC);
        return;
    case VIREO_LIFECYCLE_PRESERVE:
        /* Stays paused for inspection, as QEMU's -action panic=pause. */
        vireo_kvm_vm_pause(vmm->vm);
        vmm_devices_set_running(vmm, FALSE);
        if (vmm->state == VIREO_RUN_STATE_RUNNING)
            vmm_emit(vmm, "STOP");
        vmm->state = VIREO_RUN_STATE_GUEST_PANICKED;
        vmm_emit_panic(vmm, "pause");
        return;
    default:
        vmm->state = VIREO_RUN_STATE_GUEST_PANICKED;
        vmm_emit_panic(vmm, "poweroff");
        vmm_end(vmm, VIREO_SHUTDOWN_CAUSE_GUEST_PANIC,
                VIREO_VMM_EXIT_GUEST_CRASHED, _("guest crashed"));
    }
}

typedef struct {
    VireoVmm *vmm;
    VireoVmRequest req;
    gboolean is_kvm_event;
    VireoKvmEvent ev;
    char *detail;
} VmmWork;

static void
vmm_work_free(gpointer p)
{
    VmmWork *w = p;
    g_free(w->detail);
    g_free(w);
}

static void
vmm_handle_request(VireoVmm *vmm, VireoVmRequest req)
{
    switch (req) {
    case VIREO_VM_REQUEST_POWEROFF:
        vmm_guest_poweroff(vmm);
        break;
    case VIREO_VM_REQUEST_RESET:
        vireo_vmm_reset(vmm, VIREO_SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case VIREO_VM_REQUEST_PANIC:
        vmm_guest_panic(vmm);
        break;
    }
}

static void
vmm_handle_kvm_event(VireoVmm *vmm, VireoKvmEvent ev, const char *detail)
{
    switch (ev) {
    case VIREO_KVM_EVENT_TRIPLE_FAULT:
    case VIREO_KVM_EVENT_SYSTEM_RESET:
        vireo_vmm_reset(vmm, VIREO_SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case VIREO_KVM_EVENT_SYSTEM_SHUTDOWN:
        vmm_guest_poweroff(vmm);
        break;
    case VIREO_KVM_EVENT_SYSTEM_CRASH:
        vmm_guest_panic(vmm);
        break;
    case VIREO_KVM_EVENT_INTERNAL_ERROR:
        vmm_host_error(vmm, detail ? detail : "KVM internal error");
        break;
    }
}

static gboolean
vmm_do_work(gpointer p)
{
    VmmWork *w = p;
    /* After the end (or with the VM paused for a reset in progress), late
     * requests from vCPU threads have nothing left to act on. */
    if (w->vmm->ended)
        return G_SOURCE_REMOVE;
    if (w->is_kvm_event)
        vmm_handle_kvm_event(w->vmm, w->ev, w->detail);
    else
        vmm_handle_request(w->vmm, w->req);
    return G_SOURCE_REMOVE;
}

/* An idle source rather than g_main_context_invoke: invoke may run the
 * function right here, on the vCPU thread, when it can acquire the context. */
static void
vmm_hand_over(VireoVmm *vmm, VmmWork *w)
{
    w->vmm = vmm;
    vmm_add_idle(vmm, vmm_do_work, w, vmm_work_free);
}

void
vireo_vmm_on_device_request(void *opaque, VireoVmRequest req)
{
    VmmWork *w = g_new0(VmmWork, 1);
    w->req = req;
    vmm_hand_over(opaque, w);
}

void
vireo_vmm_on_kvm_event(void *opaque, guint vcpu, VireoKvmEvent ev,
                       const char *detail)
{
    VmmWork *w = g_new0(VmmWork, 1);
    w->is_kvm_event = TRUE;
    w->ev = ev;
    w->detail = g_strdup(detail);
    vmm_hand_over(opaque, w);
}
