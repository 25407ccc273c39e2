/* vireo: the QMP control socket of one vireo-vmm (QEMU's QMP protocol). */
#pragma once
#include <glib.h>
#include "vmm/vmm.h"

typedef struct _VireoQmpServer VireoQmpServer;

/* spec is the --qmp argument: "unix:PATH[,server=on,wait=off]". The socket
 * is created mode 0600 and served from the thread-default main context.
 * Several servers may exist for one VMM. */
VireoQmpServer *vireo_qmp_server_new(VireoVmm *vmm, const char *spec,
                                     GError **error);
void vireo_qmp_server_free(VireoQmpServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoQmpServer, vireo_qmp_server_free)
