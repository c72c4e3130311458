/*
 * fuzz_search - libFuzzer target for the whole search: parse, analysis,
 * the Xapian query, ranking, highlights, on a tiny index built once (one
 * Arabic and one English article) in a temporary folder. Every highlight
 * must lie inside its passage's text.
 */
#define _DEFAULT_SOURCE   /* mkdtemp */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "search.h"
#include "writer.h"

static kh_searcher_t *searcher;
static char dir[64];

static const char *const articles[] = {
    "{\"id\": \"ar1\", \"title\": \"تاريخ علاقة العمل بين إيلون ماسك وسام ألتمان\", \"section\": "
    "\"أعمال\", \"date\": \"2023-07-04\", \"lang\": \"ar\", \"text\": \"أسس ماسك وألتمان شركة "
    "OpenAI في عام 2015. وقال إن الذكاء الاصطناعي هو أكبر تهديد قائم على الوجود.\\nوتسيطر عليها "
    "مايكروسوفت.\", \"related\": [\"إيلون ماسك vs مارك زوكربيرغ\", {\"title\": \"تويتر\", \"id\": "
    "\"../../etc/passwd\"}]}\n",
    "{\"id\": \"en1\", \"title\": \"Newsroom tools for the ferry schedule\", \"section\": "
    "\"Technology\", \"date\": \"2024-01-02\", \"text\": \"The ferry leaves at noon. Kara Swisher "
    "said the newsroom was \\\"quiet\\\".\\nA second paragraph about okapis.\"}\n",
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_index(void)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void build_index(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%.40s/khfuzzXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    atexit(remove_index);
    char input[96], index[96];
    snprintf(input, sizeof input, "%s/in.jsonl", dir);
    snprintf(index, sizeof index, "%s/index", dir);
    FILE *f = fopen(input, "w");
    if (!f)
        abort();
    for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++)
        fputs(articles[i], f);
    fclose(f);

    kh_writer_t *w;
    kh_builder_t *b;
    kh_article_reader_t *r;
    kh_error_t err;
    if (kh_writer_open(index, NULL, &w, &err) || kh_builder_new(NULL, &b, &err) ||
        kh_article_reader_open(input, KH_FORMAT_AUTO, &r, &err))
        abort();
    for (;;) {
        kh_article_t *a;
        if (kh_article_reader_next(r, &a, &err))
            abort();
        if (!a)
            break;
        kh_prepared_t *p;
        if (kh_builder_build(b, a, &p, &err) || kh_writer_put(w, p, &err))
            abort();
        kh_prepared_free(p);
        kh_article_free(a);
    }
    kh_article_reader_close(r);
    kh_builder_free(b);
    if (kh_writer_close(w, 1, &err) || kh_searcher_open(index, &searcher, &err))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!searcher)
        build_index();
    /* The searcher takes a C string, as argv gives it. */
    char *query = malloc(size + 1);
    if (!query)
        return 0;
    memcpy(query, data, size);
    query[size] = '\0';
    kh_search_opts_t opts = kh_search_opts_default();
    opts.per_article = size > 0 && data[0] & 1;
    opts.all_words = size > 0 && data[0] & 2;
    kh_results_t results;
    kh_error_t err = {KH_OK, ""};
    kh_status_t st = kh_searcher_run(searcher, query, &opts, &results, &err);
    if (st) {
        if (st != KH_ERR_QUERY || !err.message[0])
            abort(); /* only the query language may reject a query */
    } else {
        for (size_t i = 0; i < results.n; i++) {
            const kh_result_t *res = &results.items[i];
            size_t len = strlen(res->data.text), last = 0;
            for (size_t k = 0; k < res->n_highlights; k++) {
                const kh_span_t *span = &res->highlights[k];
                if (span->start >= span->end || span->end > len || span->start < last)
                    abort();
                last = span->end;
            }
        }
        kh_results_free(&results);
    }
    free(query);
    return 0;
}
