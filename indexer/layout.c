#define _DEFAULT_SOURCE /* fstatat, openat, unlinkat, dirfd */
#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compact.h"

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

int kh_layout_is_database_file(const char *name)
{
    /* v.tmp: the revision file Xapian writes and renames to iamglass. */
    return strcmp(name, "iamglass") == 0 || strcmp(name, "flintlock") == 0 ||
           strcmp(name, "v.tmp") == 0 || (ends_with(name, ".glass") && !strchr(name, '/')) ||
           digits_after(name, "changes");
}

/* shard-K, or a leftover of compact.h beside it: shard-K.compacting-PID[.old]. */
static int is_shard_name(const char *name)
{
    if (strncmp(name, "shard-", 6) != 0)
        return 0;
    const char *p = name + 6;
    size_t n = strspn(p, "0123456789");
    if (n == 0)
        return 0;
    p += n;
    if (*p == '\0')
        return 1;
    size_t suffix = strlen(KH_COMPACT_SUFFIX);
    if (strncmp(p, KH_COMPACT_SUFFIX, suffix) != 0)
        return 0;
    p += suffix;
    n = strspn(p, "0123456789");
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
        if (!kh_layout_is_database_file(e->d_name) ||
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
                           kh_layout_t *out, kh_error_t *err)
{
    *out = KH_LAYOUT_FOREIGN;
    return kh_error_set(err, KH_ERR_ARG,
                        "%s: holds '%s%s%s', which is not part of a khabar index: the indexer "
                        "writes only to a new or empty folder, or to an index it made; nothing "
                        "in this one was changed",
                        path, inside ? inside : "", inside ? "/" : "", entry);
}

kh_status_t kh_layout_of(const char *path, kh_layout_t *out, kh_error_t *err)
{
    *out = KH_LAYOUT_FOREIGN;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            /* A dangling symbolic link is not nothing: creating would follow it. */
            if (lstat(path, &st) == 0)
                return kh_error_set(err, KH_ERR_ARG,
                                    "%s: a symbolic link to nothing, not an index folder", path);
            *out = KH_LAYOUT_MISSING;
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
        *out = entries ? KH_LAYOUT_DATABASE : KH_LAYOUT_EMPTY;
        return KH_OK;
    }
    /* Not a database folder: a sharded index, or not ours. Without a stub,
     * the entry to name is one that is no database file (a database folder
     * with notes.md in it: notes.md, not iamglass). */
    char *stub = malloc(strlen(path) + sizeof "/XAPIANDB");
    if (!stub) {
        free(stranger);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    sprintf(stub, "%s/XAPIANDB", path);
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
        } else if (strcmp(name, "XAPIANDB") == 0 || strcmp(name, ".XAPIANDB.tmp") == 0) {
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
        *out = KH_LAYOUT_SHARDS;
    return status;
}

int kh_layout_remove_database(const char *path)
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
        if (kh_layout_is_database_file(e->d_name) &&
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            (void)unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    if (rmdir(path) != 0 && errno != ENOENT)
        return -1;
    return 0;
}
