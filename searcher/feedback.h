/*
 * feedback.h - pseudo-relevance feedback: the terms that best characterise
 * the top results of a first ranking reweigh its first KH_FEEDBACK_DEPTH
 * results (they add weight, never matches), each scaled by its expansion
 * weight relative to the best one, which brings up passages on the same
 * subject in other words.
 */
#ifndef KHABAR_SEARCHER_FEEDBACK_H
#define KHABAR_SEARCHER_FEEDBACK_H

#include <stddef.h>

#include "khabar/analyzer.h"
#include "khabar/xdb.h"
#include "search.h"

/*
 * How many of the first ranking's results the feedback reorders; those
 * after them keep their order, so that the first results are the same
 * whatever -n asks for. nDCG@10 arcd/kaiflematha/cranfield: 20 gave
 * 0.843/0.954/0.395, 50 0.843/0.954/0.398, 100 0.843/0.954/0.398 at 13%
 * more search time.
 */
#define KH_FEEDBACK_DEPTH 50

/* The most expansion terms a search uses (--prf-terms is at most this). */
#define KH_FEEDBACK_MAX_TERMS 64

typedef struct kh_feedback {
    kh_db_t *db;
    kh_analyzer_t *analyzer;      /* the one that indexed the passages */
    const kh_search_opts_t *opts; /* prf_terms, prf_weight */
    char *const *query_terms;     /* sorted; never expansion terms */
    size_t n_query_terms;
    struct kh_explain *explain; /* --explain: the terms reweighing adds are noted here; or NULL */
} kh_feedback_t;

/*
 * Reweighs out->items[0..KH_FEEDBACK_DEPTH) by the expansion terms of
 * out->items[0..n_top) (read with their text) and sorts them again, best
 * first (equal scores keep their rank's order); the items after them keep
 * theirs. n_top 0 only sorts.
 */
kh_status_t kh_feedback_apply(const kh_feedback_t *f, kh_results_t *out, size_t n_top,
                              kh_error_t *err);

#endif
