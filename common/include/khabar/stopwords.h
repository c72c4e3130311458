/*
 * stopwords.h - function words that a query may leave out.
 *
 * The searcher drops these from the ranked words of a query ("متى ولد ...",
 * "what similarity laws ..."): BM25 already gives a frequent word a low
 * weight, but it is never zero, and in short passages the few passages that
 * repeat "من" or "the" still climb. They are never dropped from a phrase, a
 * required (+) or excluded (-) word, nor when every word of the query is one
 * (a search for "The Who" or "من هو" still finds something). Documents keep
 * every word: this is a query-side list only.
 *
 * The lists are published, maintained general lists, never built from any
 * collection; stopwords.c names the source of each. An entry is compared
 * after the analysis pipeline's normalisation (normalize.h), so أن and ان,
 * "The" and "the" are the same entry.
 */
#ifndef KHABAR_STOPWORDS_H
#define KHABAR_STOPWORDS_H

#include <stddef.h>

#include "khabar/analyzer.h"
#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which lists a set holds (bits; stopwords.c says where each comes from). */
enum {
    KH_STOP_ENGLISH = 1 << 0,       /* Snowball's English stop list */
    KH_STOP_ARABIC_LUCENE = 1 << 1, /* Lucene ArabicAnalyzer's list (J. Savoy): particles */
    KH_STOP_ARABIC_LUNR = 1 << 2,   /* lunr-languages' Arabic list: particles, question words */
};

/* The lists the searcher uses unless told otherwise (stopwords.c: the figures). */
#define KH_STOP_DEFAULT (KH_STOP_ENGLISH | KH_STOP_ARABIC_LUCENE | KH_STOP_ARABIC_LUNR)

/* An immutable set of normalised stop words: may be shared by threads once built. */
typedef struct kh_stopwords kh_stopwords_t;

/*
 * Builds the set of the lists in `lists` (KH_STOP_* bits), each entry
 * normalised with analyzer a (which is only used during the call), into
 * *out (NULL on failure; kh_stopwords_free). lists 0 gives an empty set.
 * Returns KH_OK, KH_ERR_ARG (a or out NULL) or KH_ERR_NOMEM.
 */
kh_status_t kh_stopwords_new(kh_analyzer_t *a, unsigned lists, kh_stopwords_t **out,
                             kh_error_t *err);

/* Frees the set; NULL is allowed. */
void kh_stopwords_free(kh_stopwords_t *s);

/*
 * 1 when norm[0, len), a token's normalised form (kh_token_t.norm), is in
 * the set, else 0 (also for a NULL or empty set).
 */
int kh_stopwords_has(const kh_stopwords_t *s, const char *norm, size_t len);

#ifdef __cplusplus
}
#endif

#endif
