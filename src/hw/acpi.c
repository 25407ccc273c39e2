/* vireo: ACPI table builder (ACPI 6.4: 5.2 tables, 5.2.12 MADT, 5.2.9 FADT). */
#include <config.h>
#include <string.h>
#include "hw/acpi.h"
#include "hw/aml.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define ACPI_OEM_ID       "VIREO "
#define ACPI_CREATOR_ID   "VIRO"
#define ACPI_HEADER_SIZE  36

#define FADT_SIZE         276       /* revision 6 */
#define FADT_REVISION     6
#define FADT_MINOR        4
#define FACS_SIZE         64
#define MADT_REVISION     5         /* 6.3+: the online-capable flag */

/* FADT Flags (5.2.9, table 5.10) */
#define FADT_F_WBINVD         (1u << 0)
#define FADT_F_PROC_C1        (1u << 2)
#define FADT_F_SLP_BUTTON     (1u << 5)   /* no sleep button */
#define FADT_F_TMR_VAL_EXT    (1u << 8)   /* 32-bit PM timer */
#define FADT_F_RESET_REG_SUP  (1u << 10)
/* IAPC_BOOT_ARCH */
#define BOOT_ARCH_LEGACY_DEVICES (1u << 0)
#define BOOT_ARCH_8042           (1u << 1)
#define BOOT_ARCH_VGA_NOT_PRESENT (1u << 2)

/* MADT structures */
#define MADT_LOCAL_APIC     0
#define MADT_IO_APIC        1
#define MADT_ISO            2
#define MADT_LOCAL_APIC_NMI 4
#define MADT_LOCAL_X2APIC   9
#define MADT_X2APIC_NMI     10
#define MADT_PCAT_COMPAT    1
#define MADT_ENABLED        (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)
#define MPS_INTI_HIGH_LEVEL 0x000d      /* active high, level triggered */

#define GAS_SYSTEM_IO 1

/* ---- little-endian blob helpers ------------------------------------------ */

/* Appends bytes little-endian bytes of v; beyond 8 bytes, zeros (padding). */
static void
put(GByteArray *b, guint64 v, guint bytes)
{
    for (guint i = 0; i < bytes; i++) {
        guint8 c = i < 8 ? v >> (8 * i) : 0;
        g_byte_array_append(b, &c, 1);
    }
}

static void
put_str(GByteArray *b, const char *s, guint len)
{
    g_byte_array_append(b, (const guint8 *)s, len);
}

static void
set(GByteArray *b, gsize off, guint64 v, guint bytes)
{
    for (guint i = 0; i < bytes; i++)
        b->data[off + i] = v >> (8 * i);
}

static guint8
checksum(const guint8 *p, gsize len)
{
    guint8 sum = 0;
    for (gsize i = 0; i < len; i++)
        sum += p[i];
    return (guint8)(0x100 - sum);
}

static void
align(GByteArray *b, guint to)
{
    static const guint8 zero[64];
    gsize pad = (to - b->len % to) % to;
    g_byte_array_append(b, zero, pad);
}

/* Generic Address Structure (5.2.3.2). */
static void
put_gas(GByteArray *b, guint8 space, guint8 bits, guint8 access, guint64 addr)
{
    put(b, space, 1);
    put(b, bits, 1);
    put(b, 0, 1);                   /* bit offset */
    put(b, access, 1);
    put(b, addr, 8);
}

typedef struct {
    const VireoMachineDesc *desc;
    GByteArray *b;
    guint64 base;
    GArray *tables;
} AcpiBuild;

static guint64
gpa_of(AcpiBuild *ab, gsize off)
{
    return ab->base + off;
}

static gsize
table_begin(AcpiBuild *ab, const char *sig, guint8 rev, guint align_to)
{
    gsize off;
    align(ab->b, align_to);
    off = ab->b->len;
    put_str(ab->b, sig, 4);
    put(ab->b, 0, 4);               /* length, set at the end */
    put(ab->b, rev, 1);
    put(ab->b, 0, 1);               /* checksum, set at the end */
    put_str(ab->b, ACPI_OEM_ID, 6);
    put_str(ab->b, "VIREO", 5);
    put_str(ab->b, sig, 3);         /* OEM table id: "VIREOFAC", ... */
    put(ab->b, 1, 4);               /* OEM revision */
    put_str(ab->b, ACPI_CREATOR_ID, 4);
    put(ab->b, 1, 4);               /* creator revision */
    return off;
}

