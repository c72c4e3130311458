/*
 * article.c - the article text and JSON Lines parsers (formats: article.h).
 *
 * Both parsers build the article completely before returning it: an article
 * with any error is freed and reported, never returned in part.
 */
#include "article.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "khabar/display.h"
#include "khabar/io.h"
#include "khabar/schema.h"
#include "khabar/utf8.h"

/* Enough of a file to tell text from binary; a text article's first 8 KiB
 * are a few paragraphs. */
enum { SNIFF_BYTES = 8192, EXCERPT_BYTES = 40 };

struct kh_article_reader {
    kh_reader_t *in;
    kh_format_t format;
    char *path; /* as given: the id of a .txt without an id: line */
    int sniffed;
    int done;
};

/* ---- small helpers ---- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((*s)[*n - 1]))
        (*n)--;
}

static int is_blank(const char *s, size_t n)
{
    trim(&s, &n);
    return n == 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int is_lower_ascii(char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_alpha_ascii(char c)
{
    return is_lower_ascii(c) || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * A short excerpt of s for a message: at most EXCERPT_BYTES, cut at a
 * character boundary, "..." when cut, C0 controls and DEL as '?' (a tab
 * shown as a space would read as part of the value); bad() makes the rest
 * safe to print (C1 controls, bidi overrides, file names).
 */
static const char *excerpt(char buf[static EXCERPT_BYTES + 4], const char *s, size_t n)
{
    size_t k = n;
    if (k > EXCERPT_BYTES) {
        k = EXCERPT_BYTES;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
    }
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (k < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

/*
 * Sets err to "FILE:LINE: message" (line 0: "FILE: message"), made safe for
 * a terminal (khabar/display.h): file names and quoted values come from the
 * data, and a message must not carry its escapes (U+FFFD instead).
 */
static kh_status_t bad(kh_error_t *err, kh_status_t st, const char *file, unsigned long line,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static kh_status_t bad(kh_error_t *err, kh_status_t st, const char *file, unsigned long line,
                       const char *fmt, ...)
{
    char what[KH_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char message[2 * KH_ERROR_MESSAGE_MAX], shown[KH_ERROR_MESSAGE_MAX];
    if (line)
        snprintf(message, sizeof message, "%s:%lu: %s", file, line, what);
    else
        snprintf(message, sizeof message, "%s: %s", file, what);
    kh_display_clean(message, strlen(message), shown, sizeof shown);
    return kh_error_set(err, st, "%s", shown);
}

static kh_status_t nomem(kh_error_t *err, const char *file)
{
    return kh_error_set(err, KH_ERR_NOMEM, "%s: out of memory", file);
}

static kh_status_t check_utf8(kh_error_t *err, const char *file, unsigned long line, const char *s,
                              size_t n)
{
    size_t at;
    if (kh_utf8_validate(s, n, &at) == KH_OK)
        return KH_OK;
    if (s[at] == '\0')
        return bad(err, KH_ERR_UTF8, file, line, "NUL byte at column %zu", at + 1);
    return bad(err, KH_ERR_UTF8, file, line, "invalid UTF-8 at column %zu", at + 1);
}

/* ---- public checks ---- */

kh_status_t kh_article_check_id(const char *id, size_t len, const char **why)
{
    const char *reason = NULL;
    if (len == 0)
        reason = "it is empty";
    else if (len > KH_ARTICLE_ID_MAX)
        reason = "it is longer than 200 bytes";
    else if (kh_utf8_validate(id, len, NULL) != KH_OK)
        reason = "it is not valid UTF-8";
    for (size_t i = 0; !reason && i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        /* C1 controls (U+0080..U+009F) are C2 80..C2 9F in UTF-8. */
        if (c < 0x20 || c == 0x7f || (c == 0xC2 && i + 1 < len && (unsigned char)id[i + 1] < 0xA0))
            reason = "it contains a control character";
        else if (c == KH_PASSAGE_ID_SEP)
            reason = "it contains '#', which separates passage numbers";
    }
    if (why)
        *why = reason;
    return reason ? KH_ERR_FORMAT : KH_OK;
}

static int two_digits(const char *s, int *v)
{
    if (!is_digit(s[0]) || !is_digit(s[1]))
        return 0;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 1;
}

kh_status_t kh_article_check_date(const char *d, size_t n)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int hi, lo, month, day, hh, mm, ss;
    if (n < 10 || !two_digits(d, &hi) || !two_digits(d + 2, &lo) || d[4] != '-' ||
        !two_digits(d + 5, &month) || d[7] != '-' || !two_digits(d + 8, &day))
        return KH_ERR_FORMAT;
    int year = hi * 100 + lo;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1] + (month == 2 && leap))
        return KH_ERR_FORMAT;
    size_t p = 10;
    if (p == n)
        return KH_OK;
    if (d[p] != 'T' && d[p] != ' ')
        return KH_ERR_FORMAT;
    p++;
    if (n - p < 5 || !two_digits(d + p, &hh) || d[p + 2] != ':' || !two_digits(d + p + 3, &mm) ||
        hh > 23 || mm > 59)
        return KH_ERR_FORMAT;
    p += 5;
    if (p < n && d[p] == ':') { /* seconds, 60 for a leap second */
        if (n - p < 3 || !two_digits(d + p + 1, &ss) || ss > 60)
            return KH_ERR_FORMAT;
        p += 3;
        if (p < n && (d[p] == '.' || d[p] == ',')) {
            size_t q = ++p;
            while (p < n && is_digit(d[p]))
                p++;
            if (p == q)
                return KH_ERR_FORMAT;
        }
    }
    if (p < n && d[p] == 'Z') {
        p++;
    } else if (p < n && (d[p] == '+' || d[p] == '-')) {
        p++;
        if (n - p < 2 || !two_digits(d + p, &hh) || hh > 23)
            return KH_ERR_FORMAT;
        p += 2;
        if (p < n && d[p] == ':')
            p++;
        if (n - p < 2 || !two_digits(d + p, &mm) || mm > 59)
            return KH_ERR_FORMAT;
        p += 2;
    }
    return p == n ? KH_OK : KH_ERR_FORMAT;
}

/* A language tag as BCP 47 writes the common ones: ar, en, en-GB, zh-Hant. */
static int lang_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_alpha_ascii(s[i]))
        i++;
    if (i < 2 || i > 3)
        return 0;
    while (i < n) {
        if (s[i] != '-')
            return 0;
        size_t j = ++i;
        while (i < n && (is_alpha_ascii(s[i]) || is_digit(s[i])))
            i++;
        if (i == j || i - j > 8)
            return 0;
    }
    return 1;
}

