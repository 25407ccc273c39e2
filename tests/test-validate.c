/* Tests for src/conf/domain_validate.c on definitions built in code, so
 * each check is exercised alone, independent of the parser: the problem is
 * found, its message is libvirt's, and it carries FILE:LINE of the struct
 * that caused it. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_validate.h"
#include "util/vireo-error.h"

/* A valid domain on the stack: everything the checks read is set. */
typedef struct {
    VireoDomainDef def;
    VireoCpuDef cpu;
    VireoDiskDef disks[3];
    VireoNetDef nets[3];
    VireoControllerDef ctls[2];
    VireoVideoDef videos[2];
    VireoCpuFeatureDef features[2];
    VireoNumaCell cells[2];
} Fixture;

static void
fixture_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->def.name = (char *)"guest";
    f->def.virt_type = VIREO_DOMAIN_VIRT_KVM;
    f->def.memory_kib = 1048576;
    f->def.current_memory_kib = 1048576;
    f->def.vcpus = 8;
    f->def.current_vcpus = 8;
    f->def.lines.domain = 1;
    f->def.lines.name = 2;
    f->def.lines.memory = 3;
    f->def.lines.current_memory = 4;
    f->def.lines.vcpu = 5;
    f->def.lines.max_memory = 6;
    f->def.on_poweroff = VIREO_LIFECYCLE_DESTROY;
    f->def.on_reboot = VIREO_LIFECYCLE_RESTART;
    f->def.on_crash = VIREO_LIFECYCLE_DESTROY;
    f->cpu.line = 10;
    f->cpu.has_topology = TRUE;
    f->cpu.sockets = 2;
    f->cpu.dies = 1;
    f->cpu.cores = 2;
    f->cpu.threads = 2;
    f->def.cpu = &f->cpu;
    f->def.disks = g_ptr_array_new();
    f->def.nets = g_ptr_array_new();
    f->def.controllers = g_ptr_array_new();
    f->def.videos = g_ptr_array_new();
    f->cpu.features = g_ptr_array_new();
    f->cpu.numa = g_ptr_array_new();
}

static void
fixture_clear(Fixture *f)
{
    g_ptr_array_unref(f->def.disks);
    g_ptr_array_unref(f->def.nets);
    g_ptr_array_unref(f->def.controllers);
    g_ptr_array_unref(f->def.videos);
    g_ptr_array_unref(f->cpu.features);
    g_ptr_array_unref(f->cpu.numa);
}

static VireoDiskDef *
add_disk(Fixture *f, guint i, const char *dst, const char *src, guint line)
{
    VireoDiskDef *d = &f->disks[i];
    d->dst = (char *)dst;
    d->src_path = (char *)src;
    d->bus = VIREO_DISK_BUS_VIRTIO;
    d->line = line;
    g_ptr_array_add(f->def.disks, d);
    return d;
}

static VireoNetDef *
add_net(Fixture *f, guint i, const char *mac, guint line)
{
    VireoNetDef *n = &f->nets[i];
    n->type = VIREO_NET_TYPE_BRIDGE;
    g_assert_cmpint(sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &n->mac[0], &n->mac[1],
                           &n->mac[2], &n->mac[3], &n->mac[4], &n->mac[5]), ==, 6);
    n->line = line;
    g_ptr_array_add(f->def.nets, n);
    return n;
}

/* Runs all checks; asserts exactly one problem whose message is
 * "dom.xml:LINE: expected". */
static void
assert_one_problem(Fixture *f, guint line, const char *expected)
{
    g_autoptr(GPtrArray) problems = vireo_domain_def_validate_all(&f->def, "dom.xml");
    g_autofree char *want = g_strdup_printf("dom.xml:%u: %s", line, expected);
    g_autoptr(GError) first = NULL;

    for (guint i = 0; i < problems->len; i++)
        g_test_message("problem: %s", ((GError *)g_ptr_array_index(problems, i))->message);
    g_assert_cmpuint(problems->len, ==, 1);
    g_assert_cmpstr(((GError *)g_ptr_array_index(problems, 0))->message, ==, want);
    /* The single-error entry points agree with the list. */
    g_assert_false(vireo_domain_def_validate_at(&f->def, "dom.xml", &first));
    g_assert_cmpstr(first->message, ==, want);
    g_clear_error(&first);
    g_assert_false(vireo_domain_def_validate(&f->def, &first));
    g_assert_cmpstr(first->message, ==, expected);
}

