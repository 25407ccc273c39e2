/* The result protocol the e2e scripts read: one "PASS name" or
 * "FAIL name: why" line per check, "INFO ..." lines for context. */
#include "guest.h"

unsigned n_pass, n_fail;

void pass(const char *name)
{
    n_pass++;
    printf("PASS %s\n", name);
}

static void vfail(const char *name, const char *fmt, va_list ap)
{
    char why[400];
    vsnprintf(why, sizeof(why), fmt, ap);
    n_fail++;
    printf("FAIL %s: %s\n", name, why);
}

void fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(name, fmt, ap);
    va_end(ap);
}

void check(bool ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        pass(name);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfail(name, fmt, ap);
    va_end(ap);
}

void info(const char *fmt, ...)
{
    char buf[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("INFO %s\n", buf);
}
