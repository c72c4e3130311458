/*
 * pipeline.h - articles into an index on several threads, and into shards.
 *
 * Threads:
 *   the caller     reads articles and hands them over (kh_pipeline_add()),
 *                  in input order, in chunks of KH_PIPELINE_CHUNK;
 *   J analysers    cut a chunk into passages and analyse them into Xapian
 *                  documents (each with its own analyzer: analyzers are per
 *                  thread), then deliver the chunk to the shards in input
 *                  order, whichever analyser finished first;
 *   N writers      one per shard, the only thread that touches that shard's
 *                  database: replace, add, commit every batch-size articles.
 * Every queue is bounded, so memory does not grow with the input.
 *
 * Because delivery keeps input order, each shard receives its articles in the
 * same order whatever J is: the same documents get the same document ids, so
 * an index built with -j 1 and one built with -j 8 rank identically.
 *
 * Shards. Article ID goes to shard kh_shard_of(ID, N): 64-bit FNV-1a of the
 * id's bytes, mod N. The hash is part of the index format: replacing or
 * deleting an article later must find the same shard. A sharded index is a
 * folder of N database folders and the stub that lists them (its layout:
 * khabar/index.h). N = 1 (the default) is a plain database at INDEX.
 */
#ifndef KHABAR_PIPELINE_H
#define KHABAR_PIPELINE_H

#include <stdint.h>

#include "article.h"
#include "writer.h"
#include "khabar/status.h"

/* Articles handed from thread to thread at a time. */
#define KH_PIPELINE_CHUNK 16

/* The most shards and analysis threads accepted. */
#define KH_PIPELINE_MAX_SHARDS 256
#define KH_PIPELINE_MAX_JOBS 64

/*
 * Whether each database is compacted in place after its final commit
 * (compact.h). KH_COMPACT_AUTO compacts a database that held no passage
 * before the run (a new index), or one from which the run removed (replaced
 * or deleted) at least KH_PIPELINE_COMPACT_SHARE percent of the passages it
 * held: Xapian leaves the blocks of removed passages part-empty, so an index
 * re-indexed whole was 2.05 (the news corpus) to 2.95 (3,000 of its
 * articles) times its compacted size, where an append of 10% left it 1.45
 * to 1.59 times (README, "Compaction", has the figures).
 */
typedef enum {
    KH_COMPACT_AUTO = 0,
    KH_COMPACT_NEVER,  /* --no-compact */
    KH_COMPACT_ALWAYS, /* --compact */
} kh_compact_mode_t;

#define KH_PIPELINE_COMPACT_SHARE 25

/* The phases of the end of a run, for a progress display. */
typedef enum {
    KH_PHASE_WRITING,    /* the articles still queued are written */
    KH_PHASE_COMMITTING, /* the final commit (mostly fsync) */
    KH_PHASE_COMPACTING, /* compaction (compact.h) */
} kh_pipeline_phase_t;

/*
 * Called on the thread of kh_pipeline_close() while it waits, every ~0.2 s
 * and once at least for each phase entered: phase is the latest one a
 * database entered, seconds the time since.
 */
typedef void (*kh_pipeline_progress_fn)(void *ctx, kh_pipeline_phase_t phase, double seconds);

typedef struct kh_pipeline_opts {
    unsigned shards;                  /* 0: as the index is (a new index: 1) */
    unsigned jobs;                    /* analysis threads; 0: one per online processor */
    kh_compact_mode_t compact;        /* see above */
    kh_pipeline_progress_fn progress; /* NULL: none */
    void *progress_ctx;
    kh_writer_opts_t writer;
} kh_pipeline_opts_t;

/* Why the databases were compacted (the first reason that held, in this order). */
typedef enum {
    KH_COMPACTED_NOT = 0,
    KH_COMPACTED_ASKED,   /* KH_COMPACT_ALWAYS */
    KH_COMPACTED_NEW,     /* the database held no passage before the run */
    KH_COMPACTED_REMOVED, /* the run removed KH_PIPELINE_COMPACT_SHARE % or more */
} kh_compacted_why_t;

