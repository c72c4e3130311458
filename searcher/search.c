#include "search.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "khabar/analyzer.h"
#include "khabar/display.h"
#include "khabar/index.h"
#include "khabar/similar.h"
#include "khabar/stopwords.h"
#include "khabar/terms.h"
#include "khabar/xdb.h"
#include "explain.h"
#include "feedback.h"
#include "highlight.h"
#include "phrase.h"
#include "plan.h"
#include "query.h"
#include "weight.h"

/*
 * How often a query is retried when a writer commits underneath it. From
 * the third try on it first waits (try - 2) ms, at most 50: an indexer
 * committing batches of 10 articles back to back overtook a search that
 * reads 3,600 passages (reliability_compact_search under ASan) 30 times
 * running with 20 ms pauses; the pauses, about 4 s in all, let a search
 * through between two of the writer's runs. Ties broken by passage id read
 * the tied hits' values too, which makes such a read longer: 100 tries
 * (about 4 s of pauses) ran out once in nine runs of
 * reliability_concurrent_search; 400 allow about 19 s.
 */
#define MODIFIED_RETRIES 400

static void pause_before_retry(int attempt)
{
    if (attempt < 2)
        return;
    long ms = attempt - 1 < 50 ? attempt - 1 : 50;
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * A writer's commits overtook this reader's revision. Xapian says so with
 * DatabaseModifiedError, but glass (1.4) checks a B-tree block's level
 * before its revision, so a root block freed and reused by a commit comes
 * out as DatabaseCorruptError "Expected block N to be level 1, not 0"
 * (reproduced by reliability_concurrent_search), and a hit's document,
 * which the revision of the match holds, can come out as DocNotFoundError.
 * Reopening settles it: on the latest revision a real corruption persists,
 * and is reported once the retries are spent.
 */
static int overtaken_by_writer(kh_status_t st)
{
    return st == KH_ERR_DB_MODIFIED || st == KH_ERR_DB_CORRUPT || st == KH_ERR_NOT_FOUND;
}

struct kh_searcher {
    kh_db_t *db;
    kh_analyzer_t *analyzer;
    char *path;
    kh_stopwords_t *stopwords; /* built on first use, for the lists in stop_lists */
    unsigned stop_lists;
    char *record_id, *record; /* the last article record read (attach_record) */
    size_t record_len;
    unsigned long long record_bytes; /* of all the records read: the phrase check's bound */
    struct fetched_record *fetched;  /* records read ahead at once (read_results_at_once) */
    size_t n_fetched, fetched_cap;
    int partial;                         /* a remote shard was left out (allow_partial) */
    char left_out[KH_ERROR_MESSAGE_MAX]; /* why, for the query that left it out */
};

/* An article checked against the plan's excluded query (check_hits). */
typedef struct article_verdict {
    char *id;
    int excluded; /* it holds a passage that the excluded query matches */
} article_verdict_t;

/*
 * One attempt at running a plan: what the ranking keeps across its passes
 * (the phrase check's bound is counted across them, the articles checked
 * for exclusion are remembered across them).
 */
typedef struct run {
    kh_searcher_t *s;
    const kh_search_opts_t *opts;
    const kh_plan_t *plan;
    unsigned long phrase_limit;      /* the passages the check may read (phrase_bound) */
    unsigned long phrase_checked;    /* those it read */
    unsigned long long phrase_bytes; /* and the bytes of their text and articles */
    int phrase_cut;                  /* the bound stopped the check */
    kh_explain_t *explain;           /* --explain: the terms weighed, else NULL */
    size_t ids_upto; /* over remote shards, the ranking's first so many are read (feedback) */
    article_verdict_t *verdicts; /* the articles checked (plan->excluded), sorted by id */
    size_t n_verdicts, verdicts_cap;
} run_t;

/* Frees what a run holds (its verdicts); the counts stay. */
static void run_free(run_t *run)
{
    for (size_t i = 0; i < run->n_verdicts; i++)
        free(run->verdicts[i].id);
    free(run->verdicts);
    run->verdicts = NULL;
    run->n_verdicts = run->verdicts_cap = 0;
}

/*
 * The ranking defaults, each decided on the three quality sets (nDCG@10 with
 * --per-article; arcd / kaiflematha / cranfield; tests/bench/README.md):
 *  - BM25 k1 0.6 (Xapian's 1.0 before): passages are short, and a word said
 *    twice in one is not twice as relevant; 0.843/0.956/0.389 vs
 *    0.836/0.952/0.388 at 1.0. b stays at Xapian's 0.5 (0.3-0.7 all within
 *    0.005). Both are now fixed when indexing (schema.h, kh_schema_impact).
 *  - stop words: both Arabic lists and Snowball's English list
 *    (stopwords.h); off: 0.812/0.945/0.331 vs 0.819/0.947/0.342 on their own.
 *  - title weight 0.5: 0.25 and 0.7 were within 0.003, 1.0 worse on all sets.
 *  - no proximity weight: the index keeps no positions (schema.h); NEAR of
 *    adjacent words was worth +0.001/+0.002/-0.002 when it had them.
 *  - feedback from the top result only, 20 terms at 0.3: cranfield +0.021,
 *    the Arabic sets +0.001; from 2 or more results arcd and kaiflematha
 *    lose 0.01-0.08 (their questions have one relevant passage, and the
 *    second result is usually about something else).
 */
kh_search_opts_t kh_search_opts_default(void)
{
    kh_search_opts_t o = {.limit = 10,
                          .per_article = 0,
                          .all_words = 0,
                          .stopwords = KH_STOP_DEFAULT,
                          .title_weight = 0.5,
                          .prf_docs = 1,
                          .prf_terms = 20,
                          .prf_weight = 0.3};
    return o;
}

kh_status_t kh_searcher_open(const char *path, kh_searcher_t **out, kh_error_t *err)
{
    return kh_searcher_open_timeout(path, KH_DB_REMOTE_TIMEOUT_DEFAULT, out, err);
}

kh_status_t kh_searcher_open_timeout(const char *path, double remote_timeout, kh_searcher_t **out,
                                     kh_error_t *err)
{
    *out = NULL;
    kh_searcher_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    kh_status_t st;
    for (int attempt = 0;; attempt++) {
        st = kh_index_open_read(path, remote_timeout, &s->db, err);
        /* Opened just as a writer committed: open its new revision. */
        if (!overtaken_by_writer(st) || attempt == MODIFIED_RETRIES)
            break;
    }
    if (!st)
        st = kh_analyzer_new(&s->analyzer, err);
    if (st) {
        kh_searcher_close(s);
        return st;
    }
    *out = s;
    return KH_OK;
}

/* An article record read ahead, by its passage id. */
typedef struct fetched_record {
    char *id;
    char *data;
    size_t len;
} fetched_record_t;

/* The record cache holds one revision's data: dropped whenever a query starts. */
static void forget_record(kh_searcher_t *s)
{
    free(s->record);
    free(s->record_id);
    s->record = s->record_id = NULL;
    s->record_len = 0;
    for (size_t i = 0; i < s->n_fetched; i++) {
        free(s->fetched[i].id);
        free(s->fetched[i].data);
    }
    s->n_fetched = 0;
}

void kh_searcher_close(kh_searcher_t *s)
{
    if (!s)
        return;
    kh_db_close(s->db);
    kh_analyzer_free(s->analyzer);
    kh_stopwords_free(s->stopwords);
    forget_record(s);
    free(s->fetched);
    free(s->path);
    free(s);
}

/* Frees what one result owns (not the result itself, an item of an array). */
static void free_result(kh_result_t *r)
{
    free(r->storage);
    free(r->highlights);
    free(r->title_highlights);
    for (size_t k = 0; k < r->n_contributions; k++)
        free(r->contributions[k].term);
    free(r->contributions);
}

void kh_results_free(kh_results_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free_result(&r->items[i]);
    free(r->items);
    free(r->explain);
    r->explain = NULL;
    r->items = NULL;
    r->n = 0;
}

static int first_docid(void *ctx, unsigned docid, unsigned wdf)
{
    (void)wdf;
    *(unsigned *)ctx = docid;
    return 1;
}

/*
 * Completes a passage from its article's record (schema.h): the passage
 * whose data holds the article's text, found by its unique Q term. The
 * last record read is kept, as hits of one article often come together.
 */
static kh_status_t attach_record(kh_searcher_t *s, kh_result_t *r, kh_error_t *err)
{
    if (!s->record || strcmp(s->record_id, r->data.record_id) != 0) {
        char term[KH_TERM_MAX];
        unsigned docid = 0;
        kh_doc_t *doc = NULL;
        const char *data;
        size_t len;
        const fetched_record_t *ahead = NULL;
        for (size_t i = 0; i < s->n_fetched && !ahead; i++)
            if (strcmp(s->fetched[i].id, r->data.record_id) == 0)
                ahead = &s->fetched[i];
        kh_status_t st = KH_OK;
        if (ahead) {
            data = ahead->data;
            len = ahead->len;
        } else {
            st = kh_terms_passage(r->data.record_id, term, err);
            if (!st)
                st = kh_db_postings(s->db, term, first_docid, &docid, err);
            if (!st && !docid)
                st = kh_error_set(err, KH_ERR_NOT_FOUND, "passage %s: its record %s is missing",
                                  r->data.passage_id, r->data.record_id);
            if (!st)
                st = kh_db_get_document(s->db, docid, &doc, err);
            if (!st)
                st = kh_doc_get_data(doc, &data, &len, err);
        }
        char *copy = st ? NULL : malloc(len + 1);
        char *id = st ? NULL : strdup(r->data.record_id);
        if (!st && (!copy || !id))
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
        if (!st) {
            memcpy(copy, data, len);
            free(s->record);
            free(s->record_id);
            s->record = copy;
            s->record_len = len;
            s->record_bytes += len;
            s->record_id = id;
        } else {
            free(copy);
            free(id);
        }
        kh_doc_free(doc);
        if (st)
            return st;
    }
    return kh_passage_data_attach(&r->data, &r->storage, s->record, s->record_len, err);
}

/*
 * r's passage from its document data, completed from its article's record.
 * On failure r holds nothing to free: a result being read is not yet
 * counted among the results, so nothing else would free it.
 */
static kh_status_t take_passage(kh_searcher_t *s, const char *data, size_t len, int attach,
                                kh_result_t *r, kh_error_t *err)
{
    /*
     * Every passage has data: none means Xapian found no data for the docid
     * the ranking gave, i.e. a writer replaced the passage while we read
     * (reliability_concurrent_search failed once with "passage data is
     * truncated (field 0)"); KH_ERR_NOT_FOUND has the search run again.
     */
    if (len == 0)
        return kh_error_set(err, KH_ERR_NOT_FOUND, "passage %u has no data", r->docid);
    kh_status_t st = kh_passage_data_decode(data, len, &r->data, &r->storage, err);
    if (!st && attach && r->data.record_id[0])
        st = attach_record(s, r, err);
    if (st) {
        free(r->storage);
        r->storage = NULL;
    }
    return st;
}

/* Hit i of mset into r: its passage and its weight. */
static kh_status_t read_hit(kh_searcher_t *s, kh_mset_t *mset, size_t i, kh_result_t *r,
                            kh_error_t *err)
{
    kh_hit_t hit;
    const char *data;
    size_t len;
    kh_status_t st = kh_mset_hit(mset, i, &hit, err);
    if (!st) {
        r->score = hit.weight;
        r->docid = hit.docid;
        st = kh_mset_data(mset, i, &data, &len, err);
    }
    return st ? st : take_passage(s, data, len, 1, r, err);
}

/* What read_results_at_once() reads at once, and how it went. */
typedef struct at_once {
    kh_searcher_t *s;
    kh_result_t **results; /* passages: the results being read */
    char **record_ids;     /* records: the ids wanted, of as many guessed docids */
    kh_status_t st;
    kh_error_t *err;
} at_once_t;

static int take_result(void *ctx, size_t i, const char *data, size_t len)
{
    at_once_t *a = ctx;
    a->st = take_passage(a->s, data, len, 0, a->results[i], a->err);
    return a->st != KH_OK;
}

/* Keeps a record read at a guessed docid when it is the one wanted. */
static int keep_record(void *ctx, size_t i, const char *data, size_t len)
{
    at_once_t *a = ctx;
    kh_searcher_t *s = a->s;
    kh_passage_data_t p;
    char *storage = NULL;
    int wanted = !kh_passage_data_decode(data, len, &p, &storage, NULL) && !p.record_id[0] &&
                 strcmp(p.passage_id, a->record_ids[i]) == 0;
    free(storage);
    if (!wanted)
        return 0; /* a guess that missed: attach_record() looks it up */
    if (s->n_fetched == s->fetched_cap) {
        size_t cap = s->fetched_cap ? 2 * s->fetched_cap : 16;
        fetched_record_t *items = realloc(s->fetched, cap * sizeof *items);
        if (!items)
            return 0;
        s->fetched = items;
        s->fetched_cap = cap;
    }
    fetched_record_t *f = &s->fetched[s->n_fetched];
    f->id = strdup(a->record_ids[i]);
    f->data = malloc(len + 1);
    if (!f->id || !f->data) {
        free(f->id);
        free(f->data);
        return 0;
    }
    memcpy(f->data, data, len);
    f->data[len] = '\0';
    f->len = len;
    s->n_fetched++;
    return 0;
}

/* N of passage id "ARTICLE#N", or -1. */
static long passage_number(const char *id)
{
    const char *sep = strrchr(id, KH_PASSAGE_ID_SEP);
    char *end;
    long n = sep ? strtol(sep + 1, &end, 10) : -1;
    return sep && end != sep + 1 && !*end ? n : -1;
}

/*
 * Over remote shards, the data of the first upto results not yet read, then
 * the articles' records of the first attach_upto, each step all at once
 * (kh_db_documents_data): one by one, each passage cost a round trip and
 * each record two (its Q term's postings, then its data), one shard after
 * the other. A result read without its record has its passage id only
 * (read_doc() completes it). A record's docid is
 * guessed: an article's passages are written together, in order, into one
 * shard (writer.c), so the record, passage M, is n - M passages before
 * passage n, n_shards docids apart each. A guess that does not hold the
 * record (an article written again) leaves it to attach_record()'s lookup.
 */
static kh_status_t read_results_at_once(kh_searcher_t *s, kh_results_t *out, size_t upto,
                                        size_t attach_upto, kh_error_t *err)
{
    upto = upto < out->n ? upto : out->n;
    attach_upto = attach_upto < upto ? attach_upto : upto;
    size_t n = 0;
    unsigned *docids = malloc((out->n ? out->n : 1) * sizeof *docids);
    kh_result_t **results = malloc((out->n ? out->n : 1) * sizeof *results);
    char **record_ids = calloc(out->n ? out->n : 1, sizeof *record_ids);
    at_once_t a = {s, results, record_ids, KH_OK, err};
    if (!docids || !results || !record_ids)
        a.st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !a.st && i < upto; i++)
        if (!out->items[i].storage) {
            results[n] = &out->items[i];
            docids[n++] = out->items[i].docid;
        }
    kh_status_t st = a.st;
    if (!st && n > 0) {
        st = kh_db_documents_data(s->db, docids, n, take_result, &a, err);
        if (!st)
            st = a.st;
    }
    unsigned shards = kh_db_shard_count(s->db);
    n = 0;
    for (size_t i = 0; !st && i < attach_upto; i++) {
        const kh_result_t *r = &out->items[i];
        if (!r->storage || r->data.text || !r->data.record_id[0])
            continue;
        long at = passage_number(r->data.passage_id), first = passage_number(r->data.record_id);
        if (at < 0 || first < 0 || at <= first || (unsigned long)(at - first) * shards >= r->docid)
            continue;
        unsigned guess = r->docid - (unsigned)(at - first) * shards;
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = docids[k] == guess;
        if (seen)
            continue;
        docids[n] = guess;
        record_ids[n++] = (char *)r->data.record_id;
    }
    if (!st && n)
        st = kh_db_documents_data(s->db, docids, n, keep_record, &a, err);
    for (size_t i = 0; !st && i < attach_upto; i++) {
        kh_result_t *r = &out->items[i];
        if (r->storage && !r->data.text && r->data.record_id[0])
            st = attach_record(s, r, err);
    }
    free(docids);
    free(results);
    free(record_ids);
    return st;
}

