/*
 * Unit tests for the plan (plan.h), through kh_plan_describe(), on a tiny
 * index: what a query searches (the Xapian query, with common words set
 * aside the full query and their bound), the phrases it checks and the
 * words it highlights, for a few queries in English and Arabic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_fs.h"
#include "test_index.h"

#include "khabar/analyzer.h"
#include "khabar/stopwords.h"
#include "khabar/xdb.h"
#include "plan.h"
#include "query.h"
#include "writer.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/*
 * 44 passages, one per article: "news" is in all of them (a common
 * word: more than 5% of the passages), "zebra" in two (4.5%: rare), "stripes" in one;
 * the Arabic ones say "الخبر" (the news) in both and "غزال" in one.
 */
static const test_row_t passages[] = {
    {"z1", "en", "zebra stripes news"},
    {"z2", "en", "zebra savanna news"},
    {"a1", "ar", "غزال الخبر"},
    {"a2", "ar", "الخبر اليوم"},
};
#define N_PASSAGES (sizeof passages / sizeof passages[0])
#define N_FILLER 40

static char index_path[4096];

/* Writes the tiny index through the indexer's writer. */
static int make_index(void **state)
{
    (void)state;
    test_row_t rows[N_PASSAGES + N_FILLER];
    char filler_ids[N_FILLER][16];
    memcpy(rows, passages, sizeof passages);
    for (int i = 0; i < N_FILLER; i++) {
        snprintf(filler_ids[i], sizeof filler_ids[i], "f%d", i);
        rows[N_PASSAGES + i] = (test_row_t){filler_ids[i], "en", "harbour ferry news"};
    }
    snprintf(index_path, sizeof index_path, "%s",
             test_fs_fresh_path(KH_TEST_TMPDIR, "plan_test", "idx"));
    return test_write_index(index_path, rows, N_PASSAGES + N_FILLER);
}

typedef struct row {
    const char *query;
    const char *expected; /* kh_plan_describe()'s lines */
} row_t;