static void
test_valid(void)
{
    Fixture f;
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) err = NULL;

    fixture_init(&f);
    add_disk(&f, 0, "vda", "/a.qcow2", 20);
    add_disk(&f, 1, "vdb", "/b.qcow2", 24);
    add_net(&f, 0, "52:54:00:00:00:01", 30);
    add_net(&f, 1, "fa:16:3e:d1:2d:99", 34);
    problems = vireo_domain_def_validate_all(&f.def, "dom.xml");
    g_assert_cmpuint(problems->len, ==, 0);
    g_assert_true(vireo_domain_def_validate(&f.def, &err));
    g_assert_no_error(err);
    fixture_clear(&f);
}

static void
test_topology(void)
{
    Fixture f;
    fixture_init(&f);
    f.cpu.threads = 1;   /* 2 * 1 * 2 * 1 = 4 != 8 */
    assert_one_problem(&f, 10, "unsupported configuration: CPU topology doesn't match maximum vcpu count");
    /* A huge product must not wrap around to the vcpu count. */
    f.cpu.sockets = 65536;
    f.cpu.cores = 65536;
    f.cpu.threads = 1;
    f.def.vcpus = f.def.current_vcpus = 0;   /* 2^32 wraps to 0 in 32 bits */
    {
        g_autoptr(GPtrArray) problems = vireo_domain_def_validate_all(&f.def, "dom.xml");
        g_assert_cmpuint(problems->len, >=, 1);
    }
    f.def.vcpus = f.def.current_vcpus = 1;
    assert_one_problem(&f, 10, "unsupported configuration: CPU topology doesn't match maximum vcpu count");
    fixture_clear(&f);
}

static void
test_current_vcpus(void)
{
    Fixture f;
    fixture_init(&f);
    f.def.current_vcpus = 9;
    assert_one_problem(&f, 5, "unsupported configuration: maximum vCPU count must not be less than current vCPU count");
    fixture_clear(&f);
}

static void
test_no_vcpus(void)
{
    Fixture f;
    fixture_init(&f);
    f.def.cpu = NULL;
    f.def.vcpus = f.def.current_vcpus = 0;
    assert_one_problem(&f, 5, "XML error: maximum vcpus count must be an integer");
    fixture_clear(&f);
}

static void
test_memory(void)
{
    Fixture f;
    fixture_init(&f);
    f.def.current_memory_kib = f.def.memory_kib + 1;
    assert_one_problem(&f, 4, "XML error: current memory '1048577k' exceeds maximum '1048576k'");
    f.def.current_memory_kib = f.def.memory_kib;
    f.def.max_memory_kib = 1024;
    assert_one_problem(&f, 6, "XML error: maximum memory size must be equal or greater than the actual memory size");
    f.def.max_memory_kib = 0;
    f.def.memory_kib = f.def.current_memory_kib = 0;
    assert_one_problem(&f, 3, "XML error: Memory size must be specified via <memory> or in the <numa> configuration");
    fixture_clear(&f);
}

