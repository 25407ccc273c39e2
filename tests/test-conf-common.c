/* Helpers shared by the conf tests: masking generated values. */
#include <config.h>
#include <string.h>
#include "test-conf-common.h"

static char *
mask_regex(const char *text, const char *pattern, const char *replacement)
{
    g_autoptr(GRegex) re = g_regex_new(pattern, 0, 0, NULL);
    g_assert_nonnull(re);
    return g_regex_replace(re, text, -1, 0, replacement, 0, NULL);
}

/* MACs that do not occur in the input were generated. */
static char *
mask_macs(const char *input, const char *output)
{
    g_autoptr(GRegex) re = g_regex_new("<mac address='([0-9a-f:]{17})'/>", 0, 0, NULL);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GMatchInfo) mi = NULL;
    const char *p = output;

    g_regex_match(re, output, 0, &mi);
    while (g_match_info_matches(mi)) {
        int start = 0, end = 0;
        g_autofree char *mac = g_match_info_fetch(mi, 1);
        g_match_info_fetch_pos(mi, 1, &start, &end);
        g_string_append_len(out, p, (output + start) - p);
        if (strstr(input, mac))
            g_string_append(out, mac);
        else
            g_string_append(out, "52:54:00:00:00:00");
        p = output + end;
        g_match_info_next(mi, NULL);
    }
    g_string_append(out, p);
    return g_strdup(out->str);
}

char *
conf_test_mask_generated(const char *input, const char *output)
{
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    if (!strstr(input, "<uuid>"))
        a = mask_regex(output, "<uuid>[0-9a-f-]{36}</uuid>", "<uuid>00000000-0000-0000-0000-000000000000</uuid>");
    else
        a = g_strdup(output);
    if (strstr(input, "<genid/>") || strstr(input, "<genid></genid>"))
        b = mask_regex(a, "<genid>[0-9a-f-]{36}</genid>", "<genid>00000000-0000-0000-0000-000000000000</genid>");
    else
        b = g_strdup(a);
    return mask_macs(input, b);
}

char *
conf_test_data_path(const char *dir, const char *name)
{
    const char *top = g_getenv("abs_top_srcdir");
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    return g_build_filename(top ? top : ".", "tests", "xml2xml", dir, file, NULL);
}

/* ---- seeded mutations of valid inputs ---------------------------------- */
static const char *const tokens[] = {
    "'0'", "'-1'", "'18446744073709551616'", "''", "'yes'", "'on'", "'off'",
    "'virtio'", "'serial'", "'bind'", "'udp'", "'pty'", "'unix'", "'tcp'",
    "'0x10'", "'^1'", "'0-3,^'", "'abc'", "'fa:16:3e'", "'-'", "'9999999'",
"'vda'", "'hdc'", "'sata'", "'scsi'", "'file'",
};

static char *
mutate_attribute(GRand *rng, const char *s)
{
    GArray *quotes = g_array_new(FALSE, FALSE, sizeof(gsize));
    GString *out = g_string_new(s);
    for (gsize i = 0; s[i]; i++) {
        if (s[i] == '\'')
            g_array_append_val(quotes, i);
    }
    if (quotes->len >= 2) {
        guint k = g_rand_int_range(rng, 0, quotes->len / 2) * 2;
        gsize a = g_array_index(quotes, gsize, k);
        gsize b = g_array_index(quotes, gsize, k + 1);
        g_string_erase(out, a, b - a + 1);
        g_string_insert(out, a, tokens[g_rand_int_range(rng, 0, G_N_ELEMENTS(tokens))]);
    }
    g_array_free(quotes, TRUE);
    return g_string_free(out, FALSE);
}

static char *
mutate_line(GRand *rng, const char *s, gboolean drop)
{
    g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
    guint n = g_strv_length(lines);
    GString *out = g_string_new(NULL);
    guint pick;
    if (n < 4)
        return g_strdup(s);
    pick = g_rand_int_range(rng, 1, n - 2);
    for (guint i = 0; i < n; i++) {
        if (i == pick && drop)
            continue;
        g_string_append(out, lines[i]);
        if (i + 1 < n)
            g_string_append_c(out, '\n');
        if (i == pick && !drop) {
            g_string_append(out, lines[i]);
            g_string_append_c(out, '\n');
        }
    }
    return g_string_free(out, FALSE);
}