static void
table_record(AcpiBuild *ab, const char *sig, gsize off)
{
    VireoAcpiTableInfo info = { .offset = off, .length = ab->b->len - off };
    memcpy(info.signature, sig, 4);
    g_array_append_val(ab->tables, info);
}

static void
table_end(AcpiBuild *ab, gsize off)
{
    gsize len = ab->b->len - off;
    set(ab->b, off + 4, len, 4);
    ab->b->data[off + 9] = checksum(ab->b->data + off, len);
    table_record(ab, (const char *)ab->b->data + off, off);
}

/* ---- FACS -------------------------------------------------------------- */

static gsize
build_facs(AcpiBuild *ab)
{
    gsize off;
    align(ab->b, 64);               /* the FACS must be 64-byte aligned */
    off = ab->b->len;
    put_str(ab->b, "FACS", 4);
    put(ab->b, FACS_SIZE, 4);
    put(ab->b, 0, 4);               /* hardware signature */
    put(ab->b, 0, 4);               /* firmware waking vector: no S3 */
    put(ab->b, 0, 4);               /* global lock */
    put(ab->b, 0, 4);               /* flags */
    put(ab->b, 0, 8);               /* X firmware waking vector */
    put(ab->b, 2, 1);               /* version */
    put(ab->b, 0, 3);
    put(ab->b, 0, 4);               /* OSPM flags */
    put(ab->b, 0, 24);
    table_record(ab, "FACS", off);
    return off;
}

/* ---- DSDT -------------------------------------------------------------- */

static GByteArray *
aml_int(guint64 v)
{
    GByteArray *a = vireo_aml_new();
    vireo_aml_integer(a, v);
    return a;
}

static GByteArray *
aml_str(const char *s)
{
    GByteArray *a = vireo_aml_new();
    vireo_aml_string(a, s);
    return a;
}

static GByteArray *
aml_eisa(const char *id)
{
    GByteArray *a = vireo_aml_new();
    vireo_aml_eisaid(a, id);
    return a;
}

static GByteArray *
aml_resources(GByteArray *r)
{
    GByteArray *a = vireo_aml_new();
    vireo_aml_res_end_tag(r);
    vireo_aml_buffer(a, r->data, r->len);
    g_byte_array_unref(r);
    return a;
}

/* One processor device per possible vCPU; _UID matches the MADT's UID. */
static void
dsdt_processors(AcpiBuild *ab, GByteArray *sb)
{
    const GPtrArray *vcpus = ab->desc->cpu.vcpus;
    for (guint i = 0; vcpus && i < vcpus->len; i++) {
        const VireoVcpuDesc *v = g_ptr_array_index(vcpus, i);
        g_autofree char *name = g_strdup_printf("C%03X", v->index & 0xfff);
        GByteArray *dev = vireo_aml_new();
        vireo_aml_name(dev, "_HID", aml_str("ACPI0007"));
        vireo_aml_name(dev, "_UID", aml_int(v->index));
        vireo_aml_name(dev, "_STA", aml_int(v->present ? 0x0f : 0x00));
        vireo_aml_device(sb, name, dev);
    }
}

/* The 32-bit PCI hole, less the ECAM window (that is the MCFG's, not a BAR's). */
static void
dsdt_pci_windows(GByteArray *crs, const VireoMemoryDesc *mem)
{
    guint64 start = mem->pci_hole_start, end = mem->pci_hole_end;
    guint64 ecam_end = mem->ecam_base + mem->ecam_size;

    if (end <= start)
        return;
    if (mem->ecam_size && mem->ecam_base >= start && ecam_end <= end) {
        if (mem->ecam_base > start)
            vireo_aml_res_dword_mem(crs, start, mem->ecam_base - 1);
        start = ecam_end;
    }
    if (end > start)
        vireo_aml_res_dword_mem(crs, start, end - 1);
}

