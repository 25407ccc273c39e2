/* Unit tests for src/machine: machine types, CPU models and features,
 * topology and CPUID, memory map, devices, clock. Domain definitions are
 * built in C (tests/machine/test-machine-def.h); expected values are worked
 * out by hand in the comments next to them. */
#include <config.h>
#include <string.h>
#include "machine/machine_desc.h"
#include "machine/machine-type.h"
#include "machine/cpu-model.h"
#include "machine/cpu-features.h"
#include "machine/machine-priv.h"
#include "util/vireo-error.h"
#include "machine/test-machine-def.h"  /* tests/machine/ */

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* ---- helpers ------------------------------------------------------------ */

static void
set_feature_bit(GArray *t, const char *name)
{
    const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(vireo_cpu_feature_index(name));
    for (guint i = 0; i < t->len; i++) {
        VireoCpuidEntry *e = &g_array_index(t, VireoCpuidEntry, i);
        if (e->function != f->leaf || e->index != f->subleaf)
            continue;
        guint32 *r[] = { &e->eax, &e->ebx, &e->ecx, &e->edx };
        *r[f->reg] |= 1u << f->bit;
        return;
    }
    {
        VireoCpuidEntry e = { .function = f->leaf, .index = f->subleaf,
                              .flags = (f->leaf == 7 || f->leaf == 0xD) ?
                                       VIREO_CPUID_FLAG_SIGNIFICANT_INDEX : 0 };
        g_array_append_val(t, e);
        set_feature_bit(t, name);
    }
}

/* A host whose KVM offers a model's features plus `extra`. */
static VireoHostCaps *
fake_host(const char *model, const char *extra)
{
    VireoHostCaps *h = vireo_host_caps_new();
    VireoCpuModelClass *k = vireo_cpu_model_class_find(model);
    guint n = vireo_cpu_feature_count();
    g_auto(GStrv) more = g_strsplit(extra ? extra : "", " ", -1);
    g_assert_nonnull(k);
    for (guint i = 0; i < n; i++)
        if (vireo_feature_set_has(&k->features, i))
            set_feature_bit(h->supported_cpuid, vireo_cpu_feature_get(i)->name);
    for (char **m = more; *m; m++)
        if (**m)
            set_feature_bit(h->supported_cpuid, *m);
    /* what KVM always offers */
    set_feature_bit(h->supported_cpuid, "x2apic");
    set_feature_bit(h->supported_cpuid, "kvmclock");
    set_feature_bit(h->supported_cpuid, "kvmclock2");
    set_feature_bit(h->supported_cpuid, "kvm-nopiodelay");
    set_feature_bit(h->supported_cpuid, "kvm-asyncpf");
    set_feature_bit(h->supported_cpuid, "kvm-steal-time");
    set_feature_bit(h->supported_cpuid, "kvm-pv-eoi");
    set_feature_bit(h->supported_cpuid, "kvmclock-stable-bit");
    g_strlcpy(h->host_vendor, "GenuineIntel", sizeof(h->host_vendor));
    h->max_vcpus = 288;
    h->has_hugepages = TRUE;
    return h;
}

static const VireoCpuidEntry *
leaf(const VireoMachineDesc *d, guint vcpu, guint32 fn, guint32 idx)
{
    const VireoVcpuDesc *v = d->cpu.vcpus->pdata[vcpu];
    for (guint i = 0; i < v->cpuid->len; i++) {
        const VireoCpuidEntry *e = &g_array_index(v->cpuid, VireoCpuidEntry, i);
        if (e->function == fn && e->index == idx)
            return e;
    }
    return NULL;
}

static gboolean
has_feature(const VireoMachineDesc *d, const char *name)
{
    const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(vireo_cpu_feature_index(name));
    const VireoCpuidEntry *e = leaf(d, 0, f->leaf, f->subleaf);
    guint32 regs[4];
    if (!e)
        return FALSE;
    regs[0] = e->eax; regs[1] = e->ebx; regs[2] = e->ecx; regs[3] = e->edx;
    return (regs[f->reg] >> f->bit) & 1;
}

/* ---- machine types ------------------------------------------------------ */

static void
test_select_named(void)
{
    g_autoptr(GError) err = NULL;
    VireoMachineClass *k = vireo_machine_select("pc-i440fx-2.0", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(k->name, ==, "pc-i440fx-2.0");
    g_assert_cmpint(k->family, ==, VIREO_MACHINE_FAMILY_I440FX);
    g_assert_false(k->is_default);
    k = vireo_machine_select("pc-q35-7.2", &err);
    g_assert_cmpint(k->family, ==, VIREO_MACHINE_FAMILY_Q35);
    g_assert_cmpuint(k->major, ==, 7);
    g_assert_cmpuint(k->minor, ==, 2);
}

static void
test_select_alias(void)
{
    VireoMachineClass *pc = vireo_machine_select("pc", NULL);
    VireoMachineClass *q35 = vireo_machine_select("q35", NULL);
    g_assert_cmpstr(pc->name, ==, "pc-i440fx-9.2");
    g_assert_cmpstr(pc->alias, ==, "pc");
    g_assert_cmpstr(q35->name, ==, "pc-q35-9.2");
    g_assert_cmpstr(q35->alias, ==, "q35");
}

static void
test_select_distro(void)
{
    g_autoptr(TestDef) t = test_def_new("pc-i440fx-trusty", 1, 128);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoMachineDesc) d = NULL;
    VireoMachineClass *k = vireo_machine_select("pc-i440fx-trusty", NULL);
    g_assert_cmpstr(k->name, ==, "pc-i440fx-trusty");
    g_assert_cmpstr(k->canonical, ==, "pc-i440fx-2.0");
    g_assert_cmpstr(k->description, ==, "Ubuntu 14.04 PC (i440FX + PIIX, 1996)");
    /* the distro type is a subclass of the upstream version it came from */
    g_assert_true(g_type_is_a(G_TYPE_FROM_CLASS(k),
                              G_TYPE_FROM_CLASS(vireo_machine_select("pc-i440fx-2.0", NULL))));
    k = vireo_machine_select("pc-q35-rhel7.6.0", NULL);
    g_assert_cmpstr(k->canonical, ==, "pc-q35-2.12");
    g_assert_cmpint(k->family, ==, VIREO_MACHINE_FAMILY_Q35);
    k = vireo_machine_select("pc-i440fx-jammy", NULL);
    g_assert_cmpstr(k->canonical, ==, "pc-i440fx-6.2");
    d = vireo_machine_resolve(&t->def, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(d->machine_type, ==, "pc-i440fx-2.0");
    g_assert_cmpstr(d->machine_alias, ==, "pc-i440fx-trusty");
}

static void
test_select_default(void)
{
    g_autoptr(TestDef) t = test_def_new(NULL, 1, 128);
    g_autoptr(VireoMachineDesc) d = vireo_machine_resolve(&t->def, NULL, NULL);
    VireoMachineClass *k = vireo_machine_select(NULL, NULL);
    g_assert_true(k->is_default);
    g_assert_cmpstr(k->name, ==, "pc-i440fx-9.2");
    g_assert_nonnull(d);
    g_assert_cmpstr(d->machine_type, ==, "pc-i440fx-9.2");
    g_assert_null(d->machine_alias);
}

static void
test_select_unknown(void)
{
    g_autoptr(GError) err = NULL;
    g_assert_null(vireo_machine_select("pc-i440fx-1.0", &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "unsupported machine type 'pc-i440fx-1.0'"));
    g_assert_nonnull(strstr(err->message, "vireo capabilities"));
    /* Near misses of a versioned name: only its exact spelling selects. */
    static const char *const near[] = {
        "pc-i440fx-02.0", "pc-i440fx-2.00", "pc-i440fx-2.0x", "pc-i440fx-2.",
        "pc-i440fx-2", "pc-i440fx-", "pc-i440fx-.0", "pc-i440fx-7.20",
        "pc-i440fx-4294967298.0", "pc-q35-2.0 ", "pc-i440fx-+2.0",
    };
    for (guint i = 0; i < G_N_ELEMENTS(near); i++) {
        g_test_message("%s", near[i]);
        g_assert_null(vireo_machine_select(near[i], NULL));
    }
    g_assert_nonnull(vireo_machine_select("pc-i440fx-2.10", NULL));
}

static void
test_machine_list(void)
{
    g_autoptr(GPtrArray) list = vireo_machine_class_list();
    guint defaults = 0, upstream = 0;
    for (guint i = 0; i < list->len; i++) {
        VireoMachineClass *k = list->pdata[i];
        defaults += k->is_default;
        upstream += k->canonical == k->name;
    }
    g_assert_cmpuint(defaults, ==, 1);
    /* 2.0..2.12, 3.0-3.1, 4.0-4.2, 5.0-5.2, 6.0-6.2, 7.0-7.2, 8.0-8.2, 9.0-9.2:
     * 13 + 2 + 6 * 3 = 33 versions, two families */
    g_assert_cmpuint(upstream, ==, 66);
    g_assert_cmpuint(list->len, >, 100);
}

/* ---- CPU models and features ------------------------------------------- */

static const char *const required_models[] = {
    "qemu64", "kvm64", "qemu32", "Conroe", "Penryn", "Nehalem", "Westmere",
    "SandyBridge", "IvyBridge", "Haswell", "Haswell-noTSX", "Broadwell",
    "Broadwell-noTSX", "Skylake-Client", "Skylake-Server", "Cascadelake-Server",
    "Icelake-Server", "SapphireRapids", "EPYC", "EPYC-Rome", "EPYC-Milan",
};

static void
decode_brand(const VireoMachineDesc *d, char out[49])
{
    const VireoVcpuDesc *v = d->cpu.vcpus->pdata[0];
    for (guint l = 0; l < 3; l++)
        g_assert_nonnull(leaf(d, 0, 0x80000002u + l, 0));
    vireo_cpuid_read_brand(v->cpuid, out);
}

static void
test_every_model(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(required_models); i++) {
        g_autoptr(TestDef) t = test_def_new("pc", 2, 256);
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoMachineDesc) d = NULL;
        VireoCpuModelClass *k = vireo_cpu_model_class_find(required_models[i]);
        const VireoCpuidEntry *l0, *l1;
        char vendor[13] = { 0 }, brand[49];
        guint32 sig;
        g_assert_nonnull(k);
        test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, required_models[i]);
        d = vireo_machine_resolve(&t->def, NULL, &err);
        g_assert_no_error(err);
        g_assert_cmpstr(d->cpu.model, ==, required_models[i]);
        l0 = leaf(d, 0, 0, 0);
        memcpy(vendor, &l0->ebx, 4);
        memcpy(vendor + 4, &l0->edx, 4);
        memcpy(vendor + 8, &l0->ecx, 4);
        g_assert_cmpstr(vendor, ==, k->info->vendor);
        g_assert_cmpuint(l0->eax, >=, k->info->level);
        l1 = leaf(d, 0, 1, 0);
        sig = l1->eax;
        /* family = base + extended when base is 0xf; model = ext:base */
        g_assert_cmpuint(((sig >> 8) & 0xf) + (((sig >> 8) & 0xf) == 0xf ? (sig >> 20) & 0xff : 0),
                         ==, k->info->family);
        g_assert_cmpuint(((sig >> 4) & 0xf) | (((sig >> 16) & 0xf) << 4), ==, k->info->model);
        g_assert_cmpuint(sig & 0xf, ==, k->info->stepping);
        decode_brand(d, brand);
        g_assert_cmpstr(brand, ==, k->info->model_id);
        g_assert_cmpuint(leaf(d, 0, 0x80000000u, 0)->eax, ==, k->info->xlevel);
        /* QEMU's fixed L1 TLB words: written into the table even where
         * adding 0x80000006 right after it moves the table (an ASan build
         * moves it on every growth) */
        if (k->info->xlevel >= 0x80000006u) {
            g_assert_cmphex(leaf(d, 0, 0x80000005u, 0)->eax, ==, 0x01ff01ff);
            g_assert_cmphex(leaf(d, 0, 0x80000005u, 0)->ebx, ==, 0x01ff01ff);
        }
        /* with KVM: the PV signature and x2apic are always there */
        g_assert_true(has_feature(d, "kvmclock"));
        g_assert_true(has_feature(d, "x2apic"));
        g_assert_true(has_feature(d, "hypervisor"));
    }
}

