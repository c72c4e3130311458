/*
 * test_index.h - for unit tests only: what an index holds, and an article
 * written the way the pipeline writes it. Include after <cmocka.h>.
 */
#ifndef KH_TEST_INDEX_H
#define KH_TEST_INDEX_H

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

#endif