static void
test_names(void)
{
    Fixture f;
    g_autofree char *longname = g_strnfill(VIREO_DOMAIN_NAME_MAX + 1, 'a');
    g_autofree char *maxname = g_strnfill(VIREO_DOMAIN_NAME_MAX, 'a');
    g_autoptr(GPtrArray) ok = NULL;

    fixture_init(&f);
    f.def.name = (char *)"web/1";
    assert_one_problem(&f, 2, "XML error: name web/1 cannot contain '/'");
    f.def.name = (char *)".hidden";
    assert_one_problem(&f, 2, "XML error: name .hidden cannot start with '.'");
    f.def.name = (char *)"";
    assert_one_problem(&f, 2, "XML error: missing name information");
    f.def.name = NULL;
    assert_one_problem(&f, 2, "XML error: missing name information");
    f.def.name = longname;
    assert_one_problem(&f, 2, "XML error: name is 256 bytes long, more than the limit of 255");
    f.def.name = (char *)"a\nb";
    assert_one_problem(&f, 2, "XML error: invalid char in name: 0x0a");
    f.def.name = maxname;
    ok = vireo_domain_def_validate_all(&f.def, "dom.xml");
    g_assert_cmpuint(ok->len, ==, 0);
    fixture_clear(&f);
}

static void
test_disk_target_dup(void)
{
    Fixture f;
    fixture_init(&f);
    add_disk(&f, 0, "vda", "/var/lib/a.qcow2", 20);
    add_disk(&f, 1, "vdb", "/var/lib/b.qcow2", 24);
    add_disk(&f, 2, "vda", "/var/lib/c.qcow2", 28);
    assert_one_problem(&f, 28, "XML error: target 'vda' duplicated for disk sources '/var/lib/a.qcow2' and '/var/lib/c.qcow2'");
    fixture_clear(&f);
}

static void
test_macs(void)
{
    Fixture f;
    fixture_init(&f);
    add_net(&f, 0, "52:54:00:aa:bb:cc", 30);
    add_net(&f, 1, "52:54:00:AA:BB:CC", 34);
    assert_one_problem(&f, 34, "XML error: MAC address '52:54:00:aa:bb:cc' is used by more than one interface");
    fixture_clear(&f);

    fixture_init(&f);
    add_net(&f, 0, "01:00:5e:00:00:fb", 30);
    assert_one_problem(&f, 30, "XML error: expected unicast mac address, found multicast '01:00:5e:00:00:fb'");
    fixture_clear(&f);

    /* Not yet assigned (all zero before post-parse) is neither. */
    fixture_init(&f);
    add_net(&f, 0, "00:00:00:00:00:00", 30);
    add_net(&f, 1, "00:00:00:00:00:00", 34);
    {
        g_autoptr(GPtrArray) problems = vireo_domain_def_validate_all(&f.def, "dom.xml");
        g_assert_cmpuint(problems->len, ==, 0);
    }
    fixture_clear(&f);
}

static void
test_cpu_features(void)
{
    Fixture f;
    fixture_init(&f);
    f.features[0].name = (char *)"vmx";
    f.features[0].policy = (VireoCpuFeaturePolicy)42;
    g_ptr_array_add(f.cpu.features, &f.features[0]);
    assert_one_problem(&f, 10, "XML error: Invalid CPU feature policy");
    f.features[0].policy = VIREO_CPU_FEATURE_REQUIRE;
    f.features[1].name = (char *)"vmx";
    f.features[1].policy = VIREO_CPU_FEATURE_DISABLE;
    g_ptr_array_add(f.cpu.features, &f.features[1]);
    assert_one_problem(&f, 10, "XML error: CPU feature 'vmx' specified more than once");
    fixture_clear(&f);
}

static void
test_numa(void)
{
    Fixture f;
    fixture_init(&f);
    f.cells[0].cpus = (char *)"0-3";
    f.cells[1].cpus = (char *)"4-8";
    g_ptr_array_add(f.cpu.numa, &f.cells[0]);
    g_ptr_array_add(f.cpu.numa, &f.cells[1]);
    assert_one_problem(&f, 10, "XML error: Number of CPUs in <numa> exceeds the <vcpu> count");
    f.cells[1].cpus = (char *)"4-x";
    assert_one_problem(&f, 10, "XML error: Invalid 'cpus' attribute in NUMA cell: '4-x'");
    f.cells[1].cpus = (char *)"4-7";
    {
        g_autoptr(GPtrArray) problems = vireo_domain_def_validate_all(&f.def, "dom.xml");
        g_assert_cmpuint(problems->len, ==, 0);
    }
    fixture_clear(&f);
}

