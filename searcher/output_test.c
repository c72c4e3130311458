/*
 * Unit tests for the output formats: each format's whole line for one
 * result, Arabic and English rows side by side, and what each does with
 * the characters that could break it (tabs, line breaks, quotes,
 * backslashes, control characters).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

typedef struct row {
    const char *name;
    kh_output_format_t format;
    int color, per_article;
    const char *tag, *qid, *query;
    const char *title, *text, *url;
    const char *match; /* the first occurrence of this word of text is highlighted */
    const char *expected;
    const char *title_match; /* the first occurrence of this word of title is highlighted */
} row_t;

static const row_t rows[] = {
    /* text: the estimated count (as quest), then "RANK. SCORE  TITLE  [KIND PASSAGE]" and the
       snippet, indented. */
    {"text arabic", KH_OUTPUT_TEXT, 0, 0, NULL, NULL, "ماسك", "عن ماسك", "قال ماسك إن الشركة", "",
     "ماسك", "about 1 passage\n1. 12.375  عن ماسك  [body a1#2]\n   قال ماسك إن الشركة\n", NULL},
    {"text english", KH_OUTPUT_TEXT, 0, 0, NULL, NULL, "ferry", "Ferry news",
     "The ferry leaves at noon.", "", "ferry",
     "about 1 passage\n1. 12.375  Ferry news  [body a1#2]\n   The ferry leaves at noon.\n", NULL},
    /* Line breaks and tabs of the title and text become spaces: one result, two lines. */
    {"text breaks", KH_OUTPUT_TEXT, 0, 0, NULL, NULL, "x", "two\nline\ttitle",
     "first\nsecond\tthird\r", "", NULL,
     "about 1 passage\n1. 12.375  two line title  [body a1#2]\n   first second third \n", NULL},
    /* No title: the article id stands for it. */
    {"text no title", KH_OUTPUT_TEXT, 0, 0, NULL, NULL, "x", "", "body", "", NULL,
     "about 1 passage\n1. 12.375  a1  [body a1#2]\n   body\n", NULL},
    /* Colour: the title bold, the match in bold red, the id dim. */
    {"text colour", KH_OUTPUT_TEXT, 1, 0, NULL, NULL, "ماسك", "عن ماسك", "قال ماسك", "", "ماسك",
     "about 1 passage\n1. 12.375  \033[1mعن ماسك\033[0m  \033[2m[body a1#2]\033[0m\n   قال "
     "\033[1;31mماسك\033[0m\n",
     NULL},
    /* JSON: "query" from the command line, "qid" in a batch; url only when set. */
    {"json arabic", KH_OUTPUT_JSON, 0, 0, NULL, NULL, "ماسك", "عن ماسك", "قال ماسك", "", "ماسك",
     "{\"query\":\"ماسك\",\"rank\":1,\"score\":12.375,\"passage_id\":\"a1#2\","
     "\"article_id\":\"a1\",\"kind\":\"body\",\"title\":\"عن ماسك\",\"text\":\"قال ماسك\","
     "\"snippet\":\"قال "
     "ماسك\",\"highlights\":[[7,15]],\"snippet_highlights\":[[7,15]],\"title_highlights\":[]}\n",
     NULL},
    {"json english qid url", KH_OUTPUT_JSON, 0, 0, NULL, "q7", "ferry", "Ferry", "The ferry",
     "https://example.com/a?b=1&c=2", "ferry",
     "{\"qid\":\"q7\",\"rank\":1,\"score\":12.375,\"passage_id\":\"a1#2\","
     "\"article_id\":\"a1\",\"kind\":\"body\",\"title\":\"Ferry\",\"text\":\"The ferry\","
     "\"snippet\":\"The "
     "ferry\",\"highlights\":[[4,9]],\"snippet_highlights\":[[4,9]],\"title_highlights\":[],"
     "\"url\":\"https://example.com/"
     "a?b=1&c=2\"}\n",
     NULL},
    /* Quotes, backslashes, line breaks, tabs and control characters are escaped, the text kept. */
    {"json escapes", KH_OUTPUT_JSON, 0, 0, NULL, NULL, "say \"hi\"", "a \"quoted\" \\ title",
     "line\none\ttab \x01 end", "", NULL,
     "{\"query\":\"say \\\"hi\\\"\",\"rank\":1,\"score\":12.375,\"passage_id\":\"a1#2\","
     "\"article_id\":\"a1\",\"kind\":\"body\",\"title\":\"a \\\"quoted\\\" \\\\ title\","
     "\"text\":\"line\\none\\ttab \\u0001 end\",\"snippet\":\"line\\none\\ttab \\u0001 end\","
     "\"highlights\":[],\"snippet_highlights\":[],\"title_highlights\":[]}\n",
     NULL},
    /* Title words matched like the text's: in colour inside the bold title, which resumes after. */
    {"text title colour arabic", KH_OUTPUT_TEXT, 1, 0, NULL, NULL, "ماسك", "عن ماسك اليوم",
     "قال ماسك", "", "ماسك",
     "about 1 passage\n1. 12.375  \033[1mعن \033[1;31mماسك\033[0m\033[1m اليوم\033[0m  "
     "\033[2m[body a1#2]\033[0m\n"
     "   قال \033[1;31mماسك\033[0m\n",
     "ماسك"},
    {"text title colour english", KH_OUTPUT_TEXT, 1, 0, NULL, NULL, "ferry", "Ferry news",
     "The ferry", "", "ferry",
     "about 1 passage\n1. 12.375  \033[1m\033[1;31mFerry\033[0m\033[1m news\033[0m  \033[2m[body "
     "a1#2]\033[0m\n"
     "   The \033[1;31mferry\033[0m\n",
     "Ferry"},
    /* Without colour the title reads as before. */
    {"text title plain", KH_OUTPUT_TEXT, 0, 0, NULL, NULL, "ferry", "Ferry news", "The ferry", "",
     "ferry", "about 1 passage\n1. 12.375  Ferry news  [body a1#2]\n   The ferry\n", "Ferry"},
    /* In a batch, text starts with a header: the qid and the query, made safe for a terminal. */
    {"text batch header english", KH_OUTPUT_TEXT, 0, 0, NULL, "q7", "ferry\x1b[2J times", "Ferry",
     "The ferry", "", NULL,
     "query q7: ferry\xef\xbf\xbd[2J times\nabout 1 passage\n1. 12.375  Ferry  [body a1#2]\n   The "
     "ferry\n",
     NULL},
    {"text batch header arabic colour", KH_OUTPUT_TEXT, 1, 0, NULL, "3", "ماسك", "عن ماسك",
     "قال ماسك", "", NULL,
     "\033[1mquery 3: ماسك\033[0m\nabout 1 passage\n1. 12.375  \033[1mعن ماسك\033[0m  \033[2m[body "
     "a1#2]\033[0m\n"
     "   قال ماسك\n",
     NULL},
    /* JSON: title_highlights are byte spans into title. */
    {"json title arabic", KH_OUTPUT_JSON, 0, 0, NULL, "q1", "ماسك", "عن ماسك", "قال", "", NULL,
     "{\"qid\":\"q1\",\"rank\":1,\"score\":12.375,\"passage_id\":\"a1#2\","
     "\"article_id\":\"a1\",\"kind\":\"body\",\"title\":\"عن ماسك\",\"text\":\"قال\","
     "\"snippet\":\"قال\",\"highlights\":[],\"snippet_highlights\":[],"
     "\"title_highlights\":[[5,13]]}\n",
     "ماسك"},
    /* TREC: QID Q0 DOCID RANK SCORE TAG; "1" from the command line. */
    {"trec", KH_OUTPUT_TREC, 0, 0, NULL, NULL, "x", "t", "body", "", NULL,
     "1 Q0 a1#2 1 12.375000 khabar\n", NULL},
    {"trec per-article tag", KH_OUTPUT_TREC, 0, 1, "run2", "q9", "x", "t", "body", "", NULL,
     "q9 Q0 a1 1 12.375000 run2\n", NULL},
    /* TSV: QID RANK SCORE PASSAGE SNIPPET, no tab or line break inside a field. */
    {"tsv arabic", KH_OUTPUT_TSV, 0, 0, NULL, "q1", "ماسك", "t", "قال ماسك", "", "ماسك",
     "q1\t1\t12.375000\ta1#2\tقال ماسك\n", NULL},
    {"tsv breaks", KH_OUTPUT_TSV, 0, 0, NULL, NULL, "x", "t", "a\tb\nc\r\nd", "", NULL,
     "1\t1\t12.375000\ta1#2\ta b c  d\n", NULL},
};

