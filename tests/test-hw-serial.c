/* Unit tests for src/hw/serial.c (16550A) and src/hw/chardev.c. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "hw/harness.h"
#include "hw/serial.h"

#define COM1 0x3f8
#define GSI 4

typedef struct {
    HwHarness *h;
    VireoDevice *dev;
    int peer;                       /* socketpair end the test plays host with */
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    int sv[2];
    f->h = hw_harness_new();
    f->dev = hw_harness_create(f->h, hw_harness_add_desc(f->h, VIREO_DEV_SERIAL,
                                                         "serial0", COM1, 8, GSI));
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    vireo_serial_set_chardev(VIREO_SERIAL(f->dev),
                             vireo_chardev_new_fds(sv[0], sv[0], "serial0", f->h->ctx));
    f->peer = sv[1];
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_object_unref(f->dev);
    close(f->peer);
    hw_harness_free(f->h);
}

static void
test_registers(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;
    hw_outb(h, COM1 + 7, 0xa5);
    g_assert_cmpuint(hw_inb(h, COM1 + 7), ==, 0xa5);
    /* IER keeps only its four defined bits. */
    hw_outb(h, COM1 + 1, 0xff);
    g_assert_cmpuint(hw_inb(h, COM1 + 1), ==, 0x0f);
    hw_outb(h, COM1 + 1, 0);
    /* DLAB switches offsets 0/1 to the divisor latch and back. */
    hw_outb(h, COM1 + 3, 0x83);
    hw_outb(h, COM1 + 0, 0x01);
    hw_outb(h, COM1 + 1, 0x02);
    g_assert_cmpuint(hw_inb(h, COM1 + 0), ==, 0x01);
    g_assert_cmpuint(hw_inb(h, COM1 + 1), ==, 0x02);
    hw_outb(h, COM1 + 3, 0x03);
    g_assert_cmpuint(hw_inb(h, COM1 + 3), ==, 0x03);
    g_assert_cmpuint(hw_inb(h, COM1 + 1), ==, 0x00);
    /* A DLL write must not have transmitted anything. */
    {
        char c;
        g_assert_cmpint(recv(f->peer, &c, 1, MSG_DONTWAIT), ==, -1);
    }
    /* Idle: THR and transmitter empty, nothing received, no interrupt. */
    g_assert_cmpuint(hw_inb(h, COM1 + 5), ==, 0x60);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x01);
    /* A 16-bit read is two byte cycles: LSR then MSR. */
    g_assert_cmpuint(hw_inw(h, COM1 + 5), ==, 0xb060);
}

static void
test_thre_interrupt(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;
    char buf[8];

    hw_outb(h, COM1 + 4, 0x0b);             /* DTR RTS OUT2 */
    g_assert_false(hw_irq(h, GSI));
    hw_outb(h, COM1 + 1, 0x02);             /* THRI: THR is empty -> interrupt */
    g_assert_true(hw_irq(h, GSI));
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x02);
    g_assert_false(hw_irq(h, GSI));         /* reading IIR acknowledged it */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x01);
    hw_outb(h, COM1, 'A');
    g_assert_true(hw_irq(h, GSI));          /* sent at once: THR empty again */
    g_assert_cmpuint(hw_raises(h, GSI), ==, 2);
    g_assert_cmpint(read(f->peer, buf, sizeof(buf)), ==, 1);
    g_assert_cmpint(buf[0], ==, 'A');
    /* OUT2 gates the line but not the IIR. */
    hw_outb(h, COM1 + 4, 0x03);
    g_assert_false(hw_irq(h, GSI));
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x02);
    /* Linux's UART_BUG_THRE probe: IER 0 then THRI again re-asserts THRE. */
    hw_outb(h, COM1 + 1, 0);
    hw_outb(h, COM1 + 1, 0x02);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x02);
}