static void
test_model_facts(void)
{
    /* QEMU's definitions, checked against `qemu-system-x86_64 -cpu help` */
    VireoCpuModelClass *sb = vireo_cpu_model_class_find("SandyBridge");
    VireoCpuModelClass *epyc = vireo_cpu_model_class_find("EPYC");
    g_assert_cmpstr(sb->info->model_id, ==, "Intel Xeon E312xx (Sandy Bridge)");
    g_assert_cmpuint(sb->info->family, ==, 6);
    g_assert_cmpuint(sb->info->model, ==, 42);
    g_assert_true(vireo_feature_set_has_name(&sb->features, "avx"));
    g_assert_true(vireo_feature_set_has_name(&sb->features, "vme"));
    g_assert_false(vireo_feature_set_has_name(&sb->features, "avx2"));
    g_assert_cmpstr(epyc->info->vendor, ==, "AuthenticAMD");
    g_assert_cmpuint(epyc->info->family, ==, 23);
    g_assert_true(vireo_feature_set_has_name(&epyc->features, "topoext"));
    g_assert_null(vireo_cpu_model_class_find("Pentium9"));
}

/* vireo_feature_set_from_cpuid() against the definition: a feature is set
 * when any entry for its leaf (and subleaf, where the index is
 * significant) has its bit. Entries for several subleaves, one whose index
 * does not count, two for one leaf, a leaf no feature uses. */
static void
test_features_from_cpuid(void)
{
    g_autoptr(GArray) cpuid = g_array_new(FALSE, TRUE, sizeof(VireoCpuidEntry));
    guint32 seed = 0x9e3779b9;
    const guint32 leaves[] = { 1, 1, 6, 7, 7, 7, 0xd, 0x14, 0x80000001, 0x80000007,
                               0x80000008, 0x8000000a, 0xc0000001, 0x40000001, 0x12345 };
    for (guint k = 0; k < G_N_ELEMENTS(leaves); k++) {
        VireoCpuidEntry e = { .function = leaves[k], .index = k % 3 };
        if (leaves[k] == 7 || leaves[k] == 0xd || leaves[k] == 0x14)
            e.flags = VIREO_CPUID_FLAG_SIGNIFICANT_INDEX;
        guint32 *r[] = { &e.eax, &e.ebx, &e.ecx, &e.edx };
        for (guint j = 0; j < 4; j++) {
            seed = seed * 1664525u + 1013904223u;
            *r[j] = seed;
        }
        g_array_append_val(cpuid, e);
    }
    VireoFeatureSet got;
    vireo_feature_set_from_cpuid(&got, cpuid);
    guint set = 0;
    for (guint i = 0; i < vireo_cpu_feature_count(); i++) {
        const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(i);
        gboolean want = FALSE;
        for (guint k = 0; k < cpuid->len; k++) {
            const VireoCpuidEntry *e = &g_array_index(cpuid, VireoCpuidEntry, k);
            guint32 regs[] = { [VIREO_CPUID_REG_EAX] = e->eax, [VIREO_CPUID_REG_EBX] = e->ebx,
                               [VIREO_CPUID_REG_ECX] = e->ecx, [VIREO_CPUID_REG_EDX] = e->edx };
            if (e->function == f->leaf &&
                (!(e->flags & VIREO_CPUID_FLAG_SIGNIFICANT_INDEX) || e->index == f->subleaf))
                want = want || ((regs[f->reg] >> f->bit) & 1);
        }
        if (vireo_feature_set_has(&got, i) != want)
            g_error("feature %s: %d, want %d", f->name, vireo_feature_set_has(&got, i), want);
        set += want;
    }
    g_assert_cmpuint(set, >, 20);       /* the registers did have bits set */
    vireo_feature_set_from_cpuid(&got, NULL);
    for (guint i = 0; i < vireo_cpu_feature_count(); i++)
        g_assert_false(vireo_feature_set_has(&got, i));
}

