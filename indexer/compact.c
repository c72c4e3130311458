#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE (glibc 2.28), realpath */
#include "compact.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "khabar/xdb.h"

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* a + b into a new string (NULL when out of memory). */
static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

/* A glass database is a flat folder of files. */
uint64_t kh_compact_disk_usage(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_blocks * 512;
    }
    closedir(d);
    return total;
}

/* Makes a rename in dir durable: without it a power cut can undo the swap
 * after the old copy's files are gone (ext4 orders data, not directories). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* The folder holding path (a new string), "." when path has no slash. */
static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/*
 * Puts the folder new_db at db and the old database at old_db. With
 * RENAME_EXCHANGE this is one atomic step: db is always a whole database,
 * for readers and after a crash, and new_db ends up holding the old one
 * (old_db is then new_db). Some filesystems lack the flag (EINVAL: older
 * NFS, some FUSE ones; ENOSYS: kernels before 3.15): two rename() calls
 * then, which leave a moment without a database at db. A searcher opening
 * it in that moment fails to find the index, and a crash there leaves the
 * old database at old_db (the temporary folder's .old, index.h), which
 * kh_compact_cleanup() renames back on the next run.
 */
static kh_status_t swap_in(const char *db, const char *new_db, const char *old_db, int *exchanged,
                           kh_error_t *err)
{
    *exchanged = 0;
    if (renameat2(AT_FDCWD, new_db, AT_FDCWD, db, RENAME_EXCHANGE) == 0) {
        *exchanged = 1;
        return KH_OK;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return kh_error_set(err, KH_ERR_IO, "%s: cannot swap in the compacted copy: %s", db,
                            kh_errno_message(errno));
    if (rename(db, old_db) != 0)
        return kh_error_set(err, KH_ERR_IO, "%s: cannot move aside: %s", db,
                            kh_errno_message(errno));
    if (rename(new_db, db) != 0) {
        int saved = errno;
        (void)rename(old_db, db);
        return kh_error_set(err, KH_ERR_IO, "%s: cannot put the compacted copy in place: %s", db,
                            kh_errno_message(saved));
    }
    return KH_OK;
}

kh_status_t kh_compact_in_place(const char *path, kh_compaction_t *out, kh_error_t *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    double start = now_seconds();
    /* The real folder: for a symbolic link, the copy goes next to its target
     * (same filesystem) and the link stays a link. */
    char *db = realpath(path, NULL);
    if (!db)
        return errno == ENOMEM
                   ? kh_error_set(err, KH_ERR_NOMEM, NULL)
                   : kh_error_set(err, KH_ERR_IO, "%s: %s", path, kh_errno_message(errno));
    char suffix[64];
    snprintf(suffix, sizeof suffix, KH_INDEX_TEMPORARY_SUFFIX "%ld", (long)getpid());
    char *tmp = concat(db, suffix);
    char *old = tmp ? concat(tmp, ".old") : NULL;
    char *parent = parent_of(db);
    kh_status_t st = KH_OK;
    if (!tmp || !old || !parent)
        st = kh_error_set(err, KH_ERR_NOMEM, NULL);
    /* Only a folder that holds a database and nothing else is swapped out
     * and removed (index.h): checked again here, under the write lock,
     * since a file may have been put in it while the run went on. */
    kh_index_layout_t layout;
    if (!st && (st = kh_index_layout_of(path, &layout, err)) == KH_OK &&
        layout != KH_INDEX_DATABASE)
        st = kh_error_set(err, KH_ERR_ARG, "%s: not a database folder, not compacted", path);
    /* A folder of our own name is the leftover of a dead process that had
     * our PID: kh_db_compact() writes only into a new folder. */
    if (!st && kh_index_remove_database(tmp) != 0)
        st = kh_error_set(err, KH_ERR_IO,
                          "%s: the folder %s is in the way of its compacted copy (%s; not a "
                          "leftover of ours: left as it is)",
                          path, tmp, kh_errno_message(errno));
    uint64_t before = st ? 0 : kh_compact_disk_usage(db);
    int exchanged = 0;
    if (!st) {
        if ((st = kh_db_compact(db, tmp, 0, err)) == KH_OK) {
            sync_dir(tmp);
            st = swap_in(db, tmp, old, &exchanged, err);
        }
        if (st) {
            (void)kh_index_remove_database(tmp); /* a partial copy (a full disk) */
            /* The user's path in the message, never the temporary copy's. */
            kh_index_name_path(err, tmp, path);
            kh_index_name_path(err, db, path);
        }
    }
    if (!st) {
        sync_dir(parent);
        if (out) {
            out->bytes_before = before;
            out->bytes_after = kh_compact_disk_usage(db);
        }
        /* The old copy. Should this fail, the folder is a leftover the next
         * run removes; the index itself is done. Should a file that is not
         * the database's have come into it meanwhile, the folder stays, with
         * that file. */
        (void)kh_index_remove_database(exchanged ? tmp : old);
        if (out)
            out->seconds = now_seconds() - start;
    }
    free(db);
    free(tmp);
    free(old);
    free(parent);
    return st;
}

/* ---- leftovers ---------------------------------------------------------- */

/*
 * When entry is a temporary folder of NAME, or its .old (index.h): *name_len
 * gets NAME's length, *pid and *is_old the rest; returns 1. NAME must be want
 * when want is set, else a shard's. Returns 0 for any other name.
 */
static int parse_leftover(const char *entry, const char *want, size_t *name_len, long *pid,
                          int *is_old)
{
    const char *mark = strstr(entry, KH_INDEX_TEMPORARY_SUFFIX);
    if (!mark || mark == entry)
        return 0;
    size_t len = (size_t)(mark - entry);
    if (want) {
        if (strlen(want) != len || memcmp(entry, want, len) != 0)
            return 0;
    } else {
        if (!kh_index_is_shard_name(entry, len))
            return 0;
    }
    const char *digits = mark + strlen(KH_INDEX_TEMPORARY_SUFFIX);
    size_t n = strspn(digits, "0123456789");
    if (n == 0 || n > 10)
        return 0;
    if (digits[n] == '\0')
        *is_old = 0;
    else if (strcmp(digits + n, ".old") == 0)
        *is_old = 1;
    else
        return 0;
    *name_len = len;
    *pid = strtol(digits, NULL, 10);
    return 1;
}

/* The process is gone (its leftovers are ours to clear). EPERM: it runs as
 * another user, so it is alive. */
static int process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/*
 * Clears the leftovers in folder dir: of NAME want (or of any shard when
 * want is NULL). Two passes: a .old folder whose database is missing is
 * renamed back first, then what is left of the pattern is removed. Only a
 * folder that holds a database and nothing else is either (index.h): a
 * folder of the pattern holding anything else is not ours, and is counted
 * in *kept.
 */
static kh_status_t clean_folder(const char *dir, const char *want, unsigned *count, unsigned *kept)
{
    for (int pass = 0; pass < 2; pass++) {
        DIR *d = opendir(dir);
        if (!d)
            return KH_OK; /* no folder, no leftovers */
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t name_len;
            long pid;
            int is_old;
            if (!parse_leftover(e->d_name, want, &name_len, &pid, &is_old) || !process_gone(pid))
                continue;
            struct stat st;
            if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
                continue;
            char *name = strndup(e->d_name, name_len);
            char *full = malloc(strlen(dir) + 1 + strlen(e->d_name) + 1);
            if (!name || !full) {
                free(name);
                free(full);
                closedir(d);
                return KH_ERR_NOMEM;
            }
            sprintf(full, "%s/%s", dir, e->d_name);
            kh_index_layout_t layout = KH_INDEX_FOREIGN;
            kh_status_t known = kh_index_layout_of(full, &layout, NULL);
            int ours = layout == KH_INDEX_DATABASE || layout == KH_INDEX_EMPTY;
            if (known && known != KH_ERR_ARG) {
                /* Unreadable now (too many open files): left for the next run. */
            } else if (pass == 0) {
                if (is_old && ours && fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
                    errno == ENOENT && renameat(dirfd(d), e->d_name, dirfd(d), name) == 0)
                    (*count)++;
            } else if (!ours) {
                (*kept)++;
            } else if (kh_index_remove_database(full) == 0) {
                (*count)++;
            }
            free(full);
            free(name);
        }
        closedir(d);
    }
    return KH_OK;
}