static void
dsdt_pci_host(AcpiBuild *ab, GByteArray *sb)
{
    const VireoMemoryDesc *mem = &ab->desc->mem;
    GByteArray *dev = vireo_aml_new();
    GByteArray *crs = vireo_aml_new();

    if (ab->desc->family == VIREO_MACHINE_FAMILY_Q35) {
        vireo_aml_name(dev, "_HID", aml_eisa("PNP0A08"));
        vireo_aml_name(dev, "_CID", aml_eisa("PNP0A03"));
    } else {
        vireo_aml_name(dev, "_HID", aml_eisa("PNP0A03"));
    }
    vireo_aml_name(dev, "_UID", aml_int(0));
    vireo_aml_name(dev, "_BBN", aml_int(0));
    vireo_aml_res_word_bus(crs, 0, 0xff);
    vireo_aml_res_io(crs, 0xcf8, 8);
    vireo_aml_res_word_io(crs, 0x0000, 0x0cf7);
    vireo_aml_res_word_io(crs, 0x0d00, 0xffff);
    vireo_aml_res_dword_mem(crs, 0x000a0000, 0x000bffff);
    dsdt_pci_windows(crs, mem);
    vireo_aml_name(dev, "_CRS", aml_resources(crs));
    vireo_aml_device(sb, "PCI0", dev);
}

/* An ISA device the OS can enumerate instead of probing legacy ports. */
static void
dsdt_isa_device(GByteArray *scope, const char *name, const char *hid, guint uid,
                const guint16 *ports, const guint8 *lens, guint n_ports, int irq)
{
    GByteArray *dev = vireo_aml_new();
    GByteArray *crs = vireo_aml_new();
    vireo_aml_name(dev, "_HID", aml_eisa(hid));
    vireo_aml_name(dev, "_UID", aml_int(uid));
    for (guint i = 0; i < n_ports; i++)
        vireo_aml_res_io(crs, ports[i], lens[i]);
    if (irq >= 0 && irq < 16)
        vireo_aml_res_irq(crs, irq);
    vireo_aml_name(dev, "_CRS", aml_resources(crs));
    vireo_aml_device(scope, name, dev);
}

/* The legacy devices the description has: 16550s (PNP0501), the RTC
 * (PNP0B00) and the i8042 keyboard (PNP0303), with their ports and IRQs. */
static void
dsdt_isa_devices(AcpiBuild *ab, GByteArray *sb)
{
    const GPtrArray *devs = ab->desc->devices;
    guint n_serial = 0;

    for (guint i = 0; devs && i < devs->len; i++) {
        const VireoDeviceDesc *d = g_ptr_array_index(devs, i);
        switch (d->kind) {
        case VIREO_DEV_SERIAL: {
            g_autofree char *name = g_strdup_printf("COM%u", (n_serial + 1) % 10);
            guint8 len = 8;
            if (!d->io_base || n_serial >= 9)
                break;
            dsdt_isa_device(sb, name, "PNP0501", n_serial + 1, &d->io_base, &len, 1, d->gsi);
            n_serial++;
            break;
        }
        case VIREO_DEV_RTC: {
            guint16 port = d->io_base ? d->io_base : 0x70;
            guint8 len = 2;
            dsdt_isa_device(sb, "RTC", "PNP0B00", 0, &port, &len, 1, d->gsi);
            break;
        }
        case VIREO_DEV_I8042: {
            guint16 base = d->io_base ? d->io_base : 0x60;
            const guint16 ports[2] = { base, base + 4 };
            const guint8 lens[2] = { 1, 1 };
            dsdt_isa_device(sb, "KBD", "PNP0303", 0, ports, lens, 2, d->gsi);
            break;
        }
        default:
            break;
        }
    }
}

/* The pvpanic ISA port, where Linux's pvpanic driver looks for it. */
static void
dsdt_panic(GByteArray *sb, const VireoDeviceDesc *d)
{
    GByteArray *dev = vireo_aml_new();
    GByteArray *crs = vireo_aml_new();
    vireo_aml_name(dev, "_HID", aml_str("QEMU0001"));
    vireo_aml_name(dev, "_STA", aml_int(0x0b));     /* present, enabled, not shown */
    vireo_aml_res_io(crs, d->io_base ? d->io_base : 0x505, 1);
    vireo_aml_name(dev, "_CRS", aml_resources(crs));
    vireo_aml_device(sb, "PEVT", dev);
}

