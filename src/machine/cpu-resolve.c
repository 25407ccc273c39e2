/* vireo: <cpu> + <vcpu> -> the CPU every vCPU gets.
 *
 * libvirt's rules: with no <cpu> the machine type's default model runs and
 * whatever the host cannot provide is filtered silently (QEMU's behaviour);
 * a custom model with check != 'none' must be fully provided by the host,
 * else "the CPU is incompatible with host CPU: Host CPU does not provide
 * required features: a, b". */
#include <config.h>
#include <string.h>
#include "machine/machine-priv.h"
#include "machine/cpu-model.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

/* Features KVM provides without listing them in KVM_GET_SUPPORTED_CPUID;
 * topoext because its leaves (0x8000001D/E) are the VMM's own, as QEMU's
 * kvm_arch_get_supported_cpuid() says. */
static const char *const host_exempt[] = { "hypervisor", "tsc-deadline", "topoext" };

/* QEMU's kvm_default_props: what "-accel kvm" turns on and off. */
static const char *const kvm_on[] = {
    "kvmclock", "kvmclock2", "kvm-nopiodelay", "kvm-asyncpf", "kvm-steal-time",
    "kvm-pv-eoi", "kvmclock-stable-bit", "x2apic", "hypervisor",
};
static const char *const kvm_off[] = {
    "svm", "npt", "nrip-save", "svme-addr-chk", "monitor", "acpi",
};

static void
apply_kvm_defaults(VireoFeatureSet *set)
{
    for (gsize i = 0; i < G_N_ELEMENTS(kvm_on); i++)
        vireo_feature_set_add_name(set, kvm_on[i]);
    for (gsize i = 0; i < G_N_ELEMENTS(kvm_off); i++)
        vireo_feature_set_remove_name(set, kvm_off[i]);
}

static gboolean
host_exempt_feature(guint idx)
{
    const char *name = vireo_cpu_feature_get(idx)->name;
    for (gsize i = 0; i < G_N_ELEMENTS(host_exempt); i++)
        if (g_str_equal(host_exempt[i], name))
            return TRUE;
    return FALSE;
}

static gboolean
host_has(const VireoFeatureSet *host, guint idx)
{
    return host_exempt_feature(idx) || vireo_feature_set_has(host, idx);
}

/* host-passthrough / maximum: the host's identity and every feature KVM
 * offers; cpuid.c then takes every leaf it does not compute from the
 * host's table. The brand string comes from the table, else from the host
 * CPU itself (QEMU's -cpu host reads it with the cpuid instruction). */
static void
plan_from_host(VireoCpuPlan *plan, const VireoHostCaps *host,
               const VireoFeatureSet *host_set, char **model_id)
{
    const GArray *t = host->supported_cpuid;
    const VireoCpuidEntry *l0 = vireo_cpuid_find(t, 0, 0);
    const VireoCpuidEntry *l1 = vireo_cpuid_find(t, 1, 0);
    const VireoCpuidEntry *x0 = vireo_cpuid_find(t, 0x80000000u, 0);
    char brand[49] = { 0 };
    plan->vendor = host->host_vendor[0] ? host->host_vendor : "GenuineIntel";
    plan->level = l0 ? MIN(l0->eax, 0x20u) : 0xd;
    plan->xlevel = x0 && x0->eax >= 0x80000000u ? MIN(x0->eax, 0x80000021u) : 0x80000008u;
    if (l1)
        vireo_cpuid_decode_signature(l1->eax, &plan->family, &plan->model, &plan->stepping);
    plan->features = *host_set;
    plan->caches = vireo_cpu_caches_find(NULL);   /* QEMU: host-cache-info=off */
    /* HTT follows the guest's topology, not the host's */
    vireo_feature_set_remove_name(&plan->features, "ht");
    plan->host_table = t;
    vireo_cpuid_read_brand(t, brand);
    *model_id = g_strdup(brand[0] ? brand : host->host_model_id);
}

static void
plan_from_model(VireoCpuPlan *plan, VireoCpuModelClass *klass)
{
    const VireoCpuModelInfo *m = klass->info;
    plan->vendor = m->vendor;
    plan->family = m->family;
    plan->model = m->model;
    plan->stepping = m->stepping;
    plan->model_id = m->model_id;
    plan->caches = vireo_cpu_caches_find(m->name);
    plan->level = m->level;
    plan->xlevel = m->xlevel;
    plan->features = klass->features;
}