kh_status_t kh_compact_cleanup(const char *path, unsigned *removed, unsigned *kept, kh_error_t *err)
{
    unsigned count = 0, strangers = 0;
    if (removed)
        *removed = 0;
    if (kept)
        *kept = 0;
    /* Where kh_compact_in_place() works: next to a symbolic link's target.
     * NAME is the last component, without trailing slashes ("idx/" is idx). */
    char *trimmed = realpath(path, NULL);
    if (!trimmed)
        trimmed = strdup(path); /* missing: the fallback swap may have been cut */
    if (!trimmed)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    size_t len = strlen(trimmed);
    while (len > 1 && trimmed[len - 1] == '/')
        trimmed[--len] = '\0';
    const char *slash = strrchr(trimmed, '/');
    const char *name = slash ? slash + 1 : trimmed;
    char *parent = parent_of(trimmed);
    kh_status_t st = parent ? KH_OK : KH_ERR_NOMEM;
    if (!st && *name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
        st = clean_folder(parent, name, &count, &strangers);
    /* Shards' leftovers: only inside a sharded index (a folder of the
     * user's is not looked into). */
    kh_index_layout_t layout = KH_INDEX_FOREIGN;
    if (!st && kh_index_layout_of(trimmed, &layout, NULL) == KH_OK && layout == KH_INDEX_SHARDS)
        st = clean_folder(trimmed, NULL, &count, &strangers);
    free(parent);
    free(trimmed);
    if (st)
        return kh_error_set(err, st, NULL);
    if (removed)
        *removed = count;
    if (kept)
        *kept = strangers;
    return KH_OK;
}
