/*
 * xdb.cc - the C binding of libxapian declared in khabar/xdb.h; the only
 * C++ in the project.
 *
 * Every entry point runs its Xapian calls inside try/catch (most through
 * guarded() and its db_ variants) and turns the exception into a status and
 * a message (fail()), so nothing C++ crosses into C. Messages are formatted
 * with snprintf from strings Xapian already holds, so reporting an error
 * allocates nothing and cannot itself throw.
 */
#include "khabar/xdb.h"

#include "khabar/index.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/stat.h>

/*
 * Connections per remote shard that read documents at once. Xapian 1.4's
 * remote protocol answers one request at a time per connection and has no
 * request for several documents (MSet::fetch() does not pipeline over it:
 * fetching the 58 hits of a feedback ranking took one round trip each), so
 * reading n documents' term lists or data costs n round trips one after
 * another; over PARALLEL_PER_SHARD connections to each shard, all shards at
 * once, it costs about n / (shards x PARALLEL_PER_SHARD). xapian-tcpsrv
 * serves each connection in a process of its own: 16 a searcher thread
 * rather than 8 took the 50 feedback passages over 2 shards from 4 round
 * trips to 2 (shards_remote_round_trips: 12.8 and 13.6 a query on the stub's
 * connections, 10.9 and 11.0), and the 32 processes of a -j 2 batch held
 * 18.6 MB of memory on a shard's machine (their Pss).
 */
#define PARALLEL_PER_SHARD 16

/*
 * One line of a stub that has remote lines, opened by the binding itself
 * (open_shards), so that remote shards get the caller's timeout and a shard
 * that stops answering can be named and left out.
 */
struct kh_shard {
    unsigned line;         /* in the stub file */
    std::string spec;      /* the line, relative path made absolute */
    std::string stub;      /* the stub file, for messages */
    std::string context;   /* what Xapian's NetworkError::get_context() names it, "" if local */
    Xapian::Database db;   /* the line opened alone */
    bool dropped = false;  /* left out of the reader (kh_db_drop_down_shards) */
    std::string type, arg; /* the line's, to open more connections to a remote one */
    /* More connections to a remote shard, opened on first use, for reading
     * several documents at once (for_each_document). */
    std::vector<Xapian::Database> more;
    std::vector<char> more_open;
    /* Connections to it that can be had: an extra one that could not be
     * opened (the process's open-file limit, a server refusing more) is
     * done without, and those after it are not tried again. */
    size_t usable = PARALLEL_PER_SHARD;
};

/*
 * Threads that stay for a database's lifetime and read over its remote
 * connections at once (run_at_once). A thread started for each read cost
 * more than the read over loopback: the first 100 ARCD questions over 2
 * shards started 9,082 threads, 91 a query, and the searcher spent 1.17 s
 * of its 2.17 s in the kernel, mostly starting and ending them (strace -c:
 * clone3, mmap, mprotect, madvise, munmap). Jobs are indices 0..n-1 of one
 * call at a time (the database's owner's thread), taken in turn by the
 * caller and the threads; each index waits on its own connection, so there
 * are n - 1 threads when they can be had.
 */
class worker_pool
{
  public:
    ~worker_pool()
    {
        {
            std::lock_guard<std::mutex> lock(mu_);
            quit_ = true;
        }
        work_.notify_all();
        for (std::thread &t : threads_)
            t.join();
    }

    /* Runs job(0) .. job(n - 1), each once, and returns when all ended; job must not throw. */
    void run(size_t n, const std::function<void(size_t)> &job)
    {
        if (n == 0)
            return;
        while (threads_.size() < n - 1) {
            try {
                threads_.emplace_back([this] { serve(); });
            } catch (...) {
                break; /* no more threads: those there (and the caller) take the rest */
            }
        }
        std::unique_lock<std::mutex> lock(mu_);
        job_ = &job;
        next_ = 0;
        n_ = n;
        left_ = n;
        work_.notify_all();
        take(lock);
        done_.wait(lock, [this] { return left_ == 0; });
        job_ = nullptr;
    }

  private:
    /* Runs the indices not yet taken, one after the other; lock held between. */
    void take(std::unique_lock<std::mutex> &lock)
    {
        while (job_ && next_ < n_) {
            size_t i = next_++;
            const std::function<void(size_t)> &job = *job_;
            lock.unlock();
            job(i);
            lock.lock();
            if (--left_ == 0)
                done_.notify_all();
        }
    }

    void serve()
    {
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            work_.wait(lock, [this] { return quit_ || (job_ && next_ < n_); });
            if (quit_)
                return;
            take(lock);
        }
    }

    std::mutex mu_;
    std::condition_variable work_, done_;
    std::vector<std::thread> threads_;
    const std::function<void(size_t)> *job_ = nullptr;
    size_t next_ = 0, n_ = 0, left_ = 0;
    bool quit_ = false;
};

struct kh_db {
    /* One of the two is in use: writable says which. Holding both by value
     * (an empty Database is cheap) avoids a second allocation and a cast. */
    Xapian::Database reader;
    Xapian::WritableDatabase writer;
    bool writable = false;
    bool remote = false; /* some of it is reached over the network (a stub's remote line) */
    std::string name;    /* path(s), for messages */
    std::vector<kh_shard> shards; /* a stub with remote lines, line by line; else empty */
    double remote_timeout = KH_DB_REMOTE_TIMEOUT_DEFAULT;
    /* Reads over remote connections at once (run_at_once); declared last,
     * so its threads end before the connections they use are closed. */
    std::unique_ptr<worker_pool> pool;

    Xapian::Database &get()
    {
        return writable ? writer : reader;
    }
};

struct kh_doc {
    Xapian::Document doc;
    std::string borrowed; /* what kh_doc_get_data() hands out */
};

struct kh_xquery {
    Xapian::Query query;
};

struct kh_enquire {
    kh_db_t *db;
    Xapian::Enquire enquire;

    explicit kh_enquire(kh_db_t *d) : db(d), enquire(d->get()) {}
};

struct kh_mset {
    Xapian::MSet mset;
    kh_db_t *db = nullptr; /* the database searched: a remote shard's failure is told on it */
    /* Separate buffers so that data and a value of one hit can be held
     * together, although the header only promises one call's lifetime. */
    std::string data;
    std::string value;
};

namespace
{

/* ---- error reporting ---------------------------------------------------- */

/* Formats into err, when given. */
__attribute__((format(printf, 3, 4))) kh_status_t report(kh_error_t *err, kh_status_t status,
                                                         const char *fmt, ...)
{
    if (!err)
        return status;
    va_list ap;
    va_start(ap, fmt);
    kh_error_vset(err, status, fmt, ap);
    va_end(ap);
    return status;
}

/*
 * What the system said behind the Xapian error being handled, in the user's
 * words, or nullptr; must be called from inside a catch block. A full disk
 * reached the user as "database is corrupt or not a Xapian database (Error
 * writing block 604: No space left on device)", a read-only file system as
 * a lock held by another writer, too many open files as a folder holding no
 * database. Xapian 1.4 keeps the errno only as text: its
 * get_error_string(), or inside the message ("Couldn't open lockfile:
 * Read-only file system"; its lock says "too many open files" itself).
 */
const char *system_cause() noexcept
{
    /* ENFILE's text begins with EMFILE's: looked for first. */
    static const int codes[] = {ENFILE, EMFILE, ENOSPC, EDQUOT, EROFS, EACCES};
    try {
        throw;
    } catch (const Xapian::Error &e) {
        const char *sys = e.get_error_string();
        const std::string &msg = e.get_msg();
        for (int code : codes) {
            const char *text = strerror(code);
            if ((sys && strcmp(sys, text) == 0) || msg.find(text) != std::string::npos)
                return kh_system_cause(code);
        }
        if (msg.find(": too many open files") != std::string::npos)
            return kh_system_cause(EMFILE);
    } catch (...) {
    }
    return nullptr;
}

/*
 * The status of the exception being handled; must be called from inside a
 * catch block. Xapian::Error has no virtual members in 1.4, so dynamic_cast
 * cannot classify it: rethrowing into typed handlers can. Most specific
 * first, since several of these derive from one another. A cause of the
 * system's (system_cause()) is KH_ERR_IO whatever Xapian made of it.
 */
kh_status_t classify() noexcept
{
    if (system_cause())
        return KH_ERR_IO;
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        /* Only "already locked" means another writer: Xapian raises the same
         * error for a lock file it cannot make (--wait would wait forever). */
        return e.get_msg().find("already locked") != std::string::npos ? KH_ERR_DB_LOCKED
                                                                       : KH_ERR_DB_OPEN;
    } catch (const Xapian::DatabaseNotFoundError &) {
        return KH_ERR_DB_NOT_FOUND;
    } catch (const Xapian::DatabaseVersionError &) {
        return KH_ERR_DB_VERSION;
    } catch (const Xapian::DatabaseOpeningError &) {
        return KH_ERR_DB_OPEN;
    } catch (const Xapian::DatabaseCreateError &) {
        return KH_ERR_DB_OPEN;
    } catch (const Xapian::DatabaseCorruptError &) {
        return KH_ERR_DB_CORRUPT;
    } catch (const Xapian::DatabaseModifiedError &) {
        return KH_ERR_DB_MODIFIED;
    } catch (const Xapian::DatabaseClosedError &) {
        return KH_ERR_DB_CLOSED;
    } catch (const Xapian::DatabaseError &) {
        /*
         * The rest of the database errors, e.g. "EOF reading block 96": a
         * table shorter than the revision being read says, which is what a
         * reader sees when an index is swapped for its compacted copy while
         * it opens (reliability_compact_search); the searcher opens again.
         */
        return KH_ERR_DB_CORRUPT;
    } catch (const Xapian::NetworkError &) {
        return KH_ERR_NETWORK;
    } catch (const Xapian::DocNotFoundError &) {
        return KH_ERR_NOT_FOUND;
    } catch (const Xapian::InvalidArgumentError &) {
        return KH_ERR_ARG;
    } catch (const Xapian::InvalidOperationError &) {
        return KH_ERR_ARG;
    } catch (const Xapian::Error &) {
        return KH_ERR_XAPIAN;
    } catch (const std::bad_alloc &) {
        return KH_ERR_NOMEM;
    } catch (...) {
        return KH_ERR_INTERNAL;
    }
}

