#include "khabar/stopwords.h"

#include <stdlib.h>
#include <string.h>

/*
 * Snowball's English stop list (snowballstem.org, algorithms/english/stop.txt),
 * as Debian ships it in liblingua-stopwords-perl (Lingua::StopWords::EN 0.12):
 * pronouns, auxiliaries, articles, conjunctions, prepositions.
 */
static const char *const english[] = {
    "i",        "me",      "my",     "myself",   "we",         "our",       "ours",    "ourselves",
    "you",      "your",    "yours",  "yourself", "yourselves", "he",        "him",     "his",
    "himself",  "she",     "her",    "hers",     "herself",    "it",        "its",     "itself",
    "they",     "them",    "their",  "theirs",   "themselves", "what",      "which",   "who",
    "whom",     "this",    "that",   "these",    "those",      "am",        "is",      "are",
    "was",      "were",    "be",     "been",     "being",      "have",      "has",     "had",
    "having",   "do",      "does",   "did",      "doing",      "would",     "should",  "could",
    "ought",    "i'm",     "you're", "he's",     "she's",      "it's",      "we're",   "they're",
    "i've",     "you've",  "we've",  "they've",  "i'd",        "you'd",     "he'd",    "she'd",
    "we'd",     "they'd",  "i'll",   "you'll",   "he'll",      "she'll",    "we'll",   "they'll",
    "isn't",    "aren't",  "wasn't", "weren't",  "hasn't",     "haven't",   "hadn't",  "doesn't",
    "don't",    "didn't",  "won't",  "wouldn't", "shan't",     "shouldn't", "can't",   "cannot",
    "couldn't", "mustn't", "let's",  "that's",   "who's",      "what's",    "here's",  "there's",
    "when's",   "where's", "why's",  "how's",    "a",          "an",        "the",     "and",
    "but",      "if",      "or",     "because",  "as",         "until",     "while",   "of",
    "at",       "by",      "for",    "with",     "about",      "against",   "between", "into",
    "through",  "during",  "before", "after",    "above",      "below",     "to",      "from",
    "up",       "down",    "in",     "out",      "on",         "off",       "over",    "under",
    "again",    "further", "then",   "once",     "here",       "there",     "when",    "where",
    "why",      "how",     "all",    "any",      "both",       "each",      "few",     "more",
    "most",     "other",   "some",   "such",     "no",         "nor",       "not",     "only",
    "own",      "same",    "so",     "than",     "too",        "very",
};

/*
 * Lucene's ArabicAnalyzer list (analysis/ar/stopwords.txt, by Jacques Savoy,
 * BSD licence): particles, pronouns, prepositions, with and without a
 * proclitic, as published (its hamza spellings collapse here after
 * normalisation).
 */
static const char *const arabic_lucene[] = {
    "من",   "ومن",   "منها", "منه", "في",  "وفي",  "فيها",  "فيه",   "و",    "ف",    "ثم",
    "او",   "أو",    "ب",    "بها", "به",  "ا",    "أ",     "اى",    "اي",   "أي",   "أى",
    "لا",   "ولا",   "الا",  "ألا", "إلا", "لكن",  "ما",    "وما",   "كما",  "فما",  "عن",
    "مع",   "اذا",   "إذا",  "ان",  "أن",  "إن",   "انها",  "أنها",  "إنها", "انه",  "أنه",
    "إنه",  "بان",   "بأن",  "فان", "فأن", "وان",  "وأن",   "وإن",   "التى", "التي", "الذى",
    "الذي", "الذين", "الى",  "الي", "إلى", "إلي",  "على",   "عليها", "عليه", "اما",  "أما",
    "إما",  "ايضا",  "أيضا", "كل",  "وكل", "لم",   "ولم",   "لن",    "ولن",  "هى",   "هي",
    "هو",   "وهى",   "وهي",  "وهو", "فهى", "فهي",  "فهو",   "انت",   "أنت",  "لك",   "لها",
    "له",   "هذه",   "هذا",  "تلك", "ذلك", "هناك", "كانت",  "كان",   "يكون", "تكون", "وكانت",
    "وكان", "غير",   "بعض",  "قد",  "نحو", "بين",  "بينما", "منذ",   "ضمن",  "حيث",  "الان",
    "الآن", "خلال",  "بعد",  "قبل", "حتى", "عند",  "عندما", "لدى",   "جميع",
};

/*
 * lunr-languages' Arabic list (lunr.ar.js, version 1.22.0, MPL/BSD): the
 * particles again plus question words (متى كيف ماذا اين هل كم), demonstratives,
 * the "kana and her sisters" verbs and common adverbs of time, written
 * without hamza and diacritics as that library normalises.
 */
