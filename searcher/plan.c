/*
 * plan.c - a parsed query into what to search (plan.h). Building reads
 * the index's document frequencies: see plan.h for how a plan relates to
 * the searcher's retries.
 */
#include "plan.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/phonetic.h"
#include "khabar/terms.h"
#include "variants.h"
#include "weight.h"

/* A growable list of Xapian subqueries. */
typedef struct query_list {
    kh_xquery_t **items;
    size_t n, cap;
} query_list_t;

static kh_status_t list_push(query_list_t *l, kh_xquery_t *q, kh_error_t *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        kh_xquery_t **items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            kh_xquery_free(q);
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
        kh_xquery_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/*
 * Combines a list into one query with op (NULL when the list is empty);
 * a single item is returned as it is.
 */
static kh_status_t list_combine(query_list_t *l, kh_xquery_op_t op, kh_xquery_t **out,
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
    return kh_xquery_combine(op, l->items, l->n, 0, out, err);
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

/*
 * Sticky errors, as FTS5's helpers take their rc: each step below does
 * nothing once *st holds an error (and frees the query it was given), so
 * a run of steps is checked once, after the last.
 */
static kh_xquery_t *term_query(const char *term, kh_status_t *st, kh_error_t *err)
{
    kh_xquery_t *q = NULL;
    if (!*st)
        *st = kh_xquery_term(term, 1, 0, &q, err);
    return q;
}

static void push(query_list_t *l, kh_xquery_t *q, kh_status_t *st, kh_error_t *err)
{
    if (*st)
        kh_xquery_free(q);
    else
        *st = list_push(l, q, err);
}

/* The list combined with op (list_combine), or NULL. */
static kh_xquery_t *combined(query_list_t *l, kh_xquery_op_t op, kh_status_t *st, kh_error_t *err)
{
    kh_xquery_t *q = NULL;
    if (!*st)
        *st = list_combine(l, op, &q, err);
    return q;
}

static void add_string(strings_t *l, const char *s, kh_status_t *st, kh_error_t *err)
{
    if (!*st)
        *st = strings_add(l, s, err);
}

/*
 * The translation's scratch: the subqueries of each kind and what the
 * clauses met so far decided. What outlives it moves into the plan.
 */
typedef struct build {
    const kh_plan_source_t *src;
    const kh_search_opts_t *opts;
    kh_plan_t *plan; /* being built: full, common_max, phrases, phrases_ignored */
    query_list_t should, must, must_not;
    query_list_t stopped; /* ranked stop words, used only when nothing else is ranked */
    strings_t stopped_terms;
    strings_t words; /* ranked words' terms in query order, for the title weight */
    unsigned char common_at[KH_QUERY_MAX_WORDS]; /* should.items[i] is a common word (is_common) */
    unsigned char word_common[KH_QUERY_MAX_WORDS]; /* words.items[i] is one */
    unsigned n_passages;                           /* in the index, once looked up */
    query_list_t field_filter[KH_FIELD_DATE + 1];  /* same field OR'd, fields AND'd */
    strings_t positive;                            /* terms to highlight (plan->terms) */
    strings_t positive_keys; /* prefixed phonetic keys to highlight (add_name_keys) */
    size_t n_query_terms;    /* words taken from the query so far */
    size_t n_should_phrases, n_excluded_phrases;
    unsigned n_phrases; /* phrases met (past KH_QUERY_MAX_PHRASES: plan->phrases_ignored) */
    struct phrase_clause {
        char *key;          /* how it occurs, then its terms (phrase_key) */
        query_list_t *list; /* its AND in Xapian's query: list->items[at]; NULL: none */
        size_t at;
        unsigned times; /* given so many times in the query */
    } phrase_clauses[KH_QUERY_MAX_PHRASES];
    int nested;     /* a group inside the query (parentheses, AND, OR): no phrase check */
    int required;   /* every result matches this query: the whole query, or a group that every
                       result must match (exclude_articles) */
    kh_plan_t *top; /* the whole query's plan: its notes */
    kh_error_t *err;
    struct known_dfs *known; /* over remote shards: frequencies read before (term_df); or NULL */
} build_t;

static void build_free(build_t *b)
{
    list_free(&b->should);
    list_free(&b->must);
    list_free(&b->must_not);
    list_free(&b->stopped);
    strings_free(&b->stopped_terms);
    strings_free(&b->words);
    for (size_t f = 0; f <= KH_FIELD_DATE; f++)
        list_free(&b->field_filter[f]);
    strings_free(&b->positive);
    strings_free(&b->positive_keys);
    for (unsigned i = 0; i < b->n_phrases && i < KH_QUERY_MAX_PHRASES; i++)
        free(b->phrase_clauses[i].key);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The terms of one clause's text, as a term, a PHRASE or an AND of prefixed terms. */
typedef struct kh_clause_terms {
    build_t *b;
    int title; /* title: words look for the title terms (kh_terms_title) */
    int positive;
    query_list_t terms;
    strings_t words;                  /* the terms, unprefixed: words.items[0] the first */
    int stop;                         /* the (first) token is a stop word */
    kh_script_t script;               /* of the first token */
    char key[KH_PHONETIC_MAX + 1];    /* the first token's phonetic key, or "" */
    char term[KH_TOKEN_FORM_MAX + 1]; /* the first token's term */
    char norm[KH_TOKEN_FORM_MAX + 1]; /* and its norm */
} kh_clause_terms_t;

static kh_status_t add_kh_clause_term(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    kh_clause_terms_t *ct = ctx;
    /* Words past the cap are dropped: see KH_QUERY_MAX_WORDS. */
    if (ct->b->n_query_terms++ >= KH_QUERY_MAX_WORDS)
        return KH_STOP;
    char title_term[KH_TERM_MAX];
    const char *term = tok->term;
    if (ct->title) {
        kh_terms_title(tok->term, title_term);
        term = title_term;
    }
    kh_status_t st = KH_OK;
    kh_xquery_t *q = term_query(term, &st, err);
    push(&ct->terms, q, &st, err);
    add_string(&ct->words, tok->term, &st, err);
    if (!st && ct->words.n == 1) {
        ct->stop = kh_stopwords_has(ct->b->src->stopwords, tok->norm, tok->norm_len);
        ct->script = tok->script;
        memcpy(ct->key, tok->key, tok->key_len + 1);
        memcpy(ct->term, tok->term, tok->term_len + 1);
        memcpy(ct->norm, tok->norm, tok->norm_len + 1);
    }
    if (ct->positive)
        add_string(&ct->b->positive, tok->term, &st, err);
    return st;
}

/* Moves the positive term just remembered for a stop word aside, until we know it is needed. */
static kh_status_t set_stop_word_aside(build_t *b, kh_xquery_t *q, kh_error_t *err)
{
    kh_status_t st = strings_take(&b->stopped_terms, b->positive.items[--b->positive.n], err);
    if (st) {
        kh_xquery_free(q);
        return st;
    }
    return list_push(&b->stopped, q, err);
}

/*
 * Several words in one clause ("a b" quoted, or closed-source written as
 * one) must stay together: Xapian matches the AND of their terms, and the
 * passages it finds are checked for the phrase on their text (phrase.h).
 */
static kh_status_t note_phrase(build_t *b, const kh_clause_t *c, kh_clause_terms_t *ct,
                               kh_xquery_t **q)
{
    kh_phrase_kind_t kind = c->occur == KH_OCCUR_MUST_NOT                     ? KH_PHRASE_EXCLUDED
                            : c->occur == KH_OCCUR_MUST || b->opts->all_words ? KH_PHRASE_REQUIRED
                                                                              : KH_PHRASE_ANY;
    kh_status_t st = b->plan->phrases ? KH_OK : kh_phrases_new(&b->plan->phrases, b->err);
    if (!st)
        st = kh_phrases_add(b->plan->phrases, kind, (const char *const *)ct->words.items,
                            ct->words.n, b->err);
    if (st)
        return st;
    if (kind == KH_PHRASE_ANY)
        b->n_should_phrases++;
    if (kind == KH_PHRASE_EXCLUDED) {
        /* Excluding the AND would also drop passages with the words apart. */
        b->n_excluded_phrases++;
        kh_xquery_free(*q);
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

/*
 * Over remote shards the frequencies a plan reads are read before it is
 * built, all in one call (kh_db_term_freqs: one exchange, every shard at
 * once): asked one by one, each cost a round trip per shard, one after the
 * other, some 20-30 of them for an ARCD question over 2 shards, more than
 * the rest of its search. Which terms a plan asks depends on what the
 * frequencies decide (a common word's title term), so kh_plan_build builds
 * it gathering (a term not known yet counts as held by none and is noted),
 * reads the terms noted, and builds again, until a build notes none.
 */
typedef struct known_dfs {
    strings_t terms;
    unsigned *dfs; /* of terms.items[i] */
    size_t cap;
    int gathering; /* unknown terms are noted in missed, df 0 */
    strings_t missed;
} known_dfs_t;

static int known_df(const known_dfs_t *k, const char *term, unsigned *df)
{
    for (size_t i = 0; i < k->terms.n; i++)
        if (strcmp(k->terms.items[i], term) == 0) {
            *df = k->dfs[i];
            return 1;
        }
    return 0;
}

/* Reads the frequencies of the terms noted missing into k. */
static kh_status_t read_missed(kh_db_t *db, known_dfs_t *k, kh_error_t *err)
{
    size_t n = k->terms.n + k->missed.n;
    if (n > k->cap) {
        unsigned *dfs = realloc(k->dfs, n * sizeof *dfs);
        if (!dfs)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        k->dfs = dfs;
        k->cap = n;
    }
    kh_status_t st = kh_db_term_freqs(db, (const char *const *)k->missed.items, k->missed.n,
                                      k->dfs + k->terms.n, err);
    for (size_t i = 0; !st && i < k->missed.n; i++) {
        st = strings_take(&k->terms, k->missed.items[i], err);
        k->missed.items[i] = NULL;
    }
    strings_free(&k->missed);
    return st;
}

/* How many passages hold term (and how many the index has, in b->n_passages). */
static kh_status_t term_df(build_t *b, const char *term, unsigned *df, kh_error_t *err)
{
    kh_status_t st = KH_OK;
    if (!b->n_passages)
        st = kh_db_doc_count(b->src->db, &b->n_passages, err);
    *df = 0;
    if (st || (b->known && known_df(b->known, term, df)))
        return st;
    if (b->known && b->known->gathering) {
        for (size_t i = 0; i < b->known->missed.n; i++)
            if (strcmp(b->known->missed.items[i], term) == 0)
                return KH_OK;
        return strings_add(&b->known->missed, term, err);
    }
    return kh_db_term_freq(b->src->db, term, df, err);
}

/* Adds to common_max the most a term held by df passages gives at scale. */
static void add_bound(build_t *b, unsigned df, double scale)
{
    if (df)
        b->plan->common_max +=
            scale * kh_term_weight(kh_bm25_idf(df, b->n_passages), KH_IMPACT_MAX);
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
static kh_status_t and_of_distinct(kh_clause_terms_t *ct, kh_xquery_t **out, kh_error_t *err)
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
        kh_xquery_t *q = ct->terms.items[i];
        ct->terms.items[i] = NULL;
        if (!times[i] || st) {
            kh_xquery_free(q);
        } else if (times[i] == 1) {
            ct->terms.items[kept++] = q;
        } else {
            kh_xquery_t *scaled = NULL;
            st = kh_xquery_scale(q, times[i], &scaled, err);
            kh_xquery_free(q);
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
static int phrase_repeated_or_ignored(build_t *b, kh_clause_terms_t *ct, size_t positive_before,
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
        b->plan->phrases_ignored++;
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
        kh_xquery_t *scaled = NULL;
        st = kh_xquery_scale(pc->list->items[pc->at], pc->times, &scaled, err);
        if (!st) {
            kh_xquery_free(pc->list->items[pc->at]);
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

static void push_scaled(query_list_t *l, kh_xquery_t *q, double factor, kh_status_t *st,
                        kh_error_t *err);

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

/* The key term of script (kh_terms_key) into l, scaled by weight, unless held by more than max_df
 * passages. */
static kh_status_t push_key(build_t *b, kh_script_t script, const char *key, double weight,
                            double max_df, int common, query_list_t *l, unsigned *df_out)
{
    char term[KH_TERM_MAX];
    kh_terms_key(script, key, term);
    unsigned df = 0;
    kh_status_t st = term_df(b, term, &df, b->err);
    *df_out = df;
    if (st || df == 0 || df > max_df)
        return st;
    if (common)
        add_bound(b, df, weight);
    kh_xquery_t *q = term_query(term, &st, b->err);
    push_scaled(l, q, weight, &st, b->err);
    add_string(&b->positive_keys, term, &st, b->err);
    return st;
}

/*
 * A name's spellings one consonant apart (variants.h): the Arabic key terms
 * one letter away from the word's key that the index holds, each in at most
 * max_df passages, at NAME_NEAR_WEIGHT, below the other alternatives, so
 * that the spelling typed and its key rank first; only for keys of
 * NAME_NEAR_MIN letters or more (shorter ones have too many neighbours:
 * with 4, arcd's nDCG@10 0.8435 -> 0.8407; with 5, 0.8428, kaiflematha
 * 0.9586 -> 0.9595; tests/bench/names.md).
 */
#define NAME_NEAR_WEIGHT 0.2
#define NAME_NEAR_MIN 5

static kh_status_t add_near_keys(build_t *b, const char *key, double max_df, int common,
                                 query_list_t *alt)
{
    if (strlen(key) < NAME_NEAR_MIN)
        return KH_OK;
    char near[KH_VARIANTS_MAX][KH_PHONETIC_MAX + 1];
    size_t n = kh_variants_near_keys(key, near, KH_VARIANTS_MAX);
    kh_status_t st = KH_OK;
    for (size_t i = 0; i < n && !st; i++) {
        unsigned df = 0;
        st = push_key(b, KH_SCRIPT_ARABIC, near[i], NAME_NEAR_WEIGHT, max_df, common, alt, &df);
    }
    return st;
}

/* Replaces *q, one word's query, by the OR of it and its key's alternatives. */
static kh_status_t add_name_keys(build_t *b, const kh_clause_terms_t *ct, int common,
                                 kh_xquery_t **q)
{
    if (!ct->key[0] || (ct->script != KH_SCRIPT_LATIN && ct->script != KH_SCRIPT_ARABIC))
        return KH_OK;
    int arabic = ct->script == KH_SCRIPT_ARABIC;
    kh_status_t st = KH_OK;
    if (!b->n_passages)
        st = kh_db_doc_count(b->src->db, &b->n_passages, b->err);
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
        st =
            push_key(b, KH_SCRIPT_ARABIC, ct->key, arabic ? NAME_VARIANT_WEIGHT : NAME_CROSS_WEIGHT,
                     arabic ? max_variant : max_cross, common, &alt, &df);
    /* An Arabic word whose key many passages hold is a plain word: no Latin spelling. */
    int name = !st && df <= (arabic ? max_variant : max_cross);
    if (name && arabic)
        st = push_key(b, KH_SCRIPT_LATIN, ct->key, NAME_CROSS_WEIGHT, max_cross, common, &alt, &df);
    if (!st && name)
        st = add_near_keys(b, ct->key, arabic ? max_variant : max_cross, common, &alt);
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

kh_status_t kh_plan_stripped_form(kh_analyzer_t *a, const char *norm, const char *term,
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

static kh_status_t add_vocabulary_form(build_t *b, const kh_clause_terms_t *ct, kh_xquery_t **q)
{
    if (ct->script != KH_SCRIPT_ARABIC)
        return KH_OK;
    char other[KH_TOKEN_FORM_MAX + 1];
    kh_status_t st = kh_plan_stripped_form(b->src->analyzer, ct->norm, ct->term, other, b->err);
    if (st || !other[0])
        return st;
    unsigned df = 0, other_df = 0;
    st = term_df(b, ct->term, &df, b->err);
    if (!st)
        st = term_df(b, other, &other_df, b->err);
    if (st || other_df < VOCABULARY_MIN_DF || other_df < VOCABULARY_RATIO * df)
        return st;
    query_list_t alt = {0};
    push(&alt, *q, &st, b->err);
    push(&alt, term_query(other, &st, b->err), &st, b->err);
    *q = combined(&alt, KH_OP_OR, &st, b->err);
    if (ct->positive)
        add_string(&b->positive, other, &st, b->err);
    list_free(&alt);
    return st;
}

/*
 * The other way round: passages that write the query word after a lone
 * proclitic (an article's لماسك, whose term Snowball keeps apart, when
 * ماسك is typed). The word's forms after ل ب ك (و and ف before them the
 * analyzer takes off already) are searched as the word when the index
 * holds them in at most 1 / PROCLITIC_FORM_RATIO as many passages as the
 * word's own term (rare beside it, so seldom an accident of the stemmer's:
 * بشركة stems to بشر, "human", held more often than شركة: left alone).
 * As the word: a passage holding a form but not the word weighs what it
 * would with the word (the form scaled by the word's idf over its own), one
 * holding the word what it did. OR'd at their own idf, the forms outranked
 * the word (لمحمد above محمد): arcd's nDCG@10 0.8434 -> 0.8305 at ratio
 * 10; as one term (OP_SYNONYM), 0.8403; OR'd with the idf scale but
 * without AND_NOT (a passage with both weighs more), 0.8381 at ratio 3.
 * OP_MAX gives the same results as the AND_NOT but cost +11.9% of the
 * instructions of the first 200 ARCD questions on the news corpus, the
 * AND_NOT +5.2%, and +4.3% with common words left alone (they select
 * nothing; same results on the quality sets and the names set). The
 * ratio, tuned on half A of tests/bench/names.sh: at 10, 5, 3, 2, 1.5 and
 * 1, half A's Arabic R@100 0.803, 0.805, 0.811, 0.811, 0.811, 0.810 (0.802
 * without), arcd 0.8431, 0.8433, 0.8435, 0.8435, 0.8428, 0.8419 (0.8434).
 */
#define PROCLITIC_FORM_RATIO 3.0

kh_status_t kh_plan_proclitic_forms(kh_analyzer_t *a, const char *norm, const char *term,
                                    char forms[KH_PLAN_PROCLITICS][KH_TOKEN_FORM_MAX + 1],
                                    kh_error_t *err)
{
    static const char *const proclitics[KH_PLAN_PROCLITICS] = {"\u0644", "\u0628", "\u0643"};
    static const char article[] = "\u0627\u0644";
    size_t norm_len = strlen(norm);
    kh_status_t st = KH_OK;
    for (int i = 0; i < KH_PLAN_PROCLITICS; i++)
        forms[i][0] = '\0';
    /* At least three letters, not after the article (للماسك: stemmed already). */
    if (norm_len < 6 || norm_len + 2 > KH_TOKEN_FORM_MAX || memcmp(norm, article, 4) == 0)
        return KH_OK;
    for (int i = 0; i < KH_PLAN_PROCLITICS && !st; i++) {
        char word[KH_TOKEN_FORM_MAX + 1];
        size_t len = 0;
        snprintf(word, sizeof word, "%s%s", proclitics[i], norm);
        st = kh_analyzer_term(a, word, norm_len + 2, forms[i], KH_TOKEN_FORM_MAX + 1, &len, err);
        int same = strchr(forms[i], ' ') || strcmp(forms[i], term) == 0;
        for (int j = 0; j < i && !same; j++)
            same = strcmp(forms[i], forms[j]) == 0;
        if (st || same)
            forms[i][0] = '\0';
    }
    return st;
}

static kh_status_t add_proclitic_forms(build_t *b, const kh_clause_terms_t *ct, int common,
                                       kh_xquery_t **q)
{
    if (ct->script != KH_SCRIPT_ARABIC || common)
        return KH_OK;
    char forms[KH_PLAN_PROCLITICS][KH_TOKEN_FORM_MAX + 1];
    kh_status_t st = kh_plan_proclitic_forms(b->src->analyzer, ct->norm, ct->term, forms, b->err);
    unsigned df = 0;
    if (!st)
        st = term_df(b, ct->term, &df, b->err);
    query_list_t alt = {0};
    for (int i = 0; i < KH_PLAN_PROCLITICS && !st && df; i++) {
        unsigned form_df = 0;
        if (!forms[i][0] || (st = term_df(b, forms[i], &form_df, b->err)) != KH_OK)
            continue;
        if (form_df == 0 || form_df * PROCLITIC_FORM_RATIO > df)
            continue;
        if (!alt.n) {
            push(&alt, *q, &st, b->err);
            *q = NULL; /* alt's now */
        }
        query_list_t only = {0}; /* the form AND_NOT the word */
        push(&only, term_query(forms[i], &st, b->err), &st, b->err);
        push(&only, term_query(ct->term, &st, b->err), &st, b->err);
        double scale = kh_bm25_idf(df, b->n_passages) / kh_bm25_idf(form_df, b->n_passages);
        push_scaled(&alt, combined(&only, KH_OP_AND_NOT, &st, b->err), scale, &st, b->err);
        list_free(&only);
        if (ct->positive)
            add_string(&b->positive, forms[i], &st, b->err);
    }
    if (alt.n)
        *q = combined(&alt, KH_OP_OR, &st, b->err);
    list_free(&alt);
    return st;
}

/* The words of the clause's text into ct; the words past the cap (KH_STOP) are no error. */
static kh_status_t analyse_clause(build_t *b, const char *query, const kh_clause_t *c,
                                  kh_clause_terms_t *ct)
{
    kh_status_t st = kh_analyzer_run(b->src->analyzer, query + c->start, c->end - c->start,
                                     add_kh_clause_term, ct, b->err);
    return st == KH_STOP ? KH_OK : st; /* the word cap */
}

/*
 * A quoted phrase's clause counted (phrase_repeated_or_ignored): *dropped
 * when it adds nothing to Xapian's query, ct then freed, as it is on an error.
 */
static kh_status_t count_phrase(build_t *b, const kh_clause_t *c, kh_clause_terms_t *ct,
                                size_t positive_before, int *dropped)
{
    char *key = NULL;
    kh_status_t st = phrase_key(b, c, &ct->words, &key, b->err);
    if (st) {
        list_free(&ct->terms);
        strings_free(&ct->words);
        return st;
    }
    *dropped = phrase_repeated_or_ignored(b, ct, positive_before, &key);
    return KH_OK;
}

/* The AND of the clause's terms (and_of_distinct), its phrase noted; ct's terms freed. */
static kh_xquery_t *clause_query(build_t *b, const kh_clause_t *c, kh_clause_terms_t *ct,
                                 kh_status_t *st)
{
    kh_xquery_t *q = NULL;
    /* title: words are boolean filters and need only all be there. */
    if (!*st)
        *st = and_of_distinct(ct, &q, b->err);
    list_free(&ct->terms);
    /* Inside a group a phrase is the AND of its words: the text check
     * (phrase.h) holds for the whole query, not for one side of an OR. */
    if (!*st && !ct->title && ct->words.n >= 2 && !b->nested)
        *st = note_phrase(b, c, ct, &q);
    return q;
}

/*
 * What a wanted clause's words weigh besides their terms: quoted words
 * must be there as written, a short query's words rank by it (exact.h);
 * one word's term also counts for the title weight (b->words).
 */
static void note_wanted_words(build_t *b, const char *query, const kh_clause_t *c,
                              const kh_clause_terms_t *ct, int one_word, kh_status_t *st)
{
    if (*st || c->occur == KH_OCCUR_MUST_NOT)
        return;
    if (!ct->title && (one_word || c->phrase) &&
        (b->plan->exact || !(*st = kh_exact_new(&b->plan->exact, b->err))))
        *st = kh_exact_add(b->plan->exact, b->src->analyzer, query + c->start, c->end - c->start,
                           c->phrase, b->err);
    if (!*st && one_word)
        *st = strings_add(&b->words, ct->words.items[0], b->err);
}

/*
 * An excluded word's query OR its title term, which every passage of an
 * article whose title holds the word carries: Xapian leaves those articles
 * out whole, and the search has fewer results to check (exclude_articles).
 */
static kh_xquery_t *or_title_term(build_t *b, const char *word, kh_xquery_t *q, kh_status_t *st)
{
    char title_term[KH_TERM_MAX];
    kh_terms_title(word, title_term);
    query_list_t either = {0};
    push(&either, q, st, b->err);
    push(&either, term_query(title_term, st, b->err), st, b->err);
    q = combined(&either, KH_OP_OR, st, b->err);
    list_free(&either);
    return q;
}

/* The list a ranked clause's query goes to. */
static query_list_t *ranked_list(build_t *b, const kh_clause_t *c)
{
    return c->occur == KH_OCCUR_MUST       ? &b->must
           : c->occur == KH_OCCUR_MUST_NOT ? &b->must_not
           : b->opts->all_words            ? &b->must
                                           : &b->should;
}

/* Whether the word just added to b->words is common (is_common), noted beside it. */
static kh_status_t note_common_word(build_t *b, int *common)
{
    kh_status_t st = is_common(b, b->words.items[b->words.n - 1], common, b->err);
    b->word_common[b->words.n - 1] = (unsigned char)*common;
    return st;
}

/* One word's query OR its other forms and its key's spellings. */
static kh_status_t add_alternatives(build_t *b, const kh_clause_terms_t *ct, int common,
                                    kh_xquery_t **q)
{
    kh_status_t st = add_vocabulary_form(b, ct, q);
    if (!st)
        st = add_proclitic_forms(b, ct, common, q);
    if (!st)
        st = add_name_keys(b, ct, common, q);
    return st;
}

/*
 * A ranked clause's query (taken) into its list; one selecting word is
 * first told common or not, the list noting which of its items are.
 */
static kh_status_t push_ranked(build_t *b, const kh_clause_t *c, const kh_clause_terms_t *ct,
                               kh_xquery_t *q, int one_word, int phrase)
{
    query_list_t *dest = ranked_list(b, c);
    int common = 0;
    kh_status_t st = KH_OK;
    if (dest == &b->should && one_word && b->should.n < KH_QUERY_MAX_WORDS &&
        b->words.n <= KH_QUERY_MAX_WORDS)
        st = note_common_word(b, &common);
    if (!st && one_word && c->occur != KH_OCCUR_MUST_NOT)
        st = add_alternatives(b, ct, common, &q);
    if (st) {
        kh_xquery_free(q);
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

static kh_status_t text_clause(build_t *b, const char *query, const kh_clause_t *c)
{
    int title = c->field == KH_FIELD_TITLE;
    kh_clause_terms_t ct = {
        .b = b, .title = title, .positive = !title && c->occur != KH_OCCUR_MUST_NOT};
    size_t positive_before = b->positive.n;
    kh_status_t st = analyse_clause(b, query, c, &ct);
    /* Quoted phrases are counted and told apart (phrase_repeated_or_ignored). */
    int phrase = !st && !title && ct.words.n >= 2 && c->phrase, dropped = 0;
    if (phrase)
        st = count_phrase(b, c, &ct, positive_before, &dropped);
    if (phrase && (st || dropped))
        return st;
    kh_xquery_t *q = clause_query(b, c, &ct, &st);
    int one_word = !title && ct.words.n == 1 && !c->phrase;
    int aside = one_word && ct.stop && c->occur == KH_OCCUR_SHOULD;
    if (q && !aside)
        note_wanted_words(b, query, c, &ct, one_word, &st);
    if (!st && q && one_word && c->occur == KH_OCCUR_MUST_NOT)
        q = or_title_term(b, ct.words.items[0], q, &st);
    strings_free(&ct.words);
    if (st || !q) {
        kh_xquery_free(q);
        return st; /* punctuation only, or an excluded phrase: nothing for Xapian */
    }
    if (title)
        return list_push(c->occur == KH_OCCUR_MUST_NOT ? &b->must_not : &b->field_filter[c->field],
                         q, b->err);
    if (aside)
        return set_stop_word_aside(b, q, b->err);
    return push_ranked(b, c, &ct, q, one_word, phrase);
}

static kh_status_t filter_clause(build_t *b, const char *query, const kh_clause_t *c)
{
    const char *value = query + c->start;
    size_t len = c->end - c->start;
    kh_xquery_t *q = NULL;
    kh_status_t st = KH_OK;
    if (c->field == KH_FIELD_DATE) {
        char lo[9], hi[10];
        st = kh_query_date_range(value, len, lo, hi, b->err);
        /* "2023" as an upper bound covers every date of 2023: 20231231 < "2023~". */
        if (!st && hi[0])
            strcat(hi, "~");
        if (!st)
            st = kh_xquery_value_range(KH_SLOT_DATE, lo[0] ? lo : NULL, hi[0] ? hi : NULL, &q,
                                       b->err);
    } else {
        char term[KH_TERM_MAX], raw[KH_TERM_MAX];
        if (len >= sizeof raw)
            return kh_error_set(b->err, KH_ERR_QUERY, "filter value too long: '%.40s...'", value);
        memcpy(raw, value, len);
        raw[len] = '\0';
        if (c->field == KH_FIELD_LANG)
            kh_terms_lang(raw, term);
        else if (kh_terms_section(b->src->analyzer, raw, len, term) || !term[0])
            return kh_error_set(b->err, KH_ERR_QUERY, "section:%s has no words to look for", raw);
        st = kh_xquery_term(term, 1, 0, &q, b->err);
    }
    if (st)
        return st;
    return list_push(c->occur == KH_OCCUR_MUST_NOT ? &b->must_not : &b->field_filter[c->field], q,
                     b->err);
}

/* q scaled by factor into list l (q is freed); sticky, as push(). */
static void push_scaled(query_list_t *l, kh_xquery_t *q, double factor, kh_status_t *st,
                        kh_error_t *err)
{
    kh_xquery_t *scaled = NULL;
    if (!*st)
        *st = kh_xquery_scale(q, factor, &scaled, err);
    kh_xquery_free(q);
    push(l, scaled, st, err);
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
        kh_terms_title(b->words.items[i], term);
        unsigned df;
        if (which == TITLE_COMMON && !(st = term_df(b, term, &df, err)))
            add_bound(b, df, b->opts->title_weight);
        push(&terms, term_query(term, &st, err), &st, err);
    }
    kh_xquery_t *any = combined(&terms, KH_OP_OR, &st, err);
    list_free(&terms);
    if (any)
        push_scaled(l, any, b->opts->title_weight, &st, err);
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
static kh_status_t set_common_aside(build_t *b, kh_xquery_t **out, kh_error_t *err)
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
        kh_xquery_t *copy = NULL;
        st = kh_xquery_combine(KH_OP_OR, &b->should.items[i], 1, 0, &copy, err);
        push(&side[b->common_at[i]], copy, &st, err);
    }
    if (!st)
        st = add_title_weight(b, TITLE_SELECTING, &side[0], err);
    if (!st)
        st = add_title_weight(b, TITLE_COMMON, &side[1], err);
    kh_xquery_t *pair[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++)
        pair[k] = combined(&side[k], KH_OP_OR, &st, err);
    if (!st)
        st = kh_xquery_combine(KH_OP_AND_MAYBE, pair, 2, 0, out, err);
    for (int k = 0; k < 2; k++) {
        list_free(&side[k]);
        kh_xquery_free(pair[k]);
    }
    return st;
}

/* *q FILTER filter AND_NOT exclude (either NULL for none); *q NULL stays NULL. Sticky. */
static void narrow(kh_xquery_t **q, const kh_xquery_t *filter, const kh_xquery_t *exclude,
                   kh_status_t *st, kh_error_t *err)
{
    const kh_xquery_t *by[] = {filter, exclude};
    const kh_xquery_op_t op[] = {KH_OP_FILTER, KH_OP_AND_NOT};
    for (size_t i = 0; !*st && *q && i < 2; i++) {
        if (!by[i])
            continue;
        kh_xquery_t *pair[] = {*q, (kh_xquery_t *)by[i]}, *narrowed = NULL;
        if ((*st = kh_xquery_combine(op[i], pair, 2, 0, &narrowed, err)) != KH_OK)
            return;
        kh_xquery_free(*q);
        *q = narrowed;
    }
}

/*
 * The ranked words into *out: must AND_MAYBE should, or with common words
 * set aside (should AND_MAYBE common) and b->plan->full the former; NULL
 * when no word is ranked.
 */
static kh_status_t ranked(build_t *b, kh_xquery_t **out, kh_error_t *err)
{
    kh_xquery_t *must = NULL, *should = NULL, *main = NULL;
    kh_status_t st = KH_OK;
    /* A query of stop words only ("the who", "من هو") looks for them after all. */
    if (b->should.n == 0 && b->must.n == 0 && b->stopped.n) {
        query_list_t swap = b->should;
        b->should = b->stopped;
        b->stopped = swap;
        for (size_t i = 0; i < b->stopped_terms.n; i++)
            add_string(&b->positive, b->stopped_terms.items[i], &st, err);
    }
    /*
     * Phrases alone ("a b" or "a b" "c d"): a passage must hold one of them.
     * Beside other words they only rank, as the AND of their words.
     */
    if (b->plan->phrases && (b->n_should_phrases < b->should.n || b->must.n))
        kh_phrases_drop_any(b->plan->phrases);
    kh_xquery_t *aside = NULL;
    if (!st)
        st = weigh_repeated_phrases(b, err);
    if (!st)
        st = set_common_aside(b, &aside, err);
    if (!st)
        st = add_title_weight(b, TITLE_ALL, &b->should, err);
    must = combined(&b->must, KH_OP_AND, &st, err);
    should = combined(&b->should, KH_OP_OR, &st, err);
    if (!st && must && should) {
        kh_xquery_t *pair[] = {must, should};
        st = kh_xquery_combine(KH_OP_AND_MAYBE, pair, 2, 0, &main, err);
    } else if (!st) {
        main = must ? must : should;
        must = should = NULL;
    }
    kh_xquery_free(must);
    kh_xquery_free(should);
    /* With common words set aside, the query above is what rank() falls back to. */
    if (!st && aside) {
        b->plan->full = main;
        main = aside;
        aside = NULL;
    }
    kh_xquery_free(aside);
    *out = main;
    return st;
}

/* Adds a note for the caller to show on stderr (plan.h); past the last slot it is counted. */
static void add_note(build_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_note(build_t *b, const char *fmt, ...)
{
    kh_plan_t *p = b->top;
    if (p->n_notes == KH_PLAN_MAX_NOTES) {
        p->notes_dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->notes[p->n_notes++], KH_QUERY_NOTE_MAX, fmt, ap);
    va_end(ap);
}

/*
 * An excluded word (a group, a field) leaves out whole articles (issue 16):
 * no passage of an article that holds it anywhere (title, a passage, a
 * related headline). Xapian's query leaves out the passages that hold it
 * (and, by their title term, the articles with it in the title:
 * text_clause); the articles of the other passages that hold it are left
 * out one of two ways, both exact.
 *
 * Widened: the word's articles are found first, with a search of its
 * passages collapsed on the article, and their article terms join the
 * exclusion in Xapian's query (widen_to_articles). Its cost grows with the
 * word's articles, each a posting list for the matcher: on the news corpus
 * (212,371 passages) excluding أوبك (720 passages, 189 articles) this way
 * cost the first 200 ARCD questions 10.5 M instructions each with -n 10
 * (callgrind, -j 1, whole process), 10.8 M with --per-article -n 100.
 *
 * Checked: the plan says what to exclude (plan->excluded) and the search
 * checks the articles of the results it is about to return, ranking deeper
 * for each one dropped (search.c): a cost per result checked, whatever the
 * word, 2.8 M and 6.1 M each for the same questions -أوبك. This serves where
 * every result must match the query that excludes (the whole query, a side
 * of AND, a required group: b->required) and the word is in more than
 * EXCLUDED_PASSAGES_MAX passages (Xapian's estimate): a rarer word's
 * articles cost less than that to widen (about 55 k each), and Xapian's
 * results then need no check.
 *
 * Elsewhere (inside a group that only ranks, a side of OR: "(a -b) OR c"
 * keeps c's passages in b's articles) the exclusion belongs to that part of
 * the query alone, which the search cannot check afterwards: it is
 * widened, however many articles hold the word.
 */
#define EXCLUDED_PASSAGES_MAX 200

/* Xapian's estimate of q's passages into *out, from the terms' frequencies: no posting is read. */
static kh_status_t estimate(build_t *b, const kh_xquery_t *q, unsigned *out)
{
    *out = 0;
    kh_enquire_t *e = NULL;
    kh_mset_t *m = NULL;
    kh_status_t st = kh_enquire_new(b->src->db, &e, b->err);
    if (!st)
        st = kh_enquire_set_query(e, q, b->err);
    if (!st)
        st = kh_enquire_get_mset(e, 0, 0, 0, &m, b->err);
    if (!st)
        *out = kh_mset_matches_estimated(m);
    kh_mset_free(m);
    kh_enquire_free(e);
    return st;
}

typedef struct article_ids {
    strings_t *ids;
    kh_status_t st;
    kh_error_t *err;
} article_ids_t;

static int add_article_id(void *ctx, size_t i, const char *v, size_t len)
{
    (void)i;
    article_ids_t *a = ctx;
    if (len && len < KH_TERM_MAX)
        a->st = strings_take(a->ids, strndup(v, len), a->err);
    return a->st != KH_OK;
}

/*
 * The ids of the articles with a passage that matches q into ids, sorted: a
 * search collapsed on the article (about estimated passages), the hits'
 * article ids read at once (one exchange per remote shard).
 */
static kh_status_t articles_of(build_t *b, const kh_xquery_t *q, unsigned estimated, strings_t *ids)
{
    kh_error_t *err = b->err;
    kh_enquire_t *e = NULL;
    kh_mset_t *m = NULL;
    kh_status_t st = kh_enquire_new(b->src->db, &e, err);
    if (!st)
        st = kh_enquire_set_query(e, q, err);
    if (!st)
        st = kh_enquire_set_collapse_key(e, KH_SLOT_ARTICLE_ID, 1, err);
    /* Weights do not matter here: k1 0 and b 0 spare reading the lengths. */
    if (!st)
        st = kh_enquire_set_bm25(e, 0, 0, 1, 0, 0.5, err);
    /* Every article: at most as many as the passages, asked again while the mset is full. */
    unsigned max = estimated > UINT_MAX - 64 ? UINT_MAX : estimated + 64;
    for (; !st; max = max > UINT_MAX / 2 ? UINT_MAX : 2 * max) {
        kh_mset_free(m);
        m = NULL;
        st = kh_enquire_get_mset(e, 0, max, 0, &m, err);
        if (st || kh_mset_size(m) < max || max == UINT_MAX)
            break;
    }
    size_t n = st ? 0 : kh_mset_size(m);
    size_t *hits = n ? malloc(n * sizeof *hits) : NULL;
    if (n && !hits)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; hits && i < n; i++)
        hits[i] = i;
    article_ids_t a = {ids, KH_OK, err};
    if (!st && n)
        st = kh_mset_values(m, hits, n, KH_SLOT_ARTICLE_ID, add_article_id, &a, err);
    if (!st)
        st = a.st;
    free(hits);
    kh_mset_free(m);
    kh_enquire_free(e);
    if (!st && ids->n > 1)
        qsort(ids->items, ids->n, sizeof *ids->items, compare_strings);
    return st;
}

/*
 * *exclude widened to its articles (above), unless Xapian estimates more
 * than bound passages (*passages: its estimate): *widened says which. With
 * within (what the part of the query that excludes matches; or NULL) the
 * rarer, only the articles that matter join the exclusion: those of
 * within's passages, each a posting list fewer for the search. "(النفط
 * -السعودية) OR الغاز" on the news corpus: السعودية is in 23,815 passages of
 * over 10,000 articles, whose posting lists cost the search 1.9 s; the
 * articles of النفط's passages among them, 0.06 s. The results are the same.
 */
static kh_status_t widen_to_articles(build_t *b, kh_xquery_t **exclude, const kh_xquery_t *within,
                                     unsigned bound, int *widened, unsigned *passages)
{
    *widened = 0;
    unsigned estimated = 0, within_estimated = 0;
    kh_status_t st = estimate(b, *exclude, &estimated);
    *passages = estimated;
    if (st || estimated > bound)
        return st;
    strings_t ids = {0}, in = {0};
    st = articles_of(b, *exclude, estimated, &ids);
    if (!st && within)
        st = estimate(b, within, &within_estimated);
    int restrict_to_within = within && within_estimated < estimated;
    if (!st && restrict_to_within)
        st = articles_of(b, within, within_estimated, &in);
    /* What is excluded OR'd with its articles' terms. */
    query_list_t any = {0};
    kh_xquery_t *excluded = *exclude;
    *exclude = NULL;
    push(&any, excluded, &st, b->err);
    for (size_t i = 0; !st && i < ids.n; i++) {
        char term[KH_TERM_MAX];
        if (i > 0 && strcmp(ids.items[i], ids.items[i - 1]) == 0)
            continue;
        /* (Not in within's articles, of which there may be none: bsearch wants a list.) */
        if (restrict_to_within &&
            (!in.n || !bsearch(&ids.items[i], in.items, in.n, sizeof *in.items, compare_strings)))
            continue;
        if (kh_terms_article(ids.items[i], term, NULL) == KH_OK)
            push(&any, term_query(term, &st, b->err), &st, b->err);
    }
    strings_free(&ids);
    strings_free(&in);
    *exclude = combined(&any, KH_OP_OR, &st, b->err);
    list_free(&any);
    *widened = !st;
    return st;
}

/*
 * *exclude (what a query's excluded items match) made to leave out their
 * articles (see above): widened, or left as it is (the passages only) and
 * added to the plan's excluded for the search to check. within: what the
 * part of the query that excludes matches, or NULL (widen_to_articles).
 */
static kh_status_t exclude_articles(build_t *b, int required, const kh_xquery_t *within,
                                    kh_xquery_t **exclude)
{
    int widened = 0;
    unsigned passages = 0;
    kh_status_t st = widen_to_articles(
        b, exclude, within, required ? EXCLUDED_PASSAGES_MAX : UINT_MAX, &widened, &passages);
    if (!st && !widened && !b->n_passages)
        st = kh_db_doc_count(b->src->db, &b->n_passages, b->err);
    if (st || widened)
        return st;
    kh_plan_t *top = b->top;
    if (b->n_passages)
        top->excluded_share += (double)passages / b->n_passages;
    kh_xquery_t *either = NULL, *pair[] = {top->excluded, *exclude};
    st = top->excluded ? kh_xquery_combine(KH_OP_OR, pair, 2, 0, &either, b->err)
                       : kh_xquery_combine(KH_OP_OR, pair + 1, 1, 0, &either, b->err);
    if (!st) {
        kh_xquery_free(top->excluded);
        top->excluded = either;
    }
    return st;
}

/*
 * ranked() FILTER fields AND_NOT must_not, and b->plan->full the same;
 * NULL when nothing can match.
 */
static kh_status_t assemble(build_t *b, kh_xquery_t **out, kh_error_t *err)
{
    *out = NULL;
    kh_xquery_t *main = NULL;
    kh_status_t st = ranked(b, &main, err);

    /* Filters: each field's values OR'd, the fields AND'd. */
    query_list_t filters = {0};
    for (size_t f = 0; !st && f <= KH_FIELD_DATE; f++) {
        kh_xquery_t *q =
            combined(&b->field_filter[f], f == KH_FIELD_TITLE ? KH_OP_AND : KH_OP_OR, &st, err);
        if (q)
            push(&filters, q, &st, err);
    }
    kh_xquery_t *filter = combined(&filters, KH_OP_AND, &st, err);
    list_free(&filters);

    /* Only filters or only exclusions: every passage they allow, in index order. */
    if (!st && !main && (filter || b->must_not.n || b->n_excluded_phrases))
        st = kh_xquery_match_all(&main, err);
    kh_xquery_t *exclude = combined(&b->must_not, KH_OP_OR, &st, err);
    if (!st && exclude && main) {
        /* What the part matches: the plain query when common words are set aside (group_query). */
        kh_xquery_t *within = NULL, *pair[] = {b->plan->full ? b->plan->full : main, filter};
        st = kh_xquery_combine(filter ? KH_OP_FILTER : KH_OP_OR, pair, filter ? 2 : 1, 0, &within,
                               err);
        if (!st)
            st = exclude_articles(b, b->required, within, &exclude);
        kh_xquery_free(within);
    }
    narrow(&main, filter, exclude, &st, err);
    narrow(&b->plan->full, filter, exclude, &st, err);
    kh_xquery_free(filter);
    kh_xquery_free(exclude);
    if (st) {
        kh_xquery_free(main);
        return st;
    }
    *out = main;
    return KH_OK;
}

/*
 * word*: the words of the index that start with the word as the analyzer
 * normalises it (aerodyn* finds aerodynamic, aerodynamics; Arabic without
 * its diacritics), OR'd. At most PREFIX_TERMS_MAX of them, the most common:
 * Xapian's QueryParser bounds its wildcards the same way, as each word
 * costs a posting list; a note says when the bound cut the list. The scan
 * itself reads at most PREFIX_SCAN_MAX terms of the index.
 */
#define PREFIX_TERMS_MAX 100
#define PREFIX_SCAN_MAX 100000

typedef struct prefix_scan {
    struct prefix_term {
        char *term;
        unsigned df;
    } * items;
    size_t n, cap, seen;
    int nomem;
} prefix_scan_t;

static int collect_prefixed(void *ctx, const char *term, unsigned df)
{
    prefix_scan_t *ps = ctx;
    if (++ps->seen > PREFIX_SCAN_MAX)
        return 1;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? 2 * ps->cap : 64;
        struct prefix_term *items = realloc(ps->items, cap * sizeof *items);
        if (!items)
            return ps->nomem = 1;
        ps->items = items;
        ps->cap = cap;
    }
    char *copy = strdup(term);
    if (!copy)
        return ps->nomem = 1;
    ps->items[ps->n++] = (struct prefix_term){copy, df};
    return 0;
}

static int more_common(const void *a, const void *b)
{
    const struct prefix_term *x = a, *y = b;
    return (x->df < y->df) - (x->df > y->df);
}

/* The first token's normalised form, for word*. */
static kh_status_t first_norm(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    snprintf(ctx, KH_TOKEN_FORM_MAX + 1, "%s", tok->norm);
    return KH_STOP;
}

kh_status_t kh_plan_prefix_of(kh_analyzer_t *a, const char *word, size_t len, int title,
                              char norm[KH_TOKEN_FORM_MAX + 1], char prefix[KH_TERM_MAX],
                              kh_error_t *err)
{
    norm[0] = prefix[0] = '\0';
    kh_status_t st = kh_analyzer_run(a, word, len, first_norm, norm, err);
    if (st == KH_STOP)
        st = KH_OK;
    if (st || !norm[0])
        return st;
    if (title)
        kh_terms_title(norm, prefix);
    else
        snprintf(prefix, KH_TERM_MAX, "%s", norm);
    return KH_OK;
}

static kh_status_t prefix_query(build_t *b, const char *query, const kh_query_node_t *n,
                                int positive, kh_xquery_t **out)
{
    *out = NULL;
    char norm[KH_TOKEN_FORM_MAX + 1], prefix[KH_TERM_MAX];
    kh_status_t st = kh_plan_prefix_of(b->src->analyzer, query + n->start, n->end - n->start,
                                       n->field == KH_FIELD_TITLE, norm, prefix, b->err);
    if (st || !norm[0])
        return st;
    prefix_scan_t ps = {0};
    st = kh_db_all_terms(b->src->db, prefix, collect_prefixed, &ps, b->err);
    if (!st && ps.nomem)
        st = kh_error_set(b->err, KH_ERR_NOMEM, NULL);
    size_t kept = ps.n;
    if (!st && (ps.n > PREFIX_TERMS_MAX || ps.seen > PREFIX_SCAN_MAX)) {
        qsort(ps.items, ps.n, sizeof *ps.items, more_common);
        kept = ps.n < PREFIX_TERMS_MAX ? ps.n : PREFIX_TERMS_MAX;
        add_note(b, "%.*s*: %s%zu words start with '%s'; the %zu most common searched",
                 (int)(n->end - n->start), query + n->start,
                 ps.seen > PREFIX_SCAN_MAX ? "more than " : "",
                 ps.seen > PREFIX_SCAN_MAX ? (size_t)PREFIX_SCAN_MAX : ps.n, norm, kept);
    }
    query_list_t any = {0};
    for (size_t i = 0; !st && i < kept; i++) {
        push(&any, term_query(ps.items[i].term, &st, b->err), &st, b->err);
        if (positive && n->field != KH_FIELD_TITLE)
            add_string(&b->positive, ps.items[i].term, &st, b->err);
    }
    /* No word starts so: the prefix itself, which matches nothing either. */
    if (!st && !kept)
        push(&any, term_query(prefix, &st, b->err), &st, b->err);
    *out = combined(&any, KH_OP_OR, &st, b->err);
    list_free(&any);
    for (size_t i = 0; i < ps.n; i++)
        free(ps.items[i].term);
    free(ps.items);
    return st;
}

static kh_status_t add_item(build_t *b, const char *query, const kh_query_node_t *n,
                            kh_occur_t occur, int required);

/*
 * Whether every result of b must match item, a child of list (or the whole
 * query when list is NULL): the item is required, or --all makes it so, or it is the only child
 * that is not excluded (exclude_articles).
 */
static int item_required(const build_t *b, const kh_query_node_t *list, const kh_query_node_t *item)
{
    if (!b->required || item->occur == KH_OCCUR_MUST_NOT)
        return 0;
    if (!list || item->occur == KH_OCCUR_MUST || b->opts->all_words)
        return 1;
    size_t ranked = 0;
    for (size_t i = 0; i < list->n_children; i++)
        ranked += list->children[i]->occur != KH_OCCUR_MUST_NOT;
    return ranked == 1;
}

/*
 * A group of the query (a parenthesised list, a word under AND or OR) as
 * one Xapian query, built as a query of its own: its words ranked, its
 * filters and exclusions applied inside it. Its highlighting (positive:
 * unless excluded) and notes join the whole plan's. With common words set aside, the group takes
 * the plain query (plan->full): a group cannot run again alone. Required: every result of the
 * whole query must match the group (exclude_articles).
 */
static kh_status_t group_query(build_t *b, const char *query, const kh_query_node_t *n,
                               int positive, int required, kh_xquery_t **out)
{
    *out = NULL;
    kh_plan_t part = {0};
    build_t g = {.src = b->src,
                 .opts = b->opts,
                 .plan = &part,
                 .positive = b->positive,
                 .positive_keys = b->positive_keys,
                 .n_query_terms = b->n_query_terms,
                 .n_passages = b->n_passages,
                 .nested = 1,
                 .required = required,
                 .top = b->top,
                 .known = b->known, /* a group's frequencies are gathered with the rest */
                 .err = b->err};
    kh_status_t st = KH_OK;
    if (n->kind == KH_NODE_LIST)
        for (size_t i = 0; !st && i < n->n_children; i++)
            st = add_item(&g, query, n->children[i], n->children[i]->occur,
                          item_required(&g, n, n->children[i]));
    else
        st = add_item(&g, query, n, KH_OCCUR_SHOULD, required);
    if (!st)
        st = assemble(&g, out, b->err);
    if (!st && part.full) {
        kh_xquery_free(*out);
        *out = part.full;
        part.full = NULL;
    }
    /* An excluded group's words are not highlighted. */
    while (!positive && g.positive.n > b->positive.n)
        free(g.positive.items[--g.positive.n]);
    while (!positive && g.positive_keys.n > b->positive_keys.n)
        free(g.positive_keys.items[--g.positive_keys.n]);
    b->positive = g.positive;
    b->positive_keys = g.positive_keys;
    b->n_query_terms = g.n_query_terms;
    b->n_passages = g.n_passages;
    b->plan->phrases_ignored += part.phrases_ignored;
    g.positive = g.positive_keys = (strings_t){0};
    build_free(&g);
    kh_plan_free(&part);
    if (st) {
        kh_xquery_free(*out);
        *out = NULL;
    }
    return st;
}

/* n's query whatever its occur (the caller applies it); NULL: nothing to look for. Required:
 * every result of the whole query must match n (exclude_articles). */
static kh_status_t node_query(build_t *b, const char *query, const kh_query_node_t *n, int positive,
                              int required, kh_xquery_t **out)
{
    *out = NULL;
    if (n->kind == KH_NODE_WORD && (n->flags & KH_NODE_PREFIX) &&
        (n->field == KH_FIELD_TEXT || n->field == KH_FIELD_TITLE))
        return prefix_query(b, query, n, positive, out);
    if (n->kind != KH_NODE_AND && n->kind != KH_NODE_OR)
        return group_query(b, query, n, positive, required, out);
    /* AND: the children's AND, its excluded ones AND_NOT'd; OR: any child,
     * an excluded one meaning every passage outside its articles. A side of
     * a required AND is required; a side of OR never is. */
    int and_required = required && n->kind == KH_NODE_AND;
    query_list_t take = {0}, leave = {0};
    kh_status_t st = KH_OK;
    for (size_t i = 0; !st && i < n->n_children; i++) {
        const kh_query_node_t *c = n->children[i];
        int excluded = c->occur == KH_OCCUR_MUST_NOT;
        kh_xquery_t *q = NULL;
        st = node_query(b, query, c, positive && !excluded, and_required && !excluded, &q);
        if (!st && q && excluded && n->kind == KH_NODE_OR) {
            kh_xquery_t *all = NULL;
            st = kh_xquery_match_all(&all, b->err);
            int widened;
            unsigned passages;
            if (!st)
                st = widen_to_articles(b, &q, NULL, UINT_MAX, &widened, &passages);
            narrow(&all, NULL, q, &st, b->err);
            kh_xquery_free(q);
            q = all;
            excluded = 0;
        } else if (!st && q && excluded) {
            st = exclude_articles(b, and_required, NULL, &q);
        }
        if (q)
            push(excluded ? &leave : &take, q, &st, b->err);
    }
    kh_xquery_t *main = combined(&take, n->kind == KH_NODE_AND ? KH_OP_AND : KH_OP_OR, &st, b->err);
    if (!st && !main && leave.n)
        st = kh_xquery_match_all(&main, b->err);
    kh_xquery_t *exclude = combined(&leave, KH_OP_OR, &st, b->err);
    narrow(&main, NULL, exclude, &st, b->err);
    kh_xquery_free(exclude);
    list_free(&take);
    list_free(&leave);
    if (st) {
        kh_xquery_free(main);
        main = NULL;
    }
    *out = main;
    return st;
}

/* One item of a list (or the whole query): a word as today, a group as one query; required:
 * item_required(). */
static kh_status_t add_item(build_t *b, const char *query, const kh_query_node_t *n,
                            kh_occur_t occur, int required)
{
    if (n->kind == KH_NODE_WORD && n->field != KH_FIELD_TEXT && b->src->skip_filters)
        return KH_OK;
    /* word* expands text and title words only: lang:ar* or date:2023* is the plain value
     * (node_query would hand such a word back here as a group of its own, for ever). */
    int expands =
        (n->flags & KH_NODE_PREFIX) && (n->field == KH_FIELD_TEXT || n->field == KH_FIELD_TITLE);
    if (n->kind == KH_NODE_WORD && !expands) {
        kh_clause_t c = {n->field, occur, (n->flags & KH_NODE_PHRASE) != 0, n->start, n->end};
        return c.field == KH_FIELD_TEXT || c.field == KH_FIELD_TITLE ? text_clause(b, query, &c)
                                                                     : filter_clause(b, query, &c);
    }
    kh_xquery_t *q = NULL;
    kh_status_t st = node_query(b, query, n, occur != KH_OCCUR_MUST_NOT, required, &q);
    if (st || !q)
        return st;
    /* title:word* is a filter, as title:word is. */
    int title = n->kind == KH_NODE_WORD && n->field == KH_FIELD_TITLE;
    query_list_t *dest = occur == KH_OCCUR_MUST_NOT ? &b->must_not
                         : title                    ? &b->field_filter[KH_FIELD_TITLE]
                         : occur == KH_OCCUR_MUST || b->opts->all_words ? &b->must
                                                                        : &b->should;
    return list_push(dest, q, b->err);
}

static kh_status_t build_once(const kh_plan_source_t *src, const char *query,
                              const kh_query_tree_t *tree, known_dfs_t *known, kh_plan_t *out,
                              kh_error_t *err)
{
    *out = (kh_plan_t){0};
    build_t b = {.src = src,
                 .opts = src->opts,
                 .plan = out,
                 .required = 1,
                 .top = out,
                 .err = err,
                 .known = known};
    kh_status_t st = KH_OK;
    const kh_query_node_t *root = tree->root;
    /* The words side by side, as the query language always took them. */
    if (root && root->kind == KH_NODE_LIST)
        for (size_t i = 0; !st && i < root->n_children; i++)
            st = add_item(&b, query, root->children[i], root->children[i]->occur,
                          item_required(&b, root, root->children[i]));
    else if (root)
        st = add_item(&b, query, root, root->occur, item_required(&b, NULL, root));
    if (!st)
        st = assemble(&b, &out->query, err);
    /* Sorted for the highlighter's and feedback's binary searches. */
    if (!st && b.positive.n)
        qsort(b.positive.items, b.positive.n, sizeof *b.positive.items, compare_strings);
    if (!st && b.positive_keys.n)
        qsort(b.positive_keys.items, b.positive_keys.n, sizeof *b.positive_keys.items,
              compare_strings);
    out->terms = b.positive.items;
    out->n_terms = b.positive.n;
    out->keys = b.positive_keys.items;
    out->n_keys = b.positive_keys.n;
    b.positive = b.positive_keys = (strings_t){0};
    build_free(&b);
    return st;
}

/* Builds past this many gathering rounds read the rest one by one (known_dfs_t). */
#define GATHER_ROUNDS 3

kh_status_t kh_plan_build(const kh_plan_source_t *src, const char *query,
                          const kh_query_tree_t *tree, kh_plan_t *out, kh_error_t *err)
{
    if (!kh_db_is_remote(src->db))
        return build_once(src, query, tree, NULL, out, err);
    known_dfs_t known = {0};
    kh_status_t st;
    for (int round = 0;; round++) {
        known.gathering = round < GATHER_ROUNDS;
        st = build_once(src, query, tree, &known, out, err);
        if (!known.gathering || known.missed.n == 0)
            break;
        /* Built on frequencies of 0: not the plan, whatever its status. */
        kh_plan_free(out);
        st = read_missed(src->db, &known, err);
        if (st)
            break;
    }
    strings_free(&known.terms);
    strings_free(&known.missed);
    free(known.dfs);
    return st;
}

void kh_plan_free(kh_plan_t *p)
{
    if (!p)
        return;
    kh_xquery_free(p->query);
    kh_xquery_free(p->full);
    kh_xquery_free(p->excluded);
    kh_phrases_free(p->phrases);
    kh_exact_free(p->exact);
    strings_t terms = {p->terms, p->n_terms, p->n_terms}, keys = {p->keys, p->n_keys, p->n_keys};
    strings_free(&terms);
    strings_free(&keys);
    *p = (kh_plan_t){0};
}

/* "name: " and q as Xapian describes it, or "(none)". */
static kh_status_t describe_query(FILE *f, const char *name, const kh_xquery_t *q, kh_error_t *err)
{
    char *text = NULL;
    kh_status_t st = q ? kh_xquery_describe(q, &text, err) : KH_OK;
    if (!st)
        fprintf(f, "%s: %s\n", name, text ? text : "(none)");
    free(text);
    return st;
}

static void describe_strings(FILE *f, const char *name, char *const *items, size_t n)
{
    fprintf(f, "%s:", name);
    for (size_t i = 0; i < n; i++)
        fprintf(f, " %s", items[i]);
    fputc('\n', f);
}

kh_status_t kh_plan_describe(const kh_plan_t *p, FILE *f, kh_error_t *err)
{
    kh_status_t st = describe_query(f, "query", p->query, err);
    if (!st)
        st = describe_query(f, "full", p->full, err);
    if (st)
        return st;
    if (p->full)
        fprintf(f, "common bound: %.6g\n", p->common_max);
    if (!st && p->excluded)
        st = describe_query(f, "exclude articles holding", p->excluded, err);
    if (st)
        return st;
    fprintf(f, "phrases: %zu to check on the text, %u ignored\n", kh_phrases_count(p->phrases),
            p->phrases_ignored);
    describe_strings(f, "highlight", p->terms, p->n_terms);
    describe_strings(f, "keys", p->keys, p->n_keys);
    return ferror(f) ? kh_error_set(err, KH_ERR_IO, "writing the query plan failed") : KH_OK;
}
