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

kh_status_t kh_article_data_encode(const kh_passage_data_t *p, size_t n, char **out,
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

/* One passage's data split in place: its lines, and the record's part if it is one. */
typedef struct parsed {
    kh_kind_t kind;
    char *line[11]; /* 7 lines of every passage, then the record's 4 */
    const char *block;
    size_t block_len;
    size_t start, len; /* the passage's text in the block */
    int record;
} parsed_t;

static kh_status_t parse(char *buf, size_t len, parsed_t *p, kh_error_t *err)
{
    char *cur = buf;
    int lines = 7;
    for (int i = 0; i < lines; i++) {
        char *nl = memchr(cur, '\n', (size_t)(buf + len - cur));
        if (!nl)
            return kh_error_set(err, KH_ERR_FORMAT, "passage data is truncated (field %d)", i);
        *nl = '\0';
        p->line[i] = cur;
        cur = nl + 1;
        if (i == 0 && strcmp(p->line[0], DATA_MAGIC) != 0)
            break;
        if (i == 5 && p->line[5][0] == '\0')
            lines = 11; /* the record: its own four lines follow */
    }
    if (strcmp(p->line[0], DATA_MAGIC) != 0 || kh_kind_parse(p->line[1], &p->kind) != KH_OK)
        return kh_error_set(err, KH_ERR_FORMAT, "not khabar passage data (re-index?)");
    char *end;
    unsigned long long start = strtoull(p->line[6], &end, 10);
    unsigned long long n = *end == ' ' ? strtoull(end + 1, &end, 10) : 0;
    if (*end != '\0' || p->line[6][0] == '\0')
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: bad text range '%.40s'", p->line[6]);
    p->start = (size_t)start;
    p->len = (size_t)n;
    p->record = lines == 11;
    p->block = p->record ? cur : NULL;
    p->block_len = p->record ? (size_t)(buf + len - cur) : 0;
    return KH_OK;
}

/* The passage's own fields from its parsed lines. */
static void own_fields(const parsed_t *p, kh_passage_data_t *out)
{
    *out = (kh_passage_data_t){.kind = p->kind,
                               .passage_id = p->line[2],
                               .article_id = p->line[3],
                               .url = p->line[4][0] ? p->line[4] : NULL,
                               .record_id = p->line[5],
                               .text_start = p->start,
                               .text_len = p->len};
}

static kh_status_t copy_of(const char *data, size_t len, size_t extra, char **out, kh_error_t *err)
{
    *out = malloc(len + extra + 1);
    if (!*out)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    memcpy(*out, data, len);
    (*out)[len] = '\0';
    return KH_OK;
}

/* The record's fields and p's text range of its block into out (text copied to dst). */
static kh_status_t take_record(const parsed_t *rec, size_t start, size_t len, char *dst,
                               kh_passage_data_t *out, kh_error_t *err)
{
    if (start > rec->block_len || len > rec->block_len - start)
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: text range %zu+%zu outside %zu",
                            start, len, rec->block_len);
    memcpy(dst, rec->block + start, len);
    dst[len] = '\0';
    out->title = rec->line[7];
    if (!out->url)
        out->url = rec->line[8];
    out->date = rec->line[9];
    out->section = rec->line[10];
    out->text = dst;
    return KH_OK;
}

kh_status_t kh_passage_data_decode(const char *data, size_t len, kh_passage_data_t *out,
                                   char **storage, kh_error_t *err)
{
    *storage = NULL;
    char *buf;
    parsed_t p = {0};
    /* Room after the copy for the record's own text, NUL-terminated. */
    kh_status_t st = copy_of(data, len, len + 1, &buf, err);
    if (!st)
        st = parse(buf, len, &p, err);
    if (!st) {
        own_fields(&p, out);
        if (p.record)
            st = take_record(&p, p.start, p.len, buf + len + 1, out, err);
    }
    if (st) {
        free(buf);
        return st;
    }
    *storage = buf;
    return KH_OK;
}

/* A record read in place: its eleven lines and its block, nothing copied. */
typedef struct record_view {
    const char *line[11];
    size_t line_len[11];
    const char *block;
    size_t block_len;
} record_view_t;

static int view_record(const char *data, size_t len, record_view_t *v)
{
    const char *cur = data, *end = data + len;
    for (int i = 0; i < 11; i++) {
        const char *nl = memchr(cur, '\n', (size_t)(end - cur));
        if (!nl)
            return 0;
        v->line[i] = cur;
        v->line_len[i] = (size_t)(nl - cur);
        cur = nl + 1;
        if (i == 5 && v->line_len[5] != 0)
            return 0; /* names another record: not one itself */
    }
    v->block = cur;
    v->block_len = (size_t)(end - cur);
    return v->line_len[0] == strlen(DATA_MAGIC) &&
           memcmp(v->line[0], DATA_MAGIC, v->line_len[0]) == 0;
}

static char *put_field(char **dst, const char *s, size_t len)
{
    char *at = *dst;
    memcpy(at, s, len);
    at[len] = '\0';
    *dst += len + 1;
    return at;
}

/*
 * Only what p shows is copied from the record (its four lines and p's
 * range of the block): an article of 10 MB has thousands of passages.
 */
kh_status_t kh_passage_data_attach(kh_passage_data_t *p, char **storage, const char *record,
                                   size_t record_len, kh_error_t *err)
{
    record_view_t v;
    if (!view_record(record, record_len, &v) || v.line_len[3] != strlen(p->article_id) ||
        memcmp(v.line[3], p->article_id, v.line_len[3]) != 0)
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: no record of %s's article",
                            p->passage_id);
    if (p->text_start > v.block_len || p->text_len > v.block_len - p->text_start)
        return kh_error_set(err, KH_ERR_FORMAT, "passage data: text range %zu+%zu outside %zu",
                            p->text_start, p->text_len, v.block_len);
    const char *own[] = {p->passage_id, p->article_id, p->url ? p->url : "", p->record_id};
    size_t need = p->text_len + 1;
    for (size_t i = 0; i < 4; i++)
        need += strlen(own[i]) + 1;
    for (size_t i = 7; i < 11; i++)
        need += v.line_len[i] + 1;
    char *buf = malloc(need), *dst = buf;
    if (!buf)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_passage_data_t q = *p;
    q.passage_id = put_field(&dst, own[0], strlen(own[0]));
    q.article_id = put_field(&dst, own[1], strlen(own[1]));
    q.url = put_field(&dst, own[2], strlen(own[2]));
    q.record_id = put_field(&dst, own[3], strlen(own[3]));
    q.title = put_field(&dst, v.line[7], v.line_len[7]);
    const char *article_url = put_field(&dst, v.line[8], v.line_len[8]);
    if (!q.url[0])
        q.url = article_url;
    q.date = put_field(&dst, v.line[9], v.line_len[9]);
    q.section = put_field(&dst, v.line[10], v.line_len[10]);
    q.text = put_field(&dst, v.block + p->text_start, p->text_len);
    free(*storage);
    *storage = buf;
    *p = q;
    return KH_OK;
}
