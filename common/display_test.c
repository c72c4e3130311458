/* Unit tests for display.c: untrusted text made safe for a terminal line, a TSV or TREC column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/display.h"

#define FFFD "\xEF\xBF\xBD"

/* Each row: the input (len bytes, NULs allowed) and what each function makes of it. */
static const struct {
    const char *input;
    size_t len; /* 0: strlen(input) */
    const char *clean, *id, *utf8;
} rows[] = {
    /* Plain text, Arabic and English, is left alone. */
    {"Oil prices rose", 0, "Oil prices rose", "Oil%20prices%20rose", "Oil prices rose"},
    {"أسعار النفط", 0, "أسعار النفط", "أسعار%20النفط", "أسعار النفط"},
    {"39aec0ce4e52fe5b#3", 0, "39aec0ce4e52fe5b#3", "39aec0ce4e52fe5b#3", "39aec0ce4e52fe5b#3"},
    /* Terminal escapes: OSC 52 (clipboard), CSI 2J (clear), BEL, BS, DEL, 8-bit CSI U+009B. */
    {"a\x1b]52;c;aGk=\x07z", 0, "a" FFFD "]52;c;aGk=" FFFD "z", "a%1B]52;c;aGk=%07z",
     "a\x1b]52;c;aGk=\x07z"},
    {"\x1b[2Jx", 0, FFFD "[2Jx", "%1B[2Jx", "\x1b[2Jx"},
    {"b\x08\x7f\xc2\x9b"
     "2J",
     0, "b" FFFD FFFD FFFD "2J", "b%08%7F%C2%9B2J",
     "b\x08\x7f\xc2\x9b"
     "2J"},
    {"nul\0x", 5, "nul" FFFD "x", "nul%00x", "nul\0x"},
    /* Line and column breaks become one space each: a TSV column and a line stay whole. */
    {"a\tb\nc\r\nd", 0, "a b c  d", "a%09b%0Ac%0D%0Ad", "a\tb\nc\r\nd"},
    {"a\vb\fc\xc2\x85"
     "d\xe2\x80\xa8"
     "e\xe2\x80\xa9"
     "f",
     0, "a b c d e f", "a%0Bb%0Cc%C2%85d%E2%80%A8e%E2%80%A9f",
     "a\vb\fc\xc2\x85"
     "d\xe2\x80\xa8"
     "e\xe2\x80\xa9"
     "f"},
    /* Bidi embeddings, overrides and isolates go (U+202A-202E, U+2066-2069)... */
    {"\xe2\x80\xae"
     "evil"
     "\xe2\x80\xac",
     0, "evil", "%E2%80%AEevil%E2%80%AC",
     "\xe2\x80\xae"
     "evil"
     "\xe2\x80\xac"},
    {"\xe2\x80\xaa"
     "a\xe2\x80\xab"
     "b\xe2\x80\xad"
     "c",
     0, "abc", "%E2%80%AAa%E2%80%ABb%E2%80%ADc",
     "\xe2\x80\xaa"
     "a\xe2\x80\xab"
     "b\xe2\x80\xad"
     "c"},
    {"\xe2\x81\xa6"
     "a\xe2\x81\xa7"
     "b\xe2\x81\xa8"
     "c\xe2\x81\xa9",
     0, "abc", "%E2%81%A6a%E2%81%A7b%E2%81%A8c%E2%81%A9",
     "\xe2\x81\xa6"
     "a\xe2\x81\xa7"
     "b\xe2\x81\xa8"
     "c\xe2\x81\xa9"},
    /* ... the marks Arabic text renders with stay: LRM, RLM, ALM, ZWJ, ZWNJ. */
    {"سعر\xe2\x80\x8e 5\xe2\x80\x8f\xd8\x9c"
     "م\xe2\x80\x8d"
     "ي\xe2\x80\x8c"
     "ن",
     0,
     "سعر\xe2\x80\x8e 5\xe2\x80\x8f\xd8\x9c"
     "م\xe2\x80\x8d"
     "ي\xe2\x80\x8c"
     "ن",
     "سعر\xe2\x80\x8e%205\xe2\x80\x8f\xd8\x9c"
     "م\xe2\x80\x8d"
     "ي\xe2\x80\x8c"
     "ن",
     "سعر\xe2\x80\x8e 5\xe2\x80\x8f\xd8\x9c"
     "م\xe2\x80\x8d"
     "ي\xe2\x80\x8c"
     "ن"},
    /* Invalid UTF-8: one U+FFFD per bad byte; half a character is never passed on. */
    {"caf\xe9!", 0, "caf" FFFD "!", "caf%E9!", "caf" FFFD "!"},
    {"\xd8", 0, FFFD, "%D8", FFFD},
    {"\xed\xa0\x80", 0, FFFD FFFD FFFD, "%ED%A0%80", FFFD FFFD FFFD},
    /* Ids: spaces of any kind and '%' are encoded, so a decoder gets the bytes back. */
    {"   ", 0, "   ", "%20%20%20", "   "},
    {"50% off", 0, "50% off", "50%25%20off", "50% off"},
    {"a\xc2\xa0"
     "b\xe3\x80\x80"
     "c",
     0,
     "a\xc2\xa0"
     "b\xe3\x80\x80"
     "c",
     "a%C2%A0b%E3%80%80c",
     "a\xc2\xa0"
     "b\xe3\x80\x80"
     "c"},
    {"", 0, "", "", ""},
};

