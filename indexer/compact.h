/*
 * compact.h - compacting a database in place, safely for readers and crashes.
 *
 * A freshly built index is ~60% larger than a compacted copy of it (260 MB
 * against 159 MB for saudinewsnet) and searches on the copy were ~7% faster:
 * Xapian leaves B-tree blocks part-full while it writes, and compaction packs
 * them full. The indexer compacts as its last step (README, "Compaction").
 *
 * In place, for a database folder DB (a plain index, or one shard):
 *   1. Xapian writes a compacted copy of DB's last commit to DB's temporary
 *      folder T (khabar/index.h), a sibling: same parent, same filesystem;
 *   2. renameat2(RENAME_EXCHANGE) swaps the two folders in one step: DB is
 *      the new copy, T the old one;
 *   3. the old copy is removed.
 * The caller holds DB's write lock (its open writable database) through
 * steps 1 and 2, so no other indexer writes into a copy that is about to be
 * replaced; the lock lives in the old folder and goes with it.
 *
 * A crash at any moment leaves a whole database at DB (the old or the new
 * one) and at most a leftover T (a partial copy, or the old database),
 * which kh_compact_cleanup() removes on the next run.
 *
 * Readers: a searcher keeps reading the old copy's files through the
 * descriptors it holds (nothing writes them any more, and unlinked files
 * stay readable until closed); when it reopens, Xapian reads DB's revision
 * file and, the revision being another, opens every table by path again, so it
 * moves to the new copy whole. A compacted copy is at revision 1; a built
 * index is at 2 or more (the version stamps are one commit, the articles
 * another), so the revision differs unless the old copy was itself a
 * compacted one with no commit since, which holds the same documents.
 */
#ifndef KHABAR_COMPACT_H
#define KHABAR_COMPACT_H

#include <stdint.h>

#include "khabar/index.h"
#include "khabar/status.h"

/* The suffix of a temporary folder (khabar/index.h), for messages. */
#define KH_COMPACT_SUFFIX KH_INDEX_TEMPORARY_SUFFIX

/* What a compaction did. */
typedef struct kh_compaction {
    double seconds;        /* wall time of compaction, swap and removal */
    uint64_t bytes_before; /* disk usage of the database, as du counts it */
    uint64_t bytes_after;
} kh_compaction_t;

/*
 * Compacts the database folder at path in place (steps above). The caller
 * must hold its write lock and have committed: the copy is of the last
 * commit. On success *out (if not NULL) says what was done.
 * On failure path is left as it was, the temporary folder is removed, and
 * the status says why, naming path (never the temporary folder): the
 * statuses of kh_db_compact() (KH_ERR_IO for a full disk or too many open
 * files); KH_ERR_ARG when path is not a folder holding a database and
 * nothing else (khabar/index.h: then nothing is done); KH_ERR_IO when a rename
 * fails (path is a mount point: EXDEV or EBUSY); KH_ERR_NOMEM.
 */
kh_status_t kh_compact_in_place(const char *path, kh_compaction_t *out, kh_error_t *err);

/*
 * Removes the leftovers of compactions interrupted by a crash: folders named
 * as NAME's temporary folder (or its .old: khabar/index.h) next to path, with NAME
 * path's last component, and, when path is a sharded index (khabar/index.h),
 * the shards' temporary folders next to them. Only folders of that
 * pattern are touched, only those of processes that are gone (a compaction
 * running now is left alone), and only when they hold a database and
 * nothing else (khabar/index.h): any other is counted in *kept (if not NULL) and
 * left as it is. When path (or a shard) is missing and a .old folder is
 * there, a crash came between the two renames of the fallback swap (see
 * compact.c): that folder is the whole old database and is renamed back
 * instead of removed. *removed (if not NULL) gets the number of folders
 * removed or restored. Returns KH_OK (a folder that cannot be removed is
 * left for the next run); KH_ERR_NOMEM.
 */
kh_status_t kh_compact_cleanup(const char *path, unsigned *removed, unsigned *kept,
                               kh_error_t *err);

/* Disk usage of the database folder at path, as du counts it (0 when it
 * cannot be read): the figure a user compares. */
uint64_t kh_compact_disk_usage(const char *path);

#endif