/* The output of one result as row r describes it. */
static char *write_row(const row_t *r, kh_status_t *st)
{
    kh_span_t span = {0, 0}, title_span = {0, 0};
    kh_result_t result = {.rank = 1, .score = 12.375};
    result.data = (kh_passage_data_t){.kind = KH_KIND_BODY,
                                      .passage_id = "a1#2",
                                      .article_id = "a1",
                                      .title = r->title,
                                      .url = r->url,
                                      .date = "",
                                      .section = "",
                                      .text = r->text,
                                      .record_id = ""};
    if (r->match) {
        const char *at = strstr(r->text, r->match);
        assert_non_null(at);
        span = (kh_span_t){(size_t)(at - r->text), (size_t)(at - r->text) + strlen(r->match)};
        result.highlights = &span;
        result.n_highlights = 1;
    }
    if (r->title_match) {
        const char *at = strstr(r->title, r->title_match);
        assert_non_null(at);
        title_span =
            (kh_span_t){(size_t)(at - r->title), (size_t)(at - r->title) + strlen(r->title_match)};
        result.title_highlights = &title_span;
        result.n_title_highlights = 1;
    }
    kh_results_t results = {.items = &result, .n = 1, .estimated = 1};
    kh_output_opts_t opts = {
        .format = r->format, .color = r->color, .per_article = r->per_article, .tag = r->tag};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    kh_error_t err = {0};
    *st = kh_output_write(out, &opts, r->qid, r->query, &results, &err);
    fclose(out);
    return text;
}

