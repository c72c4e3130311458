#include "khabar/normalize.h"

#include <stdlib.h>
#include <utf8proc.h>

/*
 * The two Arabic choices that retrieval figures are to tune. A prototype of
 * this pipeline (BM25 over the arcd and kaiflematha sets in shared/data,
 * MRR@10) put every variant of both within 0.001 of each other: the sets are
 * too small to decide, so the defaults follow the arguments below.
 *
 * Teh marbuta ة -> ه (Larkey's Light10 normalisation). Writers, above all
 * informal ones, type ه for ة ("الشركه"); with both spellings folded the
 * stemmer sees the same input, so they always agree. Kept apart, they agree
 * only where Snowball happens to strip both, and it strips ة but not a final
 * ه after the article (plain Snowball: الشركة -> شرك, الشركه -> شركه). The
 * cost: ة-nouns meet ه-suffixed forms (كتابة, كتابه), which Snowball
 * conflates anyway (both -> كتاب). Measured with the whole ranking of
 * issue 4 (nDCG@10, --per-article): not folding ة lost arcd 0.8420 -> 0.8417,
 * kaiflematha 0.9567 -> 0.9545.
 */
#define FOLD_TEH_MARBUTA 1

/*
 * Hamza seats ؤ ئ (and ء) are kept. Edited news writes them consistently,
 * unlike the hamza on alef, which is often dropped (that one is folded,
 * below); Snowball folds ؤ -> و and ئ -> ي in the term itself, after its
 * suffix rules, and its rule for a word-final hamza needs to see the seat
 * (شاطئ -> شاطء; folded first it would become شاطي -> شاط). Folding them
 * here would make the norm and the term differ from the written word with
 * no measured gain: with the ranking of issue 4 folding them gave arcd
 * 0.8412 (0.8420 kept), kaiflematha 0.9566 (0.9567).
 */
#define FOLD_HAMZA_SEATS 0

struct kh_normalizer {
    utf8proc_int32_t *scratch; /* NFKC of the current token, slow path only */
    size_t capacity;           /* in code points */
};

