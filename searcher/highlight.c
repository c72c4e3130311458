#include "highlight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/schema.h"
#include "khabar/terms.h"

typedef struct highlight_ctx {
    char *const *terms, *const *keys;
    size_t n_terms, n_keys;
    kh_span_t **spans; /* the result's highlights or title_highlights */
    size_t *n_spans;
    size_t cap;
} highlight_ctx_t;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int listed(const char *word, char *const *sorted, size_t n)
{
    return n && bsearch(&word, sorted, n, sizeof *sorted, compare_strings) != NULL;
}

/* Whether tok's phonetic key is one the query looked for (plan.c, add_name_keys). */
static int key_matched(const highlight_ctx_t *hc, const kh_token_t *tok)
{
    if (!tok->key_len || !hc->n_keys)
        return 0;
    char term[KH_TERM_MAX];
    kh_terms_key(tok->script, tok->key, term);
    return listed(term, hc->keys, hc->n_keys);
}

static kh_status_t mark_if_matched(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    highlight_ctx_t *hc = ctx;
    if (!listed(tok->term, hc->terms, hc->n_terms) && !key_matched(hc, tok))
        return KH_OK;
    if (*hc->n_spans == hc->cap) {
        size_t cap = hc->cap ? 2 * hc->cap : 8;
        kh_span_t *spans = realloc(*hc->spans, cap * sizeof *spans);
        if (!spans)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        *hc->spans = spans;
        hc->cap = cap;
    }
    (*hc->spans)[(*hc->n_spans)++] = (kh_span_t){tok->start, tok->end};
    return KH_OK;
}

kh_status_t kh_highlight_results(kh_analyzer_t *a, char *const *terms, size_t n_terms,
                                 char *const *keys, size_t n_keys, kh_results_t *out,
                                 kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < out->n; i++) {
        kh_result_t *r = &out->items[i];
        highlight_ctx_t text = {terms, keys, n_terms, n_keys, &r->highlights, &r->n_highlights, 0};
        st = kh_analyzer_run(a, r->data.text, strlen(r->data.text), mark_if_matched, &text, err);
        /* The title's words by the same rule: the ranking counts them too (title_weight). */
        highlight_ctx_t title = {
            terms, keys, n_terms, n_keys, &r->title_highlights, &r->n_title_highlights, 0};
        if (!st)
            st = kh_analyzer_run(a, r->data.title, strlen(r->data.title), mark_if_matched, &title,
                                 err);
    }
    return st;
}
