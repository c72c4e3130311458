#include "phrase.h"

#include <stdlib.h>
#include <string.h>

typedef struct phrase {
    kh_phrase_kind_t kind;
    char **terms;
    size_t n;
} phrase_t;

/* One analysed text: its tokens' terms, back to back, and where each starts. */
typedef struct tokens {
    char *chars;
    size_t len, cap;
    struct token {
        size_t offset; /* of its term in chars */
        unsigned position;
    } * tok;
    size_t n, cap_tokens;
    int failed;
} tokens_t;

struct kh_phrases {
    phrase_t *items;
    size_t n;
    tokens_t scratch; /* reused from one passage to the next */
};

kh_status_t kh_phrases_new(kh_phrases_t **out, kh_error_t *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
}

void kh_phrases_free(kh_phrases_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        for (size_t k = 0; k < p->items[i].n; k++)
            free(p->items[i].terms[k]);
        free(p->items[i].terms);
    }
    free(p->items);
    free(p->scratch.chars);
    free(p->scratch.tok);
    free(p);
}

kh_status_t kh_phrases_add(kh_phrases_t *p, kh_phrase_kind_t kind, const char *const *terms,
                           size_t n, kh_error_t *err)
{
    phrase_t *items = realloc(p->items, (p->n + 1) * sizeof *items);
    if (!items)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    p->items = items;
    phrase_t *ph = &p->items[p->n];
    *ph = (phrase_t){.kind = kind, .terms = calloc(n ? n : 1, sizeof *ph->terms)};
    if (!ph->terms)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    p->n++;
    for (size_t k = 0; k < n; k++) {
        if (!(ph->terms[k] = strdup(terms[k])))
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        ph->n++;
    }
    return KH_OK;
}

size_t kh_phrases_count(const kh_phrases_t *p)
{
    return p ? p->n : 0;
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *b = realloc(*buf, cap2 * size);
    if (!b)
        return -1;
    *buf = b;
    *cap = cap2;
    return 0;
}

static int keep_token(void *ctx, const kh_token_t *tok)
{
    tokens_t *t = ctx;
    if (grow((void **)&t->chars, &t->cap, t->len + tok->term_len + 1, 1) ||
        grow((void **)&t->tok, &t->cap_tokens, t->n + 1, sizeof *t->tok)) {
        t->failed = 1;
        return 1;
    }
    memcpy(t->chars + t->len, tok->term, tok->term_len + 1);
    t->tok[t->n] = (struct token){t->len, tok->position};
    t->len += tok->term_len + 1;
    t->n++;
    return 0;
}

/* Whether the tokens hold ph's terms as consecutive words. */
static int found(const tokens_t *t, const phrase_t *ph)
{
    for (size_t i = 0; i + ph->n <= t->n; i++) {
        size_t k = 0;
        while (k < ph->n && t->tok[i + k].position == t->tok[i].position + k &&
               strcmp(t->chars + t->tok[i + k].offset, ph->terms[k]) == 0)
            k++;
        if (k == ph->n)
            return 1;
    }
    return 0;
}

kh_status_t kh_phrases_check(kh_phrases_t *p, kh_analyzer_t *a, const char *text, size_t len,
                             int *ok, kh_error_t *err)
{
    *ok = 1;
    if (!p || p->n == 0)
        return KH_OK;
    tokens_t *t = &p->scratch;
    t->len = t->n = 0;
    t->failed = 0;
    kh_status_t st = kh_analyzer_run(a, text, len, keep_token, t, err);
    if (st)
        return st;
    if (t->failed)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    int any_asked = 0, any_found = 0;
    for (size_t i = 0; i < p->n && *ok; i++) {
        const phrase_t *ph = &p->items[i];
        int here = found(t, ph);
        if (ph->kind == KH_PHRASE_REQUIRED && !here)
            *ok = 0;
        else if (ph->kind == KH_PHRASE_EXCLUDED && here)
            *ok = 0;
        else if (ph->kind == KH_PHRASE_ANY) {
            any_asked = 1;
            any_found |= here;
        }
    }
    if (*ok && any_asked && !any_found)
        *ok = 0;
    return KH_OK;
}

void kh_phrases_drop_any(kh_phrases_t *p)
{
    size_t kept = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->items[i].kind != KH_PHRASE_ANY) {
            p->items[kept++] = p->items[i];
            continue;
        }
        for (size_t k = 0; k < p->items[i].n; k++)
            free(p->items[i].terms[k]);
        free(p->items[i].terms);
    }
    p->n = kept;
}
