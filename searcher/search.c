#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"
#include "khabar/terms.h"
#include "khabar/xdb.h"
#include "query.h"

/* How often a query is retried when a writer commits underneath it. */
#define MODIFIED_RETRIES 5

struct kh_searcher {
    kh_db_t *db;
    kh_analyzer_t *analyzer;
    char *path;
};

kh_search_opts_t kh_search_opts_default(void)
{
    kh_search_opts_t o = {.limit = 10, .per_article = 0, .all_words = 0, .k1 = 1.0, .b = 0.5};
    return o;
}

/* A growable list of Xapian subqueries. */
typedef struct query_list {
    kh_query_t **items;
    size_t n, cap;
} query_list_t;

static kh_status_t list_push(query_list_t *l, kh_query_t *q, kh_error_t *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        kh_query_t **items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            kh_query_free(q);
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = q;
    return KH_OK;
}

static void list_free(query_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        kh_query_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/*
 * Combines a list into one query with op (NULL when the list is empty);
 * a single item is returned as it is.
 */
static kh_status_t list_combine(query_list_t *l, kh_query_op_t op, kh_query_t **out,
                                kh_error_t *err)
{
    *out = NULL;
    if (l->n == 0)
        return KH_OK;
    if (l->n == 1) {
        *out = l->items[0];
        l->n = 0;
        return KH_OK;
    }
    return kh_query_combine(op, l->items, l->n, 0, out, err);
}

/* Everything built from one query. */
typedef struct build {
    kh_searcher_t *s;
    const kh_search_opts_t *opts;
    query_list_t should, must, must_not;
    query_list_t field_filter[KH_FIELD_DATE + 1]; /* same field OR'd, fields AND'd */
    char **positive;                              /* terms to highlight, sorted */
    size_t n_positive, cap_positive;
    kh_error_t *err;
    kh_status_t st;
} build_t;

static void build_free(build_t *b)
{
    list_free(&b->should);
    list_free(&b->must);
    list_free(&b->must_not);
    for (size_t f = 0; f <= KH_FIELD_DATE; f++)
        list_free(&b->field_filter[f]);
    for (size_t i = 0; i < b->n_positive; i++)
        free(b->positive[i]);
    free(b->positive);
}

static kh_status_t remember_positive(build_t *b, const char *term, kh_error_t *err)
{
    if (b->n_positive == b->cap_positive) {
        size_t cap = b->cap_positive ? 2 * b->cap_positive : 16;
        char **p = realloc(b->positive, cap * sizeof *p);
        if (!p)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        b->positive = p;
        b->cap_positive = cap;
    }
    if (!(b->positive[b->n_positive] = strdup(term)))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    b->n_positive++;
    return KH_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The terms of one clause's text, as a term, a PHRASE or an AND of prefixed terms. */
typedef struct clause_terms {
    build_t *b;
    const char *prefix;
    int positive;
    query_list_t terms;
    kh_status_t st;
} clause_terms_t;

static int add_clause_term(void *ctx, const kh_token_t *tok)
{
    clause_terms_t *ct = ctx;
    char term[KH_TERM_MAX];
    size_t plen = strlen(ct->prefix);
    if (plen + tok->term_len + 1 > sizeof term)
        return 0; /* the analyzer caps terms well below this */
    memcpy(term, ct->prefix, plen);
    memcpy(term + plen, tok->term, tok->term_len + 1);
    kh_query_t *q;
    ct->st = kh_query_term(term, 1, tok->position, &q, ct->b->err);
    if (!ct->st)
        ct->st = list_push(&ct->terms, q, ct->b->err);
    if (!ct->st && ct->positive)
        ct->st = remember_positive(ct->b, tok->term, ct->b->err);
    return ct->st != KH_OK;
}

static kh_status_t text_clause(build_t *b, const char *query, const kh_clause_t *c)
{
    int title = c->field == KH_FIELD_TITLE;
    clause_terms_t ct = {
        b, title ? KH_PREFIX_TITLE : "", !title && c->occur != KH_OCCUR_MUST_NOT, {0}, KH_OK};
    kh_status_t st = kh_analyzer_run(b->s->analyzer, query + c->start, c->end - c->start,
                                     add_clause_term, &ct, b->err);
    if (!st)
        st = ct.st;
    kh_query_t *q = NULL;
    /*
     * Several words in one clause ("a b" quoted, or closed-source written as
     * one) must stay together: a phrase; title: words are boolean filters
     * and need only all be there.
     */
    if (!st)
        st = list_combine(&ct.terms, title ? KH_OP_AND : KH_OP_PHRASE, &q, b->err);
    list_free(&ct.terms);
    if (st || !q)
        return st; /* punctuation only: nothing to look for */
    if (title)
        return list_push(c->occur == KH_OCCUR_MUST_NOT ? &b->must_not : &b->field_filter[c->field],
                         q, b->err);
    query_list_t *dest = c->occur == KH_OCCUR_MUST       ? &b->must
                         : c->occur == KH_OCCUR_MUST_NOT ? &b->must_not
                         : b->opts->all_words            ? &b->must
                                                         : &b->should;
    return list_push(dest, q, b->err);
}

static kh_status_t filter_clause(build_t *b, const char *query, const kh_clause_t *c)
{
    const char *value = query + c->start;
    size_t len = c->end - c->start;
    kh_query_t *q = NULL;
    kh_status_t st = KH_OK;
    if (c->field == KH_FIELD_DATE) {
        char lo[9], hi[10];
        st = kh_query_date_range(value, len, lo, hi, b->err);
        /* "2023" as an upper bound covers every date of 2023: 20231231 < "2023~". */
        if (!st && hi[0])
            strcat(hi, "~");
        if (!st)
            st = kh_query_value_range(KH_SLOT_DATE, lo[0] ? lo : NULL, hi[0] ? hi : NULL, &q,
                                      b->err);
    } else {
        char term[KH_TERM_MAX], raw[KH_TERM_MAX];
        if (len >= sizeof raw)
            return kh_error_set(b->err, KH_ERR_QUERY, "filter value too long: '%.40s...'", value);
        memcpy(raw, value, len);
        raw[len] = '\0';
        if (c->field == KH_FIELD_LANG)
            kh_terms_lang(raw, term);
        else if (kh_terms_section(b->s->analyzer, raw, len, term) || !term[0])
            return kh_error_set(b->err, KH_ERR_QUERY, "section:%s has no words to look for", raw);
        st = kh_query_term(term, 1, 0, &q, b->err);
    }
    if (st)
        return st;
    return list_push(c->occur == KH_OCCUR_MUST_NOT ? &b->must_not : &b->field_filter[c->field], q,
                     b->err);
}

/* (must AND_MAYBE should) FILTER fields AND_NOT must_not; NULL when nothing can match. */
static kh_status_t assemble(build_t *b, kh_query_t **out, kh_error_t *err)
{
    *out = NULL;
    kh_query_t *must = NULL, *should = NULL, *main = NULL, *tmp = NULL;
    kh_status_t st = list_combine(&b->must, KH_OP_AND, &must, err);
    if (!st)
        st = list_combine(&b->should, KH_OP_OR, &should, err);
    if (!st && must && should) {
        kh_query_t *pair[] = {must, should};
        st = kh_query_combine(KH_OP_AND_MAYBE, pair, 2, 0, &main, err);
    } else if (!st) {
        main = must ? must : should;
        must = should = NULL;
    }
    kh_query_free(must);
    kh_query_free(should);

    /* Filters: each field's values OR'd, the fields AND'd. */
    query_list_t filters = {0};
    for (size_t f = 0; !st && f <= KH_FIELD_DATE; f++) {
        kh_query_t *q = NULL;
        st = list_combine(&b->field_filter[f], f == KH_FIELD_TITLE ? KH_OP_AND : KH_OP_OR, &q, err);
        if (!st && q)
            st = list_push(&filters, q, err);
    }
    kh_query_t *filter = NULL;
    if (!st)
        st = list_combine(&filters, KH_OP_AND, &filter, err);
    list_free(&filters);

    /* Only filters or only exclusions: every passage they allow, in index order. */
    if (!st && !main && (filter || b->must_not.n))
        st = kh_query_match_all(&main, err);
    if (!st && main && filter) {
        kh_query_t *pair[] = {main, filter};
        st = kh_query_combine(KH_OP_FILTER, pair, 2, 0, &tmp, err);
        kh_query_free(main);
        main = tmp;
    }
    kh_query_free(filter);
    kh_query_t *exclude = NULL;
    if (!st)
        st = list_combine(&b->must_not, KH_OP_OR, &exclude, err);
    if (!st && main && exclude) {
        kh_query_t *pair[] = {main, exclude};
        st = kh_query_combine(KH_OP_AND_NOT, pair, 2, 0, &tmp, err);
        kh_query_free(main);
        main = tmp;
    }
    kh_query_free(exclude);
    if (st) {
        kh_query_free(main);
        return st;
    }
    *out = main;
    return KH_OK;
}

static kh_status_t check_stamp(kh_db_t *db, const char *path, const char *key, const char *want,
                               kh_error_t *err)
{
    char *have = NULL;
    kh_status_t st = kh_db_get_metadata(db, key, &have, err);
    if (st)
        return st;
    if (have[0] == '\0')
        st = kh_error_set(err, KH_ERR_DB_VERSION, "%s: not a khabar index (no '%s' stamp)", path,
                          key);
    else if (strcmp(have, want) != 0)
        st = kh_error_set(err, KH_ERR_DB_VERSION,
                          "%s: index has %s '%s' but this searcher reads '%s': re-index it", path,
                          key, have, want);
    free(have);
    return st;
}

kh_status_t kh_searcher_open(const char *path, kh_searcher_t **out, kh_error_t *err)
{
    *out = NULL;
    kh_searcher_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    kh_status_t st = kh_db_open(path, KH_DB_READ_ONLY, &s->db, err);
    if (!st)
        st = check_stamp(s->db, path, KH_META_SCHEMA, KH_SCHEMA_VERSION, err);
    if (!st)
        st = check_stamp(s->db, path, KH_META_ANALYZER, kh_analyzer_version(), err);
    if (!st)
        st = kh_analyzer_new(&s->analyzer, err);
    if (st) {
        kh_searcher_close(s);
        return st;
    }
    *out = s;
    return KH_OK;
}

void kh_searcher_close(kh_searcher_t *s)
{
    if (!s)
        return;
    kh_db_close(s->db);
    kh_analyzer_free(s->analyzer);
    free(s->path);
    free(s);
}

void kh_results_free(kh_results_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].storage);
        free(r->items[i].highlights);
    }
    free(r->items);
    r->items = NULL;
    r->n = 0;
}

