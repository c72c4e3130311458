/*
 * article.h - the article model and the two input formats that hold it.
 *
 * Article text (.txt), one article per file:
 *
 *     id: 39aec0ce4e52fe5b
 *     title: تاريخ علاقة العمل والعداء بين “إيلون ماسك” و”سام ألتمان”
 *     section: أعمال
 *     date: 2023-07-04
 *     related: إيلون ماسك vs مارك زوكربيرغ
 *
 *     First paragraph, which may run over
 *     several lines (they are joined with one space).
 *
 *     ## A subheading
 *     The paragraph the subheading goes with.
 *
 *   The header is optional. It is recognised when the first line is
 *   "key: value" with a known key (id, title, section, date, url, lang,
 *   related; lower case); it runs to the first blank line. Every key but
 *   related (one related headline each) appears at most once. date is ISO
 *   8601 (YYYY-MM-DD, optionally followed by T or a space and a time
 *   HH:MM[:SS[.fff]] and a zone Z or +HH:MM). lang is a language code (ar,
 *   en, en-GB), stored in lower case. Without a header, the first non-blank
 *   line is the title. Without an id: line, the id is the file name without
 *   its extensions (corpus/abc.txt.gz -> "abc"). A UTF-8 byte-order mark is
 *   skipped; lines may end in "\n" or "\r\n".
 *
 *   Body: paragraphs separated by blank lines (blank: only spaces and tabs).
 *   The lines of one paragraph are trimmed and joined with one space, so a
 *   paragraph never holds a newline (the same as a .jsonl paragraph). A line
 *   starting with "## " is a subheading: it ends the paragraph before it and
 *   heads the next paragraph (its heading field). A subheading followed by
 *   no paragraph (another subheading, or the end) becomes a paragraph with
 *   the heading and empty text.
 *
 * JSON Lines (.jsonl; .json is read the same way), one article per line:
 *
 *     {"id": "a1", "title": "...", "text": "para 1\npara 2",
 *      "related": ["headline", {"title": "...", "id": "a7", "url": "..."}]}
 *
 *   Keys: id (a string, or an integer written in decimal), title, section,
 *   date, url, lang, body or text (not both), related (a list of strings or
 *   objects with title and optional id and url); null is the same as absent;
 *   other keys are ignored. The body splits into paragraphs at every "\n"
 *   (the saudinewsnet collection joins paragraphs with a single "\n");
 *   blank paragraphs are dropped; no "## " markup. A related headline with an
 *   empty title is dropped. Blank lines are skipped.
 *
 * Either format may be gzip-compressed (name ending in .gz, read through
 * zlib; plain files named .gz are read as they are).
 *
 * Ids: 1 to KH_ARTICLE_ID_MAX bytes of UTF-8, no control characters (C0, DEL
 * or C1), no '#' (KH_PASSAGE_ID_SEP, which separates the passage number).
 * An article needs a title or a body. Titles and header values are trimmed
 * of surrounding spaces and tabs. All strings of an article are valid UTF-8
 * without NUL bytes. A related headline's id and url are data: nothing here
 * opens, resolves or follows them.
 */
#ifndef KHABAR_ARTICLE_H
#define KHABAR_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest article id, in bytes: with "Q" and "#NNNNNN" a passage id term
 * stays well under Xapian's 245-byte term limit. */
#define KH_ARTICLE_ID_MAX 200

typedef struct kh_paragraph {
    char *heading; /* the subheading that heads it, or NULL */
    char *text;    /* trimmed, no newline; "" only for a heading alone */
    unsigned line; /* line of the input where it starts (.jsonl: the article's line) */
} kh_paragraph_t;

typedef struct kh_related {
    char *title; /* never NULL or empty */
    char *id;    /* the related article's id, or NULL; data only */
    char *url;   /* or NULL; data only */
} kh_related_t;

/*
 * An article. Every string is NUL-terminated UTF-8 owned by the article; the
 * optional ones are NULL when absent, never "". Freed with kh_article_free().
 */
typedef struct kh_article {
    char *id; /* never NULL */
    char *title;
    char *section;
    char *date; /* ISO 8601 as given */
    char *url;
    char *lang; /* lower case */
    kh_paragraph_t *paragraphs;
    size_t n_paragraphs;
    kh_related_t *related;
    size_t n_related;
    char *file;    /* the input's name, as in messages ("<stdin>" for "-") */
    unsigned line; /* line where the article starts (1 for .txt) */
} kh_article_t;

/* Frees a and everything it owns. a may be NULL. */
void kh_article_free(kh_article_t *a);

typedef enum {
    KH_FORMAT_AUTO = 0, /* by the file name; standard input: by its first byte */
    KH_FORMAT_TEXT,     /* article text */
    KH_FORMAT_JSONL,    /* JSON Lines */
} kh_format_t;

