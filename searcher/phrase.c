#include "phrase.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/tokenize.h"

typedef struct phrase {
    kh_phrase_kind_t kind;
    char **terms;
    size_t n;
    int *ids;       /* the terms as indexes into kh_phrases.terms (prepare) */
    int next_alike; /* the next phrase with the same first term, or -1 */
} phrase_t;

/*
 * What a word form comes to, beside a term's index (>= 0): no phrase term,
 * no word at all (its norm is empty: it takes no position), or a form that
 * cannot be analysed alone (see learn()).
 */
enum { FORM_OTHER = -1, FORM_NO_WORD = -2, FORM_IN_CONTEXT = -3 };

/*
 * The word forms met so far: open addressing on the form's bytes and
 * script, the bytes kept back to back in chars. It stops growing at
 * FORMS_MAX entries or FORMS_CHARS_MAX bytes (a query's passages rarely
 * hold 30,000 distinct forms); a form met after that is analysed each time.
 */
#define FORMS_MAX (1u << 16)
#define FORMS_CHARS_MAX (4u << 20)
#define FORM_LEN_MAX 255

typedef struct form {
    uint32_t hash;
    uint32_t offset; /* in chars */
    uint8_t len;     /* 0: an empty slot (a token has at least one byte) */
    uint8_t script;
    int32_t value; /* a term index or FORM_* */
} form_t;

typedef struct forms {
    form_t *slots;
    size_t n, cap; /* cap a power of two, or 0 */
    char *chars;
    size_t len, cap_chars;
} forms_t;

/* One analysed text: its tokens' terms, back to back. */
typedef struct tokens {
    char *chars;
    size_t len, cap;
    size_t *offset; /* of each token's term in chars */
    size_t n, cap_tokens;
} tokens_t;

struct kh_phrases {
    phrase_t *items;
    size_t n;
    int prepared;       /* terms, first and the ids below match items */
    const char **terms; /* the distinct terms of every phrase, sorted; borrowed from items */
    size_t n_terms;
    int *first;    /* first[t]: the first phrase that starts with term t, or -1 */
    forms_t forms; /* word forms met in this query's passages */
    int *ids;      /* the passage's words as term indexes (FORM_OTHER: none) */
    size_t n_ids, cap_ids;
    unsigned char *here; /* per phrase: found in the passage */
    tokens_t scratch;    /* a whole passage analysed, when a form needs its context */
};

kh_status_t kh_phrases_new(kh_phrases_t **out, kh_error_t *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
}

static void phrase_free(phrase_t *ph)
{
    for (size_t k = 0; k < ph->n; k++)
        free(ph->terms[k]);
    free(ph->terms);
    free(ph->ids);
}

/* Forgets what was prepared for the phrases (they changed). */
static void unprepare(kh_phrases_t *p)
{
    free(p->terms);
    free(p->first);
    free(p->here);
    free(p->forms.slots);
    free(p->forms.chars);
    p->terms = NULL;
    p->first = NULL;
    p->here = NULL;
    p->forms = (forms_t){0};
    p->n_terms = 0;
    p->prepared = 0;
}

void kh_phrases_free(kh_phrases_t *p)
{
    if (!p)
        return;
    unprepare(p);
    for (size_t i = 0; i < p->n; i++)
        phrase_free(&p->items[i]);
    free(p->items);
    free(p->ids);
    free(p->scratch.chars);
    free(p->scratch.offset);
    free(p);
}

static int same_phrase(const phrase_t *ph, kh_phrase_kind_t kind, const char *const *terms,
                       size_t n)
{
    if (ph->kind != kind || ph->n != n)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(ph->terms[k], terms[k]) != 0)
            return 0;
    return 1;
}

kh_status_t kh_phrases_add(kh_phrases_t *p, kh_phrase_kind_t kind, const char *const *terms,
                           size_t n, kh_error_t *err)
{
    /* A query of one phrase pasted 300 times is checked for it once. */
    for (size_t i = 0; i < p->n; i++)
        if (same_phrase(&p->items[i], kind, terms, n))
            return KH_OK;
    unprepare(p);
    phrase_t *items = realloc(p->items, (p->n + 1) * sizeof *items);
    if (!items)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    p->items = items;
    phrase_t *ph = &p->items[p->n];
    *ph = (phrase_t){.kind = kind,
                     .terms = calloc(n ? n : 1, sizeof *ph->terms),
                     .ids = calloc(n ? n : 1, sizeof *ph->ids)};
    if (!ph->terms || !ph->ids) {
        phrase_free(ph);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    p->n++;
    for (size_t k = 0; k < n; k++) {
        if (!(ph->terms[k] = strdup(terms[k])))
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        ph->n++;
    }
    return KH_OK;
}

size_t kh_phrases_count(const kh_phrases_t *p)
{
    return p ? p->n : 0;
}

void kh_phrases_drop_any(kh_phrases_t *p)
{
    unprepare(p);
    size_t kept = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->items[i].kind != KH_PHRASE_ANY)
            p->items[kept++] = p->items[i];
        else
            phrase_free(&p->items[i]);
    }
    p->n = kept;
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *b = realloc(*buf, cap2 * size);
    if (!b)
        return -1;
    *buf = b;
    *cap = cap2;
    return 0;
}