static void
test_fifo_loopback(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;

    hw_outb(h, COM1 + 2, 0xc7);             /* FIFO on, clear, trigger 14 */
    g_assert_cmpuint(hw_inb(h, COM1 + 2) & 0xc0, ==, 0xc0);
    hw_outb(h, COM1 + 4, 0x1b);             /* loopback + OUT2 */
    hw_outb(h, COM1 + 1, 0x05);             /* RDI + RLSI */
    for (guint i = 0; i < 13; i++)
        hw_outb(h, COM1, 'a' + i);
    /* Below the trigger: the character-timeout interrupt. */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0xcc);
    g_assert_true(hw_irq(h, GSI));
    hw_outb(h, COM1, 'n');
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0xc4);   /* 14 reached */
    hw_outb(h, COM1, 'o');
    hw_outb(h, COM1, 'p');
    hw_outb(h, COM1, 'q');                  /* the 17th: overrun */
    /* Line status outranks received data. */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0xc6);
    g_assert_cmpuint(hw_inb(h, COM1 + 5), ==, 0x63);   /* DR OE THRE TEMT */
    g_assert_cmpuint(hw_inb(h, COM1 + 5), ==, 0x61);   /* OE cleared by reading */
    for (guint i = 0; i < 16; i++)
        g_assert_cmpuint(hw_inb(h, COM1), ==, 'a' + i);
    g_assert_cmpuint(hw_inb(h, COM1 + 5) & 0x01, ==, 0);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0xc1);
    g_assert_false(hw_irq(h, GSI));
    /* Nothing went out on the wire in loopback. */
    {
        char c;
        g_assert_cmpint(recv(f->peer, &c, 1, MSG_DONTWAIT), ==, -1);
    }
    /* Without FIFO a second byte overruns the holding register. */
    hw_outb(h, COM1 + 2, 0x00);
    g_assert_cmpuint(hw_inb(h, COM1 + 2) & 0xc0, ==, 0);
    hw_outb(h, COM1, 'x');
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x04);
    hw_outb(h, COM1, 'y');
    g_assert_cmpuint(hw_inb(h, COM1 + 5) & 0x03, ==, 0x03);
    g_assert_cmpuint(hw_inb(h, COM1), ==, 'x');
}

static void
test_priorities(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;

    hw_outb(h, COM1 + 4, 0x18);             /* loopback + OUT2 */
    hw_inb(h, COM1 + 6);                    /* clear deltas from the switch */
    hw_outb(h, COM1 + 1, 0x0f);             /* all four sources */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x02);   /* THRE (from enabling) */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x01);
    hw_outb(h, COM1 + 4, 0x1a);             /* RTS: CTS changes -> modem status */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x00);
    hw_outb(h, COM1, 'z');                  /* data + THRE pending */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x04);
    hw_outb(h, COM1, 'z');                  /* overrun: line status on top */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x06);
    hw_inb(h, COM1 + 5);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x04);
    hw_inb(h, COM1);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x02);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x00);   /* MSI is last */
    g_assert_cmpuint(hw_inb(h, COM1 + 6) & 0x0f, ==, 0x01);  /* DCTS */
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x01);
    g_assert_false(hw_irq(h, GSI));
}

static void
test_msr_loopback(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;
    /* Connected line outside loopback. */
    g_assert_cmpuint(hw_inb(h, COM1 + 6) & 0xf0, ==, 0xb0);
    /* Linux's autoconfig: MCR = LOOP|OUT2|RTS must read back MSR 0x90. */
    hw_outb(h, COM1 + 4, 0x1a);
    g_assert_cmpuint(hw_inb(h, COM1 + 6) & 0xf0, ==, 0x90);
    hw_outb(h, COM1 + 4, 0x15);             /* LOOP|OUT1|DTR: RI and DSR */
    g_assert_cmpuint(hw_inb(h, COM1 + 6) & 0xf0, ==, 0x60);
    hw_outb(h, COM1 + 4, 0x10);             /* RI falls: trailing edge */
    g_assert_cmpuint(hw_inb(h, COM1 + 6), ==, 0x06);
    g_assert_cmpuint(hw_inb(h, COM1 + 6), ==, 0x00);
}

