/*
 * utf8_test.c - the one UTF-8 decoder and the validation built on it.
 *
 * Each row is decoded once at its start (kh_utf8_decode: what the analysis
 * modules see) and validated whole (kh_utf8_validate: what the indexer
 * sees), on an exact-size heap copy so that reading past the end shows
 * under valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "khabar/utf8.h"

#define VALID ((size_t)-1)

static const struct {
    const char *bytes;
    size_t len;
    int decode_n;  /* bytes of the first code point, -1 when ill-formed */
    int32_t cp;    /* that code point */
    size_t bad_at; /* kh_utf8_validate's offset of the first bad byte, or VALID */
} rows[] = {
    /* clang-format off */
    /* valid, English and Arabic side by side */
    {"a",                        1,  1, 'a',      VALID},
    {"news",                     4,  1, 'n',      VALID},
    {"\xd9\x85",                 2,  2, 0x0645,   VALID}, /* م */
    {"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 world", 14, 2, 0x0633, VALID}, /* سلام world */
    {"\xe2\x80\x8c",             3,  3, 0x200C,   VALID}, /* ZWNJ */
    {"\xef\xbf\xbf",             3,  3, 0xFFFF,   VALID}, /* a noncharacter is still UTF-8 */
    {"\xed\x9f\xbf",             3,  3, 0xD7FF,   VALID}, /* just below the surrogates */
    {"\xf0\x9f\x98\x80",         4,  4, 0x1F600,  VALID}, /* emoji */
    {"\xf4\x8f\xbf\xbf",         4,  4, 0x10FFFF, VALID}, /* the last code point */
    /* overlong forms */
    {"\xc0\xaf",                 2, -1, 0, 0},            /* '/' in 2 bytes */
    {"\xc1\xbf",                 2, -1, 0, 0},
    {"\xe0\x80\xaf",             3, -1, 0, 0},            /* '/' in 3 bytes */
    {"\xe0\x9f\xbf",             3, -1, 0, 0},            /* U+07FF in 3 bytes */
    {"\xf0\x8f\xbf\xbf",         4, -1, 0, 0},            /* U+FFFF in 4 bytes */
    /* surrogates and beyond U+10FFFF */
    {"\xed\xa0\x80",             3, -1, 0, 0},            /* U+D800 */
    {"\xed\xbf\xbf",             3, -1, 0, 0},            /* U+DFFF */
    {"\xf4\x90\x80\x80",         4, -1, 0, 0},            /* U+110000 */
    {"\xf5\x80\x80\x80",         4, -1, 0, 0},            /* lead byte past F4 */
    {"\xff",                     1, -1, 0, 0},
    /* truncated sequences and stray bytes */
    {"\xd9",                     1, -1, 0, 0},
    {"\xe2\x80",                 2, -1, 0, 0},
    {"\xf0\x9f\x98",             3, -1, 0, 0},
    {"\x80",                     1, -1, 0, 0},            /* stray continuation */
    {"\xd9" "a",                 2, -1, 0, 0},            /* lead without continuation */
    /* the first bad byte further in */
    {"abc\xd9",                  4,  1, 'a',    3},       /* cut off at the end */
    {"\xd9\x85\xd8\xb1\xed\xa0\x80", 7, 2, 0x0645, 4},    /* مر then a surrogate */
    {"ab\0c",                    4,  1, 'a',    2},       /* NUL: UTF-8, but not text */
    {"\0",                       1,  1, 0,      0},
    /* clang-format on */
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("row %zu\n", i);
        char *copy = malloc(rows[i].len);
        assert_non_null(copy);
        memcpy(copy, rows[i].bytes, rows[i].len);

        int32_t cp = -1;
        int n = kh_utf8_decode((const unsigned char *)copy, rows[i].len, &cp);
        assert_int_equal(n, rows[i].decode_n);
        if (n > 0)
            assert_int_equal(cp, rows[i].cp);

        size_t at = 12345;
        kh_status_t st = kh_utf8_validate(copy, rows[i].len, &at);
        if (rows[i].bad_at == VALID) {
            assert_int_equal(st, KH_OK);
            assert_int_equal(at, 12345); /* untouched */
        } else {
            assert_int_equal(st, KH_ERR_UTF8);
            assert_int_equal(at, rows[i].bad_at);
        }
        assert_int_equal(kh_utf8_validate(copy, rows[i].len, NULL), st); /* offset optional */
        free(copy);
    }
}

static void test_empty_is_valid(void **state)
{
    (void)state;
    assert_int_equal(kh_utf8_validate("", 0, NULL), KH_OK);
    assert_int_equal(kh_utf8_validate(NULL, 0, NULL), KH_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_empty_is_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
