/* Unit tests for status.c: every code has a message and a name; kh_error_set formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/status.h"

static void every_status_has_message_and_name(void **state)
{
    (void)state;
    for (int s = 0; s < KH_STATUS_COUNT; s++) {
        assert_non_null(kh_status_message((kh_status_t)s));
        assert_true(strlen(kh_status_message((kh_status_t)s)) > 0);
        assert_true(strncmp(kh_status_name((kh_status_t)s), "KH_", 3) == 0);
    }
    assert_string_equal(kh_status_name(KH_OK), "KH_OK");
    assert_string_equal(kh_status_message(KH_ERR_DB_LOCKED),
                        "database is locked by another writer");
    assert_string_equal(kh_status_message((kh_status_t)KH_STATUS_COUNT), "unknown status");
}

static void error_set_formats_and_returns_status(void **state)
{
    (void)state;
    kh_error_t err;
    kh_error_clear(&err);
    assert_int_equal(err.status, KH_OK);
    assert_string_equal(err.message, "");

    assert_int_equal(kh_error_set(&err, KH_ERR_FORMAT, "%s:%d: %s", "a.txt", 12, "bad header"),
                     KH_ERR_FORMAT);
    assert_int_equal(err.status, KH_ERR_FORMAT);
    assert_string_equal(err.message, "a.txt:12: bad header");

    /* NULL format: the status's own message. */
    kh_error_set(&err, KH_ERR_NOMEM, NULL);
    assert_string_equal(err.message, "out of memory");

    /* NULL err: only the status comes back. */
    assert_int_equal(kh_error_set(NULL, KH_ERR_IO, "x"), KH_ERR_IO);
}

static void long_messages_are_truncated_not_overflowed(void **state)
{
    (void)state;
    char big[2 * KH_ERROR_MESSAGE_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    kh_error_t err;
    kh_error_set(&err, KH_ERR_IO, "%s", big);
    assert_int_equal(strlen(err.message), KH_ERROR_MESSAGE_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_message_and_name),
        cmocka_unit_test(error_set_formats_and_returns_status),
        cmocka_unit_test(long_messages_are_truncated_not_overflowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