static char *dup_lower(const char *s, size_t n)
{
    char *d = dup_n(s, n);
    for (size_t i = 0; d && i < n; i++)
        if (d[i] >= 'A' && d[i] <= 'Z')
            d[i] = (char)(d[i] - 'A' + 'a');
    return d;
}

/* ---- the article ---- */

void kh_article_free(kh_article_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        free(a->paragraphs[i].heading);
        free(a->paragraphs[i].text);
    }
    for (size_t i = 0; i < a->n_related; i++) {
        free(a->related[i].title);
        free(a->related[i].id);
        free(a->related[i].url);
    }
    free(a->paragraphs);
    free(a->related);
    free(a->id);
    free(a->title);
    free(a->section);
    free(a->date);
    free(a->url);
    free(a->lang);
    free(a->file);
    free(a);
}

/* Appends a paragraph, taking heading and text (freed on failure). */
static int add_paragraph(kh_article_t *a, size_t *cap, char *heading, char *text, unsigned line)
{
    if (a->n_paragraphs == *cap) {
        size_t want = *cap ? *cap * 2 : 8;
        kh_paragraph_t *p = realloc(a->paragraphs, want * sizeof *p);
        if (!p) {
            free(heading);
            free(text);
            return -1;
        }
        a->paragraphs = p;
        *cap = want;
    }
    a->paragraphs[a->n_paragraphs++] = (kh_paragraph_t){heading, text, line};
    return 0;
}

/* Appends a related headline, taking its strings (freed on failure). */
static int add_related(kh_article_t *a, size_t *cap, char *title, char *id, char *url)
{
    if (a->n_related == *cap) {
        size_t want = *cap ? *cap * 2 : 4;
        kh_related_t *p = realloc(a->related, want * sizeof *p);
        if (!p) {
            free(title);
            free(id);
            free(url);
            return -1;
        }
        a->related = p;
        *cap = want;
    }
    a->related[a->n_related++] = (kh_related_t){title, id, url};
    return 0;
}

/* ---- formats ---- */

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

