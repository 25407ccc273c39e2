/* fake-vmm: the QMP tests' stand-in VMM as a program.
 *
 *   fake-vmm --name N --uuid U --memory-mib M --vcpus N --qmp unix:PATH ...
 */
#include <config.h>
#include "fake-vmm.h"
#include "util/vireo-xml.h"

int
main(int argc, char **argv)
{
    /* GOption overwrites without freeing: no allocated defaults. */
    g_autofree char *name = NULL;
    g_autofree char *uuid = NULL;
    g_auto(GStrv) qmp = NULL;
    int mib = 128, vcpus = 1;
    GOptionEntry entries[] = {
        { "name", 0, 0, G_OPTION_ARG_STRING, &name, "domain name", "N" },
        { "uuid", 0, 0, G_OPTION_ARG_STRING, &uuid, "domain UUID", "U" },
        { "memory-mib", 0, 0, G_OPTION_ARG_INT, &mib, "RAM", "MIB" },
        { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, "vCPUs", "N" },
        { "qmp", 0, 0, G_OPTION_ARG_STRING_ARRAY, &qmp, "QMP socket", "SPEC" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("fake-vmm: %s\n", err->message);
        return 1;
    }
    VireoVmm vmm = { fake_vmm_desc_new(name ? name : "fake",
                                       uuid ? uuid : "00000000-0000-0000-0000-000000000000",
                                       mib, vcpus), VIREO_RUN_STATE_PRELAUNCH,
                     g_array_new(FALSE, FALSE, sizeof(FakeListener)), 0,
                     g_main_loop_new(NULL, FALSE) };
    g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vireo_qmp_server_free);
    for (guint i = 0; qmp && qmp[i]; i++) {
        VireoQmpServer *s = vireo_qmp_server_new(&vmm, qmp[i], &err);
        if (!s) {
            g_printerr("fake-vmm: %s\n", err->message);
            return 1;
        }
        g_ptr_array_add(servers, s);
    }
    g_main_loop_run(vmm.loop);
    g_clear_pointer(&servers, g_ptr_array_unref);
    fake_vmm_clear(&vmm);
    return 0;
}
