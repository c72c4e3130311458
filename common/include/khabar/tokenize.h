/*
 * tokenize.h - segmentation of UTF-8 text into words, with exact byte spans.
 *
 * The first step of the analysis pipeline (analyzer.h strings the steps
 * together). A token is a maximal run of letters, combining marks and
 * decimal digits (Unicode categories L*, M*, Nd), with these refinements:
 *
 *   - A token has one script. A letter of another script starts a new token
 *     ("لـOpenAI" -> "لـ", "OpenAI"), so each part reaches its own stemmer.
 *   - Digits join Latin and other-script letters ("Web3", "5G", "MP3") but
 *     not Arabic ones: in Arabic text a digit glued to a letter is a clitic
 *     or an era abbreviation ("و12", "الـ24", "2014م", "1436هـ"), and
 *     splitting there makes the number findable.
 *   - Inside a word, ZWNJ, ZWJ and the soft hyphen (U+200C, U+200D, U+00AD)
 *     do not split it; Arabic tatweel U+0640 is a letter (category Lm).
 *     Normalisation removes all of them.
 *   - An apostrophe (' or U+2019) between two Latin letters stays inside the
 *     word ("Altman's", "O'Reilly"); anywhere else it separates.
 *   - '.', ',' and the Arabic decimal and thousands separators (U+066B,
 *     U+066C) between two digits stay inside the token: "3.5", "1,000" and
 *     "2.0" are one token each, as in Xapian's TermGenerator. The separators
 *     are kept as written ("1,000" and "1000" are different terms): whether a
 *     comma groups thousands or marks decimals depends on the locale.
 *   - Hyphens, slashes and all other punctuation separate ("closed-source"
 *     -> "closed", "source"; "COVID-19" -> "COVID", "19"): the words keep
 *     consecutive positions, so the same analysis of a query matches them as
 *     a phrase.
 *   - Each Han ideograph and each Hiragana character is a token of its own
 *     (the scripts write no spaces; this is what Lucene's StandardTokenizer
 *     does). Other unspaced scripts (Thai, Khmer, ...) give one token per
 *     run: no dictionary segmentation here.
 *
 * Everything else separates tokens and is never part of one: spaces,
 * punctuation, curly quotes, symbols, emoji, control characters, NUL bytes
 * and invalid UTF-8 bytes (each bad byte is one separator; the tokenizer
 * never reads at or past len and never needs a NUL terminator).
 */
#ifndef KHABAR_TOKENIZE_H
#define KHABAR_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "khabar/utf8.h" /* kh_utf8_decode(): the analysis modules step with it */

#ifdef __cplusplus
extern "C" {
#endif

/* The script of a token: it picks the normalisation and the stemmer. */
typedef enum {
    KH_SCRIPT_OTHER,  /* letters of any other script: normalised, not stemmed */
    KH_SCRIPT_LATIN,  /* Latin letters (with or without digits): English stemmer */
    KH_SCRIPT_ARABIC, /* Arabic letters: Arabic light prefix step + Arabic stemmer */
    KH_SCRIPT_DIGIT,  /* digits only (with inner separators): kept as is */
} kh_script_t;

/* One token as the tokenizer sees it: a byte span of the input. */
typedef struct kh_segment {
    size_t start;       /* first byte of the token in the input */
    size_t end;         /* one past its last byte: the token is text[start, end) */
    kh_script_t script; /* the script of its letters, or KH_SCRIPT_DIGIT */
} kh_segment_t;

/*
 * A tokenizer over one text. The fields are private; the struct is public
 * only so that it can live on the stack (no allocation, nothing to free).
 */
typedef struct kh_tokenizer {
    const unsigned char *text;
    size_t len;
    size_t pos;
} kh_tokenizer_t;

/*
 * Starts tokenizing text[0, len). text need not be NUL-terminated and may
 * be NULL when len is 0. The text is borrowed: it must outlive the tokenizer.
 */
void kh_tokenizer_init(kh_tokenizer_t *t, const char *text, size_t len);

/*
 * Finds the next token. Returns 1 and fills *out, or 0 at the end of the
 * text (and on every later call). Cannot fail.
 */
int kh_tokenizer_next(kh_tokenizer_t *t, kh_segment_t *out);

#ifdef __cplusplus
}
#endif

#endif
