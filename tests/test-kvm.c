/* src/kvm against the real /dev/kvm: host probe, tiny 64-bit guests for
 * port I/O, RSI = zero page, CPUID from our table, pause/resume, a reset
 * during an unfinished access, triple fault and a failing exit. Skips (with the reason) when /dev/kvm cannot be
 * opened. */
#include <config.h>
#include <string.h>
#include <unistd.h>
#include "kvm/kvm.h"
#include "util/vireo-error.h"

#define GUEST_RAM (64ULL << 20)
#define CODE_ADDR 0x100000
#define PORT_CHAR 0x3f8
#define PORT_VALUE 0x504
#define PORT_COUNTER 0x510

typedef struct {
    GMutex lock;
    GCond cond;
    GString *chars;
    guint32 value;
    gboolean have_value;
    guint32 counter;
    int event;                  /* -1: none */
    char *detail;
} GuestLog;

static gboolean
log_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    GuestLog *log = opaque;
    if (!is_write)
        return FALSE;
    g_mutex_lock(&log->lock);
    guint32 v = 0;
    memcpy(&v, data, MIN(size, sizeof(v)));
    if (port == PORT_CHAR)
        g_string_append_c(log->chars, (char) data[0]);
    else if (port == PORT_VALUE) {
        log->value = v;
        log->have_value = TRUE;
    } else if (port == PORT_COUNTER)
        log->counter = v;
    g_cond_broadcast(&log->cond);
    g_mutex_unlock(&log->lock);
    return TRUE;
}

static void
log_event(void *opaque, guint vcpu, VireoKvmEvent ev, const char *detail)
{
    GuestLog *log = opaque;
    g_mutex_lock(&log->lock);
    log->event = ev;
    log->detail = g_strdup(detail);
    g_cond_broadcast(&log->cond);
    g_mutex_unlock(&log->lock);
}

/* Waits up to 10 s for pred; tests must never hang. */
static gboolean
log_wait(GuestLog *log, gboolean (*pred)(GuestLog *))
{
    gint64 end = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    g_mutex_lock(&log->lock);
    gboolean ok;
    while (!(ok = pred(log)) && g_cond_wait_until(&log->cond, &log->lock, end))
        ;
    ok = pred(log);
    g_mutex_unlock(&log->lock);
    return ok;
}

static gboolean has_value(GuestLog *log) { return log->have_value; }
static gboolean has_event(GuestLog *log) { return log->event >= 0; }
static gboolean counter_started(GuestLog *log) { return log->counter > 1000; }

typedef struct {
    VireoMemoryDesc mem;
    VireoCpuDesc cpu;
    VireoKvmVm *vm;
    GuestLog log;
} Fixture;

static gboolean
have_kvm(void)
{
    if (access(vireo_kvm_device_path(), R_OK | W_OK) == 0)
        return TRUE;
    g_test_skip("cannot open /dev/kvm read-write on this host");
    return FALSE;
}

static void
fixture_init(Fixture *f, GArray *cpuid)
{
    memset(f, 0, sizeof(*f));
    VireoRamRegion r = { .gpa = 0, .size = GUEST_RAM, .offset = 0 };
    VireoE820Entry e = { .addr = 0, .size = GUEST_RAM, .type = VIREO_E820_RAM };
    f->mem.ram_bytes = f->mem.below_4g = GUEST_RAM;
    f->mem.regions = g_array_new(FALSE, TRUE, sizeof(VireoRamRegion));
    g_array_append_val(f->mem.regions, r);
    f->mem.e820 = g_array_new(FALSE, TRUE, sizeof(VireoE820Entry));
    g_array_append_val(f->mem.e820, e);
    f->cpu.vcpus = g_ptr_array_new_with_free_func(g_free);
    VireoVcpuDesc *v = g_new0(VireoVcpuDesc, 1);
    v->present = TRUE;
    v->cpuid = cpuid;
    g_ptr_array_add(f->cpu.vcpus, v);
    g_mutex_init(&f->log.lock);
    g_cond_init(&f->log.cond);
    f->log.chars = g_string_new(NULL);
    f->log.event = -1;
}

static void
fixture_clear(Fixture *f)
{
    vireo_kvm_vm_free(f->vm);
    g_array_unref(f->mem.regions);
    g_array_unref(f->mem.e820);
    g_ptr_array_unref(f->cpu.vcpus);
    g_string_free(f->log.chars, TRUE);
    g_free(f->log.detail);
    g_mutex_clear(&f->log.lock);
    g_cond_clear(&f->log.cond);
}

