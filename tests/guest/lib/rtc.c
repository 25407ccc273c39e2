/* MC146818 CMOS clock through ports 0x70/0x71, BCD or binary, read twice
 * until stable so an update in between cannot tear the value. */
#include "guest.h"

static u8 cmos_read(u8 reg)
{
    outb(0x70, reg);           /* bit 7 clear: NMI stays enabled */
    return inb(0x71);
}

static unsigned bcd(u8 v) { return (v & 0x0f) + (v >> 4) * 10; }

static bool read_once(struct rtc_time *t, u8 *raw)
{
    /* An update lasts under 2 ms; a missing RTC reads 0xff for ever. */
    u64 end = rdtsc() + 20 * tsc_khz;
    while ((cmos_read(0x0a) & 0x80) && rdtsc() < end)
        cpu_relax();
    static const u8 regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
    for (unsigned i = 0; i < 7; i++)
        raw[i] = cmos_read(regs[i]);
    u8 stb = cmos_read(0x0b);
    bool is_bcd = !(stb & 0x04);
    unsigned v[7];
    for (unsigned i = 0; i < 7; i++)
        v[i] = is_bcd ? bcd(raw[i] & (i == 2 ? 0x7f : 0xff)) : (raw[i] & (i == 2 ? 0x7f : 0xff));
    unsigned hour = v[2];
    if (!(stb & 0x02) && (raw[2] & 0x80))     /* 12-hour mode, PM */
        hour = (hour % 12) + 12;
    else if (!(stb & 0x02) && hour == 12)
        hour = 0;
    t->sec = v[0]; t->min = v[1]; t->hour = hour;
    t->day = v[3]; t->mon = v[4];
    t->year = (v[6] ? v[6] : 20) * 100 + v[5];
    return t->sec < 60 && t->min < 60 && t->hour < 24 && t->day >= 1 &&
           t->day <= 31 && t->mon >= 1 && t->mon <= 12;
}

bool rtc_read(struct rtc_time *t)
{
    if (cmos_read(0x0a) == 0xff && cmos_read(0x0b) == 0xff)
        return false;                   /* nothing decodes the ports */
    struct rtc_time a, b;
    u8 ra[7], rb[7];
    for (int tries = 0; tries < 10; tries++) {
        bool ok = read_once(&a, ra);
        read_once(&b, rb);
        if (!memcmp(ra, rb, sizeof(ra))) {
            *t = a;
            return ok;
        }
    }
    *t = b;
    return false;
}

/* Days from civil date, Howard Hinnant's algorithm. */
u64 rtc_to_epoch(const struct rtc_time *t)
{
    int y = (int)t->year - (t->mon <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = (t->mon + 9) % 12;
    unsigned doy = (153 * mp + 2) / 5 + t->day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
    return (u64)(days * 86400 + t->hour * 3600 + t->min * 60 + t->sec);
}
