/* vireo: VireoDomainDef -> VireoMachineDesc, step by step (machine type,
 * CPU, memory, platform, clock, boot, devices); each step in its own file. */
#include <config.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "machine/machine-priv.h"
#include "machine/cpu-model.h"
#include "util/vireo-enum.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

VIREO_ENUM_DECL(vireo_device_kind_name);
VIREO_ENUM_IMPL(vireo_device_kind_name, VIREO_DEV_KIND_LAST,
                "serial", "rtc", "i8042", "debugcon", "pm", "pit", "pci-host",
                "isa-bridge", "video", "virtio-blk", "virtio-net", "virtio-balloon",
                "virtio-rng", "virtio-serial", "usb-controller", "ide-controller",
                "sata-controller", "scsi-controller", "watchdog", "panic", "vnc");

const char *
vireo_device_kind_to_string(int kind)
{
    return vireo_device_kind_name_to_string(kind);
}

/* Machine types and CPU models register on demand: the lists register all
 * of them, vireo_machine_select() and vireo_cpu_model_class_find() only the
 * one asked for. Registering the ~120 machine types and ~100 models up front
 * cost vireo-vmm ~0.3 ms of its start (docs/design.md, "Start-up"); this
 * stays the one call a program makes before using the registry. */
void
vireo_types_init(void)
{
    g_type_ensure(VIREO_TYPE_MACHINE);
    g_type_ensure(VIREO_TYPE_CPU_MODEL);
}

static void
read_host_brand(char brand[49])
{
#if defined(__x86_64__) || defined(__i386__)
    guint32 regs[12];
    guint max = __get_cpuid_max(0x80000000u, NULL);
    if (max < 0x80000004u)
        return;
    for (guint l = 0; l < 3; l++)
        __get_cpuid(0x80000002u + l, &regs[4 * l], &regs[4 * l + 1],
                    &regs[4 * l + 2], &regs[4 * l + 3]);
    memcpy(brand, regs, 48);
    brand[48] = '\0';
    g_strstrip(brand);
#else
    brand[0] = '\0';
#endif
}

VireoHostCaps *
vireo_host_caps_new(void)
{
    VireoHostCaps *caps = g_new0(VireoHostCaps, 1);
    caps->supported_cpuid = g_array_new(FALSE, TRUE, sizeof(VireoCpuidEntry));
    read_host_brand(caps->host_model_id);
    return caps;
}

void
vireo_host_caps_free(VireoHostCaps *caps)
{
    if (!caps)
        return;
    if (caps->supported_cpuid)
        g_array_unref(caps->supported_cpuid);
    g_free(caps);
}

static void
resolve_platform(const VireoDomainDef *def, VireoPlatformDesc *p)
{
    p->acpi = def->features.state[VIREO_DOMAIN_FEATURE_ACPI] == VIREO_TRISTATE_YES;
    p->apic = def->features.state[VIREO_DOMAIN_FEATURE_APIC] == VIREO_TRISTATE_YES;
    p->ioapic_addr = 0xfec00000ULL;
    p->lapic_addr = 0xfee00000ULL;
    p->sci_irq = 9;
    p->pm1a_evt_port = 0x600;
    p->pm1a_cnt_port = 0x604;
    p->pm_tmr_port = 0x608;
    p->reset_port = 0xcf9;
    p->reset_value = 0x06;
    p->s5_slp_typ = 0;
}

static const VireoTimerDef *
find_timer(const VireoDomainDef *def, VireoTimerName name)
{
    for (guint i = 0; def->clock.timers && i < def->clock.timers->len; i++) {
        const VireoTimerDef *t = def->clock.timers->pdata[i];
        if (t->name == name)
            return t;
    }
    return NULL;
}