/* Builds the VM, writes code at CODE_ADDR and runs vCPU 0 from there,
 * its exits going to ops. */
static void
fixture_run_with(Fixture *f, const guint8 *code, gsize len, const VireoKvmExitOps *ops)
{
    g_autoptr(GError) err = NULL;
    f->vm = vireo_kvm_vm_new(&f->mem, &err);
    g_assert_no_error(err);
    VireoGuestMemory gm;
    vireo_kvm_vm_guest_memory(f->vm, &gm);
    g_assert_true(vireo_longmode_write_tables(&gm, &err));
    guint8 *hva = vireo_kvm_vm_gpa_to_hva(f->vm, CODE_ADDR, len);
    g_assert_nonnull(hva);
    memcpy(hva, code, len);
    VireoKvmEntry entry = { .rip = CODE_ADDR, .rsi = VIREO_BOOT_ZERO_PAGE_ADDR };
    g_assert_true(vireo_kvm_vm_create_vcpus(f->vm, &f->cpu, &entry, ops, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(vireo_kvm_vm_n_vcpus(f->vm), ==, 1);
    vireo_kvm_vm_resume(f->vm);
}

/* The same, port writes and events going to the fixture's log. */
static void
fixture_run(Fixture *f, const guint8 *code, gsize len)
{
    VireoKvmExitOps ops = { .pio = log_pio, .event = log_event, .opaque = &f->log };
    fixture_run_with(f, code, len, &ops);
}

static void
test_probe(void)
{
    if (!have_kvm())
        return;
    VireoHostCaps caps = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_true(vireo_kvm_host_caps_probe(&caps, &err));
    g_assert_no_error(err);
    g_assert_nonnull(caps.supported_cpuid);
    g_assert_cmpuint(caps.supported_cpuid->len, >, 0);
    g_assert_true(g_str_equal(caps.host_vendor, "GenuineIntel") ||
                  g_str_equal(caps.host_vendor, "AuthenticAMD") ||
                  g_str_equal(caps.host_vendor, "HygonGenuine"));
    g_assert_cmpuint(caps.max_vcpus, >=, 1);
    g_array_unref(caps.supported_cpuid);
}

static void
test_missing_device(void)
{
    g_autoptr(GError) err = NULL;
    g_setenv("VIREO_KVM_DEVICE", "/nonexistent/kvm", TRUE);
    int fd = vireo_kvm_open_device(&err);
    g_unsetenv("VIREO_KVM_DEVICE");
    g_assert_cmpint(fd, ==, -1);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "/nonexistent/kvm"));
}

/* Guest RAM in 2 MiB huge pages: mapped when the host has them reserved,
 * otherwise a clear error naming the page size (never a silent fallback). */
static void
test_hugepages(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    f.mem.hugepage_size = 2 << 20;
    f.mem.nosharepages = TRUE;
    g_autoptr(GError) err = NULL;
    g_autofree char *nr = NULL;
    gboolean reserved =
        g_file_get_contents("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
                            &nr, NULL, NULL) &&
        g_ascii_strtoull(nr, NULL, 10) >= GUEST_RAM / (2 << 20);
    f.vm = vireo_kvm_vm_new(&f.mem, &err);
    if (reserved) {
        g_assert_no_error(err);
        g_assert_nonnull(vireo_kvm_vm_gpa_to_hva(f.vm, GUEST_RAM - 1, 1));
    } else {
        g_assert_null(f.vm);
        g_assert_error(err, VIREO_ERROR, VIREO_ERR_NO_MEMORY);
        g_assert_nonnull(strstr(err->message, "2048 KiB huge pages"));
    }
    fixture_clear(&f);
}

/* out 'O','K' to 0x3f8, then the low 32 bits of RSI to PORT_VALUE. */
static const guint8 code_hello[] = {
    0x66, 0xba, 0xf8, 0x03,             /* mov dx, 0x3f8 */
    0xb0, 'O', 0xee,                    /* mov al, 'O'; out dx, al */
    0xb0, 'K', 0xee,                    /* mov al, 'K'; out dx, al */
    0x89, 0xf0,                         /* mov eax, esi */
    0x66, 0xba, 0x04, 0x05,             /* mov dx, 0x504 */
    0xef,                               /* out dx, eax */
    0xf4, 0xeb, 0xfd,                   /* hlt; jmp hlt */
};

