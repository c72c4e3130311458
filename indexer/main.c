/*
 * indexer: reads news articles and writes their passages into a khabar index.
 * Parses argv, walks the inputs, prints progress and messages, and picks the
 * exit status; the work is in article.c, passage.c, document.c, writer.c, pipeline.c and
 * compact.c.
 */
#define _DEFAULT_SOURCE /* scandir, DT_* */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "compact.h"
#include "khabar/analyzer.h"
#include "khabar/display.h"
#include "khabar/paths.h"
#include "khabar/schema.h"
#include "khabar/similar.h"
#include "khabar/index.h"
#include "options.h"
#include "pipeline.h"
#include "writer.h"

/* Exit statuses: all went in; some input was bad and skipped; a fatal error. */
enum { EXIT_ALL_IN = 0, EXIT_SKIPPED = 1, EXIT_FATAL = 2 };

static void usage(FILE *f)
{
    fputs("usage: indexer [-d INDEX] [options] PATH...\n"
          "       indexer [-d INDEX] --delete ID...\n"
          "       indexer [-d INDEX] --compact\n"
          "\n"
          "PATH is a file (.txt, .jsonl, either .gz), a folder (walked recursively in\n"
          "sorted order) or - for standard input. An article already in the index is\n"
          "replaced whole.\n"
          "\n"
          "  -d, --index INDEX    the index (default: $KHABAR_INDEX, else\n"
          "                       $XDG_DATA_HOME/khabar/index, else\n"
          "                       ~/.local/share/khabar/index), created by the first\n"
          "                       article read where nothing is or in an empty folder;\n"
          "                       any folder other than an index is left untouched\n"
          "      --delete         the arguments are article ids to remove\n"
          "      --format FMT     auto (default: by file name), text or jsonl\n"
          "      --batch-size N   articles per commit, shared among the shards (default\n"
          "                       2000); a crash loses at most the last batch; Xapian\n"
          "                       holds the open batch in memory\n"
          "      --shards N       split a new index into N shards written in parallel\n"
          "                       (default: as the index is; a new one: 1)\n"
          "  -j, --jobs N         threads analysing articles (default: one per core)\n"
          "      --window N       longest passage, in words (default 150)\n"
          "      --overlap N      words shared by consecutive windows (default 30)\n"
          "      --strict         stop at the first bad article (exit 1; the articles\n"
          "                       before it are in, none after it is read)\n"
          "      --wait[=SECONDS] when another indexer has the index, wait for it to\n"
          "                       finish (without SECONDS: as long as it takes)\n"
          "      --compact        compact the index when the run ends (alone: compact it,\n"
          "                       indexing nothing); an index the run creates, or one\n"
          "                       that was empty, or of whose passages the run replaced\n"
          "                       or deleted 25% or more, is compacted without it: ~40%\n"
          "                       smaller (~65% after a re-index), searches ~10% faster\n"
          "      --no-compact     never compact (for an index that grows run by run,\n"
          "                       compact now and then instead)\n"
          "  -q, --quiet          no progress line\n"
          "  -V, --version        the version and the index schema it writes\n"
          "  -h, --help           this help\n"
          "\n"
          "Exit status: 0 all went in, 1 some input was bad and skipped, 2 fatal error.\n",
          f);
}

typedef struct progress {
    int live; /* draw a progress line (stderr is a terminal, not --quiet) */
    struct timespec start, last;
    unsigned long files, files_total;
    unsigned long articles, skipped;
    double bytes_done;  /* bytes of the inputs finished, as their sizes count (compressed) */
    double bytes_total; /* 0 when unknown (standard input) */
    double text_done;   /* bytes of text of the inputs finished (decompressed) */
    double mb_s;        /* once the input is read: its rate, kept through the last phases */
} progress_t;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void progress_clear(progress_t *p)
{
    if (p->live)
        fputs("\r\033[K", stderr);
}

/*
 * The progress line, while reader (NULL between files) is read. MB/s counts
 * text, decompressed: the same for a file and its .gz (counting a .gz's
 * compressed bytes showed 0.5 MB/s where the plain file showed 2.8). The
 * ETA is the share of the input sizes read, compressed or not, which is
 * the share of the input done.
 */
