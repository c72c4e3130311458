/*
 * xdb.h - the project's C binding of libxapian.
 *
 * The only door to Xapian: the indexer and the searcher call these functions
 * and never see C++. Every function that can fail returns a kh_status_t
 * (KH_OK is 0), writes its result through an out pointer (set to NULL or 0
 * on failure, with nothing leaked) and takes an optional kh_error_t *err as
 * its last argument, which gets a message with context: the database path
 * and Xapian's own message, for example
 *
 *   "index/: database is locked by another writer (Unable to get write lock
 *    on index/: already locked)"
 *
 * No C++ exception ever leaves this library.
 *
 * Statuses every function may return besides those listed with it:
 *   KH_ERR_ARG       a required pointer is NULL, or Xapian rejected an
 *                    argument or the call's timing (InvalidArgumentError,
 *                    InvalidOperationError)
 *   KH_ERR_NOMEM     out of memory
 *   KH_ERR_XAPIAN    any other Xapian error (message says which)
 *   KH_ERR_INTERNAL  a non-Xapian C++ exception (a bug)
 * and every function that reads a database may also return
 *   KH_ERR_DB_MODIFIED  the revision being read was overwritten by a writer
 *                       (kh_db_reopen() and retry)
 *   KH_ERR_DB_CORRUPT, KH_ERR_DB_CLOSED, KH_ERR_NETWORK (remote shards).
 *
 * Ownership:
 *   - every handle has one free/close function, which accepts NULL;
 *   - a returned const char * is borrowed: it lives until the next call on
 *     the same handle (or the handle's free), as in libstemmer;
 *   - a returned char * belongs to the caller, who frees it with free();
 *   - strings passed in are copied; the caller keeps them.
 *
 * Lifetimes: a kh_db_t must outlive every kh_enquire_t, kh_mset_t and every
 * kh_doc_t read from it (kh_db_get_document() reads lazily).
 *
 * Callbacks return 0 to go on and nonzero to stop; stopping early is not an
 * error (the function returns KH_OK). A string passed to a callback lives
 * only during that call. A callback must return normally (no longjmp out of
 * it: it would skip C++ destructors).
 *
 * Threads: a handle is used by one thread at a time; separate handles on the
 * same database may be used from separate threads.
 */
#ifndef KHABAR_XDB_H
#define KHABAR_XDB_H

#include <stddef.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_db kh_db_t;
typedef struct kh_doc kh_doc_t;
typedef struct kh_xquery kh_xquery_t;
typedef struct kh_enquire kh_enquire_t;
typedef struct kh_mset kh_mset_t;

/* "No value slot" (Xapian::BAD_VALUENO): disables collapsing. */
#define KH_NO_SLOT 0xffffffffu

/*
 * The longest term, in bytes, that Xapian's glass backend can store. The
 * document functions refuse longer terms with KH_ERR_ARG, so the error
 * names the term when it is added rather than surfacing at commit.
 */
#define KH_MAX_TERM_BYTES 245

/* ------------------------------------------------------------------------ */
/* Databases                                                                */

typedef enum {
    KH_DB_READ_ONLY,           /* read only; the database must exist */
    KH_DB_OPEN,                /* writable; the database must exist */
    KH_DB_CREATE_OR_OPEN,      /* writable; created when missing */
    KH_DB_CREATE,              /* writable; fails when a database exists */
    KH_DB_CREATE_OR_OVERWRITE, /* writable; an existing database is emptied */
} kh_db_mode_t;

/*
 * Opens the database at path in mode. path is a database folder or a stub
 * database file: a text file whose lines are "auto PATH" (relative paths
 * are relative to the stub's folder), "glass PATH" or "remote HOST:PORT"
 * (a xapian-tcpsrv); a read-only stub of several lines is searched as one
 * database. Only one writer at a time may hold a database, even within one
 * process: Xapian takes an open-file-description lock on Linux.
 *
 * On success *out is a new handle (kh_db_close()); on failure *out is NULL.
 * Returns KH_OK;
 *   KH_ERR_DB_NOT_FOUND  nothing at path, or a folder without a database
 *                        (the message says which);
 *   KH_ERR_DB_LOCKED     another writer holds the database;
 *   KH_ERR_DB_OPEN       cannot be opened or created (a malformed stub
 *                        file, KH_DB_CREATE on an existing database, ...);
 *   KH_ERR_DB_CORRUPT, KH_ERR_DB_VERSION, KH_ERR_NETWORK;
 *   KH_ERR_ARG           an unknown mode, an empty path.
 * When a read-only stub fails to open, the message names the first of its
 * lines that fails alone: "INDEX: shard 'remote 10.0.0.2:7001' (INDEX/XAPIANDB
 * line 2): network error (Couldn't connect ...)".
 */
