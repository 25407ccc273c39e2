/* ticker: the QMP tests' guest. Prints "tick N" on the serial port every
 * 10 ms (so a paused VM visibly stops counting) and powers off through ACPI
 * S5 when it sees the power button status bit (PM1a_STS.PWRBTN_STS), i.e.
 * after QMP system_powerdown. "nopowerbtn" on the command line makes it
 * ignore the button, for tests that must keep it running. Its "ready"
 * line says whether the loader handed it a zeroed .bss. */
#include "guest.h"

#define PM1_PWRBTN_STS (1u << 8)    /* PM1a_STS, at PM1a_EVT_BLK */
#define PM1_PWRBTN_EN (1u << 8)     /* PM1a_EN, 2 bytes further (PM1_EVT_LEN 4) */

/* As an OS does: the chipset reports the button only when it is enabled. */
static void power_button_enable(void)
{
    if (acpi.pm1a_evt)
        outw((u16)(acpi.pm1a_evt + 2), PM1_PWRBTN_EN);
}

static bool power_button_pressed(void)
{
    if (!acpi.pm1a_evt || !(inw((u16)acpi.pm1a_evt) & PM1_PWRBTN_STS))
        return false;
    outw((u16)acpi.pm1a_evt, PM1_PWRBTN_STS);     /* write 1 to clear */
    return true;
}

void guest_main(void)
{
    bool obey = !cmdline_has("nopowerbtn");
    u64 n = 0;

    power_button_enable();
    /* guest.py checks .bss was zero at entry after system_reset too. */
    printf("ticker: ready (power button %s, bss %s at entry)\n",
           obey ? "powers off" : "ignored", bss_dirty_at_entry ? "NOT zero" : "zero");
    for (;;) {
        udelay(10000);
        printf("tick %lu\n", ++n);
        if (power_button_pressed()) {
            printf("ticker: power button\n");
            if (obey)
                acpi_poweroff();
        }
    }
}
