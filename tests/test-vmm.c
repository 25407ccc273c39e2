/* src/vmm on the real /dev/kvm: a hand-made machine description runs tiny
 * 64-bit ELF guests written by the test, and the run-state machine answers
 * guest power-off, reset (on_reboot destroy / restart), panic, internal
 * errors, pause/resume and quit with the right events, reasons and exit
 * statuses. Skips (with the reason) when /dev/kvm cannot be opened. */
#include <config.h>
#include <elf.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "vmm/vmm-priv.h"
#include "util/vireo-error.h"

#define RAM (64ULL << 20)
#define CODE 0x100000
#define PORT_POWEROFF 0x5f0
#define PORT_PANIC 0x5f2
#define PORT_COUNTER 0x5f4

typedef struct {
    char *dir;
    char *kernel;
    VireoVmm *vmm;
    GString *events;            /* "STOP RESUME SHUTDOWN(guest,guest-shutdown) " */
    volatile guint32 counter;
    gboolean timed_out;
} Fixture;

static gboolean
have_kvm(void)
{
    if (access(vireo_kvm_device_path(), R_OK | W_OK) == 0)
        return TRUE;
    g_test_skip("cannot open /dev/kvm read-write on this host");
    return FALSE;
}

/* One PT_LOAD at CODE holding the code. */
static char *
write_elf(const char *dir, const guint8 *code, gsize len)
{
    struct { Elf64_Ehdr eh; Elf64_Phdr ph; guint8 text[256]; } img;
    g_assert_cmpuint(len, <=, sizeof(img.text));
    memset(&img, 0, sizeof(img));
    memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
    img.eh.e_ident[EI_CLASS] = ELFCLASS64;
    img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    img.eh.e_ident[EI_VERSION] = EV_CURRENT;
    img.eh.e_type = ET_EXEC;
    img.eh.e_machine = EM_X86_64;
    img.eh.e_version = EV_CURRENT;
    img.eh.e_entry = CODE;
    img.eh.e_phoff = offsetof(typeof(img), ph);
    img.eh.e_ehsize = sizeof(Elf64_Ehdr);
    img.eh.e_phentsize = sizeof(Elf64_Phdr);
    img.eh.e_phnum = 1;
    img.ph = (Elf64_Phdr) { .p_type = PT_LOAD, .p_offset = offsetof(typeof(img), text),
                            .p_paddr = CODE, .p_vaddr = CODE,
                            .p_filesz = len, .p_memsz = len, .p_flags = PF_R | PF_X };
    memcpy(img.text, code, len);
    char *path = g_build_filename(dir, "guest.elf", NULL);
    g_assert_true(g_file_set_contents(path, (const char *) &img, sizeof(img), NULL));
    return path;
}

static void
add_e820(GArray *a, guint64 addr, guint64 size, VireoE820Type type)
{
    VireoE820Entry e = { addr, size, type };
    g_array_append_val(a, e);
}

static guint desc_vcpus = 1;

static VireoMachineDesc *
make_desc(const char *kernel, VireoLifecycleAction on_reboot,
          VireoLifecycleAction on_crash)
{
    VireoMachineDesc *d = g_new0(VireoMachineDesc, 1);
    d->name = g_strdup("vmm-test");
    d->mem.ram_bytes = d->mem.below_4g = RAM;
    d->mem.regions = g_array_new(FALSE, TRUE, sizeof(VireoRamRegion));
    VireoRamRegion r = { 0, RAM, 0 };
    g_array_append_val(d->mem.regions, r);
    d->mem.e820 = g_array_new(FALSE, TRUE, sizeof(VireoE820Entry));
    add_e820(d->mem.e820, 0, 0x9fc00, VIREO_E820_RAM);
    add_e820(d->mem.e820, 0x100000, RAM - 0x100000, VIREO_E820_RAM);
    d->cpu.vcpus = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < desc_vcpus; i++) {
        VireoVcpuDesc *v = g_new0(VireoVcpuDesc, 1);
        v->index = v->apic_id = i;
        v->present = TRUE;
        g_ptr_array_add(d->cpu.vcpus, v);
    }
    d->cpu.max_vcpus = d->cpu.current_vcpus = desc_vcpus;
    d->boot.kernel = g_strdup(kernel);
    d->boot.cmdline = g_strdup("");
    d->devices = g_ptr_array_new();
    d->on_poweroff = VIREO_LIFECYCLE_DESTROY;
    d->on_reboot = on_reboot;
    d->on_crash = on_crash;
    return d;
}

