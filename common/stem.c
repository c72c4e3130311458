#include "khabar/stem.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "khabar/tokenize.h"

/*
 * Snowball arabic costs about four times the rest of the pipeline together
 * (on 12 MB of saudinewsnet text: tokenizing and normalising run at ~85 MB/s,
 * with the stemmer ~19 MB/s), and words follow Zipf's law, so the stemmer
 * remembers recent words: a direct-mapped cache, allocated once with the
 * stemmer (1.5 MB, touched only as it fills), nothing allocated per word.
 * On that text 16384 slots answer 79% of the calls (8192: 73%, 32768: 85%).
 * Snowball is a pure function of the word, so a hit gives exactly what a
 * call would.
 */
#define CACHE_SLOTS 16384 /* a power of two */
#define CACHE_WORD_MAX 46

typedef struct {
    unsigned char word_len; /* 0: empty slot */
    unsigned char stem_len;
    char word[CACHE_WORD_MAX];
    char stem[CACHE_WORD_MAX + 1];
} cache_slot_t;

struct kh_stemmer {
    struct sb_stemmer *snowball;
    cache_slot_t *cache;
    char language[16];
};

kh_status_t kh_stemmer_new(kh_stemmer_t **out, const char *language, kh_error_t *err)
{
    if (!out || !language)
        return kh_error_set(err, KH_ERR_ARG, "kh_stemmer_new: NULL argument");
    *out = NULL;
    if (strlen(language) >= sizeof((kh_stemmer_t *)0)->language)
        return kh_error_set(err, KH_ERR_ARG, "no stemmer for language \"%s\"", language);
    kh_stemmer_t *s = calloc(1, sizeof *s);
    if (!s)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    s->cache = calloc(CACHE_SLOTS, sizeof *s->cache);
    if (!s->cache) {
        free(s);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    s->snowball = sb_stemmer_new(language, "UTF_8");
    if (!s->snowball) {
        free(s->cache);
        free(s);
        /* libstemmer returns NULL for both; an unknown name is the likely one. */
        const char **known = sb_stemmer_list();
        for (; *known; known++)
            if (strcmp(*known, language) == 0)
                return kh_error_set(err, KH_ERR_NOMEM, NULL);
        return kh_error_set(err, KH_ERR_ARG, "no stemmer for language \"%s\"", language);
    }
    strcpy(s->language, language);
    *out = s;
    return KH_OK;
}

void kh_stemmer_free(kh_stemmer_t *s)
{
    if (!s)
        return;
    sb_stemmer_delete(s->snowball);
    free(s->cache);
    free(s);
}

const char *kh_stemmer_language(const kh_stemmer_t *s)
{
    return s ? s->language : NULL;
}

kh_status_t kh_stemmer_stem(kh_stemmer_t *s, const char *word, size_t len, const char **out,
                            size_t *out_len, kh_error_t *err)
{
    if (!s || (!word && len) || !out || !out_len || len > INT_MAX)
        return kh_error_set(err, KH_ERR_ARG, "kh_stemmer_stem: bad argument");
    cache_slot_t *slot = NULL;
    if (len > 0 && len <= CACHE_WORD_MAX) {
        uint32_t hash = 2166136261u; /* FNV-1a */
        for (size_t i = 0; i < len; i++)
            hash = (hash ^ (unsigned char)word[i]) * 16777619u;
        slot = &s->cache[hash & (CACHE_SLOTS - 1)];
        if (slot->word_len == len && memcmp(slot->word, word, len) == 0) {
            *out = slot->stem;
            *out_len = slot->stem_len;
            return KH_OK;
        }
    }
    /* libstemmer NUL-terminates its result (libstemmer.c, sb_stemmer_stem). */
    const sb_symbol *stem =
        sb_stemmer_stem(s->snowball, (const sb_symbol *)(word ? word : ""), (int)len);
    if (!stem)
        return kh_error_set(err, KH_ERR_NOMEM, "stemming a word of %zu bytes", len);
    *out = (const char *)stem;
    *out_len = (size_t)sb_stemmer_length(s->snowball);
    if (slot && *out_len <= CACHE_WORD_MAX) {
        slot->word_len = (unsigned char)len;
        memcpy(slot->word, word, len);
        slot->stem_len = (unsigned char)*out_len;
        memcpy(slot->stem, stem, *out_len);
        slot->stem[*out_len] = '\0';
    }
    return KH_OK;
}

/*
 * The Arabic light prefix step.
 *
 * Why before Snowball: Snowball removes only ال, بال, كال, لل and a lone
 * و/ف, and measures its suffix rules on the whole word, so والشركات keeps
 * its وال (-> والشركا) and the same noun stems differently with and without
 * a proclitic. An earlier study here found this Light10 prefix step before
 * Snowball better than either stemmer alone on every Arabic set; a prototype
 * of this exact pipeline agreed (arcd MRR@10 0.797 vs 0.792 for Snowball
 * alone, kaiflematha 0.942 vs 0.932).
 *
 * Why "at least 3 letters remain" for the article (Light10 says 2): it is
 * Snowball's own minimum for ال, and a two-letter remainder is too often
 * another word: الله -> له ("for him"), والدة -> دة, الذي -> ذي. The cost is
 * that ال + a two-letter noun (الحب) keeps its article.
 *
 * Why the article is recognised on the normalised form, where أل and ال are
 * the same (the article's alef never carries a hamza, so ألتمان has none):
 * writers drop the hamza, and ألمانيا / المانيا, ألتمان / التمان must stem
 * alike. Over-stripping a name is harmless when every spelling of it is
 * over-stripped the same way; after a proclitic the article step runs again
 * for that reason (لألتمان -> ل + ال + تمان, like ألتمان -> ال + تمان).
 *
 * Why a lone و is not removed here (Light10 removes it when 3 letters
 * remain): Snowball removes it anyway, after its suffix rules, when more
 * than 3 letters are left and the next letter is not ا. Removing it first
 * would measure the suffix rules on the shorter word and destroy more
 * و-initial roots (وطني -> طني -> طن, where Snowball gives وطن), and the ا
 * exception is what keeps the active participles of و-initial roots whole
 * (والي, واحد, والد, واقع). Short words (ولد) are below both guards.
 *
 * Why the hamza-alef rule: our normalisation writes أ as ا before Snowball
 * sees the word, so its ا exception would also block وأكد, وأضاف, وإن
 * (و before a hamza-alef is almost always the conjunction: a word does not
 * begin with و + hamza). The same holds for the other one-letter
 * proclitics, which Snowball does not remove at all: لألتمان -> ألتمان
 * (plain Snowball: لالتم vs التم), بأن, كأن, فأكثر. The hamza is read from
 * the original text, so it works for أ, for ا + U+0654 and for the
 * presentation-form ligatures alike.
 */

#define MIN_LETTERS_LEFT 3

static const char *const articles[] = {"وال", "بال", "كال", "فال", "لل", "ال"};

static size_t count_code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Length of the longest article form that starts s and leaves enough letters, or 0. */
static size_t article_len(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof articles / sizeof *articles; k++) {
        size_t alen = strlen(articles[k]);
        if (alen <= len && memcmp(s, articles[k], alen) == 0 &&
            count_code_points(s + alen, len - alen) >= MIN_LETTERS_LEFT)
            return alen;
    }
    return 0;
}