static char *
join_names(GPtrArray *names)
{
    g_ptr_array_add(names, NULL);
    return g_strjoinv(", ", (char **)names->pdata);
}

/* Duplicates and unknown names are errors before anything is applied. */
static gboolean
check_feature_list(const VireoCpuDef *cpu, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; cpu->features && i < cpu->features->len; i++) {
        const VireoCpuFeatureDef *f = cpu->features->pdata[i];
        int idx = vireo_cpu_feature_index(f->name);
        if (idx < 0) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("unknown CPU feature '%s'"), f->name);
            return FALSE;
        }
        if (!g_hash_table_add(seen, GINT_TO_POINTER(idx + 1))) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("CPU feature '%s' specified more than once"), f->name);
            return FALSE;
        }
    }
    return TRUE;
}

typedef struct {
    VireoFeatureSet must_have;      /* model (when checked) + require */
    VireoFeatureSet forced;         /* force: never checked */
    GPtrArray *forbidden_present;   /* names */
} VireoPolicyResult;

static void
apply_policies(const VireoCpuDef *cpu, VireoCpuPlan *plan,
               const VireoFeatureSet *host_set, VireoPolicyResult *res)
{
    for (guint i = 0; cpu->features && i < cpu->features->len; i++) {
        const VireoCpuFeatureDef *f = cpu->features->pdata[i];
        int idx = vireo_cpu_feature_index(f->name);
        switch (f->policy) {
        case VIREO_CPU_FEATURE_FORCE:
            vireo_feature_set_add(&plan->features, idx);
            vireo_feature_set_add(&res->forced, idx);
            break;
        case VIREO_CPU_FEATURE_REQUIRE:
            vireo_feature_set_add(&plan->features, idx);
            vireo_feature_set_add(&res->must_have, idx);
            break;
        case VIREO_CPU_FEATURE_OPTIONAL:
            if (host_has(host_set, idx))
                vireo_feature_set_add(&plan->features, idx);
            else
                vireo_feature_set_remove(&plan->features, idx);
            break;
        case VIREO_CPU_FEATURE_DISABLE:
            vireo_feature_set_remove(&plan->features, idx);
            break;
        case VIREO_CPU_FEATURE_FORBID:
            vireo_feature_set_remove(&plan->features, idx);
            if (vireo_feature_set_has(host_set, idx))
                g_ptr_array_add(res->forbidden_present,
                                (char *)vireo_cpu_feature_get(idx)->name);
            break;
        case VIREO_CPU_FEATURE_LAST:
            break;
        }
        if (f->policy != VIREO_CPU_FEATURE_FORCE)
            vireo_feature_set_remove(&res->forced, idx);
        if (f->policy != VIREO_CPU_FEATURE_REQUIRE)
            vireo_feature_set_remove(&res->must_have, idx);
    }
}

/* Features the host lacks: an error for must_have ones, silently dropped
 * (recorded in `dropped`) for the rest. */
static gboolean
check_against_host(VireoCpuPlan *plan, const VireoFeatureSet *host_set,
                   const VireoPolicyResult *res, GPtrArray *dropped,
                   GError **error)
{
    g_autoptr(GPtrArray) missing = g_ptr_array_new();
    guint n = vireo_cpu_feature_count();
    for (guint i = 0; i < n; i++) {
        if (!vireo_feature_set_has(&plan->features, i) || host_has(host_set, i) ||
            vireo_feature_set_has(&res->forced, i))
            continue;
        if (vireo_feature_set_has(&res->must_have, i))
            g_ptr_array_add(missing, (char *)vireo_cpu_feature_get(i)->name);
        vireo_feature_set_remove(&plan->features, i);
        g_ptr_array_add(dropped, g_strdup(vireo_cpu_feature_get(i)->name));
    }
    if (missing->len) {
        g_autofree char *list = join_names(missing);
        vireo_error_set(error, VIREO_ERR_CPU_INCOMPATIBLE,
                        _("Host CPU does not provide required features: %s"), list);
        return FALSE;
    }
    if (res->forbidden_present->len) {
        g_autofree char *list = join_names(res->forbidden_present);
        vireo_error_set(error, VIREO_ERR_CPU_INCOMPATIBLE,
                        _("Host CPU provides forbidden features: %s"), list);
        return FALSE;
    }
    return TRUE;
}

