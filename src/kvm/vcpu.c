/* vCPUs: creation, CPUID, and the power-on state (registers, MSRs, MP
 * state) that creation and machine reset both set. The run loop is in
 * vcpu-run.c. */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "kvm/kvm-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define MSR_IA32_TSC              0x010
#define MSR_IA32_APICBASE         0x01b
#define MSR_IA32_SYSENTER_CS      0x174
#define MSR_IA32_SYSENTER_ESP     0x175
#define MSR_IA32_SYSENTER_EIP     0x176
#define MSR_IA32_MISC_ENABLE      0x1a0
#define MSR_MTRR_DEF_TYPE         0x2ff
#define MSR_IA32_CR_PAT           0x277
#define MSR_STAR                  0xc0000081
#define MSR_LSTAR                 0xc0000082
#define MSR_CSTAR                 0xc0000083
#define MSR_SYSCALL_MASK          0xc0000084
#define MSR_KERNEL_GS_BASE        0xc0000102

#define APIC_DEFAULT_BASE   0xfee00000ULL
#define APIC_BASE_BSP       (1ULL << 8)
#define APIC_BASE_ENABLE    (1ULL << 11)
#define MISC_ENABLE_FAST_STRING (1ULL << 0)
#define MTRR_ENABLE         (1ULL << 11)
#define MTRR_TYPE_WRBACK    6
#define PAT_POWER_ON        0x0007040600070406ULL

void
vireo_kvm_vcpu_free(VireoKvmVcpu *vcpu)
{
    if (vcpu->run)
        munmap(vcpu->run, vcpu->run_size);
    if (vcpu->fd >= 0)
        close(vcpu->fd);
    g_free(vcpu);
}

/* ---- reset state ------------------------------------------------------- */
static gboolean
vcpu_ioctl_ok(VireoKvmVcpu *vcpu, int ret, const char *what, GError **error)
{
    if (ret >= 0)
        return TRUE;
    vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                          _("%s on vCPU %u failed"), what, vcpu->index);
    return FALSE;
}

/* The MSR values Linux expects at reset (SDM "Initial state" + what
 * firmware leaves: fast strings, write-back default memory type). KVM may
 * refuse an MSR the host lacks; skip that one and keep the others.
 * KVM_SET_MSRS sets entries in order and returns how many it set before
 * the first it refused, so one call sets them all on a host that has them,
 * and each refusal costs one more call for the rest. */
static gboolean
vcpu_set_reset_msrs(VireoKvmVcpu *vcpu, GError **error)
{
    const struct { guint32 index; guint64 value; } msrs[] = {
        { MSR_IA32_APICBASE, APIC_DEFAULT_BASE | APIC_BASE_ENABLE |
                             (vcpu->index == 0 ? APIC_BASE_BSP : 0) },
        { MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING },
        { MSR_IA32_CR_PAT, PAT_POWER_ON },
        { MSR_MTRR_DEF_TYPE, MTRR_ENABLE | MTRR_TYPE_WRBACK },
        { MSR_IA32_SYSENTER_CS, 0 }, { MSR_IA32_SYSENTER_ESP, 0 },
        { MSR_IA32_SYSENTER_EIP, 0 }, { MSR_STAR, 0 }, { MSR_LSTAR, 0 },
        { MSR_CSTAR, 0 }, { MSR_SYSCALL_MASK, 0 }, { MSR_KERNEL_GS_BASE, 0 },
        { MSR_IA32_TSC, 0 },
    };
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e[G_N_ELEMENTS(msrs)];
    } set;
    guint i = 0;
    while (i < G_N_ELEMENTS(msrs)) {
        memset(&set, 0, sizeof(set));
        set.hdr.nmsrs = G_N_ELEMENTS(msrs) - i;
        for (guint j = 0; j < set.hdr.nmsrs; j++) {
            set.e[j].index = msrs[i + j].index;
            set.e[j].data = msrs[i + j].value;
        }
        int ret = ioctl(vcpu->fd, KVM_SET_MSRS, &set);
        /* < 0: the call itself failed; the entry at i counts as refused. */
        i += ret > 0 ? (guint) ret : 0;
        if (i >= G_N_ELEMENTS(msrs))
            break;
        if (msrs[i].index == MSR_IA32_APICBASE) {
            vireo_error_set(error, VIREO_ERR_SYSTEM_ERROR,
                            _("KVM refused IA32_APIC_BASE on vCPU %u"),
                            vcpu->index);
            return FALSE;
        }
        g_debug("vCPU %u: KVM refused MSR 0x%x", vcpu->index, msrs[i].index);
        i++;
    }
    return TRUE;
}

