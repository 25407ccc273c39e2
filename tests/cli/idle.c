/* idle: the test guest of the vireo command's lifecycle tests. It says
 * "idle guest ready" on the serial port and then stays up, so suspend,
 * resume, destroy and kill -9 have a running guest to act on. With
 * power=honour on its command line it powers off when the ACPI power
 * button is pressed (vireo shutdown); otherwise it ignores the button, as
 * a hung guest would. Built from tests/guest/lib (docs/test-guests.md). */
#include "guest.h"

#define PWRBTN_STS (1u << 8)

static bool power_button_pressed(void)
{
    if (!acpi_ok || !acpi.pm1a_evt)
        return false;
    return (inw((u16)acpi.pm1a_evt) & PWRBTN_STS) != 0;
}

void guest_main(void)
{
    char power[16] = "ignore";
    bool honour;

    cmdline_get("power", power, sizeof(power));
    honour = !strcmp(power, "honour");
    printf("idle guest ready (power button: %s, ACPI: %s)\n",
           honour ? "honour" : "ignore", acpi_ok ? "yes" : acpi_error);
    for (;;) {
        if (honour && power_button_pressed()) {
            outw((u16)acpi.pm1a_evt, PWRBTN_STS);   /* write 1 to clear */
            printf("power button pressed, powering off\n");
            acpi_poweroff();
        }
        udelay(2000);
    }
}
