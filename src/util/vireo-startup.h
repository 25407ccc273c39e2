/* vireo: start-up checkpoints for profiling (docs/design.md, "Start-up").
 *
 * With VIREO_STARTUP_TRACE set in the environment, each
 * vireo_startup_mark("name") writes one line to stderr,
 *
 *   vireo-startup: NAME NS
 *
 * NS being CLOCK_MONOTONIC in nanoseconds, so a harness that read the same
 * clock before exec (bench/qmp/qmp-bench) gets the time since exec. Without
 * the variable a mark costs one branch after the first call. */
#pragma once

void vireo_startup_mark(const char *name);
