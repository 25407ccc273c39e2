/* vireo: machine type registry and selection. */
#include <config.h>
#include <string.h>
#include "machine/machine-type.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

G_DEFINE_ABSTRACT_TYPE(VireoMachine, vireo_machine, G_TYPE_OBJECT)

static void
vireo_machine_class_init(VireoMachineClass *klass)
{
    klass->default_cpu_model = "qemu64";
}

static void
vireo_machine_init(VireoMachine *self)
{
}

/* ---- families ----------------------------------------------------------- */

#define GiB (1ULL << 30)

/* pc_piix: RAM from 3.5 GiB up splits at 3 GiB (gigabyte_align, measured
 * on QEMU 7.2 for 2.0 and 7.2 machine types alike). */
static guint64
i440fx_lowmem(VireoMachineClass *klass, guint64 ram)
{
    if (ram >= 0xe0000000ULL)
        return 0xc0000000ULL;
    return ram;
}

/* pc_q35: from 2.75 GiB up the split is at 2 GiB, below the ECAM window. */
static guint64
q35_lowmem(VireoMachineClass *klass, guint64 ram)
{
    if (ram >= 0xb0000000ULL)
        return 0x80000000ULL;
    return ram;
}

/* What sets the two chipset families apart, one row each (class_data). */
typedef struct {
    const char *type_name;
    guint max_cpus;
    guint64 (*lowmem)(VireoMachineClass *klass, guint64 ram);
} VireoMachineFamilyInfo;

static const VireoMachineFamilyInfo families[VIREO_MACHINE_FAMILY_MICROVM] = {
    [VIREO_MACHINE_FAMILY_I440FX] = { "VireoMachineI440fx", 255, i440fx_lowmem },
    [VIREO_MACHINE_FAMILY_Q35] = { "VireoMachineQ35", 288, q35_lowmem },
};

static void
family_class_init(gpointer g_class, gpointer data)
{
    VireoMachineClass *klass = g_class;
    const VireoMachineFamilyInfo *info = data;
    klass->family = (VireoMachineFamily)(info - families);
    klass->max_cpus = info->max_cpus;
    klass->lowmem = info->lowmem;
}

static GType
family_type(VireoMachineFamily family)
{
    static GType types[VIREO_MACHINE_FAMILY_LAST];
    if (!types[family]) {
        GTypeInfo ti = {
            .class_size = sizeof(VireoMachineClass),
            .class_init = family_class_init,
            .class_data = &families[family],
            .instance_size = sizeof(VireoMachine),
        };
        types[family] = g_type_register_static(VIREO_TYPE_MACHINE,
                                               families[family].type_name,
                                               &ti, G_TYPE_FLAG_ABSTRACT);
    }
    return types[family];
}

/* ---- versions and distribution names ------------------------------------ */

typedef struct {
    VireoMachineFamily family;
    guint major, minor;
} VireoMachineVersion;

/* Every QEMU release from 2.0 to 9.2: both families got a type in each. */
static const VireoMachineVersion versions[] = {
#define V(maj, min) \
    { VIREO_MACHINE_FAMILY_I440FX, maj, min }, { VIREO_MACHINE_FAMILY_Q35, maj, min }
    V(2, 0), V(2, 1), V(2, 2), V(2, 3), V(2, 4), V(2, 5), V(2, 6), V(2, 7),
    V(2, 8), V(2, 9), V(2, 10), V(2, 11), V(2, 12), V(3, 0), V(3, 1),
    V(4, 0), V(4, 1), V(4, 2), V(5, 0), V(5, 1), V(5, 2), V(6, 0), V(6, 1),
    V(6, 2), V(7, 0), V(7, 1), V(7, 2), V(8, 0), V(8, 1), V(8, 2), V(9, 0),
    V(9, 1), V(9, 2),
#undef V
};
#define NEWEST_MAJOR 9
#define NEWEST_MINOR 2

typedef struct {
    const char *suffix;             /* "trusty", "rhel7.6.0" */
    const char *product;            /* "Ubuntu 14.04" */
    guint major, minor;             /* upstream QEMU the release shipped */
    gboolean q35;                   /* a pc-q35-<suffix> exists too */
    gboolean i440fx;
} VireoMachineDistro;