/*
 * The format a file name implies: names ending (any letter case) in .txt
 * -> KH_FORMAT_TEXT; .jsonl or .json -> KH_FORMAT_JSONL; either followed by
 * .gz the same. Returns KH_OK, or KH_ERR_FORMAT for any other name (*out
 * is then KH_FORMAT_AUTO).
 */
kh_status_t kh_format_from_path(const char *path, kh_format_t *out);

/* "auto", "text", "jsonl"; NULL for an unknown value. */
const char *kh_format_name(kh_format_t format);

/*
 * Checks an article id against the rules above. Returns KH_OK, or
 * KH_ERR_FORMAT with *why (if not NULL) set to a static phrase such as
 * "it contains '#', which separates passage numbers".
 */
kh_status_t kh_article_check_id(const char *id, size_t len, const char **why);

/* Checks an ISO 8601 date as accepted above (real calendar days: no
 * 2023-02-29). Returns KH_OK or KH_ERR_FORMAT. */
kh_status_t kh_article_check_date(const char *date, size_t len);

typedef struct kh_article_reader kh_article_reader_t;

/*
 * Opens path ("-" for standard input) to read articles in the given format.
 * With KH_FORMAT_AUTO the format comes from the name (see
 * kh_format_from_path()); on standard input from the first non-blank byte:
 * '{' means JSON Lines, anything else article text. On success *out belongs
 * to the caller (kh_article_reader_close()).
 *
 * Returns KH_OK; KH_ERR_FORMAT "PATH: unknown input format (...)" when AUTO
 * cannot tell from the name; the errors of kh_reader_open() (KH_ERR_NOT_FOUND,
 * KH_ERR_IO, ...); from sniffing standard input, those of
 * kh_reader_next_line(). On failure *out is NULL.
 */
kh_status_t kh_article_reader_open(const char *path, kh_format_t format, kh_article_reader_t **out,
                                   kh_error_t *err);

/*
 * As kh_article_reader_open(), over data[0..len) instead of a file: read as
 * it is (no gzip), borrowed until kh_article_reader_close(). name stands for
 * the path: it names the input in messages, gives KH_FORMAT_AUTO its format
 * and a .txt without an id: line its id; "-" is no special name here. For
 * text already in memory, and for fuzzing the parsers without a file.
 * Returns KH_OK; KH_ERR_FORMAT for a name AUTO cannot tell; KH_ERR_ARG (no
 * name, or NULL data with len > 0); KH_ERR_NOMEM. On failure *out is NULL.
 */
kh_status_t kh_article_reader_open_memory(const char *name, const void *data, size_t len,
                                          kh_format_t format, kh_article_reader_t **out,
                                          kh_error_t *err);

/* The format being read (never KH_FORMAT_AUTO once open). */
kh_format_t kh_article_reader_format(const kh_article_reader_t *r);

/* Sets the longest input line, in bytes (see kh_reader_set_max_line()). */
void kh_article_reader_set_max_line(kh_article_reader_t *r, size_t max_line);

/*
 * Reads the next article. On KH_OK, *out is a new article that belongs to
 * the caller (kh_article_free()), or NULL at the end of the input.
 *
 * A bad article: *out NULL, err->message "FILE:LINE: what is wrong" (FILE
 * alone when no line applies, such as an empty file), and the status:
 *  - KH_ERR_FORMAT: a malformed header line or unknown key, a bad date, id
 *    or lang, invalid JSON, a value of the wrong type, a missing id, no
 *    title and no body, a header with no body, an empty file, a binary or
 *    UTF-16 file;
 *  - KH_ERR_UTF8: invalid UTF-8 or a NUL byte ("FILE:LINE: invalid UTF-8 at
 *    column C", "FILE:LINE: NUL byte at column C"; columns count bytes from
 *    1);
 *  - KH_ERR_LINE_TOO_LONG (see kh_reader_next_line()).
 * The next call goes on with the next article: the next line of a .jsonl;
 * for a .txt, which holds one article, the end.
 *
 * A fatal error (KH_ERR_TRUNCATED, KH_ERR_IO, KH_ERR_NOMEM): *out NULL, and
 * the next call reports the end. A .txt file cut short yields no article.
 */
kh_status_t kh_article_reader_next(kh_article_reader_t *r, kh_article_t **out, kh_error_t *err);

/* The input's name as used in messages; owned by r. */
const char *kh_article_reader_path(const kh_article_reader_t *r);

/* Input bytes consumed so far and the input's size (-1 when unknown), for a
 * progress display: see kh_reader_bytes_in() and kh_reader_size(). */
uint64_t kh_article_reader_bytes_in(const kh_article_reader_t *r);
int64_t kh_article_reader_size(const kh_article_reader_t *r);
/* Bytes of text read so far (decompressed for a .gz): kh_reader_text_bytes(). */
uint64_t kh_article_reader_text_bytes(const kh_article_reader_t *r);

/* Closes r. r may be NULL. Articles already returned stay valid. */
void kh_article_reader_close(kh_article_reader_t *r);

#ifdef __cplusplus
}
#endif

#endif
