/* Unit tests for terms.c: the terms of the schema both programs build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/terms.h"

static void section_terms(void **state)
{
    (void)state;
    static const struct {
        const char *section, *term;
    } rows[] = {
        {"أعمال", "XSاعمال"},
        {"أَعْمَال", "XSاعمال"}, /* diacritics do not make another section */
        {"Business", "XSbusiness"},
        {"BUSINESS news", "XSbusiness_news"},
        {"Middle-East", "XSmiddle_east"},
        {"  ", ""},
        {"!!!", ""},
    };
    kh_analyzer_t *a;
    assert_int_equal(kh_analyzer_new(&a, NULL), KH_OK);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char term[KH_TERM_MAX];
        assert_int_equal(kh_terms_section(a, rows[i].section, strlen(rows[i].section), term),
                         KH_OK);
        assert_string_equal(term, rows[i].term);
    }
    /* A section too long for a term is refused, not cut. */
    char long_section[600], term[KH_TERM_MAX];
    memset(long_section, 'a', sizeof long_section - 1);
    for (size_t i = 50; i < sizeof long_section - 1; i += 51)
        long_section[i] = ' ';
    long_section[sizeof long_section - 1] = '\0';
    assert_int_equal(kh_terms_section(a, long_section, strlen(long_section), term), KH_ERR_ARG);
    assert_string_equal(term, "");
    kh_analyzer_free(a);
}

static void date_and_lang_terms(void **state)
{
    (void)state;
    static const struct {
        const char *date, *compact;
    } dates[] = {
        {"2023-07-04", "20230704"},
        {"2023-07-04T10:00:00Z", "20230704"},
        {"2023", ""},
        {NULL, ""},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char out[9];
        kh_terms_date(dates[i].date, out);
        assert_string_equal(out, dates[i].compact);
    }
    static const struct {
        const char *code, *term;
    } langs[] = {{"ar", "Lar"}, {"EN", "Len"}, {"en-GB", "Len-gb"}};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        char out[KH_TERM_MAX];
        kh_terms_lang(langs[i].code, out);
        assert_string_equal(out, langs[i].term);
    }
}

/* Each term with its prefix (schema.h), Arabic and English side by side. */
static void prefixed_terms(void **state)
{
    (void)state;
    char out[KH_TERM_MAX];
    static const struct {
        const char *stem, *term;
    } titles[] = {{"ميناء", "Sميناء"}, {"harbour", "Sharbour"}};
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        assert_int_equal(kh_terms_title(titles[i].stem, out), strlen(titles[i].term));
        assert_string_equal(out, titles[i].term);
    }
    assert_int_equal(kh_terms_key(KH_SCRIPT_ARABIC, "MN", out), 5);
    assert_string_equal(out, "XNAMN");
    assert_int_equal(kh_terms_key(KH_SCRIPT_LATIN, "MN", out), 5);
    assert_string_equal(out, "XNLMN");
    static const struct {
        kh_status_t (*make)(const char *, char *, kh_error_t *);
        const char *value, *term;
    } rows[] = {
        {kh_terms_article, "snn-1", "XAsnn-1"},
        {kh_terms_article, "مقال-1", "XAمقال-1"},
        {kh_terms_passage, "snn-1#3", "Qsnn-1#3"},
        {kh_terms_kind, "title", "Ktitle"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(rows[i].make(rows[i].value, out, NULL), KH_OK);
        assert_string_equal(out, rows[i].term);
    }
    char day[KH_TERM_MAX], month[KH_TERM_MAX], year[KH_TERM_MAX];
    kh_terms_date_terms("20230704", day, month, year);
    assert_string_equal(day, "D20230704");
    assert_string_equal(month, "M202307");
    assert_string_equal(year, "Y2023");
    kh_terms_date_terms("", day, month, year);
    assert_string_equal(day, "");
    assert_string_equal(year, "");
    /* Too long: refused with the term's start, and cut to fit. */
    char id[300];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    kh_error_t err = {0};
    assert_int_equal(kh_terms_article(id, out, &err), KH_ERR_ARG);
    assert_int_equal(strlen(out), KH_TERM_MAX - 1);
    assert_string_equal(err.message,
                        "term XAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... is too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(section_terms),
        cmocka_unit_test(date_and_lang_terms),
        cmocka_unit_test(prefixed_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