kh_status_t kh_db_open(const char *path, kh_db_mode_t mode, kh_db_t **out, kh_error_t *err);

/*
 * Seconds a remote shard has to accept a connection and to answer each
 * request before the call fails with KH_ERR_NETWORK: Xapian's own default,
 * which kh_db_open() uses.
 */
#define KH_DB_REMOTE_TIMEOUT_DEFAULT 10.0

/*
 * kh_db_open() read-only, the remote shards of a stub given remote_timeout
 * seconds (> 0) to connect and to answer each request. A stub with remote
 * lines is opened line by line (as Xapian would, in line order), so that a
 * shard that fails later can be named and left out:
 *  - a call on db that fails because a remote shard did not answer in
 *    time, or lost its connection, is KH_ERR_NETWORK with a message naming
 *    it: "INDEX: shard 'remote 10.0.0.2:7001' (INDEX line 2): search:
 *    remote database unreachable: no reply within 10 s (...)";
 *  - from then on, every call on any handle of this process that still
 *    searches that shard fails at once, KH_ERR_NETWORK, "...: it stopped
 *    answering earlier in this run (no reply within 10 s); not asked
 *    again", instead of waiting for it again; kh_db_drop_down_shards()
 *    leaves it out.
 * Returns what kh_db_open() does; KH_ERR_ARG when remote_timeout is not
 * above 0.
 */
kh_status_t kh_db_open_reader(const char *path, double remote_timeout, kh_db_t **out,
                              kh_error_t *err);

typedef int (*kh_stub_fn)(void *ctx, unsigned line, const char *spec, kh_status_t status,
                          const char *message);

/*
 * Opens, read-only and one at a time, each database that path lists when it
 * is a stub (a stub file, or a folder holding a XAPIANDB stub file), and
 * calls fn for each line in order: line is its number in the stub file,
 * spec the line in stub syntax with a relative path made absolute ("auto
 * /srv/index/shard-0", "remote 10.0.0.2:7001"), status KH_OK when it opened
 * alone, else its status (KH_ERR_NETWORK for a remote one that is down,
 * ...) and message, which names the line. A path that is not a stub gives
 * one call, line 0, spec "auto PATH". Each database is closed again: this
 * tells which shards can be searched (a partial search opens a stub of
 * those). Remote lines are "remote HOST:PORT" (TCP, xapian-tcpsrv) or
 * "remote :PROGRAM ARGS" (a program such as xapian-progsrv), each given
 * remote_timeout seconds (> 0) to connect and answer.
 * Returns KH_OK (whatever the lines' statuses); KH_ERR_IO when the stub
 * cannot be read; KH_ERR_ARG when remote_timeout is not above 0.
 */
kh_status_t kh_db_stub_probe(const char *path, double remote_timeout, kh_stub_fn fn, void *ctx,
                             kh_error_t *err);

/*
 * Leaves out of db (opened by kh_db_open_reader()) every remote shard that
 * stopped answering in this process, so that db searches the others as one
 * database, as a stub listing only those would; *dropped gets how many
 * were left out now. fn (may be NULL) is called for each of them that no
 * call of this function told before in this process, whatever the handle
 * (so that a batch's threads warn about a shard once), with status
 * KH_ERR_NETWORK and a message naming it ("shard 'remote 10.0.0.2:7001'
 * (INDEX line 2): no reply within 10 s"). Returns KH_OK; KH_ERR_NETWORK
 * when no shard would be left (db is then unchanged), KH_ERR_NOMEM.
 */
kh_status_t kh_db_drop_down_shards(kh_db_t *db, unsigned *dropped, kh_stub_fn fn, void *ctx,
                                   kh_error_t *err);

/*
 * Whether db, opened read-only, reaches some of its documents over the
 * network (a stub with a remote line). Xapian 1.4's remote protocol sends
 * a whole posting list when one is opened: a reader that needs a few
 * postings of a common term reads the few documents' terms instead.
 * 0 when db is NULL.
 */
int kh_db_is_remote(const kh_db_t *db);

