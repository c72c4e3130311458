/*
 * analyzer_test.c - the whole pipeline, text -> tokens -> terms, as the
 * indexer and the searcher see it.
 *
 * Each row gives an input and, for every token, its surface (the exact text
 * its span must cover, found after the previous token), its norm and its
 * term. Every row is run on a heap copy of exactly len bytes with no NUL
 * after it, so that a sanitizer build catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"

#define MAX_TOKENS 16

typedef struct {
    const char *surface; /* NULL ends the list */
    const char *norm;
    const char *term;
} want_t;

typedef struct {
    const char *what;
    const char *text;
    size_t len; /* 0: strlen(text) */
    want_t want[MAX_TOKENS];
} row_t;

typedef struct {
    size_t start, end;
    unsigned position;
    kh_script_t script;
    char norm[KH_TOKEN_FORM_MAX + 1];
    char term[KH_TOKEN_FORM_MAX + 1];
} got_t;

typedef struct {
    got_t tok[64];
    size_t n;
    size_t stop_after; /* 0: never stop */
} got_list_t;

static kh_status_t collect(void *ctx, const kh_token_t *t, kh_error_t *err)
{
    (void)err;
    got_list_t *g = ctx;
    assert_true(g->n < sizeof g->tok / sizeof *g->tok);
    /* The strings are NUL-terminated at their length, and never longer than a term may be. */
    assert_int_equal(t->norm[t->norm_len], '\0');
    assert_int_equal(t->term[t->term_len], '\0');
    assert_true(t->norm_len <= KH_TOKEN_FORM_MAX && t->term_len <= KH_TOKEN_FORM_MAX);
    got_t *o = &g->tok[g->n++];
    o->start = t->start;
    o->end = t->end;
    o->position = t->position;
    o->script = t->script;
    memcpy(o->norm, t->norm, t->norm_len + 1);
    memcpy(o->term, t->term, t->term_len + 1);
    return g->stop_after && g->n == g->stop_after ? KH_STOP : KH_OK;
}

/* Runs the analyzer on an exact-size heap copy of text. */
static void analyse(kh_analyzer_t *a, const char *text, size_t len, got_list_t *got)
{
    memset(got, 0, sizeof *got);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    kh_error_t err;
    assert_int_equal(kh_analyzer_run(a, copy, len, collect, got, &err), KH_OK);
    free(copy);
}

static size_t find(const char *text, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return i;
    return (size_t)-1;
}

static void check_rows(kh_analyzer_t *a, const row_t *rows, size_t count)
{
    int failed = 0;
    for (size_t r = 0; r < count; r++) {
        const row_t *row = &rows[r];
        size_t len = row->len ? row->len : strlen(row->text);
        got_list_t got;
        analyse(a, row->text, len, &got);
        size_t want_n = 0;
        while (want_n < MAX_TOKENS && row->want[want_n].surface)
            want_n++;
        if (got.n != want_n) {
            print_error("%s: %zu tokens, want %zu\n", row->what, got.n, want_n);
            for (size_t i = 0; i < got.n; i++)
                print_error("  got [%zu,%zu) %s %s\n", got.tok[i].start, got.tok[i].end,
                            got.tok[i].norm, got.tok[i].term);
            failed = 1;
            continue;
        }
        size_t prev_end = 0;
        for (size_t i = 0; i < want_n; i++) {
            const want_t *w = &row->want[i];
            const got_t *g = &got.tok[i];
            size_t start = find(row->text, len, prev_end, w->surface);
            size_t end = start + strlen(w->surface);
            if (g->start != start || g->end != end || g->position != i + 1 ||
                strcmp(g->norm, w->norm) != 0 || strcmp(g->term, w->term) != 0) {
                print_error("%s: token %zu: got [%zu,%zu) pos %u norm '%s' term '%s'; "
                            "want [%zu,%zu) '%s' pos %zu norm '%s' term '%s'\n",
                            row->what, i, g->start, g->end, g->position, g->norm, g->term, start,
                            end, w->surface, i + 1, w->norm, w->term);
                failed = 1;
            }
            prev_end = end;
        }
    }
    if (failed)
        fail();
}

#define CHECK_ROWS(state, rows) check_rows(*(state), rows, sizeof rows / sizeof *rows)

