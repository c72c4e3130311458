/*
 * xdb_test.c - the Xapian binding: writing, reading, queries, ranking,
 * shards, compaction and error paths. Every test works in its own folder
 * under KH_TEST_TMPDIR, removed by the teardown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_fs.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khabar/xdb.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/* The error every call below reports into; assert_ok() prints it. */
static kh_error_t E;

#define assert_ok(call)                                                                            \
    do {                                                                                           \
        kh_status_t st_ = (call);                                                                  \
        if (st_ != KH_OK)                                                                          \
            fail_msg("%s -> %s: %s", #call, kh_status_name(st_), E.message);                       \
    } while (0)

/* The call fails with expected, and E carries it with a message. */
#define assert_status(expected, call)                                                              \
    do {                                                                                           \
        kh_error_clear(&E);                                                                        \
        kh_status_t st_ = (call);                                                                  \
        if (st_ != (expected))                                                                     \
            fail_msg("%s -> %s (want %s): %s", #call, kh_status_name(st_),                         \
                     kh_status_name(expected), E.message);                                         \
        assert_int_equal(E.status, (expected));                                                    \
        assert_true(E.message[0] != '\0');                                                         \
    } while (0)

#define assert_contains(haystack, needle)                                                          \
    do {                                                                                           \
        if (!strstr((haystack), (needle)))                                                         \
            fail_msg("\"%s\" does not contain \"%s\"", (haystack), (needle));                      \
    } while (0)

#define assert_close(a, b)                                                                         \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= 1e-9 * fmax(1.0, fabs(b_))))                                        \
            fail_msg("%s = %.17g, %s = %.17g", #a, a_, #b, b_);                                    \
    } while (0)

/* ---- scratch folders ------------------------------------------------------ */

typedef struct {
    char dir[512];
} fixture_t;

/* Rotating buffers for path(). */
static char path_buffers[8][640];
static unsigned next_path;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/xdb_test.XXXXXX", KH_TEST_TMPDIR);
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    kh_error_clear(&E);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc = test_fs_remove_tree(f->dir);
    free(f);
    return rc;
}

/* name inside the test's folder; valid for the next 7 calls. */
static const char *path(void **state, const char *name)
{
    const fixture_t *f = *state;
    char *buf = path_buffers[next_path++ % 8];
    snprintf(buf, sizeof path_buffers[0], "%s/%s", f->dir, name);
    return buf;
}

static void write_file(const char *file, const char *text)
{
    FILE *out = fopen(file, "w");
    assert_non_null(out);
    assert_int_equal(fputs(text, out) >= 0, 1);
    assert_int_equal(fclose(out), 0);
}

/* ---- building documents --------------------------------------------------- */

/*
 * A passage: the words of text at positions 1, 2, ..., the unique term
 * "Q<uid>", the text as data, and value (if not NULL) in slot 0.
 */
static void fill(kh_doc_t *doc, const char *uid, const char *text, const char *value)
{
    char term[64];
    snprintf(term, sizeof term, "Q%s", uid);
    assert_ok(kh_doc_add_boolean_term(doc, term, &E));
    char words[512];
    snprintf(words, sizeof words, "%s", text);
    unsigned pos = 1;
    char *save = NULL;
    for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
        assert_ok(kh_doc_add_posting(doc, w, pos++, 1, &E));
    assert_ok(kh_doc_set_data(doc, text, strlen(text), &E));
    if (value)
        assert_ok(kh_doc_set_value(doc, 0, value, strlen(value), &E));
}

static unsigned add(kh_db_t *db, const char *uid, const char *text, const char *value)
{
    kh_doc_t *doc = NULL;
    assert_ok(kh_doc_new(&doc, &E));
    fill(doc, uid, text, value);
    unsigned docid = 0;
    assert_ok(kh_db_add_document(db, doc, &docid, &E));
    kh_doc_free(doc);
    return docid;
}

static kh_db_t *create(const char *where)
{
    kh_db_t *db = NULL;
    assert_ok(kh_db_open(where, KH_DB_CREATE_OR_OVERWRITE, &db, &E));
    return db;
}

static kh_db_t *open_ro(const char *where)
{
    kh_db_t *db = NULL;
    assert_ok(kh_db_open(where, KH_DB_READ_ONLY, &db, &E));
    return db;
}

/* Texts of passages, added in order (docids 1, 2, ...). */
static kh_db_t *create_with(const char *where, const char *const *texts, size_t n)
{
    kh_db_t *db = create(where);
    for (size_t i = 0; i < n; i++) {
        char uid[24]; /* any size_t in decimal */
        snprintf(uid, sizeof uid, "%zu", i + 1);
        assert_int_equal(add(db, uid, texts[i], NULL), i + 1);
    }
    assert_ok(kh_db_commit(db, &E));
    return db;
}

/* ---- queries and searching ------------------------------------------------ */

static kh_xquery_t *term(const char *t)
{
    kh_xquery_t *q = NULL;
    assert_ok(kh_xquery_term(t, 1, 0, &q, &E));
    return q;
}

/* Combines the terms of a space-separated list with op. */
static kh_xquery_t *combine_words(kh_xquery_op_t op, unsigned parameter, const char *words)
{
    kh_xquery_t *subs[16];
    size_t n = 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", words);
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save))
        subs[n++] = term(w);
    kh_xquery_t *q = NULL;
    assert_ok(kh_xquery_combine(op, subs, n, parameter, &q, &E));
    for (size_t i = 0; i < n; i++)
        kh_xquery_free(subs[i]);
    return q;
}

#define MAX_HITS 32

typedef struct {
    size_t n;
    unsigned docid[MAX_HITS];
    double weight[MAX_HITS];
    unsigned collapse[MAX_HITS];
} hits_t;

static hits_t run(kh_enquire_t *e)
{
    hits_t h;
    memset(&h, 0, sizeof h);
    kh_mset_t *m = NULL;
    assert_ok(kh_enquire_get_mset(e, 0, MAX_HITS, 100, &m, &E));
    h.n = kh_mset_size(m);
    for (size_t i = 0; i < h.n; i++) {
        kh_hit_t hit;
        assert_ok(kh_mset_hit(m, i, &hit, &E));
        assert_int_equal(hit.rank, i);
        h.docid[i] = hit.docid;
        h.weight[i] = hit.weight;
        h.collapse[i] = hit.collapse_count;
    }
    kh_mset_free(m);
    return h;
}

/* Ranks q over db with the defaults. */
static hits_t search(kh_db_t *db, const kh_xquery_t *q)
{
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));
    hits_t h = run(e);
    kh_enquire_free(e);
    return h;
}

/* The docids of h equal expected, a 0-terminated list, in this order. */
static void assert_docids(const hits_t *h, const unsigned *expected)
{
    size_t n = 0;
    while (expected[n])
        n++;
    char got[256] = "", want[256] = "";
    for (size_t i = 0; i < h->n; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), " %u", h->docid[i]);
    for (size_t i = 0; i < n; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), " %u", expected[i]);
    if (strcmp(got, want) != 0)
        fail_msg("docids [%s ] want [%s ]", got, want);
}

/* The weight of docid in h; fails when it is absent. */
static double weight_of(const hits_t *h, unsigned docid)
{
    for (size_t i = 0; i < h->n; i++) {
        if (h->docid[i] == docid)
            return h->weight[i];
    }
    fail_msg("docid %u not among the hits", docid);
    return 0;
}

/* ---- callback collectors -------------------------------------------------- */

typedef struct {
    size_t n;
    size_t stop_after; /* 0: never stop */
    char term[32][64];
    unsigned a[32], b[32];
    double w[32];
} collected_t;

