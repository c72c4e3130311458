/*
 * The searcher's command line (options.h): getopt_long() over the options,
 * each value checked where it is read, then the rules between options.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "khabar/similar.h"
#include "khabar/xdb.h"
#include "say.h"

enum {
    OPT_PER_ARTICLE = 256,
    OPT_ALL,
    OPT_BATCH,
    OPT_TAG,
    OPT_NO_STOPWORDS,
    OPT_TITLE_WEIGHT,
    OPT_PRF_DOCS,
    OPT_PRF_TERMS,
    OPT_PRF_WEIGHT,
    OPT_ALLOW_PARTIAL,
    OPT_TIMING,
    OPT_REMOTE_TIMEOUT,
    OPT_COLOR,
    OPT_OFFSET,
    OPT_COUNT,
    OPT_EXPLAIN,
    OPT_ANALYZE,
};

static const struct option options[] = {
    {"index", required_argument, NULL, 'd'},
    {"limit", required_argument, NULL, 'n'},
    {"format", required_argument, NULL, 'f'},
    {"per-article", no_argument, NULL, OPT_PER_ARTICLE},
    {"all", no_argument, NULL, OPT_ALL},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"tag", required_argument, NULL, OPT_TAG},
    {"no-stopwords", no_argument, NULL, OPT_NO_STOPWORDS},
    {"title-weight", required_argument, NULL, OPT_TITLE_WEIGHT},
    {"prf-docs", required_argument, NULL, OPT_PRF_DOCS},
    {"prf-terms", required_argument, NULL, OPT_PRF_TERMS},
    {"prf-weight", required_argument, NULL, OPT_PRF_WEIGHT},
    {"allow-partial", no_argument, NULL, OPT_ALLOW_PARTIAL},
    {"timing", no_argument, NULL, OPT_TIMING},
    {"remote-timeout", required_argument, NULL, OPT_REMOTE_TIMEOUT},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"count", no_argument, NULL, OPT_COUNT},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"analyze", no_argument, NULL, OPT_ANALYZE},
    {"jobs", required_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/*
 * A decimal number: strtod() alone also takes "nan", "inf", hexadecimal,
 * leading spaces, and an overflow as infinity, which range checks let
 * through (every comparison with NaN is false).
 */
static int parse_number(const char *s, double *out)
{
    if (!*s || strspn(s, "0123456789.eE+-") != strlen(s))
        return 0;
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !*end && isfinite(*out) && errno != ERANGE;
}

/*
 * The value of number option name: from min to max, whole when asked.
 * Otherwise writes why on errs, naming the option, and returns nonzero.
 */
static int number_option(const char *name, const char *value, double min, double max, int whole,
                         double *out, FILE *errs)
{
    if (parse_number(value, out) && *out >= min && *out <= max && (!whole || *out == floor(*out)))
        return 0;
    kh_say(errs, "%s wants a %snumber from %.15g to %.15g, not '%s'", name, whole ? "whole " : "",
           min, max, value);
    return 1;
}

/* The message for --NAME that no option is: with the closest option's name when one is close. */
static void unknown_long_option(const char *name, size_t len, FILE *errs)
{
    const char *names[64];
    char typed[128];
    size_t n = 0;
    for (const struct option *o = options; o->name && n < 64; o++)
        names[n++] = o->name;
    snprintf(typed, sizeof typed, "%.*s", (int)len, name);
    long closest = len < sizeof typed ? kh_similar_closest(typed, names, n) : -1;
    if (closest >= 0)
        kh_say(errs, "unknown option '--%.*s'; did you mean --%s?", (int)len, name, names[closest]);
    else
        kh_say(errs, "unknown option '--%.*s'", (int)len, name);
}

/*
 * Says what is wrong with arg, the argument getopt_long() refused (it
 * prints no message of its own: it would print one byte of a multi-byte
 * character, "invalid option -- '\xd8'"). missing_value: the option wants
 * a value and none came.
 */
