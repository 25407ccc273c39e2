/* vireo: building the CPUID table of one vCPU from the resolved plan.
 *
 * Topology leaves follow the Intel SDM: leaf 1 EBX[23:16] and leaf 4
 * EAX[31:26]/[25:14] count *addressable* IDs (the APIC ID field widths),
 * leaves 0xB/0x1F give each level's shift and the x2APIC ID; AMD's
 * 0x80000008 ECX and 0x8000001E say the same for AMD guests. */
#include <config.h>
#include <string.h>
#include "machine/machine-priv.h"

#define LEAF_KVM_SIGNATURE 0x40000000u
#define LEAF_KVM_FEATURES 0x40000001u

static VireoCpuidEntry *
table_add(GArray *t, guint32 function, guint32 index, gboolean indexed)
{
    VireoCpuidEntry e = { .function = function, .index = index,
                          .flags = indexed ? VIREO_CPUID_FLAG_SIGNIFICANT_INDEX : 0 };
    g_array_append_val(t, e);
    return &g_array_index(t, VireoCpuidEntry, t->len - 1);
}

const VireoCpuidEntry *
vireo_cpuid_find(const GArray *table, guint32 function, guint32 index)
{
    for (guint i = 0; i < table->len; i++) {
        const VireoCpuidEntry *e = &g_array_index(table, VireoCpuidEntry, i);
        if (e->function == function &&
            (!(e->flags & VIREO_CPUID_FLAG_SIGNIFICANT_INDEX) || e->index == index))
            return e;
    }
    return NULL;
}

static guint32 *
entry_reg(VireoCpuidEntry *e, VireoCpuidReg reg)
{
    switch (reg) {
    case VIREO_CPUID_REG_EAX: return &e->eax;
    case VIREO_CPUID_REG_EBX: return &e->ebx;
    case VIREO_CPUID_REG_ECX: return &e->ecx;
    case VIREO_CPUID_REG_EDX: return &e->edx;
    }
    g_assert_not_reached();
}

static gboolean
is_amd(const VireoCpuPlan *plan)
{
    return g_str_equal(plan->vendor, "AuthenticAMD") || g_str_equal(plan->vendor, "HygonGenuine");
}

static gboolean
has(const VireoCpuPlan *plan, const char *feature)
{
    return vireo_feature_set_has_name(&plan->features, feature);
}

static gboolean host_leaf_taken(const VireoCpuPlan *plan, guint32 leaf, guint32 sub);

/* Is (leaf, subleaf) one this table emits? Mirrors the builders below. */
static gboolean
leaf_emitted(const VireoCpuPlan *plan, guint32 leaf, guint32 sub)
{
    if (host_leaf_taken(plan, leaf, sub))
        return TRUE;
    if (leaf == LEAF_KVM_FEATURES)
        return plan->kvm_leaves;
    if (leaf >= 0x80000000u)
        return leaf <= plan->xlevel && (leaf == 0x80000001u || leaf == 0x80000007u ||
                                        leaf == 0x80000008u || leaf == 0x8000000Au);
    if (leaf > plan->level)
        return FALSE;
    switch (leaf) {
    case 1: return TRUE;
    case 6: return TRUE;
    case 7: return sub <= 1;
    case 0xD: return sub == 1;
    default: return FALSE;
    }
}

void
vireo_cpuid_prune_features(VireoCpuPlan *plan)
{
    guint n = vireo_cpu_feature_count();
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(i);
        if (vireo_feature_set_has(&plan->features, i) &&
            !leaf_emitted(plan, f->leaf, f->subleaf))
            vireo_feature_set_remove(&plan->features, i);
    }
    /* SVM's own leaf only makes sense with svm itself. */
    if (!has(plan, "svm"))
        for (guint i = 0; i < n; i++)
            if (vireo_cpu_feature_get(i)->leaf == 0x8000000Au)
                vireo_feature_set_remove(&plan->features, i);
}

static void
put_string(guint32 *regs[], guint nregs, const char *s, gsize len)
{
    char buf[48] = { 0 };
    memcpy(buf, s, MIN(strlen(s), len));
    for (guint i = 0; i < nregs; i++)
        memcpy(regs[i], buf + 4 * i, 4);
}