static gboolean
resolve_topology(const VireoDomainDef *def, VireoMachineClass *mc,
                 const VireoHostCaps *host, VireoCpuPlan *plan, GError **error)
{
    guint vcpus = MAX(def->vcpus, 1);
    const VireoCpuDef *c = def->cpu;
    if (c && c->has_topology) {
        vireo_topology_init(&plan->topo, c->sockets, c->dies, c->clusters,
                            c->cores, c->threads);
        if (vireo_topology_cpus(&plan->topo) != vcpus) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("Number of CPUs in <topology> (%u) must equal maximum "
                              "number of vCPUs (%u)"),
                            vireo_topology_cpus(&plan->topo), vcpus);
            return FALSE;
        }
    } else {
        /* libvirt/QEMU default: one single-core socket per vCPU */
        vireo_topology_init(&plan->topo, vcpus, 1, 1, 1, 1);
    }
    if (vcpus > mc->max_cpus) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Maximum CPUs greater than specified machine type limit %u"),
                        mc->max_cpus);
        return FALSE;
    }
    if (host && host->max_vcpus && vcpus > host->max_vcpus) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("Maximum CPUs greater than host limit %u"), host->max_vcpus);
        return FALSE;
    }
    /* Leaf 0x1F is how a guest learns about dies and modules. */
    if (plan->topo.dies > 1 || plan->topo.clusters > 1)
        plan->level = MAX(plan->level, 0x1Fu);
    return TRUE;
}

static void
vcpu_desc_free(gpointer p)
{
    VireoVcpuDesc *v = p;
    if (v->cpuid)
        g_array_unref(v->cpuid);
    g_free(v);
}

static void
fill_cpu_desc(const VireoDomainDef *def, VireoCpuPlan *plan, const char *model,
              VireoCpuDesc *cpu)
{
    guint n = vireo_cpu_feature_count();
    guint vcpus = vireo_topology_cpus(&plan->topo);
    cpu->model = g_strdup(model);
    cpu->vendor = g_strdup(plan->vendor);
    cpu->model_id = g_strdup(plan->model_id);
    cpu->family = plan->family;
    cpu->model_number = plan->model;
    cpu->stepping = plan->stepping;
    cpu->sockets = plan->topo.sockets;
    cpu->dies = plan->topo.dies;
    cpu->clusters = plan->topo.clusters;
    cpu->cores = plan->topo.cores;
    cpu->threads = plan->topo.threads;
    cpu->max_vcpus = vcpus;
    cpu->current_vcpus = def->current_vcpus && def->current_vcpus < vcpus ?
                         def->current_vcpus : vcpus;
    cpu->enabled_features = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++)
        if (vireo_feature_set_has(&plan->features, i))
            g_ptr_array_add(cpu->enabled_features, g_strdup(vireo_cpu_feature_get(i)->name));
    cpu->vcpus = g_ptr_array_new_with_free_func(vcpu_desc_free);
    for (guint i = 0; i < vcpus; i++) {
        VireoVcpuDesc *v = g_new0(VireoVcpuDesc, 1);
        VireoTopoIds ids;
        vireo_topology_ids(&plan->topo, i, &ids);
        v->index = i;
        v->apic_id = vireo_topology_apic_id(&plan->topo, i);
        v->socket_id = ids.socket;
        v->die_id = ids.die;
        v->cluster_id = ids.cluster;
        v->core_id = ids.core;
        v->thread_id = ids.thread;
        v->present = i < cpu->current_vcpus;
        v->cpuid = vireo_cpuid_build(plan, i);
        g_ptr_array_add(cpu->vcpus, v);
    }
}

/* <vendor>Intel</vendor> must agree with the model; <model vendor_id=...>
 * replaces the 12-character string the guest reads (leaf 0). */