static int collect_posting(void *ctx, unsigned docid, unsigned wdf)
{
    collected_t *c = ctx;
    if (c->n < 32) {
        c->a[c->n] = docid;
        c->b[c->n] = wdf;
    }
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static int collect_term_freq(void *ctx, const char *t, unsigned freq)
{
    collected_t *c = ctx;
    if (c->n < 32) {
        snprintf(c->term[c->n], sizeof c->term[0], "%s", t);
        c->a[c->n] = freq;
    }
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static int collect_doc_wdf(void *ctx, const char *t, unsigned wdf)
{
    collected_t *c = ctx;
    if (c->n < 32) {
        snprintf(c->term[c->n], sizeof c->term[0], "%s", t);
        c->a[c->n] = wdf;
    }
    c->n++;
    return 0;
}

static int collect_expand(void *ctx, const char *t, double weight)
{
    collected_t *c = ctx;
    if (c->n < 32) {
        snprintf(c->term[c->n], sizeof c->term[0], "%s", t);
        c->w[c->n] = weight;
    }
    c->n++;
    return 0;
}

static unsigned doc_count(kh_db_t *db)
{
    unsigned n = 0;
    assert_ok(kh_db_doc_count(db, &n, &E));
    return n;
}

static int has_term(kh_db_t *db, const char *t)
{
    unsigned docs = 0;
    assert_ok(kh_db_term_freq(db, t, &docs, &E));
    return docs > 0;
}

static void assert_doc_data(kh_db_t *db, unsigned docid, const char *want)
{
    kh_doc_t *doc = NULL;
    assert_ok(kh_db_get_document(db, docid, &doc, &E));
    const char *data = NULL;
    size_t len = 0;
    assert_ok(kh_doc_get_data(doc, &data, &len, &E));
    assert_int_equal(len, strlen(want));
    assert_string_equal(data, want);
    kh_doc_free(doc);
}

/* ==== writing and reading ================================================== */

static void test_add_replace_delete(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *db = create(where);
    assert_int_equal(add(db, "a#1", "first passage", "a"), 1);
    assert_int_equal(add(db, "a#2", "second passage", "a"), 2);
    assert_int_equal(add(db, "b#1", "third passage", "b"), 3);
    assert_int_equal(doc_count(db), 3);

    /* A passage replaced as the writer does it: deleted, then added anew. */
    assert_ok(kh_db_delete_documents_by_term(db, "Qa#2", &E));
    assert_int_equal(add(db, "a#2", "second passage rewritten", "a"), 4);
    assert_int_equal(doc_count(db), 3);
    assert_doc_data(db, 4, "second passage rewritten");
    assert_int_equal(add(db, "c#1", "fourth passage", "c"), 5);
    assert_ok(kh_db_commit(db, &E));

    /* Deleting by a term shared by two passages removes both. */
    kh_doc_t *article = NULL;
    assert_ok(kh_db_get_document(db, 1, &article, &E));
    kh_doc_free(article);
    assert_ok(kh_db_delete_documents_by_term(db, "Qa#1", &E));
    assert_ok(kh_db_delete_documents_by_term(db, "Qa#2", &E));
    assert_ok(kh_db_delete_documents_by_term(db, "Qnone", &E)); /* none: not an error */
    assert_ok(kh_db_commit(db, &E));
    kh_db_close(db);

    db = open_ro(where);
    assert_int_equal(doc_count(db), 2);
    assert_int_equal(has_term(db, "Qa#1"), 0);
    assert_int_equal(has_term(db, "rewritten"), 0);
    assert_doc_data(db, 3, "third passage");
    assert_doc_data(db, 5, "fourth passage");
    kh_doc_t *gone = (kh_doc_t *)1;
    assert_status(KH_ERR_NOT_FOUND, kh_db_get_document(db, 1, &gone, &E));
    assert_null(gone);
    assert_contains(E.message, where);
    assert_status(KH_ERR_ARG, kh_db_get_document(db, 0, &gone, &E));
    kh_db_close(db);
}

static void test_document_accessors(void **state)
{
    kh_doc_t *doc = NULL;
    assert_ok(kh_doc_new(&doc, &E));
    assert_ok(kh_doc_add_posting(doc, "apple", 1, 1, &E));
    assert_ok(kh_doc_add_posting(doc, "apple", 5, 1, &E));
    assert_ok(kh_doc_add_posting(doc, "pip", 6, 0, &E)); /* a position without weight */
    assert_ok(kh_doc_add_term(doc, "banana", 2, &E));
    assert_ok(kh_doc_add_boolean_term(doc, "Kbody", &E));
    static const char binary[] = {'a', '\0', 'b'};
    assert_ok(kh_doc_set_data(doc, binary, sizeof binary, &E));
    assert_ok(kh_doc_set_value(doc, 2, "000007", 6, &E));
    assert_ok(kh_doc_set_value(doc, 3, "", 0, &E)); /* removing an unset slot is fine */
    assert_status(KH_ERR_ARG, kh_doc_set_value(doc, KH_NO_SLOT, "x", 1, &E));

    const char *data = NULL;
    size_t len = 0;
    assert_ok(kh_doc_get_data(doc, &data, &len, &E));
    assert_int_equal(len, 3);
    assert_memory_equal(data, binary, 3);

    /* The terms and wdfs as stored, read back from a database. */
    kh_db_t *db = create(path(state, "db"));
    unsigned docid = 0;
    assert_ok(kh_db_add_document(db, doc, &docid, &E));
    assert_int_equal(docid, 1);
    assert_ok(kh_db_commit(db, &E));
    collected_t w = {0};
    assert_ok(kh_db_term_wdfs(db, 1, collect_doc_wdf, &w, &E));
    static const struct {
        const char *term;
        unsigned wdf;
    } want[] = {{"Kbody", 0}, {"apple", 2}, {"banana", 2}, {"pip", 0}};
    assert_int_equal(w.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(w.term[i], want[i].term);
        assert_int_equal(w.a[i], want[i].wdf);
    }
    assert_int_equal(kh_db_term_wdfs(db, 99, collect_doc_wdf, &w, &E), KH_ERR_NOT_FOUND);
    assert_int_equal(kh_db_is_remote(db), 0); /* a folder, not a stub with a remote line */

    /* One object, many passages: clear empties terms, values and data. */
    kh_doc_clear(doc);
    assert_ok(kh_doc_get_data(doc, &data, &len, &E));
    assert_int_equal(len, 0);
    assert_ok(kh_doc_add_term(doc, "cherry", 1, &E));
    assert_ok(kh_db_add_document(db, doc, &docid, &E));
    assert_int_equal(docid, 2);
    memset(&w, 0, sizeof w);
    assert_ok(kh_db_term_wdfs(db, 2, collect_doc_wdf, &w, &E));
    assert_int_equal(w.n, 1);
    assert_string_equal(w.term[0], "cherry");
    kh_doc_free(doc);

    /* A document read back, cleared and refilled, is added as a new one. */
    kh_doc_t *stored = NULL;
    assert_ok(kh_db_get_document(db, 1, &stored, &E));
    assert_ok(kh_doc_get_data(stored, &data, &len, &E));
    assert_int_equal(len, 3);
    assert_memory_equal(data, binary, 3);
    kh_doc_clear(stored);
    fill(stored, "y", "blue fox", NULL);
    assert_ok(kh_db_add_document(db, stored, &docid, &E));
    assert_int_equal(docid, 3);
    assert_doc_data(db, 3, "blue fox");
    kh_doc_free(stored);
    kh_db_close(db);
}

/* ==== queries =============================================================== */

static void test_phrase_and_near(void **state)
{
    /* Equal lengths, so matching documents weigh alike and rank by docid. */
    static const char *const texts[] = {
        "quick brown fox jumps", /* 1 */
        "brown quick fox jumps", /* 2 */
        "the quick brown dog",   /* 3 */
        "quick red brown fox",   /* 4 */
        "slow brown quick cat",  /* 5 */
    };
    static const struct {
        kh_xquery_op_t op;
        unsigned window;
        const char *words;
        unsigned docids[6];
    } rows[] = {
        /* clang-format off */
        {KH_OP_PHRASE, 0, "quick brown",     {1, 3}},
        {KH_OP_PHRASE, 3, "quick brown",     {1, 3, 4}},
        {KH_OP_PHRASE, 0, "brown fox",       {1, 4}},
        {KH_OP_PHRASE, 0, "quick fox",       {2}},
        {KH_OP_PHRASE, 3, "quick fox",       {1, 2}},
        {KH_OP_PHRASE, 4, "quick fox",       {1, 2, 4}},
        {KH_OP_PHRASE, 0, "quick brown fox", {1}},
        {KH_OP_PHRASE, 0, "fox brown",       {0}},
        {KH_OP_NEAR,   2, "quick brown",     {1, 2, 3, 5}},
        {KH_OP_NEAR,   0, "brown quick",     {1, 2, 3, 5}},
        {KH_OP_NEAR,   3, "fox quick",       {1, 2}},
        /* clang-format on */
    };
    kh_db_t *db = create_with(path(state, "db"), texts, 5);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_xquery_t *q = combine_words(rows[i].op, rows[i].window, rows[i].words);
        hits_t h = search(db, q);
        print_message("row %zu: %s\n", i, rows[i].words);
        assert_docids(&h, rows[i].docids);
        kh_xquery_free(q);
    }
    kh_db_close(db);
}

static void test_boolean_operators(void **state)
{
    static const char *const texts[] = {
        "apple banana kiwi Ktitle",  /* 1 */
        "apple cherry kiwi Kbody",   /* 2 */
        "banana cherry kiwi Ktitle", /* 3 */
        "apple banana cherry Kbody", /* 4 */
        "durian kiwi kiwi Kbody",    /* 5 */
    };
    static const struct {
        kh_xquery_op_t op;
        unsigned parameter;
        const char *words;
        unsigned docids[6]; /* ascending: compared as a set */
    } rows[] = {
        {KH_OP_AND, 0, "apple banana", {1, 4}},
        {KH_OP_OR, 0, "apple durian", {1, 2, 4, 5}},
        {KH_OP_AND_NOT, 0, "apple banana", {2}},
        {KH_OP_AND_NOT, 0, "kiwi apple banana", {5}},
        {KH_OP_AND_MAYBE, 0, "banana apple", {1, 3, 4}},
        {KH_OP_FILTER, 0, "apple Ktitle", {1}},
        {KH_OP_FILTER, 0, "kiwi Ktitle", {1, 3}},
        {KH_OP_FILTER, 0, "kiwi Kbody apple", {2}},
        /* durian, in one document, outweighs apple, in three. */
        {KH_OP_ELITE_SET, 1, "apple durian", {5}},
        {KH_OP_ELITE_SET, 2, "apple durian", {1, 2, 4, 5}},
        {KH_OP_SYNONYM, 0, "banana cherry", {1, 2, 3, 4}},
        {KH_OP_MAX, 0, "banana durian", {1, 3, 4, 5}},
        {KH_OP_AND, 0, "apple nosuchword", {0}},
    };
    kh_db_t *db = create_with(path(state, "db"), texts, 5);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_xquery_t *q = combine_words(rows[i].op, rows[i].parameter, rows[i].words);
        hits_t h = search(db, q);
        /* Sort the docids: the set is what these operators decide. */
        for (size_t a = 0; a < h.n; a++)
            for (size_t b = a + 1; b < h.n; b++)
                if (h.docid[b] < h.docid[a]) {
                    unsigned t = h.docid[a];
                    h.docid[a] = h.docid[b];
                    h.docid[b] = t;
                }
        print_message("row %zu: %s\n", i, rows[i].words);
        assert_docids(&h, rows[i].docids);
        kh_xquery_free(q);
    }

    /* AND_MAYBE: documents with both rank above those with only the first. */
    kh_xquery_t *maybe = combine_words(KH_OP_AND_MAYBE, 0, "banana apple");
    hits_t h = search(db, maybe);
    assert_true(weight_of(&h, 1) > weight_of(&h, 3));
    kh_xquery_free(maybe);

    /* FILTER's filter adds no weight. */
    kh_xquery_t *apple = term("apple");
    kh_xquery_t *filtered = combine_words(KH_OP_FILTER, 0, "apple Ktitle");
    hits_t plain = search(db, apple), only = search(db, filtered);
    assert_close(weight_of(&only, 1), weight_of(&plain, 1));
    kh_xquery_free(apple);
    kh_xquery_free(filtered);
    kh_db_close(db);
}