/*
 * DESIGN.md's known weak cases of plain Snowball, and what the pipeline
 * gives now. Each pair a user would type either way; the rows that still
 * disagree say why.
 */
static const row_t design_cases[] = {
    /* Plain Snowball: الشركة -> شرك but الشركه -> شركه. ة -> ه makes them one input. */
    {"teh marbuta", "الشركة", 0, {{"الشركة", "الشركه", "شرك"}}},
    {"teh marbuta as heh", "الشركه", 0, {{"الشركه", "الشركه", "شرك"}}},
    {"English case: Musk", "Musk", 0, {{"Musk", "musk", "musk"}}},
    {"English case: MUSK", "MUSK", 0, {{"MUSK", "musk", "musk"}}},
    {"English case: musk", "musk", 0, {{"musk", "musk", "musk"}}},
    /* Plain Snowball: الاصطناعي -> اصطناع but الاصطناعى -> اصطناعي. ى -> ي. */
    {"final yeh", "الاصطناعي", 0, {{"الاصطناعي", "الاصطناعي", "اصطناع"}}},
    {"final alef maqsura", "الاصطناعى", 0, {{"الاصطناعى", "الاصطناعي", "اصطناع"}}},
    /*
     * Plain Snowball: والشركات -> والشركا. The prefix step removes وال, and
     * every form of the plural now agrees. Not with the singular (شرك):
     * without the article Snowball tries the verb suffixes first and takes
     * the ت of ات as one; it knows a noun only by its article. Handing it
     * the article back (so that الشركات -> شرك as in plain Snowball) did no
     * better in the prototype and loses الشركه == الشركة.
     */
    {"waw + article + plural", "والشركات", 0, {{"والشركات", "والشركات", "شركا"}}},
    {"article + plural", "الشركات", 0, {{"الشركات", "الشركات", "شركا"}}},
    {"bare plural", "شركات", 0, {{"شركات", "شركات", "شركا"}}},
    /*
     * Still disagree: لماسك -> لماس, ماسك -> ماس. A lone ل before a letter
     * other than a hamza-alef is as often the first letter of the word
     * (لبنان, لندن, لجنة, لعب) as the preposition, so it is left alone; the
     * same name with a hamza-initial spelling is handled (next rows).
     */
    {"lam + name", "لماسك", 0, {{"لماسك", "لماسك", "لماس"}}},
    {"name", "ماسك", 0, {{"ماسك", "ماسك", "ماس"}}},
    /*
     * Plain Snowball: لألتمان -> لالتم, ألتمان -> التم. ل before a hamza-alef
     * is the preposition; the article step then treats أل like ال, for every
     * spelling alike, so all three agree.
     */
    {"lam + hamza-alef name", "لألتمان", 0, {{"لألتمان", "لالتمان", "تمان"}}},
    {"hamza-alef name", "ألتمان", 0, {{"ألتمان", "التمان", "تمان"}}},
    {"name written without hamza", "التمان", 0, {{"التمان", "التمان", "تمان"}}},
    /*
     * Still disagrees: the same without hamza and with ل (لالتمان -> لالتم):
     * ل before a bare ا begins too many words (لاعب, لازم) to be removed.
     */
    {"lam + name without hamza", "لالتمان", 0, {{"لالتمان", "لالتمان", "لالتم"}}},
};

static void test_design_weak_cases(void **state)
{
    CHECK_ROWS(state, design_cases);
}