/* A passage's data by its docid into r, unless r already has it. */
static kh_status_t read_doc(kh_searcher_t *s, kh_result_t *r, int attach, kh_error_t *err)
{
    if (r->storage && attach && !r->data.text && r->data.record_id[0])
        return attach_record(s, r, err); /* read without its record (read_results_at_once) */
    if (r->storage)
        return KH_OK;
    kh_doc_t *doc = NULL;
    const char *data;
    size_t len;
    kh_status_t st = kh_db_get_document(s->db, r->docid, &doc, err);
    if (!st)
        st = kh_doc_get_data(doc, &data, &len, err);
    if (!st)
        st = take_passage(s, data, len, attach, r, err);
    kh_doc_free(doc);
    return st;
}

/*
 * Ties. Equal scores are ordered by passage id (article id, then passage
 * number), not by Xapian's document id: a passage's docid differs between
 * one database, --shards N and remote shards (shard i's document d is
 * (d-1)*N+i+1), its id does not, so every layout ranks alike, down to
 * which tied passage makes the cut-off and which passage --per-article
 * keeps. Xapian ranks by weight, then docid; read_all() fetches past the
 * hits tied at the cut-off (get_mset_past_ties) and orders each group of
 * tied hits by the passage ids in their value slots (order_hits). Asking
 * Xapian to sort by a value instead reads a value for every candidate: the
 * 200 ARCD questions over the 99 MB news corpus, -j 1, took 0.405 s of CPU
 * (median of 12 runs) against 0.310 s ordered by docid; this way, 0.320 s.
 * Xapian sorts by the article id (then docid) only when nothing is ranked
 * (filters alone: every hit ties) or for phrases (read_checked), where
 * fetching past the ties would mean reading every hit's text. Within an
 * article, docid order is passage order in every layout: its passages are
 * in one shard, written in order.
 */

/* A search of query with the ranking (weight.h) into *out; by_article:
 * equal weights by article id (see Ties above). */
static kh_status_t new_enquire(run_t *run, const kh_xquery_t *query, int collapse, int by_article,
                               kh_enquire_t **out, kh_error_t *err)
{
    kh_enquire_t *e = NULL;
    kh_status_t st = kh_enquire_new(run->s->db, &e, err);
    if (!st)
        st = kh_enquire_set_query(e, query, err);
    if (!st)
        st = kh_enquire_set_bm25(e, KH_LINEAR_K1, 0.0, 1.0, 0.0, 0.5, err);
    if (!st && by_article)
        st = kh_enquire_set_sort(e, KH_SORT_RELEVANCE_THEN_VALUE, KH_SLOT_ARTICLE_ID, 0, err);
    if (!st && collapse)
        st = kh_enquire_set_collapse_key(e, KH_SLOT_ARTICLE_ID, 1, err);
    if (st) {
        kh_enquire_free(e);
        e = NULL;
    }
    *out = e;
    return st;
}

static kh_status_t results_grow(kh_results_t *out, size_t want, kh_error_t *err)
{
    kh_result_t *items = realloc(out->items, (want ? want : 1) * sizeof *items);
    if (!items)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    out->items = items;
    return KH_OK;
}

/*
 * A score kept to 32 significant bits (about 9.6 decimal digits). Xapian
 * sums a passage's term weights in an order that depends on the shard
 * (its query tree is built from the shard's own frequencies), so equal
 * scores can differ in their last bits between one database and shards:
 * ARCD questions over the ARCD documents, ordered by weight then passage
 * id, still differed between one database and 2 shards in 6 of 1,394
 * questions, each time two passages 1 ulp apart. Kept to 32 bits, those
 * are equal again, and ordered by passage id.
 */
static double quantised(double score)
{
    if (score == 0 || !isfinite(score))
        return score;
    int exponent;
    double mantissa = frexp(score, &exponent);
    return ldexp(nearbyint(ldexp(mantissa, 32)), exponent - 32);
}

/* A hit of an mset with what orders it: quantised score, then passage id. */
typedef struct ordered_hit {
    size_t at; /* in the mset */
    unsigned docid;
    double score;
    char *key; /* tied hits only: article id [, NUL, zero-padded passage number] */
    size_t key_len;
} ordered_hit_t;

