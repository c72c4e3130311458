/* qsort_r (glibc) sorts a passage's terms with its buffer as context. */
#define _GNU_SOURCE
#include "document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"
#include "khabar/schema.h"
#include "khabar/terms.h"

/*
 * Every term occurrence of one passage, counted once the passage is
 * complete: a term's wdf is its weight in the passage (kh_schema_impact), which
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
        st = kh_doc_add_term(
            doc, term, kh_schema_impact((unsigned)(j - i), (unsigned)(bag->n - bag->n_keys)), err);
        i = j;
    }
    bag->len = bag->n = bag->n_keys = 0;
    return st;
}

struct kh_builder {
    kh_analyzer_t *analyzer;
    kh_passage_opts_t opts;
    kh_doc_t **docs; /* one per passage of the current article, handed to kh_prepared_t */
    size_t docs_cap;
    char **title_terms; /* the current article's title stems, for the S prefix */
    size_t n_title_terms, title_terms_cap;
    term_bag_t bag;                            /* the terms of the passage being built */
    unsigned long arabic_tokens, latin_tokens; /* to guess a missing lang */
};

struct kh_prepared {
    char *id;
    kh_doc_t **docs; /* one per passage, in passage order */
    size_t n;
};

kh_status_t kh_builder_new(const kh_passage_opts_t *opts, kh_builder_t **out, kh_error_t *err)
{
    *out = NULL;
    kh_builder_t *b = calloc(1, sizeof *b);
    if (!b)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    b->opts = opts ? *opts : kh_passage_opts_default();
    kh_status_t st = kh_analyzer_new(&b->analyzer, err);
    if (st) {
        kh_builder_free(b);
        return st;
    }
    *out = b;
    return KH_OK;
}

static void clear_title_terms(kh_builder_t *b)
{
    for (size_t i = 0; i < b->n_title_terms; i++)
        free(b->title_terms[i]);
    b->n_title_terms = 0;
}

void kh_builder_free(kh_builder_t *b)
{
    if (!b)
        return;
    kh_analyzer_free(b->analyzer);
    for (size_t i = 0; i < b->docs_cap; i++)
        kh_doc_free(b->docs[i]);
    free(b->docs);
    clear_title_terms(b);
    free(b->title_terms);
    free(b->bag.text);
    free(b->bag.at);
    free(b);
}

static kh_status_t ensure_docs(kh_builder_t *b, size_t n, kh_error_t *err)
{
    if (n > b->docs_cap) {
        kh_doc_t **docs = realloc(b->docs, n * sizeof *docs);
        if (!docs)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        b->docs = docs;
        for (size_t i = b->docs_cap; i < n; i++)
            b->docs[i] = NULL;
        b->docs_cap = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (!b->docs[i]) {
            kh_status_t st = kh_doc_new(&b->docs[i], err);
            if (st)
                return st;
        } else {
            kh_doc_clear(b->docs[i]);
        }
    }
    return KH_OK;
}

/*
 * One word of a passage into the builder's bag, and its phonetic key
 * (schema.h: XNA, XNL). No positions (schema.h): the searcher checks phrases
 * on the text. They were 136 of a compact index's 308 MB and 41% of the
 * indexing time.
 */
static kh_status_t add_posting(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    kh_builder_t *b = ctx;
    if (tok->script == KH_SCRIPT_ARABIC)
        b->arabic_tokens++;
    else if (tok->script == KH_SCRIPT_LATIN)
        b->latin_tokens++;
    if (bag_add(&b->bag, tok->term, tok->term_len))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    if (!tok->key_len)
        return KH_OK;
    char term[KH_TERM_MAX];
    if (bag_add(&b->bag, term, kh_terms_key(tok->script, tok->key, term)))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    b->bag.n_keys++;
    return KH_OK;
}

