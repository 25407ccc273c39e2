/* vireo: a 16550A UART. Transmission is instantaneous (THR is empty again
 * as soon as it is written), reception goes through a 16-byte FIFO that the
 * backend fills only as far as there is room, so nothing is ever overrun
 * except in loopback. The IRQ follows ISA practice: the line is high while
 * an interrupt is pending and MCR.OUT2 gates it onto the bus. */
#include <config.h>
#include "hw/serial.h"
#include "hw/devices.h"

#define UART_RBR 0      /* DLAB=0 read */
#define UART_THR 0      /* DLAB=0 write */
#define UART_DLL 0      /* DLAB=1 */
#define UART_IER 1
#define UART_DLM 1      /* DLAB=1 */
#define UART_IIR 2      /* read */
#define UART_FCR 2      /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDI  0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI  0x08

#define IIR_NO_INT  0x01
#define IIR_MSI     0x00
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_RLSI    0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO_ON 0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_PE   0x04
#define LSR_FE   0x08
#define LSR_BI   0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS  0x10
#define MSR_DSR  0x20
#define MSR_RI   0x40
#define MSR_DCD  0x80
#define MSR_DELTAS 0x0f

#define UART_FIFO_SIZE 16

struct _VireoSerial {
    VireoDevice parent;
    GMutex lock;
    VireoChardev *chr;
    guint16 base;

    guint8 ier, lcr, mcr, msr, scr, dll, dlm;
    guint8 lsr_errors;              /* latched OE/PE/FE/BI, cleared by reading LSR */
    gboolean fifo_enabled;
    guint rx_trigger;
    guint8 rx[UART_FIFO_SIZE];
    guint rx_head, rx_count;
    gboolean thr_ipending;          /* THRE interrupt, cleared by IIR read or THR write */
    gboolean timeout_ipending;      /* data sat below the trigger level */
    gboolean irq_level;
};

G_DEFINE_FINAL_TYPE(VireoSerial, vireo_serial, VIREO_TYPE_DEVICE)

static guint
serial_rx_capacity(VireoSerial *s)
{
    return s->fifo_enabled ? UART_FIFO_SIZE : 1;
}

static guint8
serial_lsr(VireoSerial *s)
{
    return (s->rx_count ? LSR_DR : 0) | s->lsr_errors | LSR_THRE | LSR_TEMT;
}

/* The highest-priority pending interrupt, as IIR bits 3..0 report it. */
static guint8
serial_iir_id(VireoSerial *s)
{
    if ((s->ier & IER_RLSI) && s->lsr_errors)
        return IIR_RLSI;
    if ((s->ier & IER_RDI) && s->rx_count) {
        if (!s->fifo_enabled || s->rx_count >= s->rx_trigger)
            return IIR_RDI;
        if (s->timeout_ipending)
            return IIR_TIMEOUT;
    }
    if ((s->ier & IER_THRI) && s->thr_ipending)
        return IIR_THRI;
    if ((s->ier & IER_MSI) && (s->msr & MSR_DELTAS))
        return IIR_MSI;
    return IIR_NO_INT;
}

static void
serial_update_irq(VireoSerial *s)
{
    gboolean level = serial_iir_id(s) != IIR_NO_INT && (s->mcr & MCR_OUT2);
    if (level == s->irq_level)
        return;
    s->irq_level = level;
    vireo_device_set_irq(VIREO_DEVICE(s), level);
}

static void
serial_rx_clear(VireoSerial *s)
{
    s->rx_head = s->rx_count = 0;
    s->timeout_ipending = FALSE;
}

static void
serial_rx_push(VireoSerial *s, guint8 byte)
{
    if (s->rx_count >= serial_rx_capacity(s)) {
        s->lsr_errors |= LSR_OE;
        return;
    }
    s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
    s->rx_count++;
    /* A burst that stops below the trigger level times out at once: the
     * guest sees the character-timeout interrupt instead of waiting. */
    s->timeout_ipending = s->fifo_enabled && s->rx_count < s->rx_trigger;
}

static guint8
serial_rx_pop(VireoSerial *s)
{
    guint8 b;
    if (!s->rx_count)
        return 0;
    b = s->rx[s->rx_head];
    s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
    s->rx_count--;
    s->timeout_ipending = s->rx_count > 0;
    if (s->chr && !(s->mcr & MCR_LOOP))
        vireo_chardev_accept_input(s->chr);
    return b;
}

