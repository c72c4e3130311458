#include "khabar/similar.h"

#include <string.h>
#include <utf8proc.h>

/* Decodes s into at most KH_SIMILAR_MAX_CHARS code points; -1 when it does not fit or is not UTF-8.
 */
static long decode(const char *s, utf8proc_int32_t *out)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    long n = 0;
    while (left > 0) {
        if (n == KH_SIMILAR_MAX_CHARS)
            return -1;
        utf8proc_ssize_t used = utf8proc_iterate(p, left, &out[n]);
        if (used <= 0)
            return -1;
        p += used;
        left -= used;
        n++;
    }
    return n;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t kh_similar_distance(const char *a, const char *b)
{
    utf8proc_int32_t x[KH_SIMILAR_MAX_CHARS], y[KH_SIMILAR_MAX_CHARS];
    long m = decode(a, x), n = decode(b, y);
    if (m < 0 || n < 0)
        return (size_t)-1;
    /* Three rows of the dynamic programme: a transposition looks two rows back. */
    size_t rows[3][KH_SIMILAR_MAX_CHARS + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (long j = 0; j <= n; j++)
        prev[j] = (size_t)j;
    for (long i = 1; i <= m; i++) {
        cur[0] = (size_t)i;
        for (long j = 1; j <= n; j++) {
            size_t cost = x[i - 1] != y[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                before[j - 2] + 1 < cur[j])
                cur[j] = before[j - 2] + 1;
        }
        size_t *oldest = before;
        before = prev;
        prev = cur;
        cur = oldest;
    }
    return prev[n];
}

long kh_similar_closest(const char *word, const char *const *candidates, size_t n)
{
    utf8proc_int32_t chars[KH_SIMILAR_MAX_CHARS];
    long length = decode(word, chars);
    if (length < 0)
        return -1;
    /* A short word has few neighbours: one edit already makes it another word. */
    size_t allowed = length <= 4 ? 1 : length <= 8 ? 2 : 3;
    long best = -1;
    size_t best_distance = allowed + 1;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i] || decode(candidates[i], chars) < 2)
            continue;
        size_t d = kh_similar_distance(word, candidates[i]);
        if (d < best_distance) {
            best = (long)i;
            best_distance = d;
        }
    }
    return best;
}
