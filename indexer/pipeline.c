#define _DEFAULT_SOURCE /* mkdir modes, strdup under strict C11 */
#include "pipeline.h"

#include "compact.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "khabar/display.h"
#include "khabar/index.h"
#include "khabar/xdb.h"

/*
 * Bounds of the queues, so that memory does not grow with the input. An
 * analysed article holds its Xapian documents (terms, values and data, a few
 * tens of KB for a news article), so a shard queue costs a few MB; the
 * analysis queue holds raw articles. The writer threads are the bottleneck
 * (Xapian's inversion is most of the work), so the queues only need to be
 * deep enough that a writer never waits for analysis.
 */
#define SHARD_QUEUE_ARTICLES 64
#define ANALYSIS_QUEUE_CHUNKS(jobs) (2 * (jobs) + 2)

/*
 * The ids seen in this run, to report an id given twice ("the last one wins,
 * said once"). Open addressing over FNV-1a; grows at half load.
 */
typedef struct id_set {
    char **slots;
    size_t cap, len;
} id_set_t;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Inserts id; returns 1 if it was new, 0 if already there, -1 on no memory. */
static int id_set_insert(id_set_t *set, const char *id)
{
    if (2 * (set->len + 1) > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 1024;
        char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i])
                continue;
            size_t j = fnv1a(set->slots[i]) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t j = fnv1a(id) & (set->cap - 1);
    for (; set->slots[j]; j = (j + 1) & (set->cap - 1))
        if (strcmp(set->slots[j], id) == 0)
            return 0;
    if (!(set->slots[j] = strdup(id)))
        return -1;
    set->len++;
    return 1;
}

static void id_set_free(id_set_t *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i]);
    free(set->slots);
}

typedef struct item {
    kh_article_t *article;   /* until analysed */
    kh_prepared_t *prepared; /* after */
    char *where;             /* "FILE:LINE: article 'ID'" for messages */
} item_t;

typedef struct chunk {
    unsigned long seq;
    size_t n;
    item_t items[KH_PIPELINE_CHUNK];
    struct chunk *next;
} chunk_t;

typedef struct node {
    kh_prepared_t *prepared;
    char *where;
    struct node *next;
} node_t;

typedef struct shard {
    struct kh_pipeline *p;
    unsigned index;
    char *path; /* for messages */
    kh_writer_t *writer;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full, idle;
    node_t *head, *tail;
    size_t queued;
    int busy;                /* the writer thread is writing an article */
    int done;                /* no more articles will come */
    kh_writer_stats_t stats; /* copy of the writer's, under mu */
    /* Written by the writer thread before it ends: what the database held,
     * and the compaction. */
    uint64_t passages_before, passages_removed, bytes_now;
    int committed;
    kh_compacted_why_t why;
    int compact_tried;
    kh_status_t compact_status;
    kh_compaction_t compaction;
    kh_error_t compact_error;
} shard_t;

struct kh_pipeline {
    unsigned n_shards, n_jobs;
    kh_compact_mode_t compact;
    kh_pipeline_progress_fn progress;
    void *progress_ctx;
    shard_t *shards;
    id_set_t ids;             /* the caller's: duplicate ids, reported in input order */
    unsigned long duplicates; /* ids given twice (kh_pipeline_note_id) */
    chunk_t *filling;         /* the chunk kh_pipeline_add() is filling */
    unsigned long next_seq;

    /* Analysis queue and delivery order. */
    pthread_mutex_t mu;
    pthread_cond_t work, room, turn;
    chunk_t *head, *tail;
    size_t queued, cap;
    int input_done;
    unsigned long deliver_seq; /* the chunk whose turn it is to be delivered */
    pthread_t *analysers;
    kh_builder_t **builders; /* one per analysis thread */
    unsigned n_analysers_started;

