#include "explain.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "weight.h"

static kh_status_t add_term(kh_explain_t *x, const char *term, size_t len, double scale,
                            int feedback, kh_explain_term_t **added, kh_error_t *err)
{
    *added = NULL;
    for (size_t i = 0; i < x->n; i++)
        if (x->terms[i].feedback == feedback && strlen(x->terms[i].term) == len &&
            memcmp(x->terms[i].term, term, len) == 0) {
            x->terms[i].scale += scale;
            return KH_OK;
        }
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 16;
        kh_explain_term_t *terms = realloc(x->terms, cap * sizeof *terms);
        if (!terms)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        x->terms = terms;
        x->cap = cap;
    }
    char *copy = strndup(term, len);
    if (!copy)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    *added = &x->terms[x->n++];
    **added = (kh_explain_term_t){copy, scale, 0, 0, feedback};
    return KH_OK;
}

/*
 * A walk of Xapian's description of a query (Query::get_description(),
 * Xapian 1.4): "(a OR 0.5 * (Sa OR Sb)) AND_NOT c", terms written
 * "term" or "term@position", a factor "F * item", value ranges
 * "VALUE_RANGE slot lo hi", "VALUE_GE slot lo", "VALUE_LE slot hi". The
 * binding has no walk of a query's tree; the description is what it
 * gives, and plan_test pins its form down.
 */
typedef struct walk {
    const char *at;
    kh_explain_t *x;
    kh_error_t *err;
    kh_status_t st;
} walk_t;

static void skip_spaces(walk_t *w)
{
    while (*w->at == ' ')
        w->at++;
}

/* The next word (up to a space or a parenthesis) into *start, *len. */
static void next_word(walk_t *w, const char **start, size_t *len)
{
    skip_spaces(w);
    *start = w->at;
    while (*w->at && *w->at != ' ' && *w->at != '(' && *w->at != ')')
        w->at++;
    *len = (size_t)(w->at - *start);
}

