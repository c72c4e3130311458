/*
 * writer.h - articles into a khabar index: passages, analysis, Xapian documents.
 *
 * A writer owns the writable database. Articles are written in batches: each
 * batch is one Xapian transaction, so a reader (or a crash) sees every
 * article of a batch whole or not at all, and a failure inside a batch
 * loses that batch only, never an article that was already committed.
 */
#ifndef KHABAR_WRITER_H
#define KHABAR_WRITER_H

#include "article.h"
#include "passage.h"
#include "khabar/status.h"

typedef struct kh_writer_opts {
    unsigned batch_articles; /* articles per commit; 0 = KH_WRITER_BATCH_DEFAULT */
    kh_passage_opts_t passage;
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
    unsigned long duplicates; /* ids given twice in this run (the last one won) */
} kh_writer_stats_t;

typedef struct kh_writer kh_writer_t;

/* The options every field of which is its default. */
kh_writer_opts_t kh_writer_opts_default(void);

/*
 * Opens (creating when missing) the index at path for writing. An index made
 * by another schema or analyzer version is refused (KH_ERR_DB_VERSION, asks
 * to re-index). Statuses: KH_OK, KH_ERR_DB_LOCKED (another indexer has it),
 * KH_ERR_DB_VERSION, KH_ERR_DB_OPEN, KH_ERR_DB_CORRUPT, KH_ERR_NOMEM.
 *
 * path NULL gives a writer without a database, which only prepares
 * documents (kh_writer_prepare()) and notes ids (kh_writer_note_id()): one
 * per analysis thread, since the analyzer inside is per thread.
 */
kh_status_t kh_writer_open(const char *path, const kh_writer_opts_t *opts, kh_writer_t **out,
                           kh_error_t *err);

/*
 * Writes an article, replacing every passage of an article with the same id.
 * *duplicate (if not NULL) is set to 1 when this id was already given in this
 * run. Commits when the batch is full. On failure nothing of this article is
 * written; a failing commit is fatal (the batch is cancelled).
 */
kh_status_t kh_writer_add(kh_writer_t *w, const kh_article_t *article, int *duplicate,
                          kh_error_t *err);

/*
 * The two halves of kh_writer_add(), for a pipeline that analyses articles
 * on some threads and writes them on others.
 *
 * kh_writer_prepare() cuts a into passages and analyses them into Xapian
 * documents (no database needed); *out belongs to the caller
 * (kh_prepared_free()) and does not borrow from a. Statuses: those of
 * kh_writer_add() before anything is written (KH_ERR_ARG for a term too
 * long, KH_ERR_NOMEM).
 *
 * kh_writer_put() writes a prepared article exactly as kh_writer_add()
 * would (same replace, batch and duplicate rules); p stays the caller's.
 * The writer w of kh_writer_put() and the one that prepared p may differ.
 */
typedef struct kh_prepared kh_prepared_t;
kh_status_t kh_writer_prepare(kh_writer_t *w, const kh_article_t *article, kh_prepared_t **out,
                              kh_error_t *err);
kh_status_t kh_writer_put(kh_writer_t *w, const kh_prepared_t *p, int *duplicate, kh_error_t *err);
/* Passages of p (0 for NULL). */
size_t kh_prepared_passages(const kh_prepared_t *p);
/* Frees p; accepts NULL. */
void kh_prepared_free(kh_prepared_t *p);

/*
 * Records that id was given in this run: *duplicate (if not NULL) is set to
 * 1 when it was given before (the writer's duplicates counter goes up).
 * Lets a dispatching thread report a repeated id at once, in input order.
 * Returns KH_OK or KH_ERR_NOMEM.
 */
kh_status_t kh_writer_note_id(kh_writer_t *w, const char *id, int *duplicate, kh_error_t *err);

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