static void test_scale_weight(void **state)
{
    static const char *const texts[] = {"apple pie", "apple apple tart", "pear"};
    kh_db_t *db = create_with(path(state, "db"), texts, 3);
    kh_xquery_t *q = term("apple"), *doubled = NULL, *zero = NULL;
    assert_ok(kh_xquery_scale(q, 2.0, &doubled, &E));
    assert_ok(kh_xquery_scale(q, 0.0, &zero, &E));
    hits_t plain = search(db, q), twice = search(db, doubled), none = search(db, zero);
    assert_int_equal(plain.n, 2);
    assert_int_equal(twice.n, 2);
    for (size_t i = 0; i < plain.n; i++) {
        assert_true(plain.weight[i] > 0);
        assert_int_equal(twice.docid[i], plain.docid[i]);
        assert_close(twice.weight[i], 2.0 * plain.weight[i]);
    }
    /* Factor 0 keeps the matches, drops the weights: a pure filter. */
    static const unsigned both[] = {1, 2, 0};
    assert_docids(&none, both);
    assert_true(none.weight[0] == 0.0 && none.weight[1] == 0.0);

    kh_xquery_t *bad = (kh_xquery_t *)1;
    assert_status(KH_ERR_ARG, kh_xquery_scale(q, -1.0, &bad, &E));
    assert_null(bad);
    kh_xquery_free(q);
    kh_xquery_free(doubled);
    kh_xquery_free(zero);
    kh_db_close(db);
}

static void test_value_range(void **state)
{
    kh_db_t *db = create(path(state, "db"));
    assert_int_equal(add(db, "1", "news", "20240101"), 1);
    assert_int_equal(add(db, "2", "news", "20240215"), 2);
    assert_int_equal(add(db, "3", "news", NULL), 3);
    assert_int_equal(add(db, "4", "news", "20241231"), 4);
    assert_int_equal(add(db, "5", "news", "20250101"), 5);
    assert_ok(kh_db_commit(db, &E));
    static const struct {
        const char *lo, *hi;
        unsigned docids[6];
    } rows[] = {
        {"20240101", "20241231", {1, 2, 4}},
        {"20240201", NULL, {2, 4, 5}},
        {NULL, "20240215", {1, 2}}, /* 3 has no value: never in a bounded range */
        {"", "20240215", {1, 2}},
        {NULL, NULL, {1, 2, 3, 4, 5}},
        {"20240301", "20240302", {0}},
        {"2024", "2025", {1, 2, 4}}, /* byte order: "2025" < "20250101" */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kh_xquery_t *q = NULL;
        assert_ok(kh_xquery_value_range(0, rows[i].lo, rows[i].hi, &q, &E));
        hits_t h = search(db, q);
        print_message("row %zu\n", i);
        assert_docids(&h, rows[i].docids);
        kh_xquery_free(q);
    }
    kh_db_close(db);
}

static void test_query_values(void **state)
{
    (void)state;
    kh_xquery_t *a = term("a"), *b = term("b"), *q = NULL;
    kh_xquery_t *pair[] = {a, b};
    assert_ok(kh_xquery_combine(KH_OP_AND, pair, 2, 0, &q, &E));
    char *text = NULL;
    assert_ok(kh_xquery_describe(q, &text, &E));
    assert_string_equal(text, "Query((a AND b))");
    free(text);
    kh_xquery_free(q);
    /* The subqueries were copied: freeing them leaves q2 intact. */
    kh_xquery_t *q2 = NULL;
    assert_ok(kh_xquery_combine(KH_OP_PHRASE, pair, 2, 0, &q2, &E));
    kh_xquery_free(a);
    kh_xquery_free(b);
    assert_ok(kh_xquery_describe(q2, &text, &E));
    assert_string_equal(text, "Query((a PHRASE 2 b))");
    free(text);
    kh_xquery_free(q2);

    kh_xquery_t *all = NULL, *empty = NULL;
    assert_ok(kh_xquery_match_all(&all, &E));
    assert_ok(kh_xquery_combine(KH_OP_OR, NULL, 0, 0, &empty, &E));
    assert_ok(kh_xquery_describe(empty, &text, &E));
    assert_string_equal(text, "Query()"); /* matches nothing */
    free(text);

    kh_xquery_t *out = (kh_xquery_t *)1;
    assert_status(KH_ERR_ARG, kh_xquery_term("", 1, 0, &out, &E));
    assert_null(out);
    kh_xquery_t *with_null[] = {all, NULL};
    assert_status(KH_ERR_ARG, kh_xquery_combine(KH_OP_OR, with_null, 2, 0, &out, &E));
    assert_null(out);
    kh_xquery_t *two[] = {all, all};
    assert_status(KH_ERR_ARG, kh_xquery_combine(KH_OP_AND, two, 2, 3, &out, &E));
    assert_contains(E.message, "kh_xquery_combine");
    assert_status(KH_ERR_ARG, kh_xquery_combine((kh_xquery_op_t)99, two, 2, 0, &out, &E));
    kh_xquery_free(all);
    kh_xquery_free(empty);
}

/* ==== ranking =============================================================== */

static void test_bm25_parameters(void **state)
{
    static const char *const texts[] = {
        "apple x y z",         /* 1: wdf 1, length 4 */
        "apple apple apple z", /* 2: wdf 3, length 4 */
        "apple x",             /* 3: wdf 1, length 2 */
        "pear x y z",
    };
    kh_db_t *db = create_with(path(state, "db"), texts, 4);
    kh_xquery_t *q = term("apple");
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));

    hits_t defaults = run(e);
    assert_true(weight_of(&defaults, 2) > weight_of(&defaults, 1)); /* wdf counts */
    assert_true(weight_of(&defaults, 3) > weight_of(&defaults, 1)); /* shorter wins */

    assert_ok(kh_enquire_set_bm25(e, 0.0, 0.0, 1.0, 0.5, 0.5, &E)); /* k1 = 0: wdf ignored */
    hits_t no_wdf = run(e);
    assert_close(weight_of(&no_wdf, 2), weight_of(&no_wdf, 1));
    assert_close(weight_of(&no_wdf, 3), weight_of(&no_wdf, 1));

    assert_ok(kh_enquire_set_bm25(e, 1.0, 0.0, 1.0, 0.0, 0.5, &E)); /* b = 0: length ignored */
    hits_t no_length = run(e);
    assert_close(weight_of(&no_length, 3), weight_of(&no_length, 1));
    assert_true(weight_of(&no_length, 2) > weight_of(&no_length, 1));

    assert_ok(kh_enquire_set_bm25(e, 1.0, 0.0, 1.0, 0.5, 0.5, &E)); /* Xapian's defaults */
    hits_t again = run(e);
    for (size_t i = 0; i < defaults.n; i++)
        assert_close(again.weight[i], defaults.weight[i]);

    assert_status(KH_ERR_ARG, kh_enquire_set_bm25(e, 1.0, 0.0, 1.0, 1.5, 0.5, &E));
    assert_status(KH_ERR_ARG, kh_enquire_set_bm25(e, -1.0, 0.0, 1.0, 0.5, 0.5, &E));
    assert_status(KH_ERR_ARG, kh_enquire_set_bm25(e, NAN, 0.0, 1.0, 0.5, 0.5, &E));
    kh_enquire_free(e);
    kh_xquery_free(q);
    kh_db_close(db);
}

