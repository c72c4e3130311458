/*
 * tokenize_test.c - segmentation only: spans and scripts, no normalisation.
 *
 * Each row lists the surfaces the spans must cover, in order (each found
 * after the previous one), with their scripts. Rows run on exact-size heap
 * copies (no NUL after the text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "khabar/tokenize.h"

#define A KH_SCRIPT_ARABIC
#define L KH_SCRIPT_LATIN
#define D KH_SCRIPT_DIGIT
#define O KH_SCRIPT_OTHER

typedef struct {
    const char *surface; /* NULL ends the list */
    kh_script_t script;
} want_span_t;

typedef struct {
    const char *what;
    const char *text;
    size_t len; /* 0: strlen(text) */
    want_span_t want[12];
} row_t;

static const row_t rows[] = {
    {"Arabic and English side by side", "قال Musk إن", 0, {{"قال", A}, {"Musk", L}, {"إن", A}}},
    {"curly quotes", "“ماسك” و”سام", 0, {{"ماسك", A}, {"و", A}, {"سام", A}}},
    {"tatweel is a letter", "لـ”ألتمان”", 0, {{"لـ", A}, {"ألتمان", A}}},
    {"harakat stay in the span", "الذَّكَاءُ", 0, {{"الذَّكَاءُ", A}}},
    {"a mark cannot start a token",
     "\xcc\x81"
     "abc \xd9\x8e",
     0,
     {{"abc", L}}},
    {"script change splits", "لـOpenAIو", 0, {{"لـ", A}, {"OpenAI", L}, {"و", A}}},
    {"digits join Latin",
     "Web3 5G MP3 F-16",
     0,
     {{"Web3", L}, {"5G", L}, {"MP3", L}, {"F", L}, {"16", D}}},
    {"digits split from Arabic",
     "و12 2014م الـ24",
     0,
     {{"و", A}, {"12", D}, {"2014", D}, {"م", A}, {"الـ", A}, {"24", D}}},
    {"Arabic-Indic digits", "٢٠١٨ ۲۰۱۸", 0, {{"٢٠١٨", D}, {"۲۰۱۸", D}}},
    {"separators between digits",
     "1,000.5 3..5 ٣٫٥ ١٬٠٠٠ 7,",
     0,
     {{"1,000.5", D}, {"3", D}, {"5", D}, {"٣٫٥", D}, {"١٬٠٠٠", D}, {"7", D}}},
    {"apostrophe between Latin letters",
     "Altman's Altman’s rock'n'roll",
     0,
     {{"Altman's", L}, {"Altman’s", L}, {"rock'n'roll", L}}},
    {"apostrophe at an edge or doubled",
     "'s s' o''x 90's",
     0,
     {{"s", L}, {"s", L}, {"o", L}, {"x", L}, {"90", D}, {"s", L}}},
    {"apostrophe next to Arabic",
     "ماسك's l'ماسك",
     0,
     {{"ماسك", A}, {"s", L}, {"l", L}, {"ماسك", A}}},
    {"hyphens and slashes split",
     "closed-source and/or",
     0,
     {{"closed", L}, {"source", L}, {"and", L}, {"or", L}}},
    {"joiners inside words",
     "ماس\xe2\x80\x8c"
     "ك a\xe2\x80\x8d"
     "b in\xc2\xad"
     "side",
     0,
     {{"ماس\xe2\x80\x8c"
       "ك",
       A},
      {"a\xe2\x80\x8d"
       "b",
       L},
      {"in\xc2\xad"
       "side",
       L}}},
    {"joiners at edges or between scripts",
     "\xe2\x80\x8c"
     "ماسك\xe2\x80\x8c a\xe2\x80\x8c"
     "ب 1\xe2\x80\x8c"
     "2",
     0,
     {{"ماسك", A}, {"a", L}, {"ب", A}, {"1", D}, {"2", D}}},
    {"Han and Hiragana one per character",
     "中国 ひら",
     0,
     {{"中", O}, {"国", O}, {"ひ", O}, {"ら", O}}},
    {"Katakana and Hangul runs", "タワー 한국어", 0, {{"タワー", O}, {"한국어", O}}},
    {"Han then digits", "中1", 0, {{"中", O}, {"1", D}}},
    {"Cyrillic", "Москва-2", 0, {{"Москва", O}, {"2", D}}},
    {"emoji and symbols",
     "a😀b ❤️ماسك €5 ©x",
     0,
     {{"a", L}, {"b", L}, {"ماسك", A}, {"5", D}, {"x", L}}},
    {"NUL separates", "ab\0cd", 5, {{"ab", L}, {"cd", L}}},
    {"invalid bytes separate",
     "ab\xff"
     "cd\xc3",
     0,
     {{"ab", L}, {"cd", L}}},
};

static size_t find(const char *text, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return i;
    return (size_t)-1;
}

static void test_rows(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        size_t len = rows[r].len ? rows[r].len : strlen(rows[r].text);
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, rows[r].text, len);
        kh_tokenizer_t t;
        kh_tokenizer_init(&t, copy, len);
        kh_segment_t span;
        size_t i = 0, prev_end = 0;
        while (kh_tokenizer_next(&t, &span)) {
            const want_span_t *w = i < 12 ? &rows[r].want[i] : NULL;
            if (!w || !w->surface) {
                print_error("%s: extra token [%zu,%zu)\n", rows[r].what, span.start, span.end);
                failed = 1;
                break;
            }
            size_t start = find(copy, len, prev_end, w->surface);
            size_t end = start + strlen(w->surface);
            if (span.start != start || span.end != end || span.script != w->script) {
                print_error(
                    "%s: token %zu: got [%zu,%zu) script %d, want [%zu,%zu) '%s' script %d\n",
                    rows[r].what, i, span.start, span.end, (int)span.script, start, end, w->surface,
                    (int)w->script);
                failed = 1;
            }
            prev_end = end;
            i++;
        }
        if (i < 12 && rows[r].want[i].surface && !failed) {
            print_error("%s: missing token %zu '%s'\n", rows[r].what, i, rows[r].want[i].surface);
            failed = 1;
        }
        free(copy);
    }
    if (failed)
        fail();
}

static void test_end_is_sticky(void **state)
{
    (void)state;
    kh_tokenizer_t t;
    kh_segment_t span;
    kh_tokenizer_init(&t, "a", 1);
    assert_int_equal(kh_tokenizer_next(&t, &span), 1);
    assert_int_equal(kh_tokenizer_next(&t, &span), 0);
    assert_int_equal(kh_tokenizer_next(&t, &span), 0);
    kh_tokenizer_init(&t, NULL, 0);
    assert_int_equal(kh_tokenizer_next(&t, &span), 0);
    kh_tokenizer_init(&t, "", 0);
    assert_int_equal(kh_tokenizer_next(&t, &span), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_end_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
