/* vireo: machine types as registered GObject types (QEMU's MachineClass).
 *
 * VireoMachine (abstract) -> VireoMachineI440fx / VireoMachineQ35 (abstract
 * families) -> one subclass per QEMU version ("pc-i440fx-9.2") -> one
 * subclass per distribution name ("pc-i440fx-trusty") deriving from the
 * upstream version it was built from, so it inherits every default. */
#pragma once
#include <glib-object.h>
#include "machine/machine_desc.h"

#define VIREO_TYPE_MACHINE (vireo_machine_get_type())
G_DECLARE_DERIVABLE_TYPE(VireoMachine, vireo_machine, VIREO, MACHINE, GObject)

struct _VireoMachineClass {
    GObjectClass parent_class;
    const char *name;               /* "pc-i440fx-9.2", "pc-i440fx-trusty" */
    const char *alias;              /* "pc" / "q35" on the newest; NULL */
    const char *canonical;          /* upstream type a distro name maps to */
    gboolean is_default;            /* chosen when no machine is named */
    char *description;              /* "Standard PC (i440FX + PIIX, 1996)" */
    VireoMachineFamily family;
    guint major, minor;             /* QEMU version of the canonical type */
    const char *default_cpu_model;  /* "qemu64" */
    guint max_cpus;
    /* Guest RAM below 4 GiB for a given RAM size (the rest goes above). */
    guint64 (*lowmem)(VireoMachineClass *klass, guint64 ram_bytes);
};

/* A valid GType name "PREFIX-NAME" for a machine or model name (GType names
 * allow letters, digits, '-', '_' and '+' only; others become '_'). */
char *vireo_gtype_name_for(const char *prefix, const char *name);

/* Registers the families, every version and every distribution name. */
void vireo_machine_types_register(void);

/* The seeds' select_machine: the type whose name or alias is name, or the
 * default one when name is NULL. Unknown names fail with
 * "unsupported machine type 'X'" and a hint to run `vireo capabilities`. */
VireoMachineClass *vireo_machine_select(const char *name, GError **error);

/* Every concrete machine class, sorted by name (list owns no classes). */
GPtrArray *vireo_machine_class_list(void);