static kh_status_t collect_title_term(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    kh_builder_t *b = ctx;
    if (b->n_title_terms == b->title_terms_cap) {
        size_t cap = b->title_terms_cap ? 2 * b->title_terms_cap : 16;
        char **terms = realloc(b->title_terms, cap * sizeof *terms);
        if (!terms)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        b->title_terms = terms;
        b->title_terms_cap = cap;
    }
    char term[KH_TERM_MAX];
    kh_terms_title(tok->term, term);
    if (!(b->title_terms[b->n_title_terms] = strdup(term)))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    b->n_title_terms++;
    return KH_OK;
}

/*
 * Every passage but the title itself carries its article's title stems,
 * weighed as its own words are (schema.h), so that the searcher can weigh
 * "this passage's article is about the query" (searcher/plan.c, --title-weight): a
 * paragraph that says "he" still answers "when was X born". arcd nDCG@10
 * 0.819 -> 0.837, cranfield 0.342 -> 0.367, kaiflematha 0.947 -> 0.949.
 * The title passage keeps them boolean (for title: only): it has the words
 * themselves, and weighing them twice ranked bare titles first (arcd 0.825
 * instead of 0.837).
 */
static kh_status_t add_title_terms(kh_builder_t *b, const kh_passage_t *p, kh_doc_t *doc,
                                   kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < b->n_title_terms; i++) {
        const char *term = b->title_terms[i];
        if (!kh_schema_carries_title(p->kind))
            st = kh_doc_add_boolean_term(doc, term, err);
        else if (bag_add(&b->bag, term, strlen(term)))
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    return st;
}

/*
 * Sticky helpers (FTS5's rc pattern): each does nothing once *st is set, so
 * a document's terms and values are added in one sequence checked once.
 */
static void add_boolean(kh_doc_t *doc, const char *term, kh_status_t *st, kh_error_t *err)
{
    if (!*st && term[0])
        *st = kh_doc_add_boolean_term(doc, term, err);
}

static void add_prefixed(kh_doc_t *doc, kh_status_t (*make)(const char *, char *, kh_error_t *),
                         const char *value, kh_status_t *st, kh_error_t *err)
{
    char term[KH_TERM_MAX];
    if (!*st)
        *st = make(value, term, err);
    add_boolean(doc, term, st, err);
}

static void set_value(kh_doc_t *doc, unsigned slot, const char *value, kh_status_t *st,
                      kh_error_t *err)
{
    if (!*st)
        *st = kh_doc_set_value(doc, slot, value, strlen(value), err);
}

/* "ARTICLE#N": a passage's id, its Q term without the prefix. */
static void make_passage_id(char out[KH_TERM_MAX], const kh_article_t *a, const kh_passage_t *p)
{
    snprintf(out, KH_TERM_MAX, "%s%c%u", a->id, KH_PASSAGE_ID_SEP, p->ordinal);
}

/* Everything a passage's document gets besides its words. */
static kh_status_t finish_doc(const kh_article_t *a, const kh_passage_t *p, kh_doc_t *doc,
                              const char *lang, const char *section_term, const char *date8,
                              kh_error_t *err)
{
    char passage_id[KH_TERM_MAX], ordinal[16];
    make_passage_id(passage_id, a, p);
    snprintf(ordinal, sizeof ordinal, "%06u", p->ordinal);
    char lang_term[KH_TERM_MAX] = "", day[KH_TERM_MAX], month[KH_TERM_MAX], year[KH_TERM_MAX];
    if (lang[0])
        kh_terms_lang(lang, lang_term);
    kh_terms_date_terms(date8, day, month, year);

    kh_status_t st = KH_OK;
    add_prefixed(doc, kh_terms_passage, passage_id, &st, err);
    add_prefixed(doc, kh_terms_article, a->id, &st, err);
    add_prefixed(doc, kh_terms_kind, kh_kind_name(p->kind), &st, err);
    add_boolean(doc, lang_term, &st, err);
    add_boolean(doc, section_term, &st, err);
    add_boolean(doc, day, &st, err);
    add_boolean(doc, month, &st, err);
    add_boolean(doc, year, &st, err);
    set_value(doc, KH_SLOT_ARTICLE_ID, a->id, &st, err);
    set_value(doc, KH_SLOT_DATE, date8, &st, err);
    set_value(doc, KH_SLOT_ORDINAL, ordinal, &st, err);
    return st;
}

