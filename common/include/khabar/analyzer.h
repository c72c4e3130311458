/*
 * analyzer.h - the one analysis pipeline: UTF-8 text -> tokens -> terms.
 *
 * The indexer runs it over passages, the searcher over queries and, for
 * highlighting, over the passages it shows: the same code, so a query term
 * is exactly the term that was indexed, and a token's span points into the
 * text that is displayed.
 *
 * For each token (tokenize.h):
 *   1. segmentation on Unicode categories, with its byte span and script;
 *   2. normalisation (normalize.h) into the token's "norm";
 *   3. the term: Arabic -> light prefix step + Snowball arabic; Latin ->
 *      Snowball english; digits and other scripts -> the norm unchanged
 *      (stem.h);
 *   4. the phonetic key of a Latin or Arabic word (phonetic.h; the Arabic
 *      one after the light prefix step), or "": how a name is found in the
 *      other script and in its other spellings.
 * A token whose norm is empty (only tatweel or marks) is skipped and takes
 * no position. Norms and terms are at most KH_TOKEN_FORM_MAX (200) bytes: a
 * longer token is cut at a code point boundary, not skipped, so it keeps
 * its position and the same long word in a query still matches.
 */
#ifndef KHABAR_ANALYZER_H
#define KHABAR_ANALYZER_H

#include <stddef.h>

#include "khabar/normalize.h"
#include "khabar/status.h"
#include "khabar/tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One token, as the callback of kh_analyzer_run sees it. kh_script_t is in tokenize.h. */
typedef struct kh_token {
    size_t start, end; /* byte span [start, end) in the ORIGINAL text */
    unsigned position; /* word position from 1, consecutive for consecutive words */
    kh_script_t script;
    const char *norm; /* normalised form, NUL-terminated, borrowed during the callback */
    size_t norm_len;
    const char *term; /* the index term (normalised, then stemmed), NUL-terminated, borrowed */
    size_t term_len;
    const char *key; /* the phonetic key (phonetic.h), "" when none, NUL-terminated, borrowed */
    size_t key_len;
} kh_token_t;

/*
 * Called once per token, in text order. Returns KH_OK to go on, KH_STOP to
 * end the walk early, or an error status (having set err, which may be
 * NULL, with its message). kh_analyzer_run returns whatever ended it, as
 * FTS5's xTokenize does, so a callback's failure is never lost.
 */
typedef kh_status_t (*kh_token_fn)(void *ctx, const kh_token_t *tok, kh_error_t *err);

/* An analyzer: stemmers and buffers reused across tokens. Not thread-safe: one per thread. */
typedef struct kh_analyzer kh_analyzer_t;

/*
 * Creates an analyzer into *out (NULL on failure); free it with
 * kh_analyzer_free. Returns KH_OK, KH_ERR_ARG (out is NULL), KH_ERR_NOMEM,
 * or the status of a stemmer that libstemmer could not create.
 */
kh_status_t kh_analyzer_new(kh_analyzer_t **out, kh_error_t *err);

/* Frees an analyzer; NULL is allowed. */
void kh_analyzer_free(kh_analyzer_t *a);

/*
 * Analyses text[0, len) and calls fn(ctx, token) for each token. text need
 * not be NUL-terminated and is never read at or past len; it may be NULL
 * when len is 0. Invalid UTF-8 bytes and NUL bytes separate tokens (the
 * indexer validates its input first, with kh_utf8_validate; the analyzer
 * itself never fails on bad bytes). The token's strings are valid only
 * during the callback. Per token nothing is allocated, except that the
 * normaliser's scratch buffer may grow once for an unusually long token.
 * Returns KH_OK when every token was seen, else what fn returned (KH_STOP
 * when it stopped early, or its error), KH_ERR_ARG (a NULL a or fn, or
 * NULL text with len > 0) or KH_ERR_NOMEM.
 */
kh_status_t kh_analyzer_run(kh_analyzer_t *a, const char *text, size_t len, kh_token_fn fn,
                            void *ctx, kh_error_t *err);

/* Which form of each token kh_analyzer_join writes. */
typedef enum {
    KH_FORM_NORM, /* the normalised form: exact-form features, the XS section term */
    KH_FORM_TERM, /* the index term */
} kh_form_t;

/*
 * Writes the form of every token of text[0, len), joined by sep, into out:
 * NUL-terminated, its length (without the NUL) in *out_len. No token gives
 * "". For filters: kh_analyzer_join(a, "Middle East", 11, KH_FORM_NORM,
 * '_', ...) gives "middle_east". Returns KH_OK; KH_ERR_ARG for a NULL
 * argument or when out_size is too small, with *out_len set to the size the
 * result needs (without the NUL) and out set to ""; KH_ERR_NOMEM.
 */
kh_status_t kh_analyzer_join(kh_analyzer_t *a, const char *text, size_t len, kh_form_t form,
                             char sep, char *out, size_t out_size, size_t *out_len,
                             kh_error_t *err);

/*
 * The term of a short string: kh_analyzer_join with KH_FORM_TERM and ' '.
 * For one word, its term ("Musk" -> "musk"); several words give their terms
 * separated by spaces; no word gives "". Same statuses as kh_analyzer_join.
 */
kh_status_t kh_analyzer_term(kh_analyzer_t *a, const char *word, size_t len, char *out,
                             size_t out_size, size_t *out_len, kh_error_t *err);

/*
 * The analyzer's version, stored in each index (schema.h, KH_META_ANALYZER):
 * bumped whenever a term could change, so that an old index is re-built
 * rather than silently searched with different terms. Static storage.
 */
const char *kh_analyzer_version(void);

#ifdef __cplusplus
}
#endif

#endif