kh_status_t kh_format_from_path(const char *path, kh_format_t *out)
{
    size_t n = strlen(path);
    *out = KH_FORMAT_AUTO;
    if (ends_with(path, n, ".gz"))
        n -= 3;
    if (ends_with(path, n, ".txt"))
        *out = KH_FORMAT_TEXT;
    else if (ends_with(path, n, ".jsonl") || ends_with(path, n, ".json"))
        *out = KH_FORMAT_JSONL;
    return *out == KH_FORMAT_AUTO ? KH_ERR_FORMAT : KH_OK;
}

const char *kh_format_name(kh_format_t format)
{
    switch (format) {
    case KH_FORMAT_AUTO:
        return "auto";
    case KH_FORMAT_TEXT:
        return "text";
    case KH_FORMAT_JSONL:
        return "jsonl";
    }
    return NULL;
}

/*
 * Checks the start of the input once: an empty file, UTF-16 (a byte-order
 * mark: Windows tools write it), or binary data (an image dropped in an
 * input folder) is reported as such, rather than as a cascade of per-line
 * errors. Binary means more than one byte in ten is a NUL, another control
 * byte or not UTF-8; a text with a stray NUL is left to the line check,
 * which says where it is.
 */
static kh_status_t sniff(kh_article_reader_t *r, kh_error_t *err)
{
    const char *file = kh_reader_path(r->in);
    const char *p;
    size_t n;
    kh_status_t st = kh_reader_peek(r->in, SNIFF_BYTES, &p, &n, err);
    if (st)
        return st;
    if (!p || n == 0)
        return bad(err, KH_ERR_FORMAT, file, 0, "empty file");
    if (n >= 2 && ((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE))
        return bad(err, KH_ERR_FORMAT, file, 0,
                   "UTF-16 text (byte-order mark FF FE); convert it to UTF-8");
    if (n >= 2 && ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF))
        return bad(err, KH_ERR_FORMAT, file, 0,
                   "UTF-16 text (byte-order mark FE FF); convert it to UTF-8");
    if (n > SNIFF_BYTES)
        n = SNIFF_BYTES;
    size_t suspect = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != 0 && !is_space((char)c)) || c == 0x7f)
            suspect++;
    }
    for (size_t i = 0, at; i < n; i += at + 1) {
        if (kh_utf8_validate(p + i, n - i, &at) == KH_OK)
            break;
        suspect++; /* a NUL or a byte that is not UTF-8 */
    }
    if (suspect * 10 > n)
        return bad(err, KH_ERR_FORMAT, file, 0, "looks like a binary file, not UTF-8 text");
    return KH_OK;
}

static void skip_bom(unsigned long line_no, const char **line, size_t *len)
{
    if (line_no == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3;
        *len -= 3;
    }
}

/* ---- article text ---- */

static const char *const header_keys[] = {"id",  "title", "section", "date",
                                          "url", "lang",  "related"};
enum { H_ID, H_TITLE, H_SECTION, H_DATE, H_URL, H_LANG, H_RELATED, H_COUNT };

/*
 * Splits "key: value" (key in [a-z]+, then ':' and a space, a tab or the
 * end). Returns the key's index in header_keys, H_COUNT for an unknown key,
 * or -1 when the line has not that shape.
 */
static int split_header(const char *s, size_t n, size_t *key_len, const char **value,
                        size_t *value_len)
{
    size_t k = 0;
    while (k < n && is_lower_ascii(s[k]))
        k++;
    if (k == 0 || k == n || s[k] != ':' || (k + 1 < n && s[k + 1] != ' ' && s[k + 1] != '\t'))
        return -1;
    *key_len = k;
    *value = s + k + 1;
    *value_len = n - k - 1;
    trim(value, value_len);
    for (int i = 0; i < H_COUNT; i++)
        if (strlen(header_keys[i]) == k && memcmp(header_keys[i], s, k) == 0)
            return i;
    return H_COUNT;
}

typedef struct text_parser {
    kh_article_t *a;
    kh_error_t *err;
    const char *file;
    size_t cap_paragraphs, cap_related;
    char *para; /* the paragraph being joined */
    size_t para_len, para_cap;
    unsigned para_line;
    char *heading; /* a subheading waiting for its paragraph */
    unsigned heading_line;
    /* Where the file is: blank lines before anything, the header (when the first line is one
     * of its keys), the body. */
    enum { TEXT_START, TEXT_HEADER, TEXT_BODY } part;
    int has_header;
    unsigned long last_header_line;
} text_parser_t;