/* Machine types the distributions' QEMU builds define (what Nova writes in
 * <type machine=...>), mapped to the upstream version each was based on. */
static const VireoMachineDistro distros[] = {
    { "trusty", "Ubuntu 14.04", 2, 0, FALSE, TRUE },
    { "utopic", "Ubuntu 14.10", 2, 1, FALSE, TRUE },
    { "vivid", "Ubuntu 15.04", 2, 2, FALSE, TRUE },
    { "wily", "Ubuntu 15.10", 2, 3, FALSE, TRUE },
    { "xenial", "Ubuntu 16.04", 2, 5, TRUE, TRUE },
    { "yakkety", "Ubuntu 16.10", 2, 6, TRUE, TRUE },
    { "zesty", "Ubuntu 17.04", 2, 8, TRUE, TRUE },
    { "artful", "Ubuntu 17.10", 2, 10, TRUE, TRUE },
    { "bionic", "Ubuntu 18.04", 2, 11, TRUE, TRUE },
    { "cosmic", "Ubuntu 18.10", 2, 12, TRUE, TRUE },
    { "disco", "Ubuntu 19.04", 3, 1, TRUE, TRUE },
    { "eoan", "Ubuntu 19.10", 4, 0, TRUE, TRUE },
    { "focal", "Ubuntu 20.04", 4, 2, TRUE, TRUE },
    { "groovy", "Ubuntu 20.10", 5, 0, TRUE, TRUE },
    { "hirsute", "Ubuntu 21.04", 5, 2, TRUE, TRUE },
    { "impish", "Ubuntu 21.10", 6, 0, TRUE, TRUE },
    { "jammy", "Ubuntu 22.04", 6, 2, TRUE, TRUE },
    { "kinetic", "Ubuntu 22.10", 7, 0, TRUE, TRUE },
    { "lunar", "Ubuntu 23.04", 7, 2, TRUE, TRUE },
    { "mantic", "Ubuntu 23.10", 8, 0, TRUE, TRUE },
    { "noble", "Ubuntu 24.04", 8, 2, TRUE, TRUE },
    { "rhel7.6.0", "RHEL 7.6.0", 2, 12, TRUE, TRUE },
    { "rhel8.0.0", "RHEL 8.0.0", 2, 12, TRUE, FALSE },
    { "rhel8.1.0", "RHEL 8.1.0", 4, 1, TRUE, FALSE },
    { "rhel8.2.0", "RHEL 8.2.0", 4, 2, TRUE, FALSE },
    { "rhel8.3.0", "RHEL 8.3.0", 5, 1, TRUE, FALSE },
    { "rhel8.4.0", "RHEL 8.4.0", 5, 2, TRUE, FALSE },
    { "rhel8.5.0", "RHEL 8.5.0", 6, 0, TRUE, FALSE },
    { "rhel8.6.0", "RHEL 8.6.0", 6, 2, TRUE, FALSE },
    { "rhel9.0.0", "RHEL 9.0.0", 6, 2, TRUE, FALSE },
    { "rhel9.2.0", "RHEL 9.2.0", 7, 2, TRUE, FALSE },
    { "rhel9.4.0", "RHEL 9.4.0", 8, 2, TRUE, FALSE },
};

static const char *const family_prefix[] = { "pc-i440fx-", "pc-q35-" };
static const char *const family_hw[] = { "i440FX + PIIX, 1996", "Q35 + ICH9, 2009" };