static void progress_draw(progress_t *p, kh_pipeline_t *pl, const kh_article_reader_t *reader,
                          int force)
{
    if (!p->live || !pl || (!force && seconds_since(&p->last) < 0.2))
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    double elapsed = seconds_since(&p->start);
    double bytes_now = p->bytes_done + (reader ? (double)kh_article_reader_bytes_in(reader) : 0);
    double text_now = p->text_done + (reader ? (double)kh_article_reader_text_bytes(reader) : 0);
    double mb_s = elapsed > 0 ? text_now / 1e6 / elapsed : 0;
    kh_writer_stats_t stats;
    kh_pipeline_stats(pl, &stats);
    fprintf(stderr, "\r\033[Kfiles %lu/%lu  articles %lu  passages %lu  %.1f MB/s", p->files,
            p->files_total, p->articles, stats.passages, mb_s);
    if (p->bytes_total > 0 && bytes_now > 0 && bytes_now < p->bytes_total)
        fprintf(stderr, "  ETA %.0fs", (p->bytes_total - bytes_now) / (bytes_now / elapsed));
}

/* The input is read: the rate is kept for the line of the last phases. */
static void progress_input_done(progress_t *p)
{
    double elapsed = seconds_since(&p->start);
    p->mb_s = elapsed > 0 ? p->text_done / 1e6 / elapsed : 0;
}

/*
 * The last phases by name, with their time so far, in place of the ETA:
 * the final commit and a compaction took ~10 s on the news corpus after
 * the input was read (kh_pipeline_progress_fn).
 */
static void progress_phase(void *ctx, kh_pipeline_phase_t phase, double seconds)
{
    progress_t *p = ctx;
    if (!p->live)
        return;
    fprintf(stderr, "\r\033[Kfiles %lu/%lu  articles %lu  %.1f MB/s  %s %.1f s", p->files,
            p->files_total, p->articles, p->mb_s,
            phase == KH_PHASE_WRITING      ? "writing"
            : phase == KH_PHASE_COMMITTING ? "committing"
                                           : "compacting",
            seconds);
}

/* "308 MB", or "48 KB" for a small index (as du -h would say, in SI units). */
static void format_size(char *out, size_t size, uint64_t bytes)
{
    if (bytes >= 10 * 1000 * 1000)
        snprintf(out, size, "%.0f MB", (double)bytes / 1e6);
    else if (bytes >= 1000 * 1000)
        snprintf(out, size, "%.1f MB", (double)bytes / 1e6);
    else
        snprintf(out, size, "%.0f KB", (double)bytes / 1e3);
}

/* The files to read, in the order given, folders expanded in sorted order. */
typedef struct inputs {
    char **paths;
    size_t n, cap;
    double bytes; /* their total size; 0 when one is standard input */
    int stdin_given;
    int bad; /* a path could not be read */
} inputs_t;

static int add_input(inputs_t *in, const char *path, double size)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 64;
        char **paths = realloc(in->paths, cap * sizeof *paths);
        if (!paths)
            return -1;
        in->paths = paths;
        in->cap = cap;
    }
    if (!(in->paths[in->n] = strdup(path)))
        return -1;
    in->n++;
    in->bytes += size;
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * s made safe for a message (khabar/display.h): file names found in a
 * folder and article ids are data, which must not drive the terminal.
 * Borrowed until the next call on the same buffer.
 */
static const char *shown(const char *s, char buf[static 8192])
{
    kh_display_clean(s, strlen(s), buf, 8192);
    return buf;
}

/* The folders being walked, to stop at a symlink that loops back to one of them. */
typedef struct walk_stack {
    dev_t dev[64];
    ino_t ino[64];
    int depth;
} walk_stack_t;

static int walk(inputs_t *in, const char *dir, walk_stack_t *stack);

