/*
 * passage_test.c - article -> passages: order, kinds, ordinals, headings,
 * and the exact word ranges of the windows of long paragraphs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passage.h"

#define S(x) ((char *)(x)) /* the test's articles borrow literals; never freed */

typedef struct exp_passage {
    kh_kind_t kind;
    unsigned ordinal;
    const char *text;
    size_t heading_len;
    size_t paragraph, offset;
} exp_passage_t;

static void assert_passages(const kh_article_t *a, const kh_passage_opts_t *opts,
                            const exp_passage_t *want, size_t n_want)
{
    kh_passage_t *p = (kh_passage_t *)&p;
    size_t n = 99;
    kh_error_t err = {0};
    assert_int_equal(kh_article_passages(a, opts, &p, &n, &err), KH_OK);
    assert_int_equal(n, n_want);
    size_t related = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p[i].kind, want[i].kind);
        assert_int_equal(p[i].ordinal, want[i].ordinal);
        assert_string_equal(p[i].text, want[i].text);
        assert_int_equal(p[i].len, strlen(want[i].text));
        assert_int_equal(p[i].heading_len, want[i].heading_len);
        assert_int_equal(p[i].paragraph, want[i].paragraph);
        assert_int_equal(p[i].offset, want[i].offset);
        if (p[i].kind == KH_KIND_RELATED) {
            while (!a->related[related].title || !*a->related[related].title)
                related++; /* the skipped, empty ones */
            assert_ptr_equal(p[i].related, &a->related[related]);
            related++;
        } else {
            assert_null(p[i].related);
        }
    }
    kh_passages_free(p, n);
}

/* Title, body, related; a subheading with its paragraph and one alone; an
 * empty paragraph and an empty related headline dropped. */
static void test_order_and_kinds(void **state)
{
    (void)state;
    kh_paragraph_t paragraphs[] = {
        {NULL, S("يقود ماسك وألتمان شركات ذكاء اصطناعي."), 5},
        {S("تعاون قديم"), S("أسس ماسك وألتمان OpenAI في عام 2015."), 8},
        {NULL, S(""), 10},
        {NULL, S(" \t "), 11},
        {S("Altman replies"), S("Altman answered on the podcast."), 12},
        {S("موقف ماسك"), S(""), 14},
    };
    kh_related_t related[] = {
        {S("إيلون ماسك vs مارك زوكربيرغ"), NULL, NULL},
        {S(""), NULL, NULL},
        {S("Who gets the fight money?"), S("r2"), S("https://example.com/r2")},
    };
    kh_article_t a = {.id = S("seed"),
                      .title = S("تاريخ علاقة العمل والعداء بين ماسك وألتمان"),
                      .paragraphs = paragraphs,
                      .n_paragraphs = 6,
                      .related = related,
                      .n_related = 3};
    static const exp_passage_t want[] = {
        {KH_KIND_TITLE, 0, "تاريخ علاقة العمل والعداء بين ماسك وألتمان", 0, 0, 0},
        {KH_KIND_BODY, 1, "يقود ماسك وألتمان شركات ذكاء اصطناعي.", 0, 0, 0},
        {KH_KIND_BODY, 2, "تعاون قديم\nأسس ماسك وألتمان OpenAI في عام 2015.",
         sizeof "تعاون قديم" - 1, 1, 0},
        {KH_KIND_BODY, 3, "Altman replies\nAltman answered on the podcast.", 14, 4, 0},
        {KH_KIND_BODY, 4, "موقف ماسك", sizeof "موقف ماسك" - 1, 5, 0},
        {KH_KIND_RELATED, 5, "إيلون ماسك vs مارك زوكربيرغ", 0, 0, 0},
        {KH_KIND_RELATED, 6, "Who gets the fight money?", 0, 0, 0},
    };
    assert_passages(&a, NULL, want, sizeof want / sizeof *want);
}

