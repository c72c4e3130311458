/*
 * normalize_test.c - one token in, its normalised form out.
 *
 * Rows give the script the tokenizer reports, the token and its form.
 * Where a rule has a fast-path and a utf8proc-path way in (precomposed and
 * decomposed hamza, say), both are rows with the same expected form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "khabar/normalize.h"

typedef struct {
    const char *what;
    kh_script_t script;
    const char *token;
    const char *norm;
} row_t;

static const row_t rows[] = {
    /* Latin and Arabic side by side. */
    {"case", KH_SCRIPT_LATIN, "MuSK", "musk"},
    {"harakat and shadda", KH_SCRIPT_ARABIC, "الذَّكَاءُ", "الذكاء"},
    {"accent", KH_SCRIPT_LATIN, "CAFÉ", "cafe"},
    {"tanween", KH_SCRIPT_ARABIC, "دائمًا", "دائما"},
    {"accent, decomposed", KH_SCRIPT_LATIN, "cafe\xcc\x81", "cafe"},
    {"tatweel", KH_SCRIPT_ARABIC, "الشـــركة", "الشركه"},
    {"typeset apostrophe", KH_SCRIPT_LATIN, "Altman’s", "altman's"},
    {"ZWNJ and ZWJ", KH_SCRIPT_ARABIC, "ما\xe2\x80\x8cس\xe2\x80\x8dك", "ماسك"},
    {"fullwidth", KH_SCRIPT_LATIN, "Ｆｕｌｌ", "full"},
    {"lam-alef ligature", KH_SCRIPT_ARABIC, "ﻻ", "لا"},
    {"ligature fi", KH_SCRIPT_LATIN, "ﬁne", "fine"},
    {"presentation forms", KH_SCRIPT_ARABIC, "ﺍﻟﺸﺮﻛﺔ", "الشركه"},
    {"sharp s", KH_SCRIPT_LATIN, "Straße", "strasse"},
    {"dotted capital I", KH_SCRIPT_LATIN, "İstanbul", "istanbul"},
    {"soft hyphen", KH_SCRIPT_LATIN,
     "in\xc2\xad"
     "side",
     "inside"},
    /* Arabic letters. */
    {"alef with hamza above", KH_SCRIPT_ARABIC, "أكد", "اكد"},
    {"alef with hamza above, decomposed", KH_SCRIPT_ARABIC,
     "\xd8\xa7\xd9\x94"
     "كد",
     "اكد"},
    {"alef with hamza below", KH_SCRIPT_ARABIC, "إلى", "الي"},
    {"alef with madda", KH_SCRIPT_ARABIC, "آخر", "اخر"},
    {"alef with madda, decomposed", KH_SCRIPT_ARABIC,
     "\xd8\xa7\xd9\x93"
     "خر",
     "اخر"},
    {"alef wasla", KH_SCRIPT_ARABIC, "ٱلحمد", "الحمد"},
    {"superscript alef", KH_SCRIPT_ARABIC, "ٱلرَّحْمَـٰنِ", "الرحمان"},
    {"small high sukun U+06E1", KH_SCRIPT_ARABIC, "مِّنۡ", "من"},
    {"madda sign, small high rounded zero U+06DF", KH_SCRIPT_ARABIC, "قَالُوٓا۟", "قالوا"},
    {"alef maqsura", KH_SCRIPT_ARABIC, "الاصطناعى", "الاصطناعي"},
    {"teh marbuta", KH_SCRIPT_ARABIC, "شركة", "شركه"},
    {"hamza on waw kept", KH_SCRIPT_ARABIC, "مسؤول", "مسؤول"},
    {"hamza on waw kept, decomposed", KH_SCRIPT_ARABIC, "مسو\xd9\x94ول", "مسؤول"},
    {"hamza on yeh kept", KH_SCRIPT_ARABIC, "مسئول", "مسئول"},
    {"hamza on the line kept", KH_SCRIPT_ARABIC, "شيء", "شيء"},
    {"Persian keheh and yeh", KH_SCRIPT_ARABIC, "کتابی", "كتابي"},
    {"Persian heh forms", KH_SCRIPT_ARABIC, "ەۀہھ", "هههه"},
    {"Urdu yeh barree, teh marbuta goal, noon ghunna", KH_SCRIPT_ARABIC, "ےۃں", "يهن"},
    {"Persian letters kept", KH_SCRIPT_ARABIC, "پچژگ", "پچژگ"},
    {"tatweel only", KH_SCRIPT_ARABIC, "ـــ", ""},
    /* Digits. */
    {"Arabic-Indic digits", KH_SCRIPT_DIGIT, "٢٠١٨", "2018"},
    {"Persian digits", KH_SCRIPT_DIGIT, "۲۰۱۸", "2018"},
    {"Arabic separators", KH_SCRIPT_DIGIT, "١٬٠٠٠٫٥", "1,000.5"},
    {"fullwidth digits", KH_SCRIPT_DIGIT, "１２", "12"},
    {"keycap", KH_SCRIPT_DIGIT, "1\xef\xb8\x8f\xe2\x83\xa3", "1"},
    /* Other scripts: folded, marks kept, recomposed. */
    {"Cyrillic", KH_SCRIPT_OTHER, "Москва", "москва"},
    {"Devanagari keeps its vowel signs", KH_SCRIPT_OTHER, "हिंदी", "हिंदी"},
    {"Hangul stays composed", KH_SCRIPT_OTHER, "한국어", "한국어"},
};

