#include "khabar/terms.h"

#include <stdio.h>
#include <string.h>

#include "khabar/schema.h"

typedef struct section_ctx {
    char *out;
    size_t len;
    int overflow;
} section_ctx_t;

static int add_section_word(void *ctx, const kh_token_t *tok)
{
    section_ctx_t *sc = ctx;
    size_t prefix = strlen(KH_PREFIX_SECTION);
    size_t need = (sc->len > prefix ? 1 : 0) + tok->norm_len;
    if (sc->len + need + 1 > KH_TERM_MAX) {
        sc->overflow = 1;
        return 1;
    }
    if (sc->len > prefix)
        sc->out[sc->len++] = '_';
    memcpy(sc->out + sc->len, tok->norm, tok->norm_len);
    sc->len += tok->norm_len;
    sc->out[sc->len] = '\0';
    return 0;
}

kh_status_t kh_terms_section(kh_analyzer_t *a, const char *section, size_t len,
                             char out[KH_TERM_MAX])
{
    section_ctx_t sc = {out, strlen(KH_PREFIX_SECTION), 0};
    memcpy(out, KH_PREFIX_SECTION, sc.len + 1);
    kh_status_t st = kh_analyzer_run(a, section, len, add_section_word, &sc, NULL);
    if (st)
        return st;
    if (sc.overflow)
        return KH_ERR_ARG;
    if (sc.len == strlen(KH_PREFIX_SECTION))
        out[0] = '\0';
    return KH_OK;
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
