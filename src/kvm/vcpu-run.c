/* The vCPU run loop: one thread per vCPU looping on KVM_RUN. A vCPU thread
 * only touches its own kvm_run, the I/O callbacks and vm->lock; everything
 * else is handed to the owner through ops.event. Pausing kicks threads out
 * of KVM_RUN (immediate_exit + a signal) and parks them on a condition. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include "kvm/kvm-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* ---- the run loop ------------------------------------------------------ */
static void
kick_signal_handler(int sig)
{
    /* Only here to make KVM_RUN return EINTR. */
}

void
vireo_kvm_install_kick_handler(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        struct sigaction sa = { .sa_handler = kick_signal_handler };
        sigemptyset(&sa.sa_mask);
        sigaction(VIREO_KVM_KICK_SIGNAL, &sa, NULL);   /* no SA_RESTART */
        g_once_init_leave(&done, 1);
    }
}

static void vcpu_handle_exit(VireoKvmVcpu *vcpu);

static gboolean
exit_needs_completion(guint32 reason)
{
    return reason == KVM_EXIT_IO || reason == KVM_EXIT_MMIO;
}

/* The KVM API: an I/O or MMIO exit is complete, and the guest's state
 * consistent, only after the next KVM_RUN; userspace that must not let the
 * guest run on re-enters with immediate_exit set, and KVM finishes the
 * access and returns EINTR without running guest code. Parking with the
 * access unfinished would let it land after whatever the owner does while
 * the VM is paused: after a reset's KVM_SET_REGS, a pending MMIO read's
 * completion replays the instruction and moves RIP from the new entry
 * point back past the old one, and the guest goes on where it was
 * (/kvm/reset-during-access). A string access may need more round trips
 * before the EINTR. */
static void
vcpu_complete_exit(VireoKvmVcpu *vcpu)
{
    for (guint round = 0; vcpu->exit_incomplete && round < 4096; round++) {
        vcpu->run->immediate_exit = 1;
        if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
            vcpu->exit_incomplete = FALSE;  /* EINTR: done; anything else: KVM
                                             * gave up on it, as the owner will */
            break;
        }
        vcpu->exit_incomplete = exit_needs_completion(vcpu->run->exit_reason);
        vcpu_handle_exit(vcpu);
    }
    vcpu->exit_incomplete = FALSE;
}

/* Waits while the VM is paused or this vCPU stopped on an event; FALSE
 * when the VM is going away. An unfinished access is finished first, so a
 * parked vCPU's registers are the guest's whole state. */
