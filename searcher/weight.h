/*
 * weight.h - how the searcher weighs a term in a passage, shared by the
 * ranking (search.c, and plan.c's bound on the common words) and the
 * feedback (feedback.c) so that the weights they add up are the same.
 */
#ifndef KHABAR_SEARCHER_WEIGHT_H
#define KHABAR_SEARCHER_WEIGHT_H

#include <math.h>

/*
 * The ranking: a term weighs its idf times its wdf, which the indexer made
 * the term's BM25 term-frequency part (schema.h, kh_schema_impact). Xapian's
 * BM25Weight computes that when b is 0 and k1 this large: idf (k1 + 1) wdf
 * / (k1 + wdf) is idf wdf to within 1e-4 for every wdf the index holds
 * (< 128). With b 0 it reads no passage lengths, which were a third of a
 * search's instructions; a built-in weighting also works on remote shards
 * (xapian-tcpsrv knows no other). kh_term_weight() is the same formula, for
 * the weights the searcher adds itself.
 */
#define KH_LINEAR_K1 1e6

static inline double kh_term_weight(double idf, unsigned wdf)
{
    return idf * (KH_LINEAR_K1 + 1) * wdf / (KH_LINEAR_K1 + wdf);
}

/* Xapian's BM25 idf of a term held by df of n passages (tw under 2 goes halfway to 1). */
static inline double kh_bm25_idf(unsigned df, unsigned n)
{
    double tw = (n - df + 0.5) / (df + 0.5);
    if (tw < 2)
        tw = tw * 0.5 + 1;
    return log(tw);
}

#endif