static const row_t rows[] = {
    /* A rare and a common word: the rare one selects, the common one only weighs (and bounds
       what a passage holding only common words can weigh). */
    {"zebra news", "query: Query(((zebra OR 0.5 * Szebra) AND_MAYBE (news OR 0.5 * Snews)))\n"
                   "full: Query((zebra OR news OR 0.5 * (Szebra OR Snews)))\n"
                   "common bound: 2.98541\n"
                   "phrases: 0 to check on the text, 0 ignored\n"
                   "highlight: news zebra\n"
                   "keys:\n"},
    /* A phrase beside other words only ranks, as the AND of its words: none to check. */
    {"\"zebra stripes\" news",
     "query: Query(((zebra AND stripe) AND_MAYBE (news OR 0.5 * Snews)))\n"
     "full: Query(((zebra AND stripe) OR news OR 0.5 * Snews))\n"
     "common bound: 2.98541\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: news stripe zebra\n"
     "keys:\n"},
    /* A required phrase is checked on the text; an excluded word is not highlighted. The
     * exclusion needs no article term: the one article with savanna (z2) has no passage with
     * zebra and stripes, the rarer (widen_to_articles). */
    {"+\"zebra stripes\" -savanna",
     "query: Query(((zebra AND stripe) AND_NOT (savanna OR Ssavanna)))\n"
     "full: (none)\n"
     "phrases: 1 to check on the text, 0 ignored\n"
     "highlight: stripe zebra\n"
     "keys:\n"},
    /* Exclusions alone: every other passage. */
    {"-zebra", "query: Query((<alldocuments> AND_NOT ((zebra OR Szebra) OR XAz1 OR XAz2)))\n"
               "full: (none)\n"
               "phrases: 0 to check on the text, 0 ignored\n"
               "highlight:\n"
               "keys:\n"},
    /* A filter; an Arabic word also looks for its other spellings by its phonetic key. */
    {"lang:ar غزال",
     "query: Query((((غزال OR 0.2999999999999999889 * XNAksl) OR 0.5 * Sغزال) FILTER Lar))\n"
     "full: (none)\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: غزال\n"
     "keys: XNAksl\n"},
    /* A stop word beside another word is neither searched nor highlighted. */
    {"the news", "query: Query((news OR 0.5 * Snews))\n"
                 "full: (none)\n"
                 "phrases: 0 to check on the text, 0 ignored\n"
                 "highlight: news\n"
                 "keys:\n"},
    /* Phrases past KH_QUERY_MAX_PHRASES (3) are ignored, their words not highlighted. */
    {"ferry \"a b\" \"c d\" \"e f\" \"g h\"",
     "query: Query((((a AND b) OR (c AND d) OR (e AND f)) AND_MAYBE (ferri OR 0.5 * Sferri)))\n"
     "full: Query((ferri OR (a AND b) OR (c AND d) OR (e AND f) OR 0.5 * Sferri))\n"
     "common bound: 5.56836\n"
     "phrases: 0 to check on the text, 1 ignored\n"
     "highlight: a b c d e f ferri\n"
     "keys:\n"},
    /* NOT and '-' leave out the articles holding the word: a rare one's articles (z2) are
     * found first; those of one in more than 200 passages, the search checks (search.c). */
    {"zebra NOT savanna",
     "query: Query(((zebra OR 0.5 * Szebra) AND_NOT ((savanna OR Ssavanna) OR XAz2)))\n"
     "full: (none)\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: zebra\n"
     "keys:\n"},
    /* AND: both sides must match, each ranked as a query of its own. */
    {"zebra AND stripes", "query: Query(((zebra OR 0.5 * Szebra) AND (stripe OR 0.5 * Sstripe)))\n"
                          "full: (none)\n"
                          "phrases: 0 to check on the text, 0 ignored\n"
                          "highlight: stripe zebra\n"
                          "keys:\n"},
    /* OR: either side. */
    {"stripes OR savanna",
     "query: Query(((stripe OR 0.5 * Sstripe) OR (savanna OR 0.5 * Ssavanna)))\n"
     "full: (none)\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: savanna stripe\n"
     "keys:\n"},
    /* A group beside a word is one item of the list. */
    {"(stripes OR savanna) news", "query: Query((((stripe OR 0.5 * Sstripe) OR (savanna OR 0.5 * "
                                  "Ssavanna)) AND_MAYBE (news OR 0.5 * Snews)))\n"
                                  "full: Query((((stripe OR 0.5 * Sstripe) OR (savanna OR 0.5 * "
                                  "Ssavanna)) OR news OR 0.5 * Snews))\n"
                                  "common bound: 2.98541\n"
                                  "phrases: 0 to check on the text, 0 ignored\n"
                                  "highlight: news savanna stripe\n"
                                  "keys:\n"},
    /* word*: the index's words that start with it. */
    {"zeb*", "query: Query(zebra)\n"
             "full: (none)\n"
             "phrases: 0 to check on the text, 0 ignored\n"
             "highlight: zebra\n"
             "keys:\n"},
    /* Field names in any case. */
    {"Title:zebra news", "query: Query(((news OR 0.5 * Snews) FILTER Szebra))\n"
                         "full: (none)\n"
                         "phrases: 0 to check on the text, 0 ignored\n"
                         "highlight: news\n"
                         "keys:\n"},
    /* title:word* over the title terms (this index has no titles: nothing matches). */
    {"TITLE:zeb* news", "query: Query(((news OR 0.5 * Snews) FILTER Szeb))\n"
                        "full: (none)\n"
                        "phrases: 0 to check on the text, 0 ignored\n"
                        "highlight: news\n"
                        "keys:\n"},
    /* An unknown field: its name and value are searched as words (the parser notes it). */
    {"foo:zebra", "query: Query((foo OR zebra OR 0.5 * (Sfoo OR Szebra)))\n"
                  "full: (none)\n"
                  "phrases: 0 to check on the text, 0 ignored\n"
                  "highlight: foo zebra\n"
                  "keys:\n"},
    /* An excluded group is not highlighted. */
    {"news AND NOT savanna",
     "query: Query(((news OR 0.5 * Snews) AND_NOT ((savanna OR 0.5 * Ssavanna) OR XAz2)))\n"
     "full: (none)\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: news\n"
     "keys:\n"},
    /* Inside a side of OR the exclusion is that side's: savanna's articles (z2) are left out
     * of what it matches, all of them however many, in Xapian's query. */
    {"(news -savanna) OR stripes",
     "query: Query((((news OR 0.5 * Snews) AND_NOT ((savanna OR Ssavanna) OR XAz2)) OR (stripe OR "
     "0.5 * Sstripe)))\n"
     "full: (none)\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: news stripe\n"
     "keys:\n"},
    /* A side of AND every result must match. */
    {"stripes AND (news -savanna)",
     "query: Query(((stripe OR 0.5 * Sstripe) AND ((news OR 0.5 * Snews) AND_NOT ((savanna OR "
     "Ssavanna) OR XAz2))))\n"
     "full: (none)\n"
     "phrases: 0 to check on the text, 0 ignored\n"
     "highlight: news stripe\n"
     "keys:\n"},
};

