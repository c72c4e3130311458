/* Unit tests for schema.c: kind names and the document-data layout round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/schema.h"

/* A passage as the indexer gives it to kh_article_data_encode. */
#define P(k, id, art, ti, u, d, sec, tx)                                                           \
    {                                                                                              \
        .kind = (k), .passage_id = (id), .article_id = (art), .title = (ti), .url = (u),           \
        .date = (d), .section = (sec), .text = (tx)                                                \
    }

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

/* Encodes an article, then decodes each passage (attaching its record) and compares. */
static void round_trip(const kh_passage_data_t *rows, size_t n, const char *block)
{
    char *data[8];
    size_t len[8];
    assert_true(n <= 8);
    assert_int_equal(kh_article_data_encode(rows, n, data, len, NULL), KH_OK);
    /* The record ends with the block: every text once, overlaps shared. */
    assert_true(len[0] >= strlen(block));
    assert_string_equal(data[0] + len[0] - strlen(block), block);
    for (size_t i = 0; i < n; i++) {
        char *storage;
        kh_passage_data_t back;
        assert_int_equal(strlen(data[i]), len[i]);
        assert_int_equal(kh_passage_data_decode(data[i], len[i], &back, &storage, NULL), KH_OK);
        if (i == 0) {
            assert_string_equal(back.record_id, "");
        } else {
            assert_string_equal(back.record_id, rows[0].passage_id);
            assert_null(back.text); /* known only from the record */
            assert_int_equal(kh_passage_data_attach(&back, &storage, data[0], len[0], NULL), KH_OK);
        }
        assert_int_equal(back.kind, rows[i].kind);
        assert_string_equal(back.passage_id, rows[i].passage_id);
        assert_string_equal(back.article_id, rows[i].article_id);
        assert_string_equal(back.title, rows[0].title ? rows[0].title : "");
        assert_string_equal(back.url, rows[i].url ? rows[i].url : "");
        assert_string_equal(back.date, rows[0].date ? rows[0].date : "");
        assert_string_equal(back.section, rows[0].section ? rows[0].section : "");
        assert_string_equal(back.text, rows[i].text ? rows[i].text : "");
        free(storage);
    }
    for (size_t i = 0; i < n; i++)
        free(data[i]);
}

static void article_data_round_trip(void **state)
{
    (void)state;
    static const kh_passage_data_t seed[] = {
        P(KH_KIND_TITLE, "a1#0", "a1", "تاريخ علاقة العمل", "https://example.com/a1", "2023-07-01",
          "أعمال", "تاريخ علاقة العمل"),
        P(KH_KIND_BODY, "a1#1", "a1", "تاريخ علاقة العمل", "https://example.com/a1", "2023-07-01",
          "أعمال", "## تعاون قديم\nأسس “ماسك” و”ألتمان” OpenAI."),
        P(KH_KIND_RELATED, "a1#2", "a1", "تاريخ علاقة العمل", "https://example.com/other",
          "2023-07-01", "أعمال", "إيلون ماسك vs مارك زوكربيرغ"),
    };
    /* Windows of one paragraph: each repeats the end of the one before. */
    static const kh_passage_data_t windows[] = {
        P(KH_KIND_TITLE, "w#0", "w", "Heat", "u", "", "", "Heat"),
        P(KH_KIND_BODY, "w#1", "w", "Heat", "u", "", "", "one two three four"),
        P(KH_KIND_BODY, "w#2", "w", "Heat", "u", "", "", "three four five six"),
        P(KH_KIND_BODY, "w#3", "w", "Heat", "u", "", "", "five six"),
        P(KH_KIND_BODY, "w#4", "w", "Heat", "u", "", "", "seven"),
    };
    static const kh_passage_data_t bare[] = {
        P(KH_KIND_TITLE, "x#0", "x", "", NULL, NULL, NULL, ""),
        P(KH_KIND_BODY, "x#1", "x", NULL, NULL, NULL, NULL, NULL),
    };
    round_trip(seed, 3,
               "تاريخ علاقة العمل## تعاون قديم\nأسس “ماسك” و”ألتمان” OpenAI.إيلون ماسك vs مارك "
               "زوكربيرغ");
    round_trip(windows, 5, "\nHeatone two three four five sixseven");
    round_trip(bare, 2, "\n\n\n\n");
}

static void newline_in_one_line_field_becomes_space(void **state)
{
    (void)state;
    kh_passage_data_t p = P(KH_KIND_TITLE, "a#0", "a", "two\nlines", "", "", "", "t\nu");
    char *data, *storage;
    size_t len;
    kh_passage_data_t back;
    assert_int_equal(kh_article_data_encode(&p, 1, &data, &len, NULL), KH_OK);
    assert_non_null(strstr(data, "\nt\nu")); /* the block keeps its line breaks */
    assert_int_equal(kh_passage_data_decode(data, len, &back, &storage, NULL), KH_OK);
    assert_string_equal(back.title, "two lines");
    assert_string_equal(back.text, "t\nu");
    free(data);
    free(storage);
}

static void foreign_data_is_rejected(void **state)
{
    (void)state;
    static const char *rows[] = {
        "",
        "hello",
        "khabar2\nbody\n",
        "khabar1\nbody\na\nb\nc\nd\ne\nf\ntext",
        "khabar2\npara\na#1\na\n\na#0\n0 4\n",              /* unknown kind */
        "khabar2\nbody\na#1\na\n\na#0\nzero four\n",        /* bad range */
        "khabar2\ntitle\na#0\na\n\n\n0 9\nT\nu\nd\ns\nabc", /* range past the block */
        "khabar2\ntitle\na#0\na\n\n\n0 1\nT\nu\n",          /* record cut short */
    };
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

/* A passage attached to another article's record, or to a non-record, is refused. */
static void wrong_record_is_rejected(void **state)
{
    (void)state;
    static const char *passage = "khabar2\nbody\na#1\na\n\na#0\n0 3\n";
    static const char *records[] = {
        "khabar2\ntitle\nb#0\nb\n\n\n0 3\nT\nu\nd\ns\nabc", /* article b */
        "khabar2\nbody\na#2\na\n\na#0\n0 3\n",              /* not a record */
        "khabar2\ntitle\na#0\na\n\n\n0 1\nT\nu\nd\ns\na",   /* block too short */
    };
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        kh_passage_data_t p;
        char *storage;
        kh_error_t err;
        assert_int_equal(kh_passage_data_decode(passage, strlen(passage), &p, &storage, NULL),
                         KH_OK);
        assert_int_equal(kh_passage_data_attach(&p, &storage, records[i], strlen(records[i]), &err),
                         KH_ERR_FORMAT);
        free(storage);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kind_names_round_trip),
        cmocka_unit_test(article_data_round_trip),
        cmocka_unit_test(newline_in_one_line_field_becomes_space),
        cmocka_unit_test(foreign_data_is_rejected),
        cmocka_unit_test(wrong_record_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
