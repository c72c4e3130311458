/*
 * feedback.c - pseudo-relevance feedback (feedback.h).
 */
#include "feedback.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"
#include "khabar/schema.h"
#include "khabar/terms.h"
#include "explain.h"
#include "weight.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A term of the feedback passages, with what its expansion weight needs. */
typedef struct candidate {
    char *term;
    unsigned wdf;  /* in the passage being read */
    unsigned docs; /* feedback passages that contain it (r) */
    double within; /* sum over them of (k+1) wdf / (k len/avg + wdf) */
    double weight;
    unsigned df; /* passages of the index that contain it */
} candidate_t;

typedef struct candidates {
    candidate_t *items;
    size_t n, cap;
    size_t first;     /* items[first..n) come from the passage being read */
    unsigned doc_len; /* its length as the index counts it */
    unsigned total;   /* passages in the index */
    const kh_feedback_t *f;
} candidates_t;

static kh_status_t count_token(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)tok;
    (void)err;
    ((candidates_t *)ctx)->doc_len++;
    return KH_OK;
}

static kh_status_t add_candidate(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    candidates_t *c = ctx;
    c->doc_len++;
    const char *key = tok->term;
    if (c->f->n_query_terms && bsearch(&key, c->f->query_terms, c->f->n_query_terms,
                                       sizeof *c->f->query_terms, compare_strings))
        return KH_OK; /* the query's own words */
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        candidate_t *items = realloc(c->items, cap * sizeof *items);
        if (!items)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        c->items = items;
        c->cap = cap;
    }
    char *term = strdup(tok->term);
    if (!term)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    c->items[c->n++] = (candidate_t){.term = term, .wdf = 1, .docs = 1};
    return KH_OK;
}

static int by_term(const void *a, const void *b)
{
    return strcmp(((const candidate_t *)a)->term, ((const candidate_t *)b)->term);
}

/* Heaviest first; equal weights by term, so that the choice never depends on storage order. */
static int by_weight(const void *a, const void *b)
{
    const candidate_t *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    return strcmp(x->term, y->term);
}

/*
 * Sorts items[from..n) by term and merges the entries of each term: one
 * passage's tokens into a wdf, or several passages' candidates into one.
 */
static void merge_runs(candidates_t *c, size_t from, int per_passage)
{
    if (c->n - from < 2)
        return; /* nothing to merge (and items may still be NULL) */
    qsort(c->items + from, c->n - from, sizeof *c->items, by_term);
    size_t kept = from;
    for (size_t i = from; i < c->n; i++) {
        candidate_t *last = kept > from ? &c->items[kept - 1] : NULL;
        if (last && strcmp(last->term, c->items[i].term) == 0) {
            if (per_passage) {
                last->wdf++;
            } else {
                last->docs += c->items[i].docs;
                last->within += c->items[i].within;
            }
            free(c->items[i].term);
        } else {
            c->items[kept++] = c->items[i];
        }
    }
    c->n = kept;
}

/*
 * The expansion terms of the feedback hits 0..n-1 of mset, best first,
 * weighed as Xapian's ESet does (TradEWeight: Robertson and Sparck Jones's
 * relevance weight of the term, times its within-passage frequency with
 * k = 1). Computed here rather than with kh_enquire_expand() so that every
 * statistic is exact over shards, local or remote (document count, term
 * frequencies, lengths): Xapian 1.4's ESet approximates term frequencies
 * over several databases. A passage's terms are those of its text through the same analyzer
 * that indexed it; its length, as the index counts it, adds the title's
 * words that every passage but the title carries (writer.c).
 */