static void
test_feature_spellings(void)
{
    /* QEMU and libvirt spell some features differently: same bit */
    const char *pairs[][2] = {
        { "ds_cpl", "ds-cpl" }, { "pclmuldq", "pclmulqdq" }, { "lahf_lm", "lahf-lm" },
        { "sse4.1", "sse4_1" }, { "sse4-2", "sse4.2" }, { "pni", "sse3" },
        { "nx", "xd" }, { "tsc_adjust", "tsc-adjust" }, { "i64", "lm" },
    };
    /* the seeds' Nova -cpu line */
    const char *seed = "erms smep fsgsbase pdpe1gb rdrand f16c osxsave dca pcid "
                       "pdcm xtpr tm2 est smx vmx ds_cpl monitor dtes64 pbe tm ht "
                       "ss acpi ds vme";
    g_auto(GStrv) names = g_strsplit(seed, " ", -1);
    for (gsize i = 0; i < G_N_ELEMENTS(pairs); i++) {
        g_assert_cmpint(vireo_cpu_feature_index(pairs[i][0]), >=, 0);
        g_assert_cmpint(vireo_cpu_feature_index(pairs[i][0]), ==,
                        vireo_cpu_feature_index(pairs[i][1]));
    }
    for (char **n = names; *n; n++)
        g_assert_cmpint(vireo_cpu_feature_index(*n), >=, 0);
    /* Every canonical name finds its own row, in any spelling of '-', '_'
     * and '.'; every alias a row that has it; unknown names none. */
    for (guint i = 0; i < vireo_cpu_feature_count(); i++) {
        const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(i);
        g_autofree char *underscored = g_strdelimit(g_strdup(f->name), "-.", '_');
        g_assert_cmpint(vireo_cpu_feature_index(f->name), ==, (int) i);
        g_assert_cmpint(vireo_cpu_feature_index(underscored), ==, (int) i);
        for (guint a = 0; a < G_N_ELEMENTS(f->aliases) && f->aliases[a]; a++) {
            const VireoCpuFeatureInfo *g =
                vireo_cpu_feature_get(vireo_cpu_feature_index(f->aliases[a]));
            gboolean has = g_str_equal(g->name, f->aliases[a]);
            for (guint b = 0; b < G_N_ELEMENTS(g->aliases) && g->aliases[b]; b++)
                has = has || g_str_equal(g->aliases[b], f->aliases[a]);
            g_assert_true(has);
        }
    }
    g_assert_cmpint(vireo_cpu_feature_index("no-such-feature"), ==, -1);
    g_assert_cmpint(vireo_cpu_feature_index(""), ==, -1);
    {
        /* positions from the Intel SDM */
        const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(vireo_cpu_feature_index("erms"));
        g_assert_cmphex(f->leaf, ==, 7);
        g_assert_cmpint(f->reg, ==, VIREO_CPUID_REG_EBX);
        g_assert_cmpuint(f->bit, ==, 9);
        f = vireo_cpu_feature_get(vireo_cpu_feature_index("pdpe1gb"));
        g_assert_cmphex(f->leaf, ==, 0x80000001u);
        g_assert_cmpint(f->reg, ==, VIREO_CPUID_REG_EDX);
        g_assert_cmpuint(f->bit, ==, 26);
        f = vireo_cpu_feature_get(vireo_cpu_feature_index("xsaveopt"));
        g_assert_cmphex(f->leaf, ==, 0xd);
        g_assert_cmpuint(f->subleaf, ==, 1);
        f = vireo_cpu_feature_get(vireo_cpu_feature_index("invtsc"));
        g_assert_cmphex(f->leaf, ==, 0x80000007u);
        g_assert_cmpuint(f->bit, ==, 8);
    }
    g_assert_cmpint(vireo_cpu_feature_index("bogus-feature"), ==, -1);
}

static VireoMachineDesc *
resolve_with(TestDef *t, const VireoHostCaps *host, GError **err)
{
    return vireo_machine_resolve(&t->def, host, err);
}

/* Each policy on a SandyBridge model and a SandyBridge host (plus
 * `host_extra`): what ends up on and off, or libvirt's error. */
typedef struct {
    const char *host_extra;
    const char *features;           /* "name=policy ...", in XML order */
    const char *on, *off;           /* in the resolved CPU */
    const char *error;              /* NULL: it resolves */
} PolicyCase;

static const PolicyCase policy_require = {
    "erms smep", "erms=require", "erms", "smep", NULL,     /* smep: offered, not asked for */
};
/* missing ones listed in CPUID order (leaf 7 EBX bit 5 before bit 9), as libvirt does */
static const PolicyCase policy_require_missing = {
    NULL, "erms=require avx2=require", NULL, NULL,
    "the CPU is incompatible with host CPU: Host CPU does not provide required features: avx2, erms",
};
static const PolicyCase policy_optional = {
    "erms", "erms=optional avx512f=optional", "erms", "avx512f", NULL,
};
/* x2apic=disable wins over KVM's default */
static const PolicyCase policy_disable = {
    NULL, "avx=disable x2apic=disable", "aes", "avx x2apic", NULL,
};
static const PolicyCase policy_forbid_absent = {
    NULL, "avx512f=forbid", NULL, "avx512f", NULL,         /* the host lacks it: fine */
};
static const PolicyCase policy_forbid = {
    NULL, "avx512f=forbid aes=forbid", NULL, NULL,
    "the CPU is incompatible with host CPU: Host CPU provides forbidden features: aes",
};
static const PolicyCase policy_force = {
    NULL, "avx2=force", "avx2", NULL, NULL,                /* on without the host */
};

static gboolean
name_listed(GPtrArray *names, const char *name)
{
    return g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL);
}

static void
test_policy(gconstpointer data)
{
    const PolicyCase *pc = data;
    g_auto(GStrv) feats = g_strsplit(pc->features, " ", -1);
    g_auto(GStrv) on = g_strsplit(pc->on ? pc->on : "", " ", -1);
    g_auto(GStrv) off = g_strsplit(pc->off ? pc->off : "", " ", -1);
    g_autoptr(VireoHostCaps) host = fake_host("SandyBridge", pc->host_extra);
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoMachineDesc) d = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "SandyBridge");
    for (char **f = feats; *f; f++) {
        char *eq = strchr(*f, '=');
        *eq = '\0';
        test_def_feature(t, *f, vireo_cpu_feature_policy_from_string(eq + 1));
    }
    d = resolve_with(t, host, &err);
    if (pc->error) {
        g_assert_null(d);
        g_assert_error(err, VIREO_ERROR, VIREO_ERR_CPU_INCOMPATIBLE);
        g_assert_cmpstr(err->message, ==, pc->error);
        return;
    }
    g_assert_no_error(err);
    for (char **f = on; *f && **f; f++)
        g_assert_true(has_feature(d, *f));
    for (char **f = off; *f && **f; f++)
        g_assert_false(has_feature(d, *f));
    /* what the XML turns off is listed as disabled */
    for (guint i = 0; i < t->cpu.features->len; i++) {
        const VireoCpuFeatureDef *f = t->cpu.features->pdata[i];
        if (f->policy == VIREO_CPU_FEATURE_DISABLE || f->policy == VIREO_CPU_FEATURE_FORBID)
            g_assert_true(name_listed(d->cpu.disabled_features, f->name));
    }
}

static void
test_policy_model_missing(void)
{
    /* a named model is checked whole: Haswell on a SandyBridge host */
    g_autoptr(VireoHostCaps) host = fake_host("SandyBridge", NULL);
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoMachineDesc) d = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "Haswell");
    g_assert_null(resolve_with(t, host, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CPU_INCOMPATIBLE);
    g_assert_nonnull(strstr(err->message, "avx2"));
    g_clear_error(&err);
    /* check='none' filters instead, like QEMU without enforce */
    t->cpu.check = VIREO_CPU_CHECK_NONE;
    d = resolve_with(t, host, &err);
    g_assert_no_error(err);
    g_assert_false(has_feature(d, "avx2"));
    g_assert_true(has_feature(d, "avx"));
}

static void
test_feature_conflict(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(GError) err = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "SandyBridge");
    test_def_feature(t, "ds_cpl", VIREO_CPU_FEATURE_REQUIRE);
    test_def_feature(t, "ds-cpl", VIREO_CPU_FEATURE_DISABLE);
    g_assert_null(resolve_with(t, NULL, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_assert_nonnull(strstr(err->message, "CPU feature 'ds-cpl' specified more than once"));
}

static void
test_feature_unknown(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(GError) err = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "SandyBridge");
    test_def_feature(t, "warp-drive", VIREO_CPU_FEATURE_REQUIRE);
    g_assert_null(resolve_with(t, NULL, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "'warp-drive'"));
    g_clear_error(&err);
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "Pentium9");
    g_ptr_array_set_size(t->cpu.features, 0);
    g_assert_null(resolve_with(t, NULL, &err));
    g_assert_nonnull(strstr(err->message, "unknown CPU model 'Pentium9'"));
}

