#include "khabar/analyzer.h"

#include <stdlib.h>
#include <string.h>

#include "khabar/phonetic.h"
#include "khabar/stem.h"

/*
 * Bump on any change to what a token's term is: segmentation, a
 * normalisation rule, the prefix step, or a Snowball upgrade that changes
 * stems (libstemmer has no version number of its own to check at run time),
 * and on any change to how the terms are weighted in the index.
 * 2: body and related passages carry their article's S-prefixed title terms
 *    with wdf 1 (were boolean): an index of version 1 would silently rank
 *    without the title weight.
 * 3: tokens carry a phonetic key, indexed under KH_PREFIX_KEY_*.
 */
#define ANALYZER_VERSION "3"

struct kh_analyzer {
    kh_normalizer_t *normalizer;
    kh_stemmer_t *arabic;
    kh_stemmer_t *english;
    char norm[KH_TOKEN_FORM_MAX + 1];
    char term[KH_TOKEN_FORM_MAX + 1];
    char key[KH_PHONETIC_MAX + 1];
};

const char *kh_analyzer_version(void)
{
    return ANALYZER_VERSION;
}

void kh_analyzer_free(kh_analyzer_t *a)
{
    if (!a)
        return;
    kh_normalizer_free(a->normalizer);
    kh_stemmer_free(a->arabic);
    kh_stemmer_free(a->english);
    free(a);
}

kh_status_t kh_analyzer_new(kh_analyzer_t **out, kh_error_t *err)
{
    if (!out)
        return kh_error_set(err, KH_ERR_ARG, "kh_analyzer_new: out is NULL");
    *out = NULL;
    kh_analyzer_t *a = calloc(1, sizeof *a);
    if (!a)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_status_t st = kh_normalizer_new(&a->normalizer, err);
    if (!st)
        st = kh_stemmer_new(&a->arabic, "arabic", err);
    if (!st)
        st = kh_stemmer_new(&a->english, "english", err);
    if (st) {
        kh_analyzer_free(a);
        return st;
    }
    *out = a;
    return KH_OK;
}

/* Copies at most KH_TOKEN_FORM_MAX bytes of s into dst, cut at a code point boundary. */
static size_t copy_term(char *dst, const char *s, size_t len)
{
    if (len > KH_TOKEN_FORM_MAX) {
        len = KH_TOKEN_FORM_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
    return len;
}

/*
 * Where the phonetic key of an Arabic word starts in its norm: after the
 * proclitics the prefix step took, but not after the article ال, which the
 * key keeps. A name's own أل (ألتمان, Altman) looks like the article once
 * normalised, and a user who types التمان without the hamza must reach the
 * same passages; names in the news seldom take the article.
 */
static size_t key_start(const char *norm, size_t skip)
{
    static const char article[] = "\u0627\u0644", li[] = "\u0644\u0644"; /* ال, لل */
    if (skip >= 4 && memcmp(norm + skip - 4, article, 4) == 0)
        return skip - 4;
    if (skip >= 4 && memcmp(norm + skip - 4, li, 4) == 0)
        return skip - 2; /* للماسك: ل + (ا)ل, the article's alef dropped */
    return skip;
}

/* Fills tok->term for a token whose norm is in a->norm. */
static kh_status_t make_term(kh_analyzer_t *a, const char *orig, kh_token_t *tok, kh_error_t *err)
{
    kh_stemmer_t *stemmer = NULL;
    size_t skip = 0;
    switch (tok->script) {
    case KH_SCRIPT_ARABIC:
        stemmer = a->arabic;
        skip = kh_arabic_prefix_len(a->norm, tok->norm_len, orig, tok->end - tok->start);
        break;
    case KH_SCRIPT_LATIN:
        stemmer = a->english;
        break;
    default: /* digits and scripts without a stemmer: the norm is the term */
        tok->term = a->norm;
        tok->term_len = tok->norm_len;
        return KH_OK;
    }
    size_t key_at = tok->script == KH_SCRIPT_ARABIC ? key_start(a->norm, skip) : 0;
    tok->key_len = kh_phonetic_key(tok->script, a->norm + key_at, tok->norm_len - key_at, a->key,
                                   sizeof a->key);
    tok->key = a->key;
    const char *stem;
    size_t stem_len;
    kh_status_t st =
        kh_stemmer_stem(stemmer, a->norm + skip, tok->norm_len - skip, &stem, &stem_len, err);
    if (st)
        return st;
    tok->term_len = copy_term(a->term, stem, stem_len);
    tok->term = a->term;
    return KH_OK;
}

kh_status_t kh_analyzer_run(kh_analyzer_t *a, const char *text, size_t len, kh_token_fn fn,
                            void *ctx, kh_error_t *err)
{
    if (!a || !fn || (!text && len))
        return kh_error_set(err, KH_ERR_ARG, "kh_analyzer_run: NULL argument");
    kh_tokenizer_t tokenizer;
    kh_tokenizer_init(&tokenizer, text, len);
    kh_segment_t span;
    unsigned position = 0;
    while (kh_tokenizer_next(&tokenizer, &span)) {
        kh_token_t tok = {.start = span.start, .end = span.end, .script = span.script, .key = ""};
        kh_status_t st =
            kh_normalize_token(a->normalizer, text + span.start, span.end - span.start, span.script,
                               a->norm, sizeof a->norm, &tok.norm_len, err);
        if (st)
            return st;
        if (tok.norm_len == 0) /* tatweel or marks only: not a word */
            continue;
        tok.norm = a->norm;
        st = make_term(a, text + span.start, &tok, err);
        if (st)
            return st;
        tok.position = ++position;
        if ((st = fn(ctx, &tok, err)))
            return st;
    }
    return KH_OK;
}

typedef struct {
    kh_form_t form;
    char sep;
    char *out;
    size_t out_size;
    size_t needed; /* bytes of the whole result, without the NUL */
} join_state_t;

static kh_status_t join_one(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    join_state_t *j = ctx;
    const char *s = j->form == KH_FORM_NORM ? tok->norm : tok->term;
    size_t n = j->form == KH_FORM_NORM ? tok->norm_len : tok->term_len;
    size_t at = j->needed;
    if (at > 0)
        j->needed++;
    j->needed += n;
    if (j->needed < j->out_size) { /* room for it and the NUL */
        if (at > 0)
            j->out[at++] = j->sep;
        memcpy(j->out + at, s, n);
    }
    return KH_OK;
}

kh_status_t kh_analyzer_join(kh_analyzer_t *a, const char *text, size_t len, kh_form_t form,
                             char sep, char *out, size_t out_size, size_t *out_len, kh_error_t *err)
{
    if (!a || !out || out_size == 0 || !out_len || (!text && len))
        return kh_error_set(err, KH_ERR_ARG, "kh_analyzer_join: bad argument");
    join_state_t j = {form, sep, out, out_size, 0};
    kh_status_t st = kh_analyzer_run(a, text, len, join_one, &j, err);
    *out_len = j.needed;
    if (st) {
        out[0] = '\0';
        return st;
    }
    if (j.needed >= out_size) {
        out[0] = '\0';
        return kh_error_set(err, KH_ERR_ARG, "kh_analyzer_join: needs %zu bytes, buffer has %zu",
                            j.needed + 1, out_size);
    }
    out[j.needed] = '\0';
    return KH_OK;
}

kh_status_t kh_analyzer_term(kh_analyzer_t *a, const char *word, size_t len, char *out,
                             size_t out_size, size_t *out_len, kh_error_t *err)
{
    return kh_analyzer_join(a, word, len, KH_FORM_TERM, ' ', out, out_size, out_len, err);
}