/*
 * Turns the exception being handled into a status and the message
 * "<context>: <status message>[: <hint>] (<Xapian message>)", the system's
 * cause in place of the status message when there is one ("the disk is
 * full"). Must be called from inside a catch block.
 */
kh_status_t fail(kh_error_t *err, const char *context, const char *hint = nullptr) noexcept
{
    kh_status_t status = classify();
    const char *cause = system_cause();
    const char *sep = hint ? ": " : "";
    if (!hint)
        hint = "";
    try {
        throw;
    } catch (const Xapian::Error &e) {
        const std::string &where = e.get_context();
        const char *sys = e.get_error_string();
        return report(err, status, "%s: %s%s%s (%s%s%s%s%s)", context,
                      cause ? cause : kh_status_message(status), sep, hint, e.get_msg().c_str(),
                      where.empty() ? "" : ", context: ", where.c_str(), sys ? ": " : "",
                      sys ? sys : "");
    } catch (const std::exception &e) {
        return report(err, status, "%s: %s (%s)", context, kh_status_message(status), e.what());
    } catch (...) {
        return report(err, status, "%s: %s (unknown exception)", context,
                      kh_status_message(status));
    }
}

/* A failed call on db: "<path>: <operation>: ...". */
kh_status_t db_fail(kh_db_t *db, kh_error_t *err, const char *operation) noexcept
{
    char context[KH_ERROR_MESSAGE_MAX];
    snprintf(context, sizeof context, "%s: %s", db->name.c_str(), operation);
    return fail(err, context);
}

kh_status_t null_arg(kh_error_t *err, const char *func)
{
    return report(err, KH_ERR_ARG, "%s: a required argument is NULL", func);
}

/* Starts a call on db: a NULL handle is refused with the function's name. */
kh_status_t enter(kh_db_t *db, kh_error_t *err, const char *func)
{
    if (!db)
        return null_arg(err, func);
    return KH_OK;
}

kh_status_t need_writer(kh_db_t *db, kh_error_t *err, const char *operation)
{
    if (db->writable)
        return KH_OK;
    return report(err, KH_ERR_ARG, "%s: %s: the database is open read-only", db->name.c_str(),
                  operation);
}

/*
 * The try/catch of an entry point, written once: runs body (its Xapian
 * calls, returning its status) and, should it throw, returns on_failure(),
 * called inside the catch block as fail() needs. The argument checks stay
 * in the entry point, before the call, since they differ from one to the
 * next; a message that names the call's arguments is formatted in
 * on_failure, only when it is needed.
 */
template <class F, class G> kh_status_t guard(F &&body, G &&on_failure) noexcept
{
    try {
        return body();
    } catch (...) {
        return on_failure();
    }
}

/* guard() with the message "<context>: ..." (fail()). */
template <class F> kh_status_t guarded(kh_error_t *err, const char *context, F &&body) noexcept
{
    return guard(std::forward<F>(body), [&] { return fail(err, context); });
}

/* ---- remote shards that stop answering ---------------------------------- */

/*
 * The remote shards that stopped answering (a NetworkError: no reply within
 * the timeout, the connection lost) in this process, by stub spec. That a
 * server stopped is a fact about the server, not about one handle: the
 * threads of a batch hold a connection each, and each would otherwise wait
 * its own timeout before learning it (a server stopped with SIGSTOP cost
 * every query of a batch its 10 s) and warn about it again.
 */
struct down_shard {
    std::string spec;
    std::string why;   /* "no reply within 10 s", or Xapian's message */
    bool told = false; /* a caller was given it to warn about (kh_db_drop_down_shards) */
};
std::mutex down_mutex;
std::vector<down_shard> down_shards; /* under down_mutex */

/* The shard of db that Xapian's error context names, or nullptr. */
const kh_shard *shard_named(const kh_db_t *db, const std::string &context)
{
    const kh_shard *only = nullptr;
    size_t remote = 0;
    for (const kh_shard &s : db->shards) {
        if (s.context.empty() || s.dropped)
            continue;
        if (context.compare(0, s.context.size(), s.context) == 0)
            return &s;
        only = &s;
        remote++;
    }
    return remote == 1 ? only : nullptr; /* Xapian gave no context: the one remote shard */
}

/*
 * A call on db failed; inside its catch block. When a remote shard failed
 * (a NetworkError), it is marked down for the rest of the process and the
 * message names it, "<path>: shard '<spec>' (<stub> line N): <operation>:
 * ..."; any other failure is db_fail()'s.
 */
kh_status_t shard_fail(kh_db_t *db, kh_error_t *err, const char *operation) noexcept
{
    if (db->shards.empty() || classify() != KH_ERR_NETWORK)
        return db_fail(db, err, operation);
    const kh_shard *failed = nullptr;
    bool timed_out = false;
    try {
        throw;
    } catch (const Xapian::NetworkTimeoutError &e) {
        timed_out = true;
        failed = shard_named(db, e.get_context());
    } catch (const Xapian::Error &e) {
        failed = shard_named(db, e.get_context());
    } catch (...) {
    }
    if (!failed)
        return db_fail(db, err, operation);
    char context[KH_ERROR_MESSAGE_MAX], hint[64];
    snprintf(context, sizeof context, "%s: shard '%s' (%s line %u): %s", db->name.c_str(),
             failed->spec.c_str(), failed->stub.c_str(), failed->line, operation);
    snprintf(hint, sizeof hint, "no reply within %g s", db->remote_timeout);
    kh_status_t status = fail(err, context, timed_out ? hint : nullptr);
    try {
        std::lock_guard<std::mutex> lock(down_mutex);
        bool known = false;
        for (const down_shard &d : down_shards)
            known = known || d.spec == failed->spec;
        if (!known) {
            down_shard d;
            d.spec = failed->spec;
            d.why = timed_out ? hint : "connection lost";
            down_shards.push_back(d);
        }
    } catch (...) {
        /* Out of memory: the next call on the shard finds out again. */
    }
    return status;
}

/*
 * KH_ERR_NETWORK, naming the shard, when a remote shard db still searches
 * stopped answering earlier in this process: the call fails at once
 * rather than wait for a server that does not answer.
 */
kh_status_t check_shards(kh_db_t *db, kh_error_t *err) noexcept
{
    if (db->shards.empty())
        return KH_OK;
    try {
        std::lock_guard<std::mutex> lock(down_mutex);
        for (const kh_shard &s : db->shards) {
            if (s.dropped || s.context.empty())
                continue;
            for (const down_shard &d : down_shards)
                if (d.spec == s.spec)
                    return report(err, KH_ERR_NETWORK,
                                  "%s: shard '%s' (%s line %u): %s: it stopped answering "
                                  "earlier in this run (%s); not asked again",
                                  db->name.c_str(), s.spec.c_str(), s.stub.c_str(), s.line,
                                  kh_status_message(KH_ERR_NETWORK), d.why.c_str());
        }
    } catch (...) {
        return report(err, KH_ERR_NOMEM, "%s: out of memory", db->name.c_str());
    }
    return KH_OK;
}

/* guard() for a call on db: the message is "<path>: <operation>: ..."
 * (db_fail()); a remote shard that stops
 * answering is named, and fails later calls at once (check_shards()). */
template <class F>
kh_status_t db_guarded(kh_db_t *db, kh_error_t *err, const char *operation, F &&body) noexcept
{
    if (kh_status_t st = check_shards(db, err))
        return st;
    return guard(std::forward<F>(body), [&] { return shard_fail(db, err, operation); });
}

/* db_guarded() for a change to db: refused first when db is open read-only,
 * with operation naming it in either message. */
template <class F>
kh_status_t writer_guarded(kh_db_t *db, kh_error_t *err, const char *operation, F &&body) noexcept
{
    if (kh_status_t st = need_writer(db, err, operation))
        return st;
    return db_guarded(db, err, operation, std::forward<F>(body));
}

