/*
 * searcher: ranks passages of a khabar index for keyword queries.
 * Parses argv, prints, picks the exit status; the work is in search.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khabar/io.h"
#include "khabar/paths.h"
#include "output.h"
#include "search.h"

/* Exit statuses, like grep's. */
enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2 };

static void usage(FILE *f)
{
    fputs("usage: searcher [-d INDEX] [-n N] [--format text|json|trec|tsv] [--per-article]\n"
          "                [--all] QUERY...\n"
          "       searcher [-d INDEX] [options] --batch FILE|-\n"
          "\n"
          "  -d, --index INDEX   the index (default: $KHABAR_INDEX, else\n"
          "                      ~/.local/share/khabar/index)\n"
          "  -n, --limit N       results per query (default 10)\n"
          "  -f, --format FMT    text (default), json (JSON Lines), trec (TREC run), tsv\n"
          "      --per-article   only the best passage of each article\n"
          "      --all           every word of the query is required\n"
          "      --batch FILE    one query a line, QID<TAB>QUERY or QUERY (qid = line\n"
          "                      number); - reads stdin. The index is opened once.\n"
          "      --k1 X, --b X   BM25 parameters\n"
          "      --tag TAG       run tag of TREC output (default khabar)\n"
          "\n"
          "Query: words, \"a phrase\", +required, -excluded, title:word, section:NAME,\n"
          "lang:ar, date:2022..2023. Exit status: 0 a query matched, 1 none did, 2 error.\n",
          f);
}

static int parse_number(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && !*end;
}

typedef struct run {
    kh_searcher_t *searcher;
    kh_search_opts_t search;
    kh_output_opts_t output;
    int matched;
} run_t;

/* Runs one query and prints it; returns nonzero on an error that was reported. */
static int run_query(run_t *run, const char *qid, const char *query, const char *where)
{
    kh_results_t results;
    kh_error_t err;
    kh_status_t st = kh_searcher_run(run->searcher, query, &run->search, &results, &err);
    if (st) {
        if (where)
            fprintf(stderr, "searcher: %s: query %s: %s\n", where, qid, err.message);
        else
            fprintf(stderr, "searcher: query '%.200s': %s\n", query, err.message);
        return 1;
    }
    if (results.n)
        run->matched = 1;
    st = kh_output_write(stdout, &run->output, qid, query, &results, &err);
    kh_results_free(&results);
    if (st) {
        fprintf(stderr, "searcher: %s\n", err.message);
        return 1;
    }
    return 0;
}

static int run_batch(run_t *run, const char *path)
{
    kh_reader_t *reader;
    kh_error_t err;
    if (kh_reader_open(path, &reader, &err)) {
        fprintf(stderr, "searcher: %s\n", err.message);
        return 1;
    }
    int failed = 0;
    for (;;) {
        const char *line;
        size_t len;
        kh_status_t st = kh_reader_next_line(reader, &line, &len, &err);
        if (st) {
            fprintf(stderr, "searcher: %s\n", err.message);
            failed = 1;
            if (st == KH_ERR_LINE_TOO_LONG)
                continue;
            break;
        }
        if (!line)
            break;
        char *copy = strndup(line, len);
        if (!copy) {
            fprintf(stderr, "searcher: out of memory\n");
            failed = 1;
            break;
        }
        char number[32], location[4096];
        unsigned long line_number = (unsigned long)kh_reader_line_number(reader);
        snprintf(number, sizeof number, "%lu", line_number);
        snprintf(location, sizeof location, "%s:%lu", path, line_number);
        char *tab = strchr(copy, '\t');
        const char *qid = tab ? copy : number, *query = tab ? tab + 1 : copy;
        if (tab)
            *tab = '\0';
        if (query[strspn(query, " \t\r")] != '\0')
            failed |= run_query(run, qid, query, location);
        free(copy);
    }
    kh_reader_close(reader);
    return failed;
}