/* Vocalisation, and its English counterpart: accents. */
static const row_t vocalised_cases[] = {
    {"fully vocalised",
     "الذَّكَاءُ الاصْطِنَاعِيُّ",
     0,
     {{"الذَّكَاءُ", "الذكاء", "ذكاء"}, {"الاصْطِنَاعِيُّ", "الاصطناعي", "اصطناع"}}},
    {"unvocalised",
     "الذكاء الاصطناعي",
     0,
     {{"الذكاء", "الذكاء", "ذكاء"}, {"الاصطناعي", "الاصطناعي", "اصطناع"}}},
    {"accent", "café", 0, {{"café", "cafe", "cafe"}}},
    {"accent, upper case", "CAFÉ", 0, {{"CAFÉ", "cafe", "cafe"}}},
    {"accent, decomposed (NFD)", "cafe\xcc\x81", 0, {{"cafe\xcc\x81", "cafe", "cafe"}}},
    {"no accent", "cafe", 0, {{"cafe", "cafe", "cafe"}}},
    {"tanween", "دائمًا", 0, {{"دائمًا", "دائما", "دايم"}}},
    {"no tanween", "دائما", 0, {{"دائما", "دائما", "دايم"}}},
    {"diaeresis", "naïve", 0, {{"naïve", "naive", "naiv"}}},
    /* Alef wasla ٱ and the small high sukun U+06E1, which Snowball does not strip. */
    {"alef wasla + Quranic sukun", "ٱلْحَمْدُ", 0, {{"ٱلْحَمْدُ", "الحمد", "حمد"}}},
    {"plain spelling", "الحمد", 0, {{"الحمد", "الحمد", "حمد"}}},
    {"Quranic small high sign U+06E1", "مِّنۡ", 0, {{"مِّنۡ", "من", "من"}}},
    /* ٱلْحَقَّ keeps its article: two letters would be left (the guard in stem.c). */
    {"Quranic signs U+06DF, U+06DA; madda sign U+0653",
     "قَالُوٓا۟ ٱلْحَقَّ ۚ",
     0,
     {{"قَالُوٓا۟", "قالوا", "قال"}, {"ٱلْحَقَّ", "الحق", "الحق"}}},
    /*
     * Superscript alef -> ا, as the earlier study measured best. The price:
     * هٰذا gives هاذا, not the usual spelling هذا.
     */
    {"superscript alef", "ٱلرَّحْمَـٰنِ", 0, {{"ٱلرَّحْمَـٰنِ", "الرحمان", "رحمان"}}},
    {"superscript alef (demonstrative)", "هٰذا", 0, {{"هٰذا", "هاذا", "هاذ"}}},
};

static void test_vocalisation(void **state)
{
    CHECK_ROWS(state, vocalised_cases);
}

/* The fully vocalised phrase gives exactly the terms of the plain one. */
static void test_vocalised_equals_plain(void **state)
{
    static const char *const pairs[][2] = {
        {"الذَّكَاءُ الاصْطِنَاعِيُّ", "الذكاء الاصطناعي"},
        {"وَٱلشَّرِكَاتُ", "والشركات"},
        {"Café NAÏVE", "cafe naive"},
    };
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
        got_list_t a, b;
        analyse(*state, pairs[p][0], strlen(pairs[p][0]), &a);
        analyse(*state, pairs[p][1], strlen(pairs[p][1]), &b);
        assert_int_equal(a.n, b.n);
        for (size_t i = 0; i < a.n; i++) {
            assert_string_equal(a.tok[i].term, b.tok[i].term);
            assert_string_equal(a.tok[i].norm, b.tok[i].norm);
        }
    }
}

/* What real news text does: quotes glued to words, tatweel, ligatures, joiners, apostrophes,
 * hyphens. */
