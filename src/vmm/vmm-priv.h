/* Internal to src/vmm: the VMM object shared by the builder (builder.c)
 * and the run-state machine (vmm.c). */
#pragma once
#include "vmm/vmm.h"
#include "kvm/kvm.h"
#include "hw/hw.h"
#include "hw/irqchip.h"

typedef struct {
    guint id;
    VireoVmmEventFn fn;
    void *opaque;
} VireoVmmListener;

struct _VireoVmm {
    VireoMachineDesc *desc;
    GMainContext *ctx;
    GMainLoop *loop;
    VireoKvmVm *vm;
    VireoBus *bus;
    VireoHwContext hw;
    VireoIrqChip *irqchip;          /* PIC + IOAPIC (split irqchip) */
    GPtrArray *devices;             /* VireoDevice*, creation order */
    guint64 rsdp_addr;
    VireoBootInfo boot;

    VireoRunState state;
    GArray *listeners;              /* VireoVmmListener */
    guint next_listener_id;
    /* Set once the VMM ends; work handed over by vCPU threads after that
     * is dropped. */
    gboolean ended;
    char *end_reason;
    VireoShutdownCause end_cause;
    int exit_status;
};

/* builder.c */
gboolean vireo_vmm_build(VireoVmm *vmm, VireoVmmBuildProgress progress,
                         gpointer data, GError **error);
void vireo_vmm_teardown(VireoVmm *vmm);
/* Puts guest memory back to power-on: ACPI tables, kernel, zero page. */
gboolean vireo_vmm_reload(VireoVmm *vmm, GError **error);

/* vmm.c: entry points for vCPU threads and devices (any thread). */
void vireo_vmm_on_device_request(void *opaque, VireoVmRequest req);
void vireo_vmm_on_kvm_event(void *opaque, guint vcpu, VireoKvmEvent ev,
                            const char *detail);
/* builder.c: the ACPI power button of the PM device, if there is one. */
void vireo_vmm_press_power_button(VireoVmm *vmm);