static guint32
signature(const VireoCpuPlan *plan)
{
    guint32 fam = plan->family, mod = plan->model;
    return (plan->stepping & 0xf) | ((mod & 0xf) << 4) | (MIN(fam, 0xfu) << 8) |
           (((mod >> 4) & 0xf) << 16) | ((fam > 0xf ? fam - 0xf : 0) << 20);
}

void
vireo_cpuid_decode_signature(guint32 eax, guint *family, guint *model, guint *stepping)
{
    guint base = (eax >> 8) & 0xf;
    *stepping = eax & 0xf;
    *family = base + (base == 0xf ? (eax >> 20) & 0xff : 0);
    *model = ((eax >> 4) & 0xf) | (((eax >> 16) & 0xf) << 4);
}

void
vireo_cpuid_read_brand(const GArray *table, char brand[49])
{
    memset(brand, 0, 49);
    for (guint l = 0; l < 3; l++) {
        const VireoCpuidEntry *b = vireo_cpuid_find(table, 0x80000002u + l, 0);
        const guint32 regs[] = { b ? b->eax : 0, b ? b->ebx : 0, b ? b->ecx : 0, b ? b->edx : 0 };
        memcpy(brand + 16 * l, regs, 16);
    }
    g_strstrip(brand);
}

static void
leaf_0(const VireoCpuPlan *plan, GArray *t)
{
    VireoCpuidEntry *e = table_add(t, 0, 0, FALSE);
    guint32 *regs[] = { &e->ebx, &e->edx, &e->ecx };
    e->eax = plan->level;
    put_string(regs, 3, plan->vendor, 12);
}

static void
leaf_1(const VireoCpuPlan *plan, GArray *t, guint32 apic_id)
{
    VireoCpuidEntry *e = table_add(t, 1, 0, FALSE);
    guint logical = 1u << plan->topo.pkg_offset;   /* addressable IDs per package */
    e->eax = signature(plan);
    e->ebx = (apic_id << 24) | (8 << 8);           /* CLFLUSH 64 bytes */
    /* HTT and the ID count only with more than one logical CPU per package
     * (QEMU leaves both 0 otherwise); the count is the SDM's addressable
     * IDs, as QEMU >= 9.1 (7.2 wrote cores * threads). */
    if (vireo_topology_cpus(&plan->topo) / plan->topo.sockets > 1) {
        e->ebx |= MIN(logical, 255u) << 16;
        e->edx |= 1u << 28;
    }
}

/* Leaf 2: one-byte cache descriptors, as QEMU writes them (cpu-caches.c). */
static void
leaf_2(const VireoCpuPlan *plan, GArray *t)
{
    VireoCpuidEntry *e = table_add(t, 2, 0, FALSE);
    e->eax = 0x00000001;
    e->ecx = plan->caches->leaf2_ecx;
    e->edx = plan->caches->leaf2_edx;
}

/* Leaf 5 (MONITOR/MWAIT): QEMU's default reports the interrupt-break and
 * enumeration extensions even when monitor itself is off. */
static void
leaf_5(GArray *t)
{
    table_add(t, 5, 0, FALSE)->ecx = 0x3;
}

/* Every other leaf up to the level / xlevel reads as zeros, as under QEMU. */
static void
leaves_zero(const VireoCpuPlan *plan, GArray *t)
{
    for (guint32 l = 0; l <= plan->level; l++)
        if (!vireo_cpuid_find(t, l, 0))
            table_add(t, l, 0, FALSE);
    for (guint32 l = 0x80000000u; l <= plan->xlevel; l++)
        if (!vireo_cpuid_find(t, l, 0))
            table_add(t, l, 0, FALSE);
}

static void
cache_geometry(const VireoCacheInfo *c, guint32 *ebx, guint32 *ecx)
{
    guint sets = c->size_kib * 1024 / (c->ways * 64);
    *ebx = (64 - 1) | ((c->ways - 1) << 22);
    *ecx = sets - 1;
}

/* Leaf 4 (Intel) and 0x8000001D (AMD) list the same caches, then a type 0
 * entry; EAX[25:14] is how many logical CPUs share one, less one, and
 * leaf 4 adds EAX[31:26], the core IDs in a package less one. */
