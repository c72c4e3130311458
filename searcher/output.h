/*
 * output.h - results as text for a person, or JSON Lines, TREC run or TSV for
 * a program.
 */
#ifndef KHABAR_OUTPUT_H
#define KHABAR_OUTPUT_H

#include <stdio.h>

#include "search.h"

typedef enum {
    KH_OUTPUT_TEXT = 0,
    KH_OUTPUT_JSON,
    KH_OUTPUT_TREC,
    KH_OUTPUT_TSV,
} kh_output_format_t;

/* Parses "text", "json", "trec" or "tsv"; KH_ERR_ARG otherwise. */
kh_status_t kh_output_format_parse(const char *name, kh_output_format_t *out);

typedef struct kh_output_opts {
    kh_output_format_t format;
    int color;       /* text only: bold/colour for matches (main.c decides: --color) */
    int per_article; /* trec: the DOCID is the article id */
    const char *tag; /* trec: the run tag */
    int count;       /* --count: the number of matches alone, no results */
    int explain;     /* --explain: the plan before the results, each one's contributions */
} kh_output_opts_t;

/*
 * Writes the results of one query. qid is the batch query id, or NULL for a
 * query from the command line (then JSON carries "query" instead of "qid",
 * and TREC and TSV use "1"); with a qid, text starts with the header line
 * "query QID: QUERY", even when there are no results. Matched words of the
 * title are shown like those of the text: in colour in text, and in JSON
 * as "title_highlights", [start, end] byte spans into "title" (as
 * "highlights" are into "text"). Text from the index, the qid and the query are
 * untrusted (khabar/display.h): text and TSV show no control character
 * from them; TREC and TSV percent-encode ids, qids and the tag, so a row
 * keeps its columns; JSON values are exact (the query's or qid's invalid
 * bytes as U+FFFD), with DEL, C1 and bidi controls escaped. Returns
 * KH_ERR_IO when the stream fails, KH_ERR_NOMEM.
 */
kh_status_t kh_output_write(FILE *out, const kh_output_opts_t *opts, const char *qid,
                            const char *query, const kh_results_t *results, kh_error_t *err);

/*
 * Did you mean (kh_searcher_suggest): in JSON, one record after the query's
 * results, {"query": QUERY, "did_you_mean": SUGGESTION} ("qid" in place of
 * "query" in a batch), told from a result by having no "rank"; other
 * formats write nothing here (the text format's line is on stderr, from
 * main.c). Returns KH_ERR_IO when the stream fails, KH_ERR_NOMEM.
 */
kh_status_t kh_output_write_suggestion(FILE *out, const kh_output_opts_t *opts, const char *qid,
                                       const char *query, const char *suggestion, kh_error_t *err);

#endif