/* Every passage's document data: the article's text is stored once (schema.h). */
static kh_status_t set_data(kh_builder_t *b, const kh_article_t *a, const kh_passage_t *passages,
                            size_t n, kh_error_t *err)
{
    kh_passage_data_t *data = calloc(n, sizeof *data);
    char(*ids)[KH_TERM_MAX] = calloc(n, sizeof *ids);
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
        st = kh_schema_article_data_encode(data, n, encoded, encoded_len, err);
    for (size_t i = 0; !st && i < n; i++)
        st = kh_doc_set_data(b->docs[i], encoded[i], encoded_len[i], err);
    for (size_t i = 0; encoded && i < n; i++)
        free(encoded[i]);
    free(encoded);
    free(encoded_len);
    free(ids);
    free(data);
    return st;
}

/* Builds every document of an article in b->docs[0..n). */
static kh_status_t build_docs(kh_builder_t *b, const kh_article_t *a, const kh_passage_t *passages,
                              size_t n, kh_error_t *err)
{
    kh_status_t st = ensure_docs(b, n, err);
    if (st)
        return st;

    clear_title_terms(b);
    if (a->title)
        st = kh_analyzer_run(b->analyzer, a->title, strlen(a->title), collect_title_term, b, err);
    if (st)
        return st;

    /* A section too long for a term is still shown, just not filterable. */
    char section_term[KH_TERM_MAX] = "";
    if (a->section && kh_terms_section(b->analyzer, a->section, strlen(a->section), section_term))
        section_term[0] = '\0';

    b->arabic_tokens = b->latin_tokens = 0;
    for (size_t i = 0; i < n; i++) {
        st = kh_analyzer_run(b->analyzer, passages[i].text, strlen(passages[i].text), add_posting,
                             b, err);
        if (!st)
            st = add_title_terms(b, &passages[i], b->docs[i], err);
        if (!st)
            st = bag_flush(&b->bag, b->docs[i], err);
        if (st) {
            b->bag.len = b->bag.n = 0;
            return st;
        }
    }

    /* A missing lang is guessed from the scripts of the article's words. */
    const char *lang = a->lang && a->lang[0]                                     ? a->lang
                       : b->arabic_tokens >= b->latin_tokens && b->arabic_tokens ? "ar"
                       : b->latin_tokens                                         ? "en"
                                                                                 : "";
    char date8[9];
    kh_terms_date(a->date, date8);
    for (size_t i = 0; !st && i < n; i++)
        st = finish_doc(a, &passages[i], b->docs[i], lang, section_term, date8, err);
    if (!st)
        st = set_data(b, a, passages, n, err);
    return st;
}

kh_status_t kh_builder_build(kh_builder_t *b, const kh_article_t *a, kh_prepared_t **out,
                             kh_error_t *err)
{
    *out = NULL;
    kh_passage_t *passages = NULL;
    size_t n = 0;
    kh_status_t st = kh_article_passages(a, &b->opts, &passages, &n, err);
    if (!st)
        st = build_docs(b, a, passages, n, err);
    kh_passages_free(passages, n);
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
        p->docs[i] = b->docs[i];
        b->docs[i] = NULL;
    }
    p->n = n;
    *out = p;
    return KH_OK;
}

const char *kh_prepared_id(const kh_prepared_t *p)
{
    return p->id;
}

size_t kh_prepared_passages(const kh_prepared_t *p)
{
    return p ? p->n : 0;
}

kh_doc_t *const *kh_prepared_docs(const kh_prepared_t *p)
{
    return p->docs;
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