static gboolean
lsr_has_data(void *p)
{
    Fixture *f = p;
    return hw_inb(f->h, COM1 + 5) & 0x01;
}

static gboolean
fifo_full(void *p)
{
    Fixture *f = p;
    /* 16 bytes in with trigger 14: RDA pending */
    return (hw_inb(f->h, COM1 + 2) & 0x0f) == 0x04;
}

static void
test_rx_socketpair(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;
    guint8 big[40];

    hw_outb(h, COM1 + 4, 0x0b);
    hw_outb(h, COM1 + 1, 0x01);             /* RDI */
    g_assert_cmpint(write(f->peer, "hey", 3), ==, 3);
    g_assert_true(hw_iterate_until(h, lsr_has_data, f, 5000));
    g_assert_true(hw_irq(h, GSI));
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x04);    /* no FIFO: RDA */
    g_assert_cmpuint(hw_inb(h, COM1), ==, 'h');
    g_assert_true(hw_iterate_until(h, lsr_has_data, f, 5000));
    g_assert_cmpuint(hw_inb(h, COM1), ==, 'e');
    g_assert_true(hw_iterate_until(h, lsr_has_data, f, 5000));
    g_assert_cmpuint(hw_inb(h, COM1), ==, 'y');
    g_assert_false(lsr_has_data(f));

    /* With the FIFO, input stops at 16 bytes and resumes as the guest reads:
     * nothing is lost, nothing overruns. */
    hw_outb(h, COM1 + 2, 0xc7);
    for (guint i = 0; i < sizeof(big); i++)
        big[i] = i;
    g_assert_cmpint(write(f->peer, big, sizeof(big)), ==, sizeof(big));
    for (guint i = 0; i < sizeof(big); i++) {
        if (i == 0) {
            g_assert_true(hw_iterate_until(h, fifo_full, f, 5000));
            g_assert_cmpuint(hw_inb(h, COM1 + 5), ==, 0x61);  /* no overrun */
        }
        g_assert_true(hw_iterate_until(h, lsr_has_data, f, 5000));
        g_assert_cmpuint(hw_inb(h, COM1), ==, i);
    }
    g_assert_cmpuint(hw_inb(h, COM1 + 5) & 0x03, ==, 0);
}

static void
test_tx_socketpair(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;
    const char *msg = "Linux version 6.1\r\n";
    char buf[64] = { 0 };
    gsize got = 0;

    /* A polling guest: wait for THRE, write THR. */
    for (const char *p = msg; *p; p++) {
        while (!(hw_inb(h, COM1 + 5) & 0x20))
            ;
        hw_outb(h, COM1, *p);
    }
    while (got < strlen(msg)) {
        ssize_t r = read(f->peer, buf + got, sizeof(buf) - 1 - got);
        g_assert_cmpint(r, >, 0);
        got += r;
    }
    g_assert_cmpstr(buf, ==, msg);
}

static void
test_reset(Fixture *f, gconstpointer data)
{
    HwHarness *h = f->h;
    hw_outb(h, COM1 + 4, 0x0b);
    hw_outb(h, COM1 + 1, 0x02);
    g_assert_true(hw_irq(h, GSI));
    vireo_device_reset(f->dev);
    g_assert_false(hw_irq(h, GSI));
    g_assert_cmpuint(hw_inb(h, COM1 + 1), ==, 0);
    g_assert_cmpuint(hw_inb(h, COM1 + 4), ==, 0);
    g_assert_cmpuint(hw_inb(h, COM1 + 2), ==, 0x01);
}

/* ---- real backends ------------------------------------------------------ */