char *
vireo_gtype_name_for(const char *prefix, const char *name)
{
    char *tname = g_strdup_printf("%s-%s", prefix, name);
    return g_strcanon(tname, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_+", '_');
}

static char *
machine_type_gtype_name(const char *machine)
{
    return vireo_gtype_name_for("VireoMachine", machine);
}

static void
version_class_init(gpointer g_class, gpointer data)
{
    VireoMachineClass *klass = g_class;
    const VireoMachineVersion *v = data;
    gboolean newest = v->major == NEWEST_MAJOR && v->minor == NEWEST_MINOR;
    g_autofree char *name = g_strdup_printf("%s%u.%u", family_prefix[v->family],
                                            v->major, v->minor);
    klass->name = g_intern_string(name);
    klass->canonical = klass->name;
    klass->major = v->major;
    klass->minor = v->minor;
    klass->alias = newest ? (v->family == VIREO_MACHINE_FAMILY_I440FX ? "pc" : "q35") : NULL;
    klass->is_default = newest && v->family == VIREO_MACHINE_FAMILY_I440FX;
    klass->description = g_strdup_printf("Standard PC (%s)", family_hw[v->family]);
}

typedef struct {
    const VireoMachineDistro *distro;
    VireoMachineFamily family;
} VireoDistroData;

/* The parent's class struct was copied in: only the identity changes. */
static void
distro_class_init(gpointer g_class, gpointer data)
{
    VireoMachineClass *klass = g_class;
    const VireoDistroData *d = data;
    g_autofree char *name = g_strdup_printf("%s%s", family_prefix[d->family],
                                            d->distro->suffix);
    klass->name = g_intern_string(name);
    klass->alias = NULL;
    klass->is_default = FALSE;
    klass->description = g_strdup_printf("%s PC (%s)", d->distro->product,
                                         family_hw[d->family]);
}

static GType
register_version(const VireoMachineVersion *v)
{
    g_autofree char *mname = g_strdup_printf("%s%u.%u", family_prefix[v->family],
                                             v->major, v->minor);
    g_autofree char *tname = machine_type_gtype_name(mname);
    GTypeInfo ti = {
        .class_size = sizeof(VireoMachineClass),
        .class_init = version_class_init,
        .class_data = v,
        .instance_size = sizeof(VireoMachine),
    };
    GType t = g_type_from_name(tname);
    return t ? t : g_type_register_static(family_type(v->family), tname, &ti, 0);
}

static void
register_distro(const VireoMachineDistro *d, VireoMachineFamily family)
{
    VireoMachineVersion key = { family, d->major, d->minor };
    g_autofree char *mname = g_strdup_printf("%s%s", family_prefix[family], d->suffix);
    g_autofree char *tname = machine_type_gtype_name(mname);
    VireoDistroData *data;
    GType parent = 0;
    if (g_type_from_name(tname))
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(versions); i++)
        if (!memcmp(&versions[i], &key, sizeof(key)))
            parent = register_version(&versions[i]);
    g_assert(parent);
    data = g_new0(VireoDistroData, 1);   /* lives as long as the type */
    data->distro = d;
    data->family = family;
    {
        GTypeInfo ti = {
            .class_size = sizeof(VireoMachineClass),
            .class_init = distro_class_init,
            .class_data = data,
            .instance_size = sizeof(VireoMachine),
        };
        g_type_register_static(parent, tname, &ti, 0);
    }
}

void
vireo_machine_types_register(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(versions); i++)
        register_version(&versions[i]);
    for (gsize i = 0; i < G_N_ELEMENTS(distros); i++) {
        if (distros[i].i440fx)
            register_distro(&distros[i], VIREO_MACHINE_FAMILY_I440FX);
        if (distros[i].q35)
            register_distro(&distros[i], VIREO_MACHINE_FAMILY_Q35);
    }
}

/* ---- listing and selection (object_class_get_list + select_machine) ---- */

static void
collect_concrete(GType type, GPtrArray *out)
{
    guint n = 0;
    g_autofree GType *children = g_type_children(type, &n);
    if (!G_TYPE_IS_ABSTRACT(type))
        g_ptr_array_add(out, g_type_class_ref(type));
    for (guint i = 0; i < n; i++)
        collect_concrete(children[i], out);
}

static int
compare_machine_names(gconstpointer a, gconstpointer b)
{
    const VireoMachineClass *ka = *(VireoMachineClass *const *)a;
    const VireoMachineClass *kb = *(VireoMachineClass *const *)b;
    if (ka->family != kb->family)
        return (int)ka->family - (int)kb->family;
    if (ka->major != kb->major || ka->minor != kb->minor)
        return ka->major != kb->major ? (int)ka->major - (int)kb->major
                                      : (int)ka->minor - (int)kb->minor;
    /* the upstream name before the distro names built on it */
    if ((ka->canonical == ka->name) != (kb->canonical == kb->name))
        return ka->canonical == ka->name ? -1 : 1;
    return strcmp(ka->name, kb->name);
}

