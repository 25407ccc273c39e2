/* vireo: domains as the command line sees them, and their running VMMs.
 *
 * A running domain is a vireo-vmm process plus a small monitor process (a
 * fork of the vireo that started it, detached with setsid). The monitor is
 * the VMM's parent: it learns the exact exit status, listens to the VMM's
 * events on a second QMP socket, and records the right stop reason and
 * events when the VMM ends on its own. Every vireo command also checks the
 * pid it finds (start time and program name in /proc), so a dead VMM is
 * noticed even when its monitor died too, and a reused pid is not trusted. */
#pragma once
#include <glib.h>
#include "cli/store.h"
#include "cli/qmp-client.h"

/* libvirt's virDomainState values. */
typedef enum {
    VIREO_DOM_NOSTATE = 0,
    VIREO_DOM_RUNNING = 1,
    VIREO_DOM_BLOCKED = 2,
    VIREO_DOM_PAUSED = 3,
    VIREO_DOM_SHUTDOWN = 4,
    VIREO_DOM_SHUTOFF = 5,
    VIREO_DOM_CRASHED = 6,
    VIREO_DOM_PMSUSPENDED = 7,
} VireoDomState;

/* virsh's words: "running", "shut off", ... (untranslated). */
const char *vireo_dom_state_name(VireoDomState state);

typedef struct {
    char *name;
    char uuid[37];
    gboolean persistent;
    gboolean active;
    int id;                      /* -1 when inactive */
    VireoDomState state;
    char *reason;                /* virsh's word: "booted", "destroyed", ... */
    VireoDomainSummary *sum;     /* live XML when active, else the config */
    char *config_path;           /* NULL for a transient domain */
    gint64 vmm_pid;
    guint64 cpu_time_ns;
} VireoDom;

void vireo_dom_free(VireoDom *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoDom, vireo_dom_free)

/* The domain called name, with its state checked against what really runs
 * (a dead VMM is finalised on the way). NULL and no error when there is
 * no such domain; NULL and an error when its config cannot be read. */
VireoDom *vireo_dom_load(VireoStore *store, const char *name, GError **error);

/* virsh's lookup: by id, then UUID, then name. Fails with
 * "failed to get domain 'key'". */
VireoDom *vireo_dom_lookup(VireoStore *store, const char *key, GError **error);

/* Every domain, sorted: active by id, then inactive by name. Configs that
 * cannot be read are skipped with a message in *problems (may be NULL). */
GPtrArray *vireo_dom_list_all(VireoStore *store, GPtrArray *problems);

/* Starts the VMM for a domain whose inactive XML is xml. transient: no
 * config remains after it stops. Caller holds the domain lock. */
gboolean vireo_dom_launch(VireoStore *store, const char *name,
                          const char *xml, gboolean transient,
                          gboolean paused, GError **error);

/* Stops the VMM (SIGTERM, then SIGKILL unless graceful) and records it as
 * destroyed. Caller holds the domain lock. */
gboolean vireo_dom_destroy(VireoStore *store, VireoDom *dom, gboolean graceful,
                           GError **error);

/* Waits up to timeout_ms for the domain's VMM to end, then records its
 * stop; TRUE when it ended. */
gboolean vireo_dom_wait_stopped(VireoStore *store, VireoDom *dom, int timeout_ms);

/* Opens the domain's QMP socket (for commands, not the monitor's). */
VireoQmpClient *vireo_dom_qmp(VireoStore *store, VireoDom *dom, GError **error);

/* Records the running/paused reason ("unpaused", "user") in run.ini. */
void vireo_dom_set_reason(VireoStore *store, const char *name, const char *reason);
/* Marks a running domain transient or persistent in run.ini. */
void vireo_dom_set_transient(VireoStore *store, const char *name, gboolean transient);

/* The path to vireo-vmm: $VIREO_VMM, else next to this program, else bindir. */
char *vireo_vmm_path(void);

/* Writes the live XML's id='N' into xml (the config's formatted XML). */
char *vireo_dom_live_xml(const char *xml, int id, GError **error);