static kh_status_t header_line(text_parser_t *t, unsigned long ln, const char *s, size_t n)
{
    kh_article_t *a = t->a;
    char ex[EXCERPT_BYTES + 4];
    size_t key_len, vn;
    const char *v;
    int key = split_header(s, n, &key_len, &v, &vn);
    if (key < 0)
        return bad(t->err, KH_ERR_FORMAT, t->file, ln,
                   "malformed header line (expected \"key: value\", or a blank line before "
                   "the body)");
    if (key == H_COUNT)
        return bad(t->err, KH_ERR_FORMAT, t->file, ln,
                   "unknown header key \"%s\" (known: id, title, section, date, url, lang, "
                   "related)",
                   excerpt(ex, s, key_len));
    const char *name = header_keys[key];
    if (vn == 0)
        return bad(t->err, KH_ERR_FORMAT, t->file, ln, "empty value for header key \"%s\"", name);
    if (key == H_RELATED) {
        char *title = dup_n(v, vn);
        if (!title || add_related(a, &t->cap_related, title, NULL, NULL))
            return nomem(t->err, t->file);
        return KH_OK;
    }
    char **field[] = {&a->id, &a->title, &a->section, &a->date, &a->url, &a->lang};
    if (*field[key])
        return bad(t->err, KH_ERR_FORMAT, t->file, ln, "duplicate header key \"%s\"", name);
    const char *why;
    if (key == H_ID && kh_article_check_id(v, vn, &why))
        return bad(t->err, KH_ERR_FORMAT, t->file, ln, "bad id \"%s\": %s", excerpt(ex, v, vn),
                   why);
    if (key == H_DATE && kh_article_check_date(v, vn))
        return bad(t->err, KH_ERR_FORMAT, t->file, ln,
                   "bad date \"%s\" (expected ISO 8601: YYYY-MM-DD, optionally with a time)",
                   excerpt(ex, v, vn));
    if (key == H_LANG && !lang_ok(v, vn))
        return bad(t->err, KH_ERR_FORMAT, t->file, ln,
                   "bad lang \"%s\" (expected a language code such as ar or en)",
                   excerpt(ex, v, vn));
    *field[key] = key == H_LANG ? dup_lower(v, vn) : dup_n(v, vn);
    return *field[key] ? KH_OK : nomem(t->err, t->file);
}

/* Ends the paragraph being joined, if any, with the subheading that heads it. */
static kh_status_t end_paragraph(text_parser_t *t)
{
    if (t->para_len == 0)
        return KH_OK;
    char *text = dup_n(t->para, t->para_len);
    t->para_len = 0;
    char *heading = t->heading;
    t->heading = NULL;
    if (!text || add_paragraph(t->a, &t->cap_paragraphs, heading, text, t->para_line)) {
        if (!text)
            free(heading);
        return nomem(t->err, t->file);
    }
    return KH_OK;
}

/* A subheading with no paragraph after it stands alone, text "". */
static kh_status_t end_heading(text_parser_t *t)
{
    if (!t->heading)
        return KH_OK;
    char *empty = dup_n("", 0);
    char *heading = t->heading;
    t->heading = NULL;
    if (!empty || add_paragraph(t->a, &t->cap_paragraphs, heading, empty, t->heading_line)) {
        if (!empty)
            free(heading);
        return nomem(t->err, t->file);
    }
    return KH_OK;
}

static kh_status_t append_line(text_parser_t *t, unsigned long ln, const char *s, size_t n)
{
    size_t need = t->para_len + 1 + n;
    if (need > t->para_cap) {
        size_t want = t->para_cap ? t->para_cap : 256;
        while (want < need)
            want *= 2;
        char *p = realloc(t->para, want);
        if (!p)
            return nomem(t->err, t->file);
        t->para = p;
        t->para_cap = want;
    }
    if (t->para_len == 0)
        t->para_line = (unsigned)ln;
    else
        t->para[t->para_len++] = ' ';
    memcpy(t->para + t->para_len, s, n);
    t->para_len += n;
    return KH_OK;
}

