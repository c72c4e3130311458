/* Unit tests for schema.c: kind names and the document-data layout round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/schema.h"

static void kind_names_round_trip(void **state)
{
    (void)state;
    static const struct {
        kh_kind_t kind;
        const char *name;
    } rows[] = {{KH_KIND_TITLE, "title"}, {KH_KIND_BODY, "body"}, {KH_KIND_RELATED, "related"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_kind_t k;
        assert_string_equal(kh_kind_name(rows[i].kind), rows[i].name);
        assert_int_equal(kh_kind_parse(rows[i].name, &k), KH_OK);
        assert_int_equal(k, rows[i].kind);
    }
    kh_kind_t k;
    assert_int_equal(kh_kind_parse("paragraph", &k), KH_ERR_ARG);
    assert_int_equal(kh_kind_parse(NULL, &k), KH_ERR_ARG);
    assert_null(kh_kind_name((kh_kind_t)7));
}

static void passage_data_round_trip(void **state)
{
    (void)state;
    static const kh_passage_data_t rows[] = {
        {KH_KIND_BODY, "a1#2", "a1", "تاريخ علاقة العمل", "https://example.com/a1", "2023-07-01",
         "أعمال", "## تعاون قديم\nأسس “ماسك” و”ألتمان” OpenAI."},
        {KH_KIND_RELATED, "a1#9", "a1", "Title", "", "", "", "إيلون ماسك vs مارك زوكربيرغ"},
        {KH_KIND_TITLE, "x#0", "x", "", NULL, NULL, NULL, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *data, *storage;
        size_t len;
        kh_passage_data_t back;
        assert_int_equal(kh_passage_data_encode(&rows[i], &data, &len, NULL), KH_OK);
        assert_int_equal(strlen(data), len);
        assert_int_equal(kh_passage_data_decode(data, len, &back, &storage, NULL), KH_OK);
        assert_int_equal(back.kind, rows[i].kind);
        assert_string_equal(back.passage_id, rows[i].passage_id);
        assert_string_equal(back.article_id, rows[i].article_id);
        assert_string_equal(back.title, rows[i].title);
        assert_string_equal(back.url, rows[i].url ? rows[i].url : "");
        assert_string_equal(back.date, rows[i].date ? rows[i].date : "");
        assert_string_equal(back.section, rows[i].section ? rows[i].section : "");
        assert_string_equal(back.text, rows[i].text);
        free(data);
        free(storage);
    }
}

static void newline_in_one_line_field_becomes_space(void **state)
{
    (void)state;
    kh_passage_data_t p = {KH_KIND_TITLE, "a#0", "a", "two\nlines", "", "", "", "t"};
    char *data, *storage;
    size_t len;
    kh_passage_data_t back;
    assert_int_equal(kh_passage_data_encode(&p, &data, &len, NULL), KH_OK);
    assert_int_equal(kh_passage_data_decode(data, len, &back, &storage, NULL), KH_OK);
    assert_string_equal(back.title, "two lines");
    assert_string_equal(back.text, "t");
    free(data);
    free(storage);
}

static void foreign_data_is_rejected(void **state)
{
    (void)state;
    static const char *rows[] = {"", "hello", "khabar1\nbody\n",
                                 "khabar9\nbody\na\nb\nc\nd\ne\nf\ntext",
                                 "khabar1\npara\na\nb\nc\nd\ne\nf\ntext"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_passage_data_t back;
        char *storage = (char *)1;
        kh_error_t err;
        assert_int_equal(kh_passage_data_decode(rows[i], strlen(rows[i]), &back, &storage, &err),
                         KH_ERR_FORMAT);
        assert_null(storage);
        assert_int_equal(err.status, KH_ERR_FORMAT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kind_names_round_trip),
        cmocka_unit_test(passage_data_round_trip),
        cmocka_unit_test(newline_in_one_line_field_becomes_space),
        cmocka_unit_test(foreign_data_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