static void
cache_leaf(const VireoCpuPlan *plan, GArray *t, guint32 leaf)
{
    const VireoTopology *tp = &plan->topo;
    guint cores_ids = 1u << (tp->pkg_offset - tp->core_offset);
    for (guint i = 0; i <= G_N_ELEMENTS(plan->caches->cache); i++) {
        VireoCpuidEntry *e = table_add(t, leaf, i, TRUE);
        const VireoCacheInfo *c = &plan->caches->cache[i];
        guint sharing;
        if (i == G_N_ELEMENTS(plan->caches->cache))
            break;                                 /* type 0: no more caches */
        if (leaf == 4)
            sharing = 1u << (c->per_core ? tp->core_offset : tp->die_offset);
        else
            sharing = c->per_core ? tp->threads : vireo_topology_cpus(tp) / tp->sockets / tp->dies;
        e->eax = c->type | (c->level << 5) | ((guint32)c->self_init << 8) |
                 ((sharing - 1) << 14);
        if (leaf == 4)
            e->eax |= (cores_ids - 1) << 26;
        cache_geometry(c, &e->ebx, &e->ecx);
        e->edx = c->edx;
    }
}

static void
leaf_6(const VireoCpuPlan *plan, GArray *t)
{
    table_add(t, 6, 0, FALSE);
}

static void
leaf_7(const VireoCpuPlan *plan, GArray *t)
{
    /* EAX = highest subleaf: 1 when any 7.1 feature is on (set after fill). */
    table_add(t, 7, 0, TRUE);
    table_add(t, 7, 1, TRUE);
}

/* One level of leaf 0xB / 0x1F. */
static void
topo_level(GArray *t, guint32 leaf, guint sub, guint type, guint shift,
           guint count, guint32 apic_id)
{
    VireoCpuidEntry *e = table_add(t, leaf, sub, TRUE);
    e->eax = shift;
    e->ebx = count & 0xffff;
    e->ecx = sub | (type << 8);
    e->edx = apic_id;
}

enum { TOPO_INVALID, TOPO_SMT, TOPO_CORE, TOPO_MODULE, TOPO_TILE, TOPO_DIE };

static void
leaf_b(const VireoCpuPlan *plan, GArray *t, guint32 apic_id)
{
    const VireoTopology *tp = &plan->topo;
    guint per_pkg = vireo_topology_cpus(tp) / tp->sockets;
    topo_level(t, 0xB, 0, TOPO_SMT, tp->core_offset, tp->threads, apic_id);
    topo_level(t, 0xB, 1, TOPO_CORE, tp->pkg_offset, per_pkg, apic_id);
    topo_level(t, 0xB, 2, TOPO_INVALID, 0, 0, apic_id);
}

static void
leaf_1f(const VireoCpuPlan *plan, GArray *t, guint32 apic_id)
{
    const VireoTopology *tp = &plan->topo;
    guint sub = 0;
    guint count = tp->threads;
    topo_level(t, 0x1F, sub++, TOPO_SMT, tp->core_offset, count, apic_id);
    count *= tp->cores;
    topo_level(t, 0x1F, sub++, TOPO_CORE, tp->cluster_offset, count, apic_id);
    if (tp->clusters > 1) {
        count *= tp->clusters;
        topo_level(t, 0x1F, sub++, TOPO_MODULE, tp->die_offset, count, apic_id);
    }
    count *= tp->dies;
    topo_level(t, 0x1F, sub++, TOPO_DIE, tp->pkg_offset, count, apic_id);
    topo_level(t, 0x1F, sub, TOPO_INVALID, 0, 0, apic_id);
}

/* XSAVE state components: (bit, size, offset) in the standard format. */
static const struct { guint bit; guint32 size, offset; const char *feature; } xsave_parts[] = {
    { 2, 256, 576, "avx" },
    { 3, 64, 960, "mpx" },
    { 4, 64, 1024, "mpx" },
    { 5, 64, 1088, "avx512f" },
    { 6, 512, 1152, "avx512f" },
    { 7, 1024, 1664, "avx512f" },
    { 9, 8, 2688, "pku" },
    { 17, 64, 2752, "amx-tile" },
    { 18, 8192, 2816, "amx-tile" },
};