static const char *const arabic_lunr[] = {
    "اض",     "امين",   "اه",      "اها",     "اي",      "ا",      "اب",     "اجل",     "اجمع",
    "اخ",     "اخذ",    "اصبح",    "اضحى",    "اقبل",    "اقل",    "اكثر",   "الا",     "ام",
    "اما",    "امامك",  "امسى",    "ان",      "انا",     "انت",    "انتم",   "انتما",   "انتن",
    "انشا",   "انى",    "او",      "اوشك",    "اولئك",   "اولئكم", "اولاء",  "اولالك",  "اوه",
    "ايا",    "اين",    "اينما",   "اف",      "اذ",      "اذا",    "اذما",   "اذن",     "الى",
    "اليكم",  "اليكما", "اليكن",   "اليك",    "انما",    "اياك",   "اياكم",  "اياكما",  "اياكن",
    "ايانا",  "اياه",   "اياها",   "اياهم",   "اياهما",  "اياهن",  "اياي",   "ايه",     "ابتدا",
    "اثر",    "احد",    "اخرى",    "اخلولق",  "اربعة",   "ارتد",   "استحال", "اطار",    "اعادة",
    "اعلنت",  "اكد",    "الالاء",  "الالى",   "الاخيرة", "الان",   "الاول",  "الاولى",  "التى",
    "التي",   "الثاني", "الثانية", "الذاتي",  "الذى",    "الذي",   "الذين",  "السابق",  "الف",
    "اللائي", "اللاتي", "اللتان",  "اللتيا",  "اللتين",  "اللذان", "اللذين", "اللواتي", "الماضي",
    "المقبل", "الوقت",  "اليوم",   "امام",    "امس",     "انبرى",  "انقلب",  "انه",     "انها",
    "اول",    "ايار",   "ايام",    "ايضا",    "ب",       "بات",    "باسم",   "بان",     "بخ",
    "برس",    "بسبب",   "بس",      "بشكل",    "بضع",     "بطان",   "بعد",    "بعض",     "بك",
    "بكم",    "بكما",   "بكن",     "بل",      "بلى",     "بما",    "بماذا",  "بمن",     "بن",
    "بنا",    "به",     "بها",     "بي",      "بيد",     "بين",    "بله",    "بئس",     "تان",
    "تانك",   "تبدل",   "تجاه",    "تحول",    "تلقاء",   "تلك",    "تلكم",   "تلكما",   "تم",
    "تينك",   "تين",    "ته",      "تي",      "ثلاثة",   "ثم",     "ثمة",    "جعل",     "جلل",
    "جميع",   "جير",    "حار",     "حاشا",    "حاليا",   "حاي",    "حتى",    "حرى",     "حسب",
    "حم",     "حوالى",  "حول",     "حيث",     "حيثما",   "حين",    "حي",     "حبذا",    "حذار",
    "خلا",    "خلال",   "دون",     "دونك",    "ذا",      "ذات",    "ذاك",    "ذانك",    "ذان",
    "ذلك",    "ذلكم",   "ذلكما",   "ذلكن",    "ذو",      "ذوا",    "ذواتا",  "ذواتي",   "ذيت",
    "ذينك",   "ذين",    "ذه",      "ذي",      "راح",     "رجع",    "رويدك",  "ريث",     "رب",
    "زيارة",  "سبحان",  "سرعان",   "سنة",     "سنوات",   "سوف",    "سوى",    "ساء",     "ساءما",
    "شبه",    "شخصا",   "شرع",     "شتان",    "صار",     "صباح",   "صفر",    "صه",      "ضد",
    "ضمن",    "طاق",    "طالما",   "طفق",     "طق",      "ظل",     "عاد",    "عام",     "عاما",
    "عامة",   "عدا",    "عدة",     "عدد",     "عدم",     "عسى",    "عشر",    "عشرة",    "علق",
    "على",    "عليك",   "عليه",    "عليها",   "عل",      "عن",     "عند",    "عندما",   "عوض",
    "عين",    "عدس",    "عما",     "غدا",     "غير",     "ف",      "فان",    "فلان",    "فو",
    "فى",     "في",     "فيم",     "فيما",    "فيه",     "فيها",   "قال",    "قام",     "قبل",
    "قد",     "قط",     "قلما",    "قوة",     "كانما",   "كاين",   "كاي",    "كاد",     "كان",
    "كانت",   "كذا",    "كذلك",    "كرب",     "كل",      "كلا",    "كلاهما", "كلتا",    "كلم",
    "كليكما", "كليهما", "كلما",    "كم",      "كما",     "كي",     "كيت",    "كيف",     "كيفما",
    "كخ",     "لئن",    "لا",      "لات",     "لاسيما",  "لدن",    "لدى",    "لعمر",    "لقاء",
    "لك",     "لكم",    "لكما",    "لكن",     "لكنما",   "لكي",    "لكيلا",  "للامم",   "لم",
    "لما",    "لن",     "لنا",     "له",      "لها",     "لو",     "لوكالة", "لولا",    "لوما",
    "لي",     "لست",    "لستم",    "لستما",   "لستن",    "لسن",    "لعل",    "ليت",     "ليس",
    "ليسا",   "ليستا",  "ليست",    "ليسوا",   "لسنا",    "ما",     "ماانفك", "مابرح",   "مادام",
    "ماذا",   "مازال",  "مافتئ",   "مايو",    "متى",     "مثل",    "مذ",     "مساء",    "مع",
    "معاذ",   "مقابل",  "مكانكم",  "مكانكما", "مكانكن",  "مكانك",  "مليار",  "مليون",   "مما",
    "ممن",    "من",     "منذ",     "منها",    "مه",      "مهما",   "نحن",    "نحو",     "نعم",
    "نفس",    "نفسه",   "نهاية",   "نخ",      "نعما",    "ها",     "هاؤم",   "هاك",     "هاهنا",
    "هب",     "هذا",    "هذه",     "هكذا",    "هل",      "هلم",    "هلا",    "هم",      "هما",
    "هن",     "هنا",    "هناك",    "هنالك",   "هو",      "هي",     "هيا",    "هيت",     "هؤلاء",
    "هاتان",  "هاتين",  "هاته",    "هاتي",    "هج",      "هذان",   "هذين",   "هذي",     "هيهات",
    "و",      "وا",     "واحد",    "واضاف",   "واضافت",  "واكد",   "وان",    "واها",    "واوضح",
    "وراءك",  "وفي",    "وقال",    "وقالت",   "وقد",     "وقف",    "وكان",   "وكانت",   "ولا",
    "ولم",    "ومن",    "وهو",     "وهي",     "ويكان",   "وي",     "وشكان",  "يكون",    "يمكن",
    "يوم",    "ايان",
};