/* The file name without its directory and extensions: corpus/abc.txt.gz -> abc. */
static kh_status_t id_from_file_name(text_parser_t *t, const char *path)
{
    char ex[EXCERPT_BYTES + 4];
    if (strcmp(path, "-") == 0)
        return bad(t->err, KH_ERR_FORMAT, t->file, 0,
                   "no id: an article read from standard input needs an \"id:\" header line");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (ends_with(base, n, ".gz"))
        n -= 3;
    for (size_t i = n; i > 0; i--) {
        if (base[i - 1] == '.') {
            n = i - 1;
            break;
        }
    }
    const char *why;
    if (kh_article_check_id(base, n, &why))
        return bad(t->err, KH_ERR_FORMAT, t->file, 0,
                   "the file name gives a bad id \"%s\": %s; add an \"id:\" header line",
                   excerpt(ex, base, n), why);
    t->a->id = dup_n(base, n);
    return t->a->id ? KH_OK : nomem(t->err, t->file);
}

/* After "## " on line ln: the paragraph and subheading before it end, a new subheading starts. */
static kh_status_t start_heading(text_parser_t *t, unsigned long ln, const char *s, size_t n)
{
    kh_status_t st = end_paragraph(t);
    if (!st)
        st = end_heading(t);
    if (st)
        return st;
    trim(&s, &n);
    if (!(t->heading = dup_n(s, n)))
        return nomem(t->err, t->file);
    t->heading_line = (unsigned)ln;
    return KH_OK;
}

/* A line of the body: a blank one ends a paragraph; with no header the first is the title; "## "
 * starts a subheading; any other joins the paragraph. */
static kh_status_t body_line(text_parser_t *t, unsigned long ln, const char *s, size_t n)
{
    trim(&s, &n);
    if (n == 0)
        return end_paragraph(t);
    if (!t->has_header && !t->a->title)
        return (t->a->title = dup_n(s, n)) ? KH_OK : nomem(t->err, t->file);
    if (n > 3 && memcmp(s, "## ", 3) == 0)
        return start_heading(t, ln, s + 3, n - 3);
    return append_line(t, ln, s, n);
}

/* Line ln of the file (its BOM skipped, its UTF-8 checked), in the part of the file it is in. */
static kh_status_t text_line(text_parser_t *t, unsigned long ln, const char *s, size_t n)
{
    if (t->part == TEXT_START) {
        size_t kl, vl;
        const char *v;
        if (is_blank(s, n))
            return KH_OK;
        int key = split_header(s, n, &kl, &v, &vl);
        t->has_header = key >= 0 && key < H_COUNT;
        t->part = t->has_header ? TEXT_HEADER : TEXT_BODY;
    }
    if (t->part == TEXT_HEADER) {
        if (is_blank(s, n)) {
            t->part = TEXT_BODY;
            return KH_OK;
        }
        kh_status_t st = header_line(t, ln, s, n);
        if (!st)
            t->last_header_line = ln;
        return st;
    }
    return body_line(t, ln, s, n);
}

/* After the last line: what is still open ends, and the file must have been an article; its id
 * from the file's name when the header gave none. */
static kh_status_t end_text(text_parser_t *t, const char *path)
{
    kh_status_t st = end_paragraph(t);
    if (!st)
        st = end_heading(t);
    if (st)
        return st;
    if (t->part == TEXT_START)
        return bad(t->err, KH_ERR_FORMAT, t->file, 0, "no title and no body (only blank lines)");
    if (t->has_header && t->a->n_paragraphs == 0)
        return bad(t->err, KH_ERR_FORMAT, t->file, t->last_header_line,
                   "header with no body (expected a blank line, then the paragraphs)");
    return t->a->id ? KH_OK : id_from_file_name(t, path);
}

static kh_status_t read_text(kh_article_reader_t *r, kh_article_t **out, kh_error_t *err)
{
    const char *file = kh_reader_path(r->in);
    text_parser_t t = {.err = err, .file = file};
    kh_status_t st = KH_OK;

    r->done = 1; /* one article per file, good or bad */
    t.a = calloc(1, sizeof *t.a);
    if (!t.a || !(t.a->file = dup_n(file, strlen(file))))
        st = nomem(err, file);
    else
        t.a->line = 1;
    while (!st) {
        const char *s;
        size_t n;
        if ((st = kh_reader_next_line(r->in, &s, &n, err)) != KH_OK || !s)
            break;
        unsigned long ln = kh_reader_line_number(r->in);
        skip_bom(ln, &s, &n);
        st = check_utf8(err, file, ln, s, n);
        if (!st)
            st = text_line(&t, ln, s, n);
    }
    if (!st)
        st = end_text(&t, r->path);
    free(t.para);
    if (st) {
        free(t.heading);
        kh_article_free(t.a);
        return st;
    }
    *out = t.a;
    return KH_OK;
}

/* ---- JSON Lines ---- */

