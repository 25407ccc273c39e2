/* vireo: machine verbs. */
#include <config.h>
#include "cli/vireo-cli.h"
#include "util/vireo-i18n.h"

const VireoCliCommand vireo_cli_machine_cmds[] = {
    { NULL, NULL, NULL, NULL },
};