static void
test_hello(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    fixture_run(&f, code_hello, sizeof(code_hello));
    g_assert_true(log_wait(&f.log, has_value));
    g_assert_cmpstr(f.log.chars->str, ==, "OK");
    g_assert_cmphex(f.log.value, ==, VIREO_BOOT_ZERO_PAGE_ADDR);
    g_assert_cmpint(f.log.event, ==, -1);
    /* HLT with interrupts off blocks in the kernel: pause must still kick. */
    vireo_kvm_vm_pause(f.vm);
    g_assert_cmpint(vireo_kvm_vm_vcpu_tid(f.vm, 0), >, 0);
    fixture_clear(&f);
}

/* A BSP whose APIC ID needs x2APIC (KVM_CAP_X2APIC_API, boot CPU id). */
static void
test_x2apic_id(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    ((VireoVcpuDesc *) g_ptr_array_index(f.cpu.vcpus, 0))->apic_id = 300;
    fixture_run(&f, code_hello, sizeof(code_hello));
    g_assert_true(log_wait(&f.log, has_value));
    g_assert_cmpstr(f.log.chars->str, ==, "OK");
    vireo_kvm_vm_pause(f.vm);
    fixture_clear(&f);
}

/* CPUID leaf 0, EBX (first 4 vendor characters) to PORT_VALUE. */
static const guint8 code_cpuid[] = {
    0x31, 0xc0,                         /* xor eax, eax */
    0x0f, 0xa2,                         /* cpuid */
    0x89, 0xd8,                         /* mov eax, ebx */
    0x66, 0xba, 0x04, 0x05,             /* mov dx, 0x504 */
    0xef, 0xf4, 0xeb, 0xfd,             /* out dx, eax; hlt; jmp hlt */
};

static void
test_cpuid(void)
{
    if (!have_kvm())
        return;
    VireoHostCaps caps = { 0 };
    g_autoptr(GError) err = NULL;
    g_assert_true(vireo_kvm_host_caps_probe(&caps, &err));
    for (guint i = 0; i < caps.supported_cpuid->len; i++) {
        VireoCpuidEntry *e = &g_array_index(caps.supported_cpuid, VireoCpuidEntry, i);
        if (e->function == 0)
            memcpy(&e->ebx, "Vire", 4);
    }
    Fixture f;
    fixture_init(&f, caps.supported_cpuid);
    fixture_run(&f, code_cpuid, sizeof(code_cpuid));
    g_assert_true(log_wait(&f.log, has_value));
    g_assert_cmpmem(&f.log.value, 4, "Vire", 4);
    fixture_clear(&f);
    g_array_unref(caps.supported_cpuid);
}

/* Open fds of this process on the KVM device ($VIREO_KVM_DEVICE unset). */
static guint
count_kvm_fds(void)
{
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    const char *name;
    guint n = 0;
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename("/proc/self/fd", name, NULL);
        g_autofree char *target = g_file_read_link(path, NULL);
        if (target && g_str_equal(target, "/dev/kvm"))
            n++;
    }
    return n;
}

/* The probe's device fd is kept for the next VM, which then opens no second
 * one; it goes with that VM. A probe of another device (the variable
 * changed) is not taken for this one. */
static void
test_probe_keeps_device(void)
{
    if (!have_kvm())
        return;
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoHostCaps) caps = vireo_host_caps_new();
    g_assert_true(vireo_kvm_host_caps_probe(caps, &err));
    g_assert_no_error(err);
    guint kept = count_kvm_fds();       /* with the one kept */
    g_assert_cmpuint(kept, >=, 1);
    g_assert_true(vireo_kvm_host_caps_probe(caps, &err));
    g_assert_cmpuint(count_kvm_fds(), ==, kept);        /* replaced, not added */
    Fixture f;
    fixture_init(&f, NULL);
    fixture_run(&f, code_hello, sizeof(code_hello));
    g_assert_cmpuint(count_kvm_fds(), ==, kept);        /* taken, not opened */
    g_assert_true(log_wait(&f.log, has_value));
    g_assert_cmpstr(f.log.chars->str, ==, "OK");
    vireo_kvm_vm_pause(f.vm);
    fixture_clear(&f);
    g_assert_cmpuint(count_kvm_fds(), ==, kept - 1);

    g_assert_true(vireo_kvm_host_caps_probe(caps, &err));
    g_setenv("VIREO_KVM_DEVICE", "/nonexistent/kvm", TRUE);
    Fixture other;
    fixture_init(&other, NULL);
    other.vm = vireo_kvm_vm_new(&other.mem, &err);
    g_unsetenv("VIREO_KVM_DEVICE");
    g_assert_null(other.vm);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "/nonexistent/kvm"));
    fixture_clear(&other);
}