static void
record_event(VireoVmm *vmm, const VireoVmmEvent *event, void *opaque)
{
    Fixture *f = opaque;
    g_string_append(f->events, event->name);
    if (event->reason)
        g_string_append_printf(f->events, "(%s,%s)",
                               event->guest ? "guest" : "host", event->reason);
    if (event->action)
        g_string_append_printf(f->events, "(%s)", event->action);
    g_string_append_c(f->events, ' ');
}

/* The test's own device: ports that ask the machine for power-off / panic
 * exactly as the PM and panic devices do, and a counter port. */
static void
test_port(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    Fixture *f = opaque;
    if (!is_write)
        return;
    if (port == PORT_POWEROFF)
        f->vmm->hw.request(f->vmm->hw.opaque, VIREO_VM_REQUEST_POWEROFF);
    else if (port == PORT_PANIC)
        f->vmm->hw.request(f->vmm->hw.opaque, VIREO_VM_REQUEST_PANIC);
    else if (port == PORT_COUNTER) {
        guint32 v = 0;
        memcpy(&v, data, MIN(size, 4));
        g_atomic_int_set(&f->counter, v);
    }
}

static gboolean
watchdog(gpointer opaque)
{
    Fixture *f = opaque;
    f->timed_out = TRUE;
    vireo_vmm_quit(f->vmm, VIREO_SHUTDOWN_CAUSE_HOST_UI);
    return G_SOURCE_REMOVE;
}

static void
fixture_setup(Fixture *f, const guint8 *code, gsize len,
              VireoLifecycleAction on_reboot, VireoLifecycleAction on_crash)
{
    memset(f, 0, sizeof(*f));
    f->dir = g_dir_make_tmp("vireo-vmm-XXXXXX", NULL);
    f->kernel = write_elf(f->dir, code, len);
    f->events = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    f->vmm = vireo_vmm_new(make_desc(f->kernel, on_reboot, on_crash), &err);
    g_assert_no_error(err);
    g_assert_nonnull(f->vmm);
    g_assert_cmpint(vireo_vmm_get_state(f->vmm), ==, VIREO_RUN_STATE_PRELAUNCH);
    g_assert_true(vireo_bus_register_pio(f->vmm->bus, PORT_POWEROFF, 8, test_port, f,
                                         "test", &err));
    vireo_vmm_add_event_listener(f->vmm, record_event, f);
}

/* Starts the guest and runs the loop until the VMM ends (10 s at most). */
static int
fixture_run(Fixture *f)
{
    g_autoptr(GError) err = NULL;
    g_assert_true(vireo_vmm_start(f->vmm, &err));
    g_assert_cmpint(vireo_vmm_get_state(f->vmm), ==, VIREO_RUN_STATE_RUNNING);
    guint id = g_timeout_add_seconds(10, watchdog, f);
    int status = vireo_vmm_run(f->vmm);
    if (!f->timed_out)
        g_source_remove(id);
    g_assert_false(f->timed_out);
    g_test_message("events: %s; reason: %s", f->events->str,
                   vireo_vmm_get_end_reason(f->vmm));
    return status;
}

static void
fixture_teardown(Fixture *f)
{
    vireo_vmm_free(f->vmm);
    g_unlink(f->kernel);
    g_rmdir(f->dir);
    g_free(f->kernel);
    g_free(f->dir);
    g_string_free(f->events, TRUE);
}

static const guint8 code_poweroff[] = {
    0x66, 0xba, 0xf0, 0x05,             /* mov dx, PORT_POWEROFF */
    0xee, 0xf4, 0xeb, 0xfd,             /* out dx, al; hlt; jmp hlt */
};