static void
test_boot(void)
{
    Fixture f;
    fixture_init(&f);
    add_disk(&f, 0, "vda", "/a", 20)->boot_order = 1;
    add_net(&f, 0, "52:54:00:00:00:01", 30)->boot_order = 1;
    assert_one_problem(&f, 30, "XML error: boot order '1' used for more than one device");
    f.nets[0].boot_order = 2;
    f.def.os.nboot = 1;
    f.def.os.boot[0] = VIREO_BOOT_DISK;
    assert_one_problem(&f, 20, "unsupported configuration: per-device boot elements cannot be used together with os/boot elements");
    f.def.os.nboot = 0;
    f.def.os.line = 7;
    f.def.os.has_bootmenu_timeout = TRUE;
    f.def.os.bootmenu_timeout = 65536;
    assert_one_problem(&f, 7, "unsupported configuration: invalid value for boot menu timeout, must be in range [0,65535]");
    f.def.os.bootmenu_timeout = 0;
    f.def.os.has_reboot_timeout = TRUE;
    f.def.os.reboot_timeout = -2;
    assert_one_problem(&f, 7, "unsupported configuration: invalid value for rebootTimeout, must be in range [-1,65535]");
    fixture_clear(&f);
}

static void
test_os(void)
{
    Fixture f;
    fixture_init(&f);
    f.def.os.line = 7;
    f.def.os.type = (char *)"hvm";
    f.def.os.arch = (char *)"aarch64";
    assert_one_problem(&f, 7, "unsupported configuration: Unknown architecture aarch64");
    f.def.os.arch = (char *)"i686";
    f.def.os.type = (char *)"xen";
    assert_one_problem(&f, 7, "unsupported configuration: unknown OS type 'xen'");
    fixture_clear(&f);
}

static void
test_controllers_and_video(void)
{
    Fixture f;
    fixture_init(&f);
    f.ctls[0].type = f.ctls[1].type = VIREO_CONTROLLER_TYPE_USB;
    f.ctls[0].line = 40;
    f.ctls[1].line = 41;
    g_ptr_array_add(f.def.controllers, &f.ctls[0]);
    g_ptr_array_add(f.def.controllers, &f.ctls[1]);
    assert_one_problem(&f, 41, "XML error: Multiple 'usb' controllers with index '0'");
    f.ctls[1].idx = 1;
    f.videos[0].primary = f.videos[1].primary = VIREO_TRISTATE_YES;
    f.videos[0].line = 50;
    f.videos[1].line = 53;
    g_ptr_array_add(f.def.videos, &f.videos[0]);
    g_ptr_array_add(f.def.videos, &f.videos[1]);
    assert_one_problem(&f, 53, "XML error: Only one primary video device is supported");
    fixture_clear(&f);
}

/* Values outside an enum (a definition built in code) are caught before
 * the formatter would index past its table. */
static void
test_enum_ranges(void)
{
    Fixture f;
    fixture_init(&f);
    add_disk(&f, 0, "vda", "/a", 20)->bus = VIREO_DISK_BUS_LAST;
    assert_one_problem(&f, 20, "internal error: unknown disk bus value 10");
    f.disks[0].bus = VIREO_DISK_BUS_VIRTIO;
    f.def.virt_type = (VireoDomainVirtType)7;
    assert_one_problem(&f, 1, "internal error: unknown domain type value 7");
    f.def.virt_type = VIREO_DOMAIN_VIRT_QEMU;
    f.def.on_crash = VIREO_LIFECYCLE_LAST;
    f.def.lines.on_crash = 9;
    assert_one_problem(&f, 9, "internal error: unknown on_crash action value 6");
    fixture_clear(&f);
}

