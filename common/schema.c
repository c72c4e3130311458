/* memmem (glibc, also in POSIX 2024) finds a passage already in the block. */
#define _GNU_SOURCE
#include "khabar/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_MAGIC "khabar2"

static const char *const kind_names[] = {"title", "body", "related"};

const char *kh_kind_name(kh_kind_t kind)
{
    if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
        return NULL;
    return kind_names[kind];
}

unsigned kh_schema_impact(unsigned tf, unsigned len)
{
    double norm = len / KH_IMPACT_AVGLEN;
    if (norm < 0.5)
        norm = 0.5; /* Xapian's BM25Weight min_normlen: very short passages gain no more */
    double k = KH_IMPACT_K1 * ((1 - KH_IMPACT_B) + KH_IMPACT_B * norm);
    double w = KH_IMPACT_SCALE * (KH_IMPACT_K1 + 1) * tf / (k + tf);
    return w < 1.5 ? 1 : (unsigned)(w + 0.5);
}

int kh_schema_carries_title(kh_kind_t kind)
{
    return kind != KH_KIND_TITLE;
}

kh_status_t kh_kind_parse(const char *name, kh_kind_t *out)
{
    for (unsigned i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
        if (name && strcmp(name, kind_names[i]) == 0) {
            *out = (kh_kind_t)i;
            return KH_OK;
        }
    }
    return KH_ERR_ARG;
}

/* Appends s as one line; line breaks become spaces so the line count stays fixed. */
static char *put_line(char *dst, const char *s)
{
    for (s = s ? s : ""; *s; s++)
        *dst++ = (*s == '\n' || *s == '\r') ? ' ' : *s;
    *dst++ = '\n';
    return dst;
}

static size_t line_len(const char *s)
{
    return (s ? strlen(s) : 0) + 1;
}

/* The article's text block: every passage's text, overlaps stored once. */
typedef struct block {
    char *bytes;
    size_t len;
    size_t *start; /* of passage i's text */
} block_t;

/*
 * Where text can start so that it ends the block or lies inside it: the
 * longest suffix of the block that text begins with (a window repeating
 * the end of the one before), else len (appended whole).
 */
static size_t overlap_start(const block_t *b, const char *text, size_t text_len)
{
    const char *found = text_len ? memmem(b->bytes, b->len, text, text_len) : NULL;
    if (found)
        return (size_t)(found - b->bytes);
    size_t from = b->len > text_len ? b->len - text_len : 0;
    for (size_t i = from; i < b->len; i++) {
        if (b->bytes[i] == text[0] && memcmp(b->bytes + i, text, b->len - i) == 0)
            return i;
    }
    return b->len;
}

static kh_status_t build_block(const kh_passage_data_t *p, size_t n, block_t *b, kh_error_t *err)
{
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += p[i].text ? strlen(p[i].text) : 0;
    b->bytes = malloc(cap + 1);
    b->start = malloc(n * sizeof *b->start);
    b->len = 0;
    if (!b->bytes || !b->start)
        return kh_error_set(err, KH_ERR_NOMEM, NULL); /* the caller frees both */
    for (size_t i = 0; i < n; i++) {
        const char *text = p[i].text ? p[i].text : "";
        size_t len = strlen(text), at = overlap_start(b, text, len);
        if (at + len > b->len) {
            memcpy(b->bytes + b->len, text + (b->len - at), at + len - b->len);
            b->len = at + len;
        }
        b->start[i] = at;
    }
    b->bytes[b->len] = '\0';
    return KH_OK;
}