/* One entry of a folder walked: a folder is walked, an article file taken. Returns 0, or -1. */
static int walk_entry(inputs_t *in, const char *path, walk_stack_t *stack)
{
    char name_shown[8192];
    struct stat est;
    kh_format_t format;
    if (stat(path, &est) != 0) {
        fprintf(stderr, "indexer: %s: %s\n", shown(path, name_shown), strerror(errno));
        in->bad = 1;
    } else if (S_ISDIR(est.st_mode)) {
        return walk(in, path, stack);
    } else if (kh_format_from_path(path, &format) != KH_OK) {
        /* Other files in a folder (images, README.md) are not articles: passed over. */
    } else if (!S_ISREG(est.st_mode)) {
        /* A FIFO would block the run (and its write lock) until
         * something writes to it; a device would never end. Named
         * on the command line, it is read: the user means it. */
        fprintf(stderr,
                "indexer: %s: %s, not a regular file: passed over (name it on the "
                "command line to read it)\n",
                path,
                S_ISFIFO(est.st_mode)                          ? "a FIFO"
                : S_ISSOCK(est.st_mode)                        ? "a socket"
                : S_ISCHR(est.st_mode) || S_ISBLK(est.st_mode) ? "a device"
                                                               : "a special file");
        in->bad = 1;
    } else {
        return add_input(in, path, (double)est.st_size);
    }
    return 0;
}

/*
 * Enters dir unless it is one of the folders being walked (a symlink
 * loop) or too deep. Returns 0 when entered, else -1 after the message.
 */
static int walk_enter(inputs_t *in, const char *dir, walk_stack_t *stack)
{
    char name_shown[8192];
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, "indexer: %s: %s\n", shown(dir, name_shown), strerror(errno));
        in->bad = 1;
        return -1;
    }
    for (int i = 0; i < stack->depth; i++) {
        if (stack->dev[i] == st.st_dev && stack->ino[i] == st.st_ino) {
            fprintf(stderr, "indexer: %s: symbolic link loop, not followed\n",
                    shown(dir, name_shown));
            in->bad = 1;
            return -1;
        }
    }
    if (stack->depth == (int)(sizeof stack->dev / sizeof stack->dev[0])) {
        fprintf(stderr, "indexer: %s: folders nested too deep, not followed\n",
                shown(dir, name_shown));
        in->bad = 1;
        return -1;
    }
    stack->dev[stack->depth] = st.st_dev;
    stack->ino[stack->depth] = st.st_ino;
    stack->depth++;
    return 0;
}

/* The article files under dir, in sorted order, into in. Returns 0, or -1 (out of memory). */
static int walk(inputs_t *in, const char *dir, walk_stack_t *stack)
{
    if (walk_enter(in, dir, stack))
        return 0;
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, by_name);
    if (n < 0) {
        char name_shown[8192];
        fprintf(stderr, "indexer: %s: %s\n", shown(dir, name_shown), strerror(errno));
        in->bad = 1;
        stack->depth--;
        return 0;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        /* Hidden entries (., .., .git, editor files) are not articles. */
        if (name[0] != '.' && !rc) {
            size_t len = strlen(dir) + 1 + strlen(name) + 1;
            char *path = malloc(len);
            if (!path) {
                rc = -1;
            } else {
                snprintf(path, len, "%s/%s", dir, name);
                rc = walk_entry(in, path, stack);
            }
            free(path);
        }
        free(entries[i]);
    }
    free(entries);
    stack->depth--;
    return rc;
}

static int collect_inputs(inputs_t *in, char **paths, int n)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") == 0) {
            in->stdin_given = 1;
            if (add_input(in, "-", 0))
                return -1;
        } else if (stat(paths[i], &st) != 0) {
            fprintf(stderr, "indexer: %s: %s\n", paths[i], strerror(errno));
            in->bad = 1;
        } else if (S_ISDIR(st.st_mode)) {
            walk_stack_t stack = {.depth = 0};
            if (walk(in, paths[i], &stack))
                return -1;
        } else if (add_input(in, paths[i], (double)st.st_size)) {
            return -1;
        }
    }
    return 0;
}