    /* The end: analysers ended, writers drained, then told whether to
     * commit, then ended; `changed` is signalled at each step. */
    unsigned analysers_ended, drained, writers_ended;
    int decided, commit;
    pthread_cond_t changed, decision;
    /* The latest phase a shard entered, when, and how many times one
     * entered a phase (each is reported at least once). */
    kh_pipeline_phase_t phase;
    struct timespec phase_start;
    unsigned phase_changes;

    /* The first failure of any thread (sticky). */
    pthread_mutex_t fail_mu;
    int failed;
    kh_error_t failure;
};

unsigned kh_shard_of(const char *article_id, unsigned shards)
{
    /* FNV-1a, 64-bit: simple, stable across machines and versions, and spreads
     * short similar ids (snn-20150721-00001, -00002, ...) evenly: on
     * saudinewsnet, 2 shards get 15,340 and 15,336 articles, 4 get 7,662 to
     * 7,678. */
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *s = (const unsigned char *)article_id; *s; s++)
        h = (h ^ *s) * 1099511628211ULL;
    return shards > 1 ? (unsigned)(h % shards) : 0;
}

static void set_failure(kh_pipeline_t *p, const kh_error_t *e, const char *where)
{
    pthread_mutex_lock(&p->fail_mu);
    if (!p->failed) {
        p->failed = 1;
        if (where)
            kh_error_set(&p->failure, e->status, "%s: %s", where, e->message);
        else
            p->failure = *e;
    }
    pthread_mutex_unlock(&p->fail_mu);
}

static int has_failed(kh_pipeline_t *p)
{
    pthread_mutex_lock(&p->fail_mu);
    int failed = p->failed;
    pthread_mutex_unlock(&p->fail_mu);
    return failed;
}

static kh_status_t report_failure(kh_pipeline_t *p, kh_error_t *err)
{
    pthread_mutex_lock(&p->fail_mu);
    kh_status_t st = p->failed ? p->failure.status : KH_OK;
    if (st && err)
        *err = p->failure;
    pthread_mutex_unlock(&p->fail_mu);
    return st;
}

static void free_item(item_t *it)
{
    kh_article_free(it->article);
    kh_prepared_free(it->prepared);
    free(it->where);
    memset(it, 0, sizeof *it);
}

/* ---- the end of a run ---------------------------------------------------- */

/* Passages (Xapian documents) in the database at path, read from the last
 * commit; 0 when there is none. */
static uint64_t passages_in(const char *path)
{
    kh_db_t *db;
    unsigned docs = 0;
    if (kh_db_open(path, KH_DB_READ_ONLY, &db, NULL) == KH_OK) {
        if (kh_db_doc_count(db, &docs, NULL) != KH_OK)
            docs = 0;
        kh_db_close(db);
    }
    return docs;
}

/*
 * Whether to compact a database that held before passages when opened, of
 * which the run removed removed. Removed passages are what makes a
 * re-indexed database large: Xapian frees their entries but leaves the
 * blocks part-empty (figures in pipeline.h). From 25% on, a compaction
 * (about the cost of indexing a few percent of the database) adds little to
 * the run. Counting passages rather than articles weighs a long article as
 * the space it held.
 */
static kh_compacted_why_t compaction_reason(kh_compact_mode_t mode, uint64_t before,
                                            uint64_t removed)
{
    if (mode == KH_COMPACT_NEVER)
        return KH_COMPACTED_NOT;
    if (mode == KH_COMPACT_ALWAYS)
        return KH_COMPACTED_ASKED;
    if (before == 0)
        return KH_COMPACTED_NEW;
    if (removed * 100 >= before * KH_PIPELINE_COMPACT_SHARE)
        return KH_COMPACTED_REMOVED;
    return KH_COMPACTED_NOT;
}

/* Enters phase (under p->mu); the latest phase entered is the one shown. */
static void enter_phase(kh_pipeline_t *p, kh_pipeline_phase_t phase)
{
    if (phase > p->phase || !p->phase_changes) {
        p->phase = phase;
        clock_gettime(CLOCK_MONOTONIC, &p->phase_start);
    }
    p->phase_changes++;
    pthread_cond_broadcast(&p->changed);
}

