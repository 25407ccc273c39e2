/* vireo: AML encoding (ACPI 6.4 chapter 20 "ACPI Machine Language
 * Specification", chapter 6.4 resource descriptors). */
#include <config.h>
#include <string.h>
#include "hw/aml.h"

#define AML_ZERO_OP      0x00
#define AML_ONE_OP       0x01
#define AML_NAME_OP      0x08
#define AML_BYTE_PREFIX  0x0a
#define AML_WORD_PREFIX  0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP     0x10
#define AML_BUFFER_OP    0x11
#define AML_PACKAGE_OP   0x12
#define AML_EXT_OP       0x5b
#define AML_DEVICE_OP    0x82       /* after AML_EXT_OP */
#define AML_DUAL_NAME    0x2e
#define AML_MULTI_NAME   0x2f
#define AML_ROOT_CHAR    '\\'

GByteArray *
vireo_aml_new(void)
{
    return g_byte_array_new();
}

static void
aml_byte(GByteArray *a, guint8 b)
{
    g_byte_array_append(a, &b, 1);
}

static void
aml_le(GByteArray *a, guint64 v, guint bytes)
{
    for (guint i = 0; i < bytes; i++)
        aml_byte(a, v >> (8 * i));
}

static void
aml_name_seg(GByteArray *a, const char *seg, gsize len)
{
    char s[4] = { '_', '_', '_', '_' };
    memcpy(s, seg, MIN(len, 4));
    g_byte_array_append(a, (const guint8 *)s, 4);
}

void
vireo_aml_name_string(GByteArray *a, const char *path)
{
    g_auto(GStrv) segs = NULL;
    guint n;

    if (*path == AML_ROOT_CHAR) {
        aml_byte(a, AML_ROOT_CHAR);
        path++;
    }
    segs = g_strsplit(path, ".", -1);
    n = g_strv_length(segs);
    if (n == 2)
        aml_byte(a, AML_DUAL_NAME);
    else if (n > 2) {
        aml_byte(a, AML_MULTI_NAME);
        aml_byte(a, n);
    }
    for (guint i = 0; i < n; i++)
        aml_name_seg(a, segs[i], strlen(segs[i]));
    if (n == 0)
        aml_byte(a, 0x00);          /* NullName */
}

void
vireo_aml_integer(GByteArray *a, guint64 v)
{
    if (v == 0)
        aml_byte(a, AML_ZERO_OP);
    else if (v == 1)
        aml_byte(a, AML_ONE_OP);
    else if (v <= 0xff) {
        aml_byte(a, AML_BYTE_PREFIX);
        aml_le(a, v, 1);
    } else if (v <= 0xffff) {
        aml_byte(a, AML_WORD_PREFIX);
        aml_le(a, v, 2);
    } else if (v <= 0xffffffffu) {
        aml_byte(a, AML_DWORD_PREFIX);
        aml_le(a, v, 4);
    } else {
        aml_byte(a, AML_QWORD_PREFIX);
        aml_le(a, v, 8);
    }
}

void
vireo_aml_string(GByteArray *a, const char *s)
{
    aml_byte(a, AML_STRING_PREFIX);
    g_byte_array_append(a, (const guint8 *)s, strlen(s) + 1);
}

void
vireo_aml_eisaid(GByteArray *a, const char *id)
{
    guint32 v;
    g_return_if_fail(strlen(id) == 7);
    v = ((guint32)(id[0] - 0x40) << 26) | ((guint32)(id[1] - 0x40) << 21) |
        ((guint32)(id[2] - 0x40) << 16) |
        (guint32)g_ascii_strtoull(id + 3, NULL, 16);
    /* The compressed id is stored big-endian inside a little-endian DWord. */
    aml_byte(a, AML_DWORD_PREFIX);
    aml_le(a, GUINT32_SWAP_LE_BE(v), 4);
}

/* PkgLength counts itself: 1 byte up to 63, else 2..4 bytes (20.2.4). */
static void
aml_pkg_length(GByteArray *a, gsize body)
{
    gsize total;
    guint extra;

    if (body + 1 <= 0x3f) {
        aml_byte(a, body + 1);
        return;
    }
    extra = body + 2 < (1u << 12) ? 1 : body + 3 < (1u << 20) ? 2 : 3;
    total = body + 1 + extra;
    aml_byte(a, (extra << 6) | (total & 0x0f));
    for (guint i = 0; i < extra; i++)
        aml_byte(a, total >> (4 + 8 * i));
}

static void
aml_wrap(GByteArray *a, GByteArray *body)
{
    aml_pkg_length(a, body->len);
    g_byte_array_append(a, body->data, body->len);
    g_byte_array_unref(body);
}