kh_status_t kh_normalizer_new(kh_normalizer_t **out, kh_error_t *err)
{
    if (!out)
        return kh_error_set(err, KH_ERR_ARG, "kh_normalizer_new: out is NULL");
    *out = NULL;
    kh_normalizer_t *n = calloc(1, sizeof *n);
    if (!n)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    n->capacity = 256;
    n->scratch = malloc(n->capacity * sizeof *n->scratch);
    if (!n->scratch) {
        free(n);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    *out = n;
    return KH_OK;
}

void kh_normalizer_free(kh_normalizer_t *n)
{
    if (!n)
        return;
    free(n->scratch);
    free(n);
}

#define DROP (-1)

/*
 * Letters of the Arabic block (U+0600-U+06FF) written in another way than the
 * one they are searched as: what each becomes (DROP: deleted), a row each,
 * grouped by why; 0 for the others, which map_cp() keeps or, marks, drops.
 */
#define ARABIC(cp) [(cp)-0x0600]
static const int32_t arabic_folds[0x100] = {
    ARABIC(0x066B) = '.', /* Arabic decimal separator */
    ARABIC(0x066C) = ',', /* Arabic thousands separator */

    /* Tatweel only stretches a word on the line. */
    ARABIC(0x0640) = DROP,
    /*
     * The superscript (dagger) alef is a long a in vocalised text; it is
     * written as ا in plain spelling (هٰذا / هاذا): turning it into ا did
     * better than deleting it (earlier study here). Snowball leaves it.
     */
    ARABIC(0x0670) = 0x0627,
    /*
     * Alef forms: the hamza and madda on alef are dropped by most writers
     * (اكد / أكد), and alef wasla ٱ is the Quranic spelling of a plain
     * alef; Snowball does not fold ٱ at all.
     */
    ARABIC(0x0622) = 0x0627, /* آ */
    ARABIC(0x0623) = 0x0627, /* أ */
    ARABIC(0x0625) = 0x0627, /* إ */
    ARABIC(0x0671) = 0x0627, /* ٱ */
    ARABIC(0x0672) = 0x0627, /* alef with wavy hamza above */
    ARABIC(0x0673) = 0x0627, /* alef with wavy hamza below */
    /* Alef maqsura ى and yeh ي are confused at the end of words (الاصطناعى). */
    ARABIC(0x0649) = 0x064A,                        /* ى */
    ARABIC(0x0629) = FOLD_TEH_MARBUTA ? 0x0647 : 0, /* ة: see FOLD_TEH_MARBUTA */
    ARABIC(0x0624) = FOLD_HAMZA_SEATS ? 0x0648 : 0, /* ؤ: see FOLD_HAMZA_SEATS */
    ARABIC(0x0626) = FOLD_HAMZA_SEATS ? 0x064A : 0, /* ئ */
    /*
     * Persian and Urdu letter forms, which Arabic text gets from Persian
     * keyboards and copied names: the same letter to an Arabic reader.
     * Letters for sounds Arabic lacks (پ چ ژ گ) stay: they tell words apart.
     */
    ARABIC(0x06A9) = 0x0643, /* keheh ک */
    ARABIC(0x06AA) = 0x0643, /* swash kaf ڪ */
    ARABIC(0x06CC) = 0x064A, /* Farsi yeh ی */
    ARABIC(0x06CD) = 0x064A, /* yeh with tail */
    ARABIC(0x06D0) = 0x064A, /* yeh ې */
    ARABIC(0x06D2) = 0x064A, /* yeh barree ے */
    /* yeh barree with hamza: a hamza seat like ئ */
    ARABIC(0x06D3) = FOLD_HAMZA_SEATS ? 0x064A : 0x0626,
    ARABIC(0x06BE) = 0x0647, /* heh doachashmee ھ */
    ARABIC(0x06C1) = 0x0647, /* heh goal ہ */
    ARABIC(0x06D5) = 0x0647, /* ae ە, the Persian final heh */
    ARABIC(0x06C0) = 0x0647, /* heh with yeh above ۀ: Persian ezafe on a final heh */
    ARABIC(0x06C2) = 0x0647, /* heh goal with hamza above */
    ARABIC(0x06C3) = FOLD_TEH_MARBUTA ? 0x0647 : 0x0629, /* teh marbuta goal ۃ */
    ARABIC(0x06BA) = 0x0646,                             /* noon ghunna ں */
};
#undef ARABIC

/*
 * The per-code-point rules, applied after NFKC (or to code points that NFKC
 * leaves alone, on the fast path). Returns the replacement, or DROP.
 */
static int32_t map_cp(int32_t cp, kh_script_t script)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') /* on the slow path CASEFOLD did it already */
            return cp + ('a' - 'A');
        return cp == ' ' ? DROP : cp; /* a space only comes from NFKC of a ligature like U+FDFA */
    }
    /* Digits: the same number whatever digits it is written in (٢٠١٨ == 2018). */
    if (cp >= 0x0660 && cp <= 0x0669)
        return '0' + (cp - 0x0660);
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return '0' + (cp - 0x06F0);
    if (cp >= 0x0600 && cp <= 0x06FF && arabic_folds[cp - 0x0600])
        return arabic_folds[cp - 0x0600];
    switch (cp) {
    case 0x2019: /* typeset apostrophe: English Snowball strips "'s" only with U+0027 */
        return '\'';
    /* Joiners and the soft hyphen are invisible inside a word (NFKC's IGNORE drops them on the slow
     * path). */
    case 0x00AD:
    case 0x200C:
    case 0x200D:
        return DROP;
    default:
        break;
    }
    if (cp >= 0x0621 && cp <= 0x064A) /* the other basic Arabic letters are normal */
        return cp;
    /*
     * Harakat and tanween (U+064B-U+065F, including the hamza and madda signs
     * left over after NFKC composed what it could) and the Quranic small
     * signs U+06D6-U+06ED (Snowball strips only the basic harakat, so a
     * fully vocalised word with a small sukun U+06E1 would not match).
     */
    if ((cp >= 0x064B && cp <= 0x065F) || (cp >= 0x06D6 && cp <= 0x06ED))
        return DROP;
    if (script != KH_SCRIPT_OTHER) {
        /* Every other mark: accents on Latin letters (cafe\u0301), Arabic annotation marks. */
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
            cat == UTF8PROC_CATEGORY_ME)
            return DROP;
        if (cat == UTF8PROC_CATEGORY_ZS)
            return DROP;
    }
    return cp;
}

/*
 * Code points that NFKC (with case folding for Latin) leaves unchanged and
 * map_cp handles without a utf8proc lookup: ASCII and the Arabic letters,
 * marks and digits that make up nearly all Arabic text. The hamza and madda
 * signs U+0653-U+0655 are not: NFKC composes them with the letter before
 * (و + U+0654 -> ؤ), so they take the slow path.
 */
static int is_fast(int32_t cp)
{
    if (cp < 0x80)
        return 1;
    if (cp >= 0x0621 && cp <= 0x065F)
        return cp < 0x0653 || cp > 0x0655;
    if (cp >= 0x0660 && cp <= 0x0673)
        return 1;
    if (cp >= 0x06D6 && cp <= 0x06ED)
        return 1;
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return 1;
    switch (cp) {
    case 0x06A9:
    case 0x06AA:
    case 0x06BA:
    case 0x06BE:
    case 0x06C0:
    case 0x06C1:
    case 0x06C2:
    case 0x06C3:
    case 0x06CC:
    case 0x06CD:
    case 0x06D0:
    case 0x06D2:
    case 0x06D3:
    case 0x06D5:
    case 0x00AD:
    case 0x200C:
    case 0x200D:
    case 0x2019:
        return 1;
    default:
        return 0;
    }
}

