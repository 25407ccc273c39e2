/* Unit tests for the vireo command's store: URIs, atomic writes, lock
 * re-entrancy, the domain summary, the live XML's id, the event log. */
#include <config.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "cli/store.h"
#include "cli/runtime.h"
#include "cli/events.h"
#include "util/vireo-error.h"

static char *
tmp_root(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vireo-store-XXXXXX", &err);
    g_assert_no_error(err);
    return dir;
}

static VireoStore *
open_embed(const char *root)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *uri = g_strdup_printf("vireo:///embed?root=%s", root);
    VireoStore *store = vireo_store_open(uri, &err);
    g_assert_no_error(err);
    return store;
}

static void
test_uris(void)
{
    g_autofree char *root = tmp_root();
    g_autoptr(VireoStore) store = open_embed(root);
    g_autofree char *lib = g_build_filename(root, "lib", "domains", NULL);
    g_autofree char *run = g_build_filename(root, "run", "domains", NULL);
    const char *bad[] = { "vireo:///embed", "vireo:///embed?root=rel", "vireo:///nope",
                          "qemu:///system", "vireo:///embed?root=" };

    g_assert_cmpstr(store->config_dir, ==, lib);
    g_assert_cmpstr(store->dom_run_dir, ==, run);
    g_assert_true(g_file_test(lib, G_FILE_TEST_IS_DIR));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VireoStore) s = vireo_store_open(bad[i], &err);
        g_assert_null(s);
        g_assert_nonnull(err);
    }
}

static void
test_atomic_write(void)
{
    g_autofree char *root = tmp_root();
    g_autofree char *path = g_build_filename(root, "f.xml", NULL);
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *ent;

    g_assert_true(vireo_store_write_file(path, "one", -1, &err));
    g_assert_true(vireo_store_write_runtime_file(path, "two", -1, &err));
    g_assert_no_error(err);
    g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
    g_assert_cmpstr(data, ==, "two");
    dir = g_dir_open(root, 0, NULL);
    while ((ent = g_dir_read_name(dir)))
        g_assert_cmpstr(ent, ==, "f.xml");   /* no temporary left behind */
}

static void
test_names(void)
{
    g_assert_true(vireo_store_check_name("web-1", NULL));
    g_assert_false(vireo_store_check_name("a/b", NULL));
    g_assert_false(vireo_store_check_name(".hidden", NULL));
    g_assert_false(vireo_store_check_name("", NULL));
}

static void
test_lock_reentrant(void)
{
    g_autofree char *root = tmp_root();
    g_autoptr(VireoStore) store = open_embed(root);
    g_autoptr(GError) err = NULL;

    g_assert_true(vireo_store_lock(store, "x", &err));
    g_assert_true(vireo_store_lock(store, "x", &err));   /* would deadlock if not */
    g_assert_true(vireo_store_lock(store, NULL, &err));
    vireo_store_unlock(store, NULL);
    vireo_store_unlock(store, "x");
    g_assert_true(g_hash_table_contains(store->locks, "x"));
    vireo_store_unlock(store, "x");
    g_assert_false(g_hash_table_contains(store->locks, "x"));
}

static void
test_summary(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VireoDomainSummary) sum = vireo_domain_summary_parse(
        "<domain type='kvm'><name>n</name><uuid>1f8e6f7e-5a70-4780-89c1-464dc0e7f308</uuid>"
        "<memory unit='MiB'>64</memory><currentMemory unit='KiB'>1024</currentMemory>"
        "<vcpu current='2'>4</vcpu><os><type>hvm</type></os></domain>", "t", &err);
    g_autoptr(VireoDomainSummary) bad = NULL;

    g_assert_no_error(err);
    g_assert_cmpstr(sum->name, ==, "n");
    g_assert_cmpstr(sum->uuidstr, ==, "1f8e6f7e-5a70-4780-89c1-464dc0e7f308");
    g_assert_cmpuint(sum->memory_kib, ==, 65536);
    g_assert_cmpuint(sum->current_memory_kib, ==, 1024);
    g_assert_cmpuint(sum->vcpus, ==, 2);
    bad = vireo_domain_summary_parse("<domain><name>n</name></domain>", "t", &err);
    g_assert_null(bad);
    g_assert_error(err, VIREO_ERROR, VIREO_ERR_XML_ERROR);
    g_clear_error(&err);
    bad = vireo_domain_summary_parse("<domain><name>n</na", "t", &err);
    g_assert_null(bad);
    g_assert_nonnull(err);
}

static void
test_live_xml(void)
{
    struct { const char *in, *out; } cases[] = {
        { "<domain type='kvm'>\n  <name>a</name>\n</domain>\n",
          "<domain type='kvm' id='7'>\n  <name>a</name>\n</domain>\n" },
        { "<domain type=\"kvm\" xmlns:q='x'><name>a</name></domain>",
          "<domain type=\"kvm\" id='7' xmlns:q='x'><name>a</name></domain>" },
        { "<domain><name>a</name></domain>", "<domain id='7'><name>a</name></domain>" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *live = vireo_dom_live_xml(cases[i].in, 7, NULL);
        g_assert_cmpstr(live, ==, cases[i].out);
    }
    g_assert_null(vireo_dom_live_xml("<nodomain/>", 1, NULL));
}

static gboolean
collect(const VireoEvent *ev, void *opaque)
{
    g_ptr_array_add(opaque, g_strdup_printf("%s %s %s", ev->name, ev->event, ev->detail));
    return TRUE;
}

static void
test_event_log(void)
{
    g_autofree char *root = tmp_root();
    g_autoptr(VireoStore) store = open_embed(root);
    g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    gboolean stop = FALSE;
    pid_t child;

    vireo_event_emit(store, "old", "u", "Defined", "Added");   /* before: not seen */
    child = fork();
    if (child == 0) {
        g_usleep(200000);
        vireo_event_emit(store, "a", "u", "Started", "Booted");
        vireo_event_emit(store, "a", "u", "Stopped", "Destroyed");
        _exit(0);
    }
    g_assert_false(vireo_event_follow(store, 1500, (volatile gboolean *)&stop,
                                      collect, got, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(got->len, ==, 2);
    g_assert_cmpstr(got->pdata[0], ==, "a Started Booted");
    g_assert_cmpstr(got->pdata[1], ==, "a Stopped Destroyed");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cli/store/uris", test_uris);
    g_test_add_func("/cli/store/atomic-write", test_atomic_write);
    g_test_add_func("/cli/store/names", test_names);
    g_test_add_func("/cli/store/lock-reentrant", test_lock_reentrant);
    g_test_add_func("/cli/store/summary", test_summary);
    g_test_add_func("/cli/store/live-xml", test_live_xml);
    g_test_add_func("/cli/store/event-log", test_event_log);
    return g_test_run();
}
