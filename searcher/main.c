/*
 * searcher: ranks passages of a khabar index for keyword queries.
 * Parses argv, prints, picks the exit status; the work is in search.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "khabar/display.h"
#include "khabar/index.h"
#include "khabar/io.h"
#include "khabar/analyzer.h"
#include "khabar/paths.h"
#include "khabar/schema.h"
#include "khabar/xdb.h"
#include "analyze.h"
#include "batch.h"
#include "options.h"
#include "output.h"
#include "say.h"
#include "search.h"

/* Exit statuses, like grep's; and 3: results from some shards only (--allow-partial). */
enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2, EXIT_PARTIAL = 3 };

static void usage(FILE *f)
{
    fputs("usage: searcher [-d INDEX] [-n N] [--format text|json|trec|tsv] [--per-article]\n"
          "                [--all] QUERY...\n"
          "       searcher [-d INDEX] [options] [-j N] --batch FILE|-\n"
          "\n"
          "  -d, --index INDEX   the index (default: $KHABAR_INDEX, else\n"
          "                      $XDG_DATA_HOME/khabar/index, else\n"
          "                      ~/.local/share/khabar/index)\n"
          "  -n, --limit N       results per query (default 10)\n"
          "  -f, --format FMT    text (default), json (JSON Lines), trec (TREC run:\n"
          "                      QID Q0 DOCID RANK SCORE TAG), tsv (columns: qid,\n"
          "                      rank, score, passage id, snippet; no header line)\n"
          "      --offset N      skip the first N results (--offset 10 -n 10: ranks\n"
          "                      11-20 of -n 20)\n"
          "      --count         the number of matching passages (articles with\n"
          "                      --per-article) alone; 'about' when it is an estimate\n"
          "      --explain       the query as it runs before the results (terms,\n"
          "                      passage frequencies, weights, feedback), and after\n"
          "                      each result what each term added to its score\n"
          "      --analyze       the words as the index sees them: normalised form,\n"
          "                      term, name key, stop word, script (no index needed)\n"
          "      --per-article   only the best passage of each article\n"
          "      --all           every word of the query is required\n"
          "      --batch FILE    one query a line, QID<TAB>QUERY or QUERY (qid = line\n"
          "                      number); - reads stdin. The index is opened once.\n"
          "  -j, --jobs N        batch queries run on N threads (default: the number\n"
          "                      of processors, at most 8); the output is the same,\n"
          "                      in input order\n"
          "      --no-stopwords  rank every word, function words too\n"
          "      --title-weight X  weight of a word in the passage's article title\n"
          "                      (default 0.5; 0 off)\n"
          "      --prf-docs N, --prf-terms N, --prf-weight X  pseudo-relevance\n"
          "                      feedback: the best N terms of the top N results\n"
          "                      reweigh the ranking (default 1, 20, 0.3; weight 0 off)\n"
          "      --tag TAG       run tag of TREC output (default khabar)\n"
          "      --allow-partial when shards of a stub cannot be opened (a remote one\n"
          "                      down), search the others: warning on stderr, exit 3\n"
          "      --remote-timeout SECONDS  how long a remote shard may take to answer\n"
          "                      (default 10); one that does not is not asked again\n"
          "      --timing        print 'timing QID MICROSECONDS' per query on stderr\n"
          "      --color[=WHEN]  colour the text format's matches: auto (default: on a\n"
          "                      terminal, NO_COLOR unset or empty), always (alone:\n"
          "                      --color), never\n"
          "  -V, --version       the version and the index schema it reads\n"
          "  -h, --help          this help\n"
          "\n"
          "Options come before the query: from its first word on, all is query text\n"
          "(searcher oil -debate); -- ends the options (searcher -- -debate oil).\n"
          "Query: words (ranked), \"a phrase\", +required, -excluded or NOT word (no\n"
          "passage of an article holding it; inside a side of OR, of that side only),\n"
          "a AND b, a OR b, (groups), word* (words starting so, the 100 most common),\n"
          "title:word, section:NAME, lang:ar, date:2022..2023; field names in any\n"
          "case. NOT binds tightest, then words side by side, then AND, then OR.\n"
          "Exit status: 0 a query matched, 1 none did (text output says why on\n"
          "stderr), 2 error, 3 results of some shards only (--allow-partial).\n",
          f);
}