static void
test_poweroff(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_setup(&f, code_poweroff, sizeof(code_poweroff),
                  VIREO_LIFECYCLE_RESTART, VIREO_LIFECYCLE_DESTROY);
    g_assert_cmpint(fixture_run(&f), ==, VIREO_VMM_EXIT_OK);
    g_assert_cmpstr(vireo_vmm_get_end_reason(f.vmm), ==, "guest poweroff");
    g_assert_cmpstr(f.events->str, ==, "RESUME SHUTDOWN(guest,guest-shutdown) ");
    g_assert_cmpint(vireo_vmm_get_state(f.vmm), ==, VIREO_RUN_STATE_SHUTDOWN);
    fixture_teardown(&f);
}

/* ud2 with no usable IDT: #UD -> #GP -> #DF -> triple fault. */
static const guint8 code_triple_fault[] = { 0x0f, 0x0b };

static void
test_reset_destroy(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_setup(&f, code_triple_fault, sizeof(code_triple_fault),
                  VIREO_LIFECYCLE_DESTROY, VIREO_LIFECYCLE_DESTROY);
    g_assert_cmpint(fixture_run(&f), ==, VIREO_VMM_EXIT_OK);
    g_assert_cmpstr(vireo_vmm_get_end_reason(f.vmm), ==,
                    "guest reset with on_reboot=destroy");
    g_assert_cmpstr(f.events->str, ==, "RESUME SHUTDOWN(guest,guest-reset) ");
    fixture_teardown(&f);
}

/* Counts its boots in RAM the reset leaves alone; triple-faults on the
 * first boot and powers off on the second: vCPU 0 must come back in long
 * mode at the reloaded kernel's entry. */
static const guint8 code_reboot_once[] = {
    0x48, 0xc7, 0xc3, 0x00, 0x00, 0x30, 0x00,   /* mov rbx, 0x300000 */
    0xfe, 0x03,                                 /* inc byte [rbx] */
    0x80, 0x3b, 0x02,                           /* cmp byte [rbx], 2 */
    0x73, 0x02,                                 /* jae poweroff */
    0x0f, 0x0b,                                 /* ud2 */
    0x66, 0xba, 0xf0, 0x05,                     /* poweroff: mov dx, 0x5f0 */
    0xee, 0xf4, 0xeb, 0xfd,                     /* out dx, al; hlt; jmp hlt */
};

static void
test_reset_restart(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_setup(&f, code_reboot_once, sizeof(code_reboot_once),
                  VIREO_LIFECYCLE_RESTART, VIREO_LIFECYCLE_DESTROY);
    g_assert_cmpint(fixture_run(&f), ==, VIREO_VMM_EXIT_OK);
    g_assert_cmpstr(f.events->str, ==,
                    "RESUME RESET(guest,guest-reset) SHUTDOWN(guest,guest-shutdown) ");
    g_assert_cmpuint(*vireo_kvm_vm_gpa_to_hva(f.vmm->vm, 0x300000, 1), ==, 2);
    fixture_teardown(&f);
}

/* The same with an application processor waiting for INIT/SIPI: reset puts
 * it back there and the BSP runs again. */
static void
test_reset_restart_smp(void)
{
    desc_vcpus = 2;
    test_reset_restart();
    desc_vcpus = 1;
}

static const guint8 code_jump_nowhere[] = {
    0x48, 0xb8, 0x00, 0x00, 0x00, 0xd0, 0, 0, 0, 0,   /* mov rax, 0xd0000000 */
    0xff, 0xe0,                                       /* jmp rax */
};

static void
test_internal_error(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_setup(&f, code_jump_nowhere, sizeof(code_jump_nowhere),
                  VIREO_LIFECYCLE_RESTART, VIREO_LIFECYCLE_DESTROY);
    g_assert_cmpint(fixture_run(&f), ==, VIREO_VMM_EXIT_HOST_ERROR);
    g_assert_true(g_str_has_prefix(vireo_vmm_get_end_reason(f.vmm),
                                   "host error: KVM internal error"));
    g_assert_nonnull(strstr(vireo_vmm_get_end_reason(f.vmm), "RIP=00000000d0000000"));
    g_assert_cmpint(vireo_vmm_get_state(f.vmm), ==, VIREO_RUN_STATE_INTERNAL_ERROR);
    g_assert_cmpstr(f.events->str, ==, "RESUME STOP SHUTDOWN(host,host-error) ");
    fixture_teardown(&f);
}