static gboolean
vcpu_set_mp_state(VireoKvmVcpu *vcpu, guint32 state, GError **error)
{
    struct kvm_mp_state mp = { .mp_state = state };
    return vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp),
                         "KVM_SET_MP_STATE", error);
}

/* vCPU 0 in long mode at the entry point, interrupts off, RSI = zero page. */
static gboolean
vcpu_enter_long_mode(VireoKvmVcpu *vcpu, const VireoKvmEntry *entry,
                     GError **error)
{
    struct kvm_sregs sregs;
    if (!vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_GET_SREGS, &sregs),
                       "KVM_GET_SREGS", error))
        return FALSE;
    vireo_longmode_sregs(&sregs);
    if (!vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_SREGS, &sregs),
                       "KVM_SET_SREGS", error))
        return FALSE;
    struct kvm_regs regs = {
        .rflags = 0x2,                          /* bit 1 is always set */
        .rip = entry->rip,
        .rsi = entry->rsi,
        .rsp = VIREO_BOOT_STACK_TOP,
        .rbp = VIREO_BOOT_STACK_TOP,
    };
    if (!vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_REGS, &regs),
                       "KVM_SET_REGS", error))
        return FALSE;
    /* x87 and SSE control words at their FNINIT / reset values. */
    struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
    return vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_FPU, &fpu),
                         "KVM_SET_FPU", error);
}

/* Application processors wait for INIT/SIPI from vCPU 0, as on hardware. */
static gboolean
vcpu_reset_ap(VireoKvmVcpu *vcpu, GError **error)
{
    struct kvm_regs regs = { .rflags = 0x2, .rip = 0xfff0 };
    struct kvm_sregs sregs;
    if (!vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_GET_SREGS, &sregs),
                       "KVM_GET_SREGS", error))
        return FALSE;
    /* Real-mode reset state (SDM 9.1.1): CS.base 0xffff0000, selector 0xf000. */
    struct kvm_segment cs = { .base = 0xffff0000, .limit = 0xffff,
                              .selector = 0xf000, .type = 0xb, .present = 1,
                              .s = 1 };
    struct kvm_segment ds = { .limit = 0xffff, .type = 0x3, .present = 1, .s = 1 };
    sregs.cs = cs;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = ds;
    sregs.cr0 = 0x60000010;
    sregs.cr3 = sregs.cr4 = sregs.efer = 0;
    sregs.gdt.base = sregs.idt.base = 0;
    sregs.gdt.limit = sregs.idt.limit = 0xffff;
    return vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_SREGS, &sregs),
                         "KVM_SET_SREGS", error) &&
           vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_REGS, &regs),
                         "KVM_SET_REGS", error) &&
           vcpu_set_mp_state(vcpu, KVM_MP_STATE_UNINITIALIZED, error);
}

gboolean
vireo_kvm_vcpu_setup_regs(VireoKvmVcpu *vcpu, const VireoKvmEntry *entry,
                          GError **error)
{
    if (!vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_LAPIC, &vcpu->initial_lapic),
                       "KVM_SET_LAPIC", error) ||
        !vcpu_set_reset_msrs(vcpu, error))
        return FALSE;
    if (vcpu->index != 0)
        return vcpu_reset_ap(vcpu, error);
    return vcpu_enter_long_mode(vcpu, entry, error) &&
           vcpu_set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE, error);
}

/* ---- creation ---------------------------------------------------------- */
static gboolean
vcpu_set_cpuid(VireoKvmVcpu *vcpu, GError **error)
{
    guint n = vcpu->cpuid ? vcpu->cpuid->len : 0;
    if (n == 0)
        return TRUE;        /* KVM's default table */
    g_autofree struct kvm_cpuid2 *cpuid =
        g_malloc0(sizeof(*cpuid) + n * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = n;
    for (guint i = 0; i < n; i++) {
        const VireoCpuidEntry *e = &g_array_index(vcpu->cpuid, VireoCpuidEntry, i);
        struct kvm_cpuid_entry2 *k = &cpuid->entries[i];
        k->function = e->function;
        k->index = e->index;
        k->flags = e->flags;
        k->eax = e->eax;
        k->ebx = e->ebx;
        k->ecx = e->ecx;
        k->edx = e->edx;
    }
    return vcpu_ioctl_ok(vcpu, ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid),
                         "KVM_SET_CPUID2", error);
}

