#include <config.h>
#include "util/vireo-enum.h"

const char *
vireo_enum_to_string(const char *const *table, guint n, int value)
{
    if (value < 0 || (guint)value >= n)
        return NULL;
    return table[value];
}

int
vireo_enum_from_string(const char *const *table, guint n, const char *str)
{
    if (!str)
        return -1;
    for (guint i = 0; i < n; i++) {
        if (table[i] && g_str_equal(table[i], str))
            return (int)i;
    }
    return -1;
}