static kh_status_t feedback_terms(const kh_feedback_t *f, const kh_results_t *top, size_t n,
                                  candidates_t *c, kh_error_t *err)
{
    kh_db_t *db = f->db;
    kh_status_t st = kh_db_doc_count(db, &c->total, err);
    for (size_t i = 0; !st && i < n; i++) {
        const kh_passage_data_t *passage = &top->items[i].data;
        c->first = c->n;
        c->doc_len = 0;
        st = kh_analyzer_run(f->analyzer, passage->text, strlen(passage->text), add_candidate, c,
                             err);
        if (!st && kh_schema_carries_title(passage->kind) && passage->title)
            st = kh_analyzer_run(f->analyzer, passage->title, strlen(passage->title), count_token,
                                 c, err);
        if (st)
            break;
        merge_runs(c, c->first, 1);
        double norm = c->doc_len / KH_IMPACT_AVGLEN; /* the index's weights' norm (schema.h) */
        for (size_t k = c->first; k < c->n; k++)
            c->items[k].within = 2.0 * c->items[k].wdf / (norm + c->items[k].wdf);
    }
    if (st)
        return st;
    merge_runs(c, 0, 0); /* the same term from several passages: one candidate */
    if (c->n == 0)
        return KH_OK;
    /* All the frequencies in one call: one exchange per remote shard. */
    const char **terms = malloc(c->n * sizeof *terms);
    unsigned *dfs = malloc(c->n * sizeof *dfs);
    if (!terms || !dfs)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !st && i < c->n; i++)
        terms[i] = c->items[i].term;
    if (!st)
        st = kh_db_term_freqs(db, terms, c->n, dfs, err);
    double big_n = c->total, big_r = (double)n;
    for (size_t i = 0; !st && i < c->n; i++) {
        candidate_t *x = &c->items[i];
        unsigned df = dfs[i];
        x->df = df;
        double r = x->docs;
        double tw = (r + 0.5) * (big_n - df - big_r + r + 0.5) /
                    ((big_r - r + 0.5) * ((double)df - r + 0.5));
        if (tw < 2)
            tw = tw * 0.5 + 1; /* as Xapian: keeps the logarithm positive */
        x->weight = x->within * log(tw);
    }
    free(terms);
    free(dfs);
    if (!st && c->n > 1)
        qsort(c->items, c->n, sizeof *c->items, by_weight);
    return st;
}

/* Result positions by docid, for walking postings in docid order. */
typedef struct by_docid {
    unsigned docid;
    size_t at;
} by_docid_t;

static int compare_docids(const void *a, const void *b)
{
    unsigned x = ((const by_docid_t *)a)->docid, y = ((const by_docid_t *)b)->docid;
    return x < y ? -1 : x > y;
}

/*
 * Over the network the wdfs are not read from the terms' postings: Xapian
 * 1.4's remote protocol sends a whole posting list when one is opened, in
 * messages of a few postings each, and a posting list costs a round trip
 * per term and shard, one shard after the other. The first 100 ARCD
 * questions over the 99 MB news corpus in two shards on local
 * xapian-tcpsrv (`searcher --batch`, -j 1): 14.2-15.9 s with postings for
 * terms in up to 2,000 passages, the rest from term lists read after their
 * documents; 5.6-6.8 s with each term list read in one round trip. Term
 * lists read over several connections to each shard at once
 * (kh_db_documents_term_wdfs) still cost the servers a term frequency
 * lookup for every term of every passage, most of a query's time; they are
 * now read with matches restricted to the passages (kh_db_passage_wdfs:
 * two exchanges, every shard at once), when every passage's id is known
 * (the search read their data: search.c), else from the term lists.
 */

/* The terms whose wdfs are wanted, and where they go. */
typedef struct wdf_rows {
    const candidate_t *terms;
    size_t n_terms, depth; /* wdfs[t * depth + i] */
    unsigned *wdfs;
    const unsigned *docids; /* ascending, of the depth passages */
} wdf_rows_t;

static int note_wdf(void *ctx, size_t i, const char *term, unsigned wdf)
{
    wdf_rows_t *rows = ctx;
    for (size_t t = 0; t < rows->n_terms; t++)
        if (strcmp(rows->terms[t].term, term) == 0)
            rows->wdfs[t * rows->depth + i] = wdf;
    return 0;
}

static int compare_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

static int note_wdfs(void *ctx, unsigned docid, const unsigned *wdfs)
{
    wdf_rows_t *rows = ctx;
    const unsigned *at = bsearch(&docid, rows->docids, rows->depth, sizeof docid, compare_unsigned);
    for (size_t t = 0; at && t < rows->n_terms; t++)
        rows->wdfs[t * rows->depth + (size_t)(at - rows->docids)] = wdfs[t];
    return 0;
}

