/*
 * stopwords_test.c - the query-side stop lists: which words they hold, in
 * which spellings, and which they must never hold.
 *
 * Each row is a word as a user types it; the test analyses it as the
 * searcher does (kh_analyzer_run) and looks its norm up in the set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "khabar/stopwords.h"

typedef struct {
    const char *word;
    unsigned lists; /* the set to build */
    int stop;       /* expected */
} row_t;

static const row_t rows[] = {
    /* Snowball English: function words, in any case; content words never. */
    {"the", KH_STOP_ENGLISH, 1},
    {"The", KH_STOP_ENGLISH, 1},
    {"WHAT", KH_STOP_ENGLISH, 1},
    {"doesn't", KH_STOP_ENGLISH, 1},
    {"doesn’t", KH_STOP_ENGLISH, 1}, /* typeset apostrophe: the same word */
    {"aircraft", KH_STOP_ENGLISH, 0},
    {"musk", KH_STOP_ENGLISH, 0},
    /* Lucene's Arabic list: particles, every hamza spelling alike after normalisation. */
    {"في", KH_STOP_ARABIC_LUCENE, 1},
    {"أن", KH_STOP_ARABIC_LUCENE, 1},
    {"ان", KH_STOP_ARABIC_LUCENE, 1},
    {"إلى", KH_STOP_ARABIC_LUCENE, 1},
    {"الى", KH_STOP_ARABIC_LUCENE, 1},
    {"التى", KH_STOP_ARABIC_LUCENE, 1},
    {"فِي", KH_STOP_ARABIC_LUCENE, 1},  /* diacritised */
    {"متى", KH_STOP_ARABIC_LUCENE, 0}, /* question words are not in Lucene's list */
    /* lunr-languages' Arabic list: question words too. */
    {"متى", KH_STOP_ARABIC_LUNR, 1},
    {"متي", KH_STOP_ARABIC_LUNR, 1}, /* alef maqsura typed as yeh */
    {"كيف", KH_STOP_ARABIC_LUNR, 1},
    {"ماذا", KH_STOP_ARABIC_LUNR, 1},
    {"أين", KH_STOP_ARABIC_LUNR, 1},
    {"هل", KH_STOP_ARABIC_LUNR, 1},
    /* Content words are never stop words, whatever the lists. */
    {"الشركة", KH_STOP_DEFAULT, 0},
    {"ماسك", KH_STOP_DEFAULT, 0},
    {"الذكاء", KH_STOP_DEFAULT, 0},
    {"OpenAI", KH_STOP_DEFAULT, 0},
    {"2023", KH_STOP_DEFAULT, 0},
    /* The lists do not leak into each other. */
    {"the", KH_STOP_ARABIC_LUCENE | KH_STOP_ARABIC_LUNR, 0},
    {"في", KH_STOP_ENGLISH, 0},
    {"the", 0, 0},
};

typedef struct {
    const kh_stopwords_t *set;
    int stop;
    int tokens;
} look_t;

static kh_status_t look_up(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    look_t *l = ctx;
    l->tokens++;
    l->stop = kh_stopwords_has(l->set, tok->norm, tok->norm_len);
    return KH_OK;
}

static void test_rows(void **state)
{
    kh_analyzer_t *a = *state;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        kh_stopwords_t *set = NULL;
        kh_error_t err;
        assert_int_equal(kh_stopwords_new(a, rows[i].lists, &set, &err), KH_OK);
        look_t l = {set, -1, 0};
        assert_int_equal(kh_analyzer_run(a, rows[i].word, strlen(rows[i].word), look_up, &l, &err),
                         KH_OK);
        if (l.tokens != 1 || l.stop != rows[i].stop)
            fail_msg("row %zu '%s': tokens %d, stop %d, expected %d", i, rows[i].word, l.tokens,
                     l.stop, rows[i].stop);
        kh_stopwords_free(set);
    }
}

static void test_edges(void **state)
{
    kh_analyzer_t *a = *state;
    kh_stopwords_t *set = NULL;
    kh_error_t err;
    assert_int_equal(kh_stopwords_new(NULL, KH_STOP_DEFAULT, &set, &err), KH_ERR_ARG);
    assert_int_equal(kh_stopwords_new(a, KH_STOP_DEFAULT, NULL, &err), KH_ERR_ARG);
    assert_int_equal(kh_stopwords_new(a, KH_STOP_DEFAULT, &set, &err), KH_OK);
    assert_int_equal(kh_stopwords_has(set, "the", 0), 0);
    assert_int_equal(kh_stopwords_has(set, NULL, 3), 0);
    assert_int_equal(kh_stopwords_has(NULL, "the", 3), 0);
    assert_int_equal(kh_stopwords_has(set, "them", 3), 1); /* only len bytes count */
    char big[KH_TOKEN_FORM_MAX + 10];
    memset(big, 'a', sizeof big);
    assert_int_equal(kh_stopwords_has(set, big, sizeof big), 0);
    kh_stopwords_free(set);
    kh_stopwords_free(NULL);
}

static int setup(void **state)
{
    kh_analyzer_t *a = NULL;
    if (kh_analyzer_new(&a, NULL))
        return -1;
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    kh_analyzer_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