int main(int argc, char **argv)
{
    enum { OPT_PER_ARTICLE = 256, OPT_ALL, OPT_BATCH, OPT_K1, OPT_B, OPT_TAG };
    static const struct option options[] = {
        {"index", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},
        {"per-article", no_argument, NULL, OPT_PER_ARTICLE},
        {"all", no_argument, NULL, OPT_ALL},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"k1", required_argument, NULL, OPT_K1},
        {"b", required_argument, NULL, OPT_B},
        {"tag", required_argument, NULL, OPT_TAG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    run_t run = {.search = kh_search_opts_default()};
    const char *index = NULL, *batch = NULL;
    char default_index[4096];
    int c;
    double number;
    while ((c = getopt_long(argc, argv, "d:n:f:h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            index = optarg;
            break;
        case 'n':
            if (!parse_number(optarg, &number) || number < 1 || number > 1e6) {
                fprintf(stderr, "searcher: -n wants a number from 1 to 1000000, not '%s'\n",
                        optarg);
                return EXIT_TROUBLE;
            }
            run.search.limit = (unsigned)number;
            break;
        case 'f':
            if (kh_output_format_parse(optarg, &run.output.format)) {
                fprintf(stderr, "searcher: unknown format '%s' (text, json, trec, tsv)\n", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case OPT_PER_ARTICLE:
            run.search.per_article = 1;
            break;
        case OPT_ALL:
            run.search.all_words = 1;
            break;
        case OPT_BATCH:
            batch = optarg;
            break;
        case OPT_K1:
        case OPT_B:
            if (!parse_number(optarg, &number) || number < 0 || (c == OPT_B && number > 1)) {
                fprintf(stderr, "searcher: bad value '%s' for --%s\n", optarg,
                        c == OPT_K1 ? "k1" : "b");
                return EXIT_TROUBLE;
            }
            *(c == OPT_K1 ? &run.search.k1 : &run.search.b) = number;
            break;
        case OPT_TAG:
            run.output.tag = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_MATCH;
        default:
            usage(stderr);
            return EXIT_TROUBLE;
        }
    }
    if ((batch == NULL) == (optind == argc)) {
        fputs(batch ? "searcher: give either --batch or a query, not both\n"
                    : "searcher: no query\n",
              stderr);
        usage(stderr);
        return EXIT_TROUBLE;
    }
    kh_error_t err;
    if (!index) {
        if (kh_default_index_path(default_index, sizeof default_index, &err)) {
            fprintf(stderr, "searcher: %s\n", err.message);
            return EXIT_TROUBLE;
        }
        index = default_index;
    }
    run.output.per_article = run.search.per_article;
    const char *no_color = getenv("NO_COLOR");
    run.output.color =
        run.output.format == KH_OUTPUT_TEXT && isatty(STDOUT_FILENO) && !(no_color && no_color[0]);

    if (kh_searcher_open(index, &run.searcher, &err)) {
        fprintf(stderr, "searcher: %s\n", err.message);
        return EXIT_TROUBLE;
    }
    int failed;
    if (batch) {
        failed = run_batch(&run, batch);
    } else {
        /* The words of the command line are one query, as a shell user typed them. */
        size_t len = 0;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        char *query = malloc(len + 1);
        if (!query) {
            fputs("searcher: out of memory\n", stderr);
            kh_searcher_close(run.searcher);
            return EXIT_TROUBLE;
        }
        query[0] = '\0';
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(query, " ");
            strcat(query, argv[i]);
        }
        failed = run_query(&run, NULL, query, NULL);
        free(query);
    }
    kh_searcher_close(run.searcher);
    if (fflush(stdout) != 0) {
        fputs("searcher: cannot write the results\n", stderr);
        return EXIT_TROUBLE;
    }
    if (failed)
        return EXIT_TROUBLE;
    return run.matched ? EXIT_MATCH : EXIT_NO_MATCH;
}
