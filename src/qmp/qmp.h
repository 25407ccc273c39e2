/* vireo: the QMP control socket of one vireo-vmm (QEMU's QMP protocol). */
#pragma once
#include <glib.h>
#include "vmm/vmm.h"

typedef struct _VireoQmpServer VireoQmpServer;

/* spec is the --qmp argument: "unix:PATH[,server=on,wait=off]". The socket
 * is created mode 0600 and served from the thread-default main context.
 * Several servers may exist for one VMM.
 *
 * With vmm NULL the socket listens before the VM exists, as QEMU's monitor
 * socket does: a client that connects while the VM is being built is
 * greeted by vireo_qmp_server_greet_waiting() (or, failing that, once the
 * main loop runs), and its commands are read and answered once
 * vireo_qmp_server_attach() gave the server its VMM. */
VireoQmpServer *vireo_qmp_server_new(VireoVmm *vmm, const char *spec,
                                     GError **error);
/* Serves vmm (its commands and events) from now on; once per server made
 * without a VMM. */
void vireo_qmp_server_attach(VireoQmpServer *server, VireoVmm *vmm);
/* Greets every client waiting in the backlog now, without the main loop
 * (QEMU greets from its monitor's I/O thread while its machine is still
 * being built: docs/qmp.md). */
void vireo_qmp_server_greet_waiting(VireoQmpServer *server);
void vireo_qmp_server_free(VireoQmpServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoQmpServer, vireo_qmp_server_free)