static gboolean
resolve_clock(const VireoDomainDef *def, gboolean kvm, VireoClockDesc *clock,
              GError **error)
{
    const VireoTimerDef *rtc = find_timer(def, VIREO_TIMER_RTC);
    const VireoTimerDef *hpet = find_timer(def, VIREO_TIMER_HPET);
    const VireoTimerDef *kvmclock = find_timer(def, VIREO_TIMER_KVMCLOCK);
    clock->offset = def->clock.offset;
    clock->adjustment = def->clock.adjustment;
    clock->basis = def->clock.basis;
    clock->timezone = g_strdup(def->clock.timezone);
    if (clock->offset == VIREO_CLOCK_OFFSET_TIMEZONE && !clock->timezone) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                        _("missing timezone for clock offset='timezone'"));
        return FALSE;
    }
    clock->rtc_catchup = rtc && rtc->tickpolicy == VIREO_TIMER_TICKPOLICY_CATCHUP;
    clock->hpet = !hpet || hpet->present != VIREO_TRISTATE_NO;
    clock->kvmclock = kvm && (!kvmclock || kvmclock->present != VIREO_TRISTATE_NO);
    return TRUE;
}

static void
resolve_boot(const VireoDomainDef *def, VireoBootDesc *boot)
{
    boot->kernel = g_strdup(def->os.kernel);
    boot->initrd = g_strdup(def->os.initrd);
    boot->cmdline = g_strdup(def->os.cmdline ? def->os.cmdline : "");
    boot->loader = g_strdup(def->os.loader);
}

static VireoMachineDesc *
desc_new(const VireoDomainDef *def)
{
    VireoMachineDesc *desc = g_new0(VireoMachineDesc, 1);
    desc->def = def;
    desc->name = g_strdup(def->name);
    memcpy(desc->uuid, def->uuid, sizeof(desc->uuid));
    desc->accel_kvm = def->virt_type == VIREO_DOMAIN_VIRT_KVM;
    desc->on_poweroff = def->on_poweroff;
    desc->on_reboot = def->on_reboot;
    desc->on_crash = def->on_crash;
    desc->devices = g_ptr_array_new_with_free_func((GDestroyNotify)vireo_device_desc_free);
    return desc;
}

VireoMachineDesc *
vireo_machine_resolve(const VireoDomainDef *def, const VireoHostCaps *host,
                      GError **error)
{
    g_autoptr(VireoMachineDesc) desc = NULL;
    g_autoptr(VireoMachine) machine = NULL;
    VireoMachineClass *mc;

    vireo_types_init();
    mc = vireo_machine_select(def->os.machine, error);
    if (!mc)
        return NULL;
    /* the instance of the selected class: QEMU's current_machine */
    machine = g_object_new(G_TYPE_FROM_CLASS(mc), NULL);
    desc = desc_new(def);
    desc->machine_type = g_strdup(mc->canonical);
    if (def->os.machine && !g_str_equal(def->os.machine, mc->canonical))
        desc->machine_alias = g_strdup(def->os.machine);
    desc->family = mc->family;
    if (!vireo_cpu_resolve(def, host, mc, desc->accel_kvm, &desc->cpu, error))
        return NULL;
    if (!vireo_memory_resolve(def, host, mc, &desc->mem, error))
        return NULL;
    resolve_platform(def, &desc->platform);
    if (!resolve_clock(def, desc->accel_kvm, &desc->clock, error))
        return NULL;
    resolve_boot(def, &desc->boot);
    if (!vireo_devices_resolve(def, desc, error))
        return NULL;
    return g_steal_pointer(&desc);
}

void
vireo_machine_desc_free(VireoMachineDesc *desc)
{
    if (!desc)
        return;
    g_free(desc->name);
    g_free(desc->machine_type);
    g_free(desc->machine_alias);
    vireo_cpu_desc_clear(&desc->cpu);
    vireo_memory_desc_clear(&desc->mem);
    g_free(desc->boot.kernel);
    g_free(desc->boot.initrd);
    g_free(desc->boot.cmdline);
    g_free(desc->boot.loader);
    g_free(desc->clock.timezone);
    if (desc->devices)
        g_ptr_array_unref(desc->devices);
    g_free(desc);
}

const VireoDeviceDesc *
vireo_machine_desc_find_device(const VireoMachineDesc *desc, VireoDeviceKind kind,
                               guint nth)
{
    for (guint i = 0; desc->devices && i < desc->devices->len; i++) {
        const VireoDeviceDesc *d = desc->devices->pdata[i];
        if (d->kind == kind && nth-- == 0)
            return d;
    }
    return NULL;
}