static void test_collapse(void **state)
{
    kh_db_t *db = create(path(state, "db"));
    static const char *const keys[] = {"A", "A", "B", "B", "B", NULL, "C"};
    for (size_t i = 0; i < 7; i++) {
        char uid[8];
        snprintf(uid, sizeof uid, "%zu", i + 1);
        assert_int_equal(add(db, uid, "apple", keys[i]), i + 1);
    }
    assert_ok(kh_db_commit(db, &E));
    kh_xquery_t *q = term("apple");
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));

    assert_ok(kh_enquire_set_collapse_key(e, 0, 1, &E));
    hits_t one = run(e);
    static const unsigned per_key[] = {1, 3, 6, 7, 0}; /* 6 has no key: never collapsed */
    static const unsigned dropped[] = {1, 2, 0, 0};
    assert_docids(&one, per_key);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(one.collapse[i], dropped[i]);

    assert_ok(kh_enquire_set_collapse_key(e, 0, 2, &E));
    hits_t two = run(e);
    static const unsigned two_per_key[] = {1, 2, 3, 4, 6, 7, 0};
    assert_docids(&two, two_per_key);

    assert_ok(kh_enquire_set_collapse_key(e, KH_NO_SLOT, 0, &E));
    hits_t all = run(e);
    assert_int_equal(all.n, 7);
    assert_status(KH_ERR_ARG, kh_enquire_set_collapse_key(e, 0, 0, &E));
    kh_enquire_free(e);
    kh_xquery_free(q);
    kh_db_close(db);
}

static void test_sort(void **state)
{
    kh_db_t *db = create(path(state, "db"));
    assert_int_equal(add(db, "1", "apple", "20240103"), 1);
    assert_int_equal(add(db, "2", "apple", "20240101"), 2);
    assert_int_equal(add(db, "3", "apple", "20240102"), 3);
    assert_ok(kh_db_commit(db, &E));
    kh_xquery_t *q = term("apple");
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));
    static const struct {
        kh_sort_t mode;
        int reverse;
        unsigned docids[4];
    } rows[] = {
        {KH_SORT_VALUE, 0, {2, 3, 1}},
        {KH_SORT_VALUE, 1, {1, 3, 2}},
        {KH_SORT_VALUE_THEN_RELEVANCE, 0, {2, 3, 1}},
        {KH_SORT_RELEVANCE_THEN_VALUE, 1, {1, 3, 2}},
        /* Equal weights: ascending docid decides. */
        {KH_SORT_RELEVANCE, 0, {1, 2, 3}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_ok(kh_enquire_set_sort(e, rows[i].mode, 0, rows[i].reverse, &E));
        hits_t h = run(e);
        print_message("row %zu\n", i);
        assert_docids(&h, rows[i].docids);
    }
    assert_status(KH_ERR_ARG, kh_enquire_set_sort(e, (kh_sort_t)42, 0, 0, &E));
    kh_enquire_free(e);
    kh_xquery_free(q);
    kh_db_close(db);
}

static void test_mset_paging_and_access(void **state)
{
    kh_db_t *db = create(path(state, "db"));
    for (unsigned i = 1; i <= 5; i++) {
        char uid[8], text[32], value[8];
        snprintf(uid, sizeof uid, "%u", i);
        snprintf(text, sizeof text, "passage number %u", i);
        snprintf(value, sizeof value, "v%u", i);
        assert_int_equal(add(db, uid, text, value), i);
    }
    assert_ok(kh_db_commit(db, &E));
    kh_xquery_t *q = term("passage");
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));
    kh_mset_t *m = NULL;
    assert_ok(kh_enquire_get_mset(e, 2, 2, 10, &m, &E));
    assert_int_equal(kh_mset_size(m), 2);
    assert_int_equal(kh_mset_matches_estimated(m), 5);
    kh_hit_t hit;
    assert_ok(kh_mset_hit(m, 0, &hit, &E));
    assert_int_equal(hit.docid, 3);
    assert_int_equal(hit.rank, 2); /* ranks count from the whole result's first hit */
    assert_true(hit.weight > 0);
    assert_int_equal(hit.collapse_count, 0);
    const char *data = NULL, *value = NULL;
    size_t len = 0, vlen = 0;
    assert_ok(kh_mset_data(m, 1, &data, &len, &E));
    assert_string_equal(data, "passage number 4");
    assert_int_equal(len, 16);
    assert_ok(kh_mset_value(m, 1, 0, &value, &vlen, &E));
    assert_string_equal(value, "v4");
    assert_int_equal(vlen, 2);
    assert_ok(kh_mset_value(m, 1, 7, &value, &vlen, &E));
    assert_string_equal(value, "");
    assert_status(KH_ERR_ARG, kh_mset_hit(m, 2, &hit, &E));
    assert_status(KH_ERR_ARG, kh_mset_data(m, 2, &data, &len, &E));
    assert_null(data);
    kh_mset_free(m);

    /* No query set: the empty query matches nothing. */
    kh_enquire_t *bare = NULL;
    assert_ok(kh_enquire_new(db, &bare, &E));
    assert_int_equal(run(bare).n, 0);
    kh_enquire_free(bare);
    kh_enquire_free(e);
    kh_xquery_free(q);
    kh_db_close(db);
}

static void test_expand(void **state)
{
    static const char *const texts[] = {
        "apple orchard harvest", /* 1 */
        "apple orchard cider",   /* 2 */
        "apple pie",             /* 3 */
        "banana split",          /* 4 */
        "cherry orchard",        /* 5 */
    };
    kh_db_t *db = create_with(path(state, "db"), texts, 5);
    kh_xquery_t *q = term("apple");
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));
    static const unsigned relevant[] = {1, 2};
    collected_t c = {0};
    assert_ok(kh_enquire_expand(e, relevant, 2, 10, collect_expand, &c, &E));
    /* orchard is in both relevant documents; harvest and cider in one each;
     * apple is the query and Q1, Q2 are prefixed ids: all left out. */
    assert_int_equal(c.n, 3);
    assert_string_equal(c.term[0], "orchard");
    assert_true(c.w[0] > c.w[1]);
    assert_true((!strcmp(c.term[1], "cider") && !strcmp(c.term[2], "harvest")) ||
                (!strcmp(c.term[1], "harvest") && !strcmp(c.term[2], "cider")));
    assert_close(c.w[1], c.w[2]);

    memset(&c, 0, sizeof c);
    assert_ok(kh_enquire_expand(e, relevant, 2, 1, collect_expand, &c, &E));
    assert_int_equal(c.n, 1);
    assert_string_equal(c.term[0], "orchard");

    static const unsigned unknown[] = {99};
    assert_status(KH_ERR_NOT_FOUND, kh_enquire_expand(e, unknown, 1, 5, collect_expand, &c, &E));
    static const unsigned zero[] = {0};
    assert_status(KH_ERR_ARG, kh_enquire_expand(e, zero, 1, 5, collect_expand, &c, &E));
    kh_enquire_free(e);
    kh_xquery_free(q);
    kh_db_close(db);
}

/* ==== statistics ============================================================ */

