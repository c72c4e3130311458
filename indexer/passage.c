/*
 * passage.c - article -> passages (rules in passage.h).
 *
 * Words are found by ASCII whitespace only: cheap, and a window boundary
 * needs no more (the analyzer tokenises the passage properly later).
 */
#include "passage.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct word {
    size_t start, end; /* bytes in the paragraph */
    bool stop;         /* ends a sentence */
} word_t;

typedef struct builder {
    kh_passage_t *p;
    size_t n, cap;
    word_t *words;
    size_t words_cap;
    unsigned ordinal;
} builder_t;

kh_passage_opts_t kh_passage_opts_default(void)
{
    return (kh_passage_opts_t){KH_PASSAGE_WINDOW_WORDS, KH_PASSAGE_OVERLAP_WORDS};
}

void kh_passages_free(kh_passage_t *p, size_t n)
{
    if (!p)
        return;
    for (size_t i = 0; i < n; i++)
        free(p[i].text);
    free(p);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Length of the UTF-8 sequence s ends with when it is one of the given
 * multi-byte marks, else 0. */
static size_t ends_with_mark(const char *s, size_t n, const char *const *marks)
{
    for (; *marks; marks++) {
        size_t k = strlen(*marks);
        if (n >= k && memcmp(s + n - k, *marks, k) == 0)
            return k;
    }
    return 0;
}

/* Does the word s[0..n) end a sentence? Closing quotes and brackets after the
 * stop are skipped: news text writes  ...صحيح”.  as often as  ...said.”  */
static bool ends_sentence(const char *s, size_t n)
{
    static const char *const closers[] = {"\xE2\x80\x9D" /* ” */,
                                          "\xE2\x80\x99" /* ’ */,
                                          "\xC2\xBB" /* » */,
                                          "\xE2\x80\xBA" /* › */,
                                          "\"",
                                          "'",
                                          ")",
                                          "]",
                                          "}",
                                          NULL};
    static const char *const stops[] = {
        ".", "!", "?", "\xD8\x9F" /* ؟ */, "\xDB\x94" /* ۔ */, "\xE2\x80\xA6" /* … */, NULL};
    size_t k;
    while ((k = ends_with_mark(s, n, closers)) != 0)
        n -= k;
    return ends_with_mark(s, n, stops) != 0;
}

static size_t split_words(builder_t *b, const char *s, size_t n, kh_status_t *st)
{
    size_t count = 0;
    *st = KH_OK;
    for (size_t i = 0; i < n;) {
        while (i < n && is_space(s[i]))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && !is_space(s[i]))
            i++;
        if (count == b->words_cap) {
            size_t want = b->words_cap ? b->words_cap * 2 : 256;
            word_t *w = realloc(b->words, want * sizeof *w);
            if (!w) {
                *st = KH_ERR_NOMEM;
                return 0;
            }
            b->words = w;
            b->words_cap = want;
        }
        b->words[count++] = (word_t){start, i, ends_sentence(s + start, i - start)};
    }
    return count;
}

/* Appends a passage whose text is prefix, "\n" when both are non-empty, then
 * body[0..body_len). */
static kh_status_t add(builder_t *b, kh_kind_t kind, unsigned ordinal, const char *prefix,
                       const char *body, size_t body_len)
{
    if (b->n == b->cap) {
        size_t want = b->cap ? b->cap * 2 : 16;
        kh_passage_t *p = realloc(b->p, want * sizeof *p);
        if (!p)
            return KH_ERR_NOMEM;
        b->p = p;
        b->cap = want;
    }
    size_t plen = prefix ? strlen(prefix) : 0;
    size_t sep = plen && body_len ? 1 : 0;
    size_t len = plen + sep + body_len;
    char *text = malloc(len + 1);
    if (!text)
        return KH_ERR_NOMEM;
    if (plen)
        memcpy(text, prefix, plen);
    if (sep)
        text[plen] = '\n';
    if (body_len)
        memcpy(text + plen + sep, body, body_len);
    text[len] = '\0';
    b->p[b->n++] = (kh_passage_t){
        .kind = kind, .ordinal = ordinal, .text = text, .len = len, .heading_len = plen};
    return KH_OK;
}

static kh_status_t add_window(builder_t *b, const kh_paragraph_t *para, size_t index,
                              const word_t *w, size_t first, size_t last)
{
    size_t from = w[first].start, to = w[last - 1].end;
    kh_status_t st =
        add(b, KH_KIND_BODY, b->ordinal++, para->heading, para->text + from, to - from);
    if (!st) {
        b->p[b->n - 1].paragraph = index;
        b->p[b->n - 1].offset = from;
    }
    return st;
}

