/* printf subset: %d %i %u %x %X %p %s %c %%, flags '0' '-', width,
 * precision for %s, length l/ll/z. Enough for reports; no floating point. */
#include "guest.h"

struct out { char *buf; size_t n, pos; };

static void emit(struct out *o, char c)
{
    if (o->pos + 1 < o->n)
        o->buf[o->pos] = c;
    o->pos++;
}

static void emit_padded(struct out *o, const char *s, size_t len, int width,
                        bool left, char pad)
{
    int fill = width > (int)len ? width - (int)len : 0;
    if (!left)
        while (fill-- > 0)
            emit(o, pad);
    for (size_t i = 0; i < len; i++)
        emit(o, s[i]);
    if (left)
        while (fill-- > 0)
            emit(o, ' ');
}

static size_t format_number(char *tmp, u64 v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t k = 0;
    do {
        tmp[k++] = digits[v % base];
        v /= base;
    } while (v);
    for (size_t i = 0; i < k / 2; i++) {
        char t = tmp[i];
        tmp[i] = tmp[k - 1 - i];
        tmp[k - 1 - i] = t;
    }
    return k;
}

static u64 fetch_unsigned(va_list *ap, int lng)
{
    if (lng >= 1)
        return va_arg(*ap, u64);
    return va_arg(*ap, unsigned int);
}

static void convert(struct out *o, char conv, va_list *ap, int lng, int width,
                    int prec, bool left, char pad)
{
    char tmp[24];
    size_t len;
    switch (conv) {
    case 'd': case 'i': {
        int64_t v = lng >= 1 ? va_arg(*ap, int64_t) : va_arg(*ap, int);
        u64 mag = v < 0 ? (u64)0 - (u64)v : (u64)v;
        len = format_number(tmp + 1, mag, 10, false);
        if (v < 0) {
            tmp[0] = '-';
            emit_padded(o, tmp, len + 1, width, left, ' ');
        } else {
            emit_padded(o, tmp + 1, len, width, left, pad);
        }
        return;
    }
    case 'u': case 'x': case 'X':
        len = format_number(tmp, fetch_unsigned(ap, lng), conv == 'u' ? 10 : 16, conv == 'X');
        emit_padded(o, tmp, len, width, left, pad);
        return;
    case 'p':
        emit(o, '0');
        emit(o, 'x');
        len = format_number(tmp, (u64)(uintptr_t)va_arg(*ap, void *), 16, false);
        emit_padded(o, tmp, len, width, left, pad);
        return;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s)
            s = "(null)";
        len = strlen(s);
        if (prec >= 0 && (size_t)prec < len)
            len = prec;
        emit_padded(o, s, len, width, left, ' ');
        return;
    }
    case 'c':
        tmp[0] = (char)va_arg(*ap, int);
        emit_padded(o, tmp, 1, width, left, ' ');
        return;
    default:
        emit(o, '%');
        emit(o, conv);
    }
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap_in)
{
    struct out o = { buf, n, 0 };
    va_list ap;
    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            emit(&o, *f);
            continue;
        }
        f++;
        bool left = false;
        char pad = ' ';
        for (; *f == '-' || *f == '0'; f++) {
            if (*f == '-')
                left = true;
            else
                pad = '0';
        }
        int width = 0, prec = -1, lng = 0;
        for (; *f >= '0' && *f <= '9'; f++)
            width = width * 10 + (*f - '0');
        if (*f == '.') {
            prec = 0;
            for (f++; *f >= '0' && *f <= '9'; f++)
                prec = prec * 10 + (*f - '0');
        }
        for (; *f == 'l' || *f == 'z'; f++)
            lng++;
        if (!*f)
            break;
        if (*f == '%')
            emit(&o, '%');
        else
            convert(&o, *f, &ap, lng, width, prec, left, pad);
    }
    va_end(ap);
    if (n)
        buf[o.pos < n ? o.pos : n - 1] = 0;
    return (int)o.pos;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    serial_puts(buf);
    return r;
}
