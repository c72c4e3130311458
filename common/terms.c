#include "khabar/terms.h"

#include <stdio.h>
#include <string.h>

#include "khabar/schema.h"

kh_status_t kh_terms_section(kh_analyzer_t *a, const char *section, size_t len,
                             char out[KH_TERM_MAX])
{
    size_t prefix = strlen(KH_PREFIX_SECTION), words_len;
    memcpy(out, KH_PREFIX_SECTION, prefix);
    kh_status_t st = kh_analyzer_join(a, section, len, KH_FORM_NORM, '_', out + prefix,
                                      KH_TERM_MAX - prefix, &words_len, NULL);
    if (st || words_len == 0)
        out[0] = '\0';
    return st;
}

void kh_terms_date(const char *date, char out[9])
{
    out[0] = '\0';
    if (!date || strlen(date) < 10)
        return;
    memcpy(out, date, 4);
    memcpy(out + 4, date + 5, 2);
    memcpy(out + 6, date + 8, 2);
    out[8] = '\0';
}

void kh_terms_lang(const char *code, char out[KH_TERM_MAX])
{
    size_t n = (size_t)snprintf(out, KH_TERM_MAX, "%s", KH_PREFIX_LANG);
    for (; code && *code && n + 1 < KH_TERM_MAX; code++)
        out[n++] = (*code >= 'A' && *code <= 'Z') ? (char)(*code - 'A' + 'a') : *code;
    out[n] = '\0';
}

size_t kh_terms_title(const char *stem, char out[KH_TERM_MAX])
{
    int n = snprintf(out, KH_TERM_MAX, "%s%s", KH_PREFIX_TITLE, stem);
    return n < KH_TERM_MAX ? (size_t)n : KH_TERM_MAX - 1;
}

size_t kh_terms_key(kh_script_t script, const char *key, char out[KH_TERM_MAX])
{
    int n = snprintf(out, KH_TERM_MAX, "%s%s",
                     script == KH_SCRIPT_ARABIC ? KH_PREFIX_KEY_ARABIC : KH_PREFIX_KEY_LATIN, key);
    return n < KH_TERM_MAX ? (size_t)n : KH_TERM_MAX - 1;
}

kh_status_t kh_terms_prefixed(const char *prefix, const char *value, char out[KH_TERM_MAX],
                              kh_error_t *err)
{
    if ((size_t)snprintf(out, KH_TERM_MAX, "%s%s", prefix, value) >= KH_TERM_MAX)
        return kh_error_set(err, KH_ERR_ARG, "term %s%.40s... is too long", prefix, value);
    return KH_OK;
}

kh_status_t kh_terms_article(const char *article_id, char out[KH_TERM_MAX], kh_error_t *err)
{
    return kh_terms_prefixed(KH_PREFIX_ARTICLE, article_id, out, err);
}

kh_status_t kh_terms_passage(const char *passage_id, char out[KH_TERM_MAX], kh_error_t *err)
{
    return kh_terms_prefixed(KH_PREFIX_PASSAGE, passage_id, out, err);
}

kh_status_t kh_terms_kind(const char *kind_name, char out[KH_TERM_MAX], kh_error_t *err)
{
    return kh_terms_prefixed(KH_PREFIX_KIND, kind_name, out, err);
}

void kh_terms_date_terms(const char *date8, char day[KH_TERM_MAX], char month[KH_TERM_MAX],
                         char year[KH_TERM_MAX])
{
    day[0] = month[0] = year[0] = '\0';
    if (!date8 || !date8[0])
        return;
    snprintf(day, KH_TERM_MAX, "%s%.8s", KH_PREFIX_DATE, date8);
    snprintf(month, KH_TERM_MAX, "%s%.6s", KH_PREFIX_MONTH, date8);
    snprintf(year, KH_TERM_MAX, "%s%.4s", KH_PREFIX_YEAR, date8);
}