/* What the compaction at the end of a run did, and what decided it. */
typedef struct kh_pipeline_compaction {
    unsigned compacted; /* databases compacted (shards, or 1) */
    unsigned failed;    /* databases left as they were after a failure */
    kh_compacted_why_t why;
    double seconds;        /* the longest shard's: the shards compact in parallel */
    uint64_t bytes_before; /* disk usage of the compacted databases, before */
    uint64_t bytes_after;  /* and after */
    kh_error_t failure;    /* the first failure, when failed > 0 */
    /* Over every database whose final commit succeeded, compacted or not. */
    uint64_t passages_before;  /* passages (Xapian documents) they held when opened */
    uint64_t passages_removed; /* of those, removed (replaced or deleted) by the run */
    uint64_t bytes_now;        /* their disk usage at the end */
} kh_pipeline_compaction_t;

typedef struct kh_pipeline kh_pipeline_t;

/* The shard (0..shards-1) of an article id: FNV-1a 64 of its bytes, mod shards. */
unsigned kh_shard_of(const char *article_id, unsigned shards);

/*
 * Opens the index at path for writing with the threads above; creates it
 * (and its shards and stub) when missing. On success *out belongs to the
 * caller (kh_pipeline_close()).
 * Only a missing path, an empty folder or a folder that holds a khabar
 * index and nothing else is opened (khabar/index.h); nothing is changed in any
 * other. Returns KH_OK; KH_ERR_ARG when path is another folder or a file
 * (kh_index_layout_of()'s message), when the shard count asked for differs from
 * the index's ("re-index into a new folder"), or the folder's stub was
 * not written by the indexer; KH_ERR_IO when path cannot be read; KH_ERR_NOMEM when a thread cannot
 * start; the statuses of kh_writer_open() for each shard (the message names it).
 */
kh_status_t kh_pipeline_open(const char *path, const kh_pipeline_opts_t *opts, kh_pipeline_t **out,
                             kh_error_t *err);

/* The number of shards (1 for a plain database). */
unsigned kh_pipeline_shards(const kh_pipeline_t *p);

/*
 * Records that article_id is given in this run; *duplicate is set to 1 when
 * it was given before (the last one wins). Call it before
 * kh_pipeline_add(), which may free the article at any moment.
 * Returns KH_OK or KH_ERR_NOMEM.
 */
kh_status_t kh_pipeline_note_id(kh_pipeline_t *p, const char *article_id, int *duplicate,
                                kh_error_t *err);

/*
 * Hands article over to be written (the pipeline takes it, whatever the
 * status). The write happens later: a failure there is reported by a later
 * kh_pipeline_add() or by kh_pipeline_close(), with the message
 * "FILE:LINE: article 'ID': what went wrong". Such a failure is fatal.
 * Returns KH_OK, KH_ERR_NOMEM, or the first failure of a thread.
 */
kh_status_t kh_pipeline_add(kh_pipeline_t *p, kh_article_t *article, kh_error_t *err);

/*
 * Deletes an article from its shard, now (on the calling thread); *found
 * says whether it was there. Not to be mixed with kh_pipeline_add() in one
 * run. Statuses as kh_writer_delete().
 */
kh_status_t kh_pipeline_delete(kh_pipeline_t *p, const char *article_id, int *found,
                               kh_error_t *err);

/* The writers' counters summed so far (safe while threads run). */
void kh_pipeline_stats(kh_pipeline_t *p, kh_writer_stats_t *out);

/*
 * Waits for every article handed over to be written, then commits each
 * shard's open batch (commit nonzero, and no failure so far) or discards
 * it, puts the final counters in *stats (if not NULL) and frees p. Accepts
 * NULL. Returns KH_OK or the first failure of any thread (then the open
 * batches were discarded, except a shard whose final commit had succeeded).
 *
 * Each shard whose final commit succeeded (and no thread failed) is then
 * compacted in place when opts.compact says so (KH_COMPACT_AUTO: by its own
 * figures), by its writer thread while it still holds the shard's write
 * lock (kh_compact_in_place()). opts.progress is called meanwhile. A failed compaction
 * is not a failure of the run (the articles are in, the database is left as
 * it was): it is counted in *compaction (if not NULL), which gets what was
 * done.
 */
kh_status_t kh_pipeline_close(kh_pipeline_t *p, int commit, kh_writer_stats_t *stats,
                              kh_pipeline_compaction_t *compaction, kh_error_t *err);

#endif
