/* The builder: machine description -> running VM, in a fixed order, each
 * step named so a failure says which one; tear-down runs in reverse
 * (kvmtool's init/exit lists, Firecracker's builder.rs). */
#include <config.h>
#include <string.h>
#include "vmm/vmm-priv.h"
#include "hw/acpi.h"
#include "hw/irqchip.h"
#include "hw/pm.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* ---- what devices get (VireoHwContext callbacks) ----------------------- */
/* Device lines go to the user-space PIC/IOAPIC (split irqchip); what
 * those send goes to KVM's LAPICs. */
static void
hw_set_irq(void *opaque, guint gsi, gboolean level)
{
    VireoVmm *vmm = opaque;
    if (vmm->irqchip)
        vireo_irqchip_set_irq(vmm->irqchip, gsi, level);
}

static void
hw_signal_msi(void *opaque, guint64 addr, guint32 data)
{
    VireoVmm *vmm = opaque;
    vireo_kvm_vm_signal_msi(vmm->vm, addr, data);
}

static void
hw_set_msi_route(void *opaque, guint gsi, guint64 addr, guint32 data)
{
    VireoVmm *vmm = opaque;
    vireo_kvm_vm_set_msi_route(vmm->vm, gsi, addr, data);
}

/* The 8259 raised INT: vCPU 0 takes it before its next KVM_RUN. */
static void
hw_extint_notify(void *opaque)
{
    VireoVmm *vmm = opaque;
    vireo_kvm_vm_kick_vcpu(vmm->vm, 0);
}

static guint8 *
hw_gpa_to_hva(void *opaque, guint64 gpa, guint64 len)
{
    VireoVmm *vmm = opaque;
    /* Devices and the ACPI tables may write what they get. */
    vireo_kvm_vm_note_ram_write(vmm->vm, gpa, len);
    return vireo_kvm_vm_gpa_to_hva(vmm->vm, gpa, len);
}

/* ---- what vCPUs get (VireoKvmExitOps) ---------------------------------- */
static gboolean
exit_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoVmm *vmm = opaque;
    return vireo_bus_pio(vmm->bus, port, data, size, is_write);
}

static gboolean
exit_mmio(void *opaque, guint64 addr, guint8 *data, guint size, gboolean is_write)
{
    VireoVmm *vmm = opaque;
    return vireo_bus_mmio(vmm->bus, addr, data, size, is_write);
}

static gboolean
exit_extint_pending(void *opaque)
{
    VireoVmm *vmm = opaque;
    return vmm->irqchip && vireo_irqchip_has_extint(vmm->irqchip);
}

static guint8
exit_extint_ack(void *opaque)
{
    VireoVmm *vmm = opaque;
    return vireo_irqchip_ack_extint(vmm->irqchip);
}

static void
exit_ioapic_eoi(void *opaque, guint8 vector)
{
    VireoVmm *vmm = opaque;
    if (vmm->irqchip)
        vireo_irqchip_eoi(vmm->irqchip, vector);
}

/* ---- the steps --------------------------------------------------------- */
/* Every step runs on the calling thread, one after the other: on the
 * kvm_pvm host a helper thread for the KVM part made the start slower, not
 * faster (docs/design.md, "Start-up", fifth pass). */
static gboolean
build_vm(VireoVmm *vmm, GError **error)
{
    vmm->vm = vireo_kvm_vm_new(&vmm->desc->mem, error);
    return vmm->vm != NULL;
}

static gboolean
build_bus(VireoVmm *vmm, GError **error)
{
    vmm->bus = vireo_bus_new();
    vmm->hw = (VireoHwContext) {
        .bus = vmm->bus,
        .desc = vmm->desc,
        .main_context = vmm->ctx,
        .set_irq = hw_set_irq,
        .request = vireo_vmm_on_device_request,
        .gpa_to_hva = hw_gpa_to_hva,
        .signal_msi = hw_signal_msi,
        .set_msi_route = hw_set_msi_route,
        .extint_notify = hw_extint_notify,
        .opaque = vmm,
    };
    return TRUE;
}

/* The 8259 pair and the IOAPIC: before the devices that drive their lines. */
static gboolean
build_irqchip(VireoVmm *vmm, GError **error)
{
    vmm->irqchip = vireo_irqchip_new(&vmm->hw, error);
    return vmm->irqchip != NULL;
}

/* Every description whose kind has a model; the rest (the VNC server,
 * devices not emulated yet) have nothing to create here. */
static gboolean
build_devices(VireoVmm *vmm, GError **error)
{
    vireo_hw_types_init();
    for (guint i = 0; i < vmm->desc->devices->len; i++) {
        const VireoDeviceDesc *desc = g_ptr_array_index(vmm->desc->devices, i);
        /* Looked up once: each lookup walks the device classes. */
        GType type = vireo_device_type_for_kind(desc->kind);
        if (type == G_TYPE_INVALID) {
            g_debug("no model for device '%s' (%s)", desc->id,
                    vireo_device_kind_to_string(desc->kind));
            continue;
        }
        VireoDevice *dev = vireo_device_create_type(type, &vmm->hw, desc, error);
        if (!dev) {
            g_prefix_error(error, _("device '%s': "), desc->id);
            return FALSE;
        }
        g_ptr_array_add(vmm->devices, dev);
    }
    return TRUE;
}

