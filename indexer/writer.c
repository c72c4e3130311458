/* qsort_r (glibc) sorts a passage's terms with its buffer as context. */
#define _GNU_SOURCE
#include "writer.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"
#include "khabar/index.h"
#include "khabar/schema.h"
#include "khabar/terms.h"
#include "khabar/xdb.h"

#define TERM_MAX KH_TERM_MAX

/*
 * The ids seen in this run, to report an id given twice ("the last one wins,
 * said once"). Open addressing over FNV-1a; grows at half load.
 */
typedef struct id_set {
    char **slots;
    size_t cap, len;
} id_set_t;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Inserts id; returns 1 if it was new, 0 if already there, -1 on no memory. */
static int id_set_insert(id_set_t *set, const char *id)
{
    if (2 * (set->len + 1) > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 1024;
        char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i])
                continue;
            size_t j = fnv1a(set->slots[i]) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t j = fnv1a(id) & (set->cap - 1);
    for (; set->slots[j]; j = (j + 1) & (set->cap - 1))
        if (strcmp(set->slots[j], id) == 0)
            return 0;
    if (!(set->slots[j] = strdup(id)))
        return -1;
    set->len++;
    return 1;
}

static void id_set_free(id_set_t *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i]);
    free(set->slots);
}

/*
 * Every term occurrence of one passage, counted once the passage is
 * complete: a term's wdf is its weight in the passage (kh_impact), which
 * needs the passage's length. The terms are kept in one buffer, reused from
 * passage to passage.
 */
typedef struct term_bag {
    char *text; /* NUL-terminated terms, one after the other */
    size_t len, cap;
    size_t *at; /* where each occurrence starts in text (text may move as it grows) */
    size_t n, n_cap;
    size_t n_keys; /* of the n, phonetic keys: not words, not counted in the length */
} term_bag_t;

static int bag_add(term_bag_t *bag, const char *term, size_t term_len)
{
    size_t need = term_len + 1;
    if (bag->len + need > bag->cap) {
        size_t cap = bag->cap ? 2 * bag->cap : 4096;
        while (cap < bag->len + need)
            cap *= 2;
        char *text = realloc(bag->text, cap);
        if (!text)
            return 1;
        bag->text = text;
        bag->cap = cap;
    }
    if (bag->n == bag->n_cap) {
        size_t n_cap = bag->n_cap ? 2 * bag->n_cap : 512;
        size_t *at = realloc(bag->at, n_cap * sizeof *at);
        if (!at)
            return 1;
        bag->at = at;
        bag->n_cap = n_cap;
    }
    bag->at[bag->n++] = bag->len;
    memcpy(bag->text + bag->len, term, term_len);
    bag->text[bag->len + term_len] = '\0';
    bag->len += need;
    return 0;
}

/* Orders occurrences by their terms; text is the bag's (qsort_r: analysers run on threads). */
static int by_term(const void *a, const void *b, void *text)
{
    return strcmp((const char *)text + *(const size_t *)a, (const char *)text + *(const size_t *)b);
}

/* Adds each distinct term of the bag to doc with its weight, and empties the bag. */
static kh_status_t bag_flush(term_bag_t *bag, kh_doc_t *doc, kh_error_t *err)
{
    if (bag->n > 1)
        qsort_r(bag->at, bag->n, sizeof *bag->at, by_term, bag->text);
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < bag->n;) {
        const char *term = bag->text + bag->at[i];
        size_t j = i + 1;
        while (j < bag->n && strcmp(term, bag->text + bag->at[j]) == 0)
            j++;
        st = kh_doc_add_term(doc, term,
                             kh_impact((unsigned)(j - i), (unsigned)(bag->n - bag->n_keys)), err);
        i = j;
    }
    bag->len = bag->n = bag->n_keys = 0;
    return st;
}

struct kh_writer {
    kh_db_t *db;
    kh_analyzer_t *analyzer;
    kh_writer_opts_t opts;
    kh_writer_stats_t stats;     /* so far, the open batch included */
    kh_writer_stats_t committed; /* as of the last commit: what the index holds */
    unsigned in_batch;           /* articles written in the open transaction */
    int transaction;             /* a batch transaction is open */
    id_set_t seen;
    kh_doc_t **docs; /* one reusable document per passage of the current article */
    size_t docs_cap;
    char **title_terms; /* the current article's title stems, for the S prefix */
    size_t n_title_terms, title_terms_cap;
    term_bag_t bag;                            /* the terms of the passage being built */
    unsigned long arabic_tokens, latin_tokens; /* to guess a missing lang */
};

