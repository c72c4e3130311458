#include "khabar/phonetic.h"

#include <string.h>

typedef struct key {
    char *out;
    size_t len, cap;
} key_t_;

/*
 * Appends class c, unless the key already ends with it: a doubled letter,
 * or one written with a vowel between in one script and without in the
 * other (Annan, عنان), counts once, the same way in both scripts.
 */
static void put(key_t_ *k, char c)
{
    if (k->len > 0 && k->out[k->len - 1] == c)
        return;
    if (k->len < k->cap)
        k->out[k->len++] = c;
}

static void latin_key(const char *s, size_t len, key_t_ *k)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';
        char after = i + 2 < len ? s[i + 2] : '\0';
        switch (c) {
        case 'b':
        case 'p':
            if (c == 'p' && next == 'h') { /* Philip, فيليب */
                put(k, 'f');
                i++;
            } else {
                put(k, 'b');
            }
            break;
        case 'f':
        case 'v':
            put(k, 'f');
            break;
        case 't':
            if (next == 'c' && after == 'h') { /* Fletcher: the t is the ch's */
                put(k, 'x');
                i += 2;
            } else {
                if (next == 'h')
                    i++;
                put(k, 't');
            }
            break;
        case 'd':
            put(k, 'd');
            break;
        case 's':
            if (next == 'h') {
                put(k, 'x');
                i++;
            } else if (next == 'c' && after == 'h') {
                put(k, 'x');
                i += 2;
            } else {
                put(k, 's');
            }
            break;
        case 'z':
            put(k, 's');
            break;
        case 'c':
            if (next == 'h') {
                put(k, 'x');
                i++;
            } else if (next == 'e' || next == 'i' || next == 'y') {
                put(k, 's');
            } else {
                put(k, 'k'); /* ck, cc and a hard c: one k */
            }
            break;
        case 'x':
            put(k, 'k');
            put(k, 's');
            break;
        case 'k':
        case 'q':
        case 'g':
        case 'j':
            put(k, 'k'); /* gh, kh: the h is silent to the key */
            break;
        case 'l':
        case 'm':
        case 'n':
        case 'r':
            put(k, c);
            break;
        default: /* vowels, h, w, y, digits, the apostrophe */
            break;
        }
    }
}

/* The class of an Arabic letter (normalised), 0 for a letter the key leaves out. */
static char arabic_class(unsigned cp)
{
    switch (cp) {
    case 0x0628: /* ب */
    case 0x067E: /* پ */
        return 'b';
    case 0x0641: /* ف */
    case 0x06A4: /* ڤ */
        return 'f';
    case 0x062A: /* ت */
    case 0x0637: /* ط */
    case 0x062B: /* ث */
        return 't';
    case 0x062F: /* د */
    case 0x0630: /* ذ */
    case 0x0636: /* ض */
        return 'd';
    case 0x0633: /* س */
    case 0x0635: /* ص */
    case 0x0632: /* ز */
    case 0x0638: /* ظ */
    case 0x0698: /* ژ */
        return 's';
    case 0x0634: /* ش */
    case 0x0686: /* چ */
        return 'x';
    case 0x0643: /* ك */
    case 0x0642: /* ق */
    case 0x063A: /* غ */
    case 0x062C: /* ج */
    case 0x062E: /* خ */
    case 0x06AF: /* گ */
    case 0x06A8: /* ڨ */
        return 'k';
    case 0x0644:
        return 'l';
    case 0x0645:
        return 'm';
    case 0x0646:
        return 'n';
    case 0x0631:
        return 'r';
    default: /* ا و ي ء ؤ ئ ه ح ع, and anything else */
        return 0;
    }
}

/* Decodes the 2-byte UTF-8 sequence at s (Arabic is U+0600..U+06FF); 0 when it is not one. */
static unsigned two_byte(const char *s, size_t left)
{
    unsigned char a = (unsigned char)s[0], b = left > 1 ? (unsigned char)s[1] : 0;
    if ((a & 0xE0) != 0xC0 || (b & 0xC0) != 0x80)
        return 0;
    return ((unsigned)(a & 0x1F) << 6) | (b & 0x3F);
}

static int is_long_vowel(unsigned cp)
{
    return cp == 0x0627 || cp == 0x0648 || cp == 0x064A;
}

static void arabic_key(const char *s, size_t len, key_t_ *k)
{
    int letters = 0, vowel = 0;
    for (size_t i = 0; i < len; i += 2) {
        unsigned cp = two_byte(s + i, len - i);
        if (!cp)
            break;
        if (letters++ > 0 && is_long_vowel(cp))
            vowel = 1;
        char c = arabic_class(cp);
        /* تش is how Arabic writes "ch" (تشارلز, Charles). */
        if (c == 'x' && k->len > 0 && k->out[k->len - 1] == 't' && i >= 2 &&
            two_byte(s + i - 2, 2) == 0x062A)
            k->len--;
        if (c)
            put(k, c);
    }
    if (!vowel)
        k->len = 0;
}

size_t kh_phonetic_key(kh_script_t script, const char *norm, size_t len, char *out, size_t out_size)
{
    if (!out || out_size < KH_PHONETIC_MAX + 1)
        return 0;
    key_t_ k = {out, 0, KH_PHONETIC_MAX};
    if (norm && script == KH_SCRIPT_LATIN)
        latin_key(norm, len, &k);
    else if (norm && script == KH_SCRIPT_ARABIC)
        arabic_key(norm, len, &k);
    if (k.len < KH_PHONETIC_MIN)
        k.len = 0;
    out[k.len] = '\0';
    return k.len;
}
