#include "exact.h"

#include <stdlib.h>
#include <string.h>

#include "khabar/normalize.h"
#include "khabar/stem.h"
#include "khabar/tokenize.h"

typedef struct form {
    char text[KH_TOKEN_FORM_MAX + 1];
    size_t len;
    int required;
} form_t;

struct kh_exact {
    form_t forms[KH_EXACT_MAX_FORMS];
    size_t n;
    size_t n_ranked;  /* words added not required, past the cap too */
    unsigned scripts; /* bit s: a form is of script s */
    kh_normalizer_t *normalizer;
    char norm[KH_TOKEN_FORM_MAX + 1]; /* a passage token's, in kh_exact_check */
};

kh_status_t kh_exact_new(kh_exact_t **out, kh_error_t *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? KH_OK : kh_error_set(err, KH_ERR_NOMEM, NULL);
}

void kh_exact_free(kh_exact_t *e)
{
    if (e)
        kh_normalizer_free(e->normalizer);
    free(e);
}

size_t kh_exact_count_forms(const kh_exact_t *e)
{
    return e ? e->n : 0;
}

int kh_exact_ranks(const kh_exact_t *e)
{
    return e && e->n_ranked >= 1 && e->n_ranked <= KH_EXACT_RANK_MAX_WORDS;
}

int kh_exact_required(const kh_exact_t *e)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (e->forms[i].required)
            return 1;
    return 0;
}

/* The token's exact form: its norm after the proclitics the prefix step takes. */
static const char *exact_form(const char *text, const kh_token_t *tok, size_t *len)
{
    size_t skip = 0;
    if (tok->script == KH_SCRIPT_ARABIC)
        skip = kh_arabic_prefix_len(tok->norm, tok->norm_len, text + tok->start,
                                    tok->end - tok->start);
    *len = tok->norm_len - skip;
    return tok->norm + skip;
}

typedef struct adding {
    kh_exact_t *e;
    const char *text;
    int required;
} adding_t;

static kh_status_t add_token(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    adding_t *add = ctx;
    kh_exact_t *e = add->e;
    size_t len;
    const char *form = exact_form(add->text, tok, &len);
    e->n_ranked += !add->required;
    for (size_t i = 0; i < e->n; i++) {
        if (e->forms[i].len == len && memcmp(e->forms[i].text, form, len) == 0) {
            e->forms[i].required |= add->required;
            return KH_OK;
        }
    }
    if (e->n == KH_EXACT_MAX_FORMS || !len)
        return KH_OK;
    form_t *f = &e->forms[e->n++];
    memcpy(f->text, form, len);
    f->text[len] = '\0';
    f->len = len;
    f->required = add->required;
    e->scripts |= 1u << tok->script;
    return KH_OK;
}

kh_status_t kh_exact_add(kh_exact_t *e, kh_analyzer_t *a, const char *text, size_t len,
                         int required, kh_error_t *err)
{
    adding_t add = {e, text, required};
    return kh_analyzer_run(a, text, len, add_token, &add, err);
}

/* The Arabic letter at s (two bytes in UTF-8), or 0. */
static unsigned arabic_letter(const char *s, size_t len)
{
    if (len < 2 || ((unsigned char)s[0] & 0xE0) != 0xC0)
        return 0;
    return ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
}

static int is_proclitic(unsigned c, int conjunction)
{
    if (c == 0x0648 || c == 0x0641) /* و ف */
        return conjunction;
    return c == 0x0628 || c == 0x0643 || c == 0x0644; /* ب ك ل */
}

/* Whether form is f, or f after one proclitic, or after و/ف and one of ب ك ل. */
static int holds(const form_t *f, const char *form, size_t len)
{
    for (int clitics = 0; clitics <= 2; clitics++) {
        if (len == f->len && memcmp(form, f->text, len) == 0)
            return 1;
        unsigned c = arabic_letter(form, len);
        if (!c || !is_proclitic(c, clitics == 0) || len < f->len + 2)
            return 0;
        form += 2;
        len -= 2;
    }
    return 0;
}

kh_status_t kh_exact_check(kh_exact_t *e, const char *text, size_t len, unsigned *held, int *ok,
                           kh_error_t *err)
{
    *held = 0;
    *ok = 1;
    if (!e || !e->n)
        return KH_OK;
    /*
     * Tokens normalised, not stemmed: the form is all the check needs, and
     * the stemmer was most of the analyzer's time.
     */
    kh_status_t st = e->normalizer ? KH_OK : kh_normalizer_new(&e->normalizer, err);
    unsigned all = (1u << e->n) - 1, met = 0;
    kh_tokenizer_t tokenizer;
    kh_tokenizer_init(&tokenizer, text, len);
    kh_segment_t span;
    while (!st && met != all && kh_tokenizer_next(&tokenizer, &span)) {
        if (!(e->scripts & 1u << span.script))
            continue;
        const char *word = text + span.start;
        size_t word_len = span.end - span.start, norm_len;
        st = kh_normalize_token(e->normalizer, word, word_len, span.script, e->norm, sizeof e->norm,
                                &norm_len, err);
        size_t skip = st || span.script != KH_SCRIPT_ARABIC
                          ? 0
                          : kh_arabic_prefix_len(e->norm, norm_len, word, word_len);
        for (size_t i = 0; !st && i < e->n; i++)
            if (!(met & 1u << i) && holds(&e->forms[i], e->norm + skip, norm_len - skip))
                met |= 1u << i;
    }
    for (size_t i = 0; i < e->n; i++) {
        *held += (met >> i) & 1u;
        if (e->forms[i].required && !(met & 1u << i))
            *ok = 0;
    }
    return st;
}
