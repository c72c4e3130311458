/*
 * terms.h - every term of the schema (schema.h lists the prefixes): what the
 * indexer writes and the searcher looks up, built in one place so the two
 * always agree.
 */
#ifndef KHABAR_TERMS_H
#define KHABAR_TERMS_H

#include <stddef.h>

#include "khabar/analyzer.h"
#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any term built here: prefix + an id or value of at most 200 bytes. */
#define KH_TERM_MAX 256

/*
 * The section term (KH_PREFIX_SECTION + the normalised words of section
 * joined by '_'), so that "Business", "business" and "BUSINESS" or أعمال with
 * and without diacritics are one section. out gets "" when section has no
 * words. Returns KH_OK, or KH_ERR_ARG when the term would not fit.
 */
kh_status_t kh_terms_section(kh_analyzer_t *a, const char *section, size_t len,
                             char out[KH_TERM_MAX]);

/*
 * An ISO 8601 date ("2023-07-01", "2023-07-01T10:00:00Z") as the YYYYMMDD of
 * the date slot and D/M/Y terms; "" when date is NULL or too short. The
 * indexer validates dates before they get here.
 */
void kh_terms_date(const char *date, char out[9]);

/* The language term: KH_PREFIX_LANG + the code in ASCII lower case. */
void kh_terms_lang(const char *code, char out[KH_TERM_MAX]);

/*
 * The title term of a stem (KH_PREFIX_TITLE + stem), cut to fit out: the
 * indexer's title stems and the searcher's title: words. Returns its length.
 */
size_t kh_terms_title(const char *stem, char out[KH_TERM_MAX]);

/*
 * The name key term of a word's phonetic key (KH_PREFIX_KEY_ARABIC for an
 * Arabic word, KH_PREFIX_KEY_LATIN otherwise), cut to fit out. Returns its
 * length.
 */
size_t kh_terms_key(kh_script_t script, const char *key, char out[KH_TERM_MAX]);

/*
 * prefix + value into out. Returns KH_OK, or KH_ERR_ARG ("term PREFIXVALUE...
 * is too long", err may be NULL) when it does not fit; out then holds it cut
 * to fit. The named ones below are this with their prefix.
 */
kh_status_t kh_terms_prefixed(const char *prefix, const char *value, char out[KH_TERM_MAX],
                              kh_error_t *err);

/* The article term (KH_PREFIX_ARTICLE + id): every passage of the article holds it. */
kh_status_t kh_terms_article(const char *article_id, char out[KH_TERM_MAX], kh_error_t *err);

/* The passage's unique term (KH_PREFIX_PASSAGE + "ARTICLE#N", schema.h). */
kh_status_t kh_terms_passage(const char *passage_id, char out[KH_TERM_MAX], kh_error_t *err);

/* The passage kind term (KH_PREFIX_KIND + kh_kind_name()). */
kh_status_t kh_terms_kind(const char *kind_name, char out[KH_TERM_MAX], kh_error_t *err);

/*
 * The day, month and year terms (KH_PREFIX_DATE + YYYYMMDD, KH_PREFIX_MONTH
 * + YYYYMM, KH_PREFIX_YEAR + YYYY) of a date8 from kh_terms_date(); all ""
 * when date8 is "".
 */
void kh_terms_date_terms(const char *date8, char day[KH_TERM_MAX], char month[KH_TERM_MAX],
                         char year[KH_TERM_MAX]);

#ifdef __cplusplus
}
#endif

#endif
