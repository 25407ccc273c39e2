/* The VM: /dev/kvm's VM fd, guest RAM, the split irqchip's routes. */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include "kvm/kvm-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* Intel VMX needs a 3-page TSS and a 1-page identity-map table for real
 * mode; KVM wants them in guest-physical space below 4 GiB, clear of RAM and
 * MMIO. vireo puts them where QEMU does: below the 0xfffc0000 BIOS window,
 * above the LAPIC page, outside the PCI hole that ends at the IOAPIC. */
#define VIREO_KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define VIREO_KVM_TSS_ADDR          0xfeffd000ULL

static gboolean
vm_ioctl_ok(int ret, const char *what, GError **error)
{
    if (ret >= 0)
        return TRUE;
    vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                          _("%s failed"), what);
    return FALSE;
}

/* The routes every pin has until the IOAPIC model says otherwise: an
 * edge-triggered vector 0 to APIC ID 0, which nothing ever signals. */
#define VIREO_KVM_ROUTE_DEFAULT_ADDR 0xfee00000ULL

/* Writes the whole table: KVM_SET_GSI_ROUTING replaces, it does not add.
 * addr NULL: every pin's default route. */
static gboolean
push_routes(int vm_fd, const guint64 *addr, const guint32 *data, GError **error)
{
    struct {
        struct kvm_irq_routing hdr;
        struct kvm_irq_routing_entry entries[VIREO_KVM_IOAPIC_PINS];
    } table_buf;
    struct kvm_irq_routing *table = &table_buf.hdr;
    memset(&table_buf, 0, sizeof(table_buf));
    table->nr = VIREO_KVM_IOAPIC_PINS;
    for (guint i = 0; i < VIREO_KVM_IOAPIC_PINS; i++) {
        struct kvm_irq_routing_entry *e = &table_buf.entries[i];
        guint64 a = addr ? addr[i] : VIREO_KVM_ROUTE_DEFAULT_ADDR;
        e->gsi = i;
        e->type = KVM_IRQ_ROUTING_MSI;
        e->u.msi.address_lo = (guint32) a;
        e->u.msi.address_hi = (guint32) (a >> 32);
        e->u.msi.data = addr ? data[i] : 0;
    }
    return vm_ioctl_ok(ioctl(vm_fd, KVM_SET_GSI_ROUTING, table),
                       "KVM_SET_GSI_ROUTING", error);
}

static gboolean
vm_push_routes(VireoKvmVm *vm, GError **error)
{
    return push_routes(vm->vm_fd, vm->route_addr, vm->route_data, error);
}

static void
vm_default_routes(VireoKvmVm *vm)
{
    for (guint i = 0; i < VIREO_KVM_IOAPIC_PINS; i++) {
        vm->route_addr[i] = VIREO_KVM_ROUTE_DEFAULT_ADDR;
        vm->route_data[i] = 0;
    }
}

static gboolean
vm_reset_routes(VireoKvmVm *vm, GError **error)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&vm->route_lock);
    vm_default_routes(vm);
    return vm_push_routes(vm, error);
}

/* Split irqchip: the LAPICs in the kernel, the PIC, IOAPIC and PIT in user
 * space (src/hw). Closing a VM with KVM_CREATE_IRQCHIP + KVM_CREATE_PIT2
 * took 16-24 ms on the kvm_pvm host (SRCU grace periods in
 * kvm_destroy_vm), the split one ~0.1 ms. Must precede the vCPUs; the
 * memory slots may come after it (with KVM_CREATE_IRQCHIP a 128 MiB slot
 * then took 5-7 ms instead of ~0.15 ms; after the split irqchip 57-94 µs,
 * as before it). */
static gboolean
create_irqchip(int vm_fd, GError **error)
{
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_SPLIT_IRQCHIP,
        .args[0] = VIREO_KVM_IOAPIC_PINS,
    };
    if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP) <= 0) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("this host's KVM lacks KVM_CAP_SPLIT_IRQCHIP (Linux 4.4 or later has it)"));
        return FALSE;
    }
    return vm_ioctl_ok(ioctl(vm_fd, KVM_ENABLE_CAP, &cap),
                       "KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP)", error) &&
           push_routes(vm_fd, NULL, NULL, error);
}

/* KVM_CREATE_VM with the TSS and identity-map pages and the split irqchip
 * (every GSI routed to its default); -1 with error set on failure. */
