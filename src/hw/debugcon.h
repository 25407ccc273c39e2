/* vireo: VIREO_DEV_DEBUGCON — the POST code port when the description puts
 * it at 0x80, the QEMU-style debug console (0x402) elsewhere. */
#pragma once
#include "hw/hw.h"

/* For the 0x80 instance: the last POST code written and how many writes
 * there were (Linux also uses the port as an I/O delay). */
guint8 vireo_debugcon_get_post_code(VireoDevice *dev);
guint64 vireo_debugcon_get_post_writes(VireoDevice *dev);