/* Counts in ECX forever, writing each value to PORT_COUNTER. */
static const guint8 code_counter[] = {
    0xff, 0xc1,                         /* inc ecx */
    0x89, 0xc8,                         /* mov eax, ecx */
    0x66, 0xba, 0x10, 0x05,             /* mov dx, 0x510 */
    0xef,                               /* out dx, eax */
    0xeb, 0xf5,                         /* jmp inc */
};

static void
test_pause_resume(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    fixture_run(&f, code_counter, sizeof(code_counter));
    g_assert_true(log_wait(&f.log, counter_started));
    vireo_kvm_vm_pause(f.vm);
    g_mutex_lock(&f.log.lock);
    guint32 at_pause = f.log.counter;
    g_mutex_unlock(&f.log.lock);
    g_usleep(50 * 1000);
    g_mutex_lock(&f.log.lock);
    g_assert_cmpuint(f.log.counter, ==, at_pause);   /* really stopped */
    g_mutex_unlock(&f.log.lock);
    vireo_kvm_vm_resume(f.vm);
    gint64 end = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    guint32 now;
    do {
        g_usleep(1000);
        g_mutex_lock(&f.log.lock);
        now = f.log.counter;
        g_mutex_unlock(&f.log.lock);
    } while (now == at_pause && g_get_monotonic_time() < end);
    g_assert_cmpuint(now, >, at_pause);
    fixture_clear(&f);
}

/* ud2 with an IDT that has no valid gate: #UD -> #GP -> #DF -> shutdown. */
static const guint8 code_triple_fault[] = { 0x0f, 0x0b };

static void
test_triple_fault(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    fixture_run(&f, code_triple_fault, sizeof(code_triple_fault));
    g_assert_true(log_wait(&f.log, has_event));
    g_assert_cmpint(f.log.event, ==, VIREO_KVM_EVENT_TRIPLE_FAULT);
    /* The vCPU parked itself: pausing must not wait for it. */
    vireo_kvm_vm_pause(f.vm);
    fixture_clear(&f);
}

/* Jumps to guest-physical 0xd0000000, where there is no RAM: KVM cannot
 * fetch the instruction to emulate it (emulation failure, suberror 1). It
 * must come back as a reported internal error, never a hang. */
static const guint8 code_jump_nowhere[] = {
    0x48, 0xb8, 0x00, 0x00, 0x00, 0xd0, 0, 0, 0, 0,   /* mov rax, 0xd0000000 */
    0xff, 0xe0,                                       /* jmp rax */
};

static void
test_jump_outside_ram(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    fixture_run(&f, code_jump_nowhere, sizeof(code_jump_nowhere));
    g_assert_true(log_wait(&f.log, has_event));
    g_test_message("event %d: %s", f.log.event, f.log.detail ? f.log.detail : "");
    g_assert_cmpint(f.log.event, ==, VIREO_KVM_EVENT_INTERNAL_ERROR);
    g_assert_nonnull(f.log.detail);
    g_assert_nonnull(strstr(f.log.detail, "Suberror: 1"));
    g_assert_nonnull(strstr(f.log.detail, "RIP=00000000d0000000"));
    g_assert_nonnull(strstr(f.log.detail, "EFER="));
    vireo_kvm_vm_pause(f.vm);
    fixture_clear(&f);
}

/* lock cmpxchg16b [rsp]: kvm_pvm cannot run it and its emulator does not
 * know it either (HOST-NOTES.md); on hardware KVM it simply runs. The report
 * must carry the instruction bytes KVM hands over. */
static const guint8 code_cmpxchg16b[] = {
    0xf0, 0x48, 0x0f, 0xc7, 0x0c, 0x24,     /* lock cmpxchg16b [rsp] */
    0xf4, 0xeb, 0xfd,                       /* hlt; jmp hlt */
};