/* Several problems are all reported, in a stable order. */
static void
test_all_problems(void)
{
    Fixture f;
    g_autoptr(GPtrArray) problems = NULL;

    fixture_init(&f);
    f.def.name = (char *)"a/b";
    f.def.current_vcpus = 9;
    f.cpu.threads = 1;
    add_disk(&f, 0, "vda", "/a", 20);
    add_disk(&f, 1, "vda", "/b", 24);
    add_net(&f, 0, "03:00:00:00:00:01", 30);
    problems = vireo_domain_def_validate_all(&f.def, "dom.xml");
    g_assert_cmpuint(problems->len, ==, 5);
    g_assert_true(g_str_has_prefix(((GError *)problems->pdata[0])->message, "dom.xml:2: "));
    g_assert_true(g_str_has_prefix(((GError *)problems->pdata[1])->message, "dom.xml:5: "));
    g_assert_true(g_str_has_prefix(((GError *)problems->pdata[2])->message, "dom.xml:10: "));
    g_assert_true(g_str_has_prefix(((GError *)problems->pdata[3])->message, "dom.xml:24: "));
    g_assert_true(g_str_has_prefix(((GError *)problems->pdata[4])->message, "dom.xml:30: "));
    fixture_clear(&f);
}

/* ---- unknown enum values through the parser (no schema) ---------------- */

/* One document with every enum-valued attribute vireo reads; each case
 * replaces one good value by "bogus" and expects the parser (the schema is
 * not asked) to refuse it, naming the value and its line. */
static const char enum_doc[] =
    "<domain type='kvm'>\n"                                              /* 1 */
    "  <name>enums</name>\n"
    "  <memory unit='MiB'>256</memory>\n"
    "  <vcpu placement='static'>1</vcpu>\n"
    "  <os>\n"                                                           /* 5 */
    "    <type arch='x86_64' machine='pc'>hvm</type>\n"
    "    <loader type='rom' readonly='yes'>/usr/share/seabios/bios.bin</loader>\n"
    "    <boot dev='hd'/>\n"
    "    <bootmenu enable='no'/>\n"
    "    <smbios mode='emulate'/>\n"                                     /* 10 */
    "  </os>\n"
    "  <features><apic eoi='on'/><pmu state='off'/></features>\n"
    "  <cpu mode='custom' match='exact' check='partial'>\n"
    "    <model fallback='allow'>qemu64</model>\n"
    "    <feature policy='require' name='x2apic'/>\n"                    /* 15 */
    "  </cpu>\n"
    "  <clock offset='variable' basis='utc'>\n"
    "    <timer name='rtc' tickpolicy='catchup' track='guest' present='yes'/>\n"
    "  </clock>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"                             /* 20 */
    "  <on_crash>restart</on_crash>\n"
    "  <pm><suspend-to-mem enabled='no'/></pm>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='raw' cache='none' io='native' discard='unmap'/>\n" /* 25 */
    "      <source file='/a.img'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <controller type='usb' index='0'/>\n"
    "    <interface type='bridge'>\n"                                    /* 30 */
    "      <source bridge='br0'/>\n"
    "      <address type='pci' domain='0' bus='0' slot='3' function='0' multifunction='off'/>\n"
    "    </interface>\n"
    "    <serial type='pty'/>\n"
    "    <input type='tablet' bus='usb'/>\n"                             /* 35 */
    "    <graphics type='vnc' autoport='yes'><listen type='address' address='127.0.0.1'/></graphics>\n"
    "    <video><model type='vga' primary='yes'/></video>\n"
    "  </devices>\n"
    "</domain>\n";

/* "FILE:N:" or "line N" (not "line N0"). */
static gboolean
mentions_line(const char *msg, guint n)
{
    g_autofree char *colon = g_strdup_printf(":%u:", n);
    g_autofree char *re = g_strdup_printf("line %u([^0-9]|$)", n);
    return strstr(msg, colon) || g_regex_match_simple(re, msg, 0, 0);
}