static int by_score_then_key(const void *a, const void *b)
{
    const ordered_hit_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    /* Untied hits have no key (NULL): memcmp must not be handed one, even for 0 bytes. */
    size_t common = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = common ? memcmp(x->key, y->key, common) : 0;
    if (c || x->key_len != y->key_len)
        return c ? c : x->key_len < y->key_len ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* The hits whose keys a slot's values extend (append_values). */
typedef struct key_values {
    ordered_hit_t *hits;
    const size_t *which; /* hits[which[i]] gets the i-th value */
    kh_status_t st;
    kh_error_t *err;
} key_values_t;

/*
 * Appends a value to its hit's key (after a NUL when the key has something
 * already): article id, then passage number, compare as Ties (above) says.
 */
static int append_value(void *ctx, size_t i, const char *value, size_t len)
{
    key_values_t *kv = ctx;
    ordered_hit_t *h = &kv->hits[kv->which[i]];
    size_t sep = h->key ? 1 : 0;
    char *key = realloc(h->key, h->key_len + sep + len + 1);
    if (!key) {
        kv->st = kh_error_set(kv->err, KH_ERR_NOMEM, NULL);
        return 1;
    }
    if (sep)
        key[h->key_len] = '\0';
    memcpy(key + h->key_len + sep, value, len);
    h->key = key;
    h->key_len += sep + len;
    return 0;
}

/*
 * Appends the value in slot of hits[which[0..n)] to their keys, all read
 * in one call: over remote shards a round trip each, one after the other,
 * cost a query with many ties (news repeats headlines) more than its match.
 */
static kh_status_t append_values(kh_mset_t *mset, ordered_hit_t *hits, size_t *which, size_t n,
                                 unsigned slot, kh_error_t *err)
{
    key_values_t kv = {hits, which, KH_OK, err};
    for (size_t i = 0; i < n; i++)
        which[n + i] = hits[which[i]].at; /* the mset's positions, after the hits' */
    kh_status_t st = n ? kh_mset_values(mset, which + n, n, slot, append_value, &kv, err) : KH_OK;
    return st ? st : kv.st;
}

static int same_score_and_key(const ordered_hit_t *x, const ordered_hit_t *y)
{
    return x->score == y->score && x->key && y->key && x->key_len == y->key_len &&
           memcmp(x->key, y->key, x->key_len) == 0;
}

/*
 * The mset's hits in the order of their quantised scores, then passage
 * ids, into *out (n of them; free with free_hits). Only tied hits have
 * their article ids read, and passage numbers only those of one article
 * that tie (news repeats related headlines: the 200 ARCD questions over
 * the news corpus read some 4,000 article ids).
 */
/* A tied hit's key from its passage, read already: article id, NUL, passage number as the slot. */
static kh_status_t key_from_passage(ordered_hit_t *h, const kh_passage_data_t *p, kh_error_t *err)
{
    size_t len = strlen(p->article_id);
    char *key = malloc(len + 1 + 24);
    if (!key)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    memcpy(key, p->article_id, len + 1);
    h->key = key;
    h->key_len = len + 1 + (size_t)sprintf(key + len + 1, "%06ld", passage_number(p->passage_id));
    return KH_OK;
}

static kh_status_t order_hits(kh_mset_t *mset, const kh_result_t *read, size_t n_read, size_t keep,
                              ordered_hit_t **out, size_t *n_out, kh_error_t *err)
{
    size_t n = kh_mset_size(mset), n_tied = 0;
    ordered_hit_t *hits = calloc(n ? n : 1, sizeof *hits);
    size_t *tied = malloc(2 * (n ? n : 1) * sizeof *tied); /* see append_values */
    kh_status_t st = hits && tied ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !st && i < n; i++) {
        kh_hit_t hit;
        st = kh_mset_hit(mset, i, &hit, err);
        if (!st)
            hits[i] = (ordered_hit_t){i, hit.docid, quantised(hit.weight), NULL, 0};
    }
    /* Groups of ties past the hits kept (keep) leave them as they are: not read. */
    for (size_t i = 0; !st && i < keep && i < n;) {
        size_t end = i + 1;
        while (end < n && hits[end].score == hits[i].score)
            end++;
        for (size_t k = i; !st && end - i > 1 && k < end; k++) {
            if (k < n_read && read[k].storage)
                st = key_from_passage(&hits[k], &read[k].data, err);
            else
                tied[n_tied++] = k;
        }
        i = end;
    }
    if (!st)
        st = append_values(mset, hits, tied, n_tied, KH_SLOT_ARTICLE_ID, err);
    if (!st)
        qsort(hits, n, sizeof *hits, by_score_then_key);
    /* Passages of one article with equal scores: by passage number. */
    n_tied = 0;
    for (size_t i = 0; !st && i < n;) {
        size_t end = i + 1;
        while (end < n && same_score_and_key(&hits[i], &hits[end]))
            end++;
        for (size_t k = i; end - i > 1 && k < end; k++)
            tied[n_tied++] = k;
        i = end;
    }
    if (!st)
        st = append_values(mset, hits, tied, n_tied, KH_SLOT_ORDINAL, err);
    if (!st && n_tied)
        qsort(hits, n, sizeof *hits, by_score_then_key);
    free(tied);
    *out = hits;
    *n_out = n;
    return st;
}

static void free_hits(ordered_hit_t *hits, size_t n)
{
    for (size_t i = 0; hits && i < n; i++)
        free(hits[i].key);
    free(hits);
}

/*
 * Excluded articles (plan.c, exclude_articles): Xapian's query leaves out
 * the passages that hold an excluded word and the articles with it in their
 * title; whether another passage of a result's article holds it is checked
 * here, for the results about to be returned only, a batch of them with one
 * search: (XA<id> OR ...) FILTER excluded, collapsed on the article. Each
 * article's verdict is remembered for the rest of the run.
 */
#define EXCLUDED_BATCH_MAX 64
#define EXCLUDED_COUNT_SAMPLE 1000

static int compare_verdict_id(const void *key, const void *item)
{
    return strcmp(key, ((const article_verdict_t *)item)->id);
}

static int compare_verdicts(const void *a, const void *b)
{
    return strcmp(((const article_verdict_t *)a)->id, ((const article_verdict_t *)b)->id);
}

static const article_verdict_t *find_verdict(const run_t *run, const char *id)
{
    if (!run->n_verdicts)
        return NULL;
    return bsearch(id, run->verdicts, run->n_verdicts, sizeof *run->verdicts, compare_verdict_id);
}

/* The article id of hit at of mset into id ("" when it has none that fits). */
static kh_status_t hit_article(kh_mset_t *mset, size_t at, char id[KH_TERM_MAX], kh_error_t *err)
{
    const char *value;
    size_t len;
    kh_status_t st = kh_mset_value(mset, at, KH_SLOT_ARTICLE_ID, &value, &len, err);
    if (st || len >= KH_TERM_MAX)
        len = 0;
    if (len)
        memcpy(id, value, len);
    id[len] = '\0';
    return st;
}

static int take_article_id(void *ctx, size_t i, const char *data, size_t len)
{
    char(*ids)[KH_TERM_MAX] = ctx;
    kh_passage_data_t p;
    char *storage = NULL;
    ids[i][0] = '\0';
    if (!kh_passage_data_decode(data, len, &p, &storage, NULL) &&
        strlen(p.article_id) < KH_TERM_MAX)
        strcpy(ids[i], p.article_id);
    free(storage);
    return 0;
}

/*
 * The article ids of the hits ats[0..n) of mset into ids[] (hit_article).
 * Over remote shards from the passages' data, read at once
 * (kh_db_documents_data): a value is a round trip per hit there.
 */
static kh_status_t hits_articles(run_t *run, kh_mset_t *mset, const size_t *ats, size_t n,
                                 char (*ids)[KH_TERM_MAX], kh_error_t *err)
{
    kh_status_t st = KH_OK;
    if (!kh_db_is_remote(run->s->db)) {
        for (size_t i = 0; !st && i < n; i++)
            st = hit_article(mset, ats[i], ids[i], err);
        return st;
    }
    unsigned *docids = malloc((n ? n : 1) * sizeof *docids);
    if (!docids)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !st && i < n; i++) {
        kh_hit_t hit;
        st = kh_mset_hit(mset, ats[i], &hit, err);
        docids[i] = hit.docid;
    }
    if (!st && n)
        st = kh_db_documents_data(run->s->db, docids, n, take_article_id, ids, err);
    free(docids);
    return st;
}

/* Adds the verdicts of ids[0..n) (distinct, unchecked): excluded when held has them. */
static kh_status_t add_verdicts(run_t *run, char (*ids)[KH_TERM_MAX], size_t n,
                                const unsigned char *held, kh_error_t *err)
{
    if (run->n_verdicts + n > run->verdicts_cap) {
        size_t cap = run->verdicts_cap ? 2 * run->verdicts_cap : 64;
        while (cap < run->n_verdicts + n)
            cap *= 2;
        article_verdict_t *items = realloc(run->verdicts, cap * sizeof *items);
        if (!items)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        run->verdicts = items;
        run->verdicts_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        char *id = strdup(ids[i]);
        if (!id)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        run->verdicts[run->n_verdicts++] = (article_verdict_t){id, held[i]};
    }
    qsort(run->verdicts, run->n_verdicts, sizeof *run->verdicts, compare_verdicts);
    return KH_OK;
}

/*
 * Which of ids[0..n) hold a passage that run->plan->excluded matches, into
 * held[] (ids distinct, not yet checked): one boolean search of their
 * article terms filtered by it, collapsed on the article.
 */
static kh_status_t find_held(run_t *run, char (*ids)[KH_TERM_MAX], size_t n, unsigned char *held,
                             kh_error_t *err)
{
    kh_xquery_t **terms = calloc(n, sizeof *terms);
    kh_xquery_t *any = NULL, *filtered = NULL, *boolean = NULL;
    kh_enquire_t *e = NULL;
    kh_mset_t *m = NULL;
    kh_status_t st = terms ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
    size_t n_terms = 0;
    for (size_t i = 0; i < n; i++)
        held[i] = 0;
    /* An id too long for a term has none: no passage could be found by it. */
    for (size_t i = 0; !st && i < n; i++) {
        char term[KH_TERM_MAX];
        if (kh_terms_article(ids[i], term, NULL) == KH_OK)
            st = kh_xquery_term(term, 1, 0, &terms[n_terms++], err);
    }
    if (!st && !n_terms) {
        free(terms);
        return KH_OK;
    }
    if (!st)
        st = kh_xquery_combine(KH_OP_OR, terms, n_terms, 0, &any, err);
    kh_xquery_t *pair[] = {any, (kh_xquery_t *)run->plan->excluded};
    if (!st)
        st = kh_xquery_combine(KH_OP_FILTER, pair, 2, 0, &filtered, err);
    /* Weight 0: nothing to weigh; the collapse keeps one passage of each article. */
    if (!st)
        st = kh_xquery_scale(filtered, 0, &boolean, err);
    if (!st)
        st = kh_enquire_new(run->s->db, &e, err);
    if (!st)
        st = kh_enquire_set_query(e, boolean, err);
    if (!st)
        st = kh_enquire_set_collapse_key(e, KH_SLOT_ARTICLE_ID, 1, err);
    if (!st)
        st = kh_enquire_get_mset(e, 0, (unsigned)n, 0, &m, err);
    size_t found = st ? 0 : kh_mset_size(m), ats[EXCLUDED_BATCH_MAX];
    char(*found_ids)[KH_TERM_MAX] = found ? malloc(found * sizeof *found_ids) : NULL;
    if (found && !found_ids)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t k = 0; k < found; k++)
        ats[k] = k;
    if (!st && found)
        st = hits_articles(run, m, ats, found, found_ids, err);
    for (size_t k = 0; !st && k < found; k++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(ids[i], found_ids[k]) == 0)
                held[i] = 1;
    free(found_ids);
    kh_mset_free(m);
    kh_enquire_free(e);
    kh_xquery_free(boolean);
    kh_xquery_free(filtered);
    kh_xquery_free(any);
    for (size_t i = 0; terms && i < n_terms; i++)
        kh_xquery_free(terms[i]);
    free(terms);
    return st;
}

/*
 * Whether the articles of the hits ats[0..n) of mset (n at most
 * EXCLUDED_BATCH_MAX) are excluded, into excluded[]: those not checked yet
 * are checked together (find_held).
 */
static kh_status_t check_hits(run_t *run, kh_mset_t *mset, const size_t *ats, size_t n,
                              unsigned char *excluded, kh_error_t *err)
{
    char(*ids)[KH_TERM_MAX] = malloc((n ? n : 1) * sizeof *ids);
    char(*unknown)[KH_TERM_MAX] = malloc((n ? n : 1) * sizeof *unknown);
    unsigned char held[EXCLUDED_BATCH_MAX];
    size_t n_unknown = 0;
    kh_status_t st = ids && unknown ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
    if (!st)
        st = hits_articles(run, mset, ats, n, ids, err);
    for (size_t i = 0; !st && i < n; i++) {
        int seen = !ids[i][0] || find_verdict(run, ids[i]);
        for (size_t k = 0; !seen && k < n_unknown; k++)
            seen = strcmp(unknown[k], ids[i]) == 0;
        if (!st && !seen)
            memcpy(unknown[n_unknown++], ids[i], KH_TERM_MAX);
    }
    if (!st && n_unknown)
        st = find_held(run, unknown, n_unknown, held, err);
    if (!st && n_unknown)
        st = add_verdicts(run, unknown, n_unknown, held, err);
    for (size_t i = 0; !st && i < n; i++) {
        const article_verdict_t *v = find_verdict(run, ids[i]);
        excluded[i] = v && v->excluded;
    }
    free(ids);
    free(unknown);
    return st;
}

/* asked + more hits (at least want), UINT_MAX at most. */
static unsigned deeper(unsigned asked, unsigned want, double more)
{
    double next = (double)asked + more;
    if (next < want)
        next = want;
    return next >= UINT_MAX ? UINT_MAX : (unsigned)next;
}

