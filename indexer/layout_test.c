/* Unit tests for layout.c: what is at an index path, and removing only what is ours. */
#define _DEFAULT_SOURCE /* mkdtemp, symlink */
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

#include "compact.h"
#include "layout.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

static void file_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int ours;
    } rows[] = {
        {"iamglass", 1},      {"flintlock", 1}, {"v.tmp", 1},           {"postlist.glass", 1},
        {"docdata.glass", 1}, {"changes12", 1}, {".glass", 0},          {"changes", 0},
        {"changes1x", 0},     {"notes.md", 0},  {"in.jsonl", 0},        {"iamglass.bak", 0},
        {"XAPIANDB", 0},      {"shard-0", 0},   {"postlist.glass~", 0}, {"", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (kh_layout_is_database_file(rows[i].name) != rows[i].ours)
            fail_msg("'%s': expected %d", rows[i].name, rows[i].ours);
    }
}

/* snprintf's result fits a 4096-byte path. */
static int fits(int n)
{
    return n > 0 && n < 4096;
}

/* Makes the entries of spec under dir: "name" a file, "name/" a folder,
 * "name@target" a symbolic link. */
static void make_tree(const char *dir, const char *const *spec)
{
    char path[4096];
    for (; *spec; spec++) {
        const char *at = strchr(*spec, '@');
        size_t len = strlen(*spec);
        if (at) {
            assert_true(
                fits(snprintf(path, sizeof path, "%s/%.*s", dir, (int)(at - *spec), *spec)));
            assert_int_equal(symlink(at + 1, path), 0);
        } else if ((*spec)[len - 1] == '/') {
            assert_true(fits(snprintf(path, sizeof path, "%s/%.*s", dir, (int)len - 1, *spec)));
            assert_int_equal(mkdir(path, 0700), 0);
        } else {
            assert_true(fits(snprintf(path, sizeof path, "%s/%s", dir, *spec)));
            FILE *f = fopen(path, "w");
            assert_non_null(f);
            fputs("x", f);
            fclose(f);
        }
    }
}

static void layouts(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *const spec[8];
        kh_layout_t want;
        const char *message; /* in err for KH_LAYOUT_FOREIGN */
    } rows[] = {
        {"empty folder", {NULL}, KH_LAYOUT_EMPTY, NULL},
        {"database",
         {"iamglass", "flintlock", "postlist.glass", "termlist.glass", NULL},
         KH_LAYOUT_DATABASE,
         NULL},
        {"partial database", {"v.tmp", NULL}, KH_LAYOUT_DATABASE, NULL},
        {"sharded",
         {"XAPIANDB", "shard-0/", "shard-0/iamglass", "shard-1/", NULL},
         KH_LAYOUT_SHARDS,
         NULL},
        {"sharded, leftovers",
         {"XAPIANDB", ".XAPIANDB.tmp", "shard-0/", "shard-0.compacting-12/",
          "shard-0.compacting-13.old/", "shard-0.compacting-13.old/iamglass", NULL},
         KH_LAYOUT_SHARDS,
         NULL},
        {"articles", {"in.jsonl", "sub/", NULL}, KH_LAYOUT_FOREIGN, "not part of a khabar index"},
        {"database and notes", {"iamglass", "notes.md", NULL}, KH_LAYOUT_FOREIGN, "'notes.md'"},
        {"database and a folder", {"iamglass", "sub/", NULL}, KH_LAYOUT_FOREIGN, "'sub'"},
        {"database file as a link",
         {"iamglass@/etc/passwd", NULL},
         KH_LAYOUT_FOREIGN,
         "'iamglass'"},
        {"hidden file", {".keep", NULL}, KH_LAYOUT_FOREIGN, "'.keep'"},
        {"file in a shard",
         {"XAPIANDB", "shard-0/", "shard-0/readme.txt", NULL},
         KH_LAYOUT_FOREIGN,
         "'shard-0/readme.txt'"},
        {"shard as a link", {"XAPIANDB", "shard-0@/tmp", NULL}, KH_LAYOUT_FOREIGN, "'shard-0'"},
        {"stub as a folder", {"XAPIANDB/", "shard-0/", NULL}, KH_LAYOUT_FOREIGN, "'XAPIANDB'"},
        {"other leftover name",
         {"XAPIANDB", "shard-0.compacting-x/", NULL},
         KH_LAYOUT_FOREIGN,
         "'shard-0.compacting-x'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/layout_test.XXXXXX", KH_TEST_TMPDIR);
        assert_non_null(mkdtemp(dir));
        make_tree(dir, rows[i].spec);
        kh_layout_t got;
        kh_error_t err = {0};
        kh_status_t st = kh_layout_of(dir, &got, &err);
        if (got != rows[i].want)
            fail_msg("%s: layout %d, expected %d (%s)", rows[i].what, (int)got, (int)rows[i].want,
                     err.message);
        if (rows[i].want == KH_LAYOUT_FOREIGN) {
            assert_int_equal(st, KH_ERR_ARG);
            if (!strstr(err.message, rows[i].message) || !strstr(err.message, dir))
                fail_msg("%s: message '%s' lacks '%s'", rows[i].what, err.message, rows[i].message);
        } else {
            assert_int_equal(st, KH_OK);
        }
        /* Removal: only a database folder (or an empty one) goes, whole. */
        int removed = kh_layout_remove_database(dir) == 0;
        struct stat sb;
        int gone = stat(dir, &sb) != 0;
        int want_removed = rows[i].want == KH_LAYOUT_EMPTY || rows[i].want == KH_LAYOUT_DATABASE;
        if (removed != want_removed || gone != want_removed)
            fail_msg("%s: removed %d (gone %d), expected %d", rows[i].what, removed, gone,
                     want_removed);
        if (!gone) {
            char cmd[4200];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
            assert_int_equal(system(cmd), 0);
        }
    }
}

