/*
 * io.c - line reader over zlib.
 *
 * The reader keeps one buffer; buf[start..end) holds bytes read but not yet
 * returned. A line is returned in place when its "\n" is in the buffer;
 * otherwise the unread bytes move to the front and more are read behind
 * them, the buffer doubling up to the line limit. A line that outgrows the
 * limit is dropped as it is read (state SKIPPING), so a 10 GB line costs no
 * more memory than the limit.
 *
 * The file is opened with open(2) and handed to gzdopen() rather than
 * opened by gzopen(): errno is then reliable for the message, fstat() tells
 * a directory and the size, and standard input needs no special path.
 *
 * A reader of memory (kh_reader_open_memory) runs the same line code; only
 * fill() differs, copying the caller's bytes where it would call gzread().
 */
#include "khabar/io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Large reads: zlib's own input buffer and ours. Lines of news text are
 * short, so 256 KiB holds hundreds of them per read. */
enum { CHUNK = 256 * 1024, PEEK_MAX = 64 * 1024 };

struct kh_reader {
    gzFile gz;       /* NULL for a reader of memory */
    const char *mem; /* a reader of memory: its bytes, borrowed */
    size_t mem_len, mem_pos;
    char *name;
    char *buf;
    size_t cap;
    size_t start, end; /* unread bytes */
    size_t scanned;    /* bytes after start known to hold no '\n' */
    size_t max_line;
    unsigned long line;
    uint64_t text_bytes; /* decompressed bytes read so far */
    int64_t size;        /* -1: not a regular file */
    int eof;             /* the input has no more bytes */
    int skipping;        /* dropping the rest of an over-long line */
    int done;            /* a fatal error was reported: report the end */
    kh_status_t pending; /* a read error to report once the lines before it are used */
    const char *pending_what;
    char pending_detail[256];
};

kh_status_t kh_reader_open(const char *path, kh_reader_t **out, kh_error_t *err)
{
    *out = NULL;
    if (!path || !*path)
        return kh_error_set(err, KH_ERR_ARG, "no input path given");

    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? KH_READER_STDIN_NAME : path;
    /* Standard input is read through a duplicate, so that gzclose() can close
     * it as it closes every other descriptor. */
    int fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        kh_status_t st = (e == ENOENT || e == ENOTDIR) ? KH_ERR_NOT_FOUND : KH_ERR_IO;
        return kh_error_set(err, st, "%s: cannot open: %s", name, strerror(e));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return kh_error_set(err, KH_ERR_IO, "%s: cannot open: %s", name, strerror(e));
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return kh_error_set(err, KH_ERR_IO, "%s: is a directory", name);
    }

    kh_reader_t *r = calloc(1, sizeof *r);
    if (r) {
        r->name = strdup(name);
        r->buf = malloc(CHUNK);
    }
    if (!r || !r->name || !r->buf) {
        close(fd);
        kh_reader_close(r);
        return kh_error_set(err, KH_ERR_NOMEM, "%s: out of memory", name);
    }
    r->cap = CHUNK;
    r->max_line = KH_READER_DEFAULT_MAX_LINE;
    r->size = S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : -1;
    r->gz = gzdopen(fd, "rb");
    if (!r->gz) {
        close(fd);
        kh_reader_close(r);
        return kh_error_set(err, KH_ERR_NOMEM, "%s: out of memory", name);
    }
    gzbuffer(r->gz, CHUNK);
    *out = r;
    return KH_OK;
}

kh_status_t kh_reader_open_memory(const char *name, const void *data, size_t len, kh_reader_t **out,
                                  kh_error_t *err)
{
    *out = NULL;
    if (!name || !*name || (!data && len))
        return kh_error_set(err, KH_ERR_ARG, "no input name or data given");
    kh_reader_t *r = calloc(1, sizeof *r);
    /* Sized to the input: a small text costs a small buffer, which matters
     * to a fuzzer that opens one per input. */
    size_t cap = len < CHUNK ? (len < 64 ? 64 : len + 1) : CHUNK;
    if (r) {
        r->name = strdup(name);
        r->buf = malloc(cap);
    }
    if (!r || !r->name || !r->buf) {
        kh_reader_close(r);
        return kh_error_set(err, KH_ERR_NOMEM, "%s: out of memory", name);
    }
    r->cap = cap;
    r->max_line = KH_READER_DEFAULT_MAX_LINE;
    r->mem = data;
    r->mem_len = len;
    r->size = (int64_t)len;
    *out = r;
    return KH_OK;
}

