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
        g_autofree char *mutant = conf_test_mutate(rng, input);
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
