#include "output.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/display.h"
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
 * Writes text[start..end) on one line, made safe for a terminal
 * (khabar/display.h: line breaks and tabs as spaces, so TSV columns and
 * the text listing stay whole; controls as U+FFFD; bidi overrides
 * removed); matched spans are wrapped in colour when on, else left plain.
 * base: the style the text around the spans is in ("" for none), set
 * again after each span's reset.
 */
static void put_flat(FILE *out, const char *text, size_t start, size_t end, const kh_span_t *spans,
                     size_t n, int color, const char *base)
{
    size_t k = 0;
    int lit = 0; /* inside spans[k], in colour */
    for (size_t i = start; i < end;) {
        while (!lit && k < n && spans[k].end <= i)
            k++;
        if (color && !lit && k < n && spans[k].start <= i) {
            fputs(BOLD_MATCH, out);
            lit = 1;
        }
        char shown[KH_DISPLAY_CHAR_MAX];
        size_t used;
        fwrite(shown, 1, kh_display_char(text + i, end - i, &used, shown), out);
        i += used;
        if (lit && i >= spans[k].end) {
            fputs(RESET, out);
            fputs(base, out);
            lit = 0;
            k++;
        }
    }
    if (lit) {
        fputs(RESET, out);
        fputs(base, out);
    }
}

/*
 * Writes an id or query id for a whitespace-separated column (TREC, TSV):
 * spaces, controls, bidi controls and '%' percent-encoded, so that a row
 * always has its columns and a program gets the bytes back.
 */
static kh_status_t put_id(FILE *out, const char *id, kh_error_t *err)
{
    char coded[1024]; /* an article id is at most 200 bytes: 600 coded */
    size_t len = strlen(id), need = kh_display_id(id, len, coded, sizeof coded);
    if (need < sizeof coded) {
        fwrite(coded, 1, need, out);
        return KH_OK;
    }
    char *big = malloc(need + 1); /* a long batch query id */
    if (!big)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    kh_display_id(id, len, big, need + 1);
    fwrite(big, 1, need, out);
    free(big);
    return KH_OK;
}

static void put_snippet(FILE *out, const kh_result_t *r, int color)
{
    const char *text = r->data.text;
    kh_snippet_t s =
        kh_snippet_pick(text, strlen(text), r->highlights, r->n_highlights, KH_SNIPPET_CHARS);
    if (s.cut_before)
        fputs("… ", out);
    put_flat(out, text, s.start, s.end, r->highlights, r->n_highlights, color, "");
    if (s.cut_after)
        fputs(" …", out);
}

static void write_text(FILE *out, const kh_output_opts_t *o, const kh_result_t *r)
{
    /* No title: the article id stands for it, nothing in it matched. */
    int titled = r->data.title[0] != '\0';
    const char *title = titled ? r->data.title : r->data.article_id;
    const char *bold = o->color ? BOLD_TITLE : "";
    fprintf(out, "%u. %.3f  %s", r->rank, r->score, bold);
    put_flat(out, title, 0, strlen(title), r->title_highlights, titled ? r->n_title_highlights : 0,
             o->color, bold);
    fprintf(out, "%s  %s[%s ", o->color ? RESET : "", o->color ? DIM : "",
            kh_kind_name(r->data.kind));
    put_flat(out, r->data.passage_id, 0, strlen(r->data.passage_id), NULL, 0, 0, "");
    fprintf(out, "]%s\n   ", o->color ? RESET : "");
    put_snippet(out, r, o->color);
    fputc('\n', out);
    if (!o->explain)
        return;
    /* The parts of the score, largest first (explain.h). */
    fprintf(out, "   %.3f =", r->score);
    for (size_t i = 0; i < r->n_contributions; i++) {
        const kh_contribution_t *c = &r->contributions[i];
        fprintf(out, "%s %.3f %s%s (wdf %u)", i ? " +" : "", c->weight,
                c->feedback ? "feedback " : "", c->term, c->wdf);
    }
    fputc('\n', out);
}

static json_t *json_text(const char *s, size_t len);
static void put_json(FILE *out, const char *json);

/*
 * --explain, before the results: the plan's lines (explain.h), in text as
 * they are, in JSON one record {"query"|"qid", "explain": [lines]} told
 * from a result by having no "rank".
 */