void kh_reader_set_max_line(kh_reader_t *r, size_t max_line)
{
    r->max_line = max_line ? max_line : KH_READER_DEFAULT_MAX_LINE;
    if (r->max_line > SIZE_MAX / 4) /* keeps max_line + 3 from wrapping */
        r->max_line = SIZE_MAX / 4;
}

size_t kh_reader_max_line(const kh_reader_t *r)
{
    return r->max_line;
}

unsigned long kh_reader_line_number(const kh_reader_t *r)
{
    return r->line;
}

const char *kh_reader_path(const kh_reader_t *r)
{
    return r->name;
}

int64_t kh_reader_size(const kh_reader_t *r)
{
    return r->size;
}

uint64_t kh_reader_bytes_in(const kh_reader_t *r)
{
    if (r->gz && r->size >= 0) {
        z_off_t off = gzoffset(r->gz);
        if (off >= 0)
            return (uint64_t)off;
    }
    return r->text_bytes;
}

uint64_t kh_reader_text_bytes(const kh_reader_t *r)
{
    return r->text_bytes;
}

void kh_reader_close(kh_reader_t *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    free(r->buf);
    free(r->name);
    free(r);
}

/* A fatal error: reported now, the end of input afterwards. */
static kh_status_t fail(kh_reader_t *r, kh_error_t *err, kh_status_t st, const char *what,
                        const char *detail)
{
    r->done = 1;
    r->start = r->end = r->scanned = 0;
    if (detail && *detail)
        return kh_error_set(err, st, "%s: %s after line %lu: %s", r->name, what, r->line, detail);
    return kh_error_set(err, st, "%s: %s after line %lu", r->name, what, r->line);
}

/*
 * A read error ends the input where it happened, but the complete lines
 * read before it are still returned; the error is reported when they are
 * used up, so that "after line N" names the last good line.
 */
static kh_status_t defer(kh_reader_t *r, kh_status_t st, const char *what, const char *detail)
{
    r->eof = 1;
    r->pending = st;
    r->pending_what = what;
    snprintf(r->pending_detail, sizeof r->pending_detail, "%s", detail ? detail : "");
    return KH_OK;
}

static kh_status_t report_pending(kh_reader_t *r, kh_error_t *err)
{
    return fail(r, err, r->pending, r->pending_what, r->pending_detail);
}

/*
 * Reads more input behind buf[end]. Sets r->eof at the end of the input.
 * The caller has made room (end < cap).
 */
static kh_status_t fill(kh_reader_t *r, kh_error_t *err)
{
    size_t room = r->cap - r->end;
    if (!r->gz) {
        size_t n = r->mem_len - r->mem_pos;
        if (n > room)
            n = room;
        if (n == 0) {
            r->eof = 1;
            return KH_OK;
        }
        memcpy(r->buf + r->end, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        r->end += n;
        r->text_bytes += n;
        return KH_OK;
    }
    if (room > INT_MAX)
        room = INT_MAX;
    int n = gzread(r->gz, r->buf + r->end, (unsigned)room);
    if (n > 0) {
        r->end += (size_t)n;
        r->text_bytes += (uint64_t)n;
        return KH_OK;
    }
    int errnum = Z_OK;
    const char *zmsg = gzerror(r->gz, &errnum);
    if (n == 0) {
        /* zlib reports a stream that stops early as an ordinary end of input
         * and leaves Z_BUF_ERROR behind; only gzerror() tells them apart. */
        if (errnum == Z_BUF_ERROR)
            return defer(r, KH_ERR_TRUNCATED, "truncated gzip input", NULL);
        r->eof = 1;
        return KH_OK;
    }
    if (errnum == Z_ERRNO)
        return defer(r, KH_ERR_IO, "read error", strerror(errno));
    if (errnum == Z_MEM_ERROR)
        return fail(r, err, KH_ERR_NOMEM, "out of memory", NULL);
    /* gzerror() prefixes its own name for the file, "<fd:3>: "; ours is
     * already in the message. */
    const char *colon = zmsg[0] == '<' ? strstr(zmsg, ": ") : NULL;
    if (colon)
        zmsg = colon + 2;
    return defer(r, KH_ERR_TRUNCATED, "corrupt gzip input", zmsg);
}

/* Moves the unread bytes to the front, and grows the buffer when they fill
 * it (never much beyond what the line limit needs). */
static kh_status_t make_room(kh_reader_t *r, kh_error_t *err)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end < r->cap)
        return KH_OK;
    /* A line needs max_line bytes, its "\r\n" and one more byte to be
     * known too long; the buffer never grows past that. */
    size_t want = r->cap * 2;
    if (want > r->max_line + 3 && r->cap < r->max_line + 3)
        want = r->max_line + 3;
    char *bigger = realloc(r->buf, want);
    if (!bigger)
        return fail(r, err, KH_ERR_NOMEM, "out of memory", NULL);
    r->buf = bigger;
    r->cap = want;
    return KH_OK;
}

