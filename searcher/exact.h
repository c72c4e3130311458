/*
 * exact.h - the query's words as written, found on a passage's own text.
 *
 * A word's term is its stem, so ماسك (Musk) and الألماس (the diamond)
 * are one term and Xapian cannot tell them apart: on the 99 MB news corpus
 * `ماسك` ranked two articles about diamonds first. The index keeps no
 * second term for the exact form (it would cost index size and indexing
 * time that the name keys have mostly spent, issue 15); the searcher reads
 * the stored text of its best candidates instead, as the phrase check does
 * (phrase.h), and asks which of the query's words each holds as written.
 *
 * A word's exact form is its norm (normalize.h) without the proclitics
 * the light prefix step takes (the article and its forms, stem.h): the
 * same word with or without "the". A passage's word also holds the form
 * when one proclitic و ف ب ك ل, or و/ف then ب ك ل, comes before it
 * (لماسك, وبماسك), which the prefix step leaves on.
 *
 * Two uses: a quoted word or phrase is REQUIRED (only passages that hold
 * each of its words as written are shown); the words of a short query
 * RANK (kh_exact_count: passages holding more of them come first).
 */
#ifndef KHABAR_EXACT_H
#define KHABAR_EXACT_H

#include <stddef.h>

#include "khabar/analyzer.h"
#include "khabar/status.h"

/* At most this many words are remembered; the rest are neither required nor counted. */
#define KH_EXACT_MAX_FORMS 8

/*
 * Queries of at most this many ranked words are re-ranked by the forms
 * their passages hold: a name typed alone is about its spelling. With up
 * to 3 words, 60 of the first 200 ARCD questions (stop words set aside)
 * were re-ranked, for +173% instructions over the batch (callgrind, -j 1);
 * with 1, none, +1.9%.
 */
#define KH_EXACT_RANK_MAX_WORDS 1

/*
 * How many of a one-word query's best passages are read and ranked again:
 * on the news corpus ماسك's first Musk passage is 151st by its stem, of
 * 705. The phrase check's bound (search.h) is as many.
 */
#define KH_EXACT_DEPTH 200

typedef struct kh_exact kh_exact_t;

/* An empty set into *out. KH_OK or KH_ERR_NOMEM. */
kh_status_t kh_exact_new(kh_exact_t **out, kh_error_t *err);

/* Frees e. NULL is fine. */
void kh_exact_free(kh_exact_t *e);

/*
 * Adds the exact form of every word of text[0, len) (a query clause), as
 * analyzer a makes them; required: each must be held as written. A form
 * given twice is kept once (required if either was). KH_OK, KH_ERR_NOMEM,
 * or the analyzer's error.
 */
kh_status_t kh_exact_add(kh_exact_t *e, kh_analyzer_t *a, const char *text, size_t len,
                         int required, kh_error_t *err);

/* Number of forms kept (0 for NULL). */
size_t kh_exact_count_forms(const kh_exact_t *e);

/*
 * Whether passages should be re-ranked by kh_exact_count: the query has 1
 * to KH_EXACT_RANK_MAX_WORDS words added not required (0 for NULL).
 */
int kh_exact_ranks(const kh_exact_t *e);

/* Whether some form is required (0 for NULL). */
int kh_exact_required(const kh_exact_t *e);

/*
 * Into *held, how many of the forms text[0, len) holds as written; into
 * *ok, 1 when it holds every required form. Its words are normalised as
 * the analyzer does, not stemmed (e keeps a normaliser: one thread at a
 * time). KH_OK, KH_ERR_NOMEM, or the normaliser's error.
 */
kh_status_t kh_exact_check(kh_exact_t *e, const char *text, size_t len, unsigned *held, int *ok,
                           kh_error_t *err);

#endif
