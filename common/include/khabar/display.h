/*
 * display.h - untrusted text (article text, ids, queries, batch query ids,
 * file names) made safe to show on one line of a terminal or in a TSV or
 * TREC column.
 *
 * Any news feed can put a terminal escape in a title (ESC ] 52 writes the
 * clipboard, ESC [ 2J clears the screen, U+009B is an 8-bit CSI) or reorder
 * a line with bidi overrides. What becomes of each character (one rule for
 * every caller; the Unicode properties come from utf8proc, not from tables
 * written here):
 *
 *   line and column breaks   tab, LF, CR, VT, FF, NEL, U+001C-001F, U+2028,
 *                            U+2029 (controls, line and paragraph separators
 *                            of bidi class B, S or WS): one space
 *   other controls           C0, DEL, C1 (U+0080-009F), and any byte that is
 *                            not valid UTF-8: U+FFFD, visible, so a reader
 *                            sees that something was there
 *   bidi embeddings,         LRE RLE PDF LRO RLO (U+202A-202E), LRI RLI FSI
 *   overrides, isolates      PDI (U+2066-2069): removed; they are invisible,
 *                            can make a line read in an order that is not the
 *                            text's, and an unclosed one carries its
 *                            direction to what follows on the line
 *   everything else          kept: the marks Arabic text needs to render
 *                            right (LRM, RLM, ALM, ZWJ, ZWNJ) included; with
 *                            no embedding left, a line's direction cannot
 *                            leak into the next
 *
 * Nothing here prints or allocates.
 */
#ifndef KHABAR_DISPLAY_H
#define KHABAR_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    KH_DISPLAY_KEEP = 0, /* shown as it is */
    KH_DISPLAY_SPACE,    /* a line or column break: one space */
    KH_DISPLAY_REPLACE,  /* a control, or an invalid byte (cp -1): U+FFFD */
    KH_DISPLAY_DROP,     /* a bidi embedding, override or isolate: removed */
} kh_display_action_t;

/* What becomes of code point cp (-1: a byte that is not valid UTF-8). */
kh_display_action_t kh_display_action(int32_t cp);

/* The most bytes kh_display_char() writes. */
#define KH_DISPLAY_CHAR_MAX 4

/*
 * The character at s[0..len) (len >= 1) as it is shown: writes its bytes,
 * a space, U+FFFD or nothing into out and returns how many (0 to
 * KH_DISPLAY_CHAR_MAX). *used gets the bytes of s it covers (1 for an
 * invalid byte), so a caller walks a string with it.
 */
size_t kh_display_char(const char *s, size_t len, size_t *used, char out[KH_DISPLAY_CHAR_MAX]);

/*
 * s[0..len) as it is shown on one line (each character as
 * kh_display_char() shows it), into out, NUL-terminated, like snprintf:
 * at most size - 1 bytes, never part of a character (out may be NULL when
 * size is 0). Returns the length the whole would take.
 */
size_t kh_display_clean(const char *s, size_t len, char *out, size_t size);

/*
 * An id or query id for a whitespace-separated column (TREC, TSV): every
 * byte of a character that is ASCII or Unicode whitespace (category Zs), a
 * control, a bidi embedding/override/isolate, an invalid byte, or '%' is
 * written as %XX (upper-case hex), so the column holds no space and decodes
 * back to the bytes given ("my file#1" -> "my%20file#1", "50%" -> "50%25").
 * Into out as kh_display_clean() does; returns the length the whole would
 * take.
 */
size_t kh_display_id(const char *s, size_t len, char *out, size_t size);

/*
 * s[0..len) with each byte that is not valid UTF-8 replaced by U+FFFD and
 * nothing else changed (for JSON, which escapes controls itself). Into out
 * as kh_display_clean() does; returns the length the whole would take.
 */
size_t kh_display_utf8(const char *s, size_t len, char *out, size_t size);

/*
 * The length of the longest prefix of s[0..len) of at most max bytes that
 * does not end inside a UTF-8 character: where to cut a long value quoted
 * in a message.
 */
size_t kh_display_cut(const char *s, size_t len, size_t max);

#ifdef __cplusplus
}
#endif

#endif