/* A candidate's term and its place among the candidates. */
typedef struct term_at {
    const char *term;
    size_t at;
} term_at_t;

static int compare_term_at(const void *a, const void *b)
{
    return strcmp(((const term_at_t *)a)->term, ((const term_at_t *)b)->term);
}

/* One passage's counts of the terms, and its length, as count_term() reads them. */
typedef struct passage_count {
    const term_at_t *terms; /* in byte order */
    size_t n_terms;
    unsigned *counts; /* by the terms' places */
    unsigned len;
} passage_count_t;

static kh_status_t count_term(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    passage_count_t *pc = ctx;
    pc->len++;
    term_at_t key = {tok->term, 0};
    const term_at_t *t = bsearch(&key, pc->terms, pc->n_terms, sizeof key, compare_term_at);
    if (t)
        pc->counts[t->at]++;
    return KH_OK;
}

static kh_status_t count_length(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)tok;
    (void)err;
    ((passage_count_t *)ctx)->len++;
    return KH_OK;
}

/*
 * Over remote shards, when every passage's text was read (search.c reads
 * the first KH_FEEDBACK_DEPTH with their articles' records), the wdfs are
 * counted here rather than asked of the shards: a passage's terms are what
 * the indexer's analyzer makes of its text, each weighed by
 * kh_schema_impact() of its count and the passage's length, which adds the
 * title's words on every passage but the title (indexer/document.c). The
 * same wdfs as kh_db_passage_wdfs() for the top 50 of every ARCD question
 * over 2 shards, without its two exchanges with every shard. passages[i]
 * is docids[i]'s.
 */
static kh_status_t count_wdfs(const kh_feedback_t *f, const candidate_t *terms, size_t n_terms,
                              const kh_passage_data_t *const *passages, size_t depth,
                              unsigned *wdfs, kh_error_t *err)
{
    term_at_t order[KH_FEEDBACK_MAX_TERMS];
    unsigned counts[KH_FEEDBACK_MAX_TERMS];
    for (size_t t = 0; t < n_terms; t++)
        order[t] = (term_at_t){terms[t].term, t};
    qsort(order, n_terms, sizeof *order, compare_term_at);
    passage_count_t pc = {order, n_terms, counts, 0};
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < depth; i++) {
        const kh_passage_data_t *p = passages[i];
        memset(counts, 0, n_terms * sizeof *counts);
        pc.len = 0;
        st = kh_analyzer_run(f->analyzer, p->text, strlen(p->text), count_term, &pc, err);
        if (!st && kh_schema_carries_title(p->kind) && p->title)
            st = kh_analyzer_run(f->analyzer, p->title, strlen(p->title), count_length, &pc, err);
        for (size_t t = 0; !st && t < n_terms; t++)
            wdfs[t * depth + i] = counts[t] ? kh_schema_impact(counts[t], pc.len) : 0;
    }
    return st;
}

/*
 * The wdfs of terms[0..n_terms) in docids[0..depth) (ascending; passages[i]
 * the data of docids[i], or NULL when not read) into wdfs[t * depth + i], 0
 * where a passage lacks the term: from the terms' postings (skip_to), but
 * over the network as the comments above say.
 */
static kh_status_t read_wdfs(const kh_feedback_t *f, const candidate_t *terms, size_t n_terms,
                             const unsigned *docids, const kh_passage_data_t *const *passages,
                             size_t depth, unsigned *wdfs, kh_error_t *err)
{
    kh_db_t *db = f->db;
    kh_status_t st = KH_OK;
    memset(wdfs, 0, n_terms * depth * sizeof *wdfs);
    if (!kh_db_is_remote(db)) {
        for (size_t t = 0; !st && t < n_terms; t++)
            st = kh_db_wdfs(db, terms[t].term, docids, depth, wdfs + t * depth, err);
        return st;
    }
    wdf_rows_t rows = {terms, n_terms, depth, wdfs, docids};
    int known = 1, text = 1;
    for (size_t i = 0; i < depth; i++) {
        known &= passages[i] != NULL;
        text &= passages[i] && passages[i]->text;
    }
    if (!known)
        return kh_db_documents_term_wdfs(db, docids, depth, note_wdf, &rows, err);
    if (text)
        return count_wdfs(f, terms, n_terms, passages, depth, wdfs, err);
    const char *ids[KH_FEEDBACK_DEPTH];
    for (size_t i = 0; i < depth; i++)
        ids[i] = passages[i]->passage_id;
    char id_terms[KH_FEEDBACK_DEPTH][KH_TERM_MAX];
    const char *id_list[KH_FEEDBACK_DEPTH], *term_list[KH_FEEDBACK_MAX_TERMS];
    for (size_t i = 0; !st && i < depth; i++) {
        st = kh_terms_passage(ids[i], id_terms[i], err);
        id_list[i] = id_terms[i];
    }
    for (size_t t = 0; t < n_terms; t++)
        term_list[t] = terms[t].term;
    if (!st)
        st = kh_db_passage_wdfs(db, term_list, n_terms, id_list, depth, note_wdfs, &rows, err);
    return st;
}

