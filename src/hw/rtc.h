/* vireo: the MC146818 CMOS RTC (VIREO_DEV_RTC). */
#pragma once
#include "hw/hw.h"

/* The wall clock the RTC reads, in microseconds since the epoch (UTC);
 * g_get_real_time by default. Tests pin it to probe the update cycle; a
 * record/replay mode could feed it too. */
typedef gint64 (*VireoRtcClockFn)(void *opaque);
void vireo_rtc_set_clock(VireoDevice *rtc, VireoRtcClockFn now_us, void *opaque);