kh_status_t kh_schema_article_data_encode(const kh_passage_data_t *p, size_t n, char **out,
                                          size_t *out_len, kh_error_t *err)
{
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    if (n == 0)
        return KH_OK;
    block_t b = {0};
    kh_status_t st = build_block(p, n, &b, err);
    for (size_t i = 0; !st && i < n; i++) {
        const char *own_url =
            p[i].url && (!p[0].url || strcmp(p[i].url, p[0].url) != 0) ? p[i].url : "";
        const char *record_id = i ? p[0].passage_id : "";
        size_t text_len = p[i].text ? strlen(p[i].text) : 0;
        char range[48];
        snprintf(range, sizeof range, "%zu %zu", b.start[i], text_len);
        size_t len = line_len(DATA_MAGIC) + line_len(kh_kind_name(p[i].kind)) +
                     line_len(p[i].passage_id) + line_len(p[i].article_id) + line_len(own_url) +
                     line_len(record_id) + line_len(range);
        if (i == 0)
            len += line_len(p[0].title) + line_len(p[0].url) + line_len(p[0].date) +
                   line_len(p[0].section) + b.len;
        char *buf = malloc(len + 1);
        if (!buf) {
            st = kh_error_set(err, KH_ERR_NOMEM, NULL);
            break;
        }
        char *dst = buf;
        dst = put_line(dst, DATA_MAGIC);
        dst = put_line(dst, kh_kind_name(p[i].kind));
        dst = put_line(dst, p[i].passage_id);
        dst = put_line(dst, p[i].article_id);
        dst = put_line(dst, own_url);
        dst = put_line(dst, record_id);
        dst = put_line(dst, range);
        if (i == 0) {
            dst = put_line(dst, p[0].title);
            dst = put_line(dst, p[0].url);
            dst = put_line(dst, p[0].date);
            dst = put_line(dst, p[0].section);
            memcpy(dst, b.bytes, b.len);
            dst += b.len;
        }
        *dst = '\0';
        out[i] = buf;
        out_len[i] = (size_t)(dst - buf);
    }
    free(b.bytes);
    free(b.start);
    if (st) {
        for (size_t i = 0; i < n; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    }
    return st;
}

/* Bytes of a passage's data, not NUL-terminated. */
typedef struct span {
    const char *s;
    size_t len;
} span_t;

static int span_is(span_t sp, const char *s)
{
    return sp.len == strlen(s) && memcmp(sp.s, s, sp.len) == 0;
}

/* One passage's data read in place, nothing copied. */
typedef struct view {
    span_t line[11]; /* 7 lines of every passage, then the record's 4 */
    int record;
    kh_kind_t kind;
    size_t start, len; /* the passage's text in the record's block */
    span_t block;      /* the record's only */
} view_t;

static kh_status_t view_data(const char *data, size_t len, view_t *v, kh_error_t *err)
{
    const char *cur = data, *end = data + len;
    int lines = 7;
    for (int i = 0; i < lines; i++) {
        const char *nl = memchr(cur, '\n', (size_t)(end - cur));
        if (!nl)
            return kh_error_set(err, KH_ERR_FORMAT, "passage data is truncated (field %d)", i);
        v->line[i] = (span_t){cur, (size_t)(nl - cur)};
        cur = nl + 1;
        if (i == 0 && !span_is(v->line[0], DATA_MAGIC))
            break;
        if (i == 5 && v->line[5].len == 0)
            lines = 11; /* the record: its own four lines follow */
    }
    char kind[16], range[48], *rest;
    snprintf(kind, sizeof kind, "%.*s", (int)v->line[1].len, v->line[1].s);
    if (!span_is(v->line[0], DATA_MAGIC) || v->line[1].len >= sizeof kind ||
        kh_kind_parse(kind, &v->kind) != KH_OK)
        return kh_error_set(err, KH_ERR_FORMAT, "not khabar passage data (re-index?)");
    snprintf(range, sizeof range, "%.*s", (int)v->line[6].len, v->line[6].s);
    unsigned long long start = strtoull(range, &rest, 10);
    unsigned long long n = *rest == ' ' ? strtoull(rest + 1, &rest, 10) : 0;
    if (*rest != '\0' || range[0] == '\0' || v->line[6].len >= sizeof range)
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: bad text range '%s'", range);
    v->start = (size_t)start;
    v->len = (size_t)n;
    v->record = lines == 11;
    v->block = v->record ? (span_t){cur, (size_t)(end - cur)} : (span_t){NULL, 0};
    return KH_OK;
}

static const char *put_field(char **dst, span_t sp)
{
    char *at = *dst;
    memcpy(at, sp.s, sp.len);
    at[sp.len] = '\0';
    *dst += sp.len + 1;
    return at;
}

static span_t span_of(const char *s)
{
    return (span_t){s ? s : "", s ? strlen(s) : 0};
}

/*
 * *out from a passage's own fields (passage_id, article_id, url,
 * record_id) and, when rec is given, its record's four lines and the
 * passage's range of the record's block, all copied into one new *storage
 * (the one before is freed). Only what the passage shows is copied from the
 * record: an article of 10 MB has thousands of passages.
 */
static kh_status_t fill(kh_kind_t kind, const span_t own[4], const view_t *rec, size_t start,
                        size_t len, kh_passage_data_t *out, char **storage, kh_error_t *err)
{
    if (rec && (start > rec->block.len || len > rec->block.len - start))
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: text range %zu+%zu outside %zu",
                            start, len, rec->block.len);
    size_t need = 0;
    for (size_t i = 0; i < 4; i++)
        need += own[i].len + 1;
    for (size_t i = 7; rec && i < 11; i++)
        need += rec->line[i].len + 1;
    need += rec ? len + 1 : 0;
    char *buf = malloc(need), *dst = buf;
    if (!buf)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_passage_data_t q = {.kind = kind, .text_start = start, .text_len = len};
    q.passage_id = put_field(&dst, own[0]);
    q.article_id = put_field(&dst, own[1]);
    q.url = own[2].len ? put_field(&dst, own[2]) : NULL;
    q.record_id = put_field(&dst, own[3]);
    if (rec) {
        q.title = put_field(&dst, rec->line[7]);
        const char *article_url = put_field(&dst, rec->line[8]);
        if (!q.url)
            q.url = article_url;
        q.date = put_field(&dst, rec->line[9]);
        q.section = put_field(&dst, rec->line[10]);
        q.text = put_field(&dst, (span_t){rec->block.s + start, len});
    }
    free(*storage);
    *storage = buf;
    *out = q;
    return KH_OK;
}

kh_status_t kh_passage_data_decode(const char *data, size_t len, kh_passage_data_t *out,
                                   char **storage, kh_error_t *err)
{
    *storage = NULL;
    view_t v;
    kh_status_t st = view_data(data, len, &v, err);
    return st ? st
              : fill(v.kind, &v.line[2], v.record ? &v : NULL, v.start, v.len, out, storage, err);
}

kh_status_t kh_passage_data_attach(kh_passage_data_t *p, char **storage, const char *record,
                                   size_t record_len, kh_error_t *err)
{
    view_t rec;
    if (view_data(record, record_len, &rec, NULL) != KH_OK || !rec.record ||
        !span_is(rec.line[3], p->article_id))
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: no record of %s's article",
                            p->passage_id);
    const span_t own[4] = {span_of(p->passage_id), span_of(p->article_id), span_of(p->url),
                           span_of(p->record_id)};
    return fill(p->kind, own, &rec, p->text_start, p->text_len, p, storage, err);
}