/*
 * Leaves out of hits[0..*n) those whose article is excluded, checked in
 * order a batch at a time until upto are kept; the hits after those are
 * dropped unchecked. *checked gets the number of hits looked at.
 */
static kh_status_t drop_excluded(run_t *run, kh_mset_t *mset, ordered_hit_t *hits, size_t *n,
                                 size_t upto, size_t *checked, kh_error_t *err)
{
    size_t kept = 0, i = 0;
    kh_status_t st = KH_OK;
    while (!st && i < *n && kept < upto) {
        /* As many as are still wanted: most are kept. */
        size_t batch = upto - kept < 8 ? 8 : upto - kept;
        if (batch > EXCLUDED_BATCH_MAX)
            batch = EXCLUDED_BATCH_MAX;
        if (batch > *n - i)
            batch = *n - i;
        size_t ats[EXCLUDED_BATCH_MAX];
        unsigned char excluded[EXCLUDED_BATCH_MAX];
        for (size_t k = 0; k < batch; k++)
            ats[k] = hits[i + k].at;
        st = check_hits(run, mset, ats, batch, excluded, err);
        for (size_t k = 0; !st && k < batch && kept < upto; k++, i++) {
            if (excluded[k]) {
                free(hits[i].key);
                hits[i].key = NULL;
            } else {
                hits[kept++] = hits[i];
            }
        }
    }
    *checked = i;
    for (size_t k = i; k < *n; k++)
        free(hits[k].key);
    *n = kept;
    return st;
}

/* Hits past the wanted ones fetched to see a tie to its end; beyond, Xapian sorts. */
#define TIES_MAX 4096

/*
 * The mset of the best want hits and a few more: enough that every hit
 * whose quantised score ties the last wanted one's is in it, so that the
 * passage id decides which of them make the cut, not their docids or the
 * last bits of their weights. When nothing is ranked (weight 0: every hit
 * ties) or the tie goes on past TIES_MAX hits, Xapian sorts the ties by
 * article id itself.
 */
static kh_status_t get_mset_past_ties(kh_enquire_t *e, unsigned want, unsigned check_at_least,
                                      kh_mset_t **out, kh_error_t *err)
{
    unsigned margin = 8;
    int by_article = 0;
    for (;;) {
        unsigned max = want > UINT_MAX - margin ? UINT_MAX : want + margin;
        kh_status_t st = kh_enquire_get_mset(e, 0, max, check_at_least, out, err);
        if (st || want == 0 || by_article || kh_mset_size(*out) < max || max == UINT_MAX)
            return st;
        kh_hit_t cut, last;
        st = kh_mset_hit(*out, want - 1, &cut, err);
        if (!st)
            st = kh_mset_hit(*out, max - 1, &last, err);
        if (st || quantised(last.weight) != quantised(cut.weight))
            return st;
        kh_mset_free(*out);
        *out = NULL;
        if (cut.weight == 0 || margin >= TIES_MAX) {
            st = kh_enquire_set_sort(e, KH_SORT_RELEVANCE_THEN_VALUE, KH_SLOT_ARTICLE_ID, 0, err);
            if (st)
                return st;
            by_article = 1;
            margin = 0;
        } else {
            margin *= 4;
        }
    }
}

/* Passages read ahead (read_ahead()), at their mset positions. */
typedef struct ahead {
    kh_searcher_t *s;
    kh_result_t *read;
    kh_status_t st;
    kh_error_t *err;
} ahead_t;

static int take_ahead(void *ctx, size_t i, const char *data, size_t len)
{
    ahead_t *a = ctx;
    a->st = take_passage(a->s, data, len, 0, &a->read[i], a->err);
    return a->st != KH_OK;
}

/*
 * Over remote shards, the passages of the mset's first hits, all at once
 * (kh_db_documents_data), before they are ordered: the first upto of the
 * keep kept and the rest of their last group of ties, whose keys are then
 * their passages' ids instead of value reads of their own (order_hits), a
 * round trip or two fewer. *read[i] is mset hit i (*n_read of them).
 */
static kh_status_t read_ahead(kh_searcher_t *s, kh_mset_t *mset, size_t keep, size_t upto,
                              kh_result_t **read, size_t *n_read, kh_error_t *err)
{
    size_t n = kh_mset_size(mset), end = upto < keep ? upto : keep;
    *read = NULL;
    *n_read = 0;
    if (end == 0)
        return KH_OK;
    kh_hit_t last, hit;
    kh_status_t st = kh_mset_hit(mset, end - 1, &last, err);
    while (!st && end < n && !(st = kh_mset_hit(mset, end, &hit, err)) &&
           quantised(hit.weight) == quantised(last.weight))
        end++;
    kh_result_t *passages = st ? NULL : calloc(end, sizeof *passages);
    unsigned *docids = st ? NULL : malloc(end * sizeof *docids);
    if (!st && (!passages || !docids))
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !st && i < end; i++) {
        st = kh_mset_hit(mset, i, &hit, err);
        passages[i].docid = docids[i] = hit.docid;
    }
    ahead_t a = {s, passages, KH_OK, err};
    if (!st)
        st = kh_db_documents_data(s->db, docids, end, take_ahead, &a, err);
    if (!st)
        st = a.st;
    free(docids);
    if (st) {
        for (size_t i = 0; passages && i < end; i++)
            free(passages[i].storage);
        free(passages);
        return st;
    }
    *read = passages;
    *n_read = end;
    return KH_OK;
}

/*
 * Whether the mset's want-th hit weighs no more than common_max, or there
 * is none: the plain query then ranks instead (rank()). The want-th result
 * has that hit's quantised weight whatever order ties take.
 */
static kh_status_t weaker_than(kh_mset_t *mset, unsigned want, double common_max, int *weaker,
                               kh_error_t *err)
{
    kh_hit_t hit;
    *weaker = kh_mset_size(mset) < want;
    kh_status_t st = *weaker ? KH_OK : kh_mset_hit(mset, want - 1, &hit, err);
    if (!st && !*weaker)
        *weaker = quantised(hit.weight) <= common_max;
    return st;
}

/*
 * Every hit of an mset, best first. Read them all from the database before
 * any highlighting: the reading is what a writer's commits can overtake, so
 * it is kept as short as it can be (reliability_concurrent_search failed
 * under ASan when highlighting ran between the reads). With too_weak, the
 * query is one with common words set aside (rank()): when its want-th hit
 * weighs no more than common_max, *too_weak is set and nothing is read, as
 * the plain query ranks instead (the first 100 ARCD questions over 2 remote
 * shards read 90 documents a query for nothing in some, in round trips).
 */
static kh_status_t read_all(run_t *run, const kh_xquery_t *query, unsigned want, size_t with_data,
                            double common_max, int *too_weak, kh_results_t *out, kh_error_t *err)
{
    kh_enquire_t *e = NULL;
    kh_mset_t *mset = NULL;
    ordered_hit_t *hits = NULL;
    size_t n = 0;
    unsigned check_at_least = run->opts->count ? KH_COUNT_EXACT_MAX : 0;
    kh_status_t st = new_enquire(run, query, run->opts->per_article, 0, &e, err);
    /*
     * With articles excluded, Xapian is asked for more hits than wanted, up
     * to half as many again by how common the excluded words are, and
     * deeper while too many were dropped (drop_excluded): a match run again
     * costs as much as the first. The first 200 ARCD questions on the news
     * corpus -السعودية (in 9.4% of the passages; 18% of the articles of
     * their results) checked 106 to 166 hits for 100 articles. A count
     * checks the first EXCLUDED_COUNT_SAMPLE hits' articles: exact when
     * they are all the matches, else its estimate's sample.
     */
    int sample = run->plan->excluded && run->opts->count;
    double share = 5 * run->plan->excluded_share;
    unsigned asked =
        run->plan->excluded ? deeper(want, want, want * (share < 0.5 ? share : 0.5) + 8) : want;
    if (sample && asked < EXCLUDED_COUNT_SAMPLE)
        asked = EXCLUDED_COUNT_SAMPLE;
    /*
     * Over remote shards the first hits are read at once before they are
     * ordered (read_ahead: their passage ids break their ties); feedback's
     * reweighing finds the first ids_upto by their passage ids (feedback.c).
     * With articles excluded, which hits are kept is known only after the
     * check: every tie is ordered, and the kept ones read after the loop.
     */
    int remote = kh_db_is_remote(run->s->db);
    size_t ids_upto = run->ids_upto > with_data ? run->ids_upto : with_data, n_read = 0;
    kh_result_t *read = NULL;
    size_t checked = 0;
    int exhausted = 0;
    for (;;) {
        if (!st)
            st = get_mset_past_ties(e, asked, check_at_least, &mset, err);
        if (!st && too_weak && want && !run->plan->excluded &&
            !(st = weaker_than(mset, want, common_max, too_weak, err)) && *too_weak)
            break;
        size_t size = st ? 0 : kh_mset_size(mset);
        size_t ordered = run->plan->excluded || size < want ? size : want;
        if (!st && remote && with_data && !run->plan->excluded)
            st = read_ahead(run->s, mset, ordered, ids_upto, &read, &n_read, err);
        if (!st)
            st = order_hits(mset, read, n_read, ordered, &hits, &n, err);
        if (st || !run->plan->excluded || !want)
            break;
        /* Every match is in the mset: check them all, the count is then exact. */
        exhausted = n < asked;
        st = drop_excluded(run, mset, hits, &n, exhausted || sample ? SIZE_MAX : want, &checked,
                           err);
        if (st || n >= want || exhausted || asked == UINT_MAX)
            break;
        /* As many more as the hits checked so far suggest, and half again. */
        double more = n ? 1.5 * (double)(want - n) * checked / n : 4.0 * asked;
        asked = deeper(asked, want, more + 8);
        free_hits(hits, n);
        hits = NULL;
        n = 0;
        kh_mset_free(mset);
        mset = NULL;
    }
    size_t keep = n < want ? n : want;
    if (!st && keep)
        st = results_grow(out, keep, err);
    for (size_t i = 0; !st && i < keep; i++) {
        kh_result_t *r = &out->items[out->n];
        *r = (kh_result_t){0};
        if (hits[i].at < n_read) {
            *r = read[hits[i].at];
            read[hits[i].at] = (kh_result_t){0};
        } else if (i < with_data && !remote) {
            st = read_hit(run->s, mset, hits[i].at, r, err);
        }
        r->score = hits[i].score;
        r->docid = hits[i].docid;
        if (!st)
            r->rank = (unsigned)++out->n;
    }
    for (size_t i = 0; i < n_read; i++)
        free_result(&read[i]);
    free(read);
    /* Feedback's passages with their records too: it counts their terms (feedback.c). */
    if (!st && remote && with_data)
        st = read_results_at_once(run->s, out, ids_upto, run->ids_upto ? ids_upto : with_data, err);
    if (!st) {
        out->estimated = kh_mset_matches_estimated(mset);
        /* Fewer matches than Xapian was told to check: it checked them all. */
        out->exact = check_at_least && out->estimated < check_at_least;
    }
    /* Some matches' articles excluded: as many as among those checked, unless all were. */
    if (!st && run->plan->excluded && want) {
        out->exact = exhausted;
        if (exhausted)
            out->estimated = n;
        else if (checked)
            out->estimated = (unsigned long long)((double)out->estimated * n / checked + 0.5);
        if (out->estimated < out->n)
            out->estimated = out->n;
    }
    free_hits(hits, n);
    kh_mset_free(mset);
    kh_enquire_free(e);
    return st;
}

