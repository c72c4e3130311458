/*
 * search.h - a parsed query into a Xapian query, ranked passages with the
 * byte spans of the words that matched.
 */
#ifndef KHABAR_SEARCH_H
#define KHABAR_SEARCH_H

#include <stddef.h>

#include "khabar/schema.h"
#include "khabar/status.h"

typedef struct kh_search_opts {
    unsigned limit;      /* results wanted (-n) */
    int per_article;     /* best passage of each article only */
    int all_words;       /* every ranked word is required (--all) */
    unsigned stopwords;  /* KH_STOP_* lists (stopwords.h) left out of the ranked words; 0: none */
    double title_weight; /* weight of a word found in the passage's article title; 0: off */
    unsigned prf_docs;  /* pseudo-relevance feedback: from the top prf_docs results (at most 64), */
    unsigned prf_terms; /* the prf_terms best terms */
    double prf_weight;  /* reweigh the ranking with this weight; 0: off */
    int ids_only;       /* results need their ids, ranks and scores only (TREC output): no text
                           is read but what the ranking needs, nothing highlighted */
    int allow_partial;  /* a remote shard that stops answering is left out, the query run again
                           on the others (kh_results_t.partial); else the query fails */
    unsigned offset;    /* results skipped before the limit wanted (--offset): ranks offset+1
                           to offset+limit of the same query with limit offset+limit */
    int count;          /* --count: the match count is what is wanted; Xapian looks at up to
                           KH_COUNT_EXACT_MAX candidates so that it is exact below that */
    int explain;        /* --explain: kh_results_t.explain and each result's contributions */
} kh_search_opts_t;

/*
 * With --count, Xapian checks at least this many candidates, so a count
 * below it is exact (kh_results_t.exact); above, it is Xapian's estimate.
 */
#define KH_COUNT_EXACT_MAX 100000

/*
 * The defaults: every ranking choice measured on the quality sets
 * (tests/bench/README.md has the ablation table and search.c the reasons).
 */
kh_search_opts_t kh_search_opts_default(void);

/*
 * The words of one query that are looked for; the rest are ignored. A
 * keyword query is a few words; a pasted 100,000-character text made
 * Xapian's matcher take seconds per 1,000 words (time grew with the square
 * of the word count: 1,000 words 0.16 s, 6,000 words 5.8 s), so a cap keeps
 * every query fast.
 */
#define KH_QUERY_MAX_WORDS 1000

/*
 * The most work the phrase check (phrase.h) does for one query. It reads
 * and checks the candidate passages (those holding the phrase's words)
 * best ranked first, at most KH_PHRASE_MAX_PASSAGES of them, or
 * KH_PHRASE_PER_RESULT per result wanted when -n asks for more, and on
 * average at most KH_PHRASE_BYTES_PER_PASSAGE bytes of their articles'
 * text each (an article's text is read whole). A phrase of common words
 * ("في من") is in few of the passages that hold its words (36 of 87,795 on
 * the 99 MB news corpus): checking them all took 6 s, and 60 s for a
 * phrase of 1,000 such words. At the bound the results are the best of the
 * passages checked, which rank above all those left unchecked, but there
 * may be fewer than asked for (kh_results_t.phrase_cut).
 *
 * A query looks for its first KH_QUERY_MAX_PHRASES quoted phrases and
 * ignores the others (kh_results_t.phrases_ignored): each phrase of common
 * words costs Xapian a few milliseconds (a 6 KB query of 420 of them,
 * 1.2 s). The same phrase given again counts once.
 */
#define KH_PHRASE_MAX_PASSAGES 200
#define KH_PHRASE_PER_RESULT 2
#define KH_PHRASE_BYTES_PER_PASSAGE 8192
#define KH_QUERY_MAX_PHRASES 3

typedef struct kh_span {
    size_t start, end; /* bytes of kh_result_t.data.text */
} kh_span_t;

/* What one term added to a result's score (--explain: explain.h). */
typedef struct kh_contribution {
    char *term;
    unsigned wdf;  /* its stored weight in the passage */
    double weight; /* what it added: the term's query weight x wdf */
    int feedback;  /* a term feedback added */
} kh_contribution_t;

typedef struct kh_result {
    unsigned rank; /* from 1 */
    double score;
    kh_passage_data_t data; /* strings point into storage */
    char *storage;
    kh_span_t *highlights; /* the words of text that matched the query, in order */
    size_t n_highlights;
    kh_span_t *title_highlights; /* the same for data.title (spans into it), in order */
    size_t n_title_highlights;
    unsigned docid;                   /* in the index as opened: valid until it is reopened */
    kh_contribution_t *contributions; /* opts.explain: the terms it holds, largest first */
    size_t n_contributions;
} kh_result_t;

