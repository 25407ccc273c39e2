/* Unit tests for the tricky parts of src/conf: memory units and overflow,
 * refusing what vireo does not model (with the element and its line),
 * generated MACs / UUIDs / genids, line numbers kept for validation,
 * libvirt's bitmap and disk-name rules. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "util/vireo-error.h"

/* A domain with BODY spliced in after <os>; line 5 is the first BODY line. */
static char *
domain_with(const char *memory, const char *body)
{
    return g_strdup_printf("<domain type='kvm'>\n"
                           "  <name>unit</name>\n"
                           "  %s\n"
                           "  <os><type arch='x86_64'>hvm</type></os>\n"
                           "%s"
                           "</domain>\n", memory, body);
}

static VireoDomainDef *
parse(const char *xml, GError **error)
{
    return vireo_domain_def_parse_string(xml, "unit.xml", VIREO_DOMAIN_PARSE_NONE, error);
}

static void
test_memory_units(void)
{
    static const struct { const char *unit; guint64 value; guint64 kib; } cases[] = {
        { "b", 1048576, 1024 }, { "bytes", 1025, 2 }, { "KB", 1000, 977 },
        { "k", 5, 5 }, { "KiB", 7, 7 }, { "MB", 1, 977 }, { "M", 3, 3072 },
        { "MiB", 2048, 2097152 }, { "GB", 1, 976563 }, { "G", 2, 2097152 },
        { "GiB", 1, 1048576 }, { "TB", 1, 976562500 }, { "T", 1, 1073741824 },
        { "TiB", 2, 2147483648ULL }, { NULL, 4096, 4096 },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *mem = cases[i].unit ?
            g_strdup_printf("<memory unit='%s'>%" G_GUINT64_FORMAT "</memory>",
                            cases[i].unit, cases[i].value) :
            g_strdup_printf("<memory>%" G_GUINT64_FORMAT "</memory>", cases[i].value);
        g_autofree char *xml = domain_with(mem, "");
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoDomainDef) def = parse(xml, &err);
        g_assert_no_error(err);
        g_assert_cmpuint(def->memory_kib, ==, cases[i].kib);
        /* post-parse: currentMemory defaults to memory */
        g_assert_cmpuint(def->current_memory_kib, ==, cases[i].kib);
    }
}

static void
test_memory_overflow(void)
{
    static const char *const bad[] = {
        "<memory unit='TiB'>99999999999</memory>",
        "<memory unit='EiB'>16</memory>",
        "<memory unit='b'>18446744073709551615</memory>",
        "<memory>18446744073709551616</memory>",
        "<memory unit='KiB'>-1</memory>",
        "<memory unit='parsecs'>1</memory>",
        "<memory unit='KiB'>12abc</memory>",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *xml = domain_with(bad[i], "");
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoDomainDef) def = parse(xml, &err);
        g_assert_null(def);
        g_assert_nonnull(err);
        /* the memory element is on line 3 */
        if (!strstr(err->message, "line 3"))
            g_error("'%s': error '%s' lacks the line", bad[i], err->message);
    }
}