kh_writer_opts_t kh_writer_opts_default(void)
{
    kh_writer_opts_t o;
    o.batch_articles = KH_WRITER_BATCH_DEFAULT;
    o.passage = kh_passage_opts_default();
    return o;
}

kh_status_t kh_writer_open(const char *path, const kh_writer_opts_t *opts, kh_writer_t **out,
                           kh_error_t *err)
{
    *out = NULL;
    kh_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    w->opts = opts ? *opts : kh_writer_opts_default();
    if (w->opts.batch_articles == 0)
        w->opts.batch_articles = KH_WRITER_BATCH_DEFAULT;
    kh_status_t st = KH_OK;
    if (path)
        st = kh_index_open_write(path, &w->db, err);
    if (!st)
        st = kh_analyzer_new(&w->analyzer, err);
    if (st) {
        kh_writer_close(w, 0, NULL);
        return st;
    }
    *out = w;
    return KH_OK;
}

static kh_status_t ensure_docs(kh_writer_t *w, size_t n, kh_error_t *err)
{
    if (n > w->docs_cap) {
        kh_doc_t **docs = realloc(w->docs, n * sizeof *docs);
        if (!docs)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        w->docs = docs;
        for (size_t i = w->docs_cap; i < n; i++)
            w->docs[i] = NULL;
        w->docs_cap = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (!w->docs[i]) {
            kh_status_t st = kh_doc_new(&w->docs[i], err);
            if (st)
                return st;
        } else {
            kh_doc_clear(w->docs[i]);
        }
    }
    return KH_OK;
}

/* A word's phonetic key (schema.h: XNA, XNL) into the bag. */
static kh_status_t add_key(kh_writer_t *w, const kh_token_t *tok, kh_error_t *err)
{
    char term[TERM_MAX];
    int n = snprintf(term, sizeof term, "%s%s",
                     tok->script == KH_SCRIPT_ARABIC ? KH_PREFIX_KEY_ARABIC : KH_PREFIX_KEY_LATIN,
                     tok->key);
    if (bag_add(&w->bag, term, (size_t)n))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    w->bag.n_keys++;
    return KH_OK;
}

/*
 * One word of a passage into the writer's bag. No positions (schema.h): the
 * searcher checks phrases on the text. They were 136 of a compact index's
 * 308 MB and 41% of the indexing time.
 */
static kh_status_t add_posting(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    kh_writer_t *w = ctx;
    if (tok->script == KH_SCRIPT_ARABIC)
        w->arabic_tokens++;
    else if (tok->script == KH_SCRIPT_LATIN)
        w->latin_tokens++;
    if (bag_add(&w->bag, tok->term, tok->term_len))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    return tok->key_len ? add_key(w, tok, err) : KH_OK;
}

static kh_status_t collect_title_term(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    kh_writer_t *w = ctx;
    if (w->n_title_terms == w->title_terms_cap) {
        size_t cap = w->title_terms_cap ? 2 * w->title_terms_cap : 16;
        char **terms = realloc(w->title_terms, cap * sizeof *terms);
        if (!terms)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        w->title_terms = terms;
        w->title_terms_cap = cap;
    }
    char term[TERM_MAX];
    snprintf(term, sizeof term, "%s%s", KH_PREFIX_TITLE, tok->term);
    if (!(w->title_terms[w->n_title_terms] = strdup(term)))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    w->n_title_terms++;
    return KH_OK;
}

static void clear_title_terms(kh_writer_t *w)
{
    for (size_t i = 0; i < w->n_title_terms; i++)
        free(w->title_terms[i]);
    w->n_title_terms = 0;
}

/*
 * Every passage but the title itself carries its article's title stems,
 * weighed as its own words are (schema.h), so that the searcher can weigh
 * "this passage's article is about the query" (search.c, --title-weight): a
 * paragraph that says "he" still answers "when was X born". arcd nDCG@10
 * 0.819 -> 0.837, cranfield 0.342 -> 0.367, kaiflematha 0.947 -> 0.949.
 * The title passage keeps them boolean (for title: only): it has the words
 * themselves, and weighing them twice ranked bare titles first (arcd 0.825
 * instead of 0.837).
 */
