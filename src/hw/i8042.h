/* vireo: the i8042 keyboard controller (VIREO_DEV_I8042). */
#pragma once
#include "hw/hw.h"

/* Key events from the host (QMP send-key, a VNC client): the bytes the
 * guest reads on port 0x60, i.e. scan code set 1 while the controller
 * translates (the default) and set 2 otherwise. Dropped while the guest has
 * the keyboard disabled or the buffer is full. Any thread. Returns how many
 * bytes were queued. */
gsize vireo_i8042_send_scancodes(VireoDevice *dev, const guint8 *codes, gsize n);