static gboolean
vcpu_wait_runnable(VireoKvmVcpu *vcpu)
{
    VireoKvmVm *vm = vcpu->vm;
    g_mutex_lock(&vm->lock);
    while (!vm->quit && (vm->pause_requested || vcpu->stopped_on_event)) {
        if (vcpu->exit_incomplete) {
            g_mutex_unlock(&vm->lock);
            vcpu_complete_exit(vcpu);
            g_mutex_lock(&vm->lock);
            continue;
        }
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

/* For an emulation failure KVM may hand over the instruction it could not
 * emulate (the ABI part of struct emulation_failure): say which it was. */
static void
append_failed_instruction(const struct kvm_run *run, GString *out)
{
    if (run->internal.suberror != KVM_INTERNAL_ERROR_EMULATION ||
        run->emulation_failure.ndata < 3 ||
        !(run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES))
        return;
    guint len = MIN(run->emulation_failure.insn_size,
                    sizeof(run->emulation_failure.insn_bytes));
    g_string_append(out, ", instruction bytes:");
    for (guint i = 0; i < len; i++)
        g_string_append_printf(out, " %02x", run->emulation_failure.insn_bytes[i]);
}

static char *
describe_failed_exit(VireoKvmVcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    GString *out = g_string_new(NULL);
    if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
        g_string_append_printf(out, _("KVM internal error on vCPU %u. Suberror: %u (%s)"),
                               vcpu->index, run->internal.suberror,
                               internal_suberror_name(run->internal.suberror));
        guint n = MIN(run->internal.ndata, G_N_ELEMENTS(run->internal.data));
        if (n)
            g_string_append(out, _(", extra data:"));
        for (guint i = 0; i < n; i++)
            g_string_append_printf(out, " %llx", run->internal.data[i]);
        append_failed_instruction(run, out);
    } else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY) {
        g_string_append_printf(out, _("KVM entry failed on vCPU %u, hardware error 0x%llx"),
                               vcpu->index,
                               run->fail_entry.hardware_entry_failure_reason);
    } else {
        g_string_append_printf(out, _("unexpected KVM exit reason %u (%s) on vCPU %u"),
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
            g_strdup_printf(_("unknown KVM system event %u on vCPU %u"),
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
    case KVM_EXIT_IRQ_WINDOW_OPEN:  /* vcpu_inject_extint runs next */
        break;
    case KVM_EXIT_IOAPIC_EOI:
        if (vcpu->vm->ops.ioapic_eoi)
            vcpu->vm->ops.ioapic_eoi(vcpu->vm->ops.opaque, vcpu->run->eoi.vector);
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
    g_string_append_printf(out, _("KVM_RUN failed on vCPU %u: %s"),
                           vcpu->index, g_strerror(err));
    append_registers(vcpu, out);
    g_autofree char *detail = g_string_free(out, FALSE);
    vcpu_stop_on_event(vcpu, VIREO_KVM_EVENT_INTERNAL_ERROR, detail);
}

/* Without an in-kernel PIC, the 8259's interrupt reaches the BSP only
 * through KVM_INTERRUPT, and only when KVM says the vCPU can take it
 * (ready_for_interrupt_injection: IF set, no interrupt shadow, LINT0
 * accepting ExtINT, none queued). Otherwise ask KVM to exit as soon as it
 * can (request_interrupt_window -> KVM_EXIT_IRQ_WINDOW_OPEN). The INTA
 * happens only once KVM will take the vector, so nothing is lost. */
static void
vcpu_inject_extint(VireoKvmVcpu *vcpu)
{
    VireoKvmVm *vm = vcpu->vm;
    struct kvm_run *run = vcpu->run;
    gboolean pending;

    if (!vm->ops.extint_pending)
        return;
    pending = vm->ops.extint_pending(vm->ops.opaque);
    if (pending && run->ready_for_interrupt_injection) {
        struct kvm_interrupt irq = { .irq = vm->ops.extint_ack(vm->ops.opaque) };
        if (ioctl(vcpu->fd, KVM_INTERRUPT, &irq) < 0)
            g_debug("vCPU %u: KVM_INTERRUPT vector 0x%x: %s", vcpu->index,
                    irq.irq, g_strerror(errno));
        pending = vm->ops.extint_pending(vm->ops.opaque);
    }
    run->request_interrupt_window = pending;
}

static void *
vcpu_thread(void *opaque)
{
    VireoKvmVcpu *vcpu = opaque;
    sigset_t kick;
    sigemptyset(&kick);
    sigaddset(&kick, VIREO_KVM_KICK_SIGNAL);
    pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
    /* vireo_kvm_vm_vcpu_tid() may already be waiting for it. */
    g_mutex_lock(&vcpu->vm->lock);
    vcpu->tid = (int) syscall(SYS_gettid);
    g_cond_broadcast(&vcpu->vm->parked_cond);
    g_mutex_unlock(&vcpu->vm->lock);
    {
        g_autofree char *name = g_strdup_printf("vcpu%u", vcpu->index);
        pthread_setname_np(pthread_self(), name);
    }
    while (vcpu_wait_runnable(vcpu)) {
        if (vcpu->index == 0)
            vcpu_inject_extint(vcpu);
        if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
            int err = errno;
            vcpu->exit_incomplete = FALSE;
            if (err == EINTR || err == EAGAIN)
                continue;
            vcpu_run_failed(vcpu, err);
            continue;
        }
        vcpu->exit_incomplete = exit_needs_completion(vcpu->run->exit_reason);
        vcpu_handle_exit(vcpu);
    }
    return NULL;
}

gboolean
vireo_kvm_vcpu_start_thread(VireoKvmVcpu *vcpu, GError **error)
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
    /* The guest may write anywhere from here on. */
    vireo_kvm_vm_forget_ram_zero(vm);
    g_mutex_lock(&vm->lock);
    vm->pause_requested = FALSE;
    g_cond_broadcast(&vm->cond);
    g_mutex_unlock(&vm->lock);
}
