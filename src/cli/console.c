/* vireo: serial console relay (see console.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>
#include "cli/console.h"
#include "cli/store.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

#define ESCAPE_CHAR 0x1d   /* Ctrl+] as in virsh */

int
vireo_console_open(const char *pty, GError **error)
{
    struct termios t;
    int fd = open(pty, O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_OPERATION_FAILED, errno,
                              _("cannot open console '%s'"), pty);
        return -1;
    }
    /* without this the line discipline would echo the guest's output back
     * to it and turn its \n into \r\n */
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    return fd;
}

/* Copies stdin to the guest; FALSE when the escape character was typed. */
static gboolean
relay_input(int fd, gboolean *stdin_open)
{
    char buf[1024];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

    if (n <= 0) {
        *stdin_open = FALSE;
        return TRUE;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == ESCAPE_CHAR) {
            vireo_write_all(fd, buf, i);
            return FALSE;
        }
    }
    vireo_write_all(fd, buf, n);
    return TRUE;
}

gboolean
vireo_console_relay(int fd, const char *name)
{
    gboolean closed = FALSE;
    gboolean tty = isatty(STDIN_FILENO);
    gboolean stdin_open = TRUE;
    struct termios saved, raw;

    printf(_("Connected to domain '%s'\n"), name);
    printf("%s\n", _("Escape character is ^] (Ctrl + ])"));
    fflush(stdout);
    if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    } else {
        tty = FALSE;
    }
    for (;;) {
        struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
                               { .fd = STDIN_FILENO, .events = POLLIN } };
        char buf[4096];
        ssize_t n;
        if (poll(p, stdin_open ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(fd, buf, sizeof(buf));
            if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN))) {
                closed = TRUE;   /* EIO: the VMM closed the pty */
                break;
            }
            if (n > 0 && !vireo_write_all(STDOUT_FILENO, buf, n))
                break;
        }
        if (stdin_open && (p[1].revents & (POLLIN | POLLHUP)) &&
            !relay_input(fd, &stdin_open))
            break;
    }
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    close(fd);
    printf("\n");
    return closed;
}