static void
test_pvm_emulation_failure(void)
{
    if (!have_kvm())
        return;
    if (!g_file_test("/sys/module/kvm_pvm", G_FILE_TEST_IS_DIR)) {
        g_test_skip("only kvm_pvm fails to run cmpxchg16b; this host's KVM runs it");
        return;
    }
    Fixture f;
    fixture_init(&f, NULL);
    fixture_run(&f, code_cmpxchg16b, sizeof(code_cmpxchg16b));
    g_assert_true(log_wait(&f.log, has_event));
    g_test_message("%s", f.log.detail ? f.log.detail : "");
    g_assert_cmpint(f.log.event, ==, VIREO_KVM_EVENT_INTERNAL_ERROR);
    g_assert_nonnull(strstr(f.log.detail, "Suberror: 1 (emulation failure)"));
    g_assert_nonnull(strstr(f.log.detail, "instruction bytes: f0 48 0f c7 0c 24"));
    g_assert_nonnull(strstr(f.log.detail, "RIP=0000000000100000"));
    vireo_kvm_vm_pause(f.vm);
    fixture_clear(&f);
}

/* A reset while vCPU 0 is inside an access that KVM finishes only on the
 * next KVM_RUN (the KVM API: "the corresponding operations are complete
 * (and guest state is consistent) only after userspace has re-entered the
 * kernel"). code_access loops on a read, then prints 'A'; the access's
 * handler holds the first read long enough for a pause to begin, and the
 * test resets the vCPU to code_after_reset, which prints 'B' and reports a
 * value. The guest must go on from the reset's entry: no 'A' after the
 * reset, and 'B'. Were the read finished only when the vCPU next entered
 * the guest, it would land on the reset's registers (an MMIO read's
 * completion replays the instruction and sets RIP past the old one). */
#define ACCESS_MMIO_ADDR 0x7000000          /* above the 64 MiB of RAM */
#define ACCESS_PORT 0x520
static const guint8 code_mmio_read[] = {
    0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x07,   /* mov eax, [0x7000000] */
    0x66, 0xba, 0xf8, 0x03,                     /* mov dx, 0x3f8 */
    0xb0, 'A', 0xee,                            /* mov al, 'A'; out dx, al */
    0xeb, 0xf0,                                 /* jmp to the read */
};
static const guint8 code_pio_read[] = {
    0x66, 0xba, 0x20, 0x05,                     /* mov dx, 0x520 */
    0xed,                                       /* in eax, dx */
    0x66, 0xba, 0xf8, 0x03,                     /* mov dx, 0x3f8 */
    0xb0, 'A', 0xee,                            /* mov al, 'A'; out dx, al */
    0xeb, 0xf2,                                 /* jmp to the read */
};
#define AFTER_RESET_OFFSET 0x100
static const guint8 code_after_reset[] = {
    0x66, 0xba, 0xf8, 0x03,                     /* mov dx, 0x3f8 */
    0xb0, 'B', 0xee,                            /* mov al, 'B'; out dx, al */
    0xb8, 0x0d, 0x60, 0x00, 0x00,               /* mov eax, 0x600d */
    0x66, 0xba, 0x04, 0x05,                     /* mov dx, 0x504 */
    0xef,                                       /* out dx, eax */
    0xf4, 0xeb, 0xfd,                           /* hlt; jmp hlt */
};

typedef struct {
    GuestLog *log;
    gint reads;                 /* atomic */
    gint held;                  /* atomic: the first read is being held */
} HeldAccess;

static void
held_access_read(HeldAccess *h, guint8 *data, guint size)
{
    memset(data, 0x5a, size);
    if (g_atomic_int_add(&h->reads, 1) != 0)
        return;
    g_mutex_lock(&h->log->lock);
    g_atomic_int_set(&h->held, 1);
    g_cond_broadcast(&h->log->cond);
    g_mutex_unlock(&h->log->lock);
    g_usleep(100 * 1000);       /* the pause kicks and waits meanwhile */
}

static gboolean
held_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    HeldAccess *h = opaque;
    if (!is_write && port == ACCESS_PORT) {
        held_access_read(h, data, size);
        return TRUE;
    }
    return log_pio(h->log, port, data, size, is_write);
}