/*
 * Waits, holding p->mu, until *count reaches target; calls p->progress
 * (without the lock) meanwhile: every 0.2 s, and once at least after each
 * phase entered, so that a short one is shown too.
 */
static void wait_reporting(kh_pipeline_t *p, const unsigned *count, unsigned target)
{
    unsigned reported = 0;
    while (*count < target || (p->progress && reported != p->phase_changes)) {
        if (p->progress && reported != p->phase_changes) {
            reported = p->phase_changes;
        } else if (!p->progress) {
            pthread_cond_wait(&p->changed, &p->mu);
            continue;
        } else {
            struct timespec deadline;
            clock_gettime(CLOCK_REALTIME, &deadline);
            deadline.tv_nsec += 200 * 1000 * 1000;
            if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000 * 1000 * 1000;
            }
            if (pthread_cond_timedwait(&p->changed, &p->mu, &deadline) == 0 &&
                reported != p->phase_changes)
                continue; /* a phase entered: reported next round */
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double seconds = (double)(now.tv_sec - p->phase_start.tv_sec) +
                         (double)(now.tv_nsec - p->phase_start.tv_nsec) / 1e9;
        kh_pipeline_phase_t phase = p->phase;
        pthread_mutex_unlock(&p->mu);
        p->progress(p->progress_ctx, phase, seconds);
        pthread_mutex_lock(&p->mu);
    }
}

/* ---- writer threads ----------------------------------------------------- */

/* The next prepared article of shard s, waiting for one; NULL when no more will come. The shard
 * is busy from then until write_article() is done with it. */
