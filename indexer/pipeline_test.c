/*
 * Unit tests for the indexing pipeline, through pipeline.h: which shard an
 * article goes to (part of the index format), the same documents with the
 * same ids whatever the number of analysis threads, shards and their stub,
 * delete and re-open rules.
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
#include "pipeline.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/* A fresh path for an index: KH_TEST_TMPDIR/pipeline_test.d/NAME (nothing there). */
static const char *fresh_path(const char *name)
{
    return test_fs_fresh_path(KH_TEST_TMPDIR, "pipeline_test", name);
}

/* Article i of the input, Arabic or English: a title and 1 paragraph, 2 when i % 3. */
static kh_article_t *article(unsigned i)
{
    char json[512];
    snprintf(json, sizeof json,
             i % 2 ? "{\"id\": \"a%u\", \"title\": \"Harbour %u\", \"text\": \"ferry %u%s\"}"
                   : "{\"id\": \"a%u\", \"title\": \"الميناء %u\", \"text\": \"سفينة %u%s\"}",
             i, i, i, i % 3 ? "\\nthird paragraph" : "");
    return test_article(json);
}

/* n articles into the index at path with opts; the run's counters. */
static kh_writer_stats_t index_articles(const char *path, const kh_pipeline_opts_t *opts,
                                        unsigned n)
{
    kh_pipeline_t *p = NULL;
    kh_error_t err = {0};
    if (kh_pipeline_open(path, opts, &p, &err) != KH_OK)
        fail_msg("%s: %s", path, err.message);
    for (unsigned i = 0; i < n; i++) {
        kh_article_t *a = article(i);
        int duplicate = 0;
        assert_int_equal(kh_pipeline_note_id(p, a->id, &duplicate, &err), KH_OK);
        assert_int_equal(kh_pipeline_add(p, a, &err), KH_OK);
    }
    kh_writer_stats_t stats = {0};
    assert_int_equal(kh_pipeline_close(p, 1, &stats, NULL, &err), KH_OK);
    return stats;
}

/* Every document's data, in docid order, as one string (the caller frees it). */
static char *all_documents(const char *path)
{
    kh_db_t *db = NULL;
    kh_error_t err = {0};
    unsigned n = 0;
    assert_int_equal(kh_db_open(path, KH_DB_READ_ONLY, &db, &err), KH_OK);
    assert_int_equal(kh_db_doc_count(db, &n, &err), KH_OK);
    char *all = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&all, &len);
    assert_non_null(out);
    for (unsigned docid = 1; docid <= n; docid++) {
        kh_doc_t *doc = NULL;
        const char *data;
        size_t size;
        assert_int_equal(kh_db_get_document(db, docid, &doc, &err), KH_OK);
        assert_int_equal(kh_doc_get_data(doc, &data, &size, &err), KH_OK);
        fprintf(out, "%u:", docid);
        fwrite(data, 1, size, out);
        fputc('\n', out);
        kh_doc_free(doc);
    }
    fclose(out);
    kh_db_close(db);
    return all;
}

/* 64-bit FNV-1a of the id's bytes, mod N: values computed apart (Python). */
static void shard_of_is_fnv1a(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        unsigned shards, shard;
    } rows[] = {
        {"a", 1, 0},
        {"a", 2, 0},
        {"a", 3, 1},
        {"b", 3, 1},
        {"000_39aec0ce4e52fe5b", 3, 1},
        {"ميناء", 4, 1},
        {"a0", 7, 3},
        {"snn-20150721-00673", 256, 40},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (kh_shard_of(rows[i].id, rows[i].shards) != rows[i].shard)
            fail_msg("%s mod %u: shard %u, expected %u", rows[i].id, rows[i].shards,
                     kh_shard_of(rows[i].id, rows[i].shards), rows[i].shard);
}

/* One database: the same documents under the same docids whatever -j and the batch size. */
static void same_documents_whatever_the_threads(void **state)
{
    (void)state;
    static const struct {
        unsigned jobs, batch;
    } rows[] = {{1, 0}, {4, 0}, {2, 7}, {8, 1}};
    char *reference = NULL;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_pipeline_opts_t opts = {.shards = 1, .jobs = rows[i].jobs};
        opts.writer = kh_writer_opts_default();
        opts.writer.batch_articles = rows[i].batch;
        const char *path = fresh_path("threads");
        kh_writer_stats_t stats = index_articles(path, &opts, 100);
        assert_int_equal(stats.added, 100);
        /* A title and a paragraph each, a second paragraph in 66 of them. */
        assert_int_equal(stats.passages, 266);
        char *docs = all_documents(path);
        if (!reference)
            reference = docs;
        else if (strcmp(reference, docs) != 0)
            fail_msg("-j %u --batch-size %u: other documents or docids than -j 1", rows[i].jobs,
                     rows[i].batch);
        if (docs != reference)
            free(docs);
    }
    free(reference);
}

/* N shards: each article in shard kh_shard_of(id, N), a stub listing them, the whole searchable as
 * one. */
