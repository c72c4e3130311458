/*
 * explain.h - searcher --explain: the terms a query weighs, each with its
 * passage frequency and weight, and what each added to a result's score.
 *
 * A score is a sum over the terms a passage holds of the term's query
 * weight times its stored weight: the index stores each word's BM25
 * term-frequency part as its wdf (schema.h, kh_schema_impact), and the
 * ranking multiplies it by the term's idf and the scale the query gives it
 * (1 for a word, --title-weight for a title term, less for a name key;
 * weight.h). Feedback adds its terms the same way (feedback.h). The terms
 * are read from the Xapian query as it ran, so the parts add up to the
 * score shown (to the last of its 32 kept bits: search.c, quantised()).
 * Nothing here runs unless --explain asks for it.
 */
#ifndef KHABAR_SEARCHER_EXPLAIN_H
#define KHABAR_SEARCHER_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "khabar/status.h"
#include "khabar/xdb.h"
#include "search.h"

/* A weighed term of the query as it ran. */
typedef struct kh_explain_term {
    char *term;
    double scale;  /* the query's factor (several places in the query add up) */
    unsigned df;   /* passages holding it */
    double weight; /* per unit of stored weight: scale x idf */
    int feedback;  /* added by feedback: only the first KH_FEEDBACK_DEPTH results gain it */
} kh_explain_term_t;

typedef struct kh_explain {
    kh_explain_term_t *terms; /* query terms in the order the query gives them, then feedback's */
    size_t n, cap;
    unsigned passages; /* in the index */
} kh_explain_t;

/*
 * Adds the weighed terms of query (a plan's Xapian query, as it ran) to
 * *x, with their frequencies read from db: the terms of the first operand
 * of AND_NOT and FILTER only (the others select, they add no weight), each
 * scaled by the factors around it. Returns KH_OK, KH_ERR_NOMEM, the
 * index's errors.
 */
kh_status_t kh_explain_query(kh_explain_t *x, kh_db_t *db, const kh_xquery_t *query,
                             kh_error_t *err);

/* Adds a feedback term (feedback.c): its df, its scale and its idf. */
kh_status_t kh_explain_add_feedback(kh_explain_t *x, const char *term, unsigned df, double scale,
                                    double idf, kh_error_t *err);

/*
 * r's contributions (r->contributions, which the results own): the terms
 * of x that document r->docid holds, with what each added to r->score.
 * Feedback terms count for ranks up to KH_FEEDBACK_DEPTH only. Returns
 * KH_OK, KH_ERR_NOMEM, the index's errors.
 */
kh_status_t kh_explain_result(const kh_explain_t *x, kh_db_t *db, kh_result_t *r, kh_error_t *err);

/*
 * The terms of x, one line each ("term T: in DF of N passages, weight W
 * (scale S)[, from feedback]"), on f. Returns KH_OK or KH_ERR_IO.
 */
kh_status_t kh_explain_describe(const kh_explain_t *x, FILE *f, kh_error_t *err);

/* Frees what *x holds and zeroes it; a zeroed x is fine. */
void kh_explain_free(kh_explain_t *x);

#endif