static size_t row_len(size_t i)
{
    return rows[i].len ? rows[i].len : strlen(rows[i].input);
}

static void check(size_t (*fn)(const char *, size_t, char *, size_t), const char *input, size_t len,
                  const char *expected)
{
    char out[256];
    size_t n = fn(input, len, out, sizeof out);
    assert_int_equal(n, strlen(expected));
    assert_string_equal(out, expected);
    /* The length alone, with no buffer. */
    assert_int_equal(fn(input, len, NULL, 0), n);
}

static void clean_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check(kh_display_clean, rows[i].input, row_len(i), rows[i].clean);
}

static void id_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check(kh_display_id, rows[i].input, row_len(i), rows[i].id);
}

static void utf8_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[256];
        size_t n = kh_display_utf8(rows[i].input, row_len(i), out, sizeof out);
        /* The expected text may hold a NUL: compare bytes. */
        size_t expected = rows[i].len && strcmp(rows[i].utf8, rows[i].input) == 0
                              ? rows[i].len
                              : strlen(rows[i].utf8);
        assert_int_equal(n, expected);
        assert_memory_equal(out, rows[i].utf8, n);
    }
}

static void actions(void **state)
{
    (void)state;
    static const struct {
        int32_t cp;
        kh_display_action_t action;
    } codes[] = {
        {'a', KH_DISPLAY_KEEP},     {0x0627, KH_DISPLAY_KEEP},  {0x200E, KH_DISPLAY_KEEP},
        {0x200F, KH_DISPLAY_KEEP},  {0x061C, KH_DISPLAY_KEEP},  {0x200D, KH_DISPLAY_KEEP},
        {0x200C, KH_DISPLAY_KEEP},  {'\t', KH_DISPLAY_SPACE},   {'\n', KH_DISPLAY_SPACE},
        {0x85, KH_DISPLAY_SPACE},   {0x2028, KH_DISPLAY_SPACE}, {0x1b, KH_DISPLAY_REPLACE},
        {0x07, KH_DISPLAY_REPLACE}, {0x7f, KH_DISPLAY_REPLACE}, {0x80, KH_DISPLAY_REPLACE},
        {0x9b, KH_DISPLAY_REPLACE}, {0x9f, KH_DISPLAY_REPLACE}, {-1, KH_DISPLAY_REPLACE},
        {0x202A, KH_DISPLAY_DROP},  {0x202E, KH_DISPLAY_DROP},  {0x2066, KH_DISPLAY_DROP},
        {0x2069, KH_DISPLAY_DROP},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        assert_int_equal(kh_display_action(codes[i].cp), codes[i].action);
}

/* A buffer too small gets whole characters (or whole %XX groups) only. */
static void cuts_whole_characters(void **state)
{
    (void)state;
    static const struct {
        size_t (*fn)(const char *, size_t, char *, size_t);
        const char *input;
        size_t size;
        const char *expected;
    } cuts[] = {
        {kh_display_clean, "أسعار", 4, "أ"}, /* 3 bytes fit, the second letter would not */
        {kh_display_clean,
         "a\x1b"
         "b",
         4, "a"}, /* U+FFFD takes 3 */
        {kh_display_clean,
         "a\x1b"
         "b",
         5, "a" FFFD},
        {kh_display_id, "a b", 3, "a"},     /* "%20" whole or not at all */
        {kh_display_id, "\xc2\xa0", 6, ""}, /* "%C2%A0": one character, one piece */
        {kh_display_utf8, "ab\xff", 4, "ab"},
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char out[64];
        size_t whole = cuts[i].fn(cuts[i].input, strlen(cuts[i].input), NULL, 0);
        assert_int_equal(cuts[i].fn(cuts[i].input, strlen(cuts[i].input), out, cuts[i].size),
                         whole);
        assert_string_equal(out, cuts[i].expected);
    }
}

static void cut_lengths(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        size_t max, expected;
    } cuts[] = {
        {"abc", 2, 2},   {"abc", 10, 3},     {"أسعار", 3, 2},
        {"أسعار", 4, 4}, {"\xff\xff", 1, 1}, {"", 5, 0},
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        assert_int_equal(kh_display_cut(cuts[i].input, strlen(cuts[i].input), cuts[i].max),
                         cuts[i].expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_rows),
        cmocka_unit_test(id_rows),
        cmocka_unit_test(utf8_rows),
        cmocka_unit_test(actions),
        cmocka_unit_test(cuts_whole_characters),
        cmocka_unit_test(cut_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
