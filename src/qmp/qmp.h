/* vireo: the QMP control socket of one vireo-vmm (QEMU's QMP protocol). */
#pragma once
#include <glib.h>
#include "vmm/vmm.h"

typedef struct _VireoQmpServer VireoQmpServer;

/* spec is the --qmp argument: "unix:PATH[,server=on,wait=off]". The socket
 * is created mode 0600 and served from the thread-default main context.
 * Several servers may exist for one VMM.
 *
 * With vmm NULL the socket listens but accepts nobody until
 * vireo_qmp_server_attach(): as QEMU creates its monitor socket before the
 * machine, a client may connect while the VM is being built, and gets the
 * greeting once the VM exists and the main loop runs. */
VireoQmpServer *vireo_qmp_server_new(VireoVmm *vmm, const char *spec,
                                     GError **error);
/* Serves vmm (its commands and events) from now on; once per server made
 * without a VMM. */
void vireo_qmp_server_attach(VireoQmpServer *server, VireoVmm *vmm);
void vireo_qmp_server_free(VireoQmpServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoQmpServer, vireo_qmp_server_free)
