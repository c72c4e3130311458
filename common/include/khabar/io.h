/*
 * io.h - reading text input line by line, plain or gzip-compressed.
 *
 * A kh_reader_t reads a file through zlib, which passes plain files through
 * unchanged, so one reader serves "a.jsonl" and "a.jsonl.gz" alike. "-"
 * means standard input (plain or gzip too).
 *
 * Lines are returned without their "\n" or "\r\n", as borrowed pointers into
 * the reader's buffer. A line longer than the reader's limit is an error for
 * that line only: the reader skips the rest of it without buffering it, so
 * memory stays bounded by the limit, and the next call returns the next line.
 * A truncated or corrupt .gz, or a read error, is fatal: the complete lines
 * before it are returned first, then the error once, then the end of input.
 *
 * Messages name the input as given ("<stdin>" for "-") and the line:
 * "corpus/a.jsonl.gz:12: line longer than 67108864 bytes".
 */
#ifndef KHABAR_IO_H
#define KHABAR_IO_H

#include <stddef.h>
#include <stdint.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest line a new reader accepts, in bytes, without its line end. */
#define KH_READER_DEFAULT_MAX_LINE ((size_t)64 << 20)

/* How the messages of a reader of standard input name it. */
#define KH_READER_STDIN_NAME "<stdin>"

typedef struct kh_reader kh_reader_t;

/*
 * Opens path ("-" for standard input, which is then read from a duplicate of
 * its descriptor and left open on close) for reading. On success *out is a
 * new reader that belongs to the caller (kh_reader_close()).
 *
 * Returns KH_OK; KH_ERR_NOT_FOUND when path does not exist ("PATH: cannot
 * open: No such file or directory"); KH_ERR_IO when it cannot be opened
 * (permissions, a symlink loop: the message carries strerror) or is a
 * directory ("PATH: is a directory"); KH_ERR_ARG when path is NULL or empty;
 * KH_ERR_NOMEM. On failure *out is NULL.
 */
kh_status_t kh_reader_open(const char *path, kh_reader_t **out, kh_error_t *err);

/*
 * Opens a reader of data[0..len), which is read as it is (no gzip) and must
 * stay valid until kh_reader_close(); messages name it name (copied). For
 * text already in memory, and for fuzzing the readers without a file.
 * kh_reader_size() is len. Returns KH_OK; KH_ERR_ARG when name is NULL or
 * empty, or data is NULL with len > 0; KH_ERR_NOMEM. On failure *out is NULL.
 */
kh_status_t kh_reader_open_memory(const char *name, const void *data, size_t len, kh_reader_t **out,
                                  kh_error_t *err);

/*
 * Sets the longest line accepted, in bytes without the line end (at least
 * 1; 0 restores KH_READER_DEFAULT_MAX_LINE). The reader's memory grows to
 * about this much at most. Takes effect from the next call.
 */
void kh_reader_set_max_line(kh_reader_t *r, size_t max_line);

/* The longest line accepted, in bytes. */
size_t kh_reader_max_line(const kh_reader_t *r);

/*
 * Reads the next line. On KH_OK, *line points to its bytes and *len is its
 * length without the "\n" or "\r\n" (a last line without a final newline is
 * returned as well); *line is NOT NUL-terminated, may contain NUL bytes, and
 * is borrowed: valid until the next call on r. At the end of input, KH_OK
 * with *line NULL and *len 0.
 *
 * Errors (*line NULL):
 *  - KH_ERR_LINE_TOO_LONG "PATH:N: line longer than MAX bytes": line N is
 *    skipped; the next call returns line N+1.
 *  - KH_ERR_TRUNCATED "PATH: truncated gzip input after line N" (the
 *    compressed stream ends early; a partial last line is dropped) or "PATH:
 *    corrupt gzip input after line N: ZLIB MESSAGE".
 *  - KH_ERR_IO "PATH: read error after line N: STRERROR".
 *  - KH_ERR_NOMEM.
 * After a fatal error (all but the first), the next calls report the end.
 */
kh_status_t kh_reader_next_line(kh_reader_t *r, const char **line, size_t *len, kh_error_t *err);

/*
 * Looks at the first bytes of the input without consuming them: reads until
 * at least want bytes are buffered (want is capped at 64 KiB) or the input
 * ends, then sets *data (borrowed until the next call on r) and *len to all
 * the bytes buffered but not yet returned, which may be more than want.
 * *data is NULL and *len 0 when nothing is left. Meant for sniffing a format
 * before the first kh_reader_next_line(). The same errors as
 * kh_reader_next_line() (fatal ones only), with *data NULL.
 */
kh_status_t kh_reader_peek(kh_reader_t *r, size_t want, const char **data, size_t *len,
                           kh_error_t *err);

/*
 * The number of the line last returned (from 1), or of the line an error
 * was reported for; 0 before the first line.
 */
unsigned long kh_reader_line_number(const kh_reader_t *r);

/* The name messages use: the path as given, or "<stdin>". Owned by r. */
const char *kh_reader_path(const kh_reader_t *r);

/*
 * Bytes of the input file consumed so far (compressed bytes for a .gz), for
 * a progress display; compare with kh_reader_size(). On a pipe, where zlib
 * cannot tell its position, the bytes of decompressed text read so far. May
 * make a system call (lseek): ask every few thousand lines, not every line.
 */
uint64_t kh_reader_bytes_in(const kh_reader_t *r);

/* Bytes of text read so far: decompressed bytes for a .gz, so that a rate
 * is the same for a file and its .gz (a progress display's MB/s). */
uint64_t kh_reader_text_bytes(const kh_reader_t *r);

/* The size of the input file in bytes (compressed size for a .gz), or -1 when
 * it is not a regular file (a pipe, a terminal). */
int64_t kh_reader_size(const kh_reader_t *r);

/* Closes r and frees it. r may be NULL. Standard input itself stays open. */
void kh_reader_close(kh_reader_t *r);

#ifdef __cplusplus
}
#endif

#endif