static kh_status_t add_title_terms(kh_writer_t *w, const kh_passage_t *p, kh_doc_t *doc,
                                   kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < w->n_title_terms; i++) {
        const char *term = w->title_terms[i];
        if (p->kind == KH_KIND_TITLE)
            st = kh_doc_add_boolean_term(doc, term, err);
        else if (bag_add(&w->bag, term, strlen(term)))
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    return st;
}

static kh_status_t add_boolean(kh_doc_t *doc, const char *prefix, const char *value,
                               kh_error_t *err)
{
    char term[TERM_MAX];
    if ((size_t)snprintf(term, sizeof term, "%s%s", prefix, value) >= sizeof term)
        return kh_error_set(err, KH_ERR_ARG, "term %s%.40s... is too long", prefix, value);
    return kh_doc_add_boolean_term(doc, term, err);
}

/* "ARTICLE#N": a passage's id, its Q term without the prefix. */
static void make_passage_id(char out[TERM_MAX], const kh_article_t *a, const kh_passage_t *p)
{
    snprintf(out, TERM_MAX, "%s%c%u", a->id, KH_PASSAGE_ID_SEP, p->ordinal);
}

/* Everything a passage's document gets besides its words. */
static kh_status_t finish_doc(const kh_article_t *a, const kh_passage_t *p, kh_doc_t *doc,
                              const char *lang, const char *section_term, const char *date8,
                              kh_error_t *err)
{
    char passage_id[TERM_MAX], ordinal[16];
    make_passage_id(passage_id, a, p);
    snprintf(ordinal, sizeof ordinal, "%06u", p->ordinal);

    kh_status_t st = add_boolean(doc, KH_PREFIX_PASSAGE, passage_id, err);
    if (!st)
        st = add_boolean(doc, KH_PREFIX_ARTICLE, a->id, err);
    if (!st)
        st = add_boolean(doc, KH_PREFIX_KIND, kh_kind_name(p->kind), err);
    if (!st && lang[0]) {
        char lang_term[TERM_MAX];
        kh_terms_lang(lang, lang_term);
        st = kh_doc_add_boolean_term(doc, lang_term, err);
    }
    if (!st && section_term[0])
        st = kh_doc_add_boolean_term(doc, section_term, err);
    if (!st && date8[0]) {
        char part[9];
        st = add_boolean(doc, KH_PREFIX_DATE, date8, err);
        snprintf(part, sizeof part, "%.6s", date8);
        if (!st)
            st = add_boolean(doc, KH_PREFIX_MONTH, part, err);
        snprintf(part, sizeof part, "%.4s", date8);
        if (!st)
            st = add_boolean(doc, KH_PREFIX_YEAR, part, err);
    }
    if (!st)
        st = kh_doc_set_value(doc, KH_SLOT_ARTICLE_ID, a->id, strlen(a->id), err);
    if (!st)
        st = kh_doc_set_value(doc, KH_SLOT_DATE, date8, strlen(date8), err);
    if (!st)
        st = kh_doc_set_value(doc, KH_SLOT_ORDINAL, ordinal, strlen(ordinal), err);
    if (st)
        return st;

    return KH_OK;
}

/* Every passage's document data: the article's text is stored once (schema.h). */
static kh_status_t set_data(kh_writer_t *w, const kh_article_t *a, const kh_passage_t *passages,
                            size_t n, kh_error_t *err)
{
    kh_passage_data_t *data = calloc(n, sizeof *data);
    char(*ids)[TERM_MAX] = calloc(n, sizeof *ids);
    char **encoded = calloc(n, sizeof *encoded);
    size_t *encoded_len = calloc(n, sizeof *encoded_len);
    kh_status_t st =
        data && ids && encoded && encoded_len ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !st && i < n; i++) {
        const kh_passage_t *p = &passages[i];
        const kh_related_t *rel = p->kind == KH_KIND_RELATED ? p->related : NULL;
        make_passage_id(ids[i], a, p);
        data[i] = (kh_passage_data_t){
            .kind = p->kind,
            .passage_id = ids[i],
            .article_id = a->id,
            .title = a->title,
            .url = rel && rel->url ? rel->url : a->url,
            .date = a->date,
            .section = a->section,
            .text = p->text,
        };
    }
    if (!st)
        st = kh_article_data_encode(data, n, encoded, encoded_len, err);
    for (size_t i = 0; !st && i < n; i++)
        st = kh_doc_set_data(w->docs[i], encoded[i], encoded_len[i], err);
    for (size_t i = 0; encoded && i < n; i++)
        free(encoded[i]);
    free(encoded);
    free(encoded_len);
    free(ids);
    free(data);
    return st;
}