static int is_word(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

static int is_factor(const char *s, size_t len, double *factor)
{
    if (!len || !(isdigit((unsigned char)s[0]) || s[0] == '.'))
        return 0;
    char number[64];
    if (len >= sizeof number)
        return 0;
    memcpy(number, s, len);
    number[len] = '\0';
    char *end;
    *factor = strtod(number, &end);
    if (*end)
        return 0;
    const char *after = s + len;
    while (*after == ' ')
        after++;
    return *after == '*';
}

static void walk_group(walk_t *w, double scale, int weighed);

/* One operand at w->at: a group, a factor and its operand, a value range or a term. */
static void walk_item(walk_t *w, double scale, int weighed)
{
    skip_spaces(w);
    if (*w->at == '(') {
        w->at++;
        walk_group(w, scale, weighed);
        return;
    }
    const char *word;
    size_t len;
    double factor;
    next_word(w, &word, &len);
    if (is_factor(word, len, &factor)) {
        skip_spaces(w);
        w->at++; /* '*' */
        walk_item(w, scale * factor, weighed);
    } else if (is_word(word, len, "VALUE_RANGE")) {
        for (int i = 0; i < 3; i++)
            next_word(w, &word, &len);
    } else if (is_word(word, len, "VALUE_GE") || is_word(word, len, "VALUE_LE")) {
        for (int i = 0; i < 2; i++)
            next_word(w, &word, &len);
    } else if (len && weighed && word[0] != '<') {
        /* "term@3": the position is not part of the term. */
        size_t term_len = len;
        const char *at = memchr(word, '@', len);
        if (at && at > word && strspn(at + 1, "0123456789") == (size_t)(word + len - at - 1))
            term_len = (size_t)(at - word);
        kh_explain_term_t *added;
        if (!w->st)
            w->st = add_term(w->x, word, term_len, scale, 0, &added, w->err);
    }
}

/* Operands and operators up to the group's ')': after AND_NOT or FILTER nothing is weighed. */
static void walk_group(walk_t *w, double scale, int weighed)
{
    for (;;) {
        skip_spaces(w);
        if (!*w->at)
            return;
        if (*w->at == ')') {
            w->at++;
            return;
        }
        const char *word = w->at;
        size_t len = strcspn(word, " ()");
        static const char *const ops[] = {"AND", "OR", "AND_MAYBE", "XOR", "SYNONYM", "MAX"};
        int op = 0;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            op |= is_word(word, len, ops[i]);
        if (is_word(word, len, "AND_NOT") || is_word(word, len, "FILTER")) {
            weighed = 0;
            op = 1;
        }
        if (op)
            w->at += len;
        else
            walk_item(w, scale, weighed);
    }
}

kh_status_t kh_explain_query(kh_explain_t *x, kh_db_t *db, const kh_xquery_t *query,
                             kh_error_t *err)
{
    char *text = NULL;
    size_t first = x->n;
    kh_status_t st = kh_db_doc_count(db, &x->passages, err);
    if (!st)
        st = kh_xquery_describe(query, &text, err);
    if (!st) {
        /* "Query(...)" */
        const char *open = strchr(text, '(');
        walk_t w = {open ? open + 1 : "", x, err, KH_OK};
        walk_group(&w, 1.0, 1);
        st = w.st;
    }
    free(text);
    for (size_t i = first; !st && i < x->n; i++) {
        kh_explain_term_t *t = &x->terms[i];
        st = kh_db_term_freq(db, t->term, &t->df, err);
        if (!st)
            t->weight = t->df ? t->scale * kh_bm25_idf(t->df, x->passages) : 0;
    }
    return st;
}

kh_status_t kh_explain_add_feedback(kh_explain_t *x, const char *term, unsigned df, double scale,
                                    double idf, kh_error_t *err)
{
    kh_explain_term_t *added;
    kh_status_t st = add_term(x, term, strlen(term), scale, 1, &added, err);
    if (!st && added) {
        added->df = df;
        added->weight = scale * idf;
    }
    return st;
}

typedef struct matched {
    const kh_explain_t *x;
    kh_result_t *r;
    kh_status_t st;
    kh_error_t *err;
} matched_t;

static int note_matched(void *ctx, const char *term, unsigned wdf)
{
    matched_t *m = ctx;
    for (size_t i = 0; i < m->x->n; i++) {
        const kh_explain_term_t *t = &m->x->terms[i];
        if (strcmp(t->term, term) != 0 || (t->feedback && m->r->rank > KH_FEEDBACK_DEPTH))
            continue;
        kh_result_t *r = m->r;
        kh_contribution_t *c = realloc(r->contributions, (r->n_contributions + 1) * sizeof *c);
        char *copy = strdup(term);
        if (!c || !copy) {
            free(copy);
            if (c)
                r->contributions = c;
            m->st = kh_error_set(m->err, KH_ERR_NOMEM, NULL);
            return 1;
        }
        r->contributions = c;
        c[r->n_contributions++] =
            (kh_contribution_t){copy, wdf, kh_term_weight(t->weight, wdf), t->feedback};
    }
    return 0;
}

static int by_contribution(const void *a, const void *b)
{
    const kh_contribution_t *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    return strcmp(x->term, y->term);
}

kh_status_t kh_explain_result(const kh_explain_t *x, kh_db_t *db, kh_result_t *r, kh_error_t *err)
{
    matched_t m = {x, r, KH_OK, err};
    kh_status_t st = kh_db_term_wdfs(db, r->docid, note_matched, &m, err);
    if (!st)
        st = m.st;
    if (!st && r->n_contributions > 1)
        qsort(r->contributions, r->n_contributions, sizeof *r->contributions, by_contribution);
    return st;
}

kh_status_t kh_explain_describe(const kh_explain_t *x, FILE *f, kh_error_t *err)
{
    for (size_t i = 0; i < x->n; i++) {
        const kh_explain_term_t *t = &x->terms[i];
        fprintf(f, "term %s: in %u of %u passages, weight %.4f (scale %.4g)%s\n", t->term, t->df,
                x->passages, t->weight, t->scale, t->feedback ? ", from feedback" : "");
    }
    return ferror(f) ? kh_error_set(err, KH_ERR_IO, "writing the explanation failed") : KH_OK;
}

void kh_explain_free(kh_explain_t *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->terms[i].term);
    free(x->terms);
    *x = (kh_explain_t){0};
}
