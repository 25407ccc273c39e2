/* Unit tests for src/hw/acpi.c: checksums, the pointers between tables, the
 * FADT's fixed hardware and the MADT's entries, parsed back in C. */
#include <config.h>
#include <string.h>
#include "hw/acpi.h"
#include "hw/aml.h"
#include "hw/acpi-configs.h"

static guint64
le(const guint8 *p, guint bytes)
{
    guint64 v = 0;
    for (guint i = 0; i < bytes; i++)
        v |= (guint64)p[i] << (8 * i);
    return v;
}

static guint8
sum(const guint8 *p, gsize len)
{
    guint8 s = 0;
    for (gsize i = 0; i < len; i++)
        s += p[i];
    return s;
}

/* The table at guest-physical gpa, checked to lie inside the blob. */
static const guint8 *
at_gpa(const VireoAcpiTables *t, guint64 gpa)
{
    g_assert_cmpuint(gpa, >=, t->base_gpa);
    g_assert_cmpuint(gpa - t->base_gpa + 36, <=, t->blob->len);
    return t->blob->data + (gpa - t->base_gpa);
}

static VireoAcpiTables *
build(const AcpiConfig *c, HwHarness *h)
{
    g_autoptr(GError) err = NULL;
    VireoAcpiTables *t;
    acpi_config_apply(h, c);
    t = vireo_acpi_build(&h->desc, h->desc.mem.acpi_base, &err);
    g_assert_no_error(err);
    return t;
}

static void
check_checksums(const VireoAcpiTables *t)
{
    for (guint i = 0; i < t->tables->len; i++) {
        const VireoAcpiTableInfo *info = &g_array_index(t->tables, VireoAcpiTableInfo, i);
        const guint8 *p = t->blob->data + info->offset;
        if (strcmp(info->signature, "FACS") == 0) {
            g_assert_cmpuint(info->offset % 64, ==, 0);
            g_assert_cmpuint(le(p + 4, 4), ==, 64);
            continue;                       /* the FACS has no checksum */
        }
        if (strcmp(info->signature, "RSDP") == 0) {
            g_assert_cmpuint(sum(p, 20), ==, 0);
            g_assert_cmpuint(sum(p, 36), ==, 0);
            continue;
        }
        g_assert_cmpmem(p, 4, info->signature, 4);
        g_assert_cmpuint(le(p + 4, 4), ==, info->length);
        g_assert_cmpuint(sum(p, info->length), ==, 0);
    }
}

/* RSDP -> RSDT/XSDT -> FADT/MADT(/MCFG) -> DSDT/FACS. */
static void
check_pointers(const VireoAcpiTables *t, gboolean mcfg)
{
    const guint8 *rsdp = t->blob->data + vireo_acpi_tables_find(t, "RSDP")->offset;
    const guint8 *rsdt = at_gpa(t, le(rsdp + 16, 4));
    const guint8 *xsdt = at_gpa(t, le(rsdp + 24, 8));
    guint n = mcfg ? 3 : 2;
    const char *want[] = { "FACP", "APIC", "MCFG" };
    const guint8 *fadt;

    g_assert_cmpmem(rsdp, 8, "RSD PTR ", 8);
    g_assert_cmpuint(rsdp[15], ==, 2);
    g_assert_cmpuint(vireo_acpi_tables_rsdp_gpa(t) % 16, ==, 0);
    g_assert_cmpmem(rsdt, 4, "RSDT", 4);
    g_assert_cmpmem(xsdt, 4, "XSDT", 4);
    g_assert_cmpuint(le(rsdt + 4, 4), ==, 36 + 4 * n);
    g_assert_cmpuint(le(xsdt + 4, 4), ==, 36 + 8 * n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpmem(at_gpa(t, le(rsdt + 36 + 4 * i, 4)), 4, want[i], 4);
        g_assert_cmpmem(at_gpa(t, le(xsdt + 36 + 8 * i, 8)), 4, want[i], 4);
    }
    fadt = at_gpa(t, le(xsdt + 36, 8));
    /* FIRMWARE_CTRL is 0 because X_FIRMWARE_CTRL is set (ACPI 6). */
    g_assert_cmpuint(le(fadt + 36, 4), ==, 0);
    g_assert_cmpmem(at_gpa(t, le(fadt + 132, 8)), 4, "FACS", 4);
    g_assert_cmpmem(at_gpa(t, le(fadt + 40, 4)), 4, "DSDT", 4);
    g_assert_cmpuint(le(fadt + 140, 8), ==, le(fadt + 40, 4));   /* X_DSDT */
}

