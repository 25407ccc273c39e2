#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "util/vireo-startup.h"

void
vireo_startup_mark(const char *name)
{
    static int enabled = -1;
    struct timespec ts;

    if (enabled < 0)
        enabled = getenv("VIREO_STARTUP_TRACE") != NULL;
    if (!enabled)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(stderr, "vireo-startup: %s %lld\n", name,
            (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);
}
