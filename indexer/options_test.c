/*
 * Unit tests for the indexer's command line: valid options into the
 * struct's fields, and for each error the message the user sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

#include "test_options.h"

/* kh_indexer_args_parse behind the helper's type. */
static int parse_indexer(int argc, char **argv, void *args, FILE *errs)
{
    return kh_indexer_args_parse(argc, argv, args, errs);
}

/* Parses words (NULL-terminated, after "indexer"); returns the action and the messages. */
static kh_indexer_action_t parse(const char *const *words, kh_indexer_args_t *args, char **messages)
{
    return test_options_parse("indexer", parse_indexer, words, args, messages);
}

static void test_valid(void **state)
{
    (void)state;
    static const struct {
        const char *words[TEST_OPTIONS_MAX_WORDS];
        const char *index;
        int delete_mode, compact, compact_only, strict, quiet;
        kh_format_t format;
        long wait_seconds;
        unsigned shards, jobs, batch, window, overlap;
        int n_words;
        const char *first_word;
    } rows[] = {
        /* Defaults: a default index, the writer's batch and window. */
        {{"news.txt"}, NULL, 0, -1, 0, 0, 0, KH_FORMAT_AUTO, 0, 0, 0, 2000, 150, 30, 1, "news.txt"},
        {{"-d", "idx", "--format", "jsonl", "-q", "a.jsonl", "أخبار.txt"},
         "idx",
         0,
         -1,
         0,
         0,
         1,
         KH_FORMAT_JSONL,
         0,
         0,
         0,
         2000,
         150,
         30,
         2,
         "a.jsonl"},
        {{"--format=txt", "--strict", "--wait", "--shards", "4", "-j", "2", "x"},
         NULL,
         0,
         -1,
         0,
         1,
         0,
         KH_FORMAT_TEXT,
         -1,
         4,
         2,
         2000,
         150,
         30,
         1,
         "x"},
        {{"--wait=30", "--batch-size", "500", "--window", "80", "--overlap", "0", "-"},
         NULL,
         0,
         -1,
         0,
         0,
         0,
         KH_FORMAT_AUTO,
         30,
         0,
         0,
         500,
         80,
         0,
         1,
         "-"},
        {{"--delete", "id-1", "id-2"},
         NULL,
         1,
         -1,
         0,
         0,
         0,
         KH_FORMAT_AUTO,
         0,
         0,
         0,
         2000,
         150,
         30,
         2,
         "id-1"},
        /* --compact alone: compaction is the run's only work. */
        {{"--compact"}, NULL, 0, 1, 1, 0, 0, KH_FORMAT_AUTO, 0, 0, 0, 2000, 150, 30, 0, NULL},
        {{"--compact", "a.txt"},
         NULL,
         0,
         1,
         0,
         0,
         0,
         KH_FORMAT_AUTO,
         0,
         0,
         0,
         2000,
         150,
         30,
         1,
         "a.txt"},
        {{"--no-compact", "a.txt"},
         NULL,
         0,
         0,
         0,
         0,
         0,
         KH_FORMAT_AUTO,
         0,
         0,
         0,
         2000,
         150,
         30,
         1,
         "a.txt"},
        /* getopt_long() permutes: an option after a path is still an option. */
        {{"a.txt", "-q"}, NULL, 0, -1, 0, 0, 1, KH_FORMAT_AUTO, 0, 0, 0, 2000, 150, 30, 1, "a.txt"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_indexer_args_t args;
        char *messages;
        print_message("row %zu\n", i);
        assert_int_equal(parse(rows[i].words, &args, &messages), KH_INDEXER_RUN);
        assert_string_equal(messages, "");
        free(messages);
        if (rows[i].index)
            assert_string_equal(args.index, rows[i].index);
        else
            assert_null(args.index);
        assert_int_equal(args.delete_mode, rows[i].delete_mode);
        assert_int_equal(args.compact, rows[i].compact);
        assert_int_equal(args.compact_only, rows[i].compact_only);
        assert_int_equal(args.strict, rows[i].strict);
        assert_int_equal(args.quiet, rows[i].quiet);
        assert_int_equal(args.format, rows[i].format);
        assert_int_equal(args.wait_seconds, rows[i].wait_seconds);
        assert_int_equal(args.pipeline.shards, rows[i].shards);
        assert_int_equal(args.pipeline.jobs, rows[i].jobs);
        assert_int_equal(args.pipeline.writer.batch_articles, rows[i].batch);
        assert_int_equal(args.pipeline.writer.passage.window_words, rows[i].window);
        assert_int_equal(args.pipeline.writer.passage.overlap_words, rows[i].overlap);
        assert_int_equal(args.n_words, rows[i].n_words);
        if (rows[i].first_word)
            assert_string_equal(args.words[0], rows[i].first_word);
    }
}

static void test_errors(void **state)
{
    (void)state;
    static const test_options_row_t rows[] = {
        {{"-h"}, KH_INDEXER_HELP, ""},
        {{"--version"}, KH_INDEXER_VERSION, ""},
        {{NULL}, KH_INDEXER_BAD_USAGE, "indexer: nothing to index\n"},
        {{"-q"}, KH_INDEXER_BAD_USAGE, "indexer: nothing to index\n"},
        {{"--delete"}, KH_INDEXER_BAD_USAGE, "indexer: --delete needs article ids\n"},
        {{"--compact", "--delete"}, KH_INDEXER_BAD_USAGE, "indexer: --delete needs article ids\n"},
        {{"--format", "xml", "a"},
         KH_INDEXER_BAD,
         "indexer: unknown format 'xml' (auto, text, jsonl)\n"},
        {{"--shards", "0", "a"},
         KH_INDEXER_BAD,
         "indexer: --shards wants a whole number from 1 to 256, not '0'\n"},
        {{"-j", "1e3", "a"},
         KH_INDEXER_BAD,
         "indexer: --jobs wants a whole number from 1 to 64, not '1e3'\n"},
        {{"--wait=-1", "a"},
         KH_INDEXER_BAD,
         "indexer: --wait wants a whole number from 0 to 31536000, not '-1'\n"},
        {{"--batch-size", "", "a"},
         KH_INDEXER_BAD,
         "indexer: --batch-size wants a whole number from 1 to 10000000, not ''\n"},
        {{"--window", "10", "--overlap", "10", "a"},
         KH_INDEXER_BAD,
         "indexer: --overlap must be smaller than --window\n"},
        {{"--formt", "jsonl", "a"},
         KH_INDEXER_BAD,
         "indexer: unknown option '--formt'; did you mean --format?\n"
         "indexer: try 'indexer --help'\n"},
        {{"--strict=yes", "a"},
         KH_INDEXER_BAD,
         "indexer: option '--strict' takes no value\n"
         "indexer: try 'indexer --help'\n"},
        {{"-x", "a"},
         KH_INDEXER_BAD,
         "indexer: unknown option '-x'\n"
         "indexer: try 'indexer --help'\n"},
        {{"-qx", "a"},
         KH_INDEXER_BAD,
         "indexer: unknown option '-qx'\n"
         "indexer: try 'indexer --help'\n"},
        {{"a", "-d"},
         KH_INDEXER_BAD,
         "indexer: option '-d' needs a value\n"
         "indexer: try 'indexer --help'\n"},
        {{"--zzzzzzzz", "a"},
         KH_INDEXER_BAD,
         "indexer: unknown option '--zzzzzzzz'\n"
         "indexer: try 'indexer --help'\n"},
    };
    test_options_run_rows("indexer", parse_indexer, sizeof(kh_indexer_args_t), rows,
                          sizeof rows / sizeof rows[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
