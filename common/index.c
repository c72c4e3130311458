#define _DEFAULT_SOURCE /* fstatat, openat, unlinkat, dirfd */
#include "khabar/index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khabar/analyzer.h"
#include "khabar/schema.h"

/* A stub being written, renamed over the stub when whole. */
#define STUB_TEMPORARY "." KH_INDEX_STUB_NAME ".tmp"

/* name is prefix followed by one or more digits and nothing else. */
static int digits_after(const char *name, const char *prefix)
{
    size_t len = strlen(prefix);
    if (strncmp(name, prefix, len) != 0)
        return 0;
    size_t n = strspn(name + len, "0123456789");
    return n > 0 && name[len + n] == '\0';
}

static int ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && strcmp(name + n - m, suffix) == 0;
}

int kh_index_is_database_file(const char *name)
{
    /* v.tmp: the revision file Xapian writes and renames to iamglass. */
    return strcmp(name, KH_INDEX_GLASS_MARKER) == 0 || strcmp(name, "flintlock") == 0 ||
           strcmp(name, "v.tmp") == 0 || (ends_with(name, ".glass") && !strchr(name, '/')) ||
           digits_after(name, "changes");
}

/* shard-K: the prefix and one or more digits. */
#define SHARD_PREFIX "shard-"

int kh_index_is_shard_name(const char *name, size_t len)
{
    size_t prefix = strlen(SHARD_PREFIX);
    return len > prefix && strncmp(name, SHARD_PREFIX, prefix) == 0 &&
           strspn(name + prefix, "0123456789") >= len - prefix;
}

/* shard-K, or a leftover of compact.h beside it: shard-K.compacting-PID[.old]. */
static int is_shard_name(const char *name)
{
    const char *mark = strstr(name, KH_INDEX_TEMPORARY_SUFFIX);
    size_t len = mark ? (size_t)(mark - name) : strlen(name);
    if (!kh_index_is_shard_name(name, len))
        return 0;
    if (!mark)
        return 1;
    const char *p = mark + strlen(KH_INDEX_TEMPORARY_SUFFIX);
    size_t n = strspn(p, "0123456789");
    return n > 0 && (p[n] == '\0' || strcmp(p + n, ".old") == 0);
}

/*
 * Whether the folder name (relative to the folder open as at, or AT_FDCWD)
 * holds only database files: 1 yes (an empty folder too: *entries says how
 * many), 0 no (*stranger gets the first entry that is not one, malloc'd),
 * -1 it cannot be read (errno). A symbolic link is followed only when
 * follow is set.
 */
static int database_only(int at, const char *name, int follow, unsigned *entries, char **stranger)
{
    *entries = 0;
    *stranger = NULL;
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        errno = saved;
        return -1;
    }
    int result = 1;
    struct dirent *e;
    errno = 0;
    while (result == 1 && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        (*entries)++;
        struct stat st;
        if (!kh_index_is_database_file(e->d_name) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
            *stranger = strdup(e->d_name);
            result = *stranger ? 0 : -1;
        }
        errno = 0;
    }
    if (result == 1 && errno)
        result = -1;
    int saved = errno;
    closedir(d);
    errno = saved;
    return result;
}

static kh_status_t foreign(const char *path, const char *inside, const char *entry,
                           kh_index_layout_t *out, kh_error_t *err)
{
    *out = KH_INDEX_FOREIGN;
    return kh_error_set(err, KH_ERR_ARG,
                        "%s: holds '%s%s%s', which is not part of a khabar index: the indexer "
                        "writes only to a new or empty folder, or to an index it made; nothing "
                        "in this one was changed",
                        path, inside ? inside : "", inside ? "/" : "", entry);
}

