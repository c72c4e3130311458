/* Unit tests for phrase.c: phrases found on a passage's text as the analyzer makes its tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/analyzer.h"
#include "phrase.h"

/* The query words of a phrase as index terms, through the same analyzer. */
typedef struct terms {
    char *t[8];
    size_t n;
} terms_t;

static kh_status_t keep(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    terms_t *t = ctx;
    assert_true(t->n < 8);
    t->t[t->n++] = strdup(tok->term);
    return KH_OK;
}

static void add(kh_phrases_t *p, kh_analyzer_t *a, kh_phrase_kind_t kind, const char *words)
{
    terms_t t = {0};
    assert_int_equal(kh_analyzer_run(a, words, strlen(words), keep, &t, NULL), KH_OK);
    assert_int_equal(kh_phrases_add(p, kind, (const char *const *)t.t, t.n, NULL), KH_OK);
    for (size_t i = 0; i < t.n; i++)
        free(t.t[i]);
}

static void checks_phrases(void **state)
{
    (void)state;
    enum { R = KH_PHRASE_REQUIRED, X = KH_PHRASE_EXCLUDED, A = KH_PHRASE_ANY };
    static const struct {
        const char *text;
        struct {
            int kind;
            const char *words;
        } phrases[3];
        int ok;
    } rows[] = {
        /* In order and next to each other, in any inflection the stemmer joins. */
        {"ماسك يرى في الذكاء الاصطناعي أكبر تهديد للبشرية", {{R, "أكبر تهديد"}}, 1},
        {"ماسك يرى في الذكاء الاصطناعي أكبر تهديد للبشرية", {{R, "تهديد أكبر"}}, 0},
        {"أكبر خطر وتهديد", {{R, "أكبر تهديد"}}, 0},
        {"The heat transfer of a plate", {{R, "heat transfers"}}, 1},
        {"transfer of heat", {{R, "heat transfer"}}, 0},
        /* Punctuation between the words does not break a phrase, as in the index. */
        {"closed-source software", {{R, "closed source"}}, 1},
        {"Altman's company", {{R, "altman company"}}, 1},
        /* Excluded, and "one of these". */
        {"closed-source software", {{X, "closed source"}}, 0},
        {"open source software", {{X, "closed source"}}, 1},
        {"open source software", {{A, "closed source"}, {A, "source software"}}, 1},
        {"open source software", {{A, "closed source"}, {A, "software open"}}, 0},
        {"open source software", {{R, "open source"}, {X, "source software"}}, 0},
        /* A phrase at the very end, and a text too short for it. */
        {"a b c d", {{R, "c d"}}, 1},
        {"c", {{R, "c d"}}, 0},
        {"", {{R, "c d"}}, 0},
    };
    kh_analyzer_t *a;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_phrases_t *p;
        assert_int_equal(kh_phrases_new(&p, NULL), KH_OK);
        for (size_t k = 0; k < 3 && rows[i].phrases[k].words; k++)
            add(p, a, (kh_phrase_kind_t)rows[i].phrases[k].kind, rows[i].phrases[k].words);
        int ok = -1;
        assert_int_equal(kh_phrases_check(p, a, rows[i].text, strlen(rows[i].text), &ok, NULL),
                         KH_OK);
        if (ok != rows[i].ok)
            fail_msg("row %zu: '%s' gave %d, want %d", i, rows[i].text, ok, rows[i].ok);
        kh_phrases_free(p);
    }
    kh_analyzer_free(a);
}

/* Dropping the "one of these" phrases keeps the others; no phrase at all passes everything. */
static void drop_any_keeps_the_rest(void **state)
{
    (void)state;
    kh_analyzer_t *a;
    kh_phrases_t *p;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    assert_int_equal(kh_phrases_new(&p, NULL), KH_OK);
    int ok = 0;
    assert_int_equal(kh_phrases_check(p, a, "x", 1, &ok, NULL), KH_OK);
    assert_int_equal(ok, 1);
    add(p, a, KH_PHRASE_ANY, "closed source");
    add(p, a, KH_PHRASE_EXCLUDED, "open source");
    assert_int_equal(kh_phrases_count(p), 2);
    kh_phrases_drop_any(p);
    assert_int_equal(kh_phrases_count(p), 1);
    const char *text = "free software";
    assert_int_equal(kh_phrases_check(p, a, text, strlen(text), &ok, NULL), KH_OK);
    assert_int_equal(ok, 1);
    text = "open source";
    assert_int_equal(kh_phrases_check(p, a, text, strlen(text), &ok, NULL), KH_OK);
    assert_int_equal(ok, 0);
    kh_phrases_free(p);
    kh_analyzer_free(a);
}

/*
 * One set of phrases checked on passage after passage, as a query's are:
 * the word forms it remembers give the verdicts a fresh analysis gives,
 * forms met again included (diacritics, a tatweel-only token that takes no
 * position, an apostrophe and a hyphen the tokenizer decides on in context).
 */
static void remembers_forms_across_passages(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int ok;
    } rows[] = {
        {"ماسك يرى أكبر تهديد للبشرية", 1},
        {"أكبر خطر وتهديد", 0},
        {"أَكْبَرُ تَهْدِيدٍ", 1},
        {"تهديد أكبر", 0},
        {"أكبر ـــ تهديد", 1}, /* the tatweel-only token is no word */
        {"أكبر ـــ تهديد", 1},
        {"Altman's heat transfers", 1},
        {"heat-transfer", 1},
        {"transfer of heat", 0},
        {"Altman's heat transfer", 1},
        {"ماسك يرى أكبر تهديد", 1},
        {"", 0},
    };
    kh_analyzer_t *a;
    kh_phrases_t *p;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    assert_int_equal(kh_phrases_new(&p, NULL), KH_OK);
    add(p, a, KH_PHRASE_ANY, "أكبر تهديد");
    add(p, a, KH_PHRASE_ANY, "heat transfer");
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            int ok = -1;
            assert_int_equal(kh_phrases_check(p, a, rows[i].text, strlen(rows[i].text), &ok, NULL),
                             KH_OK);
            if (ok != rows[i].ok)
                fail_msg("pass %d row %zu: '%s' gave %d, want %d", pass, i, rows[i].text, ok,
                         rows[i].ok);
        }
    }
    kh_phrases_free(p);
    kh_analyzer_free(a);
}

/* The same phrase given again (a query pasted many times) is checked once. */
static void keeps_a_repeated_phrase_once(void **state)
{
    (void)state;
    kh_analyzer_t *a;
    kh_phrases_t *p;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    assert_int_equal(kh_phrases_new(&p, NULL), KH_OK);
    for (int i = 0; i < 300; i++)
        add(p, a, KH_PHRASE_ANY, "في من");
    add(p, a, KH_PHRASE_EXCLUDED, "في من");
    assert_int_equal(kh_phrases_count(p), 2);
    int ok = -1;
    const char *text = "في منزله";
    assert_int_equal(kh_phrases_check(p, a, text, strlen(text), &ok, NULL), KH_OK);
    assert_int_equal(ok, 0);
    kh_phrases_free(p);
    kh_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checks_phrases),
        cmocka_unit_test(drop_any_keeps_the_rest),
        cmocka_unit_test(remembers_forms_across_passages),
        cmocka_unit_test(keeps_a_repeated_phrase_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