static void missing_and_files(void **state)
{
    (void)state;
    char path[4096];
    kh_layout_t got;
    kh_error_t err;
    snprintf(path, sizeof path, "%s/layout_test.missing", KH_TEST_TMPDIR);
    assert_int_equal(kh_layout_of(path, &got, &err), KH_OK);
    assert_int_equal(got, KH_LAYOUT_MISSING);
    assert_int_equal(kh_layout_remove_database(path), 0);

    snprintf(path, sizeof path, "%s/layout_test.file", KH_TEST_TMPDIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(kh_layout_of(path, &got, &err), KH_ERR_ARG);
    assert_int_equal(got, KH_LAYOUT_FOREIGN);
    assert_non_null(strstr(err.message, "a file, not an index folder"));
    assert_int_equal(kh_layout_remove_database(path), -1);
    assert_int_equal(unlink(path), 0);
}

static void messages_name_the_users_path(void **state)
{
    (void)state;
    static const struct {
        const char *message, *tmp, *path, *want;
    } rows[] = {
        {"/a/idx.compacting-12: mkdir failed", "/a/idx.compacting-12", "idx", "idx: mkdir failed"},
        {"x (Couldn't create /a/idx.compacting-12/postlist.glass)", "/a/idx.compacting-12", "idx",
         "x (Couldn't create idx/postlist.glass)"},
        {"no temporary here", "/a/idx.compacting-12", "idx", "no temporary here"},
        {"الفهرس.compacting-7 و الفهرس.compacting-7", "الفهرس.compacting-7", "الفهرس",
         "الفهرس و الفهرس"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_error_t err;
        kh_error_set(&err, KH_ERR_IO, "%s", rows[i].message);
        kh_compact_name_path(&err, rows[i].tmp, rows[i].path);
        assert_string_equal(err.message, rows[i].want);
    }
    kh_compact_name_path(NULL, "a", "b"); /* accepted */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_names),
        cmocka_unit_test(layouts),
        cmocka_unit_test(missing_and_files),
        cmocka_unit_test(messages_name_the_users_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
