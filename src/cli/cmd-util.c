/* vireo: option parsing and reporting shared by the domain verbs. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "cli/cmd-util.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

static const VireoOptSpec *
find_spec(const VireoOptSpec *spec, const char *name)
{
    for (; spec->name; spec++)
        if (g_str_equal(spec->name, name))
            return spec;
    return NULL;
}

static const VireoOptSpec *
next_positional(const VireoOptSpec *spec, GHashTable *values)
{
    for (; spec->name; spec++)
        if (spec->positional && !g_hash_table_contains(values, spec->name))
            return spec;
    return NULL;
}

static gboolean
parse_one(const char *verb, const VireoOptSpec *spec, int argc, char **argv,
          int *i, VireoOpts *opts)
{
    const char *arg = argv[*i];
    g_autofree char *name = NULL;
    const char *eq;
    const VireoOptSpec *s;

    if (!g_str_has_prefix(arg, "--") || g_str_equal(arg, "--")) {
        if (!(s = next_positional(spec, opts->values))) {
            vireo_cli_error(_("unexpected data '%s'"), arg);
            return FALSE;
        }
        g_hash_table_insert(opts->values, g_strdup(s->name), g_strdup(arg));
        return TRUE;
    }
    eq = strchr(arg, '=');
    name = eq ? g_strndup(arg + 2, eq - arg - 2) : g_strdup(arg + 2);
    if (!(s = find_spec(spec, name))) {
        vireo_cli_error(_("command '%s' doesn't support option --%s"), verb, name);
        return FALSE;
    }
    if (s->type == OPT_BOOL) {
        g_hash_table_insert(opts->values, g_strdup(s->name), g_strdup(""));
        return TRUE;
    }
    if (!eq && *i + 1 >= argc) {
        vireo_cli_error(_("expected syntax: --%s <string>"), s->name);
        return FALSE;
    }
    g_hash_table_insert(opts->values, g_strdup(s->name),
                        g_strdup(eq ? eq + 1 : argv[++*i]));
    return TRUE;
}

gboolean
vireo_opts_parse(const char *verb, const VireoOptSpec *spec, int argc,
                 char **argv, VireoOpts *opts)
{
    opts->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (int i = 1; i < argc; i++)
        if (!parse_one(verb, spec, argc, argv, &i, opts))
            return FALSE;
    for (; spec->name; spec++) {
        if (spec->required && !g_hash_table_contains(opts->values, spec->name)) {
            vireo_cli_error(_("command '%s' requires <%s> option"), verb, spec->name);
            return FALSE;
        }
    }
    return TRUE;
}

void
vireo_opts_clear(VireoOpts *opts)
{
    g_clear_pointer(&opts->values, g_hash_table_destroy);
}

const char *
vireo_opts_get(VireoOpts *opts, const char *name)
{
    return g_hash_table_lookup(opts->values, name);
}

gboolean
vireo_opts_has(VireoOpts *opts, const char *name)
{
    return g_hash_table_contains(opts->values, name);
}

VireoStore *
vireo_cli_connect(VireoCliContext *ctx)
{
    g_autoptr(GError) err = NULL;
    VireoStore *store = vireo_store_open(ctx->uri, &err);
    if (!store)
        vireo_cli_fail(err, "%s", _("failed to connect to the hypervisor"));
    return store;
}

int
vireo_cli_fail(GError *err, const char *what, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    va_start(ap, what);
    msg = g_strdup_vprintf(what, ap);
    va_end(ap);
    vireo_cli_error("%s", msg);
    if (err)
        vireo_cli_error("%s", err->message);
    return 1;
}

void
vireo_cli_extra(VireoCliContext *ctx, const char *fmt, ...)
{
    va_list ap;
    if (ctx->quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);   /* before any error that follows on stderr */
}

int
vireo_cli_done(VireoCliContext *ctx, int rc)
{
    if (!ctx->quiet)
        printf("\n");
    return rc;
}

VireoDom *
vireo_cli_domain(VireoStore *store, VireoOpts *opts)
{
    const char *key = vireo_opts_get(opts, "domain");
    VireoDom *dom = key ? vireo_dom_lookup(store, key, NULL) : NULL;
    if (!dom)
        vireo_cli_error(_("failed to get domain '%s'"), key ? key : "");
    return dom;
}

VireoDom *
vireo_cli_domain_verb(VireoCliContext *ctx, const VireoOptSpec *spec, int argc,
                      char **argv, VireoOpts *opts, VireoStore **store,
                      gboolean run_state)
{
    if (!vireo_opts_parse(argv[0], spec, argc, argv, opts) ||
        !(*store = vireo_cli_connect(ctx)))
        return NULL;
    (*store)->skip_run_state = !run_state;
    return vireo_cli_domain(*store, opts);
}