static node_t *next_article(shard_t *s)
{
    pthread_mutex_lock(&s->mu);
    while (!s->head && !s->done)
        pthread_cond_wait(&s->not_empty, &s->mu);
    node_t *n = s->head;
    if (n) {
        s->head = n->next;
        if (!s->head)
            s->tail = NULL;
        s->queued--;
        s->busy = 1;
        pthread_cond_signal(&s->not_full);
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* Writes n to shard s and frees it; kh_pipeline_delete() may then take the writer when the queue
 * is empty. */
static void write_article(shard_t *s, node_t *n)
{
    kh_pipeline_t *p = s->p;
    /* After a failure anywhere, nothing more is written: the open batches
     * are discarded at the end. */
    if (!has_failed(p)) {
        kh_error_t e;
        /* A database failure (a full disk: KH_ERR_IO) is not the
         * article's: its message names the database, not the article. */
        if (kh_writer_put(s->writer, n->prepared, &e))
            set_failure(p, &e, e.status == KH_ERR_IO ? NULL : n->where);
    }
    kh_prepared_free(n->prepared);
    free(n->where);
    free(n);

    pthread_mutex_lock(&s->mu);
    s->busy = 0;
    s->stats = *kh_writer_stats(s->writer);
    if (!s->head)
        pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->mu);
}

/* Counts shard s as drained and waits until the caller of kh_pipeline_close() has decided;
 * whether to commit. */
static int wait_for_decision(kh_pipeline_t *p)
{
    pthread_mutex_lock(&p->mu);
    p->drained++;
    pthread_cond_broadcast(&p->changed);
    while (!p->decided)
        pthread_cond_wait(&p->decision, &p->mu);
    int commit = p->commit;
    pthread_mutex_unlock(&p->mu);
    return commit && !has_failed(p);
}

/* Commits shard s's last batch (when commit) or discards it; whether it committed. */
static int end_batch(shard_t *s, int commit)
{
    kh_error_t e;
    /* Committed first, since a compacted copy is of the last commit. The
     * message of a failure names the database already. */
    if (commit && kh_writer_commit(s->writer, &e)) {
        set_failure(s->p, &e, NULL);
        commit = 0;
    }
    if (!commit)
        kh_writer_cancel(s->writer);
    /* What the index holds: the summary counts nothing that was not
     * committed. */
    pthread_mutex_lock(&s->mu);
    s->stats = *kh_writer_stats(s->writer);
    pthread_mutex_unlock(&s->mu);
    return commit;
}

/* After a commit: what the run removed from shard s, and so whether to compact it. */
static void count_removed(shard_t *s)
{
    /* Xapian's own count: what the run removed, whether replaced,
     * deleted, or given twice in the run, is what it held plus what was
     * written, less what it holds. */
    uint64_t after = passages_in(s->path), written = s->stats.passages;
    s->committed = 1;
    s->passages_removed =
        s->passages_before + written > after ? s->passages_before + written - after : 0;
    s->why = compaction_reason(s->p->compact, s->passages_before, s->passages_removed);
}

/* Compacts shard s when count_removed() found a reason; notes its size on disk after a commit. */
static void compact_if_due(shard_t *s)
{
    if (s->why) {
        pthread_mutex_lock(&s->p->mu);
        enter_phase(s->p, KH_PHASE_COMPACTING);
        pthread_mutex_unlock(&s->p->mu);
        s->compact_tried = 1;
        s->compact_status = kh_compact_in_place(s->path, &s->compaction, &s->compact_error);
    }
    if (s->committed)
        s->bytes_now = s->compact_tried && !s->compact_status ? s->compaction.bytes_after
                                                              : kh_compact_disk_usage(s->path);
}

/* A shard's thread: writes what the analysers deliver, then ends the run on the shard as the
 * caller decides. */
static void *writer_main(void *arg)
{
    shard_t *s = arg;
    kh_pipeline_t *p = s->p;
    for (node_t *n; (n = next_article(s)) != NULL;)
        write_article(s, n);

    /* Every shard drained: wait for the decision, then commit or discard in
     * parallel with the other shards (a final commit is mostly fsync). */
    int commit = end_batch(s, wait_for_decision(p));
    /* The writer stays open, holding the shard's write lock, until the
     * compacted copy has replaced the shard. */
    if (commit && !has_failed(p))
        count_removed(s);
    compact_if_due(s);
    kh_writer_close(s->writer, 0, NULL);
    s->writer = NULL;
    pthread_mutex_lock(&p->mu);
    p->writers_ended++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Appends a prepared article to shard s, waiting while the queue is full. */
static void shard_push(shard_t *s, node_t *n)
{
    pthread_mutex_lock(&s->mu);
    while (s->queued >= SHARD_QUEUE_ARTICLES)
        pthread_cond_wait(&s->not_full, &s->mu);
    if (s->tail)
        s->tail->next = n;
    else
        s->head = n;
    s->tail = n;
    s->queued++;
    pthread_cond_signal(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
}

/* ---- analysis threads --------------------------------------------------- */

typedef struct analyser_arg {
    kh_pipeline_t *p;
    kh_builder_t *b;
} analyser_arg_t;

static void deliver(kh_pipeline_t *p, chunk_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        item_t *it = &c->items[i];
        if (!it->prepared || has_failed(p)) {
            free_item(it);
            continue;
        }
        node_t *n = malloc(sizeof *n);
        if (!n) {
            kh_error_t e;
            kh_error_set(&e, KH_ERR_NOMEM, NULL);
            set_failure(p, &e, it->where);
            free_item(it);
            continue;
        }
        unsigned shard = kh_shard_of(it->article ? it->article->id : "", p->n_shards);
        n->prepared = it->prepared;
        n->where = it->where;
        n->next = NULL;
        it->prepared = NULL;
        it->where = NULL;
        kh_article_free(it->article);
        it->article = NULL;
        shard_push(&p->shards[shard], n);
    }
}

static void *analyser_main(void *arg)
{
    kh_pipeline_t *p = ((analyser_arg_t *)arg)->p;
    kh_builder_t *b = ((analyser_arg_t *)arg)->b;
    free(arg);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->input_done)
            pthread_cond_wait(&p->work, &p->mu);
        chunk_t *c = p->head;
        if (!c) {
            p->analysers_ended++;
            pthread_cond_broadcast(&p->changed);
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        p->head = c->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        pthread_cond_signal(&p->room);
        pthread_mutex_unlock(&p->mu);

        for (size_t i = 0; i < c->n && !has_failed(p); i++) {
            kh_error_t e;
            if (kh_builder_build(b, c->items[i].article, &c->items[i].prepared, &e))
                set_failure(p, &e, c->items[i].where);
        }

        /* Deliver in input order, so each shard sees its articles in the same
         * order whatever the number of analysers. */
        pthread_mutex_lock(&p->mu);
        while (p->deliver_seq != c->seq)
            pthread_cond_wait(&p->turn, &p->mu);
        pthread_mutex_unlock(&p->mu);
        deliver(p, c);
        free(c);
        pthread_mutex_lock(&p->mu);
        p->deliver_seq++;
        pthread_cond_broadcast(&p->turn);
        pthread_mutex_unlock(&p->mu);
    }
}

/* ---- open, add, delete, close ------------------------------------------- */

static void stop_threads(kh_pipeline_t *p, int commit);

/*
 * How many shards a run on path writes (*n) and how many the index there has already (*have, 0
 * when none): the index's own, else opts' (1 when 0). Only a new or empty folder, or an index and
 * nothing else (index.h).
 */
static kh_status_t shards_of_run(const char *path, unsigned want, unsigned *n, unsigned *have,
                                 kh_error_t *err)
{
    kh_index_layout_t layout;
    kh_status_t st = kh_index_layout_of(path, &layout, err);
    if (st)
        return st;
    if ((st = kh_index_shard_count(path, have, err)) != KH_OK)
        return st;
    if (layout == KH_INDEX_SHARDS && !*have && want <= 1)
        return kh_error_set(err, KH_ERR_ARG,
                            "%s: shard folders without their %s stub (a run creating a sharded "
                            "index was cut short): run it again with its --shards",
                            path, KH_INDEX_STUB_NAME);
    if (want > KH_PIPELINE_MAX_SHARDS)
        return kh_error_set(err, KH_ERR_ARG, "at most %d shards", KH_PIPELINE_MAX_SHARDS);
    if (*have && want && want != *have)
        return kh_error_set(err, KH_ERR_ARG,
                            "%s holds %u shard%s, not %u: to reshard, re-index into a new folder",
                            path, *have, *have == 1 ? " (one database)" : "s", want);
    *n = *have ? *have : want ? want : 1;
    return KH_OK;
}

/* Analysis threads: jobs, or one per processor online when 0; at most KH_PIPELINE_MAX_JOBS. */
static unsigned analysis_threads(unsigned jobs)
{
    if (jobs == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cpus > 0 ? (unsigned)cpus : 1;
    }
    return jobs > KH_PIPELINE_MAX_JOBS ? KH_PIPELINE_MAX_JOBS : jobs;
}

/* Ends a pipeline whose opening failed: nothing was under way, so nothing is reported. */
static void abandon(kh_pipeline_t *p)
{
    p->progress = NULL;
    stop_threads(p, 0);
    kh_pipeline_close(p, 0, NULL, NULL, NULL);
}

/* A pipeline of n shards and jobs analysis threads, its locks and queues ready; nothing opened,
 * nothing started. NULL when out of memory. */
static kh_pipeline_t *pipeline_new(unsigned n, unsigned jobs, const kh_pipeline_opts_t *opts)
{
    kh_pipeline_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n_shards = n;
    p->n_jobs = jobs;
    p->compact = opts->compact;
    p->progress = opts->progress;
    p->progress_ctx = opts->progress_ctx;
    p->cap = ANALYSIS_QUEUE_CHUNKS(jobs);
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->fail_mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->room, NULL);
    pthread_cond_init(&p->turn, NULL);
    pthread_cond_init(&p->changed, NULL);
    pthread_cond_init(&p->decision, NULL);
    p->shards = calloc(n, sizeof *p->shards);
    p->analysers = calloc(jobs, sizeof *p->analysers);
    p->builders = calloc(jobs, sizeof *p->builders);
    if (!p->shards || !p->analysers || !p->builders) {
        abandon(p);
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        shard_t *s = &p->shards[i];
        s->p = p;
        s->index = i;
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->not_empty, NULL);
        pthread_cond_init(&s->not_full, NULL);
        pthread_cond_init(&s->idle, NULL);
    }
    return p;
}