static const VireoDeviceDesc *
find_device(const VireoMachineDesc *desc, VireoDeviceKind kind)
{
    for (guint i = 0; desc->devices && i < desc->devices->len; i++) {
        const VireoDeviceDesc *d = g_ptr_array_index(desc->devices, i);
        if (d->kind == kind)
            return d;
    }
    return NULL;
}

static gsize
build_dsdt(AcpiBuild *ab)
{
    gsize off = table_begin(ab, "DSDT", 2, 16);     /* rev 2: 64-bit integers */
    GByteArray *sb = vireo_aml_new();
    GByteArray *aml = vireo_aml_new();
    GByteArray *s5 = vireo_aml_new();
    const VireoDeviceDesc *panic = find_device(ab->desc, VIREO_DEV_PANIC);
    guint8 typ = ab->desc->platform.s5_slp_typ;

    dsdt_processors(ab, sb);
    if (find_device(ab->desc, VIREO_DEV_PCI_HOST))
        dsdt_pci_host(ab, sb);
    dsdt_isa_devices(ab, sb);
    if (panic)
        dsdt_panic(sb, panic);
    vireo_aml_scope(aml, "\\_SB", sb);
    /* \_S5: SLP_TYPa, SLP_TYPb and two reserved fields. The power button is
     * the FADT's fixed-feature one, so no PNP0C0C device is needed. */
    for (guint i = 0; i < 4; i++)
        vireo_aml_integer(s5, i < 2 ? typ : 0);
    {
        GByteArray *pkg = vireo_aml_new();
        vireo_aml_package(pkg, 4, s5);
        vireo_aml_name(aml, "\\_S5", pkg);
    }
    g_byte_array_append(ab->b, aml->data, aml->len);
    g_byte_array_unref(aml);
    table_end(ab, off);
    return off;
}

/* ---- FADT -------------------------------------------------------------- */

static guint16
fadt_boot_arch(const VireoMachineDesc *desc)
{
    guint16 v = BOOT_ARCH_LEGACY_DEVICES;
    if (find_device(desc, VIREO_DEV_I8042))
        v |= BOOT_ARCH_8042;
    if (!find_device(desc, VIREO_DEV_VIDEO))
        v |= BOOT_ARCH_VGA_NOT_PRESENT;
    return v;
}