typedef struct json_ctx {
    kh_error_t *err;
    const char *file;
    unsigned long line;
} json_ctx_t;

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

/*
 * The string under key, trimmed; *s NULL when absent, null or blank.
 * Anything but a string is an error; what names the value ("title",
 * "related"[2].url).
 */
static kh_status_t get_string(json_ctx_t *c, json_t *obj, const char *key, const char *what,
                              const char **s, size_t *n)
{
    json_t *v = json_object_get(obj, key);
    *s = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return KH_OK;
    if (!json_is_string(v))
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line, "%s must be a string, not %s", what,
                   json_kind(v));
    *s = json_string_value(v);
    *n = json_string_length(v);
    trim(s, n);
    if (*n == 0)
        *s = NULL;
    return KH_OK;
}

/* An optional string field copied into *dst (left NULL when absent). */
static kh_status_t copy_string(json_ctx_t *c, json_t *obj, const char *key, const char *what,
                               char **dst)
{
    const char *s;
    size_t n;
    kh_status_t st = get_string(c, obj, key, what, &s, &n);
    if (st || !s)
        return st;
    *dst = dup_n(s, n);
    return *dst ? KH_OK : nomem(c->err, c->file);
}

/* An id: a string kept as it is, or an integer in decimal (what ids exported
 * from a database often are). Floats are refused: 1.0 and 1 would differ. */
static kh_status_t get_id(json_ctx_t *c, json_t *v, const char *what, int required, char **dst)
{
    char ex[EXCERPT_BYTES + 4], number[32];
    const char *s;
    size_t n;
    if (!v || json_is_null(v)) {
        if (required)
            return bad(c->err, KH_ERR_FORMAT, c->file, c->line, "missing \"id\"");
        return KH_OK;
    }
    if (json_is_integer(v)) {
        snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = number;
        n = strlen(number);
    } else if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else {
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                   "%s must be a string or an integer, not %s", what, json_kind(v));
    }
    const char *why;
    if (required && kh_article_check_id(s, n, &why))
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line, "bad id \"%s\": %s", excerpt(ex, s, n),
                   why);
    *dst = dup_n(s, n);
    return *dst ? KH_OK : nomem(c->err, c->file);
}

/*
 * The column of the first \u0000 escape in line[0..len) (jansson reports the
 * end of the string that holds it), or fallback.
 */
static int nul_escape_column(const char *line, size_t len, int fallback)
{
    for (size_t i = 0; i + 6 <= len; i++) {
        if (line[i] == '\\' && (line[i + 1] == 'u' || line[i + 1] == 'U') &&
            memcmp(line + i + 2, "0000", 4) == 0)
            return (int)i + 1;
        if (line[i] == '\\')
            i++; /* an escaped character, perhaps a backslash */
    }
    return fallback;
}

static kh_status_t json_related(json_ctx_t *c, kh_article_t *a, json_t *list)
{
    char what[64];
    size_t cap = 0, i;
    json_t *item;
    if (!list || json_is_null(list))
        return KH_OK;
    if (!json_is_array(list))
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                   "\"related\" must be a list of strings or objects, not %s", json_kind(list));
    json_array_foreach(list, i, item)
    {
        const char *s;
        size_t n;
        char *id = NULL, *url = NULL;
        kh_status_t st;
        if (json_is_string(item)) {
            s = json_string_value(item);
            n = json_string_length(item);
            trim(&s, &n);
        } else if (json_is_object(item)) {
            snprintf(what, sizeof what, "\"related\"[%zu].title", i);
            if ((st = get_string(c, item, "title", what, &s, &n)) != KH_OK)
                return st;
            snprintf(what, sizeof what, "\"related\"[%zu].id", i);
            if ((st = get_id(c, json_object_get(item, "id"), what, 0, &id)) != KH_OK)
                return st;
            snprintf(what, sizeof what, "\"related\"[%zu].url", i);
            if ((st = copy_string(c, item, "url", what, &url)) != KH_OK) {
                free(id);
                return st;
            }
        } else {
            return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                       "\"related\"[%zu] must be a string or an object, not %s", i,
                       json_kind(item));
        }
        if (!s || n == 0) { /* scraped pages often leave an empty headline */
            free(id);
            free(url);
            continue;
        }
        char *title = dup_n(s, n);
        if (!title) {
            free(id);
            free(url);
            return nomem(c->err, c->file);
        }
        if (add_related(a, &cap, title, id, url))
            return nomem(c->err, c->file);
    }
    return KH_OK;
}