typedef struct run {
    kh_pipeline_t *pipeline; /* NULL until the index is opened */
    kh_format_t format;
    int strict;
    progress_t progress;
    int skipped_any;
    /* Opening the index (open_index()). */
    const char *index;
    kh_pipeline_opts_t opts;
    int compact;       /* --compact 1, --no-compact 0, else -1: KH_COMPACT_AUTO */
    long wait_seconds; /* --wait: 0 no, -1 no limit */
    int creating;      /* nothing is at index yet (or an empty folder) */
    char default_index[4096];
    unsigned long missing; /* --delete: ids not in the index */
} run_t;

/*
 * When the run compacts (pipeline.h): --compact always, --no-compact never,
 * else the pipeline decides by what the run created, replaced or deleted.
 */
static kh_compact_mode_t compaction_policy(int compact)
{
    return compact < 0 ? KH_COMPACT_AUTO : compact ? KH_COMPACT_ALWAYS : KH_COMPACT_NEVER;
}

/*
 * Opens run->index into run->pipeline. --wait: another indexer holds the
 * lock; try again every 0.2 s until it lets go (Xapian's lock is not
 * waitable: it fails at once). Only that is waited for: a lock that cannot
 * be taken for another reason (a read-only file system) is an error at
 * once. Whether the run creates the index is asked before each try: the
 * indexer waited for may be the one creating it.
 */
static kh_status_t open_index(run_t *run, kh_error_t *err)
{
    kh_status_t st = run->creating ? kh_make_parent_dirs(run->index, err) : KH_OK;
    struct timespec wait_start;
    clock_gettime(CLOCK_MONOTONIC, &wait_start);
    run->opts.compact = compaction_policy(run->compact);
    run->opts.progress = progress_phase;
    run->opts.progress_ctx = &run->progress;
    while (!st) {
        st = kh_pipeline_open(run->index, &run->opts, &run->pipeline, err);
        if (st != KH_ERR_DB_LOCKED ||
            (run->wait_seconds >= 0 && seconds_since(&wait_start) >= (double)run->wait_seconds))
            break;
        nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
        st = KH_OK;
    }
    return st;
}

static void report_open_failure(run_t *run, kh_status_t st, const kh_error_t *err)
{
    progress_clear(&run->progress);
    fprintf(stderr, "indexer: %s%s\n", err->message,
            st == KH_ERR_DB_LOCKED && !run->wait_seconds
                ? " (another indexer is writing it; --wait waits for it to finish)"
                : "");
}

/*
 * Hands one article read to the pipeline (which takes it, whatever
 * happens), opening a new index first. Returns EXIT_FATAL after the
 * message, else 0.
 */
static int add_article(run_t *run, kh_article_t *article)
{
    kh_error_t err;
    char message_shown[8192], id_shown[8192];
    kh_status_t st;
    /* A new index is created by the first article read: a run that
     * reads none (a mistyped path) leaves nothing behind. */
    if (!run->pipeline && (st = open_index(run, &err)) != KH_OK) {
        report_open_failure(run, st, &err);
        kh_article_free(article);
        return EXIT_FATAL;
    }
    int duplicate = 0;
    st = kh_pipeline_note_id(run->pipeline, article->id, &duplicate, &err);
    if (!st && duplicate) {
        progress_clear(&run->progress);
        fprintf(stderr,
                "indexer: %s:%u: article id '%s' was given before in this run; the last "
                "one wins\n",
                shown(article->file, message_shown), article->line, shown(article->id, id_shown));
    }
    /* The article is written later, on another thread: a failure comes back
     * from a later call, or from kh_pipeline_close(), with its FILE:LINE. */
    if (!st)
        st = kh_pipeline_add(run->pipeline, article, &err);
    else
        kh_article_free(article);
    if (st) {
        progress_clear(&run->progress);
        fprintf(stderr, "indexer: %s\n", err.message);
        return EXIT_FATAL;
    }
    return 0;
}