static const row_t seed_text_cases[] = {
    {"curly quotes around a word", "“ماسك”", 0, {{"ماسك", "ماسك", "ماس"}}},
    {"straight quotes around a word", "\"Musk\"", 0, {{"Musk", "musk", "musk"}}},
    /*
     * و”سام: the quote separates the conjunction from the name, so و is a
     * one-letter token of its own (as "و سام" with a space would be). It is
     * not glued back: the writer split it, and its term is so frequent that
     * BM25 gives it almost no weight. A phrase "ماسك وسام" does not match
     * across it; "ماسك و سام" does.
     */
    {"conjunction before a quote",
     "“ماسك” و”سام",
     0,
     {{"ماسك", "ماسك", "ماس"}, {"و", "و", "و"}, {"سام", "سام", "سام"}}},
    {"tatweel before a quote", "لـ”ألتمان”", 0, {{"لـ", "ل", "ل"}, {"ألتمان", "التمان", "تمان"}}},
    {"tatweel inside a word", "الشـــركة", 0, {{"الشـــركة", "الشركه", "شرك"}}},
    {"lam-alef ligature", "ﻻ", 0, {{"ﻻ", "لا", "لا"}}},
    {"lam-alef-hamza ligature", "ﻷن", 0, {{"ﻷن", "لان", "لان"}}},
    {"presentation forms", "ﺍﻟﺸﺮﻛﺔ", 0, {{"ﺍﻟﺸﺮﻛﺔ", "الشركه", "شرك"}}},
    {"ZWNJ inside a word",
     "ماس\xe2\x80\x8c"
     "ك",
     0,
     {{"ماس\xe2\x80\x8c"
       "ك",
       "ماسك", "ماس"}}},
    {"ZWJ inside a word",
     "ال\xe2\x80\x8d"
     "شركة",
     0,
     {{"ال\xe2\x80\x8d"
       "شركة",
       "الشركه", "شرك"}}},
    {"ZWNJ at the edges is not in the span",
     "\xe2\x80\x8c"
     "ماسك\xe2\x80\x8c",
     0,
     {{"ماسك", "ماسك", "ماس"}}},
    {"Persian ZWNJ",
     "نمی\xe2\x80\x8c"
     "خواهم",
     0,
     {{"نمی\xe2\x80\x8c"
       "خواهم",
       "نميخواهم", "نميخو"}}},
    {"apostrophe", "Altman's", 0, {{"Altman's", "altman's", "altman"}}},
    {"typeset apostrophe", "Altman’s", 0, {{"Altman’s", "altman's", "altman"}}},
    {"quotes are not apostrophes",
     "'quoted' o''x",
     0,
     {{"quoted", "quoted", "quot"}, {"o", "o", "o"}, {"x", "x", "x"}}},
    {"hyphen splits",
     "closed-source",
     0,
     {{"closed", "closed", "close"}, {"source", "source", "sourc"}}},
    {"letters and digits", "Web3 5G", 0, {{"Web3", "web3", "web3"}, {"5G", "5g", "5g"}}},
    {"hyphenated code", "COVID-19", 0, {{"COVID", "covid", "covid"}, {"19", "19", "19"}}},
    {"Arabic clitic before Latin",
     "لـOpenAI",
     0,
     {{"لـ", "ل", "ل"}, {"OpenAI", "openai", "openai"}}},
    {"Arabic glued to Latin", "وChatGPT", 0, {{"و", "و", "و"}, {"ChatGPT", "chatgpt", "chatgpt"}}},
};

static void test_seed_text(void **state)
{
    CHECK_ROWS(state, seed_text_cases);
}

static const row_t number_cases[] = {
    {"Arabic-Indic digits", "٢٠١٨", 0, {{"٢٠١٨", "2018", "2018"}}},
    {"ASCII digits", "2018", 0, {{"2018", "2018", "2018"}}},
    {"Persian digits", "۲۰۱۸", 0, {{"۲۰۱۸", "2018", "2018"}}},
    {"Arabic decimal separator", "٣٫٥", 0, {{"٣٫٥", "3.5", "3.5"}}},
    {"decimal point", "3.5", 0, {{"3.5", "3.5", "3.5"}}},
    {"Arabic thousands separator", "١٬٠٠٠", 0, {{"١٬٠٠٠", "1,000", "1,000"}}},
    {"thousands comma", "1,000", 0, {{"1,000", "1,000", "1,000"}}},
    {"separators only between digits",
     "3. ,5 3.x",
     0,
     {{"3", "3", "3"}, {"5", "5", "5"}, {"3", "3", "3"}, {"x", "x", "x"}}},
    {"version number", "v1.2", 0, {{"v1.2", "v1.2", "v1.2"}}},
    {"Gregorian year mark", "2014م", 0, {{"2014", "2014", "2014"}, {"م", "م", "م"}}},
    {"Hijri year mark", "1436هـ", 0, {{"1436", "1436", "1436"}, {"هـ", "ه", "ه"}}},
    {"article glued to a number", "الـ24", 0, {{"الـ", "ال", "ال"}, {"24", "24", "24"}}},
    {"conjunction glued to a number", "و12", 0, {{"و", "و", "و"}, {"12", "12", "12"}}},
    {"percent", "50%", 0, {{"50", "50", "50"}}},
};

static void test_numbers(void **state)
{
    CHECK_ROWS(state, number_cases);
}