static VireoDevice *
create_serial_with(HwHarness *h, VireoChrType type, const char *path,
                   const char *log, gboolean append)
{
    VireoDeviceDesc *d = hw_harness_add_desc(h, VIREO_DEV_SERIAL, "serial0", COM1, 8, GSI);
    d->chardev = g_new0(VireoChardevDesc, 1);
    d->chardev->type = type;
    d->chardev->path = g_strdup(path);
    d->chardev->append = append;
    d->chardev->log_file = g_strdup(log);
    d->chardev->log_append = append;
    return hw_harness_create(h, d);
}

static void
put_string(HwHarness *h, const char *s)
{
    for (; *s; s++)
        hw_outb(h, COM1, *s);
}

static void
test_pty(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    VireoDevice *dev = create_serial_with(h, VIREO_CHR_TYPE_PTY, NULL, NULL, FALSE);
    VireoChardev *chr = vireo_serial_get_chardev(VIREO_SERIAL(dev));
    const char *path = vireo_chardev_get_pty_path(chr);
    char buf[16] = { 0 };
    gsize got = 0;
    int fd;

    g_assert_nonnull(path);
    g_assert_true(g_str_has_prefix(path, "/dev/pts/"));
    g_assert_cmpstr(vireo_chardev_get_kind(chr), ==, "pty");
    fd = open(path, O_RDWR | O_NOCTTY);
    g_assert_cmpint(fd, >=, 0);
    /* Raw mode: a guest "\n" arrives unchanged, no "\r\n" translation. */
    put_string(h, "ok\n");
    while (got < 3) {
        ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got);
        g_assert_cmpint(r, >, 0);
        got += r;
    }
    g_assert_cmpstr(buf, ==, "ok\n");
    g_assert_cmpint(write(fd, "Q", 1), ==, 1);
    g_assert_true(hw_iterate_until(h, (gboolean (*)(void *))lsr_has_data,
                                   &(Fixture){ h, dev, -1 }, 5000));
    g_assert_cmpuint(hw_inb(h, COM1), ==, 'Q');
    close(fd);
    g_object_unref(dev);
}

static void
test_pty_no_reader(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    VireoDevice *dev = create_serial_with(h, VIREO_CHR_TYPE_PTY, NULL, NULL, FALSE);
    VireoChardev *chr = vireo_serial_get_chardev(VIREO_SERIAL(dev));

    /* Nobody has the slave open: 256 KiB of output must neither block the
     * "vCPU" (this thread) nor grow without bound; the excess is dropped. */
    for (guint i = 0; i < 256 * 1024; i++)
        hw_outb(h, COM1, 'x');
    g_main_context_iteration(h->ctx, FALSE);
    g_assert_cmpuint(vireo_chardev_get_dropped(chr), >, 0);
    g_assert_cmpuint(vireo_chardev_get_dropped(chr), <, 256 * 1024);
    g_object_unref(dev);
}

static void
test_file_and_log(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-serial-XXXXXX", NULL);
    g_autofree char *out = g_build_filename(dir, "console.out", NULL);
    g_autofree char *log = g_build_filename(dir, "console.log", NULL);
    g_autofree char *text = NULL;

    for (guint round = 0; round < 3; round++) {
        g_autoptr(HwHarness) h = hw_harness_new();
        /* Round 0 and 1 truncate, round 2 appends. */
        VireoDevice *dev = create_serial_with(h, VIREO_CHR_TYPE_FILE, out, log, round == 2);
        put_string(h, round ? "boot\n" : "old\n");
        g_object_unref(dev);
    }
    g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "boot\nboot\n");
    g_clear_pointer(&text, g_free);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "boot\nboot\n");
    g_unlink(out);
    g_unlink(log);
    g_rmdir(dir);
}