static void bad_option(const char *arg, int missing_value, FILE *errs)
{
    if (missing_value) {
        kh_say(errs, "option '%s' needs a value", arg);
        return;
    }
    if (strncmp(arg, "--", 2) != 0) {
        kh_say(errs,
               "unknown option '%s' (a query that starts with '-' goes after --: searcher -- %s)",
               arg, arg);
        return;
    }
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    size_t matches = 0;
    char listed[256] = "";
    for (const struct option *o = options; o->name; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (strlen(o->name) == len) { /* exact: it was given a value it takes none of */
            kh_say(errs, "option '--%s' takes no value", o->name);
            return;
        }
        matches++;
        size_t used = strlen(listed);
        snprintf(listed + used, sizeof listed - used, "%s--%s", used ? ", " : "", o->name);
    }
    if (matches > 1)
        kh_say(errs, "option '--%.*s' is ambiguous: %s", (int)len, name, listed);
    else if (matches == 1 && name[len] == '=')
        kh_say(errs, "option '%s' takes no value", listed);
    else
        unknown_long_option(name, len, errs);
}

/*
 * An option with a number for its value, into out; typed_long: the user
 * wrote its long name (the message names it as typed). Returns nonzero
 * after the message.
 */
static int take_number(int c, int typed_long, kh_searcher_args_t *out, FILE *errs)
{
    kh_search_opts_t *search = &out->search;
    double number;
    switch (c) {
    case 'n':
        if (number_option(typed_long ? "--limit" : "-n", optarg, 1, 1e6, 1, &number, errs))
            return 1;
        search->limit = (unsigned)number;
        return 0;
    case OPT_OFFSET:
        if (number_option("--offset", optarg, 0, 1e6, 1, &number, errs))
            return 1;
        search->offset = (unsigned)number;
        return 0;
    case OPT_PRF_DOCS:
    case OPT_PRF_TERMS:
        if (number_option(c == OPT_PRF_DOCS ? "--prf-docs" : "--prf-terms", optarg, 0, 64, 1,
                          &number, errs))
            return 1;
        *(c == OPT_PRF_DOCS ? &search->prf_docs : &search->prf_terms) = (unsigned)number;
        return 0;
    case OPT_TITLE_WEIGHT:
    case OPT_PRF_WEIGHT:
        if (number_option(c == OPT_TITLE_WEIGHT ? "--title-weight" : "--prf-weight", optarg, 0,
                          1000, 0, &number, errs))
            return 1;
        *(c == OPT_TITLE_WEIGHT ? &search->title_weight : &search->prf_weight) = number;
        return 0;
    case OPT_REMOTE_TIMEOUT:
        if (number_option("--remote-timeout", optarg, 0.001, 86400, 0, &number, errs))
            return 1;
        out->remote_timeout = number;
        return 0;
    default: /* 'j' */
        if (number_option(typed_long ? "--jobs" : "-j", optarg, 1, KH_BATCH_MAX_JOBS, 1, &number,
                          errs))
            return 1;
        out->jobs = (unsigned)number;
        return 0;
    }
}

/*
 * --color[=WHEN] (as grep's): alone, always. Only the "=" form takes a
 * value, so `--color never` is --color and a query word.
 */
static int take_color(const char *when, kh_searcher_args_t *out, FILE *errs)
{
    static const char *const names[] = {"auto", "always", "never"};
    static const kh_color_t modes[] = {KH_COLOR_AUTO, KH_COLOR_ALWAYS, KH_COLOR_NEVER};
    if (!when) {
        out->color = KH_COLOR_ALWAYS;
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(when, names[i]) == 0) {
            out->color = modes[i];
            return 0;
        }
    }
    kh_say(errs, "--color wants auto, always or never, not '%s'", when);
    return 1;
}