/* Passage ids "ARTICLE#N" in the order of new_enquire(): article id, then N. */
static int compare_passage_ids(const kh_passage_data_t *x, const kh_passage_data_t *y)
{
    int c = strcmp(x->article_id, y->article_id);
    if (c)
        return c;
    const char *nx = strrchr(x->passage_id, KH_PASSAGE_ID_SEP);
    const char *ny = strrchr(y->passage_id, KH_PASSAGE_ID_SEP);
    unsigned long a = nx ? strtoul(nx + 1, NULL, 10) : 0, b = ny ? strtoul(ny + 1, NULL, 10) : 0;
    return a < b ? -1 : a > b;
}

/* Results read with their data: best quantised score first, then by passage id. */
static int by_score_then_passage(const void *a, const void *b)
{
    const kh_result_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return compare_passage_ids(&x->data, &y->data);
}

/* Best quantised score first, then the first ranking's order. */
static int by_score_then_rank(const void *a, const void *b)
{
    const kh_result_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int seen_article(const kh_results_t *out, const char *article_id)
{
    for (size_t i = 0; i < out->n; i++)
        if (strcmp(out->items[i].data.article_id, article_id) == 0)
            return 1;
    return 0;
}

/* The passages the phrase check may read for a query wanting want results (search.h). */
static unsigned long phrase_bound(unsigned want)
{
    unsigned long per_result = (unsigned long)want * KH_PHRASE_PER_RESULT;
    return per_result > KH_PHRASE_MAX_PASSAGES ? per_result : KH_PHRASE_MAX_PASSAGES;
}

/* Whether the phrase check has done all the work its query may cause. */
static int phrase_bound_reached(const run_t *run)
{
    return run->phrase_checked >= run->phrase_limit ||
           run->phrase_bytes >= (unsigned long long)run->phrase_limit * KH_PHRASE_BYTES_PER_PASSAGE;
}

/* Whether text holds the query's phrases and its quoted words as written (exact.h). */
static kh_status_t check_passage(run_t *run, const char *text, size_t len, int *ok, kh_error_t *err)
{
    unsigned held;
    kh_status_t st = KH_OK;
    *ok = 1;
    if (kh_phrases_count(run->plan->phrases))
        st = kh_phrases_check(run->plan->phrases, run->s->analyzer, text, len, ok, err);
    if (!st && *ok && kh_exact_required(run->plan->exact))
        st = kh_exact_check(run->plan->exact, text, len, &held, ok, err);
    return st;
}

/* read_checked's way down Xapian's ranking, a slice of hits at a time. */
typedef struct checked_scan {
    kh_enquire_t *e;
    kh_mset_t *mset;                    /* the slice being read */
    unsigned long asked;                /* the hits asked for it */
    size_t n, i;                        /* the hits it has, and those looked at */
    unsigned long long scanned, passed; /* the matches looked at, and those that passed */
    size_t window, window_end;          /* the slice's hits whose articles excluded[] holds */
    unsigned char excluded[EXCLUDED_BATCH_MAX];
} checked_scan_t;

/* The slice of hits from first on: as many as the phrase check's bound has left. */
static kh_status_t next_slice(run_t *run, checked_scan_t *sc, unsigned first, unsigned want,
                              kh_error_t *err)
{
    kh_mset_free(sc->mset);
    sc->mset = NULL;
    sc->i = sc->window = sc->window_end = 0;
    sc->asked =
        run->phrase_checked < run->phrase_limit ? run->phrase_limit - run->phrase_checked : 0;
    kh_status_t st = KH_OK;
    if (want && sc->asked)
        st = kh_enquire_get_mset(sc->e, first, (unsigned)sc->asked, 0, &sc->mset, err);
    sc->n = st || !sc->mset ? 0 : kh_mset_size(sc->mset);
    return st;
}

/* Checks the articles of the slice's hits from sc->i on, a batch: as many as are still wanted. */
static kh_status_t check_window(run_t *run, checked_scan_t *sc, size_t wanted, kh_error_t *err)
{
    size_t ats[EXCLUDED_BATCH_MAX];
    size_t batch = wanted < 8 ? 8 : wanted;
    batch = batch < EXCLUDED_BATCH_MAX ? batch : EXCLUDED_BATCH_MAX;
    sc->window = sc->i;
    sc->window_end = sc->n - sc->i < batch ? sc->n : sc->i + batch;
    for (size_t k = sc->window; k < sc->window_end; k++)
        ats[k - sc->window] = k;
    return check_hits(run, sc->mset, ats, sc->window_end - sc->window, sc->excluded, err);
}

/* Whether the slice's hit sc->i is in an excluded article (wanted: the results still wanted). */
static kh_status_t hit_excluded(run_t *run, checked_scan_t *sc, size_t wanted, int *excluded,
                                kh_error_t *err)
{
    *excluded = 0;
    if (!run->plan->excluded)
        return KH_OK;
    kh_status_t st = sc->i >= sc->window_end ? check_window(run, sc, wanted, err) : KH_OK;
    if (!st)
        *excluded = sc->excluded[sc->i - sc->window];
    return st;
}

/*
 * Reads the slice's hit sc->i into the next result of out and checks its
 * text (check_passage): ranked when it passes (--per-article: and is its
 * article's first that does), else its storage freed. The bound counts it.
 */
static kh_status_t read_and_check(run_t *run, checked_scan_t *sc, kh_results_t *out,
                                  kh_error_t *err)
{
    kh_result_t *r = &out->items[out->n];
    *r = (kh_result_t){0};
    int ok = 0;
    unsigned long long records_before = run->s->record_bytes;
    kh_status_t st = read_hit(run->s, sc->mset, sc->i, r, err);
    size_t len = st ? 0 : strlen(r->data.text);
    if (!st)
        st = check_passage(run, r->data.text, len, &ok, err);
    run->phrase_checked++;
    run->phrase_bytes += len + (run->s->record_bytes - records_before);
    sc->scanned++;
    sc->passed += !st && ok;
    if (!st && ok && !(run->opts->per_article && seen_article(out, r->data.article_id))) {
        r->rank = (unsigned)++out->n;
    } else {
        free(r->storage);
        r->storage = NULL;
    }
    return st;
}

/* The slice's hits in order, into out when they pass, until want do or the bound is reached. */
static kh_status_t check_slice(run_t *run, checked_scan_t *sc, unsigned want, kh_results_t *out,
                               kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (sc->i = 0; !st && sc->i < sc->n && out->n < want && !phrase_bound_reached(run); sc->i++) {
        int excluded = 0;
        if ((st = hit_excluded(run, sc, want - out->n, &excluded, err)) != KH_OK)
            break;
        if (excluded)
            sc->scanned++; /* a match that does not pass, not read */
        else
            st = read_and_check(run, sc, out, err);
    }
    return st;
}

/* Passages of excluded articles are not read: the bound may allow those after them. */
static int next_slice_allowed(const run_t *run, const checked_scan_t *sc, unsigned want,
                              const kh_results_t *out)
{
    return run->plan->excluded && out->n < want && sc->i == sc->n && sc->n >= sc->asked &&
           !phrase_bound_reached(run);
}

/* Whether every candidate was read: the last slice came short of what was asked, all of it read. */
static int checked_every_hit(const checked_scan_t *sc)
{
    return sc->mset && sc->n < sc->asked && sc->i == sc->n;
}

/* How many passages pass, into out: exact when every candidate was read, else as many as those
 * read suggest. */
static void count_passing(const checked_scan_t *sc, int exhausted, kh_results_t *out)
{
    unsigned long long estimated = sc->mset ? kh_mset_matches_estimated(sc->mset) : 0;
    out->exact = exhausted;
    if (exhausted)
        out->estimated = out->n;
    else if (sc->scanned)
        out->estimated = (unsigned long long)((double)estimated * sc->passed / sc->scanned + 0.5);
    if (out->estimated < out->n)
        out->estimated = out->n;
}

/* Read in Xapian's order, whose ties are exact: ranked again by quantised() score, then id. */
static void rank_by_passage_on_ties(kh_results_t *out)
{
    for (size_t i = 0; i < out->n; i++)
        out->items[i].score = quantised(out->items[i].score);
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, by_score_then_passage);
    for (size_t i = 0; i < out->n; i++)
        out->items[i].rank = (unsigned)i + 1;
}

/*
 * The best want passages that hold the query's phrases. Xapian ranks the
 * passages that have the words; they are read best first until want of
 * them pass or the query's bound (phrase_bound, counted across its passes)
 * is reached; one match asks Xapian for as many as the bound lets the check
 * read (a match of common words costs the same for 50 passages or 500, and
 * asking again in slices ran it again each time). --per-article keeps each
 * article's best passing one, which Xapian's collapse could not (it would
 * keep a better passage without the phrase and drop the article).
 */
static kh_status_t read_checked(run_t *run, const kh_xquery_t *query, unsigned want,
                                kh_results_t *out, kh_error_t *err)
{
    if (!run->phrase_limit)
        run->phrase_limit = phrase_bound(want);
    checked_scan_t scan = {0};
    kh_status_t st = new_enquire(run, query, 0, 1, &scan.e, err);
    if (!st && want)
        st = results_grow(out, want, err);
    for (unsigned first = 0; !st; first += (unsigned)scan.n) {
        st = next_slice(run, &scan, first, want, err);
        if (!st)
            st = check_slice(run, &scan, want, out, err);
        if (!next_slice_allowed(run, &scan, want, out))
            break;
    }
    int exhausted = checked_every_hit(&scan);
    if (!st && out->n < want && !exhausted)
        run->phrase_cut = 1;
    count_passing(&scan, exhausted, out);
    kh_mset_free(scan.mset);
    if (!st)
        rank_by_passage_on_ties(out);
    kh_enquire_free(scan.e);
    return st;
}

/*
 * The best want passages for query, not yet highlighted; the first
 * with_data of them read (the others have their docid and score only).
 */
static kh_status_t rank(run_t *run, const kh_xquery_t *query, unsigned want, size_t with_data,
                        kh_results_t *out, kh_error_t *err)
{
    int phrases = kh_phrases_count(run->plan->phrases) > 0 || kh_exact_required(run->plan->exact);
    const kh_xquery_t *ranked = query;
    int too_weak = 0;
    kh_status_t st = phrases ? read_checked(run, query, want, out, err)
                             : read_all(run, query, want, with_data, run->plan->common_max,
                                        run->plan->full ? &too_weak : NULL, out, err);
    /*
     * With common words set aside, a passage holding only common words
     * weighs at most common_max: the results are those of every word
     * selecting unless the last wanted one weighs no more than that. When
     * the phrase check's bound cut the first pass, there is nothing left
     * for a second: its results, the best of the passages checked, stay.
     */
    if (!st && run->plan->full && want && !run->phrase_cut &&
        (too_weak || out->n < want || out->items[want - 1].score <= run->plan->common_max)) {
        kh_results_free(out);
        ranked = run->plan->full;
        st = phrases ? read_checked(run, run->plan->full, want, out, err)
                     : read_all(run, run->plan->full, want, with_data, 0, NULL, out, err);
    } else if (run->plan->full) {
        out->exact = 0; /* counted without the passages that hold common words only */
    }
    if (!st && run->explain)
        st = kh_explain_query(run->explain, run->s->db, ranked, err);
    return st;
}

/* Keeps the first limit results, ranked from 1. */
static void truncate_results(kh_results_t *out, unsigned limit)
{
    while (out->n > limit)
        free_result(&out->items[--out->n]);
    for (size_t i = 0; i < out->n; i++)
        out->items[i].rank = (unsigned)i + 1;
}

