/* vireo: POST code port 0x80 and the QEMU-style debug console port 0x402
 * (VIREO_DEV_DEBUGCON). */
#pragma once
#include "hw/hw.h"

/* The last POST code written to port 0x80 and how many writes there were
 * (Linux also uses the port as an I/O delay). */
guint8 vireo_debugcon_get_post_code(VireoDevice *dev);
guint64 vireo_debugcon_get_post_writes(VireoDevice *dev);