/* Without a title the body still starts at 1; spaces around a paragraph are
 * not part of its passage, spaces inside are kept as they are. */
static void test_no_title(void **state)
{
    (void)state;
    kh_paragraph_t paragraphs[] = {{NULL, S("  a  b\tc  "), 1}};
    kh_related_t related[] = {{S("headline"), NULL, NULL}};
    kh_article_t a = {.id = S("x"),
                      .title = S("   "),
                      .paragraphs = paragraphs,
                      .n_paragraphs = 1,
                      .related = related,
                      .n_related = 1};
    static const exp_passage_t want[] = {
        {KH_KIND_BODY, 1, "a  b\tc", 0, 0, 2},
        {KH_KIND_RELATED, 2, "headline", 0, 0, 0},
    };
    assert_passages(&a, NULL, want, 2);

    kh_article_t empty = {.id = S("e")};
    assert_passages(&empty, NULL, NULL, 0);
}

/*
 * A paragraph built from sentences of given lengths, in Arabic and English
 * words, with the stops and the non-stops of real text. words[i] is the
 * byte span of word i, to compute the expected window texts.
 */
typedef struct built {
    char *text;
    size_t n_words;
    size_t (*span)[2];
} built_t;

static built_t build_paragraph(const unsigned *sentence_words, size_t n_sentences, int punctuate)
{
    static const char *const stops[] = {".", "؟", "!", "…", ".”", "?", "۔", ".)"};
    static const char *const inner[] = {"،", ":", "؛", ",", ";"};
    size_t total = 0;
    for (size_t s = 0; s < n_sentences; s++)
        total += sentence_words[s];
    built_t b = {malloc(total * 24 + 1), 0, malloc(total * sizeof *b.span)};
    assert_non_null(b.text);
    assert_non_null(b.span);
    size_t len = 0;
    for (size_t s = 0; s < n_sentences; s++) {
        for (unsigned w = 0; w < sentence_words[s]; w++) {
            size_t i = b.n_words;
            if (i > 0)
                b.text[len++] = (i % 7 == 0) ? '\t' : ' ';
            if (i % 11 == 5)
                b.text[len++] = ' '; /* double spaces stay in the text */
            b.span[i][0] = len;
            len += (size_t)sprintf(b.text + len, i % 2 ? "كلمة%zu" : "word%zu", i);
            if (punctuate && w + 1 == sentence_words[s])
                len += (size_t)sprintf(b.text + len, "%s", stops[s % 8]);
            else if (punctuate && w % 5 == 3)
                len += (size_t)sprintf(b.text + len, "%s", inner[s % 5]);
            b.span[i][1] = len;
            b.n_words++;
        }
    }
    b.text[len] = '\0';
    return b;
}

typedef struct window_case {
    const char *name;
    unsigned sentences[24];
    size_t n_sentences;
    int punctuate;
    unsigned window, overlap;
    const char *heading;
    size_t windows[10][2]; /* word ranges [first, last) */
    size_t n_windows;
} window_case_t;