/*
 * How many databases db's reader spans (a stub's lines, a sharded index's
 * shards; 1 for one database, 0 when db is NULL): document d of the reader
 * is document (d - 1) / n + 1 of database (d - 1) % n.
 */
unsigned kh_db_shard_count(const kh_db_t *db);

/*
 * Closes db and frees it. db may be NULL.
 * For a writable database, changes made outside a transaction and not yet
 * committed ARE committed here (Xapian commits on close), but a failure of
 * that commit cannot be reported: call kh_db_commit() first to see it. An
 * unfinished transaction is discarded (as kh_db_cancel_transaction()), and
 * for an unflushed one so are the changes pending before it began. The
 * write lock is released before kh_db_close() returns.
 */
void kh_db_close(kh_db_t *db);

/*
 * Moves a reader to the latest committed revision, so it sees documents
 * committed since it was opened; also the cure for KH_ERR_DB_MODIFIED.
 * A writer always sees its own changes, and reopening it does nothing.
 * Returns KH_OK, KH_ERR_DB_CLOSED, KH_ERR_NETWORK, KH_ERR_DB_CORRUPT.
 */
kh_status_t kh_db_reopen(kh_db_t *db, kh_error_t *err);

/* ------------------------------------------------------------------------ */
/* Writing (each returns KH_ERR_ARG on a read-only db)                      */

/*
 * Makes the changes since the last commit durable and visible to readers
 * that reopen. Xapian also commits by itself every 10000 changed documents
 * (XAPIAN_FLUSH_THRESHOLD), so changes may become visible earlier.
 * Returns KH_OK; KH_ERR_ARG inside a transaction; KH_ERR_DB_CORRUPT;
 * KH_ERR_XAPIAN for a failed write (a full disk), with the system's message.
 */
kh_status_t kh_db_commit(kh_db_t *db, kh_error_t *err);

/*
 * Starts a transaction: the changes until kh_db_commit_transaction() are
 * applied all together or not at all. flushed (nonzero, the usual choice)
 * commits pending changes before and after, so the transaction stands
 * alone; unflushed transactions avoid those commits, but cancelling one
 * also discards the changes pending before it began.
 * Returns KH_OK; KH_ERR_ARG when a transaction is already open.
 */
kh_status_t kh_db_begin_transaction(kh_db_t *db, int flushed, kh_error_t *err);

/* Applies the open transaction. Returns KH_OK; KH_ERR_ARG when none is open. */
kh_status_t kh_db_commit_transaction(kh_db_t *db, kh_error_t *err);

/*
 * Discards the changes of the open transaction (see begin for unflushed
 * ones). Returns KH_OK; KH_ERR_ARG when none is open.
 */
kh_status_t kh_db_cancel_transaction(kh_db_t *db, kh_error_t *err);

/*
 * Adds doc as a new document; its id goes to *docid_out unless that is
 * NULL. doc is copied: the caller may clear and reuse it at once.
 * Returns KH_OK.
 */
kh_status_t kh_db_add_document(kh_db_t *db, const kh_doc_t *doc, unsigned *docid_out,
                               kh_error_t *err);

/*
 * Deletes every document indexed by term (none is not an error).
 * Returns KH_OK; KH_ERR_ARG for an empty or over-long term.
 */
kh_status_t kh_db_delete_documents_by_term(kh_db_t *db, const char *term, kh_error_t *err);

/*
 * Sets the user metadata key to value (both C strings); an empty value
 * deletes the key. Returns KH_OK; KH_ERR_ARG for an empty key.
 */
kh_status_t kh_db_set_metadata(kh_db_t *db, const char *key, const char *value, kh_error_t *err);

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */

/*
 * Reads document docid into *out (kh_doc_free()); the document reads its
 * data lazily, so db must stay open while it is used.
 * Returns KH_OK; KH_ERR_NOT_FOUND when no document has that id;
 * KH_ERR_ARG for docid 0.
 */
kh_status_t kh_db_get_document(kh_db_t *db, unsigned docid, kh_doc_t **out, kh_error_t *err);

/* Number of documents. Returns KH_OK. */
kh_status_t kh_db_doc_count(kh_db_t *db, unsigned *out, kh_error_t *err);

/* Number of documents indexed by term (0 when none). Returns KH_OK. */
kh_status_t kh_db_term_freq(kh_db_t *db, const char *term, unsigned *out, kh_error_t *err);

