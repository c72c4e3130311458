/*
 * Unit tests for the searcher's command line: valid options into the
 * struct's fields (options end at the first query word), and for each
 * error the message the user sees.
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

/* kh_searcher_args_parse behind the helper's type. */
static int parse_searcher(int argc, char **argv, void *args, FILE *errs)
{
    return kh_searcher_args_parse(argc, argv, args, errs);
}

/* Parses words (NULL-terminated, after "searcher"); returns the action and the messages. */
static kh_searcher_action_t parse(const char *const *words, kh_searcher_args_t *args,
                                  char **messages)
{
    return test_options_parse("searcher", parse_searcher, words, args, messages);
}

static void test_valid(void **state)
{
    (void)state;
    static const struct {
        const char *words[TEST_OPTIONS_MAX_WORDS];
        const char *index, *batch, *tag;
        kh_output_format_t format;
        unsigned limit, jobs;
        int per_article, all_words, stopwords, allow_partial, timing, ids_only;
        double title_weight, remote_timeout;
        int n_words;
        const char *first_word;
    } rows[] = {
        /* Defaults; one searcher for a command-line query. */
        {{"oil"}, NULL, NULL, NULL, KH_OUTPUT_TEXT, 10, 1, 0, 0, 1, 0, 0, 0, 0.5, 10, 1, "oil"},
        {{"-d", "idx", "-n", "3", "-f", "json", "نفط", "oil"},
         "idx",
         NULL,
         NULL,
         KH_OUTPUT_JSON,
         3,
         1,
         0,
         0,
         1,
         0,
         0,
         0,
         0.5,
         10,
         2,
         "نفط"},
        /* POSIX order: from the first query word on, all is query text. */
        {{"oil", "-debate", "-n", "3"},
         NULL,
         NULL,
         NULL,
         KH_OUTPUT_TEXT,
         10,
         1,
         0,
         0,
         1,
         0,
         0,
         0,
         0.5,
         10,
         4,
         "oil"},
        {{"--", "-debate", "oil"},
         NULL,
         NULL,
         NULL,
         KH_OUTPUT_TEXT,
         10,
         1,
         0,
         0,
         1,
         0,
         0,
         0,
         0.5,
         10,
         2,
         "-debate"},
        /* TREC: ids only; the tag; --per-article reaches the output too. */
        {{"--format=trec", "--tag", "run1", "--per-article", "--all", "oil"},
         NULL,
         NULL,
         "run1",
         KH_OUTPUT_TREC,
         10,
         1,
         1,
         1,
         1,
         0,
         0,
         1,
         0.5,
         10,
         1,
         "oil"},
        {{"--batch", "q.tsv", "-j", "3", "--timing", "--allow-partial", "--remote-timeout", "2.5"},
         NULL,
         "q.tsv",
         NULL,
         KH_OUTPUT_TEXT,
         10,
         3,
         0,
         0,
         1,
         1,
         1,
         0,
         0.5,
         2.5,
         0,
         NULL},
        /* A batch without -j: 0, the default is main's (the processors). */
        {{"--batch=-", "--no-stopwords", "--title-weight", "0"},
         NULL,
         "-",
         NULL,
         KH_OUTPUT_TEXT,
         10,
         0,
         0,
         0,
         0,
         0,
         0,
         0,
         0,
         10,
         0,
         NULL},
        /* A unique prefix of a long option is the option. */
        {{"--lim", "5", "--per", "oil"},
         NULL,
         NULL,
         NULL,
         KH_OUTPUT_TEXT,
         5,
         1,
         1,
         0,
         1,
         0,
         0,
         0,
         0.5,
         10,
         1,
         "oil"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_searcher_args_t args;
        char *messages;
        print_message("row %zu\n", i);
        assert_int_equal(parse(rows[i].words, &args, &messages), KH_SEARCHER_RUN);
        assert_string_equal(messages, "");
        free(messages);
        if (rows[i].index)
            assert_string_equal(args.index, rows[i].index);
        else
            assert_null(args.index);
        if (rows[i].batch)
            assert_string_equal(args.batch, rows[i].batch);
        else
            assert_null(args.batch);
        if (rows[i].tag)
            assert_string_equal(args.output.tag, rows[i].tag);
        else
            assert_null(args.output.tag);
        assert_int_equal(args.output.format, rows[i].format);
        assert_int_equal(args.search.limit, rows[i].limit);
        assert_int_equal(args.jobs, rows[i].jobs);
        assert_int_equal(args.search.per_article, rows[i].per_article);
        assert_int_equal(args.output.per_article, rows[i].per_article);
        assert_int_equal(args.search.all_words, rows[i].all_words);
        assert_int_equal(args.search.stopwords != 0, rows[i].stopwords); /* --no-stopwords: none */
        assert_int_equal(args.allow_partial, rows[i].allow_partial);
        assert_int_equal(args.search.allow_partial, rows[i].allow_partial);
        assert_int_equal(args.timing, rows[i].timing);
        assert_int_equal(args.search.ids_only, rows[i].ids_only);
        assert_true(args.search.title_weight == rows[i].title_weight);
        assert_true(args.remote_timeout == rows[i].remote_timeout);
        assert_int_equal(args.n_words, rows[i].n_words);
        if (rows[i].first_word)
            assert_string_equal(args.words[0], rows[i].first_word);
    }
}

/* --offset, --count, --explain, --analyze into the search's, the output's and the run's fields. */
static void test_talking_back(void **state)
{
    (void)state;
    static const struct {
        const char *words[TEST_OPTIONS_MAX_WORDS];
        unsigned offset;
        int count, explain, analyze;
    } rows[] = {
        {{"oil"}, 0, 0, 0, 0},
        {{"--offset", "10", "-n", "10", "oil"}, 10, 0, 0, 0},
        {{"--count", "--per-article", "نفط"}, 0, 1, 0, 0},
        {{"--explain", "--offset=3", "oil"}, 3, 0, 1, 0},
        {{"--analyze", "-f", "json", "إيلون", "ماسك"}, 0, 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_searcher_args_t args;
        char *messages = NULL;
        assert_int_equal(parse(rows[i].words, &args, &messages), KH_SEARCHER_RUN);
        assert_string_equal(messages, "");
        free(messages);
        assert_int_equal(args.search.offset, rows[i].offset);
        assert_int_equal(args.search.count, rows[i].count);
        assert_int_equal(args.output.count, rows[i].count);
        assert_int_equal(args.search.explain, rows[i].explain);
        assert_int_equal(args.output.explain, rows[i].explain);
        assert_int_equal(args.analyze, rows[i].analyze);
    }
}

static void test_errors(void **state)
{
    (void)state;
    static const test_options_row_t rows[] = {
        {{"-h", "oil"}, KH_SEARCHER_HELP, ""},
        {{"-V"}, KH_SEARCHER_VERSION, ""},
        {{NULL}, KH_SEARCHER_BAD_USAGE, "searcher: no query\n"},
        {{"-n", "3"}, KH_SEARCHER_BAD_USAGE, "searcher: no query\n"},
        {{"--batch", "q.tsv", "oil"},
         KH_SEARCHER_BAD_USAGE,
         "searcher: give either --batch or a query, not both\n"},
        {{"--offset", "-1", "oil"},
         KH_SEARCHER_BAD,
         "searcher: --offset wants a whole number from 0 to 1000000, not '-1'\n"},
        {{"--analyze", "--batch", "q.tsv"},
         KH_SEARCHER_BAD_USAGE,
         "searcher: --analyze takes text only, not --batch, --count or --explain\n"},
        {{"--count", "--explain", "oil"},
         KH_SEARCHER_BAD_USAGE,
         "searcher: give either --count or --explain, not both\n"},
        {{"-n", "0", "oil"},
         KH_SEARCHER_BAD,
         "searcher: -n wants a whole number from 1 to 1000000, not '0'\n"},
        {{"--limit=2.5", "oil"},
         KH_SEARCHER_BAD,
         "searcher: --limit wants a whole number from 1 to 1000000, not '2.5'\n"},
        {{"--prf-weight", "nan", "oil"},
         KH_SEARCHER_BAD,
         "searcher: --prf-weight wants a number from 0 to 1000, not 'nan'\n"},
        {{"--jobs", "65", "--batch", "-"},
         KH_SEARCHER_BAD,
         "searcher: --jobs wants a whole number from 1 to 64, not '65'\n"},
        {{"--remote-timeout", "0", "oil"},
         KH_SEARCHER_BAD,
         "searcher: --remote-timeout wants a number from 0.001 to 86400, not '0'\n"},
        {{"-f", "xml", "oil"},
         KH_SEARCHER_BAD,
         "searcher: unknown format 'xml' (text, json, trec, tsv)\n"},
        {{"--formt", "json", "oil"},
         KH_SEARCHER_BAD,
         "searcher: unknown option '--formt'; did you mean --format?\n"
         "searcher: try 'searcher --help'\n"},
        {{"--p", "oil"},
         KH_SEARCHER_BAD,
         "searcher: option '--p' is ambiguous: --per-article, --prf-docs, --prf-terms, "
         "--prf-weight\n"
         "searcher: try 'searcher --help'\n"},
        {{"--all=1", "oil"},
         KH_SEARCHER_BAD,
         "searcher: option '--all' takes no value\n"
         "searcher: try 'searcher --help'\n"},
        {{"--per=1", "oil"},
         KH_SEARCHER_BAD,
         "searcher: option '--per-article' takes no value\n"
         "searcher: try 'searcher --help'\n"},
        {{"-x", "oil"},
         KH_SEARCHER_BAD,
         "searcher: unknown option '-x' (a query that starts with '-' goes after --: searcher -- "
         "-x)\n"
         "searcher: try 'searcher --help'\n"},
        {{"-d"},
         KH_SEARCHER_BAD,
         "searcher: option '-d' needs a value\n"
         "searcher: try 'searcher --help'\n"},
    };
    test_options_run_rows("searcher", parse_searcher, sizeof(kh_searcher_args_t), rows,
                          sizeof rows / sizeof rows[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_talking_back),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
