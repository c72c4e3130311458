#include "query.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/display.h"

static const struct {
    const char *name;
    kh_field_t field;
} fields[] = {
    {"title", KH_FIELD_TITLE},
    {"section", KH_FIELD_SECTION},
    {"lang", KH_FIELD_LANG},
    {"date", KH_FIELD_DATE},
};

/* ASCII whitespace plus NUL: the query's own separators. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

/* Whether a[0..n) is lower (ASCII lower case) in any case. */
static int same_letters(const char *a, const char *lower, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char c = a[k] >= 'A' && a[k] <= 'Z' ? (char)(a[k] - 'A' + 'a') : a[k];
        if (c != lower[k])
            return 0;
    }
    return 1;
}

/* A known field name, in any case, at query[i] followed by ':'? Returns its
 * length with the ':' or 0. */
static size_t field_at(const char *query, size_t i, size_t len, kh_field_t *field)
{
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        size_t n = strlen(fields[f].name);
        if (i + n < len && same_letters(query + i, fields[f].name, n) && query[i + n] == ':') {
            *field = fields[f].field;
            return n + 1;
        }
    }
    return 0;
}

/*
 * Parses YYYY, YYYY-MM or YYYY-MM-DD into up to 8 digits; 0 on success, -1
 * when malformed, -2 for a day the month does not have (2015-02-30): a
 * filter on a day that never was matches nothing, silently.
 */
static int parse_date(const char *s, size_t len, char out[9])
{
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    static const size_t digits_at[] = {0, 1, 2, 3, 5, 6, 8, 9};
    if (len != 4 && len != 7 && len != 10)
        return -1;
    if ((len >= 7 && s[4] != '-') || (len == 10 && s[7] != '-'))
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < sizeof digits_at / sizeof digits_at[0] && digits_at[k] < len; k++) {
        char ch = s[digits_at[k]];
        if (ch < '0' || ch > '9')
            return -1;
        out[n++] = ch;
    }
    out[n] = '\0';
    if (n >= 6) {
        int month = (out[4] - '0') * 10 + (out[5] - '0');
        if (month < 1 || month > 12)
            return -1;
    }
    if (n == 8) {
        int year = 0;
        for (int k = 0; k < 4; k++)
            year = year * 10 + (out[k] - '0');
        int month = (out[4] - '0') * 10 + (out[5] - '0');
        int day = (out[6] - '0') * 10 + (out[7] - '0');
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (day < 1 || day > 31)
            return -1;
        if (day > days_in[month - 1] + (month == 2 && leap))
            return -2;
    }
    return 0;
}

kh_status_t kh_query_date_range(const char *value, size_t len, char lo[9], char hi[9],
                                kh_error_t *err)
{
    lo[0] = hi[0] = '\0';
    const char *dots = NULL;
    for (size_t k = 0; k + 1 < len; k++) {
        if (value[k] == '.' && value[k + 1] == '.') {
            dots = value + k;
            break;
        }
    }
    int bad; /* parse_date()'s status: the first bound that fails */
    if (!dots) {
        bad = parse_date(value, len, lo);
        if (!bad)
            memcpy(hi, lo, 9);
    } else {
        size_t lo_len = (size_t)(dots - value), hi_len = len - lo_len - 2;
        bad = lo_len == 0 && hi_len == 0 ? -1 : 0;
        if (!bad && lo_len)
            bad = parse_date(value, lo_len, lo);
        if (!bad && hi_len)
            bad = parse_date(dots + 2, hi_len, hi);
    }
    /* Quoted whole up to 64 bytes, never half a character. */
    int shown = (int)kh_display_cut(value, len, 64);
    if (bad == -2)
        return kh_error_set(err, KH_ERR_QUERY, "bad date '%.*s': no such day", shown, value);
    if (bad)
        return kh_error_set(err, KH_ERR_QUERY,
                            "bad date '%.*s': use YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B",
                            shown, value);
    /* Bounds of different lengths compare on what both have: 2023-05..2023 is May to December. */
    size_t lo_n = strlen(lo), hi_n = strlen(hi);
    if (lo_n && hi_n && memcmp(lo, hi, lo_n < hi_n ? lo_n : hi_n) > 0)
        return kh_error_set(err, KH_ERR_QUERY, "bad date range '%.*s': it ends before it starts",
                            shown, value);
    return KH_OK;
}