static kh_status_t write_plan(FILE *out, const kh_output_opts_t *opts, const char *qid,
                              const char *query, const char *plan, kh_error_t *err)
{
    if (opts->format == KH_OUTPUT_TEXT) {
        fputs(plan, out);
        return KH_OK;
    }
    if (opts->format != KH_OUTPUT_JSON)
        return KH_OK;
    const char *asked = qid ? qid : query;
    json_t *obj = json_object(), *lines = json_array();
    int complete = obj && lines;
    for (const char *at = plan; complete && *at;) {
        size_t len = strcspn(at, "\n");
        complete &= !json_array_append_new(lines, json_text(at, len));
        at += len + (at[len] == '\n');
    }
    complete &= !json_object_set_new(obj, qid ? "qid" : "query", json_text(asked, strlen(asked)));
    complete &= !json_object_set(obj, "explain", lines);
    char *json = complete ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(lines);
    json_decref(obj);
    if (!json)
        return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of the query plan");
    put_json(out, json);
    free(json);
    fputc('\n', out);
    return KH_OK;
}

/*
 * A batch query's header in text, above its results (none, when it matched
 * nothing): "query QID: QUERY", so that the queries do not run together.
 */
static void write_text_header(FILE *out, const kh_output_opts_t *o, const char *qid,
                              const char *query)
{
    fprintf(out, "%squery ", o->color ? BOLD_TITLE : "");
    put_flat(out, qid, 0, strlen(qid), NULL, 0, 0, "");
    fputs(": ", out);
    put_flat(out, query, 0, strlen(query), NULL, 0, 0, "");
    fprintf(out, "%s\n", o->color ? RESET : "");
}

/*
 * A JSON string of s, always (json_string() gives NULL for invalid UTF-8,
 * and a key set to NULL is silently left out): invalid bytes become
 * U+FFFD. A query typed in Latin-1 still shows in the output.
 */
static json_t *json_text(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    size_t need = kh_display_utf8(s, len, NULL, 0);
    char *valid = malloc(need + 1);
    if (!valid)
        return NULL;
    kh_display_utf8(s, len, valid, need + 1);
    j = json_stringn(valid, need);
    free(valid);
    return j;
}

/*
 * Writes a JSON line with what Jansson leaves raw but a terminal would act
 * on (DEL, C1 controls such as the 8-bit CSI U+009B, bidi overrides,
 * U+2028/2029) as \uXXXX escapes: the same JSON value, safe to look at.
 * These are all of the Basic Multilingual Plane, and in the text of a JSON
 * document they can only be inside strings.
 */
static void put_json(FILE *out, const char *json)
{
    const char *run = json, *end = json + strlen(json);
    for (const char *p = json; p < end;) {
        if ((unsigned char)*p < 0x7F) {
            p++;
            continue;
        }
        size_t used;
        char shown[KH_DISPLAY_CHAR_MAX];
        size_t n = kh_display_char(p, (size_t)(end - p), &used, shown);
        if (n == used && memcmp(shown, p, n) == 0) { /* kept as it is */
            p += used;
            continue;
        }
        fwrite(run, 1, (size_t)(p - run), out);
        /* The code point back from its bytes (valid: Jansson wrote them; 1 to 3
         * of them, as for every character kh_display_char() changes). */
        unsigned long cp = used == 1 ? (unsigned char)p[0]
                           : used == 2
                               ? ((p[0] & 0x1FUL) << 6) | (p[1] & 0x3FUL)
                               : ((p[0] & 0x0FUL) << 12) | ((p[1] & 0x3FUL) << 6) | (p[2] & 0x3FUL);
        fprintf(out, "\\u%04lx", cp);
        p += used;
        run = p;
    }
    fputs(run, out);
}

/* --explain: [{"term", "weight", "wdf"[, "feedback": true]}] of r, largest first; NULL: no memory.
 */
