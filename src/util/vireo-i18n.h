/* vireo: gettext wrappers. Every user-visible string goes through _(). */
#pragma once
#include <glib/gi18n-lib.h>

/* Binds the text domain and sets the locale; call first in every main(). */
void vireo_i18n_init(void);
/* The same for a program whose only locale-dependent output is messages
 * (vireo-vmm): only LC_CTYPE (the character set) and LC_MESSAGES follow
 * the environment; numbers, dates, collation stay "C". */
void vireo_i18n_init_messages(void);
