/* vireo: CPU models as registered GObject types (QEMU's X86CPUClass idea).
 * Each model in the tables becomes one subclass of VireoCpuModel whose
 * class_init reads its facts and parses its feature list once. */
#pragma once
#include <glib-object.h>
#include "machine/cpu-features.h"

#define VIREO_TYPE_CPU_MODEL (vireo_cpu_model_get_type())
G_DECLARE_DERIVABLE_TYPE(VireoCpuModel, vireo_cpu_model, VIREO, CPU_MODEL, GObject)

struct _VireoCpuModelClass {
    GObjectClass parent_class;
    const VireoCpuModelInfo *info;  /* name, vendor, signature, level... */
    VireoFeatureSet features;       /* the model's own features */
};

/* Registers one subclass per model (idempotent). */
void vireo_cpu_models_register(void);
/* NULL when no model has that name. */
VireoCpuModelClass *vireo_cpu_model_class_find(const char *name);
/* Every model class, in table order (caller frees the list, not the classes). */
GPtrArray *vireo_cpu_model_class_list(void);

/* Features of the model (with KVM's defaults) this host's KVM cannot
 * provide: an empty array means the host can run it as is. Names are
 * static strings. (cpu-resolve.c) */
GPtrArray *vireo_cpu_model_blockers(VireoCpuModelClass *klass,
                                    const GArray *host_supported_cpuid);
/* libvirt's host-model on this host: the closest named model of the host's
 * vendor, and how many features the host adds to it and lacks of it.
 * (cpu-resolve.c) */
VireoCpuModelClass *vireo_cpu_model_host_model(const GArray *host_supported_cpuid,
                                               const char *host_vendor,
                                               guint *added, guint *removed);