static void test_statistics(void **state)
{
    static const char *const texts[] = {
        "apple banana apple",          /* 1: length 3 */
        "apple cherry",                /* 2: length 2 */
        "cherry cherry cherry durian", /* 3: length 4 */
    };
    kh_db_t *db = create_with(path(state, "db"), texts, 3);
    static const struct {
        const char *term;
        unsigned termfreq;
    } rows[] = {
        /* clang-format off */
        {"apple",  2},
        {"cherry", 2},
        {"durian", 1},
        {"Q2",     1}, /* boolean: in a document, wdf 0 */
        {"zzz",    0},
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        unsigned tf = 99;
        assert_ok(kh_db_term_freq(db, rows[i].term, &tf, &E));
        assert_int_equal(tf, rows[i].termfreq);
    }
    /* All the frequencies at once: the same figures. */
    const char *terms[sizeof rows / sizeof rows[0]];
    unsigned tfs[sizeof rows / sizeof rows[0]];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        terms[i] = rows[i].term;
    assert_ok(kh_db_term_freqs(db, terms, sizeof rows / sizeof rows[0], tfs, &E));
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(tfs[i], rows[i].termfreq);
    assert_ok(kh_db_term_freqs(db, NULL, 0, NULL, &E));
    terms[1] = NULL;
    assert_int_equal(kh_db_term_freqs(db, terms, 2, tfs, &E), KH_ERR_ARG);
    assert_int_equal(tfs[0], 0); /* outputs cleared on failure */
    assert_int_equal(doc_count(db), 3);

    collected_t c = {0};
    assert_ok(kh_db_postings(db, "apple", collect_posting, &c, &E));
    assert_int_equal(c.n, 2);
    assert_int_equal(c.a[0], 1);
    assert_int_equal(c.b[0], 2);
    assert_int_equal(c.a[1], 2);
    assert_int_equal(c.b[1], 1);
    memset(&c, 0, sizeof c);
    assert_ok(kh_db_postings(db, "", collect_posting, &c, &E));
    assert_int_equal(c.n, 3);
    assert_int_equal(c.a[2], 3);
    assert_int_equal(c.b[2], 1);
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    assert_ok(kh_db_postings(db, "cherry", collect_posting, &c, &E));
    assert_int_equal(c.n, 1);
    assert_int_equal(c.a[0], 2);

    memset(&c, 0, sizeof c);
    assert_ok(kh_db_all_terms(db, "Q", collect_term_freq, &c, &E));
    assert_int_equal(c.n, 3);
    assert_string_equal(c.term[0], "Q1");
    assert_string_equal(c.term[2], "Q3");
    assert_int_equal(c.a[0], 1);
    memset(&c, 0, sizeof c);
    assert_ok(kh_db_all_terms(db, NULL, collect_term_freq, &c, &E));
    static const char *const all[] = {"Q1", "Q2", "Q3", "apple", "banana", "cherry", "durian"};
    assert_int_equal(c.n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(c.term[i], all[i]);
    assert_int_equal(c.a[5], 2);
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    assert_ok(kh_db_all_terms(db, "", collect_term_freq, &c, &E));
    assert_int_equal(c.n, 2);
    kh_db_close(db);

    /* An empty database: zeros. */
    kh_db_t *empty = create(path(state, "empty"));
    assert_int_equal(doc_count(empty), 0);
    assert_int_equal(has_term(empty, "apple"), 0);
    kh_db_close(empty);
}

static void test_metadata(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *db = create(where);
    assert_ok(kh_db_set_metadata(db, "khabar.schema", "1", &E));
    assert_ok(kh_db_set_metadata(db, "note", "الشركة", &E));
    assert_ok(kh_db_set_metadata(db, "gone", "soon", &E));
    assert_ok(kh_db_set_metadata(db, "gone", "", &E)); /* deletes */
    assert_status(KH_ERR_ARG, kh_db_set_metadata(db, "", "x", &E));
    assert_ok(kh_db_commit(db, &E));
    kh_db_close(db);

    db = open_ro(where);
    static const struct {
        const char *key, *value;
    } rows[] = {{"khabar.schema", "1"}, {"note", "الشركة"}, {"gone", ""}, {"never", ""}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *value = NULL;
        assert_ok(kh_db_get_metadata(db, rows[i].key, &value, &E));
        assert_string_equal(value, rows[i].value);
        free(value);
    }
    assert_status(KH_ERR_ARG, kh_db_set_metadata(db, "k", "v", &E));
    assert_contains(E.message, "read-only");
    kh_db_close(db);
}

/* ==== transactions and closing ============================================= */

static void test_transactions(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *db = create(where);
    assert_ok(kh_db_begin_transaction(db, 1, &E));
    add(db, "kept", "kept passage", NULL);
    assert_ok(kh_db_commit_transaction(db, &E));

    assert_ok(kh_db_begin_transaction(db, 1, &E));
    add(db, "cancelled", "cancelled passage", NULL);
    assert_int_equal(has_term(db, "Qcancelled"), 1); /* the writer sees its own changes */
    assert_status(KH_ERR_ARG, kh_db_begin_transaction(db, 1, &E)); /* no nesting */
    assert_status(KH_ERR_ARG, kh_db_commit(db, &E));               /* not inside one */
    assert_ok(kh_db_cancel_transaction(db, &E));
    assert_int_equal(has_term(db, "Qcancelled"), 0);

    /* Unflushed: cancelling also drops what was pending before it. */
    add(db, "pending", "pending passage", NULL);
    assert_ok(kh_db_begin_transaction(db, 0, &E));
    add(db, "inner", "inner passage", NULL);
    assert_ok(kh_db_cancel_transaction(db, &E));
    assert_int_equal(has_term(db, "Qpending"), 0);

    assert_status(KH_ERR_ARG, kh_db_commit_transaction(db, &E));
    assert_status(KH_ERR_ARG, kh_db_cancel_transaction(db, &E));
    assert_ok(kh_db_commit(db, &E));
    kh_db_close(db);

    db = open_ro(where);
    assert_int_equal(doc_count(db), 1);
    assert_int_equal(has_term(db, "Qkept"), 1);
    assert_int_equal(has_term(db, "Qcancelled"), 0);
    assert_int_equal(has_term(db, "Qinner"), 0);
    kh_db_close(db);
}

static void test_close_commits_but_drops_open_transaction(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *db = create(where);
    add(db, "uncommitted", "never explicitly committed", NULL);
    kh_db_close(db); /* commits */

    assert_ok(kh_db_open(where, KH_DB_OPEN, &db, &E));
    assert_int_equal(doc_count(db), 1);
    assert_ok(kh_db_begin_transaction(db, 1, &E));
    add(db, "open", "inside an unfinished transaction", NULL);
    kh_db_close(db); /* discards the transaction, and releases the lock now */

    kh_db_t *reader = open_ro(where);
    assert_int_equal(doc_count(reader), 1);
    assert_int_equal(has_term(reader, "Quncommitted"), 1);
    assert_int_equal(has_term(reader, "Qopen"), 0);
    kh_db_close(reader);

    /* Closing before an enquire is freed (the enquire may then only be
     * freed): the lock and the implicit commit still happen at close. */
    assert_ok(kh_db_open(where, KH_DB_OPEN, &db, &E));
    kh_enquire_t *e = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    add(db, "late", "added before close", NULL);
    kh_db_close(db);
    kh_db_t *again = NULL;
    assert_ok(kh_db_open(where, KH_DB_OPEN, &again, &E));
    assert_int_equal(doc_count(again), 2);
    kh_db_close(again);
    kh_enquire_free(e);
}

/* ==== several databases ===================================================== */

static const char *const shard_texts[] = {
    "apple banana harvest report", "cherry apple market prices", "banana exports rise",
    "الشركة تعلن أرباح apple",     "cherry blossom festival",    "apple apple orchard news",
};

/* The same six passages: all in one database, and alternately in two. */
static void build_shards(void **state)
{
    kh_db_t *one = create(path(state, "one"));
    kh_db_t *a = create(path(state, "a"));
    kh_db_t *b = create(path(state, "b"));
    for (size_t i = 0; i < 6; i++) {
        char uid[8];
        snprintf(uid, sizeof uid, "%zu", i + 1);
        add(one, uid, shard_texts[i], uid);
        add(i % 2 ? b : a, uid, shard_texts[i], uid);
    }
    assert_ok(kh_db_commit(one, &E));
    kh_db_close(one);
    kh_db_close(a);
    kh_db_close(b);
}

static kh_xquery_t *shard_query(void)
{
    return combine_words(KH_OP_OR, 0, "apple banana cherry الشركة");
}

/*
 * a holds passages 1, 3, 5 and b 2, 4, 6; searched together their docids
 * interleave to 1..6, the one-database ids, so hits compare one to one.
 */
static void assert_same_results(kh_db_t *combined, kh_db_t *single)
{
    kh_xquery_t *q = shard_query();
    hits_t want = search(single, q), got = search(combined, q);
    assert_int_equal(want.n, 6);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        assert_int_equal(got.docid[i], want.docid[i]);
        assert_close(got.weight[i], want.weight[i]);
        assert_doc_data(combined, got.docid[i], shard_texts[got.docid[i] - 1]);
    }
    kh_xquery_free(q);
    unsigned tf_one = 0, tf_many = 0;
    assert_ok(kh_db_term_freq(single, "apple", &tf_one, &E));
    assert_ok(kh_db_term_freq(combined, "apple", &tf_many, &E));
    assert_int_equal(tf_many, tf_one);
}

static void test_stub_file_opens_as_one(void **state)
{
    build_shards(state);
    const char *stub = path(state, "shards.stub");
    /* Relative paths are relative to the stub's folder. */
    write_file(stub, "# two shards\nauto a\nglass b\n");
    kh_db_t *stubbed = open_ro(stub);
    assert_int_equal(doc_count(stubbed), 6);
    kh_db_t *one = open_ro(path(state, "one"));
    assert_same_results(stubbed, one);
    kh_db_close(one);
    kh_db_close(stubbed);
}

/*
 * A stub with a remote line is opened line by line, the remote one given the
 * caller's timeout: served by xapian-progsrv (Xapian's remote protocol over
 * a pipe, no port) it ranks as one database; a program that never answers
 * fails in that time, its line named; a timeout of 0 is refused.
 */
