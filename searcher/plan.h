/*
 * plan.h - what one query searches: a parsed query (query.h) translated
 * into the Xapian query, the query with every word selecting when common
 * words are set aside and their bound, the phrases to check on the text,
 * and the terms and phonetic keys to highlight (also feedback's query
 * terms). search.c runs a plan; kh_plan_describe() prints it.
 *
 * Building reads the index: the document frequencies decide which words
 * are common (set aside), which name keys and vocabulary forms are looked
 * for, and the common words' bound. A plan therefore belongs to the
 * revision of the database it was built on: kh_searcher_run() builds one
 * per attempt, and when a writer's commit overtakes the search it frees
 * the plan, reopens the database and builds the plan again.
 */
#ifndef KHABAR_PLAN_H
#define KHABAR_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "khabar/analyzer.h"
#include "khabar/terms.h"
#include "khabar/status.h"
#include "khabar/stopwords.h"
#include "khabar/xdb.h"
#include "exact.h"
#include "phrase.h"
#include "query.h"
#include "search.h"

#define KH_PLAN_MAX_NOTES 4

typedef struct kh_plan {
    kh_xquery_t *query;       /* searched first; NULL when nothing can match */
    kh_xquery_t *full;        /* with common words set aside: every word selecting; else NULL */
    kh_xquery_t *excluded;    /* no result's article may hold a passage it matches (search.c
                                 checks the articles of the results; query and full leave out
                                 only the passages it matches); NULL: none */
    double excluded_share;    /* the passages it matches, as Xapian estimates them, over the
                                 index's: how much deeper the search looks (search.c) */
    double common_max;        /* the most the common words can give a passage (with full) */
    kh_phrases_t *phrases;    /* checked on each passage's text; NULL: none */
    unsigned phrases_ignored; /* quoted phrases past KH_QUERY_MAX_PHRASES */
    kh_exact_t *exact;        /* the words as written (exact.h); NULL: none */
    char **terms;             /* to highlight, sorted; also feedback's query terms */
    size_t n_terms;
    char **keys; /* prefixed phonetic keys (XNA..., XNL...) to highlight, sorted */
    size_t n_keys;
    /* What the plan did otherwise than asked, for stderr: a word* cut to its
     * most common words. */
    char notes[KH_PLAN_MAX_NOTES][KH_QUERY_NOTE_MAX];
    size_t n_notes, notes_dropped;
} kh_plan_t;

/* Where a plan is built: the index (its revision as opened) and how it was analysed. */
typedef struct kh_plan_source {
    kh_db_t *db;
    kh_analyzer_t *analyzer;
    const kh_stopwords_t *stopwords; /* ranked words on these lists are set aside; NULL: none */
    const kh_search_opts_t *opts;    /* all_words, title_weight */
    int skip_filters; /* the words only: title:, section:, lang:, date: left out (why no results) */
} kh_plan_source_t;

/*
 * The plan of query (tree: as kh_query_parse_tree() read it) into *out, which the caller frees
 * with kh_plan_free() whatever the status (it is zeroed first). Statuses:
 * KH_OK, KH_ERR_QUERY (a filter value too long or without words, the
 * message names it), KH_ERR_NOMEM, the index's errors (a writer's commit
 * overtaking the read among them: KH_ERR_DB_MODIFIED).
 */
kh_status_t kh_plan_build(const kh_plan_source_t *src, const char *query,
                          const kh_query_tree_t *tree, kh_plan_t *out, kh_error_t *err);

/* Frees what *p holds and zeroes it; NULL or a zeroed plan is fine. */
void kh_plan_free(kh_plan_t *p);

/*
 * Writes the plan to f in words, one "name: value" line each (query, full,
 * common bound, excluded articles, phrases, highlight, keys), as --explain will show it.
 * KH_OK, KH_ERR_NOMEM, KH_ERR_IO (f failed).
 */
kh_status_t kh_plan_describe(const kh_plan_t *p, FILE *f, kh_error_t *err);

/*
 * Into other, the term of the Arabic word norm (term: its term) without a
 * lone proclitic ل ب ك or the plural's alef; "" when it has neither. Plans
 * look the stripped form up in the index; did you mean offers nothing for
 * a word whose stripped form the index holds. KH_OK or the analyzer's error.
 */
kh_status_t kh_plan_stripped_form(kh_analyzer_t *a, const char *norm, const char *term,
                                  char other[KH_TOKEN_FORM_MAX + 1], kh_error_t *err);

/*
 * What word* (the len bytes at word, without the '*') expands from: into
 * norm, its first word's normalised form, "" when it has none; into prefix,
 * the index's terms that start so are the expansion: norm itself, or its
 * title term with title set (title:word*). The plan searches them; why no
 * results says when the index holds none.
 */
kh_status_t kh_plan_prefix_of(kh_analyzer_t *a, const char *word, size_t len, int title,
                              char norm[KH_TOKEN_FORM_MAX + 1], char prefix[KH_TERM_MAX],
                              kh_error_t *err);

/*
 * Into forms, the terms of the Arabic word norm (term: its term) after a
 * lone proclitic ل ب ك, each "" when it is the word's own term, another's
 * of forms, or the word is short or starts with the article. Plans look
 * them up in the index. KH_OK or the analyzer's error.
 */
#define KH_PLAN_PROCLITICS 3
kh_status_t kh_plan_proclitic_forms(kh_analyzer_t *a, const char *norm, const char *term,
                                    char forms[KH_PLAN_PROCLITICS][KH_TOKEN_FORM_MAX + 1],
                                    kh_error_t *err);

#endif