static void test_rows(void **state)
{
    kh_normalizer_t *n = *state;
    int failed = 0;
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        size_t len = strlen(rows[r].token);
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, rows[r].token, len);
        char out[KH_TOKEN_FORM_MAX + 1];
        size_t out_len = 999;
        kh_error_t err;
        kh_status_t st =
            kh_normalize_token(n, copy, len, rows[r].script, out, sizeof out, &out_len, &err);
        free(copy);
        if (st != KH_OK || strcmp(out, rows[r].norm) != 0 || out_len != strlen(rows[r].norm)) {
            print_error("%s: got %s '%s' (%zu), want '%s'\n", rows[r].what, kh_status_name(st),
                        st ? err.message : out, out_len, rows[r].norm);
            failed = 1;
        }
    }
    if (failed)
        fail();
}

static void test_truncation(void **state)
{
    kh_normalizer_t *n = *state;
    char token[700], out[KH_TOKEN_FORM_MAX + 1];
    size_t len = 0, out_len;
    /* 101 three-byte Hangul syllables: 303 bytes -> 66 syllables, 198 bytes. */
    for (int i = 0; i < 101; i++) {
        memcpy(token + len, "한", 3);
        len += 3;
    }
    assert_int_equal(
        kh_normalize_token(n, token, len, KH_SCRIPT_OTHER, out, sizeof out, &out_len, NULL), KH_OK);
    assert_int_equal(out_len, 198);
    assert_int_equal(strlen(out), 198);
    /* The same cut on the fast path: 101 Arabic letters -> 100. */
    len = 0;
    for (int i = 0; i < 101; i++) {
        memcpy(token + len, "ب", 2);
        len += 2;
    }
    assert_int_equal(
        kh_normalize_token(n, token, len, KH_SCRIPT_ARABIC, out, sizeof out, &out_len, NULL),
        KH_OK);
    assert_int_equal(out_len, 200);
}

static void test_errors(void **state)
{
    kh_normalizer_t *n = *state;
    char out[KH_TOKEN_FORM_MAX + 1];
    size_t out_len;
    kh_error_t err;
    assert_int_equal(
        kh_normalize_token(n, "ab\xff", 3, KH_SCRIPT_LATIN, out, sizeof out, &out_len, &err),
        KH_ERR_UTF8);
    assert_int_equal(err.status, KH_ERR_UTF8);
    assert_int_equal(
        kh_normalize_token(n, "ab", 2, KH_SCRIPT_LATIN, out, KH_TOKEN_FORM_MAX, &out_len, &err),
        KH_ERR_ARG);
    assert_int_equal(
        kh_normalize_token(NULL, "ab", 2, KH_SCRIPT_LATIN, out, sizeof out, &out_len, &err),
        KH_ERR_ARG);
    assert_int_equal(
        kh_normalize_token(n, NULL, 0, KH_SCRIPT_LATIN, out, sizeof out, &out_len, &err), KH_OK);
    assert_int_equal(out_len, 0);
    assert_int_equal(kh_normalizer_new(NULL, &err), KH_ERR_ARG);
    kh_normalizer_free(NULL);
}

static int setup(void **state)
{
    kh_normalizer_t *n;
    if (kh_normalizer_new(&n, NULL) != KH_OK)
        return -1;
    *state = n;
    return 0;
}

static int teardown(void **state)
{
    kh_normalizer_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
