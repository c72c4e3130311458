#include "khabar/schema.h"

#include <stdlib.h>
#include <string.h>

#define DATA_MAGIC "khabar1"

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

kh_status_t kh_passage_data_encode(const kh_passage_data_t *p, char **out, size_t *out_len,
                                   kh_error_t *err)
{
    const char *kind = kh_kind_name(p->kind);
    const char *lines[] = {DATA_MAGIC, kind,   p->passage_id, p->article_id,
                           p->title,   p->url, p->date,       p->section};
    size_t n = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        n += (lines[i] ? strlen(lines[i]) : 0) + 1;
    size_t text_len = p->text ? strlen(p->text) : 0;
    *out = NULL;
    char *buf = malloc(n + text_len + 1);
    if (!buf)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    char *dst = buf;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        dst = put_line(dst, lines[i]);
    memcpy(dst, p->text ? p->text : "", text_len);
    dst[text_len] = '\0';
    *out = buf;
    *out_len = n + text_len;
    return KH_OK;
}

kh_status_t kh_passage_data_decode(const char *data, size_t len, kh_passage_data_t *out,
                                   char **storage, kh_error_t *err)
{
    *storage = NULL;
    char *buf = malloc(len + 1);
    if (!buf)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    memcpy(buf, data, len);
    buf[len] = '\0';

    /* Split the eight one-line fields; what remains is the text. */
    char *field[8];
    char *cur = buf;
    for (int i = 0; i < 8; i++) {
        char *nl = memchr(cur, '\n', (size_t)(buf + len - cur));
        if (!nl) {
            free(buf);
            return kh_error_set(err, KH_ERR_FORMAT, "passage data is truncated (field %d)", i);
        }
        *nl = '\0';
        field[i] = cur;
        cur = nl + 1;
    }
    if (strcmp(field[0], DATA_MAGIC) != 0 || kh_kind_parse(field[1], &out->kind) != KH_OK) {
        free(buf);
        return kh_error_set(err, KH_ERR_FORMAT, "not khabar passage data (re-index?)");
    }
    out->passage_id = field[2];
    out->article_id = field[3];
    out->title = field[4];
    out->url = field[5];
    out->date = field[6];
    out->section = field[7];
    out->text = cur;
    *storage = buf;
    return KH_OK;
}
