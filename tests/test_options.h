/*
 * test_options.h - for unit tests only: a program's command-line parser run
 * on a row of words, and a table of rows each expecting an action and the
 * messages the user sees. Include after <cmocka.h>.
 */
#ifndef KH_TEST_OPTIONS_H
#define KH_TEST_OPTIONS_H

#include <stdio.h>
#include <stdlib.h>

/* Words in a row, the program's name not counted. */
#define TEST_OPTIONS_MAX_WORDS 10

/* A program's parser (kh_indexer_args_parse, kh_searcher_args_parse) behind one type: args is the
 * program's struct, the action its enum. */
typedef int (*test_options_parse_fn)(int argc, char **argv, void *args, FILE *errs);

/* Words the user types (NULL-terminated) and what the parser answers: the action and everything
 * it writes for the user, "" when nothing. */
typedef struct test_options_row {
    const char *words[TEST_OPTIONS_MAX_WORDS];
    int action;
    const char *messages;
} test_options_row_t;

/*
 * Parses program then words (NULL-terminated) into args; returns the action, and in *messages
 * what the parser wrote (the caller frees it). args may point into the argument vector, which
 * stays until the next call.
 */
static inline int test_options_parse(const char *program, test_options_parse_fn parse,
                                     const char *const *words, void *args, char **messages)
{
    static char *argv[TEST_OPTIONS_MAX_WORDS + 2];
    int argc = 1;
    argv[0] = (char *)program;
    for (; words[argc - 1]; argc++)
        argv[argc] = (char *)words[argc - 1];
    argv[argc] = NULL;
    size_t size;
    FILE *errs = open_memstream(messages, &size);
    assert_non_null(errs);
    int action = parse(argc, argv, args, errs);
    fclose(errs);
    return action;
}

/* Runs every row of rows through parse, each into a fresh args (args_size bytes), and checks its
 * action and messages; a failure names the row. */
static inline void test_options_run_rows(const char *program, test_options_parse_fn parse,
                                         size_t args_size, const test_options_row_t *rows, size_t n)
{
    void *args = malloc(args_size);
    assert_non_null(args);
    for (size_t i = 0; i < n; i++) {
        char *messages;
        print_message("row %zu\n", i);
        assert_int_equal(test_options_parse(program, parse, rows[i].words, args, &messages),
                         rows[i].action);
        assert_string_equal(messages, rows[i].messages);
        free(messages);
    }
    free(args);
}

#endif