static kh_status_t begin_batch(kh_writer_t *w, kh_error_t *err)
{
    if (w->transaction)
        return KH_OK;
    kh_status_t st = kh_db_begin_transaction(w->db, 1, err);
    if (!st)
        w->transaction = 1;
    return st;
}

kh_status_t kh_writer_commit(kh_writer_t *w, kh_error_t *err)
{
    if (!w->transaction) {
        w->committed = w->stats;
        return KH_OK;
    }
    w->transaction = 0;
    w->in_batch = 0;
    /* A failed commit leaves the database as it was before the batch. */
    kh_status_t st = kh_db_commit_transaction(w->db, err);
    if (st)
        w->stats = w->committed;
    else
        w->committed = w->stats;
    return st;
}

void kh_writer_cancel(kh_writer_t *w)
{
    if (!w)
        return;
    if (w->transaction)
        kh_db_cancel_transaction(w->db, NULL);
    w->transaction = 0;
    w->in_batch = 0;
    w->stats = w->committed;
}

/* Builds every document of an article before anything is written. */
static kh_status_t build_docs(kh_writer_t *w, const kh_article_t *a, const kh_passage_t *passages,
                              size_t n, kh_error_t *err)
{
    kh_status_t st = ensure_docs(w, n, err);
    if (st)
        return st;

    clear_title_terms(w);
    if (a->title)
        st = kh_analyzer_run(w->analyzer, a->title, strlen(a->title), collect_title_term, w, err);
    if (st)
        return st;

    /* A section too long for a term is still shown, just not filterable. */
    char section_term[TERM_MAX] = "";
    if (a->section && kh_terms_section(w->analyzer, a->section, strlen(a->section), section_term))
        section_term[0] = '\0';

    w->arabic_tokens = w->latin_tokens = 0;
    for (size_t i = 0; i < n; i++) {
        st = kh_analyzer_run(w->analyzer, passages[i].text, strlen(passages[i].text), add_posting,
                             w, err);
        if (!st)
            st = add_title_terms(w, &passages[i], w->docs[i], err);
        if (!st)
            st = bag_flush(&w->bag, w->docs[i], err);
        if (st) {
            w->bag.len = w->bag.n = 0;
            return st;
        }
    }

    /* A missing lang is guessed from the scripts of the article's words. */
    const char *lang = a->lang && a->lang[0]                                     ? a->lang
                       : w->arabic_tokens >= w->latin_tokens && w->arabic_tokens ? "ar"
                       : w->latin_tokens                                         ? "en"
                                                                                 : "";
    char date8[9];
    kh_terms_date(a->date, date8);
    for (size_t i = 0; !st && i < n; i++)
        st = finish_doc(a, &passages[i], w->docs[i], lang, section_term, date8, err);
    if (!st)
        st = set_data(w, a, passages, n, err);
    return st;
}

/* Notes id as seen in this run; *duplicate says whether it was seen before. */
static kh_status_t note_id(kh_writer_t *w, const char *id, int *duplicate, kh_error_t *err)
{
    int fresh = id_set_insert(&w->seen, id);
    if (fresh < 0)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    if (fresh == 0)
        w->stats.duplicates++;
    if (duplicate)
        *duplicate = fresh == 0;
    return KH_OK;
}

kh_status_t kh_writer_note_id(kh_writer_t *w, const char *id, int *duplicate, kh_error_t *err)
{
    return note_id(w, id, duplicate, err);
}

/* Replaces article id's passages by docs[0..n-1], inside the open batch. */
static kh_status_t write_docs(kh_writer_t *w, const char *id, kh_doc_t *const *docs, size_t n,
                              int *duplicate, kh_error_t *err)
{
    if (!w->db)
        return kh_error_set(err, KH_ERR_ARG, "this writer only prepares documents");
    kh_status_t st = note_id(w, id, duplicate, err);

    char article_term[TERM_MAX];
    snprintf(article_term, sizeof article_term, "%s%s", KH_PREFIX_ARTICLE, id);
    unsigned existing = 0;
    if (!st)
        st = begin_batch(w, err);
    if (!st)
        st = kh_db_term_freq(w->db, article_term, &existing, err);
    if (!st && existing)
        st = kh_db_delete_documents_by_term(w->db, article_term, err);
    for (size_t i = 0; !st && i < n; i++)
        st = kh_db_add_document(w->db, docs[i], NULL, err);
    if (st)
        return st;

    if (existing)
        w->stats.replaced++;
    else
        w->stats.added++;
    w->stats.passages += n;
    if (++w->in_batch >= w->opts.batch_articles)
        st = kh_writer_commit(w, err);
    return st;
}