/* How many bytes of s to quote in a message without cutting a UTF-8 character. */
int quote_len(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

/*
 * Xapian refuses empty terms, and terms over 245 bytes only when the
 * document reaches the database, far from the code that built the term:
 * checking here names the culprit.
 */
kh_status_t check_term(const char *term, kh_error_t *err, const char *context)
{
    if (!term)
        return report(err, KH_ERR_ARG, "%s: term is NULL", context);
    size_t len = strlen(term);
    if (len == 0)
        return report(err, KH_ERR_ARG, "%s: empty term", context);
    if (len > KH_MAX_TERM_BYTES)
        return report(err, KH_ERR_ARG,
                      "%s: term of %zu bytes is longer than Xapian's limit of %d: \"%.*s...\"",
                      context, len, KH_MAX_TERM_BYTES, quote_len(term, 40), term);
    return KH_OK;
}

/* What is at path, when Xapian says there is no database there (or cannot make one). */
const char *path_hint(const char *path, kh_status_t status)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return nullptr;
        /* Creating fails on a missing path only when its parent is missing too. */
        return status == KH_ERR_DB_NOT_FOUND ? "the path does not exist"
                                             : "the folder it would be created in does not exist";
    }
    if (!S_ISDIR(st.st_mode))
        return nullptr; /* a stub file: Xapian's message names the bad line or member */
    static const char *const markers[] = {KH_INDEX_GLASS_MARKER, "iamchert", KH_INDEX_STUB_NAME};
    std::string marker;
    for (const char *m : markers) {
        try {
            marker = std::string(path) + "/" + m;
        } catch (...) {
            return nullptr;
        }
        if (stat(marker.c_str(), &st) == 0)
            return nullptr;
    }
    return "the folder holds no Xapian database";
}

kh_status_t open_fail(kh_error_t *err, const char *path) noexcept
{
    kh_status_t status = classify();
    const char *hint = nullptr;
    if (status == KH_ERR_DB_NOT_FOUND || status == KH_ERR_DB_OPEN)
        hint = path_hint(path, status);
    return fail(err, path, hint);
}

int open_flags(kh_db_mode_t mode)
{
    switch (mode) {
    case KH_DB_OPEN:
        return Xapian::DB_OPEN;
    case KH_DB_CREATE_OR_OPEN:
        return Xapian::DB_CREATE_OR_OPEN;
    case KH_DB_CREATE:
        return Xapian::DB_CREATE;
    case KH_DB_CREATE_OR_OVERWRITE:
        return Xapian::DB_CREATE_OR_OVERWRITE;
    case KH_DB_READ_ONLY:
        break;
    }
    return -1;
}

/* malloc, not new: the header promises the caller frees with free(). */
char *dup_string(const std::string &s)
{
    char *copy = static_cast<char *>(malloc(s.size() + 1));
    if (!copy)
        throw std::bad_alloc();
    memcpy(copy, s.data(), s.size());
    copy[s.size()] = '\0';
    return copy;
}

/*
 * Stub database files (Xapian's format, backends/dbfactory.cc in 1.4): one
 * database a line, "TYPE ARGS"; blank lines and '#' comments are skipped;
 * relative paths are relative to the stub's folder. Parsed here only to open
 * each line alone: to name the shard that fails, and for a partial search.
 */
struct stub_line {
    unsigned number;
    std::string spec; /* the line, relative path made absolute */
    std::string type, arg;
};

/* The stub file behind path (a stub file, or a sharded index's folder: index.h), or "". */
std::string stub_file_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return "";
    if (S_ISREG(st.st_mode))
        return path;
    std::string inside = std::string(path) + "/" KH_INDEX_STUB_NAME;
    if (S_ISDIR(st.st_mode) && stat(inside.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        return inside;
    return "";
}

/* Reads the lines of stub file; false (with errno) when it cannot be read. */
bool read_stub(const std::string &stub, std::vector<stub_line> &lines)
{
    FILE *f = fopen(stub.c_str(), "r");
    if (!f)
        return false;
    std::string dir = stub.substr(0, stub.find_last_of('/') + 1); /* "" or ".../" */
    char buf[4096];
    unsigned number = 0;
    while (fgets(buf, sizeof buf, f)) {
        number++;
        std::string line(buf);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        stub_line l;
        l.number = number;
        size_t space = line.find(' ');
        l.type = line.substr(0, space);
        l.arg = space == std::string::npos ? "" : line.substr(space + 1);
        if (l.type != "remote" && l.type != "inmemory" && !l.arg.empty() && l.arg[0] != '/')
            l.arg = dir + l.arg;
        l.spec = l.arg.empty() ? l.type : l.type + " " + l.arg;
        lines.push_back(l);
    }
    fclose(f);
    return true;
}

/* Seconds as Xapian's milliseconds, at least 1. */
unsigned timeout_ms(double seconds)
{
    double ms = seconds * 1000.0;
    return ms < 1.0 ? 1u : ms > 4e9 ? 4000000000u : (unsigned)ms;
}

/*
 * What Xapian's NetworkError::get_context() calls a remote stub line
 * (net/tcpclient.cc and progclient.cc of 1.4: "remote:tcp(HOST:PORT)",
 * "remote:prog(PROGRAM ARGS"), to tell which shard failed; "" if local.
 */
std::string remote_context(const stub_line &l)
{
    if (l.type != "remote")
        return "";
    if (!l.arg.empty() && l.arg[0] == ':')
        return "remote:prog(" + l.arg.substr(1);
    return "remote:tcp(" + l.arg + ")";
}

/*
 * Opens one stub line as a database of its own, a remote one given timeout
 * seconds to connect and to answer each request; throws what Xapian
 * throws.
 */
Xapian::Database open_stub_line(const stub_line &l, double timeout)
{
    unsigned ms = timeout_ms(timeout);
    if (l.type == "remote") {
        /* "remote :PROGRAM ARGS" runs a program (xapian-progsrv); anything
         * else is HOST:PORT over TCP (xapian-tcpsrv). */
        if (!l.arg.empty() && l.arg[0] == ':') {
            size_t space = l.arg.find(' ');
            std::string program = l.arg.substr(1, space == std::string::npos ? space : space - 1);
            std::string args = space == std::string::npos ? "" : l.arg.substr(space + 1);
            return Xapian::Remote::open(program, args, ms);
        }
        size_t colon = l.arg.rfind(':');
        if (colon == std::string::npos || colon + 1 == l.arg.size())
            throw Xapian::DatabaseOpeningError("remote line without a port: " + l.spec);
        unsigned port = (unsigned)strtoul(l.arg.c_str() + colon + 1, nullptr, 10);
        return Xapian::Remote::open(l.arg.substr(0, colon), port, ms, ms);
    }
    if (l.type == "auto" || l.type == "glass" || l.type == "chert")
        return Xapian::Database(l.arg);
    if (l.type == "inmemory")
        return Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY);
    throw Xapian::DatabaseOpeningError("unknown stub line type '" + l.type + "'");
}

/* Whether path is a stub with a remote line (as far as it can be read). */
bool stub_has_remote(const char *path) noexcept
{
    try {
        std::string stub = stub_file_of(path);
        std::vector<stub_line> lines;
        if (stub.empty() || !read_stub(stub, lines))
            return false;
        for (const stub_line &l : lines)
            if (l.type == "remote")
                return true;
    } catch (...) {
    }
    return false;
}

/*
 * After opening path failed: when path is a stub, the message of its first
 * line that fails alone ("PATH: shard 'remote h:p' (STUB line 2): ..."),
 * which names the culprit where Xapian's own message may not. Returns
 * false when path is no stub or every line opens alone.
 */
bool name_failing_shard(const char *path, kh_error_t *err) noexcept
{
    try {
        std::string stub = stub_file_of(path);
        std::vector<stub_line> lines;
        if (stub.empty() || !read_stub(stub, lines) || lines.size() < 2)
            return false;
        for (const stub_line &l : lines) {
            try {
                open_stub_line(l, KH_DB_REMOTE_TIMEOUT_DEFAULT);
            } catch (...) {
                char context[KH_ERROR_MESSAGE_MAX];
                snprintf(context, sizeof context, "%s: shard '%s' (%s line %u)", path,
                         l.spec.c_str(), stub.c_str(), l.number);
                fail(err, context);
                return true;
            }
        }
    } catch (...) {
        /* Out of memory naming it: Xapian's own message will do. */
    }
    return false;
}

/*
 * Runs work(0) .. work(n - 1) at once on db's worker_pool (the caller's
 * thread takes its share), then throws the first exception one of them
 * threw, after every one ended: work must only touch what belongs to its
 * own i.
 */
template <typename F> void run_at_once(kh_db_t *db, size_t n, F &&work)
{
    std::vector<std::exception_ptr> failed(n);
    std::function<void(size_t)> guarded = [&](size_t i) {
        try {
            work(i);
        } catch (...) {
            failed[i] = std::current_exception();
        }
    };
    if (n > 1 && !db->pool)
        db->pool.reset(new worker_pool);
    if (n > 1)
        db->pool->run(n, guarded);
    else if (n == 1)
        guarded(0);
    for (std::exception_ptr &e : failed)
        if (e)
            std::rethrow_exception(e);
}

/*
 * Opens the read-only stub at path into db, every line at once (its shards, then
 * its reader, in line order as Xapian's own stub opening adds them), each
 * remote line given db->remote_timeout: Xapian's stub lines carry no
 * timeout of their own. Returns KH_OK; when lines fail to open, the
 * message names the first of them. Throws std::bad_alloc.
 */
