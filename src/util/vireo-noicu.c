/* vireo: ICU's converter entry points, always failing, for binaries that
 * link libxml2.a (configure --enable-static-libxml2; docs/design.md).
 *
 * libxml2 2.9 looks an encoding up among its built-in handlers (UTF-8,
 * UTF-16, ISO-8859-1, ASCII, ...), then in iconv (glibc's, which knows
 * every encoding glibc has a gconv module for), and only then asks ICU.
 * Debian's libxml2.a still references ICU for that last step, which would
 * pull libicuuc, its 30 MiB data library, libstdc++ and libgcc_s into the
 * process. Here ucnv_open() reports U_FILE_ACCESS_ERROR, as ICU does for a
 * converter it has no data for, so an encoding neither libxml2 nor iconv
 * knows gets libxml2's "unsupported encoding" error, as it would from ICU.
 *
 * Written from ICU's C API reference (ucnv.h): the names carry ICU's
 * version suffix (VIREO_ICU_SUFFIX, found by configure in libxml2.a). */
#ifdef HAVE_CONFIG_H     /* also compiled by configure's link test */
#include <config.h>
#endif
#include <stddef.h>

#ifdef VIREO_ICU_SUFFIX
#define VIREO_ICU_CAT(a, b) a##b
#define VIREO_ICU_XCAT(a, b) VIREO_ICU_CAT(a, b)
#define VIREO_ICU(name) VIREO_ICU_XCAT(name, VIREO_ICU_SUFFIX)
#else
#define VIREO_ICU(name) name
#endif

/* UErrorCode values (utypes.h). */
enum {
    VIREO_U_ZERO_ERROR = 0,
    VIREO_U_ILLEGAL_ARGUMENT_ERROR = 1,
    VIREO_U_FILE_ACCESS_ERROR = 4,
};

/* Opaque here: no converter is ever made. */
typedef struct VireoUConverter VireoUConverter;

/* Declared before their definitions to keep -Wmissing-prototypes quiet. */
VireoUConverter *VIREO_ICU(ucnv_open)(const char *name, int *err);
void VIREO_ICU(ucnv_close)(VireoUConverter *cnv);
void VIREO_ICU(ucnv_convertEx)(VireoUConverter *to, VireoUConverter *from,
                               char **target, const char *target_limit,
                               const char **source, const char *source_limit,
                               void *pivot_start, void **pivot_source,
                               void **pivot_target, const void *pivot_limit,
                               signed char reset, signed char flush, int *err);
void VIREO_ICU(ucnv_setToUCallBack)(VireoUConverter *cnv, void *action,
                                    const void *context, void **old_action,
                                    const void **old_context, int *err);
void VIREO_ICU(ucnv_setFromUCallBack)(VireoUConverter *cnv, void *action,
                                      const void *context, void **old_action,
                                      const void **old_context, int *err);
void VIREO_ICU(UCNV_TO_U_CALLBACK_STOP)(const void *context, void *args,
                                        const char *units, int length,
                                        int reason, int *err);
void VIREO_ICU(UCNV_FROM_U_CALLBACK_STOP)(const void *context, void *args,
                                          const void *units, int length,
                                          int code_point, int reason, int *err);

/* An ICU function that gets a failed status does nothing (ICU's rule). */
static int
failed(const int *err)
{
    return !err || *err > VIREO_U_ZERO_ERROR;
}

VireoUConverter *
VIREO_ICU(ucnv_open)(const char *name, int *err)
{
    if (!failed(err))
        *err = VIREO_U_FILE_ACCESS_ERROR;
    return NULL;
}

void
VIREO_ICU(ucnv_close)(VireoUConverter *cnv)
{
}

void
VIREO_ICU(ucnv_convertEx)(VireoUConverter *to, VireoUConverter *from,
                          char **target, const char *target_limit,
                          const char **source, const char *source_limit,
                          void *pivot_start, void **pivot_source,
                          void **pivot_target, const void *pivot_limit,
                          signed char reset, signed char flush, int *err)
{
    if (!failed(err))
        *err = VIREO_U_ILLEGAL_ARGUMENT_ERROR;
}

void
VIREO_ICU(ucnv_setToUCallBack)(VireoUConverter *cnv, void *action,
                               const void *context, void **old_action,
                               const void **old_context, int *err)
{
    if (!failed(err))
        *err = VIREO_U_ILLEGAL_ARGUMENT_ERROR;
}

void
VIREO_ICU(ucnv_setFromUCallBack)(VireoUConverter *cnv, void *action,
                                 const void *context, void **old_action,
                                 const void **old_context, int *err)
{
    if (!failed(err))
        *err = VIREO_U_ILLEGAL_ARGUMENT_ERROR;
}

/* The STOP callbacks leave the error as it is: that is what stops. */
void
VIREO_ICU(UCNV_TO_U_CALLBACK_STOP)(const void *context, void *args,
                                   const char *units, int length,
                                   int reason, int *err)
{
}

void
VIREO_ICU(UCNV_FROM_U_CALLBACK_STOP)(const void *context, void *args,
                                     const void *units, int length,
                                     int code_point, int reason, int *err)
{
}
