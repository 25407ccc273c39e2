/* vireo: `vireo console`: attach the terminal to a domain's serial pty. */
#pragma once
#include <glib.h>

/* Opens the pty (raw, so the guest's bytes pass unchanged). -1 on error. */
int vireo_console_open(const char *pty, GError **error);

/* Relays stdin <-> the pty until Ctrl+] is typed or the pty closes (the
 * VMM ended). With stdin not a terminal, its end does not detach: the
 * guest's output is shown until the VMM ends, so scripts can capture it.
 * Prints virsh's "Connected to domain" banner first. Returns TRUE when
 * the pty closed (the VMM ended), FALSE when the user detached. */
gboolean vireo_console_relay(int fd, const char *name);
