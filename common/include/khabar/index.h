/*
 * index.h - the on-disk index: what is at an index path, its version stamps,
 * its shards, and which folders may be created, compacted or replaced.
 *
 * The layout, described here once (no other file spells these names):
 *
 *   a database folder   one Xapian glass database: regular files named as
 *                       the glass backend names them: iamglass, flintlock,
 *                       v.tmp (a revision being written), NAME.glass,
 *                       changesN (replication). `indexer -d INDEX` makes one
 *                       unless asked for shards.
 *   a sharded index     a folder INDEX holding the stub XAPIANDB (a regular
 *                       file, one line "auto shard-K" for K = 0 .. N-1, which
 *                       Xapian opens as one database), .XAPIANDB.tmp (a stub
 *                       being written, renamed over the stub), the shard-K
 *                       folders, each a database folder (or empty), and
 *                       their compaction leftovers shard-K.compacting-PID
 *                       and shard-K.compacting-PID.old.
 *   a stub of remote    a stub file of the user's own (Xapian's format: one
 *   shards              database a line, "auto PATH", "remote HOST:PORT";
 *                       xdb.h opens it line by line), which the searcher
 *                       reads; the indexer writes only the stubs it made.
 *   a temporary folder  NAME.compacting-PID next to a database folder NAME:
 *                       a database being created whole
 *                       (kh_index_open_write()) or a compacted copy
 *                       (compact.h), and NAME.compacting-PID.old the old
 *                       copy being swapped out.
 *
 * Version stamps: every database (every shard) holds the metadata keys
 * KH_META_SCHEMA and KH_META_ANALYZER (schema.h), written by the first
 * writer into an empty database and checked by every writer and reader.
 *
 * The safety rules (issue 12): the indexer creates, compacts, swaps and
 * removes folders. A folder it was pointed at by mistake (`-d .` in a folder
 * of articles, `-d corpus corpus`) must never be one of them: an index is
 * created only where nothing is, or in an empty folder, and only a folder
 * that holds a khabar index and nothing else is ever compacted or removed.
 * Anything else in the folder (a file, a subfolder, a link) makes it
 * KH_INDEX_FOREIGN.
 *
 * Nothing here prints or exits.
 */
#ifndef KHABAR_INDEX_H
#define KHABAR_INDEX_H

#include <stddef.h>

#include "khabar/status.h"
#include "khabar/xdb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The names of the layout above, for the binding (xdb.cc) and messages. */
#define KH_INDEX_STUB_NAME "XAPIANDB"
#define KH_INDEX_GLASS_MARKER "iamglass"
/* The suffix of a temporary folder: NAME.compacting-PID. */
#define KH_INDEX_TEMPORARY_SUFFIX ".compacting-"

typedef enum {
    KH_INDEX_MISSING,  /* nothing at the path: an index may be created there */
    KH_INDEX_EMPTY,    /* an empty folder: likewise */
    KH_INDEX_DATABASE, /* a database folder (above) */
    KH_INDEX_SHARDS,   /* a sharded index (above) */
    KH_INDEX_FOREIGN,  /* anything else: never written, compacted or removed */
} kh_index_layout_t;

/*
 * What is at path (a symbolic link is followed, as the indexer follows it).
 * Returns KH_OK with *out set, except:
 *   KH_ERR_ARG, *out KH_INDEX_FOREIGN: the message names path and the first
 *     entry that is not ours ("idx: holds 'notes.md' ...") or says path is a
 *     file ("idx: cannot open database: a file, not an index folder");
 *   KH_ERR_IO: path or a folder in it cannot be read (the system's reason);
 *   KH_ERR_NOMEM.
 */
kh_status_t kh_index_layout_of(const char *path, kh_index_layout_t *out, kh_error_t *err);

/*
 * 1 when name is the name of a file of a glass database folder (above).
 * Exposed for the unit test.
 */
int kh_index_is_database_file(const char *name);

/*
 * Removes the database folder at path: only when it is one (every entry a
 * regular file named as above, or none), file by file, then the folder.
 * Returns 0 when the folder is gone (or was not there); -1 when it is left,
 * with errno ENOTEMPTY when it holds something that is not ours (nothing is
 * then removed) or the system's reason.
 */
int kh_index_remove_database(const char *path);

/*
 * 1 when the first len bytes of name are a shard folder's name, shard-K.
 */
int kh_index_is_shard_name(const char *name, size_t len);

/*
 * The path of shard k of the sharded index at path ("PATH/shard-K"),
 * malloc'd (the caller frees it); NULL when out of memory.
 */
char *kh_index_shard_path(const char *path, unsigned k);

