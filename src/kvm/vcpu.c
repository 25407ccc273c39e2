/* vCPUs: one thread each, looping on KVM_RUN. A vCPU thread only touches
 * its own kvm_run, the I/O callbacks and vm->lock; everything else is handed
 * to the owner through ops.event. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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
 * refuse an MSR the host lacks; skip that one and keep the others. */
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
    for (guint i = 0; i < G_N_ELEMENTS(msrs); i++) {
        struct { struct kvm_msrs hdr; struct kvm_msr_entry e; } one = {
            .hdr.nmsrs = 1, .e.index = msrs[i].index, .e.data = msrs[i].value,
        };
        int ret = ioctl(vcpu->fd, KVM_SET_MSRS, &one);
        if (ret == 1)
            continue;
        if (msrs[i].index == MSR_IA32_APICBASE) {
            vireo_error_set(error, VIREO_ERR_SYSTEM_ERROR,
                            _("KVM refused IA32_APIC_BASE on vCPU %u"),
                            vcpu->index);
            return FALSE;
        }
        g_debug("vCPU %u: KVM refused MSR 0x%x", vcpu->index, msrs[i].index);
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

/* ---- the run loop ------------------------------------------------------ */
static void
kick_signal_handler(int sig)
{
    /* Only here to make KVM_RUN return EINTR. */
}

static void
install_kick_handler(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        struct sigaction sa = { .sa_handler = kick_signal_handler };
        sigemptyset(&sa.sa_mask);
        sigaction(VIREO_KVM_KICK_SIGNAL, &sa, NULL);   /* no SA_RESTART */
        g_once_init_leave(&done, 1);
    }
}

/* Waits while the VM is paused or this vCPU stopped on an event; FALSE
 * when the VM is going away. */
static gboolean
vcpu_wait_runnable(VireoKvmVcpu *vcpu)
{
    VireoKvmVm *vm = vcpu->vm;
    g_mutex_lock(&vm->lock);
    while (!vm->quit && (vm->pause_requested || vcpu->stopped_on_event)) {
        if (!vcpu->parked) {
            vcpu->parked = TRUE;
            g_cond_broadcast(&vm->parked_cond);
        }
        g_cond_wait(&vm->cond, &vm->lock);
    }
    vcpu->parked = FALSE;
    gboolean quit = vm->quit;
    if (!quit)
        vcpu->run->immediate_exit = 0;
    g_mutex_unlock(&vm->lock);
    return !quit;
}

static const char *
exit_reason_name(guint32 reason)
{
    switch (reason) {
    case KVM_EXIT_UNKNOWN: return "UNKNOWN";
    case KVM_EXIT_EXCEPTION: return "EXCEPTION";
    case KVM_EXIT_HYPERCALL: return "HYPERCALL";
    case KVM_EXIT_DEBUG: return "DEBUG";
    case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
    case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
    case KVM_EXIT_NMI: return "NMI";
    default: return "?";
    }
}

static const char *
internal_suberror_name(guint32 suberror)
{
    switch (suberror) {
    case KVM_INTERNAL_ERROR_EMULATION: return "emulation failure";
    case KVM_INTERNAL_ERROR_SIMUL_EX: return "simultaneous exceptions";
    case KVM_INTERNAL_ERROR_DELIVERY_EV: return "event delivery";
    case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected exit reason";
    default: return "unknown";
    }
}

/* " RIP=... RSP=... CR0=..." as far as KVM still answers. */
static void
append_registers(VireoKvmVcpu *vcpu, GString *out)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) == 0)
        g_string_append_printf(out, " RIP=%016llx RSP=%016llx RFLAGS=%08llx",
                               regs.rip, regs.rsp, regs.rflags);
    if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) == 0)
        g_string_append_printf(out, " CR0=%08llx CR3=%016llx CR4=%08llx"
                               " EFER=%08llx CS=%04x(base=%016llx l=%u db=%u)",
                               sregs.cr0, sregs.cr3, sregs.cr4, sregs.efer,
                               sregs.cs.selector, sregs.cs.base,
                               sregs.cs.l, sregs.cs.db);
}

