/*
 * writer.h - an index's transactions: articles' documents in, articles out.
 *
 * A writer owns the writable database and writes the documents a builder
 * made (document.h). Articles are written in batches: each
 * batch is one Xapian transaction, so a reader (or a crash) sees every
 * article of a batch whole or not at all, and a failure inside a batch
 * loses that batch only, never an article that was already committed.
 */
#ifndef KHABAR_WRITER_H
#define KHABAR_WRITER_H

#include "document.h"
#include "passage.h"
#include "khabar/status.h"

typedef struct kh_writer_opts {
    unsigned batch_articles;   /* articles per commit; 0 = KH_WRITER_BATCH_DEFAULT */
    kh_passage_opts_t passage; /* not the writer's: the pipeline's builders cut passages so */
} kh_writer_opts_t;

/*
 * 2000 articles (~20,000 passages of news) per commit: large enough that the
 * commit's fsyncs do not dominate, small enough that a crash loses little and
 * Xapian's in-memory batch stays bounded.
 */
#define KH_WRITER_BATCH_DEFAULT 2000

/* What a writer did so far. */
typedef struct kh_writer_stats {
    unsigned long added;      /* articles new to the index */
    unsigned long replaced;   /* articles whose id was already there */
    unsigned long deleted;    /* articles removed by kh_writer_delete */
    unsigned long passages;   /* passages written */
    unsigned long duplicates; /* ids given twice in this run (the last one won): counted
                                 by the pipeline (kh_pipeline_note_id), 0 in a writer's */
} kh_writer_stats_t;

typedef struct kh_writer kh_writer_t;

/* The options every field of which is its default. */
kh_writer_opts_t kh_writer_opts_default(void);

/*
 * Opens (creating when missing) the index at path (not NULL: documents are
 * built with no database by document.h) for writing. An index made
 * by another schema or analyzer version is refused (KH_ERR_DB_VERSION, asks
 * to re-index). Statuses: KH_OK, KH_ERR_DB_LOCKED (another indexer has it),
 * KH_ERR_DB_VERSION, KH_ERR_DB_OPEN, KH_ERR_DB_CORRUPT, KH_ERR_NOMEM.
 */
kh_status_t kh_writer_open(const char *path, const kh_writer_opts_t *opts, kh_writer_t **out,
                           kh_error_t *err);

/*
 * Writes a prepared article (kh_builder_build()) in the open batch,
 * replacing every passage of an article with the same id; p stays the
 * caller's. Commits when the batch is full. On failure nothing of this
 * article is written; a failing commit is fatal (the batch is cancelled).
 * Statuses: KH_OK, those of kh_writer_commit() and of the database
 * (KH_ERR_IO, KH_ERR_DB_CORRUPT, KH_ERR_NOMEM).
 */
kh_status_t kh_writer_put(kh_writer_t *w, const kh_prepared_t *p, kh_error_t *err);

/* Deletes an article's passages; *found says whether it was there. */
kh_status_t kh_writer_delete(kh_writer_t *w, const char *article_id, int *found, kh_error_t *err);

/* Commits the current batch. On failure the batch is lost, and the counters
 * are back to what the index holds (as after kh_writer_cancel()). */
kh_status_t kh_writer_commit(kh_writer_t *w, kh_error_t *err);

/* Discards the current batch (after a fatal error): the counters are back
 * to what the last commit left in the index. Accepts NULL. */
void kh_writer_cancel(kh_writer_t *w);

/* Counters so far, the open batch included (after a failed commit or
 * kh_writer_cancel(): only what was committed); borrowed, valid until
 * kh_writer_close. */
const kh_writer_stats_t *kh_writer_stats(const kh_writer_t *w);

/*
 * Commits what is pending (when commit is nonzero) and closes; with commit ==
 * 0 the current batch is discarded (used after a fatal error). Accepts NULL.
 */
kh_status_t kh_writer_close(kh_writer_t *w, int commit, kh_error_t *err);

#endif
