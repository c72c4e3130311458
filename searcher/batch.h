/*
 * batch.h - the tasks of a batch run on several threads, their outputs handed
 * back in the order the tasks were given.
 *
 * Threads:
 *   the caller   hands tasks over (kh_batch_submit()), in input order;
 *   J workers    each runs tasks with its own context (a searcher: a Xapian
 *                database is not thread-safe, so each thread opens its own),
 *                writing what the task prints into memory;
 *   the caller   again: kh_batch_submit() and kh_batch_finish() pass each
 *                finished task's output to the emit callback, strictly in
 *                input order, whichever worker finished first.
 *
 * A ring of slots is both the work queue and the reorder window: a task
 * holds its slot from submission until its output is emitted, so at most
 * `window` tasks and outputs are in memory, however long the input.
 * kh_batch_submit() waits (emitting what it can) while the ring is full.
 *
 * Nothing here prints: the run callback writes to the streams it is given,
 * and the emit callback decides where the bytes go.
 */
#ifndef KHABAR_BATCH_H
#define KHABAR_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "khabar/status.h"

/* A line of a batch file, split (kh_batch_split_line()). */
typedef struct kh_batch_line {
    const char *qid; /* NULL: the line has no tab (the caller numbers it) */
    size_t qid_len;
    const char *query;
    size_t query_len;
    int blank; /* the query is only whitespace: nothing to run */
} kh_batch_line_t;

/*
 * Splits line[0..len) (a line of --batch input, without its newline):
 * "QID<TAB>QUERY", or "QUERY" alone. The query is all that follows the
 * first tab. Pointers are into line. Returns KH_OK; KH_ERR_FORMAT with the
 * message "empty query id before the tab" when the qid is empty or only
 * whitespace (a run file could not name the query: TREC and TSV columns
 * would shift) and the query is not blank.
 */
kh_status_t kh_batch_split_line(const char *line, size_t len, kh_batch_line_t *out,
                                kh_error_t *err);

/* The most worker threads accepted. */
#define KH_BATCH_MAX_JOBS 64

/*
 * Runs one task on a worker thread. worker is that thread's context
 * (workers[i] of kh_batch_new()), task what was submitted. out and err are
 * memory streams: what the task would print on stdout and stderr. Returns a
 * value of the caller's choosing, handed to emit with the output.
 */
typedef int (*kh_batch_run_fn)(void *worker, void *task, FILE *out, FILE *err);

/*
 * Takes a finished task's output, on the thread that calls kh_batch_submit()
 * or kh_batch_finish(), in submission order. status is KH_OK, or
 * KH_ERR_NOMEM when the task's output could not be kept (then result is 0
 * and out, err are empty). The bytes are borrowed for the call.
 */
typedef void (*kh_batch_emit_fn)(void *ctx, kh_status_t status, int result, const char *out,
                                 size_t out_len, const char *err, size_t err_len);

typedef struct kh_batch kh_batch_t;

/*
 * Starts jobs worker threads (1..KH_BATCH_MAX_JOBS); worker i runs with
 * workers[i], which must outlive the batch. window is the most tasks in
 * flight (0: 4 per worker; fewer than jobs leaves threads idle). On success *out belongs to the
 * caller (kh_batch_finish()).
 * Returns KH_OK; KH_ERR_ARG for a bad count; KH_ERR_NOMEM when memory or a
 * thread is lacking (no thread is left running). On failure *out is NULL.
 */
kh_status_t kh_batch_new(unsigned jobs, size_t window, void *const *workers, kh_batch_run_fn run,
                         kh_batch_emit_fn emit, void *emit_ctx, kh_batch_t **out, kh_error_t *err);

/*
 * Hands task over; the batch takes it and frees it with free() once it has
 * run, so a task is one malloc'd block. Waits while `window` tasks are in
 * flight, emitting the outputs that are ready in order meanwhile.
 */
void kh_batch_submit(kh_batch_t *b, void *task);

/*
 * Waits for every task submitted, emits the rest of the outputs in order,
 * stops the workers and frees b. Accepts NULL.
 */
void kh_batch_finish(kh_batch_t *b);

#endif
