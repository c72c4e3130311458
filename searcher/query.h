/*
 * query.h - the query language, parsed into clauses (no Xapian here, so the
 * parser can be unit-tested and fuzzed on its own).
 *
 *   word            ranked (required with --all)
 *   "two words"     exact phrase (on stems, in order, adjacent); a quote left
 *                   open runs to the end of the query
 *   +word  +"a b"   required
 *   -word  -"a b"   excluded
 *   title:word      filter: the article's title contains word (title:"a b" for several)
 *   section:NAME    filter on the article's section (section:"two words")
 *   lang:ar         filter on the language code
 *   date:2022..2023 filter on the date: YYYY, YYYY-MM or YYYY-MM-DD on each
 *                   side, either side may be left open (date:2022.., date:..2023-06);
 *                   date:2023-05 alone means that month.
 *
 * Only the ASCII double quote delimits phrases: the curly quotes of news text
 * (“ ” which writers also leave unbalanced, as in و”سام) are punctuation. A
 * field name is recognised only when known and written in lower case directly
 * before ':'; anything else ("ratio 3:2", "http://x") is plain text.
 */
#ifndef KHABAR_QUERY_H
#define KHABAR_QUERY_H

#include <stddef.h>

#include "khabar/status.h"

typedef enum {
    KH_FIELD_TEXT = 0,
    KH_FIELD_TITLE,
    KH_FIELD_SECTION,
    KH_FIELD_LANG,
    KH_FIELD_DATE,
} kh_field_t;

typedef enum {
    KH_OCCUR_SHOULD = 0, /* ranked */
    KH_OCCUR_MUST,       /* +word */
    KH_OCCUR_MUST_NOT,   /* -word */
} kh_occur_t;

/* One clause; its value is query[start..end) (without quotes or field name). */
typedef struct kh_clause {
    kh_field_t field;
    kh_occur_t occur;
    int phrase; /* the value was quoted */
    size_t start, end;
} kh_clause_t;

typedef struct kh_parsed_query {
    kh_clause_t *clauses;
    size_t n;
} kh_parsed_query_t;

/*
 * Parses query[0..len) (need not be NUL-terminated) into out->clauses (the
 * caller frees them with kh_parsed_query_free). Statuses: KH_OK;
 * KH_ERR_QUERY with a message naming the problem (a bad date range, a field
 * without a value and where it is); KH_ERR_NOMEM.
 */
kh_status_t kh_query_parse(const char *query, size_t len, kh_parsed_query_t *out, kh_error_t *err);

void kh_parsed_query_free(kh_parsed_query_t *q);

/*
 * A date clause's value ("2022..2023-06", "2023", "..2021") as the inclusive
 * bounds of the YYYYMMDD date slot: *lo and *hi get at most 8 digits and are
 * "" for an open side; a short bound covers its whole year or month (the
 * caller compares with lo <= date and date <= hi + "~"). Returns KH_ERR_QUERY
 * for a malformed value.
 */
kh_status_t kh_query_date_range(const char *value, size_t len, char lo[9], char hi[9],
                                kh_error_t *err);

#endif
