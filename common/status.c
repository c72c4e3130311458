#include "khabar/status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
#define KH_STATUS_MESSAGE(code, message) message,
    KH_STATUS_LIST(KH_STATUS_MESSAGE)
#undef KH_STATUS_MESSAGE
};

static const char *const names[] = {
#define KH_STATUS_NAME(code, message) #code,
    KH_STATUS_LIST(KH_STATUS_NAME)
#undef KH_STATUS_NAME
};

const char *kh_status_message(kh_status_t status)
{
    if ((unsigned)status >= KH_STATUS_COUNT)
        return "unknown status";
    return messages[status];
}

const char *kh_status_name(kh_status_t status)
{
    if ((unsigned)status >= KH_STATUS_COUNT)
        return "KH_STATUS_UNKNOWN";
    return names[status];
}

kh_status_t kh_error_vset(kh_error_t *err, kh_status_t status, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    err->status = status;
    if (fmt)
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    else
        snprintf(err->message, sizeof err->message, "%s", kh_status_message(status));
    return status;
}

kh_status_t kh_error_set(kh_error_t *err, kh_status_t status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_error_vset(err, status, fmt, ap);
    va_end(ap);
    return status;
}

void kh_error_clear(kh_error_t *err)
{
    if (!err)
        return;
    err->status = KH_OK;
    err->message[0] = '\0';
}

const char *kh_system_cause(int errnum)
{
    switch (errnum) {
    case ENOSPC:
        return "the disk is full";
    case EDQUOT:
        return "the disk quota is exceeded";
    case EROFS:
        return "the file system is read-only";
    case EMFILE:
        return "too many open files (the limit of ulimit -n)";
    case ENFILE:
        return "too many open files in the system";
    case EACCES:
        return "permission denied";
    default:
        return NULL;
    }
}

const char *kh_errno_message(int errnum)
{
    const char *cause = kh_system_cause(errnum);
    return cause ? cause : strerror(errnum);
}
