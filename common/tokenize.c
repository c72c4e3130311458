#include "khabar/tokenize.h"

#include <utf8proc.h>

/*
 * Every code point falls in one class. The scripts are told apart by block
 * ranges because utf8proc has no script property; only the scripts that
 * change the pipeline need naming (Arabic, Latin) plus the ideographs that
 * are tokens on their own.
 */
typedef enum { C_SEP, C_LETTER, C_DIGIT, C_MARK, C_JOINER, C_APOSTROPHE, C_NUMSEP } cp_class_t;

typedef enum { S_NONE, S_ARABIC, S_LATIN, S_OTHER, S_HAN } letter_script_t;

typedef struct {
    cp_class_t kind;
    letter_script_t script; /* for C_LETTER */
} cp_info_t;

static int is_arabic_cp(int32_t cp)
{
    return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
           (cp >= 0x0870 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFF) || (cp >= 0x10EC0 && cp <= 0x10EFF) ||
           (cp >= 0x1EE00 && cp <= 0x1EEFF);
}

static int is_latin_cp(int32_t cp)
{
    return cp == 0x00AA || cp == 0x00BA || (cp >= 0x00C0 && cp <= 0x02AF) ||
           (cp >= 0x1D00 && cp <= 0x1DBF) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
           (cp >= 0x2070 && cp <= 0x209F) || (cp >= 0x2C60 && cp <= 0x2C7F) ||
           (cp >= 0xA720 && cp <= 0xA7FF) || (cp >= 0xAB30 && cp <= 0xAB6F) ||
           (cp >= 0xFB00 && cp <= 0xFB06) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
           (cp >= 0xFF41 && cp <= 0xFF5A) || (cp >= 0x1D400 && cp <= 0x1D6A5);
}

/* Han ideographs and Hiragana: one token per character (see tokenize.h). */
static int is_han_cp(int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x309F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x323AF);
}

static cp_info_t classify(int32_t cp)
{
    cp_info_t c = {C_SEP, S_NONE};
    if (cp < 0x80) { /* ASCII: no table lookup */
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
            c.kind = C_LETTER;
            c.script = S_LATIN;
        } else if (cp >= '0' && cp <= '9') {
            c.kind = C_DIGIT;
        } else if (cp == '\'') {
            c.kind = C_APOSTROPHE;
        } else if (cp == '.' || cp == ',') {
            c.kind = C_NUMSEP;
        }
        return c;
    }
    /* The basic Arabic block, the bulk of Arabic text, also without lookup. */
    if (cp >= 0x0621 && cp <= 0x064A) {
        c.kind = C_LETTER; /* including tatweel U+0640 (Lm) */
        c.script = S_ARABIC;
        return c;
    }
    if (cp >= 0x064B && cp <= 0x065F) {
        c.kind = C_MARK;
        return c;
    }
    if (cp >= 0x0660 && cp <= 0x0669) {
        c.kind = C_DIGIT;
        return c;
    }
    switch (cp) {
    case 0x066B: /* Arabic decimal separator */
    case 0x066C: /* Arabic thousands separator */
        c.kind = C_NUMSEP;
        return c;
    case 0x2019: /* right single quotation mark, the usual typeset apostrophe */
        c.kind = C_APOSTROPHE;
        return c;
    case 0x00AD: /* soft hyphen */
    case 0x200C: /* ZWNJ: Persian and Urdu write it inside words */
    case 0x200D: /* ZWJ */
        c.kind = C_JOINER;
        return c;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        c.kind = C_LETTER;
        if (is_arabic_cp(cp))
            c.script = S_ARABIC;
        else if (is_latin_cp(cp))
            c.script = S_LATIN;
        else if (is_han_cp(cp))
            c.script = S_HAN;
        else
            c.script = S_OTHER;
        break;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        c.kind = C_MARK;
        break;
    case UTF8PROC_CATEGORY_ND:
        c.kind = C_DIGIT;
        break;
    default:
        break;
    }
    return c;
}

