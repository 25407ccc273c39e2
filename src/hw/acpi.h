/* vireo: ACPI tables built from the machine description: RSDP (rev 2),
 * RSDT, XSDT, FADT (rev 6), FACS, DSDT (our own AML), MADT and, for a q35
 * ECAM, MCFG. All tables share one blob laid out for a guest-physical base;
 * the RSDP comes first, 16-byte aligned, so the same 36 bytes can also be
 * copied to the legacy BIOS area where Linux scans for them. */
#pragma once
#include "hw/hw.h"

/* Where the legacy copy of the RSDP goes (the 0xE0000-0xFFFFF scan). */
#define VIREO_ACPI_LEGACY_RSDP_GPA 0xe0000
#define VIREO_ACPI_RSDP_SIZE 36

typedef struct {
    char signature[5];              /* "RSD PTR " is listed as "RSDP" */
    gsize offset;                   /* in blob */
    gsize length;
} VireoAcpiTableInfo;

typedef struct {
    GByteArray *blob;               /* what the guest sees at base_gpa */
    guint64 base_gpa;
    GArray *tables;                 /* VireoAcpiTableInfo, in blob order */
} VireoAcpiTables;

VireoAcpiTables *vireo_acpi_build(const VireoMachineDesc *desc, guint64 base_gpa,
                                  GError **error);
void vireo_acpi_tables_free(VireoAcpiTables *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoAcpiTables, vireo_acpi_tables_free)

/* The table with that signature ("FACP", "APIC", "DSDT", "RSDP"...) or NULL. */
const VireoAcpiTableInfo *vireo_acpi_tables_find(const VireoAcpiTables *t,
                                                 const char *signature);
guint64 vireo_acpi_tables_rsdp_gpa(const VireoAcpiTables *t);

/* Builds the tables at desc->mem.acpi_base, writes them through
 * hw->gpa_to_hva (checking they fit acpi_size), also copies the RSDP to
 * VIREO_ACPI_LEGACY_RSDP_GPA when guest RAM backs it, and returns the RSDP's
 * guest-physical address in *rsdp_gpa (for boot_params.acpi_rsdp_addr or
 * the PVH start_info). */
gboolean vireo_acpi_install(const VireoHwContext *hw, guint64 *rsdp_gpa,
                            GError **error);
