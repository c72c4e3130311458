/*
 * similar.h - the closest of a few known words to one a user typed: an
 * option name with a typo ("--formt": did you mean --format?).
 */
#ifndef KHABAR_SIMILAR_H
#define KHABAR_SIMILAR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Words longer than this many code points are never compared (no suggestion). */
#define KH_SIMILAR_MAX_CHARS 64

/*
 * The edit distance between two UTF-8 strings, in code points: insertions,
 * deletions, substitutions and transpositions of two neighbours each count 1
 * (optimal string alignment). (size_t)-1 when either is not valid UTF-8 or is
 * longer than KH_SIMILAR_MAX_CHARS code points.
 */
size_t kh_similar_distance(const char *a, const char *b);

/*
 * The index in candidates[0..n) of the candidate closest to word, or -1 when
 * none is close enough to be what the user meant: within a distance of 1 for
 * words of up to 4 code points, 2 up to 8, else 3; the candidate must also be
 * at least 2 code points long. Ties go to the first candidate. A candidate
 * equal to word is returned too (distance 0). NULL candidates are skipped.
 */
long kh_similar_closest(const char *word, const char *const *candidates, size_t n);

#ifdef __cplusplus
}
#endif

#endif