/*
 * Pseudo-relevance feedback: the terms that best characterise the top
 * results reweigh the first ranking's best KH_FEEDBACK_DEPTH (AND_MAYBE: they
 * add weight, never matches), each scaled by its expansion weight relative
 * to the best one.
 */
static kh_status_t rank_with_feedback(run_t *run, const kh_xquery_t *query, unsigned limit,
                                      kh_results_t *out, kh_error_t *err)
{
    const kh_search_opts_t *o = run->opts;
    size_t want = o->prf_docs < 64 ? o->prf_docs : 64;
    unsigned depth = limit > KH_FEEDBACK_DEPTH ? limit : KH_FEEDBACK_DEPTH;
    run->ids_upto = KH_FEEDBACK_DEPTH;
    kh_status_t st = rank(run, query, depth, want + 1, out, err);
    run->ids_upto = 0;
    size_t n = st ? 0 : out->n;
    /*
     * Results tied across the cut are not "the top N" but an accident of
     * document ids, which differ between one database and its shards: leave
     * them all out, so that every layout of the index ranks alike.
     */
    if (n > want) {
        double cut = out->items[want].score;
        while (n > 0 && out->items[n - 1].score - cut <= 1e-9 * cut)
            n--;
        if (n > want)
            n = want;
    }
    if (n && out->items[0].score <= 0)
        n = 0; /* filters only: nothing was ranked, there is no "best" result */
    kh_feedback_t f = {run->s->db,       run->s->analyzer,   o,
                       run->plan->terms, run->plan->n_terms, run->explain};
    if (!st)
        st = kh_feedback_apply(&f, out, n, err);
    /*
     * Reweighed scores differ in their last bits between layouts as the
     * first ones do (quantised()): kept to 32 bits, equal ones keep the
     * first ranking's order, itself by passage id among equal scores.
     */
    size_t reordered = out->n < KH_FEEDBACK_DEPTH ? out->n : KH_FEEDBACK_DEPTH;
    for (size_t i = 0; !st && i < reordered; i++)
        out->items[i].score = quantised(out->items[i].score);
    if (!st && reordered > 1)
        qsort(out->items, reordered, sizeof *out->items, by_score_then_rank);
    truncate_results(out, limit);
    return st;
}

typedef struct held_result {
    kh_result_t result;
    unsigned held; /* query words held as written */
    size_t at;     /* in the ranking */
} held_result_t;

static int by_held_then_rank(const void *a, const void *b)
{
    const held_result_t *x = a, *y = b;
    if (x->held != y->held)
        return x->held < y->held ? 1 : -1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Passages holding more of a short query's words as written first, in the
 * ranking's order otherwise (exact.h); the first limit kept.
 */
static kh_status_t exact_first(run_t *run, kh_results_t *out, unsigned limit, kh_error_t *err)
{
    held_result_t *held = out->n ? malloc(out->n * sizeof *held) : NULL;
    if (out->n && !held)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_status_t st = KH_OK;
    /* Over remote shards all at once: one by one, a round trip each and two a record. */
    if (kh_db_is_remote(run->s->db))
        st = read_results_at_once(run->s, out, out->n, out->n, err);
    for (size_t i = 0; !st && i < out->n; i++) {
        kh_result_t *r = &out->items[i];
        int ok;
        st = read_doc(run->s, r, 1, err); /* the text is in the article's record */
        if (!st)
            st = kh_exact_check(run->plan->exact, r->data.text, strlen(r->data.text), &held[i].held,
                                &ok, err);
        held[i].at = i;
    }
    if (!st && out->n > 1) {
        for (size_t i = 0; i < out->n; i++)
            held[i].result = out->items[i];
        qsort(held, out->n, sizeof *held, by_held_then_rank);
        for (size_t i = 0; i < out->n; i++)
            out->items[i] = held[i].result;
    }
    free(held);
    truncate_results(out, limit);
    return st;
}

static kh_status_t run_once(run_t *run, kh_results_t *out, kh_error_t *err)
{
    const kh_search_opts_t *o = run->opts;
    const kh_plan_t *p = run->plan;
    kh_status_t st;
    /* A one-word query ranks its best KH_EXACT_DEPTH again: the word as written first. */
    /* Not with phrases or quoted words: their check's bound is per result wanted. */
    int exact = kh_exact_ranks(p->exact) && o->limit && !kh_phrases_count(p->phrases) &&
                !kh_exact_required(p->exact);
    unsigned depth = exact && o->limit < KH_EXACT_DEPTH ? KH_EXACT_DEPTH : o->limit;
    if (o->prf_weight > 0 && o->prf_docs && o->prf_terms)
        st = rank_with_feedback(run, p->query, depth, out, err);
    else
        st = rank(run, p->query, depth, o->ids_only && !exact ? 0 : depth, out, err);
    if (!st && exact)
        st = exact_first(run, out, o->limit, err);
    /* Read every hit before any highlighting (see read_all). */
    if (!st && kh_db_is_remote(run->s->db))
        st = read_results_at_once(run->s, out, out->n, o->ids_only ? 0 : out->n, err);
    for (size_t i = 0; !st && i < out->n; i++)
        st = read_doc(run->s, &out->items[i], !o->ids_only, err);
    /* --explain: what each result's terms added, read on the revision that ranked it. */
    for (size_t i = 0; !st && run->explain && i < out->n; i++)
        if (out->items[i].rank > o->offset)
            st = kh_explain_result(run->explain, run->s->db, &out->items[i], err);
    if (st || o->ids_only)
        return st;
    return kh_highlight_results(run->s->analyzer, p->terms, p->n_terms, p->keys, p->n_keys, out,
                                err);
}

/* kh_stub_fn of kh_db_drop_down_shards(): why a shard was left out, for the query's results. */
static int note_left_out(void *ctx, unsigned line, const char *spec, kh_status_t status,
                         const char *message)
{
    kh_searcher_t *s = ctx;
    (void)line;
    (void)spec;
    (void)status;
    if (!s->left_out[0])
        snprintf(s->left_out, sizeof s->left_out, "%s", message);
    return 0;
}

/*
 * After a query failed with st: whether it can run again without the
 * remote shards that stopped answering (allow_partial), which are then
 * left out of s's database. A query that failed for another reason, or
 * with no shard to leave out, cannot.
 */
static int left_out_down_shards(kh_searcher_t *s, kh_status_t st, const kh_search_opts_t *opts)
{
    unsigned dropped = 0;
    if (st != KH_ERR_NETWORK || !opts->allow_partial ||
        kh_db_drop_down_shards(s->db, &dropped, note_left_out, s, NULL) || !dropped)
        return 0;
    s->partial = 1;
    return 1;
}

/* s's stop words those of lists (stopwords.h), built when the lists change. */
static kh_status_t use_stop_lists(kh_searcher_t *s, unsigned lists, kh_error_t *err)
{
    if (lists == s->stop_lists && (!lists || s->stopwords))
        return KH_OK;
    kh_stopwords_free(s->stopwords);
    s->stopwords = NULL;
    s->stop_lists = 0;
    kh_status_t st = lists ? kh_stopwords_new(s->analyzer, lists, &s->stopwords, err) : KH_OK;
    if (!st)
        s->stop_lists = lists;
    return st;
}

/*
 * Drops the first offset results of out (the ranks before the page asked
 * for); the others keep their ranks.
 */
static void drop_before(kh_results_t *out, unsigned offset)
{
    size_t dropped = offset < out->n ? offset : out->n;
    if (!dropped)
        return;
    for (size_t i = 0; i < dropped; i++)
        free_result(&out->items[i]);
    memmove(out->items, out->items + dropped, (out->n - dropped) * sizeof *out->items);
    out->n -= dropped;
}

typedef struct word_lines {
    FILE *f;
    const char *query;
    size_t offset; /* of the clause in the query */
    const kh_stopwords_t *stopwords;
    kh_occur_t occur; /* the word's own, or MUST_NOT inside an exclusion */
    int phrase;
} word_lines_t;

/* "word W: term T[, key K][, a stop word: set aside][, excluded]" */
static kh_status_t describe_word(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    word_lines_t *w = ctx;
    fprintf(w->f, "word %.*s: term %s", (int)(tok->end - tok->start),
            w->query + w->offset + tok->start, tok->term);
    if (tok->key_len)
        fprintf(w->f, ", key %s%s",
                tok->script == KH_SCRIPT_ARABIC ? KH_PREFIX_KEY_ARABIC : KH_PREFIX_KEY_LATIN,
                tok->key);
    /* The plan keeps the stop words of phrases and of +word (README, Ranking). */
    if (w->occur == KH_OCCUR_SHOULD && !w->phrase &&
        kh_stopwords_has(w->stopwords, tok->norm, tok->norm_len))
        fputs(", a stop word", w->f);
    if (w->occur == KH_OCCUR_MUST_NOT)
        fputs(", excluded", w->f);
    fputc('\n', w->f);
    return KH_OK;
}

/* The word lines of node's text words, in query order; excluded: under a NOT. */
static kh_status_t describe_words(kh_searcher_t *s, FILE *f, const char *query,
                                  const kh_query_node_t *node, int excluded, kh_error_t *err)
{
    if (!node)
        return KH_OK;
    excluded = excluded || node->occur == KH_OCCUR_MUST_NOT;
    if (node->kind != KH_NODE_WORD) {
        kh_status_t st = KH_OK;
        for (size_t i = 0; !st && i < node->n_children; i++)
            st = describe_words(s, f, query, node->children[i], excluded, err);
        return st;
    }
    if (node->field != KH_FIELD_TEXT)
        return KH_OK;
    word_lines_t w = {f,
                      query,
                      node->start,
                      s->stopwords,
                      excluded ? KH_OCCUR_MUST_NOT : node->occur,
                      (node->flags & KH_NODE_PHRASE) != 0};
    return kh_analyzer_run(s->analyzer, query + node->start, node->end - node->start, describe_word,
                           &w, err);
}

/*
 * --explain: each word of the query's text and its term, the plan and its
 * weighed terms, in lines, into out->explain.
 */
static kh_status_t describe_run(kh_searcher_t *s, const char *query, const kh_query_tree_t *tree,
                                const kh_plan_t *plan, const kh_explain_t *explain,
                                kh_results_t *out, kh_error_t *err)
{
    size_t len = 0;
    FILE *f = open_memstream(&out->explain, &len);
    if (!f)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_status_t st = describe_words(s, f, query, tree->root, 0, err);
    if (!st)
        st = kh_plan_describe(plan, f, err);
    if (!st)
        st = kh_explain_describe(explain, f, err);
    if (fclose(f) && !st)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    return st;
}

/* The parser's notes, then the plan's, into out->notes, one a line. */
static void gather_notes(kh_results_t *out, const kh_query_tree_t *tree, const kh_plan_t *plan)
{
    size_t used = 0, dropped = tree->notes_dropped + plan->notes_dropped;
    const char(*lists[])[KH_QUERY_NOTE_MAX] = {tree->notes, plan->notes};
    const size_t counts[] = {tree->n_notes, plan->n_notes};
    out->notes[0] = '\0';
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < counts[l]; i++) {
            size_t len = strlen(lists[l][i]);
            if (used + len + 2 > sizeof out->notes) {
                dropped++;
                continue;
            }
            memcpy(out->notes + used, lists[l][i], len);
            used += len;
            out->notes[used++] = '\n';
            out->notes[used] = '\0';
        }
    if (dropped && used + 40 < sizeof out->notes)
        snprintf(out->notes + used, sizeof out->notes - used, "%zu more notes\n", dropped);
}

