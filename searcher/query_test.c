/* Unit tests for the query language parser: clauses, fields, phrases, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"

/* A clause as "OCCUR FIELD VALUE", e.g. "+ text ماسك", "- title x", "  text \"a b\"". */
static void describe(const char *query, const kh_clause_t *c, char *out, size_t size)
{
    static const char *const field_names[] = {"text", "title", "section", "lang", "date"};
    static const char occur_marks[] = {' ', '+', '-'};
    snprintf(out, size, "%c %s %s%.*s%s", occur_marks[c->occur], field_names[c->field],
             c->phrase ? "\"" : "", (int)(c->end - c->start), query + c->start,
             c->phrase ? "\"" : "");
}

static void parses_clauses(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        const char *clauses[6];
    } rows[] = {
        {"مايكروسوفت", {"  text مايكروسوفت"}},
        {"Kara Swisher", {"  text Kara", "  text Swisher"}},
        {"\"أكبر تهديد\"", {"  text \"أكبر تهديد\""}},
        {"+ماسك -ألتمان OpenAI", {"+ text ماسك", "- text ألتمان", "  text OpenAI"}},
        {"title:ماسك section:أعمال lang:ar", {"  title ماسك", "  section أعمال", "  lang ar"}},
        {"section:\"business news\" date:2022..2023",
         {"  section \"business news\"", "  date 2022..2023"}},
        {"-\"closed source\" +title:\"a b\"", {"- text \"closed source\"", "+ title \"a b\""}},
        /* Unknown or capitalised field names and colons in text are plain words. */
        {"ratio 3:2 http://x Title:y",
         {"  text ratio", "  text 3:2", "  text http://x", "  text Title:y"}},
        /* Lone operators and blank space are nothing. */
        {"  +  -  \t", {NULL}},
        {"", {NULL}},
        /* Curly quotes are not phrase marks (news text leaves them unbalanced). */
        {"و”سام “ماسك”", {"  text و”سام", "  text “ماسك”"}},
        {"a\"b\" c", {"  text a\"b\"", "  text c"}},
        /* An open quote runs to the end; an empty one is nothing. */
        {"\"أكبر تهديد", {"  text \"أكبر تهديد\""}},
        {"لماذا تتميز الزلفي؟ \"",
         {"  text لماذا", "  text تتميز", "  text الزلفي؟", "  text \"\""}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_parsed_query_t q;
        kh_error_t err;
        assert_int_equal(kh_query_parse(rows[i].query, strlen(rows[i].query), &q, &err), KH_OK);
        size_t expected = 0;
        while (expected < 6 && rows[i].clauses[expected])
            expected++;
        assert_int_equal(q.n, expected);
        for (size_t k = 0; k < q.n; k++) {
            char got[256];
            describe(rows[i].query, &q.clauses[k], got, sizeof got);
            assert_string_equal(got, rows[i].clauses[k]);
        }
        kh_parsed_query_free(&q);
    }
}

static void rejects_bad_syntax_with_message(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        const char *message;
    } rows[] = {
        {"date:2022-13", "bad date '2022-13': use YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B"},
        {"date:..", "bad date '..': use YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B"},
        {"date:yesterday",
         "bad date 'yesterday': use YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B"},
        {"x title:", "'title:' at byte 2 needs a value"},
        {"lang:\"\"", "'lang:' at byte 0 needs a value"},
        /* A day the month never had, a range that ends before it starts (issue 12). */
        {"date:2015-02-30", "bad date '2015-02-30': no such day"},
        {"date:2023-02-29", "bad date '2023-02-29': no such day"},
        {"date:2100-02-29..", "bad date '2100-02-29..': no such day"},
        {"date:2024-04-31", "bad date '2024-04-31': no such day"},
        {"oil date:2023..2020", "bad date range '2023..2020': it ends before it starts"},
        {"date:2023-06..2023-05-31",
         "bad date range '2023-06..2023-05-31': it ends before it starts"},
        {"date:2023-05-02..2023-05-01",
         "bad date range '2023-05-02..2023-05-01': it ends before it starts"},
        /* A long value is quoted by its first 64 bytes, never half a character. */
        {"date:xءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءء",
         "bad date 'xءءءءءءءءءءءءءءءءءءءءءءءءءءءءءءء': use YYYY, YYYY-MM or YYYY-MM-DD, or a range "
         "A..B"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_parsed_query_t q;
        kh_error_t err;
        assert_int_equal(kh_query_parse(rows[i].query, strlen(rows[i].query), &q, &err),
                         KH_ERR_QUERY);
        assert_string_equal(err.message, rows[i].message);
        assert_null(q.clauses);
    }
}

static void date_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *value, *lo, *hi;
    } rows[] = {
        {"2022..2023", "2022", "2023"},
        {"2023", "2023", "2023"},
        {"2023-05", "202305", "202305"},
        {"2023-05-07..", "20230507", ""},
        {"..2021-12", "", "202112"},
        /* Leap days, and bounds of different lengths that overlap. */
        {"2024-02-29", "20240229", "20240229"},
        {"2000-02-29..", "20000229", ""},
        {"2023-05..2023", "202305", "2023"},
        {"2023..2023-05", "2023", "202305"},
        {"2023-05-10..2023-05", "20230510", "202305"},
        {"2023..2023", "2023", "2023"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char lo[9], hi[9];
        assert_int_equal(kh_query_date_range(rows[i].value, strlen(rows[i].value), lo, hi, NULL),
                         KH_OK);
        assert_string_equal(lo, rows[i].lo);
        assert_string_equal(hi, rows[i].hi);
    }
}

static void query_need_not_be_nul_terminated(void **state)
{
    (void)state;
    static const char text[] = "+ماسك \"a b\"";
    size_t len = strlen(text);
    char *exact = malloc(len); /* no NUL: the sanitizer build catches a read past len */
    memcpy(exact, text, len);
    kh_parsed_query_t q;
    assert_int_equal(kh_query_parse(exact, len, &q, NULL), KH_OK);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.clauses[1].phrase, 1);
    kh_parsed_query_free(&q);
    /* Cut before the closing quote: the phrase runs to the end. */
    assert_int_equal(kh_query_parse(exact, len - 1, &q, NULL), KH_OK);
    assert_int_equal(q.clauses[1].end, len - 1);
    kh_parsed_query_free(&q);
    free(exact);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_clauses),
        cmocka_unit_test(rejects_bad_syntax_with_message),
        cmocka_unit_test(date_ranges),
        cmocka_unit_test(query_need_not_be_nul_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
