/*
 * phonetic.h - a phonetic key shared by Latin and Arabic script: how a
 * foreign name written in either script is found in the other, and how its
 * Arabic spellings find each other.
 *
 * A general mapping, no table of names: the key is the word's consonant
 * skeleton over a small alphabet of sound classes that both scripts write
 * alike, the way Arabic news writes foreign sounds.
 *
 *   b  b p ب پ            f  f v ph ف ڤ          t  t th ت ط ث
 *   d  d د ض ذ            s  s z c(e i y) ss س ص ز ظ ژ
 *   x  sh ch sch tch ش چ, and تش (Arabic's "ch")
 *   k  k c q g j x(k s) ck gh kh ك ق غ ج خ گ ڨ   (g is ج غ ق ك by region)
 *   l m n r  as written
 * Vowels, h w y (and ا و ي ء ؤ ئ ه ح ع) are left out: Arabic writes only
 * long vowels, and the same name is written with or without them; a
 * letter doubled, or two letters of one class in a row, count once.
 * Examples: Musk, ماسك -> msk; Zuckerberg, زوكربيرغ -> skrbrk; Google,
 * غوغل, جوجل, قوقل -> kl; Microsoft, مايكروسوفت -> mkrsft.
 *
 * Which words have a key:
 *   - a key of fewer than KH_PHONETIC_MIN letters is none: two consonants
 *     are shared by too many words of either script;
 *   - an Arabic word has one only when it writes a long vowel (ا و ي)
 *     after its first letter: the foreign names of the news do (ماسك,
 *     ألتمان, مايكروسوفت), while most native words share their skeleton with
 *     many unrelated words written without them (مسك, مسكن).
 * The Arabic input is the word after its article and proclitics
 * (kh_arabic_prefix_len), the analyzer's business.
 */
#ifndef KHABAR_PHONETIC_H
#define KHABAR_PHONETIC_H

#include <stddef.h>

#include "khabar/tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest key, in bytes (ASCII letters), without the NUL. */
#define KH_PHONETIC_MAX 32

/* The fewest letters of a key. */
#define KH_PHONETIC_MIN 3

/*
 * Writes the key of the normalised word norm[0, len) (normalize.h) of
 * script into out (NUL-terminated; out_size at least KH_PHONETIC_MAX + 1,
 * else nothing is written) and returns its length; 0, and out "", when the
 * word has none (see above; other scripts have none). A key longer than
 * KH_PHONETIC_MAX is cut. norm need not be NUL-terminated; bytes that are
 * not UTF-8 end the word. Cannot fail, allocates nothing.
 */
size_t kh_phonetic_key(kh_script_t script, const char *norm, size_t len, char *out,
                       size_t out_size);

#ifdef __cplusplus
}
#endif

#endif