static void describes_plan(void **state)
{
    (void)state;
    kh_db_t *db = NULL;
    kh_analyzer_t *analyzer = NULL;
    kh_stopwords_t *stopwords = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_db_open(index_path, KH_DB_READ_ONLY, &db, &err), KH_OK);
    assert_int_equal(kh_analyzer_new(&analyzer, &err), KH_OK);
    assert_int_equal(kh_stopwords_new(analyzer, KH_STOP_DEFAULT, &stopwords, &err), KH_OK);
    kh_search_opts_t opts = kh_search_opts_default();
    kh_plan_source_t src = {db, analyzer, stopwords, &opts, 0};
    int failed = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_query_tree_t tree;
        const char *q = rows[i].query;
        assert_int_equal(kh_query_parse_tree(q, strlen(q), &tree, &err), KH_OK);
        kh_plan_t plan;
        if (kh_plan_build(&src, q, &tree, &plan, &err) != KH_OK)
            fail_msg("'%s': %s", q, err.message);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        assert_int_equal(kh_plan_describe(&plan, f, &err), KH_OK);
        fclose(f);
        if (strcmp(text, rows[i].expected) != 0) {
            print_error("'%s': the plan is\n%s\nexpected\n%s\n", q, text, rows[i].expected);
            failed++;
        }
        free(text);
        kh_plan_free(&plan);
        kh_query_tree_free(&tree);
    }
    kh_stopwords_free(stopwords);
    kh_analyzer_free(analyzer);
    kh_db_close(db);
    assert_int_equal(failed, 0);
}

/* A word's terms after ل ب ك (kh_plan_proclitic_forms): its norm, then the three expected. */
static const struct {
    const char *norm;
    const char *forms[KH_PLAN_PROCLITICS];
} proclitic_rows[] = {
    /* Snowball keeps ل and ك; بماسك stems to ماس, the word's own term. */
    {"ماسك", {"لماس", "", "كماس"}},
    {"تقرير", {"لتقرير", "", "كتقرير"}},
    {"مشاركه", {"لمشار", "", "كمشار"}},
    /* After the article the stemmer takes the proclitic already. */
    {"الشركه", {"", "", ""}},
    /* Two letters: too short to tell a proclitic. */
    {"من", {"", "", ""}},
};

static void proclitic_forms(void **state)
{
    (void)state;
    kh_analyzer_t *analyzer = NULL;
    kh_error_t err = {0};
    assert_int_equal(kh_analyzer_new(&analyzer, &err), KH_OK);
    for (size_t i = 0; i < sizeof proclitic_rows / sizeof proclitic_rows[0]; i++) {
        const char *norm = proclitic_rows[i].norm;
        char term[KH_TOKEN_FORM_MAX + 1], forms[KH_PLAN_PROCLITICS][KH_TOKEN_FORM_MAX + 1];
        size_t len = 0;
        assert_int_equal(
            kh_analyzer_term(analyzer, norm, strlen(norm), term, sizeof term, &len, &err), KH_OK);
        assert_int_equal(kh_plan_proclitic_forms(analyzer, norm, term, forms, &err), KH_OK);
        for (int j = 0; j < KH_PLAN_PROCLITICS; j++)
            if (strcmp(forms[j], proclitic_rows[i].forms[j]) != 0)
                fail_msg("'%s', proclitic %d: '%s', expected '%s'", norm, j, forms[j],
                         proclitic_rows[i].forms[j]);
    }
    kh_analyzer_free(analyzer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(describes_plan),
        cmocka_unit_test(proclitic_forms),
    };
    return cmocka_run_group_tests(tests, make_index, NULL);
}