/*
 * kh_db_term_freq() of each of terms[0..n) into out[0..n). Over remote
 * shards this is one exchange per shard for all of them (the statistics of
 * a match that asks for no results) instead of one per term: the same
 * figures. Returns KH_OK.
 */
kh_status_t kh_db_term_freqs(kh_db_t *db, const char *const *terms, size_t n, unsigned *out,
                             kh_error_t *err);

/*
 * The wdf of term in each of docids[0..n) (ascending) into wdfs[0..n), 0
 * where a document does not hold it: one walk of the term's postings with
 * skip_to, which reads only the chunks those documents are in (cheaper than
 * n documents' termlists, which glass stores compressed). Returns KH_OK.
 */
kh_status_t kh_db_wdfs(kh_db_t *db, const char *term, const unsigned *docids, size_t n,
                       unsigned *wdfs, kh_error_t *err);

typedef int (*kh_term_wdf_fn)(void *ctx, const char *term, unsigned wdf);

/*
 * Calls fn for each term of document docid in byte order, with its wdf
 * (fn returns non-zero to stop). Reads the term list without the document:
 * over a remote shard that is one round trip, not two. KH_ERR_NOT_FOUND
 * when there is no such document. Returns KH_OK.
 */
kh_status_t kh_db_term_wdfs(kh_db_t *db, unsigned docid, kh_term_wdf_fn fn, void *ctx,
                            kh_error_t *err);

typedef int (*kh_doc_term_wdf_fn)(void *ctx, size_t i, const char *term, unsigned wdf);

/*
 * Calls fn(ctx, i, term, wdf) for each term of document docids[i], i from
 * 0 to n - 1, each document's terms in byte order (fn returns non-zero to
 * stop). Over remote shards the term lists are read at once, several
 * connections to each shard (a connection answers one request at a time),
 * so that n documents cost about n / (shards x 8) round trips instead of
 * n; then fn is called in this thread. KH_ERR_NOT_FOUND when a document is
 * missing. Returns KH_OK.
 */
kh_status_t kh_db_documents_term_wdfs(kh_db_t *db, const unsigned *docids, size_t n,
                                      kh_doc_term_wdf_fn fn, void *ctx, kh_error_t *err);

typedef int (*kh_passage_wdfs_fn)(void *ctx, unsigned docid, const unsigned *wdfs);

/*
 * For each document that holds one of the terms ids[0..n_ids) (a passage's
 * unique Q term: schema.h) and one of terms[0..n_terms) at least, in
 * ascending docid order: fn(ctx, docid, wdfs), wdfs[t] the wdf of terms[t]
 * in it (borrowed for the call; fn returns non-zero to stop). Read with
 * matches, not term lists: over remote shards two exchanges, every shard
 * at once, and no term list for the servers to build. Returns KH_OK.
 */
kh_status_t kh_db_passage_wdfs(kh_db_t *db, const char *const *terms, size_t n_terms,
                               const char *const *ids, size_t n_ids, kh_passage_wdfs_fn fn,
                               void *ctx, kh_error_t *err);

typedef int (*kh_doc_data_fn)(void *ctx, size_t i, const char *data, size_t len);

/*
 * Calls fn(ctx, i, data, len) with the data of document docids[i] for i
 * from 0 to n - 1 (data borrowed for the call; fn returns non-zero to
 * stop), the documents read at once as kh_db_documents_term_wdfs() reads
 * term lists. KH_ERR_NOT_FOUND when a document is missing. Returns KH_OK.
 */
kh_status_t kh_db_documents_data(kh_db_t *db, const unsigned *docids, size_t n, kh_doc_data_fn fn,
                                 void *ctx, kh_error_t *err);

/*
 * The metadata value of key into *out, "" when unset; *out belongs to the
 * caller (free()). Returns KH_OK; KH_ERR_ARG for an empty key.
 */
kh_status_t kh_db_get_metadata(kh_db_t *db, const char *key, char **out, kh_error_t *err);

typedef int (*kh_posting_fn)(void *ctx, unsigned docid, unsigned wdf);

/*
 * Calls fn for every document indexed by term, in ascending docid order,
 * with the term's wdf in it. The empty term lists every document (with
 * wdf 1). Returns KH_OK.
 */
kh_status_t kh_db_postings(kh_db_t *db, const char *term, kh_posting_fn fn, void *ctx,
                           kh_error_t *err);