/* "searcher: MESSAGE" on f, cleaned for a terminal (say.h). */
static void say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_vsay(f, fmt, ap);
    va_end(ap);
}

/* The options of every query, shared read-only by the batch's threads. */
typedef struct run {
    kh_search_opts_t search;
    kh_output_opts_t output;
    int timing;            /* --timing */
    double remote_timeout; /* --remote-timeout */
} run_t;

/* One searcher per thread: a Xapian database is not thread-safe. */
typedef struct worker {
    const run_t *run;
    kh_searcher_t *searcher;
} worker_t;

/* What a query came to; a batch ORs them. */
enum { QUERY_MATCHED = 1, QUERY_FAILED = 2, QUERY_PARTIAL = 4 };

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/*
 * Says on errs what the bounds of a query's work (search.h) left out: its
 * results are then not all it asked for.
 */
static void note_bounds(const kh_results_t *r, const char *qid, const char *where, FILE *errs)
{
    char prefix[4200] = "searcher: note: ";
    if (where)
        snprintf(prefix, sizeof prefix, "searcher: %s: query %s: note: ", where, qid);
    if (r->phrase_cut)
        fprintf(errs,
                "%sthe phrase check stopped after %lu candidate passages (its bound): the "
                "results are the best of those, and fewer than asked for may be shown\n",
                prefix, r->phrase_checked);
    if (r->phrases_ignored)
        fprintf(errs, "%s%u phrase%s after the first %d ignored\n", prefix, r->phrases_ignored,
                r->phrases_ignored == 1 ? "" : "s", KH_QUERY_MAX_PHRASES);
}

/*
 * Says on errs how the query was read otherwise than written (its notes,
 * kh_results_t.notes: an unknown field, a word* cut to its bound), on
 * stderr whatever the format, so that JSON and TREC output stay results.
 */
static void note_query(const kh_results_t *r, const char *qid, const char *where, FILE *errs)
{
    for (const char *line = r->notes; *line;) {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        if (where)
            say(errs, "%s: query %s: note: %.*s", where, qid, len, line);
        else
            say(errs, "note: %.*s", len, line);
        line += len + (end != NULL);
    }
}

/*
 * A query that matched nothing says why (kh_searcher_why_none) on errs,
 * in text output only: JSON, TREC and TSV readers get their rows alone.
 */
static kh_status_t say_why_none(const worker_t *w, const char *qid, const char *query,
                                const char *where, FILE *errs, kh_error_t *err)
{
    if (w->run->output.format != KH_OUTPUT_TEXT)
        return KH_OK;
    char *reasons = NULL;
    kh_status_t st = kh_searcher_why_none(w->searcher, query, &w->run->search, &reasons, err);
    for (const char *line = reasons; !st && line && *line;) {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        if (where)
            say(errs, "%s: query %s: no results: %.*s", where, qid, len, line);
        else
            say(errs, "no results: %.*s", len, line);
        line += len + (end != NULL);
    }
    free(reasons);
    return st;
}

/*
 * Did you mean (kh_searcher_suggest), after a query's results: in text, a
 * line on stderr ("FILE:LINE: " before it in a batch); in JSON, a record (output.h); not in TREC
 * and TSV, whose rows are results only, nor does it change the exit status.
 */