void
vireo_aml_name(GByteArray *a, const char *name, GByteArray *value)
{
    aml_byte(a, AML_NAME_OP);
    vireo_aml_name_string(a, name);
    g_byte_array_append(a, value->data, value->len);
    g_byte_array_unref(value);
}

void
vireo_aml_package(GByteArray *a, guint n, GByteArray *elements)
{
    GByteArray *body = vireo_aml_new();
    aml_byte(body, n);
    g_byte_array_append(body, elements->data, elements->len);
    g_byte_array_unref(elements);
    aml_byte(a, AML_PACKAGE_OP);
    aml_wrap(a, body);
}

void
vireo_aml_buffer(GByteArray *a, const guint8 *data, gsize len)
{
    GByteArray *body = vireo_aml_new();
    vireo_aml_integer(body, len);
    g_byte_array_append(body, data, len);
    aml_byte(a, AML_BUFFER_OP);
    aml_wrap(a, body);
}

static void
aml_named_container(GByteArray *a, const char *name, GByteArray *body)
{
    GByteArray *all = vireo_aml_new();
    vireo_aml_name_string(all, name);
    g_byte_array_append(all, body->data, body->len);
    g_byte_array_unref(body);
    aml_wrap(a, all);
}

void
vireo_aml_scope(GByteArray *a, const char *name, GByteArray *body)
{
    aml_byte(a, AML_SCOPE_OP);
    aml_named_container(a, name, body);
}

void
vireo_aml_device(GByteArray *a, const char *name, GByteArray *body)
{
    aml_byte(a, AML_EXT_OP);
    aml_byte(a, AML_DEVICE_OP);
    aml_named_container(a, name, body);
}

/* ---- resource descriptors ---------------------------------------------- */
#define RES_IRQ      0x22           /* small item: IRQ mask, no flags byte */
#define RES_IO_PORT  0x47           /* small item: I/O port, 7 bytes */
#define RES_END_TAG  0x79
#define RES_DWORD    0x87
#define RES_WORD     0x88
#define RES_QWORD    0x8a
#define RES_TYPE_MEM 0
#define RES_TYPE_IO  1
#define RES_TYPE_BUS 2
/* A bridge window: producer, fixed min and max, positive decode. */
#define RES_FLAGS_WINDOW 0x0c

void
vireo_aml_res_io(GByteArray *r, guint16 base, guint8 len)
{
    aml_byte(r, RES_IO_PORT);
    aml_byte(r, 0x01);              /* 16-bit decode */
    aml_le(r, base, 2);
    aml_le(r, base, 2);
    aml_byte(r, 1);                 /* alignment */
    aml_byte(r, len);
}

void
vireo_aml_res_irq(GByteArray *r, guint8 irq)
{
    aml_byte(r, RES_IRQ);
    aml_le(r, 1u << (irq & 15), 2);
}

static void
aml_res_addr(GByteArray *r, guint8 tag, guint width, guint8 type, guint8 type_flags,
             guint64 min, guint64 max)
{
    aml_byte(r, tag);
    aml_le(r, 3 + 5 * width, 2);    /* length of what follows */
    aml_byte(r, type);
    aml_byte(r, RES_FLAGS_WINDOW);
    aml_byte(r, type_flags);
    aml_le(r, 0, width);            /* granularity */
    aml_le(r, min, width);
    aml_le(r, max, width);
    aml_le(r, 0, width);            /* translation offset */
    aml_le(r, max - min + 1, width);
}

void
vireo_aml_res_word_bus(GByteArray *r, guint16 min, guint16 max)
{
    aml_res_addr(r, RES_WORD, 2, RES_TYPE_BUS, 0, min, max);
}

void
vireo_aml_res_word_io(GByteArray *r, guint16 min, guint16 max)
{
    aml_res_addr(r, RES_WORD, 2, RES_TYPE_IO, 0x03 /* entire range */, min, max);
}

void
vireo_aml_res_dword_mem(GByteArray *r, guint32 min, guint32 max)
{
    aml_res_addr(r, RES_DWORD, 4, RES_TYPE_MEM, 0x01 /* read-write */, min, max);
}

void
vireo_aml_res_qword_mem(GByteArray *r, guint64 min, guint64 max)
{
    aml_res_addr(r, RES_QWORD, 8, RES_TYPE_MEM, 0x01, min, max);
}

void
vireo_aml_res_end_tag(GByteArray *r)
{
    guint8 sum = 0;
    /* Checksum 0 means "treat as correct"; compute it anyway. */
    aml_byte(r, RES_END_TAG);
    for (guint i = 0; i < r->len; i++)
        sum += r->data[i];
    aml_byte(r, (guint8)(0x100 - sum));
}