kh_status_t open_shards(kh_db_t *db, const std::string &stub, kh_error_t *err)
{
    std::vector<stub_line> lines;
    if (!read_stub(stub, lines))
        return report(err, KH_ERR_IO, "%s: %s", stub.c_str(), strerror(errno));
    /* Every line at once: over remote lines, one opening's round trips instead of one per line
     * (and one timeout instead of one per line that does not answer). */
    std::vector<Xapian::Database> opened(lines.size());
    std::vector<std::exception_ptr> failed(lines.size());
    run_at_once(db, lines.size(), [&](size_t i) {
        try {
            opened[i] = open_stub_line(lines[i], db->remote_timeout);
        } catch (...) {
            failed[i] = std::current_exception();
        }
    });
    for (size_t i = 0; i < lines.size(); i++) {
        const stub_line &l = lines[i];
        kh_shard shard;
        shard.line = l.number;
        shard.spec = l.spec;
        shard.stub = stub;
        shard.context = remote_context(l);
        shard.type = l.type;
        shard.arg = l.arg;
        if (failed[i]) {
            char context[KH_ERROR_MESSAGE_MAX], hint[64];
            snprintf(context, sizeof context, "%s: shard '%s' (%s line %u)", db->name.c_str(),
                     l.spec.c_str(), stub.c_str(), l.number);
            snprintf(hint, sizeof hint, "no reply within %g s", db->remote_timeout);
            try {
                std::rethrow_exception(failed[i]);
            } catch (const Xapian::NetworkTimeoutError &) {
                return fail(err, context, hint);
            } catch (...) {
                return fail(err, context);
            }
        }
        shard.db = opened[i];
        db->reader.add_database(shard.db);
        db->shards.push_back(shard);
    }
    if (lines.empty())
        return report(err, KH_ERR_DB_OPEN, "%s: the stub file lists no database", db->name.c_str());
    return KH_OK;
}

/* Excludes prefixed terms from query expansion (see kh_enquire_expand()). */
class UnprefixedOnly : public Xapian::ExpandDecider
{
  public:
    bool operator()(const std::string &term) const override
    {
        return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
    }
};

/*
 * Connection w (0 to PARALLEL_PER_SHARD - 1) to shard: 0 is the stub's own,
 * the others opened on first use; a local shard has only its own.
 */
Xapian::Database &shard_connection(kh_db_t *db, kh_shard *shard, size_t w)
{
    if (w == 0 || shard->context.empty())
        return shard->db;
    if (shard->more.size() < PARALLEL_PER_SHARD - 1) {
        shard->more.resize(PARALLEL_PER_SHARD - 1);
        shard->more_open.resize(PARALLEL_PER_SHARD - 1, 0);
    }
    if (!shard->more_open[w - 1]) {
        stub_line line{shard->line, shard->spec, shard->type, shard->arg};
        shard->more[w - 1] = open_stub_line(line, db->remote_timeout);
        shard->more_open[w - 1] = 1;
    }
    return shard->more[w - 1];
}

/*
 * Opens connections 1 to ways[s] - 1 of each remote shard live[s] that are
 * not open yet: one shard's one after the other, the shards at once, each
 * on a thread of the database's pool. xapian-tcpsrv listens with a backlog of 5, and
 * connections to one server opened all at once (2 searchers x 7 x 4
 * shards) overflowed it; the dropped ones waited for TCP to retry and
 * timed out ("no reply within 10 s"). One shard after the other, the 7
 * connections to each of 4 shards cost the first query 28 connections'
 * openings in turn (55 round trips instead of 14 at 20 ms). ways[s]
 * becomes the number of connections shard s has open for use: fewer when
 * an extra one cannot be opened (kh_shard's usable).
 */
void open_connections(kh_db_t *db, const std::vector<kh_shard *> &live, std::vector<size_t> &ways)
{
    std::vector<size_t> todo;
    for (size_t s = 0; s < live.size(); s++) {
        kh_shard *shard = live[s];
        ways[s] = std::max((size_t)1, std::min(ways[s], shard->usable));
        bool missing = false;
        for (size_t w = 1; w < ways[s] && !shard->context.empty(); w++)
            missing = missing || w > shard->more_open.size() || !shard->more_open[w - 1];
        if (missing)
            todo.push_back(s);
    }
    run_at_once(db, todo.size(), [&](size_t t) {
        size_t s = todo[t];
        for (size_t w = 1; w < ways[s]; w++) {
            try {
                shard_connection(db, live[s], w);
            } catch (const Xapian::Error &) {
                /* The shard itself answers on connection 0: read over those open. */
                live[s]->usable = ways[s] = w;
            }
        }
    });
}

/*
 * Calls read(database, s, i) for each item i of items[s], s a shard of
 * live, from several threads at once: each shard's items are spread over
 * up to PARALLEL_PER_SHARD connections to it (one, a local shard), each in
 * a thread of its own, so read must only touch what belongs to (s, i).
 * Throws the first exception a read threw (after every thread ended).
 */
template <typename F>
void on_shards_at_once(kh_db_t *db, const std::vector<kh_shard *> &live,
                       const std::vector<std::vector<size_t>> &items, F &&read)
{
    struct connection {
        kh_shard *shard;
        size_t s;    /* in live */
        size_t slot; /* 0: shard->db; else shard->more[slot - 1] */
        std::vector<size_t> items;
    };
    std::vector<connection> connections;
    std::vector<size_t> ways(live.size());
    for (size_t s = 0; s < live.size(); s++)
        ways[s] =
            live[s]->context.empty() ? 1 : std::min(items[s].size(), (size_t)PARALLEL_PER_SHARD);
    open_connections(db, live, ways);
    for (size_t s = 0; s < live.size(); s++) {
        const std::vector<size_t> &mine = items[s];
        if (mine.empty())
            continue;
        kh_shard *shard = live[s];
        size_t first = connections.size();
        for (size_t w = 0; w < ways[s]; w++)
            connections.push_back({shard, s, w, {}});
        for (size_t j = 0; j < mine.size(); j++)
            connections[first + j % ways[s]].items.push_back(mine[j]);
    }
    run_at_once(db, connections.size(), [&](size_t c) {
        connection &conn = connections[c];
        Xapian::Database &x = shard_connection(db, conn.shard, conn.slot);
        for (size_t i : conn.items)
            read(x, conn.s, i);
    });
}

/* The shards of db's reader, one for one with the stub's lines left in; empty when not remote. */
std::vector<kh_shard *> live_shards(kh_db_t *db)
{
    std::vector<kh_shard *> live;
    if (!db->remote)
        return live;
    for (kh_shard &s : db->shards)
        if (!s.dropped)
            live.push_back(&s);
    if (db->get().size() != live.size())
        live.clear();
    return live;
}

/*
 * Calls read(database, shard docid, i) for each docids[i] (docids of db's
 * reader), in some order and from several threads at once when db has
 * remote shards (on_shards_at_once). Otherwise, or when the reader's
 * shards are not the stub's lines one for one, in order on the reader.
 */
template <typename F>
void for_each_document(kh_db_t *db, const unsigned *docids, size_t n, F &&read)
{
    std::vector<kh_shard *> live = n < 2 ? std::vector<kh_shard *>() : live_shards(db);
    if (live.empty()) {
        Xapian::Database &reader = db->get();
        for (size_t i = 0; i < n; i++)
            read(reader, docids[i], i);
        return;
    }
    size_t k = live.size();
    /* A multi-database interleaves its shards' docids: shard (d-1) % k, docid (d-1) / k + 1. */
    std::vector<std::vector<size_t>> items(k);
    for (size_t i = 0; i < n; i++)
        if (docids[i])
            items[(docids[i] - 1) % k].push_back(i);
    on_shards_at_once(db, live, items, [&](Xapian::Database &x, size_t, size_t i) {
        read(x, (docids[i] - 1) / (unsigned)k + 1, i);
    });
}

} // namespace

/* ---- databases ---------------------------------------------------------- */

/* kh_db_open() and kh_db_open_reader(): remote_timeout applies to read-only stubs. */
static kh_status_t open_db(const char *path, kh_db_mode_t mode, double remote_timeout,
                           kh_db_t **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!path || !out)
        return null_arg(err, __func__);
    if (!*path)
        return report(err, KH_ERR_ARG, "%s: empty path", __func__);
    int flags = open_flags(mode);
    if (mode != KH_DB_READ_ONLY && flags < 0)
        return report(err, KH_ERR_ARG, "%s: %s: unknown mode %d", __func__, path, (int)mode);
    if (!(remote_timeout > 0))
        return report(err, KH_ERR_ARG, "%s: %s: the remote timeout must be above 0", __func__,
                      path);
    try {
        std::unique_ptr<kh_db> db(new kh_db);
        db->name = path;
        db->remote_timeout = remote_timeout;
        if (mode == KH_DB_READ_ONLY) {
            db->remote = stub_has_remote(path);
            if (db->remote) {
                /* Line by line: each remote shard gets the timeout, and is named when it fails. */
                if (kh_status_t st = open_shards(db.get(), stub_file_of(path), err))
                    return st;
            } else {
                db->reader = Xapian::Database(path);
            }
        } else {
            db->writer = Xapian::WritableDatabase(path, flags);
            db->writable = true;
        }
        *out = db.release();
        return KH_OK;
    } catch (...) {
        kh_status_t status = open_fail(err, path);
        /* A stub of several shards: say which one failed (a remote one down). */
        if (mode == KH_DB_READ_ONLY && status != KH_ERR_NOMEM) {
            kh_error_t named;
            if (name_failing_shard(path, &named)) {
                if (err)
                    *err = named;
                return named.status;
            }
        }
        return status;
    }
}

