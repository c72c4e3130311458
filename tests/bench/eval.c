/*
 * eval.c - the scorer behind tests/bench/evaluate (see eval.h for what is
 * measured and how it matches trec_eval).
 *
 * Everything is kept in three flat arrays of strdup'ed lines, sorted once
 * when scoring: qrels by (qid, docid, rel descending), the run by (qid, score
 * descending, docid descending), the query list by qid. A query's qrels and
 * results are then contiguous ranges found by binary search, and a result's
 * relevance is a binary search inside its query's qrels. The collections here
 * have at most a few thousand judgments and 100 results a query: sorting is
 * far below a second, and no hash table is needed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline, strdup, when built outside CMake */
#endif

#include "eval.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Ranks looked at: recall100 is the deepest measure. */
#define DEPTH 100
#define CUT 10

typedef struct {
    char *qid;
    char *docid;
    long rel;
} qrel_t;

typedef struct {
    char *qid;
    char *docid;
    double score;
} result_t;

struct kh_eval {
    qrel_t *qrels;
    size_t qrel_count, qrel_cap;
    result_t *results;
    size_t result_count, result_cap;
    char **queries;
    size_t query_count, query_cap;
    int have_query_list; /* a query list was read, even an empty one */
};

static const char *const status_messages[] = {
#define KH_EVAL_STATUS_MESSAGE(code, message) message,
    KH_EVAL_STATUS_LIST(KH_EVAL_STATUS_MESSAGE)
#undef KH_EVAL_STATUS_MESSAGE
};

const char *kh_eval_status_message(kh_eval_status_t status)
{
    size_t n = sizeof status_messages / sizeof status_messages[0];
    return (size_t)status < n ? status_messages[status] : "unknown status";
}

kh_eval_t *kh_eval_new(void)
{
    return calloc(1, sizeof(kh_eval_t));
}

void kh_eval_free(kh_eval_t *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->qrel_count; i++) {
        free(ev->qrels[i].qid);
        free(ev->qrels[i].docid);
    }
    for (size_t i = 0; i < ev->result_count; i++) {
        free(ev->results[i].qid);
        free(ev->results[i].docid);
    }
    for (size_t i = 0; i < ev->query_count; i++)
        free(ev->queries[i]);
    free(ev->qrels);
    free(ev->results);
    free(ev->queries);
    free(ev);
}

/* Makes room for one more element of size elem in *array; 0 or -1 (no memory). */
static int grow(void **array, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return 0;
    size_t new_cap = *cap ? *cap * 2 : 256;
    void *bigger = realloc(*array, new_cap * elem);
    if (!bigger)
        return -1;
    *array = bigger;
    *cap = new_cap;
    return 0;
}

static kh_eval_status_t fail(char *msg, size_t msg_size, kh_eval_status_t status, const char *fmt,
                             ...) __attribute__((format(printf, 4, 5)));

static kh_eval_status_t fail(char *msg, size_t msg_size, kh_eval_status_t status, const char *fmt,
                             ...)
{
    if (msg && msg_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msg_size, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* Strips the line end ("\n" or "\r\n") of a line read by getline. */
static void chomp(char *line)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
}

/*
 * Splits line in place at runs of spaces and tabs into at most max fields;
 * returns how many there were (more than max are counted, not stored).
 */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        p += strspn(p, " \t");
        if (!*p)
            return n;
        char *end = p + strcspn(p, " \t");
        if (n < max)
            fields[n] = p;
        n++;
        if (!*end)
            return n;
        *end = '\0';
        p = end + 1;
    }
}

/* A line to skip in qrels and runs, as trec_eval does: blank or a '#' comment. */
static int is_blank_or_comment(const char *line)
{
    line += strspn(line, " \t");
    return *line == '\0' || *line == '#';
}

/* Which file is being read, for read_lines(). */
typedef enum { QRELS, RUN, QUERIES } kind_t;

static kh_eval_status_t add_qrel(kh_eval_t *ev, char **field, const char *name, long lineno,
                                 char *msg, size_t msg_size)
{
    char *end;
    errno = 0;
    long rel = strtol(field[3], &end, 10);
    if (errno || end == field[3] || *end)
        return fail(msg, msg_size, KH_EVAL_ERR_FORMAT, "%s:%ld: relevance '%s' is not an integer",
                    name, lineno, field[3]);
    if (grow((void **)&ev->qrels, &ev->qrel_cap, ev->qrel_count, sizeof(qrel_t)))
        return KH_EVAL_ERR_NOMEM;
    qrel_t q = {strdup(field[0]), strdup(field[2]), rel};
    if (!q.qid || !q.docid) {
        free(q.qid);
        free(q.docid);
        return KH_EVAL_ERR_NOMEM;
    }
    ev->qrels[ev->qrel_count++] = q;
    return KH_EVAL_OK;
}