typedef int (*kh_term_freq_fn)(void *ctx, const char *term, unsigned termfreq);

/*
 * Calls fn for every term starting with prefix (NULL or "" for all), in
 * byte order, with its document frequency. Returns KH_OK.
 */
kh_status_t kh_db_all_terms(kh_db_t *db, const char *prefix, kh_term_freq_fn fn, void *ctx,
                            kh_error_t *err);

/*
 * Writes a compacted copy of the database (folder or stub file) at src_path
 * to the new folder dst_path; a stub listing several databases is merged
 * into one, ids renumbered in stub order (the second database's first
 * document follows the first database's last id). Blocks are packed full
 * (Xapian's FULL level, as xapian-compact does), which suits a finished
 * index. multipass merges postlists in several passes: slower, smaller
 * output when there are many sources. src may be in use by a writer: the
 * copy is of its last commit.
 * Returns KH_OK; KH_ERR_ARG when dst_path already exists (compaction never
 * overwrites); the kh_db_open() statuses for src.
 */
kh_status_t kh_db_compact(const char *src_path, const char *dst_path, int multipass,
                          kh_error_t *err);

/* ------------------------------------------------------------------------ */
/* Documents                                                                */

/* A new empty document into *out (kh_doc_free()). Returns KH_OK. */
kh_status_t kh_doc_new(kh_doc_t **out, kh_error_t *err);

/* Frees doc. doc may be NULL. */
void kh_doc_free(kh_doc_t *doc);

/*
 * Empties doc (terms, values, data) so that one object serves many passages
 * without reallocating. doc may be NULL.
 */
void kh_doc_clear(kh_doc_t *doc);

/*
 * Adds term at position pos, adding wdfinc to its wdf (1 for an ordinary
 * word; 0 records the position without weight).
 * Returns KH_OK; KH_ERR_ARG for an empty term or one longer than
 * KH_MAX_TERM_BYTES.
 */
kh_status_t kh_doc_add_posting(kh_doc_t *doc, const char *term, unsigned pos, unsigned wdfinc,
                               kh_error_t *err);

/* Adds term without a position, adding wdfinc to its wdf. Statuses as kh_doc_add_posting(). */
kh_status_t kh_doc_add_term(kh_doc_t *doc, const char *term, unsigned wdfinc, kh_error_t *err);

/*
 * Adds a term that filters but does not weigh (wdf 0: it adds nothing to
 * the document's length). Statuses as kh_doc_add_posting().
 */
kh_status_t kh_doc_add_boolean_term(kh_doc_t *doc, const char *term, kh_error_t *err);

/*
 * Sets value slot to the len bytes at v (binary safe); len 0 removes the
 * value. Returns KH_OK; KH_ERR_ARG for slot KH_NO_SLOT.
 */
kh_status_t kh_doc_set_value(kh_doc_t *doc, unsigned slot, const char *v, size_t len,
                             kh_error_t *err);

/* Sets the document data to the len bytes at data (binary safe). Returns KH_OK. */
kh_status_t kh_doc_set_data(kh_doc_t *doc, const char *data, size_t len, kh_error_t *err);

/*
 * The document data: *data (NUL-terminated, borrowed until the next call
 * on doc) and *len (may hold NULs). Returns KH_OK.
 */
kh_status_t kh_doc_get_data(kh_doc_t *doc, const char **data, size_t *len, kh_error_t *err);

/* ------------------------------------------------------------------------ */
/* Queries: immutable values. Combining copies the subqueries; the caller   */
/* still frees its own.                                                     */

/*
 * A query for one term into *out (kh_xquery_free()). wqf is the term's
 * frequency within the query (1 normally; 0 gives it no weight under
 * BM25); pos its position in the query (0 when it does not matter).
 * Returns KH_OK; KH_ERR_ARG for an empty term (Xapian would read "" as
 * match-all: use kh_xquery_match_all()).
 */
kh_status_t kh_xquery_term(const char *term, unsigned wqf, unsigned pos, kh_xquery_t **out,
                           kh_error_t *err);

typedef enum {
    KH_OP_AND,       /* all subqueries */
    KH_OP_OR,        /* any subquery */
    KH_OP_AND_NOT,   /* the first, none of the others */
    KH_OP_AND_MAYBE, /* the first; the others only add weight */
    KH_OP_FILTER,    /* the first, restricted to all of the others, which add no weight */
    KH_OP_PHRASE,    /* subqueries in order, within parameter positions */
    KH_OP_NEAR,      /* subqueries in any order, within parameter positions */
    KH_OP_ELITE_SET, /* OR of the parameter subqueries that weigh most */
    KH_OP_SYNONYM,   /* OR, weighted as if all were one term */
    KH_OP_MAX,       /* OR, weight is the maximum of the matching subqueries */
} kh_xquery_op_t;