static void test_remote_timeout(void **state)
{
    if (system("command -v xapian-progsrv >/dev/null 2>&1") != 0)
        skip();
    build_shards(state);
    const char *stub = path(state, "remote.stub");
    char text[4200];
    snprintf(text, sizeof text, "auto a\nremote :xapian-progsrv %s\n", path(state, "b"));
    write_file(stub, text);
    kh_db_t *remote = NULL;
    assert_ok(kh_db_open_reader(stub, 2.0, &remote, &E));
    assert_true(kh_db_is_remote(remote));
    kh_db_t *one = open_ro(path(state, "one"));
    assert_same_results(remote, one);
    unsigned dropped = 99;
    assert_ok(kh_db_drop_down_shards(remote, &dropped, NULL, NULL, &E));
    assert_int_equal(dropped, 0); /* every shard answers */
    kh_db_close(one);
    kh_db_close(remote);

    write_file(stub, "auto a\nremote :sleep 1\n");
    assert_status(KH_ERR_NETWORK, kh_db_open_reader(stub, 0.2, &remote, &E));
    assert_null(remote);
    assert_contains(E.message, "shard 'remote :sleep 1' (");
    assert_contains(E.message, "remote.stub line 2)");
    assert_contains(E.message, "no reply within 0.2 s");
    assert_status(KH_ERR_ARG, kh_db_open_reader(stub, 0, &remote, &E));
    assert_status(KH_ERR_ARG, kh_db_stub_probe(stub, -1, NULL, NULL, &E));
}

/* What kh_db_documents_data() and kh_db_documents_term_wdfs() hand over. */
typedef struct at_once {
    char data[8][64];
    char terms[8][256]; /* "term:wdf " each */
} at_once_t;

static int note_data(void *ctx, size_t i, const char *data, size_t len)
{
    at_once_t *a = ctx;
    snprintf(a->data[i], sizeof a->data[i], "%.*s", (int)len, data);
    return 0;
}

static int note_term(void *ctx, size_t i, const char *term, unsigned wdf)
{
    at_once_t *a = ctx;
    size_t used = strlen(a->terms[i]);
    snprintf(a->terms[i] + used, sizeof a->terms[i] - used, "%s:%u ", term, wdf);
    return 0;
}

/*
 * Several documents read at once: over two remote shards (xapian-progsrv,
 * several connections to each) the same data and term lists, in the
 * order asked, as from the one database; a missing document is
 * KH_ERR_NOT_FOUND.
 */
static void test_documents_at_once(void **state)
{
    if (system("command -v xapian-progsrv >/dev/null 2>&1") != 0)
        skip();
    build_shards(state);
    const char *stub = path(state, "remote.stub");
    char text[4200];
    snprintf(text, sizeof text, "remote :xapian-progsrv %s\nremote :xapian-progsrv %s\n",
             path(state, "a"), path(state, "b"));
    write_file(stub, text);
    kh_db_t *remote = NULL;
    assert_ok(kh_db_open_reader(stub, 5.0, &remote, &E));
    kh_db_t *one = open_ro(path(state, "one"));
    assert_int_equal(kh_db_shard_count(one), 1);
    assert_int_equal(kh_db_shard_count(remote), 2);
    static const struct {
        unsigned docids[8];
        size_t n;
    } rows[] = {
        {{6, 1, 4, 3, 2, 5}, 6}, /* both shards, out of order */
        {{2, 4, 6}, 3},          /* one shard */
        {{5}, 1},
        {{3, 3, 1}, 3}, /* a document asked twice */
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        at_once_t got = {0}, want = {0};
        assert_ok(kh_db_documents_data(remote, rows[r].docids, rows[r].n, note_data, &got, &E));
        assert_ok(kh_db_documents_data(one, rows[r].docids, rows[r].n, note_data, &want, &E));
        assert_ok(
            kh_db_documents_term_wdfs(remote, rows[r].docids, rows[r].n, note_term, &got, &E));
        assert_ok(kh_db_documents_term_wdfs(one, rows[r].docids, rows[r].n, note_term, &want, &E));
        for (size_t i = 0; i < rows[r].n; i++) {
            assert_string_equal(got.data[i], shard_texts[rows[r].docids[i] - 1]);
            assert_string_equal(got.data[i], want.data[i]);
            assert_true(got.terms[i][0]);
            assert_string_equal(got.terms[i], want.terms[i]);
        }
    }
    at_once_t ignored = {0};
    static const unsigned missing[] = {1, 99};
    assert_status(KH_ERR_NOT_FOUND,
                  kh_db_documents_data(remote, missing, 2, note_data, &ignored, &E));
    assert_status(KH_ERR_NOT_FOUND,
                  kh_db_documents_term_wdfs(one, missing, 2, note_term, &ignored, &E));
    kh_db_close(one);
    kh_db_close(remote);
}

static void test_compact(void **state)
{
    build_shards(state);
    const char *compacted = path(state, "compacted");
    assert_ok(kh_db_compact(path(state, "one"), compacted, 0, &E));
    kh_db_t *db = open_ro(compacted);
    kh_db_t *one = open_ro(path(state, "one"));
    assert_same_results(db, one);
    kh_db_close(db);
    kh_db_close(one);

    /* A stub of two shards merges into one database, ids in stub order. */
    const char *stub = path(state, "shards.stub");
    write_file(stub, "auto a\nauto b\n");
    const char *merged = path(state, "merged");
    assert_ok(kh_db_compact(stub, merged, 1, &E));
    db = open_ro(merged);
    assert_int_equal(doc_count(db), 6);
    static const unsigned order[] = {1, 3, 5, 2, 4, 6}; /* a's passages, then b's */
    for (unsigned id = 1; id <= 6; id++)
        assert_doc_data(db, id, shard_texts[order[id - 1] - 1]);
    unsigned tf = 0;
    assert_ok(kh_db_term_freq(db, "apple", &tf, &E));
    assert_int_equal(tf, 4);
    kh_db_close(db);

    assert_status(KH_ERR_ARG, kh_db_compact(path(state, "one"), merged, 0, &E));
    assert_contains(E.message, "already exists");
    assert_status(KH_ERR_DB_NOT_FOUND,
                  kh_db_compact(path(state, "nope"), path(state, "out"), 0, &E));
    assert_contains(E.message, "nope");
}

/* ==== readers and writers =================================================== */

static void test_reopen_sees_new_commits(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *writer = create(where);
    add(writer, "1", "first", NULL);
    assert_ok(kh_db_commit(writer, &E));
    kh_db_t *reader = open_ro(where);
    assert_int_equal(doc_count(reader), 1);

    add(writer, "2", "second", NULL);
    assert_int_equal(doc_count(reader), 1); /* uncommitted: invisible */
    assert_ok(kh_db_commit(writer, &E));
    assert_int_equal(doc_count(reader), 1); /* committed, not yet reopened */
    assert_ok(kh_db_reopen(reader, &E));
    assert_int_equal(doc_count(reader), 2);
    assert_int_equal(has_term(reader, "second"), 1);
    assert_ok(kh_db_reopen(writer, &E)); /* harmless on a writer */
    kh_db_close(reader);
    kh_db_close(writer);
}

static void test_modified_while_reading(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *writer = create(where);
    char uid[16], text[64];
    for (unsigned i = 1; i <= 1000; i++) {
        snprintf(uid, sizeof uid, "%u", i);
        snprintf(text, sizeof text, "common t%u", i);
        add(writer, uid, text, NULL);
    }
    assert_ok(kh_db_commit(writer, &E));
    kh_db_t *reader = open_ro(where);

    /* Glass keeps the revision before the latest; two rewrites later the
     * reader's blocks have been reused. */
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned i = 1; i <= 1000; i++) {
            kh_doc_t *doc = NULL;
            assert_ok(kh_doc_new(&doc, &E));
            snprintf(uid, sizeof uid, "%u", i);
            snprintf(text, sizeof text, "common u%u r%u", i, round);
            fill(doc, uid, text, NULL);
            char unique[20];
            snprintf(unique, sizeof unique, "Q%u", i);
            assert_ok(kh_db_delete_documents_by_term(writer, unique, &E));
            assert_ok(kh_db_add_document(writer, doc, NULL, &E));
            kh_doc_free(doc);
        }
        assert_ok(kh_db_commit(writer, &E));
    }
    collected_t c = {0};
    assert_status(KH_ERR_DB_MODIFIED, kh_db_postings(reader, "common", collect_posting, &c, &E));
    assert_contains(E.message, where);
    assert_contains(E.message, "reopen and retry");
    assert_ok(kh_db_reopen(reader, &E));
    memset(&c, 0, sizeof c);
    assert_ok(kh_db_postings(reader, "common", collect_posting, &c, &E));
    assert_int_equal(c.n, 1000);
    kh_db_close(reader);
    kh_db_close(writer);
}

static void test_second_writer_is_locked_out(void **state)
{
    const char *where = path(state, "db");
    kh_db_t *first = create(where);
    add(first, "1", "one", NULL);
    assert_ok(kh_db_commit(first, &E));

    /* Xapian's lock holds even within one process. */
    kh_db_t *second = (kh_db_t *)1;
    assert_status(KH_ERR_DB_LOCKED, kh_db_open(where, KH_DB_OPEN, &second, &E));
    assert_null(second);
    assert_contains(E.message, where);
    assert_contains(E.message, "locked by another writer");
    assert_contains(E.message, "Unable to get write lock");
    assert_status(KH_ERR_DB_LOCKED, kh_db_open(where, KH_DB_CREATE_OR_OVERWRITE, &second, &E));

    /* Readers are not blocked by a writer. */
    kh_db_t *reader = open_ro(where);
    assert_int_equal(doc_count(reader), 1);
    kh_db_close(reader);

    kh_db_close(first);
    assert_ok(kh_db_open(where, KH_DB_OPEN, &second, &E));
    kh_db_close(second);
}

