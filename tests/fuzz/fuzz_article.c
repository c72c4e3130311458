/*
 * fuzz_article - libFuzzer target for the article readers: the article-text
 * parser (built as fuzz_article_text) and the JSON Lines reader (built as
 * fuzz_jsonl, with -DKH_FUZZ_FORMAT=KH_FORMAT_JSONL).
 *
 * The line reader, the sniffing of binary and UTF-16 input, the parser,
 * then the cutting into passages are fuzzed; an input that starts with the
 * gzip magic goes through a real file and zlib, as a .gz feed does. Every article that comes out
 * must keep the promises of article.h; a bad one must come with a message.
 */
#define _DEFAULT_SOURCE /* mkstemps */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "khabar/utf8.h"
#include "passage.h"

#ifndef KH_FUZZ_FORMAT
#define KH_FUZZ_FORMAT KH_FORMAT_TEXT
#endif

static char path[64], name[32];
static int fd = -1;

static void remove_file(void)
{
    if (path[0])
        unlink(path);
}

/* A string of an article: valid UTF-8, no NUL before its end. */
static void check_string(const char *s, int optional)
{
    if (!s) {
        if (!optional)
            abort();
        return;
    }
    size_t n = strlen(s);
    if (optional && n == 0) /* absent is NULL, never "" */
        abort();
    if (kh_utf8_validate(s, n, NULL) != KH_OK)
        abort();
}

static void check_article(const kh_article_t *a)
{
    check_string(a->id, 0);
    if (kh_article_check_id(a->id, strlen(a->id), NULL) != KH_OK)
        abort();
    check_string(a->title, 1);
    check_string(a->section, 1);
    check_string(a->date, 1);
    check_string(a->url, 1);
    check_string(a->lang, 1);
    if (a->date && kh_article_check_date(a->date, strlen(a->date)) != KH_OK)
        abort();
    if (!a->title && a->n_paragraphs == 0)
        abort();
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        check_string(a->paragraphs[i].heading, 1);
        check_string(a->paragraphs[i].text, 0);
        if (strchr(a->paragraphs[i].text, '\n'))
            abort();
    }
    for (size_t i = 0; i < a->n_related; i++) {
        check_string(a->related[i].title, 0);
        if (!a->related[i].title[0])
            abort();
        check_string(a->related[i].id, 1);
        check_string(a->related[i].url, 1);
    }
    kh_passage_opts_t opts = kh_passage_opts_default();
    opts.window_words = 12; /* short windows: the sentence cutting is reached */
    opts.overlap_words = 3;
    kh_passage_t *passages = NULL;
    size_t n = 0;
    if (kh_article_passages(a, &opts, &passages, &n, NULL) == KH_OK) {
        for (size_t i = 0; i < n; i++)
            check_string(passages[i].text, 0);
    }
    kh_passages_free(passages, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kh_article_reader_t *r;
    kh_error_t err;
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        /* gzip magic: through a real file and zlib, as a .gz feed is read. */
        if (fd < 0) {
            const char *tmp = getenv("TMPDIR");
            snprintf(path, sizeof path, "%.40s/khfuzzXXXXXX.txt", tmp && *tmp ? tmp : "/tmp");
            if ((fd = mkstemps(path, 4)) < 0)
                abort();
            atexit(remove_file);
        }
        if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
            abort();
        if (kh_article_reader_open(path, KH_FUZZ_FORMAT, &r, &err) != KH_OK)
            abort(); /* the file exists: it must open */
    } else {
        /* Anything else from memory: the same parsers, a hundred times faster. */
        snprintf(name, sizeof name, "fuzz-input.txt");
        if (kh_article_reader_open_memory(name, data, size, KH_FUZZ_FORMAT, &r, &err) != KH_OK)
            abort();
    }
    const char *input = kh_article_reader_path(r);
    /* A small line limit, so that the skipping of over-long lines is reached. */
    kh_article_reader_set_max_line(r, 4096);
    for (int guard = 0; guard < 100000; guard++) {
        kh_article_t *a = NULL;
        err.status = KH_OK;
        err.message[0] = '\0';
        kh_status_t st = kh_article_reader_next(r, &a, &err);
        if (st) {
            /* A bad article is reported, with a message that names the file. */
            if (a || err.status != st || strncmp(err.message, input, strlen(input)) != 0)
                abort();
            continue;
        }
        if (!a)
            break;
        check_article(a);
        kh_article_free(a);
    }
    kh_article_reader_close(r);
    return 0;
}