static void each_format_writes_its_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_status_t st;
        char *got = write_row(&rows[i], &st);
        if (st != KH_OK || strcmp(got, rows[i].expected) != 0)
            fail_msg("%s: status %d, got\n%s\nexpected\n%s", rows[i].name, (int)st, got,
                     rows[i].expected);
        free(got);
    }
}

/* --count: the number alone, in each format; "about" when it is Xapian's estimate. */
static const struct count_row {
    kh_output_format_t format;
    int per_article, exact;
    unsigned long long count;
    const char *qid, *query, *expected;
} count_rows[] = {
    {KH_OUTPUT_TEXT, 0, 1, 14, NULL, "ماسك", "14 passages\n"},
    {KH_OUTPUT_TEXT, 0, 0, 1008, NULL, "boundary layer", "about 1008 passages\n"},
    {KH_OUTPUT_TEXT, 1, 1, 1, NULL, "ماسك", "1 article\n"},
    {KH_OUTPUT_TEXT, 0, 1, 0, NULL, "zzz", "0 passages\n"},
    {KH_OUTPUT_JSON, 0, 1, 14, NULL, "ماسك", "{\"query\":\"ماسك\",\"count\":14,\"exact\":true}\n"},
    {KH_OUTPUT_JSON, 1, 0, 1000, "q7", "boundary",
     "{\"qid\":\"q7\",\"count\":1000,\"exact\":false}\n"},
    {KH_OUTPUT_TSV, 0, 1, 5, NULL, "x", "1\t5\texact\n"},
    {KH_OUTPUT_TREC, 0, 0, 9, "q 1", "x", "q%201\t9\tabout\n"},
};