kh_status_t kh_db_open(const char *path, kh_db_mode_t mode, kh_db_t **out, kh_error_t *err)
{
    return open_db(path, mode, KH_DB_REMOTE_TIMEOUT_DEFAULT, out, err);
}

kh_status_t kh_db_open_reader(const char *path, double remote_timeout, kh_db_t **out,
                              kh_error_t *err)
{
    return open_db(path, KH_DB_READ_ONLY, remote_timeout, out, err);
}

kh_status_t kh_db_stub_probe(const char *path, double remote_timeout, kh_stub_fn fn, void *ctx,
                             kh_error_t *err)
{
    if (!path || !fn)
        return null_arg(err, __func__);
    if (!(remote_timeout > 0))
        return report(err, KH_ERR_ARG, "%s: the remote timeout must be above 0", __func__);
    try {
        std::string stub = stub_file_of(path);
        std::vector<stub_line> lines;
        if (stub.empty()) {
            stub_line whole;
            whole.number = 0;
            whole.type = "auto";
            whole.arg = path;
            whole.spec = std::string("auto ") + path;
            lines.push_back(whole);
        } else if (!read_stub(stub, lines)) {
            return report(err, KH_ERR_IO, "%s: %s", stub.c_str(), strerror(errno));
        }
        for (const stub_line &l : lines) {
            kh_error_t e;
            kh_status_t status = KH_OK;
            try {
                open_stub_line(l, remote_timeout);
            } catch (...) {
                char context[KH_ERROR_MESSAGE_MAX];
                snprintf(context, sizeof context, "shard '%s' (%s line %u)", l.spec.c_str(),
                         stub.empty() ? path : stub.c_str(), l.number);
                status = fail(&e, context);
            }
            if (fn(ctx, l.number, l.spec.c_str(), status, status ? e.message : ""))
                break;
        }
        return KH_OK;
    } catch (...) {
        return fail(err, path);
    }
}

unsigned kh_db_shard_count(const kh_db_t *db)
{
    if (!db)
        return 0;
    try {
        return (unsigned)const_cast<kh_db_t *>(db)->get().size();
    } catch (...) {
        return 1;
    }
}

int kh_db_is_remote(const kh_db_t *db)
{
    return db && db->remote;
}

kh_status_t kh_db_drop_down_shards(kh_db_t *db, unsigned *dropped, kh_stub_fn fn, void *ctx,
                                   kh_error_t *err)
{
    if (dropped)
        *dropped = 0;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!dropped)
        return null_arg(err, __func__);
    try {
        struct told {
            unsigned line;
            std::string spec, message;
        };
        std::vector<told> to_tell;
        {
            std::lock_guard<std::mutex> lock(down_mutex);
            for (kh_shard &s : db->shards) {
                for (down_shard &d : down_shards) {
                    if (s.dropped || s.context.empty() || d.spec != s.spec)
                        continue;
                    s.dropped = true;
                    (*dropped)++;
                    if (!d.told && fn) {
                        d.told = true;
                        char message[KH_ERROR_MESSAGE_MAX];
                        snprintf(message, sizeof message, "shard '%s' (%s line %u): %s",
                                 s.spec.c_str(), s.stub.c_str(), s.line, d.why.c_str());
                        to_tell.push_back({s.line, s.spec, message});
                    }
                }
            }
        }
        if (!*dropped)
            return KH_OK;
        Xapian::Database rest;
        size_t left = 0;
        for (const kh_shard &s : db->shards) {
            if (!s.dropped) {
                rest.add_database(s.db);
                left++;
            }
        }
        if (!left)
            return report(err, KH_ERR_NETWORK, "%s: no shard answers any more", db->name.c_str());
        db->reader = rest;
        for (const told &t : to_tell)
            if (fn(ctx, t.line, t.spec.c_str(), KH_ERR_NETWORK, t.message.c_str()))
                break;
        return KH_OK;
    } catch (...) {
        return db_fail(db, err, "leaving out the shards that stopped answering");
    }
}

void kh_db_close(kh_db_t *db)
{
    if (!db)
        return;
    /* close() rather than relying on the destructor: an enquire or document
     * still holding a reference would otherwise keep the write lock, and the
     * implicit commit, alive past this call. */
    try {
        db->get().close();
    } catch (...) {
        /* Documented: a failed implicit commit is lost here. */
    }
    delete db;
}

kh_status_t kh_db_reopen(kh_db_t *db, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    return db_guarded(db, err, "reopen", [&] {
        db->get().reopen();
        return KH_OK;
    });
}

/* ---- writing ------------------------------------------------------------ */

kh_status_t kh_db_commit(kh_db_t *db, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    return writer_guarded(db, err, "commit", [&] {
        db->writer.commit();
        return KH_OK;
    });
}

kh_status_t kh_db_begin_transaction(kh_db_t *db, int flushed, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    return writer_guarded(db, err, "begin transaction", [&] {
        db->writer.begin_transaction(flushed != 0);
        return KH_OK;
    });
}

kh_status_t kh_db_commit_transaction(kh_db_t *db, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    return writer_guarded(db, err, "commit transaction", [&] {
        db->writer.commit_transaction();
        return KH_OK;
    });
}

kh_status_t kh_db_cancel_transaction(kh_db_t *db, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    return writer_guarded(db, err, "cancel transaction", [&] {
        db->writer.cancel_transaction();
        return KH_OK;
    });
}

kh_status_t kh_db_add_document(kh_db_t *db, const kh_doc_t *doc, unsigned *docid_out,
                               kh_error_t *err)
{
    if (docid_out)
        *docid_out = 0;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!doc)
        return report(err, KH_ERR_ARG, "%s: doc is NULL", __func__);
    return writer_guarded(db, err, "add document", [&] {
        Xapian::docid id = db->writer.add_document(doc->doc);
        if (docid_out)
            *docid_out = id;
        return KH_OK;
    });
}

kh_status_t kh_db_delete_documents_by_term(kh_db_t *db, const char *term, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (kh_status_t st = check_term(term, err, __func__))
        return st;
    return writer_guarded(db, err, "delete documents", [&] {
        db->writer.delete_document(term);
        return KH_OK;
    });
}

kh_status_t kh_db_set_metadata(kh_db_t *db, const char *key, const char *value, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!key || !value)
        return report(err, KH_ERR_ARG, "%s: key or value is NULL", __func__);
    return writer_guarded(db, err, "set metadata", [&] {
        db->writer.set_metadata(key, value);
        return KH_OK;
    });
}

/* ---- reading ------------------------------------------------------------ */

kh_status_t kh_db_get_document(kh_db_t *db, unsigned docid, kh_doc_t **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!out)
        return null_arg(err, __func__);
    return guard(
        [&] {
            std::unique_ptr<kh_doc> doc(new kh_doc);
            doc->doc = db->get().get_document(docid);
            *out = doc.release();
            return KH_OK;
        },
        [&] {
            char operation[64];
            snprintf(operation, sizeof operation, "get document %u", docid);
            return db_fail(db, err, operation);
        });
}

kh_status_t kh_db_doc_count(kh_db_t *db, unsigned *out, kh_error_t *err)
{
    if (out)
        *out = 0;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!out)
        return null_arg(err, __func__);
    return db_guarded(db, err, "document count", [&] {
        *out = db->get().get_doccount();
        return KH_OK;
    });
}

kh_status_t kh_db_term_freq(kh_db_t *db, const char *term, unsigned *out, kh_error_t *err)
{
    if (out)
        *out = 0;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!term || !out)
        return null_arg(err, __func__);
    return db_guarded(db, err, "term frequency", [&] {
        *out = db->get().get_termfreq(term);
        return KH_OK;
    });
}

kh_status_t kh_db_term_freqs(kh_db_t *db, const char *const *terms, size_t n, unsigned *out,
                             kh_error_t *err)
{
    for (size_t i = 0; out && i < n; i++)
        out[i] = 0;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (n && (!terms || !out))
        return null_arg(err, __func__);
    for (size_t i = 0; i < n; i++)
        if (!terms[i])
            return null_arg(err, __func__);
    return db_guarded(db, err, "term frequencies", [&] {
        Xapian::Database &x = db->get();
        std::vector<kh_shard *> live = n ? live_shards(db) : std::vector<kh_shard *>();
        if (live.empty()) {
            for (size_t i = 0; i < n; i++)
                out[i] = x.get_termfreq(terms[i]);
            return KH_OK;
        }
        /*
         * Xapian 1.4 asks a remote database for a term frequency in a round
         * trip of its own, one shard after the other. A few terms are asked
         * over the connections of on_shards_at_once(), every shard at once:
         * one round trip. More are gathered by a match that asks for no
         * results, from each shard in two exchanges whatever their number
         * (its statistics, then its empty mset).
         */
        if (n <= PARALLEL_PER_SHARD) {
            std::vector<std::vector<size_t>> items(live.size());
            std::vector<std::vector<unsigned>> freqs(live.size(), std::vector<unsigned>(n));
            for (auto &mine : items)
                for (size_t i = 0; i < n; i++)
                    mine.push_back(i);
            on_shards_at_once(db, live, items, [&](Xapian::Database &shard, size_t s, size_t i) {
                freqs[s][i] = shard.get_termfreq(terms[i]);
            });
            for (size_t i = 0; i < n; i++)
                for (const auto &f : freqs)
                    out[i] += f[i];
            return KH_OK;
        }
        std::vector<Xapian::Query> subs;
        subs.reserve(n);
        for (size_t i = 0; i < n; i++)
            subs.emplace_back(terms[i]);
        Xapian::Enquire enquire(x);
        enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end()));
        Xapian::MSet stats = enquire.get_mset(0, 0);
        for (size_t i = 0; i < n; i++)
            out[i] = stats.get_termfreq(terms[i]);
        return KH_OK;
    });
}

