/*
 * eval_test - the scorer of the quality benchmark on cases computed by hand.
 * Expected figures are written as the arithmetic that gives them, so that a
 * reader can check each one against trec_eval's definitions (eval.h).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#endif

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "eval.h"

/* cmocka 1.1's assert_float_equal compares as float: too coarse for 1e-9. */
#define EPS 1e-9
#define assert_near(actual, expected)                                                              \
    do {                                                                                           \
        double actual_ = (actual), expected_ = (expected);                                         \
        if (!(fabs(actual_ - expected_) <= EPS))                                                   \
            fail_msg("%s = %.12f, expected %.12f", #actual, actual_, expected_);                   \
    } while (0)

typedef kh_eval_status_t (*reader_fn)(kh_eval_t *, FILE *, const char *, char *, size_t);

/* Feeds text to read as a file named name; returns the status, the message in msg. */
static kh_eval_status_t feed(kh_eval_t *ev, reader_fn read, const char *name, const char *text,
                             char *msg, size_t msg_size)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(in);
    kh_eval_status_t status = read(ev, in, name, msg, msg_size);
    fclose(in);
    return status;
}

/* An evaluation of qrels, run and queries (NULL: no such input), all well-formed. */
static kh_eval_t *load(const char *qrels, const char *run, const char *queries)
{
    kh_eval_t *ev = kh_eval_new();
    assert_non_null(ev);
    char msg[256] = "";
    if (qrels)
        assert_int_equal(feed(ev, kh_eval_read_qrels, "qrels", qrels, msg, sizeof msg), KH_EVAL_OK);
    if (run)
        assert_int_equal(feed(ev, kh_eval_read_run, "run", run, msg, sizeof msg), KH_EVAL_OK);
    if (queries)
        assert_int_equal(feed(ev, kh_eval_read_queries, "queries", queries, msg, sizeof msg),
                         KH_EVAL_OK);
    return ev;
}

static void assert_scores(const kh_eval_scores_t *s, double mrr10, double ndcg10, double recall10,
                          double recall100)
{
    assert_near(s->mrr10, mrr10);
    assert_near(s->ndcg10, ndcg10);
    assert_near(s->recall10, recall10);
    assert_near(s->recall100, recall100);
}

/*
 * Three asked queries with graded qrels:
 *  q1: relevant d1 (gain 2) and d2 (gain 1); d3 judged non-relevant.
 *      The run gives d3, d1, d9 (unjudged): first relevant at rank 2.
 *      MRR@10  = 1/2
 *      DCG@10  = 2/log2(2+1) = 2/log2(3)          (d1 at rank 2)
 *      IDCG@10 = 2/log2(1+1) + 1/log2(2+1) = 2 + 1/log2(3)   (d1, d2: d2 counts
 *                though it was not retrieved)
 *      nDCG@10 = (2/log2 3) / (2 + 1/log2 3) = 2 / (1 + 2 log2 3) = 0.479624933...
 *      R@10 = R@100 = 1/2
 *  q2: relevant d4 (gain 1), retrieved at rank 12 after 11 unjudged docs.
 *      MRR@10 = nDCG@10 = R@10 = 0, R@100 = 1/1 = 1
 *  q3: relevant d5, d6, no line in the run at all: 0 everywhere, but counted.
 *  q4: in the qrels, not asked (not in the query list): not scored.
 *  qX: in the run and the list, not in the qrels: ignored.
 * Means over 3 queries:
 *  MRR@10 = (1/2 + 0 + 0)/3 = 1/6;  nDCG@10 = 0.479624933.../3
 *  R@10   = (1/2 + 0 + 0)/3 = 1/6;  R@100   = (1/2 + 1 + 0)/3 = 1/2
 */
static const char hand_qrels[] = "q1 0 d1 2\n"
                                 "q1 0 d2 1\n"
                                 "q1 0 d3 0\n"
                                 "q2 0 d4 1\n"
                                 "q3 0 d5 3\n"
                                 "q3 0 d6 1\n"
                                 "q4 0 d7 1\n";
static const char hand_run[] = "q1 Q0 d3 1 9.0 t\n"
                               "q1 Q0 d1 2 8.0 t\n"
                               "q1 Q0 d9 3 7.0 t\n"
                               "q2 Q0 n01 1 20 t\n"
                               "q2 Q0 n02 2 19 t\n"
                               "q2 Q0 n03 3 18 t\n"
                               "q2 Q0 n04 4 17 t\n"
                               "q2 Q0 n05 5 16 t\n"
                               "q2 Q0 n06 6 15 t\n"
                               "q2 Q0 n07 7 14 t\n"
                               "q2 Q0 n08 8 13 t\n"
                               "q2 Q0 n09 9 12 t\n"
                               "q2 Q0 n10 10 11 t\n"
                               "q2 Q0 n11 11 10 t\n"
                               "q2 Q0 d4 12 5 t\n"
                               "qX Q0 d1 1 1.0 t\n";