static void shards_and_stub(void **state)
{
    (void)state;
    static const unsigned counts[] = {2, 3};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        unsigned n = counts[c];
        kh_pipeline_opts_t opts = {.shards = n, .jobs = 2};
        opts.writer = kh_writer_opts_default();
        char path[4096];
        snprintf(path, sizeof path, "%s", fresh_path("shards"));
        index_articles(path, &opts, 30);
        char stub[4200], expected[256] = "", line[32];
        for (unsigned k = 0; k < n; k++) {
            snprintf(line, sizeof line, "auto shard-%u\n", k);
            strcat(expected, line);
        }
        snprintf(stub, sizeof stub, "%s/XAPIANDB", path);
        FILE *f = fopen(stub, "r");
        assert_non_null(f);
        char got[256] = "";
        size_t len = fread(got, 1, sizeof got - 1, f);
        got[len] = '\0';
        fclose(f);
        assert_string_equal(got, expected);
        for (unsigned i = 0; i < 30; i++) {
            char id[16], term[32], shard[4300];
            snprintf(id, sizeof id, "a%u", i);
            snprintf(term, sizeof term, "%s%s", KH_PREFIX_ARTICLE, id);
            for (unsigned k = 0; k < n; k++) {
                snprintf(shard, sizeof shard, "%s/shard-%u", path, k);
                unsigned want = k == kh_shard_of(id, n) ? (i % 3 ? 3u : 2u) : 0u;
                if (test_term_freq(shard, term) != want)
                    fail_msg("%u shards: %s has %u passages in shard %u, expected %u", n, id,
                             test_term_freq(shard, term), k, want);
            }
            assert_int_equal(test_term_freq(path, term), i % 3 ? 3 : 2);
        }
    }
}

/* A second run needs no shard count; another count, or shards over a plain index, is refused. */
static void reopen_rules(void **state)
{
    (void)state;
    char sharded[4096], plain[4096];
    snprintf(sharded, sizeof sharded, "%s", fresh_path("reopen-sharded"));
    snprintf(plain, sizeof plain, "%s", fresh_path("reopen-plain"));
    kh_pipeline_opts_t three = {.shards = 3, .jobs = 1}, one = {.shards = 1, .jobs = 1};
    three.writer = one.writer = kh_writer_opts_default();
    index_articles(sharded, &three, 10);
    index_articles(plain, &one, 10);
    static const struct {
        int on_sharded;
        unsigned shards;
        kh_status_t status;
    } rows[] = {
        {1, 0, KH_OK},                                         /* as the index is */
        {1, 3, KH_OK},                                         /* the same count */
        {1, 2, KH_ERR_ARG},                                    /* another count */
        {0, 0, KH_OK},      {0, 1, KH_OK}, {0, 2, KH_ERR_ARG}, /* shards over a plain index */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_pipeline_opts_t opts = {.shards = rows[i].shards, .jobs = 1};
        opts.writer = kh_writer_opts_default();
        kh_pipeline_t *p = NULL;
        kh_error_t err = {0};
        kh_status_t st = kh_pipeline_open(rows[i].on_sharded ? sharded : plain, &opts, &p, &err);
        if (st != rows[i].status)
            fail_msg("row %zu: status %d, expected %d (%s)", i, (int)st, (int)rows[i].status,
                     err.message);
        if (st == KH_OK)
            assert_int_equal(kh_pipeline_close(p, 1, NULL, NULL, &err), KH_OK);
        else
            assert_null(p);
    }
}

/* Delete finds the article's shard; a second delete finds nothing. */
static void delete_from_its_shard(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s", fresh_path("delete"));
    kh_pipeline_opts_t opts = {.shards = 3, .jobs = 2};
    opts.writer = kh_writer_opts_default();
    index_articles(path, &opts, 12);
    static const struct {
        const char *id;
        int found;
    } rows[] = {{"a4", 1}, {"a4", 0}, {"nope", 0}};
    kh_pipeline_t *p = NULL;
    kh_error_t err = {0};
    opts.shards = 0;
    assert_int_equal(kh_pipeline_open(path, &opts, &p, &err), KH_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int found = -1;
        assert_int_equal(kh_pipeline_delete(p, rows[i].id, &found, &err), KH_OK);
        if (found != rows[i].found)
            fail_msg("delete %s: found %d", rows[i].id, found);
    }
    kh_writer_stats_t stats = {0};
    assert_int_equal(kh_pipeline_close(p, 1, &stats, NULL, &err), KH_OK);
    assert_int_equal(stats.deleted, 1);
    assert_int_equal(test_term_freq(path, KH_PREFIX_ARTICLE "a4"), 0);
    assert_int_equal(test_term_freq(path, KH_PREFIX_ARTICLE "a7"), 3); /* untouched */
}

/* kh_pipeline_note_id reports an id given before, and the run's counters count it. */
static void note_id_counts_duplicates(void **state)
{
    (void)state;
    kh_pipeline_opts_t opts = {.shards = 0, .jobs = 1, .writer = kh_writer_opts_default()};
    kh_pipeline_t *p = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_pipeline_open(fresh_path("ids"), &opts, &p, &err), KH_OK);
    static const struct {
        const char *id;
        int duplicate;
    } ids[] = {{"a", 0}, {"b", 0}, {"a", 1}, {"ميناء", 0}, {"ميناء", 1}, {"a", 1}};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        int duplicate = -1;
        assert_int_equal(kh_pipeline_note_id(p, ids[i].id, &duplicate, &err), KH_OK);
        assert_int_equal(duplicate, ids[i].duplicate);
    }
    kh_writer_stats_t stats = {0};
    assert_int_equal(kh_pipeline_close(p, 1, &stats, NULL, &err), KH_OK);
    assert_int_equal(stats.duplicates, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shard_of_is_fnv1a),
        cmocka_unit_test(same_documents_whatever_the_threads),
        cmocka_unit_test(shards_and_stub),
        cmocka_unit_test(reopen_rules),
        cmocka_unit_test(delete_from_its_shard),
        cmocka_unit_test(note_id_counts_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