static int is_hamza_alef(int32_t cp)
{
    return cp == 0x0622 || cp == 0x0623 || cp == 0x0625 || cp == 0x0671 || cp == 0x0672 ||
           cp == 0x0673;
}

/* Marks, tatweel and joiners: between letters, they are not letters. */
static int is_between_letters(int32_t cp)
{
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 ||
        (cp >= 0x06D6 && cp <= 0x06ED) || cp == 0x200C || cp == 0x200D || cp == 0x00AD)
        return 1;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME || cat == UTF8PROC_CATEGORY_CF;
}

/* Is the second letter of the written word an alef carrying hamza or madda, or alef wasla? */
static int second_letter_is_hamza_alef(const unsigned char *orig, size_t len)
{
    int letters = 0;
    int32_t second = 0;
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        int k = kh_utf8_decode(orig + i, len - i, &cp);
        if (k < 0) {
            i++;
            continue;
        }
        i += (size_t)k;
        /* Presentation forms (ﻷ is lam + alef with hamza) and decomposed input: look at NFKD. */
        utf8proc_int32_t parts[8] = {cp};
        utf8proc_ssize_t nparts = 1;
        if (cp < 0x0621 || cp > 0x064A) {
            nparts =
                utf8proc_decompose_char(cp, parts, 8, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE, NULL);
            if (nparts < 1 || nparts > 8) {
                parts[0] = cp;
                nparts = 1;
            }
        }
        for (utf8proc_ssize_t p = 0; p < nparts; p++) {
            int32_t x = parts[p];
            if (x == 0x0640 || x == 0x200C || x == 0x200D || x == 0x00AD ||
                (x > 0x064A && is_between_letters(x))) {
                if (letters == 2 && second == 0x0627 && x >= 0x0653 && x <= 0x0655)
                    return 1; /* ا followed by a combining madda or hamza */
                continue;
            }
            letters++;
            if (letters == 2) {
                if (is_hamza_alef(x))
                    return 1;
                second = x;
            } else if (letters > 2) {
                return 0;
            }
        }
    }
    return 0;
}

size_t kh_arabic_prefix_len(const char *norm, size_t norm_len, const char *orig, size_t orig_len)
{
    if (!norm || norm_len == 0)
        return 0;
    size_t n = article_len(norm, norm_len);
    if (n)
        return n;
    /* All one-letter proclitics are two-byte letters of the Arabic block. */
    static const char waw[] = "و";
    if (norm_len > 2 && memcmp(norm, waw, 2) == 0) {
        n = article_len(norm + 2, norm_len - 2);
        if (n)
            return 2 + n;
    }
    static const char *const proclitics[] = {"و", "ف", "ب", "ك", "ل"};
    for (size_t k = 0; k < sizeof proclitics / sizeof *proclitics; k++) {
        if (norm_len > 2 && memcmp(norm, proclitics[k], 2) == 0 &&
            count_code_points(norm + 2, norm_len - 2) >= MIN_LETTERS_LEFT && orig &&
            second_letter_is_hamza_alef((const unsigned char *)orig, orig_len))
            return 2 + article_len(norm + 2, norm_len - 2);
    }
    return 0;
}