/* Opens a writer on each shard of p, at path itself when there is one (not sharded), and notes
 * what each holds before the run. */
static kh_status_t open_shards(kh_pipeline_t *p, const char *path, int sharded,
                               const kh_writer_opts_t *writer, kh_error_t *err)
{
    /* --batch-size is shared among the shards: each commits every batch/N
     * articles, so memory and what a crash can lose stay those of one
     * database, whatever N. Xapian holds the open batch in memory: peak RSS
     * on saudinewsnet, one database, was 72 MB with 250 articles a batch,
     * 93 MB with 2000, 101 MB with 8000, 132 MB with all 30,676 in one; 2
     * shards with 2000 each (before sharing) took 188 MB on 10% of it. */
    kh_writer_opts_t shard_opts = *writer;
    unsigned n = p->n_shards;
    unsigned batch =
        shard_opts.batch_articles ? shard_opts.batch_articles : KH_WRITER_BATCH_DEFAULT;
    shard_opts.batch_articles = (batch + n - 1) / n;
    kh_status_t st = KH_OK;
    for (unsigned i = 0; !st && i < n; i++) {
        char *shard_path = sharded ? kh_index_shard_path(path, i) : strdup(path);
        if (!shard_path)
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
        else
            st = kh_writer_open(shard_path, &shard_opts, &p->shards[i].writer, err);
        p->shards[i].path = shard_path;
        /* What it holds before the run: the policy of KH_COMPACT_AUTO. */
        if (!st)
            p->shards[i].passages_before = passages_in(shard_path);
    }
    return st;
}