/*
 * The second ranking of pseudo-relevance feedback over the first one's
 * results: each gains, for every expansion term it holds, what the
 * ranking's weighting (kh_term_weight) gives that term at its scale, which
 * is the weight the query AND_MAYBE the scaled terms would give the
 * passage. Only the first ranking's results are reweighed: running the
 * expanded query over the whole index tripled the time of a search for the
 * same figures (tests/bench/README.md).
 */
static kh_status_t reweigh(const kh_feedback_t *f, const candidates_t *c, kh_results_t *out,
                           kh_error_t *err)
{
    const kh_search_opts_t *o = f->opts;
    size_t n_terms = 0, depth = out->n < KH_FEEDBACK_DEPTH ? out->n : KH_FEEDBACK_DEPTH;
    while (n_terms < c->n && n_terms < o->prf_terms && n_terms < KH_FEEDBACK_MAX_TERMS &&
           c->items[n_terms].weight > 0)
        n_terms++;
    if (n_terms == 0 || depth == 0)
        return KH_OK;
    by_docid_t order[KH_FEEDBACK_DEPTH];
    unsigned docids[KH_FEEDBACK_DEPTH], wdfs[KH_FEEDBACK_MAX_TERMS * KH_FEEDBACK_DEPTH];
    const kh_passage_data_t *passages[KH_FEEDBACK_DEPTH];
    for (size_t i = 0; i < depth; i++)
        order[i] = (by_docid_t){out->items[i].docid, i};
    qsort(order, depth, sizeof *order, compare_docids);
    for (size_t i = 0; i < depth; i++) {
        const kh_result_t *r = &out->items[order[i].at];
        docids[i] = order[i].docid;
        passages[i] = r->storage ? &r->data : NULL;
    }
    kh_status_t st = read_wdfs(f, c->items, n_terms, docids, passages, depth, wdfs, err);
    for (size_t t = 0; !st && t < n_terms; t++) {
        const candidate_t *x = &c->items[t];
        double scale = o->prf_weight * x->weight / c->items[0].weight;
        double idf = kh_bm25_idf(x->df, c->total);
        if (f->explain)
            st = kh_explain_add_feedback(f->explain, x->term, x->df, scale, idf, err);
        for (size_t i = 0; i < depth; i++) {
            unsigned wdf = wdfs[t * depth + i];
            if (wdf)
                out->items[order[i].at].score += kh_term_weight(idf * scale, wdf);
        }
    }
    return st;
}

/* Best score first; equal scores keep the first ranking's order. */
static int by_score(const void *a, const void *b)
{
    const kh_result_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

kh_status_t kh_feedback_apply(const kh_feedback_t *f, kh_results_t *out, size_t n_top,
                              kh_error_t *err)
{
    candidates_t c = {.f = f};
    kh_status_t st = n_top ? feedback_terms(f, out, n_top, &c, err) : KH_OK;
    if (!st && c.n)
        st = reweigh(f, &c, out, err);
    for (size_t i = 0; i < c.n; i++)
        free(c.items[i].term);
    free(c.items);
    if (!st && out->n > 1)
        qsort(out->items, out->n < KH_FEEDBACK_DEPTH ? out->n : KH_FEEDBACK_DEPTH,
              sizeof *out->items, by_score);
    return st;
}
