/* tiny: the smallest meaningful guest, for bench/boot. It prints one line
 * and powers off through ACPI, nothing else: no TSC calibration (hello's
 * hello.timing spends ~10 ms counting the PIT), no RTC or CPUID tour, so a
 * boot-to-power-off run measures the VMMs rather than the guest. The same
 * ELF boots on vireo (64-bit entry) and QEMU microvm (PVH note). */
#include "guest.h"

void guest_main(void)
{
    printf("Hello from a tiny guest. Powering off.\n");
}
