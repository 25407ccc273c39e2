/* vireo: a small AML (ACPI Machine Language) encoder for the DSDT: names,
 * integers, strings, packages, buffers, scopes and devices, plus the few
 * resource descriptors a _CRS needs. Terms are appended to a GByteArray;
 * containers take their already-encoded body. */
#pragma once
#include <glib.h>

GByteArray *vireo_aml_new(void);

/* "\\_SB.PCI0", "_S5", "C01F": segments padded to four characters. */
void vireo_aml_name_string(GByteArray *a, const char *path);
/* ZeroOp, OneOp or the smallest Byte/Word/DWord/QWord constant. */
void vireo_aml_integer(GByteArray *a, guint64 v);
void vireo_aml_string(GByteArray *a, const char *s);
/* EISA id "PNP0A03" as its compressed 32-bit integer. */
void vireo_aml_eisaid(GByteArray *a, const char *id);

/* Name(name, <value>): value is one encoded data object (consumed). */
void vireo_aml_name(GByteArray *a, const char *name, GByteArray *value);
/* Package(n) { elements } where elements holds n encoded objects (consumed). */
void vireo_aml_package(GByteArray *a, guint n, GByteArray *elements);
void vireo_aml_buffer(GByteArray *a, const guint8 *data, gsize len);
/* Scope(name) { body } and Device(name) { body } (body consumed). */
void vireo_aml_scope(GByteArray *a, const char *name, GByteArray *body);
void vireo_aml_device(GByteArray *a, const char *name, GByteArray *body);

/* Resource descriptors for a ResourceTemplate; finish with _end_tag, then
 * wrap the bytes with vireo_aml_buffer. */
void vireo_aml_res_io(GByteArray *r, guint16 base, guint8 len);
/* IRQNoFlags: an ISA IRQ, edge-triggered, active high. */
void vireo_aml_res_irq(GByteArray *r, guint8 irq);
void vireo_aml_res_word_bus(GByteArray *r, guint16 min, guint16 max);
void vireo_aml_res_word_io(GByteArray *r, guint16 min, guint16 max);
void vireo_aml_res_dword_mem(GByteArray *r, guint32 min, guint32 max);
void vireo_aml_res_qword_mem(GByteArray *r, guint64 min, guint64 max);
void vireo_aml_res_end_tag(GByteArray *r);