static int
vm_fd_new(int kvm_fd, GError **error)
{
    /* Type 0: the default x86 VM. */
    int vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (!vm_ioctl_ok(vm_fd, "KVM_CREATE_VM", error))
        return -1;
    if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
        !vm_ioctl_ok(ioctl(vm_fd, KVM_SET_TSS_ADDR,
                           (unsigned long) VIREO_KVM_TSS_ADDR),
                     "KVM_SET_TSS_ADDR", error))
        goto fail;
    if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
        guint64 addr = VIREO_KVM_IDENTITY_MAP_ADDR;
        if (!vm_ioctl_ok(ioctl(vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &addr),
                         "KVM_SET_IDENTITY_MAP_ADDR", error))
            goto fail;
    }
    if (!create_irqchip(vm_fd, error))
        goto fail;
    return vm_fd;
fail:
    close(vm_fd);
    return -1;
}

static gsize
ram_mapping_size(const VireoMemoryDesc *mem)
{
    gsize size = 0;
    for (guint i = 0; i < mem->regions->len; i++) {
        const VireoRamRegion *r = &g_array_index(mem->regions, VireoRamRegion, i);
        size = MAX(size, r->offset + r->size);
    }
    return size;
}

static gboolean
vm_map_ram(VireoKvmVm *vm, const VireoMemoryDesc *mem, GError **error)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    vm->ram_size = ram_mapping_size(mem);
    vm->ram_map_size = vm->ram_size;
    if (vm->ram_size == 0) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED, "%s",
                        _("the machine description has no guest RAM"));
        return FALSE;
    }
    if (mem->hugepage_size) {
        /* Huge pages are reserved at mmap time only without MAP_NORESERVE;
         * with it, a host short of pages would SIGBUS the VMM when the
         * guest first touches its RAM. */
        flags = (flags & ~MAP_NORESERVE) | MAP_HUGETLB;
        if (mem->hugepage_size == (1ULL << 30))
            flags |= 30 << MAP_HUGE_SHIFT;
        else
            flags |= 21 << MAP_HUGE_SHIFT;
        vm->ram_map_size = (vm->ram_size + mem->hugepage_size - 1) &
                           ~(mem->hugepage_size - 1);
    }
    void *ram = mmap(NULL, vm->ram_map_size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (ram == MAP_FAILED) {
        if (mem->hugepage_size)
            vireo_error_set_errno(error, VIREO_ERR_NO_MEMORY, errno,
                                  _("cannot map %llu MiB of guest RAM in %llu KiB huge pages"),
                                  (unsigned long long) vm->ram_size >> 20,
                                  (unsigned long long) mem->hugepage_size >> 10);
        else
            vireo_error_set_errno(error, VIREO_ERR_NO_MEMORY, errno,
                                  _("cannot map %llu MiB of guest RAM"),
                                  (unsigned long long) vm->ram_size >> 20);
        return FALSE;
    }
    vm->ram = ram;
    /* Private anonymous memory, huge pages or not, reads as zero until
     * written. (A file- or memfd-backed mapping must not set this.) */
    g_atomic_int_set(&vm->ram_fresh, TRUE);
    if (mem->nosharepages)
        madvise(ram, vm->ram_map_size, MADV_UNMERGEABLE);
    return TRUE;
}

static gboolean
vm_add_memory_slots(VireoKvmVm *vm, GError **error)
{
    for (guint i = 0; i < vm->regions->len; i++) {
        const VireoRamRegion *r = &g_array_index(vm->regions, VireoRamRegion, i);
        struct kvm_userspace_memory_region slot = {
            .slot = i,
            .guest_phys_addr = r->gpa,
            .memory_size = r->size,
            .userspace_addr = (guint64) (guintptr) (vm->ram + r->offset),
        };
        if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0) {
            vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                                  _("cannot add guest RAM 0x%llx+0x%llx to the VM"),
                                  (unsigned long long) r->gpa,
                                  (unsigned long long) r->size);
            return FALSE;
        }
    }
    return TRUE;
}