static void
test_no_cpu_filters(void)
{
    /* no <cpu>: the default model, what the host lacks silently dropped */
    g_autoptr(VireoHostCaps) host = fake_host("qemu64", NULL);
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    /* a host without sse3 (pni), as this project's kvm_pvm host is */
    VireoCpuidEntry *l1 = NULL;
    for (guint i = 0; i < host->supported_cpuid->len; i++)
        if (g_array_index(host->supported_cpuid, VireoCpuidEntry, i).function == 1)
            l1 = &g_array_index(host->supported_cpuid, VireoCpuidEntry, i);
    l1->ecx &= ~1u;
    d = resolve_with(t, host, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(d->cpu.model, ==, "qemu64");
    g_assert_false(has_feature(d, "pni"));
    g_assert_true(has_feature(d, "sse2"));
}

static void
test_host_passthrough(void)
{
    g_autoptr(VireoHostCaps) host = fake_host("Haswell", NULL);
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_HOST_PASSTHROUGH, NULL);
    test_def_feature(t, "avx2", VIREO_CPU_FEATURE_DISABLE);
    d = resolve_with(t, host, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(d->cpu.model, ==, "host");
    g_assert_cmpstr(d->cpu.vendor, ==, "GenuineIntel");
    g_assert_true(has_feature(d, "fma"));
    g_assert_false(has_feature(d, "avx2"));
}

/* KVM_GET_SUPPORTED_CPUID of a Xeon Gold 6148 (Skylake-SP) host, the
 * leaves a guest reads most, with the host's own topology in leaf 1, 4 and
 * 0xB (which the guest must not see). */
static const VireoCpuidEntry skylake_host[] = {
    { 0x0, 0, 0, 0x00000016, 0x756e6547, 0x6c65746e, 0x49656e69 },
    { 0x1, 0, 0, 0x00050654, 0x16200800, 0x7ffefbff, 0xbfebfbff },
    { 0x4, 0, 1, 0x7c004121, 0x01c0003f, 0x0000003f, 0x00000000 },
    { 0x6, 0, 0, 0x00000004, 0x00000000, 0x00000000, 0x00000000 },
    { 0x7, 0, 1, 0x00000000, 0xd19f4fbb, 0x0000000c, 0x9c000400 },
    { 0xB, 0, 1, 0x00000001, 0x00000002, 0x00000100, 0x00000016 },
    { 0xB, 1, 1, 0x00000006, 0x00000028, 0x00000201, 0x00000016 },
    { 0xD, 0, 1, 0x000002ff, 0x00000a88, 0x00000a88, 0x00000000 },
    { 0xD, 1, 1, 0x0000000f, 0x00000000, 0x00000000, 0x00000000 },
    { 0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x0000004d },
    { 0x40000001, 0, 0, 0x01007afb, 0x00000000, 0x00000000, 0x00000000 },
    { 0x80000000, 0, 0, 0x80000008, 0x00000000, 0x00000000, 0x00000000 },
    { 0x80000001, 0, 0, 0x00000000, 0x00000000, 0x00000121, 0x2c100800 },
    /* "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz" */
    { 0x80000002, 0, 0, 0x65746e49, 0x2952286c, 0x6f655820, 0x2952286e },
    { 0x80000003, 0, 0, 0x6c6f4720, 0x31362064, 0x43203834, 0x40205550 },
    { 0x80000004, 0, 0, 0x342e3220, 0x7a484730, 0x00000000, 0x00000000 },
    { 0x80000006, 0, 0, 0x00000000, 0x00000000, 0x01006040, 0x00000000 },
    { 0x80000007, 0, 0, 0x00000000, 0x00000000, 0x00000000, 0x00000100 },
    { 0x80000008, 0, 0, 0x0000302e, 0x00000000, 0x00000000, 0x00000000 },
};

static VireoHostCaps *
skylake_host_caps(void)
{
    VireoHostCaps *h = vireo_host_caps_new();
    g_array_append_vals(h->supported_cpuid, skylake_host, G_N_ELEMENTS(skylake_host));
    g_strlcpy(h->host_vendor, "GenuineIntel", sizeof(h->host_vendor));
    h->max_vcpus = 288;
    return h;
}

static const VireoCpuidEntry *
host_leaf(guint32 fn, guint32 idx)
{
    for (gsize i = 0; i < G_N_ELEMENTS(skylake_host); i++)
        if (skylake_host[i].function == fn && skylake_host[i].index == idx)
            return &skylake_host[i];
    g_assert_not_reached();
}

/* host-passthrough: every leaf from the host's table, the topology the
 * guest's, policies applied (avx2 disabled: 7.0 EBX bit 5; KVM's defaults
 * take monitor, 1 ECX bit 3, and acpi, 1 EDX bit 22, away and add
 * hypervisor, 1 ECX bit 31). */
static void
test_host_passthrough_table(void)
{
    g_autoptr(VireoHostCaps) host = skylake_host_caps();
    g_autoptr(TestDef) t = test_def_new("pc", 2, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    char brand[49];
    test_def_cpu(t, VIREO_CPU_MODE_HOST_PASSTHROUGH, NULL);
    test_def_topology(t, 1, 1, 2, 1);
    test_def_feature(t, "avx2", VIREO_CPU_FEATURE_DISABLE);
    d = resolve_with(t, host, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(d->cpu.family, ==, 6);
    g_assert_cmpuint(d->cpu.model_number, ==, 0x55);
    g_assert_cmpuint(d->cpu.stepping, ==, 4);
    g_assert_cmpuint(leaf(d, 0, 0, 0)->eax, ==, 0x16);
    g_assert_cmphex(leaf(d, 0, 0, 0)->ebx, ==, 0x756e6547);
    g_assert_cmphex(leaf(d, 1, 1, 0)->eax, ==, 0x00050654);
    /* vCPU 1: APIC ID 1, 2 addressable IDs, CLFLUSH 8 x 8 bytes */
    g_assert_cmphex(leaf(d, 1, 1, 0)->ebx, ==, 0x01020800);
    g_assert_cmphex(leaf(d, 1, 1, 0)->ecx, ==, (0x7ffefbffu & ~(1u << 3)) | (1u << 31));
    g_assert_cmphex(leaf(d, 1, 1, 0)->edx, ==, 0xbfebfbffu & ~(1u << 22));
    g_assert_cmphex(leaf(d, 0, 7, 0)->ebx, ==, 0xd19f4fbbu & ~(1u << 5));
    g_assert_cmphex(leaf(d, 0, 7, 0)->ecx, ==, 0x0000000c);
    g_assert_cmphex(leaf(d, 0, 7, 0)->edx, ==, 0x9c000400);
    /* topology is the guest's: 2 cores share the L3, 0xB counts 2 CPUs */
    g_assert_cmphex(leaf(d, 0, 4, 3)->eax >> 26, ==, 1);
    g_assert_cmphex(leaf(d, 1, 0xB, 1)->ebx, ==, 2);
    g_assert_cmphex(leaf(d, 1, 0xB, 1)->edx, ==, 1);
    g_assert_cmphex(leaf(d, 0, 0x80000000u, 0)->eax, ==, 0x80000008u);
    g_assert_cmphex(leaf(d, 0, 0x80000001u, 0)->eax, ==, 0x00050654);
    g_assert_cmphex(leaf(d, 0, 0x80000001u, 0)->ecx, ==, 0x121);
    g_assert_cmphex(leaf(d, 0, 0x80000001u, 0)->edx, ==, 0x2c100800);
    decode_brand(d, brand);
    g_assert_cmpstr(brand, ==, "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");
    g_assert_cmpstr(d->cpu.model_id, ==, brand);
    g_assert_cmphex(leaf(d, 0, 0x80000006u, 0)->ecx, ==, host_leaf(0x80000006u, 0)->ecx);
    /* 46 physical, 48 virtual address bits: the host's, not 40 */
    g_assert_cmphex(leaf(d, 0, 0x80000008u, 0)->eax, ==, 0x302e);
    g_assert_nonnull(leaf(d, 0, 0x40000001u, 0));
}

/* A host with 5-level paging (57 virtual bits): the guest keeps them with
 * la57 and reads 48 when the XML disables it. */
static void
test_host_passthrough_la57(void)
{
    g_autoptr(VireoHostCaps) host = skylake_host_caps();
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(VireoMachineDesc) off = NULL;
    for (guint i = 0; i < host->supported_cpuid->len; i++) {
        VireoCpuidEntry *e = &g_array_index(host->supported_cpuid, VireoCpuidEntry, i);
        if (e->function == 0x80000008u)
            e->eax = 0x392e;                        /* 46 physical, 57 virtual */
        if (e->function == 7)
            e->ecx |= 1u << 16;                     /* la57 */
    }
    test_def_cpu(t, VIREO_CPU_MODE_HOST_PASSTHROUGH, NULL);
    d = resolve_with(t, host, NULL);
    g_assert_cmphex(leaf(d, 0, 0x80000008u, 0)->eax, ==, 0x392e);
    test_def_feature(t, "la57", VIREO_CPU_FEATURE_DISABLE);
    off = resolve_with(t, host, NULL);
    g_assert_cmphex(leaf(off, 0, 0x80000008u, 0)->eax, ==, 0x302e);
    g_assert_cmphex(leaf(off, 0, 7, 0)->ecx & (1u << 16), ==, 0);
}

/* Without a host (domxml-to-native) a host CPU is named, and its table is
 * the machine's default model's rather than every bit set. */
static void
test_host_passthrough_no_host(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    VireoCpuModelClass *q = vireo_cpu_model_class_find("qemu64");
    test_def_cpu(t, VIREO_CPU_MODE_HOST_PASSTHROUGH, NULL);
    d = resolve_with(t, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(d->cpu.model, ==, "host");
    g_assert_cmpuint(d->cpu.family, ==, q->info->family);
    g_assert_cmpuint(d->cpu.family, !=, 0);
    g_assert_cmphex(leaf(d, 0, 1, 0)->ecx & (1u << 28), ==, 0);   /* no avx in qemu64 */
}

/* host-model: libvirt's closest named model, plus what the host adds. */
static void
test_host_model(void)
{
    g_autoptr(VireoHostCaps) host = fake_host("Haswell", "avx512f erms");
    g_autoptr(VireoHostCaps) sky = skylake_host_caps();
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(VireoMachineDesc) d2 = NULL;
    g_autoptr(GError) err = NULL;
    VireoCpuModelClass *hw = vireo_cpu_model_class_find("Haswell");
    test_def_cpu(t, VIREO_CPU_MODE_HOST_MODEL, NULL);
    d = resolve_with(t, host, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(d->cpu.model, ==, "Haswell");
    g_assert_cmpuint(d->cpu.model_number, ==, hw->info->model);
    g_assert_true(has_feature(d, "avx512f"));
    g_assert_true(has_feature(d, "rtm"));
    /* the Skylake-SP host above is closest to Skylake-Server */
    d2 = resolve_with(t, sky, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(d2->cpu.model, ==, "Skylake-Server");
}

static void
test_vendor(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoMachineDesc) d = NULL;
    char vendor[13] = { 0 };
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "SandyBridge");
    t->cpu.vendor = (char *)"AMD";
    g_assert_null(resolve_with(t, NULL, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    g_clear_error(&err);
    t->cpu.vendor = (char *)"Intel";
    t->cpu.vendor_id = (char *)"VireoCPUTest";
    d = resolve_with(t, NULL, &err);
    g_assert_no_error(err);
    memcpy(vendor, &leaf(d, 0, 0, 0)->ebx, 4);
    memcpy(vendor + 4, &leaf(d, 0, 0, 0)->edx, 4);
    memcpy(vendor + 8, &leaf(d, 0, 0, 0)->ecx, 4);
    g_assert_cmpstr(vendor, ==, "VireoCPUTest");
}

static void
test_cpuid_xsave(void)
{
    /* Skylake-Server (QEMU 7.2, no MPX): x87|SSE|AVX (0x7) + opmask|ZMM_Hi256|
     * Hi16_ZMM (0xe0) + PKRU (bit 9) = 0x2e7; the PKRU area ends at 2688 + 8 */
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "Skylake-Server");
    d = resolve_with(t, NULL, NULL);
    g_assert_nonnull(d);
    g_assert_cmphex(leaf(d, 0, 0xD, 0)->eax, ==, 0x2e7);
    g_assert_cmpuint(leaf(d, 0, 0xD, 0)->ecx, ==, 2696);
    /* EBX: the size XCR0 needs now, x87|SSE at reset (KVM updates it) */
    g_assert_cmpuint(leaf(d, 0, 0xD, 0)->ebx, ==, 576);
    g_assert_cmpuint(leaf(d, 0, 0xD, 2)->eax, ==, 256);    /* AVX: 256 bytes */
    g_assert_cmpuint(leaf(d, 0, 0xD, 2)->ebx, ==, 576);    /* at 576 */
    g_assert_true(has_feature(d, "xsaveopt"));             /* 0xD.1 EAX bit 0 */
    g_assert_cmphex(leaf(d, 0, 0xD, 1)->eax & 1, ==, 1);
}

/* The leaves QEMU 7.2 fills the same way for every Intel model (its legacy
 * caches), and the EPYC family's own caches (read from guests under QEMU). */
static void
test_cpuid_qemu_caches(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(TestDef) a = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(VireoMachineDesc) m = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "Icelake-Server");
    d = resolve_with(t, NULL, NULL);
    g_assert_nonnull(d);
    g_assert_cmphex(leaf(d, 0, 2, 0)->edx, ==, 0x002c307d);   /* L1d L1i 32K, L2 2M */
    g_assert_cmphex(leaf(d, 0, 4, 3)->edx, ==, 0x6);          /* L3 inclusive, complex */
    g_assert_cmphex(leaf(d, 0, 5, 0)->ecx, ==, 0x3);          /* MWAIT EMX | IBE */
    g_assert_nonnull(leaf(d, 0, 3, 0));                       /* every leaf to level */
    g_assert_cmphex(leaf(d, 0, 0x80000006u, 0)->ecx, ==, 0x02008140);
    g_assert_cmphex(leaf(d, 0, 0x80000008u, 0)->eax, ==, 0x3928);  /* la57: 57 bits */
    test_def_cpu(a, VIREO_CPU_MODE_CUSTOM, "EPYC-Milan");
    m = resolve_with(a, NULL, NULL);
    g_assert_nonnull(m);
    /* L3 32 MiB 16-way: 32768 sets; L2 512 KiB without self-init */
    g_assert_cmphex(leaf(m, 0, 0x8000001Du, 3)->ecx, ==, 0x7fff);
    g_assert_cmphex(leaf(m, 0, 0x8000001Du, 2)->eax & 0x1ff, ==, 0x43);
    g_assert_cmphex(leaf(m, 0, 0x80000006u, 0)->edx, ==, 0x01008140);
    g_assert_cmphex(leaf(m, 0, 2, 0)->ecx, ==, 0xff);         /* no descriptor for 32M */
}

/* QEMU under KVM gives a named model the host's vendor; vendor_id wins. */
static void
test_vendor_from_host(void)
{
    g_autoptr(VireoHostCaps) host = fake_host("EPYC", NULL);
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(VireoMachineDesc) n = NULL;
    g_autoptr(VireoMachineDesc) v = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "EPYC");
    d = resolve_with(t, host, NULL);               /* fake_host is GenuineIntel */
    g_assert_nonnull(d);
    g_assert_cmpstr(d->cpu.vendor, ==, "GenuineIntel");
    g_assert_cmphex(leaf(d, 0, 0, 0)->ebx, ==, 0x756e6547);   /* "Genu" */
    n = resolve_with(t, NULL, NULL);
    g_assert_cmpstr(n->cpu.vendor, ==, "AuthenticAMD");
    t->cpu.vendor_id = (char *)"VireoCPUTest";
    v = resolve_with(t, host, NULL);
    g_assert_cmpstr(v->cpu.vendor, ==, "VireoCPUTest");
}

static void
test_cpuid_kvm_leaves(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 256);
    g_autoptr(VireoMachineDesc) d = resolve_with(t, NULL, NULL);
    const VireoCpuidEntry *sig = leaf(d, 0, 0x40000000u, 0);
    char s[13] = { 0 };
    memcpy(s, &sig->ebx, 4);
    memcpy(s + 4, &sig->ecx, 4);
    memcpy(s + 8, &sig->edx, 4);
    g_assert_cmpstr(s, ==, "KVMKVMKVM");
    g_assert_cmphex(sig->eax, ==, 0x40000001u);
    /* kvmclock (0, 3), nopiodelay (1), asyncpf (4), steal time (5),
     * PV EOI (6), stable bit (24): QEMU's defaults with -accel kvm */
    g_assert_cmphex(leaf(d, 0, 0x40000001u, 0)->eax, ==, 0x0100007b);
    g_clear_pointer(&d, vireo_machine_desc_free);
    /* <kvm><hidden state='on'/></kvm>: no signature */
    t->def.features.kvm_hidden = VIREO_TRISTATE_YES;
    d = resolve_with(t, NULL, NULL);
    g_assert_null(leaf(d, 0, 0x40000000u, 0));
    g_clear_pointer(&d, vireo_machine_desc_free);
    /* type='qemu' (TCG): no KVM leaves, no kvmclock */
    t->def.features.kvm_hidden = VIREO_TRISTATE_ABSENT;
    t->def.virt_type = VIREO_DOMAIN_VIRT_QEMU;
    d = resolve_with(t, NULL, NULL);
    g_assert_null(leaf(d, 0, 0x40000001u, 0));
    g_assert_false(d->clock.kvmclock);
}

/* ---- topology ---------------------------------------------------------- */

typedef struct {
    guint sockets, dies, cores, threads;
    guint32 apic[8];                /* per cpu-index */
    guint smt_shift, pkg_shift;     /* 0xB level 0 / 1 EAX */
    guint leaf1_count;              /* leaf 1 EBX[23:16]; 0 without HTT, as QEMU */
    guint l4_cores;                 /* leaf 4 EAX[31:26] + 1 */
    guint l1_sharing, l3_sharing;   /* leaf 4 EAX[25:14] + 1 */
} TopoCase;

/* Worked by hand: thread field = ceil(log2(threads)) bits, core field above
 * it = ceil(log2(cores)) bits, die field, then the socket. */
static const TopoCase topo_cases[] = {
    /* 1x1x1: every field 0 bits wide */
    { 1, 1, 1, 1, { 0 }, 0, 0, 0, 1, 1, 1 },
    /* 1 socket x 4 cores x 2 threads: thread 1 bit, core 2 bits -> pkg at 3 */
    { 1, 1, 4, 2, { 0, 1, 2, 3, 4, 5, 6, 7 }, 1, 3, 8, 4, 2, 8 },
    /* 2x2x2: thread bit 0, core bit 1, socket from bit 2 */
    { 2, 1, 2, 2, { 0, 1, 2, 3, 4, 5, 6, 7 }, 1, 2, 4, 2, 2, 4 },
    /* 4 single-core sockets: no thread/core bits, socket = APIC ID */
    { 4, 1, 1, 1, { 0, 1, 2, 3 }, 0, 0, 0, 1, 1, 1 },
    /* 2 sockets x 3 cores: 3 cores need 2 bits, so socket 1 starts at 4 */
    { 2, 1, 3, 1, { 0, 1, 2, 4, 5, 6 }, 0, 2, 4, 4, 1, 4 },
};

static void
test_topology(void)
{
    g_autoptr(VireoHostCaps) host = fake_host("SandyBridge", NULL);
    for (gsize c = 0; c < G_N_ELEMENTS(topo_cases); c++) {
        const TopoCase *tc = &topo_cases[c];
        guint n = tc->sockets * tc->dies * tc->cores * tc->threads;
        g_autoptr(TestDef) t = test_def_new("pc", n, 256);
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoMachineDesc) d = NULL;
        test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "SandyBridge");
        test_def_topology(t, tc->sockets, tc->dies, tc->cores, tc->threads);
        d = resolve_with(t, host, &err);
        g_assert_no_error(err);
        g_assert_cmpuint(d->cpu.vcpus->len, ==, n);
        for (guint i = 0; i < n; i++) {
            const VireoVcpuDesc *v = d->cpu.vcpus->pdata[i];
            const VireoCpuidEntry *l1 = leaf(d, i, 1, 0);
            const VireoCpuidEntry *b0 = leaf(d, i, 0xB, 0), *b1 = leaf(d, i, 0xB, 1);
            const VireoCpuidEntry *b2 = leaf(d, i, 0xB, 2);
            const VireoCpuidEntry *c0 = leaf(d, i, 4, 0), *c3 = leaf(d, i, 4, 3);
            g_assert_cmpuint(v->apic_id, ==, tc->apic[i]);
            g_assert_cmpuint(l1->ebx >> 24, ==, tc->apic[i]);
            g_assert_cmpuint((l1->ebx >> 16) & 0xff, ==, tc->leaf1_count);
            g_assert_cmpuint((l1->edx >> 28) & 1, ==, tc->cores * tc->threads > 1);
            g_assert_cmpuint(b0->eax, ==, tc->smt_shift);
            g_assert_cmpuint(b0->ebx, ==, tc->threads);
            g_assert_cmphex(b0->ecx, ==, 0x100);            /* level 0, type SMT */
            g_assert_cmpuint(b0->edx, ==, tc->apic[i]);
            g_assert_cmpuint(b1->eax, ==, tc->pkg_shift);
            g_assert_cmpuint(b1->ebx, ==, tc->cores * tc->threads);
            g_assert_cmphex(b1->ecx, ==, 0x201);            /* level 1, type core */
            g_assert_cmpuint(b1->edx, ==, tc->apic[i]);
            g_assert_cmphex(b2->ecx & 0xff00, ==, 0);       /* end of levels */
            g_assert_cmpuint((c0->eax >> 26) + 1, ==, tc->l4_cores);
            g_assert_cmpuint(((c0->eax >> 14) & 0xfff) + 1, ==, tc->l1_sharing);
            g_assert_cmpuint(((c3->eax >> 14) & 0xfff) + 1, ==, tc->l3_sharing);
            g_assert_cmpuint(c3->eax & 0x1f, ==, 3);          /* unified */
            g_assert_cmpuint((c3->eax >> 5) & 7, ==, 3);      /* L3 */
            g_assert_null(leaf(d, i, 0x1F, 0));              /* level 0xd: no 0x1F */
        }
    }
}