/* Appends cp as UTF-8 unless that would pass KH_TOKEN_FORM_MAX; returns 0 when the form is full. */
static int append(char *out, size_t *len, int32_t cp)
{
    utf8proc_uint8_t bytes[4];
    size_t n = (size_t)utf8proc_encode_char(cp, bytes);
    if (*len + n > KH_TOKEN_FORM_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        out[(*len)++] = (char)bytes[i];
    return 1;
}

static kh_status_t normalize_slow(kh_normalizer_t *n, const unsigned char *word, size_t len,
                                  kh_script_t script, char *out, size_t *out_len, kh_error_t *err)
{
    /*
     * NFKC because text copied from PDFs and old Arabic encodings carries
     * presentation forms (ﺍﻟﺸﺮﻛﺔ, the ligature ﻻ) and fullwidth or ligated
     * Latin (Ｆｕｌｌ, ﬁ): the same letters to a reader.
     *
     * Latin: NFKD + case folding + marks stripped is "cafe" for café, and
     * needs no recomposition. Folded because Snowball english does not fold
     * case (Musk stays Musk), and accents because English text and its
     * readers write foreign names both ways (Zürich / Zurich, café / cafe). Arabic: NFKC without
     * stripping marks, so that decomposed hamza composes onto its seat before map_cp drops the
     * harakat. Other scripts keep their marks (Indic vowel signs) and are
     * recomposed (Hangul).
     */
    utf8proc_option_t options = UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_IGNORE;
    if (script == KH_SCRIPT_LATIN || script == KH_SCRIPT_DIGIT)
        options |= UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK;
    else if (script == KH_SCRIPT_OTHER)
        options |= UTF8PROC_CASEFOLD;

    utf8proc_ssize_t count;
    for (;;) {
        count = utf8proc_decompose_custom(word, (utf8proc_ssize_t)len, n->scratch,
                                          (utf8proc_ssize_t)n->capacity, options, NULL, NULL);
        if (count < 0)
            break;
        if ((size_t)count <= n->capacity)
            break;
        utf8proc_int32_t *bigger = realloc(n->scratch, (size_t)count * sizeof *bigger);
        if (!bigger)
            return kh_error_set(err, KH_ERR_NOMEM, "normalising a token of %zu bytes", len);
        n->scratch = bigger;
        n->capacity = (size_t)count;
    }
    if (count >= 0)
        count = utf8proc_normalize_utf32(n->scratch, count, options);
    if (count < 0) {
        if (count == UTF8PROC_ERROR_INVALIDUTF8)
            return kh_error_set(err, KH_ERR_UTF8, "normalising a token: invalid UTF-8");
        if (count == UTF8PROC_ERROR_NOMEM)
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        return kh_error_set(err, KH_ERR_INTERNAL, "utf8proc: %s", utf8proc_errmsg(count));
    }
    size_t olen = 0;
    for (utf8proc_ssize_t i = 0; i < count; i++) {
        int32_t m = map_cp(n->scratch[i], script);
        if (m != DROP && !append(out, &olen, m))
            break;
    }
    out[olen] = '\0';
    *out_len = olen;
    return KH_OK;
}

kh_status_t kh_normalize_token(kh_normalizer_t *n, const char *word, size_t len, kh_script_t script,
                               char *out, size_t out_size, size_t *out_len, kh_error_t *err)
{
    if (!n || (!word && len) || !out || !out_len || out_size < KH_TOKEN_FORM_MAX + 1)
        return kh_error_set(err, KH_ERR_ARG, "kh_normalize_token: bad argument");
    const unsigned char *s = (const unsigned char *)word;
    if (len > KH_NORM_INPUT_MAX) { /* cut at a code point boundary */
        len = KH_NORM_INPUT_MAX;
        while (len > 0 && (s[len] & 0xC0) == 0x80)
            len--;
    }
    /* Fast path: one pass, no utf8proc call; falls back on the first code point it cannot do. */
    size_t olen = 0, i = 0;
    while (i < len) {
        int32_t cp;
        int k = kh_utf8_decode(s + i, len - i, &cp);
        if (k < 0) {
            *out_len = 0;
            out[0] = '\0';
            return kh_error_set(err, KH_ERR_UTF8, "normalising a token: invalid UTF-8 at byte %zu",
                                i);
        }
        if (!is_fast(cp))
            return normalize_slow(n, s, len, script, out, out_len, err);
        int32_t m = map_cp(cp, script);
        if (m != DROP && !append(out, &olen, m))
            break;
        i += (size_t)k;
    }
    out[olen] = '\0';
    *out_len = olen;
    return KH_OK;
}
