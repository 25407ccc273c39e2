/* Host-side TAP test of tiny.elf's AML reading (tests/guest/tiny.c): the
 * top-level DSDT walk that finds \_S5, the word-wise scan it falls back
 * to, PkgLength and integer decoding. tiny.c is included whole (it is
 * freestanding C; nothing here calls its port I/O), and the DSDT bodies
 * below are hand-encoded from the ACPI 6.5 AML grammar (20.2), shaped like
 * vireo's (Name(\_S5) after Scope(\_SB)) and QEMU microvm's (Name(_S5) in
 * Scope(\)), plus the cases the walk must leave to the scan.
 * Usage: tiny-aml-test [DSDT.dat...] also checks whole DSDT files (for
 * example from tests/hw/acpi-dump) find a \_S5 package. */
#include "tiny.c"

#include <stdio.h>
#include <string.h>

static unsigned n_test, n_failed;

static void ok(bool cond, const char *name)
{
    n_test++;
    if (!cond)
        n_failed++;
    printf("%s %u - %s\n", cond ? "ok" : "not ok", n_test, name);
}

/* Runs the walk and the scan over a DSDT body (the bytes after the 36-byte
 * header); returns the package tiny would use, as tiny_main chooses it. */
static const u8 *find_s5(const u8 *body, size_t n, bool *walked)
{
    const u8 *pkg = s5_walk(body, body + n, 0);
    *walked = pkg != NULL;
    return pkg ? pkg : s5_scan(body, body + n);
}

static bool s5_types(const u8 *pkg, u64 *a, u64 *b)
{
    const u8 *el = pkg + 1;
    pkg_length(&el);
    u8 n = *el++;
    *b = 0;
    return n && aml_integer(&el, a) && (n < 2 || aml_integer(&el, b));
}

#define S5_PKG_ZERO 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00     /* Package(4){0,0,0,0} */
#define S5_PKG_FIVE 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00 /* Package(4){5,0,0,0} */

/* Scope(\_SB) { Device(COM1) { Name(_HID, EisaId("PNP0501")) Name(_UID, One) } },
 * PkgLengths of one byte. */
#define SB_SCOPE \
    0x10, 0x1d, '\\', '_', 'S', 'B', '_', \
    0x5b, 0x82, 0x15, 'C', 'O', 'M', '1', \
    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01, \
    0x08, '_', 'U', 'I', 'D', 0x01

static void test_vireo_shape(void)
{
    /* Name(\_S5, Package(4){0,0,0,0}) after the scope, as src/hw/acpi.c writes it. */
    static const u8 body[] = { SB_SCOPE, 0x08, '\\', '_', 'S', '5', '_', S5_PKG_ZERO };
    bool walked;
    u64 a = 99, b = 99;
    const u8 *pkg = find_s5(body, sizeof(body), &walked);
    ok(pkg && walked, "vireo shape: the walk finds Name(\\_S5) after Scope(\\_SB)");
    ok(pkg && s5_types(pkg, &a, &b) && a == 0 && b == 0, "vireo shape: SLP_TYPa/b are Zero, Zero");
}

static void test_microvm_shape(void)
{
    /* Scope(\) { Name(_S5, Package(4){5,0,0,0}) }: ACPI_GED_SLP_TYP_S5 = 5. */
    static const u8 body[] = { SB_SCOPE, 0x10, 0x10, '\\', 0x00,
                               0x08, '_', 'S', '5', '_', S5_PKG_FIVE };
    bool walked;
    u64 a = 99, b = 99;
    const u8 *pkg = find_s5(body, sizeof(body), &walked);
    ok(pkg && walked, "microvm shape: the walk enters Scope(\\) and finds Name(_S5)");
    ok(pkg && s5_types(pkg, &a, &b) && a == 5 && b == 0, "microvm shape: SLP_TYPa 5 (BytePrefix), SLP_TYPb 0");
}

static void test_relative_s5_in_sb_is_not_root(void)
{
    /* Scope(\_SB) { Name(_S5, Package(4){5...}) } is \_SB._S5: the walk must
     * skip it and return the root one that follows (SLP_TYPa 0). */
    static const u8 body[] = { 0x10, 0x13, '\\', '_', 'S', 'B', '_',
                               0x08, '_', 'S', '5', '_', S5_PKG_FIVE,
                               0x08, '_', 'S', '5', '_', S5_PKG_ZERO };
    bool walked;
    u64 a = 99, b = 99;
    const u8 *pkg = find_s5(body, sizeof(body), &walked);
    ok(pkg && walked && s5_types(pkg, &a, &b) && a == 0,
       "Name(_S5) inside Scope(\\_SB) is not \\_S5: the walk returns the root one");
}

