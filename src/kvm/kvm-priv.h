/* Internal to src/kvm: the VM and vCPU structures shared by vm.c and
 * vcpu.c. Nothing outside src/kvm includes this. */
#pragma once
#include <pthread.h>
#include <linux/kvm.h>
#include "kvm/kvm.h"

typedef struct {
    VireoKvmVm *vm;
    guint index;                    /* position in vm->vcpus */
    guint32 apic_id;                /* KVM vcpu id */
    int fd;
    struct kvm_run *run;
    gsize run_size;
    pthread_t thread;
    gboolean thread_started;
    int tid;                        /* set by the thread, under vm->lock */
    /* Parked because of an exit that must not be re-entered (triple fault,
     * internal error) until the machine is reset. Under vm->lock. */
    gboolean stopped_on_event;
    gboolean parked;                /* under vm->lock */
    /* The last exit was an I/O or MMIO access that KVM finishes only on the
     * next KVM_RUN (an IN's data into RAX, RIP past the instruction). Only
     * the vCPU's own thread reads or writes it. */
    gboolean exit_incomplete;
    struct kvm_lapic_state initial_lapic;
    GArray *cpuid;                  /* VireoCpuidEntry, borrowed from the desc */
} VireoKvmVcpu;

struct _VireoKvmVm {
    int kvm_fd;
    int vm_fd;
    guint8 *ram;
    gsize ram_size;
    gsize ram_map_size;
    GArray *regions;                /* VireoRamRegion (copy) */
    const VireoMemoryDesc *mem;
    /* The RAM is a fresh anonymous mapping that reads as zero except in
     * ram_written (guest-physical [start, end) pairs, guint64), until a
     * vCPU may have run (vireo_kvm_vm_resume) or too many ranges were
     * noted. Under ram_lock; ram_fresh is read atomically first. */
    gint ram_fresh;
    GMutex ram_lock;
    GArray *ram_written;
    /* Split irqchip: the MSI each IOAPIC pin sends (KVM_SET_GSI_ROUTING). */
    GMutex route_lock;
    guint64 route_addr[VIREO_KVM_IOAPIC_PINS];
    guint32 route_data[VIREO_KVM_IOAPIC_PINS];

    VireoKvmExitOps ops;
    GPtrArray *vcpus;               /* VireoKvmVcpu* */

    /* vCPU threads park on cond while pause_requested or quit. */
    GMutex lock;
    GCond cond;                     /* vCPUs wait here */
    GCond parked_cond;              /* pause() and vcpu_tid() wait here */
    gboolean pause_requested;
    gboolean quit;
};

/* kvm-host.c: the device fd the last host probe opened, when it was for
 * the same path, or a new one (vireo_kvm_open_device). */
int vireo_kvm_take_device(GError **error);
/* vcpu.c */
gboolean vireo_kvm_vcpu_setup_regs(VireoKvmVcpu *vcpu,
                                   const VireoKvmEntry *entry,
                                   GError **error);
void vireo_kvm_vcpu_free(VireoKvmVcpu *vcpu);
/* vcpu-run.c */
void vireo_kvm_install_kick_handler(void);
gboolean vireo_kvm_vcpu_start_thread(VireoKvmVcpu *vcpu, GError **error);
/* The signal used to kick vCPU threads out of KVM_RUN. */
#define VIREO_KVM_KICK_SIGNAL SIGUSR1

/* longmode.c: sregs for the 64-bit entry (flat CS/DS from the boot GDT,
 * paging on through the identity tables, EFER.LME|LMA). */
void vireo_longmode_sregs(struct kvm_sregs *sregs);