static gsize
build_fadt(AcpiBuild *ab, gsize facs, gsize dsdt)
{
    const VireoPlatformDesc *p = &ab->desc->platform;
    gsize off = table_begin(ab, "FACP", FADT_REVISION, 16);
    GByteArray *b = ab->b;

    /* ACPI 6: FIRMWARE_CTRL must be 0 when X_FIRMWARE_CTRL is set (Linux
     * otherwise installs the FACS twice); DSDT may repeat X_DSDT, which
     * readers of the 1.0 layout still use. */
    put(b, 0, 4);                           /* FIRMWARE_CTRL */
    put(b, gpa_of(ab, dsdt), 4);            /* DSDT */
    put(b, 0, 1);                           /* reserved */
    put(b, 0, 1);                           /* preferred PM profile: unspecified */
    put(b, p->sci_irq, 2);                  /* SCI_INT */
    put(b, 0, 4);                           /* SMI_CMD: ACPI is always on */
    put(b, 0, 1);                           /* ACPI_ENABLE */
    put(b, 0, 1);                           /* ACPI_DISABLE */
    put(b, 0, 1);                           /* S4BIOS_REQ */
    put(b, 0, 1);                           /* PSTATE_CNT */
    put(b, p->pm1a_evt_port, 4);            /* PM1a_EVT_BLK */
    put(b, 0, 4);                           /* PM1b_EVT_BLK */
    put(b, p->pm1a_cnt_port, 4);            /* PM1a_CNT_BLK */
    put(b, 0, 4);                           /* PM1b_CNT_BLK */
    put(b, 0, 4);                           /* PM2_CNT_BLK */
    put(b, p->pm_tmr_port, 4);              /* PM_TMR_BLK */
    put(b, 0, 4);                           /* GPE0_BLK */
    put(b, 0, 4);                           /* GPE1_BLK */
    put(b, 4, 1);                           /* PM1_EVT_LEN */
    put(b, 2, 1);                           /* PM1_CNT_LEN */
    put(b, 0, 1);                           /* PM2_CNT_LEN */
    put(b, 4, 1);                           /* PM_TMR_LEN */
    put(b, 0, 1);                           /* GPE0_BLK_LEN */
    put(b, 0, 1);                           /* GPE1_BLK_LEN */
    put(b, 0, 1);                           /* GPE1_BASE */
    put(b, 0, 1);                           /* CST_CNT */
    put(b, 0x0fff, 2);                      /* P_LVL2_LAT: C2 not supported */
    put(b, 0x0fff, 2);                      /* P_LVL3_LAT: C3 not supported */
    put(b, 0, 2);                           /* FLUSH_SIZE */
    put(b, 0, 2);                           /* FLUSH_STRIDE */
    put(b, 0, 1);                           /* DUTY_OFFSET */
    put(b, 0, 1);                           /* DUTY_WIDTH */
    put(b, 0, 1);                           /* DAY_ALRM */
    put(b, 0, 1);                           /* MON_ALRM */
    put(b, 0x32, 1);                        /* CENTURY: CMOS index */
    put(b, fadt_boot_arch(ab->desc), 2);    /* IAPC_BOOT_ARCH */
    put(b, 0, 1);                           /* reserved */
    put(b, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
           FADT_F_TMR_VAL_EXT | FADT_F_RESET_REG_SUP, 4);
    put_gas(b, GAS_SYSTEM_IO, 8, 1, p->reset_port);    /* RESET_REG */
    put(b, p->reset_value, 1);              /* RESET_VALUE */
    put(b, 0, 2);                           /* ARM_BOOT_ARCH */
    put(b, FADT_MINOR, 1);                  /* FADT minor version */
    put(b, gpa_of(ab, facs), 8);            /* X_FIRMWARE_CTRL */
    put(b, gpa_of(ab, dsdt), 8);            /* X_DSDT */
    put_gas(b, GAS_SYSTEM_IO, 32, 2, p->pm1a_evt_port);  /* X_PM1a_EVT_BLK */
    put_gas(b, 0, 0, 0, 0);                 /* X_PM1b_EVT_BLK */
    put_gas(b, GAS_SYSTEM_IO, 16, 2, p->pm1a_cnt_port);  /* X_PM1a_CNT_BLK */
    put_gas(b, 0, 0, 0, 0);                 /* X_PM1b_CNT_BLK */
    put_gas(b, 0, 0, 0, 0);                 /* X_PM2_CNT_BLK */
    put_gas(b, GAS_SYSTEM_IO, 32, 3, p->pm_tmr_port);    /* X_PM_TMR_BLK */
    put_gas(b, 0, 0, 0, 0);                 /* X_GPE0_BLK */
    put_gas(b, 0, 0, 0, 0);                 /* X_GPE1_BLK */
    put_gas(b, 0, 0, 0, 0);                 /* SLEEP_CONTROL_REG */
    put_gas(b, 0, 0, 0, 0);                 /* SLEEP_STATUS_REG */
    put_str(b, "VIREOKVM", 8);              /* hypervisor vendor identity */
    g_assert(b->len - off == FADT_SIZE);
    table_end(ab, off);
    return off;
}

/* ---- MADT -------------------------------------------------------------- */

static void
madt_cpu(GByteArray *b, const VireoVcpuDesc *v)
{
    guint32 flags = v->present ? MADT_ENABLED : MADT_ONLINE_CAPABLE;
    /* 8-bit entries cannot hold APIC ID 255 (broadcast) or above. */
    if (v->apic_id < 0xff && v->index < 0xff) {
        put(b, MADT_LOCAL_APIC, 1);
        put(b, 8, 1);
        put(b, v->index, 1);                /* ACPI processor UID */
        put(b, v->apic_id, 1);
        put(b, flags, 4);
    } else {
        put(b, MADT_LOCAL_X2APIC, 1);
        put(b, 16, 1);
        put(b, 0, 2);
        put(b, v->apic_id, 4);
        put(b, flags, 4);
        put(b, v->index, 4);                /* ACPI processor UID */
    }
}

