/*
 * passage.h - an article cut into the passages that are indexed and ranked.
 *
 * Order and numbering (the N of the passage id ARTICLE_ID#N, built by the
 * indexer with KH_PASSAGE_ID_SEP):
 *   0        the title, when the article has one;
 *   1..k     the body paragraphs in order, a long paragraph as several
 *            windows, each its own number; empty paragraphs are dropped;
 *   k+1..    the related headlines, in order.
 * Body numbering starts at 1 whether or not there is a title, so a body
 * passage keeps its id when a title is added later.
 *
 * A subheading goes with the paragraph it heads: the passage text is
 * heading + "\n" + paragraph text, and heading_len says where the heading
 * ends. Each window of a long paragraph carries the heading, so that every
 * window shown alone still says what it is about.
 *
 * Windows. A paragraph of more than window_words words (counted between
 * ASCII whitespace) is cut into windows of at most window_words words that
 * end at sentence ends (a word ending in . ! ? U+061F ؟ U+06D4 ۔ or U+2026 …,
 * possibly followed by closing quotes or brackets; the Arabic comma ، and
 * semicolon ؛ are not sentence ends). Each window after the first starts at
 * a sentence start, repeating the whole sentences at the end of the
 * previous window whose length is closest to overlap_words (fewer on a tie;
 * none when repeating them would leave no room for a new sentence). A
 * sentence longer than window_words is hard-cut at word boundaries into
 * windows of exactly window_words words, overlapping by overlap_words words.
 * A window's text is the exact bytes of the paragraph from its first word's
 * first byte to its last word's last byte, so offsets in it map back to the
 * paragraph.
 */
#ifndef KHABAR_PASSAGE_H
#define KHABAR_PASSAGE_H

#include <stddef.h>

#include "article.h"
#include "khabar/schema.h"
#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Measured with tests/bench/quality.sh (nDCG@10, --per-article): windows of
 * 100/30 words gave arcd 0.799, kaiflematha 0.942, cranfield 0.329; 150/30
 * gave 0.812, 0.945, 0.331; 200/50 0.811, 0.944, 0.330; whole paragraphs
 * 0.811, 0.944, 0.339. 150 keeps most news paragraphs whole (saudinewsnet:
 * 92% have at most 150 words) while still cutting the long ones.
 */
#define KH_PASSAGE_WINDOW_WORDS 150
#define KH_PASSAGE_OVERLAP_WORDS 30

typedef struct kh_passage_opts {
    unsigned window_words;  /* at least 1 */
    unsigned overlap_words; /* less than window_words */
} kh_passage_opts_t;

/* The defaults: KH_PASSAGE_WINDOW_WORDS and KH_PASSAGE_OVERLAP_WORDS. */
kh_passage_opts_t kh_passage_opts_default(void);

typedef struct kh_passage {
    kh_kind_t kind;
    unsigned ordinal;            /* the N of ARTICLE_ID#N */
    char *text;                  /* NUL-terminated; owned by the passage array */
    size_t len;                  /* bytes of text */
    size_t heading_len;          /* bytes of the subheading at the start of text
                                    (the "\n" after it not counted), 0 if none */
    size_t paragraph;            /* body: index in the article's paragraphs; else 0 */
    size_t offset;               /* body: byte offset in that paragraph's text of the
                                    text after the heading; else 0 */
    const kh_related_t *related; /* kind related: the headline in the
                                    article (borrowed); else NULL */
} kh_passage_t;

/*
 * Cuts a into passages. opts NULL means kh_passage_opts_default(). On
 * success *out is a new array of *n passages (possibly none) that belongs to
 * the caller (kh_passages_free()); each related pointer borrows from a, so
 * a must outlive the array.
 *
 * Returns KH_OK; KH_ERR_ARG when opts has window_words 0 or overlap_words
 * not below window_words (message says which); KH_ERR_NOMEM. On failure
 * *out is NULL and *n 0.
 */
kh_status_t kh_article_passages(const kh_article_t *a, const kh_passage_opts_t *opts,
                                kh_passage_t **out, size_t *n, kh_error_t *err);

/* Frees an array from kh_article_passages() and its texts. p may be NULL. */
void kh_passages_free(kh_passage_t *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