static const row_t separator_cases[] = {
    {"emoji between Arabic words",
     "مرحبا😀عالم",
     0,
     {{"مرحبا", "مرحبا", "مرحب"}, {"عالم", "عالم", "عالم"}}},
    {"emoji between English words",
     "hello😀world",
     0,
     {{"hello", "hello", "hello"}, {"world", "world", "world"}}},
    {"emoji with variation selector and ZWJ",
     "❤️ماسك 👩‍💻Musk",
     0,
     {{"ماسك", "ماسك", "ماس"}, {"Musk", "musk", "musk"}}},
    {"Arabic punctuation",
     "ماسك، سام؛ لماذا؟",
     0,
     {{"ماسك", "ماسك", "ماس"}, {"سام", "سام", "سام"}, {"لماذا", "لماذا", "لماذ"}}},
    {"hashtag, mention, dash",
     "#OpenAI @sama a—b",
     0,
     {{"OpenAI", "openai", "openai"}, {"sama", "sama", "sama"}, {"a", "a", "a"}, {"b", "b", "b"}}},
    /* A run of tatweel is decoration, not a word: it takes no position. */
    {"tatweel only", "ماسك ـــ سام", 0, {{"ماسك", "ماسك", "ماس"}, {"سام", "سام", "سام"}}},
    {"stray mark", "ماسك \xd9\x8e سام", 0, {{"ماسك", "ماسك", "ماس"}, {"سام", "سام", "سام"}}},
};

static void test_separators(void **state)
{
    CHECK_ROWS(state, separator_cases);
}

/* The guards of the prefix step (stem.c explains each). */
static const row_t prefix_cases[] = {
    {"و + ا: active participle kept", "والي", 0, {{"والي", "والي", "وال"}}},
    {"short word kept", "ولد", 0, {{"ولد", "ولد", "ولد"}}},
    {"و + ا: kept", "والد", 0, {{"والد", "والد", "والد"}}},
    {"lone و left to Snowball", "وطني", 0, {{"وطني", "وطني", "وطن"}}},
    {"و before hamza-alef", "وأكد", 0, {{"وأكد", "واكد", "اكد"}}},
    {"same verb alone", "أكد", 0, {{"أكد", "اكد", "اكد"}}},
    {"two letters after the article: kept", "الله", 0, {{"الله", "الله", "الله"}}},
    {"و + لل", "وللشركة", 0, {{"وللشركة", "وللشركه", "شرك"}}},
    {"و + بال", "وبالشركة", 0, {{"وبالشركة", "وبالشركه", "شرك"}}},
    {"لل", "للبشرية", 0, {{"للبشرية", "للبشريه", "بشر"}}},
    {"بال", "بالتعاون", 0, {{"بالتعاون", "بالتعاون", "تعاون"}}},
    {"ف before hamza-alef", "فأكثر", 0, {{"فأكثر", "فاكثر", "اكثر"}}},
    {"decomposed hamza-alef",
     "و\xd8\xa7\xd9\x94"
     "كد",
     0,
     {{"و\xd8\xa7\xd9\x94"
       "كد",
       "واكد", "اكد"}}},
};

static void test_prefix_guards(void **state)
{
    CHECK_ROWS(state, prefix_cases);
}

static const row_t letter_form_cases[] = {
    {"Persian keheh", "کتاب", 0, {{"کتاب", "كتاب", "كتاب"}}},
    {"Persian yeh", "فارسی", 0, {{"فارسی", "فارسي", "فارس"}}},
    {"Persian heh forms", "ە ۀ ہ", 0, {{"ە", "ه", "ه"}, {"ۀ", "ه", "ه"}, {"ہ", "ه", "ه"}}},
    {"Persian letters kept", "پ گ", 0, {{"پ", "پ", "پ"}, {"گ", "گ", "گ"}}},
    /* Hamza seats are kept (normalize.c): these two spellings still differ. */
    {"hamza on waw", "مسؤول", 0, {{"مسؤول", "مسؤول", "مسوول"}}},
    {"hamza on yeh", "مسئول", 0, {{"مسئول", "مسئول", "مسيول"}}},
    {"decomposed hamza on waw composes", "مسو\xd9\x94ول", 0, {{"مسو\xd9\x94ول", "مسؤول", "مسوول"}}},
    {"fullwidth and ligature",
     "Ｆｕｌｌ ﬁne",
     0,
     {{"Ｆｕｌｌ", "full", "full"}, {"ﬁne", "fine", "fine"}}},
    {"sharp s", "Straße", 0, {{"Straße", "strasse", "strass"}}},
    {"Cyrillic: other script, not stemmed", "Москва", 0, {{"Москва", "москва", "москва"}}},
    {"Han: one token per ideograph; Katakana run",
     "東京タワー",
     0,
     {{"東", "東", "東"}, {"京", "京", "京"}, {"タワー", "タワー", "タワー"}}},
};

