/*
 * Unit tests for the writer and the document builder, through writer.h and
 * document.h: replace, delete, batch commits, an id given twice in one run,
 * documents built with no database. Each row is a script
 * of operations on a fresh index and what the index then holds: the
 * passages of each article (its XA term's frequency) and the counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "test_fs.h"
#include "test_index.h"

#include "compact.h"
#include "khabar/schema.h"
#include "khabar/xdb.h"
#include "writer.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/* A fresh path for an index: KH_TEST_TMPDIR/writer_test.d/NAME (nothing there). */
static const char *fresh_path(const char *name)
{
    return test_fs_fresh_path(KH_TEST_TMPDIR, "writer_test", name);
}

/*
 * One step of a script: "+JSON" adds an article, "-ID" deletes one
 * (expecting found = 1, or 0 with "-?ID"), "c" commits, "r" ends the run
 * (commit, close) and starts another (the counters are the last run's),
 * "=ID N" checks that a reader sees N passages of article ID now.
 */
typedef struct script {
    const char *name;
    unsigned batch;       /* articles per commit */
    const char *steps[8]; /* NULL-terminated */
    int commit_at_close;
    /* After closing: passages per article, "ID N" (NULL-terminated), and the counters. */
    const char *passages[4];
    unsigned long added, replaced, deleted, duplicates;
} script_t;

#define A1 "{\"id\": \"a1\", \"title\": \"Harbour news\", \"text\": \"one\\ntwo\\nthree\"}"
#define A1_SHORT "{\"id\": \"a1\", \"title\": \"Harbour news\", \"text\": \"only\"}"
#define A2 "{\"id\": \"a2\", \"title\": \"أخبار الميناء\", \"text\": \"الأول\\nالثاني\"}"
#define A3 "{\"id\": \"a3\", \"title\": \"Third\", \"text\": \"x\"}"

/* clang-format off: one script a line */
static const script_t scripts[] = {
    /* A title passage and one per paragraph. */
    {"add", 0, {"+" A1, "+" A2, NULL}, 1, {"a1 4", "a2 3", NULL}, 2, 0, 0, 0},
    /* The same id in a later run replaces every passage: none of the old ones is left. */
    {"replace", 0, {"+" A1, "r", "=a1 4", "+" A1_SHORT, NULL}, 1, {"a1 2", NULL}, 0, 1, 0, 0},
    {"replace longer",
     0,
     {"+" A1_SHORT, "r", "+" A1, "+" A2, NULL},
     1,
     {"a1 4", "a2 3", NULL},
     1,
     1,
     0,
     0},
    /* Twice in one run: the last one wins (the pipeline counts the duplicate: pipeline_test). */
    {"id given twice", 0, {"+" A1, "+" A1_SHORT, NULL}, 1, {"a1 2", NULL}, 1, 1, 0, 0},
    /* Deleted: no passage left; the other article untouched; deleting again finds nothing. */
    {"delete",
     0,
     {"+" A1, "+" A2, "r", "-a1", "-?a1", NULL},
     1,
     {"a1 0", "a2 3", NULL},
     0,
     0,
     1,
     0},
    /* The id of a deleted article is free again: added anew. */
    {"delete then add",
     0,
     {"+" A1, "r", "-a1", "r", "+" A1_SHORT, NULL},
     1,
     {"a1 2", NULL},
     1,
     0,
     0,
     0},
    /* Batches of 2: the first two are committed when the batch is full, the third waits. */
    {"batch commit",
     2,
     {"+" A1, "+" A2, "=a2 3", "+" A3, "=a3 0", NULL},
     1,
     {"a1 4", "a2 3", "a3 2", NULL},
     3,
     0,
     0,
     0},
    /* Closed without commit: the open batch is discarded, the committed one stays. */
    {"close discards",
     2,
     {"+" A1, "+" A2, "+" A3, NULL},
     0,
     {"a1 4", "a2 3", "a3 0", NULL},
     3,
     0,
     0,
     0},
};
/* clang-format on */

static void check_passages(const char *path, const char *spec, const char *script)
{
    char id[64], term[80];
    unsigned want;
    assert_int_equal(sscanf(spec, "%63s %u", id, &want), 2);
    snprintf(term, sizeof term, "%s%s", KH_PREFIX_ARTICLE, id);
    unsigned got = test_term_freq(path, term);
    if (got != want)
        fail_msg("%s: article %s has %u passages, expected %u", script, id, got, want);
}

