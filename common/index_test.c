/* Unit tests for index.c: what is at an index path, removing only what is ours, the stub. */
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

#include "khabar/index.h"
#include "khabar/schema.h"
#include "khabar/xdb.h"

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
        if (kh_index_is_database_file(rows[i].name) != rows[i].ours)
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
        kh_index_layout_t want;
        const char *message; /* in err for KH_INDEX_FOREIGN */
    } rows[] = {
        {"empty folder", {NULL}, KH_INDEX_EMPTY, NULL},
        {"database",
         {"iamglass", "flintlock", "postlist.glass", "termlist.glass", NULL},
         KH_INDEX_DATABASE,
         NULL},
        {"partial database", {"v.tmp", NULL}, KH_INDEX_DATABASE, NULL},
        {"sharded",
         {"XAPIANDB", "shard-0/", "shard-0/iamglass", "shard-1/", NULL},
         KH_INDEX_SHARDS,
         NULL},
        {"sharded, leftovers",
         {"XAPIANDB", ".XAPIANDB.tmp", "shard-0/", "shard-0.compacting-12/",
          "shard-0.compacting-13.old/", "shard-0.compacting-13.old/iamglass", NULL},
         KH_INDEX_SHARDS,
         NULL},
        {"articles", {"in.jsonl", "sub/", NULL}, KH_INDEX_FOREIGN, "not part of a khabar index"},
        {"database and notes", {"iamglass", "notes.md", NULL}, KH_INDEX_FOREIGN, "'notes.md'"},
        {"database and a folder", {"iamglass", "sub/", NULL}, KH_INDEX_FOREIGN, "'sub'"},
        {"database file as a link", {"iamglass@/etc/passwd", NULL}, KH_INDEX_FOREIGN, "'iamglass'"},
        {"hidden file", {".keep", NULL}, KH_INDEX_FOREIGN, "'.keep'"},
        {"file in a shard",
         {"XAPIANDB", "shard-0/", "shard-0/readme.txt", NULL},
         KH_INDEX_FOREIGN,
         "'shard-0/readme.txt'"},
        {"shard as a link", {"XAPIANDB", "shard-0@/tmp", NULL}, KH_INDEX_FOREIGN, "'shard-0'"},
        {"stub as a folder", {"XAPIANDB/", "shard-0/", NULL}, KH_INDEX_FOREIGN, "'XAPIANDB'"},
        {"other leftover name",
         {"XAPIANDB", "shard-0.compacting-x/", NULL},
         KH_INDEX_FOREIGN,
         "'shard-0.compacting-x'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/index_test.XXXXXX", KH_TEST_TMPDIR);
        assert_non_null(mkdtemp(dir));
        make_tree(dir, rows[i].spec);
        kh_index_layout_t got;
        kh_error_t err = {0};
        kh_status_t st = kh_index_layout_of(dir, &got, &err);
        if (got != rows[i].want)
            fail_msg("%s: layout %d, expected %d (%s)", rows[i].what, (int)got, (int)rows[i].want,
                     err.message);
        if (rows[i].want == KH_INDEX_FOREIGN) {
            assert_int_equal(st, KH_ERR_ARG);
            if (!strstr(err.message, rows[i].message) || !strstr(err.message, dir))
                fail_msg("%s: message '%s' lacks '%s'", rows[i].what, err.message, rows[i].message);
        } else {
            assert_int_equal(st, KH_OK);
        }
        /* Removal: only a database folder (or an empty one) goes, whole. */
        int removed = kh_index_remove_database(dir) == 0;
        struct stat sb;
        int gone = stat(dir, &sb) != 0;
        int want_removed = rows[i].want == KH_INDEX_EMPTY || rows[i].want == KH_INDEX_DATABASE;
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
    kh_index_layout_t got;
    kh_error_t err;
    snprintf(path, sizeof path, "%s/index_test.missing", KH_TEST_TMPDIR);
    assert_int_equal(kh_index_layout_of(path, &got, &err), KH_OK);
    assert_int_equal(got, KH_INDEX_MISSING);
    assert_int_equal(kh_index_remove_database(path), 0);

    snprintf(path, sizeof path, "%s/index_test.file", KH_TEST_TMPDIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(kh_index_layout_of(path, &got, &err), KH_ERR_ARG);
    assert_int_equal(got, KH_INDEX_FOREIGN);
    assert_non_null(strstr(err.message, "a file, not an index folder"));
    assert_int_equal(kh_index_remove_database(path), -1);
    assert_int_equal(unlink(path), 0);
}

static void shard_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t len; /* 0: the whole name */
        int shard;
    } rows[] = {
        {"shard-0", 0, 1},
        {"shard-12", 0, 1},
        {"shard-", 0, 0},
        {"shard-x", 0, 0},
        {"shard-1a", 0, 0},
        {"Shard-1", 0, 0},
        {"idx", 0, 0},
        {"shard-3.compacting-12", 7, 1},
        {"shard-3.compacting-12", 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].name);
        if (kh_index_is_shard_name(rows[i].name, len) != rows[i].shard)
            fail_msg("'%.*s': expected %d", (int)len, rows[i].name, rows[i].shard);
    }
    char *path = kh_index_shard_path("/srv/idx", 7);
    assert_string_equal(path, "/srv/idx/shard-7");
    free(path);
    char tmp[64], want[64];
    snprintf(want, sizeof want, "idx.compacting-%ld", (long)getpid());
    assert_int_equal(kh_index_temporary_path(tmp, sizeof tmp, "idx"), 0);
    assert_string_equal(tmp, want);
    assert_int_equal(kh_index_temporary_path(tmp, 8, "idx"), -1);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* What the indexer finds at an index path: its shard count, or why it refuses the stub. */
