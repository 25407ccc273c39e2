/* vireo: the i8042 keyboard controller at 0x60 (data) / 0x64 (status and
 * command), with a keyboard that answers its commands and types what the
 * host sends (vireo_i8042_send_scancodes), and no AUX (mouse) port. What guests use it for is the
 * controller's commands: reading the configuration, self-tests, and above
 * all resetting the machine (pulse 0xFE, or output port bit 0 cleared). */
#include <config.h>
#include "hw/i8042.h"
#include "hw/devices.h"

#define I8042_DATA 0x60
#define I8042_CMD  0x64

/* status register */
#define STS_OBF     0x01            /* output buffer full */
#define STS_SYS     0x04            /* system flag (self-test passed) */
#define STS_CMD     0x08            /* last write went to the command port */
#define STS_UNLOCKED 0x10           /* keyboard not inhibited */
/* command byte (controller RAM 0) */
#define CTR_KBD_INT  0x01
#define CTR_SYS      0x04
#define CTR_KBD_DIS  0x10
#define CTR_AUX_DIS  0x20
#define CTR_XLATE    0x40
/* output port */
#define OUT_RESET_N  0x01           /* low = reset the CPU */
#define OUT_A20      0x02

#define KBD_ACK      0xfa
#define KBD_RESEND   0xfe
#define KBD_BAT_OK   0xaa

#define QUEUE_SIZE 16

typedef struct {
    VireoDevice parent;
    GMutex lock;
    guint16 base;                   /* the data port, 0x60 */
    guint8 ctr;                     /* command byte */
    guint8 outport;
    guint8 status_cmd;              /* STS_CMD of the last write */
    guint8 pending_cmd;             /* controller command waiting for its data byte */
    guint8 kbd_pending;             /* keyboard command waiting for its argument */
    gboolean kbd_scanning;          /* 0xF4/0xF5: the keyboard sends keys */
    guint8 queue[QUEUE_SIZE];
    guint q_head, q_len;
    guint8 last_read;
    gboolean irq_level;
} VireoI8042;

typedef VireoDeviceClass VireoI8042Class;
GType vireo_i8042_get_type(void);
G_DEFINE_TYPE(VireoI8042, vireo_i8042, VIREO_TYPE_DEVICE)
#define VIREO_I8042(o) G_TYPE_CHECK_INSTANCE_CAST((o), vireo_i8042_get_type(), VireoI8042)

static void
i8042_update_irq(VireoI8042 *k)
{
    gboolean level = k->q_len > 0 && (k->ctr & CTR_KBD_INT);
    if (level == k->irq_level)
        return;
    k->irq_level = level;
    vireo_device_set_irq(VIREO_DEVICE(k), level);
}

static void
i8042_push(VireoI8042 *k, guint8 v)
{
    if (k->q_len == QUEUE_SIZE)
        return;                     /* the guest is not reading: drop */
    k->queue[(k->q_head + k->q_len) % QUEUE_SIZE] = v;
    k->q_len++;
}

static guint8
i8042_status(VireoI8042 *k)
{
    return (k->q_len ? STS_OBF : 0) | (k->ctr & CTR_SYS ? STS_SYS : 0) |
           k->status_cmd | STS_UNLOCKED;
}

static void
i8042_system_reset(VireoI8042 *k)
{
    vireo_device_request(VIREO_DEVICE(k), VIREO_VM_REQUEST_RESET);
}

/* Bytes written to 0x60 with no controller command pending go to the
 * keyboard, which acknowledges them as a PS/2 keyboard would. */
static void
i8042_keyboard_write(VireoI8042 *k, guint8 v)
{
    if (k->kbd_pending) {
        guint8 cmd = k->kbd_pending;
        k->kbd_pending = 0;
        i8042_push(k, KBD_ACK);
        if (cmd == 0xf0 && v == 0)  /* get scan code set */
            i8042_push(k, k->ctr & CTR_XLATE ? 0x41 : 0x02);
        return;
    }
    switch (v) {
    case 0xff:                      /* reset: ack, then basic assurance test passed */
        k->kbd_scanning = TRUE;
        i8042_push(k, KBD_ACK);
        i8042_push(k, KBD_BAT_OK);
        break;
    case 0xf2:                      /* identify: MF2 keyboard */
        i8042_push(k, KBD_ACK);
        i8042_push(k, 0xab);
        i8042_push(k, k->ctr & CTR_XLATE ? 0x41 : 0x83);
        break;
    case 0xee:                      /* echo */
        i8042_push(k, 0xee);
        break;
    case 0xed:                      /* LEDs, typematic, scan code set: take an argument */
    case 0xf3:
    case 0xf0:
        k->kbd_pending = v;
        i8042_push(k, KBD_ACK);
        break;
    case 0xf4:                      /* enable scanning */
    case 0xf5:                      /* disable scanning (and set defaults) */
        k->kbd_scanning = v == 0xf4;
        i8042_push(k, KBD_ACK);
        break;
    case 0xf6: case 0xf7: case 0xf8: case 0xf9: case 0xfa: case 0xfb:
        i8042_push(k, KBD_ACK);
        break;
    default:
        i8042_push(k, KBD_RESEND);
        break;
    }
}

static void
i8042_write_outport(VireoI8042 *k, guint8 v)
{
    k->outport = v | OUT_A20;       /* A20 stays enabled: KVM has no A20 gate */
    if (!(v & OUT_RESET_N))
        i8042_system_reset(k);
}

