/*
 * options.h - the indexer's command line, parsed into a struct.
 *
 * Nothing here opens an index or reads an input: the caller (main.c) does
 * what the options ask. Messages about a bad command line are written on
 * the stream the caller gives, word for word as the user sees them.
 */
#ifndef KHABAR_INDEXER_OPTIONS_H
#define KHABAR_INDEXER_OPTIONS_H

#include <stdio.h>

#include "article.h"
#include "pipeline.h"

/* What the command line asks for. */
typedef enum kh_indexer_action {
    KH_INDEXER_RUN,       /* index, delete or compact (the fields below) */
    KH_INDEXER_HELP,      /* -h: the usage on stdout, exit 0 */
    KH_INDEXER_VERSION,   /* -V: the version on stdout, exit 0 */
    KH_INDEXER_BAD,       /* the message is written: exit 2 */
    KH_INDEXER_BAD_USAGE, /* the message is written, the usage follows on stderr: exit 2 */
} kh_indexer_action_t;

typedef struct kh_indexer_args {
    const char *index;  /* -d; NULL: the default path (khabar/paths.h) */
    int delete_mode;    /* --delete: words are article ids */
    int compact;        /* --compact 1, --no-compact 0, else -1: KH_COMPACT_AUTO */
    int compact_only;   /* --compact and nothing else: compaction is the run's only work */
    kh_format_t format; /* --format */
    int strict;         /* --strict */
    int quiet;          /* -q */
    long wait_seconds;  /* --wait: 0 no, -1 no limit */
    /* --shards, -j, --batch-size, --window, --overlap; compact and progress unset. */
    kh_pipeline_opts_t pipeline;
    char **words; /* the paths (or ids with --delete): argv's, after the options */
    int n_words;
} kh_indexer_args_t;

/*
 * Parses argv (argc words, argv[0] the program) into *out. getopt_long()'s
 * state is reset first, so it may be called more than once. Messages about
 * a bad command line go to errs ("indexer: ..." lines), with "try 'indexer
 * --help'" after a bad option. out's strings point into argv.
 */
kh_indexer_action_t kh_indexer_args_parse(int argc, char **argv, kh_indexer_args_t *out,
                                          FILE *errs);

#endif