static gboolean
apply_vendor(const VireoCpuDef *c, VireoCpuPlan *plan, GError **error)
{
    static const char *const names[][2] = {
        { "Intel", "GenuineIntel" }, { "AMD", "AuthenticAMD" }, { "Hygon", "HygonGenuine" },
    };
    if (c && c->vendor) {
        const char *want = c->vendor;
        for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
            if (g_str_equal(c->vendor, names[i][0]))
                want = names[i][1];
        if (!g_str_equal(want, plan->vendor)) {
            vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                            _("CPU vendor '%s' does not match the vendor of CPU model '%s' (%s)"),
                            c->vendor, c->model, plan->vendor);
            return FALSE;
        }
    }
    if (c && c->vendor_id) {
        if (strlen(c->vendor_id) != 12) {
            vireo_error_set(error, VIREO_ERR_XML_ERROR,
                            _("vendor_id must be exactly 12 characters, not '%s'"), c->vendor_id);
            return FALSE;
        }
        plan->vendor = c->vendor_id;
    }
    return TRUE;
}

/* How far a model is from the host: features to add (host has, model not)
 * and to take away (model has, host not); taking away weighs most. */
static guint
model_distance(VireoCpuModelClass *k, const VireoFeatureSet *host_set,
               guint *added, guint *removed)
{
    guint n = vireo_cpu_feature_count(), add = 0, remove = 0;
    for (guint i = 0; i < n; i++) {
        gboolean in_model = vireo_feature_set_has(&k->features, i);
        if (in_model != host_has(host_set, i))
            *(in_model ? &remove : &add) += 1;
    }
    if (added)
        *added = add;
    if (removed)
        *removed = remove;
    return remove * 1000 + add;
}

/* libvirt's host-model: the named model of the host's vendor closest to
 * the host, which then gets exactly the host's features. Like libvirt, a
 * model that needs no feature taken away beats any that does; then fewest
 * features to add or take away; the later model on a tie. */
static VireoCpuModelClass *
closest_model(const char *vendor, const VireoFeatureSet *host_set)
{
    g_autoptr(GPtrArray) models = vireo_cpu_model_class_list();
    VireoCpuModelClass *best = NULL;
    guint best_diff = G_MAXUINT;
    for (guint m = 0; m < models->len; m++) {
        VireoCpuModelClass *k = models->pdata[m];
        guint diff;
        if (g_strcmp0(k->info->vendor, vendor) != 0)
            continue;
        diff = model_distance(k, host_set, NULL, NULL);
        if (diff <= best_diff) {
            best = k;
            best_diff = diff;
        }
    }
    return best ? best : vireo_cpu_model_class_find("qemu64");
}

VireoCpuModelClass *
vireo_cpu_model_host_model(const GArray *host_supported_cpuid, const char *host_vendor,
                           guint *added, guint *removed)
{
    VireoFeatureSet host_set;
    VireoCpuModelClass *k;
    vireo_feature_set_from_cpuid(&host_set, host_supported_cpuid);
    k = closest_model(host_vendor, &host_set);
    model_distance(k, &host_set, added, removed);
    return k;
}

/* Which model (or host) the plan starts from. */
static gboolean
plan_base(const VireoDomainDef *def, const VireoHostCaps *host, VireoMachineClass *mc,
          const VireoFeatureSet *host_set, VireoCpuPlan *plan, const char **model,
          char **host_model_id, GError **error)
{
    const VireoCpuDef *c = def->cpu;
    VireoCpuModelClass *klass;
    gboolean host_mode = c && c->mode != VIREO_CPU_MODE_CUSTOM;
    gboolean have_host = host && host->supported_cpuid && host->supported_cpuid->len;
    if (host_mode && have_host && c->mode == VIREO_CPU_MODE_HOST_MODEL) {
        klass = closest_model(host->host_vendor, host_set);
        plan_from_model(plan, klass);
        plan->features = *host_set;
        *model = klass->info->name;
        return TRUE;
    }
    if (host_mode && have_host) {
        plan_from_host(plan, host, host_set, host_model_id);
        plan->model_id = *host_model_id;
        *model = c->mode == VIREO_CPU_MODE_MAXIMUM ? "max" : "host";
        return TRUE;
    }
    /* A host CPU without a host to read (domxml-to-native): only the name
     * reaches QEMU; the table is the machine's default model's. */
    *model = host_mode ? (c->mode == VIREO_CPU_MODE_MAXIMUM ? "max" : "host") :
             c && c->model ? c->model : mc->default_cpu_model;
    klass = vireo_cpu_model_class_find(host_mode ? mc->default_cpu_model : *model);
    if (!klass) {
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unknown CPU model '%s' (run 'vireo capabilities' to list "
                          "the supported ones)"), *model);
        return FALSE;
    }
    plan_from_model(plan, klass);
    return apply_vendor(c, plan, error);
}