static void
i8042_data_write(VireoI8042 *k, guint8 v)
{
    guint8 cmd = k->pending_cmd;
    k->pending_cmd = 0;
    switch (cmd) {
    case 0x60:
        k->ctr = v;
        break;
    case 0xd1:
        i8042_write_outport(k, v);
        break;
    case 0xd2:                      /* as if the keyboard sent it */
    case 0xd3:                      /* AUX loop: no AUX port, so keyboard data */
        i8042_push(k, v);
        break;
    case 0xd4:                      /* to the AUX device: there is none */
        break;
    default:
        i8042_keyboard_write(k, v);
        break;
    }
}

static void
i8042_command(VireoI8042 *k, guint8 cmd)
{
    switch (cmd) {
    case 0x20:
        i8042_push(k, k->ctr);
        break;
    case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
        k->pending_cmd = cmd;       /* the data byte follows on 0x60 */
        break;
    case 0xa7:
        k->ctr |= CTR_AUX_DIS;
        break;
    case 0xa8:
        k->ctr &= ~CTR_AUX_DIS;
        break;
    case 0xa9:                      /* AUX interface test: "clock line low" = none */
        i8042_push(k, 0x01);
        break;
    case 0xaa:                      /* controller self-test */
        k->ctr |= CTR_SYS;
        i8042_push(k, 0x55);
        break;
    case 0xab:                      /* keyboard interface test: no error */
        i8042_push(k, 0x00);
        break;
    case 0xad:
        k->ctr |= CTR_KBD_DIS;
        break;
    case 0xae:
        k->ctr &= ~CTR_KBD_DIS;
        break;
    case 0xc0:                      /* input port: keyboard not inhibited */
        i8042_push(k, 0x80);
        break;
    case 0xd0:
        i8042_push(k, k->outport | (k->q_len ? 0x10 : 0));
        break;
    case 0xdd: case 0xdf:           /* A20 off/on: always on */
        break;
    default:
        /* 0xF0-0xFF pulse output port bits 0-3 low; bit 0 is CPU reset. */
        if (cmd >= 0xf0 && !(cmd & 0x01))
            i8042_system_reset(k);
        break;
    }
}

static guint8
i8042_data_read(VireoI8042 *k)
{
    if (k->q_len) {
        k->last_read = k->queue[k->q_head];
        k->q_head = (k->q_head + 1) % QUEUE_SIZE;
        k->q_len--;
        /* Each byte is its own edge on IRQ 1: drop the line between bytes. */
        if (k->irq_level) {
            k->irq_level = FALSE;
            vireo_device_set_irq(VIREO_DEVICE(k), FALSE);
        }
    }
    return k->last_read;
}

static void
i8042_pio(void *opaque, guint16 port, guint8 *data, guint size, gboolean is_write)
{
    VireoI8042 *k = opaque;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&k->lock);
    gboolean is_cmd = port != k->base;

    if (is_write) {
        k->status_cmd = is_cmd ? STS_CMD : 0;
        if (is_cmd)
            i8042_command(k, data[0]);
        else
            i8042_data_write(k, data[0]);
    } else {
        data[0] = is_cmd ? i8042_status(k) : i8042_data_read(k);
    }
    for (guint i = 1; i < size; i++)
        if (!is_write)
            data[i] = 0xff;
    i8042_update_irq(k);
}

gsize
vireo_i8042_send_scancodes(VireoDevice *dev, const guint8 *codes, gsize n)
{
    VireoI8042 *k = VIREO_I8042(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&k->lock);
    gsize queued = 0;

    if (!k->kbd_scanning || (k->ctr & CTR_KBD_DIS))
        return 0;
    for (; queued < n && k->q_len < QUEUE_SIZE; queued++)
        i8042_push(k, codes[queued]);
    i8042_update_irq(k);
    return queued;
}

static void
vireo_i8042_reset(VireoDevice *dev)
{
    VireoI8042 *k = VIREO_I8042(dev);
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&k->lock);
    /* As firmware leaves it: keyboard interrupt on, translation, POST done. */
    k->ctr = CTR_KBD_INT | CTR_SYS | CTR_XLATE;
    k->outport = OUT_RESET_N | OUT_A20;
    k->status_cmd = 0;
    k->pending_cmd = k->kbd_pending = 0;
    k->kbd_scanning = TRUE;
    k->q_head = k->q_len = 0;
    i8042_update_irq(k);
}

static gboolean
vireo_i8042_realize(VireoDevice *dev, const VireoHwContext *hw,
                    const VireoDeviceDesc *desc, GError **error)
{
    VireoI8042 *k = VIREO_I8042(dev);
    k->base = desc->io_base ? desc->io_base : I8042_DATA;
    /* Only 0x60 and 0x64: 0x61 is port B, which pit.c owns. */
    if (!vireo_bus_register_pio(hw->bus, k->base, 1, i8042_pio, k,
                                "i8042-data", error) ||
        !vireo_bus_register_pio(hw->bus, k->base + (I8042_CMD - I8042_DATA), 1,
                                i8042_pio, k, "i8042-cmd", error))
        return FALSE;
    vireo_i8042_reset(dev);
    return TRUE;
}

static void
vireo_i8042_finalize(GObject *obj)
{
    g_mutex_clear(&VIREO_I8042(obj)->lock);
    G_OBJECT_CLASS(vireo_i8042_parent_class)->finalize(obj);
}

static void
vireo_i8042_class_init(VireoI8042Class *klass)
{
    G_OBJECT_CLASS(klass)->finalize = vireo_i8042_finalize;
    klass->kind = VIREO_DEV_I8042;
    klass->realize = vireo_i8042_realize;
    klass->reset = vireo_i8042_reset;
}

static void
vireo_i8042_init(VireoI8042 *k)
{
    g_mutex_init(&k->lock);
}
