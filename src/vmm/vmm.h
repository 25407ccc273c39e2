/* vireo: the running VM as the control plane sees it. src/vmm implements
 * this; src/qmp drives it. All functions are called on the main loop thread;
 * events are delivered there too. */
#pragma once
#include <glib.h>
#include "machine/machine_desc.h"

typedef enum {
    VIREO_RUN_STATE_PRELAUNCH,      /* --paused, vCPUs never ran */
    VIREO_RUN_STATE_RUNNING,
    VIREO_RUN_STATE_PAUSED,         /* QMP stop */
    VIREO_RUN_STATE_SHUTDOWN,       /* guest powered off / quit; process ending */
    VIREO_RUN_STATE_INTERNAL_ERROR, /* KVM internal error, emulation failure */
    VIREO_RUN_STATE_GUEST_PANICKED,
    VIREO_RUN_STATE_LAST
} VireoRunState;
/* QMP's RunState names: "prelaunch", "running", "paused", "shutdown", ... */
const char *vireo_run_state_to_string(int state);

/* Why the VM stopped or reset, with QMP's ShutdownCause names:
 * "guest-shutdown", "guest-reset", "guest-panic", "host-qmp-quit",
 * "host-qmp-system-reset", "host-signal", "host-error". */
typedef enum {
    VIREO_SHUTDOWN_CAUSE_NONE,
    VIREO_SHUTDOWN_CAUSE_HOST_ERROR,
    VIREO_SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    VIREO_SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    VIREO_SHUTDOWN_CAUSE_HOST_SIGNAL,
    VIREO_SHUTDOWN_CAUSE_HOST_UI,
    VIREO_SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    VIREO_SHUTDOWN_CAUSE_GUEST_RESET,
    VIREO_SHUTDOWN_CAUSE_GUEST_PANIC,
    VIREO_SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
    VIREO_SHUTDOWN_CAUSE_LAST
} VireoShutdownCause;
const char *vireo_shutdown_cause_to_string(int cause);

typedef struct _VireoVmm VireoVmm;

VireoRunState vireo_vmm_get_state(VireoVmm *vmm);
const VireoMachineDesc *vireo_vmm_get_desc(VireoVmm *vmm);

/* QMP stop / cont: every vCPU really stops (kicked out of KVM_RUN). */
gboolean vireo_vmm_pause(VireoVmm *vmm, GError **error);
gboolean vireo_vmm_resume(VireoVmm *vmm, GError **error);
/* ACPI power button: sets PWRBTN_STS and raises the SCI. */
void vireo_vmm_powerdown(VireoVmm *vmm);
/* Machine reset, emitting RESET with the cause. */
void vireo_vmm_reset(VireoVmm *vmm, VireoShutdownCause cause);
/* Ends the VMM (SHUTDOWN event with cause, then the main loop quits). */
void vireo_vmm_quit(VireoVmm *vmm, VireoShutdownCause cause);

/* vCPU i's host thread id (gettid), for query-cpus-fast. */
int vireo_vmm_vcpu_thread_id(VireoVmm *vmm, guint index);
/* The pty path allocated for chardev id ("serial0"), NULL when not a pty. */
const char *vireo_vmm_chardev_pty(VireoVmm *vmm, const char *id);

/* Lifecycle events, with QMP's names and data: "STOP", "RESUME", "POWERDOWN"
 * (no data), "SHUTDOWN" and "RESET" {guest, reason}, "GUEST_PANICKED"
 * {action}. Plain data, not JSON: formatting them is QMP's business, so
 * the VMM does not depend on json-glib. The listener must not keep the
 * pointer. */
typedef struct {
    const char *name;       /* "SHUTDOWN" */
    const char *reason;     /* SHUTDOWN, RESET: "guest-shutdown"...; else NULL */
    gboolean guest;         /* with reason: the guest caused it */
    const char *action;     /* GUEST_PANICKED: "run", "pause", "poweroff"; else NULL */
} VireoVmmEvent;
typedef void (*VireoVmmEventFn)(VireoVmm *vmm, const VireoVmmEvent *event,
                                void *opaque);
guint vireo_vmm_add_event_listener(VireoVmm *vmm, VireoVmmEventFn fn,
                                   void *opaque);
void vireo_vmm_remove_event_listener(VireoVmm *vmm, guint id);

/* ---- the runtime side: building and running (vireo-vmm's main, tests) -- */
/* Exit statuses of vireo-vmm (docs/runtime.md). */
#define VIREO_VMM_EXIT_OK            0  /* guest poweroff/reset-destroy, signal, QMP quit */
#define VIREO_VMM_EXIT_FAILURE       1  /* bad options, domain or start-up failure */
#define VIREO_VMM_EXIT_GUEST_CRASHED 2  /* guest panic with on_crash=destroy */
#define VIREO_VMM_EXIT_HOST_ERROR    3  /* KVM internal error, failed entry */

/* Builds the VM from desc (taken over): RAM, irqchip, devices, ACPI
 * tables, kernel, vCPUs, in that order; the failing step is named in the
 * error and what was built is torn down in reverse. Events and device work
 * run in the thread-default main context. The vCPUs wait in PRELAUNCH. */
VireoVmm *vireo_vmm_new(VireoMachineDesc *desc, GError **error);
/* The same, calling progress(data) after each step of the build: the
 * program can do work that must not wait for the whole build (vireo-vmm
 * greets QMP clients that have connected) without the VMM knowing what. */
typedef void (*VireoVmmBuildProgress)(gpointer data);
VireoVmm *vireo_vmm_new_with_progress(VireoMachineDesc *desc,
                                      VireoVmmBuildProgress progress,
                                      gpointer data, GError **error);
void vireo_vmm_free(VireoVmm *vmm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoVmm, vireo_vmm_free)

/* PRELAUNCH -> RUNNING (what --paused leaves to QMP cont). */
gboolean vireo_vmm_start(VireoVmm *vmm, GError **error);
/* Runs the main loop until the VMM ends; returns the exit status. */
int vireo_vmm_run(VireoVmm *vmm);
/* Ends the VMM because of a host signal ("killed by signal SIGTERM"). */
void vireo_vmm_quit_on_signal(VireoVmm *vmm, int signum);
gboolean vireo_vmm_has_ended(VireoVmm *vmm);
/* Why it ended ("guest poweroff", "host error: KVM internal error ..."),
 * NULL while it runs; and the matching exit status. */
const char *vireo_vmm_get_end_reason(VireoVmm *vmm);
int vireo_vmm_get_exit_status(VireoVmm *vmm);