static void
test_current_memory_capped(void)
{
    g_autofree char *xml = domain_with("<memory unit='MiB'>512</memory><currentMemory unit='GiB'>1</currentMemory>", "");
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = parse(xml, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(def->current_memory_kib, ==, 524288);
}

static void
expect_unsupported(const char *body, const char *text)
{
    g_autofree char *xml = domain_with("<memory>1024</memory>", body);
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = parse(xml, &err);
    g_assert_null(def);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
    if (!strstr(err->message, text))
        g_error("error '%s' lacks '%s'", err->message, text);
    /* FILE:LINE in front, then libvirt's wording for the code */
    g_assert_true(g_str_has_prefix(err->message, "unit.xml:"));
    g_assert_nonnull(strstr(err->message, ": unsupported configuration: "));
}

static void
test_unsupported(void)
{
    expect_unsupported("  <devices>\n    <hostdev mode='subsystem' type='pci'/>\n  </devices>\n",
                       "unit.xml:6: unsupported configuration: element 'hostdev' on line 6 is not supported");
    expect_unsupported("  <blkiotune><weight>500</weight></blkiotune>\n",
                       "element 'blkiotune' on line 5 is not supported");
    expect_unsupported("  <devices>\n    <disk type='file'>\n      <source file='/a' startupPolicy='optional'/>\n"
                       "      <target dev='vda'/>\n    </disk>\n  </devices>\n",
                       "attribute 'startupPolicy' of element 'source' on line 7 is not supported");
    expect_unsupported("  <devices>\n    <interface type='user'>\n      <link state='down'/>\n"
                       "    </interface>\n  </devices>\n",
                       "element 'link' on line 7 is not supported");
    expect_unsupported("  <features>\n    <smm state='on'/>\n  </features>\n",
                       "element 'smm' on line 6 is not supported");
    expect_unsupported("  <cpu>\n    <cache mode='passthrough'/>\n  </cpu>\n",
                       "element 'cache' on line 6 is not supported");
    expect_unsupported("  <clock offset='utc'>\n    <timer name='rtc'><catchup threshold='123'/></timer>\n  </clock>\n",
                       "element 'catchup' on line 6 is not supported");
}

/* A single element written twice is refused, not resolved by a guess. */
static void
test_duplicates(void)
{
    static const struct { const char *body; const char *text; } cases[] = {
        { "  <name>again</name>\n", "element 'name' on line 5 may appear only once in 'domain'" },
        { "  <devices>\n    <disk type='file'><source file='/a'/><target dev='vda'/>\n"
          "      <target dev='vdb'/></disk>\n  </devices>\n",
          "element 'target' on line 7 may appear only once in 'disk'" },
        { "  <devices>\n    <serial type='tcp'><source host='a' service='1'/>\n"
          "      <source host='b' service='2'/></serial>\n  </devices>\n",
          "element 'source' on line 7 may appear only once in 'serial'" },
        { "  <devices>\n    <memballoon model='virtio'/>\n    <memballoon model='none'/>\n  </devices>\n",
          "element 'memballoon' on line 7 may appear only once in 'devices'" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = domain_with("<memory>1024</memory>", cases[i].body);
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoDomainDef) def = parse(xml, &err);
        g_assert_null(def);
        g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
        if (!strstr(err->message, cases[i].text))
            g_error("error '%s' lacks '%s'", err->message, cases[i].text);
    }
}

/* Inside <metadata> anything namespaced is opaque and kept. */
static void
test_metadata_opaque(void)
{
    g_autofree char *xml = domain_with("<memory>1024</memory>",
        "  <metadata>\n    <x:hostdev xmlns:x='http://example.org/x' weird='1'><x:deep/></x:hostdev>\n  </metadata>\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = parse(xml, &err);
    g_autofree char *out = NULL;
    g_assert_no_error(err);
    out = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE);
    g_assert_nonnull(strstr(out, "<x:hostdev xmlns:x=\"http://example.org/x\" weird=\"1\">"));
    g_assert_nonnull(strstr(out, "      <x:deep/>\n"));
}

static void
test_generated_mac_uuid(void)
{
    g_autofree char *xml = domain_with("<memory>1024</memory>",
        "  <genid/>\n  <devices>\n    <interface type='user'/>\n    <interface type='user'/>\n"
        "    <interface type='user'><mac address='fa:16:3e:d1:2d:99'/></interface>\n  </devices>\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) a = parse(xml, &err);
    g_autoptr(VireoDomainDef) b = parse(xml, &err);
    VireoNetDef *n0, *n1, *n2;
    char mac[18];

    g_assert_no_error(err);
    n0 = g_ptr_array_index(a->nets, 0);
    n1 = g_ptr_array_index(a->nets, 1);
    n2 = g_ptr_array_index(a->nets, 2);
    g_assert_true(n0->mac_generated);
    g_assert_false(n2->mac_generated);
    g_assert_cmpmem(n0->mac, 3, "\x52\x54\x00", 3);
    g_assert_cmpmem(n1->mac, 3, "\x52\x54\x00", 3);
    g_assert_true(memcmp(n0->mac, n1->mac, 6) != 0);
    vireo_mac_format(n2->mac, mac);
    g_assert_cmpstr(mac, ==, "fa:16:3e:d1:2d:99");
    /* UUID: version 4, different each time; genid likewise */
    g_assert_cmpint(a->uuid[6] >> 4, ==, 4);
    g_assert_true(memcmp(a->uuid, b->uuid, 16) != 0);
    g_assert_true(a->has_genid && a->genid_generated);
    g_assert_true(memcmp(a->genid, b->genid, 16) != 0);
    g_assert_true(memcmp(a->genid, (guint8[16]){ 0 }, 16) != 0);
}

static void
test_mac_parse_format(void)
{
    guint8 mac[6];
    char s[18];
    g_assert_true(vireo_mac_parse("52:54:00:0a:BC:ff", mac));
    vireo_mac_format(mac, s);
    g_assert_cmpstr(s, ==, "52:54:00:0a:bc:ff");
    g_assert_true(vireo_mac_parse("2:4:0:a:b:c", mac));
    vireo_mac_format(mac, s);
    g_assert_cmpstr(s, ==, "02:04:00:0a:0b:0c");
    g_assert_false(vireo_mac_parse("52:54:00:0a:bc", mac));
    g_assert_false(vireo_mac_parse("52:54:00:0a:bc:ff:00", mac));
    g_assert_false(vireo_mac_parse("52-54-00-0a-bc-ff", mac));
    g_assert_false(vireo_mac_parse("5g:54:00:0a:bc:ff", mac));
    g_assert_false(vireo_mac_parse("", mac));
}

static void
test_lines_recorded(void)
{
    const char *xml =
        "<domain type='kvm'>\n"                                      /* 1 */
        "  <name>lines</name>\n"                                     /* 2 */
        "  <memory>1024</memory>\n"                                  /* 3 */
        "  <vcpu>2</vcpu>\n"                                         /* 4 */
        "  <os><type arch='x86_64'>hvm</type></os>\n"                /* 5 */
        "  <cpu><topology sockets='1' cores='2' threads='1'/></cpu>\n" /* 6 */
        "  <devices>\n"                                              /* 7 */
        "    <disk type='file'><source file='/a'/>\n"                /* 8 */
        "      <target dev='vda'/></disk>\n"                         /* 9 */
        "    <interface type='user'/>\n"                             /* 10 */
        "    <serial type='pty'/>\n"                                 /* 11 */
        "    <graphics type='vnc'/>\n"                               /* 12 */
        "  </devices>\n"
        "</domain>\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = parse(xml, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(def->lines.name, ==, 2);
    g_assert_cmpuint(def->lines.memory, ==, 3);
    g_assert_cmpuint(def->lines.vcpu, ==, 4);
    g_assert_cmpuint(def->os.line, ==, 5);
    g_assert_cmpuint(def->cpu->line, ==, 6);
    g_assert_cmpuint(def->lines.devices, ==, 7);
    g_assert_cmpuint(((VireoDiskDef *)g_ptr_array_index(def->disks, 0))->line, ==, 8);
    g_assert_cmpuint(((VireoNetDef *)g_ptr_array_index(def->nets, 0))->line, ==, 10);
    g_assert_cmpuint(((VireoChrDef *)g_ptr_array_index(def->serials, 0))->line, ==, 11);
    g_assert_cmpuint(((VireoGraphicsDef *)g_ptr_array_index(def->graphics, 0))->line, ==, 12);
    /* the console post-parse adds for the serial port came from no line */
    g_assert_cmpuint(((VireoChrDef *)g_ptr_array_index(def->consoles, 0))->line, ==, 0);
    /* the video post-parse adds for the graphics came from no line */
    g_assert_cmpuint(((VireoVideoDef *)g_ptr_array_index(def->videos, 0))->line, ==, 0);
}

static void
test_disk_name_index(void)
{
    g_assert_cmpint(vireo_disk_name_to_index("vda"), ==, 0);
    g_assert_cmpint(vireo_disk_name_to_index("hdc"), ==, 2);
    g_assert_cmpint(vireo_disk_name_to_index("sdz"), ==, 25);
    g_assert_cmpint(vireo_disk_name_to_index("sdaa"), ==, 26);
    g_assert_cmpint(vireo_disk_name_to_index("xvdb"), ==, 1);
    g_assert_cmpint(vireo_disk_name_to_index("vda1"), ==, 0);
    g_assert_cmpint(vireo_disk_name_to_index("nvme0"), ==, -1);
    g_assert_cmpint(vireo_disk_name_to_index("vd"), ==, -1);
    g_assert_cmpint(vireo_disk_name_to_index("vda1x"), ==, -1);
}

static void
test_bitmap_canonical(void)
{
    g_autofree char *xml = domain_with("<memory>1024</memory><vcpu cpuset='7,0-3,^2,5-5'>2</vcpu>", "");
    g_autofree char *bad = domain_with("<memory>1024</memory><vcpu cpuset='3-1'>2</vcpu>", "");
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = parse(xml, &err);
    g_autoptr(VireoDomainDef) def2 = NULL;
    g_assert_no_error(err);
    g_assert_cmpstr(def->cpuset, ==, "0-1,3,5,7");
    def2 = parse(bad, &err);
    g_assert_null(def2);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
}

static void
test_skip_postparse(void)
{
    g_autofree char *xml = domain_with("<memory>1024</memory>", "  <devices><interface type='user'/></devices>\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_string(xml, "unit.xml", VIREO_DOMAIN_PARSE_SKIP_POSTPARSE, &err);
    VireoNetDef *n;
    g_assert_no_error(err);
    n = g_ptr_array_index(def->nets, 0);
    /* nothing filled in: no MAC, no uuid, no currentMemory, lifecycle unset */
    g_assert_cmpmem(n->mac, 6, "\0\0\0\0\0\0", 6);
    g_assert_cmpmem(def->uuid, 16, (guint8[16]){ 0 }, 16);
    g_assert_cmpuint(def->current_memory_kib, ==, 0);
    g_assert_cmpint(def->on_crash, ==, VIREO_LIFECYCLE_UNSET);
}

static void
test_live_alias(void)
{
    const char *xml =
        "<domain type='kvm' id='7'>\n  <name>live</name>\n  <memory>1024</memory>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n  <devices>\n"
        "    <disk type='file'><source file='/a'/><target dev='vda'/><alias name='virtio-disk0'/></disk>\n"
        "    <disk type='file'><source file='/b'/><target dev='vdb'/><alias name='ua-data'/></disk>\n"
        "  </devices>\n</domain>\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_string(xml, "live.xml", VIREO_DOMAIN_PARSE_LIVE, &err);
    g_autofree char *live = NULL;
    g_autofree char *inactive = NULL;
    g_autoptr(VireoDomainDef) refused = NULL;
    g_assert_no_error(err);
    g_assert_cmpint(def->id, ==, 7);
    live = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_NONE);
    inactive = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE);
    g_assert_nonnull(strstr(live, "<domain type='kvm' id='7'>"));
    g_assert_nonnull(strstr(live, "<alias name='virtio-disk0'/>"));
    g_assert_null(strstr(inactive, "id='7'"));
    g_assert_null(strstr(inactive, "virtio-disk0"));
    /* user aliases belong to the configuration */
    g_assert_nonnull(strstr(inactive, "<alias name='ua-data'/>"));
    /* id= is runtime state: refused in a configuration */
    refused = vireo_domain_def_parse_string(xml, "live.xml", VIREO_DOMAIN_PARSE_NONE, &err);
    g_assert_null(refused);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_CONFIG_UNSUPPORTED);
}