static const window_case_t window_cases[] = {
    /* 350 words in 20 sentences. Sentence ends at 15 35 53 65 90 107 123
     * 142 156 178 196 209 230 246 265 280 300 317 331 350. Each window
     * takes the sentences that fit in 100 words; the next repeats the last
     * sentences whose length is closest to 30 (25, 33, 31, 35, 37). */
    {"350 words, 20 sentences",
     {15, 20, 18, 12, 25, 17, 16, 19, 14, 22, 18, 13, 21, 16, 19, 15, 20, 17, 14, 19},
     20,
     1,
     100,
     30,
     NULL,
     {{0, 90}, {65, 156}, {123, 209}, {178, 265}, {230, 317}, {280, 350}},
     6},
    {"the same under a subheading",
     {15, 20, 18, 12, 25, 17, 16, 19, 14, 22, 18, 13, 21, 16, 19, 15, 20, 17, 14, 19},
     20,
     1,
     100,
     30,
     "عنوان فرعي",
     {{0, 90}, {65, 156}, {123, 209}, {178, 265}, {230, 317}, {280, 350}},
     6},
    /* One 300-word sentence without punctuation: hard cuts of 100 words,
     * 30 words of overlap. */
    {"300-word sentence, no punctuation",
     {300},
     1,
     0,
     100,
     30,
     NULL,
     {{0, 100}, {70, 170}, {140, 240}, {210, 300}},
     4},
    /* A short sentence, then one too long for a window: the short one
     * stands alone, the long one is hard-cut, the last window ends at the
     * paragraph's end. */
    {"short, too long, short",
     {20, 250, 20},
     3,
     1,
     100,
     30,
     NULL,
     {{0, 20}, {20, 120}, {90, 190}, {160, 260}, {230, 290}},
     5},
    {"exactly one window", {50, 50}, 2, 1, 100, 30, NULL, {{0, 100}}, 1},
    /* Overlap 0: windows meet without repeating. */
    {"no overlap", {40, 40, 40, 40}, 4, 1, 100, 0, NULL, {{0, 80}, {80, 160}}, 2},
    /* Repeating the 45-word sentence would leave no room for the next one
     * (45 + 60 > 100): the next window starts fresh. */
    {"overlap that would stall", {40, 45, 60}, 3, 1, 100, 30, NULL, {{0, 85}, {85, 145}}, 2},
    /* Sentences longer than the overlap: the closest is still one sentence
     * (40 is closer to 30 than 0). */
    {"long sentences overlap by one",
     {40, 40, 40, 40},
     4,
     1,
     100,
     30,
     NULL,
     {{0, 80}, {40, 120}, {80, 160}},
     3},
};

static void run_window_case(void **state)
{
    {
        const window_case_t *wc = *state;
        built_t b = build_paragraph(wc->sentences, wc->n_sentences, wc->punctuate);
        kh_paragraph_t para = {S(wc->heading), b.text, 1};
        kh_article_t a = {.id = S("w"), .paragraphs = &para, .n_paragraphs = 1};
        kh_passage_opts_t opts = {wc->window, wc->overlap};
        /* The table itself: windows cover the paragraph, fit, overlap or
         * meet, and move on. */
        assert_int_equal(wc->windows[0][0], 0);
        assert_int_equal(wc->windows[wc->n_windows - 1][1], b.n_words);
        for (size_t i = 0; i < wc->n_windows; i++) {
            assert_true(wc->windows[i][1] - wc->windows[i][0] <= wc->window);
            assert_true(i == 0 || wc->windows[i][0] <= wc->windows[i - 1][1]);
            assert_true(i == 0 || wc->windows[i][1] > wc->windows[i - 1][1]);
        }
        exp_passage_t want[10];
        char *texts[10];
        size_t hl = wc->heading ? strlen(wc->heading) : 0;
        for (size_t i = 0; i < wc->n_windows; i++) {
            size_t from = b.span[wc->windows[i][0]][0], to = b.span[wc->windows[i][1] - 1][1];
            texts[i] = malloc(hl + 1 + to - from + 1);
            assert_non_null(texts[i]);
            sprintf(texts[i], "%s%s%.*s", wc->heading ? wc->heading : "", wc->heading ? "\n" : "",
                    (int)(to - from), b.text + from);
            want[i] = (exp_passage_t){KH_KIND_BODY, (unsigned)i + 1, texts[i], hl, 0, from};
        }
        assert_passages(&a, &opts, want, wc->n_windows);
        for (size_t i = 0; i < wc->n_windows; i++)
            free(texts[i]);
        free(b.text);
        free(b.span);
    }
}

/*
 * Sentence ends, one word at a time: in "one two WORD four five six" with
 * 4-word windows and no overlap, the first window ends after WORD when it
 * ends a sentence, else it is hard-cut after "four".
 */