static void
test_topology_dies(void)
{
    /* 1 socket x 2 dies x 2 cores x 2 threads: thread bit 0, core bit 1,
     * die bit 2, package from bit 3; leaf 0x1F says so and level is 0x1F */
    g_autoptr(TestDef) t = test_def_new("pc", 8, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    const guint32 expect_shift[] = { 1, 2, 3 }, expect_count[] = { 2, 4, 8 };
    const guint expect_type[] = { 1, 2, 5 };
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "Skylake-Server");
    test_def_topology(t, 1, 2, 2, 2);
    d = resolve_with(t, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmphex(leaf(d, 0, 0, 0)->eax, ==, 0x1f);
    for (guint i = 0; i < 8; i++) {
        for (guint s = 0; s < 3; s++) {
            const VireoCpuidEntry *e = leaf(d, i, 0x1F, s);
            g_assert_nonnull(e);
            g_assert_cmpuint(e->eax, ==, expect_shift[s]);
            g_assert_cmpuint(e->ebx, ==, expect_count[s]);
            g_assert_cmpuint(e->ecx, ==, s | (expect_type[s] << 8));
            g_assert_cmpuint(e->edx, ==, i);
        }
        g_assert_cmpuint(leaf(d, i, 0x1F, 3)->ecx >> 8, ==, 0);
    }
    g_assert_cmpuint(((const VireoVcpuDesc *)d->cpu.vcpus->pdata[5])->die_id, ==, 1);
}

static void
test_topology_amd(void)
{
    /* EPYC 1 socket x 4 cores x 2 threads: 0x80000008 ECX = ApicIdSize 3,
     * NC = 7; 0x8000001E: ext APIC ID, threads per core - 1, core ID */
    g_autoptr(TestDef) t = test_def_new("pc", 8, 256);
    g_autoptr(VireoMachineDesc) d = NULL;
    test_def_cpu(t, VIREO_CPU_MODE_CUSTOM, "EPYC");
    test_def_topology(t, 1, 1, 4, 2);
    d = resolve_with(t, NULL, NULL);
    g_assert_nonnull(d);
    g_assert_cmphex(leaf(d, 0, 0x80000008u, 0)->ecx, ==, (3 << 12) | 7);
    g_assert_cmphex(leaf(d, 5, 0x8000001Eu, 0)->eax, ==, 5);
    g_assert_cmphex(leaf(d, 5, 0x8000001Eu, 0)->ebx, ==, (1 << 8) | 2);
    /* leaf 4 is Intel's: an AMD guest reads zeros there (QEMU's vendor_cpuid_only) */
    g_assert_cmphex(leaf(d, 0, 4, 0)->eax | leaf(d, 0, 4, 0)->ebx | leaf(d, 0, 4, 0)->ecx, ==, 0);
    /* 0x8000001D (topoext): L1 shared by a core's 2 threads, L3 by all 8 */
    g_assert_cmpuint(((leaf(d, 0, 0x8000001Du, 0)->eax >> 14) & 0xfff) + 1, ==, 2);
    g_assert_cmpuint(((leaf(d, 0, 0x8000001Du, 3)->eax >> 14) & 0xfff) + 1, ==, 8);
    g_assert_cmpuint((leaf(d, 0, 0x8000001Du, 3)->eax >> 5) & 7, ==, 3);
}

static void
test_topology_mismatch_and_current(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 6, 256);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoMachineDesc) d = NULL;
    test_def_topology(t, 2, 1, 2, 2);            /* 8 != 6 */
    g_assert_null(resolve_with(t, NULL, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_clear_error(&err);
    test_def_topology(t, 1, 1, 3, 2);
    t->def.current_vcpus = 2;
    d = resolve_with(t, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(d->cpu.current_vcpus, ==, 2);
    for (guint i = 0; i < 6; i++)
        g_assert_cmpint(((const VireoVcpuDesc *)d->cpu.vcpus->pdata[i])->present, ==, i < 2);
}

/* ---- memory map -------------------------------------------------------- */

typedef struct {
    const char *machine;
    guint64 ram_mib;
    guint64 below, above;
} MemCase;

/* QEMU's split, measured with `info mtree` on QEMU 7.2: i440fx splits RAM
 * >= 3.5 GiB at 3 GiB (gigabyte alignment), q35 RAM >= 2.75 GiB at 2 GiB. */
static const MemCase mem_cases[] = {
    { "pc", 512, 512 * MiB, 0 },
    { "pc", 3584, 3 * GiB, 512 * MiB },
    { "pc", 8192, 3 * GiB, 5 * GiB },
    { "q35", 512, 512 * MiB, 0 },
    { "q35", 3584, 2 * GiB, 1536 * MiB },
    { "q35", 8192, 2 * GiB, 6 * GiB },
};

static void
test_memory_map(void)
{
    for (gsize c = 0; c < G_N_ELEMENTS(mem_cases); c++) {
        const MemCase *mc = &mem_cases[c];
        g_autoptr(TestDef) t = test_def_new(mc->machine, 1, mc->ram_mib);
        g_autoptr(VireoMachineDesc) d = resolve_with(t, NULL, NULL);
        const VireoMemoryDesc *m = &d->mem;
        gboolean q35 = g_str_equal(mc->machine, "q35");
        guint64 ram_seen = 0, expect_ram = mc->ram_mib * MiB;
        const VireoE820Entry *e;
        guint i = 0;
        g_assert_cmpuint(m->ram_bytes, ==, expect_ram);
        g_assert_cmphex(m->below_4g, ==, mc->below);
        g_assert_cmphex(m->above_4g, ==, mc->above);
        g_assert_cmphex(m->acpi_base + m->acpi_size, ==, mc->below);
        g_assert_cmphex(m->ecam_base, ==, q35 ? 0xb0000000ULL : 0);
        g_assert_cmphex(m->ecam_size, ==, q35 ? 256 * MiB : 0);
        g_assert_cmpuint(m->regions->len, ==, mc->above ? 2 : 1);
        /* e820: 0-0x9fc00 RAM, EBDA..1 MiB reserved, RAM, ACPI, [ECAM], IOAPIC,
         * LAPIC, high BIOS, [RAM above 4 GiB] -- sorted, no overlaps */
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmphex(e->addr, ==, 0);
        g_assert_cmphex(e->size, ==, 0x9fc00);
        g_assert_cmpint(e->type, ==, VIREO_E820_RAM);
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmphex(e->addr, ==, 0x9fc00);
        g_assert_cmphex(e->addr + e->size, ==, 0x100000);
        g_assert_cmpint(e->type, ==, VIREO_E820_RESERVED);
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmphex(e->addr, ==, 0x100000);
        g_assert_cmphex(e->addr + e->size, ==, m->acpi_base);
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmpint(e->type, ==, VIREO_E820_ACPI);
        if (q35) {
            e = &g_array_index(m->e820, VireoE820Entry, i++);
            g_assert_cmphex(e->addr, ==, 0xb0000000ULL);
            g_assert_cmpint(e->type, ==, VIREO_E820_RESERVED);
        }
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmphex(e->addr, ==, 0xfec00000ULL);
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmphex(e->addr, ==, 0xfee00000ULL);
        e = &g_array_index(m->e820, VireoE820Entry, i++);
        g_assert_cmphex(e->addr + e->size, ==, 4 * GiB);
        if (mc->above) {
            e = &g_array_index(m->e820, VireoE820Entry, i++);
            g_assert_cmphex(e->addr, ==, 4 * GiB);
            g_assert_cmphex(e->size, ==, mc->above);
        }
        g_assert_cmpuint(i, ==, m->e820->len);
        for (guint k = 0; k < m->e820->len; k++) {
            e = &g_array_index(m->e820, VireoE820Entry, k);
            if (e->type == VIREO_E820_RAM || e->type == VIREO_E820_ACPI)
                ram_seen += e->size;
            if (k)
                g_assert_cmphex(e->addr, >=, (e - 1)->addr + (e - 1)->size);
        }
        /* all RAM is accounted for except the 640K-1M legacy hole */
        g_assert_cmphex(ram_seen + (0x100000 - 0x9fc00), ==, expect_ram);
    }
}

static void
test_hugepages(void)
{
    g_autoptr(VireoHostCaps) host = fake_host("qemu64", NULL);
    g_autoptr(TestDef) t = test_def_new("pc", 1, 512);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoMachineDesc) d = NULL;
    t->def.mem_backing.hugepages = TRUE;
    d = resolve_with(t, host, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(d->mem.hugepage_size, ==, 2 * MiB);
    g_clear_pointer(&d, vireo_machine_desc_free);
    host->has_hugepages = FALSE;
    g_assert_null(resolve_with(t, host, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
}

/* ---- devices ----------------------------------------------------------- */

typedef struct {
    TestDef *t;
    VireoVideoDef video;
    VireoNetDef net;
    VireoDiskDef disk;
    VireoMemballoonDef balloon;
    VireoChrDef serial0, serial1;
} NovaDevices;

/* The seeds' Nova guest: cirrus video, one virtio NIC, one virtio disk, a
 * balloon, a file-backed serial port. */
static void
nova_devices(NovaDevices *n, const char *machine)
{
    memset(n, 0, sizeof(*n));
    n->t = test_def_new(machine, 1, 2048);
    n->video.model = VIREO_VIDEO_CIRRUS;
    n->net.type = VIREO_NET_TYPE_BRIDGE;
    n->net.model = (char *)"virtio";
    n->disk.bus = VIREO_DISK_BUS_VIRTIO;
    n->disk.dst = (char *)"vda";
    n->balloon.model = (char *)"virtio";
    n->serial0.type = VIREO_CHR_TYPE_FILE;
    n->serial0.src_path = (char *)"/tmp/console.log";
    n->serial1.type = VIREO_CHR_TYPE_PTY;
    g_ptr_array_add(n->t->def.videos, &n->video);
    g_ptr_array_add(n->t->def.nets, &n->net);
    g_ptr_array_add(n->t->def.disks, &n->disk);
    g_ptr_array_add(n->t->def.serials, &n->serial0);
    g_ptr_array_add(n->t->def.serials, &n->serial1);
    n->t->def.memballoon = &n->balloon;
    n->t->def.os.boot[0] = VIREO_BOOT_DISK;
    n->t->def.os.nboot = 1;
}

static const VireoDeviceDesc *
dev(const VireoMachineDesc *d, VireoDeviceKind kind, guint nth)
{
    const VireoDeviceDesc *x = vireo_machine_desc_find_device(d, kind, nth);
    g_assert_nonnull(x);
    return x;
}

static void
test_devices_default_slots(void)
{
    NovaDevices n;
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    nova_devices(&n, "pc-i440fx-trusty");
    d = resolve_with(n.t, NULL, &err);
    g_assert_no_error(err);
    /* libvirt's i440fx layout: 00.0 host, 01.0 PIIX3, 01.1 IDE, 01.3 PM,
     * 02.0 video, then NIC 03, disk 04, balloon 05 */
    g_assert_cmpuint(dev(d, VIREO_DEV_PCI_HOST, 0)->pci_slot, ==, 0);
    g_assert_cmpuint(dev(d, VIREO_DEV_ISA_BRIDGE, 0)->pci_slot, ==, 1);
    g_assert_cmpuint(dev(d, VIREO_DEV_IDE_CONTROLLER, 0)->pci_function, ==, 1);
    g_assert_cmpuint(dev(d, VIREO_DEV_PM, 0)->pci_function, ==, 3);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIDEO, 0)->pci_slot, ==, 2);
    g_assert_cmpstr(dev(d, VIREO_DEV_VIDEO, 0)->model, ==, "cirrus-vga");
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_NET, 0)->pci_slot, ==, 3);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_BLK, 0)->pci_slot, ==, 4);
    g_assert_cmpstr(dev(d, VIREO_DEV_VIRTIO_BLK, 0)->id, ==, "virtio-disk0");
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_BLK, 0)->boot_index, ==, 1);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_BALLOON, 0)->pci_slot, ==, 5);
    /* legacy ISA */
    g_assert_cmphex(dev(d, VIREO_DEV_SERIAL, 0)->io_base, ==, 0x3f8);
    g_assert_cmpint(dev(d, VIREO_DEV_SERIAL, 0)->gsi, ==, 4);
    g_assert_cmphex(dev(d, VIREO_DEV_SERIAL, 1)->io_base, ==, 0x2f8);
    g_assert_cmpint(dev(d, VIREO_DEV_SERIAL, 1)->gsi, ==, 3);
    g_assert_cmpint(dev(d, VIREO_DEV_SERIAL, 0)->chardev->type, ==, VIREO_CHR_TYPE_FILE);
    g_assert_cmpstr(dev(d, VIREO_DEV_SERIAL, 0)->chardev->path, ==, "/tmp/console.log");
    g_assert_cmphex(dev(d, VIREO_DEV_RTC, 0)->io_base, ==, 0x70);
    g_assert_cmpint(dev(d, VIREO_DEV_RTC, 0)->gsi, ==, 8);
    g_assert_cmphex(dev(d, VIREO_DEV_I8042, 0)->io_base, ==, 0x60);
    g_assert_cmpint(dev(d, VIREO_DEV_I8042, 0)->gsi, ==, 1);
    g_assert_cmphex(dev(d, VIREO_DEV_DEBUGCON, 0)->io_base, ==, 0x80);
    g_assert_cmphex(dev(d, VIREO_DEV_DEBUGCON, 1)->io_base, ==, 0x402);
    g_assert_cmphex(dev(d, VIREO_DEV_PM, 0)->io_base, ==, 0x600);
    g_assert_cmphex(d->platform.pm1a_cnt_port, ==, 0x604);
    g_assert_cmphex(d->platform.pm_tmr_port, ==, 0x608);
    g_assert_cmpuint(d->platform.sci_irq, ==, 9);
    g_assert_cmphex(d->platform.reset_port, ==, 0xcf9);
    g_assert_cmphex(d->platform.reset_value, ==, 6);
    test_def_free(n.t);
}

