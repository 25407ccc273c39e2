#include <config.h>
#include <string.h>
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"

G_DEFINE_QUARK(vireo-error-quark, vireo_error)

const char *
vireo_error_prefix(VireoErrorCode code)
{
    switch (code) {
    case VIREO_ERR_INTERNAL_ERROR: return _("internal error");
    case VIREO_ERR_NO_MEMORY: return _("out of memory");
    case VIREO_ERR_NO_SUPPORT: return _("this function is not supported by the connection driver");
    case VIREO_ERR_INVALID_ARG: return _("invalid argument");
    case VIREO_ERR_OPERATION_FAILED: return _("operation failed");
    case VIREO_ERR_NO_KERNEL: return _("missing kernel information");
    case VIREO_ERR_NO_SOURCE: return _("missing source information");
    case VIREO_ERR_XML_ERROR: return _("XML error");
    case VIREO_ERR_DOM_EXIST: return _("operation failed");
    case VIREO_ERR_OPERATION_DENIED: return _("operation forbidden");
    case VIREO_ERR_OPEN_FAILED: return _("failed to open configuration file");
    case VIREO_ERR_READ_FAILED: return _("failed to read configuration file");
    case VIREO_ERR_PARSE_FAILED: return _("failed to parse configuration file");
    case VIREO_ERR_WRITE_FAILED: return _("failed to write configuration file");
    case VIREO_ERR_XML_DETAIL: return _("XML description is invalid or not well formed");
    case VIREO_ERR_SYSTEM_ERROR: return _("system error");
    case VIREO_ERR_NO_DOMAIN: return _("Domain not found");
    case VIREO_ERR_OPERATION_INVALID: return _("Requested operation is not valid");
    case VIREO_ERR_CONFIG_UNSUPPORTED: return _("unsupported configuration");
    case VIREO_ERR_OPERATION_TIMEOUT: return _("Timed out during operation");
    case VIREO_ERR_ARGUMENT_UNSUPPORTED: return _("argument unsupported");
    case VIREO_ERR_OPERATION_UNSUPPORTED: return _("Operation not supported");
    case VIREO_ERR_RESOURCE_BUSY: return _("resource busy");
    case VIREO_ERR_CPU_INCOMPATIBLE: return _("the CPU is incompatible with host CPU");
    case VIREO_ERR_XML_INVALID_SCHEMA: return _("XML document failed to validate against schema");
    }
    return _("error");
}

static void
vireo_error_setv(GError **error, VireoErrorCode code, const char *suffix,
                 const char *fmt, va_list ap)
{
    g_autofree char *detail = g_strdup_vprintf(fmt, ap);
    if (!error)
        return;
    g_set_error(error, VIREO_ERROR, code, "%s: %s%s",
                vireo_error_prefix(code), detail, suffix ? suffix : "");
}

void
vireo_error_set(GError **error, VireoErrorCode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vireo_error_setv(error, code, NULL, fmt, ap);
    va_end(ap);
}

void
vireo_error_set_errno(GError **error, VireoErrorCode code, int errnum,
                      const char *fmt, ...)
{
    g_autofree char *suffix = g_strdup_printf(": %s", g_strerror(errnum));
    va_list ap;
    va_start(ap, fmt);
    vireo_error_setv(error, code, suffix, fmt, ap);
    va_end(ap);
}