static void scripts_leave_the_index_expected(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        const script_t *s = &scripts[i];
        char path[4096];
        snprintf(path, sizeof path, "%s", fresh_path("script"));
        kh_writer_opts_t opts = kh_writer_opts_default();
        opts.batch_articles = s->batch;
        kh_writer_t *w = NULL;
        kh_error_t err = {0};
        assert_int_equal(kh_writer_open(path, &opts, &w, &err), KH_OK);
        for (size_t k = 0; s->steps[k]; k++) {
            const char *step = s->steps[k];
            kh_status_t st = KH_OK;
            if (step[0] == '+') {
                kh_article_t *a = test_article(step + 1);
                st = test_put_article(w, a, &err);
                kh_article_free(a);
            } else if (step[0] == '-') {
                int expect = step[1] != '?', found = -1;
                st = kh_writer_delete(w, step + (expect ? 1 : 2), &found, &err);
                if (!st && found != expect)
                    fail_msg("%s: step %zu found %d", s->name, k, found);
            } else if (step[0] == 'c') {
                st = kh_writer_commit(w, &err);
            } else if (step[0] == 'r') {
                st = kh_writer_close(w, 1, &err);
                w = NULL;
                if (!st)
                    st = kh_writer_open(path, &opts, &w, &err);
            } else {
                check_passages(path, step + 1, s->name);
            }
            if (st)
                fail_msg("%s: step %zu: status %d: %s", s->name, k, (int)st, err.message);
        }
        kh_writer_stats_t stats = *kh_writer_stats(w);
        assert_int_equal(kh_writer_close(w, s->commit_at_close, &err), KH_OK);
        for (size_t k = 0; s->passages[k]; k++)
            check_passages(path, s->passages[k], s->name);
        if (stats.added != s->added || stats.replaced != s->replaced ||
            stats.deleted != s->deleted || stats.duplicates != s->duplicates)
            fail_msg("%s: added %lu replaced %lu deleted %lu duplicates %lu", s->name, stats.added,
                     stats.replaced, stats.deleted, stats.duplicates);
    }
}

/* Built by a builder with no database, put by a writer. */
static void build_then_put(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s", fresh_path("put"));
    kh_builder_t *b = NULL;
    kh_writer_t *w = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_builder_new(NULL, &b, &err), KH_OK);
    kh_article_t *a = test_article(A2);
    kh_prepared_t *p = NULL;
    assert_int_equal(kh_builder_build(b, a, &p, &err), KH_OK);
    kh_article_free(a); /* p borrows nothing from it */
    kh_builder_free(b); /* nor from b */
    assert_string_equal(kh_prepared_id(p), "a2");
    assert_int_equal(kh_prepared_passages(p), 3);
    assert_int_equal(kh_writer_open(path, NULL, &w, &err), KH_OK);
    assert_int_equal(kh_writer_put(w, p, &err), KH_OK);
    kh_prepared_free(p);
    assert_int_equal(kh_writer_close(w, 1, &err), KH_OK);
    check_passages(path, "a2 3", "build then put");
    assert_int_equal(test_term_freq(path, KH_PREFIX_PASSAGE "a2#2"), 1);
    assert_int_equal(test_term_freq(path, KH_PREFIX_PASSAGE "a2#3"), 0);
}

/*
 * An id too long for a term (the reader refuses them over 200 bytes; a
 * caller may not) is refused by the builder, the message naming the term.
 */
static void id_too_long(void **state)
{
    (void)state;
    kh_article_t *a = test_article(A3);
    free(a->id);
    assert_non_null(a->id = malloc(300));
    memset(a->id, 'x', 299);
    a->id[299] = '\0';
    kh_builder_t *b = NULL;
    kh_prepared_t *p = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_builder_new(NULL, &b, &err), KH_OK);
    assert_int_equal(kh_builder_build(b, a, &p, &err), KH_ERR_ARG);
    assert_null(p);
    assert_string_equal(err.message,
                        "term Qxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... is too long");
    kh_builder_free(b);
    kh_article_free(a);
}

/* A second writer on the same index is refused while the first holds it. */
static void second_writer_locked(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s", fresh_path("locked"));
    kh_writer_t *first = NULL, *second = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_writer_open(path, NULL, &first, &err), KH_OK);
    assert_int_equal(kh_writer_open(path, NULL, &second, &err), KH_ERR_DB_LOCKED);
    assert_null(second);
    assert_int_equal(kh_writer_close(first, 1, &err), KH_OK);
    assert_int_equal(kh_writer_open(path, NULL, &second, &err), KH_OK);
    assert_int_equal(kh_writer_close(second, 1, &err), KH_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scripts_leave_the_index_expected),
        cmocka_unit_test(build_then_put),
        cmocka_unit_test(id_too_long),
        cmocka_unit_test(second_writer_locked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