static kh_eval_status_t add_result(kh_eval_t *ev, char **field, const char *name, long lineno,
                                   char *msg, size_t msg_size)
{
    char *end;
    errno = 0;
    double score = strtod(field[4], &end);
    if (errno == EINVAL || end == field[4] || *end || !isfinite(score))
        return fail(msg, msg_size, KH_EVAL_ERR_FORMAT, "%s:%ld: score '%s' is not a number", name,
                    lineno, field[4]);
    if (grow((void **)&ev->results, &ev->result_cap, ev->result_count, sizeof(result_t)))
        return KH_EVAL_ERR_NOMEM;
    result_t r = {strdup(field[0]), strdup(field[2]), score};
    if (!r.qid || !r.docid) {
        free(r.qid);
        free(r.docid);
        return KH_EVAL_ERR_NOMEM;
    }
    ev->results[ev->result_count++] = r;
    return KH_EVAL_OK;
}

static kh_eval_status_t add_query(kh_eval_t *ev, char *line, long lineno)
{
    char number[32];
    char *tab = strchr(line, '\t');
    if (tab) {
        *tab = '\0';
    } else {
        /* searcher --batch numbers a line without a tab by its line number */
        snprintf(number, sizeof number, "%ld", lineno);
        line = number;
    }
    if (grow((void **)&ev->queries, &ev->query_cap, ev->query_count, sizeof(char *)))
        return KH_EVAL_ERR_NOMEM;
    char *qid = strdup(line);
    if (!qid)
        return KH_EVAL_ERR_NOMEM;
    ev->queries[ev->query_count++] = qid;
    return KH_EVAL_OK;
}

static kh_eval_status_t read_lines(kh_eval_t *ev, kind_t kind, FILE *in, const char *name,
                                   char *msg, size_t msg_size)
{
    static const size_t wanted[] = {[QRELS] = 4, [RUN] = 6};
    static const char *const shape[] = {
        [QRELS] = "QID ITER DOCID REL", [RUN] = "QID Q0 DOCID RANK SCORE TAG"};
    char *line = NULL;
    size_t line_cap = 0;
    long lineno = 0;
    kh_eval_status_t status = KH_EVAL_OK;

    if (kind == QUERIES)
        ev->have_query_list = 1;
    while (status == KH_EVAL_OK && getline(&line, &line_cap, in) != -1) {
        lineno++;
        chomp(line);
        if (kind == QUERIES) {
            /* no comments here: a query may start with '#' */
            if (*line)
                status = add_query(ev, line, lineno);
            continue;
        }
        if (is_blank_or_comment(line))
            continue;
        char *field[6];
        size_t n = split_fields(line, field, 6);
        /* trec_eval ignores whatever follows a run's TAG */
        if (kind == QRELS ? n != wanted[kind] : n < wanted[kind]) {
            status = fail(msg, msg_size, KH_EVAL_ERR_FORMAT, "%s:%ld: %zu fields, expected %s",
                          name, lineno, n, shape[kind]);
            break;
        }
        status = kind == QRELS ? add_qrel(ev, field, name, lineno, msg, msg_size)
                               : add_result(ev, field, name, lineno, msg, msg_size);
    }
    free(line);
    if (status == KH_EVAL_ERR_NOMEM)
        fail(msg, msg_size, status, "%s:%ld: out of memory", name, lineno);
    return status;
}

kh_eval_status_t kh_eval_read_qrels(kh_eval_t *ev, FILE *in, const char *name, char *msg,
                                    size_t msg_size)
{
    return read_lines(ev, QRELS, in, name, msg, msg_size);
}

kh_eval_status_t kh_eval_read_run(kh_eval_t *ev, FILE *in, const char *name, char *msg,
                                  size_t msg_size)
{
    return read_lines(ev, RUN, in, name, msg, msg_size);
}

kh_eval_status_t kh_eval_read_queries(kh_eval_t *ev, FILE *in, const char *name, char *msg,
                                      size_t msg_size)
{
    return read_lines(ev, QUERIES, in, name, msg, msg_size);
}

/* qrels by qid, docid, then rel descending: the first of a repeated pair is its best. */
static int compare_qrels(const void *a, const void *b)
{
    const qrel_t *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (!c)
        c = strcmp(x->docid, y->docid);
    if (!c)
        c = (x->rel < y->rel) - (x->rel > y->rel);
    return c;
}

/* The run by qid, then trec_eval's order: score descending, docid descending. */
static int compare_results(const void *a, const void *b)
{
    const result_t *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (c)
        return c;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(y->docid, x->docid);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_gains_descending(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x < y) - (x > y);
}

