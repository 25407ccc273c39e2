/* vireo: what runtime.c (state, stop) and launch.c (start, monitor)
 * share; not for the verbs. */
#pragma once
#include <glib.h>
#include "cli/store.h"

#define RUN_GROUP "run"

/* How the VMM ended, as far as the one finalising knows. */
typedef enum {
    STOP_UNKNOWN,     /* found dead; the exit file or nothing says why */
    STOP_EXITED_OK,   /* exit status 0: power-off, signal, QMP quit */
    STOP_PANICKED,    /* exit status 2: guest panic with on_crash=destroy */
    STOP_HOST_ERROR,  /* exit status 3: KVM internal error */
    STOP_FAILED,      /* killed by a signal or another status */
} StopHow;

/* vireo-vmm's exit status (vmm.h, VIREO_VMM_EXIT_*) as a StopHow. */
StopHow stop_how(int status);

/* run/domains/NAME/run.ini */
GKeyFile *run_info_load(VireoStore *store, const char *name);
gboolean run_info_save(VireoStore *store, const char *name, GKeyFile *kf,
                       GError **error);
void remove_tree(const char *dir);

/* /proc/PID/stat: state letter, start time, user+system CPU ticks. */
gboolean proc_stat(gint64 pid, char *state, guint64 *start, guint64 *cpu);

/* Records that the VMM of name's run token (NULL: the recorded run) is
 * gone: events, stop reason, runtime state removed. Takes the domain lock. */
void finalize_run(VireoStore *store, const char *name, const char *token,
                  StopHow how);