/* Starts a writer thread per shard, then the analysis threads, each with a builder of its own. */
static kh_status_t start_threads(kh_pipeline_t *p, const kh_passage_opts_t *passage,
                                 kh_error_t *err)
{
    kh_status_t st = KH_OK;
    for (unsigned i = 0; !st && i < p->n_jobs; i++)
        st = kh_builder_new(passage, &p->builders[i], err);
    for (unsigned i = 0; !st && i < p->n_shards; i++) {
        if (pthread_create(&p->shards[i].thread, NULL, writer_main, &p->shards[i]) != 0)
            st = kh_error_set(err, KH_ERR_NOMEM, "cannot start a writer thread");
        else
            p->shards[i].started = 1;
    }
    for (unsigned i = 0; !st && i < p->n_jobs; i++) {
        analyser_arg_t *a = malloc(sizeof *a);
        if (a) {
            a->p = p;
            a->b = p->builders[i];
        }
        if (!a || pthread_create(&p->analysers[i], NULL, analyser_main, a) != 0) {
            free(a);
            st = kh_error_set(err, KH_ERR_NOMEM, "cannot start an analysis thread");
        } else {
            p->n_analysers_started++;
        }
    }
    return st;
}

kh_status_t kh_pipeline_open(const char *path, const kh_pipeline_opts_t *opts, kh_pipeline_t **out,
                             kh_error_t *err)
{
    *out = NULL;
    unsigned n = 1, have = 0;
    kh_status_t st = shards_of_run(path, opts->shards, &n, &have, err);
    if (st)
        return st;
    /* A plain database at path when there is one shard; else shard folders. */
    int sharded = n > 1;
    if (sharded && mkdir(path, 0777) != 0 && errno != EEXIST)
        return kh_error_set(err, KH_ERR_DB_OPEN, "%s: %s", path, kh_errno_message(errno));

    kh_pipeline_t *p = pipeline_new(n, analysis_threads(opts->jobs), opts);
    if (!p)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    st = open_shards(p, path, sharded, &opts->writer, err);
    /* The stub last: a searcher never sees it list a shard that is not there. */
    if (!st && sharded && !have)
        st = kh_index_write_stub(path, n, err);
    if (!st)
        st = start_threads(p, &opts->writer.passage, err);
    if (st) {
        abandon(p);
        return st;
    }
    *out = p;
    return KH_OK;
}

