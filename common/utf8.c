#include "khabar/utf8.h"

kh_status_t kh_utf8_validate(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) { /* ASCII fast path: most of the bytes of mixed text */
            if (p[i] == 0)
                break;
            i++;
            continue;
        }
        int32_t cp;
        int n = kh_utf8_decode(p + i, len - i, &cp);
        if (n < 0)
            break;
        i += (size_t)n;
    }
    if (i == len)
        return KH_OK;
    if (bad_offset)
        *bad_offset = i;
    return KH_ERR_UTF8;
}
