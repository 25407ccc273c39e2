/* vireo: validate verbs.
 *
 * `vireo validate FILE...` runs what `vireo define` would run, without
 * defining anything: well-formedness, schemas/domain.rng, the parser, the
 * post-parse defaults and every semantic check. Like virt-xml-validate it
 * prints "FILE validates" for a good file (not with -q); unlike it, it
 * prints every problem of a bad file, one "FILE:LINE: message" line each,
 * on stderr, so editors and CI logs can point at each line. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "cli/vireo-cli.h"
#include "conf/domain_conf.h"
#include "conf/domain_validate.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-xml.h"

/* The number after the last `marker` in msg; 0: none. */
static long
number_after(const char *msg, const char *marker)
{
    gsize len = strlen(marker);
    const char *hit = NULL;

    for (const char *p = msg; (p = strstr(p, marker)) != NULL; p += len)
        if (g_ascii_isdigit(p[len]))
            hit = p + len;
    return hit ? strtol(hit, NULL, 10) : 0;
}

/* Finds "on line N" in a message that does not start with the file name
 * (the typed XML readers phrase it that way), or its translation
 * ("第 N 行" in zh_CN). 0: none. */
static long
line_in_message(const char *msg)
{
    long line = number_after(msg, "line ");
    return line ? line : number_after(msg, "第 ");
}

/* Prints one problem as "FILE:LINE: message". Messages already located
 * ("FILE:LINE..." or "PREFIX: FILE:LINE...") are reordered or kept; others
 * get the line they mention, or fallback_line. */
static void
print_problem_line(const char *path, const char *msg, long fallback_line)
{
    g_autofree char *located = g_strconcat(path, ":", NULL);
    const char *at = strstr(msg, located);
    long line;

    if (at == msg && g_ascii_isdigit(msg[strlen(located)])) {
        fprintf(stderr, "%s\n", msg);
        return;
    }
    if (at && at > msg + 2 && at[-2] == ':' && at[-1] == ' ') {
        /* "XML error: FILE:3:7: detail" -> "FILE:3:7: XML error: detail" */
        const char *rest = at + strlen(located);
        gsize loclen = strspn(rest, "0123456789:");
        g_autofree char *prefix = g_strndup(msg, at - msg - 2);
        g_autofree char *where = g_strndup(rest, loclen);
        const char *detail = rest + loclen;
        while (*detail == ' ')
            detail++;
        fprintf(stderr, "%s:%s %s: %s\n", path, where, prefix, detail);
        return;
    }
    /* "FILE: detail (line N)" -> "FILE:N: detail (line N)" */
    if (g_str_has_prefix(msg, path) && msg[strlen(path)] == ':' &&
        msg[strlen(path) + 1] == ' ')
        msg += strlen(path) + 2;
    line = line_in_message(msg);
    fprintf(stderr, "%s:%ld: %s\n", path, line > 0 ? line : fallback_line, msg);
}

static void
print_problem(const char *path, const GError *err, long fallback_line)
{
    g_auto(GStrv) lines = g_strsplit(err->message, "\n", -1);

    for (guint i = 0; lines[i]; i++)
        if (*lines[i])
            print_problem_line(path, lines[i], fallback_line);
}

/* Parse, post-parse and semantic checks; TRUE when all pass. */
static gboolean
validate_model(const char *path, xmlDoc *doc, long root_line)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = NULL;
    g_autoptr(GPtrArray) problems = NULL;

    def = vireo_domain_def_parse_node(doc, xmlDocGetRootElement(doc),
                                      VIREO_DOMAIN_PARSE_SKIP_POSTPARSE, &err);
    if (!def || !vireo_domain_def_postparse(def, &err)) {
        print_problem(path, err, root_line);
        return FALSE;
    }
    problems = vireo_domain_def_validate_all(def, path);
    for (guint i = 0; i < problems->len; i++)
        print_problem(path, g_ptr_array_index(problems, i), root_line);
    return problems->len == 0;
}

/* After a schema failure: what the parser says, when it also refuses. */
static void
parser_view(const char *path, xmlDoc *doc, long root_line)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainDef) def = NULL;

    def = vireo_domain_def_parse_node(doc, xmlDocGetRootElement(doc),
                                      VIREO_DOMAIN_PARSE_SKIP_POSTPARSE, &err);
    if (!def)
        print_problem(path, err, root_line);
}

static gboolean
validate_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = vireo_xml_parse_file(path, &err);
    long root_line;

    if (!doc) {
        print_problem(path, err, 1);
        return FALSE;
    }
    root_line = xmlGetLineNo(xmlDocGetRootElement(doc));
    if (!vireo_domain_schema_validate(doc, path, &err)) {
        print_problem(path, err, root_line);
        /* libxml2 stops at the first bad child of an <interleave> and names
         * the parent's line; the parser names the offending element. */
        parser_view(path, doc, root_line);
        return FALSE;
    }
    return validate_model(path, doc, root_line);
}

static int
cmd_validate(VireoCliContext *ctx, int argc, char **argv)
{
    int status = 0;

    if (argc < 2)
        return vireo_cli_error(_("command '%s' requires at least one FILE"), argv[0]);
    for (int i = 1; i < argc; i++) {
        if (!validate_file(argv[i]))
            status = 1;
        else if (!ctx->quiet)
            printf(_("%s validates\n"), argv[i]);
    }
    return status;
}

const VireoCliCommand vireo_cli_validate_cmds[] = {
    { "validate",
      N_("check domain XML files: schema, parser and semantic checks; prints "
         "'FILE validates' per valid file (not with -q) and one 'FILE:LINE: "
         "message' line per problem on stderr; exit 1 if any file is invalid"),
      "validate FILE...",
      cmd_validate },
    { NULL, NULL, NULL, NULL },
};