static void test_letter_forms(void **state)
{
    CHECK_ROWS(state, letter_form_cases);
}

/* Invalid UTF-8 and NUL bytes separate; explicit spans. */
static const row_t bad_byte_cases[] = {
    {"invalid bytes in the middle",
     "ماسك\xff\xfeسام",
     0,
     {{"ماسك", "ماسك", "ماس"}, {"سام", "سام", "سام"}}},
    {"truncated sequence at the very end",
     "Musk ماسك\xd9",
     0,
     {{"Musk", "musk", "musk"}, {"ماسك", "ماسك", "ماس"}}},
    {"truncated 3-byte sequence at the end", "Musk\xe2\x80", 0, {{"Musk", "musk", "musk"}}},
    {"lone lead byte inside a word", "Mu\xc3sk", 0, {{"Mu", "mu", "mu"}, {"sk", "sk", "sk"}}},
    {"overlong and surrogate",
     "a\xc0\xaf"
     "b\xed\xa0\x80"
     "c",
     0,
     {{"a", "a", "a"}, {"b", "b", "b"}, {"c", "c", "c"}}},
    {"NUL byte", "Musk\0Altman", 11, {{"Musk", "musk", "musk"}, {"Altman", "altman", "altman"}}},
};

static void test_invalid_utf8(void **state)
{
    CHECK_ROWS(state, bad_byte_cases);
    /* The same, with the offsets spelled out. */
    got_list_t got;
    analyse(*state, "ماسك\xff\xfeسام", 16, &got);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.tok[0].start, 0);
    assert_int_equal(got.tok[0].end, 8);
    assert_int_equal(got.tok[1].start, 10);
    assert_int_equal(got.tok[1].end, 16);
    analyse(*state, "Musk \xd9\x85\xd8", 8, &got); /* "Musk م" then half a letter */
    assert_int_equal(got.n, 2);
    assert_int_equal(got.tok[1].start, 5);
    assert_int_equal(got.tok[1].end, 7);
    assert_string_equal(got.tok[1].norm, "م");
}

static void test_empty(void **state)
{
    got_list_t got;
    analyse(*state, "", 0, &got);
    assert_int_equal(got.n, 0);
    kh_error_t err;
    assert_int_equal(kh_analyzer_run(*state, NULL, 0, collect, &got, &err), KH_OK);
    assert_int_equal(got.n, 0);
    analyse(*state, " ،.“” 😀 ـــ \xff", strlen(" ،.“” 😀 ـــ \xff"), &got);
    assert_int_equal(got.n, 0);
}

static void test_positions_and_scripts(void **state)
{
    const char *text = "قال “إيلون ماسك” إن OpenAI في 2018، ٢٠١٨ Москва";
    got_list_t got;
    analyse(*state, text, strlen(text), &got);
    static const kh_script_t scripts[] = {
        KH_SCRIPT_ARABIC, KH_SCRIPT_ARABIC, KH_SCRIPT_ARABIC, KH_SCRIPT_ARABIC, KH_SCRIPT_LATIN,
        KH_SCRIPT_ARABIC, KH_SCRIPT_DIGIT,  KH_SCRIPT_DIGIT,  KH_SCRIPT_OTHER,
    };
    assert_int_equal(got.n, sizeof scripts / sizeof *scripts);
    for (size_t i = 0; i < got.n; i++) {
        assert_int_equal(got.tok[i].position, i + 1);
        assert_int_equal(got.tok[i].script, scripts[i]);
        assert_true(got.tok[i].start < got.tok[i].end);
        if (i > 0)
            assert_true(got.tok[i - 1].end <= got.tok[i].start);
    }
}

