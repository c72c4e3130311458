/* exact_test - which query words a passage holds as written (exact.h), table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "exact.h"

typedef struct row {
    const char *query; /* one clause */
    int required;
    const char *passage;
    unsigned held; /* expected */
    int ok;
} row_t;

static const row_t rows[] = {
    /* Musk as written, with the article, and after the proclitics the prefix step leaves on */
    {"ماسك", 1, "قال إيلون ماسك إن", 1, 1},
    {"ماسك", 1, "قال إنّ لماسك رأيا", 1, 1},
    {"ماسك", 1, "وبماسك", 1, 1},
    {"ماسك", 1, "الماسك", 1, 1},
    /* the same stem, another word: not held */
    {"ماسك", 1, "أسعار الألماس ترتفع", 0, 0},
    {"ماسك", 1, "مأساة", 0, 0},
    {"ماسك", 1, "ماس", 0, 0},
    /* the query's own article goes too */
    {"الماسك", 1, "ماسك", 1, 1},
    /* not required: counted only */
    {"ماسك", 0, "الألماس", 0, 1},
    /* English: the norm, not the stem */
    {"markets", 0, "The market rose", 0, 1},
    {"markets", 0, "Markets rose", 1, 1},
    {"\"Elon Musk\"", 1, "Musk, Elon", 2, 1},
    {"\"Elon Musk\"", 1, "Elon and his brother", 1, 0},
};

static void test_rows(void **state)
{
    (void)state;
    kh_analyzer_t *a = NULL;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const row_t *r = &rows[i];
        kh_exact_t *e = NULL;
        assert_int_equal(kh_exact_new(&e, NULL), KH_OK);
        assert_int_equal(kh_exact_add(e, a, r->query, strlen(r->query), r->required, NULL), KH_OK);
        unsigned held;
        int ok;
        assert_int_equal(kh_exact_check(e, r->passage, strlen(r->passage), &held, &ok, NULL),
                         KH_OK);
        if (held != r->held || ok != r->ok)
            fail_msg("row %zu: %s in '%s': held %u ok %d, expected %u %d", i, r->query, r->passage,
                     held, ok, r->held, r->ok);
        assert_int_equal(kh_exact_required(e), r->required);
        kh_exact_free(e);
    }
    kh_analyzer_free(a);
}

/* Short queries rank; a question of many words does not. */
static void test_ranks(void **state)
{
    (void)state;
    kh_analyzer_t *a = NULL;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    kh_exact_t *e = NULL;
    assert_null(e);
    assert_int_equal(kh_exact_ranks(NULL), 0);
    assert_int_equal(kh_exact_new(&e, NULL), KH_OK);
    assert_int_equal(kh_exact_ranks(e), 0);
    const char *words[] = {"ما", "هي", "عاصمة", "فرنسا"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(kh_exact_add(e, a, words[i], strlen(words[i]), 0, NULL), KH_OK);
        assert_int_equal(kh_exact_ranks(e), i + 1 <= KH_EXACT_RANK_MAX_WORDS);
    }
    kh_exact_free(e);
    kh_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
