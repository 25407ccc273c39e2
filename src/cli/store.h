/* vireo: the domain store behind the command line.
 *
 * Like libvirt's embedded driver there is no daemon: every vireo process
 * works on two directories chosen by the connection URI:
 *
 *   state dir (persistent)  domains/NAME.xml   inactive configs
 *   run dir (runtime)       store.lock         serialises name-space changes
 *                           locks/NAME.lock    one per domain (lifecycle ops)
 *                           domains/NAME/      one per running domain: run.ini,
 *                                              domain.xml, live.xml, vmm.pid,
 *                                              qmp.sock, mon.sock, exit
 *                           shutoff/NAME       why a domain last stopped
 *                           log/NAME.log       vireo-vmm's stdout/stderr
 *                           events.log         the lifecycle event log
 *                           next-id            the next domain id
 *
 * Lock order: a domain lock before the store lock, never the reverse. */
#pragma once
#include <glib.h>

typedef struct {
    char *uri;
    char *state_dir;
    char *config_dir;    /* state_dir/domains */
    char *run_dir;
    char *dom_run_dir;   /* run_dir/domains */
    GHashTable *locks;   /* name ("" = store) -> VireoStoreLock* */
    /* Verbs that only need to know whether a domain runs (define, start,
     * destroy, undefine) set this: loading a running domain then skips
     * asking its VMM for the run state over QMP, a round trip through the
     * VMM's main loop that costs milliseconds. */
    gboolean skip_run_state;
} VireoStore;

/* uri NULL picks vireo:///system for root, vireo:///session otherwise.
 * Creates the directories. */
VireoStore *vireo_store_open(const char *uri, GError **error);
void vireo_store_free(VireoStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoStore, vireo_store_free)

/* An exclusive flock; blocks until granted. name NULL locks the store.
 * Re-entrant within one process (a count per name), because flock on a
 * second open of the same file would deadlock against ourselves. */
gboolean vireo_store_lock(VireoStore *store, const char *name, GError **error);
void vireo_store_unlock(VireoStore *store, const char *name);
/* Closes every lock fd without unlocking for the parent: for a forked child. */
void vireo_store_forget_locks(VireoStore *store);

/* Writes path atomically and durably: temp file, fsync, rename, fsync of
 * the directory. A crash leaves the old or the new file, never half. */
gboolean vireo_store_write_file(const char *path, const char *data,
                                gssize len, GError **error);
/* Same, atomic but without the fsyncs: for the run dir, whose contents do
 * not outlive the host's uptime anyway (a tmpfs under /run). */
gboolean vireo_store_write_runtime_file(const char *path, const char *data,
                                        gssize len, GError **error);

/* libvirt's rule for names: not empty, no '/', and we also refuse a
 * leading '.' (the store's temporary files start with one). */
gboolean vireo_store_check_name(const char *name, GError **error);

char *vireo_store_config_path(VireoStore *store, const char *name);
char *vireo_store_run_path(VireoStore *store, const char *name,
                           const char *file);
char *vireo_store_path(VireoStore *store, const char *a, const char *b);

/* write(2) until all of data is written (retrying short writes and
 * EINTR); FALSE on an error. Also the console's. */
gboolean vireo_write_all(int fd, const char *data, gsize len);

/* Names of all configs in the store (files NAME.xml not starting with '.'). */
GPtrArray *vireo_store_config_names(VireoStore *store);
/* Names of all domains with a runtime directory. */
GPtrArray *vireo_store_run_names(VireoStore *store);

/* The next domain id (1, 2, ...; kept in run_dir/next-id). Caller holds
 * the store lock. */
int vireo_store_next_id(VireoStore *store, GError **error);

/* What list and dominfo need from a domain's XML. */
typedef struct {
    char *name;
    guint8 uuid[16];
    char uuidstr[37];
    char *os_type;
    char *machine;          /* <type machine=>, NULL when not written */
    guint64 memory_kib;
    guint64 current_memory_kib;
    guint vcpus;
} VireoDomainSummary;

VireoDomainSummary *vireo_domain_summary_read(const char *path,
                                              GError **error);
VireoDomainSummary *vireo_domain_summary_parse(const char *xml,
                                               const char *url,
                                               GError **error);
void vireo_domain_summary_free(VireoDomainSummary *sum);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoDomainSummary, vireo_domain_summary_free)
