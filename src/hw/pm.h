/* vireo: ACPI fixed hardware (VIREO_DEV_PM): the PM1a event and control
 * blocks, the PM timer and the reset register, at the ports the machine
 * description's platform names (the same ones the FADT advertises). */
#pragma once
#include "hw/hw.h"

#define VIREO_TYPE_PM (vireo_pm_get_type())
G_DECLARE_FINAL_TYPE(VireoPm, vireo_pm, VIREO, PM, VireoDevice)

/* PM1 status/enable bits the model implements. */
#define VIREO_PM1_TMR     (1u << 0)
#define VIREO_PM1_PWRBTN  (1u << 8)
/* PM1 control bits. */
#define VIREO_PM1_SCI_EN  (1u << 0)
#define VIREO_PM1_SLP_EN  (1u << 13)
#define VIREO_PM1_SLP_TYP_SHIFT 10

/* The PM timer's frequency (ACPI: 3.579545 MHz). */
#define VIREO_PM_TIMER_HZ 3579545

/* Presses the ACPI power button: sets PWRBTN_STS and, when the guest has
 * enabled it (PWRBTN_EN), raises the SCI. Any thread; vireo_vmm_powerdown
 * calls it. pm must be the VIREO_DEV_PM device. */
void vireo_pm_power_button(VireoDevice *pm);

/* The PM timer's time base, host CLOCK_MONOTONIC nanoseconds by default;
 * tests substitute one they can move forward to reach the counter's bit-31
 * edge (TMR_STS) without waiting ten minutes. The counter stays continuous
 * across the switch; NULL restores the host clock. Also re-arms the
 * overflow SCI against the new clock. */
typedef gint64 (*VireoPmClockFn)(void *opaque);
void vireo_pm_set_clock(VireoDevice *pm, VireoPmClockFn now_ns, void *opaque);