static char *
describe_failed_exit(VireoKvmVcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    GString *out = g_string_new(NULL);
    if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
        g_string_append_printf(out, "KVM internal error on vCPU %u. Suberror: %u (%s)",
                               vcpu->index, run->internal.suberror,
                               internal_suberror_name(run->internal.suberror));
        guint n = MIN(run->internal.ndata, G_N_ELEMENTS(run->internal.data));
        if (n)
            g_string_append(out, ", extra data:");
        for (guint i = 0; i < n; i++)
            g_string_append_printf(out, " %llx", run->internal.data[i]);
    } else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY) {
        g_string_append_printf(out, "KVM entry failed on vCPU %u, hardware error 0x%llx",
                               vcpu->index,
                               run->fail_entry.hardware_entry_failure_reason);
    } else {
        g_string_append_printf(out, "unexpected KVM exit reason %u (%s) on vCPU %u",
                               run->exit_reason, exit_reason_name(run->exit_reason),
                               vcpu->index);
    }
    append_registers(vcpu, out);
    return g_string_free(out, FALSE);
}

/* Parks this vCPU until reset and tells the owner. */
static void
vcpu_stop_on_event(VireoKvmVcpu *vcpu, VireoKvmEvent ev, const char *detail)
{
    VireoKvmVm *vm = vcpu->vm;
    g_mutex_lock(&vm->lock);
    vcpu->stopped_on_event = TRUE;
    g_mutex_unlock(&vm->lock);
    if (vm->ops.event)
        vm->ops.event(vm->ops.opaque, vcpu->index, ev, detail);
}

static void
vcpu_handle_io(VireoKvmVcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    gboolean is_write = run->io.direction == KVM_EXIT_IO_OUT;
    guint8 *data = (guint8 *) run + run->io.data_offset;
    for (guint i = 0; i < run->io.count; i++, data += run->io.size) {
        if (!is_write)
            memset(data, 0xff, run->io.size);
        if (vcpu->vm->ops.pio)
            vcpu->vm->ops.pio(vcpu->vm->ops.opaque, run->io.port, data,
                              run->io.size, is_write);
    }
}

static void
vcpu_handle_mmio(VireoKvmVcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    guint len = MIN(run->mmio.len, sizeof(run->mmio.data));
    if (!run->mmio.is_write)
        memset(run->mmio.data, 0xff, len);
    if (vcpu->vm->ops.mmio)
        vcpu->vm->ops.mmio(vcpu->vm->ops.opaque, run->mmio.phys_addr,
                           run->mmio.data, len, run->mmio.is_write);
}

static void
vcpu_handle_system_event(VireoKvmVcpu *vcpu)
{
    switch (vcpu->run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_SYSTEM_SHUTDOWN, NULL);
        break;
    case KVM_SYSTEM_EVENT_RESET:
        vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_SYSTEM_RESET, NULL);
        break;
    case KVM_SYSTEM_EVENT_CRASH:
        vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_SYSTEM_CRASH, NULL);
        break;
    default: {
        g_autofree char *detail =
            g_strdup_printf("unknown KVM system event %u on vCPU %u",
                            vcpu->run->system_event.type, vcpu->index);
        vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_INTERNAL_ERROR, detail);
    }
    }
}

static void
vcpu_handle_exit(VireoKvmVcpu *vcpu)
{
    switch (vcpu->run->exit_reason) {
    case KVM_EXIT_IO:
        vcpu_handle_io(vcpu);
        break;
    case KVM_EXIT_MMIO:
        vcpu_handle_mmio(vcpu);
        break;
    case KVM_EXIT_INTR:
    case KVM_EXIT_HLT:      /* only without the in-kernel LAPIC */
        break;
    case KVM_EXIT_SHUTDOWN: {
        /* A guest's own choice, but the registers help whoever debugs it. */
        g_autoptr(GString) regs = g_string_new(NULL);
        append_registers(vcpu, regs);
        g_debug("vCPU %u: triple fault:%s", vcpu->index, regs->str);
        vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_TRIPLE_FAULT, NULL);
        break;
    }
    case KVM_EXIT_SYSTEM_EVENT:
        vcpu_handle_system_event(vcpu);
        break;
    default: {
        g_autofree char *detail = describe_failed_exit(vcpu);
        vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_INTERNAL_ERROR, detail);
    }
    }
}