typedef struct highlight_ctx {
    const build_t *b;
    kh_result_t *result;
    size_t cap;
    int failed;
} highlight_ctx_t;

static int mark_if_matched(void *ctx, const kh_token_t *tok)
{
    highlight_ctx_t *hc = ctx;
    const char *key = tok->term;
    if (!hc->b->n_positive || !bsearch(&key, hc->b->positive, hc->b->n_positive,
                                       sizeof *hc->b->positive, compare_strings))
        return 0;
    kh_result_t *r = hc->result;
    if (r->n_highlights == hc->cap) {
        size_t cap = hc->cap ? 2 * hc->cap : 8;
        kh_span_t *spans = realloc(r->highlights, cap * sizeof *spans);
        if (!spans) {
            hc->failed = 1;
            return 1;
        }
        r->highlights = spans;
        hc->cap = cap;
    }
    r->highlights[r->n_highlights++] = (kh_span_t){tok->start, tok->end};
    return 0;
}

/* Reads the hits of an mset into results, with highlights. */
static kh_status_t collect(build_t *b, kh_mset_t *mset, kh_results_t *out, kh_error_t *err)
{
    size_t n = kh_mset_size(mset);
    out->items = n ? calloc(n, sizeof *out->items) : NULL;
    if (n && !out->items)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < n; i++) {
        kh_result_t *r = &out->items[i];
        kh_hit_t hit;
        const char *data;
        size_t len;
        st = kh_mset_hit(mset, i, &hit, err);
        if (!st)
            st = kh_mset_data(mset, i, &data, &len, err);
        if (!st)
            st = kh_passage_data_decode(data, len, &r->data, &r->storage, err);
        if (st)
            break;
        out->n++;
        r->rank = (unsigned)i + 1;
        r->score = hit.weight;
        highlight_ctx_t hc = {b, r, 0, 0};
        st = kh_analyzer_run(b->s->analyzer, r->data.text, strlen(r->data.text), mark_if_matched,
                             &hc, err);
        if (!st && hc.failed)
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    return st;
}