static VireoKvmVcpu *
vcpu_create(VireoKvmVm *vm, guint index, const VireoVcpuDesc *desc,
            GError **error)
{
    g_autofree VireoKvmVcpu *vcpu = g_new0(VireoKvmVcpu, 1);
    vcpu->vm = vm;
    vcpu->index = index;
    vcpu->apic_id = desc->apic_id;
    vcpu->cpuid = desc->cpuid;
    vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long) desc->apic_id);
    if (vcpu->fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot create vCPU %u (APIC ID %u)"),
                              index, desc->apic_id);
        return NULL;
    }
    int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    void *run = size > 0 ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
                                vcpu->fd, 0) : MAP_FAILED;
    if (run == MAP_FAILED) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot map kvm_run of vCPU %u"), index);
        close(vcpu->fd);
        return NULL;
    }
    vcpu->run = run;
    vcpu->run_size = size;
    VireoKvmVcpu *ret = g_steal_pointer(&vcpu);
    g_ptr_array_add(vm->vcpus, ret);    /* freed with the VM from here on */
    /* The LAPIC as KVM created it is the power-on state reset restores. */
    if (!vcpu_ioctl_ok(ret, ioctl(ret->fd, KVM_GET_LAPIC, &ret->initial_lapic),
                       "KVM_GET_LAPIC", error) ||
        !vcpu_set_cpuid(ret, error))
        return NULL;
    return ret;
}

/* APIC IDs above 254 need x2APIC IDs in the in-kernel LAPIC's MSI and
 * IRQ routing (the KVM API's KVM_CAP_X2APIC_API), before any vCPU exists. */
static gboolean
vm_enable_x2apic_ids(VireoKvmVm *vm, const VireoCpuDesc *cpu, GError **error)
{
    guint32 max_id = 0;
    for (guint i = 0; i < cpu->vcpus->len; i++) {
        const VireoVcpuDesc *desc = g_ptr_array_index(cpu->vcpus, i);
        if (desc->present)
            max_id = MAX(max_id, desc->apic_id);
    }
    if (max_id < 255)
        return TRUE;
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_X2APIC_API,
        .args[0] = KVM_X2APIC_API_USE_32BIT_IDS | KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK,
    };
    if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X2APIC_API) <= 0 ||
        ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("APIC ID %u needs KVM_CAP_X2APIC_API, which this host lacks"),
                        max_id);
        return FALSE;
    }
    return TRUE;
}

/* vCPU 0 is the BSP; KVM assumes vcpu id 0 unless told otherwise. */
static gboolean
vm_set_boot_cpu(VireoKvmVm *vm, const VireoCpuDesc *cpu, GError **error)
{
    for (guint i = 0; i < cpu->vcpus->len; i++) {
        const VireoVcpuDesc *desc = g_ptr_array_index(cpu->vcpus, i);
        if (!desc->present)
            continue;
        if (desc->apic_id != 0 &&
            ioctl(vm->vm_fd, KVM_SET_BOOT_CPU_ID, (unsigned long) desc->apic_id) < 0) {
            vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                                  _("cannot make APIC ID %u the boot CPU"),
                                  desc->apic_id);
            return FALSE;
        }
        return TRUE;
    }
    return TRUE;
}

/* The present vCPUs of cpu, in order: KVM_CREATE_VCPU, kvm_run, CPUID, the
 * power-on LAPIC kept; x2APIC IDs and the boot CPU set first. */
static gboolean
vm_make_vcpus(VireoKvmVm *vm, const VireoCpuDesc *cpu, GError **error)
{
    if (!vm_enable_x2apic_ids(vm, cpu, error) || !vm_set_boot_cpu(vm, cpu, error))
        return FALSE;
    for (guint i = 0; i < cpu->vcpus->len; i++) {
        const VireoVcpuDesc *desc = g_ptr_array_index(cpu->vcpus, i);
        if (desc->present && !vcpu_create(vm, vm->vcpus->len, desc, error))
            return FALSE;
    }
    return TRUE;
}

gboolean
vireo_kvm_vm_create_vcpus(VireoKvmVm *vm, const VireoCpuDesc *cpu,
                          const VireoKvmEntry *entry,
                          const VireoKvmExitOps *ops, GError **error)
{
    vm->ops = *ops;
    vireo_kvm_install_kick_handler();
    if (!vm_make_vcpus(vm, cpu, error))
        return FALSE;
    if (vm->vcpus->len == 0) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("the machine description has no present vCPU"));
        return FALSE;
    }
    for (guint i = 0; i < vm->vcpus->len; i++)
        if (!vireo_kvm_vcpu_setup_regs(g_ptr_array_index(vm->vcpus, i), entry, error))
            return FALSE;
    for (guint i = 0; i < vm->vcpus->len; i++)
        if (!vireo_kvm_vcpu_start_thread(g_ptr_array_index(vm->vcpus, i), error))
            return FALSE;
    return TRUE;
}

