/*
 * phrase.h - quoted phrases, checked on a passage's own text.
 *
 * The index keeps no word positions (schema.h: they were 44% of a compact
 * index and 41% of the indexing time, for phrases that few queries hold).
 * So a phrase is matched by Xapian as the AND of its words, and each
 * candidate passage that could be shown is then read and checked: the
 * phrase is there when its terms are consecutive tokens, as Xapian's PHRASE
 * would have found them, the tokens being exactly what the analyzer that
 * indexed the passage makes of it.
 *
 * The check remembers, for the query it serves, what each distinct word
 * form of the passages it has read comes to (a phrase term, or none), so a
 * passage is tokenized but its words are normalised and stemmed only the
 * first time each form is met: news text repeats its words, and the search
 * for "من في" on the 99 MB Arabic news corpus spent 41% of its time
 * analysing passages again.
 */
#ifndef KHABAR_PHRASE_H
#define KHABAR_PHRASE_H

#include <stddef.h>

#include "khabar/analyzer.h"
#include "khabar/status.h"

typedef enum {
    KH_PHRASE_REQUIRED, /* every passage shown has it ("a b" with +, or --all) */
    KH_PHRASE_EXCLUDED, /* no passage shown has it (-"a b") */
    KH_PHRASE_ANY,      /* the passage has at least one of the KH_PHRASE_ANY phrases */
} kh_phrase_kind_t;

typedef struct kh_phrases kh_phrases_t;

/* An empty set of phrases into *out. KH_OK or KH_ERR_NOMEM. */
kh_status_t kh_phrases_new(kh_phrases_t **out, kh_error_t *err);

/* Frees p, its phrases and the word forms it remembered. NULL is fine. */
void kh_phrases_free(kh_phrases_t *p);

/*
 * Adds the phrase terms[0..n) (index terms, in order; n >= 2). The same
 * phrase given twice with the same kind is kept once. KH_OK or KH_ERR_NOMEM.
 */
kh_status_t kh_phrases_add(kh_phrases_t *p, kh_phrase_kind_t kind, const char *const *terms,
                           size_t n, kh_error_t *err);

/*
 * Forgets the KH_PHRASE_ANY phrases: when the query has other words, a
 * passage may match without any of them (they then only rank, as AND).
 */
void kh_phrases_drop_any(kh_phrases_t *p);

/* Number of phrases kept; 0 means every passage passes. */
size_t kh_phrases_count(const kh_phrases_t *p);

/*
 * Whether text[0, len) satisfies every phrase (*ok 1) or not (*ok 0), its
 * tokens as analyzer a makes them (always the same analyzer for one p: its
 * word forms are remembered). KH_OK, KH_ERR_NOMEM.
 */
kh_status_t kh_phrases_check(kh_phrases_t *p, kh_analyzer_t *a, const char *text, size_t len,
                             int *ok, kh_error_t *err);

#endif
