/* vireo: one GError domain whose codes mirror libvirt's virErrorNumber. */
#pragma once
#include <glib.h>

#define VIREO_ERROR (vireo_error_quark())
GQuark vireo_error_quark(void);

/* Values equal libvirt's virErrorNumber, so a later RPC layer maps 1:1. */
typedef enum {
    VIREO_ERR_INTERNAL_ERROR = 1,
    VIREO_ERR_NO_MEMORY = 2,
    VIREO_ERR_NO_SUPPORT = 3,
    VIREO_ERR_INVALID_ARG = 8,
    VIREO_ERR_OPERATION_FAILED = 9,
    VIREO_ERR_NO_KERNEL = 17,
    VIREO_ERR_NO_SOURCE = 19,
    VIREO_ERR_XML_ERROR = 27,
    VIREO_ERR_DOM_EXIST = 28,
    VIREO_ERR_OPERATION_DENIED = 29,
    VIREO_ERR_OPEN_FAILED = 30,
    VIREO_ERR_READ_FAILED = 31,
    VIREO_ERR_PARSE_FAILED = 32,
    VIREO_ERR_WRITE_FAILED = 34,
    VIREO_ERR_XML_DETAIL = 35,
    VIREO_ERR_SYSTEM_ERROR = 38,
    VIREO_ERR_NO_DOMAIN = 42,
    VIREO_ERR_OPERATION_INVALID = 55,
    VIREO_ERR_CONFIG_UNSUPPORTED = 67,
    VIREO_ERR_OPERATION_TIMEOUT = 68,
    VIREO_ERR_ARGUMENT_UNSUPPORTED = 74,
    VIREO_ERR_OPERATION_UNSUPPORTED = 84,
    VIREO_ERR_RESOURCE_BUSY = 87,
    VIREO_ERR_CPU_INCOMPATIBLE = 91,
    VIREO_ERR_XML_INVALID_SCHEMA = 92,
} VireoErrorCode;

/* Sets *error to "<libvirt-style prefix for code>: <formatted detail>",
 * e.g. "unsupported configuration: unknown machine 'x'". The format is
 * expected to be already translated with _(). */
void vireo_error_set(GError **error, VireoErrorCode code,
                     const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Same, with the detail taken from errno (": <strerror>" appended). */
void vireo_error_set_errno(GError **error, VireoErrorCode code, int errnum,
                           const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* The translated prefix libvirt uses for code ("XML error", ...). */
const char *vireo_error_prefix(VireoErrorCode code);
