/* vireo: the 8254 PIT and port 0x61 (VIREO_DEV_PIT, pit.c). */
#pragma once
#include "hw/hw.h"

#define VIREO_TYPE_PIT (vireo_pit_get_type())
G_DECLARE_FINAL_TYPE(VireoPit, vireo_pit, VIREO, PIT, VireoDevice)

/* The host clock the counters follow, in nanoseconds (CLOCK_MONOTONIC by
 * default; NULL restores it). Tests pin it. The guest's time does not jump
 * when it changes. */
typedef gint64 (*VireoPitClockFn)(void *opaque);
void vireo_pit_set_clock(VireoPit *pit, VireoPitClockFn now_ns, void *opaque);
/* Channel 0 edges sent as IRQ 0, and dropped because the main loop was
 * more than a period late. */
void vireo_pit_get_stats(VireoPit *pit, guint64 *irqs, guint64 *missed);