static void
madt_iso(GByteArray *b, guint8 irq, guint32 gsi, guint16 flags)
{
    put(b, MADT_ISO, 1);
    put(b, 10, 1);
    put(b, 0, 1);                           /* bus: ISA */
    put(b, irq, 1);
    put(b, gsi, 4);
    put(b, flags, 2);
}

static gsize
build_madt(AcpiBuild *ab)
{
    const VireoMachineDesc *desc = ab->desc;
    const GPtrArray *vcpus = desc->cpu.vcpus;
    gsize off = table_begin(ab, "APIC", MADT_REVISION, 16);
    GByteArray *b = ab->b;
    gboolean any_x2apic = FALSE;
    guint n = vcpus ? vcpus->len : 0;

    put(b, desc->platform.lapic_addr ? desc->platform.lapic_addr : 0xfee00000, 4);
    put(b, MADT_PCAT_COMPAT, 4);
    for (guint i = 0; i < n; i++) {
        const VireoVcpuDesc *v = g_ptr_array_index(vcpus, i);
        madt_cpu(b, v);
        any_x2apic |= v->apic_id >= 0xff || v->index >= 0xff;
    }
    put(b, MADT_IO_APIC, 1);
    put(b, 12, 1);
    put(b, n < 0xff ? n : 0, 1);            /* IOAPIC id: after the CPUs' */
    put(b, 0, 1);
    put(b, desc->platform.ioapic_addr ? desc->platform.ioapic_addr : 0xfec00000, 4);
    put(b, 0, 4);                           /* GSI base */
    madt_iso(b, 0, 2, 0);                   /* the PIT's IRQ0 is IOAPIC pin 2 */
    madt_iso(b, desc->platform.sci_irq, desc->platform.sci_irq, MPS_INTI_HIGH_LEVEL);
    /* NMI on LINT1 of every processor. */
    put(b, MADT_LOCAL_APIC_NMI, 1);
    put(b, 6, 1);
    put(b, 0xff, 1);                        /* all processors */
    put(b, 0, 2);
    put(b, 1, 1);                           /* LINT1 */
    if (any_x2apic) {
        put(b, MADT_X2APIC_NMI, 1);
        put(b, 12, 1);
        put(b, 0, 2);
        put(b, 0xffffffffu, 4);             /* all processors */
        put(b, 1, 1);
        put(b, 0, 3);
    }
    table_end(ab, off);
    return off;
}

/* ---- MCFG (q35 ECAM) --------------------------------------------------- */

static gsize
build_mcfg(AcpiBuild *ab)
{
    const VireoMemoryDesc *mem = &ab->desc->mem;
    gsize off = table_begin(ab, "MCFG", 1, 16);
    put(ab->b, 0, 8);                       /* reserved */
    put(ab->b, mem->ecam_base, 8);
    put(ab->b, 0, 2);                       /* segment */
    put(ab->b, 0, 1);                       /* start bus */
    put(ab->b, MIN(mem->ecam_size >> 20, 256) - 1, 1);   /* 1 MiB per bus */
    put(ab->b, 0, 4);
    table_end(ab, off);
    return off;
}

/* ---- RSDT, XSDT, RSDP -------------------------------------------------- */

static gsize
build_sdt(AcpiBuild *ab, const char *sig, const gsize *tables, guint n, guint width)
{
    gsize off = table_begin(ab, sig, 1, 16);
    for (guint i = 0; i < n; i++)
        put(ab->b, gpa_of(ab, tables[i]), width);
    table_end(ab, off);
    return off;
}

static void
build_rsdp(AcpiBuild *ab, gsize rsdp, gsize rsdt, gsize xsdt)
{
    guint8 *r = ab->b->data + rsdp;
    VireoAcpiTableInfo info = { "RSDP", rsdp, VIREO_ACPI_RSDP_SIZE };

    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, ACPI_OEM_ID, 6);
    r[15] = 2;                              /* revision: ACPI 2.0+ */
    set(ab->b, rsdp + 16, gpa_of(ab, rsdt), 4);
    set(ab->b, rsdp + 20, VIREO_ACPI_RSDP_SIZE, 4);
    set(ab->b, rsdp + 24, gpa_of(ab, xsdt), 8);
    r[8] = checksum(r, 20);                 /* ACPI 1.0 part */
    r[32] = checksum(r, VIREO_ACPI_RSDP_SIZE);
    g_array_prepend_val(ab->tables, info);
}

