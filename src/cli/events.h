/* vireo: lifecycle events across processes.
 *
 * There is no daemon to broadcast events, so they go through an append-only
 * log, run_dir/events.log: one line per event, written with a single
 * O_APPEND write (atomic for lines this short), by the vireo command that
 * caused the event (define, start, suspend, destroy, ...) or by the domain's
 * monitor process for what the guest or the host did on its own (guest
 * power-off, VMM crash). `vireo event` follows the log with inotify.
 *
 *   <unix time with µs>\t<name>\t<uuid>\t<event>\t<detail>\n
 *
 * event and detail are virsh's untranslated words ("Started", "Booted"). */
#pragma once
#include <glib.h>
#include "cli/store.h"

void vireo_event_emit(VireoStore *store, const char *name, const char *uuid,
                      const char *event, const char *detail);

typedef struct {
    gint64 time_us;
    char *name;
    char *uuid;
    char *event;
    char *detail;
} VireoEvent;

/* Calls fn for each event appended from now on, until fn returns FALSE,
 * timeout_ms passes (< 0: never) or *stop becomes TRUE (set it from a
 * signal handler). Returns FALSE on timeout. */
gboolean vireo_event_follow(VireoStore *store, int timeout_ms,
                            volatile gboolean *stop,
                            gboolean (*fn)(const VireoEvent *ev, void *opaque),
                            void *opaque, GError **error);
