/*
 * The indexer's command line (options.h): getopt_long() over the options,
 * each value checked where it is read, then the rules between options.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/display.h"
#include "khabar/similar.h"

enum {
    OPT_DELETE = 256,
    OPT_FORMAT,
    OPT_BATCH,
    OPT_WINDOW,
    OPT_OVERLAP,
    OPT_STRICT,
    OPT_SHARDS,
    OPT_WAIT,
    OPT_COMPACT,
    OPT_NO_COMPACT,
};

static const struct option options[] = {
    {"index", required_argument, NULL, 'd'},
    {"delete", no_argument, NULL, OPT_DELETE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"batch-size", required_argument, NULL, OPT_BATCH},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"overlap", required_argument, NULL, OPT_OVERLAP},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"wait", optional_argument, NULL, OPT_WAIT},
    {"compact", no_argument, NULL, OPT_COMPACT},
    {"no-compact", no_argument, NULL, OPT_NO_COMPACT},
    {"jobs", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/*
 * A whole number from min to max, in decimal digits only: "nan", "inf",
 * "1e3", "-1", " 5", "0x10" and "" are refused (strtoul takes some of
 * them). Returns 0, or -1.
 */
static int parse_count(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!text || !*text || strspn(text, "0123456789") != strlen(text))
        return -1;
    errno = 0;
    unsigned long value = strtoul(text, NULL, 10);
    if (errno || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

/*
 * The one-line message for an option getopt_long() refused (opterr is 0):
 * unknown, or missing its value; an unknown long option names the closest
 * one when one is close ("--formt": did you mean --format?). The argument is
 * quoted whole and cleaned, never a byte of a UTF-8 character alone.
 */
static void bad_option(int argc, char **argv, int missing_value, FILE *errs)
{
    /* getopt_long() has moved past the argument it refused, unless more of its letters follow. */
    const char *arg = optind > 0 && optind - 1 < argc ? argv[optind - 1] : "";
    if (optopt && optind < argc && argv[optind][0] == '-' && strchr(argv[optind], optopt) &&
        !strchr(arg, optopt))
        arg = argv[optind];
    char shown[256];
    kh_display_clean(arg, strlen(arg), shown, sizeof shown);
    if (missing_value) {
        fprintf(errs, "indexer: option '%s' needs a value\n", shown);
        return;
    }
    if (strncmp(arg, "--", 2) != 0) {
        fprintf(errs, "indexer: unknown option '%s'\n", shown);
        return;
    }
    const char *names[64];
    size_t n = 0;
    for (const struct option *o = options; o->name && n < 64; o++)
        names[n++] = o->name;
    char typed[128];
    snprintf(typed, sizeof typed, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
    long closest = kh_similar_closest(typed, names, n);
    if (closest >= 0 && strcmp(names[closest], typed) == 0)
        fprintf(errs, "indexer: option '--%s' takes no value\n", typed);
    else if (closest >= 0)
        fprintf(errs, "indexer: unknown option '%s'; did you mean --%s?\n", shown, names[closest]);
    else
        fprintf(errs, "indexer: unknown option '%s'\n", shown);
}

/*
 * The value of a number option c, into *value: its bounds, and the message
 * naming it when the value is out of them. Returns 0, or -1 after the message.
 */
static int count_option(int c, const char *text, unsigned long *value, FILE *errs)
{
    unsigned long min = c == OPT_OVERLAP || c == OPT_WAIT ? 0 : 1;
    unsigned long max = c == OPT_SHARDS ? KH_PIPELINE_MAX_SHARDS
                        : c == 'j'      ? KH_PIPELINE_MAX_JOBS
                        : c == OPT_WAIT ? 31536000 /* a year, in seconds */
                                        : 10000000;
    if (!parse_count(text, min, max, value))
        return 0;
    fprintf(errs, "indexer: --%s wants a whole number from %lu to %lu, not '%s'\n",
            c == OPT_BATCH    ? "batch-size"
            : c == OPT_WINDOW ? "window"
            : c == OPT_SHARDS ? "shards"
            : c == OPT_WAIT   ? "wait"
            : c == 'j'        ? "jobs"
                              : "overlap",
            min, max, text);
    return -1;
}

/* --format's value into *format; returns 0, or -1 after the message. */
static int format_option(const char *text, kh_format_t *format, FILE *errs)
{
    if (strcmp(text, "auto") == 0)
        *format = KH_FORMAT_AUTO;
    else if (strcmp(text, "text") == 0 || strcmp(text, "txt") == 0)
        *format = KH_FORMAT_TEXT;
    else if (strcmp(text, "jsonl") == 0)
        *format = KH_FORMAT_JSONL;
    else {
        fprintf(errs, "indexer: unknown format '%s' (auto, text, jsonl)\n", text);
        return -1;
    }
    return 0;
}

/* One option getopt_long() returned, with its value checked (value, if a number). */
static kh_indexer_action_t take_option(int c, unsigned long value, kh_indexer_args_t *out,
                                       FILE *errs)
{
    kh_writer_opts_t *writer = &out->pipeline.writer;
    switch (c) {
    case 'd':
        out->index = optarg;
        break;
    case OPT_DELETE:
        out->delete_mode = 1;
        break;
    case OPT_FORMAT:
        return format_option(optarg, &out->format, errs) ? KH_INDEXER_BAD : KH_INDEXER_RUN;
    case OPT_BATCH:
        writer->batch_articles = (unsigned)value;
        break;
    case OPT_WINDOW:
        writer->passage.window_words = (unsigned)value;
        break;
    case OPT_OVERLAP:
        writer->passage.overlap_words = (unsigned)value;
        break;
    case OPT_SHARDS:
        out->pipeline.shards = (unsigned)value;
        break;
    case 'j':
        out->pipeline.jobs = (unsigned)value;
        break;
    case OPT_WAIT:
        out->wait_seconds = optarg ? (long)value : -1;
        break;
    case OPT_STRICT:
        out->strict = 1;
        break;
    case OPT_COMPACT:
        out->compact = 1;
        break;
    case OPT_NO_COMPACT:
        out->compact = 0;
        break;
    case 'q':
        out->quiet = 1;
        break;
    case 'h':
        return KH_INDEXER_HELP;
    case 'V':
        return KH_INDEXER_VERSION;
    default:
        return KH_INDEXER_BAD;
    }
    return KH_INDEXER_RUN;
}

kh_indexer_action_t kh_indexer_args_parse(int argc, char **argv, kh_indexer_args_t *out, FILE *errs)
{
    *out = (kh_indexer_args_t){.format = KH_FORMAT_AUTO, .compact = -1};
    out->pipeline =
        (kh_pipeline_opts_t){.shards = 0, .jobs = 0, .writer = kh_writer_opts_default()};
    optind = 0; /* glibc: a fresh start, the optstring's leading ':' read again */
    int c;
    while ((c = getopt_long(argc, argv, ":d:j:qhV", options, NULL)) != -1) {
        unsigned long value = 0;
        if ((c == OPT_BATCH || c == OPT_WINDOW || c == OPT_OVERLAP || c == OPT_SHARDS || c == 'j' ||
             (c == OPT_WAIT && optarg)) &&
            count_option(c, optarg, &value, errs))
            return KH_INDEXER_BAD;
        kh_indexer_action_t action = take_option(c, value, out, errs);
        if (action == KH_INDEXER_BAD && c != OPT_FORMAT) {
            bad_option(argc, argv, c == ':', errs);
            fputs("indexer: try 'indexer --help'\n", errs);
        }
        if (action != KH_INDEXER_RUN)
            return action;
    }
    out->words = argv + optind;
    out->n_words = argc - optind;
    out->compact_only = out->compact == 1 && !out->delete_mode && optind == argc;
    if (optind == argc && !out->compact_only) {
        fputs(out->delete_mode ? "indexer: --delete needs article ids\n"
                               : "indexer: nothing to index\n",
              errs);
        return KH_INDEXER_BAD_USAGE;
    }
    const kh_passage_opts_t *passage = &out->pipeline.writer.passage;
    if (passage->overlap_words >= passage->window_words) {
        fputs("indexer: --overlap must be smaller than --window\n", errs);
        return KH_INDEXER_BAD;
    }
    return KH_INDEXER_RUN;
}