static const guint8 code_panic[] = {
    0x66, 0xba, 0xf2, 0x05,             /* mov dx, PORT_PANIC */
    0xee, 0xf4, 0xeb, 0xfd,             /* out dx, al; hlt; jmp hlt */
};

static void
test_panic(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_setup(&f, code_panic, sizeof(code_panic),
                  VIREO_LIFECYCLE_RESTART, VIREO_LIFECYCLE_DESTROY);
    g_assert_cmpint(fixture_run(&f), ==, VIREO_VMM_EXIT_GUEST_CRASHED);
    g_assert_cmpstr(vireo_vmm_get_end_reason(f.vmm), ==, "guest crashed");
    g_assert_cmpstr(f.events->str, ==,
                    "RESUME GUEST_PANICKED(poweroff) SHUTDOWN(guest,guest-panic) ");
    g_assert_cmpint(vireo_vmm_get_state(f.vmm), ==, VIREO_RUN_STATE_GUEST_PANICKED);
    fixture_teardown(&f);
}

static const guint8 code_counter[] = {
    0xff, 0xc1,                         /* inc ecx */
    0x89, 0xc8,                         /* mov eax, ecx */
    0x66, 0xba, 0xf4, 0x05,             /* mov dx, PORT_COUNTER */
    0xef,                               /* out dx, eax */
    0xeb, 0xf5,                         /* jmp inc */
};

static gboolean
check_paused(gpointer opaque)
{
    Fixture *f = opaque;
    g_autoptr(GError) err = NULL;
    g_assert_true(vireo_vmm_pause(f->vmm, &err));
    g_assert_cmpint(vireo_vmm_get_state(f->vmm), ==, VIREO_RUN_STATE_PAUSED);
    guint32 at_pause = g_atomic_int_get(&f->counter);
    g_assert_cmpuint(at_pause, >, 0);
    g_usleep(30 * 1000);
    g_assert_cmpuint((guint32) g_atomic_int_get(&f->counter), ==, at_pause);
    g_assert_true(vireo_vmm_resume(f->vmm, &err));
    gint64 end = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
    while ((guint32) g_atomic_int_get(&f->counter) == at_pause && g_get_monotonic_time() < end)
        g_usleep(1000);
    g_assert_cmpuint((guint32) g_atomic_int_get(&f->counter), >, at_pause);
    vireo_vmm_quit(f->vmm, VIREO_SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return G_SOURCE_REMOVE;
}

static void
test_pause_resume_quit(void)
{
    if (!have_kvm())
        return;
    Fixture f;
    fixture_setup(&f, code_counter, sizeof(code_counter),
                  VIREO_LIFECYCLE_RESTART, VIREO_LIFECYCLE_DESTROY);
    g_timeout_add(50, check_paused, &f);
    g_assert_cmpint(fixture_run(&f), ==, VIREO_VMM_EXIT_OK);
    g_assert_cmpstr(f.events->str, ==,
                    "RESUME STOP RESUME SHUTDOWN(host,host-qmp-quit) ");
    g_assert_cmpstr(vireo_vmm_get_end_reason(f.vmm), ==, "quit requested over QMP");
    fixture_teardown(&f);
}

/* query-cpus-fast's thread-id: every vCPU's host thread is known as soon
 * as the VMM is built, as in QEMU (which waits for each vCPU thread to
 * start). It used to be 0 until the new thread first ran, so a query right
 * after start-up could report thread 0 (found by tests/qmp/stress.py). */
static void
test_vcpu_thread_ids(void)
{
    if (!have_kvm())
        return;
    g_autofree char *dir = g_dir_make_tmp("vireo-vmm-XXXXXX", NULL);
    g_autofree char *kernel = write_elf(dir, code_poweroff, sizeof(code_poweroff));
    desc_vcpus = 8;
    for (int round = 0; round < 10; round++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoVmm) vmm =
            vireo_vmm_new(make_desc(kernel, VIREO_LIFECYCLE_DESTROY,
                                    VIREO_LIFECYCLE_DESTROY), &err);
        g_assert_no_error(err);
        int tids[8];
        for (guint i = 0; i < 8; i++) {
            tids[i] = vireo_vmm_vcpu_thread_id(vmm, i);
            g_autofree char *task = g_strdup_printf("/proc/self/task/%d", tids[i]);
            g_assert_cmpint(tids[i], >, 0);
            g_assert_true(g_file_test(task, G_FILE_TEST_IS_DIR));
            for (guint j = 0; j < i; j++)
                g_assert_cmpint(tids[j], !=, tids[i]);
        }
    }
    desc_vcpus = 1;
    unlink(kernel);
    rmdir(dir);
}

