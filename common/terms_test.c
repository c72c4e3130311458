/* Unit tests for terms.c: the section, date and language terms both programs build. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(section_terms),
        cmocka_unit_test(date_and_lang_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