static void
check_fadt(const VireoAcpiTables *t, const VireoMachineDesc *desc, const AcpiConfig *c)
{
    const VireoAcpiTableInfo *info = vireo_acpi_tables_find(t, "FACP");
    const guint8 *f = t->blob->data + info->offset;
    guint32 flags = le(f + 112, 4);

    g_assert_cmpuint(info->length, ==, 276);
    g_assert_cmpuint(f[8], ==, 6);                          /* revision */
    g_assert_cmpuint(le(f + 46, 2), ==, desc->platform.sci_irq);
    g_assert_cmpuint(le(f + 48, 4), ==, 0);                 /* SMI_CMD */
    g_assert_cmpuint(le(f + 56, 4), ==, desc->platform.pm1a_evt_port);
    g_assert_cmpuint(le(f + 64, 4), ==, desc->platform.pm1a_cnt_port);
    g_assert_cmpuint(le(f + 76, 4), ==, desc->platform.pm_tmr_port);
    g_assert_cmpuint(f[88], ==, 4);
    g_assert_cmpuint(f[89], ==, 2);
    g_assert_cmpuint(f[91], ==, 4);
    g_assert_cmpuint(f[108], ==, 0x32);                     /* century */
    g_assert_cmpuint(!!(le(f + 109, 2) & 2), ==, c->i8042); /* 8042 */
    g_assert_true(flags & (1u << 10));                      /* RESET_REG_SUP */
    g_assert_true(flags & (1u << 8));                       /* TMR_VAL_EXT */
    g_assert_false(flags & (1u << 20));                     /* not HW reduced */
    g_assert_false(flags & (1u << 4));                      /* fixed power button */
    g_assert_cmpuint(f[116], ==, 1);                        /* RESET_REG in I/O */
    g_assert_cmpuint(le(f + 120, 8), ==, 0xcf9);
    g_assert_cmpuint(f[128], ==, 6);
    g_assert_cmpuint(f[148], ==, 1);                        /* X_PM1a_EVT I/O */
    g_assert_cmpuint(le(f + 152, 8), ==, desc->platform.pm1a_evt_port);
    g_assert_cmpuint(le(f + 176, 8), ==, desc->platform.pm1a_cnt_port);
    g_assert_cmpuint(le(f + 212, 8), ==, desc->platform.pm_tmr_port);
}

static void
check_madt(const VireoAcpiTables *t, const AcpiConfig *c)
{
    const VireoAcpiTableInfo *info = vireo_acpi_tables_find(t, "APIC");
    const guint8 *m = t->blob->data + info->offset;
    gsize pos = 44;
    guint cpus = 0, ioapics = 0, nmis = 0;
    gboolean iso0 = FALSE, iso9 = FALSE;

    g_assert_cmpuint(le(m + 36, 4), ==, 0xfee00000);
    g_assert_cmpuint(le(m + 40, 4), ==, 1);                 /* PCAT_COMPAT */
    while (pos < info->length) {
        const guint8 *e = m + pos;
        g_assert_cmpuint(e[1], >=, 2);
        g_assert_cmpuint(pos + e[1], <=, info->length);
        switch (e[0]) {
        case 0:                                             /* local APIC */
        case 9: {                                           /* local x2APIC */
            guint32 id = e[0] == 0 ? e[3] : le(e + 4, 4);
            guint32 uid = e[0] == 0 ? e[2] : le(e + 12, 4);
            guint32 flags = e[0] == 0 ? le(e + 4, 4) : le(e + 8, 4);
            gboolean present = cpus < c->n_present;
            g_assert_cmpuint(e[1], ==, e[0] == 0 ? 8 : 16);
            g_assert_cmpuint(cpus, <, c->n_vcpus);
            g_assert_cmpuint(id, ==, c->apic_ids[cpus]);
            g_assert_cmpuint(uid, ==, cpus);
            /* x2APIC entries exactly for IDs an 8-bit field cannot hold. */
            g_assert_cmpint(e[0] == 9, ==, id >= 255);
            g_assert_cmpuint(flags, ==, present ? 1 : 2);   /* enabled / online-capable */
            cpus++;
            break;
        }
        case 1:
            g_assert_cmpuint(le(e + 4, 4), ==, 0xfec00000);
            g_assert_cmpuint(le(e + 8, 4), ==, 0);
            ioapics++;
            break;
        case 2:
            if (e[3] == 0) {
                g_assert_cmpuint(le(e + 4, 4), ==, 2);
                iso0 = TRUE;
            } else if (e[3] == 9) {
                g_assert_cmpuint(le(e + 4, 4), ==, 9);
                g_assert_cmpuint(le(e + 8, 2), ==, 0x0d);   /* level, active high */
                iso9 = TRUE;
            }
            break;
        case 4:
            g_assert_cmpuint(e[2], ==, 0xff);
            g_assert_cmpuint(e[5], ==, 1);                  /* LINT1 */
            nmis++;
            break;
        }
        pos += e[1];
    }
    g_assert_cmpuint(pos, ==, info->length);
    g_assert_cmpuint(cpus, ==, c->n_vcpus);
    g_assert_cmpuint(ioapics, ==, 1);
    g_assert_cmpuint(nmis, ==, 1);
    g_assert_true(iso0);
    g_assert_true(iso9);
}