static void
test_build_errors(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoVmm) vmm = NULL;

    /* No /dev/kvm: the first step says so. */
    g_setenv("VIREO_KVM_DEVICE", "/nonexistent/kvm", TRUE);
    vmm = vireo_vmm_new(make_desc("/nonexistent/kernel", VIREO_LIFECYCLE_DESTROY,
                                  VIREO_LIFECYCLE_DESTROY), &err);
    g_unsetenv("VIREO_KVM_DEVICE");
    g_assert_null(vmm);
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, "cannot create the VM and its RAM: "));
    g_assert_nonnull(strstr(err->message, "/nonexistent/kvm"));
    g_clear_error(&err);

    if (!have_kvm())
        return;
    /* A missing kernel fails before any vCPU exists. */
    vmm = vireo_vmm_new(make_desc("/nonexistent/kernel", VIREO_LIFECYCLE_DESTROY,
                                  VIREO_LIFECYCLE_DESTROY), &err);
    g_assert_null(vmm);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_NO_KERNEL);
    g_assert_true(g_str_has_prefix(err->message, "cannot load the ACPI tables and the kernel: "));
    g_assert_nonnull(strstr(err->message, "/nonexistent/kernel"));
    g_clear_error(&err);

    /* A vCPU KVM refuses (an APIC ID past KVM_MAX_VCPU_IDS): told as the
     * vCPU step. */
    g_autofree char *dir = g_dir_make_tmp("vireo-vmm-XXXXXX", NULL);
    g_autofree char *kernel = write_elf(dir, code_poweroff, sizeof(code_poweroff));
    desc_vcpus = 2;
    VireoMachineDesc *d = make_desc(kernel, VIREO_LIFECYCLE_DESTROY, VIREO_LIFECYCLE_DESTROY);
    desc_vcpus = 1;
    ((VireoVcpuDesc *) g_ptr_array_index(d->cpu.vcpus, 1))->apic_id = 1u << 20;
    vmm = vireo_vmm_new(d, &err);
    g_assert_null(vmm);
    g_assert_nonnull(err);
    g_test_message("%s", err->message);
    g_assert_true(g_str_has_prefix(err->message, "cannot create the vCPUs: "));
    g_assert_nonnull(strstr(err->message, "APIC ID 1048576"));
    unlink(kernel);
    rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmm/poweroff", test_poweroff);
    g_test_add_func("/vmm/reset-destroy", test_reset_destroy);
    g_test_add_func("/vmm/reset-restart", test_reset_restart);
    g_test_add_func("/vmm/reset-restart-smp", test_reset_restart_smp);
    g_test_add_func("/vmm/internal-error", test_internal_error);
    g_test_add_func("/vmm/panic", test_panic);
    g_test_add_func("/vmm/pause-resume-quit", test_pause_resume_quit);
    g_test_add_func("/vmm/vcpu-thread-ids", test_vcpu_thread_ids);
    g_test_add_func("/vmm/build-errors", test_build_errors);
    return g_test_run();
}