static VireoKvmVm *
vm_alloc(const VireoMemoryDesc *mem)
{
    VireoKvmVm *vm = g_new0(VireoKvmVm, 1);
    vm->kvm_fd = vm->vm_fd = -1;
    vm_default_routes(vm);          /* as vm_fd_new() sets them */
    g_mutex_init(&vm->lock);
    g_mutex_init(&vm->route_lock);
    g_mutex_init(&vm->ram_lock);
    vm->ram_written = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_cond_init(&vm->cond);
    g_cond_init(&vm->parked_cond);
    vm->vcpus = g_ptr_array_new_with_free_func((GDestroyNotify) vireo_kvm_vcpu_free);
    vm->mem = mem;
    vm->regions = g_array_copy(mem->regions);
    vm->pause_requested = TRUE;      /* vCPUs start parked */
    return vm;
}

VireoKvmVm *
vireo_kvm_vm_new(const VireoMemoryDesc *mem, GError **error)
{
    g_autoptr(VireoKvmVm) vm = vm_alloc(mem);
    vm->kvm_fd = vireo_kvm_take_device(error);
    if (vm->kvm_fd < 0 || !vm_map_ram(vm, mem, error))
        return NULL;
    vm->vm_fd = vm_fd_new(vm->kvm_fd, error);
    if (vm->vm_fd < 0 || !vm_add_memory_slots(vm, error))
        return NULL;
    return g_steal_pointer(&vm);
}

static void
vm_stop_threads(VireoKvmVm *vm)
{
    g_mutex_lock(&vm->lock);
    vm->quit = TRUE;
    g_cond_broadcast(&vm->cond);
    g_mutex_unlock(&vm->lock);
    for (guint i = 0; i < vm->vcpus->len; i++) {
        VireoKvmVcpu *vcpu = g_ptr_array_index(vm->vcpus, i);
        if (!vcpu->thread_started)
            continue;
        vcpu->run->immediate_exit = 1;
        pthread_kill(vcpu->thread, VIREO_KVM_KICK_SIGNAL);
        pthread_join(vcpu->thread, NULL);
        vcpu->thread_started = FALSE;
    }
}

void
vireo_kvm_vm_free(VireoKvmVm *vm)
{
    if (!vm)
        return;
    vm_stop_threads(vm);
    g_ptr_array_unref(vm->vcpus);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    if (vm->ram)
        munmap(vm->ram, vm->ram_map_size);
    g_array_unref(vm->regions);
    g_array_unref(vm->ram_written);
    g_mutex_clear(&vm->lock);
    g_mutex_clear(&vm->route_lock);
    g_mutex_clear(&vm->ram_lock);
    g_cond_clear(&vm->cond);
    g_cond_clear(&vm->parked_cond);
    g_free(vm);
}

guint8 *
vireo_kvm_vm_gpa_to_hva(VireoKvmVm *vm, guint64 gpa, guint64 len)
{
    for (guint i = 0; i < vm->regions->len; i++) {
        const VireoRamRegion *r = &g_array_index(vm->regions, VireoRamRegion, i);
        if (gpa >= r->gpa && len <= r->size && gpa - r->gpa <= r->size - len)
            return vm->ram + r->offset + (gpa - r->gpa);
    }
    return NULL;
}

/* More written ranges than this and the VM stops keeping track (a VMM
 * writes a few: the ACPI tables and the legacy RSDP copy). */
#define VIREO_KVM_RAM_WRITTEN_MAX 16

void
vireo_kvm_vm_note_ram_write(VireoKvmVm *vm, guint64 gpa, guint64 len)
{
    if (!g_atomic_int_get(&vm->ram_fresh) || len == 0)
        return;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&vm->ram_lock);
    if (vm->ram_written->len / 2 >= VIREO_KVM_RAM_WRITTEN_MAX ||
        len > G_MAXUINT64 - gpa) {
        g_atomic_int_set(&vm->ram_fresh, FALSE);
        return;
    }
    guint64 range[2] = { gpa, gpa + len };
    g_array_append_vals(vm->ram_written, range, 2);
}

void
vireo_kvm_vm_forget_ram_zero(VireoKvmVm *vm)
{
    g_atomic_int_set(&vm->ram_fresh, FALSE);
}

static gboolean
vm_ram_is_zero(VireoKvmVm *vm, guint64 gpa, guint64 len)
{
    if (!g_atomic_int_get(&vm->ram_fresh) || len > G_MAXUINT64 - gpa)
        return FALSE;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&vm->ram_lock);
    if (!g_atomic_int_get(&vm->ram_fresh))
        return FALSE;
    for (guint i = 0; i + 1 < vm->ram_written->len; i += 2) {
        guint64 start = g_array_index(vm->ram_written, guint64, i);
        guint64 end = g_array_index(vm->ram_written, guint64, i + 1);
        if (gpa < end && start < gpa + len)
            return FALSE;
    }
    return TRUE;
}