static int compare_terms(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The index of term among the phrase terms, or FORM_OTHER. */
static int term_index(const kh_phrases_t *p, const char *term)
{
    const char **at = bsearch(&term, p->terms, p->n_terms, sizeof *p->terms, compare_terms);
    return at ? (int)(at - p->terms) : FORM_OTHER;
}

/* The distinct terms, each phrase's ids and the lists of phrases by first term. */
static kh_status_t prepare(kh_phrases_t *p, kh_error_t *err)
{
    size_t total = 0;
    for (size_t i = 0; i < p->n; i++)
        total += p->items[i].n;
    p->terms = malloc((total ? total : 1) * sizeof *p->terms);
    p->here = malloc(p->n ? p->n : 1);
    if (!p->terms || !p->here)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->items[i].n; k++)
            p->terms[p->n_terms++] = p->items[i].terms[k];
    qsort(p->terms, p->n_terms, sizeof *p->terms, compare_terms);
    size_t distinct = 0;
    for (size_t i = 0; i < p->n_terms; i++)
        if (distinct == 0 || strcmp(p->terms[distinct - 1], p->terms[i]) != 0)
            p->terms[distinct++] = p->terms[i];
    p->n_terms = distinct;
    p->first = malloc((distinct ? distinct : 1) * sizeof *p->first);
    if (!p->first)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    for (size_t t = 0; t < distinct; t++)
        p->first[t] = -1;
    /* Backwards, so that each list runs in the order the phrases were given. */
    for (size_t i = p->n; i-- > 0;) {
        phrase_t *ph = &p->items[i];
        for (size_t k = 0; k < ph->n; k++)
            ph->ids[k] = term_index(p, ph->terms[k]);
        ph->next_alike = -1;
        if (ph->n) {
            ph->next_alike = p->first[ph->ids[0]];
            p->first[ph->ids[0]] = (int)i;
        }
    }
    p->prepared = 1;
    return KH_OK;
}

static uint32_t hash_form(const char *s, size_t len, int script)
{
    uint32_t h = 2166136261u ^ (uint32_t)script; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot of the form, or the empty slot where it would go. */
static form_t *find_form(forms_t *f, const char *s, size_t len, int script, uint32_t hash)
{
    size_t mask = f->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        form_t *slot = &f->slots[i];
        if (slot->len == 0 || (slot->hash == hash && slot->len == len && slot->script == script &&
                               memcmp(f->chars + slot->offset, s, len) == 0))
            return slot;
    }
}

/* Remembers a form (when there is room: otherwise it is analysed again next time). */
static void remember_form(forms_t *f, const char *s, size_t len, int script, uint32_t hash,
                          int value)
{
    if (len > FORM_LEN_MAX || f->n >= FORMS_MAX || f->len + len > FORMS_CHARS_MAX)
        return;
    if (2 * (f->n + 1) > f->cap) { /* at most half full: probes stay short */
        size_t cap = f->cap ? 2 * f->cap : 1024;
        form_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return;
        forms_t bigger = {slots, f->n, cap, f->chars, f->len, f->cap_chars};
        for (size_t i = 0; i < f->cap; i++)
            if (f->slots[i].len)
                *find_form(&bigger, f->chars + f->slots[i].offset, f->slots[i].len,
                           f->slots[i].script, f->slots[i].hash) = f->slots[i];
        free(f->slots);
        *f = bigger;
    }
    if (grow((void **)&f->chars, &f->cap_chars, f->len + len, 1))
        return;
    form_t *slot = find_form(f, s, len, script, hash);
    memcpy(f->chars + f->len, s, len);
    *slot = (form_t){hash, (uint32_t)f->len, (uint8_t)len, (uint8_t)script, value};
    f->len += len;
    f->n++;
}

/* What the analyzer made of a form analysed alone. */
typedef struct alone {
    const kh_phrases_t *p;
    size_t len;
    int count, value;
} alone_t;

static kh_status_t note_alone(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    alone_t *al = ctx;
    if (++al->count > 1 || tok->start != 0 || tok->end != al->len)
        return KH_STOP;
    al->value = term_index(al->p, tok->term);
    return KH_OK;
}

/*
 * What the form seg of text comes to. The analyzer makes a token's term
 * from its bytes and script alone (analyzer.h: normalisation, then the
 * stemmer), so the form is analysed alone; should the tokenizer not make
 * the same single token of it alone, the passage is analysed whole
 * (FORM_IN_CONTEXT): the result is always the analyzer's own.
 */
