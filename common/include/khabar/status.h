/*
 * status.h - the status codes every fallible function of libkhabar returns,
 * and the error struct that carries a message with context.
 *
 * The codes and their default messages come from one X-macro list, so a
 * code can never lack a message. KH_OK is 0: "if (st)" means "failed"
 * or, for KH_STOP only, "a callback ended a walk early" (not an error:
 * the walker returns it so the caller knows the walk was cut short).
 */
#ifndef KHABAR_STATUS_H
#define KHABAR_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KH_STATUS_LIST(X)                                                                          \
    X(KH_OK, "success")                                                                            \
    X(KH_STOP, "stopped early")                                                                    \
    X(KH_ERR_NOMEM, "out of memory")                                                               \
    X(KH_ERR_ARG, "invalid argument")                                                              \
    X(KH_ERR_IO, "input/output error")                                                             \
    X(KH_ERR_NOT_FOUND, "not found")                                                               \
    X(KH_ERR_UTF8, "invalid UTF-8")                                                                \
    X(KH_ERR_LINE_TOO_LONG, "line too long")                                                       \
    X(KH_ERR_TRUNCATED, "truncated or corrupt compressed input")                                   \
    X(KH_ERR_FORMAT, "malformed input")                                                            \
    X(KH_ERR_DB_NOT_FOUND, "no database at this path")                                             \
    X(KH_ERR_DB_OPEN, "cannot open database")                                                      \
    X(KH_ERR_DB_LOCKED, "database is locked by another writer")                                    \
    X(KH_ERR_DB_CORRUPT, "database is corrupt or not a Xapian database")                           \
    X(KH_ERR_DB_VERSION, "database was written by an incompatible version")                        \
    X(KH_ERR_DB_MODIFIED, "database was modified while reading; reopen and retry")                 \
    X(KH_ERR_DB_CLOSED, "database is closed")                                                      \
    X(KH_ERR_NETWORK, "remote database unreachable")                                               \
    X(KH_ERR_QUERY, "invalid query")                                                               \
    X(KH_ERR_XAPIAN, "Xapian error")                                                               \
    X(KH_ERR_INTERNAL, "internal error")

typedef enum {
#define KH_STATUS_ENUM(code, message) code,
    KH_STATUS_LIST(KH_STATUS_ENUM)
#undef KH_STATUS_ENUM
        KH_STATUS_COUNT
} kh_status_t;

/* The fixed message of a status ("out of memory"); never NULL, static storage. */
const char *kh_status_message(kh_status_t status);

/* The enum name of a status ("KH_ERR_NOMEM"), for tests and logs; static storage. */
const char *kh_status_name(kh_status_t status);

#define KH_ERROR_MESSAGE_MAX 512

/*
 * An error with context. Every fallible function takes an optional
 * kh_error_t *err (NULL when the caller wants only the status); on failure
 * it fills status and a message such as "corpus/a.txt:12: invalid UTF-8 at
 * byte 40". On success it leaves err untouched.
 */
typedef struct kh_error {
    kh_status_t status;
    char message[KH_ERROR_MESSAGE_MAX];
} kh_error_t;

/*
 * Sets err (if not NULL) to status and a printf-style message, and returns
 * status so that "return kh_error_set(err, KH_ERR_IO, ...)" reads naturally.
 * A NULL fmt uses the status's fixed message.
 */
kh_status_t kh_error_set(kh_error_t *err, kh_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As kh_error_set, with a va_list. */
kh_status_t kh_error_vset(kh_error_t *err, kh_status_t status, const char *fmt, va_list ap);

/* Resets err to KH_OK and an empty message. err may be NULL. */
void kh_error_clear(kh_error_t *err);

/*
 * What a system error means to the user, for the few a user can act on:
 * "the disk is full" (ENOSPC), "the disk quota is exceeded" (EDQUOT), "the
 * file system is read-only" (EROFS), "too many open files (the limit of
 * ulimit -n)" (EMFILE), "too many open files in the system" (ENFILE),
 * "permission denied" (EACCES); NULL for any other. Static storage.
 */
const char *kh_system_cause(int errnum);

/* kh_system_cause(errnum), else strerror(errnum). */
const char *kh_errno_message(int errnum);

#ifdef __cplusplus
}
#endif

#endif
