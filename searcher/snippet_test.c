/* Unit tests for snippet picking: whole short passages, windows around matches, word cuts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "snippet.h"

/* Span of the first occurrence of word in text. */
static kh_span_t span_of(const char *text, const char *word)
{
    const char *p = strstr(text, word);
    assert_non_null(p);
    return (kh_span_t){(size_t)(p - text), (size_t)(p - text) + strlen(word)};
}

static void shows(const char *text, kh_snippet_t s, const char *expected, int before, int after)
{
    char got[512];
    snprintf(got, sizeof got, "%.*s", (int)(s.end - s.start), text + s.start);
    assert_string_equal(got, expected);
    assert_int_equal(s.cut_before, before);
    assert_int_equal(s.cut_after, after);
}

static void short_text_is_shown_whole(void **state)
{
    (void)state;
    const char *text = "إيلون ماسك vs مارك زوكربيرغ";
    kh_span_t hl = span_of(text, "ماسك");
    shows(text, kh_snippet_pick(text, strlen(text), &hl, 1, 240), text, 0, 0);
    /* 27 characters fit exactly in 27. */
    shows(text, kh_snippet_pick(text, strlen(text), &hl, 1, 27), text, 0, 0);
}

static void window_goes_to_the_matches_and_cuts_at_spaces(void **state)
{
    (void)state;
    static const struct {
        const char *text, *word;
        size_t max_chars;
        const char *expected;
        int before, after;
    } rows[] = {
        {"one two three four five six seven eight nine ten", "nine", 12, "nine ten", 1, 0},
        {"one two three four five six seven eight nine ten", "one", 12, "one two", 0, 1},
        {"one two three four five six seven eight nine ten", "ten", 12, "nine ten", 1, 0},
        {"كان ماسك واحدا من أكثر من ألف شخص وقعوا على عريضة", "عريضة", 12, "على عريضة", 1, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_span_t hl = span_of(rows[i].text, rows[i].word);
        kh_snippet_t s =
            kh_snippet_pick(rows[i].text, strlen(rows[i].text), &hl, 1, rows[i].max_chars);
        shows(rows[i].text, s, rows[i].expected, rows[i].before, rows[i].after);
    }
}

static void densest_stretch_wins(void **state)
{
    (void)state;
    const char *text = "alpha filler filler filler filler filler filler beta gamma beta end";
    kh_span_t hl[] = {span_of(text, "alpha"),
                      span_of(text, "beta gamma"),
                      {span_of(text, "beta gamma").end + 1, span_of(text, "beta gamma").end + 5}};
    hl[1].end = hl[1].start + 4;
    kh_snippet_t s = kh_snippet_pick(text, strlen(text), hl, 3, 20);
    shows(text, s, "beta gamma beta", 1, 1);
}

static void no_match_starts_at_the_beginning(void **state)
{
    (void)state;
    const char *text = "one two three four five six";
    shows(text, kh_snippet_pick(text, strlen(text), NULL, 0, 10), "one two", 0, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_text_is_shown_whole),
        cmocka_unit_test(window_goes_to_the_matches_and_cuts_at_spaces),
        cmocka_unit_test(densest_stretch_wins),
        cmocka_unit_test(no_match_starts_at_the_beginning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