/* ==== error paths =========================================================== */

/* What make_fixture() puts at a path before the test opens it. */
enum {
    MISSING,
    MISSING_PARENT, /* the path's folder is missing too */
    EMPTY_FOLDER,
    GARBAGE_FOLDER,
    GARBAGE_FILE,
    BAD_VERSION_FILE,
    EXISTING_DB,
    STUB_TO_MISSING,
    STUB_TO_REFUSED_REMOTE
};

static void make_fixture(void **state, int kind, const char *where)
{
    char file[700];
    switch (kind) {
    case MISSING:
    case MISSING_PARENT:
        break;
    case EMPTY_FOLDER:
        assert_int_equal(mkdir(where, 0755), 0);
        break;
    case GARBAGE_FOLDER:
        assert_int_equal(mkdir(where, 0755), 0);
        snprintf(file, sizeof file, "%s/notes.txt", where);
        write_file(file, "not an index\n");
        break;
    case GARBAGE_FILE:
        write_file(where, "hello world\n");
        break;
    case BAD_VERSION_FILE:
        assert_int_equal(mkdir(where, 0755), 0);
        snprintf(file, sizeof file, "%s/iamglass", where);
        write_file(file, "garbage");
        break;
    case EXISTING_DB:
        kh_db_close(create(where));
        break;
    case STUB_TO_MISSING:
        write_file(where, "auto nowhere\n");
        break;
    case STUB_TO_REFUSED_REMOTE:
        /* Port 1 on the loopback: refused at once, no timeout. */
        write_file(where, "remote 127.0.0.1:1\n");
        break;
    }
    (void)state;
}

static void test_open_errors(void **state)
{
    static const struct {
        int kind;
        kh_db_mode_t mode;
        kh_status_t status;
        const char *message; /* besides the path */
    } rows[] = {
        {MISSING, KH_DB_READ_ONLY, KH_ERR_DB_NOT_FOUND, "the path does not exist"},
        {MISSING, KH_DB_OPEN, KH_ERR_DB_NOT_FOUND, "the path does not exist"},
        {MISSING_PARENT, KH_DB_CREATE_OR_OPEN, KH_ERR_DB_OPEN, "created in does not exist"},
        {EMPTY_FOLDER, KH_DB_READ_ONLY, KH_ERR_DB_NOT_FOUND, "holds no Xapian database"},
        {GARBAGE_FOLDER, KH_DB_READ_ONLY, KH_ERR_DB_NOT_FOUND, "holds no Xapian database"},
        {GARBAGE_FOLDER, KH_DB_OPEN, KH_ERR_DB_NOT_FOUND, "holds no Xapian database"},
        {GARBAGE_FILE, KH_DB_READ_ONLY, KH_ERR_DB_OPEN, "Bad line"},
        {GARBAGE_FILE, KH_DB_OPEN, KH_ERR_DB_OPEN, "Bad line"},
        {BAD_VERSION_FILE, KH_DB_READ_ONLY, KH_ERR_DB_CORRUPT, "corrupt"},
        {EXISTING_DB, KH_DB_CREATE, KH_ERR_DB_OPEN, "already exists"},
        {STUB_TO_MISSING, KH_DB_READ_ONLY, KH_ERR_DB_NOT_FOUND, "nowhere"},
        {STUB_TO_REFUSED_REMOTE, KH_DB_READ_ONLY, KH_ERR_NETWORK, "127.0.0.1"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, rows[i].kind == MISSING_PARENT ? "none/case%zu" : "case%zu", i);
        const char *where = path(state, name);
        make_fixture(state, rows[i].kind, where);
        kh_db_t *db = (kh_db_t *)1;
        print_message("row %zu\n", i);
        assert_status(rows[i].status, kh_db_open(where, rows[i].mode, &db, &E));
        assert_null(db);
        assert_contains(E.message, where);
        assert_contains(E.message, rows[i].message);
    }
    /* A garbage folder opened with create-or-open becomes a database:
     * Xapian's behaviour, pinned here so that a change is noticed. */
    const char *folder = path(state, "adopted");
    make_fixture(state, GARBAGE_FOLDER, folder);
    kh_db_t *db = NULL;
    assert_ok(kh_db_open(folder, KH_DB_CREATE_OR_OPEN, &db, &E));
    assert_int_equal(doc_count(db), 0);
    kh_db_close(db);

    db = (kh_db_t *)1;
    assert_status(KH_ERR_ARG, kh_db_open("", KH_DB_READ_ONLY, &db, &E));
    assert_null(db);
    assert_status(KH_ERR_ARG, kh_db_open(path(state, "x"), (kh_db_mode_t)77, &db, &E));
    assert_status(KH_ERR_ARG, kh_db_open(NULL, KH_DB_READ_ONLY, &db, &E));
}

static void test_term_limits(void **state)
{
    char longest[KH_MAX_TERM_BYTES + 2];
    memset(longest, 'a', KH_MAX_TERM_BYTES);
    longest[KH_MAX_TERM_BYTES] = '\0';
    char too_long[KH_MAX_TERM_BYTES + 2];
    memset(too_long, 'b', KH_MAX_TERM_BYTES + 1);
    too_long[KH_MAX_TERM_BYTES + 1] = '\0';
    /* "x" and 123 two-byte Arabic letters: 247 bytes. The message quotes 40
     * bytes at most, and byte 40 falls inside a letter: it stops before it. */
    char arabic[1 + 2 * 123 + 1] = "x";
    for (size_t i = 0; i < 123; i++)
        memcpy(arabic + 1 + 2 * i, "ب", 2);
    arabic[247] = '\0';

    kh_doc_t *doc = NULL;
    assert_ok(kh_doc_new(&doc, &E));
    assert_status(KH_ERR_ARG, kh_doc_add_posting(doc, too_long, 1, 1, &E));
    assert_contains(E.message, "246 bytes");
    assert_contains(E.message, "245");
    assert_status(KH_ERR_ARG, kh_doc_add_term(doc, too_long, 1, &E));
    assert_status(KH_ERR_ARG, kh_doc_add_boolean_term(doc, too_long, &E));
    assert_status(KH_ERR_ARG, kh_doc_add_posting(doc, arabic, 1, 1, &E));
    assert_contains(E.message, "247 bytes");
    assert_contains(E.message, "\"xببببببببببببببببببب...\""); /* x and 19 letters */
    assert_status(KH_ERR_ARG, kh_doc_add_term(doc, "", 1, &E));
    assert_contains(E.message, "empty term");

    /* The longest allowed term goes all the way through. */
    kh_db_t *db = create(path(state, "db"));
    assert_ok(kh_doc_add_posting(doc, longest, 1, 1, &E));
    assert_ok(kh_doc_add_boolean_term(doc, "Qlong", &E));
    assert_ok(kh_db_add_document(db, doc, NULL, &E));
    assert_ok(kh_db_commit(db, &E));
    assert_int_equal(has_term(db, longest), 1);
    assert_status(KH_ERR_ARG, kh_db_delete_documents_by_term(db, too_long, &E));
    assert_status(KH_ERR_ARG, kh_db_delete_documents_by_term(db, "", &E));
    assert_int_equal(doc_count(db), 1);
    kh_db_close(db);
    kh_doc_free(doc);
}

static void test_writes_on_reader(void **state)
{
    const char *where = path(state, "db");
    kh_db_close(create(where));
    kh_db_t *db = open_ro(where);
    kh_doc_t *doc = NULL;
    assert_ok(kh_doc_new(&doc, &E));
    unsigned docid = 99;
    assert_status(KH_ERR_ARG, kh_db_add_document(db, doc, &docid, &E));
    assert_int_equal(docid, 0);
    assert_contains(E.message, where);
    assert_contains(E.message, "read-only");
    assert_status(KH_ERR_ARG, kh_db_commit(db, &E));
    assert_status(KH_ERR_ARG, kh_db_begin_transaction(db, 1, &E));
    assert_status(KH_ERR_ARG, kh_db_set_metadata(db, "k", "v", &E));
    assert_status(KH_ERR_ARG, kh_db_delete_documents_by_term(db, "Qx", &E));
    /* err is optional: the status alone tells. */
    assert_int_equal(kh_db_delete_documents_by_term(db, "Qx", NULL), KH_ERR_ARG);
    assert_int_equal(doc_count(db), 0);
    kh_doc_free(doc);
    kh_db_close(db);
}