/* One option getopt_long() returned (current: the argument it read). */
static kh_searcher_action_t take_option(int c, int argc, char **argv, int current,
                                        kh_searcher_args_t *out, FILE *errs)
{
    /* How the user named the option, for a message about its value. */
    int typed_long = current < argc && strncmp(argv[current], "--", 2) == 0;
    switch (c) {
    case 'd':
        out->index = optarg;
        break;
    case 'f':
        if (kh_output_format_parse(optarg, &out->output.format)) {
            kh_say(errs, "unknown format '%s' (text, json, trec, tsv)", optarg);
            return KH_SEARCHER_BAD;
        }
        break;
    case OPT_PER_ARTICLE:
        out->search.per_article = 1;
        break;
    case OPT_ALL:
        out->search.all_words = 1;
        break;
    case OPT_BATCH:
        out->batch = optarg;
        break;
    case OPT_TAG:
        out->output.tag = optarg;
        break;
    case OPT_NO_STOPWORDS:
        out->search.stopwords = 0;
        break;
    case OPT_ALLOW_PARTIAL:
        out->allow_partial = 1;
        break;
    case OPT_TIMING:
        out->timing = 1;
        break;
    case OPT_COLOR:
        if (take_color(optarg, out, errs))
            return KH_SEARCHER_BAD;
        break;
    case OPT_COUNT:
        out->search.count = out->output.count = 1;
        break;
    case OPT_EXPLAIN:
        out->search.explain = out->output.explain = 1;
        break;
    case OPT_ANALYZE:
        out->analyze = 1;
        break;
    case 'n':
    case OPT_OFFSET:
    case OPT_PRF_DOCS:
    case OPT_PRF_TERMS:
    case OPT_TITLE_WEIGHT:
    case OPT_PRF_WEIGHT:
    case OPT_REMOTE_TIMEOUT:
    case 'j':
        return take_number(c, typed_long, out, errs) ? KH_SEARCHER_BAD : KH_SEARCHER_RUN;
    case 'h':
        return KH_SEARCHER_HELP;
    case 'V':
        return KH_SEARCHER_VERSION;
    default:
        bad_option(current < argc ? argv[current] : "", c == ':', errs);
        fputs("searcher: try 'searcher --help'\n", errs);
        return KH_SEARCHER_BAD;
    }
    return KH_SEARCHER_RUN;
}

kh_searcher_action_t kh_searcher_args_parse(int argc, char **argv, kh_searcher_args_t *out,
                                            FILE *errs)
{
    *out = (kh_searcher_args_t){.search = kh_search_opts_default(),
                                .remote_timeout = KH_DB_REMOTE_TIMEOUT_DEFAULT};
    /*
     * "+": options end at the first word of the query (POSIX order), so every
     * later word is query text: `searcher oil -debate` excludes a word instead
     * of opening an index named "ebate". ":": a missing value is told apart.
     * optind 0: glibc starts afresh (a second call, in tests).
     */
    opterr = 0;
    optind = 0;
    for (;;) {
        int current = optind ? optind : 1; /* the argument getopt_long() is reading */
        int c = getopt_long(argc, argv, "+:d:n:f:j:hV", options, NULL);
        if (c == -1)
            break;
        kh_searcher_action_t action = take_option(c, argc, argv, current, out, errs);
        if (action != KH_SEARCHER_RUN)
            return action;
    }
    out->words = argv + optind;
    out->n_words = argc - optind;
    if (out->analyze && (out->batch || out->search.count || out->search.explain)) {
        fputs("searcher: --analyze takes text only, not --batch, --count or --explain\n", errs);
        return KH_SEARCHER_BAD_USAGE;
    }
    if (out->search.count && out->search.explain) {
        fputs("searcher: give either --count or --explain, not both\n", errs);
        return KH_SEARCHER_BAD_USAGE;
    }
    if ((out->batch == NULL) == (optind == argc)) {
        fputs(out->batch ? "searcher: give either --batch or a query, not both\n"
                         : "searcher: no query\n",
              errs);
        return KH_SEARCHER_BAD_USAGE;
    }
    out->output.per_article = out->search.per_article;
    out->search.allow_partial = out->allow_partial;
    /* A TREC run shows no text: the searcher reads and highlights none it does not rank with. */
    out->search.ids_only = out->output.format == KH_OUTPUT_TREC;
    /* A query from the command line needs one searcher; a batch, one a thread. */
    if (!out->batch)
        out->jobs = 1;
    return KH_SEARCHER_RUN;
}
