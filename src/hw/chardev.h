/* vireo: character device backends for serial ports (pty, file, stdio, null,
 * unix server socket, plus the <log file> copy of the output).
 *
 * Output is written from vCPU threads and never blocks them: bytes that the
 * backend cannot take at once wait in a bounded buffer drained by the main
 * loop, and are dropped (and counted) when that buffer is full, e.g. a pty
 * nobody reads. Input is read on the main loop and handed to the device's
 * receive callback only as far as the device says it has room. */
#pragma once
#include <glib.h>
#include "machine/machine_desc.h"

typedef struct _VireoChardev VireoChardev;

/* How many bytes the frontend can take now (its free FIFO space). */
typedef gsize (*VireoChardevCanReadFn)(void *opaque);
/* Bytes from the backend; called on the main loop, len <= can_read(). */
typedef void (*VireoChardevReadFn)(void *opaque, const guint8 *buf, gsize len);

/* Opens the backend described by desc (NULL: null backend). id names it in
 * errors ("serial0"). Sources are attached to ctx (NULL: the default). */
VireoChardev *vireo_chardev_new(const VireoChardevDesc *desc, const char *id,
                                GMainContext *ctx, GError **error);
/* A backend over two file descriptors the caller hands over (in_fd may equal
 * out_fd, -1 for none): socketpairs in tests, inherited fds. */
VireoChardev *vireo_chardev_new_fds(int in_fd, int out_fd, const char *id,
                                    GMainContext *ctx);
void vireo_chardev_free(VireoChardev *chr);
/* The guest's last words (its goodbye before powering off) must reach the
 * reader: flushes what is buffered, then, for a pty, lets an attached
 * console take what the kernel still queues, since closing the master
 * discards it. Bounded (500 ms), and 20 ms when nobody reads. Call with the
 * vCPUs stopped. */
void vireo_chardev_drain(VireoChardev *chr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoChardev, vireo_chardev_free)

/* Connects the frontend; input starts flowing once this is set. */
void vireo_chardev_set_frontend(VireoChardev *chr, VireoChardevCanReadFn can_read,
                                VireoChardevReadFn read, void *opaque);
/* The frontend has room again (the guest read its FIFO). Any thread. */
void vireo_chardev_accept_input(VireoChardev *chr);

/* Writes len bytes of guest output. Any thread; never blocks for long.
 * Returns how many were accepted (the rest was dropped). */
gsize vireo_chardev_write(VireoChardev *chr, const guint8 *buf, gsize len);

/* The pty slave's path ("/dev/pts/3"), NULL for other backends. */
const char *vireo_chardev_get_pty_path(VireoChardev *chr);
/* The backend type as libvirt names it ("pty", "file", ...). */
const char *vireo_chardev_get_kind(VireoChardev *chr);
/* Output bytes dropped because the backend could not take them. */
guint64 vireo_chardev_get_dropped(VireoChardev *chr);
