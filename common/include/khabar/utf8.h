/*
 * utf8.h - the project's UTF-8 decoder, and validation of input text.
 *
 * kh_utf8_decode() is the one decoder: the analysis modules (tokenize,
 * normalize, stem) step through text with it, and kh_utf8_validate() is a
 * loop over it. The analyzer never trusts its input (invalid bytes are
 * separators there); validation is for the indexer, which rejects an
 * article with invalid UTF-8 and says where the first bad byte is.
 */
#ifndef KHABAR_UTF8_H
#define KHABAR_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Checks that s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). NUL bytes are valid UTF-8 but not
 * valid text: they are rejected too. Returns KH_OK, or KH_ERR_UTF8 with
 * *bad_offset (if not NULL) set to the byte offset of the first bad byte.
 */
kh_status_t kh_utf8_validate(const char *s, size_t len, size_t *bad_offset);

/*
 * Decodes one code point of UTF-8 from s[0, len) into *cp. Returns the
 * number of bytes it takes (1 to 4), or -1 when s does not start with a
 * well-formed sequence (a stray continuation byte, a truncated sequence, an
 * overlong form, a surrogate or a value above U+10FFFF); len must be at
 * least 1. Never reads at or past s[len]. Inline: it runs once per
 * character of every text analysed.
 */
static inline int kh_utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b < 0xC2) /* continuation byte, or overlong 2-byte lead */
        return -1;
    if (b < 0xE0) {
        if (len < 2 || (s[1] & 0xC0) != 0x80)
            return -1;
        *cp = ((int32_t)(b & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (b < 0xF0) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return -1;
        if ((b == 0xE0 && s[1] < 0xA0) || (b == 0xED && s[1] >= 0xA0)) /* overlong, surrogate */
            return -1;
        *cp = ((int32_t)(b & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (b < 0xF5) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return -1;
        if ((b == 0xF0 && s[1] < 0x90) || (b == 0xF4 && s[1] >= 0x90)) /* overlong, > U+10FFFF */
            return -1;
        *cp = ((int32_t)(b & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
              ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return -1;
}

#ifdef __cplusplus
}
#endif

#endif
