/* Unit tests for the batch threads: outputs in input order, bounded memory, every task run once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <pthread.h>

#include "batch.h"

typedef struct task {
    unsigned number;
    unsigned sleep_us; /* so that later tasks overtake earlier ones */
    int to_stderr;     /* the task also writes a message */
} task_t;

typedef struct watch {
    pthread_mutex_t mu;
    unsigned running, most_running; /* tasks running at once */
    void *contexts[KH_BATCH_MAX_JOBS];
    unsigned jobs;
    int stranger; /* a task ran with a context that is no worker's */
    /* The emit side, on the test's thread. */
    unsigned submitted, emitted;
} watch_t;

static watch_t watch = {.mu = PTHREAD_MUTEX_INITIALIZER};

static int run(void *worker, void *task, FILE *out, FILE *err)
{
    const task_t *t = task;
    int known = 0;
    for (unsigned i = 0; i < watch.jobs; i++)
        known |= worker == watch.contexts[i];
    pthread_mutex_lock(&watch.mu);
    watch.stranger |= !known; /* asserted on the test's thread: cmocka's are not thread-safe */
    if (++watch.running > watch.most_running)
        watch.most_running = watch.running;
    pthread_mutex_unlock(&watch.mu);
    struct timespec pause = {0, (long)t->sleep_us * 1000};
    nanosleep(&pause, NULL);
    fprintf(out, "result of %u\n", t->number);
    if (t->to_stderr)
        fprintf(err, "message of %u\n", t->number);
    pthread_mutex_lock(&watch.mu);
    watch.running--;
    pthread_mutex_unlock(&watch.mu);
    return (int)t->number;
}

static void emit(void *ctx, kh_status_t status, int result, const char *out, size_t out_len,
                 const char *err, size_t err_len)
{
    (void)ctx;
    char want[64];
    unsigned number = watch.emitted++;
    assert_int_equal(status, KH_OK);
    assert_int_equal(result, number);
    snprintf(want, sizeof want, "result of %u\n", number);
    assert_int_equal(out_len, strlen(want));
    assert_memory_equal(out, want, out_len);
    snprintf(want, sizeof want, "message of %u\n", number);
    if (number % 3 == 0) {
        assert_int_equal(err_len, strlen(want));
        assert_memory_equal(err, want, err_len);
    } else {
        assert_int_equal(err_len, 0);
    }
}

static const struct {
    unsigned jobs;
    size_t window; /* 0: the default */
    unsigned tasks;
} cases[] = {
    {1, 0, 20}, {2, 0, 100}, {4, 0, 200}, {4, 4, 200}, {8, 1, 50}, {3, 0, 0},
};

static void outputs_come_in_input_order(void **state)
{
    (void)state;
    int contexts[KH_BATCH_MAX_JOBS];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        watch.jobs = cases[c].jobs;
        watch.submitted = watch.emitted = 0;
        watch.most_running = 0;
        for (unsigned i = 0; i < cases[c].jobs; i++)
            watch.contexts[i] = &contexts[i];
        size_t window = cases[c].window ? cases[c].window : 4 * cases[c].jobs;
        kh_batch_t *b;
        assert_int_equal(
            kh_batch_new(cases[c].jobs, cases[c].window, watch.contexts, run, emit, NULL, &b, NULL),
            KH_OK);
        for (unsigned i = 0; i < cases[c].tasks; i++) {
            task_t *t = malloc(sizeof *t);
            assert_non_null(t);
            /* Every fourth task is slow: those after it finish first. */
            *t = (task_t){i, i % 4 == 0 ? 3000 : 100, i % 3 == 0};
            kh_batch_submit(b, t);
            watch.submitted++;
            assert_true(watch.submitted - watch.emitted <= window);
        }
        kh_batch_finish(b);
        assert_int_equal(watch.emitted, cases[c].tasks);
        assert_false(watch.stranger);
        assert_true(watch.most_running <= cases[c].jobs);
        /* Sleeping tasks on several threads overlap: the threads do run in parallel. */
        if (cases[c].jobs > 1 && cases[c].tasks >= 50 && window > 1)
            assert_true(watch.most_running > 1);
    }
}

static void bad_counts_are_refused(void **state)
{
    (void)state;
    void *contexts[1] = {NULL};
    kh_batch_t *b = (kh_batch_t *)&b;
    kh_error_t err;
    assert_int_equal(kh_batch_new(0, 0, contexts, run, emit, NULL, &b, &err), KH_ERR_ARG);
    assert_null(b);
    assert_int_equal(kh_batch_new(KH_BATCH_MAX_JOBS + 1, 0, contexts, run, emit, NULL, &b, &err),
                     KH_ERR_ARG);
    kh_batch_finish(NULL);
}

static void splits_lines(void **state)
{
    (void)state;
    /* qid NULL: no tab; error: the status expected. */
    static const struct {
        const char *line, *qid, *query;
        int blank;
        kh_status_t status;
    } rows[] = {
        {"q1\tأسعار النفط", "q1", "أسعار النفط", 0, KH_OK},
        {"oil prices", NULL, "oil prices", 0, KH_OK},
        {"q 1\toil", "q 1", "oil", 0, KH_OK}, /* a spaced qid is kept (output encodes it) */
        {"q1\toil\tprices", "q1", "oil\tprices", 0, KH_OK},
        {"", NULL, "", 1, KH_OK},
        {" \t \r", " ", " \r", 1, KH_OK},
        {"q1\t", "q1", "", 1, KH_OK},
        /* A query without a name. */
        {"\toil", NULL, NULL, 0, KH_ERR_FORMAT},
        {"  \toil", NULL, NULL, 0, KH_ERR_FORMAT},
        {"\r\tالنفط", NULL, NULL, 0, KH_ERR_FORMAT},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_batch_line_t line;
        kh_error_t err;
        kh_status_t st = kh_batch_split_line(rows[i].line, strlen(rows[i].line), &line, &err);
        assert_int_equal(st, rows[i].status);
        if (st) {
            assert_string_equal(err.message, "empty query id before the tab");
            continue;
        }
        if (rows[i].qid) {
            assert_non_null(line.qid);
            assert_int_equal(line.qid_len, strlen(rows[i].qid));
            assert_memory_equal(line.qid, rows[i].qid, line.qid_len);
        } else {
            assert_null(line.qid);
        }
        assert_int_equal(line.query_len, strlen(rows[i].query));
        assert_memory_equal(line.query, rows[i].query, line.query_len);
        assert_int_equal(line.blank, rows[i].blank);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outputs_come_in_input_order),
        cmocka_unit_test(bad_counts_are_refused),
        cmocka_unit_test(splits_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