kh_status_t kh_index_layout_of(const char *path, kh_index_layout_t *out, kh_error_t *err)
{
    *out = KH_INDEX_FOREIGN;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            /* A dangling symbolic link is not nothing: creating would follow it. */
            if (lstat(path, &st) == 0)
                return kh_error_set(err, KH_ERR_ARG,
                                    "%s: a symbolic link to nothing, not an index folder", path);
            *out = KH_INDEX_MISSING;
            return KH_OK;
        }
        return kh_error_set(err, KH_ERR_IO, "%s: %s", path, kh_errno_message(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return kh_error_set(err, KH_ERR_ARG,
                            "%s: cannot open database: a file, not an index folder", path);
    unsigned entries;
    char *stranger;
    int only = database_only(AT_FDCWD, path, 1, &entries, &stranger);
    if (only < 0)
        return kh_error_set(err, errno == ENOMEM ? KH_ERR_NOMEM : KH_ERR_IO, "%s: %s", path,
                            kh_errno_message(errno));
    if (only) {
        *out = entries ? KH_INDEX_DATABASE : KH_INDEX_EMPTY;
        return KH_OK;
    }
    /* Not a database folder: a sharded index, or not ours. Without a stub,
     * the entry to name is one that is no database file (a database folder
     * with notes.md in it: notes.md, not iamglass). */
    char *stub = malloc(strlen(path) + sizeof "/" KH_INDEX_STUB_NAME);
    if (!stub) {
        free(stranger);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    sprintf(stub, "%s/" KH_INDEX_STUB_NAME, path);
    int has_stub = lstat(stub, &st) == 0;
    free(stub);
    char *first_stranger = stranger;
    DIR *d = opendir(path);
    if (!d) {
        free(first_stranger);
        return kh_error_set(err, KH_ERR_IO, "%s: %s", path, kh_errno_message(errno));
    }
    kh_status_t status = KH_OK;
    struct dirent *e;
    while (!status && (e = readdir(d))) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            status = kh_error_set(err, KH_ERR_IO, "%s/%s: %s", path, name, kh_errno_message(errno));
        } else if (strcmp(name, KH_INDEX_STUB_NAME) == 0 || strcmp(name, STUB_TEMPORARY) == 0) {
            if (!S_ISREG(st.st_mode))
                status = foreign(path, NULL, name, out, err);
        } else if (!is_shard_name(name) || !S_ISDIR(st.st_mode)) {
            status = foreign(path, NULL, name, out, err);
        } else {
            only = database_only(dirfd(d), name, 0, &entries, &stranger);
            if (only < 0)
                status =
                    kh_error_set(err, KH_ERR_IO, "%s/%s: %s", path, name, kh_errno_message(errno));
            else if (!only)
                status = foreign(path, name, stranger, out, err);
            free(stranger);
        }
    }
    closedir(d);
    if (status == KH_ERR_ARG && !has_stub)
        status = foreign(path, NULL, first_stranger, out, err);
    free(first_stranger);
    if (!status)
        *out = KH_INDEX_SHARDS;
    return status;
}

int kh_index_remove_database(const char *path)
{
    unsigned entries;
    char *stranger;
    int only = database_only(AT_FDCWD, path, 0, &entries, &stranger);
    free(stranger);
    if (only < 0)
        return errno == ENOENT ? 0 : -1;
    if (!only) {
        errno = ENOTEMPTY;
        return -1;
    }
    /* Only names checked above, and only regular files: a file that came
     * in meanwhile under another name stays, and so does the folder. */
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        if (kh_index_is_database_file(e->d_name) &&
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            (void)unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    if (rmdir(path) != 0 && errno != ENOENT)
        return -1;
    return 0;
}

/* ---- names -------------------------------------------------------------- */

/* Joins dir and name into a new string. */
static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s/%s", dir, name);
    return path;
}

char *kh_index_shard_path(const char *path, unsigned k)
{
    char name[32];
    snprintf(name, sizeof name, SHARD_PREFIX "%u", k);
    return join(path, name);
}

