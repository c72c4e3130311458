#include "output.h"

#include <jansson.h>
#include <string.h>

#include "snippet.h"

#define BOLD_MATCH "\033[1;31m"
#define BOLD_TITLE "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

kh_status_t kh_output_format_parse(const char *name, kh_output_format_t *out)
{
    static const char *const names[] = {"text", "json", "trec", "tsv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (kh_output_format_t)i;
            return KH_OK;
        }
    }
    return KH_ERR_ARG;
}

/*
 * Writes text[start..end) on one line: line breaks and tabs become spaces
 * (TSV and the text listing are line-based); matched spans are wrapped in
 * colour when on, else left plain.
 */
static void put_flat(FILE *out, const char *text, size_t start, size_t end, const kh_span_t *spans,
                     size_t n, int color)
{
    size_t k = 0;
    while (k < n && spans[k].end <= start)
        k++;
    for (size_t i = start; i < end; i++) {
        if (color && k < n && i == spans[k].start)
            fputs(BOLD_MATCH, out);
        char c = text[i];
        fputc(c == '\n' || c == '\t' || c == '\r' ? ' ' : c, out);
        if (color && k < n && i + 1 == spans[k].end) {
            fputs(RESET, out);
            k++;
        }
    }
    if (color && k < n && spans[k].start < end && spans[k].end > end)
        fputs(RESET, out);
}

static void put_snippet(FILE *out, const kh_result_t *r, int color)
{
    const char *text = r->data.text;
    kh_snippet_t s =
        kh_snippet_pick(text, strlen(text), r->highlights, r->n_highlights, KH_SNIPPET_CHARS);
    if (s.cut_before)
        fputs("… ", out);
    put_flat(out, text, s.start, s.end, r->highlights, r->n_highlights, color);
    if (s.cut_after)
        fputs(" …", out);
}

static void write_text(FILE *out, const kh_output_opts_t *o, const kh_result_t *r)
{
    const char *title = r->data.title[0] ? r->data.title : r->data.article_id;
    fprintf(out, "%u. %.3f  %s", r->rank, r->score, o->color ? BOLD_TITLE : "");
    put_flat(out, title, 0, strlen(title), NULL, 0, 0);
    fprintf(out, "%s  %s[%s %s]%s\n   ", o->color ? RESET : "", o->color ? DIM : "",
            kh_kind_name(r->data.kind), r->data.passage_id, o->color ? RESET : "");
    put_snippet(out, r, o->color);
    fputc('\n', out);
}

static kh_status_t write_json(FILE *out, const char *qid, const char *query, const kh_result_t *r,
                              kh_error_t *err)
{
    const char *text = r->data.text;
    kh_snippet_t s =
        kh_snippet_pick(text, strlen(text), r->highlights, r->n_highlights, KH_SNIPPET_CHARS);
    json_t *spans = json_array();
    for (size_t i = 0; spans && i < r->n_highlights; i++)
        json_array_append_new(spans, json_pack("[II]", (json_int_t)r->highlights[i].start,
                                               (json_int_t)r->highlights[i].end));
    json_t *obj = json_object();
    if (!obj || !spans) {
        json_decref(obj);
        json_decref(spans);
        return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of a result");
    }
    json_object_set_new(obj, qid ? "qid" : "query", json_string(qid ? qid : query));
    json_object_set_new(obj, "rank", json_integer(r->rank));
    json_object_set_new(obj, "score", json_real(r->score));
    json_object_set_new(obj, "passage_id", json_string(r->data.passage_id));
    json_object_set_new(obj, "article_id", json_string(r->data.article_id));
    json_object_set_new(obj, "kind", json_string(kh_kind_name(r->data.kind)));
    json_object_set_new(obj, "title", json_string(r->data.title));
    json_object_set_new(obj, "text", json_string(text));
    json_object_set_new(obj, "snippet", json_stringn(text + s.start, s.end - s.start));
    json_object_set_new(obj, "highlights", spans);
    static const char *const optional[] = {"url", "date", "section"};
    const char *values[] = {r->data.url, r->data.date, r->data.section};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
        if (values[i][0])
            json_object_set_new(obj, optional[i], json_string(values[i]));
    int rc = json_dumpf(obj, out, JSON_COMPACT);
    json_decref(obj);
    if (rc != 0 || fputc('\n', out) == EOF)
        return kh_error_set(err, KH_ERR_IO, "cannot write the results");
    return KH_OK;
}

kh_status_t kh_output_write(FILE *out, const kh_output_opts_t *opts, const char *qid,
                            const char *query, const kh_results_t *results, kh_error_t *err)
{
    const char *id = qid ? qid : "1";
    for (size_t i = 0; i < results->n; i++) {
        const kh_result_t *r = &results->items[i];
        switch (opts->format) {
        case KH_OUTPUT_TEXT:
            write_text(out, opts, r);
            break;
        case KH_OUTPUT_JSON: {
            kh_status_t st = write_json(out, qid, query, r, err);
            if (st)
                return st;
            break;
        }
        case KH_OUTPUT_TREC:
            fprintf(out, "%s Q0 %s %u %.6f %s\n", id,
                    opts->per_article ? r->data.article_id : r->data.passage_id, r->rank, r->score,
                    opts->tag ? opts->tag : "khabar");
            break;
        case KH_OUTPUT_TSV:
            fprintf(out, "%s\t%u\t%.6f\t%s\t", id, r->rank, r->score, r->data.passage_id);
            put_snippet(out, r, 0);
            fputc('\n', out);
            break;
        }
    }
    if (ferror(out))
        return kh_error_set(err, KH_ERR_IO, "cannot write the results");
    return KH_OK;
}