static void
test_unix_server(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-serial-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "serial.sock", NULL);
    g_autoptr(HwHarness) h = hw_harness_new();
    VireoDevice *dev = create_serial_with(h, VIREO_CHR_TYPE_UNIX, path, NULL, FALSE);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    char buf[8] = { 0 };
    Fixture f = { h, dev, -1 };

    put_string(h, "lost");                  /* no client yet: dropped */
    strcpy(addr.sun_path, path);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(write(fd, "k", 1), ==, 1);
    g_assert_true(hw_iterate_until(h, lsr_has_data, &f, 5000));
    g_assert_cmpuint(hw_inb(h, COM1), ==, 'k');
    put_string(h, "up");
    g_assert_cmpint(read(fd, buf, sizeof(buf) - 1), ==, 2);
    g_assert_cmpstr(buf, ==, "up");
    close(fd);
    g_object_unref(dev);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_rmdir(dir);
}

/* stdio with stdin/stdout on pipes (not a tty, so no raw mode): input
 * arrives, output leaves, and a stdout nobody reads never blocks the vCPU. */
static void
test_stdio(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    int in[2], out[2], saved0 = dup(0), saved1 = dup(1);
    VireoDevice *dev;
    VireoChardev *chr;
    char c = 0;
    Fixture f;

    g_assert_cmpint(pipe(in), ==, 0);
    g_assert_cmpint(pipe(out), ==, 0);
    fflush(stdout);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dev = create_serial_with(h, VIREO_CHR_TYPE_STDIO, NULL, NULL, FALSE);
    chr = vireo_serial_get_chardev(VIREO_SERIAL(dev));
    f = (Fixture){ h, dev, -1 };
    g_assert_cmpint(write(in[1], "s", 1), ==, 1);
    if (hw_iterate_until(h, lsr_has_data, &f, 5000))
        c = hw_inb(h, COM1);
    hw_outb(h, COM1, 'Z');
    {
        char got = 0;
        gboolean read_ok = read(out[0], &got, 1) == 1;
        /* 256 KiB into a pipe that holds 64 KiB and is never read. */
        for (guint i = 0; i < 256 * 1024; i++)
            hw_outb(h, COM1, 'x');
        g_main_context_iteration(h->ctx, FALSE);
        g_assert_cmpstr(vireo_chardev_get_kind(chr), ==, "stdio");
        g_assert_cmpuint(vireo_chardev_get_dropped(chr), >, 0);
        /* Freed while fd 1 is still the unread pipe: closing drains what is
         * buffered into the backend's fd, which must not be the TAP stream. */
        g_object_unref(dev);
        /* stdio's 0 and 1 are not the backend's to close. */
        g_assert_cmpint(fcntl(0, F_GETFD), !=, -1);
        g_assert_cmpint(fcntl(1, F_GETFD), !=, -1);
        dup2(saved0, 0);
        dup2(saved1, 1);
        g_assert_cmpint(c, ==, 's');
        g_assert_true(read_ok);
        g_assert_cmpint(got, ==, 'Z');
    }
    close(saved0);
    close(saved1);
    for (guint i = 0; i < 2; i++) {
        close(in[i]);
        close(out[i]);
    }
}

static void
test_types(void)
{
    vireo_hw_types_init();
    g_assert_true(vireo_device_type_for_kind(VIREO_DEV_SERIAL) == VIREO_TYPE_SERIAL);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_hw_types_init();
#define ADD(name, fn) g_test_add("/hw/serial/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("registers", test_registers);
    ADD("thre-interrupt", test_thre_interrupt);
    ADD("fifo-loopback", test_fifo_loopback);
    ADD("iir-priorities", test_priorities);
    ADD("msr-loopback", test_msr_loopback);
    ADD("rx-socketpair", test_rx_socketpair);
    ADD("tx-socketpair", test_tx_socketpair);
    ADD("reset", test_reset);
    g_test_add_func("/hw/serial/type", test_types);
    g_test_add_func("/hw/chardev/pty", test_pty);
    g_test_add_func("/hw/chardev/pty-no-reader", test_pty_no_reader);
    g_test_add_func("/hw/chardev/file-and-log", test_file_and_log);
    g_test_add_func("/hw/chardev/unix-server", test_unix_server);
    g_test_add_func("/hw/chardev/stdio", test_stdio);
    return g_test_run();
}