/* The tree parser (issue 16): the query is cut into tokens first, then read
 * by recursive descent whose depth the parentheses bound (KH_QUERY_MAX_DEPTH). */

typedef enum { TOK_CLAUSE, TOK_OPEN, TOK_CLOSE, TOK_AND, TOK_OR, TOK_NOT, TOK_END } tok_kind_t;

typedef struct {
    tok_kind_t kind;
    size_t at;          /* byte of the token in the query, for notes */
    kh_clause_t clause; /* TOK_CLAUSE; its occur also for TOK_OPEN (+( -( ) */
    unsigned flags;     /* TOK_CLAUSE: KH_NODE_PREFIX */
} token_t;

typedef struct {
    const char *query;
    size_t len;
    kh_query_tree_t *tree;
    token_t *tokens;
    size_t n_tokens, cap_tokens, next;
    kh_status_t st; /* sticky: once set, the helpers do nothing */
    kh_error_t *err;
} parser_t;

static void note(parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(parser_t *p, const char *fmt, ...)
{
    kh_query_tree_t *t = p->tree;
    if (t->n_notes == KH_QUERY_MAX_NOTES) {
        t->notes_dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->notes[t->n_notes++], KH_QUERY_NOTE_MAX, fmt, ap);
    va_end(ap);
}

/* An operator is the capitalised word standing alone: followed by a space,
 * the end, or a parenthesis. */
static tok_kind_t operator_at(const char *query, size_t i, size_t len)
{
    static const struct {
        const char *word;
        tok_kind_t kind;
    } ops[] = {{"AND", TOK_AND}, {"OR", TOK_OR}, {"NOT", TOK_NOT}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k].word);
        if (i + n <= len && memcmp(query + i, ops[k].word, n) == 0 &&
            (i + n == len || is_space(query[i + n]) || query[i + n] == '(' || query[i + n] == ')'))
            return ops[k].kind;
    }
    return TOK_END;
}

/* An ASCII name before ':' that is no field, with a value that is not a URL's
 * "//": how long the name is, or 0. */
static size_t unknown_name_at(const char *query, size_t start, size_t end)
{
    size_t k = start;
    while (k < end &&
           ((query[k] >= 'a' && query[k] <= 'z') || (query[k] >= 'A' && query[k] <= 'Z')))
        k++;
    if (k == start || k + 1 >= end || query[k] != ':' || query[k + 1] == '/')
        return 0;
    return k - start;
}

/* The clause at query[*i] (after its sign), as the flat parser of old read one, but
 * with fields in any case, ')' ending a word inside parentheses, and word*. */
static void scan_clause(parser_t *p, size_t *i, size_t depth, token_t *tok)
{
    const char *query = p->query;
    size_t len = p->len;
    kh_clause_t *c = &tok->clause;
    size_t field_len = field_at(query, *i, len, &c->field);
    size_t field_start = *i;
    *i += field_len;
    if (*i < len && query[*i] == '"') {
        (*i)++;
        const char *close = memchr(query + *i, '"', len - *i);
        c->phrase = 1;
        c->start = *i;
        c->end = close ? (size_t)(close - query) : len;
        *i = close ? c->end + 1 : len;
    } else {
        c->start = *i;
        while (*i < len && !is_space(query[*i]) && !(depth && query[*i] == ')'))
            (*i)++;
        c->end = *i;
        size_t stem_end = c->end;
        while (stem_end > c->start && query[stem_end - 1] == '*')
            stem_end--;
        if (stem_end < c->end && stem_end > c->start) {
            c->end = stem_end;
            tok->flags |= KH_NODE_PREFIX;
        }
    }
    if (c->field != KH_FIELD_TEXT && c->start == c->end) {
        p->st = kh_error_set(p->err, KH_ERR_QUERY, "'%.*s' at byte %zu needs a value",
                             (int)field_len, query + field_start, field_start);
        return;
    }
    if (c->field == KH_FIELD_DATE) {
        char lo[9], hi[9];
        p->st = kh_query_date_range(query + c->start, c->end - c->start, lo, hi, p->err);
        return;
    }
    size_t name_len =
        c->field == KH_FIELD_TEXT && !c->phrase ? unknown_name_at(query, c->start, c->end) : 0;
    if (name_len) {
        size_t shown = kh_display_cut(query + c->start, c->end - c->start, 64);
        note(p, "%.*s: no field '%.*s'; searched as words", (int)shown, query + c->start,
             (int)name_len, query + c->start);
        /* Two words, not one hyphenated: the name, then the value read as a
         * clause of its own (foo:bar finds passages with foo and bar apart). */
        c->end = c->start + name_len;
        tok->flags &= ~(unsigned)KH_NODE_PREFIX;
        *i = c->end + 1;
    }
}