GPtrArray *
vireo_machine_class_list(void)
{
    GPtrArray *list = g_ptr_array_new();
    vireo_machine_types_register();
    collect_concrete(VIREO_TYPE_MACHINE, list);
    g_ptr_array_sort(list, compare_machine_names);
    return list;
}

/* *p starts with want in decimal, as "%u" prints it (no leading zero);
 * moves *p past it. */
static gboolean
skip_number(const char **p, guint want)
{
    const char *s = *p;
    guint64 val = 0;
    if (!g_ascii_isdigit(*s) || (*s == '0' && g_ascii_isdigit(s[1])))
        return FALSE;
    for (; g_ascii_isdigit(*s); s++) {
        val = val * 10 + (guint64) (*s - '0');
        if (val > G_MAXUINT)
            return FALSE;
    }
    *p = s;
    return val == want;
}

/* name is v's "<family prefix>MAJOR.MINOR", without printing every row's
 * name to compare (64 g_snprintf() calls were most of a selection). */
static gboolean
version_name_is(const char *name, const VireoMachineVersion *v)
{
    const char *prefix = family_prefix[v->family];
    gsize n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0)
        return FALSE;
    const char *p = name + n;
    return skip_number(&p, v->major) && *p++ == '.' &&
           skip_number(&p, v->minor) && *p == '\0';
}

/* The one type that name (or the default, for NULL) names, registered on
 * its own: a vireo-vmm start needs one machine type, not all 120 (and
 * their class_init). G_TYPE_INVALID when no table row has that name. */
static GType
register_named(const char *name)
{
    char buf[64];
    for (gsize i = 0; i < G_N_ELEMENTS(versions); i++) {
        const VireoMachineVersion *v = &versions[i];
        gboolean newest = v->major == NEWEST_MAJOR && v->minor == NEWEST_MINOR;
        gboolean match;
        if (!name) {
            match = newest && v->family == VIREO_MACHINE_FAMILY_I440FX;
        } else if (newest && g_str_equal(name, v->family == VIREO_MACHINE_FAMILY_I440FX
                                         ? "pc" : "q35")) {
            match = TRUE;       /* the alias (version_class_init) */
        } else {
            match = version_name_is(name, v);
        }
        if (match)
            return register_version(v);
    }
    for (gsize i = 0; name && i < G_N_ELEMENTS(distros); i++) {
        for (VireoMachineFamily f = VIREO_MACHINE_FAMILY_I440FX;
             f <= VIREO_MACHINE_FAMILY_Q35; f++) {
            if (!(f == VIREO_MACHINE_FAMILY_I440FX ? distros[i].i440fx : distros[i].q35))
                continue;
            g_snprintf(buf, sizeof(buf), "%s%s", family_prefix[f], distros[i].suffix);
            if (g_str_equal(name, buf)) {
                register_distro(&distros[i], f);
                g_autofree char *tname = machine_type_gtype_name(buf);
                return g_type_from_name(tname);
            }
        }
    }
    return G_TYPE_INVALID;
}

VireoMachineClass *
vireo_machine_select(const char *name, GError **error)
{
    GType t = register_named(name);
    if (t != G_TYPE_INVALID) {
        VireoMachineClass *klass = g_type_class_ref(t);
        /* what the search of vireo_machine_class_list() would find */
        if (name ? (g_str_equal(klass->name, name) ||
                    (klass->alias && g_str_equal(klass->alias, name)))
                 : klass->is_default)
            return klass;
    }
    if (!name)
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        "%s", _("no default machine type is registered"));
    else
        vireo_error_set(error, VIREO_ERR_CONFIG_UNSUPPORTED,
                        _("unsupported machine type '%s' (run 'vireo capabilities' "
                          "to list the supported ones)"), name);
    return NULL;
}
