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
 * field name is recognised when known, in any case, directly before ':';
 * anything else ("ratio 3:2", "http://x", "foo:bar") is plain text. The
 * operators and groups are below, with the tree.
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

/* One clause (a word node's, kh_query_node_t); its value is query[start..end)
 * (without quotes or field name). */
typedef struct kh_clause {
    kh_field_t field;
    kh_occur_t occur;
    int phrase; /* the value was quoted */
    size_t start, end;
} kh_clause_t;

/*
 * A date clause's value ("2022..2023-06", "2023", "..2021") as the inclusive
 * bounds of the YYYYMMDD date slot: *lo and *hi get at most 8 digits and are
 * "" for an open side; a short bound covers its whole year or month (the
 * caller compares with lo <= date and date <= hi + "~"). Returns KH_ERR_QUERY
 * for a malformed value.
 */
kh_status_t kh_query_date_range(const char *value, size_t len, char lo[9], char hi[9],
                                kh_error_t *err);

/*
 * The full query language (issue 16), parsed into a tree: kh_query_parse_tree.
 * The plan (plan.h) searches every form.
 *
 *   query   := or ( "OR" or )*               lowest precedence
 *   or      := and ( "AND" and )*
 *   and     := item item ...                 words side by side: today's
 *                                            ranked list (+ required, -
 *                                            excluded, --all requires all)
 *   item    := "NOT" item | [+-] "(" query ")" | clause
 *   clause  := [+-] [field:] ( word | word* | "phrase" )
 *
 * So NOT binds tightest, then the words' own list, then AND, then OR, as in
 * Xapian's QueryParser (where "a b AND c" is (a b) AND c as well). NOT takes
 * the one item after it, exactly like '-': "a NOT b c" is "a -b c"; to exclude
 * several, NOT (b c). An excluded item means "not in the article" for the
 * plan; the node only says KH_OCCUR_MUST_NOT.
 *
 * Operators are AND, OR and NOT in capitals only, standing alone (and, or,
 * not and "AND" inside a phrase are words). Field names are known in any case
 * (TITLE:, Title:); an unknown ASCII name before ':' with a value ("foo:bar",
 * but not "3:2" or "http://x") is searched as two words, the name and the value, with a note.
 * "word*" asks for every word starting with word (KH_NODE_PREFIX; the plan expands it); a '*' alone
 * or inside a word is text.
 *
 * Forgiving like Xapian (a query that fails helps no one, and an open quote
 * already runs to the end): a '(' left open is closed at the end, a ')'
 * without '(' is ignored, an operator with nothing to join is ignored, each
 * with a note. Outside parentheses ')' is text ("f(x)"). The errors are a bad
 * date, a field without a value, and parentheses
 * nested more than KH_QUERY_MAX_DEPTH deep, which no real query needs and
 * which bounds the parser's recursion.
 */
#define KH_QUERY_MAX_DEPTH 32
#define KH_QUERY_MAX_NOTES 8
#define KH_QUERY_NOTE_MAX 256

typedef enum {
    KH_NODE_WORD = 0, /* a clause: field, phrase or prefix, and its span */
    KH_NODE_LIST,     /* items side by side: ranked, each by its occur */
    KH_NODE_AND,      /* every child must match */
    KH_NODE_OR,       /* any child may match */
} kh_node_kind_t;

enum {
    KH_NODE_PHRASE = 1, /* the value was quoted */
    KH_NODE_PREFIX = 2, /* word*: the span holds the word without the '*' */
};

typedef struct kh_query_node {
    kh_node_kind_t kind;
    kh_occur_t occur; /* +x, -x, NOT x; SHOULD otherwise */
    /* KH_NODE_WORD: the value is query[start..end) without quotes, field
     * name or '*' (as kh_clause_t's), for highlighting and did you mean. */
    kh_field_t field;
    unsigned flags; /* KH_NODE_PHRASE, KH_NODE_PREFIX */
    size_t start, end;
    /* The other kinds: at least two children (one only in -(-x), +(-x)). */
    struct kh_query_node **children;
    size_t n_children;
} kh_query_node_t;

typedef struct kh_query_tree {
    kh_query_node_t *root; /* NULL when the query holds nothing to search */
    /* What was read otherwise than written, for the caller to show on
     * stderr: "foo:bar: no field 'foo'; searched as words". At most
     * KH_QUERY_MAX_NOTES; notes_dropped counts those beyond. */
    char notes[KH_QUERY_MAX_NOTES][KH_QUERY_NOTE_MAX];
    size_t n_notes, notes_dropped;
} kh_query_tree_t;

/*
 * Parses query[0..len) (need not be NUL-terminated) into out (the caller
 * frees it with kh_query_tree_free, on success only). Statuses: KH_OK;
 * KH_ERR_QUERY with a message naming the problem and its byte (a bad date, a
 * field without a value, parentheses nested too deep); KH_ERR_NOMEM. On
 * failure out->root is NULL and nothing is leaked.
 */
kh_status_t kh_query_parse_tree(const char *query, size_t len, kh_query_tree_t *out,
                                kh_error_t *err);

/* Frees the nodes; out may be NULL, the tree may be empty. */
void kh_query_tree_free(kh_query_tree_t *tree);

/*
 * The tree as an S-expression, for tests and --explain: (OR (AND a b) (NOT
 * c)); a list is (LIST ...), +x is required, title:x a field, "a b" a phrase,
 * x* a prefix; "" for an empty tree. *out belongs to the caller (free()).
 * Statuses: KH_OK, KH_ERR_NOMEM (*out NULL).
 */
kh_status_t kh_query_tree_sexpr(const char *query, const kh_query_node_t *root, char **out,
                                kh_error_t *err);

#endif
