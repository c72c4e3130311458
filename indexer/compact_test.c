/*
 * Unit tests for compaction in place, through compact.h: the swap (the
 * index smaller, the same passages, no temporary folder left) and what
 * kh_compact_cleanup() does with each kind of leftover of a crash.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_fs.h"
#include "test_index.h"

#include "compact.h"
#include "khabar/schema.h"
#include "khabar/xdb.h"
#include "writer.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/* Above any pid_max: no process has it. */
#define DEAD "2000000000"

static char folder[4096];

/* A fresh, empty work folder KH_TEST_TMPDIR/compact_test.d, made current. */
static int fresh_folder(void **state)
{
    (void)state;
    snprintf(folder, sizeof folder, "%s/compact_test.d", KH_TEST_TMPDIR);
    (void)test_fs_remove_tree(folder);
    if (mkdir(folder, 0700) != 0 || chdir(folder) != 0)
        return -1;
    return 0;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void make_dir(const char *path)
{
    assert_int_equal(mkdir(path, 0700), 0);
}

static void make_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* An open writer on path holding n articles of a few passages, committed. */
static kh_writer_t *index_articles(const char *path, unsigned n)
{
    kh_writer_t *w = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_writer_open(path, NULL, &w, &err), KH_OK);
    for (unsigned i = 0; i < n; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"id\": \"a%u\", \"title\": \"Harbour %u\", \"text\": \"ferry %u leaves\\n"
                 "الميناء %u\\ncargo crane %u\"}",
                 i, i, i, i, i);
        kh_article_t *a = test_article(json);
        assert_int_equal(test_put_article(w, a, &err), KH_OK);
        kh_article_free(a);
    }
    assert_int_equal(kh_writer_commit(w, &err), KH_OK);
    return w;
}

static unsigned doc_count(const char *path)
{
    kh_db_t *db = NULL;
    kh_error_t err = {0};
    unsigned n = 0;
    assert_int_equal(kh_db_open(path, KH_DB_READ_ONLY, &db, &err), KH_OK);
    assert_int_equal(kh_db_doc_count(db, &n, &err), KH_OK);
    kh_db_close(db);
    return n;
}

/* The number of entries of the work folder whose name starts with prefix. */
static unsigned entries_starting(const char *prefix)
{
    DIR *dir = opendir(".");
    assert_non_null(dir);
    unsigned n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(dir);
    return n;
}

/* In place: smaller, the same documents, the writer still holding the lock, nothing left. */
static void compacts_in_place(void **state)
{
    (void)state;
    kh_writer_t *w = index_articles("idx", 200);
    unsigned before = doc_count("idx");
    assert_int_equal(before, 200 * 4);
    kh_compaction_t done = {0};
    kh_error_t err = {0};
    assert_int_equal(kh_compact_in_place("idx", &done, &err), KH_OK);
    assert_true(done.bytes_after > 0);
    assert_true(done.bytes_after < done.bytes_before);
    assert_int_equal(doc_count("idx"), before);
    assert_int_equal(entries_starting("idx.compacting-"), 0);
    /* The lock went with the old folder: another writer may now open the new one. */
    assert_int_equal(kh_writer_close(w, 0, &err), KH_OK);
    kh_writer_t *again = NULL;
    assert_int_equal(kh_writer_open("idx", NULL, &again, &err), KH_OK);
    assert_int_equal(kh_writer_close(again, 1, &err), KH_OK);
    assert_int_equal(doc_count("idx"), before);
}

/* A missing database cannot be compacted; nothing is left behind. */
static void missing_database(void **state)
{
    (void)state;
    kh_error_t err = {0};
    assert_int_not_equal(kh_compact_in_place("nothing", NULL, &err), KH_OK);
    assert_false(exists("nothing"));
    assert_int_equal(entries_starting("nothing.compacting-"), 0);
}

/*
 * Leftovers beside an existing index: only folders NAME.compacting-PID[.old]
 * of a process that is gone are removed; one row per entry.
 */
static void cleanup_removes_only_dead_leftovers(void **state)
{
    (void)state;
    kh_writer_t *w = index_articles("idx", 3);
    kh_error_t err = {0};
    assert_int_equal(kh_writer_close(w, 1, &err), KH_OK);
    char ours[64], parents[64];
    snprintf(ours, sizeof ours, "idx.compacting-%ld", (long)getpid());
    snprintf(parents, sizeof parents, "idx.compacting-%ld", (long)getppid());
    static const struct {
        const char *name;
        int folder;
        int removed;
    } rows[] = {
        {"idx.compacting-" DEAD, 1, 1},          /* a partial copy of a crashed run */
        {"idx.compacting-1999999999.old", 1, 1}, /* an old copy, the index being there */
        {"idx.compacting-x", 1, 0},              /* not a pid */
        {"idx.compacting-2000000001", 0, 0},     /* a file, not a folder */
        {"idx.backup", 1, 0},                    /* not the pattern */
        {"other.compacting-" DEAD, 1, 0},        /* another index's */
        {"idx/shard-1.compacting-" DEAD, 1, 0}, /* a shard's name in an unsharded index: not ours */
    };
    size_t n = sizeof rows / sizeof rows[0];
    unsigned expected = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].folder)
            make_dir(rows[i].name);
        else
            make_file(rows[i].name, "x");
        expected += (unsigned)rows[i].removed;
    }
    make_dir(ours);    /* this process is alive: a compaction running now */
    make_dir(parents); /* another live process's */
    make_dir("idx.compacting-1999999998");
    make_file("idx.compacting-1999999998/notes.txt", "mine"); /* not an index's: kept */
    unsigned removed = 0, kept = 0;
    assert_int_equal(kh_compact_cleanup("idx", &removed, &kept, &err), KH_OK);
    for (size_t i = 0; i < n; i++)
        if (exists(rows[i].name) == rows[i].removed)
            fail_msg("%s: %s", rows[i].name, rows[i].removed ? "not removed" : "removed");
    assert_int_equal(removed, expected);
    assert_int_equal(kept, 1);
    assert_true(exists("idx.compacting-1999999998/notes.txt"));
    assert_true(exists(ours));
    assert_true(exists(parents));
    assert_int_equal(doc_count("idx"), 3 * 4);
}

/* A crash between the two renames of the fallback swap: the index is missing, its old copy is put
 * back. */
static void cleanup_restores_old_copy(void **state)
{
    (void)state;
    kh_writer_t *w = index_articles("idx", 5);
    kh_error_t err = {0};
    assert_int_equal(kh_writer_close(w, 1, &err), KH_OK);
    assert_int_equal(rename("idx", "idx.compacting-" DEAD ".old"), 0);
    make_dir("idx.compacting-" DEAD); /* the new copy, never moved in */
    unsigned removed = 0, kept = 0;
    assert_int_equal(kh_compact_cleanup("idx", &removed, &kept, &err), KH_OK);
    assert_int_equal(removed, 2);
    assert_int_equal(kept, 0);
    assert_int_equal(doc_count("idx"), 5 * 4);
    assert_int_equal(entries_starting("idx.compacting-"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(compacts_in_place, fresh_folder),
        cmocka_unit_test_setup(missing_database, fresh_folder),
        cmocka_unit_test_setup(cleanup_removes_only_dead_leftovers, fresh_folder),
        cmocka_unit_test_setup(cleanup_restores_old_copy, fresh_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