typedef struct kh_results {
    kh_result_t *items;
    size_t n;
    unsigned long long estimated; /* matches in all, as Xapian estimates them (with common
                                     words set aside, plan.c: those holding another word) */
    int exact;                    /* estimated is the exact count (opts.count, below
                                     KH_COUNT_EXACT_MAX; or every phrase candidate checked) */
    unsigned long phrase_checked; /* candidate passages checked for the query's phrases */
    int phrase_cut; /* the check stopped at its bound (KH_PHRASE_MAX_PASSAGES) before enough
                       passages passed: the results are the best of those checked */
    unsigned phrases_ignored; /* phrases past the first KH_QUERY_MAX_PHRASES */
    int partial;   /* searched without a remote shard that stopped answering (allow_partial) */
    char *explain; /* opts.explain: the query as it ran, in lines (explain.h); else NULL */
    char warning[KH_ERROR_MESSAGE_MAX]; /* "" or the shard this query left out, told once in
                                           the process ("shard '...' (STUB line N): ...") */
    char notes[1024]; /* "" or what the query was read as otherwise than written, one a line
                         ("foo:bar: no field 'foo'; searched as words"), for stderr */
} kh_results_t;

typedef struct kh_searcher kh_searcher_t;

/*
 * Opens the index at path (a database folder or a stub file) for reading and
 * checks that it was written by this schema and analyzer. Statuses:
 * KH_ERR_DB_NOT_FOUND, KH_ERR_DB_OPEN, KH_ERR_DB_CORRUPT, KH_ERR_DB_VERSION
 * (not a khabar index, or another version: re-index), KH_ERR_NOMEM.
 */
kh_status_t kh_searcher_open(const char *path, kh_searcher_t **out, kh_error_t *err);

/*
 * kh_searcher_open(), the remote shards of a stub given remote_timeout
 * seconds (> 0) to connect and to answer each request (kh_db_open_reader()
 * in xdb.h; KH_DB_REMOTE_TIMEOUT_DEFAULT is Xapian's 10). A shard that
 * stops answering fails the query, and every later query of the process
 * at once, with KH_ERR_NETWORK and a message naming it; with
 * opts.allow_partial it is left out and the query runs on the others.
 */
kh_status_t kh_searcher_open_timeout(const char *path, double remote_timeout, kh_searcher_t **out,
                                     kh_error_t *err);

/*
 * Runs one query. The results belong to the caller (kh_results_free). A
 * query that the language rejects is KH_ERR_QUERY with its message; an index
 * changed by a writer meanwhile is reopened and the query retried.
 */
kh_status_t kh_searcher_run(kh_searcher_t *s, const char *query, const kh_search_opts_t *opts,
                            kh_results_t *out, kh_error_t *err);

/*
 * Frees the results of r (each one's text, the highlights of its text and
 * title, its contributions, the array, the explanation) and empties it
 * (items NULL, n 0, explain NULL); the counts and the warning stay. r
 * itself is the caller's and must not be NULL; an emptied or zeroed r is
 * fine. Results do not depend on their searcher: they may be freed after
 * kh_searcher_close().
 */
void kh_results_free(kh_results_t *r);

/*
 * Did you mean: *out gets query with each word the index does not know (of
 * at least 4 letters, ranked, not quoted) replaced by the closest word the
 * index holds (compared by stems of 4 letters or more: one letter apart,
 * two beyond 6 letters, the same first two letters, held by 2 passages or
 * more, the most common of the closest), as a passage writes it; NULL when no word
 * needs it or none is close. *out belongs to the caller (free()). A query
 * the language rejects gives NULL and KH_OK (kh_searcher_run says why).
 * Statuses: KH_OK, KH_ERR_ARG, KH_ERR_NOMEM, the index's errors.
 */
kh_status_t kh_searcher_suggest(kh_searcher_t *s, const char *query, char **out, kh_error_t *err);

/*
 * Why query matches nothing, for a user who got no results: into *out one
 * reason a line ("the index does not know 'xyzzy'", "no passage has
 * date:2031", "passages hold the words, but none passes the filters
 * together", else "no passage matches the query as a whole"); NULL for a
 * query with nothing to search. Each filter is tried on its own, and the
 * words without the filters: a few searches, paid only after no results.
 * *out belongs to the caller (free()). Statuses: those of kh_searcher_run.
 */
kh_status_t kh_searcher_why_none(kh_searcher_t *s, const char *query, const kh_search_opts_t *opts,
                                 char **out, kh_error_t *err);

/*
 * Closes the index and frees s (its analyzer, stop words and the last
 * article record read). NULL is fine. Results already returned stay valid,
 * but their docids no longer name anything.
 */
void kh_searcher_close(kh_searcher_t *s);

#endif