/* Grown by doubling rather than sized by the query: a token is 56 bytes. */
static void push_token(parser_t *p, const token_t *tok)
{
    if (p->n_tokens == p->cap_tokens) {
        size_t cap = p->cap_tokens ? 2 * p->cap_tokens : 16;
        token_t *tokens = realloc(p->tokens, cap * sizeof *tokens);
        if (!tokens) {
            p->st = kh_error_set(p->err, KH_ERR_NOMEM, NULL);
            return;
        }
        p->tokens = tokens;
        p->cap_tokens = cap;
    }
    p->tokens[p->n_tokens++] = *tok;
}

static void tokenize(parser_t *p)
{
    const char *query = p->query;
    size_t len = p->len, depth = 0, i = 0;
    size_t open_at[KH_QUERY_MAX_DEPTH];
    while (!p->st) {
        while (i < len && is_space(query[i]))
            i++;
        token_t tok = {TOK_CLAUSE, i, {KH_FIELD_TEXT, KH_OCCUR_SHOULD, 0, 0, 0}, 0};
        if (i == len) {
            tok.kind = TOK_END;
            push_token(p, &tok);
            break;
        }
        if (query[i] == ')') {
            if (depth) {
                depth--;
                tok.kind = TOK_CLOSE;
                push_token(p, &tok);
            } else {
                note(p, "')' at byte %zu closes nothing; ignored", i);
            }
            i++;
            continue;
        }
        tok.kind = operator_at(query, i, len);
        if (tok.kind != TOK_END) {
            i += tok.kind == TOK_OR ? 2 : 3;
            push_token(p, &tok);
            continue;
        }
        tok.kind = TOK_CLAUSE;
        size_t sign = 0;
        if (query[i] == '+' || query[i] == '-') {
            tok.clause.occur = query[i] == '+' ? KH_OCCUR_MUST : KH_OCCUR_MUST_NOT;
            sign = 1;
        }
        if (i + sign < len && query[i + sign] == '(') {
            if (depth == KH_QUERY_MAX_DEPTH) {
                p->st = kh_error_set(p->err, KH_ERR_QUERY,
                                     "'(' at byte %zu: parentheses nested more than %d deep",
                                     i + sign, KH_QUERY_MAX_DEPTH);
                return;
            }
            open_at[depth++] = i + sign;
            tok.kind = TOK_OPEN;
            i += sign + 1;
            push_token(p, &tok);
            continue;
        }
        i += sign;
        scan_clause(p, &i, depth, &tok);
        /* A lone "+", "-" or "" is punctuation, not a clause. */
        if (!p->st && (tok.clause.start < tok.clause.end || tok.clause.phrase))
            push_token(p, &tok);
    }
    if (!p->st && depth)
        note(p, "'(' at byte %zu is not closed; closed at the end", open_at[0]);
}

static kh_query_node_t *new_node(parser_t *p, kh_node_kind_t kind)
{
    kh_query_node_t *node = calloc(1, sizeof *node);
    if (!node)
        p->st = kh_error_set(p->err, KH_ERR_NOMEM, NULL);
    else
        node->kind = kind;
    return node;
}

static void node_free(kh_query_node_t *node)
{
    if (!node)
        return;
    for (size_t k = 0; k < node->n_children; k++)
        node_free(node->children[k]);
    free(node->children);
    free(node);
}

