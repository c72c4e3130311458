#include "writer.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"
#include "khabar/index.h"
#include "khabar/schema.h"
#include "khabar/terms.h"
#include "khabar/xdb.h"

struct kh_writer {
    kh_db_t *db;
    kh_writer_opts_t opts;
    kh_writer_stats_t stats;     /* so far, the open batch included */
    kh_writer_stats_t committed; /* as of the last commit: what the index holds */
    unsigned in_batch;           /* articles written in the open transaction */
    int transaction;             /* a batch transaction is open */
};

kh_writer_opts_t kh_writer_opts_default(void)
{
    kh_writer_opts_t o;
    o.batch_articles = KH_WRITER_BATCH_DEFAULT;
    o.passage = kh_passage_opts_default();
    return o;
}

kh_status_t kh_writer_open(const char *path, const kh_writer_opts_t *opts, kh_writer_t **out,
                           kh_error_t *err)
{
    *out = NULL;
    kh_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    w->opts = opts ? *opts : kh_writer_opts_default();
    if (w->opts.batch_articles == 0)
        w->opts.batch_articles = KH_WRITER_BATCH_DEFAULT;
    kh_status_t st = KH_OK;
    if (path)
        st = kh_index_open_write(path, &w->db, err);
    if (st) {
        kh_writer_close(w, 0, NULL);
        return st;
    }
    *out = w;
    return KH_OK;
}

static kh_status_t begin_batch(kh_writer_t *w, kh_error_t *err)
{
    if (w->transaction)
        return KH_OK;
    kh_status_t st = kh_db_begin_transaction(w->db, 1, err);
    if (!st)
        w->transaction = 1;
    return st;
}

kh_status_t kh_writer_commit(kh_writer_t *w, kh_error_t *err)
{
    if (!w->transaction) {
        w->committed = w->stats;
        return KH_OK;
    }
    w->transaction = 0;
    w->in_batch = 0;
    /* A failed commit leaves the database as it was before the batch. */
    kh_status_t st = kh_db_commit_transaction(w->db, err);
    if (st)
        w->stats = w->committed;
    else
        w->committed = w->stats;
    return st;
}

void kh_writer_cancel(kh_writer_t *w)
{
    if (!w)
        return;
    if (w->transaction)
        kh_db_cancel_transaction(w->db, NULL);
    w->transaction = 0;
    w->in_batch = 0;
    w->stats = w->committed;
}

/*
 * Removes article id's passages inside the open batch; *existing says how
 * many there were. An id too long for a term was refused when its documents
 * were built (document.h); one given to delete only is looked up cut, as
 * it always was: no article holds it.
 */
static kh_status_t remove_article(kh_writer_t *w, const char *id, unsigned *existing,
                                  kh_error_t *err)
{
    char article_term[KH_TERM_MAX];
    (void)kh_terms_article(id, article_term, NULL);
    *existing = 0;
    kh_status_t st = begin_batch(w, err);
    if (!st)
        st = kh_db_term_freq(w->db, article_term, existing, err);
    if (!st && *existing)
        st = kh_db_delete_documents_by_term(w->db, article_term, err);
    return st;
}

/* One more article in the batch: commits it when full. */
static kh_status_t end_article(kh_writer_t *w, kh_error_t *err)
{
    return ++w->in_batch >= w->opts.batch_articles ? kh_writer_commit(w, err) : KH_OK;
}

kh_status_t kh_writer_put(kh_writer_t *w, const kh_prepared_t *p, kh_error_t *err)
{
    size_t n = kh_prepared_passages(p);
    kh_doc_t *const *docs = kh_prepared_docs(p);
    unsigned existing;
    kh_status_t st = remove_article(w, kh_prepared_id(p), &existing, err);
    for (size_t i = 0; !st && i < n; i++)
        st = kh_db_add_document(w->db, docs[i], NULL, err);
    if (st)
        return st;
    if (existing)
        w->stats.replaced++;
    else
        w->stats.added++;
    w->stats.passages += n;
    return end_article(w, err);
}

kh_status_t kh_writer_delete(kh_writer_t *w, const char *article_id, int *found, kh_error_t *err)
{
    unsigned existing;
    kh_status_t st = remove_article(w, article_id, &existing, err);
    if (st)
        return st;
    *found = existing > 0;
    if (existing)
        w->stats.deleted++;
    return end_article(w, err);
}

const kh_writer_stats_t *kh_writer_stats(const kh_writer_t *w)
{
    return &w->stats;
}

kh_status_t kh_writer_close(kh_writer_t *w, int commit, kh_error_t *err)
{
    if (!w)
        return KH_OK;
    kh_status_t st = KH_OK;
    if (commit)
        st = kh_writer_commit(w, err);
    else
        kh_writer_cancel(w);
    kh_db_close(w->db);
    free(w);
    return st;
}
