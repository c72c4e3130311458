/*
 * test_fs.h - for unit tests only: remove a test's scratch folder before it
 * starts again (the programs themselves never remove a tree: common/index.c
 * removes only a database's own files).
 */
#ifndef KH_TEST_FS_H
#define KH_TEST_FS_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Removes path and all under it, following no link; 0 (a missing path too), or -1. */
static inline int test_fs_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    int rc = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        size_t size = strlen(path) + strlen(entry->d_name) + 2;
        char *child = malloc(size);
        if (!child) {
            rc = -1;
            continue;
        }
        snprintf(child, size, "%s/%s", path, entry->d_name);
        if (test_fs_remove_tree(child) != 0)
            rc = -1;
        free(child);
    }
    closedir(dir);
    return rmdir(path) == 0 ? rc : -1;
}

/*
 * A path where nothing is, for one test's index: DIR/TEST.d/NAME, DIR.d made
 * when missing and whatever a run before left at the path removed. Borrowed
 * until the next call.
 */
static inline const char *test_fs_fresh_path(const char *dir, const char *test, const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s.d", dir, test);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s.d/%s", dir, test, name);
    (void)test_fs_remove_tree(path);
    return path;
}

#endif