static void test_null_handles_and_arguments(void **state)
{
    (void)state;
    kh_db_close(NULL);
    kh_doc_free(NULL);
    kh_doc_clear(NULL);
    kh_xquery_free(NULL);
    kh_enquire_free(NULL);
    kh_mset_free(NULL);
    assert_int_equal(kh_mset_size(NULL), 0);
    assert_int_equal(kh_mset_matches_estimated(NULL), 0);

    unsigned n = 7;
    assert_status(KH_ERR_ARG, kh_db_doc_count(NULL, &n, &E));
    assert_int_equal(n, 0);
    assert_status(KH_ERR_ARG, kh_db_commit(NULL, &E));
    assert_status(KH_ERR_ARG, kh_doc_add_posting(NULL, "a", 1, 1, &E));
    kh_enquire_t *e = (kh_enquire_t *)1;
    assert_status(KH_ERR_ARG, kh_enquire_new(NULL, &e, &E));
    assert_null(e);
    assert_status(KH_ERR_ARG, kh_xquery_term(NULL, 1, 0, NULL, &E));
    /* err is optional everywhere. */
    assert_int_equal(kh_db_commit(NULL, NULL), KH_ERR_ARG);
    assert_int_equal(kh_xquery_term("", 1, 0, NULL, NULL), KH_ERR_ARG);
}

/* Wdfs of a term in chosen documents, straight from its postings. */
static void test_wdfs(void **state)
{
    static const char *const texts[] = {"red red fox", "blue fox", "red sky red red", "grey"};
    kh_db_t *db = create_with(path(state, "db"), texts, 4);
    static const struct {
        const char *term;
        unsigned docids[4];
        size_t n;
        unsigned want[4];
    } rows[] = {
        {"red", {1, 2, 3, 4}, 4, {2, 0, 3, 0}},
        {"red", {3}, 1, {3}},
        {"fox", {1, 2}, 2, {1, 1}},
        {"fox", {3, 4}, 2, {0, 0}}, /* past its last posting */
        {"nothing", {1, 4}, 2, {0, 0}},
        {"sky", {0}, 0, {0}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        unsigned got[4] = {9, 9, 9, 9};
        assert_ok(kh_db_wdfs(db, rows[i].term, rows[i].docids, rows[i].n, got, &E));
        for (size_t k = 0; k < rows[i].n; k++)
            assert_int_equal(got[k], rows[i].want[k]);
    }
    kh_db_close(db);
}

/* What kh_db_passage_wdfs() hands over: "docid:wdf,wdf,... " each. */
typedef struct passage_wdfs {
    size_t n_terms;
    char out[512];
} passage_wdfs_t;

static int note_passage_wdfs(void *ctx, unsigned docid, const unsigned *wdfs)
{
    passage_wdfs_t *p = ctx;
    size_t used = strlen(p->out);
    used += (size_t)snprintf(p->out + used, sizeof p->out - used, "%u:", docid);
    for (size_t t = 0; t < p->n_terms; t++)
        used +=
            (size_t)snprintf(p->out + used, sizeof p->out - used, "%s%u", t ? "," : "", wdfs[t]);
    snprintf(p->out + used, sizeof p->out - used, " ");
    return 0;
}

/* Splits a space-separated list into items[] (at most 16), pointing into copy. */
static size_t split_words(const char *words, char *copy, size_t size, const char **items)
{
    snprintf(copy, size, "%s", words);
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save))
        items[n++] = w;
    return n;
}

/*
 * The wdfs of a few terms in the passages named by their Q terms, read
 * with matches (several terms packed in a weight: a wdf of 1,000 with 13
 * terms makes 3 groups of 5): the same as the postings say, in one
 * database and over two remote shards (xapian-progsrv), docids ascending,
 * passages holding none of the terms left out.
 */
static void test_passage_wdfs(void **state)
{
    kh_db_t *one = create(path(state, "one"));
    kh_db_t *a = create(path(state, "a"));
    kh_db_t *b = create(path(state, "b"));
    for (size_t i = 0; i < 7; i++) {
        char uid[8];
        snprintf(uid, sizeof uid, "%zu", i + 1);
        for (kh_db_t *db = one; db; db = db == one ? (i % 2 ? b : a) : NULL) {
            kh_doc_t *doc = NULL;
            assert_ok(kh_doc_new(&doc, &E));
            fill(doc, uid, i < 6 ? shard_texts[i] : "red", NULL);
            if (i == 6)
                assert_ok(kh_doc_add_term(doc, "red", 999, &E)); /* wdf 1,000 */
            assert_ok(kh_db_add_document(db, doc, NULL, &E));
            kh_doc_free(doc);
        }
    }
    kh_db_close(one);
    kh_db_close(a);
    kh_db_close(b);
    static const struct {
        const char *terms, *ids, *want;
    } rows[] = {
        {"apple banana cherry", "Q1 Q2 Q6", "1:1,1,0 2:1,0,1 6:2,0,0 "},
        {"harvest", "Q2 Q3", ""}, /* neither holds it */
        {"apple red", "Q7 Q4 Q1", "1:1,0 4:1,0 7:0,1000 "},
        {"banana cherry prices exports rise blossom festival orchard news market harvest report "
         "red",
         "Q1 Q2 Q3 Q4 Q5 Q6 Q7",
         "1:1,0,0,0,0,0,0,0,0,0,1,1,0 2:0,1,1,0,0,0,0,0,0,1,0,0,0 3:1,0,0,1,1,0,0,0,0,0,0,0,0 "
         "5:0,1,0,0,0,1,1,0,0,0,0,0,0 6:0,0,0,0,0,0,0,1,1,0,0,0,0 7:0,0,0,0,0,0,0,0,0,0,0,0,1000 "},
    };
    kh_db_t *dbs[2] = {open_ro(path(state, "one")), NULL};
    if (system("command -v xapian-progsrv >/dev/null 2>&1") == 0) {
        const char *stub = path(state, "remote.stub");
        char text[4200];
        snprintf(text, sizeof text, "remote :xapian-progsrv %s\nremote :xapian-progsrv %s\n",
                 path(state, "a"), path(state, "b"));
        write_file(stub, text);
        assert_ok(kh_db_open_reader(stub, 5.0, &dbs[1], &E));
    }
    for (size_t d = 0; d < 2 && dbs[d]; d++) {
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            char terms_copy[256], ids_copy[256];
            const char *terms[16], *ids[16];
            passage_wdfs_t got = {0};
            got.n_terms = split_words(rows[r].terms, terms_copy, sizeof terms_copy, terms);
            size_t n_ids = split_words(rows[r].ids, ids_copy, sizeof ids_copy, ids);
            assert_ok(kh_db_passage_wdfs(dbs[d], terms, got.n_terms, ids, n_ids, note_passage_wdfs,
                                         &got, &E));
            assert_string_equal(got.out, rows[r].want);
        }
    }
    assert_status(KH_ERR_ARG,
                  kh_db_passage_wdfs(dbs[0], NULL, 1, NULL, 0, note_passage_wdfs, NULL, &E));
    kh_db_close(dbs[0]);
    kh_db_close(dbs[1]);
}

/* Values of several hits at once (kh_mset_values), as kh_mset_value() reads them one by one. */
static void test_mset_values(void **state)
{
    build_shards(state);
    kh_db_t *db = open_ro(path(state, "one"));
    kh_xquery_t *q = shard_query();
    kh_enquire_t *e = NULL;
    kh_mset_t *m = NULL;
    assert_ok(kh_enquire_new(db, &e, &E));
    assert_ok(kh_enquire_set_query(e, q, &E));
    assert_ok(kh_enquire_get_mset(e, 0, 10, 0, &m, &E));
    assert_int_equal(kh_mset_size(m), 6);
    static const size_t hits[] = {5, 0, 3, 3};
    at_once_t got = {0};
    assert_ok(kh_mset_values(m, hits, 4, 0, note_data, &got, &E));
    for (size_t i = 0; i < 4; i++) {
        const char *v;
        size_t len;
        assert_ok(kh_mset_value(m, hits[i], 0, &v, &len, &E));
        assert_true(len > 0);
        assert_string_equal(got.data[i], v);
    }
    static const size_t past[] = {0, 6};
    assert_status(KH_ERR_ARG, kh_mset_values(m, past, 2, 0, note_data, &got, &E));
    kh_mset_free(m);
    kh_enquire_free(e);
    kh_xquery_free(q);
    kh_db_close(db);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_add_replace_delete),
        T(test_document_accessors),
        T(test_phrase_and_near),
        T(test_boolean_operators),
        T(test_scale_weight),
        T(test_value_range),
        T(test_query_values),
        T(test_bm25_parameters),
        T(test_collapse),
        T(test_sort),
        T(test_mset_paging_and_access),
        T(test_expand),
        T(test_statistics),
        T(test_wdfs),
        T(test_passage_wdfs),
        T(test_mset_values),
        T(test_metadata),
        T(test_transactions),
        T(test_close_commits_but_drops_open_transaction),
        T(test_stub_file_opens_as_one),
        T(test_remote_timeout),
        T(test_documents_at_once),
        T(test_compact),
        T(test_reopen_sees_new_commits),
        T(test_modified_while_reading),
        T(test_second_writer_is_locked_out),
        T(test_open_errors),
        T(test_term_limits),
        T(test_writes_on_reader),
        T(test_null_handles_and_arguments),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