/* Modem status: a connected line, or in loopback the MCR outputs. */
static void
serial_update_msr(VireoSerial *s)
{
    guint8 old = s->msr, now;

    if (s->mcr & MCR_LOOP)
        now = ((s->mcr & MCR_RTS) ? MSR_CTS : 0) | ((s->mcr & MCR_DTR) ? MSR_DSR : 0) |
              ((s->mcr & MCR_OUT1) ? MSR_RI : 0) | ((s->mcr & MCR_OUT2) ? MSR_DCD : 0);
    else
        now = MSR_DCD | MSR_DSR | MSR_CTS;
    s->msr = now | (old & MSR_DELTAS);
    if ((old ^ now) & MSR_CTS)
        s->msr |= MSR_DCTS;
    if ((old ^ now) & MSR_DSR)
        s->msr |= MSR_DDSR;
    if ((old & MSR_RI) && !(now & MSR_RI))
        s->msr |= MSR_TERI;         /* trailing edge only */
    if ((old ^ now) & MSR_DCD)
        s->msr |= MSR_DDCD;
}

static void
serial_write_thr(VireoSerial *s, guint8 v)
{
    if (s->mcr & MCR_LOOP)
        serial_rx_push(s, v);
    else if (s->chr)
        vireo_chardev_write(s->chr, &v, 1);
    /* The byte left at once: THR is empty again, which is an interrupt. */
    s->thr_ipending = TRUE;
}

static void
serial_write_fcr(VireoSerial *s, guint8 v)
{
    static const guint8 triggers[4] = { 1, 4, 8, 14 };
    gboolean enable = v & FCR_ENABLE;

    if (enable != s->fifo_enabled || (v & FCR_CLEAR_RX))
        serial_rx_clear(s);
    s->fifo_enabled = enable;
    s->rx_trigger = enable ? triggers[v >> 6] : 1;
    if (s->chr)
        vireo_chardev_accept_input(s->chr);
}

static void
serial_write_mcr(VireoSerial *s, guint8 v)
{
    gboolean was_loop = s->mcr & MCR_LOOP;
    s->mcr = v & 0x1f;
    serial_update_msr(s);
    if (was_loop && !(s->mcr & MCR_LOOP) && s->chr)
        vireo_chardev_accept_input(s->chr);
}

static void
serial_write(VireoSerial *s, guint off, guint8 v)
{
    gboolean dlab = s->lcr & LCR_DLAB;

    switch (off) {
    case UART_THR:
        if (dlab)
            s->dll = v;
        else
            serial_write_thr(s, v);
        break;
    case UART_IER:
        if (dlab) {
            s->dlm = v;
            break;
        }
        /* Enabling THRI with THR empty interrupts at once, as on a real
         * 16550 (Linux's UART_BUG_THRE probe relies on it). */
        if ((v & IER_THRI) && !(s->ier & IER_THRI))
            s->thr_ipending = TRUE;
        s->ier = v & 0x0f;
        break;
    case UART_FCR:
        serial_write_fcr(s, v);
        break;
    case UART_LCR:
        s->lcr = v;
        break;
    case UART_MCR:
        serial_write_mcr(s, v);
        break;
    case UART_LSR:
    case UART_MSR:
        break;                      /* read-only (factory test on real parts) */
    case UART_SCR:
        s->scr = v;
        break;
    }
}

static guint8
serial_read_iir(VireoSerial *s)
{
    guint8 id = serial_iir_id(s);
    if (id == IIR_THRI)
        s->thr_ipending = FALSE;    /* reading IIR acknowledges THRE */
    return id | (s->fifo_enabled ? IIR_FIFO_ON : 0);
}

static guint8
serial_read(VireoSerial *s, guint off)
{
    gboolean dlab = s->lcr & LCR_DLAB;
    guint8 v;

    switch (off) {
    case UART_RBR:
        return dlab ? s->dll : serial_rx_pop(s);
    case UART_IER:
        return dlab ? s->dlm : s->ier;
    case UART_IIR:
        return serial_read_iir(s);
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        v = serial_lsr(s);
        s->lsr_errors = 0;
        return v;
    case UART_MSR:
        v = s->msr;
        s->msr &= ~MSR_DELTAS;
        return v;
    default:
        return s->scr;
    }
}

