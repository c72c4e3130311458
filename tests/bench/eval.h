/*
 * eval.h - scoring a TREC run against TREC qrels, as trec_eval does, for the
 * retrieval quality benchmark (tests/bench/quality.sh).
 *
 * Inputs, each read line by line ('#' comments and blank lines skipped):
 *  - qrels: "QID ITER DOCID REL" (ITER ignored). REL >= 1 is relevant and is
 *    also the gain of nDCG (trec_eval's linear gain); REL <= 0 is judged
 *    non-relevant. A pair judged twice keeps its highest REL.
 *  - run: "QID Q0 DOCID RANK SCORE TAG". Like trec_eval, the RANK column is
 *    ignored: a query's results are ordered by SCORE descending, equal scores
 *    by DOCID descending (strcmp). A DOCID repeated within a query counts
 *    once, at its best position (trec_eval refuses such a run).
 *  - queries (optional): "QID<TAB>TEXT", or "TEXT" alone with the line number
 *    as QID, as searcher --batch reads it: the queries that were asked.
 *
 * Which queries are scored: every QID of the qrels that was asked. A query is
 * "asked" when it is in the query list if one was read, otherwise when it has
 * a line in the run (trec_eval's default; with a list it is trec_eval -c).
 * An asked query with no result scores 0 on every measure and counts in the
 * means; a run QID without qrels is ignored.
 *
 * Measures of one query, ranks starting at 1 (trec_eval names in brackets):
 *  - mrr10: 1/rank of the first relevant result if rank <= 10, else 0
 *    [recip_rank, cut at 10].
 *  - ndcg10: DCG@10 / ideal DCG@10 with DCG = sum of gain/log2(rank + 1), the
 *    ideal from all the query's qrels gains, best first [ndcg_cut_10].
 *  - recall10, recall100: relevant results in the top 10 (100) / relevant
 *    qrels of the query; 0 when it has none [recall_10, recall_100].
 *
 * The scorer does not link libkhabar: it must build, and its tests pass,
 * whatever state the engine is in, and quality.sh can compile it with cc.
 */
#ifndef KH_EVAL_H
#define KH_EVAL_H

#include <stddef.h>
#include <stdio.h>

#define KH_EVAL_STATUS_LIST(X)                                                                     \
    X(KH_EVAL_OK, "success")                                                                       \
    X(KH_EVAL_ERR_NOMEM, "out of memory")                                                          \
    X(KH_EVAL_ERR_FORMAT, "malformed line")

typedef enum {
#define KH_EVAL_STATUS_ENUM(code, message) code,
    KH_EVAL_STATUS_LIST(KH_EVAL_STATUS_ENUM)
#undef KH_EVAL_STATUS_ENUM
} kh_eval_status_t;

/* The fixed message of a status; static storage, never NULL. */
const char *kh_eval_status_message(kh_eval_status_t status);

/* The figures of one query, or their means over the scored queries. */
typedef struct kh_eval_scores {
    double mrr10;
    double ndcg10;
    double recall10;
    double recall100;
} kh_eval_scores_t;

/* One scored query. */
typedef struct kh_eval_query {
    const char *qid;        /* borrowed from the kh_eval_t, valid until kh_eval_free() */
    long first_relevant;    /* rank of the first relevant result, 0 if none in the top 100 */
    long relevant;          /* relevant qrels of the query */
    kh_eval_scores_t score; /* the query's figures */
} kh_eval_query_t;

typedef struct kh_eval kh_eval_t;

/* A new, empty evaluation, or NULL when out of memory. Free with kh_eval_free(). */
kh_eval_t *kh_eval_new(void);

/* Frees ev and every string it holds. ev may be NULL. */
void kh_eval_free(kh_eval_t *ev);

/*
 * Add the lines of a qrels file, a run or a query list (formats above) from
 * in; name is used in messages only. May be called more than once each.
 * Returns KH_EVAL_OK; KH_EVAL_ERR_FORMAT with "NAME:LINE: what is wrong" in
 * msg (of msg_size bytes; msg may be NULL) at the first bad line, the lines
 * before it staying added; KH_EVAL_ERR_NOMEM.
 */
kh_eval_status_t kh_eval_read_qrels(kh_eval_t *ev, FILE *in, const char *name, char *msg,
                                    size_t msg_size);
kh_eval_status_t kh_eval_read_run(kh_eval_t *ev, FILE *in, const char *name, char *msg,
                                  size_t msg_size);
kh_eval_status_t kh_eval_read_queries(kh_eval_t *ev, FILE *in, const char *name, char *msg,
                                      size_t msg_size);

/*
 * Scores the run. On KH_EVAL_OK, *out is an array of *count scored queries
 * in QID order (strcmp) that belongs to the caller (free()); its qid strings
 * are borrowed from ev. *mean gets the means over them (all 0 when
 * *count is 0). Returns KH_EVAL_OK or KH_EVAL_ERR_NOMEM (*out NULL).
 * Adding lines afterwards and scoring again is allowed.
 */
kh_eval_status_t kh_eval_score(kh_eval_t *ev, kh_eval_query_t **out, size_t *count,
                               kh_eval_scores_t *mean);

#endif