/* Paragraphs are the non-blank lines of the body. */
static kh_status_t json_body(json_ctx_t *c, kh_article_t *a, const char *s, size_t n)
{
    size_t cap = 0;
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        const char *p = s;
        size_t pn = k;
        trim(&p, &pn);
        if (pn > 0) {
            char *text = dup_n(p, pn);
            if (!text || add_paragraph(a, &cap, NULL, text, (unsigned)c->line))
                return nomem(c->err, c->file);
        }
        s += nl ? k + 1 : k;
        n -= nl ? k + 1 : k;
    }
    return KH_OK;
}

static kh_status_t json_article(json_ctx_t *c, json_t *obj, kh_article_t *a)
{
    char ex[EXCERPT_BYTES + 4];
    kh_status_t st;
    const char *s;
    size_t n;
    if ((st = get_id(c, json_object_get(obj, "id"), "\"id\"", 1, &a->id)) ||
        (st = copy_string(c, obj, "title", "\"title\"", &a->title)) ||
        (st = copy_string(c, obj, "section", "\"section\"", &a->section)) ||
        (st = copy_string(c, obj, "url", "\"url\"", &a->url)))
        return st;
    if ((st = get_string(c, obj, "date", "\"date\"", &s, &n)))
        return st;
    if (s && kh_article_check_date(s, n))
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                   "bad date \"%s\" (expected ISO 8601: YYYY-MM-DD, optionally with a time)",
                   excerpt(ex, s, n));
    if (s && !(a->date = dup_n(s, n)))
        return nomem(c->err, c->file);
    if ((st = get_string(c, obj, "lang", "\"lang\"", &s, &n)))
        return st;
    if (s && !lang_ok(s, n))
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                   "bad lang \"%s\" (expected a language code such as ar or en)",
                   excerpt(ex, s, n));
    if (s && !(a->lang = dup_lower(s, n)))
        return nomem(c->err, c->file);

    json_t *body = json_object_get(obj, "body");
    json_t *text = json_object_get(obj, "text");
    if (body && !json_is_null(body) && text && !json_is_null(text))
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                   "both \"body\" and \"text\" given; give one");
    const char *key = body && !json_is_null(body) ? "body" : "text";
    json_t *v = json_object_get(obj, key);
    if (v && !json_is_null(v)) {
        if (!json_is_string(v))
            return bad(c->err, KH_ERR_FORMAT, c->file, c->line, "\"%s\" must be a string, not %s",
                       key, json_kind(v));
        if ((st = json_body(c, a, json_string_value(v), json_string_length(v))))
            return st;
    }
    if ((st = json_related(c, a, json_object_get(obj, "related"))))
        return st;
    if (!a->title && a->n_paragraphs == 0)
        return bad(c->err, KH_ERR_FORMAT, c->file, c->line,
                   "article \"%s\" has no title and no body", excerpt(ex, a->id, strlen(a->id)));
    return KH_OK;
}

static kh_status_t read_jsonl(kh_article_reader_t *r, kh_article_t **out, kh_error_t *err)
{
    const char *file = kh_reader_path(r->in);
    for (;;) {
        const char *s;
        size_t n;
        kh_status_t st = kh_reader_next_line(r->in, &s, &n, err);
        if (st == KH_ERR_LINE_TOO_LONG)
            return st; /* that line is skipped; the next call goes on */
        if (st || !s) {
            r->done = 1;
            return st;
        }
        json_ctx_t c = {err, file, kh_reader_line_number(r->in)};
        skip_bom(c.line, &s, &n);
        if (is_blank(s, n))
            continue;
        /* Before jansson, which would say less: where the bad byte is. */
        if ((st = check_utf8(err, file, c.line, s, n)))
            return st;
        json_error_t jerr;
        json_t *obj = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
        /* jansson's own words for this one name its flag, which means nothing to a user. */
        if (!obj && json_error_code(&jerr) == json_error_null_character)
            return bad(err, KH_ERR_FORMAT, file, c.line,
                       "a \\u0000 (NUL) escape at column %d: article text cannot hold NUL",
                       nul_escape_column(s, n, jerr.column));
        if (!obj)
            return bad(err, KH_ERR_FORMAT, file, c.line, "invalid JSON at column %d: %s",
                       jerr.column, jerr.text);
        if (!json_is_object(obj)) {
            st = bad(err, KH_ERR_FORMAT, file, c.line, "expected a JSON object, found %s",
                     json_kind(obj));
            json_decref(obj);
            return st;
        }
        kh_article_t *a = calloc(1, sizeof *a);
        if (!a || !(a->file = dup_n(file, strlen(file)))) {
            st = nomem(err, file);
        } else {
            a->line = (unsigned)c.line;
            st = json_article(&c, obj, a);
        }
        json_decref(obj);
        if (st) {
            kh_article_free(a);
            return st;
        }
        *out = a;
        return KH_OK;
    }
}

