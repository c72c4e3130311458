/*
 * layout.h - what is at an index path, and removing only what is ours.
 *
 * The indexer creates, compacts, swaps and removes folders. A folder it was
 * pointed at by mistake (`-d .` in a folder of articles, `-d corpus corpus`)
 * must never be one of them: an index is created only where nothing is, or
 * in an empty folder, and only a folder that holds a khabar index and
 * nothing else is ever compacted or removed. What counts as ours:
 *
 *   a database folder   regular files named as Xapian's glass backend names
 *                       its files: iamglass, flintlock, v.tmp (a revision
 *                       being written), NAME.glass, changesN (replication);
 *   a sharded index     XAPIANDB (the stub, a regular file), .XAPIANDB.tmp
 *                       (a stub being written), shard-K folders and their
 *                       compaction leftovers shard-K.compacting-PID[.old],
 *                       each a database folder (or empty).
 *
 * Anything else in the folder (a file, a subfolder, a link) makes it
 * KH_LAYOUT_FOREIGN.
 */
#ifndef KHABAR_LAYOUT_H
#define KHABAR_LAYOUT_H

#include "khabar/status.h"

typedef enum {
    KH_LAYOUT_MISSING,  /* nothing at the path: an index may be created there */
    KH_LAYOUT_EMPTY,    /* an empty folder: likewise */
    KH_LAYOUT_DATABASE, /* a database folder (above) */
    KH_LAYOUT_SHARDS,   /* a sharded index (above) */
    KH_LAYOUT_FOREIGN,  /* anything else: never written, compacted or removed */
} kh_layout_t;

/*
 * What is at path (a symbolic link is followed, as the indexer follows it).
 * Returns KH_OK with *out set, except:
 *   KH_ERR_ARG, *out KH_LAYOUT_FOREIGN: the message names path and the first
 *     entry that is not ours ("idx: holds 'notes.md' ...") or says path is a
 *     file ("idx: cannot open database: a file, not an index folder");
 *   KH_ERR_IO: path or a folder in it cannot be read (the system's reason);
 *   KH_ERR_NOMEM.
 */
kh_status_t kh_layout_of(const char *path, kh_layout_t *out, kh_error_t *err);

/*
 * 1 when name is the name of a file of a glass database folder (above).
 * Exposed for the unit test.
 */
int kh_layout_is_database_file(const char *name);

/*
 * Removes the database folder at path: only when it is one (every entry a
 * regular file named as above, or none), file by file, then the folder.
 * Returns 0 when the folder is gone (or was not there); -1 when it is left,
 * with errno ENOTEMPTY when it holds something that is not ours (nothing is
 * then removed) or the system's reason.
 */
int kh_layout_remove_database(const char *path);

#endif