static void test_fallback_to_scan(void)
{
    /* An OperationRegion (no PkgLength: the walk cannot skip it) first. */
    static const u8 opregion[] = { 0x5b, 0x80, 'P', 'M', 'I', 'O', 0x01, 0x0b, 0x00, 0x06, 0x0a, 0x04,
                                   0x08, '\\', '_', 'S', '5', '_', S5_PKG_FIVE };
    /* Name(\_S5) with its absolute path inside Scope(\_SB): skipped by the walk. */
    static const u8 absolute[] = { 0x10, 0x14, '\\', '_', 'S', 'B', '_',
                                   0x08, '\\', '_', 'S', '5', '_', S5_PKG_FIVE };
    bool walked;
    u64 a = 99, b = 99;
    const u8 *pkg = find_s5(opregion, sizeof(opregion), &walked);
    ok(pkg && !walked && s5_types(pkg, &a, &b) && a == 5,
       "after an OperationRegion the walk gives up and the scan finds \\_S5");
    a = 99;
    pkg = find_s5(absolute, sizeof(absolute), &walked);
    ok(pkg && !walked && s5_types(pkg, &a, &b) && a == 5,
       "Name(\\_S5) inside Scope(\\_SB): the walk misses it, the scan finds it");
}

static void test_absent(void)
{
    /* Method(_PTS, 1) { Return(\_S5) Noop }: "_S5_" only as a reference,
     * not followed by PackageOp. */
    static const u8 body[] = { SB_SCOPE, 0x14, 0x0d, '_', 'P', 'T', 'S', 0x01,
                               0xa4, '\\', '_', 'S', '5', '_', 0xa3 };
    bool walked;
    ok(find_s5(body, sizeof(body), &walked) == NULL, "no Name(\\_S5, Package): neither finds one");
}

static void test_pkg_length(void)
{
    static const struct { u8 b[4]; u32 len; unsigned used; } c[] = {
        { { 0x3f }, 0x3f, 1 },
        { { 0x4a, 0x12 }, 0x12a, 2 },
        { { 0x85, 0x34, 0x12 }, 0x12345, 3 },
        { { 0xc1, 0x32, 0x54, 0x06 }, 0x654321, 4 },
    };
    bool all = true;
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        const u8 *p = c[i].b;
        u32 len = pkg_length(&p);
        all &= len == c[i].len && p == c[i].b + c[i].used;
    }
    ok(all, "PkgLength: one to four bytes, low nibble of the lead byte first");
}

static void test_integers(void)
{
    static const u8 enc[] = { 0x00, 0x01, 0xff, 0x0a, 0x07, 0x0b, 0x34, 0x12,
                              0x0c, 0x78, 0x56, 0x34, 0x12,
                              0x0e, 0x01, 0, 0, 0, 0, 0, 0, 0x80, 0x0d };
    static const u64 want[] = { 0, 1, ~0ull, 7, 0x1234, 0x12345678, 0x8000000000000001ull };
    const u8 *p = enc;
    bool all = true;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        u64 v;
        all &= aml_integer(&p, &v) && v == want[i];
    }
    u64 v;
    all &= p == enc + sizeof(enc) - 1 && !aml_integer(&p, &v);    /* a String is not one */
    ok(all, "package integers: Zero, One, Ones, Byte/Word/DWord/QWordConst; a String is not");
}

static void test_file(const char *path)
{
    static u8 buf[1 << 20];
    char name[600];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f)
        fclose(f);
    snprintf(name, sizeof(name), "%s: a DSDT with a \\_S5 package the walk finds", path);
    bool walked = false;
    ok(n > ACPI_HDR_LEN && rd32(buf) == SIG_DSDT && rd32(buf + 4) <= n &&
       find_s5(buf + ACPI_HDR_LEN, rd32(buf + 4) - ACPI_HDR_LEN, &walked) && walked, name);
}

int main(int argc, char **argv)
{
    test_vireo_shape();
    test_microvm_shape();
    test_relative_s5_in_sb_is_not_root();
    test_fallback_to_scan();
    test_absent();
    test_pkg_length();
    test_integers();
    for (int i = 1; i < argc; i++)
        test_file(argv[i]);
    printf("1..%u\n", n_test);
    return n_failed ? 1 : 0;
}
