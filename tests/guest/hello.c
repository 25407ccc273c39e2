/* hello: the guest the README's main job boots. It greets, shows the
 * machine as it sees it (memory, CPUs, CPU vendor and brand, command
 * line, RTC time) and powers off through ACPI. Quick and without checks
 * that could fail on a correct VMM. */
#include "guest.h"

static u64 e820_ram_bytes(void)
{
    u64 total = 0;
    for (unsigned i = 0; i < boot.n_e820; i++)
        if (boot.e820[i].type == 1)
            total += boot.e820[i].size;
    return total;
}

void guest_main(void)
{
    char vendor[13], brand[49];
    struct rtc_time t;

    if (cmdline_has("hello.timing"))
        timer_ensure();                 /* calibrate now, inside the guest's time */
    printf("\nHello from vireo!\n");
    printf("  boot protocol : %s\n", boot_kind_name());
    printf("  memory        : %lu KiB usable RAM in %u e820 entries\n",
           e820_ram_bytes() >> 10, boot.n_e820);
    if (acpi_ok)
        printf("  CPUs          : %u (ACPI MADT)\n", acpi.n_cpus);
    else
        printf("  CPUs          : unknown (%s)\n", acpi_error);
    cpu_vendor(vendor);
    cpu_brand(brand);
    printf("  CPU           : %s, \"%s\"\n", vendor, brand);
    printf("  command line  : %s\n", boot.cmdline_len ? boot.cmdline : "(empty)");
    if (rtc_read(&t))
        printf("  RTC time      : %04u-%02u-%02u %02u:%02u:%02u\n",
               t.year, t.mon, t.day, t.hour, t.min, t.sec);
    else
        printf("  RTC time      : unreadable\n");
    if (cmdline_has("hello.timing")) {
        /* For bench/boot: how much of a run is the guest's own time. */
        u64 spent = rdtsc() - boot_tsc;
        printf("  guest time    : %lu us from entry to power-off\n", tsc_to_us(spent));
    }
    printf("Powering off.\n");
}