static kh_status_t suggest(const worker_t *w, const char *qid, const char *query, const char *where,
                           FILE *out, FILE *errs, kh_error_t *err)
{
    kh_output_format_t format = w->run->output.format;
    if (format != KH_OUTPUT_TEXT && format != KH_OUTPUT_JSON)
        return KH_OK;
    char *suggestion = NULL;
    kh_status_t st = kh_searcher_suggest(w->searcher, query, &suggestion, err);
    if (st || !suggestion)
        return st;
    if (format == KH_OUTPUT_TEXT) {
        size_t len = strlen(suggestion), shown = kh_display_cut(suggestion, len, 200);
        if (where) /* a batch: which line's query */
            fprintf(errs, "%s: ", where);
        fprintf(errs, "did you mean: ");
        char clean[1024];
        kh_display_clean(suggestion, shown, clean, sizeof clean);
        fprintf(errs, "%s%s\n", clean, shown < len ? "..." : "");
    } else {
        st = kh_output_write_suggestion(out, &w->run->output, qid, query, suggestion, err);
    }
    free(suggestion);
    return st;
}

/*
 * Runs one query, printing its results on out and its messages on err (the
 * streams of the process, or a batch thread's memory); returns QUERY_* bits.
 */
static int run_query(const worker_t *w, const char *qid, const char *query, const char *where,
                     FILE *out, FILE *errs)
{
    const run_t *run = w->run;
    kh_results_t results;
    kh_error_t err;
    double start = run->timing ? now_us() : 0;
    kh_status_t st = kh_searcher_run(w->searcher, query, &run->search, &results, &err);
    if (st) {
        if (where) {
            say(errs, "%s: query %s: %s", where, qid, err.message);
        } else {
            /* A pasted book is quoted by its start, never half a character. */
            size_t len = strlen(query), shown = kh_display_cut(query, len, 200);
            say(errs, "query '%.*s%s': %s", (int)shown, query, shown < len ? "..." : "",
                err.message);
        }
        return QUERY_FAILED;
    }
    int outcome = (results.n ? QUERY_MATCHED : 0) | (results.partial ? QUERY_PARTIAL : 0);
    if (results.warning[0])
        fprintf(errs, "searcher: warning: %s; searching the other shards\n", results.warning);
    note_bounds(&results, qid, where, errs);
    note_query(&results, qid, where, errs);
    st = kh_output_write(out, &run->output, qid, query, &results, &err);
    int none = results.n == 0;
    kh_results_free(&results);
    if (!st && none)
        st = say_why_none(w, qid, query, where, errs, &err);
    if (!st)
        st = suggest(w, qid, query, where, out, errs, &err);
    /* Search, snippets and formatting: what a user waits for (benchmarks). */
    if (run->timing) {
        char id[256];
        kh_display_id(qid ? qid : "1", strlen(qid ? qid : "1"), id, sizeof id);
        fprintf(errs, "timing\t%s\t%.0f\n", id, now_us() - start);
    }
    if (st) {
        say(errs, "%s", err.message);
        return outcome | QUERY_FAILED;
    }
    return outcome;
}

/*
 * A line of a batch: a query, or a reader's message that takes the line's
 * place in the output (so stderr reads the same on any number of threads).
 * One malloc'd block, as kh_batch_submit() frees it.
 */
typedef struct task {
    const char *qid, *query; /* query NULL: a message */
    const char *where;       /* "FILE:LINE", or the message */
    char text[];
} task_t;

static task_t *message_task(const char *message)
{
    size_t size = strlen(message) + 1;
    task_t *t = malloc(sizeof *t + size);
    if (!t)
        return NULL;
    t->qid = t->query = NULL;
    t->where = memcpy(t->text, message, size);
    return t;
}

/*
 * A task of the query on line (len bytes, up to a NUL as strndup does), or
 * of the message that takes its place; *blank set when it has no query.
 */
