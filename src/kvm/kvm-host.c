/* Host probe: what /dev/kvm offers, for vireo_machine_resolve(). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "kvm/kvm-priv.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* KVM_GET_API_VERSION has returned 12 since Linux 2.6.22; anything else is
 * a different ABI. */
#define VIREO_KVM_API_VERSION 12
/* Enough for every leaf and subleaf a current host reports. */
#define VIREO_KVM_MAX_CPUID_ENTRIES 256

const char *
vireo_kvm_device_path(void)
{
    const char *env = g_getenv("VIREO_KVM_DEVICE");
    return env && *env ? env : "/dev/kvm";
}

int
vireo_kvm_open_device(GError **error)
{
    const char *path = vireo_kvm_device_path();
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT)
            vireo_error_set(error, VIREO_ERR_OPERATION_FAILED,
                            _("KVM is not available: '%s' does not exist (is the kvm module loaded?)"),
                            path);
        else
            vireo_error_set_errno(error, VIREO_ERR_OPERATION_DENIED, err,
                                  _("cannot open KVM device '%s'"), path);
        return -1;
    }
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != VIREO_KVM_API_VERSION) {
        vireo_error_set(error, VIREO_ERR_OPERATION_FAILED,
                        _("'%s' speaks KVM API version %d, vireo needs %d"),
                        path, version, VIREO_KVM_API_VERSION);
        close(fd);
        return -1;
    }
    return fd;
}

static gboolean
probe_supported_cpuid(int fd, VireoHostCaps *caps, GError **error)
{
    g_autofree struct kvm_cpuid2 *cpuid =
        g_malloc0(sizeof(*cpuid) +
                  VIREO_KVM_MAX_CPUID_ENTRIES * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = VIREO_KVM_MAX_CPUID_ENTRIES;
    if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("KVM_GET_SUPPORTED_CPUID failed"));
        return FALSE;
    }
    if (caps->supported_cpuid)
        g_array_unref(caps->supported_cpuid);
    caps->supported_cpuid = g_array_sized_new(FALSE, TRUE,
                                              sizeof(VireoCpuidEntry),
                                              cpuid->nent);
    for (guint i = 0; i < cpuid->nent; i++) {
        const struct kvm_cpuid_entry2 *k = &cpuid->entries[i];
        VireoCpuidEntry e = {
            .function = k->function, .index = k->index, .flags = k->flags,
            .eax = k->eax, .ebx = k->ebx, .ecx = k->ecx, .edx = k->edx,
        };
        g_array_append_val(caps->supported_cpuid, e);
        /* Leaf 0 spells the vendor in EBX, EDX, ECX order. */
        if (k->function == 0) {
            memcpy(caps->host_vendor, &k->ebx, 4);
            memcpy(caps->host_vendor + 4, &k->edx, 4);
            memcpy(caps->host_vendor + 8, &k->ecx, 4);
            caps->host_vendor[12] = '\0';
        }
    }
    return TRUE;
}

/* 2 MiB pages are usable when the kernel has some reserved. */
static gboolean
host_has_hugepages(void)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
                             &text, NULL, NULL))
        return FALSE;
    return g_ascii_strtoull(text, NULL, 10) > 0;
}

/* The probe's device fd, kept for the VM the same process usually creates
 * next (vireo-vmm probes, resolves, then builds): one open() and
 * KVM_GET_API_VERSION instead of two. Kept with the path it was opened as,
 * so a changed $VIREO_KVM_DEVICE opens anew. */
G_LOCK_DEFINE_STATIC(kept_device);
static int kept_fd = -1;
static char *kept_path;

static void
keep_device(int fd, const char *path)
{
    G_LOCK(kept_device);
    if (kept_fd >= 0)
        close(kept_fd);
    kept_fd = fd;
    g_free(kept_path);
    kept_path = g_strdup(path);
    G_UNLOCK(kept_device);
}

int
vireo_kvm_take_device(GError **error)
{
    int fd = -1;
    G_LOCK(kept_device);
    if (kept_fd >= 0 && g_strcmp0(kept_path, vireo_kvm_device_path()) == 0) {
        fd = kept_fd;
        kept_fd = -1;
        g_clear_pointer(&kept_path, g_free);
    }
    G_UNLOCK(kept_device);
    return fd >= 0 ? fd : vireo_kvm_open_device(error);
}

gboolean
vireo_kvm_host_caps_probe(VireoHostCaps *caps, GError **error)
{
    const char *path = vireo_kvm_device_path();
    int fd = vireo_kvm_open_device(error);
    if (fd < 0)
        return FALSE;
    gboolean ok = probe_supported_cpuid(fd, caps, error);
    if (ok) {
        int max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
        /* The API doc: without KVM_CAP_MAX_VCPUS, use KVM_CAP_NR_VCPUS. */
        if (max <= 0)
            max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
        caps->max_vcpus = max > 0 ? (guint) max : 4;
        caps->has_x2apic_api =
            ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_X2APIC_API) > 0;
        caps->has_hugepages = host_has_hugepages();
    }
    if (ok)
        keep_device(fd, path);
    else
        close(fd);
    return ok;
}
