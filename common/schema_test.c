/* Unit tests for schema.c: kind names and the document-data layout round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "khabar/schema.h"

/* A passage as the indexer gives it to kh_schema_article_data_encode. */
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
        int carries_title; /* its article's title words weighed, in its length */
    } rows[] = {
        {KH_KIND_TITLE, "title", 0}, {KH_KIND_BODY, "body", 1}, {KH_KIND_RELATED, "related", 1}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_kind_t k;
        assert_string_equal(kh_kind_name(rows[i].kind), rows[i].name);
        assert_int_equal(kh_schema_carries_title(rows[i].kind), rows[i].carries_title);
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
    assert_int_equal(kh_schema_article_data_encode(rows, n, data, len, NULL), KH_OK);
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
    assert_int_equal(kh_schema_article_data_encode(&p, 1, &data, &len, NULL), KH_OK);
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

/*
 * A term's wdf is its BM25 weight in the passage, 64 for a word said once
 * in a passage of the reference length; it grows, but less and less, with
 * the count, falls with the length, never reaches 128 (one byte in Xapian's
 * posting encoding) and never falls to 0 (a wdf of 0 would make the term
 * boolean).
 */
static void impact_is_bm25_term_frequency(void **state)
{
    (void)state;
    static const struct {
        unsigned tf, len, want;
    } cases[] = {
        {1, 50, 64},       /* the reference length: (k1+1) / (k1+1) */
        {2, 50, 79},       /* 64 * 1.6 * 2 / 2.6 = 78.8 */
        {3, 50, 85},       /* saturates: 64 * 1.6 * 3 / 3.6 = 85.3 */
        {1, 150, 47},      /* three times as long: k = 0.6 * 2 = 1.2 */
        {1, 25, 71},       /* half the length or less: normlen 0.5, k = 0.45 */
        {1, 1, 71},        /* ... the same for a one-word passage */
        {1000, 1000, 102}, /* the most any count can give: 64 * 1.6 */
        {1, 100000, 1},    /* the least: 0.17 rounds up to 1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned got = kh_schema_impact(cases[i].tf, cases[i].len);
        if (got != cases[i].want)
            fail_msg("tf %u len %u: wdf %u, want %u", cases[i].tf, cases[i].len, got,
                     cases[i].want);
    }
    for (unsigned len = 1; len < 5000; len += 7)
        for (unsigned tf = 1; tf <= len && tf < 300; tf++) {
            assert_in_range(kh_schema_impact(tf, len), 1, 127);
            assert_true(kh_schema_impact(tf + 1, len + 1) >= kh_schema_impact(tf, len + 1));
            assert_true(kh_schema_impact(tf, len + 1) <= kh_schema_impact(tf, len));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kind_names_round_trip),
        cmocka_unit_test(impact_is_bm25_term_frequency),
        cmocka_unit_test(article_data_round_trip),
        cmocka_unit_test(newline_in_one_line_field_becomes_space),
        cmocka_unit_test(foreign_data_is_rejected),
        cmocka_unit_test(wrong_record_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
