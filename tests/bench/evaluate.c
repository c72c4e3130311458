/*
 * evaluate - scores a TREC run against TREC qrels: MRR@10, nDCG@10, Recall@10
 * and Recall@100, as trec_eval defines them (eval.h says exactly how).
 *
 * usage: evaluate [--per-query] [--queries QUERIES.tsv] QRELS RUN
 * (installed as khabar-eval by cmake --install; messages name it as called)
 *
 * Prints one line of means, "all queries=N mrr10=X ndcg10=X recall10=X
 * recall100=X"; with --per-query, first one line a scored query, in qid
 * order: "QID rank=R relevant=N mrr10=X ndcg10=X recall10=X recall100=X"
 * (R: rank of the first relevant result, 0 if none in the top 100).
 * RUN may be "-" for standard input. Exit status 0, or 2 on an error.
 */
#include "eval.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

/* The name the program was called by (evaluate in the build tree, khabar-eval installed). */
static const char *program = "evaluate";

static void usage(FILE *to)
{
    fprintf(to, "usage: %s [--per-query] [--queries QUERIES.tsv] QRELS RUN\n", program);
    fputs("Scores a TREC run (searcher --format trec) against TREC relevance judgments\n"
          "(QID 0 DOCID GRADE lines): MRR@10, nDCG@10, Recall@10, Recall@100.\n"
          "  --per-query       one line of figures a query before the line of means\n"
          "  --queries FILE    the queries asked (QID<TAB>TEXT): those without a result\n"
          "                    score 0 and count in the means (default: the run's qids)\n"
          "RUN may be - for standard input.\n",
          to);
}

typedef kh_eval_status_t (*reader_fn)(kh_eval_t *, FILE *, const char *, char *, size_t);

/* Reads path ("-": stdin) with read; 0, or -1 after printing why. */
static int read_file(kh_eval_t *ev, reader_fn read, const char *path)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        return -1;
    }
    char msg[512] = "";
    kh_eval_status_t status =
        read(ev, in, strcmp(path, "-") == 0 ? "<stdin>" : path, msg, sizeof msg);
    int read_error = ferror(in);
    if (in != stdin)
        fclose(in);
    if (status != KH_EVAL_OK) {
        fprintf(stderr, "%s: %s\n", program, *msg ? msg : kh_eval_status_message(status));
        return -1;
    }
    if (read_error) {
        fprintf(stderr, "%s: %s: read error\n", program, path);
        return -1;
    }
    return 0;
}

static void print_scores(const kh_eval_scores_t *s)
{
    printf(" mrr10=%.4f ndcg10=%.4f recall10=%.4f recall100=%.4f\n", s->mrr10, s->ndcg10,
           s->recall10, s->recall100);
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0][0]) {
        const char *slash = strrchr(argv[0], '/');
        program = slash ? slash + 1 : argv[0];
    }
    int per_query = 0;
    const char *queries = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--per-query") == 0) {
            per_query = 1;
        } else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc) {
            queries = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            fprintf(stderr, "%s: unknown option or missing value: %s\n", program, argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (argc - i != 2) {
        usage(stderr);
        return 2;
    }

    kh_eval_t *ev = kh_eval_new();
    if (!ev) {
        fprintf(stderr, "%s: out of memory\n", program);
        return 2;
    }
    int rc = 2;
    kh_eval_query_t *scored = NULL;
    size_t count = 0;
    kh_eval_scores_t mean;
    if (read_file(ev, kh_eval_read_qrels, argv[i]) ||
        read_file(ev, kh_eval_read_run, argv[i + 1]) ||
        (queries && read_file(ev, kh_eval_read_queries, queries)))
        goto done;
    if (kh_eval_score(ev, &scored, &count, &mean) != KH_EVAL_OK) {
        fprintf(stderr, "%s: out of memory\n", program);
        goto done;
    }
    if (per_query) {
        for (size_t q = 0; q < count; q++) {
            printf("%s rank=%ld relevant=%ld", scored[q].qid, scored[q].first_relevant,
                   scored[q].relevant);
            print_scores(&scored[q].score);
        }
    }
    printf("all queries=%zu", count);
    print_scores(&mean);
    rc = fflush(stdout) == 0 ? 0 : 2;

done:
    free(scored);
    kh_eval_free(ev);
    return rc;
}
