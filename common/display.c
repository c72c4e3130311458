#include "khabar/display.h"

#include <string.h>
#include <utf8proc.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

kh_display_action_t kh_display_action(int32_t cp)
{
    if (cp < 0)
        return KH_DISPLAY_REPLACE;
    if (cp >= 0x20 && cp < 0x7F) /* printable ASCII: most of every line */
        return KH_DISPLAY_KEEP;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    switch (p->category) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        /* Tab, LF, CR, VT, FF, NEL, U+2028, U+2029 break a line or a column:
         * a space keeps the words apart. Any other control drives the
         * terminal (ESC, BEL, BS, DEL, CSI U+009B). */
        return p->bidi_class == UTF8PROC_BIDI_CLASS_B || p->bidi_class == UTF8PROC_BIDI_CLASS_S ||
                       p->bidi_class == UTF8PROC_BIDI_CLASS_WS
                   ? KH_DISPLAY_SPACE
                   : KH_DISPLAY_REPLACE;
    default:
        break;
    }
    switch (p->bidi_class) {
    case UTF8PROC_BIDI_CLASS_LRE:
    case UTF8PROC_BIDI_CLASS_RLE:
    case UTF8PROC_BIDI_CLASS_LRO:
    case UTF8PROC_BIDI_CLASS_RLO:
    case UTF8PROC_BIDI_CLASS_PDF:
    case UTF8PROC_BIDI_CLASS_LRI:
    case UTF8PROC_BIDI_CLASS_RLI:
    case UTF8PROC_BIDI_CLASS_FSI:
    case UTF8PROC_BIDI_CLASS_PDI:
        return KH_DISPLAY_DROP;
    default:
        return KH_DISPLAY_KEEP;
    }
}

/* The code point at s[0..len) (len >= 1), or -1 for an invalid byte; *used its bytes. */
static int32_t decode(const char *s, size_t len, size_t *used)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    if (p[0] < 0x80) {
        *used = 1;
        return p[0];
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
    if (n < 0) {
        *used = 1;
        return -1;
    }
    *used = (size_t)n;
    return cp;
}

size_t kh_display_char(const char *s, size_t len, size_t *used, char out[KH_DISPLAY_CHAR_MAX])
{
    int32_t cp = decode(s, len, used);
    switch (kh_display_action(cp)) {
    case KH_DISPLAY_KEEP:
        memcpy(out, s, *used);
        return *used;
    case KH_DISPLAY_SPACE:
        out[0] = ' ';
        return 1;
    case KH_DISPLAY_REPLACE:
        memcpy(out, replacement, 3);
        return 3;
    case KH_DISPLAY_DROP:
        break;
    }
    return 0;
}

/*
 * The output of the functions below, snprintf-like: whole pieces are
 * appended while they fit in size - 1 bytes (so a cut never splits a
 * character or a "%XX"); len counts the length of the whole regardless.
 */
typedef struct sink {
    char *out;
    size_t size, len, written;
} sink_t;

static void put(sink_t *k, const char *piece, size_t n)
{
    if (k->written == k->len && k->len + n < k->size) {
        memcpy(k->out + k->len, piece, n);
        k->written += n;
    }
    k->len += n;
}

static size_t finish(sink_t *k)
{
    if (k->size)
        k->out[k->written] = '\0';
    return k->len;
}

size_t kh_display_clean(const char *s, size_t len, char *out, size_t size)
{
    sink_t k = {out, size, 0, 0};
    for (size_t i = 0; i < len;) {
        char shown[KH_DISPLAY_CHAR_MAX];
        size_t used;
        put(&k, shown, kh_display_char(s + i, len - i, &used, shown));
        i += used;
    }
    return finish(&k);
}

size_t kh_display_id(const char *s, size_t len, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    sink_t k = {out, size, 0, 0};
    for (size_t i = 0; i < len;) {
        size_t used;
        int32_t cp = decode(s + i, len - i, &used);
        if (cp != '%' && kh_display_action(cp) == KH_DISPLAY_KEEP &&
            (cp < 0x80 || utf8proc_category(cp) != UTF8PROC_CATEGORY_ZS) && cp != ' ') {
            put(&k, s + i, used);
        } else {
            char coded[3 * 4]; /* one piece: a cut never splits a character's codes */
            for (size_t b = 0; b < used; b++) {
                unsigned char c = (unsigned char)s[i + b];
                coded[3 * b] = '%';
                coded[3 * b + 1] = hex[c >> 4];
                coded[3 * b + 2] = hex[c & 15];
            }
            put(&k, coded, 3 * used);
        }
        i += used;
    }
    return finish(&k);
}

size_t kh_display_utf8(const char *s, size_t len, char *out, size_t size)
{
    sink_t k = {out, size, 0, 0};
    for (size_t i = 0; i < len;) {
        size_t used;
        if (decode(s + i, len - i, &used) < 0)
            put(&k, replacement, 3);
        else
            put(&k, s + i, used);
        i += used;
    }
    return finish(&k);
}

size_t kh_display_cut(const char *s, size_t len, size_t max)
{
    size_t i = 0;
    while (i < len) {
        size_t used;
        decode(s + i, len - i, &used);
        if (i + used > max)
            break;
        i += used;
    }
    return i;
}