VireoAcpiTables *
vireo_acpi_build(const VireoMachineDesc *desc, guint64 base_gpa, GError **error)
{
    g_autoptr(VireoAcpiTables) t = g_new0(VireoAcpiTables, 1);
    AcpiBuild ab = { desc, NULL, base_gpa, NULL };
    gsize rsdp, facs, dsdt, sdt[3], rsdt, xsdt;
    guint n = 0;
    static const guint8 zero[VIREO_ACPI_RSDP_SIZE];

    if (base_gpa % 16 || base_gpa + 0x10000 > G_GUINT64_CONSTANT(0x100000000)) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("ACPI tables cannot be placed at 0x%llx"),
                        (unsigned long long)base_gpa);
        return NULL;
    }
    t->blob = ab.b = g_byte_array_new();
    t->tables = ab.tables = g_array_new(FALSE, TRUE, sizeof(VireoAcpiTableInfo));
    t->base_gpa = base_gpa;
    rsdp = 0;
    g_byte_array_append(ab.b, zero, sizeof(zero));
    facs = build_facs(&ab);
    dsdt = build_dsdt(&ab);
    sdt[n++] = build_fadt(&ab, facs, dsdt);
    sdt[n++] = build_madt(&ab);
    if (desc->mem.ecam_size)
        sdt[n++] = build_mcfg(&ab);
    rsdt = build_sdt(&ab, "RSDT", sdt, n, 4);
    xsdt = build_sdt(&ab, "XSDT", sdt, n, 8);
    build_rsdp(&ab, rsdp, rsdt, xsdt);
    return g_steal_pointer(&t);
}

void
vireo_acpi_tables_free(VireoAcpiTables *t)
{
    if (!t)
        return;
    if (t->blob)
        g_byte_array_unref(t->blob);
    if (t->tables)
        g_array_unref(t->tables);
    g_free(t);
}

const VireoAcpiTableInfo *
vireo_acpi_tables_find(const VireoAcpiTables *t, const char *signature)
{
    for (guint i = 0; i < t->tables->len; i++) {
        const VireoAcpiTableInfo *info = &g_array_index(t->tables, VireoAcpiTableInfo, i);
        if (strncmp(info->signature, signature, 4) == 0)
            return info;
    }
    return NULL;
}

guint64
vireo_acpi_tables_rsdp_gpa(const VireoAcpiTables *t)
{
    return t->base_gpa + vireo_acpi_tables_find(t, "RSDP")->offset;
}

gboolean
vireo_acpi_install(const VireoHwContext *hw, guint64 *rsdp_gpa, GError **error)
{
    const VireoMachineDesc *desc = hw->desc;
    g_autoptr(VireoAcpiTables) t = vireo_acpi_build(desc, desc->mem.acpi_base, error);
    guint8 *dst, *legacy;

    if (!t)
        return FALSE;
    if (t->blob->len > desc->mem.acpi_size ||
        !(dst = hw->gpa_to_hva(hw->opaque, desc->mem.acpi_base, t->blob->len))) {
        vireo_error_set(error, VIREO_ERR_INTERNAL_ERROR,
                        _("ACPI tables (%u bytes) do not fit guest RAM at 0x%llx (%llu bytes reserved)"),
                        t->blob->len, (unsigned long long)desc->mem.acpi_base,
                        (unsigned long long)desc->mem.acpi_size);
        return FALSE;
    }
    memcpy(dst, t->blob->data, t->blob->len);
    /* The RSDP holds absolute addresses only, so a copy works anywhere. */
    legacy = hw->gpa_to_hva(hw->opaque, VIREO_ACPI_LEGACY_RSDP_GPA, VIREO_ACPI_RSDP_SIZE);
    if (legacy)
        memcpy(legacy, t->blob->data + vireo_acpi_tables_find(t, "RSDP")->offset,
               VIREO_ACPI_RSDP_SIZE);
    *rsdp_gpa = vireo_acpi_tables_rsdp_gpa(t);
    return TRUE;
}