struct kh_stopwords {
    char **words; /* normalised, sorted by strcmp, unique */
    size_t n;
};

void kh_stopwords_free(kh_stopwords_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->words[i]);
    free(s->words);
    free(s);
}

static int compare_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the normalised form of each entry that is one token. */
static kh_status_t add_list(kh_stopwords_t *s, kh_analyzer_t *a, const char *const *list, size_t n,
                            kh_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        char norm[KH_TOKEN_FORM_MAX + 1];
        size_t len;
        kh_status_t st = kh_analyzer_join(a, list[i], strlen(list[i]), KH_FORM_NORM, ' ', norm,
                                          sizeof norm, &len, err);
        if (st)
            return st;
        if (len == 0 || memchr(norm, ' ', len))
            continue; /* not one word after analysis: it could never match a token */
        if (!(s->words[s->n] = strdup(norm)))
            return kh_error_set(err, KH_ERR_NOMEM, NULL);
        s->n++;
    }
    return KH_OK;
}

#define COUNT(list) (sizeof(list) / sizeof *(list))

kh_status_t kh_stopwords_new(kh_analyzer_t *a, unsigned lists, kh_stopwords_t **out,
                             kh_error_t *err)
{
    if (!a || !out)
        return kh_error_set(err, KH_ERR_ARG, "kh_stopwords_new: NULL argument");
    *out = NULL;
    kh_stopwords_t *s = calloc(1, sizeof *s);
    size_t cap = COUNT(english) + COUNT(arabic_lucene) + COUNT(arabic_lunr);
    if (!s || !(s->words = calloc(cap, sizeof *s->words))) {
        free(s);
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    }
    kh_status_t st = KH_OK;
    if (lists & KH_STOP_ENGLISH)
        st = add_list(s, a, english, COUNT(english), err);
    if (!st && (lists & KH_STOP_ARABIC_LUCENE))
        st = add_list(s, a, arabic_lucene, COUNT(arabic_lucene), err);
    if (!st && (lists & KH_STOP_ARABIC_LUNR))
        st = add_list(s, a, arabic_lunr, COUNT(arabic_lunr), err);
    if (st) {
        kh_stopwords_free(s);
        return st;
    }
    qsort(s->words, s->n, sizeof *s->words, compare_words);
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (kept && strcmp(s->words[kept - 1], s->words[i]) == 0)
            free(s->words[i]);
        else
            s->words[kept++] = s->words[i];
    }
    s->n = kept;
    *out = s;
    return KH_OK;
}

int kh_stopwords_has(const kh_stopwords_t *s, const char *norm, size_t len)
{
    if (!s || !s->n || !norm || len == 0 || len > KH_TOKEN_FORM_MAX)
        return 0;
    char key[KH_TOKEN_FORM_MAX + 1];
    memcpy(key, norm, len);
    key[len] = '\0';
    const char *k = key;
    return bsearch(&k, s->words, s->n, sizeof *s->words, compare_words) != NULL;
}
