/*
 * Unit tests for pseudo-relevance feedback, through feedback.h, on a tiny
 * index: the words of the top passages that are not the query's reweigh
 * the first ranking's results; the query's own words never do; results
 * are only reordered, never added or dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_fs.h"
#include "test_index.h"

#include "compact.h"
#include "feedback.h"
#include "khabar/analyzer.h"
#include "khabar/xdb.h"
#include "search.h"
#include "writer.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/*
 * One passage per article (lang en, no title): z1 is
 * the best for "zebra" and holds "stripes" and "savanna"; z2 and z3 hold
 * "zebra" once in passages of the same length, z3 with "stripes" too, z4
 * with "savanna", z2 with words no other passage has. "stripes" is rarer
 * than "savanna" (f4 has it too), so it weighs more.
 */
static const test_row_t passages[] = {
    {"z1", "en", "zebra zebra stripes savanna"}, {"z2", "en", "zebra grazing quietly"},
    {"z3", "en", "zebra stripes quietly"},       {"z4", "en", "zebra savanna quietly"},
    {"f1", "en", "harbour ferry quietly"},       {"f2", "en", "harbour cargo quietly"},
    {"f3", "en", "harbour crane quietly"},       {"f4", "en", "ferry cargo savanna"},
};

static char index_path[4096];

/* Writes the tiny index through the indexer's writer. */
static int make_index(void **state)
{
    (void)state;
    snprintf(index_path, sizeof index_path, "%s",
             test_fs_fresh_path(KH_TEST_TMPDIR, "feedback_test", "idx"));
    return test_write_index(index_path, passages, sizeof passages / sizeof passages[0]);
}

/* The first ranking of query (feedback off), with text and docids. */
static kh_results_t first_ranking(kh_searcher_t *s, const char *query)
{
    kh_search_opts_t opts = kh_search_opts_default();
    opts.prf_weight = 0;
    opts.limit = 20;
    kh_results_t out = {0};
    kh_error_t err = {0};
    if (kh_searcher_run(s, query, &opts, &out, &err) != KH_OK)
        fail_msg("'%s': %s", query, err.message);
    return out;
}

/* "id id ..." of the results, in order. */
static void order_of(const kh_results_t *r, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? " " : "", r->items[i].data.article_id);
    }
}

typedef struct row {
    const char *name;
    const char *query;
    const char *query_terms[2]; /* the query's own terms (sorted), never expansion terms */
    size_t n_top;               /* feedback passages */
    unsigned prf_terms;
    double prf_weight;
    const char *first;    /* the first ranking */
    const char *expected; /* after feedback */
} row_t;

static const row_t rows[] = {
    /* z3 shares "stripes" with z1, z4 "savanna": both move above z2, z3 first. */
    {"expansion terms of the top passage",
     "zebra",
     {"zebra"},
     1,
     20,
     0.3,
     "z1 z2 z3 z4",
     "z1 z3 z4 z2"},
    /* One expansion term only: the heaviest, "stripes". */
    {"one term", "zebra", {"zebra"}, 1, 1, 0.3, "z1 z2 z3 z4", "z1 z3 z2 z4"},
    /* No feedback passage: the results are only sorted again, as they were. */
    {"no feedback passage", "zebra", {"zebra"}, 0, 20, 0.3, "z1 z2 z3 z4", "z1 z2 z3 z4"},
};

static void feedback_reorders_as_expected(void **state)
{
    (void)state;
    kh_searcher_t *s = NULL;
    kh_db_t *db = NULL;
    kh_analyzer_t *analyzer = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_searcher_open(index_path, &s, &err), KH_OK);
    assert_int_equal(kh_db_open(index_path, KH_DB_READ_ONLY, &db, &err), KH_OK);
    assert_int_equal(kh_analyzer_new(&analyzer, &err), KH_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row_t *r = &rows[i];
        kh_results_t results = first_ranking(s, r->query);
        char got[256];
        order_of(&results, got, sizeof got);
        if (strcmp(got, r->first) != 0)
            fail_msg("%s: first ranking '%s', expected '%s'", r->name, got, r->first);
        kh_search_opts_t opts = kh_search_opts_default();
        opts.prf_terms = r->prf_terms;
        opts.prf_weight = r->prf_weight;
        size_t n_terms = 0;
        while (n_terms < 2 && r->query_terms[n_terms])
            n_terms++;
        kh_feedback_t f = {db, analyzer, &opts, (char *const *)r->query_terms, n_terms, NULL};
        double best_before = results.items[0].score;
        assert_int_equal(kh_feedback_apply(&f, &results, r->n_top, &err), KH_OK);
        order_of(&results, got, sizeof got);
        if (strcmp(got, r->expected) != 0)
            fail_msg("%s: after feedback '%s', expected '%s'", r->name, got, r->expected);
        /* Scores only grow: feedback adds weight, never removes any. */
        assert_true(results.items[0].score >= best_before);
        for (size_t k = 1; k < results.n; k++)
            assert_true(results.items[k - 1].score >= results.items[k].score);
        kh_results_free(&results);
    }
    kh_analyzer_free(analyzer);
    kh_db_close(db);
    kh_searcher_close(s);
}

/* The score of article id among the results (-1 when absent). */
static double score_of(const kh_results_t *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->items[i].data.article_id, id) == 0)
            return r->items[i].score;
    return -1;
}

/*
 * The query's own words are never expansion terms: z2 holds no word of z1
 * but "zebra", so it gains nothing when "zebra" is the query's, and gains
 * when it is not (a caller that passes no query terms).
 */
static void query_words_are_not_expansion_terms(void **state)
{
    (void)state;
    kh_searcher_t *s = NULL;
    kh_db_t *db = NULL;
    kh_analyzer_t *analyzer = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_searcher_open(index_path, &s, &err), KH_OK);
    assert_int_equal(kh_db_open(index_path, KH_DB_READ_ONLY, &db, &err), KH_OK);
    assert_int_equal(kh_analyzer_new(&analyzer, &err), KH_OK);
    kh_search_opts_t opts = kh_search_opts_default();
    static const char *const zebra[] = {"zebra"};
    static const struct {
        size_t n_query_terms;
        int z2_gains;
    } rows[] = {{1, 0}, {0, 1}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_results_t results = first_ranking(s, "zebra");
        double before = score_of(&results, "z2");
        assert_true(before > 0);
        kh_feedback_t f = {db, analyzer, &opts, (char *const *)zebra, rows[i].n_query_terms, NULL};
        assert_int_equal(kh_feedback_apply(&f, &results, 1, &err), KH_OK);
        double after = score_of(&results, "z2");
        if ((after > before) != rows[i].z2_gains)
            fail_msg("%zu query terms: z2 %g -> %g", rows[i].n_query_terms, before, after);
        kh_results_free(&results);
    }
    kh_analyzer_free(analyzer);
    kh_db_close(db);
    kh_searcher_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(feedback_reorders_as_expected),
        cmocka_unit_test(query_words_are_not_expansion_terms),
    };
    return cmocka_run_group_tests(tests, make_index, NULL);
}
