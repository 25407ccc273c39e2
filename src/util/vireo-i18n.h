/* vireo: gettext wrappers. Every user-visible string goes through _(). */
#pragma once
#include <glib/gi18n-lib.h>

/* Binds the text domain and sets the locale; call first in every main(). */
void vireo_i18n_init(void);