int kh_index_temporary_path(char *buf, size_t size, const char *path)
{
    int n = snprintf(buf, size, "%s" KH_INDEX_TEMPORARY_SUFFIX "%ld", path, (long)getpid());
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* ---- the stub ----------------------------------------------------------- */

kh_status_t kh_index_shard_count(const char *path, unsigned *out, kh_error_t *err)
{
    *out = 0;
    char *stub = join(path, KH_INDEX_STUB_NAME);
    if (!stub)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    FILE *f = fopen(stub, "r");
    if (!f) {
        int missing = errno == ENOENT || errno == ENOTDIR;
        free(stub);
        if (!missing)
            return kh_error_set(err, KH_ERR_IO, "%s/%s: %s", path, KH_INDEX_STUB_NAME,
                                kh_errno_message(errno));
        struct stat st;
        char *marker = join(path, KH_INDEX_GLASS_MARKER);
        if (!marker)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        if (stat(marker, &st) == 0)
            *out = 1;
        free(marker);
        return KH_OK;
    }
    char line[512];
    unsigned n = 0;
    kh_status_t st = KH_OK;
    while (!st && fgets(line, sizeof line, f)) {
        char want[64];
        snprintf(want, sizeof want, "auto " SHARD_PREFIX "%u\n", n);
        if (strcmp(line, want) != 0)
            st = kh_error_set(err, KH_ERR_ARG,
                              "%s: line %u is not '%.*s': the indexer writes only the local "
                              "shards it made (serve them with xapian-tcpsrv and list the "
                              "remote ones in a stub of your own)",
                              stub, n + 1, (int)strlen(want) - 1, want);
        n++;
    }
    fclose(f);
    if (!st && n == 0)
        st = kh_error_set(err, KH_ERR_ARG, "%s: empty stub file", stub);
    free(stub);
    if (!st)
        *out = n;
    return st;
}

kh_status_t kh_index_write_stub(const char *path, unsigned n, kh_error_t *err)
{
    char *stub = join(path, KH_INDEX_STUB_NAME), *tmp = join(path, STUB_TEMPORARY);
    kh_status_t st = KH_OK;
    FILE *f = stub && tmp ? fopen(tmp, "w") : NULL;
    if (!stub || !tmp)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    /* Messages name the stub, not the temporary file it is written as. */
    else if (!f)
        st = kh_error_set(err, KH_ERR_IO, "%s: %s", stub, kh_errno_message(errno));
    for (unsigned i = 0; !st && i < n; i++)
        fprintf(f, "auto " SHARD_PREFIX "%u\n", i);
    if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0) && !st)
        st = kh_error_set(err, KH_ERR_IO, "%s: %s", stub, kh_errno_message(errno));
    if (f && fclose(f) != 0 && !st)
        st = kh_error_set(err, KH_ERR_IO, "%s: %s", stub, kh_errno_message(errno));
    if (!st && rename(tmp, stub) != 0)
        st = kh_error_set(err, KH_ERR_IO, "%s: %s", stub, kh_errno_message(errno));
    if (st && tmp)
        (void)unlink(tmp);
    free(stub);
    free(tmp);
    return st;
}

/* ---- partial open ------------------------------------------------------- */

/* The shards of a stub that open, written to a temporary stub. */
typedef struct partial {
    FILE *stub;
    unsigned up, down;
    kh_stub_fn fn;
    void *ctx;
} partial_t;

static int note_shard(void *ctx, unsigned line, const char *spec, kh_status_t status,
                      const char *message)
{
    partial_t *p = ctx;
    if (status)
        p->down++;
    else {
        fprintf(p->stub, "%s\n", spec);
        p->up++;
    }
    return p->fn ? p->fn(p->ctx, line, spec, status, message) : 0;
}

