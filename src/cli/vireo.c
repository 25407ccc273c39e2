/* vireo: the virsh-like command line. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "cli/vireo-cli.h"
#include "util/vireo-i18n.h"

static const VireoCliCommand *const groups[] = {
    vireo_cli_validate_cmds,
    vireo_cli_machine_cmds,
    vireo_cli_domain_cmds,
};

int
vireo_cli_error(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, _("error: %s\n"), msg);
    return 1;
}

static const VireoCliCommand *
find_command(const char *name)
{
    for (gsize g = 0; g < G_N_ELEMENTS(groups); g++)
        for (const VireoCliCommand *c = groups[g]; c->name; c++)
            if (g_str_equal(c->name, name))
                return c;
    return NULL;
}

static int
print_help(const char *verb)
{
    if (verb) {
        const VireoCliCommand *c = find_command(verb);
        if (!c)
            return vireo_cli_error(_("command '%s' doesn't exist"), verb);
        printf("  %s\n\n    %s\n", _(c->summary), c->usage);
        return 0;
    }
    printf("%s\n\n", _("Usage: vireo [-c URI] COMMAND [ARGS...]"));
    for (gsize g = 0; g < G_N_ELEMENTS(groups); g++)
        for (const VireoCliCommand *c = groups[g]; c->name; c++)
            printf("    %-20s %s\n", c->name, _(c->summary));
    return 0;
}

int
main(int argc, char **argv)
{
    VireoCliContext ctx = { 0 };
    const VireoCliCommand *cmd;
    int i = 1;

    vireo_i18n_init();
    ctx.uri = g_getenv("VIREO_DEFAULT_URI");
    for (; i < argc && argv[i][0] == '-'; i++) {
        if ((g_str_equal(argv[i], "-c") || g_str_equal(argv[i], "--connect")) && i + 1 < argc) {
            ctx.uri = argv[++i];
        } else if (g_str_has_prefix(argv[i], "--connect=")) {
            ctx.uri = argv[i] + strlen("--connect=");
        } else if (g_str_equal(argv[i], "-q") || g_str_equal(argv[i], "--quiet")) {
            ctx.quiet = TRUE;
        } else if (g_str_equal(argv[i], "-h") || g_str_equal(argv[i], "--help")) {
            return print_help(NULL);
        } else if (g_str_equal(argv[i], "-v") || g_str_equal(argv[i], "--version")) {
            printf("%s\n", PACKAGE_VERSION);
            return 0;
        } else {
            return vireo_cli_error(_("unsupported option '%s'. See --help."), argv[i]);
        }
    }
    if (i >= argc || g_str_equal(argv[i], "help"))
        return print_help(i + 1 < argc ? argv[i + 1] : NULL);
    cmd = find_command(argv[i]);
    if (!cmd)
        return vireo_cli_error(_("unknown command: '%s'"), argv[i]);
    return cmd->run(&ctx, argc - i, argv + i);
}