static void shard_counts(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *stub; /* NULL: no stub */
        int glass;        /* an iamglass file beside */
        kh_status_t status;
        unsigned count;
        const char *message; /* in the message, after the stub's path */
    } rows[] = {
        {"nothing", NULL, 0, KH_OK, 0, NULL},
        {"a database", NULL, 1, KH_OK, 1, NULL},
        {"one shard", "auto shard-0\n", 0, KH_OK, 1, NULL},
        {"three shards", "auto shard-0\nauto shard-1\nauto shard-2\n", 0, KH_OK, 3, NULL},
        {"empty stub", "", 0, KH_ERR_ARG, 0, ": empty stub file"},
        {"a remote line", "auto shard-0\nremote 10.0.0.2:7001\n", 0, KH_ERR_ARG, 0,
         ": line 2 is not 'auto shard-1': the indexer writes only the local shards it made"},
        {"out of order", "auto shard-1\n", 0, KH_ERR_ARG, 0, ": line 1 is not 'auto shard-0'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[4096], file[4200];
        snprintf(dir, sizeof dir, "%s/index_test.XXXXXX", KH_TEST_TMPDIR);
        assert_non_null(mkdtemp(dir));
        if (rows[i].stub) {
            snprintf(file, sizeof file, "%s/XAPIANDB", dir);
            write_file(file, rows[i].stub);
        }
        if (rows[i].glass) {
            snprintf(file, sizeof file, "%s/iamglass", dir);
            write_file(file, "");
        }
        kh_error_t err = {0};
        unsigned count = 99;
        kh_status_t st = kh_index_shard_count(dir, &count, &err);
        if (st != rows[i].status || (!st && count != rows[i].count))
            fail_msg("%s: status %d, count %u (%s)", rows[i].what, (int)st, count, err.message);
        if (rows[i].message) {
            char want[4400];
            snprintf(want, sizeof want, "%s/XAPIANDB%s", dir, rows[i].message);
            if (strncmp(err.message, want, strlen(want)) != 0)
                fail_msg("%s: message '%s', expected '%s...'", rows[i].what, err.message, want);
        }
        snprintf(file, sizeof file, "rm -r '%s'", dir);
        assert_int_equal(system(file), 0);
    }
}

/* A stub written is read back; nothing of its temporary file is left. */
static void stub_round_trip(void **state)
{
    (void)state;
    static const unsigned counts[] = {1, 2, 5};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        char dir[4096], file[4200];
        snprintf(dir, sizeof dir, "%s/index_test.XXXXXX", KH_TEST_TMPDIR);
        assert_non_null(mkdtemp(dir));
        kh_error_t err;
        assert_int_equal(kh_index_write_stub(dir, counts[i], &err), KH_OK);
        unsigned count = 0;
        assert_int_equal(kh_index_shard_count(dir, &count, &err), KH_OK);
        assert_int_equal(count, counts[i]);
        snprintf(file, sizeof file, "%s/.XAPIANDB.tmp", dir);
        assert_int_not_equal(access(file, F_OK), 0);
        snprintf(file, sizeof file, "rm -r '%s'", dir);
        assert_int_equal(system(file), 0);
    }
    kh_error_t err;
    assert_int_equal(kh_index_write_stub(KH_TEST_TMPDIR "/index_test.none/x", 2, &err), KH_ERR_IO);
    assert_non_null(strstr(err.message, "/index_test.none/x/XAPIANDB: "));
}