/* First word index after the sentence end following word t-1 (n if none). */
static size_t next_boundary(const word_t *w, size_t n, size_t t)
{
    for (size_t i = t; i < n; i++)
        if (w[i].stop)
            return i + 1;
    return n;
}

/*
 * Where the window after [s, t) starts. After a hard cut: overlap_words
 * words back. Otherwise at the sentence start b in (s, t] whose overlap t-b
 * is closest to overlap_words, among those that leave room for the next
 * sentence (b = t, no overlap, always does: the window from t either
 * reaches a sentence end or is hard-cut past t).
 */
static size_t next_start(const word_t *w, size_t n, size_t s, size_t t, bool hard,
                         const kh_passage_opts_t *o)
{
    if (hard)
        return t - o->overlap_words;
    size_t after = next_boundary(w, n, t);
    size_t best = t, best_gap = o->overlap_words;
    for (size_t b = t - 1; b > s; b--) {
        if (!w[b - 1].stop)
            continue;
        size_t overlap = t - b;
        size_t gap =
            overlap > o->overlap_words ? overlap - o->overlap_words : o->overlap_words - overlap;
        if (overlap > o->overlap_words && gap >= best_gap)
            break; /* further back only grows the gap */
        if (gap < best_gap && after <= b + o->window_words) {
            best = b;
            best_gap = gap;
        }
    }
    return best;
}

static kh_status_t add_paragraph(builder_t *b, const kh_paragraph_t *para, size_t index,
                                 const kh_passage_opts_t *o)
{
    kh_status_t st;
    const char *text = para->text ? para->text : "";
    size_t n = split_words(b, text, strlen(text), &st);
    if (st)
        return st;
    const word_t *w = b->words;
    if (n == 0) {
        if (!para->heading || !*para->heading)
            return KH_OK;
        /* A subheading with nothing under it is still text a reader sees. */
        if ((st = add(b, KH_KIND_BODY, b->ordinal++, para->heading, NULL, 0)) == KH_OK)
            b->p[b->n - 1].paragraph = index;
        return st;
    }
    size_t s = 0;
    for (;;) {
        size_t limit = s + o->window_words;
        if (limit >= n)
            return add_window(b, para, index, w, s, n);
        size_t t = 0;
        for (size_t i = limit; i > s; i--) {
            if (w[i - 1].stop) {
                t = i;
                break;
            }
        }
        bool hard = t == 0;
        if (hard)
            t = limit;
        if ((st = add_window(b, para, index, w, s, t)))
            return st;
        s = next_start(w, n, s, t, hard, o);
    }
}

kh_status_t kh_article_passages(const kh_article_t *a, const kh_passage_opts_t *opts,
                                kh_passage_t **out, size_t *n, kh_error_t *err)
{
    kh_passage_opts_t o = opts ? *opts : kh_passage_opts_default();
    *out = NULL;
    *n = 0;
    if (o.window_words == 0)
        return kh_error_set(err, KH_ERR_ARG, "passage window must be at least 1 word");
    if (o.overlap_words >= o.window_words)
        return kh_error_set(err, KH_ERR_ARG,
                            "passage overlap (%u words) must be smaller than the window (%u "
                            "words)",
                            o.overlap_words, o.window_words);

    builder_t b = {.ordinal = 1};
    kh_status_t st = KH_OK;
    if (a->title && a->title[strspn(a->title, " \t\r\n\f\v")])
        st = add(&b, KH_KIND_TITLE, 0, NULL, a->title, strlen(a->title));
    for (size_t i = 0; !st && i < a->n_paragraphs; i++)
        st = add_paragraph(&b, &a->paragraphs[i], i, &o);
    for (size_t i = 0; !st && i < a->n_related; i++) {
        const kh_related_t *r = &a->related[i];
        if (!r->title || !r->title[strspn(r->title, " \t\r\n\f\v")])
            continue;
        st = add(&b, KH_KIND_RELATED, b.ordinal++, NULL, r->title, strlen(r->title));
        if (!st)
            b.p[b.n - 1].related = r;
    }
    free(b.words);
    if (st) {
        kh_passages_free(b.p, b.n);
        return kh_error_set(err, st, "%s: out of memory cutting passages",
                            a->file ? a->file
                            : a->id ? a->id
                                    : "article");
    }
    *out = b.p;
    *n = b.n;
    return KH_OK;
}