kh_status_t kh_db_wdfs(kh_db_t *db, const char *term, const unsigned *docids, size_t n,
                       unsigned *wdfs, kh_error_t *err)
{
    for (size_t i = 0; wdfs && i < n; i++)
        wdfs[i] = 0;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!term || (n && (!docids || !wdfs)))
        return null_arg(err, __func__);
    return db_guarded(db, err, "postings", [&] {
        Xapian::Database &x = db->get();
        auto it = x.postlist_begin(term), end = x.postlist_end(term);
        for (size_t i = 0; i < n && it != end; i++) {
            it.skip_to(docids[i]);
            if (it != end && *it == docids[i])
                wdfs[i] = it.get_wdf();
        }
        return KH_OK;
    });
}

kh_status_t kh_db_term_wdfs(kh_db_t *db, unsigned docid, kh_term_wdf_fn fn, void *ctx,
                            kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!fn)
        return null_arg(err, __func__);
    return guard(
        [&] {
            Xapian::Database &x = db->get();
            for (auto it = x.termlist_begin(docid), end = x.termlist_end(docid); it != end; ++it) {
                const std::string term = *it;
                if (fn(ctx, term.c_str(), it.get_wdf()))
                    break;
            }
            return KH_OK;
        },
        [&] {
            char operation[64];
            snprintf(operation, sizeof operation, "term list of document %u", docid);
            return db_fail(db, err, operation);
        });
}

kh_status_t kh_db_documents_term_wdfs(kh_db_t *db, const unsigned *docids, size_t n,
                                      kh_doc_term_wdf_fn fn, void *ctx, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!fn || (n && !docids))
        return null_arg(err, __func__);
    return db_guarded(db, err, "term lists", [&] {
        std::vector<std::vector<std::pair<std::string, unsigned>>> lists(n);
        for_each_document(db, docids, n, [&](Xapian::Database &x, unsigned docid, size_t i) {
            for (auto it = x.termlist_begin(docid), end = x.termlist_end(docid); it != end; ++it)
                lists[i].emplace_back(*it, it.get_wdf());
        });
        for (size_t i = 0; i < n; i++)
            for (const auto &tw : lists[i])
                if (fn(ctx, i, tw.first.c_str(), tw.second))
                    return KH_OK;
        return KH_OK;
    });
}

/*
 * kh_db_passage_wdfs() reads wdfs with matches rather than term lists: over
 * a remote shard a term list costs the server a term frequency lookup for
 * each of its terms (Xapian 1.4 sends them along), and reading the 50 top
 * passages' term lists was most of a feedback query's time, with no
 * latency at all (30-150 ms over 2 shards on loopback). A match weighs
 * each document by TfIdfWeight "nnn", which is the wdf itself, exactly;
 * each term's query scaled by 2^(bits x j) packs several terms' wdfs into
 * one weight, a sum of integers below 2^52, exact in a double whatever the
 * order of the additions. bits holds any wdf: a wdf is at most its
 * document's length. The groups of terms are matched at once, each over
 * its own connection to every shard: two exchanges, every shard at once.
 */
#define WDF_WEIGHT_BITS 52

kh_status_t kh_db_passage_wdfs(kh_db_t *db, const char *const *terms, size_t n_terms,
                               const char *const *ids, size_t n_ids, kh_passage_wdfs_fn fn,
                               void *ctx, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!fn || (n_terms && !terms) || (n_ids && !ids))
        return null_arg(err, __func__);
    for (size_t i = 0; i < n_terms; i++)
        if (!terms[i])
            return null_arg(err, __func__);
    for (size_t i = 0; i < n_ids; i++)
        if (!ids[i])
            return null_arg(err, __func__);
    if (!n_terms || !n_ids)
        return KH_OK;
    return db_guarded(db, err, "passage wdfs", [&] {
        Xapian::Database &reader = db->get();
        unsigned bits = 1;
        while (bits < WDF_WEIGHT_BITS && (1ull << bits) <= reader.get_doclength_upper_bound())
            bits++;
        size_t per_group = WDF_WEIGHT_BITS / bits;
        size_t n_groups = (n_terms + per_group - 1) / per_group;
        std::map<Xapian::docid, std::vector<unsigned>> wdfs;
        std::vector<Xapian::MSet> msets(n_groups);
        auto match = [&](Xapian::Database &on, size_t g) {
            /* Each match builds its own passages' query: a Query shared by
             * the threads had its reference count (not atomic in Xapian
             * 1.4) changed by all of them at once, and a batch of the first
             * 200 ARCD questions over 2 remote shards crashed in 2 runs of 5
             * freeing the msets. */
            std::vector<Xapian::Query> id_queries;
            for (size_t i = 0; i < n_ids; i++)
                id_queries.emplace_back(ids[i]);
            Xapian::Query passages(Xapian::Query::OP_OR, id_queries.begin(), id_queries.end());
            std::vector<Xapian::Query> scaled;
            for (size_t j = 0; j < per_group && g * per_group + j < n_terms; j++)
                scaled.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                                    Xapian::Query(terms[g * per_group + j]),
                                    std::ldexp(1.0, (int)(bits * j)));
            Xapian::Enquire enquire(on);
            enquire.set_query(Xapian::Query(
                Xapian::Query::OP_FILTER,
                Xapian::Query(Xapian::Query::OP_OR, scaled.begin(), scaled.end()), passages));
            enquire.set_weighting_scheme(Xapian::TfIdfWeight("nnn"));
            enquire.set_docid_order(Xapian::Enquire::ASCENDING);
            msets[g] = enquire.get_mset(0, (Xapian::doccount)n_ids);
        };
        /* A local shard has one Database, which threads cannot share: in turn then. */
        std::vector<kh_shard *> live = live_shards(db);
        bool all_remote = !live.empty();
        for (kh_shard *shard : live)
            all_remote = all_remote && !shard->context.empty();
        if (!all_remote || n_groups == 1) {
            for (size_t g = 0; g < n_groups; g++)
                match(reader, g);
        } else {
            /* Group g over connection g % PARALLEL_PER_SHARD of every shard, in the shards'
             * order: the docids are the reader's. */
            size_t ways = std::min(n_groups, (size_t)PARALLEL_PER_SHARD);
            std::vector<size_t> open(live.size(), ways);
            open_connections(db, live, open);
            ways = *std::min_element(open.begin(), open.end());
            std::vector<Xapian::Database> over(ways);
            for (size_t w = 0; w < ways; w++)
                for (kh_shard *shard : live)
                    over[w].add_database(shard_connection(db, shard, w));
            run_at_once(db, ways, [&](size_t w) {
                for (size_t g = w; g < n_groups; g += ways)
                    match(over[w], g);
            });
        }
        const uint64_t mask = (1ull << bits) - 1;
        for (size_t g = 0; g < n_groups; g++)
            for (auto it = msets[g].begin(); it != msets[g].end(); ++it) {
                double weight = it.get_weight();
                uint64_t packed = (uint64_t)weight;
                if ((double)packed != weight)
                    throw Xapian::InternalError("a wdf weight is not a whole number");
                std::vector<unsigned> &row = wdfs[*it];
                row.resize(n_terms);
                for (size_t j = 0; j < per_group && g * per_group + j < n_terms; j++)
                    row[g * per_group + j] = (unsigned)((packed >> (bits * j)) & mask);
            }
        for (const auto &row : wdfs)
            if (fn(ctx, row.first, row.second.data()))
                break;
        return KH_OK;
    });
}

kh_status_t kh_db_documents_data(kh_db_t *db, const unsigned *docids, size_t n, kh_doc_data_fn fn,
                                 void *ctx, kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!fn || (n && !docids))
        return null_arg(err, __func__);
    return db_guarded(db, err, "document data", [&] {
        std::vector<std::string> data(n);
        for_each_document(db, docids, n, [&](Xapian::Database &x, unsigned docid, size_t i) {
            data[i] = x.get_document(docid).get_data();
        });
        for (size_t i = 0; i < n; i++)
            if (fn(ctx, i, data[i].data(), data[i].size()))
                break;
        return KH_OK;
    });
}

kh_status_t kh_db_get_metadata(kh_db_t *db, const char *key, char **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!key || !out)
        return null_arg(err, __func__);
    return db_guarded(db, err, "get metadata", [&] {
        *out = dup_string(db->get().get_metadata(key));
        return KH_OK;
    });
}