static int valid_cut(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        int n = kh_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n < 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

/* Norms and terms are cut at KH_TOKEN_FORM_MAX bytes, at a code point boundary; the span is whole.
 */
static void test_long_tokens(void **state)
{
    char text[6000];
    got_list_t got;

    /* 150 Arabic letters (300 bytes) -> 100 letters. */
    size_t len = 0;
    for (int i = 0; i < 150; i++)
        len += (size_t)sprintf(text + len, "ب");
    analyse(*state, text, len, &got);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.tok[0].end, 300);
    assert_int_equal(strlen(got.tok[0].norm), 200);
    assert_true(strlen(got.tok[0].term) <= 200);
    assert_true(valid_cut(got.tok[0].term, strlen(got.tok[0].term)));

    /* "a" + 150 two-byte letters: the cut falls at 199 bytes, not inside a letter. */
    len = (size_t)sprintf(text, "a");
    for (int i = 0; i < 150; i++)
        len += (size_t)sprintf(text + len, "ı");
    analyse(*state, text, len, &got);
    assert_int_equal(got.n, 1);
    assert_int_equal(strlen(got.tok[0].norm), 199);
    assert_true(valid_cut(got.tok[0].norm, 199));

    /* A token longer than the normaliser reads, followed by a word that keeps its position. */
    memset(text, 'x', 5000);
    memcpy(text + 5000, " Musk", 5);
    analyse(*state, text, 5005, &got);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.tok[0].end, 5000);
    assert_int_equal(strlen(got.tok[0].norm), 200);
    assert_int_equal(got.tok[1].position, 2);
    assert_string_equal(got.tok[1].term, "musk");

    /* Fully vocalised text: 1024 bytes of input still fill the 200-byte form. */
    len = 0;
    while (len + 6 <= 1500)
        len += (size_t)sprintf(text + len, "بَّ");
    analyse(*state, text, len, &got);
    assert_int_equal(got.n, 1);
    assert_int_equal(strlen(got.tok[0].norm), 200);
}

/*
 * Random bytes, biased towards the pieces of real text (Arabic letters and
 * marks, tatweel, joiners, quotes, digits, separators) and towards broken
 * sequences: spans stay inside the text, in order, and the forms are valid
 * UTF-8. Deterministic (fixed seed); the sanitizer build checks the reads.
 */
static void test_random_bytes(void **state)
{
    static const char *const pieces[] = {
        "ب",    "ال",       "\xd9\x8e", "\xd9\x94", "ـ", "\xe2\x80\x8c",
        "”",    "'",        "’",        "7",        "٣", ".",
        ",",    " ",        "-",        "a",        "É", "😀",
        "\xd9", "\xe2\x80", "\xff",     "\x80",     "ﻷ", "ٰ",
        "\0",   "中",
    };
    uint32_t seed = 12345;
    char text[256];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t count = (seed >> 16) % 40;
        for (size_t i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            size_t n = *p ? strlen(p) : 1; /* "\0" is one NUL byte */
            if (len + n > sizeof text)
                break;
            memcpy(text + len, p, n);
            len += n;
        }
        got_list_t got;
        analyse(*state, text, len, &got);
        size_t prev_end = 0;
        for (size_t i = 0; i < got.n; i++) {
            assert_true(got.tok[i].start >= prev_end);
            assert_true(got.tok[i].start < got.tok[i].end && got.tok[i].end <= len);
            assert_int_equal(got.tok[i].position, i + 1);
            assert_true(strlen(got.tok[i].norm) > 0);
            assert_true(valid_cut(got.tok[i].norm, strlen(got.tok[i].norm)));
            assert_true(valid_cut(got.tok[i].term, strlen(got.tok[i].term)));
            prev_end = got.tok[i].end;
        }
    }
}

static void test_stop_early(void **state)
{
    got_list_t got;
    memset(&got, 0, sizeof got);
    got.stop_after = 2;
    kh_error_t err;
    const char *text = "one two three four";
    assert_int_equal(kh_analyzer_run(*state, text, strlen(text), collect, &got, &err), KH_STOP);
    assert_int_equal(got.n, 2);
}

/* A callback that fails on its second token, as an allocation would. */
static kh_status_t fail_second(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)tok;
    if (++*(int *)ctx == 2)
        return kh_error_set(err, KH_ERR_NOMEM, "no room for the second word");
    return KH_OK;
}

/* The callback's error is what the run returns, its message intact, and no token follows it. */
static void test_callback_error_returned(void **state)
{
    int seen = 0;
    kh_error_t err;
    const char *text = "one two three four";
    assert_int_equal(kh_analyzer_run(*state, text, strlen(text), fail_second, &seen, &err),
                     KH_ERR_NOMEM);
    assert_int_equal(err.status, KH_ERR_NOMEM);
    assert_string_equal(err.message, "no room for the second word");
    assert_int_equal(seen, 2);
}