static task_t *query_task(const char *path, unsigned long line_number, const char *line, size_t len,
                          int *blank)
{
    char number[32], location[4096];
    snprintf(number, sizeof number, "%lu", line_number);
    snprintf(location, sizeof location, "%s:%lu", path, line_number);
    len = strnlen(line, len);
    kh_batch_line_t parts;
    kh_error_t err;
    if (kh_batch_split_line(line, len, &parts, &err)) {
        char message[sizeof location + sizeof err.message + 4];
        snprintf(message, sizeof message, "%s: %s", location, err.message);
        *blank = 0;
        return message_task(message);
    }
    *blank = parts.blank;
    if (parts.blank)
        return NULL;
    const char *qid = parts.qid ? parts.qid : number;
    size_t qid_len = parts.qid ? parts.qid_len : strlen(number);
    size_t where_size = strlen(location) + 1;
    task_t *t = malloc(sizeof *t + where_size + qid_len + 1 + parts.query_len + 1);
    if (!t)
        return NULL;
    char *where = memcpy(t->text, location, where_size);
    char *qid_copy = where + where_size;
    memcpy(qid_copy, qid, qid_len);
    qid_copy[qid_len] = '\0';
    char *query = qid_copy + qid_len + 1;
    memcpy(query, parts.query, parts.query_len);
    query[parts.query_len] = '\0';
    t->qid = qid_copy;
    t->query = query;
    t->where = where;
    return t;
}

/* kh_batch_run_fn, and the whole of a task on one thread. */
static int run_task(void *worker, void *task, FILE *out, FILE *err)
{
    const task_t *t = task;
    if (!t->query) {
        say(err, "%s", t->where);
        return QUERY_FAILED;
    }
    return run_query(worker, t->qid, t->query, t->where, out, err);
}

/* kh_batch_emit_fn: a task's output, in input order. */
static void emit_task(void *ctx, kh_status_t status, int outcome, const char *out, size_t out_len,
                      const char *err, size_t err_len)
{
    int *outcomes = ctx;
    fwrite(out, 1, out_len, stdout);
    fwrite(err, 1, err_len, stderr);
    if (status) {
        fputs("searcher: out of memory\n", stderr);
        outcome = QUERY_FAILED;
    }
    *outcomes |= outcome;
}

/*
 * The threads of a batch of jobs workers into *pool; none (NULL) for one
 * job, which runs the queries on this thread. Returns nonzero after the
 * message.
 */
static int start_pool(worker_t *workers, unsigned jobs, int *outcomes, kh_batch_t **pool)
{
    kh_error_t err;
    *pool = NULL;
    if (jobs == 1)
        return 0;
    void *contexts[KH_BATCH_MAX_JOBS];
    for (unsigned i = 0; i < jobs; i++)
        contexts[i] = &workers[i];
    if (kh_batch_new(jobs, 0, contexts, run_task, emit_task, outcomes, pool, &err)) {
        say(stderr, "%s", err.message);
        return 1;
    }
    return 0;
}

/*
 * Runs the queries of path on jobs threads (workers[0..jobs-1]); one job
 * runs them on this thread, straight to stdout. Returns QUERY_* bits.
 */
static int run_batch(worker_t *workers, unsigned jobs, const char *path)
{
    kh_reader_t *reader;
    kh_error_t err;
    if (kh_reader_open(path, &reader, &err)) {
        say(stderr, "%s", err.message);
        return QUERY_FAILED;
    }
    int outcomes = 0;
    kh_batch_t *pool;
    if (start_pool(workers, jobs, &outcomes, &pool)) {
        kh_reader_close(reader);
        return QUERY_FAILED;
    }
    /* A fatal error is printed after the output of the lines before it. */
    const char *fatal = NULL;
    for (;;) {
        const char *line;
        size_t len;
        task_t *task = NULL;
        int blank = 0;
        kh_status_t st = kh_reader_next_line(reader, &line, &len, &err);
        if (st && st != KH_ERR_LINE_TOO_LONG) {
            fatal = err.message;
            break;
        }
        if (st)
            task = message_task(err.message);
        else if (!line)
            break;
        else
            task = query_task(path, kh_reader_line_number(reader), line, len, &blank);
        if (blank)
            continue;
        if (!task) {
            fatal = "out of memory";
            break;
        }
        if (pool)
            kh_batch_submit(pool, task);
        else {
            outcomes |= run_task(&workers[0], task, stdout, stderr);
            free(task);
        }
    }
    kh_batch_finish(pool);
    if (fatal) {
        say(stderr, "%s", fatal);
        outcomes |= QUERY_FAILED;
    }
    kh_reader_close(reader);
    return outcomes;
}