kh_status_t kh_db_postings(kh_db_t *db, const char *term, kh_posting_fn fn, void *ctx,
                           kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!term || !fn)
        return null_arg(err, __func__);
    return db_guarded(db, err, "postings", [&] {
        Xapian::Database &x = db->get();
        for (auto it = x.postlist_begin(term), end = x.postlist_end(term); it != end; ++it) {
            if (fn(ctx, *it, it.get_wdf()))
                break;
        }
        return KH_OK;
    });
}

kh_status_t kh_db_all_terms(kh_db_t *db, const char *prefix, kh_term_freq_fn fn, void *ctx,
                            kh_error_t *err)
{
    if (kh_status_t st = enter(db, err, __func__))
        return st;
    if (!fn)
        return null_arg(err, __func__);
    return db_guarded(db, err, "all terms", [&] {
        const std::string start = prefix ? prefix : "";
        Xapian::Database &x = db->get();
        for (auto it = x.allterms_begin(start), end = x.allterms_end(start); it != end; ++it) {
            const std::string term = *it;
            if (fn(ctx, term.c_str(), it.get_termfreq()))
                break;
        }
        return KH_OK;
    });
}

kh_status_t kh_db_compact(const char *src_path, const char *dst_path, int multipass,
                          kh_error_t *err)
{
    if (!src_path || !dst_path)
        return null_arg(err, __func__);
    struct stat st;
    if (stat(dst_path, &st) == 0)
        return report(err, KH_ERR_ARG, "%s: %s already exists; compaction writes a new database",
                      __func__, dst_path);
    bool opened = false;
    try {
        Xapian::Database src(src_path);
        opened = true;
        unsigned flags = Xapian::Compactor::FULL;
        if (multipass)
            flags |= Xapian::DBCOMPACT_MULTIPASS;
        src.compact(dst_path, flags);
        return KH_OK;
    } catch (...) {
        if (!opened)
            return open_fail(err, src_path);
        char context[KH_ERROR_MESSAGE_MAX];
        snprintf(context, sizeof context, "%s: compact", src_path);
        return fail(err, context);
    }
}

/* ---- documents ---------------------------------------------------------- */

kh_status_t kh_doc_new(kh_doc_t **out, kh_error_t *err)
{
    if (!out)
        return null_arg(err, __func__);
    *out = nullptr;
    return guarded(err, __func__, [&] {
        *out = new kh_doc;
        return KH_OK;
    });
}

void kh_doc_free(kh_doc_t *doc)
{
    delete doc;
}

void kh_doc_clear(kh_doc_t *doc)
{
    if (!doc)
        return;
    /* Clearing in place keeps the Document's internals (and their
     * containers) rather than allocating a fresh one per passage. */
    try {
        doc->doc.clear_terms();
        doc->doc.clear_values();
        doc->doc.set_data(std::string());
    } catch (...) {
        /* Clearing frees and never allocates; a lazily read document that
         * cannot reach its database is replaced by an empty one. */
        try {
            doc->doc = Xapian::Document();
        } catch (...) {
        }
    }
}

kh_status_t kh_doc_add_posting(kh_doc_t *doc, const char *term, unsigned pos, unsigned wdfinc,
                               kh_error_t *err)
{
    if (!doc)
        return null_arg(err, __func__);
    if (kh_status_t st = check_term(term, err, __func__))
        return st;
    return guarded(err, __func__, [&] {
        doc->doc.add_posting(term, pos, wdfinc);
        return KH_OK;
    });
}

kh_status_t kh_doc_add_term(kh_doc_t *doc, const char *term, unsigned wdfinc, kh_error_t *err)
{
    if (!doc)
        return null_arg(err, __func__);
    if (kh_status_t st = check_term(term, err, __func__))
        return st;
    return guarded(err, __func__, [&] {
        doc->doc.add_term(term, wdfinc);
        return KH_OK;
    });
}

kh_status_t kh_doc_add_boolean_term(kh_doc_t *doc, const char *term, kh_error_t *err)
{
    if (!doc)
        return null_arg(err, __func__);
    if (kh_status_t st = check_term(term, err, __func__))
        return st;
    return guarded(err, __func__, [&] {
        doc->doc.add_boolean_term(term);
        return KH_OK;
    });
}

kh_status_t kh_doc_set_value(kh_doc_t *doc, unsigned slot, const char *v, size_t len,
                             kh_error_t *err)
{
    if (!doc || (!v && len))
        return null_arg(err, __func__);
    if (slot == KH_NO_SLOT)
        return report(err, KH_ERR_ARG, "%s: KH_NO_SLOT is not a value slot", __func__);
    return guarded(err, __func__, [&] {
        /* add_value() of "" removes the value, and unlike remove_value()
         * does not throw when the slot was unset. */
        doc->doc.add_value(slot, len ? std::string(v, len) : std::string());
        return KH_OK;
    });
}

kh_status_t kh_doc_set_data(kh_doc_t *doc, const char *data, size_t len, kh_error_t *err)
{
    if (!doc || (!data && len))
        return null_arg(err, __func__);
    return guarded(err, __func__, [&] {
        doc->doc.set_data(len ? std::string(data, len) : std::string());
        return KH_OK;
    });
}

kh_status_t kh_doc_get_data(kh_doc_t *doc, const char **data, size_t *len, kh_error_t *err)
{
    if (data)
        *data = nullptr;
    if (len)
        *len = 0;
    if (!doc || !data || !len)
        return null_arg(err, __func__);
    return guarded(err, __func__, [&] {
        doc->borrowed = doc->doc.get_data();
        *data = doc->borrowed.c_str();
        *len = doc->borrowed.size();
        return KH_OK;
    });
}

/* ---- queries ------------------------------------------------------------ */

namespace
{

kh_status_t new_query(Xapian::Query &&q, kh_xquery_t **out)
{
    *out = new kh_xquery{std::move(q)};
    return KH_OK;
}

} // namespace

kh_status_t kh_xquery_term(const char *term, unsigned wqf, unsigned pos, kh_xquery_t **out,
                           kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!term || !out)
        return null_arg(err, __func__);
    if (!*term)
        return report(err, KH_ERR_ARG,
                      "%s: empty term (use kh_xquery_match_all() to match everything)", __func__);
    return guarded(err, __func__, [&] { return new_query(Xapian::Query(term, wqf, pos), out); });
}

kh_status_t kh_xquery_combine(kh_xquery_op_t op, kh_xquery_t *const *subs, size_t n,
                              unsigned parameter, kh_xquery_t **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!out || (!subs && n))
        return null_arg(err, __func__);
    Xapian::Query::op xop;
    switch (op) {
    case KH_OP_AND:
        xop = Xapian::Query::OP_AND;
        break;
    case KH_OP_OR:
        xop = Xapian::Query::OP_OR;
        break;
    case KH_OP_AND_NOT:
        xop = Xapian::Query::OP_AND_NOT;
        break;
    case KH_OP_AND_MAYBE:
        xop = Xapian::Query::OP_AND_MAYBE;
        break;
    case KH_OP_FILTER:
        xop = Xapian::Query::OP_FILTER;
        break;
    case KH_OP_PHRASE:
        xop = Xapian::Query::OP_PHRASE;
        break;
    case KH_OP_NEAR:
        xop = Xapian::Query::OP_NEAR;
        break;
    case KH_OP_ELITE_SET:
        xop = Xapian::Query::OP_ELITE_SET;
        break;
    case KH_OP_SYNONYM:
        xop = Xapian::Query::OP_SYNONYM;
        break;
    case KH_OP_MAX:
        xop = Xapian::Query::OP_MAX;
        break;
    default:
        return report(err, KH_ERR_ARG, "%s: unknown operator %d", __func__, (int)op);
    }
    for (size_t i = 0; i < n; i++) {
        if (!subs[i])
            return report(err, KH_ERR_ARG, "%s: subquery %zu is NULL", __func__, i);
    }
    return guarded(err, __func__, [&] {
        std::vector<Xapian::Query> parts;
        parts.reserve(n);
        for (size_t i = 0; i < n; i++)
            parts.push_back(subs[i]->query);
        return new_query(Xapian::Query(xop, parts.begin(), parts.end(), parameter), out);
    });
}

kh_status_t kh_xquery_scale(const kh_xquery_t *sub, double factor, kh_xquery_t **out,
                            kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!sub || !out)
        return null_arg(err, __func__);
    return guarded(err, __func__, [&] {
        return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->query, factor), out);
    });
}

kh_status_t kh_xquery_value_range(unsigned slot, const char *lo, const char *hi, kh_xquery_t **out,
                                  kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!out)
        return null_arg(err, __func__);
    return guarded(err, __func__, [&] {
        if (lo && hi)
            return new_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi), out);
        if (lo)
            return new_query(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo), out);
        if (hi)
            return new_query(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi), out);
        return new_query(Xapian::Query(Xapian::Query::MatchAll), out);
    });
}

kh_status_t kh_xquery_match_all(kh_xquery_t **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!out)
        return null_arg(err, __func__);
    return guarded(err, __func__,
                   [&] { return new_query(Xapian::Query(Xapian::Query::MatchAll), out); });
}

kh_status_t kh_xquery_describe(const kh_xquery_t *q, char **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!q || !out)
        return null_arg(err, __func__);
    return guarded(err, __func__, [&] {
        *out = dup_string(q->query.get_description());
        return KH_OK;
    });
}