static void
leaf_d(const VireoCpuPlan *plan, GArray *t)
{
    VireoCpuidEntry *e0;
    guint64 xcr0 = 0x3;              /* x87 + SSE */
    guint32 size = 576;              /* legacy area + XSAVE header */
    if (!has(plan, "xsave"))
        return;
    table_add(t, 0xD, 0, TRUE);
    table_add(t, 0xD, 1, TRUE);
    for (gsize i = 0; i < G_N_ELEMENTS(xsave_parts); i++) {
        VireoCpuidEntry *e;
        if (!has(plan, xsave_parts[i].feature))
            continue;
        xcr0 |= 1ull << xsave_parts[i].bit;
        size = MAX(size, xsave_parts[i].offset + xsave_parts[i].size);
        e = table_add(t, 0xD, xsave_parts[i].bit, TRUE);
        e->eax = xsave_parts[i].size;
        e->ebx = xsave_parts[i].offset;
    }
    e0 = (VireoCpuidEntry *)vireo_cpuid_find(t, 0xD, 0);
    e0->eax = (guint32)xcr0;
    e0->edx = (guint32)(xcr0 >> 32);
    /* EBX is the size for the XCR0 in force: x87|SSE (576) at reset; KVM
     * recomputes it on every XSETBV, and QEMU shows a guest the same */
    e0->ebx = 576;
    e0->ecx = size;
}

static void
leaves_kvm(const VireoCpuPlan *plan, GArray *t)
{
    VireoCpuidEntry *e = table_add(t, LEAF_KVM_SIGNATURE, 0, FALSE);
    guint32 *regs[] = { &e->ebx, &e->ecx, &e->edx };
    e->eax = LEAF_KVM_FEATURES;
    put_string(regs, 3, "KVMKVMKVM\0\0\0", 12);
    table_add(t, LEAF_KVM_FEATURES, 0, FALSE);
}

static void
leaves_ext(const VireoCpuPlan *plan, GArray *t, guint32 apic_id)
{
    const VireoTopology *tp = &plan->topo;
    VireoCpuidEntry *e = table_add(t, 0x80000000u, 0, FALSE);
    guint32 *vregs[] = { &e->ebx, &e->edx, &e->ecx };
    e->eax = plan->xlevel;
    put_string(vregs, 3, plan->vendor, 12);
    if (plan->xlevel >= 0x80000001u)
        table_add(t, 0x80000001u, 0, FALSE)->eax = signature(plan);
    if (plan->xlevel >= 0x80000004u) {
        char brand[48] = { 0 };
        g_strlcpy(brand, plan->model_id, sizeof(brand));
        for (guint l = 0; l < 3; l++) {
            VireoCpuidEntry *b = table_add(t, 0x80000002u + l, 0, FALSE);
            memcpy(&b->eax, brand + 16 * l, 4);
            memcpy(&b->ebx, brand + 16 * l + 4, 4);
            memcpy(&b->ecx, brand + 16 * l + 8, 4);
            memcpy(&b->edx, brand + 16 * l + 12, 4);
        }
    }
    if (plan->xlevel >= 0x80000006u) {
        /* QEMU 7.2 fills these AMD-style for every vendor: TLBs, L1d and
         * L1i; L2 TLBs, L2 and L3 */
        VireoCpuidEntry *l1 = table_add(t, 0x80000005u, 0, FALSE);
        l1->eax = 0x01ff01ff; l1->ebx = 0x01ff01ff;
        l1->ecx = plan->caches->l1d_80000005;
        l1->edx = plan->caches->l1i_80000005;
        /* Only now: adding may move the table, and l1 with it. */
        VireoCpuidEntry *l2 = table_add(t, 0x80000006u, 0, FALSE);
        l2->ebx = 0x42004200;
        l2->ecx = plan->caches->l2_80000006;
        l2->edx = plan->caches->l3_80000006;
    }
    if (plan->xlevel >= 0x80000007u)
        table_add(t, 0x80000007u, 0, FALSE);
    if (plan->xlevel >= 0x80000008u) {
        VireoCpuidEntry *a = table_add(t, 0x80000008u, 0, FALSE);
        guint per_pkg = vireo_topology_cpus(tp) / tp->sockets;
        /* 40 physical bits (QEMU's default), 48 virtual or 57 with LA57 */
        a->eax = 40 | ((has(plan, "la57") ? 57 : 48) << 8);
        /* ApicIdSize and threads per package - 1: QEMU writes them for
         * every vendor, once a package has more than one */
        if (per_pkg > 1)
            a->ecx = (tp->pkg_offset << 12) | (per_pkg - 1);
    }
    if (plan->xlevel >= 0x8000000Au && has(plan, "svm")) {
        VireoCpuidEntry *s = table_add(t, 0x8000000Au, 0, FALSE);
        s->eax = 1;
        s->ebx = 0x10;                                    /* ASIDs */
    }
    /* QEMU 7.2 fills both up to xlevel whatever the vendor and topoext */
    if (plan->xlevel >= 0x8000001Du)
        cache_leaf(plan, t, 0x8000001Du);
    if (plan->xlevel >= 0x8000001Eu) {
        VireoCpuidEntry *x = table_add(t, 0x8000001Eu, 0, FALSE);
        x->eax = apic_id;
        x->ebx = ((tp->threads - 1) << 8) | ((apic_id >> tp->core_offset) & 0xff);
        x->ecx = ((tp->dies - 1) << 8) | ((apic_id >> tp->die_offset) & 0xff);
    }
}