static void
test_parser_unknown_enums(void)
{
    /* the exact text to replace (unique in enum_doc) and its line */
    static const struct { const char *good; guint line; } cases[] = {
        { "type='kvm'", 1 }, { "placement='static'", 4 },
        { "arch='x86_64'", 6 }, { "type='rom'", 7 }, { "readonly='yes'", 7 },
        { "dev='hd'", 8 }, { "enable='no'", 9 }, { "mode='emulate'", 10 },
        { "eoi='on'", 12 }, { "state='off'", 12 },
        { "mode='custom'", 13 }, { "match='exact'", 13 }, { "check='partial'", 13 },
        { "fallback='allow'", 14 }, { "policy='require'", 15 },
        { "offset='variable'", 17 }, { "basis='utc'", 17 },
        { "name='rtc'", 18 }, { "tickpolicy='catchup'", 18 }, { "track='guest'", 18 },
        { "present='yes'", 18 },
        { ">destroy<", 20 }, { ">restart<", 21 }, { "enabled='no'", 22 },
        { "type='file'", 24 }, { "device='disk'", 24 },
        { "cache='none'", 25 }, { "io='native'", 25 }, { "discard='unmap'", 25 },
        { "bus='virtio'", 27 }, { "type='usb'", 29 }, { "type='bridge'", 30 },
        { "type='pci'", 32 }, { "multifunction='off'", 32 },
        { "type='pty'", 34 }, { "type='tablet'", 35 }, { "bus='usb'", 35 },
        { "type='vnc'", 36 }, { "autoport='yes'", 36 }, { "type='address'", 36 },
        { "type='vga'", 37 }, { "primary='yes'", 37 },
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) ok = vireo_domain_def_parse_string(enum_doc, "enums.xml", 0, &err);

    g_assert_no_error(err);
    g_assert_nonnull(ok);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *at = strstr(enum_doc, cases[i].good);
        g_autofree char *bad = NULL;
        g_autofree char *bogus = NULL;
        g_autoptr(VireoDomainDef) def = NULL;
        g_autoptr(GError) e = NULL;
        const char *eq = strpbrk(cases[i].good, "=>");

        g_assert_nonnull(at);
        /* keep "name=" / ">" and the quotes, replace the value */
        bogus = *eq == '=' ? g_strdup_printf("%.*s='bogus'", (int)(eq - cases[i].good), cases[i].good)
                           : g_strdup(">bogus<");
        bad = g_strdup_printf("%.*s%s%s", (int)(at - enum_doc), enum_doc, bogus,
                              at + strlen(cases[i].good));
        def = vireo_domain_def_parse_string(bad, "enums.xml", 0, &e);
        if (def || !strstr(e->message, "bogus") || !mentions_line(e->message, cases[i].line))
            g_test_message("case %s: %s", cases[i].good, e ? e->message : "accepted");
        g_assert_null(def);
        g_assert_nonnull(e);
        g_assert_nonnull(strstr(e->message, "bogus"));
        g_assert_true(mentions_line(e->message, cases[i].line));
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/validate/semantic/valid", test_valid);
    g_test_add_func("/validate/semantic/topology", test_topology);
    g_test_add_func("/validate/semantic/current-vcpus", test_current_vcpus);
    g_test_add_func("/validate/semantic/no-vcpus", test_no_vcpus);
    g_test_add_func("/validate/semantic/memory", test_memory);
    g_test_add_func("/validate/semantic/names", test_names);
    g_test_add_func("/validate/semantic/disk-target-dup", test_disk_target_dup);
    g_test_add_func("/validate/semantic/macs", test_macs);
    g_test_add_func("/validate/semantic/cpu-features", test_cpu_features);
    g_test_add_func("/validate/semantic/numa", test_numa);
    g_test_add_func("/validate/semantic/boot", test_boot);
    g_test_add_func("/validate/semantic/os", test_os);
    g_test_add_func("/validate/semantic/controllers-and-video", test_controllers_and_video);
    g_test_add_func("/validate/semantic/enum-ranges", test_enum_ranges);
    g_test_add_func("/validate/semantic/all-problems", test_all_problems);
    g_test_add_func("/validate/parser/unknown-enums", test_parser_unknown_enums);
    return g_test_run();
}