static json_t *json_contributions(const kh_result_t *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->n_contributions; i++) {
        const kh_contribution_t *c = &r->contributions[i];
        json_t *item = json_object();
        int complete = item != NULL;
        complete &= !json_object_set_new(item, "term", json_text(c->term, strlen(c->term)));
        complete &= !json_object_set_new(item, "weight", json_real(c->weight));
        complete &= !json_object_set_new(item, "wdf", json_integer(c->wdf));
        if (c->feedback)
            complete &= !json_object_set_new(item, "feedback", json_true());
        if (!complete || json_array_append_new(list, item)) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static kh_status_t write_json(FILE *out, const kh_output_opts_t *o, const char *qid,
                              const char *query, const kh_result_t *r, kh_error_t *err)
{
    const char *text = r->data.text;
    kh_snippet_t s =
        kh_snippet_pick(text, strlen(text), r->highlights, r->n_highlights, KH_SNIPPET_CHARS);
    /* Byte spans into text, and the same words' spans into snippet, for a program that shows it. */
    json_t *spans = json_array(), *snippet_spans = json_array(), *title_spans = json_array();
    for (size_t i = 0; title_spans && i < r->n_title_highlights; i++) {
        const kh_span_t *h = &r->title_highlights[i];
        json_array_append_new(title_spans,
                              json_pack("[II]", (json_int_t)h->start, (json_int_t)h->end));
    }
    for (size_t i = 0; spans && snippet_spans && i < r->n_highlights; i++) {
        const kh_span_t *h = &r->highlights[i];
        json_array_append_new(spans, json_pack("[II]", (json_int_t)h->start, (json_int_t)h->end));
        if (h->start >= s.start && h->end <= s.end)
            json_array_append_new(snippet_spans, json_pack("[II]", (json_int_t)(h->start - s.start),
                                                           (json_int_t)(h->end - s.start)));
    }
    json_t *obj = json_object();
    if (!obj || !spans || !snippet_spans || !title_spans) {
        json_decref(obj);
        json_decref(spans);
        json_decref(snippet_spans);
        json_decref(title_spans);
        return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of a result");
    }
    const char *asked = qid ? qid : query;
    int complete = 1;
    complete &= !json_object_set_new(obj, qid ? "qid" : "query", json_text(asked, strlen(asked)));
    complete &= !json_object_set_new(obj, "rank", json_integer(r->rank));
    complete &= !json_object_set_new(obj, "score", json_real(r->score));
    static const char *const texts[] = {"passage_id", "article_id", "kind", "title", "text"};
    const char *text_values[] = {r->data.passage_id, r->data.article_id, kh_kind_name(r->data.kind),
                                 r->data.title, text};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        complete &=
            !json_object_set_new(obj, texts[i], json_text(text_values[i], strlen(text_values[i])));
    complete &= !json_object_set_new(obj, "snippet", json_text(text + s.start, s.end - s.start));
    complete &= !json_object_set_new(obj, "highlights", spans);
    complete &= !json_object_set_new(obj, "snippet_highlights", snippet_spans);
    complete &= !json_object_set_new(obj, "title_highlights", title_spans);
    static const char *const optional[] = {"url", "date", "section"};
    const char *values[] = {r->data.url, r->data.date, r->data.section};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
        if (values[i][0])
            complete &=
                !json_object_set_new(obj, optional[i], json_text(values[i], strlen(values[i])));
    if (o->explain)
        complete &= !json_object_set_new(obj, "explain", json_contributions(r));
    /* A field left out is worse than no line: a program would read it as absent. */
    char *json = complete ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!json)
        return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of a result");
    put_json(out, json);
    free(json);
    if (fputc('\n', out) == EOF)
        return kh_error_set(err, KH_ERR_IO, "cannot write the results");
    return KH_OK;
}

/* "about 1,234 passages" as quest says it: "about" unless the count is exact. */
static void put_total(FILE *out, const kh_output_opts_t *opts, const kh_results_t *results)
{
    const char *unit = opts->per_article ? "article" : "passage";
    fprintf(out, "%s%llu %s%s\n", results->exact ? "" : "about ", results->estimated, unit,
            results->estimated == 1 ? "" : "s");
}

