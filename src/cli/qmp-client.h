/* vireo: a small blocking QMP client, how `vireo` talks to a vireo-vmm.
 * Plain sockets and no threads, so the CLI may fork safely after using it. */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct _VireoQmpClient VireoQmpClient;

/* Connects to the unix socket, reads the greeting and negotiates
 * capabilities. Gives up after timeout_ms. */
VireoQmpClient *vireo_qmp_client_connect(const char *path, int timeout_ms,
                                         GError **error);
/* The two halves of vireo_qmp_client_connect: connect and read the
 * greeting (the server answers: its main loop runs), then negotiate
 * capabilities (needed before commands and events). */
VireoQmpClient *vireo_qmp_client_open(const char *path, int timeout_ms,
                                      GError **error);
gboolean vireo_qmp_client_negotiate(VireoQmpClient *client, GError **error);
void vireo_qmp_client_free(VireoQmpClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoQmpClient, vireo_qmp_client_free)

int vireo_qmp_client_fd(VireoQmpClient *client);

/* Runs one command; returns the "return" member (a new reference) or NULL
 * with the QMP error's desc in *error. Events read meanwhile are dropped. */
JsonNode *vireo_qmp_client_execute(VireoQmpClient *client, const char *command,
                                   JsonObject *arguments, GError **error);

/* Sends text as it is and returns the reply line (not the events). */
char *vireo_qmp_client_raw(VireoQmpClient *client, const char *text,
                           GError **error);

/* Next message (reply or event); NULL with *error on EOF or timeout
 * (timeout_ms < 0 waits forever). An EOF sets G_IO_ERROR_CONNECTION_CLOSED. */
JsonObject *vireo_qmp_client_read(VireoQmpClient *client, int timeout_ms,
                                  GError **error);