static const char hand_queries[] = "q1\tfirst query\n"
                                   "q2\tsecond query\n"
                                   "q3\tthird query\n"
                                   "qX\tquery without judgments\n";

static double q1_ndcg10(void)
{
    return 2.0 / (1.0 + 2.0 * log2(3.0));
}

static void hand_computed_case(void **state)
{
    (void)state;
    kh_eval_t *ev = load(hand_qrels, hand_run, hand_queries);
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);

    assert_int_equal(n, 3);
    assert_string_equal(q[0].qid, "q1");
    assert_int_equal(q[0].first_relevant, 2);
    assert_int_equal(q[0].relevant, 2);
    assert_near(q1_ndcg10(), 0.4796249331362629);
    assert_scores(&q[0].score, 0.5, q1_ndcg10(), 0.5, 0.5);
    assert_string_equal(q[1].qid, "q2");
    assert_int_equal(q[1].first_relevant, 12);
    assert_scores(&q[1].score, 0, 0, 0, 1);
    assert_string_equal(q[2].qid, "q3");
    assert_int_equal(q[2].first_relevant, 0);
    assert_int_equal(q[2].relevant, 2);
    assert_scores(&q[2].score, 0, 0, 0, 0);
    assert_scores(&mean, 1.0 / 6, q1_ndcg10() / 3, 1.0 / 6, 0.5);
    free(q);
    kh_eval_free(ev);
}

/*
 * The same qrels and run without a query list: the asked queries are those
 * in the run, so q3 (no result) is not scored, as trec_eval without -c.
 * Means over q1, q2: MRR@10 = 1/4, nDCG@10 = 0.479624933.../2, R@10 = 1/4,
 * R@100 = (1/2 + 1)/2 = 3/4.
 */
static void without_query_list_scores_the_run_queries(void **state)
{
    (void)state;
    kh_eval_t *ev = load(hand_qrels, hand_run, NULL);
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);
    assert_int_equal(n, 2);
    assert_string_equal(q[0].qid, "q1");
    assert_string_equal(q[1].qid, "q2");
    assert_scores(&mean, 0.25, q1_ndcg10() / 2, 0.25, 0.75);
    free(q);
    kh_eval_free(ev);
}

/*
 * Ties as trec_eval breaks them: score descending, then docid descending;
 * the rank column is ignored.
 *  t1: a, b, c all score 1.0, ranked 1, 2, 3 in the file: the order is
 *      c, b, a, so the relevant a is at rank 3.
 *      MRR@10 = 1/3; nDCG@10 = (1/log2(3+1)) / (1/log2 2) = 1/2
 *  t2: x ranked 1 with score 0.5, y ranked 2 with score 2.5: y comes first.
 *      MRR@10 = 1; nDCG@10 = 1
 */
static void ties_follow_trec_eval(void **state)
{
    (void)state;
    kh_eval_t *ev = load("t1 0 a 1\n"
                         "t2 0 y 1\n",
                         "t1 Q0 a 1 1.0 t\n"
                         "t1 Q0 b 2 1.0 t\n"
                         "t1 Q0 c 3 1.0 t\n"
                         "t2 Q0 x 1 0.5 t\n"
                         "t2 Q0 y 2 2.5 t\n",
                         NULL);
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(q[0].first_relevant, 3);
    assert_scores(&q[0].score, 1.0 / 3, 0.5, 1, 1);
    assert_int_equal(q[1].first_relevant, 1);
    assert_scores(&q[1].score, 1, 1, 1, 1);
    free(q);
    kh_eval_free(ev);
}

/*
 * A docid repeated in a query's results counts once, at its best position,
 * and takes no rank of its own the second time.
 *  u1: n, n, d1, d1, d2 (scores 9, 8, 7, 6, 5), relevant d1 and d2: the
 *      ranks are n=1, d1=2, d2=3.
 *      MRR@10 = 1/2
 *      nDCG@10 = (1/log2 3 + 1/log2 4) / (1/log2 2 + 1/log2 3)
 *      R@10 = 2/2 = 1 (not 3/2)
 */
static void duplicate_results_count_once(void **state)
{
    (void)state;
    kh_eval_t *ev = load("u1 0 d1 1\n"
                         "u1 0 d2 1\n",
                         "u1 Q0 n 1 9 t\n"
                         "u1 Q0 n 2 8 t\n"
                         "u1 Q0 d1 3 7 t\n"
                         "u1 Q0 d1 4 6 t\n"
                         "u1 Q0 d2 5 5 t\n",
                         NULL);
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);
    assert_int_equal(n, 1);
    double ndcg = (1 / log2(3.0) + 1 / log2(4.0)) / (1 + 1 / log2(3.0));
    assert_scores(&q[0].score, 0.5, ndcg, 1, 1);
    free(q);
    kh_eval_free(ev);
}

