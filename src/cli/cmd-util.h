/* vireo: what the domain verbs share: virsh-style option parsing, the
 * connection, and virsh's ways of reporting. */
#pragma once
#include <glib.h>
#include "cli/vireo-cli.h"
#include "cli/store.h"
#include "cli/runtime.h"

typedef enum {
    OPT_BOOL,        /* --name */
    OPT_STRING,      /* --name VALUE or positional */
} VireoOptType;

typedef struct {
    const char *name;
    VireoOptType type;
    gboolean positional;   /* may be given without --name, in this order */
    gboolean required;
} VireoOptSpec;

typedef struct {
    GHashTable *values;    /* name -> value ("" for a bool) */
} VireoOpts;

/* FALSE after printing virsh's message for an unknown or missing option. */
gboolean vireo_opts_parse(const char *verb, const VireoOptSpec *spec,
                          int argc, char **argv, VireoOpts *opts);
void vireo_opts_clear(VireoOpts *opts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VireoOpts, vireo_opts_clear)
const char *vireo_opts_get(VireoOpts *opts, const char *name);
gboolean vireo_opts_has(VireoOpts *opts, const char *name);

/* Opens the store named by -c / VIREO_DEFAULT_URI, or reports virsh's
 * "failed to connect to the hypervisor". */
VireoStore *vireo_cli_connect(VireoCliContext *ctx);

/* "error: <what>" then "error: <err->message>"; returns 1. */
int vireo_cli_fail(GError *err, const char *what, ...) G_GNUC_PRINTF(2, 3);

/* virsh's vshPrintExtra: a message -q (quiet) leaves out. */
void vireo_cli_extra(VireoCliContext *ctx, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* virsh ends every command with an empty line; returns rc. */
int vireo_cli_done(VireoCliContext *ctx, int rc);

/* Looks up --domain; prints "failed to get domain" on failure. */
VireoDom *vireo_cli_domain(VireoStore *store, VireoOpts *opts);
/* What every verb on one domain starts with: parse argv against spec,
 * connect, look up --domain (errors printed, NULL). run_state FALSE: the
 * verb only needs to know whether the domain runs (skip_run_state). */
VireoDom *vireo_cli_domain_verb(VireoCliContext *ctx, const VireoOptSpec *spec,
                                int argc, char **argv, VireoOpts *opts,
                                VireoStore **store, gboolean run_state);

/* Verbs in cmd-domain-info.c and cmd-domain-io.c */
int vireo_cmd_list(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_dominfo(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_domstate(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_domid(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_domname(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_domuuid(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_dumpxml(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_version(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_event(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_console(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_monitor(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_domdisplay(VireoCliContext *ctx, int argc, char **argv);
int vireo_cmd_edit(VireoCliContext *ctx, int argc, char **argv);

/* Attaches to the running domain's serial console (cmd-domain-io.c).
 * resume: send "cont" once attached (start --console starts paused so
 * the first bytes the guest writes are not lost). */
int vireo_cli_attach_console(VireoStore *store, VireoDom *dom, gboolean resume);

/* Defines xml (already parsed and formatted) in the store: cmd-domain.c. */
gboolean vireo_cli_define_xml(VireoStore *store, const char *xml,
                              char **name_out, GError **error);
