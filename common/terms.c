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
