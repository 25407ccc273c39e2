/* vireo: the 16550A UART model (VIREO_DEV_SERIAL). */
#pragma once
#include "hw/hw.h"
#include "hw/chardev.h"

#define VIREO_TYPE_SERIAL (vireo_serial_get_type())
G_DECLARE_FINAL_TYPE(VireoSerial, vireo_serial, VIREO, SERIAL, VireoDevice)

/* The backend (for its pty path: the VMM logs it, query-chardev shows it). */
VireoChardev *vireo_serial_get_chardev(VireoSerial *serial);
/* Replaces the backend (takes ownership; the old one is freed). Before the
 * vCPUs run or with them paused: e.g. a test's socketpair. */
void vireo_serial_set_chardev(VireoSerial *serial, VireoChardev *chr);