/* Drops bytes up to and including the next '\n'. */
static kh_status_t skip_rest_of_line(kh_reader_t *r, kh_error_t *err)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl) {
            r->start = (size_t)(nl - r->buf) + 1;
            r->skipping = 0;
            return KH_OK;
        }
        r->start = r->end = 0;
        if (r->eof) {
            r->skipping = 0;
            return KH_OK;
        }
        kh_status_t st = fill(r, err);
        if (st)
            return st;
    }
}

static kh_status_t too_long(kh_reader_t *r, kh_error_t *err)
{
    return kh_error_set(err, KH_ERR_LINE_TOO_LONG, "%s:%lu: line longer than %zu bytes", r->name,
                        r->line, r->max_line);
}

kh_status_t kh_reader_next_line(kh_reader_t *r, const char **line, size_t *len, kh_error_t *err)
{
    *line = NULL;
    *len = 0;
    if (r->done)
        return KH_OK;
    kh_status_t st;
    if (r->skipping && (st = skip_rest_of_line(r, err)) != KH_OK)
        return st;

    for (;;) {
        size_t avail = r->end - r->start;
        char *nl = memchr(r->buf + r->start + r->scanned, '\n', avail - r->scanned);
        size_t n;
        if (nl) {
            n = (size_t)(nl - (r->buf + r->start));
        } else if (r->eof) {
            if (r->pending) /* a partial line before a read error is dropped */
                return report_pending(r, err);
            if (avail == 0) {
                r->done = 1;
                return KH_OK;
            }
            n = avail; /* a last line without a final newline */
        } else {
            /* Without its '\n' yet, the line is already too long once it
             * holds more than max_line bytes plus a possible '\r'. */
            if (avail > r->max_line + 1 ||
                (avail == r->max_line + 1 && r->buf[r->end - 1] != '\r')) {
                r->line++;
                r->start = r->end = r->scanned = 0;
                r->skipping = 1;
                return too_long(r, err);
            }
            r->scanned = avail;
            if ((st = make_room(r, err)) != KH_OK || (st = fill(r, err)) != KH_OK)
                return st;
            continue;
        }

        const char *text = r->buf + r->start;
        r->start += nl ? n + 1 : n;
        r->scanned = 0;
        r->line++;
        if (n > 0 && text[n - 1] == '\r')
            n--;
        if (n > r->max_line)
            return too_long(r, err);
        *line = text;
        *len = n;
        return KH_OK;
    }
}

kh_status_t kh_reader_peek(kh_reader_t *r, size_t want, const char **data, size_t *len,
                           kh_error_t *err)
{
    *data = NULL;
    *len = 0;
    if (want > PEEK_MAX)
        want = PEEK_MAX;
    while (!r->done && !r->eof && r->end - r->start < want) {
        kh_status_t st = make_room(r, err);
        if (!st)
            st = fill(r, err);
        if (st)
            return st;
    }
    if (r->done)
        return KH_OK;
    if (r->end == r->start)
        return r->pending ? report_pending(r, err) : KH_OK;
    *data = r->buf + r->start;
    *len = r->end - r->start;
    return KH_OK;
}
