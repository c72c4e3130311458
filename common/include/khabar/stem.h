/*
 * stem.h - stemming: a small object over Snowball's libstemmer, and the
 * Arabic light prefix step that runs before it.
 *
 * The third step of the analysis pipeline (analyzer.h). Input is a
 * normalised form (normalize.h): lower case, no marks.
 */
#ifndef KHABAR_STEM_H
#define KHABAR_STEM_H

#include <stddef.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A Snowball stemmer for one language, with a cache of the stems of recent
 * words (allocated once, about 1.5 MB, touched only as it fills: Snowball
 * arabic is the slowest step of the pipeline). Not thread-safe: one per
 * thread.
 */
typedef struct kh_stemmer kh_stemmer_t;

/*
 * Creates a stemmer for language, a Snowball algorithm name in lower case
 * ("arabic", "english"), into *out (NULL on failure). Free it with
 * kh_stemmer_free. Returns KH_OK, KH_ERR_ARG (NULL argument, or a language
 * libstemmer does not know) or KH_ERR_NOMEM.
 */
kh_status_t kh_stemmer_new(kh_stemmer_t **out, const char *language, kh_error_t *err);

/* Frees a stemmer; NULL is allowed. */
void kh_stemmer_free(kh_stemmer_t *s);

/* The language the stemmer was created with (static storage of the stemmer). */
const char *kh_stemmer_language(const kh_stemmer_t *s);

/*
 * Stems word[0, len) (UTF-8, normalised). On KH_OK, *out points to the stem,
 * NUL-terminated, *out_len is its length; the stem belongs to the stemmer
 * and stays valid until the next call on it or kh_stemmer_free (as in
 * libstemmer). The result is Snowball's, whether or not the cache held it. Returns KH_OK,
 * KH_ERR_ARG (NULL argument, len above INT_MAX) or KH_ERR_NOMEM (libstemmer's only failure).
 */
kh_status_t kh_stemmer_stem(kh_stemmer_t *s, const char *word, size_t len, const char **out,
                            size_t *out_len, kh_error_t *err);

/*
 * The Arabic light prefix step (after Larkey's Light10), run before the
 * Arabic stemmer. norm[0, norm_len) is the normalised form of an Arabic
 * token and orig[0, orig_len) the token as written (it tells a hamza-alef
 * from a bare alef, which normalisation has merged). Returns how many bytes
 * of norm the prefix takes: the stem is computed from norm + that offset.
 *
 *   1. The article and its proclitic forms وال بال كال فال لل ال (the
 *      longest that matches) are removed when at least 3 letters remain.
 *   2. A leading و followed by one of those forms (وبال, وكال, ولل) is
 *      removed with it, under the same guard.
 *   3. A one-letter proclitic و ف ب ك ل before a hamza-alef (أ إ آ ٱ as
 *      written) is removed when at least 3 letters remain (وأكد), and
 *      then step 1 is tried on the rest (لألتمان -> ل + ال + تمان).
 *   4. Nothing else: a lone و before any other letter is left to Snowball.
 *
 * stem.c explains the guards. Cannot fail; returns 0 for NULL or empty input.
 */
size_t kh_arabic_prefix_len(const char *norm, size_t norm_len, const char *orig, size_t orig_len);

#ifdef __cplusplus
}
#endif

#endif
