/* vireo: enum <-> string tables (libvirt's VIR_ENUM_IMPL idea).
 *
 *   typedef enum { FOO_A, FOO_B, FOO_LAST } Foo;
 *   VIREO_ENUM_DECL(vireo_foo);                         (in the header)
 *   VIREO_ENUM_IMPL(vireo_foo, FOO_LAST, "a", "b");     (in the .c file)
 *
 * gives vireo_foo_to_string(FOO_A) == "a" and vireo_foo_from_string("b") ==
 * FOO_B (-1 when unknown); the build fails when the table and the enum
 * disagree on the count. */
#pragma once
#include <glib.h>

const char *vireo_enum_to_string(const char *const *table, guint n, int value);
int vireo_enum_from_string(const char *const *table, guint n, const char *str);

#define VIREO_ENUM_DECL(name) \
    const char *name##_to_string(int value); \
    int name##_from_string(const char *str)

#define VIREO_ENUM_IMPL(name, last, ...) \
    static const char *const name##_table[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##_table) == (last)); \
    const char *name##_to_string(int value) \
    { return vireo_enum_to_string(name##_table, G_N_ELEMENTS(name##_table), value); } \
    int name##_from_string(const char *str) \
    { return vireo_enum_from_string(name##_table, G_N_ELEMENTS(name##_table), str); }