/* Device elements (4-space indent) and top-level elements (2-space indent)
 * of every valid input, whole, to splice into other inputs. */
static GPtrArray *device_blocks, *top_blocks;

static void
collect_blocks(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *l = lines[i];
        gboolean dev = g_str_has_prefix(l, "    <") && l[5] != '/';
        gboolean top = g_str_has_prefix(l, "  <") && l[3] != '/' && l[3] != ' ' &&
                       !g_str_has_prefix(l, "  <devices") && !g_str_has_prefix(l, "  <name") &&
                       !g_str_has_prefix(l, "  <os") && !g_str_has_prefix(l, "  <uuid");
        GString *blk;
        g_autofree char *tag = NULL;
        g_autofree char *end = NULL;
        const char *indent = dev ? "    " : "  ";
        if (!dev && !top)
            continue;
        tag = g_strndup(l + strlen(indent) + 1, strcspn(l + strlen(indent) + 1, " />"));
        end = g_strdup_printf("%s</%s>", indent, tag);
        blk = g_string_new(l);
        if (!g_str_has_suffix(l, "/>") && !strstr(l, "</")) {
            guint j = i + 1;
            for (; lines[j] && !g_str_equal(lines[j], end); j++)
                g_string_append_printf(blk, "\n%s", lines[j]);
            if (!lines[j]) {
                g_string_free(blk, TRUE);
                continue;
            }
            g_string_append_printf(blk, "\n%s", end);
        }
        g_ptr_array_add(dev ? device_blocks : top_blocks, g_string_free(blk, FALSE));
    }
}

static void
load_corpus(void)
{
    g_autofree char *probe = NULL;
    g_autofree char *dir_path = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *f;
    if (device_blocks)
        return;
    device_blocks = g_ptr_array_new_with_free_func(g_free);
    top_blocks = g_ptr_array_new_with_free_func(g_free);
    probe = conf_test_data_path("in", "x");
    dir_path = g_path_get_dirname(probe);
    dir = g_dir_open(dir_path, 0, NULL);
    g_assert_nonnull(dir);
    while ((f = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;
        if (!g_str_has_suffix(f, ".xml") || g_str_has_prefix(f, "fail-"))
            continue;
        path = g_build_filename(dir_path, f, NULL);
        if (g_file_get_contents(path, &text, NULL, NULL))
            collect_blocks(text);
    }
    /* directory order is arbitrary; the seeded choices must not be */
    g_ptr_array_sort(device_blocks, conf_test_compare_strings);
    g_ptr_array_sort(top_blocks, conf_test_compare_strings);
}

/* Puts a device of another input into <devices>, or a top-level element of
 * another input in front of <os>. */
static char *
mutate_splice(GRand *rng, const char *s)
{
    GString *out = g_string_new(s);
    gboolean dev = g_rand_boolean(rng);
    GPtrArray *pool = dev ? device_blocks : top_blocks;
    const char *blk;
    const char *at;
    if (pool->len == 0)
        return g_string_free(out, FALSE);
    blk = g_ptr_array_index(pool, g_rand_int_range(rng, 0, pool->len));
    if (dev && (at = strstr(out->str, "  <devices/>"))) {
        gsize pos = at - out->str;
        g_string_erase(out, pos, strlen("  <devices/>"));
        g_string_insert(out, pos, "  <devices>\n  </devices>");
    }
    at = strstr(out->str, dev ? "  </devices>" : "  <os");
    if (at) {
        g_autofree char *ins = g_strdup_printf("%s\n", blk);
        g_string_insert(out, at - out->str, ins);
    }
    return g_string_free(out, FALSE);
}

int
conf_test_compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
conf_test_mutate(GRand *rng, const char *input)
{
    char *cur;
    load_corpus();
    cur = g_strdup(input);
    int rounds = g_rand_int_range(rng, 1, 5);
    for (int r = 0; r < rounds; r++) {
        double p = g_rand_double(rng);
        char *next = p < 0.4 ? mutate_attribute(rng, cur) :
                     p < 0.7 ? mutate_splice(rng, cur) :
                     mutate_line(rng, cur, p < 0.85);
        g_free(cur);
        cur = next;
    }
    return cur;
}