static void
test_devices_address_honoured(void)
{
    NovaDevices n;
    g_autoptr(VireoMachineDesc) d = NULL;
    g_autoptr(GError) err = NULL;
    nova_devices(&n, "pc");
    n.net.address.type = VIREO_ADDRESS_PCI;
    n.net.address.slot = 7;
    d = resolve_with(n.t, NULL, &err);
    g_assert_no_error(err);
    /* the written slot is kept; the others fill from 3 up */
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_NET, 0)->pci_slot, ==, 7);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_BLK, 0)->pci_slot, ==, 3);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_BALLOON, 0)->pci_slot, ==, 4);
    test_def_free(n.t);
}

static void
test_devices_conflict(void)
{
    NovaDevices n;
    g_autoptr(GError) err = NULL;
    nova_devices(&n, "pc");
    n.net.address.type = VIREO_ADDRESS_PCI;
    n.net.address.slot = 4;
    n.disk.address.type = VIREO_ADDRESS_PCI;
    n.disk.address.slot = 4;
    g_assert_null(resolve_with(n.t, NULL, &err));
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "Attempted double use of PCI Address 0000:00:04.0"));
    g_clear_error(&err);
    /* the chipset's IDE function is taken too */
    n.disk.address.slot = 1;
    n.disk.address.function = 1;
    g_assert_null(resolve_with(n.t, NULL, &err));
    g_assert_nonnull(strstr(err->message, "0000:00:01.1"));
    test_def_free(n.t);
}