unsigned kh_pipeline_shards(const kh_pipeline_t *p)
{
    return p->n_shards;
}

/* Hands the chunk being filled to the analysers, waiting while they are behind. */
static void push_chunk(kh_pipeline_t *p)
{
    chunk_t *c = p->filling;
    if (!c)
        return;
    p->filling = NULL;
    pthread_mutex_lock(&p->mu);
    while (p->queued >= p->cap)
        pthread_cond_wait(&p->room, &p->mu);
    if (p->tail)
        p->tail->next = c;
    else
        p->head = c;
    p->tail = c;
    p->queued++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

kh_status_t kh_pipeline_note_id(kh_pipeline_t *p, const char *article_id, int *duplicate,
                                kh_error_t *err)
{
    int fresh = id_set_insert(&p->ids, article_id);
    if (fresh < 0)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    if (fresh == 0)
        p->duplicates++;
    if (duplicate)
        *duplicate = fresh == 0;
    return KH_OK;
}

kh_status_t kh_pipeline_add(kh_pipeline_t *p, kh_article_t *a, kh_error_t *err)
{
    kh_status_t st = report_failure(p, err);
    if (!st && !p->filling) {
        if (!(p->filling = calloc(1, sizeof *p->filling)))
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
        else
            p->filling->seq = p->next_seq++;
    }
    char *where = NULL;
    if (!st) {
        /* Quoted in messages: made safe for a terminal (a file name, an id's bidi override). */
        int len = snprintf(NULL, 0, "%s:%u: article '%s'", a->file, a->line, a->id);
        char *raw = malloc((size_t)len + 1);
        if (raw) {
            snprintf(raw, (size_t)len + 1, "%s:%u: article '%s'", a->file, a->line, a->id);
            size_t need = kh_display_clean(raw, (size_t)len, NULL, 0);
            if ((where = malloc(need + 1)))
                kh_display_clean(raw, (size_t)len, where, need + 1);
            free(raw);
        }
        if (!where)
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    if (st) {
        kh_article_free(a);
        return st;
    }
    item_t *it = &p->filling->items[p->filling->n++];
    it->article = a;
    it->where = where;
    if (p->filling->n == KH_PIPELINE_CHUNK)
        push_chunk(p);
    return KH_OK;
}

kh_status_t kh_pipeline_delete(kh_pipeline_t *p, const char *article_id, int *found,
                               kh_error_t *err)
{
    shard_t *s = &p->shards[kh_shard_of(article_id, p->n_shards)];
    /* The shard's thread is idle (nothing was added): the writer is ours for
     * the call; its mutex orders our changes before its later use. */
    pthread_mutex_lock(&s->mu);
    while (s->head || s->busy)
        pthread_cond_wait(&s->idle, &s->mu);
    kh_status_t st = kh_writer_delete(s->writer, article_id, found, err);
    s->stats = *kh_writer_stats(s->writer);
    pthread_mutex_unlock(&s->mu);
    return st;
}

void kh_pipeline_stats(kh_pipeline_t *p, kh_writer_stats_t *out)
{
    memset(out, 0, sizeof *out);
    out->duplicates = p->duplicates;
    for (unsigned i = 0; i < p->n_shards; i++) {
        shard_t *s = &p->shards[i];
        pthread_mutex_lock(&s->mu);
        out->added += s->stats.added;
        out->replaced += s->stats.replaced;
        out->deleted += s->stats.deleted;
        out->passages += s->stats.passages;
        pthread_mutex_unlock(&s->mu);
    }
}

/* Drains every queue, then lets the writers commit (or discard) and joins them. */
static void stop_threads(kh_pipeline_t *p, int commit)
{
    if (!p->shards)
        return;
    push_chunk(p);
    pthread_mutex_lock(&p->mu);
    p->input_done = 1;
    enter_phase(p, KH_PHASE_WRITING);
    pthread_cond_broadcast(&p->work);
    wait_reporting(p, &p->analysers_ended, p->n_analysers_started);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n_analysers_started; i++)
        pthread_join(p->analysers[i], NULL);
    p->n_analysers_started = 0;

    unsigned started = 0;
    for (unsigned i = 0; i < p->n_shards; i++) {
        shard_t *s = &p->shards[i];
        pthread_mutex_lock(&s->mu);
        s->done = 1;
        pthread_cond_signal(&s->not_empty);
        pthread_mutex_unlock(&s->mu);
        started += s->started;
    }
    pthread_mutex_lock(&p->mu);
    wait_reporting(p, &p->drained, started);
    p->decided = 1;
    p->commit = commit;
    if (commit)
        enter_phase(p, KH_PHASE_COMMITTING);
    pthread_cond_broadcast(&p->decision);
    wait_reporting(p, &p->writers_ended, started);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n_shards; i++) {
        shard_t *s = &p->shards[i];
        if (s->started)
            pthread_join(s->thread, NULL);
        s->started = 0;
        /* A shard whose thread never started still has its writer. */
        if (s->writer) {
            kh_writer_close(s->writer, 0, NULL);
            s->writer = NULL;
        }
    }
}