/* --count: the number of matches alone, in each format (output.h). */
static kh_status_t write_count(FILE *out, const kh_output_opts_t *opts, const char *qid,
                               const char *query, const kh_results_t *results, kh_error_t *err)
{
    kh_status_t st = KH_OK;
    switch (opts->format) {
    case KH_OUTPUT_TEXT:
        put_total(out, opts, results);
        break;
    case KH_OUTPUT_JSON: {
        const char *asked = qid ? qid : query;
        json_t *obj = json_object();
        int complete = obj != NULL;
        complete &=
            !json_object_set_new(obj, qid ? "qid" : "query", json_text(asked, strlen(asked)));
        complete &=
            !json_object_set_new(obj, "count", json_integer((json_int_t)results->estimated));
        complete &= !json_object_set_new(obj, "exact", json_boolean(results->exact));
        char *json = complete ? json_dumps(obj, JSON_COMPACT) : NULL;
        json_decref(obj);
        if (!json)
            return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of a count");
        put_json(out, json);
        free(json);
        fputc('\n', out);
        break;
    }
    case KH_OUTPUT_TREC:
    case KH_OUTPUT_TSV:
        /* Columns: qid, count, exact or about. */
        st = put_id(out, qid ? qid : "1", err);
        fprintf(out, "\t%llu\t%s\n", results->estimated, results->exact ? "exact" : "about");
        break;
    }
    if (!st && ferror(out))
        st = kh_error_set(err, KH_ERR_IO, "cannot write the results");
    return st;
}

kh_status_t kh_output_write(FILE *out, const kh_output_opts_t *opts, const char *qid,
                            const char *query, const kh_results_t *results, kh_error_t *err)
{
    const char *id = qid ? qid : "1";
    if (opts->format == KH_OUTPUT_TEXT && qid)
        write_text_header(out, opts, qid, query);
    if (opts->count)
        return write_count(out, opts, qid, query, results, err);
    if (opts->explain && results->explain) {
        kh_status_t st = write_plan(out, opts, qid, query, results->explain, err);
        if (st)
            return st;
    }
    if (opts->format == KH_OUTPUT_TEXT && results->n)
        put_total(out, opts, results);
    for (size_t i = 0; i < results->n; i++) {
        const kh_result_t *r = &results->items[i];
        switch (opts->format) {
        case KH_OUTPUT_TEXT:
            write_text(out, opts, r);
            break;
        case KH_OUTPUT_JSON: {
            kh_status_t st = write_json(out, opts, qid, query, r, err);
            if (st)
                return st;
            break;
        }
        case KH_OUTPUT_TREC: {
            /* Six columns whatever the ids hold (put_id). */
            kh_status_t st = put_id(out, id, err);
            fputs(" Q0 ", out);
            if (!st)
                st = put_id(out, opts->per_article ? r->data.article_id : r->data.passage_id, err);
            fprintf(out, " %u %.6f ", r->rank, r->score);
            if (!st)
                st = put_id(out, opts->tag ? opts->tag : "khabar", err);
            fputc('\n', out);
            if (st)
                return st;
            break;
        }
        case KH_OUTPUT_TSV: {
            kh_status_t st = put_id(out, id, err);
            fprintf(out, "\t%u\t%.6f\t", r->rank, r->score);
            if (!st)
                st = put_id(out, r->data.passage_id, err);
            fputc('\t', out);
            put_snippet(out, r, 0);
            fputc('\n', out);
            if (st)
                return st;
            break;
        }
        }
    }
    if (ferror(out))
        return kh_error_set(err, KH_ERR_IO, "cannot write the results");
    return KH_OK;
}

kh_status_t kh_output_write_suggestion(FILE *out, const kh_output_opts_t *opts, const char *qid,
                                       const char *query, const char *suggestion, kh_error_t *err)
{
    if (opts->format != KH_OUTPUT_JSON)
        return KH_OK;
    const char *asked = qid ? qid : query;
    json_t *obj = json_object();
    int complete = obj != NULL;
    complete &= !json_object_set_new(obj, qid ? "qid" : "query", json_text(asked, strlen(asked)));
    complete &=
        !json_object_set_new(obj, "did_you_mean", json_text(suggestion, strlen(suggestion)));
    char *json = complete ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!json)
        return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of a suggestion");
    put_json(out, json);
    free(json);
    if (fputc('\n', out) == EOF)
        return kh_error_set(err, KH_ERR_IO, "cannot write the results");
    return KH_OK;
}
