/*
 * terms.h - the boolean terms and values that both the indexer writes and the
 * searcher's filters look up, built in one place so the two always agree.
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

#ifdef __cplusplus
}
#endif

#endif