void kh_xquery_free(kh_xquery_t *q)
{
    delete q;
}

/* ---- searching ---------------------------------------------------------- */

kh_status_t kh_enquire_new(kh_db_t *db, kh_enquire_t **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!db || !out)
        return null_arg(err, __func__);
    return guarded(err, db->name.c_str(), [&] {
        std::unique_ptr<kh_enquire> e(new kh_enquire(db));
        /* Xapian's default already breaks ties by ascending docid; set it
         * explicitly because deterministic output is part of our contract. */
        e->enquire.set_docid_order(Xapian::Enquire::ASCENDING);
        *out = e.release();
        return KH_OK;
    });
}

void kh_enquire_free(kh_enquire_t *e)
{
    delete e;
}

kh_status_t kh_enquire_set_query(kh_enquire_t *e, const kh_xquery_t *q, kh_error_t *err)
{
    if (!e || !q)
        return null_arg(err, __func__);
    return guarded(err, __func__, [&] {
        e->enquire.set_query(q->query);
        return KH_OK;
    });
}

kh_status_t kh_enquire_set_bm25(kh_enquire_t *e, double k1, double k2, double k3, double b,
                                double min_normlen, kh_error_t *err)
{
    if (!e)
        return null_arg(err, __func__);
    /* Xapian clamps out-of-range parameters without a word; a typo in a
     * tuning run should be an error instead. "!(x >= 0)" also catches NaN. */
    if (!(k1 >= 0) || !(k2 >= 0) || !(k3 >= 0) || !(b >= 0 && b <= 1) || !(min_normlen >= 0))
        return report(err, KH_ERR_ARG,
                      "%s: parameters out of range (k1=%g k2=%g k3=%g b=%g min_normlen=%g; "
                      "all must be >= 0 and b <= 1)",
                      __func__, k1, k2, k3, b, min_normlen);
    return guarded(err, __func__, [&] {
        e->enquire.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return KH_OK;
    });
}

kh_status_t kh_enquire_set_collapse_key(kh_enquire_t *e, unsigned slot, unsigned max,
                                        kh_error_t *err)
{
    if (!e)
        return null_arg(err, __func__);
    if (slot != KH_NO_SLOT && max == 0)
        return report(err, KH_ERR_ARG, "%s: max must be at least 1", __func__);
    return guarded(err, __func__, [&] {
        e->enquire.set_collapse_key(slot, max ? max : 1);
        return KH_OK;
    });
}

/*
 * Not guarded(): callers may pass mode out of range (the KH_ERR_ARG below,
 * which xdb_test checks), and UBSan's enum check stops the program when a
 * lambda reads such a value through its capture; reading the parameter
 * itself, as here, is not checked.
 */
kh_status_t kh_enquire_set_sort(kh_enquire_t *e, kh_sort_t mode, unsigned slot, int reverse,
                                kh_error_t *err)
{
    if (!e)
        return null_arg(err, __func__);
    try {
        switch (mode) {
        case KH_SORT_RELEVANCE:
            e->enquire.set_sort_by_relevance();
            return KH_OK;
        case KH_SORT_VALUE:
            e->enquire.set_sort_by_value(slot, reverse != 0);
            return KH_OK;
        case KH_SORT_VALUE_THEN_RELEVANCE:
            e->enquire.set_sort_by_value_then_relevance(slot, reverse != 0);
            return KH_OK;
        case KH_SORT_RELEVANCE_THEN_VALUE:
            e->enquire.set_sort_by_relevance_then_value(slot, reverse != 0);
            return KH_OK;
        }
        return report(err, KH_ERR_ARG, "%s: unknown sort mode %d", __func__, (int)mode);
    } catch (...) {
        return fail(err, __func__);
    }
}

kh_status_t kh_enquire_get_mset(kh_enquire_t *e, unsigned first, unsigned max,
                                unsigned check_at_least, kh_mset_t **out, kh_error_t *err)
{
    if (out)
        *out = nullptr;
    if (!e || !out)
        return null_arg(err, __func__);
    if (kh_status_t st = check_shards(e->db, err))
        return st;
    try {
        std::unique_ptr<kh_mset> m(new kh_mset);
        m->mset = e->enquire.get_mset(first, max, check_at_least);
        m->db = e->db;
        *out = m.release();
        return KH_OK;
    } catch (...) {
        return shard_fail(e->db, err, "search");
    }
}

kh_status_t kh_enquire_expand(kh_enquire_t *e, const unsigned *rset_docids, size_t n,
                              unsigned max_terms, kh_expand_fn fn, void *ctx, kh_error_t *err)
{
    if (!e || !fn || (!rset_docids && n))
        return null_arg(err, __func__);
    try {
        Xapian::RSet rset;
        for (size_t i = 0; i < n; i++)
            rset.add_document(rset_docids[i]);
        UnprefixedOnly decider;
        /* flags 0: query terms are left out (no INCLUDE_QUERY_TERMS). */
        Xapian::ESet eset = e->enquire.get_eset(max_terms, rset, 0, &decider);
        for (auto it = eset.begin(); it != eset.end(); ++it) {
            const std::string term = *it;
            if (fn(ctx, term.c_str(), it.get_weight()))
                break;
        }
        return KH_OK;
    } catch (...) {
        char context[KH_ERROR_MESSAGE_MAX];
        snprintf(context, sizeof context, "%s: expand", e->db->name.c_str());
        return fail(err, context);
    }
}

/* ---- results ------------------------------------------------------------ */

size_t kh_mset_size(const kh_mset_t *m)
{
    return m ? m->mset.size() : 0;
}

unsigned kh_mset_matches_estimated(const kh_mset_t *m)
{
    return m ? m->mset.get_matches_estimated() : 0;
}

namespace
{

kh_status_t check_index(const kh_mset_t *m, size_t i, kh_error_t *err, const char *func)
{
    if (i >= m->mset.size())
        return report(err, KH_ERR_ARG, "%s: hit %zu of %zu", func, i, (size_t)m->mset.size());
    return KH_OK;
}

} // namespace

kh_status_t kh_mset_hit(kh_mset_t *m, size_t i, kh_hit_t *out, kh_error_t *err)
{
    if (!m || !out)
        return null_arg(err, __func__);
    memset(out, 0, sizeof *out);
    if (kh_status_t st = check_index(m, i, err, __func__))
        return st;
    return guarded(err, __func__, [&] {
        Xapian::MSetIterator it = m->mset[(Xapian::doccount)i];
        out->docid = *it;
        out->rank = it.get_rank();
        out->weight = it.get_weight();
        out->collapse_count = it.get_collapse_count();
        return KH_OK;
    });
}

kh_status_t kh_mset_data(kh_mset_t *m, size_t i, const char **data, size_t *len, kh_error_t *err)
{
    if (data)
        *data = nullptr;
    if (len)
        *len = 0;
    if (!m || !data || !len)
        return null_arg(err, __func__);
    if (kh_status_t st = check_index(m, i, err, __func__))
        return st;
    auto body = [&] {
        m->data = m->mset[(Xapian::doccount)i].get_document().get_data();
        *data = m->data.c_str();
        *len = m->data.size();
        return KH_OK;
    };
    return guard(body, [&] {
        return m->db ? shard_fail(m->db, err, "document data") : fail(err, __func__);
    });
}

kh_status_t kh_mset_value(kh_mset_t *m, size_t i, unsigned slot, const char **v, size_t *len,
                          kh_error_t *err)
{
    if (v)
        *v = nullptr;
    if (len)
        *len = 0;
    if (!m || !v || !len)
        return null_arg(err, __func__);
    if (kh_status_t st = check_index(m, i, err, __func__))
        return st;
    return guarded(err, __func__, [&] {
        m->value = m->mset[(Xapian::doccount)i].get_document().get_value(slot);
        *v = m->value.c_str();
        *len = m->value.size();
        return KH_OK;
    });
}

kh_status_t kh_mset_values(kh_mset_t *m, const size_t *hits, size_t n, unsigned slot,
                           kh_hit_value_fn fn, void *ctx, kh_error_t *err)
{
    if (!m || !fn || (n && !hits))
        return null_arg(err, __func__);
    for (size_t i = 0; i < n; i++)
        if (kh_status_t st = check_index(m, hits[i], err, __func__))
            return st;
    auto body = [&] {
        std::vector<std::string> values(n);
        if (m->db && m->db->remote) {
            std::vector<unsigned> docids(n);
            for (size_t i = 0; i < n; i++)
                docids[i] = *m->mset[(Xapian::doccount)hits[i]];
            for_each_document(m->db, docids.data(), n,
                              [&](Xapian::Database &x, unsigned docid, size_t i) {
                                  values[i] = x.get_document(docid).get_value(slot);
                              });
        } else {
            for (size_t i = 0; i < n; i++)
                values[i] = m->mset[(Xapian::doccount)hits[i]].get_document().get_value(slot);
        }
        for (size_t i = 0; i < n; i++)
            if (fn(ctx, i, values[i].c_str(), values[i].size()))
                break;
        return KH_OK;
    };
    return guard(body, [&] {
        return m->db ? shard_fail(m->db, err, "document values") : fail(err, __func__);
    });
}

void kh_mset_free(kh_mset_t *m)
{
    delete m;
}