/*
 * Combines subs[0..n-1] with op into *out (kh_xquery_free()). parameter is
 * the window for KH_OP_PHRASE and KH_OP_NEAR (0: the number of subqueries)
 * and the set size for KH_OP_ELITE_SET (0: Xapian's default, 10); it must
 * be 0 for other ops. n == 0 gives a query matching nothing. PHRASE and
 * NEAR need positional subqueries (terms, or OR of terms).
 * Returns KH_OK; KH_ERR_ARG for an unknown op, a NULL subquery, a nonzero
 * parameter with another op.
 */
kh_status_t kh_xquery_combine(kh_xquery_op_t op, kh_xquery_t *const *subs, size_t n,
                              unsigned parameter, kh_xquery_t **out, kh_error_t *err);

/*
 * sub with every weight multiplied by factor (OP_SCALE_WEIGHT) into *out;
 * factor 0 turns sub into a pure filter (all weights 0).
 * Returns KH_OK; KH_ERR_ARG for a negative factor.
 */
kh_status_t kh_xquery_scale(const kh_xquery_t *sub, double factor, kh_xquery_t **out,
                            kh_error_t *err);

/*
 * Documents whose value in slot lies in [lo, hi], compared as byte strings
 * (so dates sort as YYYYMMDD). A NULL bound is open. A document without a
 * value in slot never matches a range with a bound, even one that "" lies
 * in; both bounds NULL is no constraint and matches every document.
 * Returns KH_OK.
 */
kh_status_t kh_xquery_value_range(unsigned slot, const char *lo, const char *hi, kh_xquery_t **out,
                                  kh_error_t *err);

/* A query matching every document, weight 0. Returns KH_OK. */
kh_status_t kh_xquery_match_all(kh_xquery_t **out, kh_error_t *err);

/*
 * Xapian's description of q, e.g. "Query((a AND b))", "Query()" for the
 * empty query, into *out (free()). For logs, tests and a printed search
 * plan. Returns KH_OK.
 */
kh_status_t kh_xquery_describe(const kh_xquery_t *q, char **out, kh_error_t *err);

/* Frees q. q may be NULL. */
void kh_xquery_free(kh_xquery_t *q);

/* ------------------------------------------------------------------------ */
/* Searching                                                                */

/*
 * A new search over db into *out (kh_enquire_free()); db must outlive it.
 * Defaults: BM25 with Xapian's defaults, relevance order, ties broken by
 * ascending docid, no collapsing, the empty query. Returns KH_OK.
 */
kh_status_t kh_enquire_new(kh_db_t *db, kh_enquire_t **out, kh_error_t *err);

/* Frees e. e may be NULL. */
void kh_enquire_free(kh_enquire_t *e);

/* Sets the query (copied). Returns KH_OK. */
kh_status_t kh_enquire_set_query(kh_enquire_t *e, const kh_xquery_t *q, kh_error_t *err);

/*
 * Ranks with BM25 (Xapian::BM25Weight): k1 scales wdf (0: wdf ignored), k2
 * the document-length correction, k3 the wqf, b the length normalisation
 * (0..1), min_normlen the floor of a document's normalised length. Xapian's
 * defaults are 1, 0, 1, 0.5, 0.5.
 * Returns KH_OK; KH_ERR_ARG for a negative or NaN parameter or b > 1
 * (Xapian would silently clamp them).
 */
kh_status_t kh_enquire_set_bm25(kh_enquire_t *e, double k1, double k2, double k3, double b,
                                double min_normlen, kh_error_t *err);

/*
 * Keeps at most max hits per distinct value in slot (the best ones), e.g.
 * one passage per article; KH_NO_SLOT turns collapsing off. Documents
 * without a value are never collapsed.
 * Returns KH_OK; KH_ERR_ARG when max is 0 with a real slot.
 */
kh_status_t kh_enquire_set_collapse_key(kh_enquire_t *e, unsigned slot, unsigned max,
                                        kh_error_t *err);

