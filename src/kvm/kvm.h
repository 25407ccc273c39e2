/* vireo: the KVM runtime (src/kvm). A VireoKvmVm owns /dev/kvm's VM fd,
 * the guest RAM mapping, the in-kernel irqchip/PIT and the vCPUs. It knows
 * nothing of XML or devices: I/O exits go to a VireoBus (src/hw) and every
 * event a vCPU thread sees is handed to the owner through callbacks. */
#pragma once
#include <glib.h>
#include "machine/machine_desc.h"

/* Path of the KVM device: $VIREO_KVM_DEVICE (tests simulate a missing
 * /dev/kvm with it) or "/dev/kvm". */
const char *vireo_kvm_device_path(void);

/* Opens the KVM device O_RDWR|O_CLOEXEC with a clear error when it is
 * missing or not accessible, and checks KVM_GET_API_VERSION == 12. */
int vireo_kvm_open_device(GError **error);

/* Fills caps from the host's KVM: supported CPUID, vendor (leaf 0),
 * KVM_CAP_MAX_VCPUS, KVM_CAP_X2APIC_API, 2 MiB hugepages. caps must come
 * from vireo_host_caps_new() or be zeroed; supported_cpuid is (re)created. */
gboolean vireo_kvm_host_caps_probe(VireoHostCaps *caps, GError **error);