/*
 * Writes the temporary folder's name for the database folder path, of this
 * process (PATH.compacting-PID), into buf of size bytes. Returns 0, or -1
 * when it does not fit (buf then holds a cut name).
 */
int kh_index_temporary_path(char *buf, size_t size, const char *path);

/*
 * The shard count of the index at path: 0 when there is none yet, 1 for a
 * database folder, N for a folder whose stub lists shard-0 .. shard-(N-1).
 * Returns KH_OK; KH_ERR_ARG when the stub is empty or lists anything else
 * (the message names the stub and the line: the indexer writes only the
 * shards it made); KH_ERR_IO when the stub cannot be read; KH_ERR_NOMEM.
 */
kh_status_t kh_index_shard_count(const char *path, unsigned *out, kh_error_t *err);

/*
 * Writes the stub of the sharded index at path, listing n shards,
 * atomically (a reader sees the old stub or the new one, whole). Returns
 * KH_OK; KH_ERR_IO (the message names the stub); KH_ERR_NOMEM.
 */
kh_status_t kh_index_write_stub(const char *path, unsigned n, kh_error_t *err);

/*
 * For a writer: refuses a database made by another schema or analyzer,
 * and stamps an empty one (the stamps are written, not committed). path
 * names the index in messages. Returns KH_OK; KH_ERR_DB_VERSION ("PATH:
 * index was built with schema version 'X', this indexer writes version
 * 'Y': re-index into a new folder"); the statuses of xdb.h.
 */
kh_status_t kh_index_stamp(kh_db_t *db, const char *path, kh_error_t *err);

/*
 * For a reader: refuses a database of another schema or analyzer, or one
 * with documents and no stamp (not a khabar index); an empty one without
 * stamps (an indexer killed before its first commit) is an empty index.
 * Returns KH_OK; KH_ERR_DB_VERSION naming path; the statuses of xdb.h.
 */
kh_status_t kh_index_check_stamps(kh_db_t *db, const char *path, kh_error_t *err);

/*
 * Replaces every occurrence of tmp in err's message by path: a message
 * names the user's path, not the temporary folder a database is made in
 * (above). Accepts NULL err.
 */
void kh_index_name_path(kh_error_t *err, const char *tmp, const char *path);

/*
 * Opens the index database at path (a database folder: one shard of a
 * sharded index, or a plain index) for writing, creating it when path is
 * missing: made whole in its temporary folder and renamed into place, so
 * that a run killed meanwhile leaves nothing half made at path (an empty
 * folder at path: the database is made in it). The version stamps are checked, or written and
 * committed in a new database (kh_index_stamp()). On success *out is the
 * caller's (kh_db_close()); else NULL. The caller has checked that path may
 * be written (kh_index_layout_of()). Returns KH_OK; KH_ERR_IO when the folder
 * cannot be made ("PATH: cannot create the index: REASON"); the statuses of
 * kh_db_open() and kh_index_stamp(); messages name path, never the
 * temporary folder.
 */
kh_status_t kh_index_open_write(const char *path, kh_db_t **out, kh_error_t *err);

/*
 * Opens the index at path (a database folder, a sharded index's folder or
 * any stub file) for reading, remote shards given remote_timeout seconds
 * (kh_db_open_reader()), and checks its stamps (kh_index_check_stamps()).
 * On success *out is the caller's (kh_db_close()); else NULL. Returns KH_OK;
 * the statuses of kh_db_open_reader() and kh_index_check_stamps().
 */
kh_status_t kh_index_open_read(const char *path, double remote_timeout, kh_db_t **out,
                               kh_error_t *err);

/*
 * For a partial search (--allow-partial): opens each line of the stub at
 * index alone (kh_db_stub_probe(), remote ones given timeout seconds), calls
 * fn for each as kh_db_stub_probe() does (the caller's fn says why a line is
 * left out), and, when some open and some do not, writes a new temporary
 * stub file listing those that open under tmpdir (NULL or "": /tmp) and
 * sets *stub_path to its path (malloc'd; the caller unlinks the file once
 * the index is open, and frees the path). When all open, or none does,
 * *stub_path is NULL: open index itself (it reports why none opens).
 * Returns KH_OK; the statuses of kh_db_stub_probe(); KH_ERR_IO when the
 * temporary stub cannot be created ("PATH: cannot create a temporary stub
 * file") or written ("PATH: cannot write the temporary stub file");
 * KH_ERR_NOMEM.
 */
kh_status_t kh_index_partial_stub(const char *index, double timeout, const char *tmpdir,
                                  kh_stub_fn fn, void *ctx, char **stub_path, kh_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