static kh_status_t learn(kh_phrases_t *p, kh_analyzer_t *a, const char *form,
                         const kh_segment_t *seg, int *value, kh_error_t *err)
{
    size_t len = seg->end - seg->start;
    kh_tokenizer_t t;
    kh_segment_t alone;
    kh_tokenizer_init(&t, form, len);
    int one = kh_tokenizer_next(&t, &alone) && alone.start == 0 && alone.end == len &&
              alone.script == seg->script && !kh_tokenizer_next(&t, &alone);
    *value = FORM_IN_CONTEXT;
    if (!one)
        return KH_OK;
    alone_t al = {p, len, 0, FORM_OTHER};
    kh_status_t st = kh_analyzer_run(a, form, len, note_alone, &al, err);
    if (st == KH_STOP) /* not one word spanning the form: al says which case */
        st = KH_OK;
    if (!st && al.count <= 1)
        *value = al.count ? al.value : FORM_NO_WORD;
    return st;
}

static kh_status_t keep_token(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    tokens_t *t = ctx;
    if (grow((void **)&t->chars, &t->cap, t->len + tok->term_len + 1, 1) ||
        grow((void **)&t->offset, &t->cap_tokens, t->n + 1, sizeof *t->offset))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    memcpy(t->chars + t->len, tok->term, tok->term_len + 1);
    t->offset[t->n++] = t->len;
    t->len += tok->term_len + 1;
    return KH_OK;
}

static kh_status_t push_id(kh_phrases_t *p, int id, kh_error_t *err)
{
    if (grow((void **)&p->ids, &p->cap_ids, p->n_ids + 1, sizeof *p->ids))
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    p->ids[p->n_ids++] = id;
    return KH_OK;
}

/* The passage's words as term indexes from an analysis of the whole text. */
static kh_status_t ids_in_context(kh_phrases_t *p, kh_analyzer_t *a, const char *text, size_t len,
                                  kh_error_t *err)
{
    tokens_t *t = &p->scratch;
    t->len = t->n = 0;
    kh_status_t st = kh_analyzer_run(a, text, len, keep_token, t, err);
    p->n_ids = 0;
    for (size_t i = 0; !st && i < t->n; i++)
        st = push_id(p, term_index(p, t->chars + t->offset[i]), err);
    return st;
}

/* The passage's words as term indexes, each form analysed once per query. */
static kh_status_t ids_of(kh_phrases_t *p, kh_analyzer_t *a, const char *text, size_t len,
                          kh_error_t *err)
{
    kh_tokenizer_t t;
    kh_segment_t seg;
    kh_tokenizer_init(&t, text, len);
    p->n_ids = 0;
    while (kh_tokenizer_next(&t, &seg)) {
        const char *form = text + seg.start;
        size_t form_len = seg.end - seg.start;
        uint32_t hash = hash_form(form, form_len, (int)seg.script);
        form_t *known = p->forms.cap && form_len <= FORM_LEN_MAX
                            ? find_form(&p->forms, form, form_len, (int)seg.script, hash)
                            : NULL;
        int value;
        if (known && known->len) {
            value = known->value;
        } else {
            kh_status_t st = learn(p, a, form, &seg, &value, err);
            if (st)
                return st;
            remember_form(&p->forms, form, form_len, (int)seg.script, hash, value);
        }
        if (value == FORM_IN_CONTEXT)
            return ids_in_context(p, a, text, len, err);
        if (value != FORM_NO_WORD) {
            kh_status_t st = push_id(p, value, err);
            if (st)
                return st;
        }
    }
    return KH_OK;
}

/* Which phrases the passage's ids hold, into p->here. */
static void find_phrases(kh_phrases_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        p->here[i] = p->items[i].n == 0;
    for (size_t at = 0; at < p->n_ids; at++) {
        if (p->ids[at] < 0)
            continue;
        for (int i = p->first[p->ids[at]]; i >= 0; i = p->items[i].next_alike) {
            const phrase_t *ph = &p->items[i];
            if (!p->here[i] && at + ph->n <= p->n_ids &&
                memcmp(p->ids + at, ph->ids, ph->n * sizeof *ph->ids) == 0)
                p->here[i] = 1;
        }
    }
}

kh_status_t kh_phrases_check(kh_phrases_t *p, kh_analyzer_t *a, const char *text, size_t len,
                             int *ok, kh_error_t *err)
{
    *ok = 1;
    if (!p || p->n == 0)
        return KH_OK;
    kh_status_t st = p->prepared ? KH_OK : prepare(p, err);
    if (!st)
        st = ids_of(p, a, text, len, err);
    if (st)
        return st;
    find_phrases(p);
    int any_asked = 0, any_found = 0;
    for (size_t i = 0; i < p->n && *ok; i++) {
        kh_phrase_kind_t kind = p->items[i].kind;
        if (kind == KH_PHRASE_REQUIRED && !p->here[i])
            *ok = 0;
        else if (kind == KH_PHRASE_EXCLUDED && p->here[i])
            *ok = 0;
        else if (kind == KH_PHRASE_ANY) {
            any_asked = 1;
            any_found |= p->here[i];
        }
    }
    if (*ok && any_asked && !any_found)
        *ok = 0;
    return KH_OK;
}