/*
 * The options of the search behind a page: its first offset + limit
 * results, the first offset then dropped. The same ranking, feedback from
 * the same top results, so --offset 10 -n 10 is exactly ranks 11-20 of
 * -n 20. A count reads no text and needs no feedback (it adds weight,
 * never matches).
 */
static kh_search_opts_t page_search(const kh_search_opts_t *asked)
{
    kh_search_opts_t page = *asked;
    page.limit += asked->offset;
    if (page.count) {
        page.ids_only = 1;
        page.prf_weight = 0;
    }
    return page;
}

/* s's stop lists set for opts and query parsed into *tree (freed by the caller on KH_OK). */
static kh_status_t parse_query(kh_searcher_t *s, const char *query, const kh_search_opts_t *opts,
                               kh_query_tree_t *tree, kh_error_t *err)
{
    kh_status_t st = use_stop_lists(s, opts->stopwords, err);
    if (!st)
        st = kh_query_parse_tree(query, strlen(query), tree, err);
    return st;
}

/* One query's search by kh_searcher_run: the plan and run of its last attempt. */
typedef struct search {
    kh_searcher_t *s;
    const char *query;
    kh_search_opts_t opts; /* page_search() */
    kh_query_tree_t tree;
    kh_plan_t plan;
    run_t run;
    kh_explain_t explain;
} search_t;

/* Builds the plan on the database as it is now and runs it, once. */
static kh_status_t attempt(search_t *search, kh_results_t *out, kh_error_t *err)
{
    kh_searcher_t *s = search->s;
    kh_plan_source_t src = {s->db, s->analyzer, s->stopwords, &search->opts, 0};
    search->run = (run_t){.s = s,
                          .opts = &search->opts,
                          .plan = &search->plan,
                          .explain = search->opts.explain ? &search->explain : NULL};
    kh_status_t st = kh_plan_build(&src, search->query, &search->tree, &search->plan, err);
    if (!st && search->plan.query)
        st = run_once(&search->run, out, err);
    return st;
}

/* Forgets what an attempt built and read, for the next. */
static void forget_attempt(search_t *search, kh_results_t *out)
{
    kh_plan_free(&search->plan);
    kh_explain_free(&search->explain);
    run_free(&search->run);
    search->run = (run_t){0};
    kh_results_free(out);
    forget_record(search->s);
}

/*
 * s's database reopened on its latest revision, after a writer's commit
 * overtook the attempt *attempt; a reopening overtaken in turn counts as
 * an attempt.
 */
static kh_status_t reopen_for_retry(kh_searcher_t *s, int *attempt, kh_error_t *err)
{
    pause_before_retry(*attempt);
    kh_status_t st;
    while ((st = kh_db_reopen(s->db, err)) != KH_OK && overtaken_by_writer(st) &&
           *attempt < MODIFIED_RETRIES)
        (*attempt)++;
    return st;
}

/*
 * A plan reads the index too (the words' frequencies: plan.h), so it
 * belongs to the revision it was built on: a writer's commit can
 * overtake its building as well as the search, and both are done again
 * on the new revision. Leaving a shard out changes the frequencies as
 * well, so the plan is built again then too.
 */
static kh_status_t attempt_until_settled(search_t *search, kh_results_t *out, kh_error_t *err)
{
    for (int tried = 0;; tried++) {
        kh_status_t st = attempt(search, out, err);
        int without_shard = left_out_down_shards(search->s, st, &search->opts);
        if (!without_shard && (!overtaken_by_writer(st) || tried == MODIFIED_RETRIES))
            return st;
        /* A writer committed while we read, or a shard was left out: ask again. */
        forget_attempt(search, out);
        if (without_shard)
            continue; /* the shards left are as they were: no reopening */
        if ((st = reopen_for_retry(search->s, &tried, err)) != KH_OK)
            return st;
    }
}

/* The page out of the search's results (st: how it ended), and --explain's lines. */
static kh_status_t page_results(const search_t *search, kh_status_t st, kh_results_t *out,
                                kh_error_t *err)
{
    if (st) {
        kh_results_free(out);
        return st;
    }
    drop_before(out, search->opts.offset);
    if (!search->plan.query)
        out->exact = 1; /* nothing can match: none does */
    if (search->opts.explain)
        st = describe_run(search->s, search->query, &search->tree, &search->plan, &search->explain,
                          out, err);
    if (st)
        kh_results_free(out);
    return st;
}

/* What the search tells besides its results: notes, the phrase check's counts, shards left out. */
static void report_search(const search_t *search, kh_results_t *out)
{
    gather_notes(out, &search->tree, &search->plan);
    out->phrase_checked = search->run.phrase_checked;
    out->phrase_cut = search->run.phrase_cut;
    out->phrases_ignored = search->plan.phrases_ignored;
    out->partial = search->s->partial;
    snprintf(out->warning, sizeof out->warning, "%s", search->s->left_out);
}

static void search_free(search_t *search)
{
    kh_explain_free(&search->explain);
    kh_query_tree_free(&search->tree);
    run_free(&search->run);
    kh_plan_free(&search->plan);
}

kh_status_t kh_searcher_run(kh_searcher_t *s, const char *query, const kh_search_opts_t *asked,
                            kh_results_t *out, kh_error_t *err)
{
    search_t search = {.s = s, .query = query, .opts = page_search(asked)};
    s->left_out[0] = '\0';
    *out = (kh_results_t){0};
    forget_record(s);
    kh_status_t st = parse_query(s, query, &search.opts, &search.tree, err);
    if (st)
        return st;
    st = page_results(&search, attempt_until_settled(&search, out, err), out, err);
    report_search(&search, out);
    search_free(&search);
    return st;
}

/*
 * Did you mean. A word unknown to the index gets the closest known term
 * that starts with the same two letters (a scan of the terms under that
 * prefix: a few thousand at most on the news corpus, so a few
 * milliseconds, paid only by a query with an unknown word), shown as the
 * word that a passage holding it writes.
 */
#define SUGGEST_MIN_CHARS 4
/* A word offered is held by at least this many passages: not another typo. */
#define SUGGEST_MIN_DF 2

typedef struct suggest_scan {
    const char *term;
    size_t max_distance;
    char best[KH_TERM_MAX];
    size_t best_distance;
    unsigned best_df;
} suggest_scan_t;

static int consider_term(void *ctx, const char *term, unsigned df)
{
    suggest_scan_t *sc = ctx;
    size_t d = kh_similar_distance(sc->term, term);
    if (d == 0 || d == (size_t)-1 || d > sc->max_distance || strlen(term) >= KH_TERM_MAX ||
        df < SUGGEST_MIN_DF)
        return 0;
    if (!sc->best[0] || d < sc->best_distance || (d == sc->best_distance && df > sc->best_df)) {
        strcpy(sc->best, term);
        sc->best_distance = d;
        sc->best_df = df;
    }
    return 0;
}

typedef struct surface {
    const char *term;
    const char *text;
    size_t start, end; /* found: end > start */
} surface_t;

static kh_status_t find_surface(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    surface_t *sf = ctx;
    if (strcmp(tok->term, sf->term) != 0)
        return KH_OK;
    sf->start = tok->start;
    sf->end = tok->end;
    return KH_STOP;
}

/* The word a passage holding term writes for it, into out (malloc'd), or NULL. */
static kh_status_t surface_of(kh_searcher_t *s, const char *term, char **out, kh_error_t *err)
{
    *out = NULL;
    kh_result_t r = {0};
    kh_status_t st = kh_db_postings(s->db, term, first_docid, &r.docid, err);
    if (st || !r.docid)
        return st;
    st = read_doc(s, &r, 1, err);
    surface_t sf = {term, NULL, 0, 0};
    if (!st && r.data.text)
        st = kh_analyzer_run(s->analyzer, r.data.text, strlen(r.data.text), find_surface, &sf, err);
    if (st == KH_STOP) /* found */
        st = KH_OK;
    if (!st && sf.end > sf.start && !(*out = strndup(r.data.text + sf.start, sf.end - sf.start)))
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    free(r.storage);
    return st;
}

typedef struct query_word {
    size_t start, end; /* in the query */
    kh_script_t script;
    char term[KH_TOKEN_FORM_MAX + 1];
    char norm[KH_TOKEN_FORM_MAX + 1];
    size_t chars;
} query_word_t;

typedef struct query_words {
    query_word_t items[16];
    size_t n, offset;
} query_words_t;

static kh_status_t collect_word(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    query_words_t *w = ctx;
    if (w->n == sizeof w->items / sizeof w->items[0])
        return KH_STOP;
    if (tok->script != KH_SCRIPT_LATIN && tok->script != KH_SCRIPT_ARABIC)
        return KH_OK;
    query_word_t *q = &w->items[w->n++];
    q->start = w->offset + tok->start;
    q->end = w->offset + tok->end;
    memcpy(q->term, tok->term, tok->term_len + 1);
    memcpy(q->norm, tok->norm, tok->norm_len + 1);
    q->script = tok->script;
    q->chars = 0;
    for (const char *p = tok->norm; *p; p++)
        q->chars += ((unsigned char)*p & 0xC0) != 0x80;
    return KH_OK;
}

/* The word a passage writes for the closest known term to w, into *word (malloc'd), or NULL. */
static kh_status_t suggestion_for(kh_searcher_t *s, const query_word_t *w, char **word,
                                  kh_error_t *err)
{
    *word = NULL;
    unsigned df = 0;
    if (w->chars < SUGGEST_MIN_CHARS)
        return KH_OK;
    kh_status_t st = kh_db_term_freq(s->db, w->term, &df, err);
    if (st || df > 0)
        return st;
    /* لماسك is ماسك to the search (add_vocabulary_form): nothing to offer. */
    char other[KH_TOKEN_FORM_MAX + 1] = "";
    if (w->script == KH_SCRIPT_ARABIC)
        st = kh_plan_stripped_form(s->analyzer, w->norm, w->term, other, err);
    if (!st && other[0])
        st = kh_db_term_freq(s->db, other, &df, err);
    if (st || df > 0)
        return st;
    /* The first two letters: one byte each in ASCII, two in Arabic. */
    size_t prefix_len = 0;
    for (int letters = 0; letters < 2 && w->term[prefix_len]; letters++)
        do
            prefix_len++;
        while (((unsigned char)w->term[prefix_len] & 0xC0) == 0x80);
    char prefix[16];
    memcpy(prefix, w->term, prefix_len);
    prefix[prefix_len] = '\0';
    /* Stems of 3 letters have too many neighbours one letter away to offer one. */
    size_t term_chars = 0;
    for (const char *p = w->term; *p; p++)
        term_chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (term_chars < SUGGEST_MIN_CHARS)
        return KH_OK;
    suggest_scan_t sc = {.term = w->term, .max_distance = term_chars <= 6 ? 1 : 2};
    st = kh_db_all_terms(s->db, prefix, consider_term, &sc, err);
    return st ? st : sc.best[0] ? surface_of(s, sc.best, word, err) : KH_OK;
}

/*
 * The words of the query under n into words: those not excluded, not word*,
 * and not quoted unless with_quoted (a quoted word is the word as written:
 * nothing to suggest for it, but the index may not know it).
 */