/* Children gathered for one node; cap grows by doubling. */
typedef struct {
    kh_query_node_t **nodes;
    size_t n, cap;
} children_t;

static void add_child(parser_t *p, children_t *c, kh_query_node_t *node)
{
    if (!node)
        return;
    if (p->st) {
        node_free(node);
        return;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4;
        kh_query_node_t **nodes = realloc(c->nodes, cap * sizeof *nodes);
        if (!nodes) {
            p->st = kh_error_set(p->err, KH_ERR_NOMEM, NULL);
            node_free(node);
            return;
        }
        c->nodes = nodes;
        c->cap = cap;
    }
    c->nodes[c->n++] = node;
}

/* The node over the children: none is NULL, one is itself (with its own
 * sign: "x (-a)" is "x -a"). */
static kh_query_node_t *make_node(parser_t *p, kh_node_kind_t kind, children_t *c)
{
    kh_query_node_t *node = NULL;
    if (!p->st && c->n == 1) {
        node = c->nodes[0];
        free(c->nodes);
        return node;
    }
    if (!p->st && c->n)
        node = new_node(p, kind);
    if (!node) {
        for (size_t k = 0; k < c->n; k++)
            node_free(c->nodes[k]);
        free(c->nodes);
        return NULL;
    }
    node->children = c->nodes;
    node->n_children = c->n;
    return node;
}

static const token_t *peek(const parser_t *p)
{
    return &p->tokens[p->next];
}

static kh_query_node_t *parse_or(parser_t *p);

/* item := "NOT" item | [+-] "(" query ")" | clause; NULL when there is none. */
static kh_query_node_t *parse_item(parser_t *p)
{
    size_t not_at = 0;
    int negated = 0;
    while (peek(p)->kind == TOK_NOT) {
        if (!negated)
            not_at = peek(p)->at;
        negated = 1; /* NOT NOT x excludes x once */
        p->next++;
    }
    const token_t *tok = peek(p);
    kh_query_node_t *node = NULL;
    if (tok->kind == TOK_CLAUSE) {
        p->next++;
        node = new_node(p, KH_NODE_WORD);
        if (node) {
            node->occur = tok->clause.occur;
            node->field = tok->clause.field;
            node->flags = (tok->clause.phrase ? KH_NODE_PHRASE : 0) | tok->flags;
            node->start = tok->clause.start;
            node->end = tok->clause.end;
        }
    } else if (tok->kind == TOK_OPEN) {
        p->next++;
        kh_occur_t occur = tok->clause.occur;
        node = parse_or(p);
        if (peek(p)->kind == TOK_CLOSE)
            p->next++;
        if (node && occur != KH_OCCUR_SHOULD) {
            if (node->occur != KH_OCCUR_SHOULD) {
                /* -(-a): the inner sign stays, inside a list of one. */
                kh_query_node_t *list = new_node(p, KH_NODE_LIST);
                kh_query_node_t **children = list ? malloc(sizeof *children) : NULL;
                if (!children) {
                    free(list);
                    node_free(node);
                    p->st = kh_error_set(p->err, KH_ERR_NOMEM, NULL);
                    return NULL;
                }
                children[0] = node;
                list->children = children;
                list->n_children = 1;
                node = list;
            }
            if (node)
                node->occur = occur;
        }
    }
    if (negated) {
        if (node)
            node->occur = KH_OCCUR_MUST_NOT;
        else if (!p->st)
            note(p, "'NOT' at byte %zu has nothing to exclude; ignored", not_at);
    }
    return node;
}

static int starts_item(tok_kind_t kind)
{
    return kind == TOK_CLAUSE || kind == TOK_OPEN || kind == TOK_NOT;
}

/* and := item item ... (the implicit list) */
static kh_query_node_t *parse_list(parser_t *p)
{
    children_t c = {NULL, 0, 0};
    while (!p->st && starts_item(peek(p)->kind))
        add_child(p, &c, parse_item(p));
    return make_node(p, KH_NODE_LIST, &c);
}

/* One level of binary operator: operands joined by op (AND over lists, OR
 * over ANDs); an operator missing an operand on either side is ignored. */