kh_status_t kh_index_partial_stub(const char *index, double timeout, const char *tmpdir,
                                  kh_stub_fn fn, void *ctx, char **stub_path, kh_error_t *err)
{
    *stub_path = NULL;
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    size_t len = strlen(tmpdir) + 32;
    char *path = malloc(len);
    if (!path)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    snprintf(path, len, "%s/khabar-shards-XXXXXX", tmpdir);
    int fd = mkstemp(path);
    partial_t p = {fd >= 0 ? fdopen(fd, "w") : NULL, 0, 0, fn, ctx};
    if (!p.stub) {
        kh_status_t st =
            kh_error_set(err, KH_ERR_IO, "%s: cannot create a temporary stub file", path);
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        free(path);
        return st;
    }
    kh_status_t st = kh_db_stub_probe(index, timeout, note_shard, &p, err);
    int bad = fclose(p.stub) != 0;
    if (!st && bad)
        st = kh_error_set(err, KH_ERR_IO, "%s: cannot write the temporary stub file", path);
    /* None opens: opening the index as it is reports why, as without the option. */
    if (st || p.down == 0 || p.up == 0) {
        unlink(path);
        free(path);
        return st;
    }
    *stub_path = path;
    return KH_OK;
}

/* ---- version stamps ----------------------------------------------------- */

kh_status_t kh_index_stamp(kh_db_t *db, const char *path, kh_error_t *err)
{
    static const struct {
        const char *key;
        const char *(*version)(void);
        const char *what;
    } stamps[] = {{KH_META_SCHEMA, NULL, "schema"},
                  {KH_META_ANALYZER, kh_analyzer_version, "analyzer"}};
    unsigned docs = 0;
    kh_status_t st = kh_db_doc_count(db, &docs, err);
    for (size_t i = 0; !st && i < sizeof stamps / sizeof stamps[0]; i++) {
        const char *want = stamps[i].version ? stamps[i].version() : KH_SCHEMA_VERSION;
        char *have = NULL;
        st = kh_db_get_metadata(db, stamps[i].key, &have, err);
        if (st)
            break;
        if (have[0] == '\0' && docs == 0)
            st = kh_db_set_metadata(db, stamps[i].key, want, err);
        else if (strcmp(have, want) != 0)
            st = kh_error_set(err, KH_ERR_DB_VERSION,
                              "%s: index was built with %s version '%s', this indexer writes "
                              "version '%s': re-index into a new folder",
                              path, stamps[i].what, have[0] ? have : "(none)", want);
        free(have);
    }
    return st;
}

static kh_status_t check_stamp(kh_db_t *db, const char *path, const char *key, const char *want,
                               kh_error_t *err)
{
    char *have = NULL;
    kh_status_t st = kh_db_get_metadata(db, key, &have, err);
    if (st)
        return st;
    if (have[0] == '\0') {
        /* An indexer killed before its first commit leaves an empty database
         * without stamps: that is an empty index, not someone else's. */
        unsigned docs = 0;
        st = kh_db_doc_count(db, &docs, err);
        if (!st && docs > 0)
            st = kh_error_set(err, KH_ERR_DB_VERSION, "%s: not a khabar index (no '%s' stamp)",
                              path, key);
    } else if (strcmp(have, want) != 0) {
        st = kh_error_set(err, KH_ERR_DB_VERSION,
                          "%s: index has %s '%s' but this searcher reads '%s': re-index it", path,
                          key, have, want);
    }
    free(have);
    return st;
}

kh_status_t kh_index_check_stamps(kh_db_t *db, const char *path, kh_error_t *err)
{
    kh_status_t st = check_stamp(db, path, KH_META_SCHEMA, KH_SCHEMA_VERSION, err);
    if (!st)
        st = check_stamp(db, path, KH_META_ANALYZER, kh_analyzer_version(), err);
    return st;
}

/* ---- opening ------------------------------------------------------------ */