/* Indexes one input; returns EXIT_FATAL on a fatal error, else 0. */
static int index_file(run_t *run, const char *path)
{
    kh_article_reader_t *reader;
    kh_error_t err;
    char message_shown[8192];
    kh_status_t st = kh_article_reader_open(path, run->format, &reader, &err);
    if (st) {
        progress_clear(&run->progress);
        fprintf(stderr, "indexer: %s\n", shown(err.message, message_shown));
        run->skipped_any = 1;
        return 0;
    }
    int rc = 0;
    for (;;) {
        kh_article_t *article;
        st = kh_article_reader_next(reader, &article, &err);
        if (st) {
            progress_clear(&run->progress);
            fprintf(stderr, "indexer: %s%s\n", shown(err.message, message_shown),
                    st == KH_ERR_TRUNCATED || st == KH_ERR_IO ? "" : " (article skipped)");
            run->skipped_any = 1;
            run->progress.skipped++;
            if (run->strict)
                break;
            continue;
        }
        if (!article || (rc = add_article(run, article)) != 0)
            break;
        run->progress.articles++;
        progress_draw(&run->progress, run->pipeline, reader, 0);
    }
    int64_t size = kh_article_reader_size(reader);
    run->progress.bytes_done +=
        size >= 0 ? (double)size : (double)kh_article_reader_bytes_in(reader);
    run->progress.text_done += (double)kh_article_reader_text_bytes(reader);
    kh_article_reader_close(reader);
    return rc;
}

static void free_inputs(inputs_t *inputs)
{
    for (size_t i = 0; i < inputs->n; i++)
        free(inputs->paths[i]);
    free(inputs->paths);
}

/* The index: -d's, else the default path. Returns 0, or -1 after the message. */
static int resolve_index(run_t *run, const char *given)
{
    kh_error_t err;
    if (!given) {
        if (kh_default_index_path(run->default_index, sizeof run->default_index, &err)) {
            fprintf(stderr, "indexer: %s\n", err.message);
            return -1;
        }
        given = run->default_index;
    }
    run->index = given;
    return 0;
}

/*
 * What a compaction cut short by a crash left (compact.h); before the open,
 * which would create a fresh index where a cut fallback swap left none.
 */
static void clean_leftovers(const char *index)
{
    kh_error_t err;
    unsigned leftovers = 0, kept = 0;
    if (kh_compact_cleanup(index, &leftovers, &kept, &err) == KH_OK && leftovers)
        fprintf(stderr, "indexer: removed %u leftover folder%s of a compaction cut short (*%s*)\n",
                leftovers, leftovers == 1 ? "" : "s", KH_COMPACT_SUFFIX);
    if (kept)
        fprintf(stderr,
                "indexer: warning: %u folder%s named like a compaction's leftover (*%s*) hold%s "
                "files that are not an index's: left as %s\n",
                kept, kept == 1 ? "" : "s", KH_COMPACT_SUFFIX, kept == 1 ? "s" : "",
                kept == 1 ? "it is" : "they are");
}

/*
 * Opens the index before anything is read when it exists; a new one is
 * created by the first article read (index_file()). Only a new or empty
 * folder, or an index and nothing else: any other folder is the user's,
 * and nothing in it is touched (khabar/index.h). Returns 0, or -1 after the message.
 */
static int open_at_start(run_t *run, const kh_indexer_args_t *args)
{
    kh_error_t err;
    kh_index_layout_t layout;
    kh_status_t st = kh_index_layout_of(run->index, &layout, &err);
    run->creating = layout == KH_INDEX_MISSING || layout == KH_INDEX_EMPTY;
    if (!st && run->creating && (args->delete_mode || args->compact_only))
        st = kh_error_set(&err, KH_ERR_DB_NOT_FOUND, "%s: no index at this path (nothing to %s)",
                          run->index, args->delete_mode ? "delete" : "compact");
    if (!st && !run->creating)
        st = open_index(run, &err);
    if (st) {
        report_open_failure(run, st, &err);
        return -1;
    }
    return 0;
}