static kh_status_t collect_words(kh_searcher_t *s, const char *query, const kh_query_node_t *n,
                                 int with_quoted, query_words_t *words, kh_error_t *err)
{
    if (n->occur == KH_OCCUR_MUST_NOT)
        return KH_OK;
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < n->n_children; i++)
        st = collect_words(s, query, n->children[i], with_quoted, words, err);
    unsigned skipped = with_quoted ? KH_NODE_PREFIX : KH_NODE_PREFIX | KH_NODE_PHRASE;
    if (st || n->kind != KH_NODE_WORD || n->field != KH_FIELD_TEXT || (n->flags & skipped))
        return st;
    words->offset = n->start;
    st =
        kh_analyzer_run(s->analyzer, query + n->start, n->end - n->start, collect_word, words, err);
    return st == KH_STOP ? KH_OK : st; /* words is full */
}

kh_status_t kh_searcher_suggest(kh_searcher_t *s, const char *query, char **out, kh_error_t *err)
{
    if (!s || !query || !out)
        return kh_error_set(err, KH_ERR_ARG, "kh_searcher_suggest: NULL argument");
    *out = NULL;
    kh_query_tree_t tree;
    kh_status_t st = kh_query_parse_tree(query, strlen(query), &tree, err);
    if (st)
        return st == KH_ERR_QUERY ? KH_OK : st; /* the search says what is wrong */
    query_words_t words = {0};
    if (tree.root)
        st = collect_words(s, query, tree.root, 0, &words, err);
    kh_query_tree_free(&tree);
    /* The query rebuilt with each unknown word replaced. */
    char *fixed = NULL;
    size_t fixed_len = 0, copied = 0;
    FILE *f = st ? NULL : open_memstream(&fixed, &fixed_len);
    if (!st && !f)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    int changed = 0;
    for (size_t i = 0; !st && i < words.n; i++) {
        query_word_t *w = &words.items[i];
        char *word = NULL;
        st = suggestion_for(s, w, &word, err);
        if (!st && word) {
            fprintf(f, "%.*s%s", (int)(w->start - copied), query + copied, word);
            copied = w->end;
            changed = 1;
        }
        free(word);
    }
    if (f) {
        fputs(query + copied, f);
        fclose(f);
    }
    if (!st && changed)
        *out = fixed;
    else
        free(fixed);
    return st;
}

/* Whether plan's query matches a passage at all (the phrase check aside). */
static kh_status_t plan_matches(kh_searcher_t *s, const kh_plan_t *plan, int *matches,
                                kh_error_t *err)
{
    *matches = 0;
    if (!plan->query)
        return KH_OK;
    kh_enquire_t *e = NULL;
    kh_mset_t *m = NULL;
    kh_status_t st = kh_enquire_new(s->db, &e, err);
    if (!st)
        st = kh_enquire_set_query(e, plan->query, err);
    if (!st)
        st = kh_enquire_get_mset(e, 0, 1, 0, &m, err);
    *matches = !st && kh_mset_size(m) > 0;
    kh_mset_free(m);
    kh_enquire_free(e);
    return st;
}

/* Whether the query of node n alone (not excluded) matches a passage; skip_filters: its words. */
static kh_status_t node_matches(kh_searcher_t *s, const char *query, const kh_query_node_t *n,
                                const kh_search_opts_t *opts, int skip_filters, int *matches,
                                kh_error_t *err)
{
    kh_query_node_t alone = *n;
    alone.occur = KH_OCCUR_SHOULD;
    kh_query_tree_t tree = {.root = &alone};
    kh_plan_source_t src = {s->db, s->analyzer, s->stopwords, opts, skip_filters};
    kh_plan_t plan;
    kh_status_t st = kh_plan_build(&src, query, &tree, &plan, err);
    if (!st)
        st = plan_matches(s, &plan, matches, err);
    kh_plan_free(&plan);
    return st;
}

/*
 * Whether the query matches passages once its excluded items (those of its
 * top list or AND) are left out, which it did not with them: those
 * passages are all in articles that the items exclude. Not when a phrase or
 * quoted word is checked on the text, which could have left them out too.
 */
static kh_status_t only_excluded_articles(kh_searcher_t *s, const char *query,
                                          const kh_query_tree_t *tree, const kh_search_opts_t *opts,
                                          int *only, kh_error_t *err)
{
    *only = 0;
    const kh_query_node_t *root = tree->root;
    if (root->kind != KH_NODE_LIST && root->kind != KH_NODE_AND)
        return KH_OK;
    kh_query_node_t kept = *root;
    kept.children = malloc(root->n_children * sizeof *kept.children);
    if (!kept.children)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kept.n_children = 0;
    for (size_t i = 0; i < root->n_children; i++)
        if (root->children[i]->occur != KH_OCCUR_MUST_NOT)
            kept.children[kept.n_children++] = root->children[i];
    kh_status_t st = KH_OK;
    if (kept.n_children && kept.n_children < root->n_children) {
        kh_query_tree_t without = {.root = kept.n_children == 1 ? kept.children[0] : &kept};
        kh_plan_source_t src = {s->db, s->analyzer, s->stopwords, opts, 0};
        kh_plan_t plan;
        st = kh_plan_build(&src, query, &without, &plan, err);
        if (!st && !kh_phrases_count(plan.phrases) && !kh_exact_required(plan.exact))
            st = plan_matches(s, &plan, only, err);
        kh_plan_free(&plan);
    }
    free(kept.children);
    return st;
}

typedef struct why {
    kh_searcher_t *s;
    const char *query;
    const kh_search_opts_t *opts;
    FILE *f;
    unsigned filters, empty_filters;
    size_t words, unknown; /* the query's words (collect_words), those the index lacks */
} why_t;

/* The filters under n (not excluded) that match no passage on their own, into w->f. */
static kh_status_t empty_filters(why_t *w, const kh_query_node_t *n, kh_error_t *err)
{
    if (n->occur == KH_OCCUR_MUST_NOT)
        return KH_OK;
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < n->n_children; i++)
        st = empty_filters(w, n->children[i], err);
    if (st || n->kind != KH_NODE_WORD || n->field == KH_FIELD_TEXT)
        return st;
    w->filters++;
    int matches = 0;
    st = node_matches(w->s, w->query, n, w->opts, 0, &matches, err);
    if (!st && !matches) {
        w->empty_filters++;
        static const char *const names[] = {"", "title", "section", "lang", "date"};
        size_t len = n->end - n->start, shown = kh_display_cut(w->query + n->start, len, 60);
        fprintf(w->f, "no passage has %s:%.*s%s\n", names[n->field], (int)shown,
                w->query + n->start, shown < len ? "..." : "");
    }
    return st;
}

/* The query's words, quoted or not, that the index does not know, into w->f. */
static kh_status_t unknown_words(why_t *w, const kh_query_node_t *root, kh_error_t *err)
{
    query_words_t words = {0};
    kh_status_t st = collect_words(w->s, w->query, root, 1, &words, err);
    w->words = words.n;
    for (size_t i = 0; !st && i < words.n; i++) {
        unsigned df = 0;
        st = kh_db_term_freq(w->s->db, words.items[i].term, &df, err);
        if (st || df)
            continue;
        /* A pasted word is quoted by its start, never half a character. */
        const query_word_t *qw = &words.items[i];
        size_t len = qw->end - qw->start, shown = kh_display_cut(w->query + qw->start, len, 60);
        fprintf(w->f, "the index does not know '%.*s%s'\n", (int)shown, w->query + qw->start,
                shown < len ? "..." : "");
        w->unknown++;
    }
    return st;
}

static int any_term(void *ctx, const char *term, unsigned df)
{
    (void)term;
    (void)df;
    *(int *)ctx = 1;
    return 1;
}

/*
 * The word* of the query (not excluded) that no word of the index starts
 * with, into w->f; a title:word* is a filter (empty_filters).
 */
static kh_status_t unknown_prefixes(why_t *w, const kh_query_node_t *n, kh_error_t *err)
{
    if (n->occur == KH_OCCUR_MUST_NOT)
        return KH_OK;
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < n->n_children; i++)
        st = unknown_prefixes(w, n->children[i], err);
    if (st || n->kind != KH_NODE_WORD || !(n->flags & KH_NODE_PREFIX) || n->field != KH_FIELD_TEXT)
        return st;
    char norm[KH_TOKEN_FORM_MAX + 1], prefix[KH_TERM_MAX];
    st = kh_plan_prefix_of(w->s->analyzer, w->query + n->start, n->end - n->start, 0, norm, prefix,
                           err);
    if (st || !norm[0])
        return st;
    int found = 0;
    st = kh_db_all_terms(w->s->db, prefix, any_term, &found, err);
    if (!st && !found) {
        size_t len = n->end - n->start, shown = kh_display_cut(w->query + n->start, len, 60);
        fprintf(w->f, "no word in the index starts with '%.*s%s'\n", (int)shown,
                w->query + n->start, shown < len ? "..." : "");
        w->unknown++;
    }
    return st;
}

/* Filters that match nothing alone, into w->f; else whether the words match without them. */
static kh_status_t filters_alone(why_t *w, const kh_query_node_t *root, kh_error_t *err)
{
    kh_status_t st = empty_filters(w, root, err);
    if (st || w->unknown || !w->filters || w->empty_filters)
        return st;
    int matches = 0;
    st = node_matches(w->s, w->query, root, w->opts, 1, &matches, err);
    if (!st && matches)
        fputs("passages hold the words, but none passes the filters together\n", w->f);
    return st;
}

/* Whether n holds a phrase, a quoted word or a word* that is not excluded (collect_words skips
 * them). */
static int has_quoted_or_prefix(const kh_query_node_t *n)
{
    if (n->occur == KH_OCCUR_MUST_NOT)
        return 0;
    if (n->kind == KH_NODE_WORD && n->field == KH_FIELD_TEXT && n->flags)
        return 1;
    for (size_t i = 0; i < n->n_children; i++)
        if (has_quoted_or_prefix(n->children[i]))
            return 1;
    return 0;
}

/* When nothing above told why: the query as a whole, into w->f. */
static kh_status_t whole_query(why_t *w, const kh_query_tree_t *tree, kh_error_t *err)
{
    int told = ftell(w->f) != 0, only_excluded = 0;
    kh_status_t st = KH_OK;
    if (tree->root && !w->unknown && !w->empty_filters && !told)
        st = only_excluded_articles(w->s, w->query, tree, w->opts, &only_excluded, err);
    if (!st && only_excluded)
        fputs("passages match, but each is in an article that holds an excluded word\n", w->f);
    else if (!st && !w->words && !w->filters && !told &&
             !(tree->root && has_quoted_or_prefix(tree->root)))
        fputs("the query holds no word to search for\n", w->f);
    else if (!st && !w->unknown && !w->empty_filters && !told)
        fputs("no passage matches the query as a whole\n", w->f);
    return st;
}

kh_status_t kh_searcher_why_none(kh_searcher_t *s, const char *query, const kh_search_opts_t *opts,
                                 char **out, kh_error_t *err)
{
    *out = NULL;
    kh_query_tree_t tree;
    kh_status_t st = parse_query(s, query, opts, &tree, err);
    if (st)
        return st;
    char *text = NULL;
    size_t len = 0;
    why_t w = {.s = s, .query = query, .opts = opts, .f = open_memstream(&text, &len)};
    if (!w.f) {
        kh_query_tree_free(&tree);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    if (tree.root)
        st = unknown_words(&w, tree.root, err);
    if (!st && tree.root)
        st = unknown_prefixes(&w, tree.root, err);
    if (!st && tree.root)
        st = filters_alone(&w, tree.root, err);
    if (!st)
        st = whole_query(&w, &tree, err);
    fclose(w.f);
    kh_query_tree_free(&tree);
    if (st || !len) {
        free(text);
        return st;
    }
    *out = text;
    return KH_OK;
}
