#include <config.h>
#include <locale.h>
#include "util/vireo-i18n.h"

void
vireo_i18n_init(void)
{
    const char *dir = g_getenv("VIREO_LOCALEDIR");
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, dir ? dir : LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
}
