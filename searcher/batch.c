#include "batch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ASCII whitespace, as the query parser reads it. */
static int all_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n\f\v", s[i]) || s[i] == '\0')
            return 0;
    return 1;
}

kh_status_t kh_batch_split_line(const char *line, size_t len, kh_batch_line_t *out, kh_error_t *err)
{
    const char *tab = memchr(line, '\t', len);
    out->qid = tab ? line : NULL;
    out->qid_len = tab ? (size_t)(tab - line) : 0;
    out->query = tab ? tab + 1 : line;
    out->query_len = len - (size_t)(out->query - line);
    out->blank = all_blank(out->query, out->query_len);
    if (tab && !out->blank && all_blank(line, out->qid_len))
        return kh_error_set(err, KH_ERR_FORMAT, "empty query id before the tab");
    return KH_OK;
}

/* Tasks in flight per worker by default: enough slack that a worker which
 * finished a quick query takes the next one while a slow query holds the
 * front of the ring, and few enough that a batch with -n 1000 JSON output
 * (about 1 MB a query) stays within tens of MB. */
#define WINDOW_PER_JOB 4

typedef struct slot {
    void *task;
    int done; /* under mu: out, err, status, result are final */
    kh_status_t status;
    int result;
    char *out, *err;
    size_t out_len, err_len;
} slot_t;

typedef struct worker {
    kh_batch_t *b;
    void *ctx;
    pthread_t thread;
} worker_t;

struct kh_batch {
    kh_batch_run_fn run;
    kh_batch_emit_fn emit;
    void *emit_ctx;
    slot_t *slots; /* task number s is in slots[s % window] */
    size_t window;
    worker_t *workers;
    unsigned started;

    pthread_mutex_t mu;
    pthread_cond_t work; /* a task was queued, or no more will be */
    pthread_cond_t done; /* a task finished */
    /* Task numbers: emitted <= taken <= submitted, submitted - emitted <= window. */
    unsigned long submitted, taken, emitted;
    int closing;
};

/* Runs a slot's task into memory streams; on a worker, without mu. */
static void run_task(kh_batch_t *b, void *ctx, slot_t *slot)
{
    FILE *out = open_memstream(&slot->out, &slot->out_len);
    FILE *err = out ? open_memstream(&slot->err, &slot->err_len) : NULL;
    int lost = !err;
    if (err) {
        slot->result = b->run(ctx, slot->task, out, err);
        lost = ferror(out) || ferror(err);
    }
    /* Closing a memory stream fails only when its last flush lacks memory. */
    if (out && fclose(out) != 0)
        lost = 1;
    if (err && fclose(err) != 0)
        lost = 1;
    if (lost) {
        free(slot->out);
        free(slot->err);
        slot->out = slot->err = NULL;
        slot->out_len = slot->err_len = 0;
        slot->result = 0;
        slot->status = KH_ERR_NOMEM;
    }
    free(slot->task);
    slot->task = NULL;
}

static void *work(void *arg)
{
    worker_t *w = arg;
    kh_batch_t *b = w->b;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->taken == b->submitted && !b->closing)
            pthread_cond_wait(&b->work, &b->mu);
        if (b->taken == b->submitted)
            break;
        slot_t *slot = &b->slots[b->taken++ % b->window];
        pthread_mutex_unlock(&b->mu);
        run_task(b, w->ctx, slot);
        pthread_mutex_lock(&b->mu);
        slot->done = 1;
        pthread_cond_signal(&b->done); /* only the caller's thread waits on it */
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/*
 * Emits the finished outputs at the front of the ring, in order, and waits
 * for the front task while more than max_in_flight are in flight. Called
 * with mu held; emit runs without it, so workers go on meanwhile (the front
 * slot is the caller's alone once done).
 */
static void drain(kh_batch_t *b, unsigned long max_in_flight)
{
    while (b->emitted != b->submitted) {
        slot_t *slot = &b->slots[b->emitted % b->window];
        if (!slot->done) {
            if (b->submitted - b->emitted <= max_in_flight)
                return;
            pthread_cond_wait(&b->done, &b->mu);
            continue;
        }
        pthread_mutex_unlock(&b->mu);
        b->emit(b->emit_ctx, slot->status, slot->result, slot->out ? slot->out : "", slot->out_len,
                slot->err ? slot->err : "", slot->err_len);
        free(slot->out);
        free(slot->err);
        memset(slot, 0, sizeof *slot);
        pthread_mutex_lock(&b->mu);
        b->emitted++;
    }
}

/* Stops and joins the workers started, then frees b. */
static void stop(kh_batch_t *b)
{
    pthread_mutex_lock(&b->mu);
    b->closing = 1;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->mu);
    for (unsigned i = 0; i < b->started; i++)
        pthread_join(b->workers[i].thread, NULL);
    pthread_cond_destroy(&b->done);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->mu);
    free(b->workers);
    free(b->slots);
    free(b);
}

kh_status_t kh_batch_new(unsigned jobs, size_t window, void *const *workers, kh_batch_run_fn run,
                         kh_batch_emit_fn emit, void *emit_ctx, kh_batch_t **out, kh_error_t *err)
{
    *out = NULL;
    if (jobs < 1 || jobs > KH_BATCH_MAX_JOBS || !run || !emit)
        return kh_error_set(err, KH_ERR_ARG, "kh_batch_new: %u jobs", jobs);
    if (window == 0)
        window = (size_t)jobs * WINDOW_PER_JOB;
    kh_batch_t *b = calloc(1, sizeof *b);
    if (!b)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    b->run = run;
    b->emit = emit;
    b->emit_ctx = emit_ctx;
    b->window = window;
    b->slots = calloc(window, sizeof *b->slots);
    b->workers = calloc(jobs, sizeof *b->workers);
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done, NULL);
    if (!b->slots || !b->workers) {
        stop(b);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    for (; b->started < jobs; b->started++) {
        worker_t *w = &b->workers[b->started];
        w->b = b;
        w->ctx = workers[b->started];
        if (pthread_create(&w->thread, NULL, work, w) != 0) {
            stop(b);
            return kh_error_set(err, KH_ERR_NOMEM, "cannot start %u threads", jobs);
        }
    }
    *out = b;
    return KH_OK;
}

void kh_batch_submit(kh_batch_t *b, void *task)
{
    pthread_mutex_lock(&b->mu);
    drain(b, b->window - 1);
    b->slots[b->submitted++ % b->window].task = task;
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->mu);
}

void kh_batch_finish(kh_batch_t *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    drain(b, 0);
    pthread_mutex_unlock(&b->mu);
    stop(b);
}