static gboolean
contains(const guint8 *hay, gsize len, const char *needle, gsize nlen)
{
    for (gsize i = 0; i + nlen <= len; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            return TRUE;
    return FALSE;
}

static void
check_dsdt(const VireoAcpiTables *t, const AcpiConfig *c)
{
    const VireoAcpiTableInfo *info = vireo_acpi_tables_find(t, "DSDT");
    const guint8 *d = t->blob->data + info->offset;
    /* Name(\_S5, Package(4) { 0, 0, 0, 0 }) */
    static const char s5[] = "\x08\\_S5_\x12\x06\x04\x00\x00\x00\x00";

    g_assert_true(contains(d, info->length, s5, sizeof(s5) - 1));
    g_assert_cmpint(contains(d, info->length, "PCI0", 4), ==, c->pci_host);
    g_assert_cmpint(contains(d, info->length, "QEMU0001", 8), ==, c->panic);
    /* The ISA devices: COM1 with 0x3F8 and IRQ 4, RTC, KBD when present. */
    g_assert_true(contains(d, info->length, "COM1", 4));
    g_assert_true(contains(d, info->length, "\x47\x01\xf8\x03\xf8\x03\x01\x08\x22\x10\x00", 11));
    g_assert_true(contains(d, info->length, "RTC_", 4));
    g_assert_cmpint(contains(d, info->length, "KBD_", 4), ==, c->i8042);
    for (guint i = 0; i < c->n_vcpus; i++) {
        g_autofree char *name = g_strdup_printf("C%03X", i);
        g_assert_true(contains(d, info->length, name, 4));
    }
}

static void
test_config(gconstpointer data)
{
    const AcpiConfig *c = data;
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoAcpiTables) t = build(c, h);

    g_assert_cmpuint(t->blob->len, <=, h->desc.mem.acpi_size);
    check_checksums(t);
    check_pointers(t, c->q35);
    check_fadt(t, &h->desc, c);
    check_madt(t, c);
    check_dsdt(t, c);
    g_assert_cmpint(vireo_acpi_tables_find(t, "MCFG") != NULL, ==, c->q35);
}

static void
test_install(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(GError) err = NULL;
    guint64 rsdp = 0;

    h->ram_size = 2 << 20;
    h->ram = g_malloc0(h->ram_size);
    h->desc.mem.acpi_base = 0x100000;
    h->desc.mem.acpi_size = 0x10000;
    g_assert_true(vireo_acpi_install(&h->hw, &rsdp, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(rsdp, ==, 0x100000);
    g_assert_cmpmem(h->ram + rsdp, 8, "RSD PTR ", 8);
    /* The legacy copy for the 0xE0000 scan is byte-identical. */
    g_assert_cmpmem(h->ram + VIREO_ACPI_LEGACY_RSDP_GPA, 36, h->ram + rsdp, 36);
    g_assert_cmpuint(le(h->ram + rsdp + 24, 8) - 0x100000, <, 0x10000);

    /* Too small a reserved area is an error, not an overflow. */
    h->desc.mem.acpi_size = 64;
    g_assert_false(vireo_acpi_install(&h->hw, &rsdp, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    /* Outside guest RAM as well. */
    h->desc.mem.acpi_base = 0x300000;
    h->desc.mem.acpi_size = 0x10000;
    g_assert_false(vireo_acpi_install(&h->hw, &rsdp, &err));
    g_assert_nonnull(err);
}

static void
test_aml_encoding(void)
{
    g_autoptr(GByteArray) a = vireo_aml_new();
    static const guint8 eisa[] = { 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
    GByteArray *body;

    /* PNP0A03 compresses to 0x030AD041 (stored little-endian). */
    vireo_aml_eisaid(a, "PNP0A03");
    g_assert_cmpmem(a->data, a->len, eisa, sizeof(eisa));
    g_byte_array_set_size(a, 0);
    vireo_aml_integer(a, 0x1234);
    g_assert_cmpmem(a->data, a->len, "\x0b\x34\x12", 3);
    g_byte_array_set_size(a, 0);
    vireo_aml_name_string(a, "\\_SB.PCI0");
    g_assert_cmpmem(a->data, a->len, "\\\x2e_SB_PCI0", 10);
    /* A body of 100 bytes needs a two-byte PkgLength: 0x40|low nibble, rest. */
    g_byte_array_set_size(a, 0);
    body = vireo_aml_new();
    g_byte_array_set_size(body, 100);
    memset(body->data, 0xa3, 100);            /* NoopOp */
    vireo_aml_scope(a, "ABCD", body);
    g_assert_cmpuint(a->data[0], ==, 0x10);
    g_assert_cmpuint(a->data[1], ==, 0x40 | ((100 + 4 + 2) & 0xf));
    g_assert_cmpuint(a->data[2], ==, (100 + 4 + 2) >> 4);
    g_assert_cmpuint(a->len, ==, 1 + 2 + 4 + 100);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(acpi_configs); i++) {
        g_autofree char *path = g_strdup_printf("/hw/acpi/%s", acpi_configs[i].name);
        g_test_add_data_func(path, &acpi_configs[i], test_config);
    }
    g_test_add_func("/hw/acpi/install", test_install);
    g_test_add_func("/hw/acpi/aml-encoding", test_aml_encoding);
    return g_test_run();
}
