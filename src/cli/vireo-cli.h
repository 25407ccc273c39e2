/* vireo: the command line's verb table. Each group of verbs lives in its own
 * file (cmd-*.c) and exports a NULL-terminated array; vireo.c lists groups. */
#pragma once
#include <glib.h>

typedef struct {
    const char *uri;      /* -c URI, or VIREO_DEFAULT_URI, or NULL */
    gboolean quiet;
} VireoCliContext;

typedef struct {
    const char *name;     /* verb, as virsh names it */
    const char *summary;  /* N_("...") one line for `vireo help` */
    const char *usage;    /* "VERB [--opt] ARG" */
    /* argv[0] is the verb. Returns the process exit status (0 ok, 1 error). */
    int (*run)(VireoCliContext *ctx, int argc, char **argv);
} VireoCliCommand;

extern const VireoCliCommand vireo_cli_validate_cmds[];  /* cmd-validate.c */
extern const VireoCliCommand vireo_cli_machine_cmds[];   /* cmd-machine.c */
extern const VireoCliCommand vireo_cli_domain_cmds[];    /* cmd-domain.c */

/* Prints "error: <msg>" to stderr as virsh does; returns 1. */
int vireo_cli_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