static void progress_start(progress_t *p, int quiet, const inputs_t *inputs)
{
    p->live = !quiet && isatty(STDERR_FILENO);
    p->files_total = inputs->n;
    p->bytes_total = inputs->stdin_given ? 0 : inputs->bytes;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

/* --delete: removes the articles of ids; returns the exit status so far. */
static int delete_articles(run_t *run, char **ids, int n)
{
    kh_error_t err;
    char id_shown[8192];
    int rc = EXIT_ALL_IN;
    for (int i = 0; i < n && rc != EXIT_FATAL; i++) {
        int found;
        if (kh_pipeline_delete(run->pipeline, ids[i], &found, &err)) {
            fprintf(stderr, "indexer: deleting '%s': %s\n", shown(ids[i], id_shown), err.message);
            rc = EXIT_FATAL;
        } else if (!found) {
            fprintf(stderr, "indexer: '%s' is not in the index\n", shown(ids[i], id_shown));
            run->missing++;
            rc = EXIT_SKIPPED;
        }
    }
    return rc;
}

/* Indexes the inputs in order; returns the exit status so far. */
static int index_inputs(run_t *run, const inputs_t *inputs)
{
    int rc = inputs->bad ? EXIT_SKIPPED : EXIT_ALL_IN;
    for (size_t i = 0; i < inputs->n && rc != EXIT_FATAL; i++) {
        run->progress.files = i + 1;
        if (index_file(run, inputs->paths[i]) == EXIT_FATAL)
            rc = EXIT_FATAL;
        else if (run->skipped_any) {
            rc = EXIT_SKIPPED;
            if (run->strict)
                break;
        }
    }
    if (run->strict && run->skipped_any && rc != EXIT_FATAL) {
        /* Exit status 1 as for any bad input: the index is whole, holding what came before it. */
        progress_clear(&run->progress);
        fputs("indexer: stopped at the first bad article (--strict): the articles before it "
              "are in, none after it was read\n",
              stderr);
    }
    return rc;
}

/*
 * Closes the pipeline: commits unless the run failed (after a fatal error
 * the open batches are dropped: nothing half-written is committed), waiting
 * for the articles still on their way, and compacts as the policy says.
 * Returns the exit status; *uncommitted set when the last batch was not.
 */
static int close_pipeline(run_t *run, int rc, kh_writer_stats_t *stats,
                          kh_pipeline_compaction_t *compaction, int *uncommitted)
{
    kh_error_t err;
    progress_t *p = &run->progress;
    int was_fatal = rc == EXIT_FATAL;
    if (!run->pipeline && !was_fatal)
        fprintf(stderr, "indexer: %s: %s was not created\n",
                p->skipped ? "no article could be indexed" : "no article was read", run->index);
    *uncommitted = was_fatal;
    if (kh_pipeline_close(run->pipeline, !was_fatal, stats, compaction, &err)) {
        progress_clear(p);
        if (!was_fatal) /* a failure already reported was the reason to stop */
            fprintf(stderr, "indexer: %s\n", err.message);
        rc = EXIT_FATAL;
        *uncommitted = 1;
    }
    progress_clear(p);
    return rc;
}

/*
 * The summary's words on compaction: why it compacted, or that it did not
 * and would gain by it: the passages the run removed (replaced or deleted)
 * left their blocks part-empty (pipeline.h). A new index, or --compact,
 * needs no word.
 */
static void compaction_note(char *out, size_t size, const kh_pipeline_compaction_t *compaction,
                            int compact)
{
    char before[32], after[32];
    *out = '\0';
    /* Passages given twice in the run count twice: shown as 100% at most. */
    double share = compaction->passages_before ? 100.0 * (double)compaction->passages_removed /
                                                     (double)compaction->passages_before
                                               : 0;
    unsigned removed_share = share > 100 ? 100 : (unsigned)(share + 0.5);
    if (compaction->compacted) {
        char why[96] = "";
        if (compaction->why == KH_COMPACTED_REMOVED)
            snprintf(why, sizeof why,
                     " (this run replaced or deleted %u%% of the index's passages)", removed_share);
        format_size(before, sizeof before, compaction->bytes_before);
        format_size(after, sizeof after, compaction->bytes_after);
        snprintf(out, size, "; compacted %s -> %s in %.2f s%s", before, after, compaction->seconds,
                 why);
    } else if (compact == 0 && compaction->passages_before &&
               compaction->passages_removed * 100 >=
                   compaction->passages_before * KH_PIPELINE_COMPACT_SHARE) {
        format_size(after, sizeof after, compaction->bytes_now);
        snprintf(out, size,
                 "; the index is %s, this run replaced or deleted %u%% of its passages: "
                 "--compact would shrink it",
                 after, removed_share);
    }
}

/*
 * Ends the run: the last progress, the close, the compaction's outcome and
 * the summary line. Returns the exit status.
 */
static int finish_run(run_t *run, int rc, int compact_only)
{
    progress_t *p = &run->progress;
    progress_draw(p, run->pipeline, NULL, 1);
    progress_input_done(p);
    kh_writer_stats_t stats;
    kh_pipeline_compaction_t compaction;
    int opened = run->pipeline != NULL, uncommitted;
    rc = close_pipeline(run, rc, &stats, &compaction, &uncommitted);
    /* A failed compaction is a warning only: the articles are in, and the
     * index is the uncompacted one, whole. Unless compacting was all the run
     * was asked to do: then its failure is the run's. */
    if (compaction.failed && compact_only) {
        fprintf(stderr, "indexer: compaction failed, the index is left as it was: %s\n",
                compaction.failure.message);
        rc = EXIT_FATAL;
    } else if (compaction.failed) {
        fprintf(stderr, "indexer: warning: compaction failed, the index is left as it was: %s\n",
                compaction.failure.message);
    }
    char compacted[256];
    compaction_note(compacted, sizeof compacted, &compaction, run->compact);
    fprintf(
        stderr,
        "indexer: %lu added, %lu replaced, %lu deleted, %lu skipped; %lu passages; %.2f s%s%s\n",
        stats.added, stats.replaced, stats.deleted, p->skipped + run->missing, stats.passages,
        seconds_since(&p->start), compacted,
        uncommitted && opened ? " (last batch not committed)" : "");
    return rc;
}

/*
 * One run: index the inputs, delete ids (--delete) or compact (--compact
 * alone: the compaction is done by the close, which finish_run() does).
 */
static int run_indexer(run_t *run, const kh_indexer_args_t *args)
{
    inputs_t inputs = {0};
    if (!args->delete_mode && collect_inputs(&inputs, args->words, args->n_words)) {
        fputs("indexer: out of memory\n", stderr);
        return EXIT_FATAL;
    }
    clean_leftovers(run->index);
    if (open_at_start(run, args)) {
        free_inputs(&inputs);
        return EXIT_FATAL;
    }
    progress_start(&run->progress, args->quiet, &inputs);
    int rc = args->delete_mode    ? delete_articles(run, args->words, args->n_words)
             : args->compact_only ? EXIT_ALL_IN
                                  : index_inputs(run, &inputs);
    rc = finish_run(run, rc, args->compact_only);
    free_inputs(&inputs);
    return rc;
}

int main(int argc, char **argv)
{
    kh_indexer_args_t args;
    switch (kh_indexer_args_parse(argc, argv, &args, stderr)) {
    case KH_INDEXER_RUN:
        break;
    case KH_INDEXER_HELP:
        usage(stdout);
        return EXIT_ALL_IN;
    case KH_INDEXER_VERSION:
        printf("indexer (khabar) %s\nwrites index schema %s, analyzer %s\n", KH_VERSION,
               KH_SCHEMA_VERSION, kh_analyzer_version());
        return EXIT_ALL_IN;
    case KH_INDEXER_BAD_USAGE:
        usage(stderr);
        return EXIT_FATAL;
    case KH_INDEXER_BAD:
        return EXIT_FATAL;
    }
    run_t run = {.format = args.format, .strict = args.strict, .compact = args.compact};
    run.opts = args.pipeline;
    run.wait_seconds = args.wait_seconds;
    if (resolve_index(&run, args.index))
        return EXIT_FATAL;
    return run_indexer(&run, &args);
}