static void count_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof count_rows / sizeof count_rows[0]; i++) {
        const struct count_row *r = &count_rows[i];
        kh_results_t results = {.estimated = r->count, .exact = r->exact};
        kh_output_opts_t opts = {.format = r->format, .per_article = r->per_article, .count = 1};
        char *got = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&got, &len);
        kh_error_t err;
        kh_status_t st = kh_output_write(f, &opts, r->qid, r->query, &results, &err);
        fclose(f);
        if (st != KH_OK || strcmp(got, r->expected) != 0)
            fail_msg("count row %zu: status %d, got\n%s\nexpected\n%s", i, (int)st, got,
                     r->expected);
        free(got);
    }
}

static void results_in_rank_order(void **state)
{
    (void)state;
    kh_result_t items[2] = {{.rank = 1, .score = 2.5}, {.rank = 2, .score = 1}};
    const char *ids[2] = {"a#0", "b#3"};
    for (int i = 0; i < 2; i++)
        items[i].data = (kh_passage_data_t){.passage_id = ids[i],
                                            .article_id = ids[i],
                                            .title = "",
                                            .url = "",
                                            .date = "",
                                            .section = "",
                                            .text = "x",
                                            .record_id = ""};
    kh_results_t results = {.items = items, .n = 2, .estimated = 2};
    kh_output_opts_t opts = {.format = KH_OUTPUT_TREC};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(kh_output_write(out, &opts, "q", "x", &results, NULL), KH_OK);
    fclose(out);
    assert_string_equal(text, "q Q0 a#0 1 2.500000 khabar\nq Q0 b#3 2 1.000000 khabar\n");
    free(text);
}

static void format_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        kh_status_t status;
        kh_output_format_t format;
    } names[] = {
        {"text", KH_OK, KH_OUTPUT_TEXT},
        {"json", KH_OK, KH_OUTPUT_JSON},
        {"trec", KH_OK, KH_OUTPUT_TREC},
        {"tsv", KH_OK, KH_OUTPUT_TSV},
        {"xml", KH_ERR_ARG, 0},
        {"TEXT", KH_ERR_ARG, 0},
        {"", KH_ERR_ARG, 0},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        kh_output_format_t f = KH_OUTPUT_TEXT;
        assert_int_equal(kh_output_format_parse(names[i].name, &f), names[i].status);
        if (names[i].status == KH_OK)
            assert_int_equal(f, names[i].format);
    }
}

/* A stream that cannot be written is KH_ERR_IO. */
static void failing_stream(void **state)
{
    (void)state;
    FILE *out = fopen("/dev/full", "w");
    if (!out)
        skip();
    setvbuf(out, NULL, _IONBF, 0);
    kh_result_t result = {.rank = 1, .score = 1};
    result.data = (kh_passage_data_t){.passage_id = "a#0",
                                      .article_id = "a",
                                      .title = "",
                                      .url = "",
                                      .date = "",
                                      .section = "",
                                      .text = "x",
                                      .record_id = ""};
    kh_results_t results = {.items = &result, .n = 1, .estimated = 1};
    for (kh_output_format_t f = KH_OUTPUT_TEXT; f <= KH_OUTPUT_TSV; f++) {
        kh_output_opts_t opts = {.format = f};
        kh_error_t err = {0};
        assert_int_equal(kh_output_write(out, &opts, NULL, "x", &results, &err), KH_ERR_IO);
        clearerr(out);
    }
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_format_writes_its_line),
        cmocka_unit_test(count_alone),
        cmocka_unit_test(results_in_rank_order),
        cmocka_unit_test(format_names),
        cmocka_unit_test(failing_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