/* ---- host-passthrough / maximum: the host's table as the base ---------- */

/* Leaves vireo computes itself even for a host CPU: the topology (leaf 4,
 * 0xB, 0x1F, AMD's 0x8000001D/E), leaf 2 (it points at leaf 4), leaf 0xD
 * (XSAVE components and sizes follow the enabled features) and the
 * hypervisor's own range. */
static gboolean
host_leaf_replaced(guint32 leaf, guint32 sub)
{
    if (leaf >= LEAF_KVM_SIGNATURE && leaf < 0x80000000u)
        return TRUE;
    switch (leaf) {
    case 2: case 4: case 0xB: case 0x1F: case 0x8000001Du: case 0x8000001Eu:
        return TRUE;
    case 0xD:
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean
host_leaf_in_range(const VireoCpuPlan *plan, guint32 leaf)
{
    return leaf >= 0x80000000u ? leaf <= plan->xlevel : leaf <= plan->level;
}

/* Does the host table give this (leaf, subleaf) to the guest? */
static gboolean
host_leaf_taken(const VireoCpuPlan *plan, guint32 leaf, guint32 sub)
{
    return plan->host_table && host_leaf_in_range(plan, leaf) &&
           !host_leaf_replaced(leaf, sub) && vireo_cpuid_find(plan->host_table, leaf, sub);
}

/* Bits of one register vireo decides: every named feature (policies apply
 * to them) plus the identity and topology fields computed above. */
static guint32
owned_bits(guint32 leaf, guint32 sub, VireoCpuidReg reg)
{
    guint n = vireo_cpu_feature_count();
    guint32 mask = 0;
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(i);
        if (f->leaf == leaf && f->subleaf == sub && f->reg == reg)
            mask |= 1u << f->bit;
    }
    switch (leaf) {
    case 0: case 0x80000000u:
        return ~0u;                                 /* level, vendor */
    case 1:
        if (reg == VIREO_CPUID_REG_EAX || reg == VIREO_CPUID_REG_EBX)
            return ~0u;                             /* signature, APIC ID */
        return reg == VIREO_CPUID_REG_EDX ? mask | (1u << 28) : mask;  /* + HTT */
    case 0x80000001u:
        return reg == VIREO_CPUID_REG_EAX ? ~0u : mask;
    case 0x80000002u: case 0x80000003u: case 0x80000004u:
        return ~0u;                                 /* brand: plan->model_id */
    case 0x80000008u:
        return reg == VIREO_CPUID_REG_ECX ? ~0u : mask;  /* AMD core count */
    default:
        return mask;
    }
}

/* The host's value where vireo does not decide, vireo's where it does. */
static void
merge_host_entry(VireoCpuidEntry *e, const VireoCpuidEntry *h)
{
    guint32 *mine[] = { &e->eax, &e->ebx, &e->ecx, &e->edx };
    const guint32 host[] = { h->eax, h->ebx, h->ecx, h->edx };
    for (guint r = 0; r < 4; r++) {
        guint32 own = owned_bits(e->function, e->index, (VireoCpuidReg)r);
        *mine[r] = (*mine[r] & own) | (host[r] & ~own);
    }
}

static gint
compare_entries(gconstpointer a, gconstpointer b)
{
    const VireoCpuidEntry *x = a, *y = b;
    if (x->function != y->function)
        return x->function < y->function ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void
merge_host_table(const VireoCpuPlan *plan, GArray *t)
{
    const GArray *host = plan->host_table;
    for (guint i = 0; i < host->len; i++) {
        const VireoCpuidEntry *h = &g_array_index(host, VireoCpuidEntry, i);
        VireoCpuidEntry *e;
        if (!host_leaf_taken(plan, h->function, h->index))
            continue;
        e = (VireoCpuidEntry *)vireo_cpuid_find(t, h->function, h->index);
        if (!e)
            e = table_add(t, h->function, h->index,
                          h->flags & VIREO_CPUID_FLAG_SIGNIFICANT_INDEX);
        merge_host_entry(e, h);
    }
}

/* ORs every feature of the plan into the entry that carries it. */
static void
fill_features(const VireoCpuPlan *plan, GArray *t)
{
    guint n = vireo_cpu_feature_count();
    for (guint i = 0; i < n; i++) {
        const VireoCpuFeatureInfo *f = vireo_cpu_feature_get(i);
        VireoCpuidEntry *e;
        if (!vireo_feature_set_has(&plan->features, i))
            continue;
        e = (VireoCpuidEntry *)vireo_cpuid_find(t, f->leaf, f->subleaf);
        if (e)
            *entry_reg(e, f->reg) |= 1u << f->bit;
    }
}

GArray *
vireo_cpuid_build(const VireoCpuPlan *plan, guint index)
{
    GArray *t = g_array_new(FALSE, TRUE, sizeof(VireoCpuidEntry));
    guint32 apic_id = vireo_topology_apic_id(&plan->topo, index);
    VireoCpuidEntry *e7;
    leaf_0(plan, t);
    leaf_1(plan, t, apic_id);
    if (plan->level >= 2)
        leaf_2(plan, t);
    if (plan->level >= 4 && !is_amd(plan))
        cache_leaf(plan, t, 4);
    if (plan->level >= 5)
        leaf_5(t);
    if (plan->level >= 6)
        leaf_6(plan, t);
    if (plan->level >= 7)
        leaf_7(plan, t);
    if (plan->level >= 0xB)
        leaf_b(plan, t, apic_id);
    if (plan->level >= 0xD)
        leaf_d(plan, t);
    if (plan->level >= 0x1F || plan->topo.dies > 1 || plan->topo.clusters > 1)
        leaf_1f(plan, t, apic_id);
    if (plan->kvm_leaves)
        leaves_kvm(plan, t);
    leaves_ext(plan, t, apic_id);
    leaves_zero(plan, t);
    if (plan->host_table) {
        VireoCpuidEntry *a;
        merge_host_table(plan, t);
        /* the host's 57 virtual bits only stand with 5-level paging on */
        a = (VireoCpuidEntry *)vireo_cpuid_find(t, 0x80000008u, 0);
        if (a && !has(plan, "la57") && ((a->eax >> 8) & 0xff) > 48)
            a->eax = (a->eax & ~0xff00u) | (48u << 8);
    }
    fill_features(plan, t);
    e7 = (VireoCpuidEntry *)vireo_cpuid_find(t, 7, 1);
    if (e7 && e7->eax) {
        VireoCpuidEntry *e70 = (VireoCpuidEntry *)vireo_cpuid_find(t, 7, 0);
        e70->eax = MAX(e70->eax, 1u);   /* a host's table may list 7.2 */
    }
    /* leaves added after their neighbours (zeros, the host's) go in order */
    g_array_sort(t, compare_entries);
    return t;
}
