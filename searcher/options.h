/*
 * options.h - the searcher's command line, parsed into a struct.
 *
 * Options end at the first word of the query (POSIX order): every later
 * word is query text. Nothing here opens an index; messages about a bad
 * command line are written on the stream the caller gives, word for word as
 * the user sees them.
 */
#ifndef KHABAR_SEARCHER_OPTIONS_H
#define KHABAR_SEARCHER_OPTIONS_H

#include <stdio.h>

#include "output.h"
#include "search.h"

/* What the command line asks for. */
typedef enum kh_searcher_action {
    KH_SEARCHER_RUN,       /* search the words, or run the batch (the fields below) */
    KH_SEARCHER_HELP,      /* -h: the usage on stdout, exit 0 */
    KH_SEARCHER_VERSION,   /* -V: the version on stdout, exit 0 */
    KH_SEARCHER_BAD,       /* the message is written: exit 2 */
    KH_SEARCHER_BAD_USAGE, /* the message is written, the usage follows on stderr: exit 2 */
} kh_searcher_action_t;

/* --color: auto (default) colours text output on a terminal when NO_COLOR is unset or empty. */
typedef enum kh_color { KH_COLOR_AUTO = 0, KH_COLOR_ALWAYS, KH_COLOR_NEVER } kh_color_t;

typedef struct kh_searcher_args {
    const char *index; /* -d; NULL: the default path (khabar/paths.h) */
    const char *batch; /* --batch FILE, or NULL: the words are the query */
    /* -n, --offset, --count, --explain, --per-article, --all, --no-stopwords, --title-weight,
       --prf-*; ids_only for TREC. */
    kh_search_opts_t search;
    kh_output_opts_t output; /* -f, --tag, per_article; color is the caller's (--color) */
    int timing;              /* --timing */
    int analyze;             /* --analyze: the words are text to show as the index sees it */
    double remote_timeout;   /* --remote-timeout */
    int allow_partial;       /* --allow-partial */
    kh_color_t color;        /* --color; output.color is set from it in main.c */
    unsigned jobs;           /* -j; 1 without --batch; 0: the default (main.c) */
    char **words;            /* the query's words: argv's, after the options */
    int n_words;
} kh_searcher_args_t;

/*
 * Parses argv (argc words, argv[0] the program) into *out. getopt_long()'s
 * state is reset first, so it may be called more than once. Messages about
 * a bad command line go to errs ("searcher: ..." lines), with "try
 * 'searcher --help'" after a bad option. out's strings point into argv.
 */
kh_searcher_action_t kh_searcher_args_parse(int argc, char **argv, kh_searcher_args_t *out,
                                            FILE *errs);

#endif