static gboolean
build_guest_memory(VireoVmm *vmm, GError **error)
{
    return vireo_vmm_reload(vmm, error);
}

static gboolean
build_vcpus(VireoVmm *vmm, GError **error)
{
    VireoKvmExitOps ops = {
        .pio = exit_pio,
        .mmio = exit_mmio,
        .event = vireo_vmm_on_kvm_event,
        .extint_pending = exit_extint_pending,
        .extint_ack = exit_extint_ack,
        .ioapic_eoi = exit_ioapic_eoi,
        .opaque = vmm,
    };
    return vireo_kvm_vm_create_vcpus(vmm->vm, &vmm->desc->cpu,
                                     &vmm->boot.entry, &ops, error);
}

typedef gboolean (*VireoBuildStepFn)(VireoVmm *vmm, GError **error);

static const struct {
    const char *name;
    VireoBuildStepFn fn;
} build_steps[] = {
    { N_("create the VM and its RAM"), build_vm },
    { N_("create the I/O bus"), build_bus },
    { N_("create the interrupt controllers"), build_irqchip },
    { N_("create the devices"), build_devices },
    { N_("load the ACPI tables and the kernel"), build_guest_memory },
    { N_("create the vCPUs"), build_vcpus },
};

gboolean
vireo_vmm_build(VireoVmm *vmm, VireoVmmBuildProgress progress, gpointer data,
                GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(build_steps); i++) {
        if (!build_steps[i].fn(vmm, error)) {
            g_prefix_error(error, _("cannot %s: "), _(build_steps[i].name));
            return FALSE;
        }
        if (progress)
            progress(data);
    }
    return TRUE;
}

/* Reverse order: vCPUs stop calling devices first, devices go before the
 * interrupt controllers they drive, those before the bus and the VM. */
void
vireo_vmm_teardown(VireoVmm *vmm)
{
    if (vmm->vm)
        vireo_kvm_vm_pause(vmm->vm);
    if (vmm->devices) {
        while (vmm->devices->len)
            g_ptr_array_remove_index(vmm->devices, vmm->devices->len - 1);
    }
    g_clear_pointer(&vmm->irqchip, vireo_irqchip_free);
    g_clear_pointer(&vmm->bus, vireo_bus_free);
    g_clear_pointer(&vmm->vm, vireo_kvm_vm_free);
}

/* Tables first: the zero page points at their RSDP. Both are rewritten on
 * every reset, since the guest owned that memory in between. */
gboolean
vireo_vmm_reload(VireoVmm *vmm, GError **error)
{
    VireoGuestMemory gm;
    vmm->rsdp_addr = 0;
    if (vmm->desc->platform.acpi &&
        !vireo_acpi_install(&vmm->hw, &vmm->rsdp_addr, error))
        return FALSE;
    vireo_kvm_vm_guest_memory(vmm->vm, &gm);
    gboolean ok = vireo_boot_load(&gm, &vmm->desc->boot, vmm->rsdp_addr,
                                  &vmm->boot, error);
    /* What the loader wrote is not zero any more: a reload (reset) zeroes
     * the BSS again, as the guest owned that memory in between. */
    vireo_kvm_vm_forget_ram_zero(vmm->vm);
    return ok;
}

void
vireo_vmm_press_power_button(VireoVmm *vmm)
{
    for (guint i = 0; i < vmm->devices->len; i++) {
        VireoDevice *dev = g_ptr_array_index(vmm->devices, i);
        if (VIREO_IS_PM(dev))
            vireo_pm_power_button(dev);
    }
}

/* ---- life of the object ------------------------------------------------ */
VireoVmm *
vireo_vmm_new(VireoMachineDesc *desc, GError **error)
{
    return vireo_vmm_new_with_progress(desc, NULL, NULL, error);
}

VireoVmm *
vireo_vmm_new_with_progress(VireoMachineDesc *desc,
                            VireoVmmBuildProgress progress, gpointer data,
                            GError **error)
{
    g_autoptr(VireoVmm) vmm = g_new0(VireoVmm, 1);
    vmm->desc = desc;
    vmm->ctx = g_main_context_ref_thread_default();
    vmm->listeners = g_array_new(FALSE, TRUE, sizeof(VireoVmmListener));
    vmm->devices = g_ptr_array_new_with_free_func(g_object_unref);
    vmm->state = VIREO_RUN_STATE_PRELAUNCH;
    if (!vireo_vmm_build(vmm, progress, data, error))
        return NULL;
    return g_steal_pointer(&vmm);
}

void
vireo_vmm_free(VireoVmm *vmm)
{
    if (!vmm)
        return;
    vmm->ended = TRUE;         /* late work from vCPU threads is dropped */
    vireo_vmm_teardown(vmm);
    /* Run what vCPU threads handed over before they stopped: it only
     * frees itself now that ended is set. */
    while (g_main_context_pending(vmm->ctx) &&
           g_main_context_iteration(vmm->ctx, FALSE))
        ;
    g_ptr_array_unref(vmm->devices);
    g_array_unref(vmm->listeners);
    vireo_boot_info_clear(&vmm->boot);
    g_free(vmm->end_reason);
    g_main_context_unref(vmm->ctx);
    vireo_machine_desc_free(vmm->desc);
    g_free(vmm);
}