void kh_index_name_path(kh_error_t *err, const char *tmp, const char *path)
{
    if (!err || !tmp || !*tmp || !path)
        return;
    char out[KH_ERROR_MESSAGE_MAX];
    size_t n = 0, tmp_len = strlen(tmp), path_len = strlen(path);
    for (const char *s = err->message; *s && n + 1 < sizeof out;) {
        if (strncmp(s, tmp, tmp_len) == 0 && n + path_len + 1 < sizeof out) {
            memcpy(out + n, path, path_len);
            n += path_len;
            s += tmp_len;
        } else {
            out[n++] = *s++;
        }
    }
    /* Cut short: end on a whole UTF-8 character. */
    if (n + 1 >= sizeof out)
        while (n > 0 && ((unsigned char)out[n - 1] & 0x80))
            n--;
    out[n] = '\0';
    memcpy(err->message, out, n + 1);
}

/*
 * A new database is made in path's temporary folder (above) and renamed
 * into place once Xapian has written it whole: Xapian creates a database
 * file by file, and an indexer killed in between (reliability_crash_kill,
 * killed 10 ms into a run) left a folder that neither the searcher nor the
 * next run could open. The leftover of a run killed here is a temporary
 * folder, which the next run clears (compact.h). Nothing is done when path
 * exists (an index, or an empty folder Xapian creates it in).
 */
static kh_status_t create_whole(const char *path, kh_error_t *err)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 || errno != ENOENT)
        return KH_OK;
    char tmp[PATH_MAX];
    if (kh_index_temporary_path(tmp, sizeof tmp, path) != 0)
        return KH_OK; /* too long a path for the copy: created in place */
    /* The folder is made here, not by Xapian, whose message for a folder it
     * cannot make names the temporary folder and blames a missing parent
     * (a read-only file system read "the folder it would be created in does
     * not exist"). A folder of our name is the leftover of a dead process
     * that had our PID, removed only when it holds a database. */
    int made = mkdir(tmp, 0777) == 0;
    if (!made && errno == EEXIST && kh_index_remove_database(tmp) == 0)
        made = mkdir(tmp, 0777) == 0;
    if (!made)
        return kh_error_set(err, KH_ERR_IO, "%s: cannot create the index: %s", path,
                            kh_errno_message(errno));
    kh_db_t *db = NULL;
    kh_status_t st = kh_db_open(tmp, KH_DB_CREATE_OR_OPEN, &db, err);
    if (!st)
        st = kh_index_stamp(db, path, err);
    if (!st)
        st = kh_db_commit(db, err);
    kh_db_close(db);
    /* Another run may have created path meanwhile: then its database is opened. */
    if (!st && rename(tmp, path) != 0 && errno != EEXIST && errno != ENOTEMPTY)
        st = kh_error_set(err, KH_ERR_IO, "%s: cannot create the index: %s", path,
                          kh_errno_message(errno));
    if (st)
        kh_index_name_path(err, tmp, path);
    if (lstat(tmp, &sb) == 0)
        (void)kh_index_remove_database(tmp);
    return st;
}

kh_status_t kh_index_open_write(const char *path, kh_db_t **out, kh_error_t *err)
{
    *out = NULL;
    kh_db_t *db = NULL;
    kh_status_t st = create_whole(path, err);
    if (!st)
        st = kh_db_open(path, KH_DB_CREATE_OR_OPEN, &db, err);
    if (!st)
        st = kh_index_stamp(db, path, err);
    if (!st)
        st = kh_db_commit(db, err);
    if (st) {
        kh_db_close(db);
        return st;
    }
    *out = db;
    return KH_OK;
}

kh_status_t kh_index_open_read(const char *path, double remote_timeout, kh_db_t **out,
                               kh_error_t *err)
{
    *out = NULL;
    kh_db_t *db = NULL;
    kh_status_t st = kh_db_open_reader(path, remote_timeout, &db, err);
    if (!st)
        st = kh_index_check_stamps(db, path, err);
    if (st) {
        kh_db_close(db);
        return st;
    }
    *out = db;
    return KH_OK;
}
