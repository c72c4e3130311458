#include "search.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "khabar/analyzer.h"
#include "khabar/index.h"
#include "khabar/phonetic.h"
#include "khabar/similar.h"
#include "khabar/stopwords.h"
#include "khabar/terms.h"
#include "khabar/xdb.h"
#include "feedback.h"
#include "phrase.h"
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
    unsigned long long record_bytes;     /* of all the records read: the phrase check's bound */
    int partial;                         /* a remote shard was left out (allow_partial) */
    char left_out[KH_ERROR_MESSAGE_MAX]; /* why, for the query that left it out */
};

/*
 * The ranking defaults, each decided on the three quality sets (nDCG@10 with
 * --per-article; arcd / kaiflematha / cranfield; tests/bench/README.md):
 *  - BM25 k1 0.6 (Xapian's 1.0 before): passages are short, and a word said
 *    twice in one is not twice as relevant; 0.843/0.956/0.389 vs
 *    0.836/0.952/0.388 at 1.0. b stays at Xapian's 0.5 (0.3-0.7 all within
 *    0.005). Both are now fixed when indexing (schema.h, kh_impact).
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

/* A growable list of strings that it owns. */
typedef struct strings {
    char **items;
    size_t n, cap;
} strings_t;

/* Appends owned (freed if it cannot be kept). */
static kh_status_t strings_take(strings_t *l, char *owned, kh_error_t *err)
{
    if (owned && l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **items = realloc(l->items, cap * sizeof *items);
        if (items) {
            l->items = items;
            l->cap = cap;
        }
    }
    if (!owned || l->n == l->cap) {
        free(owned);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    l->items[l->n++] = owned;
    return KH_OK;
}

static kh_status_t strings_add(strings_t *l, const char *s, kh_error_t *err)
{
    return strings_take(l, strdup(s), err);
}

static void strings_free(strings_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    *l = (strings_t){0};
}

/* Everything built from one query. */
typedef struct build {
    kh_searcher_t *s;
    const kh_search_opts_t *opts;
    query_list_t should, must, must_not;
    query_list_t stopped; /* ranked stop words, used only when nothing else is ranked */
    strings_t stopped_terms;
    strings_t words; /* ranked words' terms in query order, for the title weight */
    unsigned char common_at[KH_QUERY_MAX_WORDS]; /* should.items[i] is a common word (is_common) */
    unsigned char word_common[KH_QUERY_MAX_WORDS]; /* words.items[i] is one */
    double common_max;   /* the most the common words can give a passage */
    kh_query_t *full;    /* with common words set aside: every word selecting (rank) */
    unsigned n_passages; /* in the index, once looked up */
    query_list_t field_filter[KH_FIELD_DATE + 1]; /* same field OR'd, fields AND'd */
    strings_t positive;                           /* terms to highlight, sorted */
    strings_t positive_keys; /* prefixed phonetic keys to highlight, sorted (add_name_keys) */
    size_t n_query_terms;    /* words taken from the query so far */
    kh_phrases_t *phrases;   /* checked on each passage's text (phrase.h) */
    size_t n_should_phrases, n_excluded_phrases;
    unsigned long phrase_limit;          /* the passages the check may read (phrase_bound) */
    unsigned long phrase_checked;        /* those it read */
    unsigned long long phrase_bytes;     /* and the bytes of their text and articles */
    int phrase_cut;                      /* the bound stopped the check */
    unsigned n_phrases, phrases_ignored; /* phrases met; past KH_QUERY_MAX_PHRASES */
    struct phrase_clause {
        char *key;          /* how it occurs, then its terms (phrase_key) */
        query_list_t *list; /* its AND in Xapian's query: list->items[at]; NULL: none */
        size_t at;
        unsigned times; /* given so many times in the query */
    } phrase_clauses[KH_QUERY_MAX_PHRASES];
    kh_error_t *err;
    kh_status_t st;
} build_t;

static void build_free(build_t *b)
{
    list_free(&b->should);
    list_free(&b->must);
    list_free(&b->must_not);
    list_free(&b->stopped);
    kh_query_free(b->full);
    strings_free(&b->stopped_terms);
    strings_free(&b->words);
    for (size_t f = 0; f <= KH_FIELD_DATE; f++)
        list_free(&b->field_filter[f]);
    strings_free(&b->positive);
    strings_free(&b->positive_keys);
    kh_phrases_free(b->phrases);
    for (unsigned i = 0; i < b->n_phrases && i < KH_QUERY_MAX_PHRASES; i++)
        free(b->phrase_clauses[i].key);
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
    strings_t words;                  /* the terms, unprefixed: words.items[0] the first */
    int stop;                         /* the (first) token is a stop word */
    kh_script_t script;               /* of the first token */
    char key[KH_PHONETIC_MAX + 1];    /* the first token's phonetic key, or "" */
    char term[KH_TOKEN_FORM_MAX + 1]; /* the first token's term */
    char norm[KH_TOKEN_FORM_MAX + 1]; /* and its norm */
} clause_terms_t;

static kh_status_t add_clause_term(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    clause_terms_t *ct = ctx;
    /* Words past the cap are dropped: see KH_QUERY_MAX_WORDS. */
    if (ct->b->n_query_terms++ >= KH_QUERY_MAX_WORDS)
        return KH_STOP;
    char term[KH_TERM_MAX];
    size_t plen = strlen(ct->prefix);
    if (plen + tok->term_len + 1 > sizeof term)
        return KH_OK; /* the analyzer caps terms well below this */
    memcpy(term, ct->prefix, plen);
    memcpy(term + plen, tok->term, tok->term_len + 1);
    kh_query_t *q;
    kh_status_t st = kh_query_term(term, 1, 0, &q, err);
    if (!st)
        st = list_push(&ct->terms, q, err);
    if (!st)
        st = strings_add(&ct->words, tok->term, err);
    if (!st && ct->words.n == 1) {
        ct->stop = kh_stopwords_has(ct->b->s->stopwords, tok->norm, tok->norm_len);
        ct->script = tok->script;
        memcpy(ct->key, tok->key, tok->key_len + 1);
        memcpy(ct->term, tok->term, tok->term_len + 1);
        memcpy(ct->norm, tok->norm, tok->norm_len + 1);
    }
    if (!st && ct->positive)
        st = strings_add(&ct->b->positive, tok->term, err);
    return st;
}

/* Moves the positive term just remembered for a stop word aside, until we know it is needed. */
static kh_status_t set_stop_word_aside(build_t *b, kh_query_t *q, kh_error_t *err)
{
    kh_status_t st = strings_take(&b->stopped_terms, b->positive.items[--b->positive.n], err);
    if (st) {
        kh_query_free(q);
        return st;
    }
    return list_push(&b->stopped, q, err);
}

/*
 * Several words in one clause ("a b" quoted, or closed-source written as
 * one) must stay together: Xapian matches the AND of their terms, and the
 * passages it finds are checked for the phrase on their text (phrase.h).
 */
static kh_status_t note_phrase(build_t *b, const kh_clause_t *c, clause_terms_t *ct, kh_query_t **q)
{
    kh_phrase_kind_t kind = c->occur == KH_OCCUR_MUST_NOT                     ? KH_PHRASE_EXCLUDED
                            : c->occur == KH_OCCUR_MUST || b->opts->all_words ? KH_PHRASE_REQUIRED
                                                                              : KH_PHRASE_ANY;
    kh_status_t st = b->phrases ? KH_OK : kh_phrases_new(&b->phrases, b->err);
    if (!st)
        st = kh_phrases_add(b->phrases, kind, (const char *const *)ct->words.items, ct->words.n,
                            b->err);
    if (st)
        return st;
    if (kind == KH_PHRASE_ANY)
        b->n_should_phrases++;
    if (kind == KH_PHRASE_EXCLUDED) {
        /* Excluding the AND would also drop passages with the words apart. */
        b->n_excluded_phrases++;
        kh_query_free(*q);
        *q = NULL;
    }
    return KH_OK;
}

/*
 * Words held by more than this fraction of the passages are set aside when a
 * query has rarer words too: the rarer ones select the passages and the
 * common ones only add their weight (should AND_MAYBE common), the way the
 * "common terms" queries of Lucene-based engines work. Xapian 1.4's matcher
 * otherwise walks every posting of a common word: a stray "ال" (the Arabic
 * article on its own, in 68,000 of the 212,000 passages of the news corpus)
 * multiplied the matcher's instructions for "ولد جمال خاشقجي" by 15. Unlike
 * those engines, the ranking stays exact: when the last wanted passage
 * weighs no more than the common words could give a passage on their own
 * (common_max), a passage holding only common words might belong among the
 * results, and the search runs again with every word selecting (rank).
 * First 200 ARCD questions on that corpus, TREC output identical to the
 * plain query's at every fraction tried: at 5%, 84 set words aside and 11
 * of them ran again; the first 100 took 1.41 G instructions instead of 1.92
 * G (callgrind); 2%: 1.77 G (76 ran again), 10%: 1.40 G (none ran again).
 */
#define COMMON_FRACTION 0.05

/* How many passages hold term (and how many the index has, in b->n_passages). */
static kh_status_t term_df(build_t *b, const char *term, unsigned *df, kh_error_t *err)
{
    kh_status_t st = KH_OK;
    if (!b->n_passages)
        st = kh_db_doc_count(b->s->db, &b->n_passages, err);
    *df = 0;
    return st ? st : kh_db_term_freq(b->s->db, term, df, err);
}

/* Adds to common_max the most a term held by df passages gives at scale. */
static void add_bound(build_t *b, unsigned df, double scale)
{
    if (df)
        b->common_max += scale * kh_term_weight(kh_bm25_idf(df, b->n_passages), KH_IMPACT_MAX);
}

static kh_status_t is_common(build_t *b, const char *term, int *common, kh_error_t *err)
{
    unsigned df;
    kh_status_t st = term_df(b, term, &df, err);
    *common = !st && df > COMMON_FRACTION * b->n_passages;
    if (*common)
        add_bound(b, df, 1.0);
    return st;
}

/* A term and how often a clause gives it, for and_of_distinct. */
typedef struct term_count {
    const char *word;
    size_t at; /* its first place in the clause */
} term_count_t;

static int compare_term_counts(const void *a, const void *b)
{
    const term_count_t *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/*
 * The AND of a clause's terms, each distinct term once, weighed by how often
 * the clause gives it (OP_SCALE_WEIGHT: "a b a" weighs a twice, as the AND
 * of all three did). A phrase of 1,000 words, "في من" 500 times, had Xapian
 * walk the same two posting lists 500 times each: 17 s.
 */
static kh_status_t and_of_distinct(clause_terms_t *ct, kh_query_t **out, kh_error_t *err)
{
    size_t n = ct->terms.n;
    if (n < 2 || ct->words.n != n)
        return list_combine(&ct->terms, KH_OP_AND, out, err);
    term_count_t *order = malloc(n * sizeof *order);
    unsigned *times = calloc(n, sizeof *times);
    if (!order || !times) {
        free(order);
        free(times);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (term_count_t){ct->words.items[i], i};
    qsort(order, n, sizeof *order, compare_term_counts);
    for (size_t i = 0, run = 0; i < n; i++) {
        if (strcmp(order[run].word, order[i].word) != 0)
            run = i;
        times[order[run].at]++;
    }
    free(order);
    /* The first of each term, in the clause's order, scaled by its count. */
    kh_status_t st = KH_OK;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        kh_query_t *q = ct->terms.items[i];
        ct->terms.items[i] = NULL;
        if (!times[i] || st) {
            kh_query_free(q);
        } else if (times[i] == 1) {
            ct->terms.items[kept++] = q;
        } else {
            kh_query_t *scaled = NULL;
            st = kh_query_scale(q, times[i], &scaled, err);
            kh_query_free(q);
            if (!st)
                ct->terms.items[kept++] = scaled;
        }
    }
    ct->terms.n = kept;
    free(times);
    return st ? st : list_combine(&ct->terms, KH_OP_AND, out, err);
}

/* A phrase clause's identity: how it occurs, then its terms, into *key (malloc'd). */
static kh_status_t phrase_key(const build_t *b, const kh_clause_t *c, const strings_t *words,
                              char **key, kh_error_t *err)
{
    size_t len = 2;
    for (size_t i = 0; i < words->n; i++)
        len += strlen(words->items[i]) + 1;
    if (!(*key = malloc(len)))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    char *at = *key;
    *at++ = c->occur == KH_OCCUR_MUST_NOT                     ? '-'
            : c->occur == KH_OCCUR_MUST || b->opts->all_words ? '+'
                                                              : ' ';
    for (size_t i = 0; i < words->n; i++) {
        size_t n = strlen(words->items[i]);
        *at++ = '\x1f'; /* no term holds a control character */
        memcpy(at, words->items[i], n);
        at += n;
    }
    *at = '\0';
    return KH_OK;
}

/*
 * Quoted phrases only: a word written with a hyphen ("closed-source") is a
 * phrase too, but a bound on those would change the ranking of ordinary
 * queries (cranfield has up to four in one question).
 *
 * Whether a phrase clause is one the query gave before: it then only
 * counts once more (assemble() weighs the first by the count, as Xapian
 * weighed the OR of all of them), and costs Xapian no second AND. A 6 KB
 * query of one common phrase pasted 300 times took 70 s. Otherwise a
 * phrase past the first KH_QUERY_MAX_PHRASES is ignored, as words past
 * KH_QUERY_MAX_WORDS are (search.h), its terms no longer highlighted; and
 * the phrase is kept in b->phrase_clauses, its key taken from *key.
 */
static int phrase_repeated_or_ignored(build_t *b, clause_terms_t *ct, size_t positive_before,
                                      char **key)
{
    unsigned kept = b->n_phrases < KH_QUERY_MAX_PHRASES ? b->n_phrases : KH_QUERY_MAX_PHRASES;
    int seen = 0;
    for (unsigned i = 0; i < kept && !seen; i++)
        if (strcmp(b->phrase_clauses[i].key, *key) == 0) {
            b->phrase_clauses[i].times++;
            seen = 1;
        }
    if (!seen && b->n_phrases++ < KH_QUERY_MAX_PHRASES) {
        b->phrase_clauses[kept] = (struct phrase_clause){*key, NULL, 0, 1};
        *key = NULL;
        return 0;
    }
    if (!seen)
        b->phrases_ignored++;
    while (b->positive.n > positive_before)
        free(b->positive.items[--b->positive.n]);
    strings_free(&ct->words);
    list_free(&ct->terms);
    free(*key);
    *key = NULL;
    return 1;
}

/* Each phrase given several times weighs as many times its first AND. */
static kh_status_t weigh_repeated_phrases(build_t *b, kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (unsigned i = 0; !st && i < b->n_phrases && i < KH_QUERY_MAX_PHRASES; i++) {
        struct phrase_clause *pc = &b->phrase_clauses[i];
        if (pc->times < 2 || !pc->list || pc->list == &b->must_not)
            continue;
        kh_query_t *scaled = NULL;
        st = kh_query_scale(pc->list->items[pc->at], pc->times, &scaled, err);
        if (!st) {
            kh_query_free(pc->list->items[pc->at]);
            pc->list->items[pc->at] = scaled;
        }
    }
    return st;
}

/*
 * Names across scripts and spellings: a word that has a phonetic key
 * (phonetic.h) also matches the passages that hold a word of the same key,
 * the query word's own term keeping the larger weight, so that the spelling
 * typed ranks first: a Latin word looks for the Arabic spellings (XNA), an
 * Arabic word for the Latin one (XNL) at NAME_CROSS_WEIGHT, and for its
 * other Arabic spellings (XNA) at NAME_VARIANT_WEIGHT, which also puts the
 * passages holding the word itself above those that only share its stem
 * (ماسك, whose stem is that of الألماس). Latin words do not look for other
 * Latin spellings: in English text the key would merge plain words (flow,
 * fly, fell), and English spells a name one way. README, "Names", has the
 * figures.
 */
#define NAME_CROSS_WEIGHT 0.5
#define NAME_VARIANT_WEIGHT 0.3

static kh_status_t push_scaled(query_list_t *l, kh_query_t *q, double factor, kh_error_t *err);

/*
 * What a key is looked for, and when. On the 200 ARCD questions against
 * the 99 MB news corpus (-j 2, the same run): every key alternative cost
 * 45% of the queries/s; dropping the keys held by many passages, 19%; as
 * below, 1.8% more instructions (callgrind, -j 1). So
 * an Arabic word looks for its variants only when its key is held by at
 * most NAME_WORD_FRACTION of the passages (a name's key; a plain word's
 * is shared by many words with long vowels), and for a Latin spelling only
 * then; a Latin word looks for Arabic spellings whose key is held by at
 * most NAME_KEY_FRACTION. NAME_KEY_MIN_DF is the floor of these limits: a
 * small index has no long postings to fear.
 */
#define NAME_WORD_FRACTION 0.001
#define NAME_KEY_FRACTION 0.01
#define NAME_KEY_MIN_DF 100.0

/* The key term under prefix into l, scaled by weight, unless held by more than max_df passages. */
static kh_status_t push_key(build_t *b, const char *prefix, const char *key, double weight,
                            double max_df, int common, query_list_t *l, unsigned *df_out)
{
    char term[KH_TERM_MAX];
    snprintf(term, sizeof term, "%s%s", prefix, key);
    unsigned df = 0;
    kh_status_t st = term_df(b, term, &df, b->err);
    *df_out = df;
    if (st || df == 0 || df > max_df)
        return st;
    if (common)
        add_bound(b, df, weight);
    kh_query_t *q = NULL;
    st = kh_query_term(term, 1, 0, &q, b->err);
    if (!st)
        st = push_scaled(l, q, weight, b->err);
    if (!st)
        st = strings_add(&b->positive_keys, term, b->err);
    return st;
}

/* Replaces *q, one word's query, by the OR of it and its key's alternatives. */
static kh_status_t add_name_keys(build_t *b, const clause_terms_t *ct, int common, kh_query_t **q)
{
    if (!ct->key[0] || (ct->script != KH_SCRIPT_LATIN && ct->script != KH_SCRIPT_ARABIC))
        return KH_OK;
    int arabic = ct->script == KH_SCRIPT_ARABIC;
    kh_status_t st = KH_OK;
    if (!b->n_passages)
        st = kh_db_doc_count(b->s->db, &b->n_passages, b->err);
    double max_cross = NAME_KEY_FRACTION * b->n_passages;
    double max_variant = NAME_WORD_FRACTION * b->n_passages;
    if (max_cross < NAME_KEY_MIN_DF)
        max_cross = NAME_KEY_MIN_DF;
    if (max_variant < NAME_KEY_MIN_DF)
        max_variant = NAME_KEY_MIN_DF;
    query_list_t alt = {0};
    if (!st)
        st = list_push(&alt, *q, b->err);
    *q = NULL;
    unsigned df = 0;
    if (!st)
        st = push_key(b, KH_PREFIX_KEY_ARABIC, ct->key,
                      arabic ? NAME_VARIANT_WEIGHT : NAME_CROSS_WEIGHT,
                      arabic ? max_variant : max_cross, common, &alt, &df);
    /* An Arabic word whose key many passages hold is a plain word: no Latin spelling. */
    if (!st && arabic && df <= max_variant)
        st = push_key(b, KH_PREFIX_KEY_LATIN, ct->key, NAME_CROSS_WEIGHT, max_cross, common, &alt,
                      &df);
    if (!st && alt.n > 1) {
        st = list_combine(&alt, KH_OP_OR, q, b->err);
    } else if (!st) { /* no alternative: the word's own query back */
        *q = alt.items[0];
        alt.n = 0;
    }
    list_free(&alt);
    return st;
}

/*
 * What the stemmer leaves on a word, resolved against the index's own
 * vocabulary: a lone proclitic ل ب ك before a word (لماسك: Snowball keeps
 * it, and the prefix step takes it only before a hamza-alef), and the alef
 * of the sound feminine plural ـات (Snowball stems شركات to شركا, شركة to
 * شرك). When the form without it is a word the index holds at least
 * VOCABULARY_RATIO times as often as the word's own term (so the word as
 * typed is rare, and the stripped form is no accident), the query word also
 * matches the stripped form's term, at the same weight. Only rare words
 * pay: a common word's own term is never that much rarer.
 */
#define VOCABULARY_RATIO 10.0
#define VOCABULARY_MIN_DF 5

/* Into other, the term of the Arabic word norm (term: its term) without a lone proclitic or the
 * plural's alef; "" when none. */
static kh_status_t stripped_form(kh_analyzer_t *a, const char *norm, const char *term,
                                 char other[KH_TOKEN_FORM_MAX + 1], kh_error_t *err)
{
    static const char alef[] = "\u0627";
    other[0] = '\0';
    size_t norm_len = strlen(norm), term_len = strlen(term), len = 0;
    kh_status_t st = KH_OK;
    unsigned first = norm_len >= 2 ? ((unsigned)(norm[0] & 0x1F) << 6 | (norm[1] & 0x3F)) : 0;
    int proclitic = ((unsigned char)norm[0] == 0xD9 && (first == 0x0644 || first == 0x0643)) ||
                    ((unsigned char)norm[0] == 0xD8 && first == 0x0628);
    if (proclitic && norm_len >= 8) /* at least three letters after it */
        st = kh_analyzer_term(a, norm + 2, norm_len - 2, other, KH_TOKEN_FORM_MAX + 1, &len, err);
    else if (term_len >= 8 && memcmp(term + term_len - 2, alef, 2) == 0)
        snprintf(other, KH_TOKEN_FORM_MAX + 1, "%.*s", (int)(term_len - 2), term);
    if (st || strchr(other, ' ') || strcmp(other, term) == 0)
        other[0] = '\0';
    return st;
}

static kh_status_t add_vocabulary_form(build_t *b, const clause_terms_t *ct, kh_query_t **q)
{
    if (ct->script != KH_SCRIPT_ARABIC)
        return KH_OK;
    char other[KH_TOKEN_FORM_MAX + 1];
    kh_status_t st = stripped_form(b->s->analyzer, ct->norm, ct->term, other, b->err);
    if (st || !other[0])
        return st;
    unsigned df = 0, other_df = 0;
    st = term_df(b, ct->term, &df, b->err);
    if (!st)
        st = term_df(b, other, &other_df, b->err);
    if (st || other_df < VOCABULARY_MIN_DF || other_df < VOCABULARY_RATIO * df)
        return st;
    query_list_t alt = {0};
    kh_query_t *extra = NULL;
    st = list_push(&alt, *q, b->err);
    *q = NULL;
    if (!st)
        st = kh_query_term(other, 1, 0, &extra, b->err);
    if (!st)
        st = list_push(&alt, extra, b->err);
    if (!st)
        st = list_combine(&alt, KH_OP_OR, q, b->err);
    if (!st && ct->positive)
        st = strings_add(&b->positive, other, b->err);
    list_free(&alt);
    return st;
}

static kh_status_t text_clause(build_t *b, const char *query, const kh_clause_t *c)
{
    int title = c->field == KH_FIELD_TITLE;
    clause_terms_t ct = {.b = b,
                         .prefix = title ? KH_PREFIX_TITLE : "",
                         .positive = !title && c->occur != KH_OCCUR_MUST_NOT};
    size_t positive_before = b->positive.n;
    kh_status_t st = kh_analyzer_run(b->s->analyzer, query + c->start, c->end - c->start,
                                     add_clause_term, &ct, b->err);
    if (st == KH_STOP) /* the word cap */
        st = KH_OK;
    /* Quoted phrases are counted and told apart (phrase_repeated_or_ignored). */
    int phrase = !st && !title && ct.words.n >= 2 && c->phrase;
    char *key = NULL;
    if (phrase && (st = phrase_key(b, c, &ct.words, &key, b->err)) != KH_OK) {
        list_free(&ct.terms);
        strings_free(&ct.words);
        return st;
    }
    if (phrase && phrase_repeated_or_ignored(b, &ct, positive_before, &key))
        return KH_OK;
    kh_query_t *q = NULL;
    /* title: words are boolean filters and need only all be there. */
    if (!st)
        st = and_of_distinct(&ct, &q, b->err);
    list_free(&ct.terms);
    if (!st && !title && ct.words.n >= 2)
        st = note_phrase(b, c, &ct, &q);
    int one_word = !title && ct.words.n == 1 && !c->phrase;
    int aside = one_word && ct.stop && c->occur == KH_OCCUR_SHOULD;
    if (!st && q && one_word && !aside && c->occur != KH_OCCUR_MUST_NOT)
        st = strings_add(&b->words, ct.words.items[0], b->err);
    strings_free(&ct.words);
    if (st || !q) {
        kh_query_free(q);
        return st; /* punctuation only, or an excluded phrase: nothing for Xapian */
    }
    if (title)
        return list_push(c->occur == KH_OCCUR_MUST_NOT ? &b->must_not : &b->field_filter[c->field],
                         q, b->err);
    if (aside)
        return set_stop_word_aside(b, q, b->err);
    query_list_t *dest = c->occur == KH_OCCUR_MUST       ? &b->must
                         : c->occur == KH_OCCUR_MUST_NOT ? &b->must_not
                         : b->opts->all_words            ? &b->must
                                                         : &b->should;
    int common = 0;
    if (dest == &b->should && one_word && b->should.n < KH_QUERY_MAX_WORDS &&
        b->words.n <= KH_QUERY_MAX_WORDS) {
        st = is_common(b, b->words.items[b->words.n - 1], &common, b->err);
        b->word_common[b->words.n - 1] = (unsigned char)common;
    }
    if (!st && one_word && c->occur != KH_OCCUR_MUST_NOT)
        st = add_vocabulary_form(b, &ct, &q);
    if (!st && one_word && c->occur != KH_OCCUR_MUST_NOT)
        st = add_name_keys(b, &ct, common, &q);
    if (st) {
        kh_query_free(q);
        return st;
    }
    if (dest == &b->should && b->should.n < KH_QUERY_MAX_WORDS)
        b->common_at[b->should.n] = (unsigned char)common;
    st = list_push(dest, q, b->err);
    if (!st && phrase) {
        /* Where its AND is, for weigh_repeated_phrases(). */
        b->phrase_clauses[b->n_phrases - 1].list = dest;
        b->phrase_clauses[b->n_phrases - 1].at = dest->n - 1;
    }
    return st;
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

/* query scaled by factor into list l (query is freed). */
static kh_status_t push_scaled(query_list_t *l, kh_query_t *q, double factor, kh_error_t *err)
{
    kh_query_t *scaled = NULL;
    kh_status_t st = kh_query_scale(q, factor, &scaled, err);
    kh_query_free(q);
    return st ? st : list_push(l, scaled, err);
}

enum { TITLE_ALL, TITLE_SELECTING, TITLE_COMMON };

/*
 * Title weight: each ranked word also looked for among the S-prefixed title
 * terms that every passage of an article carries (writer.c), so that the
 * paragraph answering "when was X born" ranks by its article being about X
 * even where the paragraph says "he". The title terms of the ranked words
 * (of the selecting or the common ones only), OR'd and scaled by the title
 * weight, into list l; nothing when there are none. Those of common words
 * add their bound to common_max.
 */
static kh_status_t add_title_weight(build_t *b, int which, query_list_t *l, kh_error_t *err)
{
    if (b->opts->title_weight <= 0 || b->words.n == 0)
        return KH_OK;
    query_list_t terms = {0};
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < b->words.n; i++) {
        int common = b->word_common[i];
        if (which != TITLE_ALL && common != (which == TITLE_COMMON))
            continue;
        char term[KH_TERM_MAX];
        snprintf(term, sizeof term, "%s%s", KH_PREFIX_TITLE, b->words.items[i]);
        unsigned df;
        if (which == TITLE_COMMON && !(st = term_df(b, term, &df, err)))
            add_bound(b, df, b->opts->title_weight);
        kh_query_t *q;
        if (!st)
            st = kh_query_term(term, 1, 0, &q, err);
        if (!st)
            st = list_push(&terms, q, err);
    }
    kh_query_t *any = NULL;
    if (!st)
        st = list_combine(&terms, KH_OP_OR, &any, err);
    list_free(&terms);
    if (!st && any)
        st = push_scaled(l, any, b->opts->title_weight, err);
    return st;
}

/* Whether some ranked word is given twice (Xapian then weighs it by its count in the query). */
static int repeated_word(const build_t *b)
{
    for (size_t i = 0; i < b->words.n; i++)
        for (size_t j = i + 1; j < b->words.n; j++)
            if (strcmp(b->words.items[i], b->words.items[j]) == 0)
                return 1;
    return 0;
}

/*
 * With common words among the ranked ones: (selecting AND_MAYBE common),
 * each side with its words' title terms, into *out. NULL when the query
 * ranks every word alike: required words (must AND_MAYBE should weighs the
 * rest only), no selecting word, a word given twice, a long text.
 */
static kh_status_t set_common_aside(build_t *b, kh_query_t **out, kh_error_t *err)
{
    *out = NULL;
    size_t n_common = 0;
    for (size_t i = 0; i < b->should.n && i < KH_QUERY_MAX_WORDS; i++)
        n_common += b->common_at[i];
    if (!n_common || n_common == b->should.n || b->must.n || b->should.n >= 64 || repeated_word(b))
        return KH_OK;
    query_list_t side[2] = {{0}}; /* selecting, common */
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < b->should.n; i++) {
        /* A copy: b->should keeps its own for the plain query. */
        kh_query_t *copy = NULL;
        st = kh_query_combine(KH_OP_OR, &b->should.items[i], 1, 0, &copy, err);
        if (!st)
            st = list_push(&side[b->common_at[i]], copy, err);
    }
    if (!st)
        st = add_title_weight(b, TITLE_SELECTING, &side[0], err);
    if (!st)
        st = add_title_weight(b, TITLE_COMMON, &side[1], err);
    kh_query_t *pair[2] = {NULL, NULL};
    for (int k = 0; !st && k < 2; k++)
        st = list_combine(&side[k], KH_OP_OR, &pair[k], err);
    if (!st)
        st = kh_query_combine(KH_OP_AND_MAYBE, pair, 2, 0, out, err);
    for (int k = 0; k < 2; k++) {
        list_free(&side[k]);
        kh_query_free(pair[k]);
    }
    return st;
}

/* *q FILTER filter AND_NOT exclude (either NULL for none); *q NULL stays NULL. */
static kh_status_t narrow(kh_query_t **q, const kh_query_t *filter, const kh_query_t *exclude,
                          kh_error_t *err)
{
    const kh_query_t *by[] = {filter, exclude};
    const kh_query_op_t op[] = {KH_OP_FILTER, KH_OP_AND_NOT};
    for (size_t i = 0; *q && i < 2; i++) {
        if (!by[i])
            continue;
        kh_query_t *pair[] = {*q, (kh_query_t *)by[i]}, *narrowed = NULL;
        kh_status_t st = kh_query_combine(op[i], pair, 2, 0, &narrowed, err);
        if (st)
            return st;
        kh_query_free(*q);
        *q = narrowed;
    }
    return KH_OK;
}

/*
 * (must AND_MAYBE should) FILTER fields AND_NOT must_not, or with common
 * words set aside (should AND_MAYBE common) and b->full the same with every
 * word selecting; NULL when nothing can match.
 */
static kh_status_t assemble(build_t *b, kh_query_t **out, kh_error_t *err)
{
    *out = NULL;
    kh_query_t *must = NULL, *should = NULL, *main = NULL;
    kh_status_t st = KH_OK;
    /* A query of stop words only ("the who", "من هو") looks for them after all. */
    if (b->should.n == 0 && b->must.n == 0 && b->stopped.n) {
        query_list_t swap = b->should;
        b->should = b->stopped;
        b->stopped = swap;
        for (size_t i = 0; !st && i < b->stopped_terms.n; i++) {
            st = strings_add(&b->positive, b->stopped_terms.items[i], err);
        }
    }
    /*
     * Phrases alone ("a b" or "a b" "c d"): a passage must hold one of them.
     * Beside other words they only rank, as the AND of their words.
     */
    if (b->phrases && (b->n_should_phrases < b->should.n || b->must.n))
        kh_phrases_drop_any(b->phrases);
    kh_query_t *aside = NULL;
    if (!st)
        st = weigh_repeated_phrases(b, err);
    if (!st)
        st = set_common_aside(b, &aside, err);
    if (!st)
        st = add_title_weight(b, TITLE_ALL, &b->should, err);
    if (!st)
        st = list_combine(&b->must, KH_OP_AND, &must, err);
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
    /* With common words set aside, the query above is what rank() falls back to. */
    if (!st && aside) {
        b->full = main;
        main = aside;
        aside = NULL;
    }
    kh_query_free(aside);

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
    if (!st && !main && (filter || b->must_not.n || b->n_excluded_phrases))
        st = kh_query_match_all(&main, err);
    kh_query_t *exclude = NULL;
    if (!st)
        st = list_combine(&b->must_not, KH_OP_OR, &exclude, err);
    if (!st)
        st = narrow(&main, filter, exclude, err);
    if (!st)
        st = narrow(&b->full, filter, exclude, err);
    kh_query_free(filter);
    kh_query_free(exclude);
    if (st) {
        kh_query_free(main);
        return st;
    }
    *out = main;
    return KH_OK;
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

/* The record cache holds one revision's data: dropped whenever a query starts. */
static void forget_record(kh_searcher_t *s)
{
    free(s->record);
    free(s->record_id);
    s->record = s->record_id = NULL;
    s->record_len = 0;
}

void kh_searcher_close(kh_searcher_t *s)
{
    if (!s)
        return;
    kh_db_close(s->db);
    kh_analyzer_free(s->analyzer);
    kh_stopwords_free(s->stopwords);
    forget_record(s);
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
} highlight_ctx_t;

/* Whether tok's phonetic key is one the query looked for (add_name_keys). */
static int key_matched(const build_t *b, const kh_token_t *tok)
{
    if (!tok->key_len || !b->positive_keys.n)
        return 0;
    char term[KH_TERM_MAX];
    snprintf(term, sizeof term, "%s%s",
             tok->script == KH_SCRIPT_ARABIC ? KH_PREFIX_KEY_ARABIC : KH_PREFIX_KEY_LATIN,
             tok->key);
    const char *t = term;
    return bsearch(&t, b->positive_keys.items, b->positive_keys.n, sizeof *b->positive_keys.items,
                   compare_strings) != NULL;
}

static kh_status_t mark_if_matched(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    highlight_ctx_t *hc = ctx;
    const char *key = tok->term;
    if ((!hc->b->positive.n || !bsearch(&key, hc->b->positive.items, hc->b->positive.n,
                                        sizeof *hc->b->positive.items, compare_strings)) &&
        !key_matched(hc->b, tok))
        return KH_OK;
    kh_result_t *r = hc->result;
    if (r->n_highlights == hc->cap) {
        size_t cap = hc->cap ? 2 * hc->cap : 8;
        kh_span_t *spans = realloc(r->highlights, cap * sizeof *spans);
        if (!spans)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        r->highlights = spans;
        hc->cap = cap;
    }
    r->highlights[r->n_highlights++] = (kh_span_t){tok->start, tok->end};
    return KH_OK;
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
        char term[KH_TERM_MAX + 8];
        unsigned docid = 0;
        kh_doc_t *doc = NULL;
        const char *data;
        size_t len;
        snprintf(term, sizeof term, "%s%s", KH_PREFIX_PASSAGE, r->data.record_id);
        kh_status_t st = kh_db_postings(s->db, term, first_docid, &docid, err);
        if (!st && !docid)
            st = kh_error_set(err, KH_ERR_NOT_FOUND, "passage %s: its record %s is missing",
                              r->data.passage_id, r->data.record_id);
        if (!st)
            st = kh_db_get_document(s->db, docid, &doc, err);
        if (!st)
            st = kh_doc_get_data(doc, &data, &len, err);
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

/* A passage's data by its docid into r, unless r already has it. */
static kh_status_t read_doc(kh_searcher_t *s, kh_result_t *r, int attach, kh_error_t *err)
{
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
static kh_status_t new_enquire(build_t *b, const kh_query_t *query, int collapse, int by_article,
                               kh_enquire_t **out, kh_error_t *err)
{
    kh_enquire_t *e = NULL;
    kh_status_t st = kh_enquire_new(b->s->db, &e, err);
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
    int c = memcmp(x->key, y->key, x->key_len < y->key_len ? x->key_len : y->key_len);
    if (c || x->key_len != y->key_len)
        return c ? c : x->key_len < y->key_len ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Appends hit h's value in slot to its key (after a NUL when the key has
 * something already): article id, then passage number, compare as Ties
 * (above) says.
 */
static kh_status_t append_value(kh_mset_t *mset, ordered_hit_t *h, unsigned slot, kh_error_t *err)
{
    const char *value;
    size_t len, sep = h->key ? 1 : 0;
    kh_status_t st = kh_mset_value(mset, h->at, slot, &value, &len, err);
    char *key = st ? NULL : realloc(h->key, h->key_len + sep + len + 1);
    if (!st && !key)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    if (st)
        return st;
    if (sep)
        key[h->key_len] = '\0';
    memcpy(key + h->key_len + sep, value, len);
    h->key = key;
    h->key_len += sep + len;
    return KH_OK;
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
static kh_status_t order_hits(kh_mset_t *mset, ordered_hit_t **out, size_t *n_out, kh_error_t *err)
{
    size_t n = kh_mset_size(mset);
    ordered_hit_t *hits = calloc(n ? n : 1, sizeof *hits);
    kh_status_t st = hits ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; !st && i < n; i++) {
        kh_hit_t hit;
        st = kh_mset_hit(mset, i, &hit, err);
        if (!st)
            hits[i] = (ordered_hit_t){i, hit.docid, quantised(hit.weight), NULL, 0};
    }
    int tied = 0;
    for (size_t i = 0; !st && i < n; i++) {
        int with_next = i + 1 < n && hits[i].score == hits[i + 1].score;
        if (with_next || (i > 0 && hits[i].score == hits[i - 1].score)) {
            st = append_value(mset, &hits[i], KH_SLOT_ARTICLE_ID, err);
            tied = 1;
        }
    }
    if (!st && tied)
        qsort(hits, n, sizeof *hits, by_score_then_key);
    /* Passages of one article with equal scores: by passage number. */
    int same_article = 0;
    for (size_t i = 0; !st && i + 1 < n; i++)
        same_article |= same_score_and_key(&hits[i], &hits[i + 1]);
    for (size_t i = 0; !st && same_article && i < n;) {
        size_t end = i + 1;
        while (end < n && same_score_and_key(&hits[i], &hits[end]))
            end++;
        for (size_t k = i; !st && end - i > 1 && k < end; k++)
            st = append_value(mset, &hits[k], KH_SLOT_ORDINAL, err);
        i = end;
    }
    if (!st && same_article)
        qsort(hits, n, sizeof *hits, by_score_then_key);
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
static kh_status_t get_mset_past_ties(kh_enquire_t *e, unsigned want, kh_mset_t **out,
                                      kh_error_t *err)
{
    unsigned margin = 8;
    int by_article = 0;
    for (;;) {
        unsigned max = want > UINT_MAX - margin ? UINT_MAX : want + margin;
        kh_status_t st = kh_enquire_get_mset(e, 0, max, 0, out, err);
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

/*
 * Every hit of an mset, best first. Read them all from the database before
 * any highlighting: the reading is what a writer's commits can overtake, so
 * it is kept as short as it can be (reliability_concurrent_search failed
 * under ASan when highlighting ran between the reads).
 */
static kh_status_t read_all(build_t *b, const kh_query_t *query, unsigned want, size_t with_data,
                            kh_results_t *out, kh_error_t *err)
{
    kh_enquire_t *e = NULL;
    kh_mset_t *mset = NULL;
    ordered_hit_t *hits = NULL;
    size_t n = 0;
    kh_status_t st = new_enquire(b, query, b->opts->per_article, 0, &e, err);
    if (!st)
        st = get_mset_past_ties(e, want, &mset, err);
    if (!st)
        st = order_hits(mset, &hits, &n, err);
    size_t keep = n < want ? n : want;
    if (!st && keep)
        st = results_grow(out, keep, err);
    for (size_t i = 0; !st && i < keep; i++) {
        kh_result_t *r = &out->items[out->n];
        *r = (kh_result_t){0};
        if (i < with_data)
            st = read_hit(b->s, mset, hits[i].at, r, err);
        r->score = hits[i].score;
        r->docid = hits[i].docid;
        if (!st)
            r->rank = (unsigned)++out->n;
    }
    if (!st)
        out->estimated = kh_mset_matches_estimated(mset);
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
static int phrase_bound_reached(const build_t *b)
{
    return b->phrase_checked >= b->phrase_limit ||
           b->phrase_bytes >= (unsigned long long)b->phrase_limit * KH_PHRASE_BYTES_PER_PASSAGE;
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
static kh_status_t read_checked(build_t *b, const kh_query_t *query, unsigned want,
                                kh_results_t *out, kh_error_t *err)
{
    if (!b->phrase_limit)
        b->phrase_limit = phrase_bound(want);
    kh_enquire_t *e = NULL;
    kh_mset_t *mset = NULL;
    kh_status_t st = new_enquire(b, query, 0, 1, &e, err);
    if (!st && want)
        st = results_grow(out, want, err);
    unsigned long asked =
        b->phrase_checked < b->phrase_limit ? b->phrase_limit - b->phrase_checked : 0;
    if (!st && want && asked)
        st = kh_enquire_get_mset(e, 0, (unsigned)asked, 0, &mset, err);
    size_t n = st || !mset ? 0 : kh_mset_size(mset), i = 0;
    unsigned long long scanned = 0, passed = 0;
    for (; !st && i < n && out->n < want && !phrase_bound_reached(b); i++) {
        kh_result_t *r = &out->items[out->n];
        *r = (kh_result_t){0};
        int ok = 0;
        unsigned long long records_before = b->s->record_bytes;
        st = read_hit(b->s, mset, i, r, err);
        size_t len = st ? 0 : strlen(r->data.text);
        if (!st)
            st = kh_phrases_check(b->phrases, b->s->analyzer, r->data.text, len, &ok, err);
        b->phrase_checked++;
        b->phrase_bytes += len + (b->s->record_bytes - records_before);
        scanned++;
        passed += !st && ok;
        if (!st && ok && !(b->opts->per_article && seen_article(out, r->data.article_id))) {
            r->rank = (unsigned)++out->n;
        } else {
            free(r->storage);
            r->storage = NULL;
        }
    }
    /* Every candidate read: the count is exact; else as many as those read suggest. */
    int exhausted = mset && n < asked && i == n;
    if (!st && out->n < want && !exhausted)
        b->phrase_cut = 1;
    unsigned long long estimated = mset ? kh_mset_matches_estimated(mset) : 0;
    if (exhausted)
        out->estimated = out->n;
    else if (scanned)
        out->estimated = (unsigned long long)((double)estimated * passed / scanned + 0.5);
    if (out->estimated < out->n)
        out->estimated = out->n;
    kh_mset_free(mset);
    /* Read in Xapian's order, whose ties are exact: see quantised(). */
    for (size_t i = 0; !st && i < out->n; i++)
        out->items[i].score = quantised(out->items[i].score);
    if (!st && out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, by_score_then_passage);
    for (size_t i = 0; !st && i < out->n; i++)
        out->items[i].rank = (unsigned)i + 1;
    kh_enquire_free(e);
    return st;
}

/*
 * The best want passages for query, not yet highlighted; the first
 * with_data of them read (the others have their docid and score only).
 */
static kh_status_t rank(build_t *b, const kh_query_t *query, unsigned want, size_t with_data,
                        kh_results_t *out, kh_error_t *err)
{
    int phrases = kh_phrases_count(b->phrases) > 0;
    kh_status_t st = phrases ? read_checked(b, query, want, out, err)
                             : read_all(b, query, want, with_data, out, err);
    /*
     * With common words set aside, a passage holding only common words
     * weighs at most common_max: the results are those of every word
     * selecting unless the last wanted one weighs no more than that. When
     * the phrase check's bound cut the first pass, there is nothing left
     * for a second: its results, the best of the passages checked, stay.
     */
    if (!st && b->full && want && !b->phrase_cut &&
        (out->n < want || out->items[want - 1].score <= b->common_max)) {
        kh_results_free(out);
        st = phrases ? read_checked(b, b->full, want, out, err)
                     : read_all(b, b->full, want, with_data, out, err);
    }
    return st;
}

static kh_status_t highlight(build_t *b, kh_results_t *out, kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < out->n; i++) {
        kh_result_t *r = &out->items[i];
        highlight_ctx_t hc = {b, r, 0};
        st = kh_analyzer_run(b->s->analyzer, r->data.text, strlen(r->data.text), mark_if_matched,
                             &hc, err);
    }
    return st;
}

/*
 * Pseudo-relevance feedback: the terms that best characterise the top
 * results reweigh the first ranking's best KH_FEEDBACK_DEPTH (AND_MAYBE: they
 * add weight, never matches), each scaled by its expansion weight relative
 * to the best one.
 */
static kh_status_t rank_with_feedback(build_t *b, const kh_query_t *query, kh_results_t *out,
                                      kh_error_t *err)
{
    const kh_search_opts_t *o = b->opts;
    size_t want = o->prf_docs < 64 ? o->prf_docs : 64;
    unsigned depth = o->limit > KH_FEEDBACK_DEPTH ? o->limit : KH_FEEDBACK_DEPTH;
    kh_status_t st = rank(b, query, depth, want + 1, out, err);
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
    kh_feedback_t f = {b->s->db, b->s->analyzer, o, b->positive.items, b->positive.n};
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
    while (out->n > o->limit) {
        kh_result_t *r = &out->items[--out->n];
        free(r->storage);
        free(r->highlights);
    }
    for (size_t i = 0; i < out->n; i++)
        out->items[i].rank = (unsigned)i + 1;
    return st;
}

static kh_status_t run_once(build_t *b, const kh_query_t *query, kh_results_t *out, kh_error_t *err)
{
    const kh_search_opts_t *o = b->opts;
    kh_status_t st;
    if (o->prf_weight > 0 && o->prf_docs && o->prf_terms)
        st = rank_with_feedback(b, query, out, err);
    else
        st = rank(b, query, o->limit, o->ids_only ? 0 : o->limit, out, err);
    /* Read every hit before any highlighting (see read_all). */
    for (size_t i = 0; !st && i < out->n; i++)
        st = read_doc(b->s, &out->items[i], !o->ids_only, err);
    return st || o->ids_only ? st : highlight(b, out, err);
}

/* The query's clauses into b and *xq (NULL when nothing can match). */
static kh_status_t build_query(build_t *b, const char *query, const kh_parsed_query_t *parsed,
                               kh_query_t **xq, kh_error_t *err)
{
    kh_status_t st = KH_OK;
    *xq = NULL;
    for (size_t i = 0; !st && i < parsed->n; i++) {
        const kh_clause_t *c = &parsed->clauses[i];
        st = c->field == KH_FIELD_TEXT || c->field == KH_FIELD_TITLE ? text_clause(b, query, c)
                                                                     : filter_clause(b, query, c);
    }
    if (!st)
        st = assemble(b, xq, err);
    if (!st && b->positive.n)
        qsort(b->positive.items, b->positive.n, sizeof *b->positive.items, compare_strings);
    if (!st && b->positive_keys.n)
        qsort(b->positive_keys.items, b->positive_keys.n, sizeof *b->positive_keys.items,
              compare_strings);
    return st;
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

kh_status_t kh_searcher_run(kh_searcher_t *s, const char *query, const kh_search_opts_t *opts,
                            kh_results_t *out, kh_error_t *err)
{
    s->left_out[0] = '\0';
    *out = (kh_results_t){0};
    forget_record(s);
    if (opts->stopwords != s->stop_lists || (opts->stopwords && !s->stopwords)) {
        kh_stopwords_free(s->stopwords);
        s->stopwords = NULL;
        s->stop_lists = 0;
        if (opts->stopwords) {
            kh_status_t st = kh_stopwords_new(s->analyzer, opts->stopwords, &s->stopwords, err);
            if (st)
                return st;
            s->stop_lists = opts->stopwords;
        }
    }
    kh_parsed_query_t parsed;
    kh_status_t st = kh_query_parse(query, strlen(query), &parsed, err);
    if (st)
        return st;

    /*
     * Building the query reads the index too (the words' frequencies,
     * is_common), so a writer's commit can overtake it as well as the
     * search: both are done again on the new revision.
     */
    build_t b = {0};
    kh_query_t *xq = NULL;
    for (int attempt = 0;; attempt++) {
        b = (build_t){.s = s, .opts = opts, .err = err};
        st = build_query(&b, query, &parsed, &xq, err);
        if (!st && xq)
            st = run_once(&b, xq, out, err);
        int without_shard = left_out_down_shards(s, st, opts);
        if (!without_shard && (!overtaken_by_writer(st) || attempt == MODIFIED_RETRIES))
            break;
        /* A writer committed while we read, or a shard was left out: ask again. */
        kh_query_free(xq);
        xq = NULL;
        build_free(&b);
        b = (build_t){0};
        kh_results_free(out);
        forget_record(s);
        if (without_shard)
            continue; /* the shards left are as they were: no reopening */
        pause_before_retry(attempt);
        while ((st = kh_db_reopen(s->db, err)) != KH_OK && overtaken_by_writer(st) &&
               attempt < MODIFIED_RETRIES)
            attempt++;
        if (st)
            break;
    }
    kh_parsed_query_free(&parsed);
    if (st)
        kh_results_free(out);
    out->phrase_checked = b.phrase_checked;
    out->phrase_cut = b.phrase_cut;
    out->phrases_ignored = b.phrases_ignored;
    out->partial = s->partial;
    snprintf(out->warning, sizeof out->warning, "%s", s->left_out);
    kh_query_free(xq);
    build_free(&b);
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

kh_status_t kh_searcher_suggest(kh_searcher_t *s, const char *query, char **out, kh_error_t *err)
{
    if (!s || !query || !out)
        return kh_error_set(err, KH_ERR_ARG, "kh_searcher_suggest: NULL argument");
    *out = NULL;
    kh_parsed_query_t parsed;
    kh_status_t st = kh_query_parse(query, strlen(query), &parsed, err);
    if (st)
        return st == KH_ERR_QUERY ? KH_OK : st; /* the search says what is wrong */
    query_words_t words = {0};
    for (size_t i = 0; !st && i < parsed.n; i++) {
        const kh_clause_t *c = &parsed.clauses[i];
        if (c->field != KH_FIELD_TEXT || c->occur == KH_OCCUR_MUST_NOT || c->phrase)
            continue;
        words.offset = c->start;
        st = kh_analyzer_run(s->analyzer, query + c->start, c->end - c->start, collect_word, &words,
                             err);
        if (st == KH_STOP) /* words is full */
            st = KH_OK;
    }
    kh_parsed_query_free(&parsed);
    /* The query rebuilt with each unknown word replaced. */
    char *fixed = NULL;
    size_t fixed_len = 0, copied = 0;
    FILE *f = st ? NULL : open_memstream(&fixed, &fixed_len);
    if (!st && !f)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    int changed = 0;
    for (size_t i = 0; !st && i < words.n; i++) {
        query_word_t *w = &words.items[i];
        unsigned df = 0;
        if (w->chars < SUGGEST_MIN_CHARS)
            continue;
        st = kh_db_term_freq(s->db, w->term, &df, err);
        if (st || df > 0)
            continue;
        /* لماسك is ماسك to the search (add_vocabulary_form): nothing to offer. */
        char other[KH_TOKEN_FORM_MAX + 1] = "";
        if (w->script == KH_SCRIPT_ARABIC)
            st = stripped_form(s->analyzer, w->norm, w->term, other, err);
        if (!st && other[0])
            st = kh_db_term_freq(s->db, other, &df, err);
        if (st || df > 0)
            continue;
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
            continue;
        suggest_scan_t sc = {.term = w->term, .max_distance = term_chars <= 6 ? 1 : 2};
        st = kh_db_all_terms(s->db, prefix, consider_term, &sc, err);
        char *word = NULL;
        if (!st && sc.best[0])
            st = surface_of(s, sc.best, &word, err);
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