/* A running domain's pty: path in <source> and, on the console, tty=. */
static void
test_live_pty(void)
{
    const char *xml =
        "<domain type='kvm' id='3'>\n  <name>pty</name>\n  <memory>1024</memory>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n  <devices>\n"
        "    <serial type='pty'><source path='/dev/pts/4'/><target port='0'/><alias name='serial0'/></serial>\n"
        "    <console type='pty' tty='/dev/pts/4'><source path='/dev/pts/4'/>"
        "<target type='serial' port='0'/><alias name='serial0'/></console>\n"
        "  </devices>\n</domain>\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_string(xml, "live.xml", VIREO_DOMAIN_PARSE_LIVE, &err);
    g_autofree char *live = NULL;
    g_autofree char *inactive = NULL;
    g_assert_no_error(err);
    live = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_NONE);
    inactive = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE);
    g_assert_nonnull(strstr(live, "<console type='pty' tty='/dev/pts/4'>\n      <source path='/dev/pts/4'/>"));
    g_assert_nonnull(strstr(live, "<serial type='pty'>\n      <source path='/dev/pts/4'/>"));
    g_assert_null(strstr(inactive, "/dev/pts/4"));
}

static void
test_vnc_passwd_secure(void)
{
    g_autofree char *xml = domain_with("<memory>1024</memory>",
        "  <devices><graphics type='vnc' passwd='top&amp;secret'/></devices>\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = parse(xml, &err);
    g_autofree char *plain = NULL;
    g_autofree char *secure = NULL;
    g_assert_no_error(err);
    plain = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE);
    secure = vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE | VIREO_DOMAIN_FORMAT_SECURE);
    g_assert_null(strstr(plain, "passwd"));
    g_assert_nonnull(strstr(secure, "passwd='top&amp;secret'"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conf/memory/units", test_memory_units);
    g_test_add_func("/conf/memory/overflow", test_memory_overflow);
    g_test_add_func("/conf/memory/current-capped", test_current_memory_capped);
    g_test_add_func("/conf/unsupported", test_unsupported);
    g_test_add_func("/conf/duplicates", test_duplicates);
    g_test_add_func("/conf/metadata-opaque", test_metadata_opaque);
    g_test_add_func("/conf/generated/mac-uuid-genid", test_generated_mac_uuid);
    g_test_add_func("/conf/mac/parse-format", test_mac_parse_format);
    g_test_add_func("/conf/lines", test_lines_recorded);
    g_test_add_func("/conf/disk-name-index", test_disk_name_index);
    g_test_add_func("/conf/bitmap", test_bitmap_canonical);
    g_test_add_func("/conf/skip-postparse", test_skip_postparse);
    g_test_add_func("/conf/live-alias", test_live_alias);
    g_test_add_func("/conf/vnc-passwd-secure", test_vnc_passwd_secure);
    g_test_add_func("/conf/live-pty", test_live_pty);
    return g_test_run();
}
