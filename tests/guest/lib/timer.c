/* Delays from the TSC, calibrated once against PIT channel 0 read back by
 * counter latch. Channel 2 would need the port 0x61 gate, which QEMU's
 * microvm does not decode; channel 0 exists wherever a PIT does (KVM's
 * in-kernel one included). IRQ 0 stays masked at the PIC and IOAPIC. */
#include "guest.h"

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CMD 0x43

/* A guess until the first caller that needs precision calibrates (hello
 * never does: 10 ms of PIT counting would be most of its boot). */
u64 tsc_khz = 2000000;
bool tsc_calibrated;

static u16 pit_read_ch0(void)
{
    outb(PIT_CMD, 0x00);                /* latch channel 0 */
    u8 lo = inb(PIT_CH0);
    return lo | (u16)inb(PIT_CH0) << 8;
}

void timer_calibrate(void)
{
    const u32 ms = 10, want = PIT_HZ / 1000 * ms;
    outb(PIT_CMD, 0x34);                /* ch0, lo/hi byte, mode 2 */
    outb(PIT_CH0, 0);
    outb(PIT_CH0, 0);                   /* 65536: wraps every 55 ms */
    u16 prev = pit_read_ch0();
    u64 t0 = rdtsc();
    u32 elapsed = 0, unchanged = 0;
    while (elapsed < want && unchanged < 100000) {
        u16 now = pit_read_ch0();
        u16 delta = (u16)(prev - now);  /* counts down, modulo 2^16 */
        unchanged = delta ? 0 : unchanged + 1;
        elapsed += delta;
        prev = now;
    }
    u64 t1 = rdtsc();
    if (elapsed >= want) {
        tsc_khz = (t1 - t0) * PIT_HZ / 1000 / elapsed;
        tsc_calibrated = true;
    }
    outb(PIT_CMD, 0x30);                /* back to one-shot mode 0, idle */
    outb(PIT_CH0, 0);
    outb(PIT_CH0, 0);
}

void timer_ensure(void)
{
    static bool tried;
    if (!tried) {
        tried = true;
        timer_calibrate();
    }
}

void udelay(u64 us)
{
    timer_ensure();
    u64 end = rdtsc() + us * tsc_khz / 1000;
    while (rdtsc() < end)
        cpu_relax();
}

u64 tsc_to_us(u64 tsc)
{
    timer_ensure();
    return tsc * 1000 / tsc_khz;
}