/* kh_stub_fn of kh_index_partial_stub(): a shard that does not open is left out, said why. */
static int note_shard(void *ctx, unsigned line, const char *spec, kh_status_t status,
                      const char *message)
{
    (void)ctx;
    (void)line;
    (void)spec;
    if (status)
        say(stderr, "warning: %s; searching the other shards", message);
    return 0;
}

/*
 * Opens each shard of index alone. When some fail, *stub_path gets a new
 * temporary stub file listing the others (the caller unlinks and frees it)
 * and *partial is set; when all open, *stub_path is NULL. Xapian 1.4 has no
 * partial mode of its own: a stub that lists a shard which is down fails
 * whole. Returns nonzero after printing an error (no shard opens).
 */
static int reachable_shards(const char *index, double timeout, char **stub_path, int *partial)
{
    kh_error_t err;
    kh_status_t st =
        kh_index_partial_stub(index, timeout, getenv("TMPDIR"), note_shard, NULL, stub_path, &err);
    if (st)
        say(stderr, "%s", err.message);
    *partial = !st && *stub_path;
    return st != KH_OK;
}

/* -j's default: one thread per online processor, at most 8 (measured: see README). */
static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

static void close_searchers(worker_t *workers, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        kh_searcher_close(workers[i].searcher);
}

/*
 * Opens n searchers of index into workers, all before any query runs, so
 * that a stub file of --allow-partial can go once they are open. Returns
 * nonzero after printing an error (none is left open).
 */
static int open_searchers(const char *index, const run_t *run, worker_t *workers, unsigned n)
{
    kh_error_t err;
    for (unsigned i = 0; i < n; i++) {
        workers[i].run = run;
        kh_status_t st =
            kh_searcher_open_timeout(index, run->remote_timeout, &workers[i].searcher, &err);
        if (st) {
            say(stderr, "%s", err.message);
            if (st == KH_ERR_DB_NOT_FOUND)
                say(stderr, "to create an index there: indexer -d %s FILES...", index);
            close_searchers(workers, i);
            return 1;
        }
    }
    return 0;
}

/*
 * Opens jobs searchers of index; with --allow-partial, of a stub of the
 * shards that open (index itself when all do), *partial set when some did
 * not. Returns nonzero after the message.
 */
static int open_workers(const char *index, const kh_searcher_args_t *args, const run_t *run,
                        worker_t *workers, unsigned jobs, int *partial)
{
    *partial = 0;
    if (!args->allow_partial)
        return open_searchers(index, run, workers, jobs);
    char *reachable = NULL;
    if (reachable_shards(index, run->remote_timeout, &reachable, partial))
        return 1;
    int bad = open_searchers(reachable ? reachable : index, run, workers, jobs);
    if (reachable) {
        unlink(reachable); /* Xapian has read it */
        free(reachable);
    }
    return bad;
}

/*
 * The words of the command line as one query, as a shell user typed them;
 * returns QUERY_* bits.
 */
static int search_words(const worker_t *worker, char **words, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    char *query = malloc(len + 1);
    if (!query) {
        fputs("searcher: out of memory\n", stderr);
        return QUERY_FAILED;
    }
    query[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i > 0)
            strcat(query, " ");
        strcat(query, words[i]);
    }
    int outcomes = run_query(worker, NULL, query, NULL, stdout, stderr);
    free(query);
    return outcomes;
}

