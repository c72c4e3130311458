#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "khabar/display.h"

static const struct {
    const char *name;
    kh_field_t field;
} fields[] = {
    {"title", KH_FIELD_TITLE},
    {"section", KH_FIELD_SECTION},
    {"lang", KH_FIELD_LANG},
    {"date", KH_FIELD_DATE},
};

/* ASCII whitespace plus NUL: the query's own separators. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

static kh_status_t push(kh_parsed_query_t *q, size_t *cap, kh_clause_t c, kh_error_t *err)
{
    if (q->n == *cap) {
        size_t n = *cap ? 2 * *cap : 8;
        kh_clause_t *clauses = realloc(q->clauses, n * sizeof *clauses);
        if (!clauses)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        q->clauses = clauses;
        *cap = n;
    }
    q->clauses[q->n++] = c;
    return KH_OK;
}

/* A known field name ending exactly at query[i] == ':'? Returns its length or 0. */
static size_t field_at(const char *query, size_t i, size_t len, kh_field_t *field)
{
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        size_t n = strlen(fields[f].name);
        if (i + n < len && memcmp(query + i, fields[f].name, n) == 0 && query[i + n] == ':') {
            *field = fields[f].field;
            return n + 1;
        }
    }
    return 0;
}

kh_status_t kh_query_parse(const char *query, size_t len, kh_parsed_query_t *out, kh_error_t *err)
{
    out->clauses = NULL;
    out->n = 0;
    size_t cap = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && is_space(query[i]))
            i++;
        if (i == len)
            break;
        kh_clause_t c = {KH_FIELD_TEXT, KH_OCCUR_SHOULD, 0, 0, 0};
        if (query[i] == '+' || query[i] == '-') {
            c.occur = query[i] == '+' ? KH_OCCUR_MUST : KH_OCCUR_MUST_NOT;
            i++;
        }
        size_t field_len = field_at(query, i, len, &c.field);
        size_t field_start = i;
        i += field_len;
        if (i < len && query[i] == '"') {
            i++;
            /* An unclosed phrase runs to the end of the query, as in Xapian's
             * QueryParser: real queries leave quotes open, and failing them
             * would help no one. */
            const char *close = memchr(query + i, '"', len - i);
            c.phrase = 1;
            c.start = i;
            c.end = close ? (size_t)(close - query) : len;
            i = close ? c.end + 1 : len;
        } else {
            c.start = i;
            while (i < len && !is_space(query[i]))
                i++;
            c.end = i;
        }
        if (c.field != KH_FIELD_TEXT && c.start == c.end) {
            kh_parsed_query_free(out);
            return kh_error_set(err, KH_ERR_QUERY, "'%.*s' at byte %zu needs a value",
                                (int)field_len, query + field_start, field_start);
        }
        if (c.field == KH_FIELD_DATE) {
            char lo[9], hi[9];
            kh_status_t st = kh_query_date_range(query + c.start, c.end - c.start, lo, hi, err);
            if (st) {
                kh_parsed_query_free(out);
                return st;
            }
        }
        /* A lone "+", "-" or "" is punctuation, not a clause. */
        if (c.start == c.end && !c.phrase)
            continue;
        kh_status_t st = push(out, &cap, c, err);
        if (st) {
            kh_parsed_query_free(out);
            return st;
        }
    }
    return KH_OK;
}

void kh_parsed_query_free(kh_parsed_query_t *q)
{
    free(q->clauses);
    q->clauses = NULL;
    q->n = 0;
}

/*
 * Parses YYYY, YYYY-MM or YYYY-MM-DD into up to 8 digits; 0 on success, -1
 * when malformed, -2 for a day the month does not have (2015-02-30): a
 * filter on a day that never was matches nothing, silently.
 */
static int parse_date(const char *s, size_t len, char out[9])
{
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    static const size_t digits_at[] = {0, 1, 2, 3, 5, 6, 8, 9};
    if (len != 4 && len != 7 && len != 10)
        return -1;
    if ((len >= 7 && s[4] != '-') || (len == 10 && s[7] != '-'))
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < sizeof digits_at / sizeof digits_at[0] && digits_at[k] < len; k++) {
        char ch = s[digits_at[k]];
        if (ch < '0' || ch > '9')
            return -1;
        out[n++] = ch;
    }
    out[n] = '\0';
    if (n >= 6) {
        int month = (out[4] - '0') * 10 + (out[5] - '0');
        if (month < 1 || month > 12)
            return -1;
    }
    if (n == 8) {
        int year = 0;
        for (int k = 0; k < 4; k++)
            year = year * 10 + (out[k] - '0');
        int month = (out[4] - '0') * 10 + (out[5] - '0');
        int day = (out[6] - '0') * 10 + (out[7] - '0');
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (day < 1 || day > 31)
            return -1;
        if (day > days_in[month - 1] + (month == 2 && leap))
            return -2;
    }
    return 0;
}

kh_status_t kh_query_date_range(const char *value, size_t len, char lo[9], char hi[9],
                                kh_error_t *err)
{
    lo[0] = hi[0] = '\0';
    const char *dots = NULL;
    for (size_t k = 0; k + 1 < len; k++) {
        if (value[k] == '.' && value[k + 1] == '.') {
            dots = value + k;
            break;
        }
    }
    int bad; /* parse_date()'s status: the first bound that fails */
    if (!dots) {
        bad = parse_date(value, len, lo);
        if (!bad)
            memcpy(hi, lo, 9);
    } else {
        size_t lo_len = (size_t)(dots - value), hi_len = len - lo_len - 2;
        bad = lo_len == 0 && hi_len == 0 ? -1 : 0;
        if (!bad && lo_len)
            bad = parse_date(value, lo_len, lo);
        if (!bad && hi_len)
            bad = parse_date(dots + 2, hi_len, hi);
    }
    /* Quoted whole up to 64 bytes, never half a character. */
    int shown = (int)kh_display_cut(value, len, 64);
    if (bad == -2)
        return kh_error_set(err, KH_ERR_QUERY, "bad date '%.*s': no such day", shown, value);
    if (bad)
        return kh_error_set(err, KH_ERR_QUERY,
                            "bad date '%.*s': use YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B",
                            shown, value);
    /* Bounds of different lengths compare on what both have: 2023-05..2023 is May to December. */
    size_t lo_n = strlen(lo), hi_n = strlen(hi);
    if (lo_n && hi_n && memcmp(lo, hi, lo_n < hi_n ? lo_n : hi_n) > 0)
        return kh_error_set(err, KH_ERR_QUERY, "bad date range '%.*s': it ends before it starts",
                            shown, value);
    return KH_OK;
}