static kh_query_node_t *parse_binary(parser_t *p, tok_kind_t op, kh_node_kind_t kind,
                                     kh_query_node_t *(*operand)(parser_t *))
{
    static const char *const names[] = {[TOK_AND] = "AND", [TOK_OR] = "OR"};
    children_t c = {NULL, 0, 0};
    add_child(p, &c, operand(p));
    while (!p->st && peek(p)->kind == op) {
        size_t at = peek(p)->at;
        p->next++;
        size_t before = c.n;
        kh_query_node_t *right = operand(p);
        if (!p->st && (!before || !right))
            note(p, "'%s' at byte %zu has nothing on its %s; ignored", names[op], at,
                 before ? "right" : "left");
        add_child(p, &c, right);
    }
    return make_node(p, kind, &c);
}

static kh_query_node_t *parse_and(parser_t *p)
{
    return parse_binary(p, TOK_AND, KH_NODE_AND, parse_list);
}

static kh_query_node_t *parse_or(parser_t *p)
{
    return parse_binary(p, TOK_OR, KH_NODE_OR, parse_and);
}

kh_status_t kh_query_parse_tree(const char *query, size_t len, kh_query_tree_t *out,
                                kh_error_t *err)
{
    memset(out, 0, sizeof *out);
    parser_t p = {query, len, out, NULL, 0, 0, 0, KH_OK, err};
    tokenize(&p);
    if (!p.st)
        out->root = parse_or(&p);
    /* Each ')' token closes the '(' whose parse_item consumed it, so the top
     * level reads every token. */
    assert(p.st || peek(&p)->kind == TOK_END);
    free(p.tokens);
    if (p.st) {
        node_free(out->root);
        out->root = NULL;
    }
    return p.st;
}

void kh_query_tree_free(kh_query_tree_t *tree)
{
    if (!tree)
        return;
    node_free(tree->root);
    tree->root = NULL;
}

/* A growing string with a sticky status, as FTS5's buffers. */
typedef struct {
    char *text;
    size_t n, cap;
    kh_status_t st;
} text_t;

static void append(text_t *t, const char *s, size_t n)
{
    if (t->st)
        return;
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *text = realloc(t->text, cap);
        if (!text) {
            t->st = KH_ERR_NOMEM;
            return;
        }
        t->text = text;
        t->cap = cap;
    }
    memcpy(t->text + t->n, s, n);
    t->n += n;
    t->text[t->n] = '\0';
}

static void append_str(text_t *t, const char *s)
{
    append(t, s, strlen(s));
}

static void sexpr(text_t *t, const char *query, const kh_query_node_t *node)
{
    static const char *const field_names[] = {"", "title:", "section:", "lang:", "date:"};
    static const char *const kind_names[] = {"", "(LIST", "(AND", "(OR"};
    if (node->occur == KH_OCCUR_MUST_NOT)
        append_str(t, "(NOT ");
    else if (node->occur == KH_OCCUR_MUST)
        append_str(t, "+");
    if (node->kind == KH_NODE_WORD) {
        append_str(t, field_names[node->field]);
        if (node->flags & KH_NODE_PHRASE)
            append_str(t, "\"");
        append(t, query + node->start, node->end - node->start);
        if (node->flags & KH_NODE_PHRASE)
            append_str(t, "\"");
        if (node->flags & KH_NODE_PREFIX)
            append_str(t, "*");
    } else {
        append_str(t, kind_names[node->kind]);
        for (size_t k = 0; k < node->n_children; k++) {
            append_str(t, " ");
            sexpr(t, query, node->children[k]);
        }
        append_str(t, ")");
    }
    if (node->occur == KH_OCCUR_MUST_NOT)
        append_str(t, ")");
}

kh_status_t kh_query_tree_sexpr(const char *query, const kh_query_node_t *root, char **out,
                                kh_error_t *err)
{
    text_t t = {NULL, 0, 0, KH_OK};
    append(&t, "", 0);
    if (root)
        sexpr(&t, query, root);
    if (t.st) {
        free(t.text);
        *out = NULL;
        return kh_error_set(err, t.st, NULL);
    }
    *out = t.text;
    return KH_OK;
}