/* Wider accesses are split into byte cycles, as the ISA bus does. */
static void
serial_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoSerial *s = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&s->lock);

    for (guint i = 0; i < size; i++) {
        guint off = port + i - s->base;
        if (off >= 8) {
            if (!is_write)
                data[i] = 0xff;
            continue;
        }
        if (is_write)
            serial_write(s, off, data[i]);
        else
            data[i] = serial_read(s, off);
    }
    serial_update_irq(s);
}

/* ---- backend side (main loop) ----------------------------------------- */

static gsize
serial_can_read(void *opaque)
{
    VireoSerial *s = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&s->lock);
    if (s->mcr & MCR_LOOP)
        return 0;                   /* the line is disconnected in loopback */
    return serial_rx_capacity(s) - s->rx_count;
}

static void
serial_receive(void *opaque, const guint8 *buf, gsize len)
{
    VireoSerial *s = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&s->lock);
    for (gsize i = 0; i < len; i++)
        serial_rx_push(s, buf[i]);
    serial_update_irq(s);
}

/* ---- the device -------------------------------------------------------- */

static void
serial_reset_locked(VireoSerial *s)
{
    s->ier = s->lcr = s->mcr = 0;
    s->dll = 0x0c;                  /* 9600 baud from the 1.8432 MHz clock */
    s->dlm = 0;
    s->lsr_errors = 0;
    s->fifo_enabled = FALSE;
    s->rx_trigger = 1;
    serial_rx_clear(s);
    s->thr_ipending = FALSE;
    s->msr = MSR_DCD | MSR_DSR | MSR_CTS;
    serial_update_irq(s);
}

static void
vireo_serial_reset(VireoDevice *dev)
{
    VireoSerial *s = VIREO_SERIAL(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&s->lock);
    serial_reset_locked(s);
}

static gboolean
vireo_serial_realize(VireoDevice *dev, const VireoHwContext *hw,
                     const VireoDeviceDesc *desc, GError **error)
{
    VireoSerial *s = VIREO_SERIAL(dev);
    VireoChardev *chr;

    s->base = desc->io_base;
    if (!vireo_bus_register_pio(hw->bus, s->base, MAX(desc->io_len, 8), serial_pio,
                                s, desc->id, error))
        return FALSE;
    chr = vireo_chardev_new(desc->chardev, desc->id, hw->main_context, error);
    if (!chr)
        return FALSE;
    vireo_serial_set_chardev(s, chr);
    vireo_serial_reset(dev);
    return TRUE;
}

static void
vireo_serial_unrealize(VireoDevice *dev)
{
    VireoSerial *s = VIREO_SERIAL(dev);
    vireo_bus_unregister(vireo_device_get_hw(dev)->bus, s);
    g_clear_pointer(&s->chr, vireo_chardev_free);
}

VireoChardev *
vireo_serial_get_chardev(VireoSerial *s)
{
    return s->chr;
}

void
vireo_serial_set_chardev(VireoSerial *s, VireoChardev *chr)
{
    VireoChardev *old;

    g_mutex_lock(&s->lock);
    old = s->chr;
    s->chr = chr;
    g_mutex_unlock(&s->lock);
    if (old)
        vireo_chardev_free(old);
    if (chr)
        vireo_chardev_set_frontend(chr, serial_can_read, serial_receive, s);
}

static void
vireo_serial_finalize(GObject *obj)
{
    VireoSerial *s = VIREO_SERIAL(obj);
    g_clear_pointer(&s->chr, vireo_chardev_free);
    g_mutex_clear(&s->lock);
    G_OBJECT_CLASS(vireo_serial_parent_class)->finalize(obj);
}

static void
vireo_serial_class_init(VireoSerialClass *klass)
{
    VireoDeviceClass *dc = VIREO_DEVICE_CLASS(klass);
    G_OBJECT_CLASS(klass)->finalize = vireo_serial_finalize;
    dc->kind = VIREO_DEV_SERIAL;
    dc->realize = vireo_serial_realize;
    dc->reset = vireo_serial_reset;
    dc->unrealize = vireo_serial_unrealize;
}

static void
vireo_serial_init(VireoSerial *s)
{
    g_mutex_init(&s->lock);
    s->rx_trigger = 1;
    s->msr = MSR_DCD | MSR_DSR | MSR_CTS;
}