/* May a letter of script `letter` continue a token whose script so far is `token`? */
static int letter_joins(letter_script_t token, letter_script_t letter)
{
    if (token == S_NONE) /* digits so far: "5G" joins, "2014م" splits */
        return letter != S_ARABIC && letter != S_HAN;
    return token == letter && token != S_HAN;
}

/* May a digit continue a token whose script so far is `token`? */
static int digit_joins(letter_script_t token)
{
    return token != S_ARABIC && token != S_HAN;
}

/* The class of the code point at s[i] (C_SEP past the end or on a bad byte). */
static cp_info_t peek(const unsigned char *s, size_t len, size_t i)
{
    cp_info_t none = {C_SEP, S_NONE};
    int32_t cp;
    if (i >= len || kh_utf8_decode(s + i, len - i, &cp) < 0)
        return none;
    return classify(cp);
}

static kh_script_t public_script(letter_script_t s)
{
    switch (s) {
    case S_NONE:
        return KH_SCRIPT_DIGIT;
    case S_ARABIC:
        return KH_SCRIPT_ARABIC;
    case S_LATIN:
        return KH_SCRIPT_LATIN;
    default:
        return KH_SCRIPT_OTHER;
    }
}

void kh_tokenizer_init(kh_tokenizer_t *t, const char *text, size_t len)
{
    t->text = (const unsigned char *)text;
    t->len = text ? len : 0;
    t->pos = 0;
}

int kh_tokenizer_next(kh_tokenizer_t *t, kh_segment_t *out)
{
    const unsigned char *s = t->text;
    size_t len = t->len, i = t->pos;
    int in_token = 0;
    size_t start = 0, end = 0;
    letter_script_t script = S_NONE;
    cp_class_t last = C_SEP;

    while (i < len) {
        int32_t cp;
        int n = kh_utf8_decode(s + i, len - i, &cp);
        if (n < 0) { /* an invalid byte is a separator of its own */
            if (in_token)
                break;
            i++;
            continue;
        }
        cp_info_t c = classify(cp);
        if (!in_token) {
            if (c.kind == C_LETTER || c.kind == C_DIGIT) {
                in_token = 1;
                start = i;
                end = i + (size_t)n;
                script = c.kind == C_LETTER ? c.script : S_NONE;
                last = c.kind;
            }
            i += (size_t)n; /* anything else before a token is a separator */
            continue;
        }
        int joins = 0;
        switch (c.kind) {
        case C_LETTER:
            joins = letter_joins(script, c.script);
            if (joins && script == S_NONE)
                script = c.script;
            break;
        case C_DIGIT:
            joins = digit_joins(script);
            break;
        case C_MARK: /* harakat, accents, vowel signs: part of the letter before */
            joins = 1;
            break;
        case C_JOINER: { /* only between two letters of the token's script */
            cp_info_t next = peek(s, len, i + (size_t)n);
            joins = script != S_NONE && (last == C_LETTER || last == C_MARK) &&
                    next.kind == C_LETTER && letter_joins(script, next.script);
            break;
        }
        case C_APOSTROPHE: { /* Altman's, O'Reilly; never at a word's edge */
            cp_info_t next = peek(s, len, i + (size_t)n);
            joins = script == S_LATIN && (last == C_LETTER || last == C_MARK) &&
                    next.kind == C_LETTER && next.script == S_LATIN;
            break;
        }
        case C_NUMSEP: { /* 3.5, 1,000, ٣٫٥ */
            cp_info_t next = peek(s, len, i + (size_t)n);
            joins = last == C_DIGIT && next.kind == C_DIGIT && digit_joins(script);
            break;
        }
        case C_SEP:
            break;
        }
        if (!joins)
            break; /* this code point is examined again by the next call */
        i += (size_t)n;
        end = i;
        if (c.kind != C_MARK)
            last = c.kind;
    }
    if (!in_token) {
        t->pos = len;
        return 0;
    }
    t->pos = i;
    out->start = start;
    out->end = end;
    out->script = public_script(script);
    return 1;
}