static void
vcpu_run_failed(VireoKvmVcpu *vcpu, int err)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "KVM_RUN failed on vCPU %u: %s",
                           vcpu->index, g_strerror(err));
    append_registers(vcpu, out);
    g_autofree char *detail = g_string_free(out, FALSE);
    vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_INTERNAL_ERROR, detail);
}

static void *
vcpu_thread(void *opaque)
{
    VireoKvmVcpu *vcpu = opaque;
    sigset_t kick;
    sigemptyset(&kick);
    sigaddset(&kick, VIREO_KVM_KICK_SIGNAL);
    pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
    g_atomic_int_set(&vcpu->tid, (int) syscall(SYS_gettid));
    {
        g_autofree char *name = g_strdup_printf("vcpu%u", vcpu->index);
        pthread_setname_np(pthread_self(), name);
    }
    while (vcpu_wait_runnable(vcpu)) {
        if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
            int err = errno;
            if (err == EINTR || err == EAGAIN)
                continue;
            vcpu_run_failed(vcpu, err);
            continue;
        }
        vcpu_handle_exit(vcpu);
    }
    return NULL;
}

static gboolean
vcpu_start_thread(VireoKvmVcpu *vcpu, GError **error)
{
    sigset_t all, old;
    /* The thread starts with every signal blocked (SIGTERM & co. belong to
     * the main loop) and unblocks only the kick. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int err = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, err,
                              _("cannot start the thread of vCPU %u"),
                              vcpu->index);
        return FALSE;
    }
    vcpu->thread_started = TRUE;
    return TRUE;
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

gboolean
vireo_kvm_vm_create_vcpus(VireoKvmVm *vm, const VireoCpuDesc *cpu,
                          const VireoKvmEntry *entry,
                          const VireoKvmExitOps *ops, GError **error)
{
    vm->ops = *ops;
    install_kick_handler();
    if (!vm_enable_x2apic_ids(vm, cpu, error) || !vm_set_boot_cpu(vm, cpu, error))
        return FALSE;
    for (guint i = 0; i < cpu->vcpus->len; i++) {
        const VireoVcpuDesc *desc = g_ptr_array_index(cpu->vcpus, i);
        if (!desc->present)
            continue;
        VireoKvmVcpu *vcpu = vcpu_create(vm, vm->vcpus->len, desc, error);
        if (!vcpu || !vireo_kvm_vcpu_setup_regs(vcpu, entry, error))
            return FALSE;
    }
    if (vm->vcpus->len == 0) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("the machine description has no present vCPU"));
        return FALSE;
    }
    for (guint i = 0; i < vm->vcpus->len; i++)
        if (!vcpu_start_thread(g_ptr_array_index(vm->vcpus, i), error))
            return FALSE;
    return TRUE;
}

/* ---- pause / resume ---------------------------------------------------- */
static gboolean
all_parked(VireoKvmVm *vm)
{
    for (guint i = 0; i < vm->vcpus->len; i++) {
        VireoKvmVcpu *vcpu = g_ptr_array_index(vm->vcpus, i);
        if (vcpu->thread_started && !vcpu->parked)
            return FALSE;
    }
    return TRUE;
}

void
vireo_kvm_vm_pause(VireoKvmVm *vm)
{
    g_mutex_lock(&vm->lock);
    vm->pause_requested = TRUE;
    /* immediate_exit covers a vCPU about to enter KVM_RUN, the signal one
     * already inside it (KVM_CAP_IMMEDIATE_EXIT). */
    for (guint i = 0; i < vm->vcpus->len; i++) {
        VireoKvmVcpu *vcpu = g_ptr_array_index(vm->vcpus, i);
        if (!vcpu->thread_started || vcpu->parked)
            continue;
        vcpu->run->immediate_exit = 1;
        pthread_kill(vcpu->thread, VIREO_KVM_KICK_SIGNAL);
    }
    while (!all_parked(vm))
        g_cond_wait(&vm->parked_cond, &vm->lock);
    g_mutex_unlock(&vm->lock);
}

void
vireo_kvm_vm_resume(VireoKvmVm *vm)
{
    g_mutex_lock(&vm->lock);
    vm->pause_requested = FALSE;
    g_cond_broadcast(&vm->cond);
    g_mutex_unlock(&vm->lock);
}