/* The first result of qid in the sorted run (result_count if none). */
static size_t first_result(const kh_eval_t *ev, const char *qid)
{
    size_t lo = 0, hi = ev->result_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ev->results[mid].qid, qid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The relevance of docid among the sorted qrels [begin, end) of one query; 0 if unjudged. */
static long relevance(const qrel_t *begin, const qrel_t *end, const char *docid)
{
    const qrel_t *lo = begin, *hi = end;
    while (lo < hi) {
        const qrel_t *mid = lo + (hi - lo) / 2;
        if (strcmp(mid->docid, docid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* lo is the first, so the highest, judgment of docid if there is one */
    return lo < end && strcmp(lo->docid, docid) == 0 ? lo->rel : 0;
}

static int asked(const kh_eval_t *ev, const char *qid)
{
    if (ev->have_query_list)
        return ev->query_count &&
               bsearch(&qid, ev->queries, ev->query_count, sizeof(char *), compare_strings) != NULL;
    size_t r = first_result(ev, qid);
    return r < ev->result_count && strcmp(ev->results[r].qid, qid) == 0;
}

/*
 * Scores one query from its qrels [begin, end) (sorted, repeated pairs
 * adjacent with the best first) and its results from index r of the run.
 * gains has room for end - begin values.
 */
static kh_eval_query_t score_query(const kh_eval_t *ev, const qrel_t *begin, const qrel_t *end,
                                   size_t r, long *gains)
{
    kh_eval_query_t q = {.qid = begin->qid};

    size_t gain_count = 0;
    for (const qrel_t *j = begin; j < end; j++)
        if (j->rel > 0 && (j == begin || strcmp(j->docid, j[-1].docid) != 0))
            gains[gain_count++] = j->rel;
    q.relevant = (long)gain_count;
    qsort(gains, gain_count, sizeof *gains, compare_gains_descending);
    double ideal = 0;
    for (size_t i = 0; i < gain_count && i < CUT; i++)
        ideal += gains[i] / log2((double)i + 2);

    /* Walk the results in order, each docid once, down to DEPTH. */
    const char *seen[DEPTH];
    long rank = 0, found10 = 0, found100 = 0;
    double dcg = 0;
    for (; r < ev->result_count && rank < DEPTH && strcmp(ev->results[r].qid, q.qid) == 0; r++) {
        const char *docid = ev->results[r].docid;
        int repeated = 0;
        for (long i = 0; i < rank && !repeated; i++)
            repeated = strcmp(seen[i], docid) == 0;
        if (repeated)
            continue;
        seen[rank++] = docid;
        long rel = relevance(begin, end, docid);
        if (rel <= 0)
            continue;
        if (!q.first_relevant)
            q.first_relevant = rank;
        found100++;
        if (rank <= CUT) {
            found10++;
            dcg += rel / log2((double)rank + 1);
        }
    }

    if (q.first_relevant && q.first_relevant <= CUT)
        q.score.mrr10 = 1.0 / q.first_relevant;
    if (ideal > 0)
        q.score.ndcg10 = dcg / ideal;
    if (gain_count) {
        q.score.recall10 = (double)found10 / gain_count;
        q.score.recall100 = (double)found100 / gain_count;
    }
    return q;
}

kh_eval_status_t kh_eval_score(kh_eval_t *ev, kh_eval_query_t **out, size_t *count,
                               kh_eval_scores_t *mean)
{
    *out = NULL;
    *count = 0;
    *mean = (kh_eval_scores_t){0};
    /* qsort's array may not be NULL, even when empty */
    if (ev->qrel_count)
        qsort(ev->qrels, ev->qrel_count, sizeof(qrel_t), compare_qrels);
    if (ev->result_count)
        qsort(ev->results, ev->result_count, sizeof(result_t), compare_results);
    if (ev->query_count)
        qsort(ev->queries, ev->query_count, sizeof(char *), compare_strings);

    kh_eval_query_t *scored = malloc((ev->qrel_count + 1) * sizeof *scored);
    long *gains = malloc((ev->qrel_count + 1) * sizeof *gains);
    if (!scored || !gains) {
        free(scored);
        free(gains);
        return KH_EVAL_ERR_NOMEM;
    }

    size_t n = 0;
    kh_eval_scores_t sum = {0};
    for (size_t a = 0, b; a < ev->qrel_count; a = b) {
        const char *qid = ev->qrels[a].qid;
        for (b = a + 1; b < ev->qrel_count && strcmp(ev->qrels[b].qid, qid) == 0; b++)
            ;
        if (!asked(ev, qid))
            continue;
        kh_eval_query_t q =
            score_query(ev, ev->qrels + a, ev->qrels + b, first_result(ev, qid), gains);
        sum.mrr10 += q.score.mrr10;
        sum.ndcg10 += q.score.ndcg10;
        sum.recall10 += q.score.recall10;
        sum.recall100 += q.score.recall100;
        scored[n++] = q;
    }
    free(gains);

    if (n) {
        mean->mrr10 = sum.mrr10 / n;
        mean->ndcg10 = sum.ndcg10 / n;
        mean->recall10 = sum.recall10 / n;
        mean->recall100 = sum.recall100 / n;
    }
    *out = scored;
    *count = n;
    return KH_EVAL_OK;
}