static void test_join_and_term(void **state)
{
    char out[64];
    size_t out_len;
    kh_error_t err;
    assert_int_equal(kh_analyzer_term(*state, "Musk", 4, out, sizeof out, &out_len, &err), KH_OK);
    assert_string_equal(out, "musk");
    assert_int_equal(out_len, 4);
    const char *word = "لألتمان";
    assert_int_equal(kh_analyzer_term(*state, word, strlen(word), out, sizeof out, &out_len, &err),
                     KH_OK);
    assert_string_equal(out, "تمان");
    const char *section = "Middle-East أعمال";
    assert_int_equal(kh_analyzer_join(*state, section, strlen(section), KH_FORM_NORM, '_', out,
                                      sizeof out, &out_len, &err),
                     KH_OK);
    assert_string_equal(out, "middle_east_اعمال");
    assert_int_equal(out_len, strlen("middle_east_اعمال"));
    assert_int_equal(kh_analyzer_term(*state, "“”", strlen("“”"), out, sizeof out, &out_len, &err),
                     KH_OK);
    assert_string_equal(out, "");
    assert_int_equal(out_len, 0);
    /* Too small: an error, the size needed, and an empty string. */
    char small[8];
    assert_int_equal(kh_analyzer_join(*state, section, strlen(section), KH_FORM_NORM, '_', small,
                                      sizeof small, &out_len, &err),
                     KH_ERR_ARG);
    assert_int_equal(err.status, KH_ERR_ARG);
    assert_int_equal(out_len, strlen("middle_east_اعمال"));
    assert_string_equal(small, "");
}

static void test_arguments(void **state)
{
    kh_error_t err;
    got_list_t got;
    assert_int_equal(kh_analyzer_run(NULL, "a", 1, collect, &got, &err), KH_ERR_ARG);
    assert_int_equal(kh_analyzer_run(*state, "a", 1, NULL, &got, &err), KH_ERR_ARG);
    assert_int_equal(kh_analyzer_run(*state, NULL, 1, collect, &got, &err), KH_ERR_ARG);
    assert_int_equal(kh_analyzer_new(NULL, &err), KH_ERR_ARG);
    kh_analyzer_free(NULL);
    assert_non_null(kh_analyzer_version());
    assert_true(strlen(kh_analyzer_version()) > 0);
}

static int setup(void **state)
{
    kh_analyzer_t *a;
    if (kh_analyzer_new(&a, NULL) != KH_OK)
        return -1;
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    kh_analyzer_free(*state);
    return 0;
}

/* The phonetic key of each word (phonetic.h), taken after the article but not from a name's own أل.
 */
typedef struct {
    char keys[MAX_TOKENS][40];
    size_t n;
} keys_t;

static kh_status_t collect_key(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    keys_t *k = ctx;
    if (k->n < MAX_TOKENS)
        snprintf(k->keys[k->n++], sizeof k->keys[0], "%s", tok->key);
    return KH_OK;
}

static void test_phonetic_keys(void **state)
{
    kh_analyzer_t *a = *state;
    static const struct {
        const char *text;
        const char *keys[MAX_TOKENS];
    } rows[] = {
        {"Musk ماسك وماسك الماسك للماسك مسك", {"msk", "msk", "msk", "lmsk", "lmsk", ""}},
        {"Altman ألتمان التمان لألتمان وألتمان بالتمان",
         {"ltmn", "ltmn", "ltmn", "ltmn", "ltmn", "ltmn"}},
        {"Zuckerberg زوكربيرغ 2023", {"skrbrk", "skrbrk", ""}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        keys_t got = {0};
        assert_int_equal(
            kh_analyzer_run(a, rows[i].text, strlen(rows[i].text), collect_key, &got, NULL), KH_OK);
        for (size_t j = 0; j < got.n; j++)
            if (!rows[i].keys[j] || strcmp(got.keys[j], rows[i].keys[j]) != 0)
                fail_msg("'%s': word %zu has key '%s', expected '%s'", rows[i].text, j + 1,
                         got.keys[j], rows[i].keys[j] ? rows[i].keys[j] : "(no word)");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_weak_cases),
        cmocka_unit_test(test_vocalisation),
        cmocka_unit_test(test_vocalised_equals_plain),
        cmocka_unit_test(test_seed_text),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_prefix_guards),
        cmocka_unit_test(test_letter_forms),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_positions_and_scripts),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_join_and_term),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_phonetic_keys),
        cmocka_unit_test(test_callback_error_returned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