/* ---- the reader ---- */

/*
 * Opens a reader of path, or of data[0..len) named path when data is not
 * NULL; "-" is standard input only when read from a file.
 */
static kh_status_t open_reader(const char *path, const void *data, size_t len, kh_format_t format,
                               kh_article_reader_t **out, kh_error_t *err)
{
    *out = NULL;
    if (!path || !*path)
        return kh_error_set(err, KH_ERR_ARG, "no input path given");
    int sniff_format = !data && strcmp(path, "-") == 0;
    if (format == KH_FORMAT_AUTO && !sniff_format && kh_format_from_path(path, &format))
        return kh_error_set(err, KH_ERR_FORMAT,
                            "%s: unknown input format (expected a name ending in .txt, .jsonl "
                            "or .json, optionally followed by .gz)",
                            path);
    kh_article_reader_t *r = calloc(1, sizeof *r);
    if (!r || !(r->path = dup_n(path, strlen(path)))) {
        free(r);
        return kh_error_set(err, KH_ERR_NOMEM, "%s: out of memory", path);
    }
    kh_status_t st = data ? kh_reader_open_memory(path, data, len, &r->in, err)
                          : kh_reader_open(path, &r->in, err);
    if (st) {
        kh_article_reader_close(r);
        return st;
    }
    if (format == KH_FORMAT_AUTO) {
        const char *p;
        size_t n, i = 0;
        if ((st = kh_reader_peek(r->in, SNIFF_BYTES, &p, &n, err))) {
            kh_article_reader_close(r);
            return st;
        }
        if (p && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            i = 3;
        while (p && i < n && is_space(p[i]))
            i++;
        format = p && i < n && p[i] == '{' ? KH_FORMAT_JSONL : KH_FORMAT_TEXT;
    }
    r->format = format;
    *out = r;
    return KH_OK;
}

kh_status_t kh_article_reader_open(const char *path, kh_format_t format, kh_article_reader_t **out,
                                   kh_error_t *err)
{
    return open_reader(path, NULL, 0, format, out, err);
}

kh_status_t kh_article_reader_open_memory(const char *name, const void *data, size_t len,
                                          kh_format_t format, kh_article_reader_t **out,
                                          kh_error_t *err)
{
    if (!data && len) {
        *out = NULL;
        return kh_error_set(err, KH_ERR_ARG, "%s: no data given", name ? name : "input");
    }
    /* Empty input still reads as memory, not as the file called name. */
    return open_reader(name, data ? data : "", len, format, out, err);
}

kh_format_t kh_article_reader_format(const kh_article_reader_t *r)
{
    return r->format;
}

void kh_article_reader_set_max_line(kh_article_reader_t *r, size_t max_line)
{
    kh_reader_set_max_line(r->in, max_line);
}

kh_status_t kh_article_reader_next(kh_article_reader_t *r, kh_article_t **out, kh_error_t *err)
{
    *out = NULL;
    if (r->done)
        return KH_OK;
    if (!r->sniffed) {
        r->sniffed = 1;
        kh_status_t st = sniff(r, err);
        if (st) {
            r->done = 1;
            return st;
        }
    }
    return r->format == KH_FORMAT_JSONL ? read_jsonl(r, out, err) : read_text(r, out, err);
}

const char *kh_article_reader_path(const kh_article_reader_t *r)
{
    return kh_reader_path(r->in);
}

uint64_t kh_article_reader_bytes_in(const kh_article_reader_t *r)
{
    return kh_reader_bytes_in(r->in);
}

int64_t kh_article_reader_size(const kh_article_reader_t *r)
{
    return kh_reader_size(r->in);
}

uint64_t kh_article_reader_text_bytes(const kh_article_reader_t *r)
{
    return kh_reader_text_bytes(r->in);
}

void kh_article_reader_close(kh_article_reader_t *r)
{
    if (!r)
        return;
    kh_reader_close(r->in);
    free(r->path);
    free(r);
}