typedef enum {
    KH_SORT_RELEVANCE,            /* weight, descending (slot, reverse ignored) */
    KH_SORT_VALUE,                /* value in slot only */
    KH_SORT_VALUE_THEN_RELEVANCE, /* value in slot, ties by weight */
    KH_SORT_RELEVANCE_THEN_VALUE, /* weight, ties by value in slot */
} kh_sort_t;

/*
 * Orders hits by mode. Values sort as byte strings, ascending, descending
 * when reverse is nonzero. Remaining ties go by ascending docid.
 * Returns KH_OK; KH_ERR_ARG for an unknown mode.
 */
kh_status_t kh_enquire_set_sort(kh_enquire_t *e, kh_sort_t mode, unsigned slot, int reverse,
                                kh_error_t *err);

/*
 * Runs the search and puts hits first .. first+max-1 into *out
 * (kh_mset_free()). check_at_least makes Xapian look at that many
 * candidates at least, so counts (and collapse counts) are exact up to it;
 * 0 lets it stop as soon as the top max are certain.
 * Returns KH_OK.
 */
kh_status_t kh_enquire_get_mset(kh_enquire_t *e, unsigned first, unsigned max,
                                unsigned check_at_least, kh_mset_t **out, kh_error_t *err);

typedef int (*kh_expand_fn)(void *ctx, const char *term, double weight);

/*
 * Query expansion (pseudo-relevance feedback): the max_terms terms that
 * best characterise documents rset_docids[0..n-1] (Xapian's ESet), by
 * descending weight. Terms of the current query are left out, and so are
 * prefixed terms (those starting with an ASCII capital letter, Xapian's
 * prefix convention: ids, kinds, dates are never useful expansions).
 * Returns KH_OK; KH_ERR_NOT_FOUND for an unknown docid; KH_ERR_ARG for
 * docid 0.
 */
kh_status_t kh_enquire_expand(kh_enquire_t *e, const unsigned *rset_docids, size_t n,
                              unsigned max_terms, kh_expand_fn fn, void *ctx, kh_error_t *err);

/* ------------------------------------------------------------------------ */
/* Results                                                                  */

typedef struct kh_hit {
    unsigned docid;
    unsigned rank; /* 0-based, counting from the first hit of the whole result */
    double weight;
    unsigned collapse_count; /* how many more documents shared its collapse key (lower bound) */
} kh_hit_t;

/* Number of hits in m (0 when m is NULL). */
size_t kh_mset_size(const kh_mset_t *m);

/* Xapian's estimate of all matching documents (0 when m is NULL). */
unsigned kh_mset_matches_estimated(const kh_mset_t *m);

/*
 * Hit i (0-based) into *out (zeroed on failure). Returns KH_OK; KH_ERR_ARG
 * when i >= kh_mset_size(m).
 */
kh_status_t kh_mset_hit(kh_mset_t *m, size_t i, kh_hit_t *out, kh_error_t *err);

/*
 * The document data of hit i: *data (NUL-terminated, borrowed until the
 * next call on m) and *len. Returns KH_OK; KH_ERR_ARG when i is out of range.
 */
kh_status_t kh_mset_data(kh_mset_t *m, size_t i, const char **data, size_t *len, kh_error_t *err);

/*
 * The value in slot of hit i ("" and 0 when unset): borrowed until the
 * next call on m. Returns KH_OK; KH_ERR_ARG when i is out of range.
 */
kh_status_t kh_mset_value(kh_mset_t *m, size_t i, unsigned slot, const char **v, size_t *len,
                          kh_error_t *err);

typedef int (*kh_hit_value_fn)(void *ctx, size_t i, const char *v, size_t len);

/*
 * Calls fn(ctx, i, v, len) with the value in slot of hit hits[i] of m ("" and
 * 0 when unset; v borrowed for the call), i from 0 to n - 1 (fn returns
 * non-zero to stop). Over remote shards the hits' documents are read at
 * once, as kh_db_documents_data() reads them, instead of a round trip each,
 * one shard after the other; then fn is called in this thread. Returns
 * KH_OK; KH_ERR_ARG when some hits[i] is out of range.
 */
kh_status_t kh_mset_values(kh_mset_t *m, const size_t *hits, size_t n, unsigned slot,
                           kh_hit_value_fn fn, void *ctx, kh_error_t *err);

/* Frees m. m may be NULL. */
void kh_mset_free(kh_mset_t *m);

#ifdef __cplusplus
}
#endif

#endif