static void
test_devices_q35(void)
{
    NovaDevices n;
    g_autoptr(VireoMachineDesc) d = NULL;
    nova_devices(&n, "q35");
    d = resolve_with(n.t, NULL, NULL);
    g_assert_nonnull(d);
    g_assert_cmpuint(dev(d, VIREO_DEV_ISA_BRIDGE, 0)->pci_slot, ==, 0x1f);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIDEO, 0)->pci_slot, ==, 1);
    g_assert_cmpuint(dev(d, VIREO_DEV_VIRTIO_NET, 0)->pci_slot, ==, 2);
    g_assert_cmphex(dev(d, VIREO_DEV_PCI_HOST, 0)->mmio_base, ==, 0xb0000000ULL);
    test_def_free(n.t);
}

/* ---- clock -------------------------------------------------------------- */

static void
test_clock(void)
{
    g_autoptr(TestDef) t = test_def_new("pc", 1, 128);
    g_autoptr(VireoMachineDesc) d = NULL;
    VireoTimerDef rtc = { .name = VIREO_TIMER_RTC,
                          .tickpolicy = VIREO_TIMER_TICKPOLICY_CATCHUP };
    VireoTimerDef hpet = { .name = VIREO_TIMER_HPET, .present = VIREO_TRISTATE_NO };
    t->def.clock.timers = g_ptr_array_new();
    g_ptr_array_add(t->def.clock.timers, &rtc);
    g_ptr_array_add(t->def.clock.timers, &hpet);
    t->def.clock.offset = VIREO_CLOCK_OFFSET_VARIABLE;
    t->def.clock.adjustment = -3600;
    t->def.clock.basis = VIREO_CLOCK_BASIS_LOCALTIME;
    d = resolve_with(t, NULL, NULL);
    g_assert_cmpint(d->clock.offset, ==, VIREO_CLOCK_OFFSET_VARIABLE);
    g_assert_cmpint(d->clock.adjustment, ==, -3600);
    g_assert_cmpint(d->clock.basis, ==, VIREO_CLOCK_BASIS_LOCALTIME);
    g_assert_true(d->clock.rtc_catchup);
    g_assert_false(d->clock.hpet);
    g_assert_true(d->clock.kvmclock);
    g_ptr_array_unref(t->def.clock.timers);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_types_init();
    g_test_add_func("/machine/select/named", test_select_named);
    g_test_add_func("/machine/select/alias", test_select_alias);
    g_test_add_func("/machine/select/distro", test_select_distro);
    g_test_add_func("/machine/select/default", test_select_default);
    g_test_add_func("/machine/select/unknown", test_select_unknown);
    g_test_add_func("/machine/select/list", test_machine_list);
    g_test_add_func("/machine/cpu/every-model", test_every_model);
    g_test_add_func("/machine/cpu/model-facts", test_model_facts);
    g_test_add_func("/machine/cpu/feature-spellings", test_feature_spellings);
    g_test_add_func("/machine/cpu/features-from-cpuid", test_features_from_cpuid);
    g_test_add_data_func("/machine/cpu/policy-require", &policy_require, test_policy);
    g_test_add_data_func("/machine/cpu/policy-require-missing", &policy_require_missing,
                         test_policy);
    g_test_add_func("/machine/cpu/policy-model-missing", test_policy_model_missing);
    g_test_add_data_func("/machine/cpu/policy-optional", &policy_optional, test_policy);
    g_test_add_data_func("/machine/cpu/policy-disable", &policy_disable, test_policy);
    g_test_add_data_func("/machine/cpu/policy-forbid-absent", &policy_forbid_absent, test_policy);
    g_test_add_data_func("/machine/cpu/policy-forbid", &policy_forbid, test_policy);
    g_test_add_data_func("/machine/cpu/policy-force", &policy_force, test_policy);
    g_test_add_func("/machine/cpu/feature-conflict", test_feature_conflict);
    g_test_add_func("/machine/cpu/feature-unknown", test_feature_unknown);
    g_test_add_func("/machine/cpu/no-cpu-filters", test_no_cpu_filters);
    g_test_add_func("/machine/cpu/host-passthrough", test_host_passthrough);
    g_test_add_func("/machine/cpu/host-passthrough-table", test_host_passthrough_table);
    g_test_add_func("/machine/cpu/host-passthrough-no-host", test_host_passthrough_no_host);
    g_test_add_func("/machine/cpu/host-passthrough-la57", test_host_passthrough_la57);
    g_test_add_func("/machine/cpu/host-model", test_host_model);
    g_test_add_func("/machine/cpu/vendor", test_vendor);
    g_test_add_func("/machine/cpu/xsave-leaf", test_cpuid_xsave);
    g_test_add_func("/machine/cpu/kvm-leaves", test_cpuid_kvm_leaves);
    g_test_add_func("/machine/cpu/qemu-caches", test_cpuid_qemu_caches);
    g_test_add_func("/machine/cpu/vendor-from-host", test_vendor_from_host);
    g_test_add_func("/machine/topology/cases", test_topology);
    g_test_add_func("/machine/topology/dies", test_topology_dies);
    g_test_add_func("/machine/topology/amd", test_topology_amd);
    g_test_add_func("/machine/topology/mismatch-current", test_topology_mismatch_and_current);
    g_test_add_func("/machine/memory/maps", test_memory_map);
    g_test_add_func("/machine/memory/hugepages", test_hugepages);
    g_test_add_func("/machine/devices/default-slots", test_devices_default_slots);
    g_test_add_func("/machine/devices/address-honoured", test_devices_address_honoured);
    g_test_add_func("/machine/devices/conflict", test_devices_conflict);
    g_test_add_func("/machine/devices/q35", test_devices_q35);
    g_test_add_func("/machine/clock", test_clock);
    return g_test_run();
}
