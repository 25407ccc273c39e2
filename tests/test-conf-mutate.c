/* Mutation test of the parser: every input file of tests/xml2xml/in is mutated in
 * fixed, seeded ways (attribute values replaced by awkward ones, lines
 * dropped or doubled). Whatever vireo accepts must format to XML that vireo
 * accepts again and that is stable from the second round on — the output
 * of dumpxml is always a valid definition. Refusals must carry a message.
 * Under ASan/valgrind this also shows leaks on error paths. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "test-conf-common.h"

#define MUTANTS_PER_FILE 100

static const char *const tokens[] = {
    "'0'", "'-1'", "'18446744073709551616'", "''", "'yes'", "'on'", "'off'",
    "'virtio'", "'serial'", "'bind'", "'udp'", "'pty'", "'unix'", "'tcp'",
    "'0x10'", "'^1'", "'0-3,^'", "'abc'", "'fa:16:3e'", "'-'", "'9999999'",
    "'&amp;&lt;'", "'vda'", "'hdc'", "'sata'", "'scsi'", "'file'",
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

static char *
mutate(GRand *rng, const char *input)
{
    char *cur = g_strdup(input);
    int rounds = g_rand_int_range(rng, 1, 5);
    for (int r = 0; r < rounds; r++) {
        double p = g_rand_double(rng);
        char *next = p < 0.5 ? mutate_attribute(rng, cur) :
                     mutate_line(rng, cur, p < 0.75);
        g_free(cur);
        cur = next;
    }
    return cur;
}

static char *
round_trip(const char *xml, GError **error)
{
    g_autoptr(VireoDomainDef) def =
        vireo_domain_def_parse_string(xml, "mutant.xml", VIREO_DOMAIN_PARSE_NONE, error);
    if (!def)
        return NULL;
    return vireo_domain_def_format(def, VIREO_DOMAIN_FORMAT_INACTIVE | VIREO_DOMAIN_FORMAT_SECURE);
}

static void
test_file(gconstpointer data)
{
    const char *name = data;
    g_autofree char *path = conf_test_data_path("in", name);
    g_autofree char *input = NULL;
    /* One seed per file name, so a failure reproduces. */
    g_autoptr(GRand) rng = g_rand_new_with_seed(g_str_hash(name));
    guint accepted = 0;

    g_assert_true(g_file_get_contents(path, &input, NULL, NULL));
    for (int i = 0; i < MUTANTS_PER_FILE; i++) {
        g_autofree char *mutant = mutate(rng, input);
        g_autoptr(GError) err = NULL;
        g_autofree char *first = round_trip(mutant, &err);
        g_autofree char *second = NULL;
        g_autofree char *third = NULL;
        if (!first) {
            g_assert_nonnull(err);
            g_assert_true(err->message && *err->message);
            continue;
        }
        accepted++;
        second = round_trip(first, &err);
        if (!second)
            g_error("%s mutant %d: vireo refuses its own output: %s\n--- mutant:\n%s\n--- output:\n%s",
                    name, i, err->message, mutant, first);
        third = round_trip(second, &err);
        g_assert_nonnull(third);
        if (!g_str_equal(second, third))
            g_error("%s mutant %d: output not stable:\n%s\n---\n%s", name, i, second, third);
    }
    g_test_message("%s: %u of %d mutants accepted", name, accepted, MUTANTS_PER_FILE);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autofree char *probe = conf_test_data_path("in", "x");
    g_autofree char *dir_path = g_path_get_dirname(probe);
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    g_test_init(&argc, &argv, NULL);
    dir = g_dir_open(dir_path, 0, NULL);
    g_assert_nonnull(dir);
    while ((f = g_dir_read_name(dir))) {
        if (g_str_has_suffix(f, ".xml"))
            g_ptr_array_add(names, g_strndup(f, strlen(f) - 4));
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *tp = g_strdup_printf("/conf-mutate/%s", (char *)g_ptr_array_index(names, i));
        g_test_add_data_func(tp, g_ptr_array_index(names, i), test_file);
    }
    return g_test_run();
}
