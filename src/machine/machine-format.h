/* vireo: ways to show a machine description (src/machine/native.c,
 * src/machine/describe.c): QEMU's command line, text, JSON. */
#pragma once
#include <glib.h>
#include "machine/machine_desc.h"

/* The qemu-system-x86_64 command line that runs the same machine, in
 * libvirt's style (virsh domxml-to-native qemu-argv). argv[0] is the
 * binary; NULL-terminated. */
GStrv vireo_machine_desc_to_qemu_argv(const VireoMachineDesc *desc, GError **error);

/* Joins argv for a shell, one option per line ("\\\n") like libvirt's logs. */
char *vireo_qemu_argv_to_string(const char *const *argv, gboolean multiline);

/* `vireo describe`: for people, and as JSON for tools. */
char *vireo_machine_desc_describe(const VireoMachineDesc *desc);
char *vireo_machine_desc_to_json(const VireoMachineDesc *desc, gboolean pretty);