static gboolean
held_mmio(void *opaque, guint64 addr, guint8 *data, guint size, gboolean is_write)
{
    HeldAccess *h = opaque;
    if (!is_write && addr == ACCESS_MMIO_ADDR)
        held_access_read(h, data, size);
    return TRUE;
}

static void
held_event(void *opaque, guint vcpu, VireoKvmEvent ev, const char *detail)
{
    HeldAccess *h = opaque;
    log_event(h->log, vcpu, ev, detail);
}

static void
test_reset_during_access(gconstpointer data)
{
    const gboolean mmio = GPOINTER_TO_INT(data);
    const guint8 *code = mmio ? code_mmio_read : code_pio_read;
    gsize len = mmio ? sizeof(code_mmio_read) : sizeof(code_pio_read);
    if (!have_kvm())
        return;
    Fixture f;
    fixture_init(&f, NULL);
    HeldAccess h = { .log = &f.log };
    g_autoptr(GError) err = NULL;
    VireoKvmExitOps ops = { .pio = held_pio, .mmio = held_mmio,
                            .event = held_event, .opaque = &h };
    fixture_run_with(&f, code, len, &ops);
    /* Not reached before the reset: the guest loops on its first read. */
    memcpy(vireo_kvm_vm_gpa_to_hva(f.vm, CODE_ADDR + AFTER_RESET_OFFSET,
                                   sizeof(code_after_reset)),
           code_after_reset, sizeof(code_after_reset));

    /* Wait until the first read is being held, then pause and reset. */
    gint64 end = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    g_mutex_lock(&f.log.lock);
    while (!g_atomic_int_get(&h.held) && g_cond_wait_until(&f.log.cond, &f.log.lock, end))
        ;
    g_mutex_unlock(&f.log.lock);
    g_assert_true(g_atomic_int_get(&h.held));
    vireo_kvm_vm_pause(f.vm);
    g_mutex_lock(&f.log.lock);
    gsize before_reset = f.log.chars->len;
    g_mutex_unlock(&f.log.lock);
    g_assert_cmpuint(before_reset, ==, 0);       /* still on the first read */
    VireoKvmEntry again = { .rip = CODE_ADDR + AFTER_RESET_OFFSET,
                            .rsi = VIREO_BOOT_ZERO_PAGE_ADDR };
    g_assert_true(vireo_kvm_vm_reset(f.vm, &again, &err));
    g_assert_no_error(err);
    vireo_kvm_vm_resume(f.vm);
    gboolean reported = log_wait(&f.log, has_value);
    g_mutex_lock(&f.log.lock);
    g_autofree char *seen = g_strndup(f.log.chars->str, 16);   /* a runaway loop prints on */
    g_mutex_unlock(&f.log.lock);
    g_test_message("after the reset: \"%s\", %d read(s)", seen, g_atomic_int_get(&h.reads));
    g_assert_cmpstr(seen, ==, "B");
    g_assert_true(reported);
    g_assert_cmphex(f.log.value, ==, 0x600d);
    g_assert_cmpint(g_atomic_int_get(&h.reads), ==, 1);
    g_assert_cmpint(f.log.event, ==, -1);
    vireo_kvm_vm_pause(f.vm);
    fixture_clear(&f);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/probe", test_probe);
    g_test_add_func("/kvm/missing-device", test_missing_device);
    g_test_add_func("/kvm/probe-keeps-device", test_probe_keeps_device);
    g_test_add_func("/kvm/hello", test_hello);
    g_test_add_func("/kvm/hugepages", test_hugepages);
    g_test_add_func("/kvm/cpuid", test_cpuid);
    g_test_add_func("/kvm/x2apic-id", test_x2apic_id);
    g_test_add_func("/kvm/pause-resume", test_pause_resume);
    g_test_add_data_func("/kvm/reset-during-access/mmio", GINT_TO_POINTER(TRUE),
                         test_reset_during_access);
    g_test_add_data_func("/kvm/reset-during-access/pio", GINT_TO_POINTER(FALSE),
                         test_reset_during_access);
    g_test_add_func("/kvm/triple-fault", test_triple_fault);
    g_test_add_func("/kvm/jump-outside-ram", test_jump_outside_ram);
    g_test_add_func("/kvm/pvm-emulation-failure", test_pvm_emulation_failure);
    return g_test_run();
}