/* The exit status of a run whose queries came to outcomes (QUERY_* bits). */
static int exit_status(int outcomes, int partial)
{
    if (fflush(stdout) != 0) {
        fputs("searcher: cannot write the results\n", stderr);
        return EXIT_TROUBLE;
    }
    if (outcomes & QUERY_FAILED)
        return EXIT_TROUBLE;
    if (partial || (outcomes & QUERY_PARTIAL))
        return EXIT_PARTIAL;
    return outcomes & QUERY_MATCHED ? EXIT_MATCH : EXIT_NO_MATCH;
}

/* Searches the query of the command line, or runs the batch. */
static int run_searcher(const char *index, const kh_searcher_args_t *args)
{
    run_t run = {.search = args->search,
                 .output = args->output,
                 .timing = args->timing,
                 .remote_timeout = args->remote_timeout};
    const char *no_color = getenv("NO_COLOR");
    int color =
        args->color == KH_COLOR_ALWAYS ||
        (args->color == KH_COLOR_AUTO && isatty(STDOUT_FILENO) && !(no_color && no_color[0]));
    run.output.color = run.output.format == KH_OUTPUT_TEXT && color;
    unsigned jobs = args->jobs ? args->jobs : default_jobs();
    worker_t workers[KH_BATCH_MAX_JOBS];
    int partial;
    if (open_workers(index, args, &run, workers, jobs, &partial))
        return EXIT_TROUBLE;
    int outcomes = args->batch ? run_batch(workers, jobs, args->batch)
                               : search_words(&workers[0], args->words, args->n_words);
    close_searchers(workers, jobs);
    return exit_status(outcomes, partial);
}

/*
 * --analyze: the words of the command line as the index sees them. No
 * index is opened (analyze.h says why none is needed). Exit 0 when the
 * text has a word, 1 when it has none.
 */
static int analyze_words(const kh_searcher_args_t *args)
{
    char *text = NULL;
    size_t len = 0, n_words = 0;
    FILE *joined = open_memstream(&text, &len);
    if (!joined) {
        fputs("searcher: out of memory\n", stderr);
        return EXIT_TROUBLE;
    }
    for (int i = 0; i < args->n_words; i++)
        fprintf(joined, "%s%s", i ? " " : "", args->words[i]);
    kh_error_t err;
    kh_status_t st = fclose(joined) ? KH_ERR_NOMEM : KH_OK;
    if (st)
        say(stderr, "out of memory");
    else if ((st = kh_analyze_write(stdout, args->output.format, args->search.stopwords, text, len,
                                    &n_words, &err)))
        say(stderr, "%s", err.message);
    free(text);
    if (st)
        return EXIT_TROUBLE;
    return exit_status(n_words ? QUERY_MATCHED : 0, 0);
}

int main(int argc, char **argv)
{
    kh_searcher_args_t args;
    switch (kh_searcher_args_parse(argc, argv, &args, stderr)) {
    case KH_SEARCHER_RUN:
        break;
    case KH_SEARCHER_HELP:
        usage(stdout);
        return EXIT_MATCH;
    case KH_SEARCHER_VERSION:
        printf("searcher (khabar) %s\nreads index schema %s, analyzer %s\n", KH_VERSION,
               KH_SCHEMA_VERSION, kh_analyzer_version());
        return EXIT_MATCH;
    case KH_SEARCHER_BAD_USAGE:
        usage(stderr);
        return EXIT_TROUBLE;
    case KH_SEARCHER_BAD:
        return EXIT_TROUBLE;
    }
    if (args.analyze)
        return analyze_words(&args);
    kh_error_t err;
    char default_index[4096];
    const char *index = args.index;
    if (!index) {
        if (kh_default_index_path(default_index, sizeof default_index, &err)) {
            say(stderr, "%s", err.message);
            return EXIT_TROUBLE;
        }
        index = default_index;
    }
    return run_searcher(index, &args);
}