static kh_status_t run_once(build_t *b, const kh_query_t *query, kh_results_t *out, kh_error_t *err)
{
    kh_enquire_t *e = NULL;
    kh_mset_t *mset = NULL;
    const kh_search_opts_t *o = b->opts;
    kh_status_t st = kh_enquire_new(b->s->db, &e, err);
    if (!st)
        st = kh_enquire_set_query(e, query, err);
    if (!st)
        st = kh_enquire_set_bm25(e, o->k1, 0.0, 1.0, o->b, 0.5, err);
    if (!st && o->per_article)
        st = kh_enquire_set_collapse_key(e, KH_SLOT_ARTICLE_ID, 1, err);
    if (!st)
        st = kh_enquire_get_mset(e, 0, o->limit, 0, &mset, err);
    if (!st) {
        out->estimated = kh_mset_matches_estimated(mset);
        st = collect(b, mset, out, err);
    }
    kh_mset_free(mset);
    kh_enquire_free(e);
    return st;
}

kh_status_t kh_searcher_run(kh_searcher_t *s, const char *query, const kh_search_opts_t *opts,
                            kh_results_t *out, kh_error_t *err)
{
    out->items = NULL;
    out->n = 0;
    out->estimated = 0;
    kh_parsed_query_t parsed;
    kh_status_t st = kh_query_parse(query, strlen(query), &parsed, err);
    if (st)
        return st;

    build_t b = {.s = s, .opts = opts, .err = err};
    for (size_t i = 0; !st && i < parsed.n; i++) {
        const kh_clause_t *c = &parsed.clauses[i];
        st = c->field == KH_FIELD_TEXT || c->field == KH_FIELD_TITLE ? text_clause(&b, query, c)
                                                                     : filter_clause(&b, query, c);
    }
    kh_parsed_query_free(&parsed);
    kh_query_t *xq = NULL;
    if (!st)
        st = assemble(&b, &xq, err);
    if (!st && b.n_positive)
        qsort(b.positive, b.n_positive, sizeof *b.positive, compare_strings);

    for (int attempt = 0; !st && xq; attempt++) {
        st = run_once(&b, xq, out, err);
        if (st != KH_ERR_DB_MODIFIED || attempt == MODIFIED_RETRIES)
            break;
        /* A writer committed while we read: see its new revision and ask again. */
        kh_results_free(out);
        st = kh_db_reopen(s->db, err);
    }
    if (st)
        kh_results_free(out);
    kh_query_free(xq);
    build_free(&b);
    return st;
}