/* The writer's and the reader's checks of the version stamps, on one database. */
static void stamps(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *key, *value; /* set before the checks; NULL: a new database */
        kh_status_t writer, reader;
        const char *writer_says, *reader_says;
    } rows[] = {
        {"new", NULL, NULL, KH_OK, KH_OK, NULL, NULL},
        {"old schema", KH_META_SCHEMA, "0", KH_ERR_DB_VERSION, KH_ERR_DB_VERSION,
         "idx: index was built with schema version '0', this indexer writes version '",
         "idx: index has " KH_META_SCHEMA " '0' but this searcher reads '"},
        {"other analyzer", KH_META_ANALYZER, "x", KH_ERR_DB_VERSION, KH_ERR_DB_VERSION,
         "idx: index was built with analyzer version 'x', this indexer writes version '",
         "idx: index has " KH_META_ANALYZER " 'x' but this searcher reads '"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[4096], rm[4200];
        snprintf(dir, sizeof dir, "%s/index_test.XXXXXX", KH_TEST_TMPDIR);
        assert_non_null(mkdtemp(dir));
        kh_db_t *db = NULL;
        kh_error_t err = {0};
        assert_int_equal(kh_db_open(dir, KH_DB_CREATE_OR_OPEN, &db, &err), KH_OK);
        /* An empty database without stamps is an empty index to a reader. */
        assert_int_equal(kh_index_check_stamps(db, "idx", &err), KH_OK);
        assert_int_equal(kh_index_stamp(db, "idx", &err), KH_OK);
        if (rows[i].key)
            assert_int_equal(kh_db_set_metadata(db, rows[i].key, rows[i].value, &err), KH_OK);
        kh_status_t st = kh_index_stamp(db, "idx", &err);
        if (st != rows[i].writer ||
            (rows[i].writer_says &&
             strncmp(err.message, rows[i].writer_says, strlen(rows[i].writer_says)) != 0))
            fail_msg("%s: writer: status %d (%s)", rows[i].what, (int)st, err.message);
        st = kh_index_check_stamps(db, "idx", &err);
        if (st != rows[i].reader ||
            (rows[i].reader_says &&
             strncmp(err.message, rows[i].reader_says, strlen(rows[i].reader_says)) != 0))
            fail_msg("%s: reader: status %d (%s)", rows[i].what, (int)st, err.message);
        kh_db_close(db);
        snprintf(rm, sizeof rm, "rm -r '%s'", dir);
        assert_int_equal(system(rm), 0);
    }
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
        kh_index_name_path(&err, rows[i].tmp, rows[i].path);
        assert_string_equal(err.message, rows[i].want);
    }
    kh_index_name_path(NULL, "a", "b"); /* accepted */
}

/* Opening for writing creates where nothing is, stamps, and is then read back; or says why not. */
static void open_write_then_read(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *at;     /* under the scratch folder */
        int make_folder;    /* an empty folder there first */
        const char *schema; /* a stamp set before reopening; NULL: none */
        kh_status_t open, reopen, read;
        const char *says; /* the last message, after "SCRATCH/at" */
    } rows[] = {
        {"missing", "idx", 0, NULL, KH_OK, KH_OK, KH_OK, NULL},
        {"empty folder", "idx", 1, NULL, KH_OK, KH_OK, KH_OK, NULL},
        {"parent missing", "none/idx", 0, NULL, KH_ERR_IO, KH_OK, KH_OK,
         ": cannot create the index: "},
        {"another schema", "idx", 0, "0", KH_OK, KH_ERR_DB_VERSION, KH_ERR_DB_VERSION,
         ": index has " KH_META_SCHEMA " '0' but this searcher reads '"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[4096], path[4200], tmp[4300];
        snprintf(dir, sizeof dir, "%s/index_test.XXXXXX", KH_TEST_TMPDIR);
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/%s", dir, rows[i].at);
        if (rows[i].make_folder)
            assert_int_equal(mkdir(path, 0777), 0);
        kh_db_t *db = NULL;
        kh_error_t err = {0};
        kh_status_t st = kh_index_open_write(path, &db, &err);
        if (st != rows[i].open)
            fail_msg("%s: open: status %d (%s)", rows[i].what, (int)st, err.message);
        if (!st) {
            /* Made whole, then renamed: no temporary folder is left. */
            assert_int_equal(kh_index_temporary_path(tmp, sizeof tmp, path), 0);
            assert_int_not_equal(access(tmp, F_OK), 0);
            if (rows[i].schema)
                assert_int_equal(kh_db_set_metadata(db, KH_META_SCHEMA, rows[i].schema, &err),
                                 KH_OK);
            assert_int_equal(kh_db_commit(db, &err), KH_OK);
            kh_db_close(db);
            st = kh_index_open_write(path, &db, &err);
            if (st != rows[i].reopen)
                fail_msg("%s: reopen: status %d (%s)", rows[i].what, (int)st, err.message);
            kh_db_close(db);
            st = kh_index_open_read(path, 1.0, &db, &err);
            if (st != rows[i].read)
                fail_msg("%s: read: status %d (%s)", rows[i].what, (int)st, err.message);
            if (st)
                assert_null(db);
            kh_db_close(db);
        } else {
            assert_null(db);
        }
        if (rows[i].says) {
            char want[4400];
            snprintf(want, sizeof want, "%s%s", path, rows[i].says);
            if (strncmp(err.message, want, strlen(want)) != 0)
                fail_msg("%s: message '%s', expected '%s...'", rows[i].what, err.message, want);
        }
        snprintf(tmp, sizeof tmp, "rm -r '%s'", dir);
        assert_int_equal(system(tmp), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_names),
        cmocka_unit_test(layouts),
        cmocka_unit_test(missing_and_files),
        cmocka_unit_test(shard_names),
        cmocka_unit_test(shard_counts),
        cmocka_unit_test(stub_round_trip),
        cmocka_unit_test(stamps),
        cmocka_unit_test(open_write_then_read),
        cmocka_unit_test(messages_name_the_users_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