gboolean
vireo_cpu_resolve(const VireoDomainDef *def, const VireoHostCaps *host,
                  VireoMachineClass *mc, gboolean kvm, VireoCpuDesc *cpu,
                  GError **error)
{
    const VireoCpuDef *c = def->cpu;
    VireoCpuPlan plan = { 0 };
    VireoFeatureSet host_set;
    VireoPolicyResult res = { 0 };
    g_autoptr(GPtrArray) forbidden = g_ptr_array_new();
    g_autoptr(GPtrArray) dropped = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *host_model_id = NULL;
    const char *model = NULL;
    gboolean custom_checked;

    if (host && host->supported_cpuid) {
        vireo_feature_set_from_cpuid(&host_set, host->supported_cpuid);
    } else {
        /* no host to check against (describe without /dev/kvm): all of it */
        memset(&host_set, 0xff, sizeof(host_set));
    }
    if (c && !check_feature_list(c, error))
        return FALSE;
    if (!plan_base(def, host, mc, &host_set, &plan, &model, &host_model_id, error))
        return FALSE;
    /* A named model is checked as a whole unless check='none'. */
    custom_checked = c && c->mode == VIREO_CPU_MODE_CUSTOM && c->model &&
                     c->check != VIREO_CPU_CHECK_NONE;
    if (custom_checked)
        res.must_have = plan.features;
    if (kvm)
        apply_kvm_defaults(&plan.features);
    plan.kvm_leaves = kvm && !(def->features.kvm_hidden == VIREO_TRISTATE_YES);
    /* QEMU under KVM shows a named model with the host's vendor ("normally
     * we advertise the actual CPU vendor": SYSENTER/SYSCALL in compatibility
     * mode follow the real CPU); vendor_id still wins. */
    if (kvm && host && host->host_vendor[0] && !(c && c->vendor_id))
        plan.vendor = host->host_vendor;
    res.forbidden_present = forbidden;
    if (c)
        apply_policies(c, &plan, &host_set, &res);
    if (!resolve_topology(def, mc, host, &plan, error))
        return FALSE;
    if (!check_against_host(&plan, &host_set, &res, dropped, error))
        return FALSE;
    vireo_cpuid_prune_features(&plan);
    fill_cpu_desc(def, &plan, model, cpu);
    cpu->disabled_features = g_steal_pointer(&dropped);
    if (c)
        for (guint i = 0; c->features && i < c->features->len; i++) {
            const VireoCpuFeatureDef *f = c->features->pdata[i];
            if (f->policy == VIREO_CPU_FEATURE_DISABLE || f->policy == VIREO_CPU_FEATURE_FORBID)
                g_ptr_array_add(cpu->disabled_features,
                                g_strdup(vireo_cpu_feature_get(vireo_cpu_feature_index(f->name))->name));
        }
    return TRUE;
}

void
vireo_cpu_desc_clear(VireoCpuDesc *cpu)
{
    g_free(cpu->model);
    g_free(cpu->vendor);
    g_free(cpu->model_id);
    if (cpu->vcpus)
        g_ptr_array_unref(cpu->vcpus);
    if (cpu->enabled_features)
        g_ptr_array_unref(cpu->enabled_features);
    if (cpu->disabled_features)
        g_ptr_array_unref(cpu->disabled_features);
    memset(cpu, 0, sizeof(*cpu));
}

GPtrArray *
vireo_cpu_model_blockers(VireoCpuModelClass *klass, const GArray *host_supported_cpuid)
{
    GPtrArray *missing = g_ptr_array_new();
    VireoFeatureSet host_set, want = klass->features;
    guint n = vireo_cpu_feature_count();
    vireo_feature_set_from_cpuid(&host_set, host_supported_cpuid);
    apply_kvm_defaults(&want);
    for (guint i = 0; i < n; i++)
        if (vireo_feature_set_has(&want, i) && !host_has(&host_set, i))
            g_ptr_array_add(missing, (char *)vireo_cpu_feature_get(i)->name);
    return missing;
}
