/*
 * variants.h - the spellings of a name one consonant apart (issue 15,
 * item 3): زوكبيرغ (key skbrk) and زوكربيرغ (skrbrk) are one name, one
 * writing the r the other leaves out. The phonetic key (phonetic.h) merges
 * the usual letter choices (g as ج غ ق ك, v as ف ڤ, long vowels); a letter
 * written or left out it cannot merge without merging plain words too
 * (tests/bench/names.md), so the searcher looks for the keys one letter
 * away at search time instead, only those the index holds and only for a
 * name (plan.c, add_name_keys).
 */
#ifndef KHABAR_SEARCHER_VARIANTS_H
#define KHABAR_SEARCHER_VARIANTS_H

#include <stddef.h>

#include "khabar/phonetic.h"

/* The most keys kh_variants_near_keys can give: each letter left out, or l m n r put in. */
#define KH_VARIANTS_MAX (KH_PHONETIC_MAX + 4 * (KH_PHONETIC_MAX + 1))

/*
 * Writes into near the keys one letter away from key (a phonetic key:
 * ASCII letters, NUL-terminated): key with one of its letters left out,
 * then key with one of l m n r put in at each place, leaving out any that
 * has two like letters in a row (a key writes them once), has fewer than
 * KH_PHONETIC_MIN or more than KH_PHONETIC_MAX letters, or repeats key or
 * an earlier one. Returns how many, at most max. Cannot fail, allocates
 * nothing.
 */
size_t kh_variants_near_keys(const char *key, char near[][KH_PHONETIC_MAX + 1], size_t max);

#endif