/* Cuts article a into passages and builds their documents in w->docs[0..*n). */
static kh_status_t article_docs(kh_writer_t *w, const kh_article_t *a, size_t *n, kh_error_t *err)
{
    kh_passage_t *passages = NULL;
    *n = 0;
    kh_status_t st = kh_article_passages(a, &w->opts.passage, &passages, n, err);
    if (!st)
        st = build_docs(w, a, passages, *n, err);
    kh_passages_free(passages, *n);
    return st;
}

kh_status_t kh_writer_add(kh_writer_t *w, const kh_article_t *a, int *duplicate, kh_error_t *err)
{
    size_t n;
    kh_status_t st = article_docs(w, a, &n, err);
    if (!st)
        st = write_docs(w, a->id, w->docs, n, duplicate, err);
    return st;
}

struct kh_prepared {
    char *id;
    kh_doc_t **docs; /* one per passage, in passage order */
    size_t n;
};

kh_status_t kh_writer_prepare(kh_writer_t *w, const kh_article_t *a, kh_prepared_t **out,
                              kh_error_t *err)
{
    *out = NULL;
    size_t n;
    kh_status_t st = article_docs(w, a, &n, err);
    if (st)
        return st;
    kh_prepared_t *p = calloc(1, sizeof *p);
    if (p) {
        p->id = strdup(a->id);
        p->docs = malloc((n ? n : 1) * sizeof *p->docs);
    }
    if (!p || !p->id || !p->docs) {
        kh_prepared_free(p);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    /* The documents move to p; build_docs() makes new ones for the next article. */
    for (size_t i = 0; i < n; i++) {
        p->docs[i] = w->docs[i];
        w->docs[i] = NULL;
    }
    p->n = n;
    *out = p;
    return KH_OK;
}

size_t kh_prepared_passages(const kh_prepared_t *p)
{
    return p ? p->n : 0;
}

void kh_prepared_free(kh_prepared_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->docs && i < p->n; i++)
        kh_doc_free(p->docs[i]);
    free(p->docs);
    free(p->id);
    free(p);
}

kh_status_t kh_writer_put(kh_writer_t *w, const kh_prepared_t *p, int *duplicate, kh_error_t *err)
{
    return write_docs(w, p->id, p->docs, p->n, duplicate, err);
}

kh_status_t kh_writer_delete(kh_writer_t *w, const char *article_id, int *found, kh_error_t *err)
{
    if (!w->db)
        return kh_error_set(err, KH_ERR_ARG, "this writer only prepares documents");
    char article_term[TERM_MAX];
    snprintf(article_term, sizeof article_term, "%s%s", KH_PREFIX_ARTICLE, article_id);
    unsigned existing = 0;
    kh_status_t st = begin_batch(w, err);
    if (!st)
        st = kh_db_term_freq(w->db, article_term, &existing, err);
    if (!st && existing)
        st = kh_db_delete_documents_by_term(w->db, article_term, err);
    if (st)
        return st;
    *found = existing > 0;
    if (existing)
        w->stats.deleted++;
    if (++w->in_batch >= w->opts.batch_articles)
        st = kh_writer_commit(w, err);
    return st;
}

const kh_writer_stats_t *kh_writer_stats(const kh_writer_t *w)
{
    return &w->stats;
}

kh_status_t kh_writer_close(kh_writer_t *w, int commit, kh_error_t *err)
{
    if (!w)
        return KH_OK;
    kh_status_t st = KH_OK;
    if (commit)
        st = kh_writer_commit(w, err);
    else
        kh_writer_cancel(w);
    kh_db_close(w->db);
    kh_analyzer_free(w->analyzer);
    for (size_t i = 0; i < w->docs_cap; i++)
        kh_doc_free(w->docs[i]);
    free(w->docs);
    clear_title_terms(w);
    free(w->title_terms);
    free(w->bag.text);
    free(w->bag.at);
    id_set_free(&w->seen);
    free(w);
    return st;
}