kh_status_t kh_pipeline_close(kh_pipeline_t *p, int commit, kh_writer_stats_t *stats,
                              kh_pipeline_compaction_t *compaction, kh_error_t *err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (compaction)
        memset(compaction, 0, sizeof *compaction);
    if (!p)
        return KH_OK;
    stop_threads(p, commit);
    kh_status_t st = report_failure(p, err);
    if (stats && p->shards)
        kh_pipeline_stats(p, stats);
    for (unsigned i = 0; p->shards && i < p->n_shards; i++) {
        shard_t *s = &p->shards[i];
        if (compaction && s->committed) {
            compaction->passages_before += s->passages_before;
            compaction->passages_removed += s->passages_removed;
            compaction->bytes_now += s->bytes_now;
            if (s->why && (!compaction->why || s->why < compaction->why))
                compaction->why = s->why;
        }
        if (compaction && s->compact_tried && s->compact_status) {
            if (!compaction->failed++)
                compaction->failure = s->compact_error; /* names the database */
        } else if (compaction && s->compact_tried) {
            compaction->compacted++;
            compaction->bytes_before += s->compaction.bytes_before;
            compaction->bytes_after += s->compaction.bytes_after;
            if (s->compaction.seconds > compaction->seconds)
                compaction->seconds = s->compaction.seconds;
        }
        free(s->path);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->not_empty);
        pthread_cond_destroy(&s->not_full);
        pthread_cond_destroy(&s->idle);
    }
    for (unsigned i = 0; p->builders && i < p->n_jobs; i++)
        kh_builder_free(p->builders[i]);
    id_set_free(&p->ids);
    free(p->builders);
    free(p->analysers);
    free(p->shards);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->fail_mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->turn);
    pthread_cond_destroy(&p->changed);
    pthread_cond_destroy(&p->decision);
    free(p);
    return st;
}
