/* What runs between the assembly entry points and a guest's main: console,
 * boot info, IDT, ACPI; then guest_main() and, whatever it did, an
 * ACPI power-off so the VMM process ends. */
#include "guest.h"

bool acpi_ok;
u64 boot_tsc;
char acpi_error[160];

void guest_start(void);
void guest_start(void)
{
    boot_tsc = rdtsc();
    serial_init();
    bootinfo_init();
    idt_init();
    pic_disable();
    acpi_ok = acpi_init(acpi_error, sizeof(acpi_error));
    guest_main();
    acpi_poweroff();
}