/* Run queries that are not in the qrels are ignored, even when asked. */
static void run_query_without_qrels_is_ignored(void **state)
{
    (void)state;
    kh_eval_t *ev = load("j1 0 a 1\n", "zz Q0 a 1 3.0 t\n", "zz\tunjudged\n");
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);
    assert_int_equal(n, 0);
    assert_scores(&mean, 0, 0, 0, 0);
    free(q);
    kh_eval_free(ev);
}

/*
 * The cut-offs: twelve relevant docs r01..r12 (gain 1) retrieved at ranks 1
 * to 12. DCG@10 = IDCG@10 (both cut at 10), so nDCG@10 = 1;
 * R@10 = 10/12; R@100 = 12/12.
 * A pair judged twice keeps its highest grade: g1's d judged 1 then 3 has
 * gain 3 and is one relevant doc; retrieved first, nDCG@10 = 3/3 = 1.
 * A query whose judgments are all 0 has no relevant doc: it scores 0 and
 * counts (trec_eval does the same).
 */
static void cutoffs_grades_and_unjudgeable_queries(void **state)
{
    (void)state;
    char qrels[512] = "g1 0 d 1\ng1 0 d 3\nz1 0 a 0\n";
    char run[1024] = "g1 Q0 d 1 1 t\nz1 Q0 a 1 1 t\n";
    for (int i = 1; i <= 12; i++) {
        char line[64];
        snprintf(line, sizeof line, "c1 0 r%02d 1\n", i);
        strcat(qrels, line);
        snprintf(line, sizeof line, "c1 Q0 r%02d %d %d t\n", i, i, 100 - i);
        strcat(run, line);
    }
    kh_eval_t *ev = load(qrels, run, NULL);
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);
    assert_int_equal(n, 3);
    assert_string_equal(q[0].qid, "c1");
    assert_int_equal(q[0].relevant, 12);
    assert_scores(&q[0].score, 1, 1, 10.0 / 12, 1);
    assert_string_equal(q[1].qid, "g1");
    assert_int_equal(q[1].relevant, 1);
    assert_scores(&q[1].score, 1, 1, 1, 1);
    assert_string_equal(q[2].qid, "z1");
    assert_int_equal(q[2].relevant, 0);
    assert_scores(&q[2].score, 0, 0, 0, 0);
    assert_scores(&mean, 2.0 / 3, 2.0 / 3, (10.0 / 12 + 1) / 3, 2.0 / 3);
    free(q);
    kh_eval_free(ev);
}

/*
 * Input details: '#' comments, blank lines and CRLF line ends in qrels and
 * runs; a query line without a tab has its line number as qid (as searcher
 * --batch numbers it); a run's fields after TAG are ignored.
 */
static void input_details(void **state)
{
    (void)state;
    kh_eval_t *ev = load("# judgments\r\n\r\n2 0 a 1\r\n", "2 Q0 a 1 1.5 tag extra\r\n",
                         "first line\nsecond line, qid 2\n");
    kh_eval_query_t *q;
    size_t n;
    kh_eval_scores_t mean;
    assert_int_equal(kh_eval_score(ev, &q, &n, &mean), KH_EVAL_OK);
    assert_int_equal(n, 1);
    assert_string_equal(q[0].qid, "2");
    assert_scores(&mean, 1, 1, 1, 1);
    free(q);
    kh_eval_free(ev);
}

/* A malformed line is reported with the file name and line number. */
static void malformed_lines_are_reported(void **state)
{
    (void)state;
    static const struct {
        reader_fn read;
        const char *text;
        const char *message;
    } rows[] = {
        {kh_eval_read_qrels, "q 0 d 1\nq 0 d\n", "f:2: 3 fields, expected QID ITER DOCID REL"},
        {kh_eval_read_qrels, "q 0 d high\n", "f:1: relevance 'high' is not an integer"},
        {kh_eval_read_qrels, "q 0 d 1 extra\n", "f:1: 5 fields, expected QID ITER DOCID REL"},
        {kh_eval_read_run, "q Q0 d 1 2.0\n", "f:1: 5 fields, expected QID Q0 DOCID RANK SCORE TAG"},
        {kh_eval_read_run, "q Q0 d 1 2.0x t\n", "f:1: score '2.0x' is not a number"},
        {kh_eval_read_run, "q Q0 d 1 nan t\n", "f:1: score 'nan' is not a number"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_eval_t *ev = kh_eval_new();
        assert_non_null(ev);
        char msg[256] = "";
        assert_int_equal(feed(ev, rows[i].read, "f", rows[i].text, msg, sizeof msg),
                         KH_EVAL_ERR_FORMAT);
        assert_string_equal(msg, rows[i].message);
        kh_eval_free(ev);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed_case),
        cmocka_unit_test(without_query_list_scores_the_run_queries),
        cmocka_unit_test(ties_follow_trec_eval),
        cmocka_unit_test(duplicate_results_count_once),
        cmocka_unit_test(run_query_without_qrels_is_ignored),
        cmocka_unit_test(cutoffs_grades_and_unjudgeable_queries),
        cmocka_unit_test(input_details),
        cmocka_unit_test(malformed_lines_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
