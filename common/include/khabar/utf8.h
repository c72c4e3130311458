/*
 * utf8.h - UTF-8 validation for input text.
 *
 * The analyzer never trusts its input (invalid bytes are separators there);
 * this is for the indexer, which rejects an article with invalid UTF-8 and
 * says where the first bad byte is.
 */
#ifndef KHABAR_UTF8_H
#define KHABAR_UTF8_H

#include <stddef.h>

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

#ifdef __cplusplus
}
#endif

#endif
