/* Unit tests for the query language parser (issue 16): the tree as
 * S-expressions, word spans, notes, errors and bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"

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
        kh_query_tree_t q;
        kh_error_t err;
        assert_int_equal(kh_query_parse_tree(rows[i].query, strlen(rows[i].query), &q, &err),
                         KH_ERR_QUERY);
        assert_string_equal(err.message, rows[i].message);
        assert_null(q.root);
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
    kh_query_tree_t q;
    assert_int_equal(kh_query_parse_tree(exact, len, &q, NULL), KH_OK);
    assert_int_equal(q.root->n_children, 2);
    assert_true(q.root->children[1]->flags & KH_NODE_PHRASE);
    kh_query_tree_free(&q);
    /* Cut before the closing quote: the phrase runs to the end. */
    assert_int_equal(kh_query_parse_tree(exact, len - 1, &q, NULL), KH_OK);
    assert_int_equal(q.root->children[1]->end, len - 1);
    kh_query_tree_free(&q);
    free(exact);
}

/* Each row: a query, its tree, and the notes it gives (at most 2 here). */
static void parses_tree(void **state)
{
    (void)state;
    static const struct {
        const char *query, *tree, *notes[2];
    } rows[] = {
        /* What the flat parser reads, read the same. */
        {"مايكروسوفت", "مايكروسوفت", {NULL}},
        {"Kara Swisher", "(LIST Kara Swisher)", {NULL}},
        {"+ماسك -ألتمان OpenAI", "(LIST +ماسك (NOT ألتمان) OpenAI)", {NULL}},
        {"-\"closed source\" +title:\"a b\"",
         "(LIST (NOT \"closed source\") +title:\"a b\")",
         {NULL}},
        {"title:ماسك section:أعمال lang:ar date:2022..2023",
         "(LIST title:ماسك section:أعمال lang:ar date:2022..2023)",
         {NULL}},
        {"\"أكبر تهديد", "\"أكبر تهديد\"", {NULL}},
        {"و”سام “ماسك”", "(LIST و”سام “ماسك”)", {NULL}},
        {"  +  -  \t", "", {NULL}},
        {"a\"b\" c", "(LIST a\"b\" c)", {NULL}},
        {"لماذا تتميز الزلفي؟ \"", "(LIST لماذا تتميز الزلفي؟ \"\")", {NULL}},
        /* Colons in text are words; a known field in any case is a field. */
        {"ratio 3:2 http://x Title:y", "(LIST ratio 3:2 http://x title:y)", {NULL}},
        {"", "", {NULL}},
        /* Operators, and their precedence: NOT, the words' list, AND, OR. */
        {"a AND b", "(AND a b)", {NULL}},
        {"a OR b", "(OR a b)", {NULL}},
        {"boundary NOT layer", "(LIST boundary (NOT layer))", {NULL}},
        {"النفط NOT السعودية", "(LIST النفط (NOT السعودية))", {NULL}},
        {"a AND b OR c AND d", "(OR (AND a b) (AND c d))", {NULL}},
        {"a OR b AND c", "(OR a (AND b c))", {NULL}},
        {"a b AND c", "(AND (LIST a b) c)", {NULL}},
        {"a AND NOT c", "(AND a (NOT c))", {NULL}},
        {"a AND -c", "(AND a (NOT c))", {NULL}},
        {"a NOT b c", "(LIST a (NOT b) c)", {NULL}},
        {"NOT NOT a", "(NOT a)", {NULL}},
        {"a AND b OR NOT c", "(OR (AND a b) (NOT c))", {NULL}},
        {"a AND b AND c", "(AND a b c)", {NULL}},
        /* Lower case and quoted operators are words. */
        {"and or not", "(LIST and or not)", {NULL}},
        {"\"a AND b\"", "\"a AND b\"", {NULL}},
        {"ANDROID ORACLE NOTE", "(LIST ANDROID ORACLE NOTE)", {NULL}},
        /* Parentheses. */
        {"(a OR b) AND c", "(AND (OR a b) c)", {NULL}},
        {"NOT (b c) a", "(LIST (NOT (LIST b c)) a)", {NULL}},
        {"NOT(a)", "(NOT a)", {NULL}},
        {"x (-a) -(-b)", "(LIST x (NOT a) (NOT (LIST (NOT b))))", {NULL}},
        {"+(a b) -(c)", "(LIST +(LIST a b) (NOT c))", {NULL}},
        {"(((a)))", "a", {NULL}},
        {"()", "", {NULL}},
        {"f(x) (g)", "(LIST f(x) g)", {NULL}},
        {"(ماسك OR تسلا) AND title:النفط", "(AND (OR ماسك تسلا) title:النفط)", {NULL}},
        /* Unbalanced: forgiven, with a note. */
        {"(a b", "(LIST a b)", {"'(' at byte 0 is not closed; closed at the end"}},
        {"a (b (c", "(LIST a (LIST b c))", {"'(' at byte 2 is not closed; closed at the end"}},
        {") a", "a", {"')' at byte 0 closes nothing; ignored"}},
        {"(a)) b", "(LIST a b)", {"')' at byte 3 closes nothing; ignored"}},
        /* Operators with nothing to join: ignored, with a note. */
        {"a AND", "a", {"'AND' at byte 2 has nothing on its right; ignored"}},
        {"OR b", "b", {"'OR' at byte 0 has nothing on its left; ignored"}},
        {"a NOT", "a", {"'NOT' at byte 2 has nothing to exclude; ignored"}},
        {"a AND OR b", "(OR a b)", {"'AND' at byte 2 has nothing on its right; ignored"}},
        {"(AND)", "", {"'AND' at byte 1 has nothing on its left; ignored"}},
        /* Prefixes. */
        {"aerodyn*", "aerodyn*", {NULL}},
        {"oil** title:اقتصا*", "(LIST oil* title:اقتصا*)", {NULL}},
        {"* a*b \"a*\"", "(LIST * a*b \"a*\")", {NULL}},
        /* Field names in any case; unknown names are words, with a note. */
        {"TITLE:النفط Title:boundary LANG:ar", "(LIST title:النفط title:boundary lang:ar)", {NULL}},
        {"foo:bar", "(LIST foo bar)", {"foo:bar: no field 'foo'; searched as words"}},
        /* Quotes after an unknown name are text, as after any word. */
        {"a Foo:\"b c\"", "(LIST a Foo \"b c\")", {"Foo:\"b: no field 'Foo'; searched as words"}},
        {"ratio 3:2 http://x.org :a", "(LIST ratio 3:2 http://x.org :a)", {NULL}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_query_tree_t tree;
        kh_error_t err;
        const char *query = rows[i].query;
        assert_int_equal(kh_query_parse_tree(query, strlen(query), &tree, &err), KH_OK);
        char *printed;
        assert_int_equal(kh_query_tree_sexpr(query, tree.root, &printed, NULL), KH_OK);
        if (strcmp(printed, rows[i].tree) != 0)
            fail_msg("%s: got %s, expected %s", query, printed, rows[i].tree);
        size_t expected = 0;
        while (expected < 2 && rows[i].notes[expected])
            expected++;
        assert_int_equal(tree.n_notes, expected);
        for (size_t k = 0; k < expected; k++)
            assert_string_equal(tree.notes[k], rows[i].notes[k]);
        free(printed);
        kh_query_tree_free(&tree);
    }
}

static void tree_keeps_word_spans(void **state)
{
    (void)state;
    static const char query[] = "(TITLE:\"أكبر تهديد\" OR oil*) NOT -x";
    kh_query_tree_t tree;
    assert_int_equal(kh_query_parse_tree(query, strlen(query), &tree, NULL), KH_OK);
    const kh_query_node_t *root = tree.root;
    assert_int_equal(root->kind, KH_NODE_LIST);
    assert_int_equal(root->n_children, 2);
    const kh_query_node_t * or = root->children[0], *x = root->children[1];
    assert_int_equal(or->kind, KH_NODE_OR);
    const kh_query_node_t *phrase = or->children[0], *oil = or->children[1];
    assert_int_equal(phrase->field, KH_FIELD_TITLE);
    assert_int_equal(phrase->flags, KH_NODE_PHRASE);
    assert_int_equal(phrase->start, 8);
    assert_int_equal(phrase->end, 8 + strlen("أكبر تهديد"));
    assert_int_equal(oil->flags, KH_NODE_PREFIX);
    assert_memory_equal(query + oil->start, "oil", oil->end - oil->start);
    assert_int_equal(oil->end - oil->start, 3);
    assert_int_equal(x->occur, KH_OCCUR_MUST_NOT);
    assert_int_equal(x->start, strlen(query) - 1);
    kh_query_tree_free(&tree);
}

static void tree_rejects_with_message(void **state)
{
    (void)state;
    static const struct {
        const char *query, *message;
    } rows[] = {
        /* The flat parser's errors, in any case of field name. */
        {"a AND date:2022-13",
         "bad date '2022-13': use YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B"},
        {"(x Title:)", "'Title:' at byte 3 needs a value"},
        {"DATE:2023..2020", "bad date range '2023..2020': it ends before it starts"},
        {"((((((((((((((((((((((((((((((((( a",
         "'(' at byte 32: parentheses nested more than 32 deep"},
        {"a -(b (((((((((((((((((((((((((((((((((",
         "'(' at byte 37: parentheses nested more than 32 deep"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_query_tree_t tree;
        kh_error_t err;
        assert_int_equal(kh_query_parse_tree(rows[i].query, strlen(rows[i].query), &tree, &err),
                         KH_ERR_QUERY);
        assert_string_equal(err.message, rows[i].message);
        assert_null(tree.root);
    }
}

/* A query of copies of piece, and its tree's S-expression. */
static char *repeated(const char *piece, size_t copies, const char *tail)
{
    size_t n = strlen(piece), t = strlen(tail);
    char *query = malloc(n * copies + t + 1);
    for (size_t k = 0; k < copies; k++)
        memcpy(query + k * n, piece, n);
    memcpy(query + n * copies, tail, t + 1);
    return query;
}

static void tree_bounds(void **state)
{
    (void)state;
    /* 32 levels parse; 10,000 operators of each kind give flat nodes (no
     * recursion per operator); 10,000 notes are kept as 8 and a count. */
    static const struct {
        const char *piece;
        size_t copies;
        const char *tail;
        kh_node_kind_t root_kind;
        size_t root_children, notes, notes_dropped;
    } rows[] = {
        {"(", 32, "a b", KH_NODE_LIST, 2, 1, 0},
        {"a AND ", 10000, "a", KH_NODE_AND, 10001, 0, 0},
        {"a OR ", 10000, "a", KH_NODE_OR, 10001, 0, 0},
        {"NOT ", 10000, "a", KH_NODE_WORD, 0, 0, 0},
        {"NOT a ", 10000, "", KH_NODE_LIST, 10000, 0, 0},
        {"(a) ", 10000, "", KH_NODE_LIST, 10000, 0, 0},
        {") ", 10000, "a b", KH_NODE_LIST, 2, 8, 9992},
        {"AND ", 10000, "a b", KH_NODE_LIST, 2, 8, 9992},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *query = repeated(rows[i].piece, rows[i].copies, rows[i].tail);
        kh_query_tree_t tree;
        assert_int_equal(kh_query_parse_tree(query, strlen(query), &tree, NULL), KH_OK);
        assert_int_equal(tree.root->kind, rows[i].root_kind);
        assert_int_equal(tree.root->n_children, rows[i].root_children);
        assert_int_equal(tree.n_notes, rows[i].notes);
        assert_int_equal(tree.notes_dropped, rows[i].notes_dropped);
        kh_query_tree_free(&tree);
        free(query);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rejects_bad_syntax_with_message),
        cmocka_unit_test(date_ranges),
        cmocka_unit_test(query_need_not_be_nul_terminated),
        cmocka_unit_test(parses_tree),
        cmocka_unit_test(tree_keeps_word_spans),
        cmocka_unit_test(tree_rejects_with_message),
        cmocka_unit_test(tree_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
