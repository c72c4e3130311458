/*
 * variants.c - keys one letter away from a name's key (variants.h).
 */
#include "variants.h"

#include <string.h>

/* Whether candidate can be a key, and is neither key nor one of near[0, n). */
static int is_new_key(const char *candidate, const char *key, char near[][KH_PHONETIC_MAX + 1],
                      size_t n)
{
    size_t len = strlen(candidate);
    if (len < KH_PHONETIC_MIN || len > KH_PHONETIC_MAX || strcmp(candidate, key) == 0)
        return 0;
    for (size_t i = 1; i < len; i++)
        if (candidate[i] == candidate[i - 1])
            return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(candidate, near[i]) == 0)
            return 0;
    return 1;
}

size_t kh_variants_near_keys(const char *key, char near[][KH_PHONETIC_MAX + 1], size_t max)
{
    /* The consonants Arabic spellings of one name most often write or leave out. */
    static const char inserted[] = "lmnr";
    size_t len = strnlen(key, KH_PHONETIC_MAX + 1), n = 0;
    if (len > KH_PHONETIC_MAX)
        return 0;
    char candidate[KH_PHONETIC_MAX + 2];
    for (size_t at = 0; at < len && n < max; at++) {
        memcpy(candidate, key, at);
        memcpy(candidate + at, key + at + 1, len - at); /* with the NUL */
        if (is_new_key(candidate, key, near, n))
            memcpy(near[n++], candidate, strlen(candidate) + 1);
    }
    for (size_t at = 0; at <= len && len < KH_PHONETIC_MAX; at++)
        for (const char *c = inserted; *c && n < max; c++) {
            memcpy(candidate, key, at);
            candidate[at] = *c;
            memcpy(candidate + at + 1, key + at, len - at + 1);
            if (is_new_key(candidate, key, near, n))
                memcpy(near[n++], candidate, strlen(candidate) + 1);
        }
    return n;
}