static void test_sentence_ends(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int ends;
    } rows[] = {
        {"end.", 1},     {"صحيح”.", 1},   {"لماذا؟", 1}, {"wait…", 1},  {"said.”", 1},
        {"(done.)", 1},  {"really?!", 1}, {"end!»", 1},  {"نهاية۔", 1}, {"end.'", 1},
        {"قال،", 0},     {"كذلك؛", 0},    {"e.g", 0},    {"3.5", 0},    {"التالية:", 0},
        {"“OpenAI”", 0}, {"word,", 0},    {"ماسك”", 0},  {"-", 0},      {"OpenAI.", 1},
    };
    kh_passage_opts_t opts = {4, 0};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char text[128], first[64];
        snprintf(text, sizeof text, "one two %s four five six", rows[i].word);
        snprintf(first, sizeof first, rows[i].ends ? "one two %s" : "one two %s four",
                 rows[i].word);
        kh_paragraph_t para = {NULL, text, 1};
        kh_article_t a = {.id = S("s"), .paragraphs = &para, .n_paragraphs = 1};
        kh_passage_t *p;
        size_t n;
        assert_int_equal(kh_article_passages(&a, &opts, &p, &n, NULL), KH_OK);
        if (strcmp(p[0].text, first) != 0)
            print_error("word \"%s\"\n", rows[i].word);
        assert_string_equal(p[0].text, first);
        kh_passages_free(p, n);
    }
}

static void test_options(void **state)
{
    (void)state;
    kh_passage_opts_t d = kh_passage_opts_default();
    assert_int_equal(d.window_words, 150);
    assert_int_equal(d.overlap_words, 30);

    kh_paragraph_t para = {NULL, S("text"), 1};
    kh_article_t a = {.id = S("o"), .paragraphs = &para, .n_paragraphs = 1};
    static const struct {
        kh_passage_opts_t opts;
        const char *message;
    } rows[] = {
        {{0, 0}, "passage window must be at least 1 word"},
        {{30, 30}, "passage overlap (30 words) must be smaller than the window (30 words)"},
        {{10, 40}, "passage overlap (40 words) must be smaller than the window (10 words)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        kh_passage_t *p = (kh_passage_t *)&p;
        size_t n = 7;
        kh_error_t err = {0};
        assert_int_equal(kh_article_passages(&a, &rows[i].opts, &p, &n, &err), KH_ERR_ARG);
        assert_null(p);
        assert_int_equal(n, 0);
        assert_string_equal(err.message, rows[i].message);
    }
    /* One-word windows, no overlap: one passage per word. */
    kh_paragraph_t three = {NULL, S("a b c"), 1};
    kh_article_t b = {.id = S("b"), .paragraphs = &three, .n_paragraphs = 1};
    kh_passage_opts_t one = {1, 0};
    static const exp_passage_t want[] = {
        {KH_KIND_BODY, 1, "a", 0, 0, 0},
        {KH_KIND_BODY, 2, "b", 0, 0, 2},
        {KH_KIND_BODY, 3, "c", 0, 0, 4},
    };
    assert_passages(&b, &one, want, 3);
    kh_passages_free(NULL, 0);
}

int main(void)
{
    enum { N_WINDOWS = sizeof window_cases / sizeof *window_cases };
    struct CMUnitTest tests[N_WINDOWS + 4] = {
        cmocka_unit_test(test_order_and_kinds),
        cmocka_unit_test(test_no_title),
        cmocka_unit_test(test_sentence_ends),
        cmocka_unit_test(test_options),
    };
    for (size_t i = 0; i < N_WINDOWS; i++)
        tests[4 + i] = (struct CMUnitTest){window_cases[i].name, run_window_case, NULL, NULL,
                                           (void *)&window_cases[i]};
    return _cmocka_run_group_tests("passage_test", tests, N_WINDOWS + 4, NULL, NULL);
}
