/*
 * test_index.h - for unit tests only: what an index holds, an article read
 * from a JSON Lines line and written the way the pipeline writes it, and a
 * scratch index of a few such articles. Include after <cmocka.h>.
 */
#ifndef KH_TEST_INDEX_H
#define KH_TEST_INDEX_H

#include <stdio.h>
#include <string.h>

#include "article.h"
#include "document.h"
#include "khabar/xdb.h"
#include "writer.h"

/* How many documents hold term in the index at path, as a reader sees it now (0: nothing committed
 * yet). */
static inline unsigned test_term_freq(const char *path, const char *term)
{
    kh_db_t *db = NULL;
    kh_error_t err = {0};
    unsigned n = 0;
    if (kh_db_open(path, KH_DB_READ_ONLY, &db, &err) != KH_OK)
        return 0;
    assert_int_equal(kh_db_term_freq(db, term, &n, &err), KH_OK);
    kh_db_close(db);
    return n;
}

/* Builds article a's documents (passages cut by default) and writes them with w. */
static inline kh_status_t test_put_article(kh_writer_t *w, const kh_article_t *a, kh_error_t *err)
{
    kh_builder_t *b = NULL;
    kh_prepared_t *p = NULL;
    kh_status_t st = kh_builder_new(NULL, &b, err);
    if (!st)
        st = kh_builder_build(b, a, &p, err);
    if (!st)
        st = kh_writer_put(w, p, err);
    kh_prepared_free(p);
    kh_builder_free(b);
    return st;
}

/* The article one JSON Lines line describes (kh_article_free); fails the test when it cannot be
 * read. */
static inline kh_article_t *test_article(const char *json)
{
    kh_article_reader_t *r = NULL;
    kh_article_t *a = NULL;
    kh_error_t err = {0};
    assert_int_equal(
        kh_article_reader_open_memory("t.jsonl", json, strlen(json), KH_FORMAT_JSONL, &r, &err),
        KH_OK);
    if (kh_article_reader_next(r, &a, &err) != KH_OK || !a)
        fail_msg("cannot read %s: %s", json, err.message);
    kh_article_reader_close(r);
    return a;
}

/* One article of a scratch index. The strings go into JSON as they are: no quote or backslash. */
typedef struct test_row {
    const char *id;
    const char *lang;
    const char *text;
} test_row_t;

/*
 * Writes a fresh index at path (nothing may be there) holding the n articles of rows, one passage
 * each when their text has no line break, and commits it. 0, or -1 with the reason printed: the
 * convention of a cmocka group setup, which is where the tests call it.
 */
static inline int test_write_index(const char *path, const test_row_t *rows, size_t n)
{
    kh_writer_t *w = NULL;
    kh_error_t err = {0};
    kh_status_t st = kh_writer_open(path, NULL, &w, &err);
    for (size_t i = 0; !st && i < n; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"id\": \"%s\", \"lang\": \"%s\", \"text\": \"%s\"}",
                 rows[i].id, rows[i].lang, rows[i].text);
        kh_article_t *a = test_article(json);
        st = test_put_article(w, a, &err);
        kh_article_free(a);
    }
    if (!st) {
        st = kh_writer_close(w, 1, &err);
    } else {
        kh_error_t ignored = {0}; /* the first error is the one to show */
        kh_writer_close(w, 0, &ignored);
    }
    if (st)
        print_error("%s: %s\n", path, err.message);
    return st ? -1 : 0;
}

#endif
