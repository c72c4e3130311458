/*
 * normalize.h - per-token normalisation: one token in, its normalised form out.
 *
 * The second step of the analysis pipeline (analyzer.h). The normalised form
 * ("norm") is what the stemmer sees, and what an exact-form feature or a
 * filter (section:) compares. For every token:
 *
 *   NFKC (Arabic presentation forms such as U+FEFB -> لا, fullwidth Latin,
 *   ligatures), default-ignorable code points removed (ZWNJ, ZWJ, soft
 *   hyphen, variation selectors), Arabic-Indic and Extended (Persian)
 *   Arabic-Indic digits -> ASCII, U+066B -> '.', U+066C -> ','.
 *
 * Then by script:
 *   Latin   case folding, accents stripped (café -> cafe), U+2019 -> '.
 *   Arabic  harakat, tanween, Quranic small signs and tatweel removed; the
 *           superscript alef U+0670 and the alef forms أ إ آ ٱ -> ا; ى -> ي;
 *           ة -> ه; Persian and Urdu letter forms -> the Arabic letter;
 *           hamza seats ؤ ئ ء kept. normalize.c says why for each choice.
 *   Digits  marks removed.
 *   Other   case folding; marks kept (they are vowels in Indic scripts).
 *
 * The result never exceeds KH_TOKEN_FORM_MAX bytes: a longer form is cut at the
 * last code point boundary that fits (the same cut applies to the same
 * token in a query, so it still matches). Only the first
 * KH_NORM_INPUT_MAX bytes of a token are read.
 */
#ifndef KHABAR_NORMALIZE_H
#define KHABAR_NORMALIZE_H

#include <stddef.h>

#include "khabar/status.h"
#include "khabar/tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The longest normalised form, and so the longest term, of a token, in bytes
 * (without the NUL). Xapian allows 245 bytes for a term with its prefix;
 * terms.h's KH_TERM_MAX (256) is a buffer for a prefixed term and holds one.
 */
#define KH_TOKEN_FORM_MAX 200

/* How much of one token the normaliser reads: enough for 200 bytes of fully vocalised text. */
#define KH_NORM_INPUT_MAX 1024

/* A normaliser: owns the scratch buffer of the slow (utf8proc) path. One per thread. */
typedef struct kh_normalizer kh_normalizer_t;

/*
 * Creates a normaliser into *out (NULL on failure). Free it with
 * kh_normalizer_free. Returns KH_OK, KH_ERR_ARG (out is NULL) or
 * KH_ERR_NOMEM.
 */
kh_status_t kh_normalizer_new(kh_normalizer_t **out, kh_error_t *err);

/* Frees a normaliser; NULL is allowed. */
void kh_normalizer_free(kh_normalizer_t *n);

/*
 * Normalises one token: word[0, len), as kh_tokenizer_next delimits it, of
 * the script it reported. Writes the form, NUL-terminated, into out
 * (out_size must be at least KH_TOKEN_FORM_MAX + 1) and its length in bytes into
 * *out_len; the form may be empty (a token of tatweel or marks only). word
 * must be well-formed UTF-8, as every token of the tokenizer is; it is never
 * read at or past word[len].
 * Plain ASCII and basic Arabic take a fast path that calls no utf8proc
 * function and allocates nothing; other text goes through utf8proc's NFKC
 * in the normaliser's buffer, which grows (rarely) for long tokens.
 * Returns KH_OK, KH_ERR_ARG (a NULL pointer, out_size too small),
 * KH_ERR_UTF8 (word is not well-formed UTF-8; out is "") or KH_ERR_NOMEM
 * (the scratch buffer could not grow).
 */
kh_status_t kh_normalize_token(kh_normalizer_t *n, const char *word, size_t len, kh_script_t script,
                               char *out, size_t out_size, size_t *out_len, kh_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