static guint8 *
guest_memory_gpa_to_hva(void *opaque, guint64 gpa, guint64 len)
{
    return vireo_kvm_vm_gpa_to_hva(opaque, gpa, len);
}

static gboolean
guest_memory_is_zero(void *opaque, guint64 gpa, guint64 len)
{
    return vm_ram_is_zero(opaque, gpa, len);
}

void
vireo_kvm_vm_guest_memory(VireoKvmVm *vm, VireoGuestMemory *gm)
{
    gm->gpa_to_hva = guest_memory_gpa_to_hva;
    gm->is_zero = guest_memory_is_zero;
    gm->opaque = vm;
    gm->mem = vm->mem;
}

gboolean
vireo_kvm_vm_signal_msi(VireoKvmVm *vm, guint64 addr, guint32 data)
{
    static gsize warned = 0;
    struct kvm_msi msi = {
        .address_lo = (guint32) addr,
        .address_hi = (guint32) (addr >> 32),
        .data = data,
    };
    /* 0: blocked by the guest (e.g. no LAPIC accepted it), not an error. */
    if (ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) >= 0)
        return TRUE;
    if (g_once_init_enter(&warned)) {
        g_warning(_("KVM_SIGNAL_MSI address 0x%llx data 0x%x: %s"),
                  (unsigned long long) addr, data, g_strerror(errno));
        g_once_init_leave(&warned, 1);
    }
    return FALSE;
}

void
vireo_kvm_vm_set_msi_route(VireoKvmVm *vm, guint gsi, guint64 addr, guint32 data)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&vm->route_lock);
    g_autoptr(GError) err = NULL;
    if (gsi >= VIREO_KVM_IOAPIC_PINS ||
        (vm->route_addr[gsi] == addr && vm->route_data[gsi] == data))
        return;
    vm->route_addr[gsi] = addr;
    vm->route_data[gsi] = data;
    if (!vm_push_routes(vm, &err))
        g_warning("%s", err->message);
}

void
vireo_kvm_vm_kick_vcpu(VireoKvmVm *vm, guint index)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&vm->lock);
    VireoKvmVcpu *vcpu;
    if (index >= vm->vcpus->len)
        return;
    vcpu = g_ptr_array_index(vm->vcpus, index);
    if (!vcpu->thread_started || vcpu->parked ||
        pthread_equal(vcpu->thread, pthread_self()))
        return;
    /* As pause: immediate_exit covers a thread about to enter KVM_RUN. */
    vcpu->run->immediate_exit = 1;
    pthread_kill(vcpu->thread, VIREO_KVM_KICK_SIGNAL);
}

guint
vireo_kvm_vm_n_vcpus(VireoKvmVm *vm)
{
    return vm->vcpus->len;
}

int
vireo_kvm_vm_vcpu_tid(VireoKvmVm *vm, guint i)
{
    if (i >= vm->vcpus->len)
        return 0;
    VireoKvmVcpu *vcpu = g_ptr_array_index(vm->vcpus, i);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&vm->lock);
    /* A thread just created may not have run yet: wait until it has said
     * who it is (QEMU waits for each vCPU thread when it creates it, so
     * query-cpus-fast never reports thread 0). */
    while (vcpu->thread_started && vcpu->tid == 0)
        g_cond_wait(&vm->parked_cond, &vm->lock);
    return vcpu->tid;
}

gboolean
vireo_kvm_vm_reset(VireoKvmVm *vm, const VireoKvmEntry *entry, GError **error)
{
    /* The IOAPIC model was reset: no stale level-triggered vectors. */
    if (!vm_reset_routes(vm, error))
        return FALSE;
    for (guint i = 0; i < vm->vcpus->len; i++) {
        VireoKvmVcpu *vcpu = g_ptr_array_index(vm->vcpus, i);
        if (!vireo_kvm_vcpu_setup_regs(vcpu, entry, error))
            return FALSE;
        g_mutex_lock(&vm->lock);
        vcpu->stopped_on_event = FALSE;
        g_mutex_unlock(&vm->lock);
    }
    return TRUE;
}
