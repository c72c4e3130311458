/*
 * Unit tests for highlighting (highlight.h): the words of a result's text
 * whose term, or whose phonetic key, the query looked for, shown as the
 * words marked in the text, Arabic and English rows side by side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "highlight.h"

typedef struct row {
    const char *text;     /* marked in the text, and in the title (the same rule) */
    const char *terms[3]; /* sorted, NULL-ended */
    const char *keys[2];  /* sorted, NULL-ended */
    const char *marked;   /* the text's highlighted words, '|' after each */
} row_t;

static const row_t rows[] = {
    /* A word matches by its term (stem), whatever its form. */
    {"Zebras and their stripes.", {"stripe", "zebra"}, {NULL}, "Zebras|stripes|"},
    {"رأيت غزال اليوم", {"غزال"}, {NULL}, "غزال|"},
    /* A name in another spelling matches by its key only (plan.c, add_name_keys). */
    {"رأيت غزال اليوم", {NULL}, {"XNAksl"}, "غزال|"},
    /* Excluded or unknown words are not in the lists: nothing marked. */
    {"Zebras and their stripes.", {"horse"}, {NULL}, ""},
    {"", {"zebra"}, {NULL}, ""},
};

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

/* The words of text at spans, each followed by '|'. */
static void show_marked(const char *text, const kh_span_t *spans, size_t n, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%.*s|", (int)(spans[k].end - spans[k].start),
                 text + spans[k].start);
    }
}

static void marks_matched_words(void **state)
{
    (void)state;
    kh_analyzer_t *a = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_analyzer_new(&a, &err), KH_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row_t *row = &rows[i];
        kh_result_t result = {0};
        result.data.text = row->text;
        result.data.title = row->text;
        kh_results_t out = {.items = &result, .n = 1};
        assert_int_equal(kh_highlight_results(a, (char *const *)row->terms, count(row->terms),
                                              (char *const *)row->keys, count(row->keys), &out,
                                              &err),
                         KH_OK);
        char marked[256], title_marked[256];
        show_marked(row->text, result.highlights, result.n_highlights, marked, sizeof marked);
        show_marked(row->text, result.title_highlights, result.n_title_highlights, title_marked,
                    sizeof title_marked);
        if (strcmp(marked, row->marked) != 0)
            fail_msg("'%s': marked '%s', expected '%s'", row->text, marked, row->marked);
        if (strcmp(title_marked, row->marked) != 0)
            fail_msg("title '%s': marked '%s', expected '%s'", row->text, title_marked,
                     row->marked);
        free(result.highlights);
        free(result.title_highlights);
    }
    kh_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(marks_matched_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
