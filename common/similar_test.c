/* Unit tests of similar.c: edit distances and the closest known word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "khabar/similar.h"

static void distances(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        size_t distance;
    } rows[] = {
        {"format", "format", 0},
        {"formt", "format", 1},   /* a letter left out */
        {"fromat", "format", 1},  /* two neighbours swapped */
        {"formats", "format", 1}, /* one too many */
        {"furmat", "format", 1},  /* one wrong */
        {"", "abc", 3},
        {"limit", "index", 5},
        {"زوكبيرغ", "زوكربيرغ", 1}, /* Arabic: counted in letters, not bytes */
        {"ماسك", "ماسك", 0},
        {"\xff", "format", (size_t)-1}, /* not UTF-8 */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a", (size_t)-1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t got = kh_similar_distance(rows[i].a, rows[i].b);
        if (got != rows[i].distance)
            fail_msg("distance('%s', '%s') = %zu, expected %zu", rows[i].a, rows[i].b, got,
                     rows[i].distance);
    }
}

static void closest(void **state)
{
    (void)state;
    static const char *const options[] = {"index",         "limit", "format", "per-article",
                                          "all",           "batch", "jobs",   "title-weight",
                                          "allow-partial", NULL,    "help"};
    const size_t n = sizeof options / sizeof options[0];
    static const struct {
        const char *typed;
        long expected; /* index in options, -1: no suggestion */
    } rows[] = {
        {"formt", 2},   {"fromat", 2}, {"per-artcle", 3}, {"titleweight", 7}, {"allow-partal", 8},
        {"hepl", 10},   {"al", 4}, /* one letter short of a 3-letter option */
        {"colour", -1},            /* nothing like it */
        {"x", -1},      {"jbos", 6},   {"", -1},          {"\xd8", -1}, /* half a UTF-8 character */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        long got = kh_similar_closest(rows[i].typed, options, n);
        if (got != rows[i].expected)
            fail_msg("closest('%s') = %ld, expected %ld", rows[i].typed, got, rows[i].expected);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distances),
        cmocka_unit_test(closest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
